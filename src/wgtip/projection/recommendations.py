"""Projection of the recommendation events: documents, meetings, provisions, footnotes."""

from __future__ import annotations

import itertools
import operator
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import events as ev
from ..citation import Shared, facts, provision_text
from ..identifiers import footnote_id
from ..tables import Row
from .state import FoldError, ProvisionRecord, State, fresh, provision_row, record_added, record_provision_added


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
        if p.parent_id is not None and p.parent_id not in state.provisions:
            raise FoldError(e.seq, f"{where}.parent_id", f"provision {p.parent_id!r} does not exist")
        level = "subitem" if p.subitem else "item" if p.item else "paragraph"
        text = fresh(p.text)
        # labels, sections and documents repeat across millions of provisions: one copy of each
        state.provisions[p.provision_id] = ProvisionRecord(
            provision_id=p.provision_id,
            parent_id=p.parent_id,
            paragraph=p.paragraph,
            item=p.item,
            subitem=p.subitem,
            level=level,
            label=sys.intern(p.label),
            text=text,
            footnotes=len(p.footnotes),
            source_document=sys.intern(document),
            source_section=sys.intern(e.source.section),
            source_paragraph=p.paragraph,
            source_line=p.line,
            event_seq=e.seq,
            proposed_at_meeting=None,
            proposed_on=None,
            proposed_by=None,
            endorsed_with_oral_amendments=None,
            **common,
        )
        record_provision_added(state)
        for fn in p.footnotes:
            if fn.offset > len(p.text):
                raise FoldError(e.seq, f"{where}.footnotes", f"footnote {fn.number} offset {fn.offset} lies beyond the text ({len(p.text)} characters)")
            state.footnotes.append(
                dict(
                    footnote_id=footnote_id(p.provision_id, fn.number),
                    number=fn.number,
                    marker=fn.marker,
                    provision_id=p.provision_id,
                    offset=fn.offset,
                    text=fn.text,
                    source_document=document,
                    source_line=fn.line,
                    event_seq=e.seq,
                )
            )
            record_added(state, "footnotes", footnote_id(p.provision_id, fn.number), fn.text)


def _decided(meeting: dict[str, Any], adoption: str) -> dict[str, Any]:
    return dict(meeting=meeting["meeting"], adoption=adoption)


def _source_document_registered(state: State, e: ev.SourceDocumentRegistered) -> None:
    d = e.data
    if d.document in state.documents:
        raise FoldError(e.seq, "data.document", f"document {d.document!r} is already registered")
    state.documents[d.document] = dict(d.model_dump(), event_seq=e.seq)
    record_added(state, "source_documents", d.document, d.sha256)


def _meeting_held(state: State, e: ev.MeetingHeld) -> None:
    d = e.data
    if d.meeting in state.meetings:
        raise FoldError(e.seq, "data.meeting", f"meeting {d.meeting} is already recorded as held (event {state.meetings[d.meeting]['event_seq']})")
    if d.end_date < d.start_date:
        raise FoldError(e.seq, "data.end_date", f"{d.end_date} is before start_date {d.start_date}")
    document = _document(state, e.seq, e.source)
    assert e.source is not None
    state.meetings[d.meeting] = dict(
        meeting=d.meeting,
        heading=d.heading,
        start_date=d.start_date,
        end_date=d.end_date,
        venue=d.venue,
        report_symbol=d.report_symbol,
        note=d.note,
        source_document=document,
        source_line=e.source.line,
        event_seq=e.seq,
    )
    record_added(state, "meetings", str(d.meeting), d.heading)


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


HANDLERS: dict[type[ev.Envelope], Callable[[State, Any], None]] = {
    ev.SourceDocumentRegistered: _source_document_registered,
    ev.MeetingHeld: _meeting_held,
    ev.RecommendationsAdopted: _recommendations_adopted,
    ev.RecommendationsReferredToConference: _recommendations_referred,
    ev.RecommendationsProposed: _recommendations_proposed,
    ev.ProposalsEndorsed: _proposals_endorsed,
}


def in_document_order(provisions: Iterable[ProvisionRecord]) -> list[ProvisionRecord]:
    """Provisions by (document, line). Usually the log already records them in that order: then
    checking costs one pass and no sort keys. Otherwise they are sorted by document, then each
    document's run by line, both stable (so the same order as one sort by (document, line)): the
    keys are then the records' own str and int, where a (document, line) tuple per provision cost
    ~110 MB at its peak at a million events."""
    out = list(provisions)
    if _ascending(out, operator.attrgetter("source_document", "source_line")):
        return out
    document, line = operator.attrgetter("source_document"), operator.attrgetter("source_line")
    out.sort(key=document)
    start = 0
    for _, run in itertools.groupby(out, key=document):
        stop = start + sum(1 for _ in run)
        part = out[start:stop]
        if not _ascending(part, line):
            out[start:stop] = sorted(part, key=line)
        start = stop
    return out


def _ascending(items: list[Any], key: Callable[[Any], Any]) -> bool:
    return not any(key(a) > key(b) for a, b in zip(items, itertools.islice(items, 1, None), strict=False))


def finish(state: State) -> dict[str, Iterable[Any]]:
    """Derived columns (position, chapeau, texts, counts, citation) and the records of each table, in output order."""
    provisions = state.provisions
    children: dict[str, int] = {}
    for p in provisions.values():
        if p["parent_id"]:
            children[p["parent_id"]] = children.get(p["parent_id"], 0) + 1
        p.current_text, p.corrections = state.texts.current(p)
    version = state.dataset_version()
    ordered = in_document_order(provisions.values())
    state.in_document_order = ordered
    decided: dict[int, int] = {}
    proposed: dict[int, int] = {}
    for p in provisions.values():
        if p["adoption"] != "proposed":
            decided[p["meeting"]] = decided.get(p["meeting"], 0) + 1
        if p["proposed_at_meeting"] is not None:
            proposed[p["proposed_at_meeting"]] = proposed.get(p["proposed_at_meeting"], 0) + 1
    for m in state.meetings.values():
        m["provisions_decided"] = decided.get(m["meeting"], 0)
        m["provisions_proposed"] = proposed.get(m["meeting"], 0)

    footnoted = state.positions_of({f["provision_id"] for f in state.footnotes})

    def with_texts() -> Iterator[Row]:
        """Each provision's row, with the columns derived as it is written and let go after
        (``WRITTEN_ONLY``): at two million provisions, holding them would cost about a gigabyte."""
        shared = Shared()
        for position, p in enumerate(ordered, 1):
            chain, cur = [p.current_text], p
            while cur.parent_id:
                cur = provisions[cur.parent_id]
                chain.append(cur.current_text)
            m = state.meetings[p.meeting]
            citation = provision_text(facts(p, m, state.documents[p.source_document]), version, shared=shared)
            yield provision_row(p, "".join(reversed(chain)), p.provision_id in children, m["start_date"], m["end_date"], citation, position)

    return {
        "events": state.events,
        "source_documents": sorted(state.documents.values(), key=lambda d: d["document"]),
        "meetings": sorted(state.meetings.values(), key=lambda m: m["meeting"]),
        "provisions": with_texts(),
        "footnotes": sorted(state.footnotes, key=lambda f: (footnoted[f["provision_id"]], f["offset"], f["number"])),
    }
