"""Recording a review of the rules' annotations: ``AnnotationsReviewed`` events made from a decisions file.

A reviewer reads every provision of the meetings the file names and writes down, as data, only what
the rule got wrong: the values to add and to remove, each with its reason. Every other provision of
those meetings is recorded as reviewed and confirmed as it is. The events (one per meeting section,
every provision of it in document order) are appended to the log; the rule's annotations stay as
they were recorded, and the fold publishes the rule's values less the removed, plus the added
(``projection.annotations._published``). Run again on a log that holds the same review, it writes
nothing.

    python -m wgtip.annotate.reviewed review/themes/decisions.json --recorded-at 2026-12-07T20:00:00+00:00
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..annotation_kinds import BY_NAME as KIND
from ..errors import WgtipError
from ..events import (
    REVIEWER,
    AnnotationsReviewed,
    AnnotationsReviewedData,
    Occurrence,
    ReviewBasis,
    ReviewedProvision,
    ReviewedValue,
    SourceLocator,
)
from ..folded import fold_kept, keep_all
from ..log import iter_log, write_segments
from ..tables import by_name, columns


class ReviewFileError(WgtipError):
    """A decisions file that cannot be recorded as it stands."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Decision(_Strict):
    added: dict[str, str] = Field(default_factory=dict, description="value -> reason")
    removed: dict[str, str] = Field(default_factory=dict, description="value -> reason")


class Decisions(_Strict):
    """The decisions file: who reviewed which rule's annotations of which kind, in which meetings, and what they changed."""

    kind: str
    annotator: str = Field(pattern=REVIEWER)
    annotator_description: str = Field(min_length=1)
    basis: ReviewBasis
    meetings: tuple[int, ...] = Field(min_length=1)
    decisions: dict[str, Decision]


def read_decisions(path: Path) -> Decisions:
    try:
        return Decisions.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReviewFileError(f"{path}: cannot be read as JSON: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ReviewFileError(f"{path}: {'.'.join(map(str, first['loc'])) or '(top)'}: {first['msg']}") from exc


_READ = {
    "provisions": ("provision_id", "meeting", "position", "source_document", "source_section"),
    "provision_texts": ("provision_id", "revision"),
}


def review_events(root: Path, path: Path, recorded_at: dt.datetime) -> tuple[list[tuple[str, AnnotationsReviewed]], str]:
    """The events recording the review in ``path``, checked against the log (what the fold would refuse is
    refused here, naming the file and the decision), none when the log already holds this review; and the
    hash of the log's last event, which they follow."""
    d = read_decisions(path)
    kind = KIND.get(d.kind)
    if kind is None or not kind.reviewed:
        raise ReviewFileError(f"{path}: kind: {d.kind!r} annotations cannot be reviewed")
    seen: dict[str, Any] = {}
    kept = fold_kept(
        iter_log(root),
        {"provisions": keep_all, "provision_texts": keep_all, "source_documents": keep_all},
        on_state=lambda state: seen.update(annotations=state.annotations, reviews=state.reviews, vocabularies=state.vocabularies),
        columns=_READ,
    )
    if kept.head is None:
        raise ReviewFileError(f"{root}: the log is empty")
    revision: dict[str, int] = {}
    for t in kept.rows["provision_texts"]:
        revision[t["provision_id"]] = max(revision.get(t["provision_id"], 0), t["revision"])
    provisions = sorted((p for p in kept.rows["provisions"] if p["meeting"] in d.meetings), key=lambda p: p["position"])
    reviewed_ids = {p["provision_id"] for p in provisions}
    for pid in d.decisions:
        if pid not in reviewed_ids:
            raise ReviewFileError(f"{path}: decisions.{pid}: no such provision in meetings {', '.join(map(str, d.meetings))}")
    codes = seen["vocabularies"].get(kind.vocabulary, {}).get("codes", set())
    reviewed_rule = f"rule {d.basis.annotator} v{d.basis.annotator_version}"
    value_at = [c.name for c in columns(by_name()[kind.table])].index(kind.column)
    annotator = f"review {d.annotator}"
    documents = {doc["document"]: doc for doc in kept.rows["source_documents"]}

    batches: dict[tuple[str, str], list[ReviewedProvision]] = {}
    for p in provisions:
        pid = p["provision_id"]
        entry = seen["annotations"].get((kind.name, pid))
        if entry is None or entry.annotator != reviewed_rule:
            have = "none" if entry is None else entry.annotator
            raise ReviewFileError(f"{path}: basis: {pid}'s {kind.name} annotations are not those of {reviewed_rule} (the log has {have})")
        given = {row[value_at] for row in entry.rows}
        decision = d.decisions.get(pid, Decision())
        for field, values in (("added", decision.added), ("removed", decision.removed)):
            for value in values:
                if value not in codes:
                    raise ReviewFileError(f"{path}: decisions.{pid}.{field}.{value}: not a term of vocabulary {kind.vocabulary!r}")
                if (field == "added") == (value in given):
                    raise ReviewFileError(f"{path}: decisions.{pid}.{field}.{value}: {reviewed_rule} {'already gives' if value in given else 'does not give'} it")
        if set(decision.added) & set(decision.removed):
            raise ReviewFileError(f"{path}: decisions.{pid}: a value is both added and removed")
        if not (given - set(decision.removed)) and not decision.added:
            raise ReviewFileError(f"{path}: decisions.{pid}: the review would leave it without a {kind.name}")
        added = tuple(ReviewedValue(value=v, reason=r) for v, r in sorted(decision.added.items()))
        removed = tuple(ReviewedValue(value=v, reason=r) for v, r in sorted(decision.removed.items()))
        have = seen["reviews"].get((kind.name, pid))
        if (
            have is not None
            and have.annotator == annotator
            and have.reviewed == reviewed_rule
            and have.text_revision == revision[pid]
            and have.added == tuple((v.value, v.reason) for v in added)
            and have.removed == tuple((v.value, v.reason) for v in removed)
        ):
            continue
        item = ReviewedProvision(provision_id=pid, text_revision=revision[pid], added=added, removed=removed)
        batches.setdefault((p["source_document"], p["source_section"]), []).append(item)

    seq, prev = kept.head.seq, None
    day = recorded_at.astimezone(dt.UTC).date()
    out = []
    for (document, section), items in batches.items():  # document order: dicts keep insertion order
        seq += 1
        doc = documents[document]
        out.append(
            (
                "review-" + kind.name,
                AnnotationsReviewed(
                    seq=seq,
                    type="AnnotationsReviewed",
                    schema_version=1,
                    occurred=Occurrence(start=day, end=day),
                    recorded_at=recorded_at,
                    source=SourceLocator(document=doc["document"], language=doc["language"], sha256=doc["sha256"], section=section),
                    prev=prev,
                    data=AnnotationsReviewedData(kind=kind.name, annotator=d.annotator, annotator_description=d.annotator_description, basis=d.basis, provisions=tuple(items)),
                ),
            )
        )
    return out, kept.head.hash


def append_review(root: Path, path: Path, recorded_at: dt.datetime) -> list[Path]:
    """Append the review's events to the log (nothing if it holds them already); the new segment files."""
    events, head = review_events(root, path, recorded_at)
    return write_segments(root, events, prev=head) if events else []


@click.command()
@click.argument("decisions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="The repository.")
@click.option("--recorded-at", required=True, help="Fixed recording time written into the events (ISO 8601 with zone).")
def main(decisions: Path, root: Path, recorded_at: str) -> None:
    """Append the review in DECISIONS to the log as AnnotationsReviewed events."""
    moment = dt.datetime.fromisoformat(recorded_at)
    if moment.tzinfo is None:
        raise click.BadParameter("needs a zone, e.g. +00:00", param_hint="--recorded-at")
    paths = append_review(root, decisions, moment)
    if not paths:
        click.echo("the log holds this review already: nothing to append")
        return
    click.echo("wrote " + ", ".join(str(p.relative_to(root)) for p in paths))


if __name__ == "__main__":
    main()
