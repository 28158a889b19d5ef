"""The build: log -> fold -> writers, into a temporary place, swapped in on success.

Nothing already built is touched until every output has been written: a bad
event stops the build with one line naming the file, the line, the field and
the problem, and the previous outputs stay as they were. The new outputs are
then swapped in as one unit, one build at a time per checkout (``swap``).

``build(root)`` builds the log as it is now into the repository (the
committed data package) and build/. ``build(root, release="X")`` rebuilds
release X from the log up to it (the rest is not read) into build/releases/X/
with the artefacts of its release format (zip, SQLite, DuckDB, SHA256SUMS; from
format 2 also the Parquet files and checkpoints.json), and fails if its data
differs from what the release recorded. Both stream the log through the same
outputs (``Outputs``): memory holds the fold's state, never the log.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import release as rel
from . import release_package, search
from .archive import write_zip
from .events import ReleasePublished
from .folded import Folded, Hashes, TableSink, fold_tables
from .indexes import write_indexes
from .log import LoggedEvent, iter_log, segment_files
from .metadata import Identifiers, identifiers
from .package_hashes import fold_hashes, package_descriptor, package_hashes
from .paths import BUILD_DIR, DATA_DIR, DESCRIPTOR, DUCKDB_NAME, PARQUET_DIR, RELEASES_DIR, SQLITE_NAME, release_artefacts
from .swap import outputs_lock, scratch, swap
from .tables import TABLES, Layout, Row, columns, current_layout, name_of
from .tables import Event as EventRow
from .views import write_duckdb_views, write_views
from .writers.described import from_descriptor
from .writers.duckdb import DuckdbFile, comment_tables
from .writers.package import CsvFile
from .writers.parquet import write_parquet
from .writers.sqlite import SqliteProcess


@dataclass(frozen=True)
class Built:
    events: int
    tables: dict[str, int]
    version: str
    outputs: tuple[Path, ...]


def build(root: Path, release: str | None = None) -> Built:
    """Build the log as it is now, or rebuild one release (``release``). Either way the log is
    streamed once: each batch of events is folded and handed to the SQLite writer (a second
    process, which writes events.csv too) as it is read, so memory holds the fold's state, never
    the log. Once every CSV is written and the state freed, DuckDB loads them in the background
    while the SQLite writer finishes."""
    # The fold keeps millions of long-lived records that hold no reference cycles; the cyclic
    # collector would rescan them again and again (a quarter of the fold's CPU at 10^5 events).
    # Reference counting still frees everything the build lets go of.
    segment_files(root)  # no log, or files outside its layout: refused before anything is written (the lock's build/ included)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_current(root) if release is None else _build_release(root, release)
    finally:
        if was_enabled:
            gc.enable()


class _SentTable:
    """A table written to its CSV file (by this process; the events' by the SQLite writer's) and sent to the SQLite writer."""

    def __init__(self, db: SqliteProcess, model: Any, csv: CsvFile | None, fields: list[str] | None = None):
        self.db, self.model, self.csv = db, model, csv
        if fields is not None and fields != [c.name for c in columns(model)]:
            db.set_fields(model, fields)  # a past release's layout: its SQLite file has the columns its CSV has

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
        return _SentTable(self.db, model, None if model is EventRow else CsvFile(model, self.csv_path(name_of(model)), fields), fields)

    def fold(self, events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout]) -> Folded:
        """``fold_tables`` into these outputs; then DuckDB loads the CSV files, in the background."""
        folded = fold_tables(events, layout_after, self._sink)
        # not while the fold's state is held (it is freed by now): DuckDB needs ~500 MB of its own,
        # which on top of the state would take a million events past 2 GB
        for model in TABLES:
            if name_of(model) in folded.stats:
                self.duck.load(model, self.csv_path(name_of(model)))
        return folded

    def write_descriptor(self, folded: Folded, ids: Identifiers | None = None) -> Hashes:
        """Write datapackage.json (v2 with ``ids`` for the current build; a release's own v1 without); return
        the hashes of every file of the package."""
        (self.pkg / DESCRIPTOR).write_bytes(package_descriptor(folded, ids))
        return package_hashes(folded, ids)

    def finish(self, extras: tuple[Callable, ...], duckdb_extras: tuple[Callable, ...] = ()) -> None:
        self.db.finish(extras=extras)
        self.duck.finish(extras=duckdb_extras)

    def close(self) -> None:
        self.db.close()
        self.duck.close()


def _build_current(root: Path) -> Built:
    """The log as it is now, into a scratch folder, then swapped in as one unit (``swap``), the
    checkout's lock held throughout: a build that read an older log cannot overwrite a newer one."""
    with outputs_lock(root), scratch(root / BUILD_DIR) as tmp:
        folded = write_generation(root, tmp)
        swap(root, generation_moves(tmp, folded))
    out_dir = root / BUILD_DIR
    return Built(folded.counts[name_of(EventRow)], folded.counts, folded.version, (root / DESCRIPTOR, out_dir / SQLITE_NAME, out_dir / DUCKDB_NAME))


def write_generation(root: Path, tmp: Path) -> Folded:
    """Every output of the log as it is now, written into ``tmp`` (``generation_moves`` says where
    each goes): the package under ``tmp/package/``, the databases beside it. A bad event stops it
    with its one line; nothing outside ``tmp`` is touched. ``wgtip verify`` compares ``build/``
    with what this writes."""
    outputs = Outputs(tmp / "package", tmp / SQLITE_NAME, tmp / DUCKDB_NAME, indexes=(search.SearchIndex(),))
    try:
        folded = outputs.fold(iter_log(root), lambda head: current_layout())
        outputs.write_descriptor(folded, identifiers(root))
        if folded.head and isinstance(folded.head.event, ReleasePublished):
            _check_head_release(root, folded.head.event, folded)
        # the indexes and the views (the search index grew with the fold)
        # and the self-describing parts: comments on the DuckDB file's tables, and the Parquet files
        described = from_descriptor(json.loads((tmp / "package" / DESCRIPTOR).read_bytes()))
        outputs.finish(
            extras=(write_indexes, write_views), duckdb_extras=(write_duckdb_views, lambda con: comment_tables(con, described), lambda con: write_parquet(con, tmp / PARQUET_DIR, described))
        )
    except BaseException:
        outputs.close()
        raise
    return folded


def generation_moves(tmp: Path, folded: Folded) -> list[tuple[Path, str]]:
    """Each file ``write_generation`` wrote, and where it goes (relative to the repository); the
    descriptor after the CSV files it describes."""
    package = [f"{DATA_DIR}/{name}.csv" for name in folded.stats] + [DESCRIPTOR]
    parquet = [(f, f"{BUILD_DIR}/{PARQUET_DIR}/{f.name}") for f in sorted((tmp / PARQUET_DIR).glob("*.parquet"))]
    return [(tmp / "package" / rel, rel) for rel in package] + [(tmp / name, f"{BUILD_DIR}/{name}") for name in (SQLITE_NAME, DUCKDB_NAME)] + parquet


def _check_head_release(root: Path, head: ReleasePublished, folded: Folded) -> None:
    """The head is a release: what we are about to commit must be what it recorded. With today's
    layout the files just written are what it recorded; with an older one, the log is folded
    again in that layout, hashed, not written."""
    released = rel.layout_of(head)
    if released != folded.layout:
        folded = fold_hashes(iter_log(root), lambda head: released)
    rel.check(head, folded.csv_hashes(), released)


def _build_release(root: Path, version: str) -> Built:
    """Rebuild release ``version`` from the log up to it (the log after it is not read) into
    build/releases/VERSION/, streamed as the current build is, and checked against the hashes it
    recorded before anything is kept. Its SQLite file has the indexes, not the site's search
    index or views: it is a download, not what the site serves. Its artefacts are those of the
    release format it was published in (``events.RELEASE_FORMATS``)."""
    target = root / BUILD_DIR / RELEASES_DIR / version
    with outputs_lock(root):
        target.parent.mkdir(parents=True, exist_ok=True)
        folded, names = _write_release(root, version, target)
    outputs = tuple(target / n for n in names.values())
    assert folded.head is not None  # the fold of a release ends at its ReleasePublished event (until_release)
    return Built(folded.head.seq, folded.counts, version, outputs)


def _write_release(root: Path, version: str, target: Path) -> tuple[Folded, dict[str, str]]:
    names = release_artefacts(version)  # the databases' names are those of every format
    with scratch(target.parent) as tmp:
        pkg, out = tmp / "package", tmp / "out"
        out.mkdir()
        outputs = Outputs(pkg, out / names["sqlite"], out / names["duckdb"])
        try:
            folded = outputs.fold(rel.until_release(iter_log(root), version), rel.release_layout(version))
            hashes = outputs.write_descriptor(folded)
            head = folded.head
            assert head is not None and isinstance(head.event, ReleasePublished)  # until_release ends at the release's event, or raises
            rel.check(head.event, hashes, folded.layout)
            names = release_artefacts(version, folded.release_format)
            duckdb_extras: tuple[Callable[[Any], object], ...]
            if folded.release_format == 1:
                files, folder, duckdb_extras = {path: pkg / path for path in hashes}, f"wgtip-recommendations-{version}", ()
            else:
                files, folder = _standalone_package(root, version, folded, pkg, hashes), ""
                described = from_descriptor(json.loads((pkg / DESCRIPTOR).read_bytes()))
                duckdb_extras = (lambda con: comment_tables(con, described), lambda con: write_parquet(con, tmp / PARQUET_DIR, described))
            # zlib and SHA-256 work outside the GIL: the zip is made while the databases finish
            with ThreadPoolExecutor(max_workers=1) as pool:
                zipped = pool.submit(write_zip, files, out / names["zip"], folder)
                outputs.finish(extras=(write_indexes,), duckdb_extras=duckdb_extras)
                zipped.result()
        except BaseException:
            outputs.close()
            raise
        if "parquet" in names:
            write_zip({p.name: p for p in sorted((tmp / PARQUET_DIR).glob("*.parquet"))}, out / names["parquet"])
            (out / names["checkpoints"]).write_bytes((pkg / names["checkpoints"]).read_bytes())
        sums = [(rel.file_sha256(out / n), n) for key, n in names.items() if key != "sums"]
        (out / names["sums"]).write_bytes(rel.sha256sums(sums))
        if target.exists():
            os.replace(target, tmp / "old")  # removed with the scratch folder
        os.replace(out, target)
    return folded, names


def _standalone_package(root: Path, version: str, folded: Folded, pkg: Path, hashes: Hashes) -> dict[str, Path]:
    """Release format 2: the package's files and, beside them in ``pkg``, what makes the zip a
    standalone package (``release_package``) and its SHA256SUMS; every file, by path in the zip."""
    extras = release_package.package_files(root, version, folded)
    for path, data in extras.items():
        (pkg / path).parent.mkdir(parents=True, exist_ok=True)
        (pkg / path).write_bytes(data)
    shas = {path: sha for path, (_, sha) in hashes.items()} | {path: hashlib.sha256(data).hexdigest() for path, data in extras.items()}
    (pkg / release_package.SUMS).write_bytes(release_package.sums_file(shas))
    return {path: pkg / path for path in [*shas, release_package.SUMS]}
