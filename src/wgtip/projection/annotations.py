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
from typing import Any, Callable, NamedTuple

from pydantic import TypeAdapter

from .. import events as ev
from ..tables import Row, by_name, columns, primary_key
from .state import FoldError, State, fresh, record_added, record_changed, record_removed

TABLE_OF_KIND = {
    "addressee": "provision_addressees",
    "strength": "provision_strength",
    "topic": "provision_topics",
    "theme": "provision_themes",
    "reference": "provision_references",
}
_MODEL_OF_TABLE = by_name()
_COLUMNS = {kind: [c.name for c in columns(_MODEL_OF_TABLE[t])] for kind, t in TABLE_OF_KIND.items()}
_ROW_OF = {kind: operator.itemgetter(*names) for kind, names in _COLUMNS.items()}
_ID_AT = {kind: _COLUMNS[kind].index(primary_key(_MODEL_OF_TABLE[t])[0]) for kind, t in TABLE_OF_KIND.items()}
VOCABULARY_OF_KIND = {"addressee": "addressee", "strength": "strength", "theme": "theme", "reference": "reference_kind"}
ROLE_VOCABULARY = "addressee_role"


def _summary(row: dict[str, Any]) -> str:
    """The value shown in the changes table for an added or removed annotation row."""
    for key in ("addressee", "strength", "theme", "topic", "target", "label", "title"):
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


def _text(v: Any) -> str:
    return "" if v is None else str(v)


# --- vocabularies -----------------------------------------------------------------


def _vocabulary_rows(d: ev.VocabularyDefinedData, seq: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    head = dict(vocabulary=d.vocabulary, title=d.title, title_zh=d.title_zh, description=d.description, terms=len(d.terms), event_seq=seq)
    terms = {
        f"{d.vocabulary}/{t.code}": dict(vocabulary=d.vocabulary, code=t.code, position=i, label=t.label, label_zh=t.label_zh, description=t.description)
        for i, t in enumerate(d.terms, 1)
    }
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


def _rows(kind: str, pid: str, revision: int, annotator: str, seq: int, values: tuple[ev.Annotation, ...]) -> dict[str, dict[str, Any]]:
    common = dict(provision_id=pid, text_revision=revision, annotator=annotator, event_seq=seq)
    span = lambda a: dict(evidence=_shared(a.evidence), span_start=a.start, span_end=a.end, inherited_from=_shared(a.inherited_from))  # noqa: E731
    out: dict[str, dict[str, Any]] = {}
    for i, a in enumerate(values, 1):
        value = _shared(a.value)
        if kind == "addressee":
            out[f"{pid}/{a.value}/{a.role}"] = dict(addressee_id=f"{pid}/{a.value}/{a.role}", addressee=value, role=_shared(a.role), **span(a), **common)
        elif kind == "strength":
            out[f"{pid}/{a.value}"] = dict(strength_id=f"{pid}/{a.value}", strength=value, cue=_shared(a.cue), **span(a), **common)
        elif kind == "topic":
            out[pid] = dict(topic=value, **span(a), **common)
        elif kind == "theme":
            out[f"{pid}/{a.value}"] = dict(theme_id=f"{pid}/{a.value}", theme=value, cue=_shared(a.cue), **span(a), **common)
        else:
            r = a.reference or ev.ReferenceTarget()
            out[f"{pid}/ref/{i}"] = dict(
                reference_id=f"{pid}/ref/{i}", kind=value, target=_shared(a.target), instrument=_shared(r.instrument), article=r.article,
                paragraph=r.paragraph, subparagraph=r.subparagraph, symbol=_shared(r.symbol), report_meeting=r.report_meeting,
                report_paragraph=r.report_paragraph, resolved_provision_id=r.resolved_provision_id, resolution=_shared(r.resolution),
                evidence=_shared(a.evidence), span_start=a.start, span_end=a.end, **common,
            )
    return out


def _as_dicts(kind: str, rows: tuple[Row, ...]) -> dict[str, dict[str, Any]]:
    """An entry's rows by id, as ``_rows`` made them (to compare them with a replacement)."""
    names, at = _COLUMNS[kind], _ID_AT[kind]
    return {row[at]: dict(zip(names, row)) for row in rows}


def _check(state: State, seq: int, where: str, kind: str, p: ev.ProvisionAnnotations) -> None:
    revisions = state.texts.get(p.provision_id)
    if revisions is None:
        raise FoldError(seq, f"{where}.provision_id", f"provision {p.provision_id!r} does not exist")
    if p.text_revision != len(revisions):
        raise FoldError(seq, f"{where}.text_revision", f"{p.provision_id} is at text revision {len(revisions)}; annotations are made on the current text")
    vocabulary = VOCABULARY_OF_KIND.get(kind)
    seen: set[str] = set()
    for j, a in enumerate(p.annotations):
        at = f"{where}.annotations.{j}"
        if vocabulary is not None:
            if vocabulary not in state.vocabularies:
                raise FoldError(seq, f"{at}.value", f"vocabulary {vocabulary!r} is not defined (no VocabularyDefined event before this one)")
            if a.value not in state.vocabularies[vocabulary]["codes"]:
                raise FoldError(seq, f"{at}.value", f"{a.value!r} is not a term of vocabulary {vocabulary!r}")
        if kind == "addressee" and (a.role is None or a.role not in state.vocabularies.get(ROLE_VOCABULARY, {}).get("codes", set())):
            raise FoldError(seq, f"{at}.role", f"an addressee needs a role of vocabulary {ROLE_VOCABULARY!r}")
        if kind == "reference" and not a.target:
            raise FoldError(seq, f"{at}.target", "a reference needs a target")
        key = f"{a.value}/{a.role}" if kind != "reference" else str(j)
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
        if kind == "reference" and a.reference and a.reference.resolved_provision_id and a.reference.resolved_provision_id not in state.provisions:
            raise FoldError(seq, f"{at}.reference.resolved_provision_id", f"provision {a.reference.resolved_provision_id!r} does not exist")


def _annotate(state: State, seq: int, where: str, kind: str, annotator: str, p: ev.ProvisionAnnotations) -> None:
    _check(state, seq, where, kind, p)
    pid = state.provisions[p.provision_id].provision_id  # the fold's own str: one per provision, shared by every row
    key = (kind, pid)
    old = state.annotations.get(key)
    new = _rows(kind, pid, p.text_revision, annotator, seq, p.annotations)
    _replace_rows(state, TABLE_OF_KIND[kind], _as_dicts(kind, old.rows) if old else {}, new)
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


HANDLERS: dict[str, Callable[[State, Any], None]] = {
    "VocabularyDefined": _vocabulary_defined,
    "ProvisionsAnnotated": _provisions_annotated,
    "AnnotationCorrected": _annotation_corrected,
    "ParallelTextRecorded": _parallel_text_recorded,
}


def finish(state: State) -> dict[str, list[Any]]:
    """The rows of the annotation tables (tuples), vocabularies and parallel texts (dicts), in document
    order (run after recommendations.finish, which orders the provisions)."""
    at = state.positions_of({pid for _, pid in state.annotations} | {r["provision_id"] for r in state.parallel_texts.values()})

    def position(pid: str) -> int:
        return at[pid]

    out: dict[str, list[Any]] = {t: [] for t in TABLE_OF_KIND.values()}
    for kind, pid in sorted(state.annotations, key=lambda k: (position(k[1]), k[0])):
        out[TABLE_OF_KIND[kind]].extend(state.annotations[kind, pid].rows)
    vocabularies = sorted(state.vocabularies.values(), key=lambda v: v["head"]["vocabulary"])
    out["vocabularies"] = [v["head"] for v in vocabularies]
    out["vocabulary_terms"] = [t for v in vocabularies for t in v["terms"].values()]
    out["provision_parallel_texts"] = sorted(state.parallel_texts.values(), key=lambda r: (position(r["provision_id"]), r["language"]))
    return out
