"""Turning the rules' output into events: what ``wgtip annotate`` appends.

Only what differs from the log's current state is written: a vocabulary
whose definition changed, and, per annotation kind and per meeting section,
one ``ProvisionsAnnotated`` event for the provisions whose annotations (or
annotated text revision, or rule version) changed. Run on a log that is up
to date, it writes nothing.
"""

from __future__ import annotations

import datetime as dt

from ..events import (
    Envelope,
    Occurrence,
    ProvisionAnnotations,
    ProvisionsAnnotated,
    ProvisionsAnnotatedData,
    SourceLocator,
    VocabularyDefined,
)
from ..fold import apply, fold_versioned
from ..history import records
from ..log import LoggedEvent
from ..projection.annotations import values_digest
from . import corpus_from_tables, rules
from .vocabularies import VOCABULARIES


def annotation_events(events: list[LoggedEvent], recorded_at: dt.datetime) -> list[tuple[str, Envelope]]:
    """The events to append after ``events``, with the slug of the segment each goes in (prev not yet chained)."""
    tables, _ = fold_versioned(events)
    state = apply(events)
    provisions = records(tables, "provisions")
    corpus = corpus_from_tables(provisions, records(tables, "provision_texts"), records(tables, "meetings"))
    documents = {d["document"]: d for d in records(tables, "source_documents")}
    section_document = {p["source_section"]: p["source_document"] for p in provisions}
    day = recorded_at.astimezone(dt.timezone.utc).date()
    seq = events[-1].seq if events else 0
    out: list[tuple[str, Envelope]] = []

    def envelope(section: str | None) -> dict:
        nonlocal seq
        seq += 1
        source = None
        if section is not None:
            d = documents[section_document[section]]
            source = SourceLocator(document=d["document"], language=d["language"], sha256=d["sha256"], section=section)
        return dict(seq=seq, schema_version=1, occurred=Occurrence(start=day, end=day), recorded_at=recorded_at, source=source, prev=None)

    for v in VOCABULARIES:
        current = state.vocabularies.get(v.vocabulary)
        if current is None or _definition(current) != v:
            out.append(("vocabularies", VocabularyDefined(type="VocabularyDefined", data=v, **envelope(None))))
    for rule in rules():
        result = rule.run(corpus)
        annotator = f"rule {rule.name} v{rule.version}"
        by_section: dict[str, list[ProvisionAnnotations]] = {}
        for p in corpus.provisions:
            values = result[p.provision_id]
            have = state.annotations.get((rule.kind, p.provision_id))
            if have and have.annotator == annotator and have.values == values_digest(values) and have.text_revision == p.revision:
                continue
            by_section.setdefault(p.section, []).append(ProvisionAnnotations(provision_id=p.provision_id, text_revision=p.revision, annotations=values))
        for section, batch in by_section.items():  # document order: dicts keep insertion order
            data = ProvisionsAnnotatedData(kind=rule.kind, annotator=rule.name, annotator_version=rule.version, provisions=tuple(batch))  # type: ignore[arg-type]
            out.append((f"annotations-{rule.kind}", ProvisionsAnnotated(type="ProvisionsAnnotated", data=data, **envelope(section))))
    return out


def _definition(current: dict) -> object:
    from ..events import Term, VocabularyDefinedData

    head, terms = current["head"], current["terms"]
    return VocabularyDefinedData(
        vocabulary=head["vocabulary"], title=head["title"], title_zh=head["title_zh"], description=head["description"],
        terms=tuple(Term(code=t["code"], label=t["label"], label_zh=t["label_zh"], description=t["description"]) for t in terms.values()),
    )
