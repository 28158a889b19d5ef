"""Recording how good the annotations are: one AnnotationQualityMeasured event appended to the log.

``wgtip record-quality`` runs the evaluation against the blind gold set (``evaluate.evaluate``) and
records its counts, the gold file's SHA-256 and the rule of the count as an event, so that a build
(and a release) says what the annotations measured *then*, from the log alone: the gold files and
the evaluation code may change later, the event does not. A test recomputes the figures from the
gold and compares them with the latest recorded event, so a stale record is caught.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..annotation_kinds import BY_NAME
from ..appending import append_event
from ..errors import WgtipError
from ..events import AnnotationQualityMeasured, AnnotationQualityMeasuredData, GoldFile, MeasuredScore
from . import evaluate as ev
from .ruleset import rules

EVALUATOR = "wgtip.annotate.evaluate v1"
"""The evaluation's name and version: bump the version whenever its counting may change."""
EVALUATION = (
    "Each kind scored as the set of values of each provision of the gold set (an addressee as a (code, role) pair; "
    "a strength or a theme as its code), micro-averaged over the gold's provisions: precision = values given that the "
    "gold also gives / values given; recall = the same / values the gold gives."
)
GOLD_DESCRIPTION = (
    "A simple random sample of the provisions with a recorded seed, each annotated blind to the rules, their "
    "output and the review by two independent annotators (instances of an AI model, not human experts), "
    "their disagreements adjudicated with a reason each (review/gold/README.md, docs/annotation-quality.md)."
)


class QualityError(WgtipError):
    """A measurement that cannot be recorded as asked."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def made_by(kind: str, source: str, tables: Mapping[str, list[dict[str, Any]]], gold: Mapping[str, Any]) -> str:
    """Who made the scored annotations of the gold's provisions: the rule, or the annotators of the published rows."""
    if source == "rules":
        rule = next(r for r in rules() if r.kind == kind)
        return f"keyword rules: rule {rule.name} v{rule.version}"
    found = sorted({r["annotator"] for r in tables[BY_NAME[kind].table] if r["provision_id"] in gold})
    return "published annotations, by " + ", ".join(found) if found else "published annotations (none on the gold's provisions)"


def measured_data(root: Path) -> AnnotationQualityMeasuredData:
    """The event's data as the evaluation measures the log in ``root`` against its gold set now."""
    tables = ev.folded_records(root)
    gold = ev.load_blind_gold(root)
    measured = ev.measure(gold, tables, ev.run_rules(ev.corpus_from(tables)))
    scores = tuple(
        MeasuredScore(kind=kind, source=source, made_by=made_by(kind, source, tables, gold), true_positives=s.true_positives, predicted=s.predicted, expected=s.expected)
        for kind in ev.SCORED
        for source in ev.SOURCES
        for s in [measured.kinds[source][kind]]
    )
    return AnnotationQualityMeasuredData(
        gold=(GoldFile(path=ev.BLIND_GOLD.as_posix(), sha256=sha256_of(root / ev.BLIND_GOLD)),),
        gold_description=GOLD_DESCRIPTION,
        gold_provisions=measured.provisions,
        evaluation=EVALUATION,
        evaluator=EVALUATOR,
        scores=scores,
    )


def append_quality(root: Path, on: dt.date, recorded_at: dt.datetime) -> Path:
    """Measure and append the event, measured on ``on``; refused (nothing written) if the log with it would not fold."""
    data = measured_data(root)

    def refused(problem: str) -> QualityError:
        if problem == "the log is empty":
            return QualityError("the log is empty: there are no annotations to measure")
        return QualityError(f"cannot record the measurement: {problem}")

    return append_event(root, "quality", AnnotationQualityMeasured, data, on, recorded_at, refused)
