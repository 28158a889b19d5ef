"""The fold of the log, streamed: every table, batch by batch, into a sink of the caller's; or the
few rows a command keeps.

``fold_tables`` folds the events as they are read and hands each table's rows to a sink (the
build's CSV files and databases, a digest of the CSV, or ``fold_kept``'s filter), so memory holds
the fold's state, never the log. ``fold_kept`` is what the commands read the log through: the
rows they ask for, every table's row count, the dataset version and the last event.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .citation import DatasetVersion
from .events import ReleasePublished
from .fold import Folder, FoldError, State, fold_versioned
from .log import LogError, LoggedEvent, read_log
from .paths import DATA_DIR
from .tables import TABLES, AnnotationQuality, Layout, Row, SourceDocument, VocabularyTerm, columns, current_layout, name_of
from .tables import Event as EventRow

BATCH = 5_000  # rows per write: big enough for executemany and the csv module, small in memory (a batch of events is ~5 MB of text)

Hashes = dict[str, tuple[int, str]]
"""A package file's path -> its size in bytes and its SHA-256: what a release's check needs, so that
a package streamed to disk is checked without reading its files back."""


def locate(err: FoldError, events: list[LoggedEvent]) -> LogError:
    """Turn a fold error (which knows only the sequence number) into one naming the file and line."""
    return err.at(events[err.seq - 1])


def fold_log(root: Path) -> tuple[list[LoggedEvent], dict[str, list[Row]], str]:
    events = read_log(root)
    try:
        tables, version = fold_versioned(events)
    except FoldError as err:
        raise locate(err, events) from None
    return events, tables, version.version


def folded_events(events: Iterable[LoggedEvent], folder: Folder, head: list[LoggedEvent]) -> Iterator[Row]:
    """The ``events`` rows, folding each event on the way; ``head`` keeps the last event."""
    for le in events:
        try:
            row = folder.apply(le)
        except FoldError as err:
            raise err.at(le) from err  # the cause keeps the fold's own wording (make_release words a draft's problem with it)
        head[:] = [le]
        yield row


def batched(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch


@dataclass(frozen=True)
class Folded:
    """What ``fold_tables`` made: each table's CSV (size, SHA-256) and row count, in the layout it chose."""

    stats: dict[str, tuple[int, str]]
    counts: dict[str, int]
    dataset: DatasetVersion
    source_documents: list[Row]
    head: LoggedEvent | None
    layout: Layout
    release_format: int = 1
    """The release format this package is laid out in (``events.RELEASE_FORMATS``)."""
    vocabulary_terms: list[Row] = field(default_factory=list)
    """The rows of ``vocabulary_terms``: the categories of the coded columns in the descriptor."""
    quality: tuple[dict[str, Any], ...] = ()
    """The rows of ``annotation_quality`` (a few), by column name: what the v2 descriptor says of the annotations' quality."""

    @property
    def version(self) -> str:
        return self.dataset.version

    def csv_hashes(self) -> Hashes:
        """The CSV files' sizes and SHA-256s, by path in the package (what a release records)."""
        return {f"{DATA_DIR}/{name}.csv": stat for name, stat in self.stats.items()}


class TableSink(Protocol):
    """Where ``fold_tables`` puts one table's rows: ``close`` gives its CSV's size and SHA-256."""

    def write(self, rows: list[Row]) -> None: ...
    def close(self) -> tuple[int, str]: ...


def fold_tables(
    events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout], sink_for: Callable[[Any, list[str]], TableSink], on_state: Callable[[State], None] | None = None
) -> Folded:
    """Fold ``events`` and put every table, batch by batch, in ``sink_for(model, columns)``. The log
    tables take today's columns; the other tables take ``layout_after(last event)``'s (a release's
    own), and a table it leaves out is folded but not put anywhere. ``on_state`` sees the fold's
    state once every event is applied, before the tables are made from it (for what the state
    holds besides tables). The fold's state is freed on return."""
    folder = Folder()
    head: list[LoggedEvent] = []
    stats, counts = {}, {}
    tables: dict[str, Iterable[Row]] = {}  # the other tables, once the events are folded
    layout = current_layout()
    for model in TABLES:
        name = name_of(model)
        rows = folded_events(events, folder, head) if model is EventRow else tables[name]
        if name not in layout:
            deque(rows, maxlen=0)  # consumed all the same: the tables are made in order
            continue
        sink = sink_for(model, layout[name])
        counts[name] = 0
        for batch in batched(rows):
            sink.write(batch)
            counts[name] += len(batch)
        stats[name] = sink.close()
        if model is EventRow:
            layout = layout_after(head[0] if head else None)
            if on_state is not None:
                on_state(folder.state)
            release_format = _format_at(folder.state, head[0] if head else None)
            tables, dataset_version = folder.finish()
            documents = tables[name_of(SourceDocument)] = list(tables[name_of(SourceDocument)])  # a few rows, read twice
            terms = tables[name_of(VocabularyTerm)] = list(tables[name_of(VocabularyTerm)])  # the descriptor's categories
            quality_rows = tables[name_of(AnnotationQuality)] = list(tables[name_of(AnnotationQuality)])  # likewise
    quality = tuple(dict(zip((c.name for c in columns(AnnotationQuality)), r, strict=True)) for r in quality_rows)
    return Folded(stats, counts, dataset_version, documents, head[0] if head else None, layout, release_format, terms, quality)


def _format_at(state: State, head: LoggedEvent | None) -> int:
    """The release format of the package folded: the format a release at the head was published in,
    else the format the next release will have."""
    if head is not None and isinstance(head.event, ReleasePublished):
        return state.release_formats[head.event.data.version]
    return state.release_format


T = TypeVar("T")


def fold_checked(events: Iterable[LoggedEvent], fold: Callable[[Iterator[LoggedEvent]], T]) -> T:
    """``fold(events)``, with the problems named in the order reading the whole log first would
    name them: after a reference the fold refuses, the rest of the log is still read, and a
    problem of the log itself (a malformed line, a broken chain) found there comes first."""
    log_errors: list[LogError] = []

    def reading() -> Iterator[LoggedEvent]:
        try:
            yield from events
        except LogError as err:
            log_errors.append(err)
            raise

    rest = reading()
    try:
        return fold(rest)
    except LogError:
        if not log_errors:
            deque(rest, maxlen=0)  # raises the log's own problem, if it has one
        raise


Records = dict[str, list[dict[str, Any]]]
"""Rows as dicts by column name, by table name."""
Filter = Callable[[dict[str, Any]], bool]
"""Which of a table's rows (as a dict by column name) to keep."""


def keep_all(row: dict[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Kept:
    """What ``fold_kept`` kept of a fold: the rows its filters accepted, every table's row count,
    the dataset version and the last event."""

    rows: Records
    counts: dict[str, int]
    dataset: DatasetVersion
    head: LoggedEvent | None


class _KeptTable:
    """A table's rows, as dicts, those ``accept`` takes (none without it), with only the columns
    ``only`` names (every column without it); written nowhere."""

    def __init__(self, table: str, fields: list[str], accept: Filter | None, into: list[dict[str, Any]], only: Sequence[str] | None = None):
        unknown = [c for c in only or () if c not in fields]
        if unknown:
            raise ValueError(f"{table}: no column {', '.join(unknown)} to keep")
        self.fields, self.accept, self.into, self.only = fields, accept, into, only

    def write(self, rows: list[Row]) -> None:
        if self.accept is None:
            return
        kept = (d for d in (dict(zip(self.fields, r, strict=True)) for r in rows) if self.accept(d))
        self.into.extend(kept if self.only is None else ({c: d[c] for c in self.only} for d in kept))

    def close(self) -> tuple[int, str]:
        return 0, ""  # no file, so no hash: Kept does not pass these on


def fold_kept(events: Iterable[LoggedEvent], keep: Mapping[str, Filter], on_state: Callable[[State], None] | None = None, columns: Mapping[str, Sequence[str]] | None = None) -> Kept:
    """Fold ``events`` streamed and keep only the rows ``keep`` asks for (a filter per table;
    ``keep_all`` for every row): for the commands that need a few rows of a big log. Memory holds
    the fold's state and the kept rows, never the log. ``on_state``: as for ``fold_tables``.
    ``columns``: for a table named there, the only columns its kept rows hold (a command that keeps
    every provision but reads few of its columns: the rest, citations and joined texts, are most
    of a provision's bytes)."""
    rows: Records = {name: [] for name in keep}

    def sink_for(model: Any, fields: list[str]) -> TableSink:
        name = name_of(model)
        return _KeptTable(name, fields, keep.get(name), rows.get(name, []), (columns or {}).get(name))

    folded = fold_checked(events, lambda evs: fold_tables(evs, lambda head: current_layout(), sink_for, on_state))
    return Kept(rows, folded.counts, folded.dataset, folded.head)
