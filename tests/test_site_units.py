"""The site's parts without a server: generated metadata, citations, printf guard, serve's errors."""

from __future__ import annotations

import csv
import socket
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT

from wgtip.presentation import PRESENTATION, Presentation
from wgtip.search import SEARCH_TABLE
from wgtip.site import metadata as site_metadata
from wgtip.site.metadata import datasette_metadata, table_metadata
from wgtip.site.pages import english_words, label_matches, locator
from wgtip.site.safety import MAX_VALUE_BYTES, client_error, limit_connection
from wgtip.tables import TABLES, Provision, columns, description_of, name_of
from wgtip.views import ANNOTATED_VIEW, VIEWS


def test_metadata_describes_every_table_and_column_from_the_models():
    meta = datasette_metadata(ROOT)
    tables = meta["databases"]["wgtip"]["tables"]
    assert set(tables) == {name_of(m) for m in TABLES} | {SEARCH_TABLE} | set(VIEWS)
    assert set(tables[ANNOTATED_VIEW]["columns"]) >= {"provision_id", "standalone_text", "addressees", "themes"}
    for model in TABLES:
        assert tables[name_of(model)]["description"] == f"{description_of(model)} {description_of(model, 'zh')}"
        assert tables[name_of(model)]["columns"] == {c.name: f"{c.description} {c.description_zh}" for c in columns(model)}
    p = tables["provisions"]
    assert (p["sort"], p["facets"], p["fts_table"]) == ("position", ["meeting", "level", "adoption"], SEARCH_TABLE)
    assert tables[SEARCH_TABLE]["hidden"] is True


def test_every_column_of_prose_is_marked_long_text():
    """The site gives the columns marked long_text (tables.py) room on table and query pages; a column of
    prose left unmarked is squeezed between the others (release notes wrapped three words a line, rows
    440 px tall). Prose: a value with a space or a CJK character, wider than 80 columns (CJK counts two)."""

    def width(value: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)

    def prose(value: str) -> bool:
        return " " in value or any(unicodedata.east_asian_width(ch) in "WF" for ch in value)

    unmarked = []
    for model in TABLES:
        with open(ROOT / "data" / f"{name_of(model)}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for c in columns(model):
            widest = max((width(r[c.name]) for r in rows if prose(r[c.name])), default=0)
            if widest > 80 and not c.long_text:
                unmarked.append((name_of(model), c.name, widest))
    assert not unmarked


def test_metadata_shows_the_built_packages_version():
    import json

    assert json.loads((ROOT / "datapackage.json").read_text())["version"] in datasette_metadata(ROOT)["description"]


def test_a_presentation_naming_a_missing_column_fails(monkeypatch):
    monkeypatch.setitem(PRESENTATION, Provision, Presentation(facets=("no_such_column",)))
    with pytest.raises(ValueError, match="no_such_column"):
        table_metadata(Provision)


def typed_rows(root, model) -> list[dict]:
    """A table's CSV rows with values as SQLite returns them (integers, 0/1 for booleans, None for empty)."""
    kinds = {c.name: c.kind for c in columns(model)}
    spell = {"integer": int, "boolean": lambda v: {"true": 1, "false": 0}[v]}
    with open(root / "data" / f"{name_of(model)}.csv", encoding="utf-8", newline="") as fh:
        return [{k: None if v == "" else spell.get(kinds[k], str)(v) for k, v in r.items()} for r in csv.DictReader(fh)]


def canned_answers(root, name: str, params: dict) -> list[tuple]:
    """What each canned query asks, answered here in Python from the package's CSV files."""
    by = {name_of(m): m for m in TABLES}
    provisions = sorted(typed_rows(root, by["provisions"]), key=lambda p: p["position"])
    meetings = {m["meeting"]: m for m in typed_rows(root, by["meetings"])}
    releases = {r["version"]: r["release_order"] for r in typed_rows(root, by["releases"])}
    if name == "provisions_of_meeting":
        return [
            (p["provision_id"], p["label"], p["level"], p["adoption"], p["meeting_start_date"], p["meeting_end_date"], p["standalone_text"]) for p in provisions if p["meeting"] == params["meeting"]
        ]
    if name == "third_meeting_proposals_endorsed_at_fourth":
        return [
            (
                p["provision_id"],
                p["label"],
                p["proposed_by"],
                p["proposed_at_meeting"],
                meetings[p["proposed_at_meeting"]]["start_date"],
                p["meeting"],
                meetings[p["meeting"]]["start_date"],
                meetings[p["meeting"]]["end_date"],
                p["endorsed_with_oral_amendments"],
                p["standalone_text"],
            )
            for p in provisions
            if p["proposed_at_meeting"] == 3
        ]
    if name == "timeline_of_meetings":

        def count(m: int, adoption: str) -> int:
            return sum(p["meeting"] == m and p["adoption"] == adoption for p in provisions)

        return [
            (
                m["meeting"],
                m["start_date"],
                m["end_date"],
                m["venue"],
                m["report_symbol"],
                m["provisions_decided"],
                m["provisions_proposed"],
                count(n, "adopted"),
                count(n, "proposed_and_endorsed"),
                count(n, "recommended_to_conference"),
                m["note"],
            )
            for n, m in sorted(meetings.items(), key=lambda nm: (nm[1]["start_date"], nm[0]))
        ]
    if name == "provisions_as_of_release":
        at = {p["provision_id"]: p for p in provisions}
        order = releases[params["version"]]
        held = [
            t
            for t in typed_rows(root, by["provision_texts"])
            if t["from_release"] is not None and releases[t["from_release"]] <= order and (t["to_release"] is None or releases[t["to_release"]] >= order)
        ]
        return [
            (t["provision_id"], at[t["provision_id"]]["label"], at[t["provision_id"]]["level"], at[t["provision_id"]]["meeting"], t["revision"], t["text"])
            for t in sorted(held, key=lambda t: at[t["provision_id"]]["position"])
        ]
    if name == "changes_between_releases":
        low, high = releases[params["from_version"]], releases[params["to_version"]]
        fields = ("change_id", "version", "table_name", "row_id", "change", "field", "old_value", "new_value", "event_seq")
        return [tuple(c[f] for f in fields) for c in sorted(typed_rows(root, by["changes"]), key=lambda c: c["change_id"]) if c["version"] is not None and low < releases[c["version"]] <= high]
    if name == "search_provisions":
        words = [w for w in params["q"].split() if w]
        simplified = {"兒童": "儿童"}  # the one traditional word asked below, converted by hand
        return [
            (p["provision_id"], p["label"], p["meeting"], p["adoption"], p["current_text"])
            for p in provisions
            if words and all(w in p["current_text"] or simplified.get(w, w) in p["current_text"] for w in words)
        ]
    raise AssertionError(f"no answer written here for canned query {name}: add one")


CANNED_PARAMETERS = {
    "provisions_of_meeting": [{"meeting": m} for m in range(1, 10)],
    "third_meeting_proposals_endorsed_at_fourth": [{}],
    "timeline_of_meetings": [{}],
    "provisions_as_of_release": [{"version": v} for v in ("1.0.0", "1.0.1", "1.1.0")],
    "changes_between_releases": [{"from_version": "1.0.0", "to_version": "1.0.1"}, {"from_version": "1.0.1", "to_version": "1.1.0"}, {"from_version": "1.0.0", "to_version": "1.1.0"}],
    "search_provisions": [{"q": q} for q in ("儿童", "培训", "儿童 培训", "兒童", "被害人 赔偿", "的", "没有这个词", "")],
}


def test_every_canned_query_answers_what_the_tables_say(built):
    """Each canned query, on the built database with the site's own escape_fts, gives the rows the same
    question gets when answered in Python from the package's CSV files (and some rows, for each query)."""
    from wgtip.search_query import match_expression

    con = sqlite3.connect(built / "build/wgtip.sqlite")
    con.create_function("escape_fts", 1, lambda q: match_expression("" if q is None else str(q)), deterministic=True)
    queries = datasette_metadata(built)["databases"][site_metadata.DATABASE]["queries"]
    assert set(queries) == set(CANNED_PARAMETERS), "every canned query is asked here"
    for name, q in queries.items():
        answered = 0
        for params in CANNED_PARAMETERS[name]:
            got = con.execute(q["sql"], params).fetchall()
            assert got == canned_answers(built, name, params), f"{name} {params}"
            answered += bool(got)
        assert answered, f"{name}: no parameters asked here give any row"
    assert not con.execute(queries["provisions_of_meeting"]["sql"], {"meeting": 3}).fetchall(), "the third meeting decided nothing"


def test_locator():
    assert locator({"paragraph": 46, "item": "j", "subitem": "vi"}) == "para. 46 (j) (vi)"
    assert locator({"paragraph": 5, "item": None, "subitem": None}) == "para. 5"


@pytest.mark.parametrize(
    "sql, ok",
    [
        ("select printf('%5.2f|%-4d|%s|%%|%.3c', 3.14159, 7, 'ab', 'z')", " 3.14|7   |ab|%|zzz"),
        ("select format('%d', 5000000000)", "5000000000"),
        ("select printf('%.*c', 999999999, 'x')", None),
        ("select printf('%.999999999c', 'x')", None),
        (f"select printf('%{MAX_VALUE_BYTES + 1}d', 1)", None),
    ],
)
def test_printf_guard_keeps_normal_use_and_refuses_huge_sizes(sql, ok):
    con = sqlite3.connect(":memory:")
    limit_connection(con)
    if ok is None:
        with pytest.raises(sqlite3.OperationalError):
            con.execute(sql).fetchone()
    else:
        assert con.execute(sql).fetchone()[0] == ok == sqlite3.connect(":memory:").execute(sql).fetchone()[0]


def test_a_value_over_the_cap_and_a_misnamed_sort_are_the_requests_errors_and_nothing_else():
    from datasette.views.base import DatasetteError

    con = sqlite3.connect(":memory:")
    limit_connection(con)
    with pytest.raises(sqlite3.DataError) as over:
        con.execute("select randomblob(?)", (MAX_VALUE_BYTES + 1,))
    message, title = client_error(over.value)
    assert f"{MAX_VALUE_BYTES:,} bytes" in message and title == "Value too large"
    assert client_error(DatasetteError("Cannot sort table by nope")) == ("Cannot sort table by nope", "Invalid request")
    assert client_error(DatasetteError("Cannot sort table by nope", status=400)) is None  # already a 400: Datasette's own answer
    assert client_error(DatasetteError("disk I/O error")) is None  # a real 500 stays one
    assert client_error(sqlite3.OperationalError("no such column: nope")) is None  # Datasette answers it with a 400 itself
    assert client_error(RuntimeError("Cannot sort table by nope")) is None
    # malformed parameters Datasette parses without a check: only when the request has them
    assert client_error(ValueError("Expecting value"), {"_through"})[0].startswith("_through must be JSON")
    assert client_error(KeyError("column"), {"_through"})[0].startswith("_through must be JSON")
    assert client_error(KeyError("column"), {"_next"}) is None
    assert client_error(ValueError("invalid literal for int()"), {"_next"})[0].startswith("_next must be")
    assert client_error(ValueError("invalid literal for int()")) is None
    unbound = sqlite3.ProgrammingError("You did not supply a value for binding parameter :p1.")
    assert client_error(unbound, row_page=True)[0].startswith("a row is named by its primary key's values")
    assert client_error(unbound) is None  # elsewhere an unbound parameter is not the visitor's doing


ERROR_PAGES = """
import asyncio, sqlite3
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils.asgi import Request
from wgtip.site.serve import PLUGINS_DIR

ds = Datasette(memory=True, plugins_dir=str(PLUGINS_DIR))
print(*[impl.plugin_name for impl in pm.hook.handle_exception.get_hookimpls()])

async def answer(exc):
    await ds.invoke_startup()  # as a served Datasette has (the error pages are rendered templates)
    try:
        raise exc
    except Exception as e:  # Datasette calls the hooks inside its own except block
        request = Request.fake("/wgtip/provisions")
        request.scope["csrftoken"] = lambda: ""  # what Datasette's CSRF middleware puts in a served request
        for hook in pm.hook.handle_exception(datasette=ds, request=request, exception=e):
            print((await hook()).status, flush=True)

asyncio.run(answer(sqlite3.DataError("string or blob too big")))
asyncio.run(answer(RuntimeError("a real server error")))
"""


def test_the_site_has_one_error_handler_which_logs_only_real_server_errors():
    """Datasette awaits every handle_exception hook, its own too: left in place, its handler printed the
    traceback of each error the safety plugin answers with a 400. A real 500 keeps its traceback."""
    out = subprocess.run([sys.executable, "-c", ERROR_PAGES], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["wgtip_safety.py", "400", "500"], out.stdout
    assert out.stderr.count("Traceback") == 1 and "RuntimeError: a real server error" in out.stderr, out.stderr
    assert "DataError" not in out.stderr


def test_the_largest_stored_value_is_far_below_the_value_cap(built):
    con = sqlite3.connect(built / "build/wgtip.sqlite")
    for model in TABLES:
        for c in columns(model):
            (n,) = con.execute(f'select coalesce(max(length(cast("{c.name}" as blob))), 0) from "{name_of(model)}"').fetchone()
            assert n * 10 < MAX_VALUE_BYTES, (name_of(model), c.name, n)


def wgtip(*args):
    return subprocess.run([sys.executable, "-m", "wgtip", *args], capture_output=True, text=True, timeout=60)


def test_serve_outside_a_repository_fails_in_one_line(tmp_path):
    r = wgtip("serve", "--root", str(tmp_path), "--port", "8001")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "events" in r.stderr


def test_serve_on_a_busy_port_fails_in_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = wgtip("serve", "--root", str(ROOT), "--port", str(s.getsockname()[1]))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "--port" in r.stderr


def test_a_port_whose_last_server_just_stopped_is_free():
    """Connections the last server closed wait in TIME_WAIT for a minute; the server (uvicorn) binds over
    them with SO_REUSEADDR, so the check before it must too, or a restart fails as "already in use"."""
    from wgtip.site.serve import check_port

    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = listener.accept()
        conn.close()  # the server's side closes first, so its end waits in TIME_WAIT
        client.close()
    # /proc/net/tcp: local address as hex ip:port, state 06 = TIME_WAIT
    states = [line.split()[3] for line in Path("/proc/net/tcp").read_text().splitlines()[1:] if line.split()[1].endswith(f":{port:04X}")]
    assert "06" in states, states
    check_port("127.0.0.1", port)  # raised ServeError before the fix
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", port))
        busy.listen()
        with pytest.raises(Exception, match="cannot listen"):
            check_port("127.0.0.1", port)


def test_publish_workflow_deploys_from_a_release_with_the_dockerfile():
    import yaml

    wf = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    assert wf[True]["release"]["types"] == ["published"]  # YAML 1.1 reads the key `on` as True
    runs = "\n".join(step.get("run", "") for job in wf["jobs"].values() for step in job["steps"])
    assert "docker build" in runs and "How to cite" in runs
    docker = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in docker and "wgtip serve --prepare-only" in docker
    for line in docker.splitlines():
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src


def test_serve_rebuilds_a_database_made_by_older_code(built, tmp_path):
    import shutil

    from wgtip.site.serve import needs_build

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    assert not needs_build(copy)
    con = sqlite3.connect(copy / "build/wgtip.sqlite")
    con.execute("drop table changes")
    con.commit()
    con.close()
    assert needs_build(copy)


@pytest.mark.parametrize("older", ["DROP VIEW provisions_annotated", None], ids=["without its view", "missing"])
def test_serve_rebuilds_a_duckdb_file_made_by_older_code_or_missing(built, tmp_path, older):
    """The site offers the DuckDB file for download: one without the views (or none) is rebuilt too."""
    import shutil

    import duckdb

    from wgtip.site.serve import needs_build

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    assert not needs_build(copy)
    if older is None:
        (copy / "build/wgtip.duckdb").unlink()
    else:
        con = duckdb.connect(str(copy / "build/wgtip.duckdb"))
        con.execute(older)
        con.close()
    assert needs_build(copy)


@pytest.mark.parametrize(
    "older",
    [
        "DROP TABLE sqlite_stat1",  # before the planner's statistics
        "DROP INDEX ix_provisions_parent_id",  # before the indexes
        "DROP VIEW provisions_annotated; CREATE VIEW provisions_annotated AS SELECT * FROM provisions ORDER BY position",  # another view
        "UPDATE provisions SET rowid = 1000000 WHERE position = 1",  # provisions (and the search index) numbered in the log's order
    ],
)
def test_serve_rebuilds_a_database_whose_derived_objects_are_older(built, tmp_path, older):
    """After a pull, `./dev serve` must not keep serving a file whose indexes, statistics, views or
    numbering the code no longer makes (the log, and so the file's date, may not have changed)."""
    import shutil

    from wgtip.site.serve import needs_build

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    assert not needs_build(copy)
    con = sqlite3.connect(copy / "build/wgtip.sqlite")
    con.executescript(older)
    con.close()
    assert needs_build(copy)


def test_a_plain_datasette_on_the_same_file_stays_plain(built):
    """The plugins are scoped to `wgtip serve` (--plugins-dir): benchmarks with plain Datasette measure plain Datasette."""
    import json
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("datasette"))
    db = str(built / "build/wgtip.sqlite")
    plugins = subprocess.run([exe, db, "--get", "/-/plugins.json"], capture_output=True, text=True, timeout=60)
    assert plugins.returncode == 0 and json.loads(plugins.stdout) == []
    r = subprocess.run([exe, db, "--get", "/wgtip.json?sql=select+escape_fts('强迫劳动')+as+v&_shape=array"], capture_output=True, text=True, timeout=60)
    assert json.loads(r.stdout) == [{"v": '"强迫劳动"'}]  # Datasette's own escape_fts, not the bigram one


def test_the_image_has_what_prepare_only_needs(tmp_path):
    """What the Dockerfile copies in is enough for `wgtip serve --prepare-only` (its build step)."""
    import shutil

    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            *sources, _ = line.split()[1:]
            for src in sources:
                (shutil.copytree if (ROOT / src).is_dir() else shutil.copy)(ROOT / src, tmp_path / src)
    r = wgtip("serve", "--prepare-only", "--root", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "build/site/metadata.json").is_file()
    assert list((tmp_path / "build/releases").glob("*/*.zip"))


def test_the_home_pages_counts_leave_out_a_group_whose_count_runs_out_of_time(built):
    """The home page counts provisions by theme and by addressee; a count stopped by the site's time limit
    (a far bigger log) leaves that group out instead of failing the home page."""
    import asyncio
    from types import SimpleNamespace

    from datasette.database import QueryInterrupted

    from wgtip.site import pages

    con = sqlite3.connect(built / "build/wgtip.sqlite")
    con.row_factory = sqlite3.Row

    class ThemesTooSlow:
        path = str(built / "build/wgtip.sqlite") + "#themes-too-slow"  # its own entry in the cache

        async def execute(self, sql, params=None):
            if "provision_themes" in sql:
                raise QueryInterrupted(None, sql, params)
            return SimpleNamespace(rows=con.execute(sql, params or {}).fetchall())

    groups = asyncio.run(pages.browse(ThemesTooSlow()))
    con.close()
    assert [g.view_column for g in groups] == ["addressees"]
    with open(built / "data/provision_addressees.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    from collections import Counter

    direct = Counter(a for _, a in {(r["provision_id"], r["addressee"]) for r in rows if r["role"] == "direct"})
    any_role = Counter(a for _, a in {(r["provision_id"], r["addressee"]) for r in rows})
    assert direct != any_role  # some addressee is indirect somewhere (else the roles prove nothing)
    # each term with its count as a direct addressee and in any role, each said so; a term only ever indirect has no direct count
    assert {v["code"]: [(c["view_column"], c["qualifier"], c["provisions"]) for c in v["counts"]] for v in groups[0].values} == {
        code: [("addressees", "direct role", direct[code])] * (code in direct) + [("addressees_any", "any role", n)] for code, n in any_role.items()
    }


@pytest.mark.parametrize(
    "query, words",
    [
        ("children", ["children"]),
        ("Child LABOUR child", ["child", "labour"]),  # lower case, each once, in order
        ("victims of trafficking in persons", ["victims"]),  # function words and what every recommendation is about
        ("儿童 培训", []),
        ("UN 儿童 of", []),  # shorter than three letters
        ("<script>alert(1)</script>", ["script", "alert"]),
    ],
)
def test_english_words_of_a_query(query, words):
    assert english_words(query) == words


def test_each_term_of_the_view_is_found_by_each_of_its_labels_words_and_by_their_beginnings():
    """Every English label of the annotated view's vocabularies (from the committed CSV), each of its words that a
    query keeps: the word and, for a word of four letters or more, its first four letters and the word with a plural
    ending find the label; a word that is
    not in the label, nor begins nor is begun by one of its words, does not."""
    from wgtip.views import ARRAYS

    vocabularies = {a.vocabulary for a in ARRAYS}
    with open(ROOT / "data" / "vocabulary_terms.csv", encoding="utf-8", newline="") as fh:
        labels = [r["label"] for r in csv.DictReader(fh) if r["vocabulary"] in vocabularies]
    assert len(labels) > 40
    checked = 0
    for label in labels:
        parts = [w for w in label.replace("'", " ").replace("-", " ").split() if english_words(w)]
        for part in parts:
            for query in (part, part[:4], part + "s") if len(part) >= 4 else (part,):
                assert label_matches(english_words(query), label), (query, label)
                checked += 1
        assert not label_matches(english_words("smuggling"), label)
    assert checked > 100
    assert label_matches(["trainings"], "Training") and not label_matches(["rain"], "Training")
    assert not label_matches(["trafficking"], "Trafficking for organ removal") and label_matches(["organ"], "Trafficking for organ removal")
