"""Annotators: small typed rules that read a provision's current text and say
who is asked (addressees), how strongly (strength), about what (topics,
themes) and what it refers to (references), each value with its evidence.

The rules are tools; their output is recorded as ``ProvisionsAnnotated``
events (``wgtip annotate``) and the committed events are the truth. A test
proves the rules still reproduce them. Quality is measured against a
hand-made gold file (``python -m wgtip.annotate.evaluate``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..events import Annotation


@dataclass(frozen=True)
class Provision:
    """What a rule may read of one provision."""

    provision_id: str
    parent_id: str | None
    text: str  # current_text: after corrections
    revision: int  # the text revision read
    section: str
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


def corpus_from_tables(provisions: Iterable[dict[str, Any]], texts: Iterable[dict[str, Any]], meetings: Iterable[dict[str, Any]]) -> Corpus:
    rows = sorted(provisions, key=lambda p: p["position"])
    revisions: dict[str, int] = {}
    for t in texts:
        revisions[t["provision_id"]] = max(revisions.get(t["provision_id"], 0), t["revision"])
    children: dict[str, list[str]] = {}
    for p in rows:
        if p["parent_id"]:
            children.setdefault(p["parent_id"], []).append(p["provision_id"])
    section_meeting = {p["source_section"]: int(p["provision_id"].split("-")[1][1:]) for p in rows}
    out = tuple(
        Provision(
            provision_id=p["provision_id"], parent_id=p["parent_id"], text=p["current_text"], revision=revisions[p["provision_id"]],
            section=p["source_section"], meeting_section=section_meeting[p["source_section"]], paragraph=p["paragraph"], level=p["level"],
            children=tuple(children.get(p["provision_id"], ())),
        )
        for p in rows
    )
    return Corpus(out, {m["meeting"]: m["start_date"] for m in meetings})


def rules() -> tuple[Rule, ...]:
    """Every annotation rule, in the order its events are written."""
    from . import addressees, references, strength, themes, topics

    return tuple(Rule(m.KIND, m.NAME, m.VERSION, m.annotate) for m in (addressees, strength, topics, themes, references))
