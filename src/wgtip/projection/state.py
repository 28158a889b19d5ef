"""The fold's state: what the events so far have established."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from ..citation import DatasetVersion
from ..log import LogError, LoggedEvent
from ..tables import Provision, columns


class FoldError(Exception):
    """An event that cannot be applied to the state built from the events before it."""

    def __init__(self, seq: int, field: str, message: str):
        self.seq, self.field, self.message = seq, field, message
        super().__init__(f"event {seq}: {field}: {message}")

    def at(self, le: LoggedEvent) -> LogError:
        """This error, located to the file and line of the event that caused it."""
        return LogError(le.path, le.line, self.field, f"{self.message} ({le.event.type}, seq {self.seq})")


class Record:
    """A row being built, read and written like a dict (``p["text"]``, ``p.update(...)``) but
    stored in slots: a million provisions as dicts would cost gigabytes, as slots about a third.
    Subclasses are slotted dataclasses (a generated ``__init__`` is the fastest way to fill slots)."""

    __slots__ = ()

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self, name, value)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)

    def update(self, values: dict[str, Any] | None = None, **more: Any) -> None:
        for k, v in {**(values or {}), **more}.items():
            setattr(self, k, v)

    def keys(self) -> tuple[str, ...]:
        return self.__slots__  # with __getitem__: dict(record) and dict(record, more=...) work


def record_type(name: str, fields: list[str], doc: str) -> type[Record]:
    cls = make_dataclass(name, [(f, Any, None) for f in fields], bases=(Record,), slots=True, eq=False)
    cls.__doc__ = doc
    return cls


ProvisionRecord = record_type("ProvisionRecord", [c.name for c in columns(Provision)], "A provision as the fold knows it: the columns of ``provisions`` (None until set).")
TextRevision = record_type("TextRevision", ["text", "valid_from_seq", "valid_to_seq", "reason", "corrected_by"], "One text a provision has had (one per provision, and one per correction).")
ChangeRecord = record_type("ChangeRecord", ["table_name", "row_id", "change", "field", "old_value", "new_value", "event_seq"], "A change not yet released (one per added row until the next release).")


def fresh(text: str) -> str:
    """A copy of a str without the UTF-8 copy CPython caches inside a non-ASCII str once it has
    been serialized (log.read_segment serializes each event's data): ~170 bytes per provision
    text, for as long as the fold holds it."""
    return text.encode("utf-8").decode("utf-8")


@dataclass
class State:
    seq: int = 0
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    provisions: dict[str, ProvisionRecord] = field(default_factory=dict)
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
    state.pending[(table, row_id, None)] = ChangeRecord(table_name=table, row_id=row_id, change="added", field=None, old_value=None, new_value=value, event_seq=state.seq)


def record_changed(state: State, table: str, row_id: str, column: str, old: str, new: str) -> None:
    added = state.pending.get((table, row_id, None))
    if added is not None:
        # added and changed before any release: the release adds it as it then reads
        added["new_value"] = new
        return
    key = (table, row_id, column)
    first = state.pending.get(key)
    old = first["old_value"] if first else old
    state.pending[key] = ChangeRecord(table_name=table, row_id=row_id, change="changed", field=column, old_value=old, new_value=new, event_seq=state.seq)


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
