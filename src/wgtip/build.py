"""The build: log -> fold -> writers, into a temporary place, swapped in on success.

Nothing already built is touched until every output has been written: a bad
event stops the build with one line naming the file, the line, the field and
the problem, and the previous outputs stay as they were.

``build(root)`` builds the log as it is now into the repository (the
committed data package) and build/. ``build(root, release="X")`` rebuilds
release X from the log up to it (the rest is not read) into build/releases/X/
with its artefacts (zip, SQLite, DuckDB, SHA256SUMS), and fails if its data
differs from what the release recorded. Both stream the log through the same
outputs (``Outputs``): memory holds the fold's state, never the log.
"""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import tempfile
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence, TypeVar

from . import release as rel
from .archive import write_zip
from .citation import DatasetVersion
from .events import ReleasePublished
from .fold import Folder, FoldError, State, fold_versioned
from .indexes import write_indexes
from .log import LogError, LoggedEvent, iter_log, read_log
from . import search
from .tables import TABLES, Row, SourceDocument, name_of
from .tables import Event as EventRow
from .views import write_duckdb_views, write_views
from .writers.duckdb import DuckdbFile
from .writers.package import DATA_DIR, DESCRIPTOR, CsvDigest, CsvFile, Layout, current_layout, descriptor, descriptor_bytes, sources
from .writers.sqlite import SqliteProcess

BUILD_DIR = "build"
SQLITE_NAME = "wgtip.sqlite"
DUCKDB_NAME = "wgtip.duckdb"
RELEASES_DIR = "releases"
BATCH = 5_000  # rows per write: big enough for executemany and the csv module, small in memory (a batch of events is ~5 MB of text)


@dataclass(frozen=True)
class Built:
    events: int
    tables: dict[str, int]
    version: str
    outputs: tuple[Path, ...]


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


def build(root: Path, release: str | None = None) -> Built:
    """Build the log as it is now, or rebuild one release (``release``). Either way the log is
    streamed once: each batch of events is folded and handed to the SQLite writer (a second
    process, which writes events.csv too) as it is read, so memory holds the fold's state, never
    the log. Once every CSV is written and the state freed, DuckDB loads them in the background
    while the SQLite writer finishes."""
    # The fold keeps millions of long-lived records that hold no reference cycles; the cyclic
    # collector would rescan them again and again (a quarter of the fold's CPU at 10^5 events).
    # Reference counting still frees everything the build lets go of.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_current(root) if release is None else _build_release(root, release)
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Folded:
    """What ``fold_tables`` made: each table's CSV (size, SHA-256) and row count, in the layout it chose."""

    stats: dict[str, tuple[int, str]]
    counts: dict[str, int]
    dataset: DatasetVersion
    sources: list[dict[str, str]]
    head: LoggedEvent | None
    layout: Layout

    @property
    def version(self) -> str:
        return self.dataset.version

    def csv_hashes(self) -> rel.Hashes:
        """The CSV files' sizes and SHA-256s, by path in the package (what a release records)."""
        return {f"{DATA_DIR}/{name}.csv": stat for name, stat in self.stats.items()}

    def descriptor(self) -> bytes:
        """The package's datapackage.json."""
        return descriptor_bytes(descriptor(self.stats, self.version, {"sources": self.sources}, self.layout))

    def package_hashes(self) -> rel.Hashes:
        """Every file of the package, datapackage.json too."""
        return {**self.csv_hashes(), **rel.hashes_of({DESCRIPTOR: self.descriptor()})}


class TableSink(Protocol):
    """Where ``fold_tables`` puts one table's rows: ``close`` gives its CSV's size and SHA-256."""

    def write(self, rows: list[Row]) -> None: ...
    def close(self) -> tuple[int, str]: ...


def fold_tables(events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout],
                sink_for: Callable[[Any, list[str]], TableSink], on_state: Callable[[State], None] | None = None) -> Folded:
    """Fold ``events`` and put every table, batch by batch, in ``sink_for(model, columns)``. The log
    tables take today's columns; the other tables take ``layout_after(last event)``'s (a release's
    own), and a table it leaves out is folded but not put anywhere. ``on_state`` sees the fold's
    state once every event is applied, before the tables are made from it (for what the state
    holds besides tables). The fold's state is freed on return."""
    folder, head = Folder(), []
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
            tables, dataset_version = folder.finish()
            tables[name_of(SourceDocument)] = list(tables[name_of(SourceDocument)])  # a few rows, read twice
            srcs = sources(tables)
    return Folded(stats, counts, dataset_version, srcs, head[0] if head else None, layout)


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
        kept = (d for d in (dict(zip(self.fields, r)) for r in rows) if self.accept(d))
        self.into.extend(kept if self.only is None else ({c: d[c] for c in self.only} for d in kept))

    def close(self) -> tuple[int, str]:
        return 0, ""  # no file, so no hash: Kept does not pass these on


def fold_kept(events: Iterable[LoggedEvent], keep: Mapping[str, Filter], on_state: Callable[[State], None] | None = None,
              columns: Mapping[str, Sequence[str]] | None = None) -> Kept:
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


def fold_hashes(events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout]) -> Folded:
    """The package's CSV files as ``fold_tables`` makes them, hashed, written nowhere."""
    return fold_tables(events, layout_after, CsvDigest)


class _SentTable:
    """A table written to its CSV file (by this process; the events' by the SQLite writer's) and sent to the SQLite writer."""

    def __init__(self, db: SqliteProcess, model: Any, csv: CsvFile | None):
        self.db, self.model, self.csv = db, model, csv

    def write(self, rows: list[Row]) -> None:
        if self.csv:
            self.csv.write(rows)
        self.db.write(self.model, rows)

    def close(self) -> tuple[int, str]:
        self.db.write(self.model, [])  # an empty table is still created
        return self.csv.close() if self.csv else self.db.close_csv(name_of(self.model))


class Outputs:
    """The three outputs of a fold, written side by side into a scratch directory: the package's
    CSV files (``pkg``), the SQLite file (by a second process) and the DuckDB file (in a thread).
    ``fold`` streams the events through them; ``finish`` completes the databases; ``close`` stops
    both writers after a failure (the caller's scratch directory is then thrown away)."""

    def __init__(self, pkg: Path, sqlite: Path, duckdb: Path, indexes: tuple[search.SearchIndex, ...] = ()):
        self.pkg = pkg
        events = name_of(EventRow)  # its CSV is written by the SQLite writer's process (see SqliteProcess)
        self.db = SqliteProcess(sqlite, indexes=indexes, csv={events: (self.csv_path(events), current_layout()[events])})
        self.duck = DuckdbFile(duckdb)

    def csv_path(self, name: str) -> Path:
        return self.pkg / DATA_DIR / f"{name}.csv"

    def _sink(self, model: Any, fields: list[str]) -> TableSink:
        return _SentTable(self.db, model, None if model is EventRow else CsvFile(model, self.csv_path(name_of(model)), fields))

    def fold(self, events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout]) -> Folded:
        """``fold_tables`` into these outputs; then DuckDB loads the CSV files, in the background."""
        folded = fold_tables(events, layout_after, self._sink)
        # not while the fold's state is held (it is freed by now): DuckDB needs ~500 MB of its own,
        # which on top of the state would take a million events past 2 GB
        for model in TABLES:
            if name_of(model) in folded.stats:
                self.duck.load(model, self.csv_path(name_of(model)))
        return folded

    def write_descriptor(self, folded: Folded) -> rel.Hashes:
        """Write datapackage.json; return the hashes of every file of the package."""
        (self.pkg / DESCRIPTOR).write_bytes(folded.descriptor())
        return folded.package_hashes()

    def finish(self, extras: tuple[Callable, ...], duckdb_extras: tuple[Callable, ...] = ()) -> None:
        self.db.finish(extras=extras)
        self.duck.finish(extras=duckdb_extras)

    def close(self) -> None:
        self.db.close()
        self.duck.close()


def _build_current(root: Path) -> Built:
    out_dir = root / BUILD_DIR
    out_dir.mkdir(exist_ok=True)
    with _scratch(out_dir) as tmp:
        pkg = tmp / "package"
        outputs = Outputs(pkg, tmp / SQLITE_NAME, tmp / DUCKDB_NAME, indexes=(search.SearchIndex(),))
        try:
            folded = outputs.fold(iter_log(root), lambda head: current_layout())
            outputs.write_descriptor(folded)
            if folded.head and isinstance(folded.head.event, ReleasePublished):
                _check_head_release(root, folded.head.event, folded)
            # the indexes and the views (the search index grew with the fold)
            outputs.finish(extras=(write_indexes, write_views), duckdb_extras=(write_duckdb_views,))
        except BaseException:
            outputs.close()
            raise
        (root / DATA_DIR).mkdir(exist_ok=True)
        # the descriptor last, so it never points at files that are not there yet
        for relpath in [f"{DATA_DIR}/{name}.csv" for name in folded.stats] + [DESCRIPTOR]:
            os.replace(pkg / relpath, root / relpath)
        for name in (SQLITE_NAME, DUCKDB_NAME):
            os.replace(tmp / name, out_dir / name)
    return Built(folded.counts[name_of(EventRow)], folded.counts, folded.version, (root / DESCRIPTOR, out_dir / SQLITE_NAME, out_dir / DUCKDB_NAME))


def _check_head_release(root: Path, head: ReleasePublished, folded: Folded) -> None:
    """The head is a release: what we are about to commit must be what it recorded. With today's
    layout the files just written are what it recorded; with an older one, the log is folded
    again in that layout, hashed, not written."""
    released = rel.layout_of(head)
    if released != folded.layout:
        folded = fold_hashes(iter_log(root), lambda head: released)
    rel.check(head, folded.csv_hashes(), released)


def release_artefacts(version: str) -> dict[str, str]:
    """File names of a release's downloadable artefacts."""
    return {
        "zip": f"wgtip-recommendations-{version}.zip",
        "sqlite": f"wgtip-{version}.sqlite",
        "duckdb": f"wgtip-{version}.duckdb",
        "sums": "SHA256SUMS",
    }


def release_layout(version: str) -> Callable[[LoggedEvent | None], Layout]:
    """The layout of the release the fold stopped at (``rel.until_release`` stops there)."""
    def layout_after(head: LoggedEvent | None) -> Layout:
        assert head is not None and isinstance(head.event, ReleasePublished) and head.event.data.version == version
        layout = rel.layout_of(head.event)
        rel.missing_files(head.event, layout)
        return layout
    return layout_after


def _build_release(root: Path, version: str) -> Built:
    """Rebuild release ``version`` from the log up to it (the log after it is not read) into
    build/releases/VERSION/, streamed as the current build is, and checked against the hashes it
    recorded before anything is kept. Its SQLite file has the indexes, not the site's search
    index or views: it is a download, not what the site serves."""
    names = release_artefacts(version)
    target = root / BUILD_DIR / RELEASES_DIR / version
    target.parent.mkdir(parents=True, exist_ok=True)
    with _scratch(target.parent) as tmp:
        pkg, out = tmp / "package", tmp / "out"
        out.mkdir()
        outputs = Outputs(pkg, out / names["sqlite"], out / names["duckdb"])
        try:
            folded = outputs.fold(rel.until_release(iter_log(root), version), release_layout(version))
            hashes = outputs.write_descriptor(folded)
            rel.check(folded.head.event, hashes, folded.layout)
            files = {path: pkg / path for path in hashes}
            # zlib and SHA-256 work outside the GIL: the zip is made while the databases finish
            with ThreadPoolExecutor(max_workers=1) as pool:
                zipped = pool.submit(write_zip, files, out / names["zip"], f"wgtip-recommendations-{version}")
                outputs.finish(extras=(write_indexes,))
                zipped.result()
        except BaseException:
            outputs.close()
            raise
        sums = [(rel.file_sha256(out / n), n) for key, n in names.items() if key != "sums"]
        (out / names["sums"]).write_bytes(rel.sha256sums(sums))
        if target.exists():
            shutil.rmtree(target)
        os.replace(out, target)
    outputs = tuple(target / n for n in names.values())
    return Built(folded.head.seq, folded.counts, version, outputs)


class _scratch:
    """A temporary directory next to the outputs (same file system, so renames are atomic), always removed."""

    def __init__(self, parent: Path):
        self.parent = parent

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.parent))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
