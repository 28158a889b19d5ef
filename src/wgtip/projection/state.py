"""The fold's state: what the events so far have established."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, make_dataclass
from typing import TYPE_CHECKING, Any

from ..citation import DatasetVersion
from ..errors import WgtipError
from ..log import LogError, LoggedEvent
from ..tables import Provision, columns


class FoldError(WgtipError):
    """An event that cannot be applied to the state built from the events before it."""

    def __init__(self, seq: int, field: str, message: str):
        self.seq, self.field = seq, field
        super().__init__(f"event {seq}: {field}: {message}")
        self.message = message  # type: ignore[misc]  # click declares it Final; after click's own: the problem alone; ``str`` names where too

    def __str__(self) -> str:
        return f"event {self.seq}: {self.field}: {self.message}"

    def at(self, le: LoggedEvent) -> LogError:
        """This error, located to the file and line of the event that caused it."""
        return LogError(le.path, le.line, self.field, f"{self.message} ({le.event.type}, seq {self.seq})")


class Record:
    """A row being built, read and written like a dict (``p["text"]``, ``p.update(...)``) but
    stored in slots: a million provisions as dicts would cost gigabytes, as slots about a third.
    Subclasses are slotted dataclasses (a generated ``__init__`` is the fastest way to fill slots)."""

    __slots__ = ()

    # ``p["text"]`` is ``p.text``: the C attribute lookup itself, without a Python frame per
    # access (millions of them in the fold and its citations)
    __getitem__ = object.__getattribute__
    __setitem__ = object.__setattr__

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)

    def update(self, values: dict[str, Any] | None = None, **more: Any) -> None:
        for k, v in {**(values or {}), **more}.items():
            setattr(self, k, v)

    def keys(self) -> tuple[str, ...]:
        return self.__slots__  # with __getitem__: dict(record) and dict(record, more=...) work

    if TYPE_CHECKING:
        # a record type's fields are made at run time from a list of names (record_type): to the type
        # checker, a record takes any of them and each is Any, as make_dataclass declares them
        def __init__(self, *values: Any, **fields: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...


def record_type(name: str, fields: list[str], doc: str) -> type[Record]:
    cls = make_dataclass(name, [(f, Any, None) for f in fields], bases=(Record,), slots=True, eq=False)
    cls.__doc__ = doc
    return cls


WRITTEN_ONLY = ("standalone_text", "is_chapeau", "meeting_start_date", "meeting_end_date", "citation", "position")
"""Columns of ``provisions`` that the fold derives only as each row is written (from the
provision's ancestors, children, meeting and document, and its place in document order): not
held in the record, 48 bytes a provision, and its position an int object of 28 more (~146 MB at
a million events)."""

if TYPE_CHECKING:

    class ProvisionRecord(Record): ...
else:
    ProvisionRecord = record_type(
        "ProvisionRecord",
        [c.name for c in columns(Provision) if c.name not in WRITTEN_ONLY],
        "A provision as the fold knows it: the columns of ``provisions`` (None until set) but the ``WRITTEN_ONLY`` ones.",
    )


def _provision_row_maker() -> Callable[..., tuple[Any, ...]]:
    """``provision_row(record, *written_only)``: the record's row in the table's column order, the
    ``WRITTEN_ONLY`` values (in that order) put in their places. One expression, made from the columns."""
    fields = ", ".join(f"w[{WRITTEN_ONLY.index(c.name)}]" if c.name in WRITTEN_ONLY else f"p.{c.name}" for c in columns(Provision))
    return eval(f"lambda p, *w: ({fields},)")  # noqa: S307 - code made above from the column names, no data


provision_row = _provision_row_maker()
if TYPE_CHECKING:

    class TextRevision(Record): ...

    class ChangeRecord(Record): ...
else:
    TextRevision = record_type("TextRevision", ["text", "valid_from_seq", "valid_to_seq", "reason", "corrected_by"], "One text a provision has had (one per provision, and one per correction).")
    ChangeRecord = record_type(
        "ChangeRecord",
        ["change_id", "version", "table_name", "row_id", "change", "field", "old_value", "new_value", "event_seq"],
        "A change: pending (version None) until a release publishes it; one per added row.",
    )


class TextRevisions:
    """provision_id -> the texts it has had, oldest first (``TextRevision`` records).

    Most provisions are never corrected: their one revision is their printed text, valid from
    the event that recorded them. That revision is made when asked for, from the provision;
    only corrected provisions hold a list (at a million provisions, a list and a record each
    would cost some 450 MB)."""

    def __init__(self, provisions: dict[str, Any]):
        self.provisions = provisions
        self.corrected: dict[str, list[Any]] = {}

    def get(self, provision_id: str, default: Any = None) -> list[Any] | Any:
        revisions = self.corrected.get(provision_id)
        if revisions is not None:
            return revisions
        p = self.provisions.get(provision_id)
        return default if p is None else [self._printed(p)]

    def __getitem__(self, provision_id: str) -> list[Any]:
        revisions = self.get(provision_id)
        if revisions is None:
            raise KeyError(provision_id)
        return revisions

    def __contains__(self, provision_id: object) -> bool:
        return provision_id in self.provisions

    def current(self, p: Any) -> tuple[str, int]:
        """A provision's current text and how many corrections made it."""
        revisions = self.corrected.get(p.provision_id)
        return (p.text, 0) if revisions is None else (revisions[-1].text, len(revisions) - 1)

    def spans(self, p: Any) -> Iterable[tuple[str, int, int | None, str | None, str | None]]:
        """A provision's revisions as (text, valid_from_seq, valid_to_seq, reason, corrected_by),
        oldest first, without making a record for the one revision of an uncorrected provision."""
        revisions = self.corrected.get(p.provision_id)
        if revisions is None:
            return (self._printed_span(p),)
        return [(r.text, r.valid_from_seq, r.valid_to_seq, r.reason, r.corrected_by) for r in revisions]

    def at(self, provision_id: str, seq: int) -> str:
        """A provision's text as it was just after event ``seq``."""
        revisions = self.corrected.get(provision_id)
        if revisions is None:
            return self.provisions[provision_id].text
        return next(r.text for r in reversed(revisions) if r.valid_from_seq <= seq)

    def editable(self, provision_id: str) -> list[Any] | None:
        """The revisions of a provision as a list kept in the state (to correct it), or None."""
        revisions = self.corrected.get(provision_id)
        if revisions is None and provision_id in self.provisions:
            revisions = self.corrected[provision_id] = [self._printed(self.provisions[provision_id])]
        return revisions

    @staticmethod
    def _printed_span(p: Any) -> tuple[str, int, None, None, None]:
        """The printed text, valid from the event that recorded it: (text, valid_from_seq, valid_to_seq, reason, corrected_by)."""
        return (p.text, p.event_seq, None, None, None)

    @classmethod
    def _printed(cls, p: Any) -> Any:
        return TextRevision(*cls._printed_span(p))


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
    texts: TextRevisions = field(init=False)
    """provision_id -> its text revisions, oldest first."""
    releases: list[dict[str, Any]] = field(default_factory=list)
    release_files: list[dict[str, Any]] = field(default_factory=list)
    changes: list[ChangeRecord] = field(default_factory=list)
    pending: dict[tuple[str, str, str | None], ChangeRecord] = field(default_factory=dict)
    """Changes since the last release, by (table, row, field); field None for an added row.
    Added provisions are not here (see ``provisions_added``)."""
    in_document_order: list[ProvisionRecord] = field(default_factory=list)
    """The provisions in position order (the first is at position 1), once ``recommendations.finish`` has ordered them."""
    provisions_added: int = 0
    """Provisions added since the last release. Their "added" changes are not stored: a million
    records would cost ~400 MB. Each is derived when the changes are written, from the provision
    (``event_seq``) and its text at the release (``history.added_provisions``)."""
    events_since_release: int = 0
    """Events since the last release that may change the data (a DOI recorded for a release does not)."""
    dois: dict[str, tuple[str, int]] = field(default_factory=dict)
    release_format: int = 1
    """The format of the next release (the last ReleaseFormatAdopted event's; 1 before any)."""
    release_formats: dict[str, int] = field(default_factory=dict)
    """version -> the format it was published in."""
    """version -> its DOI and the ReleaseDoiRecorded event that recorded it."""
    vocabularies: dict[str, dict[str, Any]] = field(default_factory=dict)
    """vocabulary code -> its definition (the latest VocabularyDefined event)."""
    annotations: dict[tuple[str, str], Any] = field(default_factory=dict)
    """(kind, provision_id) -> the current annotations of that kind (``annotations.AnnotationEntry``)."""
    reviews: dict[tuple[str, str], Any] = field(default_factory=dict)
    """(kind, provision_id) -> the latest review of its annotations of that kind (``annotations.ReviewEntry``)."""
    parallel_texts: dict[str, dict[str, Any]] = field(default_factory=dict)
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)
    """quality_id (kind/source) -> the latest measurement of that kind's annotations (``annotation_quality``)."""

    def __post_init__(self) -> None:
        self.texts = TextRevisions(self.provisions)

    def released_seq(self) -> int:
        """The sequence number of the last release (0 before the first)."""
        return self.releases[-1]["event_seq"] if self.releases else 0

    def positions_of(self, provision_ids: set[str]) -> dict[str, int]:
        """The positions of some provisions (those that footnotes or annotations point at): one pass
        over the document order, rather than a position held by every provision."""
        return {p.provision_id: i for i, p in enumerate(self.in_document_order, 1) if p.provision_id in provision_ids}

    def dataset_version(self) -> DatasetVersion:
        """The version a build of this state is: the last release, or a build after it that says so."""
        if not self.releases:
            return DatasetVersion(f"0.0.0+unreleased.{self.events_since_release}", None)
        last = self.releases[-1]
        if self.events_since_release:
            return DatasetVersion(f"{last['version']}+unreleased.{self.events_since_release}", None)
        doi = self.dois.get(last["version"])
        return DatasetVersion(last["version"], last["published_on"], last["digest"] or None, doi[0] if doi else None)


def record_added(state: State, table: str, row_id: str, value: str | None) -> None:
    state.pending[(table, row_id, None)] = ChangeRecord(table_name=table, row_id=row_id, change="added", field=None, old_value=None, new_value=value, event_seq=state.seq)


def record_provision_added(state: State) -> None:
    state.provisions_added += 1


def record_changed(state: State, table: str, row_id: str, column: str, old: str | None, new: str | None) -> None:
    if table == "provisions" and state.provisions[row_id].event_seq > state.released_seq():
        return  # added and changed before any release: the release adds it as it then reads (its text then)
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
    state.pending[(table, row_id, "")] = ChangeRecord(table_name=table, row_id=row_id, change="removed", field=None, old_value=value, new_value=None, event_seq=state.seq)


@functools.lru_cache(maxsize=4096)  # a log has few distinct recording times; strftime per event is not free
def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_row(le: LoggedEvent) -> dict[str, Any]:
    e, s = le.event, le.event.source
    return dict(
        seq=e.seq,
        type=e.type,
        schema_version=e.schema_version,
        occurred_start=e.occurred.start,
        occurred_end=e.occurred.end,
        recorded_at=utc_text(e.recorded_at),
        source_document=s.document if s else None,
        source_section=s.section if s else None,
        source_paragraph=s.paragraph if s else None,
        source_line=s.line if s else None,
        prev=e.prev,
        hash=le.hash,
        file=le.path,
        file_line=le.line,
        data=le.data_json,
    )
