"""The site as a person sees it: headless Chromium (Debian's chromium + chromium-driver) against `wgtip serve`.

Screenshots go to tests/screenshots/ (ignored by git). A missing browser is a
failure, not a skip: `./dev test` and .ci/run install it.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest

from wgtip.tables import TABLES, name_of

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).parent / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN"]


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


@pytest.mark.parametrize("path", ["/wgtip/provisions", "/wgtip?sql=select+*+from+provisions+order+by+position+limit+10"])
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
    """Typed in traditional characters, found and marked in the simplified text: every occurrence, the text unchanged."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    browser.get(f"{server.url}{path}?_search={quote('兒童 培訓')}")
    rows = [r for r in provisions(server.root) if "儿童" in r["current_text"] and "培训" in r["current_text"]]
    cells = browser.find_elements(By.CSS_SELECTOR, f"table.rows-and-columns td.col-{column}")
    assert [c.text for c in cells] == [r[column] for r in rows] != []
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, f"table.rows-and-columns td.col-{column} mark")]
    assert sorted(set(marks)) == ["儿童", "培训"]
    assert len(marks) == sum(r[column].count("儿童") + r[column].count("培训") for r in rows)
    no_console_errors(browser)
