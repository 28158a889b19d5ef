"""Turning the rules' output into events: what ``wgtip annotate`` appends.

Only what differs from the log's current state is written: a vocabulary
whose definition changed (recorded at the moment ``vocabularies.json`` gives
for it), and, per annotation kind and per meeting section,
one ``ProvisionsAnnotated`` event for the provisions whose annotations (or
annotated text revision, or rule version) changed. Run on a log that is up
to date, it writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..events import (
    Envelope,
    Occurrence,
    ProvisionAnnotations,
    ProvisionsAnnotated,
    ProvisionsAnnotatedData,
    SourceLocator,
    VocabularyDefined,
)
from ..folded import fold_kept, keep_all
from ..log import MAX_LINE_BYTES, LoggedEvent, encode_event
from ..projection.annotations import values_digest
from . import Corpus, Rule, corpus_from_tables
from .ruleset import rules
from .vocabularies import RECORDED_AT, VOCABULARIES

READ = {
    "provisions": ("provision_id", "parent_id", "current_text", "position", "paragraph", "level", "source_document", "source_section"),
    "provision_texts": ("provision_id", "revision"),
    "meetings": ("meeting", "start_date"),
}
"""The columns the rules and the events read: every provision is kept, and its citation and joined
texts were half of what annotate kept of them (677 MB at 10^5 events; 333 MB with these columns)."""


def annotation_events(events: Iterable[LoggedEvent], recorded_at: dt.datetime) -> tuple[list[tuple[str, Envelope]], LoggedEvent | None]:
    """The events to append after ``events``, with the slug of the segment each goes in (prev not
    yet chained), and the last of ``events``: ``annotation_stream``'s, in a list."""
    stream, head = annotation_stream(events, recorded_at)
    return list(stream), head


def annotation_stream(events: Iterable[LoggedEvent], recorded_at: dt.datetime) -> tuple[Iterator[tuple[str, Envelope]], LoggedEvent | None]:
    """The events to append after ``events``, made as they are read, and the last of ``events``.
    The log is folded once, now, streamed (a problem in it is a ``LogError`` naming the file and
    line); the rules need every provision's current text. The events are made a rule at a time, so
    a caller that writes them as they come (``log.write_segments``) holds one rule's annotations."""
    seen: dict[str, Any] = {}
    kept = fold_kept(
        events,
        {t: keep_all for t in ("provisions", "provision_texts", "meetings", "source_documents")},
        on_state=lambda state: seen.update(annotations=state.annotations, vocabularies=state.vocabularies),
        columns=READ,
    )
    corpus = corpus_from_tables(kept.rows["provisions"], kept.rows["provision_texts"], kept.rows["meetings"])
    documents = {d["document"]: d for d in kept.rows["source_documents"]}
    kept.rows.clear()  # the corpus holds what the rules read
    return _made(corpus, documents, seen, recorded_at, kept.head.seq if kept.head else 0), kept.head


def _made(corpus: Corpus, documents: dict[str, dict], seen: dict[str, Any], recorded_at: dt.datetime, seq: int) -> Iterator[tuple[str, Envelope]]:
    def envelope_of(where: tuple[str, str] | None, at: int, moment: dt.datetime = recorded_at) -> dict:
        source = None
        if where is not None:
            d = documents[where[0]]
            source = SourceLocator(document=d["document"], language=d["language"], sha256=d["sha256"], section=where[1])
        day = moment.astimezone(dt.UTC).date()
        return dict(seq=at, schema_version=1, occurred=Occurrence(start=day, end=day), recorded_at=moment, source=source, prev=None)

    def envelope(where: tuple[str, str] | None, moment: dt.datetime = recorded_at) -> dict:
        nonlocal seq
        seq += 1
        return envelope_of(where, seq, moment)

    for v in VOCABULARIES:
        current = seen["vocabularies"].get(v.vocabulary)
        if current is None or _definition(current) != v:
            # recorded when the definition was made (vocabularies.json), whenever it is appended
            yield "vocabularies", VocabularyDefined(type="VocabularyDefined", data=v, **envelope(None, RECORDED_AT[v.vocabulary]))
    for rule in rules():
        annotator = f"rule {rule.name} v{rule.version}"
        for provisions, result in rule.parts(corpus):  # a section's annotations at a time, where the rule allows
            by_section: dict[tuple[str, str], list[ProvisionAnnotations]] = {}  # (document, section)
            for p in provisions:
                values = result[p.provision_id]
                have = seen["annotations"].get((rule.kind, p.provision_id))
                if have and have.annotator == annotator and have.values == values_digest(values) and have.text_revision == p.revision:
                    continue
                by_section.setdefault((p.document, p.section), []).append(ProvisionAnnotations(provision_id=p.provision_id, text_revision=p.revision, annotations=values))
            for where, batch in by_section.items():  # document order: dicts keep insertion order
                for part in _fitting(batch, lambda part: _annotated(rule, part, envelope_of(where, seq + 1))):  # noqa: B023 (_fitting is used up here, within the iteration)
                    yield f"annotations-{rule.kind}", _annotated(rule, part, envelope(where))
            del result, by_section  # before the next part is made


# room for what the envelope gains when the event is chained (prev: 64 hex digits) and a longer seq
_LINE_ROOM = MAX_LINE_BYTES - 256


def _annotated(rule: Rule, part: list[ProvisionAnnotations], env: dict) -> ProvisionsAnnotated:
    data = ProvisionsAnnotatedData(kind=rule.kind, annotator=rule.name, annotator_version=rule.version, provisions=tuple(part))
    return ProvisionsAnnotated(type="ProvisionsAnnotated", data=data, **env)


def _fitting(batch: list[ProvisionAnnotations], event_of: Callable[[list[ProvisionAnnotations]], Envelope]) -> list[list[ProvisionAnnotations]]:
    """``batch`` as one event if its line fits the log's line limit, else halved until each part does
    (a big meeting section's annotations of one kind can pass 1 MB; the reader refuses such a line)."""
    if len(batch) == 1 or len(encode_event(event_of(batch))) <= _LINE_ROOM:
        return [batch]
    half = len(batch) // 2
    return _fitting(batch[:half], event_of) + _fitting(batch[half:], event_of)


def _definition(current: dict) -> object:
    from ..events import Term, VocabularyDefinedData

    head, terms = current["head"], current["terms"]
    return VocabularyDefinedData(
        vocabulary=head["vocabulary"],
        title=head["title"],
        title_zh=head["title_zh"],
        description=head["description"],
        terms=tuple(Term(code=t["code"], label=t["label"], label_zh=t["label_zh"], description=t["description"]) for t in terms.values()),
    )
