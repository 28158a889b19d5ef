"""Annotators: small typed rules that read a provision's current text and say
who is asked (addressees), how strongly (strength), about what (topics,
themes) and what it refers to (references), each value with its evidence.

The rules are tools; their output is recorded as ``ProvisionsAnnotated``
events (``wgtip annotate``) and the committed events are the truth. A test
proves the rules still reproduce them. Quality is measured against the
adjudicated blind gold set of ``review/gold/`` (``python -m wgtip.annotate.evaluate``);
the hand-made file of tests/gold/ is only the rules' regression check (``--regression``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..events import Annotation


@dataclass(frozen=True)
class Provision:
    """What a rule may read of one provision."""

    provision_id: str
    parent_id: str | None
    text: str  # current_text: after corrections
    revision: int  # the text revision read
    document: str  # the source document it is printed in
    section: str  # the section of that document (sections of two documents may share a name)
    meeting_section: int  # ordinal of the meeting under whose heading it is printed
    paragraph: int
    level: str
    children: tuple[str, ...]


@dataclass(frozen=True)
class Corpus:
    """Every provision in document order, and the meetings' first days (for resolving 'the report of the meeting held on …')."""

    provisions: tuple[Provision, ...]
    meeting_dates: dict[int, dt.date]

    def by_id(self) -> dict[str, Provision]:
        return {p.provision_id: p for p in self.provisions}


Result = dict[str, tuple[Annotation, ...]]
"""provision_id -> its annotations of one kind (every provision present, possibly empty)."""


@dataclass(frozen=True)
class Rule:
    kind: str
    name: str
    version: str
    run: Callable[[Corpus], Result]
    by_section: bool = False
    """It reads only a provision's own section (the provision, its chapeau, its items), so it may
    run a section at a time: its result for every provision of a big log is never held at once."""

    def parts(self, corpus: Corpus) -> Iterator[tuple[tuple[Provision, ...], Result]]:
        """The rule's result for every provision of ``corpus``, in parts: each part's provisions (in
        corpus order) and its result for them. A section at a time when the rule allows it and every
        section holds its provisions' chapeaux and items (a rule would fail, or worse miss them,
        otherwise); else the whole corpus as one part."""
        parts = _sections(corpus) if self.by_section else None
        if parts is None:
            yield corpus.provisions, self.run(corpus)
            return
        for provisions in parts:
            yield provisions, self.run(Corpus(provisions, corpus.meeting_dates))


def _sections(corpus: Corpus) -> list[tuple[Provision, ...]] | None:
    """The provisions of each section, in corpus order; None if a chapeau or an item lies outside its section."""
    by_section: dict[tuple[str, str], list[Provision]] = {}
    for p in corpus.provisions:
        by_section.setdefault((p.document, p.section), []).append(p)
    section_of = {p.provision_id: (p.document, p.section) for p in corpus.provisions}
    for p in corpus.provisions:
        if any(section_of.get(other) != (p.document, p.section) for other in (p.parent_id, *p.children) if other is not None):
            return None
    return [tuple(ps) for ps in by_section.values()]


def corpus_from_tables(provisions: Iterable[dict[str, Any]], texts: Iterable[dict[str, Any]], meetings: Iterable[dict[str, Any]]) -> Corpus:
    rows = sorted(provisions, key=lambda p: p["position"])
    revisions: dict[str, int] = {}
    for t in texts:
        revisions[t["provision_id"]] = max(revisions.get(t["provision_id"], 0), t["revision"])
    children: dict[str, list[str]] = {}
    for p in rows:
        if p["parent_id"]:
            children.setdefault(p["parent_id"], []).append(p["provision_id"])
    section_meeting = {(p["source_document"], p["source_section"]): int(p["provision_id"].split("-")[1][1:]) for p in rows}
    out = tuple(
        Provision(
            provision_id=p["provision_id"],
            parent_id=p["parent_id"],
            text=p["current_text"],
            revision=revisions[p["provision_id"]],
            document=p["source_document"],
            section=p["source_section"],
            meeting_section=section_meeting[p["source_document"], p["source_section"]],
            paragraph=p["paragraph"],
            level=p["level"],
            children=tuple(children.get(p["provision_id"], ())),
        )
        for p in rows
    )
    return Corpus(out, {m["meeting"]: m["start_date"] for m in meetings})
