"""The fold: a pure projection of the ordered events onto tables.

``fold(events)`` takes the events in sequence order and returns, for every
table in ``tables.TABLES``, its rows as tuples in column order. ``Folder``
is the same fold one event at a time, for a build that streams the log. It reads no
files, no clock and no environment, so the same events always give the same
rows. An event that refers to something that does not exist (a meeting not
yet held, an unknown provision, …) raises ``FoldError`` naming the event and
the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import sys
import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from . import events as ev
from .identifiers import footnote_id
from .log import LoggedEvent
from .tables import TABLES, FootnoteRow, Meeting, Provision, Row, SourceDocument, columns, name_of
from .tables import Event as EventRow


class FoldError(Exception):
    """An event that cannot be applied to the state built from the events before it."""

    def __init__(self, seq: int, field: str, message: str):
        self.seq, self.field, self.message = seq, field, message
        super().__init__(f"event {seq}: {field}: {message}")


class Record:
    """A row being built, read and written like a dict (``p["text"]``, ``p.update(...)``) but
    stored in slots: a million provisions as dicts would cost gigabytes, as slots about a third.
    Subclasses are slotted dataclasses (a generated ``__init__`` is the fastest way to fill slots)."""

    __slots__ = ()

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self, name, value)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)

    def update(self, values: dict[str, Any] | None = None, **more: Any) -> None:
        for k, v in {**(values or {}), **more}.items():
            setattr(self, k, v)


ProvisionRecord = dataclasses.make_dataclass(
    "ProvisionRecord", [(c.name, Any, None) for c in columns(Provision) if c.name != "standalone_text"], bases=(Record,), slots=True, eq=False,
)
ProvisionRecord.__doc__ = "A provision as the fold knows it: the columns of ``provisions`` but the text derived at the end (None until set)."


@dataclass
class State:
    """What the events so far have established."""

    documents: dict[str, dict[str, Any]]
    meetings: dict[int, dict[str, Any]]
    provisions: dict[str, ProvisionRecord]
    footnotes: list[dict[str, Any]]


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _meeting(state: State, seq: int, field: str, meeting: int) -> dict[str, Any]:
    if meeting not in state.meetings:
        raise FoldError(seq, field, f"meeting {meeting} has not been held (no MeetingHeld event before this one)")
    return state.meetings[meeting]


def _document(state: State, seq: int, source: ev.SourceLocator | None) -> str:
    if source is None:
        raise FoldError(seq, "source", "this event type must cite its source")
    if source.document not in state.documents:
        raise FoldError(seq, "source.document", f"document {source.document!r} has not been registered")
    doc = state.documents[source.document]
    if source.sha256 != doc["sha256"]:
        raise FoldError(seq, "source.sha256", f"does not match the registered SHA-256 of {source.document!r}")
    return source.document


def _add_provisions(state: State, e: ev.Envelope, provisions: Iterable[ev.ProvisionText], **common: Any) -> None:
    document = _document(state, e.seq, e.source)
    assert e.source is not None
    if e.source.section is None:
        raise FoldError(e.seq, "source.section", "an event that records provisions must name the section of the source they are printed in")
    for i, p in enumerate(provisions):
        where = f"data.provisions.{i}"
        if p.provision_id in state.provisions:
            raise FoldError(e.seq, f"{where}.provision_id", f"provision {p.provision_id!r} already exists (event {state.provisions[p.provision_id]['event_seq']}); identifiers are never reused")
        parent_id = p.parent_id
        if parent_id is not None:
            if parent_id not in state.provisions:
                raise FoldError(e.seq, f"{where}.parent_id", f"provision {parent_id!r} does not exist")
            parent_id = state.provisions[parent_id].provision_id  # the parent's own string: one copy, not two
        level = "subitem" if p.subitem else "item" if p.item else "paragraph"
        # labels, sections and documents repeat across millions of provisions: keep one copy of each.
        # The text is kept as a fresh copy: serializing the event's data (log.read_segment) left a
        # UTF-8 copy cached inside the original str object (CPython does that for non-ASCII text),
        # which would cost ~170 bytes more per provision for as long as the fold holds it.
        state.provisions[p.provision_id] = ProvisionRecord(
            provision_id=p.provision_id, parent_id=parent_id, paragraph=p.paragraph, item=p.item, subitem=p.subitem,
            level=level, label=sys.intern(p.label), text=_fresh(p.text), footnotes=len(p.footnotes), source_document=sys.intern(document),
            source_section=sys.intern(e.source.section), source_paragraph=p.paragraph, source_line=p.line, event_seq=e.seq,
            proposed_at_meeting=None, proposed_on=None, proposed_by=None, endorsed_with_oral_amendments=None, **common,
        )
        for fn in p.footnotes:
            if fn.offset > len(p.text):
                raise FoldError(e.seq, f"{where}.footnotes", f"footnote {fn.number} offset {fn.offset} lies beyond the text ({len(p.text)} characters)")
            state.footnotes.append(dict(
                footnote_id=footnote_id(p.provision_id, fn.number), number=fn.number, marker=fn.marker, provision_id=p.provision_id,
                offset=fn.offset, text=fn.text, source_document=document, source_line=fn.line, event_seq=e.seq,
            ))


def _fresh(text: str) -> str:
    return text.encode("utf-8").decode("utf-8")


def _decided(meeting: dict[str, Any], adoption: str) -> dict[str, Any]:
    return dict(meeting=meeting["meeting"], adoption=adoption, meeting_start_date=meeting["start_date"], meeting_end_date=meeting["end_date"])


def _source_document_registered(state: State, e: ev.SourceDocumentRegistered) -> None:
    d = e.data
    if d.document in state.documents:
        raise FoldError(e.seq, "data.document", f"document {d.document!r} is already registered")
    state.documents[d.document] = dict(d.model_dump(), event_seq=e.seq)


def _meeting_held(state: State, e: ev.MeetingHeld) -> None:
    d = e.data
    if d.meeting in state.meetings:
        raise FoldError(e.seq, "data.meeting", f"meeting {d.meeting} is already recorded as held (event {state.meetings[d.meeting]['event_seq']})")
    if d.end_date < d.start_date:
        raise FoldError(e.seq, "data.end_date", f"{d.end_date} is before start_date {d.start_date}")
    document = _document(state, e.seq, e.source)
    assert e.source is not None
    state.meetings[d.meeting] = dict(
        meeting=d.meeting, heading=d.heading, start_date=d.start_date, end_date=d.end_date, venue=d.venue,
        report_symbol=d.report_symbol, note=d.note, source_document=document, source_line=e.source.line, event_seq=e.seq,
    )


def _recommendations_adopted(state: State, e: ev.RecommendationsAdopted) -> None:
    m = _meeting(state, e.seq, "data.meeting", e.data.meeting)
    _add_provisions(state, e, e.data.provisions, **_decided(m, "adopted"))


def _recommendations_referred(state: State, e: ev.RecommendationsReferredToConference) -> None:
    m = _meeting(state, e.seq, "data.meeting", e.data.meeting)
    _add_provisions(state, e, e.data.provisions, **_decided(m, "recommended_to_conference"))


def _recommendations_proposed(state: State, e: ev.RecommendationsProposed) -> None:
    m = _meeting(state, e.seq, "data.meeting", e.data.meeting)
    _add_provisions(state, e, e.data.provisions, **_decided(m, "proposed"))
    for p in e.data.provisions:
        state.provisions[p.provision_id].update(proposed_at_meeting=m["meeting"], proposed_on=m["start_date"], proposed_by=e.data.proposed_by)


def _proposals_endorsed(state: State, e: ev.ProposalsEndorsed) -> None:
    d = e.data
    m = _meeting(state, e.seq, "data.meeting", d.meeting)
    proposing = _meeting(state, e.seq, "data.proposals_of_meeting", d.proposals_of_meeting)
    if proposing["start_date"] >= m["start_date"]:
        raise FoldError(e.seq, "data.proposals_of_meeting", f"meeting {d.proposals_of_meeting} was not held before meeting {d.meeting}")
    for i, pid in enumerate(d.endorsed):
        p = state.provisions.get(pid)
        if p is None:
            raise FoldError(e.seq, f"data.endorsed.{i}", f"provision {pid!r} does not exist")
        if p["adoption"] != "proposed" or p["proposed_at_meeting"] != d.proposals_of_meeting:
            raise FoldError(e.seq, f"data.endorsed.{i}", f"provision {pid!r} is not a pending proposal of meeting {d.proposals_of_meeting}")
    _add_provisions(state, e, d.provisions, **_decided(m, "adopted"))
    chapeau = d.provisions[0].provision_id
    for pid in d.endorsed:
        p = state.provisions[pid]
        p.update(_decided(m, "proposed_and_endorsed"), endorsed_with_oral_amendments=d.with_oral_amendments)
        if p["parent_id"] is None:
            p["parent_id"] = chapeau


APPLY: dict[str, Callable[[State, Any], None]] = {
    "SourceDocumentRegistered": _source_document_registered,
    "MeetingHeld": _meeting_held,
    "RecommendationsAdopted": _recommendations_adopted,
    "RecommendationsReferredToConference": _recommendations_referred,
    "RecommendationsProposed": _recommendations_proposed,
    "ProposalsEndorsed": _proposals_endorsed,
}
assert set(APPLY) == {cls.__name__ for cls in ev.EVENT_TYPES}, "every event type needs a projection"


EVENT_COLUMNS = ("seq", "type", "schema_version", "occurred_start", "occurred_end", "recorded_at", "source_document", "source_section",
                 "source_paragraph", "source_line", "prev", "hash", "file", "file_line", "data")
assert EVENT_COLUMNS == tuple(c.name for c in columns(EventRow)), "event_row builds its tuple in the table's column order"


@functools.lru_cache(maxsize=64)
def _recorded(moment: dt.datetime) -> str:
    return utc_text(moment)  # a log records few distinct moments: formatting each once saves seconds per million


def event_row(le: LoggedEvent) -> Row:
    """The ``events`` table's row of one logged event (a tuple in EVENT_COLUMNS order)."""
    e, s = le.event, le.event.source
    return (
        e.seq, e.type, e.schema_version, e.occurred.start, e.occurred.end, _recorded(e.recorded_at),
        s.document if s else None, s.section if s else None, s.paragraph if s else None, s.line if s else None,
        e.prev, le.hash, le.path, le.line, le.data_json,
    )


class Folder:
    """The fold, one event at a time, so the build can stream the log.

    ``apply`` folds one event and returns its ``events`` row (which the
    caller writes out and forgets: the log itself is never held in memory);
    ``finish`` returns the other tables once every event is applied."""

    def __init__(self) -> None:
        self.state = State({}, {}, {}, [])

    def apply(self, le: LoggedEvent) -> Row:
        APPLY[le.event.type](self.state, le.event)
        return event_row(le)

    def finish(self) -> dict[str, Iterable[Row]]:
        """The other tables, in ``TABLES`` order; provisions as an iterator (consume it once)."""
        state = self.state
        ordered = _finish(state)
        provisions = state.provisions
        return {
            name_of(SourceDocument): _rows(SourceDocument, sorted(state.documents.values(), key=lambda d: d["document"])),
            name_of(Meeting): _rows(Meeting, sorted(state.meetings.values(), key=lambda m: m["meeting"])),
            name_of(Provision): _provision_rows(provisions, ordered),
            name_of(FootnoteRow): _rows(FootnoteRow, sorted(state.footnotes, key=lambda f: (provisions[f["provision_id"]].position, f["offset"], f["number"]))),
        }


def _finish(state: State) -> list[ProvisionRecord]:
    """Set what only the whole log decides; return the provisions in document order.
    (Attribute access, not p["..."]: this loops over every provision several times.)"""
    provisions = state.provisions
    chapeaux = {p.parent_id for p in provisions.values() if p.parent_id}
    ordered = sorted(provisions.values(), key=operator.attrgetter("source_document", "source_line"))
    for position, p in enumerate(ordered, 1):
        p.position = position
        p.is_chapeau = p.provision_id in chapeaux
    decided: dict[int, int] = {}
    proposed: dict[int, int] = {}
    for p in ordered:
        if p.adoption != "proposed":
            decided[p.meeting] = decided.get(p.meeting, 0) + 1
        if p.proposed_at_meeting is not None:
            proposed[p.proposed_at_meeting] = proposed.get(p.proposed_at_meeting, 0) + 1
    for m in state.meetings.values():
        m["provisions_decided"] = decided.get(m["meeting"], 0)
        m["provisions_proposed"] = proposed.get(m["meeting"], 0)
    return ordered


def _rows(model: Any, records: Iterable[dict[str, Any]]) -> list[Row]:
    names = [c.name for c in columns(model)]
    return [tuple(r[n] for n in names) for r in records]


def standalone_text(provisions: dict[str, ProvisionRecord], p: ProvisionRecord) -> str:
    """The chapeau(s) followed by the provision's own text, so an item reads on its own."""
    chain, cur = [p.text], p
    while cur.parent_id:
        cur = provisions[cur.parent_id]
        chain.append(cur.text)
    return "".join(reversed(chain))


def _provision_rows(provisions: dict[str, ProvisionRecord], ordered: list[ProvisionRecord]) -> Iterator[Row]:
    """The provisions in document order, each row made as it is written: the standalone texts
    (the longest strings of the build) are never all in memory at once."""
    names = [c.name for c in columns(Provision)]
    at = names.index("standalone_text")
    before, after = operator.attrgetter(*names[:at]), operator.attrgetter(*names[at + 1:])
    for p in ordered:
        yield (*before(p), standalone_text(provisions, p), *after(p))


def fold(events: Iterable[LoggedEvent]) -> dict[str, list[Row]]:
    """Project the events, in sequence order, onto every table."""
    folder = Folder()
    tables = {name_of(EventRow): [folder.apply(le) for le in events]}
    tables.update({name: list(rows) for name, rows in folder.finish().items()})
    assert list(tables) == [name_of(t) for t in TABLES]
    return tables
