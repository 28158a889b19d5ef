"""The published site, tested over HTTP against a real `wgtip serve` subprocess.

Expected values come from the repository copy the server built (its CSV
files, read here with the csv module) or from the source file itself.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import opencc
import pytest
from test_build import duckdb_rows, sqlite_rows

from wgtip.tables import TABLES, Provision, columns, name_of, table_of
from wgtip.tables import Event as EventRow

pytestmark = pytest.mark.server


def read_csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def provisions(root: Path) -> list[dict[str, str]]:
    return sorted(read_csv(root, "provisions"), key=lambda r: int(r["position"]))


def page(server, path: str, **params) -> str:
    r = server.get(path, params=params)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return html.unescape(r.text)


def sql(server, query: str, **params):
    start = time.monotonic()
    r = server.get("/wgtip.json", params={"sql": query, "_shape": "objects", **params})
    return r, time.monotonic() - start


# --- home page -----------------------------------------------------------------------------------


def test_home_page_says_what_where_from_version_licence_and_how_to_cite(server):
    text = page(server, "/")
    package = json.loads((server.root / "datapackage.json").read_text())
    version = package["version"]
    source_sha = hashlib.sha256(next((server.root / "sources").glob("*.txt")).read_bytes()).hexdigest()
    assert "Working Group on Trafficking in Persons" in text
    assert "贩运人口问题工作组前八次会议通过的建议" in text  # the source document's title
    assert source_sha in text
    assert f">{version}<" in text
    assert "Creative Commons Attribution 4.0" in text
    cite = subprocess.run([sys.executable, "-m", "wgtip", "cite", "--root", str(server.root)], capture_output=True, text=True, check=True)
    if version in {r["version"] for r in read_csv(server.root, "releases")}:
        assert cite.stdout.strip() in text  # the same citation as `wgtip cite` gives
    else:  # data recorded since the latest release: cited as the version served, not as the release `wgtip cite` names
        cited = cite.stdout.strip()
        assert cited.split(", version ")[0] + f", version {version} (not a release)." in text and cited not in text
    assert "/wgtip/provisions_annotated?addressees__arraycontains=unodc" in text
    # said once, not again under the downloads by Datasette's own block (the package's description adds the annotations'
    # measured quality to it, which the home page says in its own section)
    from wgtip.metadata import DESCRIPTION

    assert package["description"].startswith(DESCRIPTION)
    assert text.count(DESCRIPTION) == 1


def test_home_page_offers_every_theme_and_addressee_with_its_counts_saying_which_role(server):
    """Counted here from the CSVs: the provisions with each theme, in the vocabulary's order; and with each addressee
    as a direct addressee and in any role, each count saying which and linking to those provisions."""
    text = page(server, "/")
    terms = sorted(read_csv(server.root, "vocabulary_terms"), key=lambda t: int(t["position"]))
    themes = Counter(code for _, code in {(r["provision_id"], r["theme"]) for r in read_csv(server.root, "provision_themes")})
    entries = [
        f'<a href="/wgtip/provisions_annotated?themes__arraycontains={t["code"]}">{t["label"]}</a> <span lang="zh">{t["label_zh"]}</span> {themes[t["code"]]}</li>'
        for t in terms
        if t["vocabulary"] == "theme" and themes[t["code"]]
    ]
    assert len(entries) == len(themes) > 5
    at = [text.find(e) for e in entries]
    assert -1 not in at and at == sorted(at)
    rows = read_csv(server.root, "provision_addressees")
    direct = Counter(a for _, a in {(r["provision_id"], r["addressee"]) for r in rows if r["role"] == "direct"})
    any_role = Counter(a for _, a in {(r["provision_id"], r["addressee"]) for r in rows})
    assert any(any_role[a] > direct[a] for a in any_role)  # some addressee is also indirect (else roles prove nothing here)
    entries = []
    for t in terms:
        if t["vocabulary"] != "addressee" or not any_role[t["code"]]:
            continue
        counts = [f'<a class="wgtip-count" href="/wgtip/provisions_annotated?addressees__arraycontains={t["code"]}">{direct[t["code"]]} direct role</a>'] if direct[t["code"]] else []
        counts.append(f'<a class="wgtip-count" href="/wgtip/provisions_annotated?addressees_any__arraycontains={t["code"]}">{any_role[t["code"]]} any role</a>')
        first = "addressees" if direct[t["code"]] else "addressees_any"  # the label links to the first count's provisions
        entries.append(f'<a href="/wgtip/provisions_annotated?{first}__arraycontains={t["code"]}">{t["label"]}</a> <span lang="zh">{t["label_zh"]}</span> {" · ".join(counts)}</li>')
    at = [text.find(e) for e in entries]
    assert len(entries) > 5 and -1 not in at and at == sorted(at)
    assert 'UNODC</a> <span lang="zh">毒品和犯罪问题办公室</span> <a class="wgtip-count"' in text and f"{direct['unodc']} direct role" in text


def test_security_headers_on_every_kind_of_response(server):
    for path in ["/", "/wgtip/provisions.json", "/-/downloads/datapackage.json", "/no-such-page"]:
        h = server.get(path).headers
        assert "frame-ancestors 'none'" in h["content-security-policy"], path
        assert "default-src 'self'" in h["content-security-policy"], path
        assert h["x-content-type-options"] == "nosniff", path
        assert h["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer"), path  # Datasette sends no-referrer on JSON


# --- metadata, sort, facets ----------------------------------------------------------------------


def test_every_table_and_column_is_described_as_in_the_models(server):
    meta = server.get("/-/metadata.json").json()
    tables = meta["databases"]["wgtip"]["tables"]
    for model in TABLES:
        t = tables[name_of(model)]
        assert t["description"] == f"{(model.__doc__ or '').strip()} {table_of(model).info['description_zh']}"
        assert t["columns"] == {c.name: f"{c.description} {c.description_zh}" for c in columns(model)}
    assert meta["license_url"].startswith("https://creativecommons.org/licenses/by/4.0")


def test_provisions_are_in_document_order_by_default(server):
    rows = server.get("/wgtip/provisions.json", params={"_shape": "array", "_size": "max"}).json()
    assert [r["provision_id"] for r in rows] == [r["provision_id"] for r in provisions(server.root)]


def test_facets_on_meeting_level_and_adoption_count_what_the_csv_holds(server):
    data = server.get("/wgtip/provisions.json").json()
    rows = provisions(server.root)
    for col in ("meeting", "level", "adoption"):
        got = {str(v["value"]): v["count"] for v in data["facet_results"][col]["results"]}
        assert got == dict(Counter(r[col] for r in rows)), col


# --- Chinese search --------------------------------------------------------------------------------

SEARCHES = ["培训", "儿童", "被害人", "强迫劳动", "不惩罚", "不予惩罚", "儿童 培训", "被害人 儿童 保护", "童", "兒童 培訓", "強迫勞動"]
T2S = opencc.OpenCC("t2s")


def expected_ids(root: Path, query: str) -> list[str]:
    """What the search's definition finds (``search_query.matches``: each word, a run cut into its words, as typed or
    in simplified characters), which tests/test_search_query.py proves against instr() on every provision; and at
    least what a substring test of each space-separated word finds (checked here)."""
    from wgtip.search_query import matches, parse

    q = parse(query)
    found = [r["provision_id"] for r in provisions(root) if matches(q, r["current_text"])]
    words = query.split()
    assert set(found) >= {r["provision_id"] for r in provisions(root) if all(w in r["current_text"] or T2S.convert(w) in r["current_text"] for w in words)}
    return found


@pytest.mark.parametrize("query", SEARCHES)
def test_search_parameter_and_json_api_find_what_python_finds(server, query):
    want = expected_ids(server.root, query)
    assert want, f"{query} occurs in the data"
    rows = server.get("/wgtip/provisions.json", params={"_search": query, "_shape": "array", "_size": "max"}).json()
    assert [r["provision_id"] for r in rows] == want
    by_column = server.get("/wgtip/provisions.json", params={"_search_current_text": query, "_shape": "array", "_size": "max"}).json()
    assert [r["provision_id"] for r in by_column] == want


@pytest.mark.parametrize("query", ["儿童 培训", "强迫劳动"])
def test_search_box_page_and_canned_query_agree(server, query):
    want = expected_ids(server.root, query)
    text = page(server, "/wgtip/provisions", _search=query)
    assert 'name="_search"' in text  # the search box is there
    assert f"{len(want)} rows where search matches" in text
    canned = server.get("/wgtip/search_provisions.json", params={"q": query, "_shape": "array"}).json()
    assert [r["provision_id"] for r in canned] == want


def test_a_query_in_traditional_characters_finds_what_its_simplified_form_finds(server):
    simplified = [r["provision_id"] for r in provisions(server.root) if "儿童" in r["current_text"] and "培训" in r["current_text"]]
    assert simplified and not any("兒童" in r["current_text"] for r in provisions(server.root))
    for path in ["/wgtip/provisions.json", "/wgtip/provisions_annotated.json"]:
        rows = server.get(path, params={"_search": "兒童 培訓", "_shape": "array", "_size": "max"}).json()
        assert [r["provision_id"] for r in rows] == simplified, path
    canned = server.get("/wgtip/search_provisions.json", params={"q": "兒童 培訓", "_shape": "array"}).json()
    assert [r["provision_id"] for r in canned] == simplified


@pytest.mark.parametrize("path", ["/wgtip/provisions", "/wgtip/provisions_annotated"])
def test_a_hostile_search_is_not_run_as_script_by_the_marking(server, path):
    """The search's words go into the page's marking script as JSON: a query that closes the script and opens
    an element stays text."""
    hostile = '</script><img src=x onerror=alert(1)>儿童"\'</SCRIPT>"'
    refused = server.get(path, params={"_search": hostile[:-1]})  # the quote left open: refused, and shown as text
    assert refused.status_code == 400 and "<img src=x" not in refused.text
    r = server.get(path, params={"_search": hostile})
    assert r.status_code == 200
    words = r.text[r.text.index("var words = ") + len("var words = ") :]
    words = words[: words.index(";\n")]
    assert "<" not in words and ">" not in words  # the JSON is escaped (\u003c): the script cannot be closed early
    assert set(json.loads(words)) == {"script", "img", "src", "x", "onerror", "alert", "1", "儿童", "SCRIPT"}  # the query's words
    assert "<img src=x" not in r.text  # nor anywhere else on the page (Datasette escapes it in the search box)


@pytest.mark.parametrize("path", ["/wgtip/provisions", "/wgtip/provisions_annotated"])
def test_an_english_search_offers_the_terms_whose_english_labels_have_its_words(server, path):
    """The texts are Chinese (no query word below is in any current text, checked on the CSV): the page says so and
    links each term of the view's vocabularies whose English label has the query's word, as the CSVs hold them
    (each link lists the term's provisions: test_every_array_filter_...); a word no label has gets the advice
    alone when it finds nothing, and a search in Chinese no note at all."""
    # an addressee is offered in any role (the broadest of its arrays)
    view_columns = {"addressee": "addressees_any", "strength": "strength", "theme": "themes", "reference_kind": "reference_kinds"}
    terms = [t for t in read_csv(server.root, "vocabulary_terms") if t["vocabulary"] in view_columns]
    texts = " ".join(p["current_text"] for p in provisions(server.root)).lower()

    def hint(query: str) -> str | None:
        text = page(server, path, _search=query)
        if '<div class="wgtip-search-hint">' not in text:
            return None
        found = text[text.index('<div class="wgtip-search-hint">') :]
        return found[: found.index("</div>")]

    for query in ["victims", "UNODC", "children"]:
        assert query.lower() not in texts
        expected = [(view_columns[t["vocabulary"]], t["code"], t["label"]) for t in terms if query.lower() in re.findall(r"[a-z]+", t["label"].lower())]
        assert expected, query
        found = hint(query)
        assert found is not None and "find nothing in them" in found
        assert sorted(re.findall(r'<a href="/wgtip/provisions_annotated\?(\w+)__arraycontains=(\w+)">([^<]+)</a>', found)) == sorted(expected)
    assert len(re.findall("arraycontains", hint("victims") or "")) == 3  # protection, identification, non-punishment of victims
    smuggling = hint("smuggling")
    assert smuggling is not None and "arraycontains" not in smuggling and "Chinese words" in smuggling
    assert hint("儿童") is None
    # a Latin word the texts have (a document symbol) and no label: the search finds it, so no advice either
    assert "CTOC" in texts.upper() and not any("ctoc" in t["label"].lower() for t in terms)
    assert hint("CTOC") is None


def test_a_phrase_absent_from_the_source_finds_nothing(server):
    assert not any("非惩罚" in p["current_text"] for p in provisions(server.root))
    assert expected_ids(server.root, '"非惩罚"') == []
    assert server.get("/wgtip/provisions.json", params={"_search": '"非惩罚"', "_shape": "array"}).json() == []


# --- row pages --------------------------------------------------------------------------------------


def test_a_subitem_page_shows_standalone_text_parent_locator_and_citation(server):
    rows = provisions(server.root)
    sub = next(r for r in rows if r["level"] == "subitem")
    text = page(server, f"/wgtip/provisions/{sub['provision_id']}")
    assert sub["standalone_text"] in text
    assert f'href="/wgtip/provisions/{sub["parent_id"]}"' in text
    assert f"line {sub['source_line']}" in text and f"paragraph {sub['source_paragraph']}" in text
    assert "Cite as" in text and sub["citation"] in text


@pytest.mark.parametrize("model, key", [(Provision, "provision_id"), (EventRow, "seq")])
def test_a_row_page_shows_its_row_as_a_record_a_line_per_column(server, model, key):
    """Each column on a line of its own: its name, its description (from the model) and its value as
    stored. As a one-row table of up to 28 columns, a provision's texts were squeezed into columns a
    character wide."""
    table = name_of(model)
    with closing(sqlite3.connect(server.root / "build/wgtip.sqlite")) as con:
        con.row_factory = sqlite3.Row
        row = con.execute(f"select * from {table} where level = 'subitem'" if model is Provision else f"select * from {table} where seq = 2").fetchone()
    r = server.get(f"/wgtip/{table}/{row[key]}")
    assert r.status_code == 200
    lines = re.findall(r'<tr class="col-(\w+)">\s*<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*</tr>', r.text, re.S)
    assert [name for name, _, _ in lines] == [c.name for c in columns(model)]
    for (name, label, value), column in zip(lines, columns(model), strict=True):
        assert html.unescape(label) == f'{name}<br><span class="wgtip-column-description">{column.description} {column.description_zh}</span>'
        value = re.sub(r'<span class="wgtip-en">.*?</span>', "", value)  # a meeting's English heading beside its number
        shown = html.unescape(re.sub(r"<[^>]+>", "", value)).strip()
        assert shown == ("" if row[name] is None else str(row[name])), name
    assert 'class="rows-and-columns' not in r.text  # the wide one-row table is gone
    listed = server.get(f"/wgtip/{table}").text
    assert 'class="rows-and-columns' in listed and '<table class="wgtip-record">' not in listed  # table pages keep theirs


def test_a_corrected_provision_shows_its_text_history(server):
    revised = [r for r in read_csv(server.root, "provision_texts") if r["revision"] == "2"]
    assert revised
    text = page(server, f"/wgtip/provisions/{revised[0]['provision_id']}")
    assert "Text history" in text and revised[0]["text"] in text and revised[0]["reason"] in text


def test_a_chapeau_page_lists_its_children_in_order(server):
    rows = provisions(server.root)
    chapeau = next(r for r in rows if r["is_chapeau"] == "true")
    children = [r["provision_id"] for r in rows if r["parent_id"] == chapeau["provision_id"]]
    assert children
    text = page(server, f"/wgtip/provisions/{chapeau['provision_id']}")
    positions = [text.index(f'href="/wgtip/provisions/{c}"') for c in children]
    assert positions == sorted(positions)


def test_a_footnoted_provision_shows_its_footnotes(server):
    fn = read_csv(server.root, "footnotes")[0]
    assert fn["text"] in page(server, f"/wgtip/provisions/{fn['provision_id']}")


# --- canned queries ----------------------------------------------------------------------------------


def test_provisions_of_one_meeting(server):
    rows = provisions(server.root)
    for meeting in range(1, 9):
        got = server.get("/wgtip/provisions_of_meeting.json", params={"meeting": meeting, "_shape": "array", "_size": "max"}).json()
        assert [r["provision_id"] for r in got] == [r["provision_id"] for r in rows if r["meeting"] == str(meeting)]


def test_third_meeting_proposals_and_their_endorsement_at_the_fourth(server):
    meetings = {r["meeting"]: r for r in read_csv(server.root, "meetings")}
    want = [r["provision_id"] for r in provisions(server.root) if r["proposed_at_meeting"] == "3"]
    got = server.get("/wgtip/third_meeting_proposals_endorsed_at_fourth.json", params={"_shape": "array"}).json()
    assert [r["provision_id"] for r in got] == want and want
    for r in got:
        assert (r["proposed_on"], r["endorsed_at_meeting"]) == (meetings["3"]["start_date"], 4)
        assert (r["endorsement_start"], r["endorsement_end"]) == (meetings["4"]["start_date"], meetings["4"]["end_date"])


def test_timeline_of_meetings(server):
    meetings = sorted(read_csv(server.root, "meetings"), key=lambda r: r["start_date"])
    got = server.get("/wgtip/timeline_of_meetings.json", params={"_shape": "array"}).json()
    assert [(r["meeting"], r["start_date"]) for r in got] == [(int(m["meeting"]), m["start_date"]) for m in meetings]
    counts = Counter((r["meeting"], r["adoption"]) for r in provisions(server.root))
    for r in got:
        assert r["adopted"] == counts[(str(r["meeting"]), "adopted")]


def releases(root: Path) -> list[str]:
    return [r["version"] for r in sorted(read_csv(root, "releases"), key=lambda r: int(r["release_order"]))]


def test_provisions_as_of_each_release(server):
    """Compared with the fold of the log cut at the release event: what the release itself contained."""
    from wgtip.fold import fold
    from wgtip.log import read_log
    from wgtip.release import until_release

    events = read_log(server.root)
    assert len(releases(server.root)) >= 2
    for version in releases(server.root):
        tables = fold(list(until_release(events, version)))
        cols = [c.name for c in columns(next(m for m in TABLES if name_of(m) == "provisions"))]
        want = sorted((dict(zip(cols, r, strict=True)) for r in tables["provisions"]), key=lambda p: p["position"])
        got = server.get("/wgtip/provisions_as_of_release.json", params={"version": version, "_shape": "array", "_size": "max"}).json()
        assert [(r["provision_id"], r["text_in_release"]) for r in got] == [(p["provision_id"], p["current_text"]) for p in want], version


def test_changes_between_releases(server):
    """Every pair of consecutive releases, compared with ``wgtip diff``'s changes (from the fold); a
    result longer than the row limit is cut at the limit and says so."""
    from wgtip.history import diff_records, released_changes
    from wgtip.site.safety import MAX_RETURNED_ROWS

    versions = releases(server.root)
    rows = released_changes(server.root).rows
    for old, new in zip(versions, versions[1:], strict=False):
        want = {(c["table_name"], c["row_id"], c["field"], c["new_value"]) for c in diff_records(rows, old, new)}
        assert want
        page = server.get("/wgtip/changes_between_releases.json", params={"from_version": old, "to_version": new, "_shape": "objects", "_size": "max"}).json()
        got = {(c["table_name"], c["row_id"], c["field"], c["new_value"]) for c in page["rows"]}
        if len(want) <= MAX_RETURNED_ROWS:
            assert got == want and not page["truncated"], (old, new)
        else:
            assert got < want and len(got) == MAX_RETURNED_ROWS and page["truncated"], (old, new)


# --- downloads -----------------------------------------------------------------------------------------


def test_downloaded_package_files_match_their_checksums(server):
    desc = server.get("/-/downloads/datapackage.json").json()
    assert desc["version"] == json.loads((server.root / "datapackage.json").read_text())["version"]
    for res in desc["resources"]:
        body = server.get("/-/downloads/" + res["path"]).content
        assert len(body) == res["bytes"] and "sha256:" + hashlib.sha256(body).hexdigest() == res["hash"], res["path"]


def test_downloaded_duckdb_holds_the_same_rows_as_the_served_sqlite(server, tmp_path):
    duck = tmp_path / "downloaded.duckdb"
    duck.write_bytes(server.get("/-/downloads/wgtip.duckdb").content)
    lite = tmp_path / "downloaded.sqlite"
    lite.write_bytes(server.get("/wgtip.db").content)  # Datasette's own download of the served database
    for model in TABLES:
        assert duckdb_rows(duck, model) == sqlite_rows(lite, model), name_of(model)


def test_release_artefacts_match_their_sha256sums(server):
    for version in releases(server.root):
        sums = server.get(f"/-/downloads/releases/{version}/SHA256SUMS")
        assert sums.status_code == 200
        lines = [line.split("  ") for line in sums.text.splitlines()]
        assert {name for _, name in lines} >= {f"wgtip-recommendations-{version}.zip", f"wgtip-{version}.duckdb"}
        for digest, name in lines:
            body = server.get(f"/-/downloads/releases/{version}/{name}").content
            assert hashlib.sha256(body).hexdigest() == digest, name


@pytest.mark.parametrize(
    "path",
    [
        "/-/downloads/../../etc/passwd",
        "/-/downloads/%2e%2e/%2e%2e/etc/passwd",
        "/-/downloads/events",
        "/-/downloads/site/metadata.json",
        "/-/downloads/sources/000_e7880869daa9b576.txt",
        "/-/downloads/",
    ],
)
def test_nothing_but_the_listed_files_can_be_downloaded(server, path):
    r = server.get(path, follow_redirects=True)  # Datasette redirects paths ending in /
    assert r.status_code == 404 and "root:" not in r.text


@pytest.mark.parametrize("path", ["/a/b/c/d/e", "/wgtip/provisions/x/y/z", "/-/releases/1.1.0/wgtip-recommendations-1.1.0.zip", "/a/b/c/d/e.json"])
def test_a_path_no_route_matches_is_a_plain_404(server, path):
    """Datasette 0.65 hands such a path to its error handler outside an ``except`` block, where rich (installed
    with frictionless) refuses to print a traceback: a 500, and ~10 KB of stack and locals in the log per request."""
    log = server.root / "serve.log"
    before = log.stat().st_size
    r = server.get(path)
    assert r.status_code == 404, r.text[:300]
    if path.endswith(".json"):
        assert r.json()["ok"] is False and r.json()["status"] == 404
    else:
        assert "Not Found" in r.text or "404" in r.text
    written = log.read_bytes()[before:].decode("utf-8", "replace")
    assert "Traceback" not in written and "\u256d" not in written, written[:500]
    answers_normally(server)


@pytest.mark.parametrize(
    "path, says",
    [
        ("/wgtip/provisions.json?_sort=nope", "Cannot sort table by nope"),
        ("/wgtip/provisions.json?_sort_desc=nope", "Cannot sort table by nope"),
        ("/wgtip/provisions.json?_sort=meeting&_sort_desc=meeting", "Cannot use _sort and _sort_desc at the same time"),
        ("/wgtip/provisions.json?_where=length(randomblob(1000000000))", "400,000 bytes"),
        ("/wgtip/provisions?_where=length(randomblob(1000000000))", "400,000 bytes"),
        ("/wgtip/provisions.json?_through=notjson", "_through must be JSON"),
        ('/wgtip/provisions.json?_through={"table": "footnotes"}', "_through must be JSON"),
        ("/wgtip/provisions_annotated.json?_next=%00", "_next must be"),
        ("/wgtip/provisions_annotated.json?_facet_annotation_array=nope", "which are addressees, addressees_indirect, addressees_any, strength, themes, reference_kinds"),
        ("/wgtip/provisions.json?_facet_annotation_array=themes", "this facet counts the arrays of provisions_annotated"),
        ("/wgtip/release_files/nope.json", "a row is named by its primary key's values"),
        ("/wgtip/release_files/nope", "a row is named by its primary key&#39;s values"),
    ],
)
def test_a_requests_own_mistake_is_a_400_that_says_what_is_wrong(server, path, says):
    """Datasette 0.65 answers these with a 500: a sort by a column that is not there, and a value over the
    site's cap (SQLite's DataError, which it does not catch as it does an OperationalError). A request's own
    mistake is not the server's: no traceback goes to the log for it."""
    log = server.root / "serve.log"
    before = log.stat().st_size
    r = server.get(path)
    assert r.status_code == 400, r.text[:300]
    assert says in (r.json()["error"] if ".json" in path else r.text)
    written = log.read_bytes()[before:].decode("utf-8", "replace")
    assert "Traceback" not in written, written[:500]
    answers_normally(server)


ODD_PARAMETERS = [
    "_sort=nope",
    "_sort_desc=nope",
    "_sort=rowid",
    "_facet=nope",
    "_facet_array=nope",
    "_facet_date=nope",
    "_facet_annotation_array=nope",
    "_size=-1",
    "_size=abc",
    "_size=99999",
    "_next=%00",
    "_next=-1",
    "_search=%22",
    "_search=NEAR(",
    "_searchmode=raw&_search=NEAR(a",
    "_where=1=",
    "_where=randomblob(1000000000)",
    "_col=nope",
    "_nocol=nope",
    "_shape=nope",
    "meeting__gt=abc",
    "text__contains=%00",
    "_through=notjson",
    '_through={"table":"x"}',
    "_fts_table=nope",
    "_ttl=-1",
    "_timelimit=999999",
    "_facet_size=max",
]


def test_no_parameter_of_any_table_or_view_makes_a_server_error(server):
    """Every table and view, as a page and as JSON, with each odd parameter above, and each row page asked
    for a key that is not there: a 200, a 400 or a 404, never a 5xx."""
    with closing(sqlite3.connect(server.root / "build/wgtip.sqlite")) as con:
        names = [n for (n,) in con.execute("select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite%' and name not like 'provisions_search%' order by name")]
    assert {name_of(m) for m in TABLES} <= set(names)
    errors = []
    for name in names:
        paths = [f"/wgtip/{name}{ext}?{q}" for q in ODD_PARAMETERS for ext in ("", ".json")]
        paths += [f"/wgtip/{name}/nope", f"/wgtip/{name}/nope.json", f"/wgtip/{name}/1,2,3"]
        for path in paths:
            status = server.get(path).status_code
            if status >= 500:
                errors.append((status, path))
    assert errors == []
    answers_normally(server)


# --- a safe public instance -----------------------------------------------------------------------------

HOSTILE = {
    "never-ending recursive CTE": "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c",
    "huge cross join": "select count(*) from provisions a, provisions b, provisions c, provisions d",
    "randomblob(1e9)": "select length(randomblob(1000000000))",
    "zeroblob(1e9)": "select length(zeroblob(1000000000))",
    "printf of a billion characters": "select length(printf('%.*c', 999999999, 'x'))",
    "format of a billion characters": "select length(format('%.999999999c', 'x'))",
    "string doubling": "with recursive s(x) as (select 'x' union all select x || x from s) select length(x) from s",
    "replace blow-up": "select length(replace(hex(zeroblob(40000)), '0', hex(zeroblob(40000))))",
    "long LIKE pattern": "select count(*) from provisions where text like '%' || hex(zeroblob(5000)) || '%'",
}


def answers_normally(server) -> None:
    r, took = sql(server, "select count(*) as n from meetings")
    assert r.status_code == 200 and r.json()["rows"] == [{"n": 8}] and took < 5


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_query_is_cut_off_promptly(server, name):
    r, took = sql(server, HOSTILE[name])
    body = r.json()
    assert body["ok"] is False, body.get("rows")
    assert took < 5, f"{name} took {took:.1f}s"
    answers_normally(server)


def test_hostile_queries_at_once_do_not_stop_the_server(server):
    with ThreadPoolExecutor(max_workers=len(HOSTILE)) as pool:
        results = list(pool.map(lambda q: sql(server, q), HOSTILE.values()))
    assert all(r.json()["ok"] is False for r, _ in results)
    assert max(t for _, t in results) < 15
    answers_normally(server)


WRITES = [
    "insert into meetings (meeting) values (99)",
    "update provisions set text = 'x'",
    "delete from provisions",
    "drop table provisions",
    "create table t (x)",
    "with x as (select 1) insert into meetings (meeting) select * from x",
    "with x as (select 1) delete from provisions",
    "attach database ':memory:' as m",
    "select * from pragma_database_list where 0; attach database ':memory:' as m",
    "pragma writable_schema = 1",
    "vacuum into '{tmp}/copy.sqlite'",
    "select load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
    "select writefile('{tmp}/x', 'y')",
    "select readfile('/etc/passwd')",
]


def test_writes_attach_and_extensions_are_refused(server, tmp_path):
    db = server.root / "build" / "wgtip.sqlite"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for statement in WRITES:
        r, _ = sql(server, statement.format(tmp=tmp_path))
        assert r.status_code >= 400 and r.json()["ok"] is False, statement
    assert list(tmp_path.iterdir()) == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    r, _ = sql(server, "select count(*) as n from provisions")
    assert r.json()["rows"] == [{"n": len(provisions(server.root))}]


def test_duckdb_is_not_queryable_live(server):
    """DuckDB is offered for download only: the site opens no DuckDB connection, so it cannot be
    less safe than the SQLite side (no read_text of server files, no queries outside the time limit)."""
    dbs = server.get("/-/databases.json").json()
    assert [d["name"] for d in dbs] == ["wgtip"] + [f"wgtip-{v.replace('.', '-')}" for v in reversed(releases(server.root))]
    assert all(d["path"].endswith(".sqlite") and d["is_mutable"] is False for d in dbs)
    r, _ = sql(server, "select content from read_text('/etc/hostname')")
    assert r.json()["ok"] is False


def test_the_sites_plugins_are_loaded_and_escape_fts_is_ours(server):
    names = {p["name"] for p in server.get("/-/plugins.json").json()}
    assert {"wgtip_search.py", "wgtip_safety.py", "wgtip_pages.py", "wgtip_annotation_arrays.py"} <= names
    r, _ = sql(server, "select escape_fts('强迫劳动') as v, escape_fts('\"强迫劳动\"') as phrase")
    assert r.json()["rows"] == [{"v": '("强迫" AND "劳动")', "phrase": '"强迫 迫劳 劳动"'}]


def test_published_metadata_does_not_reveal_server_paths(server):
    assert str(server.root) not in server.get("/-/metadata.json").text
    assert str(server.root) not in server.get("/-/plugins.json").text


SERVER_PAGES = [
    "/-/databases.json",
    "/-/plugins.json",
    "/-/versions.json",
    "/-/settings.json",
    "/-/metadata.json",
    "/-/threads.json",
    "/-/actor.json",
    "/-/config.json",
    "/-/",
    "/",
    "/wgtip",
    "/wgtip.json",
    "/wgtip/provisions.json?_size=1",
    "/wgtip.json?sql=select+nope",
    "/wgtip/no_such_table",
    "/no-such-page",
    "/-/static/app.css",
]


def test_the_server_shows_none_of_its_paths(server):
    """Issue 35: /-/databases.json showed the database's absolute path; no page shows any path of the server's."""
    import wgtip

    secrets = {str(server.root.resolve()), str(server.root), sys.prefix, str(Path(next(iter(wgtip.__path__))).resolve()), str(Path.home())}
    for page in SERVER_PAGES:
        text = server.get(page).text
        for secret in secrets:
            assert secret not in text, (page, secret)
    paths = [d["path"] for d in server.get("/-/databases.json").json()]
    assert paths[0] == "build/wgtip.sqlite" and all(p.startswith("build/") for p in paths), paths  # relative: the current build, then each release's copy
    assert [server.get(page).status_code for page in ("/-/threads", "/-/threads.json")] == [404, 404]  # each task's stack, with its files


@pytest.mark.parametrize(
    "query", ["".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1500)), " ".join(["的", "国", "应", "当"] * 150), " ".join(["兒", "國", "應", "當", "締約", "締約國"] * 100)]
)  # traditional: each word OR its simplified form
def test_long_searches_answer_promptly(server, query):
    start = time.monotonic()
    r = server.get("/wgtip/provisions.json", params={"_search": query, "_shape": "array", "_size": "max"})
    assert r.status_code == 200 and time.monotonic() - start < 5
    assert [row["provision_id"] for row in r.json()] == expected_ids(server.root, query)


def test_every_link_on_the_home_page_works(server):
    import re

    text = server.get("/").text
    links = sorted(set(re.findall(r'href="(/[^"]*)"', text)))
    assert any("provisions_as_of_release?version=" in link for link in links)
    for link in links:
        assert server.get(html.unescape(link)).status_code == 200, link


ARRAY_SOURCES = [
    ("provision_addressees", "addressee", "addressees"),
    ("provision_addressees", "addressee", "addressees_indirect"),
    ("provision_addressees", "addressee", "addressees_any"),
    ("provision_strength", "strength", "strength"),
    ("provision_themes", "theme", "themes"),
    ("provision_references", "kind", "reference_kinds"),
]
"""(annotation table, its column, the annotated view's array of it)."""
ROLE_OF = {"addressees": "direct", "addressees_indirect": "indirect"}
"""The addressees' arrays that hold one role; addressees_any holds both."""


def held_values(root: Path) -> dict[tuple[str, str], set[str]]:
    """(view column, value) -> the provisions whose array holds it, from the CSVs: the table's rows; for the
    addressees' arrays, those of its role (direct, indirect; any: both), as the view's descriptions say."""
    holds: dict[tuple[str, str], set[str]] = {}
    for table, column, view_column in ARRAY_SOURCES:
        for r in read_csv(root, table):
            if view_column not in ROLE_OF or r["role"] == ROLE_OF[view_column]:
                holds.setdefault((view_column, r[column]), set()).add(r["provision_id"])
    assert {view_column for view_column, _ in holds} == {a for *_, a in ARRAY_SOURCES}
    return holds


def test_provisions_can_be_faceted_by_annotation(server):
    """The annotated view's four array facets, as its page shows them (the plugin's facet type, which counts from
    the annotation tables), on the whole view, under a filter and under a search: for each value, how many of the
    page's provisions hold it, computed here from the CSVs, most first. A request's own ``_facet_array=`` on one
    of them gets Datasette's array facet, and one with this type the same facet: each once, with the same counts."""
    holds = held_values(server.root)
    everything = {p["provision_id"] for p in provisions(server.root)}
    pages = [({}, everything), ({"themes__arraycontains": "children"}, holds[("themes", "children")]), ({"_search": "儿童"}, set(expected_ids(server.root, "儿童")))]
    for params, ids in pages:
        page = server.get("/wgtip/provisions_annotated.json", params={**params, "_size": "1"}).json()
        assert page["filtered_table_rows_count"] == len(ids), params  # a facet that timed out would be missing below
        for view_column in [a for *_, a in ARRAY_SOURCES]:
            counts = {v: len(ids & held) for (c, v), held in holds.items() if c == view_column and ids & held}
            facet = page["facet_results"][view_column]
            assert facet["type"] == "array" and not facet["truncated"], (params, view_column)
            got = [(f["value"], f["count"]) for f in facet["results"]]
            assert got == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), (params, view_column)
            for f in facet["results"]:
                assert f["selected"] == (params.get(f"{view_column}__arraycontains") == f["value"])
    assert len(pages[1][1]) < len(pages[0][1]) and pages[2][1] - pages[1][1] and pages[1][1] - pages[2][1]
    own = server.get("/wgtip/provisions_annotated.json", params={"_facet_array": "themes", "_size": "1"}).json()
    whole = server.get("/wgtip/provisions_annotated.json", params={"_size": "1"}).json()
    again = server.get("/wgtip/provisions_annotated.json", params={"_facet_annotation_array": "themes", "_size": "1"}).json()
    for page in (own, again):
        assert [k for k in page["facet_results"] if k.startswith("themes")] == ["themes"]

    def counted(page):
        return [(f["value"], f["count"], f["selected"]) for f in page["facet_results"]["themes"]["results"]]

    assert counted(own) == counted(again) == counted(whole) != []


def test_every_array_filter_of_the_annotated_view_lists_what_the_csvs_hold_through_the_index(server):
    """Each value of each array (as the annotation tables hold it: addressees direct only), filtered alone and two
    arrays at once: the provisions are those the CSVs give, and the page's SQL has the plugin's condition on the
    annotation table (so these pages are answered from its index, not by computing every provision's arrays)."""
    holds = held_values(server.root)
    table_of = {view_column: table for table, _, view_column in ARRAY_SOURCES}
    pairs = [[key] for key in sorted(holds)] + [[("themes", "children"), ("addressees", "states_parties")]]
    for pair in pairs:
        params = [(f"{view_column}__arraycontains", code) for view_column, code in pair]
        page = server.get("/wgtip/provisions_annotated.json", params=params + [("_size", "max")]).json()
        got = {row[0] for row in page["rows"]}
        expected = set.intersection(*(holds[key] for key in pair))
        assert got == expected and page["filtered_table_rows_count"] == len(expected), pair
        for view_column, code in pair:
            assert f"provision_id IN (SELECT x.provision_id FROM {table_of[view_column]} x WHERE" in page["query"]["sql"], pair
            assert code in page["query"]["params"].values()
    assert len(pairs[-1]) == 2 and set.intersection(*(holds[k] for k in pairs[-1])) != set()


def test_a_provision_page_lists_its_annotations_as_the_csvs_hold_them(server):
    """Each annotation of the provision, with its vocabulary's labels and its evidence, linked to the annotated view's
    provisions with that value (an addressee: in its role); a resolved reference to its provision."""
    terms = {(t["vocabulary"], t["code"]): t for t in read_csv(server.root, "vocabulary_terms")}
    kinds = [
        ("provision_addressees", "addressee", "addressee", "addressees"),
        ("provision_strength", "strength", "strength", "strength"),
        ("provision_themes", "theme", "theme", "themes"),
        ("provision_references", "kind", "reference_kind", "reference_kinds"),
    ]
    found: dict[str, list[tuple[str, str, str, dict[str, str]]]] = {}
    for table, column, vocabulary, view_column in kinds:
        for r in read_csv(server.root, table):
            found.setdefault(r["provision_id"], []).append((vocabulary, view_column, r[column], r))
    topics = {t["provision_id"]: t["topic"] for t in read_csv(server.root, "provision_topics")}
    indirect = {p for p, rows in found.items() if any(r.get("role") == "indirect" for *_, r in rows)}
    resolved = {p for p, rows in found.items() if any(r.get("resolved_provision_id") for *_, r in rows)}
    ids = [p["provision_id"] for p in provisions(server.root)]
    sample = sorted(set(ids[::15]) | set(list(indirect)[:5]) | set(list(resolved)[:5]) | set(list(topics)[:5]))
    assert indirect & set(sample) and resolved & set(sample) and set(topics) & set(sample)
    for pid in sample:
        text = page(server, f"/wgtip/provisions/{pid}")
        plain = re.sub(r"<[^>]+>", "", text)
        for vocabulary, view_column, code, r in found.get(pid, []):
            label = terms[(vocabulary, code)]["label"]
            assert label in plain and terms[(vocabulary, code)]["label_zh"] in plain, (pid, code)
            # an addressee links to the provisions with it in its role (direct: addressees; indirect: addressees_indirect)
            array = "addressees_indirect" if r.get("role") == "indirect" else view_column
            assert f'<a href="/wgtip/provisions_annotated?{array}__arraycontains={code}">{label}</a>' in text, (pid, code)
            if r.get("role"):
                assert f"({r['role']})" in plain, (pid, code)
            if r["evidence"]:
                assert f"“{r['evidence']}”" in plain, (pid, code)
            if r.get("resolved_provision_id"):
                assert f'→ <a href="/wgtip/provisions/{r["resolved_provision_id"]}">' in text, (pid, code)
        assert (topics[pid] in plain) if pid in topics else ("Topic · 议题" not in plain)


@pytest.mark.parametrize(
    "path, column, vocabulary",
    [
        ("/wgtip/provisions_annotated?_facet_size=max", "themes", "theme"),
        ("/wgtip/provisions_annotated?_facet_size=max", "addressees", "addressee"),
        ("/wgtip/provision_addressees?_facet_size=max", "role", "addressee_role"),
        ("/wgtip/provision_references?_facet_size=max", "kind", "reference_kind"),
    ],
)
def test_facets_on_a_vocabularys_codes_show_its_labels(server, path, column, vocabulary):
    """Beside each code in the facet, the term's English and Chinese labels from vocabulary_terms.csv."""
    labels = {t["code"]: f"{t['label']} · {t['label_zh']}" for t in read_csv(server.root, "vocabulary_terms") if t["vocabulary"] == vocabulary}
    text = page(server, path)
    facet = text[text.index(f'data-column="{column}"') :]
    facet = facet[: facet.index("</ul>")]
    shown = re.findall(r'<li><a href="[^"]*">([^<]+)</a> [\d,]+ <span class="wgtip-term">([^<]+)</span></li>', facet)
    assert len(shown) == facet.count("<li>") >= 2
    assert all(labels[code] == label for code, label in shown), shown


def test_the_annotated_views_meeting_facet_shows_each_meetings_heading(server):
    """The view has no foreign key to meetings, so beside each meeting's number its heading from meetings.csv, as
    the provisions table's facet shows it; the counts are the provisions of each meeting, from provisions.csv."""
    import datetime as dt

    from wgtip.citation import meeting_heading

    # the printed heading, then (issue 34) the English one composed from the meeting's facts
    headings = {
        m["meeting"]: m["heading"] + " · " + meeting_heading(int(m["meeting"]), dt.date.fromisoformat(m["start_date"]), dt.date.fromisoformat(m["end_date"]), m["venue"])
        for m in read_csv(server.root, "meetings")
    }
    counts = Counter(p["meeting"] for p in provisions(server.root))
    text = page(server, "/wgtip/provisions_annotated")
    facet = text[text.index('data-column="meeting"') :]
    facet = facet[: facet.index("</ul>")]
    shown = re.findall(r'<li><a href="[^"]*">([^<]+)</a> ([\d,]+) <span class="wgtip-term">([^<]+)</span></li>', facet)
    assert sorted((m, int(n), h) for m, n, h in shown) == sorted((m, n, headings[m]) for m, n in counts.items())
    assert len(shown) >= 7  # meeting 3 made none: its proposals are the fourth's


@pytest.mark.parametrize("query", SEARCHES)
def test_the_annotated_view_finds_what_python_finds(server, query):
    rows = server.get("/wgtip/provisions_annotated.json", params={"_search": query, "_shape": "array", "_size": "max"}).json()
    assert [r["provision_id"] for r in rows] == expected_ids(server.root, query)


def test_a_search_of_the_annotated_view_combines_with_its_annotation_facets(server):
    """Search and facet together: recommendations on children (儿童) addressed to the States parties, and the
    themes of every recommendation on children, both counted here from the CSVs."""
    found = set(expected_ids(server.root, "儿童"))
    direct = {(a["provision_id"], a["addressee"]) for a in read_csv(server.root, "provision_addressees") if a["role"] == "direct"}
    want = {p for p, a in direct if a == "states_parties" and p in found}
    assert want and want != found  # the filter narrows the search
    params = {"_search": "儿童", "addressees__arraycontains": "states_parties", "_size": "max", "_shape": "array"}
    rows = server.get("/wgtip/provisions_annotated.json", params=params).json()
    assert {r["provision_id"] for r in rows} == want
    expected: Counter[str] = Counter(t for p, t in {(t["provision_id"], t["theme"]) for t in read_csv(server.root, "provision_themes")} if p in found)
    faceted = server.get("/wgtip/provisions_annotated.json", params={"_search": "儿童", "_facet_array": "themes", "_size": "1"}).json()
    assert {f["value"]: f["count"] for f in faceted["facet_results"]["themes"]["results"]} == dict(expected)  # < 30 themes: all shown
    assert 'name="_search"' in page(server, "/wgtip/provisions_annotated")  # and the page has the search box


def test_a_column_search_of_the_annotated_view_is_refused_not_answered_empty(server):
    """Datasette searches a column through rowid, which a view lacks; the view says how to search it instead."""
    r = server.get("/wgtip/provisions_annotated.json", params={"_search_current_text": "儿童"})
    assert r.status_code == 400 and "?_search=" in r.json()["error"]


@pytest.mark.parametrize("path", ["/wgtip/provisions_annotated", "/wgtip/provisions_of_meeting?meeting=4", "/wgtip?sql=select+provision_id,+text+from+provisions+where+meeting+%3D+2"])
def test_views_and_queries_link_each_provision_to_its_page(server, path):
    """A view or a query has no key, so Datasette links none of its rows; the site links each provision id to its row page."""
    json_path = path.replace("?", ".json?", 1) + "&_shape=array" if "?" in path else path + ".json?_shape=array"
    ids = [r["provision_id"] for r in server.get(json_path).json()]
    text = server.get(path).text
    assert ids and all(f'<a href="/wgtip/provisions/{pid}">{pid}</a>' in text for pid in ids)
    assert server.get(f"/wgtip/provisions/{ids[0]}").status_code == 200


def test_the_annotated_view_is_shown_in_document_order(server):
    """The view itself is unordered (wgtip.views); the site sorts it by position, as the CSV's provisions are."""
    by_position = [p["provision_id"] for p in sorted(read_csv(server.root, "provisions"), key=lambda p: int(p["position"]))]
    page = server.get("/wgtip/provisions_annotated.json", params={"_size": "max", "_shape": "array"}).json()
    assert [r["provision_id"] for r in page] == by_position[: len(page)] and len(page) > 100
