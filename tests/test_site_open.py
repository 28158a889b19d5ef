"""The site findable and open to other tools, and bounded in memory (issue 34, items 6 and 7), over HTTP against
a real `wgtip serve`: schema.org Dataset JSON-LD checked against Google's list of Dataset properties and against
the files themselves (their SHA-256 computed here from the downloaded bytes), CORS on the JSON API and not on
HTML pages, HTTP Range on the downloads (httpx's ranged reads compared with slices of the file on disk), and the
server's resident memory measured (/proc) while hostile queries run.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from wgtip.site import ranges
from wgtip.site.safety import MAX_RESPONSE_BYTES, MEMORY_CAP_MB, SQL_TIME_LIMIT_MS

pytestmark = pytest.mark.server

# Google Search Central, "Dataset (Dataset, DataCatalog, DataDownload) structured data"
# (developers.google.com/search/docs/appearance/structured-data/dataset), "Structured data type definitions":
GOOGLE_REQUIRED = ("name", "description")
GOOGLE_RECOMMENDED = (
    "alternateName",
    "creator",
    "citation",
    "funder",
    "hasPart",
    "identifier",
    "isAccessibleForFree",
    "isBasedOn",
    "keywords",
    "license",
    "measurementTechnique",
    "sameAs",
    "spatialCoverage",
    "temporalCoverage",
    "variableMeasured",
    "version",
    "url",
    "includedInDataCatalog",
    "distribution",
)
GOOGLE_DATADOWNLOAD_REQUIRED = ("contentUrl",)
GOOGLE_DATADOWNLOAD_RECOMMENDED = ("encodingFormat",)
NOT_APPLICABLE = {
    "funder": "the project has no funder",
    "hasPart": "the dataset is published whole; its tables are not datasets of their own",
    "sameAs": "it has no other address yet (identifiers.toml assigns none, and no DOI is recorded)",
    "spatialCoverage": "the recommendations are addressed to States parties in general, not to a place",
    "variableMeasured": "a text corpus: the columns are described in the data package, not measured variables",
    "includedInDataCatalog": "no catalogue lists it yet",
}
"""Recommended properties this dataset does not have, each with the reason (a property given here must not be)."""


def jsonld(page_html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page_html, re.S)
    assert len(found) == 1, found
    return json.loads(found[0])


def read_csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def check_dataset(server, d: dict, version: str) -> None:
    assert d["@context"] == "https://schema.org" and d["@type"] == "Dataset"
    for prop in GOOGLE_REQUIRED:
        assert d.get(prop), prop
    assert 50 <= len(d["description"]) <= 5000  # Google's bounds for description
    # a version that is not a release (events recorded since the last one) has no release digest to identify it
    not_applicable = {**NOT_APPLICABLE, **({"identifier": "not a release: no digest"} if "+unreleased." in version else {})}
    for prop in GOOGLE_RECOMMENDED:
        assert (prop in d) == (prop not in not_applicable), prop
    assert d["version"] == version
    assert d["license"] == "https://creativecommons.org/licenses/by/4.0/"
    meetings = read_csv(server.root, "meetings")
    assert d["temporalCoverage"] == f"{min(m['start_date'] for m in meetings)}/{max(m['end_date'] for m in meetings)}"
    assert d["creator"]["@type"] in ("Organization", "Person") and d["creator"]["name"]
    assert d["distribution"]
    for dist in d["distribution"]:
        assert dist["@type"] == "DataDownload"
        for prop in GOOGLE_DATADOWNLOAD_REQUIRED + GOOGLE_DATADOWNLOAD_RECOMMENDED:
            assert dist.get(prop), (prop, dist)
        assert dist["contentUrl"].startswith(server.url + "/-/downloads/")
        body = server.get(dist["contentUrl"][len(server.url) :]).content
        assert hashlib.sha256(body).hexdigest() == dist["sha256"], dist["name"]
        assert dist["contentSize"] == f"{len(body)} B"
        suffix = Path(dist["name"]).suffix
        assert dist["encodingFormat"] == {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip", ".sqlite": "application/vnd.sqlite3"}.get(suffix, dist["encodingFormat"])


def test_the_home_page_describes_the_served_version_as_a_schema_org_dataset(server):
    page = server.get("/").text
    d = jsonld(page)
    version = json.loads((server.root / "datapackage.json").read_text())["version"]
    check_dataset(server, d, version)
    names = {x["name"] for x in d["distribution"]}
    assert {"wgtip.sqlite", "wgtip.duckdb", "datapackage.json", "provisions.csv"} <= names
    source = hashlib.sha256(next((server.root / "sources").glob("*.txt")).read_bytes()).hexdigest()
    assert [b["identifier"]["value"] for b in d["isBasedOn"]] == [source]
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert html.unescape(description).startswith("Every recommendation adopted by the Working Group")


def test_each_release_page_describes_that_release_with_the_sums_it_recorded(server):
    releases = read_csv(server.root, "releases")
    assert releases
    for r in releases:
        version = r["version"]
        page = server.get(f"/wgtip/releases/{version.replace('.', '~2E')}")
        assert page.status_code == 200
        d = jsonld(page.text)
        check_dataset(server, d, version)  # every sha256 equal to the downloaded file's
        assert d["datePublished"] == r["published_on"] and d["identifier"]["value"] == r["digest"]
        sums = (server.root / "build/releases" / version / "SHA256SUMS").read_text().splitlines()
        recorded = {line.split("  ")[1]: line.split("  ")[0] for line in sums}
        listed = {x["name"]: x["sha256"] for x in d["distribution"]}
        assert {k: listed[k] for k in recorded} == recorded and "SHA256SUMS" in listed
        assert r["digest"] in d["citation"]


def test_a_provision_page_has_its_own_meta_description(server):
    p = next(r for r in read_csv(server.root, "provisions") if r["level"] == "item")
    page = server.get(f"/wgtip/provisions/{p['provision_id']}").text
    description = html.unescape(re.search(r'<meta name="description" content="([^"]*)">', page).group(1))
    assert p["provision_id"] in description and p["standalone_text"][:40] in description


@pytest.mark.parametrize(
    "path, cors",
    [
        ("/wgtip.json?sql=select+1", True),
        ("/wgtip/provisions.json", True),
        ("/wgtip/provisions.csv", True),
        ("/-/downloads/wgtip.sqlite", True),
        ("/nosuch.json", True),
        ("/", False),
        ("/wgtip/provisions", False),
        ("/wgtip?sql=select+1", False),
        ("/nosuch", False),
    ],
)
def test_cors_on_the_json_api_and_the_files_not_on_html_pages(server, path, cors):
    r = server.get(path, headers={"Origin": "https://example.org"})
    assert r.headers.get("access-control-allow-origin") == ("*" if cors else None), (path, r.status_code)
    assert r.headers["content-type"].startswith("text/html") != cors


def test_a_download_answers_one_byte_range_as_httpx_reads_it(server):
    import httpx

    path = server.root / "build/wgtip.duckdb"
    data = path.read_bytes()
    size = len(data)
    cases = {
        "bytes=0-15": (0, 15),
        "bytes=100-": (100, size - 1),
        "bytes=-500": (size - 500, size - 1),
        f"bytes={size - 10}-{size + 10_000}": (size - 10, size - 1),
        "bytes=0-99999999999": (0, size - 1),
    }
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for header, (start, end) in cases.items():
            r = client.get("/-/downloads/wgtip.duckdb", headers={"Range": header})
            assert r.status_code == 206, header
            assert r.headers["content-range"] == f"bytes {start}-{end}/{size}"
            assert r.content == data[start : end + 1]
            assert int(r.headers["content-length"]) == end - start + 1
        # DuckDB's own header, read as a remote reader would: the magic bytes at offset 8
        assert client.get("/-/downloads/wgtip.duckdb", headers={"Range": "bytes=8-11"}).content == b"DUCK"
        for bad in (f"bytes={size}-", f"bytes={size + 5}-{size + 9}", "bytes=-0", "bytes=20-10"):
            r = client.get("/-/downloads/wgtip.duckdb", headers={"Range": bad})
            assert r.status_code == 416, bad
            assert r.headers["content-range"] == f"bytes */{size}"
        # several ranges, or not the byte unit: the whole file, as RFC 9110 allows (no multipart answer to build)
        for ignored in ("bytes=0-1,5-9", "bytes=" + ",".join(f"{i}-{i + 100000}" for i in range(0, 2000, 2)), "items=0-5", "bytes=abc"):
            r = client.get("/-/downloads/wgtip.duckdb", headers={"Range": ignored})
            assert r.status_code == 200 and len(r.content) == size and r.headers["accept-ranges"] == "bytes"
        head = client.head("/-/downloads/wgtip.duckdb")
        assert head.status_code == 200 and int(head.headers["content-length"]) == size and head.content == b""


def test_byte_ranges_as_rfc_9110_defines_them():
    """The parser against the RFC's own examples (section 14.1.2, a 10,000-byte representation)."""
    parse = ranges.requested_range
    assert parse("bytes=0-499", 10000) == ranges.ByteRange(0, 499)
    assert parse("bytes=500-999", 10000) == ranges.ByteRange(500, 999)
    assert parse("bytes=-500", 10000) == ranges.ByteRange(9500, 9999)
    assert parse("bytes=9500-", 10000) == ranges.ByteRange(9500, 9999)
    assert parse("bytes=0-0,-1", 10000) is None  # several ranges: the whole file
    assert parse("bytes=-20000", 10000) == ranges.ByteRange(0, 9999)
    assert parse(None, 10) is None and parse("", 10) is None
    for bad in ("bytes=10000-", "bytes=-0", "bytes=5-4"):
        with pytest.raises(ranges.Unsatisfiable):
            parse(bad, 10000)
    with pytest.raises(ranges.Unsatisfiable):
        parse("bytes=0-", 0)


def resident_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} for {pid}")


HOSTILE = "select printf('%.*c',399999,'x') a, printf('%.*c',399999,'x') b from changes limit 1000"
"""Issue 34's query: 1,000 rows of two 400 KB values, which took the server to 4.7 GB."""


def test_no_query_makes_the_server_hold_more_than_the_cap(server):
    pid = server.proc.pid  # `wgtip serve` execs Datasette: the same process
    assert b"datasette" in Path(f"/proc/{pid}/cmdline").read_bytes()
    r = server.get("/wgtip.json", params={"sql": HOSTILE})
    assert r.status_code == 400
    error = r.json()["error"]
    assert f"{MAX_RESPONSE_BYTES // 1_000_000} MB" in error and f"{MEMORY_CAP_MB} MB" in error and "LIMIT" in error
    page = server.get("/wgtip", params={"sql": HOSTILE})
    assert page.status_code == 400 and "Response too large" in page.text and "every table and query" in page.text
    # at once, from four clients, in JSON, CSV and HTML
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda p: server.get(p, params={"sql": HOSTILE}).status_code, ["/wgtip.json", "/wgtip.csv", "/wgtip", "/wgtip.json"]))
    assert statuses == [400] * 4
    # the largest answers the budget lets through, of the characters that grow most in JSON (\u0001) and HTML (<)
    per_value = 399_999
    rows = MAX_RESPONSE_BYTES // (6 * 2 * per_value)
    for char, fmt in (("char(1)", ".json"), ("'<'", ""), ("'\"'", ".json")):
        sql = f"select printf('%.*c',{per_value},{char}) a, printf('%.*c',{per_value},{char}) b from changes limit {rows}"
        r = server.get(f"/wgtip{fmt}", params={"sql": sql})
        assert r.status_code == 200, r.text[:300]
    assert resident_mb(pid, "VmHWM") < MEMORY_CAP_MB, resident_mb(pid, "VmHWM")
    assert server.get("/wgtip/provisions.json").status_code == 200  # and it still serves


def test_an_interrupted_query_page_keeps_the_query_the_limit_and_the_way_back(server):
    sql = "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c"
    r = server.get("/wgtip", params={"sql": sql})
    assert r.status_code == 400
    text = html.unescape(r.text)
    assert "SQL Interrupted" in text and f"{SQL_TIME_LIMIT_MS:,} ms" in text
    assert f'<textarea id="wgtip-error-sql" name="sql" rows="8">{sql}</textarea>' in text
    for link in ('href="/"', 'href="/wgtip/provisions"', 'href="/wgtip"'):
        assert link in r.text
    missing = server.get("/wgtip/nosuchtable")
    assert missing.status_code == 404 and 'href="/wgtip/provisions"' in missing.text and "home" in missing.text


def test_metadata_through_the_hook_keeps_every_permission_block():
    from wgtip.site.metadata import permission_metadata

    allow, deny = {"id": "*"}, {"id": "nobody"}
    meta = {
        "title": "t",
        "allow": allow,
        "databases": {
            "d": {
                "allow_sql": deny,
                "description": "x",
                "tables": {"a": {"allow": deny, "columns": {"c": "a column"}}, "b": {"columns": {"c": "another"}}},
                "queries": {"q": {"sql": "select 1", "allow": allow}, "r": {"sql": "select 2"}},
            }
        },
    }
    assert permission_metadata(meta) == {"allow": allow, "databases": {"d": {"allow_sql": deny, "tables": {"a": {"allow": deny}}, "queries": {"q": {"allow": allow}}}}}


def test_a_table_denied_in_the_metadata_stays_denied_through_the_hook(tmp_path, monkeypatch):
    """Datasette in-process with the site's plugins and a metadata file that denies one table: the plugin
    wgtip_metadata gives the metadata to Datasette, and Datasette's own permission check still refuses that table."""
    import asyncio
    import sqlite3

    from datasette.app import Datasette

    from wgtip.site.serve import PLUGINS_DIR, ROOT_ENV

    db = tmp_path / "d.sqlite"
    con = sqlite3.connect(db)
    con.executescript("create table open (x); create table closed (x); insert into open values (1); insert into closed values (2);")
    con.close()
    (tmp_path / "build/site").mkdir(parents=True)
    meta = {"title": "A test", "databases": {"d": {"tables": {"closed": {"allow": {"id": "nobody"}, "description": "secret"}, "open": {"description": "an open table"}}}}}
    (tmp_path / "build/site/metadata.json").write_text(json.dumps(meta))
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))

    async def run():
        ds = Datasette([str(db)], plugins_dir=str(PLUGINS_DIR))
        await ds.invoke_startup()
        return [(await ds.client.get(p)) for p in ("/d/open.json", "/d/closed.json", "/d/open", "/-/metadata.json")]

    opened, closed, page, served = asyncio.run(run())
    assert opened.status_code == 200 and closed.status_code == 403
    assert "an open table" in page.text  # the descriptions come through the hook
    assert served.json()["databases"]["d"]["tables"]["closed"]["description"] == "secret"


def test_pages_are_kept_per_url_and_host_and_never_for_a_reader_with_credentials():
    """wgtip.site.cache.keep_pages around a fake app that counts what reaches it and answers with the URL and host
    it was asked for: the second GET of a URL and host does not reach it and gets the same bytes; another host,
    query string or path is another page; a cookie, credentials, a Range header, a POST, a non-200, an answer
    other than HTML, a cookie set, a Vary header beyond Cookie and Authorization, a body over MAX_BODY_BYTES
    or a mutable database always reach it; the store holds at most its bytes."""
    import asyncio

    from wgtip.site.cache import MAX_BODY_BYTES, KeptPages, keep_pages

    reached: list[tuple[str, bytes, bytes]] = []
    answer = {"code": 200, "type": b"text/html; charset=utf-8", "headers": [], "body": b"", "immutable": True}

    async def app(scope, receive, send):
        host = dict(scope["headers"]).get(b"host", b"")
        reached.append((scope["path"], scope["query_string"], host))
        await send({"type": "http.response.start", "status": answer["code"], "headers": [(b"content-type", answer["type"]), *answer["headers"]]})
        body = answer["body"] or b"page %s?%s for %s" % (scope["path"].encode(), scope["query_string"], host)
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await send({"type": "http.response.body", "body": body[len(body) // 2 :]})

    store = KeptPages(max_bytes=1_000)
    wrapped = keep_pages(app, store, lambda: answer["immutable"])

    def get(path="/", host=b"a.example", query=b"", extra=(), method="GET"):
        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": method, "scheme": "http", "path": path, "query_string": query, "headers": [(b"host", host), *extra]}
        asyncio.run(wrapped(scope, receive, send))
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    def reaches(**request) -> int:
        before = len(reached)
        first, second = get(**request), get(**request)
        assert first == second, request
        return len(reached) - before

    assert get() == (200, b"page /? for a.example") and reaches() == 0
    assert reaches(path="/wgtip/provisions", query=b"_search=x") == 1
    assert get(path="/wgtip/provisions", query=b"_search=y") == (200, b"page /wgtip/provisions?_search=y for a.example")
    assert reaches(host=b"b.example") == 1 and reaches(extra=[(b"x-forwarded-proto", b"https")]) == 1
    for request in (
        {"extra": [(b"authorization", b"Bearer x")]},
        {"extra": [(b"cookie", b"ds_actor=x")]},
        {"extra": [(b"cookie", b"ds_csrftoken=x")]},
        {"extra": [(b"range", b"bytes=0-1")]},
        {"method": "POST"},
    ):
        assert reaches(path="/other", **request) == 2, request
    for name, changed in (
        ("status", {"code": 404}),
        ("cookie", {"headers": [(b"set-cookie", b"a=b")]}),
        ("vary", {"headers": [(b"vary", b"Accept-Encoding, Cookie")]}),
        ("size", {"body": b"x" * (MAX_BODY_BYTES + 1)}),
        ("json", {"type": b"application/json; charset=utf-8"}),
        ("csv", {"type": b"text/csv; charset=utf-8"}),
        ("mutable", {"immutable": False}),
    ):
        answer.update(changed)
        assert reaches(path=f"/{name}") == 2, name
        answer.update(code=200, type=b"text/html; charset=utf-8", headers=[], body=b"", immutable=True)
    answer["headers"] = [(b"vary", b"Cookie, Authorization")]  # as Datasette marks every answer: kept for requests without them
    assert reaches(path="/varies") == 1
    answer["headers"] = []
    # least recently used out first, within the store's bytes
    for k in range(40):
        get(path=f"/p{k}")
    assert store.bytes <= store.max_bytes and 0 < len(store) < 40
    assert reaches(path="/p39") == 0 and reaches(path="/p0") == 1


def test_a_page_made_while_a_query_failed_is_not_kept(tmp_path, monkeypatch):
    """Real Datasette: a facet stopped by its time limit leaves a page that says so (200, 'timed out'); that page
    reaches Datasette every time, while the same table without the facet is kept."""
    import asyncio
    import sqlite3

    import httpx
    from datasette.app import Datasette
    from datasette.database import Database

    from wgtip.site.cache import KeptPages, keep_pages, noting_failures

    monkeypatch.setattr(Database, "execute_fn", noting_failures(Database.execute_fn))
    path = tmp_path / "d.sqlite"
    con = sqlite3.connect(path)
    con.execute("create table t (id integer primary key, v text)")
    con.executemany("insert into t (v) values (?)", ((f"value {k % 50_000}",) for k in range(300_000)))
    con.commit()
    con.close()
    ds = Datasette(immutables=[str(path)], settings={"facet_time_limit_ms": 1, "suggest_facets": False})
    reached = []

    async def counting(scope, receive, send):
        reached.append(scope["query_string"])
        await ds.app()(scope, receive, send)

    app = keep_pages(counting, KeptPages())

    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
            return [await client.get(url) for url in ("/d/t?_size=1", "/d/t?_size=1", "/d/t?_size=1&_facet=v", "/d/t?_size=1&_facet=v")]

    pages = asyncio.run(run())
    assert [p.status_code for p in pages] == [200] * 4
    assert pages[0].text == pages[1].text and "timed out" in pages[2].text and "timed out" in pages[3].text
    assert reached == [b"_size=1", b"_size=1&_facet=v", b"_size=1&_facet=v"]
