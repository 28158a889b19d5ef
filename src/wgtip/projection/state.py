"""The fold's state: what the events so far have established."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..citation import DatasetVersion
from ..log import LoggedEvent


class FoldError(Exception):
    """An event that cannot be applied to the state built from the events before it."""

    def __init__(self, seq: int, field: str, message: str):
        self.seq, self.field, self.message = seq, field, message
        super().__init__(f"event {seq}: {field}: {message}")


@dataclass
class State:
    seq: int = 0
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    provisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """provision_id -> its text revisions, oldest first."""
    releases: list[dict[str, Any]] = field(default_factory=list)
    release_files: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    pending: dict[tuple[str, str, str | None], dict[str, Any]] = field(default_factory=dict)
    """Changes since the last release, by (table, row, field); field None for an added row."""
    events_since_release: int = 0
    vocabularies: dict[str, dict[str, Any]] = field(default_factory=dict)
    """vocabulary code -> its definition (the latest VocabularyDefined event)."""
    annotations: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(kind, provision_id) -> the current annotations of that kind: annotator, text revision, values, event."""
    parallel_texts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def dataset_version(self) -> DatasetVersion:
        """The version a build of this state is: the last release, or a build after it that says so."""
        if not self.releases:
            return DatasetVersion(f"0.0.0+unreleased.{self.events_since_release}", None)
        last = self.releases[-1]
        if self.events_since_release:
            return DatasetVersion(f"{last['version']}+unreleased.{self.events_since_release}", None)
        return DatasetVersion(last["version"], last["published_on"], last["digest"] or None)


def record_added(state: State, table: str, row_id: str, value: str | None) -> None:
    state.pending[(table, row_id, None)] = dict(table_name=table, row_id=row_id, change="added", field=None, old_value=None, new_value=value, event_seq=state.seq)


def record_changed(state: State, table: str, row_id: str, column: str, old: str, new: str) -> None:
    added = state.pending.get((table, row_id, None))
    if added is not None:
        # added and changed before any release: the release adds it as it then reads
        added["new_value"] = new
        return
    key = (table, row_id, column)
    first = state.pending.get(key)
    old = first["old_value"] if first else old
    state.pending[key] = dict(table_name=table, row_id=row_id, change="changed", field=column, old_value=old, new_value=new, event_seq=state.seq)


def record_removed(state: State, table: str, row_id: str, value: str | None) -> None:
    if state.pending.pop((table, row_id, None), None) is not None:
        # added and removed before any release: no release ever had it
        for key in [k for k in state.pending if k[0] == table and k[1] == row_id]:
            del state.pending[key]
        return
    for key in [k for k in state.pending if k[0] == table and k[1] == row_id]:
        del state.pending[key]
    state.pending[(table, row_id, "")] = dict(table_name=table, row_id=row_id, change="removed", field=None, old_value=value, new_value=None, event_seq=state.seq)


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_row(le: LoggedEvent) -> dict[str, Any]:
    e, s = le.event, le.event.source
    return dict(
        seq=e.seq, type=e.type, schema_version=e.schema_version, occurred_start=e.occurred.start, occurred_end=e.occurred.end,
        recorded_at=utc_text(e.recorded_at), source_document=s.document if s else None, source_section=s.section if s else None,
        source_paragraph=s.paragraph if s else None, source_line=s.line if s else None, prev=e.prev, hash=le.hash,
        file=le.path, file_line=le.line, data=le.data_json,
    )
