"""The build: log -> fold -> writers, into a temporary place, swapped in on success.

Nothing already built is touched until every output has been written: a bad
event stops the build with one line naming the file, the line, the field and
the problem, and the previous outputs stay as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .fold import FoldError, fold
from .log import LogError, LoggedEvent, read_log
from .search import write_index as write_search_index
from .tables import Row
from .writers.duckdb import write_duckdb
from .writers.package import DATA_DIR, DESCRIPTOR, package_files, write_package
from .writers.sqlite import write_sqlite

BUILD_DIR = "build"
SQLITE_NAME = "wgtip.sqlite"
DUCKDB_NAME = "wgtip.duckdb"
UNRELEASED = "0.0.0-unreleased"


@dataclass(frozen=True)
class Built:
    events: int
    tables: dict[str, int]
    version: str
    package: Path
    sqlite: Path
    duckdb: Path


def locate(err: FoldError, events: list[LoggedEvent]) -> LogError:
    """Turn a fold error (which knows only the sequence number) into one naming the file and line."""
    le = events[err.seq - 1]
    return LogError(le.path, le.line, err.field, f"{err.message} ({le.event.type}, seq {err.seq})")


def fold_log(root: Path) -> tuple[list[LoggedEvent], dict[str, list[Row]]]:
    events = read_log(root)
    try:
        return events, fold(events)
    except FoldError as err:
        raise locate(err, events) from None


def build(root: Path) -> Built:
    events, tables = fold_log(root)
    version = UNRELEASED
    files = package_files(tables, version)
    out_dir = root / BUILD_DIR
    out_dir.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out_dir))
    try:
        write_package(files, tmp / "package")
        write_sqlite(tables, tmp / SQLITE_NAME, extras=(write_search_index,))
        write_duckdb(tmp / "package" / DATA_DIR, tmp / DUCKDB_NAME)
        _swap_in(root, tmp, files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Built(len(events), {k: len(v) for k, v in tables.items()}, version, root / DESCRIPTOR, out_dir / SQLITE_NAME, out_dir / DUCKDB_NAME)


def _swap_in(root: Path, tmp: Path, files: dict[str, bytes]) -> None:
    """Move the new outputs into place, each with an atomic rename; the descriptor last,
    so it never points at files that are not there yet."""
    (root / DATA_DIR).mkdir(exist_ok=True)
    for rel in sorted(files, key=lambda r: r == DESCRIPTOR):
        os.replace(tmp / "package" / rel, root / rel)
    for name in (SQLITE_NAME, DUCKDB_NAME):
        os.replace(tmp / name, root / BUILD_DIR / name)
