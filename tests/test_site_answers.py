"""Issue 34 items 1-4 over HTTP, against a real `wgtip serve`: answers that are complete or say why not, addressees by
role, Chinese search syntax, every release at its own URL, and a citation on every page.

Expected values come from the repository copy the server built (its CSV files, read with the csv module), from each
release's published artefacts (its zip's CSV files, its SQLite file read with sqlite3), or from `wgtip cite`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ROOT

from wgtip.paths import release_artefacts
from wgtip.release import published_versions
from wgtip.site.safety import MAX_RETURNED_ROWS
from wgtip.tables import TABLES, columns, name_of

pytestmark = pytest.mark.server


def read_csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def releases(root: Path) -> list[str]:
    return [r["version"] for r in sorted(read_csv(root, "releases"), key=lambda r: int(r["release_order"]))]


def database_of(version: str) -> str:
    return "wgtip-" + version.replace(".", "-")


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def released_csv(root: Path, version: str, table: str) -> list[dict[str, str]]:
    """A table as release ``version`` published it: the CSV in its zip."""
    zipped = root / "build" / "releases" / version / release_artefacts(version)["zip"]
    with zipfile.ZipFile(zipped) as z:
        [name] = [n for n in z.namelist() if n.endswith(f"data/{table}.csv")]
        return csv_rows(z.read(name))


# --- item 1: addressees by role ------------------------------------------------------------------------------


def held(root: Path, column: str, value: str, role: str | None = None) -> set[str]:
    table = {"addressee": "provision_addressees", "theme": "provision_themes"}[column]
    return {r["provision_id"] for r in read_csv(root, table) if r[column] == value and (role is None or r["role"] == role)}


def test_the_issues_example_is_answered_in_any_role_and_every_role_is_said(server):
    """provisions_annotated?addressees__arraycontains=unodc&themes__arraycontains=protection gave 0 rows: UNODC is a
    direct addressee of none of them. In any role (the Conference asked to have UNODC compile practice: 2.16, 2.56)
    and in the indirect role it is answered, each compared with the CSVs."""
    protection = held(server.root, "theme", "protection")
    for array, role in [("addressees", "direct"), ("addressees_indirect", "indirect"), ("addressees_any", None)]:
        want = held(server.root, "addressee", "unodc", role) & protection
        got = server.get("/wgtip/provisions_annotated.json", params={f"{array}__arraycontains": "unodc", "themes__arraycontains": "protection", "_shape": "array", "_size": "max"}).json()
        assert {r["provision_id"] for r in got} == want, array
    assert {"wgtip-m2-p16", "wgtip-m2-p56"} <= held(server.root, "addressee", "unodc") & protection  # the issue's examples
    assert not held(server.root, "addressee", "unodc", "direct") & protection
    # every facet of an addressee array says which role it counts
    page = server.get("/wgtip/provisions_annotated", params={"_facet_size": "max"}).text
    for array, qualifier in [("addressees", "direct role"), ("addressees_indirect", "indirect role"), ("addressees_any", "any role")]:
        facet = page[page.index(f'data-column="{array}"') :]
        assert re.search(rf"<strong>{array} \(array\) <span class=\"wgtip-qualifier\">{qualifier}</span>", facet[:400]), array


# --- item 1: complete answers ---------------------------------------------------------------------------------


def changes_between(root: Path, old: str, new: str) -> list[dict[str, str]]:
    """The changes published after release ``old`` up to ``new``, from changes.csv and releases.csv, in change_id order."""
    order = {r["version"]: int(r["release_order"]) for r in read_csv(root, "releases")}
    rows = [c for c in read_csv(root, "changes") if c["version"] and order[old] < order[c["version"]] <= order[new]]
    return sorted(rows, key=lambda c: int(c["change_id"]))


def test_the_changes_between_the_first_and_last_release_download_complete_and_the_page_says_the_limit(server):
    versions = releases(server.root)
    old, new = versions[0], versions[-1]
    want = changes_between(server.root, old, new)
    assert len(want) > MAX_RETURNED_ROWS  # 1,461 between 1.0.0 and 1.1.0: past the row limit (else this proves less)
    params = {"from_version": old, "to_version": new}
    ids = [c["change_id"] for c in want]
    for path in ["/-/complete/wgtip/changes_between_releases.csv", "/wgtip/changes_between_releases.csv"]:
        for extra in ({}, {"_stream": "1"}, {"_dl": "1"}):
            r = server.get(path, params={**params, **extra})
            assert r.status_code == 200, (path, extra)
            assert [c["change_id"] for c in csv_rows(r.content)] == ids, (path, extra)
    full = server.get("/-/complete/wgtip/changes_between_releases.json", params=params).json()
    assert [str(c["change_id"]) for c in full] == ids and full[0]["old_value"] == want[0]["old_value"]
    # the page and its JSON show the limit's worth and say so; the page links the complete answer
    page = html.unescape(server.get("/wgtip/changes_between_releases", params=params).text)
    assert f"This answer has more than {MAX_RETURNED_ROWS:,} rows" in page
    for fmt in ("csv", "json"):
        assert f'href="/-/complete/wgtip/changes_between_releases.{fmt}?from_version={old}&to_version={new}"' in page
    assert server.get("/wgtip/changes_between_releases.json", params=params).json()["truncated"] is True


@pytest.mark.parametrize("table", ["provisions", "changes", "events", "provision_themes", "provisions_annotated"])
def test_every_table_and_view_downloads_complete_as_csv_and_json(server, table):
    """What the page's complete links give, compared with the package's CSV (the view: with provisions.csv); a
    filtered and searched page's complete answer is the page's own rows, all of them."""
    source = "provisions" if table == "provisions_annotated" else table
    want = read_csv(server.root, source)
    key = next(iter(want[0]))
    got_csv = csv_rows(server.get(f"/-/complete/wgtip/{table}.csv").content)
    got_json = server.get(f"/-/complete/wgtip/{table}.json").json()
    assert sorted(r[key] for r in got_csv) == sorted(r[key] for r in want), table
    assert sorted(str(r[key]) for r in got_json) == sorted(r[key] for r in want), table
    if table != "provisions_annotated":
        assert got_csv[0].keys() == want[0].keys()
        # the same values; a boolean is stored in SQLite (and so given by Datasette) as 1/0, the package's CSV as true/false
        model = next(m for m in TABLES if name_of(m) == table)
        booleans = {c.name for c in columns(model) if c.kind == "boolean"}
        by_key = {r[key]: r for r in want}
        assert all({k: ({"1": "true", "0": "false"}.get(v, v) if k in booleans else v) for k, v in r.items()} == by_key[r[key]] for r in got_csv), table
    # a table's own CSV asked for whole is whole (Datasette's stopped at the row limit)
    assert len(csv_rows(server.get(f"/wgtip/{table}.csv", params={"_size": "max"}).content)) == len(want)
    page = html.unescape(server.get(f"/wgtip/{table}").text)
    assert f"All {len(want):,} rows, complete" in page and f'href="/-/complete/wgtip/{table}.csv"' in page


def test_a_filtered_searched_and_sorted_page_downloads_its_own_rows_complete(server):
    """The complete answer of a page is its rows, all of them, in its order: not cut by the page's size or place."""
    params = {"themes__arraycontains": "children", "_search": "儿童", "_sort_desc": "position"}
    provisions = sorted(read_csv(server.root, "provisions"), key=lambda p: -int(p["position"]))
    children = held(server.root, "theme", "children")
    want = [p["provision_id"] for p in provisions if p["provision_id"] in children and "儿童" in p["current_text"]]
    assert len(want) > 5
    for fmt in ("json", "csv"):
        r = server.get(f"/-/complete/wgtip/provisions_annotated.{fmt}", params={**params, "_size": "5", "_next": "5"})
        got = r.json() if fmt == "json" else csv_rows(r.content)
        assert [row["provision_id"] for row in got] == want, fmt
        assert r.headers["x-wgtip-rows"] == str(len(want))


def test_a_complete_answer_that_cannot_be_made_is_refused_not_cut(server):
    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select x from c"
    for fmt in ("csv", "json"):
        r = server.get(f"/-/complete/wgtip.{fmt}", params={"sql": endless})
        assert r.status_code == 400 and "time limit" in r.text, fmt
    r = server.get("/wgtip.csv", params={"sql": endless})
    assert r.status_code == 400 and "time limit" in r.text
    r = server.get("/-/complete/wgtip.csv", params={"sql": "delete from provisions"})
    assert r.status_code == 400
    assert server.get("/-/complete/wgtip/no_such_table.csv").status_code == 404
    assert server.get("/-/complete/nope/provisions.csv").status_code == 404


def test_an_empty_answer_with_a_known_reason_says_it_and_links_the_rows(server):
    """The third meeting decided nothing: its proposals were endorsed, and are counted, at the fourth."""
    proposed = [p["provision_id"] for p in read_csv(server.root, "provisions") if p["proposed_at_meeting"] == "3"]
    assert proposed and not [p for p in read_csv(server.root, "provisions") if p["meeting"] == "3"]
    for path in ["/wgtip/provisions?meeting=3", "/wgtip/provisions_annotated?meeting=3", "/wgtip/provisions_of_meeting?meeting=3"]:
        page = html.unescape(server.get(path).text)
        assert "The third meeting (19 October 2010) decided no recommendations" in page, path
        assert f"the {len(proposed)} proposed there were endorsed at the fourth meeting" in page, path
        assert "第四次会议核可" in page, path  # the meeting's own note, in Chinese
        assert '<a href="/wgtip/provisions?proposed_at_meeting=3">' in page, path
    linked = server.get("/wgtip/provisions.json", params={"proposed_at_meeting": "3", "_shape": "array", "_size": "max"}).json()
    assert sorted(r["provision_id"] for r in linked) == sorted(proposed)
    assert "decided no recommendations" not in server.get("/wgtip/provisions?meeting=4").text


@pytest.mark.parametrize(
    "params, says",
    [
        ({"from_version": "1.1.0", "to_version": "1.0.0"}, "to_version (1.0.0) is earlier than from_version (1.1.0)"),
        ({"from_version": "1.0.0", "to_version": "1.0.0"}, "to_version (1.0.0) is the same release as from_version (1.0.0)"),
        ({"from_version": "1.0.0", "to_version": "9.9.9"}, f"to_version: no release '9.9.9' in this database (releases: {', '.join(published_versions(ROOT))})"),
        ({"from_version": "1.0.0"}, "changes_between_releases needs from_version and to_version: to_version is missing"),
    ],
)
def test_bad_release_parameters_are_a_clear_error_not_zero_rows(server, params, says):
    for ext in ("", ".json", ".csv"):
        r = server.get(f"/wgtip/changes_between_releases{ext}", params=params)
        assert r.status_code == 400, (ext, r.text[:200])
        assert says in (r.json()["error"] if ext == ".json" else html.unescape(r.text)), ext
    r = server.get("/wgtip/provisions_as_of_release.json", params={"version": "2.0"})
    assert r.status_code == 400 and "no release '2.0'" in r.json()["error"]
    assert server.get("/wgtip/changes_between_releases").status_code == 200  # no parameters: the form


# --- item 2: Chinese search ----------------------------------------------------------------------------------


def found(server, path: str, query: str) -> list[str]:
    return [r["provision_id"] for r in server.get(path, params={"_search": query, "_shape": "array", "_size": "max"}).json()]


@pytest.mark.parametrize("path", ["/wgtip/provisions.json", "/wgtip/provisions_annotated.json"])
def test_a_run_without_spaces_finds_what_its_words_find_and_the_operators_work(server, path):
    texts = {p["provision_id"]: p["current_text"] for p in read_csv(server.root, "provisions")}

    def having(*words, without=()):
        return sorted((p for p, t in texts.items() if all(w in t for w in words) and not any(w in t for w in without)), key=lambda p: list(texts).index(p))

    order = [p["provision_id"] for p in sorted(read_csv(server.root, "provisions"), key=lambda p: int(p["position"]))]

    def ordered(ids):
        return sorted(ids, key=order.index)

    assert found(server, path, "儿童培训") == found(server, path, "儿童 培训") == ordered(having("儿童", "培训")) != []
    assert found(server, path, '"儿童培训"') == ordered(having("儿童培训"))
    assert found(server, path, "被害人 -儿童") == ordered(having("被害人", without=("儿童",)))
    assert found(server, path, "儿童 OR 劳动") == ordered(set(having("儿童")) | set(having("劳动")))


@pytest.mark.parametrize("query, says", [('"儿童', "a quote is not closed"), ("儿童 OR", "OR needs a word"), ("-儿童", "only words to leave out")])
def test_a_search_the_syntax_refuses_is_a_400_in_english_and_chinese(server, query, says):
    for path, param in [("/wgtip/provisions.json", "_search"), ("/wgtip/provisions_annotated.json", "_search"), ("/wgtip/search_provisions.json", "q")]:
        r = server.get(path, params={param: query})
        assert r.status_code == 400, path
        assert says in r.json()["error"] and re.search("[\u4e00-\u9fff]", r.json()["error"]), path


def test_the_search_page_says_what_it_searched_and_hints_in_chinese_when_nothing_is_found(server):
    page = html.unescape(server.get("/wgtip/provisions", params={"_search": "儿童培训"}).text)
    assert "Provisions whose text contains 儿童 and 培训 (“儿童培训” cut into words)." in page
    assert "正文包含「儿童」、「培训」（“儿童培训”切分为词语）的条文。" in page
    assert "Search: words separated by spaces must all occur" in page and "检索：以空格分隔的词语须全部出现" in page
    page = html.unescape(server.get("/wgtip/provisions", params={"_search": "儿童 宇宙"}).text)
    assert "没有条文同时包含以上全部内容" in page and "No provision contains all of it" in page
    children = len(found(server, "/wgtip/provisions.json", "儿童"))
    assert f'儿童</a>: {children} provisions <span lang="zh">（{children} 条）' in page and "宇宙</a>: 0 provisions" in page
    page = html.unescape(server.get("/wgtip/provisions", params={"_search": "smuggling"}).text)
    assert "请用中文词语检索" in page  # the advice for an English search, in Chinese too


# --- item 3: every release at its own URL --------------------------------------------------------------------


def test_every_release_is_served_as_published_at_its_own_url(server):
    versions = releases(server.root)
    assert len(versions) >= 3
    dbs = {d["name"]: d for d in server.get("/-/databases.json").json()}
    for version in versions:
        db = database_of(version)
        assert db in dbs and dbs[db]["is_mutable"] is False
        want = sorted((p["provision_id"], p["current_text"]) for p in released_csv(server.root, version, "provisions"))
        got = server.get(f"/{db}/provisions.json", params={"_shape": "array", "_size": "max"}).json()
        assert sorted((p["provision_id"], p["current_text"]) for p in got) == want, version
        # its own releases: up to itself
        assert [r["version"] for r in server.get(f"/{db}/releases.json", params={"_shape": "array"}).json()] == versions[: versions.index(version) + 1]
        # searched in its own texts
        texts = {p["provision_id"]: p["current_text"] for p in released_csv(server.root, version, "provisions")}
        hits = {r["provision_id"] for r in server.get(f"/{db}/provisions.json", params={"_search": "儿童 培训", "_shape": "array", "_size": "max"}).json()}
        assert hits == {p for p, t in texts.items() if "儿童" in t and "培训" in t} != set()
        page = html.unescape(server.get(f"/{db}").text)
        assert f"This database is <strong>release {version}</strong>" in page
    # a release before the annotations has no annotated view; the current one, and 1.1.0, do
    assert server.get(f"/{database_of(versions[0])}/provisions_annotated").status_code == 404
    assert server.get(f"/{database_of('1.1.0')}/provisions_annotated.json", params={"addressees_any__arraycontains": "unodc"}).status_code == 200
    # a corrected text: 1.0.0 has the printed text, 1.0.1 the correction
    corrected = next(r for r in read_csv(server.root, "provision_texts") if r["revision"] == "2")
    old = server.get(f"/{database_of('1.0.0')}/provisions/{corrected['provision_id']}.json", params={"_shape": "array"}).json()[0]
    new = server.get(f"/{database_of('1.0.1')}/provisions/{corrected['provision_id']}.json", params={"_shape": "array"}).json()[0]
    assert old["current_text"] != new["current_text"] == corrected["text"]


def test_a_releases_published_sqlite_file_is_untouched_and_is_what_its_database_downloads(server):
    """The site serves a copy of each release's SQLite file with a search index and views added; the published
    file keeps its bytes (its SHA256SUMS line) and is what /<database>.db gives."""
    for version in releases(server.root):
        folder = server.root / "build" / "releases" / version
        name = release_artefacts(version)["sqlite"]
        sums = dict(reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines())
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sums[name]
        r = server.get(f"/{database_of(version)}.db", follow_redirects=True)
        assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == sums[name], version
        copy = server.root / "build" / "site" / f"{database_of(version)}.sqlite"
        with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as con:
            assert con.execute("select count(*) from sqlite_master where name = 'provisions_search'").fetchone() == (1,)
        with closing(sqlite3.connect(f"file:{folder / name}?mode=ro", uri=True)) as con:
            assert con.execute("select count(*) from sqlite_master where name = 'provisions_search' or type = 'view'").fetchone() == (0,)


def test_the_home_page_lists_every_release_with_its_digest_and_its_database(server):
    page = server.get("/").text
    for r in read_csv(server.root, "releases"):
        assert f'<a href="/{database_of(r["version"])}">Release {r["version"]}</a> ({r["published_on"]}), <code class="wgtip-digest">sha256:{r["digest"]}</code>' in page


# --- item 4: a citation on every page --------------------------------------------------------------------------


def cite(root: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "wgtip", "cite", "--root", str(root), *args], capture_output=True, text=True, check=True).stdout


def test_a_provisions_page_cites_the_release_it_shows_with_its_digest_as_wgtip_cite_does(server):
    pid = next(p["provision_id"] for p in read_csv(server.root, "provisions") if p["level"] == "item")
    for version in releases(server.root):
        page = html.unescape(server.get(f"/{database_of(version)}/provisions/{pid}").text)
        want = cite(server.root, "--release", version, pid).strip()
        assert f'<code class="wgtip-citation wgtip-provision-citation">{want}</code>' in page, version
        digest = next(r["digest"] for r in read_csv(server.root, "releases") if r["version"] == version)
        assert f"sha256:{digest}" in want
        published_on = next(r["published_on"] for r in read_csv(server.root, "releases") if r["version"] == version)
        for name in ("bib", "json"):
            assert f'href="/-/cite/{database_of(version)}/{pid}.{name}"' in page
        r = server.get(f"/-/cite/{database_of(version)}/{pid}.bib")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-bibtex")
        assert_bibtex_cites(r.text, version, published_on, digest, pid)
        assert_bibtex_cites(server.get(f"/-/cite/{database_of(version)}.bib").text, version, published_on, digest)
        r = server.get(f"/-/cite/{database_of(version)}/{pid}.json")
        assert r.status_code == 200
        assert_csl_json_cites(r.text, version, published_on, digest, pid)
    current = json.loads(server.get(f"/-/cite/wgtip/{pid}.json").text)
    assert current[0]["type"] == "dataset" and pid in current[0]["title"]


def assert_bibtex_cites(body: str, version: str, published_on: str, digest: str, pid: str | None = None) -> None:
    """A BibTeX download, read by pybtex: one dataset entry naming the release, its date and digest (and the
    provision), compared with releases.csv."""
    from pybtex.database import parse_string

    entries = parse_string(body, "bibtex").entries
    assert len(entries) == 1
    [entry] = entries.values()
    assert entry.type == "dataset"
    assert entry.fields["version"] == version and entry.fields["year"] == published_on[:4] and entry.fields["date"] == published_on
    assert f"sha256:{digest}" in entry.fields["note"]
    if pid:
        assert pid in entry.fields["title"] and pid in entry.fields["note"]


def assert_csl_json_cites(body: str, version: str, published_on: str, digest: str, pid: str | None = None) -> None:
    """A CSL-JSON download, read by json: one dataset item with the release, its date and digest (and the provision)."""
    [item] = json.loads(body)
    assert item["type"] == "dataset" and item["version"] == version
    assert item["issued"] == {"date-parts": [[int(x) for x in published_on.split("-")]]}
    assert f"sha256:{digest}" in item["note"]
    if pid:
        assert pid in item["title"] and pid in item["note"]


@pytest.mark.parametrize(
    "path", ["/wgtip", "/wgtip/provisions", "/wgtip/meetings/1", "/wgtip/timeline_of_meetings", "/wgtip?sql=select+1", "/wgtip-1-0-0", "/wgtip-1-0-0/provisions", "/wgtip-1-0-1/meetings/1"]
)
def test_every_page_of_a_database_cites_the_version_it_holds(server, path):
    database = path.split("/")[1].split("?")[0]
    version = next((v for v in releases(server.root) if database_of(v) == database), None)
    page = html.unescape(server.get(path).text)
    built = json.loads((server.root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    if version is None and "+unreleased." in built:
        # the current build is not a release (events were recorded since): it is cited as its version, with no digest
        cited = re.search(r'<code class="wgtip-citation wgtip-dataset-citation">([^<]*)</code>', page)
        assert cited and f"version {built} (not a release" in cited.group(1) and "sha256" not in cited.group(1), path
        return
    want = cite(server.root, "--release", version).strip() if version else cite(server.root).strip()
    assert f'<code class="wgtip-citation wgtip-dataset-citation">{want}</code>' in page, path


def answer_sha256(columns: list[str], rows: list[tuple]) -> str:
    """The hash docs/site.md defines, computed here with the standard library alone."""
    lines = [columns, *[list(r) for r in rows]]
    return hashlib.sha256("".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) + "\n" for x in lines).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_cite_this_query_gives_the_sql_the_release_its_digest_and_the_hash_of_the_whole_answer(server, version):
    """The hash is recomputed from the release's published SQLite file (not the site's copy) with sqlite3: the
    number came from that exact data. Between the first release and this one the changes pass the row limit in
    1.1.0: the hash covers every row, not the page's 1,000."""
    db = database_of(version)
    first = releases(server.root)[0]
    queries = [(f"/{db}/timeline_of_meetings", {}), (f"/{db}", {"sql": "select meeting, count(*) as provisions from provisions group by meeting order by meeting"})]
    if version != first:
        queries.append((f"/{db}/changes_between_releases", {"from_version": first, "to_version": version}))
    artefact = server.root / "build" / "releases" / version / release_artefacts(version)["sqlite"]
    meta = server.get("/-/metadata.json").json()["databases"][db]["queries"]
    digest = next(r["digest"] for r in read_csv(server.root, "releases") if r["version"] == version)
    for path, params in queries:
        record = server.get("/-/cite-query" + path + ".json", params=params).json()
        sql = params.get("sql") or meta[path.rsplit("/", 1)[1]]["sql"]
        bound = {k: v for k, v in params.items() if k != "sql"}
        with closing(sqlite3.connect(f"file:{artefact}?mode=ro", uri=True)) as con:
            cur = con.execute(sql, bound)
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        assert record["sql"] == sql and record["params"] == bound
        assert (record["version"], record["digest"], record["release"]) == (version, digest, True)
        assert record["rows"] == len(rows) and record["answer_sha256"] == answer_sha256(columns, rows), path
        page = html.unescape(server.get(path, params=params).text)
        assert "Cite this query" in page and record["answer_sha256"] in page and f"sha256:{digest}" in page
        assert f"{len(rows):,} row" in page
    if version == "1.1.0":
        assert record["rows"] > MAX_RETURNED_ROWS  # the changes since the first release: the hash covers every row
