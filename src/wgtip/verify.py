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
   ``datapackage.json``, and as a fresh fold of the log makes it.

The log is streamed, as the build streams it: one pass checks 1 to 3 and
hashes the fresh package, one pass up to each release checks it. Memory holds
the fold's state, never the log.

The chain alone cannot reveal an edit of the *last* event (nothing after it
records its hash); the append-only check and a release's recorded chain head
cover that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import orjson

from .errors import WgtipError
from .events import BY_NAME, ReleasePublished, SourceDocumentRegistered, schema_path
from .folded import Folded, fold_checked
from .log import LogError, LoggedEvent, iter_log
from .package_hashes import fold_hashes, package_hashes
from .paths import DESCRIPTOR
from .release import ReleaseError, check, file_sha256, release_layout, until_release
from .schema_validator import PublishedSchema
from .tables import current_layout
from .upcast import upcast


class VerifyError(WgtipError):
    """The first thing found wrong: one line, naming where."""


@dataclass
class Verified:
    events: int
    head: str
    releases: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


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
        self.root, self.lines, self.error = root, {}, None
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
        if self.missing or self.error:
            raise self.missing or self.error


@dataclass
class LogScan:
    """What one pass over the log found besides the fold: the events' count and head, the first
    problem of the log itself, the source documents and releases it registers (a few events)."""

    events: int = 0
    head: str = ""
    log_error: LogError | None = None
    sources: list[LoggedEvent] = field(default_factory=list)
    releases: list[LoggedEvent] = field(default_factory=list)


def scanned(events: Iterator[LoggedEvent], scan: LogScan, schemas: SchemaCheck) -> Iterator[LoggedEvent]:
    """The events, passed on to the fold, each checked against its schema and noted on the way."""
    try:
        for le in events:
            scan.events, scan.head = scan.events + 1, le.hash
            schemas.check(le)
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
    for le in registered:
        d = le.event.data
        path = root / d.path
        if not path.is_file():
            raise VerifyError(f"{d.path}: (file): missing; registered by event {le.seq} ({le.path}:{le.line})")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != d.sha256:
            raise VerifyError(f"{d.path}: (file): SHA-256 {actual[:12]}… differs from {d.sha256[:12]}…, registered by event {le.seq} ({le.path}:{le.line})")


def check_releases(root: Path, released: list[LoggedEvent]) -> list[str]:
    """Rebuild every release from the log up to it (hashed, not written) and compare with what it recorded."""
    versions = []
    for le in released:
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
    fresh = package_hashes(folded)
    for rel, (_, sha) in sorted(fresh.items(), key=lambda kv: kv[0] == DESCRIPTOR):
        if not (root / rel).is_file() or file_sha256(root / rel) != sha:
            raise VerifyError(f"{rel}: (file): differs from a fresh fold of the log (run: wgtip build)")


def verify(root: Path) -> Verified:
    """The checks in the order of the module's list, in one pass over the log for the first three
    (and the data package's hashes) and one pass up to each release: memory holds the fold's
    state, never the log. A later kind of problem found earlier in the log waits until the
    pass shows there is none of an earlier kind."""
    scan, schemas = LogScan(), SchemaCheck(root)
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
    check_sources(root, scan.sources)
    releases = check_releases(root, scan.releases)
    check_package(root, folded)
    checks = ["hash chain and sequence", "event models", "published schemas", "references", "source documents", "release hashes", "data package"]
    return Verified(scan.events, scan.head, releases, checks)
