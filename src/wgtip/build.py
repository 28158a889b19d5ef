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

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import release as rel
from .archive import write_zip
from .events import ReleasePublished
from .fold import FoldError, fold_versioned
from .log import LogError, LoggedEvent, read_log
from .search import write_index as write_search_index
from .tables import Row
from .views import write_views
from .writers.duckdb import write_duckdb
from .writers.package import DATA_DIR, DESCRIPTOR, current_layout, package_files, write_package
from .writers.sqlite import write_sqlite

BUILD_DIR = "build"
SQLITE_NAME = "wgtip.sqlite"
DUCKDB_NAME = "wgtip.duckdb"
RELEASES_DIR = "releases"


@dataclass(frozen=True)
class Built:
    events: int
    tables: dict[str, int]
    version: str
    outputs: tuple[Path, ...]


def locate(err: FoldError, events: list[LoggedEvent]) -> LogError:
    """Turn a fold error (which knows only the sequence number) into one naming the file and line."""
    le = events[err.seq - 1]
    return LogError(le.path, le.line, err.field, f"{err.message} ({le.event.type}, seq {err.seq})")


def fold_log(root: Path) -> tuple[list[LoggedEvent], dict[str, list[Row]], str]:
    events = read_log(root)
    try:
        tables, version = fold_versioned(events)
    except FoldError as err:
        raise locate(err, events) from None
    return events, tables, version.version


def build(root: Path, release: str | None = None) -> Built:
    if release is not None:
        return build_release(root, release)
    events, tables, version = fold_log(root)
    if events and isinstance(events[-1].event, ReleasePublished):
        # the head is a release: what we are about to commit must be what it recorded
        rel.check(events[-1].event, package_files(tables, version, layout=rel.layout_of(events[-1].event)), rel.layout_of(events[-1].event))
    files = package_files(tables, version, layout=current_layout())
    out_dir = root / BUILD_DIR
    out_dir.mkdir(exist_ok=True)
    with _scratch(out_dir) as tmp:
        write_package(files, tmp / "package")
        write_sqlite(tables, tmp / SQLITE_NAME, extras=(write_search_index, write_views))
        write_duckdb(tmp / "package" / DATA_DIR, tmp / DUCKDB_NAME)
        (root / DATA_DIR).mkdir(exist_ok=True)
        # the descriptor last, so it never points at files that are not there yet
        for relpath in sorted(files, key=lambda r: r == DESCRIPTOR):
            os.replace(tmp / "package" / relpath, root / relpath)
        for name in (SQLITE_NAME, DUCKDB_NAME):
            os.replace(tmp / name, out_dir / name)
    return Built(len(events), {k: len(v) for k, v in tables.items()}, version, (root / DESCRIPTOR, out_dir / SQLITE_NAME, out_dir / DUCKDB_NAME))


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
        write_sqlite({k: v for k, v in package.tables.items() if k in layout}, out / names["sqlite"])
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
