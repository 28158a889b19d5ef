"""Pages a reader can scan (issue 34, item 5): short texts with the search words marked, annotations as labelled
chips, a CSV with labels beside the codes, change views that mark the characters changed, give the reason and link
the rows, and meetings' English headings. Expected values come from the package's CSV files (read here with the
csv module), the source's printed headings, or are rebuilt from the marked output independently of the code.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pytest
from markupsafe import Markup

from wgtip.citation import meeting_heading
from wgtip.site import readable
from wgtip.views import ANNOTATED_VIEW, ARRAYS

CN_NUMBER = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def read_csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def text_of(marked: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", marked))


# --- units ---------------------------------------------------------------------------------------


def test_a_snippet_is_a_piece_of_the_text_with_every_word_marked():
    text = "甲" * 200 + "儿童培训" + "乙" * 50 + "儿童" + "丙" * 300
    out = str(readable.snippet(text, ["儿童", "培训"], width=90))
    body = text_of(out).strip("…")
    assert body in text and len(body) == 90
    assert out.startswith("…") and out.endswith("…")
    assert re.findall(r"<mark>(.*?)</mark>", out) == ["儿童", "培训", "儿童"]
    assert str(readable.snippet("短文", ["无"])) == "短文"
    assert str(readable.snippet("<b>&", [])) == "&lt;b&gt;&amp;"  # escaped


def test_a_diff_marks_exactly_what_each_side_alone_has():
    old, new = "协助缔约国更好地理解 and 解释《议定书》", "协助缔约国更好地理解和解释《议定书》"
    a, b = (str(x) for x in readable.char_diff(old, new))
    assert text_of(a) == old and text_of(b) == new
    assert "".join(re.findall(r"<del>(.*?)</del>", a)) == " and " and "".join(re.findall(r"<ins>(.*?)</ins>", b)) == "和"
    # what is not marked is common to both, in order
    assert re.sub(r"<del>.*?</del>", "", a) == re.sub(r"<ins>.*?</ins>", "", b)


def test_a_meetings_english_heading_says_what_its_printed_heading_says(built):
    """Ordinal, dates and venue read from the printed Chinese heading (not from the date columns), as the English."""
    for m in read_csv(built, "meetings"):
        printed = re.match(r"^(.)\. 第(.)次会议，(\d{4})年(\d+)月(\d+)日(?:(?:至|和)(?:(\d+)月)?(\d+)日)?，(.+)$", m["heading"])
        assert printed, m["heading"]
        n, _, year, month, day, month2, day2, venue = printed.groups()
        assert CN_NUMBER[n] == int(m["meeting"])
        english = meeting_heading(int(m["meeting"]), dt.date.fromisoformat(m["start_date"]), dt.date.fromisoformat(m["end_date"]), m["venue"])
        ordinal = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth"][CN_NUMBER[n] - 1]
        days = f"{int(day)}" if not day2 else f"{int(day)}–{int(day2)}" if not month2 else None
        assert english == f"{ordinal} meeting, {days} {MONTHS[int(month) - 1]} {year}, " + {"维也纳": "Vienna"}[venue]


def test_labelled_rows_put_each_codes_labels_beside_it():
    terms = {"theme": "theme", "themes": "theme"}
    labels = {"theme": {"children": ("Children", "儿童"), "training": ("Training", "培训")}}
    header = readable.labelled_header(["id", "theme", "themes"], terms, ["themes"])
    assert header == ["id", "theme", "theme_label", "theme_label_zh", "themes", "themes_label", "themes_label_zh"]
    row = readable.labelled_row({"id": 1, "theme": "children", "themes": '["children","training"]'}, ["id", "theme", "themes"], terms, ["themes"], labels)
    assert row == [1, "children", "Children", "儿童", '["children","training"]', "Children; Training", "儿童; 培训"]


def test_a_chip_names_the_code_and_both_labels():
    out = str(readable.chips(["children", "x<y"], {"children": ("Children", "儿童")}, {"children": "/c?a=1&b=2"}))
    assert '<a class="wgtip-chip" href="/c?a=1&amp;b=2" title="children">Children <span lang="zh">儿童</span></a>' in out
    assert 'title="x&lt;y">x&lt;y</a>' in out and isinstance(readable.chips([], {}, {}), Markup)


# --- over HTTP -----------------------------------------------------------------------------------


@pytest.mark.server
def test_the_provisions_page_shows_label_short_text_and_chips(server):
    provisions = {p["provision_id"]: p for p in read_csv(server.root, "provisions")}
    terms = {(t["vocabulary"], t["code"]): (t["label"], t["label_zh"]) for t in read_csv(server.root, "vocabulary_terms")}
    themes: dict[str, set[str]] = {}
    for t in read_csv(server.root, "provision_themes"):
        themes.setdefault(t["provision_id"], set()).add(t["theme"])
    page = server.get("/wgtip/provisions", params={"_search": "儿童"}).text
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], re.S)
    assert rows
    for row in rows:
        pid = text_of(re.search(r'<td class="col-provision_id[^"]*">(.*?)</td>', row, re.S).group(1)).strip()
        snippet = re.search(r'<td class="col-current_text[^"]*wgtip-snippet"[^>]*>(.*?)</td>', row, re.S).group(1)
        assert text_of(snippet).strip("…") in provisions[pid]["current_text"] and len(text_of(snippet).strip("…")) <= readable.SNIPPET_CHARS
        assert "<mark>儿童</mark>" in snippet
        assert 'class="col-text' not in row and "col-standalone_text" not in row  # full texts on the row page
        chips = re.findall(r'title="([^"]+)">([^<]*)<span lang="zh">([^<]*)</span>', row)
        shown_themes = {code for code, en, zh in chips if code in themes.get(pid, set())}
        assert shown_themes == themes.get(pid, set())
        for code, en, zh in chips:
            assert any(terms.get((v, code)) == (html.unescape(en).strip(), zh) for v in {a.vocabulary for a in ARRAYS})
    every = server.get("/wgtip/provisions", params={"_layout": "columns"}).text
    assert 'class="col-text' in every and "col-standalone_text" in every


@pytest.mark.server
def test_the_labelled_csv_has_every_row_and_the_vocabularys_labels(server):
    terms = {(t["vocabulary"], t["code"]): (t["label"], t["label_zh"]) for t in read_csv(server.root, "vocabulary_terms")}
    children = {t["provision_id"] for t in read_csv(server.root, "provision_themes") if t["theme"] == "children"}
    r = server.get(f"/-/labelled/wgtip/{ANNOTATED_VIEW}.csv", params={"themes__arraycontains": "children", "_size": "5"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["provision_id"] for row in rows} == children and len(rows) == len(children)
    for row in rows:
        for a in ARRAYS:
            codes = json.loads(row[a.name])
            assert row[f"{a.name}_label"] == "; ".join(terms[(a.vocabulary, c)][0] for c in codes)
            assert row[f"{a.name}_label_zh"] == "; ".join(terms[(a.vocabulary, c)][1] for c in codes)
    # every row of a table of more than one page (Datasette's pages hold at most 1,000)
    changes = list(csv.DictReader(io.StringIO(server.get("/-/labelled/wgtip/changes.csv").text)))
    assert len(changes) == len(read_csv(server.root, "changes")) > 1000
    themes = list(csv.DictReader(io.StringIO(server.get("/-/labelled/wgtip/provision_themes.csv").text)))
    assert len(themes) == len(read_csv(server.root, "provision_themes"))
    assert all((row["theme_label"], row["theme_label_zh"]) == terms[("theme", row["theme"])] for row in themes)
    assert server.get("/-/labelled/wgtip/nosuch.csv").status_code == 404
    assert server.get(f"/-/labelled/wgtip/{ANNOTATED_VIEW}.csv", params={"_sort": "nosuchcolumn"}).status_code == 400


@pytest.mark.server
@pytest.mark.parametrize("path", ["/wgtip/changes?change=changed&table_name=provisions", "/wgtip/changes_between_releases?from_version=1.0.0&to_version=1.0.1"])
def test_a_change_shows_what_changed_why_and_where(server, path):
    """The corrections of the texts (the changes whose event gives a reason)."""
    events = {int(e["seq"]): e for e in read_csv(server.root, "events")}
    changed = [c for c in read_csv(server.root, "changes") if c["change"] == "changed" and c["table_name"] == "provisions"]
    assert changed
    page = server.get(path).text
    for c in changed:
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if f">{c['change_id']}<" in r)
        old = re.search(r'<td class="col-old_value[^"]*">(.*?)</td>', row, re.S).group(1)
        new = re.search(r'<td class="col-new_value[^"]*">(.*?)</td>', row, re.S).group(1)
        assert text_of(old) == c["old_value"] and text_of(new) == c["new_value"]
        assert re.sub(r"<del>.*?</del>", "", old) == re.sub(r"<ins>.*?</ins>", "", new) and ("<del>" in old or "<ins>" in new)
        reason = json.loads(events[int(c["event_seq"])]["data"])["reason"]
        assert reason in html.unescape(row)
        assert f'href="/wgtip/events/{c["event_seq"]}"' in row
        assert f'href="/wgtip/{c["table_name"]}/{c["row_id"]}"' in row


@pytest.mark.server
def test_meetings_carry_english_headings_beside_the_printed_ones(server):
    meetings = read_csv(server.root, "meetings")
    deciding = {p["meeting"] for p in read_csv(server.root, "provisions")}  # the facet lists these (the third decided none)
    page = html.unescape(server.get("/wgtip/meetings").text)
    facets = html.unescape(server.get("/wgtip/provisions").text)
    for m in meetings:
        english = meeting_heading(int(m["meeting"]), dt.date.fromisoformat(m["start_date"]), dt.date.fromisoformat(m["end_date"]), m["venue"])
        assert f'<span lang="zh">{m["heading"]}</span><br><span class="wgtip-en">{english}</span>' in page
        assert (english in facets) == (m["meeting"] in deciding)
    p = next(p for p in read_csv(server.root, "provisions") if p["meeting"] == "1")
    row = html.unescape(server.get(f"/wgtip/provisions/{p['provision_id']}").text)
    assert "First meeting, 14–15 April 2009, Vienna" in row
