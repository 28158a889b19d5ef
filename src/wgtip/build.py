"""The build: log -> fold -> writers, into a temporary place, swapped in on success.

Nothing already built is touched until every output has been written: a bad
event stops the build with one line naming the file, the line, the field and
the problem, and the previous outputs stay as they were.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .fold import Folder, FoldError
from .log import LogError, LoggedEvent, iter_log, read_log
from .tables import TABLES, Row, name_of
from .tables import Event as EventRow
from .writers.duckdb import DuckdbFile
from .writers.package import DATA_DIR, DESCRIPTOR, CsvFile, descriptor, descriptor_bytes, sources
from .writers.sqlite import SqliteFile

BUILD_DIR = "build"
SQLITE_NAME = "wgtip.sqlite"
DUCKDB_NAME = "wgtip.duckdb"
UNRELEASED = "0.0.0-unreleased"
BATCH = 5_000  # rows per write: big enough for executemany and the csv module, small in memory (a batch of events is ~5 MB of text)


@dataclass(frozen=True)
class Built:
    events: int
    tables: dict[str, int]
    version: str
    package: Path
    sqlite: Path
    duckdb: Path


def locate(err: FoldError, le: LoggedEvent) -> LogError:
    """Turn a fold error (which knows only the sequence number) into one naming the file and line."""
    return LogError(le.path, le.line, err.field, f"{err.message} ({le.event.type}, seq {err.seq})")


def fold_log(root: Path) -> tuple[list[LoggedEvent], dict[str, list[Row]]]:
    """The whole log and its tables, in memory (for tools and tests; the build streams)."""
    events = read_log(root)
    folder = Folder()
    rows = []
    for le in events:
        try:
            rows.append(folder.apply(le))
        except FoldError as err:
            raise locate(err, le) from None
    return events, {name_of(EventRow): rows, **folder.finish()}


def folded_events(root: Path, folder: Folder) -> Iterator[Row]:
    """The ``events`` rows, streamed from the log, folding each event on the way."""
    for le in iter_log(root):
        try:
            yield folder.apply(le)
        except FoldError as err:
            raise locate(err, le) from None


def batched(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch


def build(root: Path) -> Built:
    """Stream the log once: each batch of events is folded and written to events.csv and the
    SQLite file as it is read, so memory holds the fold's state, never the log. The other
    tables follow from the finished fold; DuckDB then loads the CSV files."""
    out_dir = root / BUILD_DIR
    out_dir.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out_dir))
    version = UNRELEASED
    try:
        db, duck = SqliteFile(tmp / SQLITE_NAME), DuckdbFile(tmp / DUCKDB_NAME)
        try:
            folder = Folder()
            stats, counts = {}, {}
            for model in TABLES:
                name = name_of(model)
                rows = folded_events(root, folder) if model is EventRow else tables[name]
                csv_path = tmp / "package" / DATA_DIR / f"{name}.csv"
                csv_file = CsvFile(model, csv_path)
                counts[name] = 0
                for batch in batched(rows):
                    csv_file.write(batch)
                    db.write(model, batch)
                    counts[name] += len(batch)
                db.write(model, [])  # an empty table is still created
                stats[name] = csv_file.close()
                duck.load(model, csv_path)  # in the background, while the next tables are written
                if model is EventRow:
                    tables = folder.finish()
                    srcs = sources(tables)
            del folder, tables  # the fold's state is written out: free it before the databases finish
            db.finish()
            duck.finish()
        except BaseException:
            db.close()
            duck.close()
            raise
        desc = descriptor(stats, version, {"sources": srcs})
        (tmp / "package" / DESCRIPTOR).write_bytes(descriptor_bytes(desc))
        _swap_in(root, tmp, [f"{DATA_DIR}/{name}.csv" for name in stats] + [DESCRIPTOR])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Built(counts[name_of(EventRow)], counts, version, root / DESCRIPTOR, out_dir / SQLITE_NAME, out_dir / DUCKDB_NAME)


def _swap_in(root: Path, tmp: Path, files: Iterable[str]) -> None:
    """Move the new outputs into place, each with an atomic rename; the descriptor last,
    so it never points at files that are not there yet."""
    (root / DATA_DIR).mkdir(exist_ok=True)
    for rel in sorted(files, key=lambda r: r == DESCRIPTOR):
        os.replace(tmp / "package" / rel, root / rel)
    for name in (SQLITE_NAME, DUCKDB_NAME):
        os.replace(tmp / name, root / BUILD_DIR / name)
