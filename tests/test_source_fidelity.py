"""The data against the source document, by methods independent of the importer."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from conftest import SOURCE

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
NUMERALS = "一二三四五六七八"


def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def rows(built: Path, table: str) -> list[dict[str, str]]:
    with open(built / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def labelled_lines() -> dict[int, tuple[str, str]]:
    """Line number -> (section numeral, line) for every line that starts with a label,
    found by looking at the first characters only."""
    out, section = {}, None
    for n, line in enumerate(source_lines(), 1):
        if len(line) > 2 and line[0] in NUMERALS and line[1] == ".":
            section = line[0]
            continue
        if section is None:
            continue
        s = line.lstrip(" ")
        if s.startswith("- "):
            s = s[2:]
        head = s.split(" ", 1)[0]
        if head[:-1].isdigit() and head.endswith(".") or (head.startswith("(") and head.endswith(")") and len(head) >= 3):
            out[n] = (section, line)
    return out


def test_every_labelled_line_is_exactly_one_provision(built):
    provisions = rows(built, "provisions")
    by_line = Counter(int(p["source_line"]) for p in provisions)
    assert all(c == 1 for c in by_line.values()), "a source line became more than one provision"
    assert set(by_line) == set(labelled_lines())


def test_counts_per_meeting_agree_with_a_simpler_count(built):
    simple = Counter(NUMERALS.index(section) + 1 for section, _ in labelled_lines().values())
    built_counts = Counter(int(p["meeting"]) for p in rows(built, "provisions"))
    assert built_counts == simple
    # the third meeting's section prints no recommendations of its own
    assert simple[3] == 0 and len(simple) == 7


def test_provision_text_occurs_in_the_source_line(built):
    lines = source_lines()
    notes: dict[str, list[dict[str, str]]] = {}
    for f in rows(built, "footnotes"):
        notes.setdefault(f["provision_id"], []).append(f)
    for p in rows(built, "provisions"):
        line = lines[int(p["source_line"]) - 1]
        text = p["text"]
        for f in sorted(notes.get(p["provision_id"], []), key=lambda f: -int(f["offset"])):
            text = text[: int(f["offset"])] + f["marker"] + text[int(f["offset"]) :]
        assert line.lstrip(" ").removeprefix("- ") == f"{p['label']} {text}", p["provision_id"]
        assert not any(ch in SUPERSCRIPTS for ch in p["text"]), "footnote markers stay out of text"


def test_every_provision_text_is_in_the_document_whitespace_aside(built):
    document = re.sub(r"\s+", "", re.sub(f"[{SUPERSCRIPTS}]", "", SOURCE.read_text(encoding="utf-8")))
    for p in rows(built, "provisions"):
        assert re.sub(r"\s+", "", p["text"]) in document, p["provision_id"]


def test_footnotes_are_the_source_footnotes(built):
    printed = {}
    for n, line in enumerate(source_lines(), 1):
        if line and line[0] in SUPERSCRIPTS:
            marker, text = line.split(" ", 1)
            printed[marker] = (n, text)
    got = {f["marker"]: (int(f["source_line"]), f["text"]) for f in rows(built, "footnotes")}
    assert got == printed and len(got) == 5


def test_meetings_match_the_section_headings(built):
    headings = [line for line in source_lines() if line[:2] in {f"{n}." for n in NUMERALS}]
    meetings = rows(built, "meetings")
    assert [m["heading"] for m in meetings] == headings
    for m, h in zip(meetings, headings, strict=True):
        y, rest = h.split("，")[1].split("年", 1)
        assert m["start_date"].startswith(y) and m["venue"] == h.rsplit("，", 1)[1]


def test_the_third_meetings_note_is_kept(built):
    lines = source_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("三."))
    end = next(i for i, line in enumerate(lines) if line.startswith("四."))
    note = [line for line in lines[start + 1 : end] if line.strip()]
    third = rows(built, "meetings")[2]
    assert [third["note"]] == note


def test_the_fourth_meeting_endorsed_the_thirds_proposals(built):
    meetings = {m["meeting"]: m for m in rows(built, "meetings")}
    endorsed = [p for p in rows(built, "provisions") if p["adoption"] == "proposed_and_endorsed"]
    # the items and sub-items printed under 46 of section 四, counted from the source
    lines = source_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("46. 工作组经口头修正核可了"))
    end = next(i for i, line in enumerate(lines) if line.startswith("五."))
    printed = [line for line in lines[start + 1 : end] if line.strip()]
    assert len(endorsed) == len(printed) == 19
    for p in endorsed:
        assert (p["meeting"], p["proposed_at_meeting"]) == ("4", "3")
        assert p["proposed_on"] == meetings["3"]["start_date"] == "2010-10-19"
        assert (p["meeting_start_date"], p["meeting_end_date"]) == (meetings["4"]["start_date"], meetings["4"]["end_date"]) == ("2011-10-10", "2011-10-12")
        assert p["proposed_by"] == "Chair" and p["endorsed_with_oral_amendments"] == "true"
    items = [p for p in endorsed if p["level"] == "item"]
    assert {p["parent_id"] for p in items} == {"wgtip-m4-p46"}
    assert meetings["3"]["provisions_proposed"] == "19" and meetings["3"]["provisions_decided"] == "0"


def test_seventh_meeting_recommendations_go_to_the_conference(built):
    seventh = [p for p in rows(built, "provisions") if p["source_section"] == "七"]
    assert seventh and {p["adoption"] for p in seventh} == {"recommended_to_conference"}
    others = [p for p in rows(built, "provisions") if p["source_section"] != "七"]
    assert "recommended_to_conference" not in {p["adoption"] for p in others}


def test_standalone_text_prefixes_the_chapeaux(built):
    by_id = {p["provision_id"]: p for p in rows(built, "provisions")}
    sub = by_id["wgtip-m4-p46-j-vi"]
    assert sub["standalone_text"] == by_id["wgtip-m4-p46"]["text"] + by_id["wgtip-m4-p46-j"]["text"] + sub["text"]
    assert sub["standalone_text"].startswith("工作组经口头修正核可了") and sub["standalone_text"].endswith("任何其他费用或损失。")
    item = by_id["wgtip-m1-p5-a"]
    assert item["standalone_text"] == "缔约国应当：将为贩运人口提供便利和支助的行为规定为刑事犯罪；"
