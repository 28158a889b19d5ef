"""``wgtip verify``: re-check everything a citation relies on, and name the first thing that is wrong.

In order, stopping at the first problem:

1. the log: every segment readable, every event valid for its model, the
   sequence 1..N and the hash chain (``log.read_log``);
2. every event against its published JSON Schema in ``schema/events/`` (a
   second, independent validator, so the published schemas are known to
   describe the log they come with);
3. every reference between events (``fold``: meetings held before they are
   cited, provisions that exist, a release naming the chain head before it, …);
4. every registered source document: its SHA-256 as registered;
5. every release: rebuilt from the log up to its event, each data file's
   SHA-256 and the digest must be the ones the release recorded
   (``release.release_package``);
6. the committed data package: each file's SHA-256 as recorded in
   ``datapackage.json``, and the bytes of a fresh fold.

The chain alone cannot reveal an edit of the *last* event (nothing after it
records its hash); the append-only check and a release's recorded chain head
cover that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .build import locate
from .events import BY_NAME, ReleasePublished, SourceDocumentRegistered, schema_path
from .fold import FoldError, fold_versioned
from .log import LogError, LoggedEvent, read_log
from .release import ReleaseError, release_package
from .tables import Row
from .upcast import upcast
from .writers.package import DESCRIPTOR, current_layout, package_files


class VerifyError(Exception):
    """The first thing found wrong: one line, naming where."""


@dataclass
class Verified:
    events: int
    head: str
    releases: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def _published_schemas(root: Path) -> dict[str, object]:
    import jsonschema

    validators = {}
    for name, cls in BY_NAME.items():
        path = root / schema_path(cls)
        if not path.is_file():
            raise VerifyError(f"{schema_path(cls)}: (file): the published schema of {name} is missing (run: wgtip schema)")
        schema = json.loads(path.read_text(encoding="utf-8"))
        validators[name] = jsonschema.Draft202012Validator(schema)
    return validators


def check_published_schemas(root: Path, events: list[LoggedEvent]) -> None:
    validators = _published_schemas(root)
    lines: dict[str, list[bytes]] = {}
    for le in events:
        if le.path not in lines:
            lines = {le.path: (root / le.path).read_bytes().split(b"\n")}  # one segment at a time
        line = lines[le.path][le.line - 1]
        obj = upcast(orjson.loads(line))
        error = next(iter(sorted(validators[le.event.type].iter_errors(obj), key=lambda e: list(e.absolute_path))), None)
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "(event)"
            raise VerifyError(f"{le.path}:{le.line}: {where}: does not match {schema_path(BY_NAME[le.event.type])}: {error.message}")


def check_sources(root: Path, events: list[LoggedEvent]) -> None:
    """Each registered source document is in the repository with the SHA-256 it was registered with."""
    for le in events:
        if isinstance(le.event, SourceDocumentRegistered):
            d = le.event.data
            path = root / d.path
            if not path.is_file():
                raise VerifyError(f"{d.path}: (file): missing; registered by event {le.seq} ({le.path}:{le.line})")
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
            if actual != d.sha256:
                raise VerifyError(f"{d.path}: (file): SHA-256 {actual[:12]}… differs from {d.sha256[:12]}…, registered by event {le.seq} ({le.path}:{le.line})")


def check_releases(events: list[LoggedEvent]) -> list[str]:
    """Rebuild every release from the log and compare with what it recorded; return the versions."""
    versions = []
    for le in events:
        if isinstance(le.event, ReleasePublished):
            try:
                release_package(events, le.event.data.version)
            except (ReleaseError, LogError) as err:
                raise VerifyError(f"{le.path}:{le.line}: data.files: {err}") from None
            versions.append(le.event.data.version)
    return versions


def check_package(root: Path, tables: dict[str, list[Row]], version: str) -> None:
    desc_path = root / DESCRIPTOR
    if not desc_path.is_file():
        raise VerifyError(f"{DESCRIPTOR}: (file): missing (run: wgtip build)")
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    for res in desc.get("resources", []):
        path = root / res["path"]
        if not path.is_file():
            raise VerifyError(f"{res['path']}: (file): named in {DESCRIPTOR} but missing")
        actual = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != res.get("hash"):
            raise VerifyError(f"{res['path']}: (file): SHA-256 {actual[7:19]}… differs from the hash recorded in {DESCRIPTOR} ({str(res.get('hash'))[7:19]}…)")
    fresh = package_files(tables, version, layout=current_layout())
    for rel, data in sorted(fresh.items(), key=lambda kv: kv[0] == DESCRIPTOR):
        if (root / rel).read_bytes() != data:
            raise VerifyError(f"{rel}: (file): differs from a fresh fold of the log (run: wgtip build)")


def verify(root: Path) -> Verified:
    try:
        events = read_log(root)
    except LogError as err:
        raise VerifyError(str(err)) from None
    if not events:
        raise VerifyError("events/: (log): no events")
    check_published_schemas(root, events)
    try:
        tables, version = fold_versioned(events)
    except FoldError as err:
        raise VerifyError(str(locate(err, events))) from None
    check_sources(root, events)
    releases = check_releases(events)
    check_package(root, tables, version.version)
    checks = ["hash chain and sequence", "event models", "published schemas", "references", "source documents", "release hashes", "data package"]
    return Verified(len(events), events[-1].hash, releases, checks)
