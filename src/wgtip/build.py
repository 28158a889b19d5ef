"""The build: log -> fold -> writers, into a temporary place, swapped in on success.

Nothing already built is touched until every output has been written: a bad
event stops the build with one line naming the file, the line, the field and
the problem, and the previous outputs stay as they were.

``build(root)`` builds the log as it is now into the repository (the
committed data package) and build/. ``build(root, release="X")`` rebuilds
release X from the log into build/releases/X/ with its artefacts (zip,
SQLite, DuckDB, SHA256SUMS), and fails if its data differs from what the
release recorded.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from . import release as rel
from .archive import write_zip
from .events import ReleasePublished
from .fold import Folder, FoldError, fold_versioned
from .indexes import write_indexes
from .log import LogError, LoggedEvent, iter_log, read_log
from . import search
from .tables import TABLES, Row, SourceDocument, name_of
from .tables import Event as EventRow
from .views import write_views
from .writers.duckdb import DuckdbFile, write_duckdb
from .writers.package import DATA_DIR, DESCRIPTOR, CsvFile, Layout, current_layout, descriptor, descriptor_bytes, package_files, sources, write_package
from .writers.sqlite import SqliteProcess, write_sqlite

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


def folded_events(root: Path, folder: Folder, head: list[LoggedEvent]) -> Iterator[Row]:
    """The ``events`` rows, streamed from the log, folding each event on the way; ``head`` keeps the last event."""
    for le in iter_log(root):
        try:
            row = folder.apply(le)
        except FoldError as err:
            raise err.at(le) from None
        head[:] = [le]
        yield row


def batched(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch


def build(root: Path, release: str | None = None) -> Built:
    """Build the log as it is now. The log is streamed once: each batch of events is folded and
    handed to the SQLite writer (a second process, which writes events.csv too) as it is read, so
    memory holds the fold's state, never the log. Once every CSV is written and the state freed,
    DuckDB loads them in the background while the SQLite writer finishes."""
    if release is not None:
        return build_release(root, release)
    # The fold keeps millions of long-lived records that hold no reference cycles; the cyclic
    # collector would rescan them again and again (a quarter of the fold's CPU at 10^5 events).
    # Reference counting still frees everything the build lets go of.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_current(root)
    finally:
        if was_enabled:
            gc.enable()


def _build_current(root: Path) -> Built:
    layout = current_layout()
    out_dir = root / BUILD_DIR
    out_dir.mkdir(exist_ok=True)
    with _scratch(out_dir) as tmp:
        pkg = tmp / "package"
        def csv_path(name: str) -> Path:
            return pkg / DATA_DIR / f"{name}.csv"

        events = name_of(EventRow)  # its CSV is written by the SQLite writer's process (see SqliteProcess)
        db = SqliteProcess(tmp / SQLITE_NAME, indexes=(search.SearchIndex(),), csv={events: (csv_path(events), layout[events])})
        duck = DuckdbFile(tmp / DUCKDB_NAME)
        try:
            folder, head = Folder(), []
            stats, counts = {}, {}
            tables: dict[str, Iterable[Row]] = {}  # the other tables, once the events are folded
            written: list[tuple[type, Path]] = []
            for model in TABLES:
                name = name_of(model)
                rows = folded_events(root, folder, head) if model is EventRow else tables[name]
                csv_file = None if model is EventRow else CsvFile(model, csv_path(name), layout[name])
                counts[name] = 0
                for batch in batched(rows):
                    if csv_file:
                        csv_file.write(batch)
                    db.write(model, batch)
                    counts[name] += len(batch)
                db.write(model, [])  # an empty table is still created
                stats[name] = csv_file.close() if csv_file else db.close_csv(name)
                written.append((model, csv_path(name)))
                if model is EventRow:
                    tables, dataset_version = folder.finish()
                    tables[name_of(SourceDocument)] = list(tables[name_of(SourceDocument)])  # a few rows, read twice
                    srcs = sources(tables)
            version = dataset_version.version
            del folder, tables  # written out: free the fold's state before the databases finish
            rows = batch = None  # the last table's generator and batch hold on to the state too
            # DuckDB loads the CSV files now, in the background, not while the fold's state is held: it
            # needs ~500 MB of its own, which on top of the state would take a million events past 2 GB
            for model, path in written:
                duck.load(model, path)
            desc = descriptor(stats, version, {"sources": srcs}, layout)
            (pkg / DESCRIPTOR).write_bytes(descriptor_bytes(desc))
            if head and isinstance(head[0].event, ReleasePublished):
                _check_head_release(root, head[0].event, pkg, layout)
            db.finish(extras=(write_indexes, write_views))  # the indexes and the site's views (the search index grew with the fold)
            duck.finish()
        except BaseException:
            db.close()
            duck.close()
            raise
        (root / DATA_DIR).mkdir(exist_ok=True)
        # the descriptor last, so it never points at files that are not there yet
        for relpath in [f"{DATA_DIR}/{name}.csv" for name in stats] + [DESCRIPTOR]:
            os.replace(pkg / relpath, root / relpath)
        for name in (SQLITE_NAME, DUCKDB_NAME):
            os.replace(tmp / name, out_dir / name)
    return Built(counts[name_of(EventRow)], counts, version, (root / DESCRIPTOR, out_dir / SQLITE_NAME, out_dir / DUCKDB_NAME))


def _check_head_release(root: Path, head: ReleasePublished, pkg: Path, layout: Layout) -> None:
    """The head is a release: what we are about to commit must be what it recorded. With today's
    layout the files just written are what it recorded; with an older one, fold again in memory."""
    released = rel.layout_of(head)
    if released == layout:
        files = {p: (pkg / p).read_bytes() for p in rel.content_paths(layout)}
    else:
        _, tables, version = fold_log(root)
        files = package_files(tables, version, layout=released)
    rel.check(head, files, released)


def release_artefacts(version: str) -> dict[str, str]:
    """File names of a release's downloadable artefacts."""
    return {
        "zip": f"wgtip-recommendations-{version}.zip",
        "sqlite": f"wgtip-{version}.sqlite",
        "duckdb": f"wgtip-{version}.duckdb",
        "sums": "SHA256SUMS",
    }


def build_release(root: Path, version: str) -> Built:
    events = read_log(root)
    package = rel.release_package(events, version)
    names = release_artefacts(version)
    target = root / BUILD_DIR / RELEASES_DIR / version
    target.parent.mkdir(parents=True, exist_ok=True)
    with _scratch(target.parent) as tmp:
        stage, out = tmp / "stage", tmp / "out"
        out.mkdir()
        write_package(package.files, stage / "package")
        write_zip(package.files, out / names["zip"], folder=f"wgtip-recommendations-{version}")
        layout = rel.layout_of(package.event)
        write_sqlite({k: v for k, v in package.tables.items() if k in layout}, out / names["sqlite"], extras=(write_indexes,))
        write_duckdb(stage / "package" / DATA_DIR, out / names["duckdb"])
        sums = [(_sha256(out / n), n) for key, n in names.items() if key != "sums"]
        (out / names["sums"]).write_bytes(rel.sha256sums(sums))
        if target.exists():
            shutil.rmtree(target)
        os.replace(out, target)
    outputs = tuple(target / n for n in names.values())
    return Built(package.event.seq, {k: len(v) for k, v in package.tables.items()}, version, outputs)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _scratch:
    """A temporary directory next to the outputs (same file system, so renames are atomic), always removed."""

    def __init__(self, parent: Path):
        self.parent = parent

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.parent))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
