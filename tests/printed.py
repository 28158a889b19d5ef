"""What the source document prints, read by its layout, independently of the importer and the fold.

A provision is a line that starts (after an optional ``- `` and spaces) with a label: ``5.`` for a
paragraph, ``(a)`` for an item, ``(一)`` for a sub-item. Its chapeau is the nearest line above it, in
the same meeting's section, one level up (the paragraph of an item, the item of a sub-item). Its
printed text is the rest of the line without footnote markers (superscript digits). A section
heading ``四. 第四次会议，2011年10月10日至12日，维也纳`` gives the meeting's ordinal (四 = 4) and dates.

The corrections are the committed ``TextCorrected`` events, read as JSON lines (not by the log
reader): each names its provision's source line, the text it replaced and the new text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from conftest import SOURCE

NUMERALS = "一二三四五六七八九十"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_DATES = re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日(?:[至和](\d{1,2})日)?")


@dataclass(frozen=True)
class Line:
    """A labelled line of the source."""

    line: int
    meeting: int
    label: str
    level: str
    text: str
    chapeau: int | None
    """The line of its chapeau, if any."""
    markers: int


@dataclass(frozen=True)
class Heading:
    line: int
    meeting: int
    text: str
    start: dt.date
    end: dt.date


def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def dates_in(text: str) -> tuple[dt.date, dt.date]:
    """The first date, or span of days, written in a text (2011年10月10日至12日, 2010 年 10 月 19 日)."""
    m = _DATES.search(text)
    assert m, text
    year, month, day, last = m.groups()
    start = dt.date(int(year), int(month), int(day))
    return start, start.replace(day=int(last)) if last else start


def headings() -> dict[int, Heading]:
    """The meetings' section headings by meeting ordinal."""
    out = {}
    for n, line in enumerate(source_lines(), 1):
        if len(line) > 2 and line[0] in NUMERALS and line[1] == ".":
            meeting = NUMERALS.index(line[0]) + 1
            out[meeting] = Heading(n, meeting, line, *dates_in(line))
    return out


def printed() -> dict[int, Line]:
    """Every labelled line, by line number."""
    out: dict[int, Line] = {}
    meeting, above = None, {}
    for n, raw in enumerate(source_lines(), 1):
        if len(raw) > 2 and raw[0] in NUMERALS and raw[1] == ".":
            meeting, above = NUMERALS.index(raw[0]) + 1, {}
            continue
        words = raw.lstrip(" ").removeprefix("- ").split(" ", 1)
        if meeting is None or len(words) < 2:
            continue
        label, rest = words
        if label[:-1].isdigit() and label.endswith("."):
            level = "paragraph"
        elif label.startswith("(") and label.endswith(")") and len(label) >= 3:
            level = "item" if label[1:-1].isascii() else "subitem"
        else:
            continue
        chapeau = {"paragraph": None, "item": above.get("paragraph"), "subitem": above.get("item")}[level]
        above[level] = n
        if level == "paragraph":
            above.pop("item", None)
        text = re.sub(f"[{SUPERSCRIPTS}]", "", rest)
        out[n] = Line(n, meeting, label, level, text, chapeau, len(rest) - len(text))
    return out


def recorded_corrections(root: Path) -> list[dict]:
    """The committed TextCorrected events, in sequence order, as JSON."""
    events = [json.loads(line) for p in sorted((root / "events").rglob("*.jsonl")) for line in p.read_bytes().split(b"\n") if line]
    return sorted((e for e in events if e["type"] == "TextCorrected"), key=lambda e: e["seq"])


def current_texts(lines: dict[int, Line], corrections: list[dict]) -> dict[int, str]:
    """Each line's printed text with the corrections applied in order (each must replace the text as it then reads)."""
    texts = {n: x.text for n, x in lines.items()}
    for c in corrections:
        n = c["source"]["line"]
        assert texts[n] == c["data"]["old_text"], f"correction {c['seq']} does not correct line {n} as it then reads"
        texts[n] = c["data"]["new_text"]
    return texts


def standalone_texts(lines: dict[int, Line], current: dict[int, str]) -> dict[int, str]:
    """Each line's current text preceded by its chapeaux' current texts, outermost first."""
    out = {}
    for n in lines:
        chain, up = [current[n]], lines[n].chapeau
        while up is not None:
            chain.append(current[up])
            up = lines[up].chapeau
        out[n] = "".join(reversed(chain))
    return out


def endorsed_block() -> tuple[int, list[int], int]:
    """The paragraph of section 四 that endorses the third meeting's proposals (its line), the lines
    printed under it up to the next section, and the meeting whose date its text names."""
    lines = source_lines()
    chapeau = next(i for i, line in enumerate(lines, 1) if line.startswith("46. 工作组经口头修正核可了"))
    end = next(i for i, line in enumerate(lines, 1) if line.startswith("五."))
    under = [n for n in printed() if chapeau < n < end]
    proposed_on = dates_in(lines[chapeau - 1])[0]
    proposing = next(h.meeting for h in headings().values() if h.start == proposed_on)
    return chapeau, under, proposing
