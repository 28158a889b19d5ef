"""Generated logs with the structure the committed log lacks, and what their fold must give,
worked out here from what the generator recorded, never by the fold.

The committed log has one source document, no correction of a correction and its proposals
endorsed within that one document. A generated log has:

- up to three source documents, their events interleaved in the log and their provisions' lines
  drawn from one range, so that document order (by document, then line) is neither the log's order
  nor the order of the lines alone;
- chapeaux with items, and items with sub-items;
- proposals of one meeting endorsed by a later meeting, often one recorded in another document,
  some left pending, the endorsing chapeau becoming the parent of the items it endorses;
- corrections of corrections, and corrections that restore the printed text;
- footnotes, which the fold orders by their provision's place, then their offset.

``Generator`` makes its choices through a ``Choices``: hypothesis draws them in the property tests
(``structured_logs``); a seeded ``random.Random`` makes one fixed log for a test that builds it
(``seeded_log``). ``expected`` gives the rows the fold must produce, from the data dictionary's rules
(tables.py's descriptions) applied to the generator's own records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

from wgtip.events import EVENT_ADAPTER
from wgtip.log import chain, segment_path

T = TypeVar("T")

DOCUMENTS = ("gen-da", "gen-db", "gen-dc")
CHARACTERS = "缔约国应当加强合作打击贩运人口，。" + ',"'  # with the two characters a CSV field is quoted for
ROMAN = ("i", "ii", "iii")
SUBITEM_LABELS = "一二三"
RECORDED_AT = "2026-11-28T00:00:00Z"


def sha_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class Choices:
    """Where the generator's choices come from."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]


class Drawn(Choices):
    """Choices drawn by hypothesis (so it can shrink a failing log)."""

    def __init__(self, draw: Callable[[Any], Any]):
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))


class Seeded(Choices):
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


@dataclass
class Printed:
    """A provision as the generator recorded it, and what later events made of it."""

    provision_id: str
    parent_id: str | None
    paragraph: int
    item: str | None
    subitem: str | None
    label: str
    text: str
    line: int
    document: str
    section: str
    event_seq: int
    meeting: int
    adoption: str
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    proposed_at_meeting: int | None = None
    proposed_by: str | None = None
    endorsed_with_oral_amendments: bool | None = None


@dataclass
class Correction:
    seq: int
    provision_id: str
    old_text: str
    new_text: str
    reason: str
    corrected_by: str


@dataclass
class GeneratedLog:
    events: list[dict[str, Any]]
    documents: dict[str, dict[str, Any]]
    meetings: dict[int, dict[str, Any]]
    provisions: dict[str, Printed]
    """In the order the log recorded them."""
    corrections: list[Correction]
    endorsements: list[dict[str, Any]]
    """Each endorsement: the endorsing meeting, the proposing meeting, their documents and the ids endorsed."""
    lines: list[bytes] = field(default_factory=list)
    """The committed form of each event (chained)."""

    def __repr__(self) -> str:
        """One line per event (what hypothesis prints for a failing log; the dataclass's own repr runs to tens of kB)."""

        def summary(e: dict[str, Any]) -> str:
            d = e["data"]
            ids = [p["provision_id"] for p in d.get("provisions", ())]
            parts = [f"{k}={d[k]}" for k in ("document", "meeting", "proposals_of_meeting", "provision_id") if k in d]
            parts += [f"provisions={ids}"] if ids else []
            parts += [f"endorsed={list(d['endorsed'])}"] if "endorsed" in d else []
            parts += [f"{d['old_text']!r} -> {d['new_text']!r}"] if "new_text" in d else []
            where = e["source"] and f" [{e['source']['document']}:{e['source']['line']}]"
            return f"  {e['seq']} {e['type']}{where or ''} " + " ".join(parts)

        return "GeneratedLog(\n" + "\n".join(summary(e) for e in self.events) + "\n)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # hypothesis prints a dataclass field by field, unless told this way

    def write(self, root: Path) -> Path:
        """The log as one segment under ``root/events``; returns ``root``."""
        path = root / segment_path(1, "generated")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(line + b"\n" for line in self.lines))
        return root


class Generator:
    def __init__(self, choices: Choices, steps: int):
        self.c = choices
        self.steps = steps
        self.events: list[dict[str, Any]] = []
        self.day = dt.date(2009, 4, 14)
        self.documents: dict[str, dict[str, Any]] = {}
        self.used_lines: dict[str, set[int]] = {}
        self.meetings: dict[int, dict[str, Any]] = {}
        self.next_paragraph: dict[int, int] = {}
        self.provisions: dict[str, Printed] = {}
        self.current: dict[str, str] = {}
        self.pending: dict[int, list[list[str]]] = {}  # proposing meeting -> its pending items, each with its sub-items
        self.corrections: list[Correction] = []
        self.endorsements: list[dict[str, Any]] = []

    # --- pieces ------------------------------------------------------------------------------

    def text(self) -> str:
        return "".join(self.c.choice(CHARACTERS) for _ in range(self.c.integer(1, 6)))

    def line(self, document: str, start: int) -> int:
        """The first line from ``start`` on that the document does not use yet."""
        used = self.used_lines[document]
        while start in used:
            start += 1
        used.add(start)
        return start

    def envelope(self, type_: str, data: dict[str, Any], source: dict[str, Any] | None, occurred: tuple[dt.date, dt.date] | None = None) -> dict[str, Any]:
        start, end = occurred or (self.day, self.day)
        event = {
            "seq": len(self.events) + 1,
            "type": type_,
            "schema_version": 1,
            "occurred": {"start": start.isoformat(), "end": end.isoformat()},
            "recorded_at": RECORDED_AT,
            "source": source,
            "prev": None,
            "data": data,
        }
        self.events.append(event)
        return event

    def source(self, document: str, section: str | None, paragraph: int | None, line: int | None) -> dict[str, Any]:
        return {"document": document, "language": "zh", "sha256": sha_of(document), "section": section, "paragraph": None if paragraph is None else str(paragraph), "line": line}

    def provision(
        self, document: str, pid: str, parent: str | None, paragraph: int, item: str | None, subitem: str | None, label: str, line: int, seq: int, section: str, meeting: int, adoption: str
    ) -> dict[str, Any]:
        text = self.text()
        footnotes = []
        if self.c.integer(0, 5) == 0:
            footnotes.append({"number": 1, "marker": "¹", "offset": self.c.integer(0, len(text)), "text": "注" + self.text(), "line": self.line(document, line + 1)})
        self.provisions[pid] = Printed(pid, parent, paragraph, item, subitem, label, text, line, document, section, seq, meeting, adoption, footnotes)
        self.current[pid] = text
        return {"provision_id": pid, "parent_id": parent, "paragraph": paragraph, "item": item, "subitem": subitem, "label": label, "text": text, "line": line, "footnotes": footnotes}

    # --- events ------------------------------------------------------------------------------

    def register(self) -> None:
        document = DOCUMENTS[len(self.documents)]
        data = {
            "document": document,
            "path": f"sources/{document}.txt",
            "sha256": sha_of(document),
            "language": "zh",
            "original_language": "en",
            "body": "测试机构",
            "title": f"测试文件 {document}",
            "subtitle": "背景文件",
            "distributed_on": self.day.isoformat(),
            "complements": None,
            "agenda": None,
        }
        seq = self.envelope("SourceDocumentRegistered", data, None)["seq"]
        self.documents[document] = dict(data, event_seq=seq)
        self.used_lines[document] = set()

    def meeting(self) -> None:
        # the documents with the fewest meetings first (where a draw of 0, hypothesis's simplest, lands), so meetings spread over them
        held = {d: sum(m["document"] == d for m in self.meetings.values()) for d in self.documents}
        document = self.c.choice(sorted(self.documents, key=lambda d: (held[d], d)))
        self.day += dt.timedelta(days=self.c.integer(1, 300))
        start, end = self.day, self.day + dt.timedelta(days=self.c.integer(0, 3))
        self.day = end
        m = len(self.meetings) + 1
        line = self.line(document, self.c.integer(1, 40))
        data = {"meeting": m, "heading": f"{m}. 第{m}次会议", "start_date": start.isoformat(), "end_date": end.isoformat(), "venue": "维也纳"}
        seq = self.envelope("MeetingHeld", data, self.source(document, f"s{m}", None, line), (start, end))["seq"]
        self.meetings[m] = dict(data, start_date=start, end_date=end, document=document, section=f"s{m}", line=line, event_seq=seq)
        self.next_paragraph[m] = 1

    def paragraph(self, adoption: str) -> None:
        """A meeting's paragraph: a provision, or a chapeau with items, some with sub-items."""
        m = self.c.choice(sorted(self.meetings))
        meeting = self.meetings[m]
        document, section = meeting["document"], meeting["section"]
        n = self.next_paragraph[m]
        self.next_paragraph[m] += 1
        seq = len(self.events) + 1
        pid = f"{document.removeprefix('gen-')}-m{m}-p{n}"
        line = self.line(document, self.c.integer(1, 40))
        provisions = [self.provision(document, pid, None, n, None, None, f"{n}.", line, seq, section, m, adoption)]
        for letter in "abc"[: self.c.integer(0, 3)]:
            iid = f"{pid}-{letter}"
            line = self.line(document, line + 1)
            provisions.append(self.provision(document, iid, pid, n, letter, None, f"({letter})", line, seq, section, m, adoption))
            for k in range(self.c.integer(0, 2)):
                line = self.line(document, line + 1)
                provisions.append(self.provision(document, f"{iid}-{ROMAN[k]}", iid, n, letter, ROMAN[k], f"({SUBITEM_LABELS[k]})", line, seq, section, m, adoption))
        type_ = {"adopted": "RecommendationsAdopted", "recommended_to_conference": "RecommendationsReferredToConference"}[adoption]
        self.envelope(type_, {"meeting": m, "paragraph": n, "provisions": provisions}, self.source(document, section, n, provisions[0]["line"]), (meeting["start_date"], meeting["end_date"]))

    def propose(self) -> None:
        """Items (some with sub-items) proposed at a meeting; an item's chapeau is written by the meeting that endorses it."""
        m = self.c.choice(sorted(self.meetings))
        meeting = self.meetings[m]
        document, section = meeting["document"], meeting["section"]
        n = self.next_paragraph[m]
        self.next_paragraph[m] += 1
        seq = len(self.events) + 1
        line = self.c.integer(1, 40)
        provisions = []
        for letter in "abc"[: self.c.integer(1, 3)]:
            iid = f"{document.removeprefix('gen-')}-m{m}-p{n}-{letter}"
            line = self.line(document, line + 1)
            provisions.append(self.provision(document, iid, None, n, letter, None, f"({letter})", line, seq, section, m, "proposed"))
            family = [iid]
            for k in range(self.c.integer(0, 2)):
                line = self.line(document, line + 1)
                sid = f"{iid}-{ROMAN[k]}"
                provisions.append(self.provision(document, sid, iid, n, letter, ROMAN[k], f"({SUBITEM_LABELS[k]})", line, seq, section, m, "proposed"))
                family.append(sid)
            self.pending.setdefault(m, []).append(family)
        for p in provisions:
            self.provisions[p["provision_id"]].proposed_at_meeting = m
            self.provisions[p["provision_id"]].proposed_by = "Chair"
        self.envelope(
            "RecommendationsProposed",
            {"meeting": m, "proposed_by": "Chair", "provisions": provisions},
            self.source(document, section, n, provisions[0]["line"]),
            (meeting["start_date"], meeting["end_date"]),
        )

    def endorsable(self) -> list[tuple[int, int]]:
        """(proposing, endorsing) meetings: pairs whose meetings are recorded in different documents first."""
        pairs = [(p, e) for p in sorted(self.pending) if self.pending[p] for e in sorted(self.meetings) if e > p]
        return sorted(pairs, key=lambda pe: self.meetings[pe[0]]["document"] == self.meetings[pe[1]]["document"])

    def endorse(self) -> None:
        """A later meeting endorses some (or all) of an earlier meeting's pending items, in a paragraph it writes
        (in its own document, which may not be the proposals')."""
        proposing, endorsing = self.c.choice(self.endorsable())
        families = self.pending[proposing]
        taken = self.c.integer(1, len(families))
        endorsed_families, self.pending[proposing] = families[:taken], families[taken:]
        endorsed = [pid for family in endorsed_families for pid in family]
        meeting = self.meetings[endorsing]
        document, section = meeting["document"], meeting["section"]
        n = self.next_paragraph[endorsing]
        self.next_paragraph[endorsing] += 1
        seq = len(self.events) + 1
        pid = f"{document.removeprefix('gen-')}-m{endorsing}-p{n}"
        chapeau = self.provision(document, pid, None, n, None, None, f"{n}.", self.line(document, self.c.integer(1, 40)), seq, section, endorsing, "adopted")
        oral = bool(self.c.integer(0, 1))
        self.envelope(
            "ProposalsEndorsed",
            {
                "meeting": endorsing,
                "proposals_of_meeting": proposing,
                "with_oral_amendments": oral,
                "paragraph": n,
                "provisions": [chapeau],
                "endorsed": endorsed,
            },
            self.source(document, section, n, chapeau["line"]),
            (meeting["start_date"], meeting["end_date"]),
        )
        for e in endorsed:
            p = self.provisions[e]
            p.meeting, p.adoption, p.endorsed_with_oral_amendments = endorsing, "proposed_and_endorsed", oral
            if p.parent_id is None:
                p.parent_id = pid
        self.endorsements.append(
            {"meeting": endorsing, "proposals_of_meeting": proposing, "document": document, "proposals_document": self.meetings[proposing]["document"], "chapeau": pid, "endorsed": endorsed}
        )

    def correct(self, restore: bool) -> None:
        """Correct a provision's current text: often one corrected before; or give it back its printed text."""
        if restore:
            pid = self.c.choice([p for p in sorted(self.current) if self.current[p] != self.provisions[p].text])
            new = self.provisions[pid].text
        else:
            corrected = sorted({c.provision_id for c in self.corrections})
            pool = corrected if corrected and self.c.integer(0, 1) == 0 else sorted(self.current)
            pid = self.c.choice(pool)
            old = self.current[pid]
            at = self.c.integer(0, len(old))
            new = old[:at] + self.c.choice("正误") + old[at:]
        p = self.provisions[pid]
        old = self.current[pid]
        reason, by = f"测试 {len(self.corrections) + 1}", "generated_logs"
        seq = self.envelope("TextCorrected", {"provision_id": pid, "old_text": old, "new_text": new, "reason": reason, "corrected_by": by}, self.source(p.document, p.section, p.paragraph, p.line))[
            "seq"
        ]
        self.corrections.append(Correction(seq, pid, old, new, reason, by))
        self.current[pid] = new

    def run(self) -> GeneratedLog:
        self.register()
        for _ in range(self.steps):
            kinds = ["meeting"]
            if len(self.documents) < len(DOCUMENTS):
                kinds += ["document"] * (3 - len(self.documents))
            if self.meetings:
                kinds += ["adopt", "adopt", "refer", "propose"]
            if self.endorsable():
                kinds += ["endorse", "endorse"]
            if self.current:
                kinds += ["correct", "correct"]
            if any(self.current[p] != self.provisions[p].text for p in self.current):
                kinds.append("restore")
            kind = self.c.choice(kinds)
            self.day += dt.timedelta(days=1)
            if kind == "document":
                self.register()
            elif kind == "meeting":
                self.meeting()
            elif kind == "adopt":
                self.paragraph("adopted")
            elif kind == "refer":
                self.paragraph("recommended_to_conference")
            elif kind == "propose":
                self.propose()
            elif kind == "endorse":
                self.endorse()
            else:
                self.correct(restore=kind == "restore")
        log = GeneratedLog(self.events, self.documents, self.meetings, self.provisions, self.corrections, self.endorsements)
        log.lines = [line for _, line in chain(EVENT_ADAPTER.validate_python(e) for e in self.events)]
        return log


@st.composite
def structured_logs(draw, max_steps: int = 24) -> GeneratedLog:
    """A random valid log with the structure above (hypothesis)."""
    choices = Drawn(draw)
    return Generator(choices, choices.integer(1, max_steps)).run()


def seeded_log(seed: int, steps: int) -> GeneratedLog:
    return Generator(Seeded(seed), steps).run()


# --- what the fold must give ------------------------------------------------------------------------


def current_texts(log: GeneratedLog) -> dict[str, str]:
    """Each provision's printed text with its corrections applied in log order (``current_text``)."""
    texts = {pid: p.text for pid, p in log.provisions.items()}
    for c in log.corrections:
        assert texts[c.provision_id] == c.old_text, "the generator corrects the current text"
        texts[c.provision_id] = c.new_text
    return texts


def document_order(log: GeneratedLog) -> list[str]:
    """The provisions by document, then line; ties (none here: a document's lines are distinct) in log order."""
    recorded = list(log.provisions)
    return sorted(recorded, key=lambda pid: (log.provisions[pid].document, log.provisions[pid].line, recorded.index(pid)))


def expected_provisions(log: GeneratedLog) -> dict[str, dict[str, Any]]:
    """The provisions table's rows (without the citation), by provision id, in document order."""
    current = current_texts(log)
    corrections: dict[str, int] = {}
    for c in log.corrections:
        corrections[c.provision_id] = corrections.get(c.provision_id, 0) + 1
    parents = {p.parent_id for p in log.provisions.values() if p.parent_id}
    out = {}
    for position, pid in enumerate(document_order(log), 1):
        p = log.provisions[pid]
        ancestors, up = [], p.parent_id
        while up is not None:
            ancestors.append(up)
            up = log.provisions[up].parent_id
        meeting = log.meetings[p.meeting]
        out[pid] = {
            "provision_id": pid,
            "parent_id": p.parent_id,
            "meeting": p.meeting,
            "paragraph": p.paragraph,
            "item": p.item,
            "subitem": p.subitem,
            "level": "subitem" if p.subitem else "item" if p.item else "paragraph",
            "label": p.label,
            "position": position,
            "text": p.text,
            "current_text": current[pid],
            "standalone_text": "".join(current[a] for a in reversed(ancestors)) + current[pid],
            "is_chapeau": pid in parents,
            "adoption": p.adoption,
            "meeting_start_date": meeting["start_date"],
            "meeting_end_date": meeting["end_date"],
            "proposed_at_meeting": p.proposed_at_meeting,
            "proposed_on": None if p.proposed_at_meeting is None else log.meetings[p.proposed_at_meeting]["start_date"],
            "proposed_by": p.proposed_by,
            "endorsed_with_oral_amendments": p.endorsed_with_oral_amendments,
            "footnotes": len(p.footnotes),
            "corrections": corrections.get(pid, 0),
            "source_document": p.document,
            "source_section": p.section,
            "source_paragraph": p.paragraph,
            "source_line": p.line,
            "event_seq": p.event_seq,
        }
    return out


def expected_meetings(log: GeneratedLog) -> list[dict[str, Any]]:
    decided: dict[int, int] = {}
    proposed: dict[int, int] = {}
    for p in log.provisions.values():
        if p.adoption != "proposed":
            decided[p.meeting] = decided.get(p.meeting, 0) + 1
        if p.proposed_at_meeting is not None:
            proposed[p.proposed_at_meeting] = proposed.get(p.proposed_at_meeting, 0) + 1
    return [
        {
            "meeting": m["meeting"],
            "heading": m["heading"],
            "start_date": m["start_date"],
            "end_date": m["end_date"],
            "venue": m["venue"],
            "report_symbol": None,
            "note": None,
            "provisions_decided": decided.get(n, 0),
            "provisions_proposed": proposed.get(n, 0),
            "source_document": m["document"],
            "source_line": m["line"],
            "event_seq": m["event_seq"],
        }
        for n, m in sorted(log.meetings.items())
    ]


def expected_footnotes(log: GeneratedLog) -> list[dict[str, Any]]:
    """In the provisions' document order, then by offset and number."""
    position = {pid: i for i, pid in enumerate(document_order(log))}
    rows = [
        {
            "footnote_id": f"{pid}-fn{f['number']}",
            "number": f["number"],
            "marker": f["marker"],
            "provision_id": pid,
            "offset": f["offset"],
            "text": f["text"],
            "source_document": p.document,
            "source_line": f["line"],
            "event_seq": p.event_seq,
        }
        for pid, p in log.provisions.items()
        for f in p.footnotes
    ]
    return sorted(rows, key=lambda r: (position[r["provision_id"]], r["offset"], r["number"]))


def expected_texts(log: GeneratedLog) -> list[dict[str, Any]]:
    """provision_texts: each provision's revisions (printed, then one per correction), each valid until the next (no release)."""
    spans: dict[str, list[list[Any]]] = {pid: [[p.text, p.event_seq, None, None, None]] for pid, p in log.provisions.items()}
    for c in log.corrections:
        spans[c.provision_id][-1][2] = c.seq
        spans[c.provision_id].append([c.new_text, c.seq, None, c.reason, c.corrected_by])
    return [
        {
            "text_id": f"{pid}-r{i}",
            "provision_id": pid,
            "revision": i,
            "text": text,
            "valid_from_seq": start,
            "valid_to_seq": end,
            "reason": reason,
            "corrected_by": by,
            "from_release": None,
            "to_release": None,
        }
        for pid in document_order(log)
        for i, (text, start, end, reason, by) in enumerate(spans[pid], 1)
    ]


def expected_changes(log: GeneratedLog) -> list[tuple[Any, ...]]:
    """The unreleased changes: every row added (a provision with its current text), in (event, table, row) order."""
    current = current_texts(log)
    added = [(d["event_seq"], "source_documents", doc, d["sha256"]) for doc, d in log.documents.items()]
    added += [(m["event_seq"], "meetings", str(n), m["heading"]) for n, m in log.meetings.items()]
    added += [(p.event_seq, "footnotes", f"{pid}-fn{f['number']}", f["text"]) for pid, p in log.provisions.items() for f in p.footnotes]
    added += [(p.event_seq, "provisions", pid, current[pid]) for pid, p in log.provisions.items()]
    return [(i, None, table, row, "added", None, None, value, seq) for i, (seq, table, row, value) in enumerate(sorted(added), 1)]


# --- the structure a log has ----------------------------------------------------------------------------


def structure(log: GeneratedLog) -> set[str]:
    """Which of the structures the committed log lacks this log has."""
    found = set()
    p = log.provisions
    if any(x.subitem and x.parent_id and p[x.parent_id].parent_id for x in p.values()):
        found.add("sub-items under items under chapeaux")
    lines: dict[str, list[int]] = {}
    for x in p.values():
        lines.setdefault(x.document, []).append(x.line)
    if any(min(a) < line < max(a) for d, a in lines.items() for e, b in lines.items() if e != d for line in b):
        found.add("documents whose lines interleave")
    corrected = [c.provision_id for c in log.corrections]
    if any(corrected.count(pid) > 1 for pid in corrected):
        found.add("corrections of corrections")
    if any(c.new_text == p[c.provision_id].text for c in log.corrections):
        found.add("a correction restoring the printed text")
    if any(e["document"] != e["proposals_document"] for e in log.endorsements):
        found.add("proposals endorsed across documents")
    if any(x.adoption == "proposed" for x in p.values()):
        found.add("proposals left pending")
    if any(x.footnotes for x in p.values()):
        found.add("footnotes")
    return found


STRUCTURES = (
    "sub-items under items under chapeaux",
    "documents whose lines interleave",
    "corrections of corrections",
    "a correction restoring the printed text",
    "proposals endorsed across documents",
    "proposals left pending",
    "footnotes",
)
