"""``wgtip verify``: re-check everything a citation relies on, and name the first thing that is wrong.

In order, stopping at the first problem:

1. the log: every segment readable, every event valid for its model, the
   sequence 1..N and the hash chain (``log.iter_log``);
2. every event against its published JSON Schema in ``schema/events/`` (a
   second, independent validator, so the published schemas are known to
   describe the log they come with; ``schema_validator``);
3. every reference between events (``fold``: meetings held before they are
   cited, provisions that exist, a release naming the chain head before it, …);
4. every registered source document: its SHA-256 as registered;
5. every release: rebuilt from the log up to its event, each data file's
   SHA-256 and the digest must be the ones the release recorded
   (``package_hashes.fold_hashes``: the files are hashed as they are made, not written);
6. the committed data package: each file's SHA-256 as recorded in
   ``datapackage.json``, and as a fresh fold of the log makes it;
7. the outputs in ``build/``, if built: the SQLite file byte for byte as a fresh
   build writes it, the DuckDB file by content (a DuckDB file is never
   byte-identical: it stores a random database id).

Published outside the log, and checked between 3 and 4: the checkpoints of
``--checkpoints FILE|URL`` (``checkpoints``: the local log must hold every
published head at its seq), and the signed release tags where
``allowed_signers`` lists a key (``tags``). What could not be checked (no
``build/``, no key, tags not fetched) is said, not passed over.

The log is streamed, as the build streams it: one pass checks 1 to 3 and
hashes the fresh package, one pass up to each release checks it. Memory holds
the fold's state, never the log.

The chain alone cannot reveal an edit of the *last* event (nothing after it
records its hash), nor a history rewritten and re-chained from an early event
on: the append-only check against what was published, the published
checkpoints and the signed tags cover those.

The checkout's lock is held throughout (``swap``): a build cannot swap its
outputs in while they are checked, and a swap a killed build left committed is
completed first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from . import checkpoints as cp
from .build import generation_moves, write_generation
from .errors import WgtipError
from .events import BY_NAME, ReleasePublished, SourceDocumentRegistered, schema_path
from .folded import Folded, fold_checked
from .log import LogError, LoggedEvent, iter_log, segment_files
from .metadata import identifiers
from .package_hashes import fold_hashes, package_hashes
from .paths import BUILD_DIR, DESCRIPTOR, DUCKDB_NAME, SQLITE_NAME
from .release import ReleaseError, check, file_sha256, release_layout, until_release
from .schema_validator import PublishedSchema
from .swap import outputs_lock, scratch
from .tables import current_layout
from .tags import check_tags
from .upcast import upcast
from .writers.duckdb import content_difference


class VerifyError(WgtipError):
    """The first thing found wrong: one line, naming where."""


@dataclass
class Verified:
    events: int
    head: str
    releases: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)


def _published_schemas(root: Path) -> dict[str, PublishedSchema]:
    schemas = {}
    for name, cls in BY_NAME.items():
        path = root / schema_path(cls)
        if not path.is_file():
            raise VerifyError(f"{schema_path(cls)}: (file): the published schema of {name} is missing (run: wgtip schema)")
        try:
            schemas[name] = PublishedSchema(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as err:
            raise VerifyError(f"{schema_path(cls)}: (schema): {err}") from None
    return schemas


class SchemaCheck:
    """Each event against its published JSON Schema, one event at a time (the first mismatch is kept)."""

    def __init__(self, root: Path):
        self.root = root
        self.lines: dict[str, list[bytes]] = {}
        self.error: VerifyError | None = None
        try:
            self.schemas, self.missing = _published_schemas(root), None
        except VerifyError as err:
            self.schemas, self.missing = {}, err

    def check(self, le: LoggedEvent) -> None:
        if self.missing or self.error:
            return
        if le.path not in self.lines:
            self.lines = {le.path: (self.root / le.path).read_bytes().split(b"\n")}  # one segment at a time
        error = self.schemas[le.event.type].first_error(upcast(orjson.loads(self.lines[le.path][le.line - 1])))
        if error is not None:
            where, message = error
            self.error = VerifyError(f"{le.path}:{le.line}: {where}: does not match {schema_path(BY_NAME[le.event.type])}: {message}")

    def raise_first(self) -> None:
        error = self.missing or self.error
        if error:
            raise error


@dataclass
class LogScan:
    """What one pass over the log found besides the fold: the events' count and head, the first
    problem of the log itself, the source documents and releases it registers (a few events)."""

    events: int = 0
    head: str = ""
    log_error: LogError | None = None
    sources: list[LoggedEvent] = field(default_factory=list)
    releases: list[LoggedEvent] = field(default_factory=list)
    wanted: set[int] = field(default_factory=set)
    """The seqs of published checkpoints, whose events are kept in ``at``."""
    at: dict[int, LoggedEvent] = field(default_factory=dict)


def scanned(events: Iterator[LoggedEvent], scan: LogScan, schemas: SchemaCheck) -> Iterator[LoggedEvent]:
    """The events, passed on to the fold, each checked against its schema and noted on the way."""
    try:
        for le in events:
            scan.events, scan.head = scan.events + 1, le.hash
            schemas.check(le)
            if le.seq in scan.wanted:
                scan.at[le.seq] = le
            if isinstance(le.event, SourceDocumentRegistered):
                scan.sources.append(le)
            elif isinstance(le.event, ReleasePublished):
                scan.releases.append(le)
            yield le
    except LogError as err:
        scan.log_error = err
        raise


def check_sources(root: Path, registered: list[LoggedEvent]) -> None:
    """Each registered source document is in the repository with the SHA-256 it was registered with."""
    inside = root.resolve()
    for le in registered:
        d = le.event.data
        path = root / d.path
        if not path.is_file():
            raise VerifyError(f"{d.path}: (file): missing; registered by event {le.seq} ({le.path}:{le.line})")
        if not path.resolve().is_relative_to(inside):
            # the event's path is inside (the model checks it); a symbolic link on the way leads out
            raise VerifyError(f"{d.path}: (file): leads outside the repository (through a symbolic link); registered by event {le.seq} ({le.path}:{le.line})")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != d.sha256:
            raise VerifyError(f"{d.path}: (file): SHA-256 {actual[:12]}… differs from {d.sha256[:12]}…, registered by event {le.seq} ({le.path}:{le.line})")


def check_releases(root: Path, released: list[LoggedEvent]) -> list[str]:
    """Rebuild every release from the log up to it (hashed, not written) and compare with what it recorded."""
    versions = []
    for le in released:
        assert isinstance(le.event, ReleasePublished)  # LogScan lists only ReleasePublished events as releases
        version = le.event.data.version
        try:
            folded = fold_hashes(until_release(iter_log(root), version), release_layout(version))
            check(le.event, folded.csv_hashes(), folded.layout)
        except (ReleaseError, LogError) as err:
            raise VerifyError(f"{le.path}:{le.line}: data.files: {err}") from None
        versions.append(version)
    return versions


def check_package(root: Path, folded: Folded) -> None:
    desc_path = root / DESCRIPTOR
    if not desc_path.is_file():
        raise VerifyError(f"{DESCRIPTOR}: (file): missing (run: wgtip build)")
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    for res in desc.get("resources", []):
        path = root / res["path"]
        if not path.is_file():
            raise VerifyError(f"{res['path']}: (file): named in {DESCRIPTOR} but missing")
        actual = "sha256:" + file_sha256(path)
        if actual != res.get("hash"):
            raise VerifyError(f"{res['path']}: (file): SHA-256 {actual[7:19]}… differs from the hash recorded in {DESCRIPTOR} ({str(res.get('hash'))[7:19]}…)")
    fresh = package_hashes(folded, identifiers(root))
    for rel, (_, sha) in sorted(fresh.items(), key=lambda kv: kv[0] == DESCRIPTOR):
        if not (root / rel).is_file() or file_sha256(root / rel) != sha:
            raise VerifyError(f"{rel}: (file): differs from a fresh fold of the log (run: wgtip build)")


def check_published(root: Path, scan: LogScan, published: dict[str, list[cp.Checkpoint]], result: Verified) -> None:
    """The log holds every published checkpoint, and every signed release tag present."""
    local = cp.of_releases(root, scan.releases)
    by_seq = {c.seq: c for c in local}
    for source, checkpoints in published.items():
        lookup = {seq: (le, by_seq.get(seq)) for seq, le in scan.at.items()}
        try:
            cp.compare(checkpoints, lookup, scan.events, source)
        except cp.CheckpointError as err:
            raise VerifyError(str(err)) from None
    if published:
        result.checks.append("published checkpoints")
    tags = check_tags(root, {c.version: c for c in local})
    if tags.checked:
        result.checks.append("signed release tags")
    if tags.not_checked:
        result.not_checked.append(tags.not_checked)


def check_outputs(root: Path, result: Verified) -> None:
    """build/ is what a fresh build writes: SQLite byte for byte, DuckDB by content."""
    sqlite, duck = root / BUILD_DIR / SQLITE_NAME, root / BUILD_DIR / DUCKDB_NAME
    if not sqlite.exists() and not duck.exists():
        result.not_checked.append(f"{BUILD_DIR}/: not built here")
        return
    for path, other in ((sqlite, duck), (duck, sqlite)):
        if not path.is_file():
            raise VerifyError(f"{BUILD_DIR}/{path.name}: (file): missing beside {BUILD_DIR}/{other.name}: an incomplete build (run: wgtip build)")
    with scratch(root / BUILD_DIR) as tmp:
        folded = write_generation(root, tmp)
        fresh = {rel: src for src, rel in generation_moves(tmp, folded)}
        if file_sha256(sqlite) != file_sha256(fresh[f"{BUILD_DIR}/{SQLITE_NAME}"]):
            raise VerifyError(f"{BUILD_DIR}/{SQLITE_NAME}: (file): differs from a fresh build of the log (run: wgtip build)")
        differs = content_difference(duck, fresh[f"{BUILD_DIR}/{DUCKDB_NAME}"])
        if differs:
            raise VerifyError(f"{BUILD_DIR}/{DUCKDB_NAME}: {differs}: differs from a fresh build of the log (run: wgtip build)")
    result.checks.append("build outputs")


def verify(root: Path, checkpoints: tuple[str, ...] = ()) -> Verified:
    """The checks in the order of the module's list, in one pass over the log for the first three
    (and the data package's hashes) and one pass up to each release: memory holds the fold's
    state, never the log. A later kind of problem found earlier in the log waits until the
    pass shows there is none of an earlier kind. ``checkpoints``: files or http(s) addresses of
    published checkpoints the log must hold."""
    published = {source: cp.load(source) for source in checkpoints}
    try:
        segment_files(root)  # no log: refused before the lock's build/ is made
    except LogError as err:
        raise VerifyError(str(err)) from None
    with outputs_lock(root, required=False):
        scan, schemas = LogScan(wanted={c.seq for cps in published.values() for c in cps}), SchemaCheck(root)
        events = scanned(iter_log(root), scan, schemas)
        folded, fold_error = None, None
        try:
            folded = fold_checked(events, lambda evs: fold_hashes(evs, lambda head: current_layout()))
        except LogError as err:
            if err is scan.log_error:
                raise VerifyError(str(err)) from None
            fold_error = err  # a reference the fold refused (the rest of the log was read): after the schemas
        if not scan.events:
            raise VerifyError("events/: (log): no events")
        schemas.raise_first()
        if fold_error is not None:
            raise VerifyError(str(fold_error)) from None
        result = Verified(scan.events, scan.head, checks=["hash chain and sequence", "event models", "published schemas", "references"])
        check_published(root, scan, published, result)
        check_sources(root, scan.sources)
        result.releases = check_releases(root, scan.releases)
        assert folded is not None  # the fold failed only with fold_error, raised above
        check_package(root, folded)
        result.checks += ["source documents", "release hashes", "data package"]
        check_outputs(root, result)
        return result
