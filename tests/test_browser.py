"""The site as a person sees it: headless Chromium (Debian's chromium + chromium-driver) against `wgtip serve`.

Screenshots go to tests/screenshots/ (ignored by git). A missing browser is a
failure, not a skip: `./dev test` and .ci/run install it.
"""

from __future__ import annotations

import csv
import functools
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wgtip.tables import TABLES, name_of

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).parent / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
    "--lang=zh-CN",
]


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: install the Debian packages chromium and chromium-driver (./dev test does, as root)")
    profile = tempfile.mkdtemp(prefix="wgtip-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    SCREENSHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def visible_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def no_console_errors(driver) -> None:
    """Catches what the Content-Security-Policy would block (Datasette's inline scripts, its own assets)."""
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert errors == []


def provisions(root: Path) -> list[dict[str, str]]:
    with open(root / "data/provisions.csv", encoding="utf-8", newline="") as fh:
        return sorted(csv.DictReader(fh), key=lambda r: int(r["position"]))


def test_home_page(browser, server):
    browser.get(server.url + "/")
    text = visible_text(browser)
    browser.save_screenshot(str(SCREENSHOTS / "home.png"))
    assert "Recommendations of the UN Working Group on Trafficking in Persons" in text
    assert "How to cite" in text and "Creative Commons Attribution 4.0" in text
    assert "wgtip.duckdb" in text
    no_console_errors(browser)


def test_provisions_table(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/wgtip/provisions")
    browser.save_screenshot(str(SCREENSHOTS / "provisions.png"))
    rows = provisions(server.root)
    first_cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr td.col-provision_id")]
    assert first_cells[:3] == [r["provision_id"] for r in rows[:3]]
    text = visible_text(browser)
    assert "meeting" in text and "adoption" in text  # the facets
    no_console_errors(browser)


@pytest.mark.parametrize("path", ["/wgtip/provisions?_layout=columns", "/wgtip?sql=select+*+from+provisions+order+by+position+limit+10"])
def test_long_texts_are_given_room_in_the_provisions_table(browser, server, path):
    """A provision's texts and citation get columns wide enough to read, on the table page and in a query's
    results: squeezed between 24 other columns, the citation wrapped a few characters a line and made each
    row hundreds of pixels tall."""
    from selenium.webdriver.common.by import By

    from wgtip.tables import Provision, columns

    browser.get(server.url + path)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")[:10]
    assert len(rows) == 10
    heights = [r.size["height"] for r in rows]
    cells = {td.get_attribute("class").split()[0]: td.size["width"] for td in rows[0].find_elements(By.TAG_NAME, "td")}
    font = float(browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)"))
    long_texts = [f"col-{c.name}" for c in columns(Provision) if c.long_text]
    assert set(long_texts) == {"col-text", "col-current_text", "col-standalone_text", "col-citation"}
    for name in long_texts:
        assert cells[name] >= 20 * font, (name, cells[name])
    assert max(heights) <= 16 * font * 1.6, heights  # at most ~16 lines of text
    no_console_errors(browser)


@pytest.mark.parametrize("path", [f"/wgtip/{name_of(m)}" for m in TABLES if name_of(m) != "events"] + ["/wgtip/timeline_of_meetings"])
def test_no_row_of_a_table_page_is_a_tall_column_of_words(browser, server, path):
    """Every table page (and the timeline's query) gives its prose room: release notes, a meeting's note,
    a correction's reason, a vocabulary's descriptions and a reference's resolution, squeezed between the
    other columns, made rows 440 px tall. (The events' payloads are JSON of up to 25 KB: tall by nature.)"""
    from selenium.webdriver.common.by import By

    browser.get(server.url + path)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")[:20]
    table = "meetings" if path.endswith("timeline_of_meetings") else path.rsplit("/", 1)[1]  # the timeline lists the meetings
    with open(server.root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        assert len(rows) == min(20, len(list(csv.DictReader(fh))))
    font = float(browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)"))
    heights = [r.size["height"] for r in rows]
    assert max(heights, default=0) <= 16 * font * 1.6, heights  # at most ~16 lines of text
    no_console_errors(browser)


def test_column_descriptions_read_on_a_phone(browser, server):
    """At a phone's width each column's name stands above its description, which takes the box's
    width: side by side, the descriptions were squeezed to a few characters and scrolled sideways."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(400, 1000)
    try:
        browser.get(server.url + "/wgtip/provisions")
        box = browser.find_element(By.CSS_SELECTOR, "dl.column-descriptions")
        overflow = browser.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth", box)
        widths = [dd.size["width"] for dd in box.find_elements(By.TAG_NAME, "dd")]
        width = box.size["width"]
        browser.save_screenshot(str(SCREENSHOTS / "provisions-phone.png"))
    finally:
        browser.set_window_size(1280, 1000)
    assert overflow <= 1
    assert widths and min(widths) >= 0.8 * width, (widths, width)


def test_one_row_page(browser, server):
    sub = next(r for r in provisions(server.root) if r["level"] == "subitem")
    browser.get(f"{server.url}/wgtip/provisions/{sub['provision_id']}")
    browser.save_screenshot(str(SCREENSHOTS / "row.png"))
    text = visible_text(browser)
    assert sub["standalone_text"] in text
    assert "Cite as" in text and sub["provision_id"] in text
    no_console_errors(browser)


def test_chinese_search_from_the_search_box(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/wgtip/provisions")
    box = browser.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.send_keys("儿童 培训")
    box.submit()
    WebDriverWait(browser, 20).until(ec.url_contains("_search="))
    browser.save_screenshot(str(SCREENSHOTS / "search.png"))
    want = [r["provision_id"] for r in provisions(server.root) if "儿童" in r["text"] and "培训" in r["text"]]
    text = visible_text(browser)
    assert f"{len(want)} rows where search matches" in text
    shown = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr td.col-provision_id")]
    assert shown == want
    no_console_errors(browser)


@pytest.mark.parametrize("path, column", [("/wgtip/provisions", "current_text"), ("/wgtip/provisions", "text"), ("/wgtip/provisions_annotated", "standalone_text")])
def test_a_searchs_words_are_marked_in_its_results(browser, server, path, column):
    """Typed in traditional characters, found and marked in the simplified text: every occurrence, the text unchanged
    (every column shown: the scan layout's short texts are checked in test_a_table_page_reads_at_a_glance)."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    browser.get(f"{server.url}{path}?_layout=columns&_search={quote('兒童 培訓')}")
    rows = [r for r in provisions(server.root) if "儿童" in r["current_text"] and "培训" in r["current_text"]]
    cells = browser.find_elements(By.CSS_SELECTOR, f"table.rows-and-columns td.col-{column}")
    assert [c.text for c in cells] == [r[column] for r in rows] != []
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, f"table.rows-and-columns td.col-{column} mark")]
    assert sorted(set(marks)) == ["儿童", "培训"]
    assert len(marks) == sum(r[column].count("儿童") + r[column].count("培训") for r in rows)
    no_console_errors(browser)


# --- issue 34, items 5-7: pages a reader can scan, open to other tools -------------------------------

PHONE_PAGES = {
    "home": "/",
    "database": "/wgtip",
    "table": "/wgtip/provisions",
    "search": "/wgtip/provisions?_search=儿童",
    "view": "/wgtip/provisions_annotated?themes__arraycontains=children",
    "columns": "/wgtip/provisions?_layout=columns",
    "row": "/wgtip/provisions/wgtip-m1-p7-d",
    "release": "/wgtip/releases/1~2E0~2E0",
    "query": "/wgtip?sql=select+provision_id,+current_text+from+provisions+limit+20",
    "canned": "/wgtip/changes_between_releases?from_version=1.0.0&to_version=1.1.0",
    "timeline": "/wgtip/timeline_of_meetings",
    "changes": "/wgtip/changes?change=changed",
    "meetings": "/wgtip/meetings",
    "events": "/wgtip/events",
    "not-found": "/wgtip/nosuchtable",
    "interrupted": "/wgtip?sql=with+recursive+c(x)+as+(select+1+union+all+select+x%2B1+from+c)+select+count(*)+from+c",
}


def test_no_page_scrolls_sideways_on_a_phone(browser, server):
    """At 390 px (a phone's width) every kind of page fits: long hashes and citations wrap, the SQL editor and the
    query's form fit, wide tables scroll inside their own box. Before: the home page was 734 px wide, query pages up
    to 1,365 px."""
    browser.set_window_size(390, 900)
    wide = {}
    try:
        width = browser.execute_script("return window.innerWidth")
        for name, path in PHONE_PAGES.items():
            browser.get(server.url + path)
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            browser.save_screenshot(str(SCREENSHOTS / f"phone-{name}.png"))
            if scroll > width:
                wide[name] = scroll
    finally:
        browser.set_window_size(1280, 1000)
        logged = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert width <= 400 and wide == {}
    # the browser logs the statuses of the two error pages (404, 400); anything else (a script or style the CSP blocked) is a fault
    assert all(m.startswith((server.url + PHONE_PAGES["not-found"] + " ", server.url + "/wgtip?sql=with")) for m in logged), logged


def test_a_table_page_reads_at_a_glance(browser, server):
    """The annotated view searched: each row the label, a short text with the words marked and the annotations as
    chips in English and Chinese, a few lines tall; a chip leads to every provision that has it, an id to the full
    texts."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    terms = {(t["vocabulary"], t["code"]): t for t in _csv(server.root, "vocabulary_terms")}
    browser.get(f"{server.url}/wgtip/provisions_annotated?_search={quote('儿童 培训')}")
    browser.save_screenshot(str(SCREENSHOTS / "scan-annotated.png"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.wgtip-scan tbody tr")
    want = [r for r in provisions(server.root) if "儿童" in r["current_text"] and "培训" in r["current_text"]]
    assert len(rows) == len(want) > 0
    font = float(browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)"))
    assert max(r.size["height"] for r in rows) <= 8 * font * 1.6  # before: about 200 px, three texts a row
    for row, p in zip(rows, want, strict=True):
        snippet = row.find_element(By.CSS_SELECTOR, "td.wgtip-snippet")
        assert snippet.text.strip("…") in p["standalone_text"]
        assert {m.text for m in snippet.find_elements(By.TAG_NAME, "mark")} <= {"儿童", "培训"}
        chips = row.find_elements(By.CSS_SELECTOR, "a.wgtip-chip")
        assert chips
        for chip in chips:
            code = chip.get_attribute("title")
            t = next(t for (v, c), t in terms.items() if c == code)
            assert chip.text == f"{t['label']} {t['label_zh']}" and chip.is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "td.wgtip-snippet mark")
    chip = rows[0].find_element(By.CSS_SELECTOR, "td.col-themes a.wgtip-chip")
    code = chip.get_attribute("title")
    chip.click()
    assert f"themes__arraycontains={code}" in browser.current_url
    link = browser.find_element(By.CSS_SELECTOR, "table.wgtip-scan tbody tr td.col-provision_id a")
    pid = link.text
    link.click()
    assert next(r for r in provisions(server.root) if r["provision_id"] == pid)["standalone_text"] in visible_text(browser)
    no_console_errors(browser)


def test_a_change_is_marked_explained_and_linked(browser, server):
    """The corrections of release 1.0.1: the characters removed and added marked in colour, the reason from the
    event beside it, the changed row one click away."""
    from selenium.webdriver.common.by import By

    changed = [c for c in _csv(server.root, "changes") if c["change"] == "changed" and c["table_name"] == "provisions"]
    browser.get(f"{server.url}/wgtip/changes?change=changed&table_name=provisions")
    browser.save_screenshot(str(SCREENSHOTS / "changes.png"))
    deleted = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "td.col-old_value del")]
    inserted = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "td.col-new_value ins")]
    assert deleted or inserted
    for e in browser.find_elements(By.CSS_SELECTOR, ".wgtip-diff del, .wgtip-diff ins"):
        assert browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", e) != "rgba(0, 0, 0, 0)"
    reasons = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".wgtip-reason")]
    assert len(reasons) == len(changed) and all(reasons)
    link = browser.find_element(By.CSS_SELECTOR, "td.col-row_id a")
    pid = link.text
    link.click()
    assert browser.current_url.endswith(f"/wgtip/provisions/{pid}")
    no_console_errors(browser)


def test_an_error_page_keeps_the_query_and_the_way_back(browser, server):
    """A query stopped by the time limit: the page says the limit, the query is there to edit and run again, and
    the site's navigation is kept."""
    from selenium.webdriver.common.by import By

    browser.get(server.url + PHONE_PAGES["interrupted"])
    browser.save_screenshot(str(SCREENSHOTS / "interrupted.png"))
    assert "1,000 ms" in visible_text(browser)
    box = browser.find_element(By.ID, "wgtip-error-sql")
    assert box.get_attribute("value").startswith("with recursive c(x)")
    box.clear()
    box.send_keys("select count(*) as n from provisions")
    box.submit()
    assert str(len(provisions(server.root))) in visible_text(browser)
    browser.get(server.url + "/wgtip/nosuchtable")
    browser.save_screenshot(str(SCREENSHOTS / "not-found.png"))
    browser.find_element(By.LINK_TEXT, "provisions").click()
    assert browser.current_url.endswith("/wgtip/provisions")


def test_another_site_can_read_the_data_but_not_the_pages(browser, server, tmp_path):
    """From a page of another origin, a browser's fetch() reads the JSON API and part of a download (one byte range),
    and may not read an HTML page; the home page carries its schema.org Dataset."""
    browser.get(server.url + "/")
    found = browser.execute_script("return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert found["@type"] == "Dataset" and found["distribution"]
    # another origin: a page served on another port (a data: URL's opaque origin may not reach a local address at all)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("<title>elsewhere</title><p>another origin</p>", encoding="utf-8")
    other = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SimpleHTTPRequestHandler, directory=str(elsewhere)))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://127.0.0.1:{other.server_address[1]}/index.html")
        assert browser.title == "elsewhere"
        out = _fetch_from_here(browser, server.url)
    finally:
        other.shutdown()
        other.server_close()
    size = (server.root / "build/wgtip.duckdb").stat().st_size
    assert out == {"json": [{"n": len(provisions(server.root))}], "status": 206, "range": f"bytes 8-11/{size}", "bytes": list(b"DUCK"), "html": "blocked"}


def _fetch_from_here(browser, base: str) -> dict:
    """From the page the browser is on: fetch() the JSON API, a byte range of a download and an HTML page of ``base``."""
    script = """
      const done = arguments[arguments.length - 1];
      const base = arguments[0];
      (async () => {
        const out = {};
        const j = await fetch(base + "/wgtip.json?sql=select+count(*)+as+n+from+provisions&_shape=array");
        out.json = await j.json();
        const r = await fetch(base + "/-/downloads/wgtip.duckdb", {headers: {Range: "bytes=8-11"}});
        out.status = r.status;
        out.range = r.headers.get("content-range");
        out.bytes = Array.from(new Uint8Array(await r.arrayBuffer()));
        try { await fetch(base + "/wgtip/provisions"); out.html = "read"; } catch (e) { out.html = "blocked"; }
        done(out);
      })().catch(e => done({error: String(e)}));
    """
    browser.set_script_timeout(60)
    return browser.execute_async_script(script, base)


def _csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- issue 34, items 1-4: what a reader meets in a browser ------------------------------------------------------


def read_csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def only_the_refusal_logged(driver) -> None:
    """After a page the server refuses on purpose (a 400): the console logs that status, and nothing else; reading
    the log empties it for the next check."""
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert errors and all("status of 400 (Bad Request)" in m for m in errors), errors


def shown_ids(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr td.col-provision_id")]


def click_link(driver, text: str, within: str = "body") -> None:
    """Click the link with this text (inside the element ``within``) and wait for the next page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, within).find_element(By.XPATH, f".//a[normalize-space(.)='{text}']").click()
    WebDriverWait(driver, 30).until(ec.staleness_of(old))


def test_a_reader_reaches_any_role_addressees_complete_downloads_and_explained_answers(browser, server):
    """Item 1 as a reader meets it: from the home page's "any role" count for UNODC, then the themes facet's
    protection, to the provisions the CSVs give (2.16, 2.56, which the direct role alone answers with none); the
    1,461 changes between the first and last release say the page shows 1,000 and link the complete answer, which
    holds them all; the third meeting's empty answer says why and links its proposals; reversed releases are an error."""
    import httpx
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # the console of the pages earlier tests opened (their own refusals) is not this test's
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    themes = {r["provision_id"] for r in read_csv(server.root, "provision_themes") if r["theme"] == "protection"}
    unodc = {r["provision_id"] for r in read_csv(server.root, "provision_addressees") if r["addressee"] == "unodc"}
    direct = {r["provision_id"] for r in read_csv(server.root, "provision_addressees") if r["addressee"] == "unodc" and r["role"] == "direct"}
    browser.get(server.url + "/")
    text = visible_text(browser)
    assert f"UNODC 毒品和犯罪问题办公室 {len(direct)} direct role · {len(unodc)} any role" in text
    count = browser.find_element(By.CSS_SELECTOR, 'a.wgtip-count[href$="addressees_any__arraycontains=unodc"]')
    assert count.text == f"{len(unodc)} any role"
    page = browser.find_element(By.TAG_NAME, "html")
    count.click()
    WebDriverWait(browser, 30).until(ec.staleness_of(page))
    assert sorted(shown_ids(browser)) == sorted(unodc)
    facet = browser.find_element(By.CSS_SELECTOR, '[data-column="addressees_any"] .facet-info-name').text
    assert "addressees_any (array) any role" in facet
    click_link(browser, "protection", '[data-column="themes"]')
    browser.save_screenshot(str(SCREENSHOTS / "issue34-unodc-any-role-protection.png"))
    assert sorted(shown_ids(browser)) == sorted(unodc & themes)
    assert {"wgtip-m2-p16", "wgtip-m2-p56"} <= unodc & themes  # the examples: the Conference asked to have UNODC compile victim-protection practice
    assert not direct & themes
    no_console_errors(browser)

    releases = [r["version"] for r in sorted(read_csv(server.root, "releases"), key=lambda r: int(r["release_order"]))]
    browser.get(f"{server.url}/wgtip/changes_between_releases?from_version={releases[0]}&to_version={releases[-1]}")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-changes-past-the-row-limit.png"))
    notice = browser.find_element(By.CSS_SELECTOR, "p.wgtip-complete").text
    assert "This answer has more than 1,000 rows: the page, and its JSON, show the first 1,000" in notice
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")) == 1000
    order = {r["version"]: int(r["release_order"]) for r in read_csv(server.root, "releases")}
    want = sorted(int(c["change_id"]) for c in read_csv(server.root, "changes") if c["version"] and order[releases[0]] < order[c["version"]])
    for css in ("a.wgtip-complete-csv", "a.wgtip-complete-json"):
        href = browser.find_element(By.CSS_SELECTOR, css).get_attribute("href")
        body = httpx.get(href, timeout=60)
        got = [int(r["change_id"]) for r in (body.json() if css.endswith("json") else csv.DictReader(body.text.splitlines()))]
        assert got == want and len(got) > 1000, css

    browser.get(server.url + "/wgtip/provisions?meeting=3")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-meeting-3-explained.png"))
    reason = browser.find_element(By.CSS_SELECTOR, ".wgtip-empty-reason").text
    assert "The third meeting (19 October 2010) decided no recommendations" in reason and "第四次会议核可" in reason
    click_link(browser, "The 19 provisions proposed at the third meeting", ".wgtip-empty-reason")
    assert sorted(shown_ids(browser)) == sorted(p["provision_id"] for p in read_csv(server.root, "provisions") if p["proposed_at_meeting"] == "3")

    browser.get(f"{server.url}/wgtip/changes_between_releases?from_version={releases[-1]}&to_version={releases[0]}")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-reversed-releases.png"))
    assert f"to_version ({releases[0]}) is earlier than from_version ({releases[-1]})" in visible_text(browser)
    only_the_refusal_logged(browser)


def test_a_reader_searches_chinese_as_typed_with_operators_and_hints(browser, server):
    """Item 2 in the search box: 儿童培训 typed without a space finds what 儿童 培训 finds, and the page says how it was
    cut; a search that finds nothing says so in Chinese too, with what each part finds; a quote left open is refused
    with a message in both languages."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    def search(query: str) -> None:
        browser.get(server.url + "/wgtip/provisions")
        box = browser.find_element(By.CSS_SELECTOR, "input[name=_search]")
        box.send_keys(query)
        box.submit()
        WebDriverWait(browser, 30).until(ec.url_contains("_search="))

    texts = provisions(server.root)
    search("儿童培训")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-search-run.png"))
    want = [r["provision_id"] for r in texts if "儿童" in r["current_text"] and "培训" in r["current_text"]]
    assert shown_ids(browser) == want != []
    text = visible_text(browser)
    assert "Provisions whose text contains 儿童 and 培训 (“儿童培训” cut into words)." in text
    assert "正文包含「儿童」、「培训」（“儿童培训”切分为词语）的条文。" in text
    assert "-教育 leaves out" in text and "培训 OR 教育 finds either" in text  # the syntax, stated on the page
    marks = {m.text for m in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns mark")}
    assert marks == {"儿童", "培训"}
    search("被害人 -儿童")
    want = [r["provision_id"] for r in texts if "被害人" in r["current_text"] and "儿童" not in r["current_text"]]
    assert shown_ids(browser) == want[:100] != []  # the first page of them (100 a page)
    assert f"{len(want)} rows where search matches" in visible_text(browser)
    search("儿童 宇宙")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-search-nothing-found.png"))
    text = visible_text(browser)
    assert "没有条文同时包含以上全部内容" in text and "No provision contains all of it" in text
    assert f"儿童: {sum('儿童' in r['current_text'] for r in texts)} provisions" in text and "宇宙: 0 provisions" in text
    search('"儿童')
    browser.save_screenshot(str(SCREENSHOTS / "issue34-search-refused.png"))
    text = visible_text(browser)
    assert "a quote is not closed" in text and "引号未闭合" in text
    only_the_refusal_logged(browser)


def test_a_reader_browses_searches_and_cites_a_release_as_published(browser, server):
    """Items 3 and 4: from the home page to release 1.0.0's own database, its provisions (the texts it published,
    from its zip), a search in them and a provision's page, which cites release 1.0.0 with its digest as
    `wgtip cite --release 1.0.0` does and offers BibTeX and CSL-JSON that are the command's; a query's page there
    gives the SQL, the release, its digest and the hash of its answer, recomputed here from the published file."""
    import hashlib
    import json
    import sqlite3
    import subprocess
    import sys
    import zipfile
    from contextlib import closing

    import httpx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from wgtip.paths import release_artefacts

    version = "1.0.0"
    published = server.root / "build" / "releases" / version
    with zipfile.ZipFile(published / release_artefacts(version)["zip"]) as z:
        [name] = [n for n in z.namelist() if n.endswith("data/provisions.csv")]
        released = sorted(csv.DictReader(z.read(name).decode("utf-8").splitlines()), key=lambda r: int(r["position"]))
    digest = next(r["digest"] for r in read_csv(server.root, "releases") if r["version"] == version)

    browser.get(server.url + "/")
    click_link(browser, f"Release {version}", "ul.wgtip-releases")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-release-database.png"))
    assert browser.current_url.endswith("/wgtip-1-0-0")
    text = visible_text(browser)
    assert f"This database is release {version}" in text and f"sha256:{digest}" in text
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, 'div.db-table h3 a[href="/wgtip-1-0-0/provisions"]').click()
    WebDriverWait(browser, 30).until(ec.staleness_of(page))
    assert shown_ids(browser) == [r["provision_id"] for r in released[:100]]
    browser.get(server.url + "/wgtip-1-0-0/provisions?_search=" + "儿童培训")
    assert shown_ids(browser) == [r["provision_id"] for r in released if "儿童" in r["current_text"] and "培训" in r["current_text"]]
    pid = shown_ids(browser)[0]
    click_link(browser, pid, "table.rows-and-columns")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-release-provision-cited.png"))

    def cite(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "wgtip", "cite", "--root", str(server.root), "--release", version, *args], capture_output=True, text=True, check=True).stdout

    assert browser.find_element(By.CSS_SELECTOR, "code.wgtip-provision-citation").text == cite(pid).strip()
    from pybtex.database import parse_string

    def download(link: str) -> str:
        href = browser.find_element(By.CSS_SELECTOR, "div.wgtip-cite").find_element(By.XPATH, f".//a[normalize-space(.)='{link}']").get_attribute("href")
        return httpx.get(href, timeout=30).text

    published_on = next(r["published_on"] for r in read_csv(server.root, "releases") if r["version"] == version)
    [entry] = parse_string(download("BibTeX"), "bibtex").entries.values()  # read by pybtex
    assert (entry.type, entry.fields["version"], entry.fields["date"]) == ("dataset", version, published_on)
    assert pid in entry.fields["title"] and f"sha256:{digest}" in entry.fields["note"]
    [item] = json.loads(download("CSL-JSON"))
    assert (item["type"], item["version"]) == ("dataset", version) and pid in item["title"] and f"sha256:{digest}" in item["note"]
    no_console_errors(browser)

    browser.get(server.url + "/wgtip-1-0-0/timeline_of_meetings")
    browser.save_screenshot(str(SCREENSHOTS / "issue34-cite-this-query.png"))
    block = browser.find_element(By.CSS_SELECTOR, "dl.wgtip-cite-query").text
    sql = browser.find_element(By.CSS_SELECTOR, "pre.wgtip-cite-sql").text
    with closing(sqlite3.connect(f"file:{published / release_artefacts(version)['sqlite']}?mode=ro", uri=True)) as con:
        cur = con.execute(sql)
        lines = [[d[0] for d in cur.description], *map(list, cur)]
    want = hashlib.sha256("".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) + "\n" for x in lines).encode()).hexdigest()
    assert browser.find_element(By.CSS_SELECTOR, "code.wgtip-answer-sha256").text == want
    assert f"release {version}" in block and f"sha256:{digest}" in block and f"{len(lines) - 1} rows" in block
    no_console_errors(browser)
