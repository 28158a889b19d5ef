"""The importer: the source document -> events.

It reads the Chinese background paper line by line and writes what it says
as events: the document registered, each meeting held, each paragraph of
recommendations adopted (or proposed, endorsed, or referred to the
Conference of the Parties). Text is copied exactly as printed; only the label
and footnote markers are taken out, and the markers' places are kept.

The importer is a tool. The committed events are the truth: once written
they are never regenerated over, and a test proves that this importer still
reproduces them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import WgtipError
from .events import (
    Envelope,
    Footnote,
    MeetingHeld,
    MeetingHeldData,
    Occurrence,
    ProposalsEndorsed,
    ProposalsEndorsedData,
    ProvisionText,
    RecommendationsAdopted,
    RecommendationsAdoptedData,
    RecommendationsProposed,
    RecommendationsProposedData,
    RecommendationsReferredToConference,
    RecommendationsReferredToConferenceData,
    SourceDocumentRegistered,
    SourceDocumentRegisteredData,
    SourceLocator,
)
from .identifiers import provision_id

SOURCE_PATH = "sources/000_e7880869daa9b576.txt"
DOCUMENT_ID = "wgtip-background-2019-zh"

SECTION_NUMERALS = "一二三四五六七八九十"
SUBITEM_ROMAN = {"一": "i", "二": "ii", "三": "iii", "四": "iv", "五": "v", "六": "vi", "七": "vii", "八": "viii", "九": "ix", "十": "x"}
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
LANGUAGES = {"English": "en", "Chinese": "zh", "French": "fr", "Spanish": "es", "Russian": "ru", "Arabic": "ar"}

SECTION_RE = re.compile(r"^(?P<num>[一二三四五六七八九十]+)\. (?P<ordinal>第.+?次会议)，(?P<date>.+?)，(?P<venue>[^，]+)$")
PARAGRAPH_RE = re.compile(r"^(?P<label>(?P<n>\d+)\.) (?P<text>.+)$")
ITEM_RE = re.compile(r"^\s*(?:- )?(?P<label>\((?P<item>[a-z])\)) (?P<text>.+)$")
SUBITEM_RE = re.compile(r"^\s*(?:- )?(?P<label>\((?P<sub>[一二三四五六七八九十]+)\)) (?P<text>.+)$")
FOOTNOTE_RE = re.compile(r"^(?P<marker>[⁰¹²³⁴⁵⁶⁷⁸⁹]+) (?P<text>.+)$")
MARKER_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
DATE_RANGE_RE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d+)月(?P<d>\d+)日(?:(?:至|和)(?:(?P<m2>\d+)月)?(?P<d2>\d+)日)?$")
REPORT_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d+)月(?P<d>\d+)日(?:和\d+日)?在\S+?举行的工作组会议的报告.*?（(?P<symbol>CTOC/COP/WG\.4/\d{4}/\d+)）")
ENDORSEMENT_RE = re.compile(r"工作组(?P<amended>经口头修正)?核可了\s*(?P<y>\d{4})\s*年\s*(?P<m>\d+)\s*月\s*(?P<d>\d+)\s*日在\S+?举行的工作组会议上由(?P<by>主席)提出的以下建议")
REFERRAL_RE = re.compile(r"^工作组建议缔约方会议审议是否采纳以下建议")
LINK_RE = re.compile(r"\[(?P<text>[^\]]+)\]\(#\)")
PROPOSERS = {"主席": "Chair"}


class SourceFormatError(WgtipError):
    """The source document does not have the shape the importer expects."""

    def __init__(self, line: int, message: str):
        super().__init__(f"{SOURCE_PATH}:{line}: {message}")


@dataclass
class Line:
    number: int
    label: str
    text: str  # without markers
    markers: list[tuple[int, str]]  # (offset, marker)


@dataclass
class Paragraph:
    line: Line
    number: int
    items: list[tuple[Line, str, list[tuple[Line, str]]]] = field(default_factory=list)


@dataclass
class Section:
    numeral: str
    ordinal: int
    heading: str
    line: int
    start: dt.date
    end: dt.date
    venue: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    note: tuple[int, str] | None = None


def _date_range(text: str, line: int) -> tuple[dt.date, dt.date]:
    m = DATE_RANGE_RE.match(text)
    if not m:
        raise SourceFormatError(line, f"cannot read the meeting dates {text!r}")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    start = dt.date(y, mo, d)
    end = dt.date(y, int(m["m2"] or mo), int(m["d2"])) if m["d2"] else start
    return start, end


def _strip_markers(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Remove footnote markers, remembering where each stood in the remaining text."""
    out, markers, pos = [], [], 0
    for m in MARKER_RE.finditer(text):
        out.append(text[pos : m.start()])
        markers.append((sum(len(s) for s in out), m.group()))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), markers


def _line(number: int, label: str, text: str) -> Line:
    clean, markers = _strip_markers(text)
    return Line(number, label, clean, markers)


@dataclass
class Document:
    """What the importer read off the source, before it becomes events."""

    front: dict
    sections: list[Section]
    footnotes: dict[int, tuple[str, int, str]]  # number -> (marker, line, text)
    sha256: str
    language: str


def read_document(raw: bytes) -> Document:
    text = raw.decode("utf-8")
    lines = text.split("\n")
    sections: list[Section] = []
    footnotes: dict[int, tuple[str, int, str]] = {}
    front: list[tuple[int, str]] = []
    para: Paragraph | None = None
    for number, raw_line in enumerate(lines, 1):
        if not raw_line.strip():
            continue
        if m := SECTION_RE.match(raw_line):
            start, end = _date_range(m["date"], number)
            ordinal = SECTION_NUMERALS.index(m["num"]) + 1
            sections.append(Section(m["num"], ordinal, raw_line, number, start, end, m["venue"]))
            para = None
            continue
        if not sections:
            front.append((number, raw_line))
            continue
        section = sections[-1]
        if m := FOOTNOTE_RE.match(raw_line):
            num = int(m["marker"].translate(SUPERSCRIPT))
            if num in footnotes:
                raise SourceFormatError(number, f"footnote {num} printed twice")
            footnotes[num] = (m["marker"], number, m["text"])
        elif m := PARAGRAPH_RE.match(raw_line):
            para = Paragraph(_line(number, m["label"], m["text"]), int(m["n"]))
            section.paragraphs.append(para)
        elif m := ITEM_RE.match(raw_line):
            if para is None:
                raise SourceFormatError(number, "item outside a paragraph")
            para.items.append((_line(number, m["label"], m["text"]), m["item"], []))
        elif m := SUBITEM_RE.match(raw_line):
            if para is None or not para.items:
                raise SourceFormatError(number, "sub-item outside an item")
            para.items[-1][2].append((_line(number, m["label"], m["text"]), SUBITEM_ROMAN[m["sub"]]))
        elif not section.paragraphs and section.note is None:
            section.note = (number, raw_line)
        else:
            raise SourceFormatError(number, f"unrecognised line {raw_line[:40]!r}")
    _check_numbering(sections)
    return Document(_read_front(front), sections, footnotes, hashlib.sha256(raw).hexdigest(), "zh")


def _check_numbering(sections: list[Section]) -> None:
    for i, s in enumerate(sections, 1):
        if s.ordinal != i:
            raise SourceFormatError(s.line, f"section {s.numeral} out of order (expected meeting {i})")
        for j, p in enumerate(s.paragraphs, 1):
            if p.number != j:
                raise SourceFormatError(p.line.number, f"paragraph {p.number} out of order (expected {j})")
            for k, (item_line, letter, subs) in enumerate(p.items):
                if letter != "abcdefghijklmnopqrstuvwxyz"[k]:
                    raise SourceFormatError(item_line.number, f"item ({letter}) out of order")
                for n, (sub_line, roman) in enumerate(subs):
                    if roman != list(SUBITEM_ROMAN.values())[n]:
                        raise SourceFormatError(sub_line.number, f"sub-item {sub_line.label} out of order")


def _read_front(front: list[tuple[int, str]]) -> dict:
    """Title, date and languages from the front matter, by their printed forms."""
    by_text = [t for _, t in front]
    out: dict = {}
    for i, t in enumerate(by_text):
        if t.startswith("Distr.:"):
            out["distributed_on"] = dt.datetime.strptime(by_text[i + 1].strip(), "%d %B %Y").date()
            out["language"] = LANGUAGES[by_text[i + 2].strip()]
        elif t.startswith("Original:"):
            out["original_language"] = LANGUAGES[t.split(":", 1)[1].strip()]
        elif t.endswith("通过的建议") and "title" not in out:
            out["title"] = t
            out["subtitle"] = by_text[i + 1]
        elif t.endswith("工作组") and "body" not in out:
            out["body"] = t
        elif t.startswith("编写本背景文件意在补充") and (m := LINK_RE.search(t)):
            out["complements"] = m["text"]
        elif t.startswith("* ") and (m := LINK_RE.search(t)):
            out["agenda"] = m["text"]
    missing = {"distributed_on", "language", "original_language", "title", "subtitle", "body"} - out.keys()
    if missing:
        raise SourceFormatError(1, f"front matter lacks {', '.join(sorted(missing))}")
    return out


# --- events ------------------------------------------------------------------


class _Writer:
    """Numbers events and keeps their envelope consistent."""

    def __init__(self, doc: Document, recorded_at: dt.datetime):
        self.doc, self.recorded_at = doc, recorded_at
        self.events: list[tuple[str, Envelope]] = []

    def locator(self, section: str | None, paragraph: str | None, line: int) -> SourceLocator:
        return SourceLocator(document=DOCUMENT_ID, language=self.doc.language, sha256=self.doc.sha256, section=section, paragraph=paragraph, line=line)

    def add(self, cls: type[Envelope], data, start: dt.date, end: dt.date, locator: SourceLocator, segment: str) -> None:
        seq = len(self.events) + 1
        # prev is filled in when the events are encoded (it needs the bytes of the predecessor)
        ev = cls(seq=seq, type=cls.__name__, schema_version=1, occurred=Occurrence(start=start, end=end), recorded_at=self.recorded_at, source=locator, prev=None, data=data)
        self.events.append((segment, ev))


def _provision(doc: Document, pid: str, parent: str | None, paragraph: int, line: Line, item: str | None = None, sub: str | None = None) -> ProvisionText:
    notes = []
    for offset, marker in line.markers:
        num = int(marker.translate(SUPERSCRIPT))
        if num not in doc.footnotes:
            raise SourceFormatError(line.number, f"footnote marker {marker} has no footnote text")
        printed_marker, fn_line, fn_text = doc.footnotes[num]
        notes.append(Footnote(number=num, marker=marker, offset=offset, text=fn_text, line=fn_line))
    return ProvisionText(provision_id=pid, parent_id=parent, paragraph=paragraph, item=item, subitem=sub, label=line.label, text=line.text, line=line.number, footnotes=tuple(notes))


def _provisions(doc: Document, meeting: int, p: Paragraph, with_chapeau: bool = True) -> list[ProvisionText]:
    pid = provision_id(meeting, p.number)
    out = [_provision(doc, pid, None, p.number, p.line)] if with_chapeau else []
    for item_line, letter, subs in p.items:
        iid = provision_id(meeting, p.number, letter)
        out.append(_provision(doc, iid, pid if with_chapeau else None, p.number, item_line, letter))
        for sub_line, roman in subs:
            out.append(_provision(doc, provision_id(meeting, p.number, letter, roman), iid, p.number, sub_line, letter, roman))
    return out


def _report_symbols(doc: Document) -> dict[dt.date, tuple[str, int]]:
    """Reports of earlier meetings that the source cites with their symbol, by meeting start date: (symbol, line)."""
    found: dict[dt.date, tuple[str, int]] = {}
    for s in doc.sections:
        for p in s.paragraphs:
            for m in REPORT_RE.finditer(p.line.text):
                found.setdefault(dt.date(int(m["y"]), int(m["m"]), int(m["d"])), (m["symbol"], p.line.number))
    return found


def document_events(doc: Document, recorded_at: dt.datetime) -> list[tuple[str, Envelope]]:
    """The events the document records, in the order they happened, each with its segment slug."""
    w = _Writer(doc, recorded_at)
    f = doc.front
    w.add(
        SourceDocumentRegistered,
        SourceDocumentRegisteredData(
            document=DOCUMENT_ID,
            path=SOURCE_PATH,
            sha256=doc.sha256,
            language=f["language"],
            original_language=f["original_language"],
            body=f["body"],
            title=f["title"],
            subtitle=f["subtitle"],
            distributed_on=f["distributed_on"],
            complements=f.get("complements"),
            agenda=f.get("agenda"),
        ),
        f["distributed_on"],
        f["distributed_on"],
        w.locator(None, None, 1),
        "source-registered",
    )
    reports = _report_symbols(doc)
    by_start = {s.start: s for s in doc.sections}
    # proposals printed under a later meeting, keyed by the meeting that made them
    proposals: dict[int, list[tuple[Section, Paragraph, re.Match]]] = {}
    for s in doc.sections:
        for p in s.paragraphs:
            if m := ENDORSEMENT_RE.search(p.line.text):
                proposed = by_start.get(dt.date(int(m["y"]), int(m["m"]), int(m["d"])))
                if proposed is None:
                    raise SourceFormatError(p.line.number, "endorsement names a meeting date that no section has")
                proposals.setdefault(proposed.ordinal, []).append((s, p, m))
    for s in doc.sections:
        segment = f"meeting-{s.ordinal}"
        note = s.note
        w.add(
            MeetingHeld,
            MeetingHeldData(
                meeting=s.ordinal,
                heading=s.heading,
                start_date=s.start,
                end_date=s.end,
                venue=s.venue,
                report_symbol=reports[s.start][0] if s.start in reports else None,
                report_symbol_line=reports[s.start][1] if s.start in reports else None,
                note=note[1] if note else None,
                note_line=note[0] if note else None,
            ),
            s.start,
            s.end,
            w.locator(s.numeral, None, s.line),
            segment,
        )
        for later, p, m in proposals.get(s.ordinal, []):
            w.add(
                RecommendationsProposed,
                RecommendationsProposedData(meeting=s.ordinal, proposed_by=PROPOSERS[m["by"]], provisions=tuple(_provisions(doc, later.ordinal, p, with_chapeau=False))),
                s.start,
                s.end,
                w.locator(later.numeral, str(p.number), p.items[0][0].number),
                segment,
            )
        for p in s.paragraphs:
            loc = w.locator(s.numeral, str(p.number), p.line.number)
            if m := ENDORSEMENT_RE.search(p.line.text):
                proposed = by_start[dt.date(int(m["y"]), int(m["m"]), int(m["d"]))]
                endorsed = tuple(pr.provision_id for pr in _provisions(doc, s.ordinal, p, with_chapeau=False))
                chapeau = _provisions(doc, s.ordinal, Paragraph(p.line, p.number))
                w.add(
                    ProposalsEndorsed,
                    ProposalsEndorsedData(
                        meeting=s.ordinal, proposals_of_meeting=proposed.ordinal, with_oral_amendments=bool(m["amended"]), paragraph=p.number, provisions=tuple(chapeau), endorsed=endorsed
                    ),
                    s.start,
                    s.end,
                    loc,
                    segment,
                )
            elif REFERRAL_RE.match(p.line.text):
                w.add(
                    RecommendationsReferredToConference,
                    RecommendationsReferredToConferenceData(meeting=s.ordinal, paragraph=p.number, provisions=tuple(_provisions(doc, s.ordinal, p))),
                    s.start,
                    s.end,
                    loc,
                    segment,
                )
            else:
                w.add(RecommendationsAdopted, RecommendationsAdoptedData(meeting=s.ordinal, paragraph=p.number, provisions=tuple(_provisions(doc, s.ordinal, p))), s.start, s.end, loc, segment)
    _check_footnotes_used(doc, [e for _, e in w.events])
    return w.events


def _check_footnotes_used(doc: Document, events: list[Envelope]) -> None:
    used = [fn.number for e in events for pr in getattr(e.data, "provisions", ()) for fn in pr.footnotes]
    unused = set(doc.footnotes) - set(used)
    if unused:
        n = min(unused)
        raise SourceFormatError(doc.footnotes[n][1], f"footnote {n} has no marker in any provision")


def import_source(raw: bytes, recorded_at: dt.datetime) -> list[tuple[str, Envelope]]:
    return document_events(read_document(raw), recorded_at)


def read_source(root: Path) -> bytes:
    return (root / SOURCE_PATH).read_bytes()
