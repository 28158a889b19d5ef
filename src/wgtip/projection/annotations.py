"""Projection of annotations, vocabularies and parallel texts.

An annotation event carries, for one kind and each provision of its batch,
the complete set of values; it replaces what earlier events said about that
kind on that provision (so a later rule version or a person's
``AnnotationCorrected`` supersedes it). Row changes are recorded in
``state.pending`` like any other table's, so releases publish them.
"""

from __future__ import annotations

import hashlib
import operator
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import TypeAdapter

from .. import events as ev
from ..annotation_kinds import BY_NAME as KIND
from ..annotation_kinds import KINDS, Kind
from ..tables import Row, by_name, columns, primary_key
from .state import FoldError, State, fresh, record_added, record_changed, record_removed


def _summary(row: dict[str, Any]) -> str:
    """The value shown in the changes table for an added or removed annotation row."""
    if "precision" in row:  # a measurement of the annotations' quality (annotation_quality)
        return f"precision {row['precision']}, recall {row['recall']}"
    for key in ("addressee", "strength", "theme", "topic", "target", "label", "title", "value"):
        if key in row and row[key] is not None:
            return str(row[key])
    return ""


def _replace_rows(state: State, table: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> None:
    for rid in sorted(old.keys() - new.keys()):
        record_removed(state, table, rid, _summary(old[rid]))
    for rid in sorted(new.keys()):
        if rid not in old:
            record_added(state, table, rid, _summary(new[rid]))
            continue
        for col in sorted(new[rid]):
            if col != "event_seq" and old[rid].get(col) != new[rid][col]:
                record_changed(state, table, rid, col, _text(old[rid].get(col)), _text(new[rid][col]))


def _text(v: Any) -> str | None:
    """A changed value as the changes table holds it: NULL for none (as its CSV reads back), not ''. (No change
    row of the published releases comes from an annotation value that was none: their bytes are unchanged.)"""
    return None if v is None else str(v)


# --- vocabularies -----------------------------------------------------------------


def _vocabulary_rows(d: ev.VocabularyDefinedData, seq: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    head = dict(vocabulary=d.vocabulary, title=d.title, title_zh=d.title_zh, description=d.description, terms=len(d.terms), event_seq=seq)
    terms = {f"{d.vocabulary}/{t.code}": dict(vocabulary=d.vocabulary, code=t.code, position=i, label=t.label, label_zh=t.label_zh, description=t.description) for i, t in enumerate(d.terms, 1)}
    return head, terms


def _vocabulary_defined(state: State, e: ev.VocabularyDefined) -> None:
    d = e.data
    codes = [t.code for t in d.terms]
    if len(set(codes)) != len(codes):
        raise FoldError(e.seq, "data.terms", f"vocabulary {d.vocabulary!r} defines a code twice")
    head, terms = _vocabulary_rows(d, e.seq)
    old = state.vocabularies.get(d.vocabulary)
    if old is None:
        record_added(state, "vocabularies", d.vocabulary, d.title)
    else:
        _replace_rows(state, "vocabularies", {d.vocabulary: old["head"]}, {d.vocabulary: head})
    _replace_rows(state, "vocabulary_terms", old["terms"] if old else {}, terms)
    state.vocabularies[d.vocabulary] = dict(head=head, terms=terms, codes=set(codes))


# --- annotations ------------------------------------------------------------------------


class AnnotationEntry(NamedTuple):
    """What the fold keeps of a provision's annotations of one kind: a tuple, with the rows as
    tuples in their table's column order. As dicts of dicts they cost ~1.4 KB per row, held
    until the build ends (a million events with one meeting in twenty annotated: ~550 MB)."""

    annotator: str
    values: bytes
    """``values_digest`` of the annotations, to tell whether a rule's output differs from them."""
    text_revision: int
    rows: tuple[Row, ...]


def _shared(text: str | None) -> str | None:
    """One str object for each distinct value (codes, cues and their evidence recur over thousands
    of provisions), without the UTF-8 copy cached inside the event's str (``state.fresh``)."""
    return None if text is None else sys.intern(fresh(text))


def _referred(name: str, shared: bool) -> Callable[[ev.Annotation], Any]:
    """A field of the annotation's reference target (``ReferenceTarget``); None without one."""

    def get(a: ev.Annotation) -> Any:
        value = None if a.reference is None else getattr(a.reference, name)
        return _shared(value) if shared else value

    return get


_FILLED_BY_ANNOTATION: dict[str, Callable[[ev.Annotation], Any]] = {
    "role": lambda a: _shared(a.role),
    "cue": lambda a: _shared(a.cue),
    "target": lambda a: _shared(a.target),
    "evidence": lambda a: _shared(a.evidence),
    "span_start": operator.attrgetter("start"),
    "span_end": operator.attrgetter("end"),
    "inherited_from": lambda a: _shared(a.inherited_from),
    **{name: _referred(name, name in ("instrument", "symbol", "resolution")) for name in ev.ReferenceTarget.model_fields},
}
"""How the columns of an annotation table besides its key, its value and ``COMMON`` are read off the annotation."""
COMMON = ("provision_id", "text_revision", "annotator", "event_seq")
"""The columns every annotation table has, the same for all of an event's annotations of a provision."""
REVIEW_COLUMNS = ("reviewed_by", "review_reason")
"""The columns a reviewed kind's table has besides (``Kind.reviewed``), filled from the review (``_published``)."""

_MODEL_OF_TABLE = by_name()
_COLUMNS = {k.name: [c.name for c in columns(_MODEL_OF_TABLE[k.table])] for k in KINDS}
_ROW_OF = {kind: operator.itemgetter(*names) for kind, names in _COLUMNS.items()}
_KEY = {k.name: primary_key(_MODEL_OF_TABLE[k.table])[0] for k in KINDS}
_ID_AT = {kind: _COLUMNS[kind].index(key) for kind, key in _KEY.items()}
_RESOLVED = {kind for kind, names in _COLUMNS.items() if "resolved_provision_id" in names}
"""The kinds whose rows name the provision a reference resolves to (which must exist)."""


def _filled(kind: Kind) -> tuple[tuple[str, Callable[[ev.Annotation], Any]], ...]:
    """The columns of the kind's table that are read off each annotation, and how; refused if the table
    has a column that nothing fills."""
    names = _COLUMNS[kind.name]
    fill = tuple((c, _FILLED_BY_ANNOTATION[c]) for c in names if c in _FILLED_BY_ANNOTATION)
    if {_KEY[kind.name], kind.column, *COMMON, *(REVIEW_COLUMNS if kind.reviewed else ()), *(c for c, _ in fill)} != set(names):
        raise TypeError(f"{kind.table}: its columns are not those its annotations fill")
    return fill


_FILL = {k.name: _filled(k) for k in KINDS}


def _rows(kind: Kind, pid: str, revision: int, annotator: str, seq: int, values: tuple[ev.Annotation, ...]) -> dict[str, dict[str, Any]]:
    """The rows of a provision's annotations of one kind, by row id, as dicts of the table's columns."""
    common = dict(zip(COMMON, (pid, revision, annotator, seq), strict=True))
    key, fill = _KEY[kind.name], _FILL[kind.name]
    out: dict[str, dict[str, Any]] = {}
    for i, a in enumerate(values, 1):
        rid = kind.row_id.format(provision_id=pid, value=a.value, role=a.role, number=i)
        row = {column: get(a) for column, get in fill}
        row.update(common)
        if kind.reviewed:
            row.update(dict.fromkeys(REVIEW_COLUMNS))
        row[kind.column] = _shared(a.value)
        row[key] = rid
        out[rid] = row
    return out


def _as_dicts(kind: str, rows: tuple[Row, ...]) -> dict[str, dict[str, Any]]:
    """An entry's rows by id, as ``_rows`` made them (to compare them with a replacement)."""
    names, at = _COLUMNS[kind], _ID_AT[kind]
    return {row[at]: dict(zip(names, row, strict=True)) for row in rows}


def _check(state: State, seq: int, where: str, kind: Kind, p: ev.ProvisionAnnotations) -> None:
    revisions = state.texts.get(p.provision_id)
    if revisions is None:
        raise FoldError(seq, f"{where}.provision_id", f"provision {p.provision_id!r} does not exist")
    if p.text_revision != len(revisions):
        raise FoldError(seq, f"{where}.text_revision", f"{p.provision_id} is at text revision {len(revisions)}; annotations are made on the current text")
    vocabulary = kind.vocabulary
    seen: set[str] = set()
    for j, a in enumerate(p.annotations):
        at = f"{where}.annotations.{j}"
        if vocabulary is not None:
            if vocabulary not in state.vocabularies:
                raise FoldError(seq, f"{at}.value", f"vocabulary {vocabulary!r} is not defined (no VocabularyDefined event before this one)")
            if a.value not in state.vocabularies[vocabulary]["codes"]:
                raise FoldError(seq, f"{at}.value", f"{a.value!r} is not a term of vocabulary {vocabulary!r}")
        roles = kind.role_vocabulary
        if roles is not None and (a.role is None or a.role not in state.vocabularies.get(roles, {}).get("codes", set())):
            raise FoldError(seq, f"{at}.role", f"an {kind.name} needs a role of vocabulary {roles!r}")
        for needed in kind.needs:
            if not getattr(a, needed):
                raise FoldError(seq, f"{at}.{needed}", f"a {kind.name} needs a {needed}")
        key = str(j) if kind.numbered else f"{a.value}/{a.role}"
        if key in seen:
            raise FoldError(seq, f"{at}.value", f"{a.value!r} is given twice for {p.provision_id}")
        seen.add(key)
        if a.evidence is not None:
            holder = a.inherited_from or p.provision_id
            if holder not in state.texts:
                raise FoldError(seq, f"{at}.inherited_from", f"provision {holder!r} does not exist")
            text = state.texts[holder][-1]["text"]
            if a.start is None or a.end is None or text[a.start : a.end] != a.evidence:
                raise FoldError(seq, f"{at}.evidence", f"{a.evidence!r} does not stand at [{a.start}:{a.end}] of the current text of {holder}")
        if kind.name in _RESOLVED and a.reference and a.reference.resolved_provision_id and a.reference.resolved_provision_id not in state.provisions:
            raise FoldError(seq, f"{at}.reference.resolved_provision_id", f"provision {a.reference.resolved_provision_id!r} does not exist")


def _annotate(state: State, seq: int, where: str, kind: str, annotator: str, p: ev.ProvisionAnnotations) -> None:
    _check(state, seq, where, KIND[kind], p)
    pid = state.provisions[p.provision_id].provision_id  # the fold's own str: one per provision, shared by every row
    key = (kind, pid)
    old = state.annotations.get(key)
    new = _rows(KIND[kind], pid, p.text_revision, annotator, seq, p.annotations)
    review = state.reviews.get(key)
    before = _published(KIND[kind], pid, _as_dicts(kind, old.rows), review) if old else {}
    _replace_rows(state, KIND[kind].table, before, _published(KIND[kind], pid, new, review))
    state.annotations[key] = AnnotationEntry(annotator, values_digest(p.annotations), p.text_revision, tuple(map(_ROW_OF[kind], new.values())))


_ANNOTATIONS = TypeAdapter(tuple[ev.Annotation, ...])


def values_digest(values: tuple[ev.Annotation, ...]) -> bytes:
    """What the state keeps of a provision's annotations of one kind, to tell whether a rule's output
    differs from them (``wgtip annotate``): a digest of their JSON. The pydantic objects themselves
    were 45% of the annotation state, ~1.1 KB per annotation, held until the build ends."""
    return hashlib.blake2b(_ANNOTATIONS.dump_json(values), digest_size=16).digest()


def _provisions_annotated(state: State, e: ev.ProvisionsAnnotated) -> None:
    d = e.data
    annotator = f"rule {d.annotator} v{d.annotator_version}"
    ids = [p.provision_id for p in d.provisions]
    if len(set(ids)) != len(ids):
        raise FoldError(e.seq, "data.provisions", "a provision is annotated twice in one batch")
    for i, p in enumerate(d.provisions):
        _annotate(state, e.seq, f"data.provisions.{i}", d.kind, annotator, p)


def _annotation_corrected(state: State, e: ev.AnnotationCorrected) -> None:
    d = e.data
    if (d.kind, d.provision.provision_id) not in state.annotations:
        raise FoldError(e.seq, "data.provision.provision_id", f"{d.provision.provision_id} has no {d.kind} annotations to correct")
    _annotate(state, e.seq, "data.provision", d.kind, f"person {d.corrected_by}", d.provision)


# --- reviews ---------------------------------------------------------------------------------
# A review is kept beside the rule's annotations, not folded into them: the published rows are the
# rule's, less what the review removed, plus what it added (``_published``). A later rule run on the
# provision replaces the rule's rows and the review still applies to them; a later review of the
# provision replaces the earlier one. So neither silently undoes the other, and a reader sees both.


class ReviewEntry(NamedTuple):
    """What the fold keeps of a provision's latest review of one kind."""

    annotator: str
    """``review <code>``, as the tables name it."""
    reviewed: str
    """The rule and version it reviewed (``rule <name> v<version>``)."""
    text_revision: int
    seq: int
    added: tuple[tuple[str, str], ...]
    """(value, reason), in the event's order."""
    removed: tuple[tuple[str, str], ...]


def _published(kind: Kind, pid: str, rule_rows: dict[str, dict[str, Any]], review: ReviewEntry | None) -> dict[str, dict[str, Any]]:
    """The rows the table publishes for a provision: the rule's, less what the review removed, plus what it added,
    each kept or added row naming the review; the rule's rows as they are when there is none."""
    if review is None:
        return rule_rows
    removed = {value for value, _ in review.removed}
    out: dict[str, dict[str, Any]] = {}
    for rid, row in rule_rows.items():
        if row[kind.column] not in removed:
            out[rid] = {**row, "reviewed_by": review.annotator}
    for value, reason in review.added:
        rid = kind.row_id.format(provision_id=pid, value=value)
        if rid in out:  # a later rule version gives it too: the rule's row, with the review's reason
            out[rid] = {**out[rid], "review_reason": reason}
            continue
        row = dict.fromkeys(_COLUMNS[kind.name])
        row.update(
            {
                _KEY[kind.name]: rid,
                kind.column: _shared(value),
                "provision_id": pid,
                "text_revision": review.text_revision,
                "annotator": review.annotator,
                "event_seq": review.seq,
                "reviewed_by": review.annotator,
                "review_reason": reason,
            }
        )
        if "cue" in row:
            row["cue"] = "review"
        out[rid] = row
    return out


def _review_rows(kind: str, pid: str, review: ReviewEntry) -> dict[str, dict[str, Any]]:
    """The rows of ``annotation_reviews`` for a provision's review: one per value added or removed."""
    return {
        f"{pid}/{kind}/{value}": dict(
            review_id=f"{pid}/{kind}/{value}",
            provision_id=pid,
            kind=kind,
            value=value,
            decision=decision,
            reason=reason,
            reviewed=review.reviewed,
            text_revision=review.text_revision,
            annotator=review.annotator,
            event_seq=review.seq,
        )
        for decision, values in (("added", review.added), ("removed", review.removed))
        for value, reason in values
    }


def _check_review(state: State, seq: int, where: str, kind: Kind, reviewed: str, p: ev.ReviewedProvision) -> AnnotationEntry:
    revisions = state.texts.get(p.provision_id)
    if revisions is None:
        raise FoldError(seq, f"{where}.provision_id", f"provision {p.provision_id!r} does not exist")
    if p.text_revision != len(revisions):
        raise FoldError(seq, f"{where}.text_revision", f"{p.provision_id} is at text revision {len(revisions)}; a review reads the current text")
    entry = state.annotations.get((kind.name, p.provision_id))
    if entry is None or entry.annotator != reviewed:
        have = "none" if entry is None else f"those of {entry.annotator}"
        raise FoldError(seq, f"{where}.provision_id", f"{p.provision_id}: the review is of the {kind.name} annotations of {reviewed}, and the log has {have}")
    if entry.text_revision != p.text_revision:
        raise FoldError(seq, f"{where}.text_revision", f"{p.provision_id}: the {kind.name} annotations reviewed were made on text revision {entry.text_revision}")
    given = {row[_COLUMNS[kind.name].index(kind.column)] for row in entry.rows}
    codes = state.vocabularies.get(kind.vocabulary or "", {}).get("codes", set())
    seen: set[str] = set()
    for field, values in (("added", p.added), ("removed", p.removed)):
        for j, v in enumerate(values):
            at = f"{where}.{field}.{j}.value"
            if v.value not in codes:
                raise FoldError(seq, at, f"{v.value!r} is not a term of vocabulary {kind.vocabulary!r}")
            if v.value in seen:
                raise FoldError(seq, at, f"{v.value!r} is reviewed twice for {p.provision_id}")
            seen.add(v.value)
            if (field == "added") == (v.value in given):
                raise FoldError(seq, at, f"{p.provision_id}: {v.value!r} cannot be {field}: {reviewed} {'gives' if v.value in given else 'does not give'} it")
    if not (given - {v.value for v in p.removed}) and not p.added:
        raise FoldError(seq, f"{where}.removed", f"{p.provision_id}: the review would leave it without a {kind.name}")
    return entry


def _annotations_reviewed(state: State, e: ev.AnnotationsReviewed) -> None:
    d = e.data
    kind = KIND[d.kind]
    if not kind.reviewed:
        raise FoldError(e.seq, "data.kind", f"{d.kind} annotations cannot be reviewed (only {', '.join(k.name for k in KINDS if k.reviewed)})")
    reviewed = f"rule {d.basis.annotator} v{d.basis.annotator_version}"
    ids = [p.provision_id for p in d.provisions]
    if len(set(ids)) != len(ids):
        raise FoldError(e.seq, "data.provisions", "a provision is reviewed twice in one batch")
    annotator = f"review {d.annotator}"
    for i, p in enumerate(d.provisions):
        entry = _check_review(state, e.seq, f"data.provisions.{i}", kind, reviewed, p)
        pid = state.provisions[p.provision_id].provision_id
        key = (d.kind, pid)
        old = state.reviews.get(key)
        new = ReviewEntry(annotator, reviewed, p.text_revision, e.seq, tuple((v.value, v.reason) for v in p.added), tuple((v.value, v.reason) for v in p.removed))
        rule_rows = _as_dicts(d.kind, entry.rows)
        _replace_rows(state, kind.table, _published(kind, pid, rule_rows, old), _published(kind, pid, rule_rows, new))
        _replace_rows(state, "annotation_reviews", _review_rows(d.kind, pid, old) if old else {}, _review_rows(d.kind, pid, new))
        state.reviews[key] = new


# --- parallel texts -------------------------------------------------------------------------


def _parallel_text_recorded(state: State, e: ev.ParallelTextRecorded) -> None:
    d = e.data
    if d.provision_id not in state.provisions:
        raise FoldError(e.seq, "data.provision_id", f"provision {d.provision_id!r} does not exist")
    doc = state.documents.get(d.document)
    if doc is None:
        raise FoldError(e.seq, "data.document", f"document {d.document!r} has not been registered")
    if doc["language"] != d.language:
        raise FoldError(e.seq, "data.language", f"document {d.document!r} is registered as {doc['language']!r}, not {d.language!r}")
    if d.document == state.provisions[d.provision_id]["source_document"]:
        raise FoldError(e.seq, "data.document", "a parallel text comes from another language version, not the document the provision was imported from")
    rid = f"{d.provision_id}/{d.language}"
    row = dict(parallel_id=rid, provision_id=d.provision_id, language=d.language, document=d.document, label=d.label, text=d.text, source_line=d.line, event_seq=e.seq)
    old = state.parallel_texts.get(rid)
    _replace_rows(state, "provision_parallel_texts", {rid: old} if old else {}, {rid: row})
    state.parallel_texts[rid] = row


def ratio(part: int, whole: int) -> str:
    """A precision or recall as the annotation_quality table holds it: three decimal places, 1.000 with nothing to count."""
    return f"{part / whole:.3f}" if whole else "1.000"


def _annotation_quality_measured(state: State, e: ev.AnnotationQualityMeasured) -> None:
    d = e.data
    gold = d.gold[0]
    kinds = {s.kind for s in d.scores}
    old = {rid: row for rid, row in state.quality.items() if row["kind"] in kinds}
    new = {
        f"{s.kind}/{s.source}": dict(
            quality_id=f"{s.kind}/{s.source}",
            kind=s.kind,
            source=s.source,
            made_by=s.made_by,
            precision=ratio(s.true_positives, s.predicted),
            recall=ratio(s.true_positives, s.expected),
            true_positives=s.true_positives,
            predicted=s.predicted,
            expected=s.expected,
            gold_provisions=d.gold_provisions,
            gold_description=d.gold_description,
            gold_file=gold.path,
            gold_sha256=gold.sha256,
            measured_on=e.occurred.start,
            evaluation=d.evaluation,
            evaluator=d.evaluator,
            event_seq=e.seq,
        )
        for s in d.scores
    }
    _replace_rows(state, "annotation_quality", old, new)
    for rid in old:
        del state.quality[rid]
    state.quality.update(new)


HANDLERS: dict[type[ev.Envelope], Callable[[State, Any], None]] = {
    ev.VocabularyDefined: _vocabulary_defined,
    ev.ProvisionsAnnotated: _provisions_annotated,
    ev.AnnotationCorrected: _annotation_corrected,
    ev.AnnotationsReviewed: _annotations_reviewed,
    ev.AnnotationQualityMeasured: _annotation_quality_measured,
    ev.ParallelTextRecorded: _parallel_text_recorded,
}


def finish(state: State) -> dict[str, list[Any]]:
    """The rows of the annotation tables (tuples), vocabularies and parallel texts (dicts), in document
    order (run after recommendations.finish, which orders the provisions)."""
    at = state.positions_of({pid for _, pid in state.annotations} | {r["provision_id"] for r in state.parallel_texts.values()})

    def position(pid: str) -> int:
        return at[pid]

    out: dict[str, list[Any]] = {k.table: [] for k in KINDS}
    for kind, pid in sorted(state.annotations, key=lambda k: (position(k[1]), k[0])):
        entry, review = state.annotations[kind, pid], state.reviews.get((kind, pid))
        if review is None:
            out[KIND[kind].table].extend(entry.rows)
        else:
            out[KIND[kind].table].extend(map(_ROW_OF[kind], _published(KIND[kind], pid, _as_dicts(kind, entry.rows), review).values()))
    out["annotation_reviews"] = [row for kind, pid in sorted(state.reviews, key=lambda k: (position(k[1]), k[0])) for row in _review_rows(kind, pid, state.reviews[kind, pid]).values()]
    vocabularies = sorted(state.vocabularies.values(), key=lambda v: v["head"]["vocabulary"])
    out["vocabularies"] = [v["head"] for v in vocabularies]
    out["vocabulary_terms"] = [t for v in vocabularies for t in v["terms"].values()]
    out["provision_parallel_texts"] = sorted(state.parallel_texts.values(), key=lambda r: (position(r["provision_id"]), r["language"]))
    order = {k.name: i for i, k in enumerate(KINDS)}
    out["annotation_quality"] = sorted(state.quality.values(), key=lambda r: (order[r["kind"]], r["source"]))
    return out
