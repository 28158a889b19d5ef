"""Releases: fixing a version of the data by its content hashes, and rebuilding it later.

A release is a ``ReleasePublished`` event. Its data package is the fold of the
log up to and including that event. It records the SHA-256 of every data
file whose content it fixes (every table but the log tables, which contain
the release event itself and so cannot be covered by its hash) and one
digest over them, in the format of ``sha256sum``: ``<sha256>  <path>\\n``
lines sorted by path.

``release_package(events, version)`` rebuilds a past release from today's
log, writing exactly the columns the release recorded, and refuses to
return bytes that differ from what the release event recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from .events import LogHead, Occurrence, ReleasedFile, ReleasePublished, ReleasePublishedData
from .fold import FoldError, fold_versioned
from .log import LoggedEvent, parse_line, read_log, segment_files, write_segments
from .tables import TABLES, Row, is_log_table, name_of
from .writers.package import DATA_DIR, Layout, current_layout, package_files


class ReleaseError(Exception):
    """A release that cannot be made or rebuilt as recorded."""


@dataclass(frozen=True)
class ReleasePackage:
    version: str
    event: ReleasePublished
    files: dict[str, bytes]  # package files by relative path
    tables: dict[str, list[Row]]


def content_paths(layout: Layout) -> list[str]:
    log_tables = {name_of(m) for m in TABLES if is_log_table(m)}
    return sorted(f"{DATA_DIR}/{name}.csv" for name in layout if name not in log_tables)


def sha256sums(entries: list[tuple[str, str]]) -> bytes:
    """``sha256sum`` output for (sha256, path) pairs, sorted by path."""
    return "".join(f"{sha}  {path}\n" for sha, path in sorted(entries, key=lambda e: e[1])).encode()


Hashes = dict[str, tuple[int, str]]
"""A package file's path -> its size in bytes and its SHA-256: what a release's check needs, so that
a package streamed to disk is checked without reading its files back."""


def hashes_of(files: dict[str, bytes]) -> Hashes:
    return {path: (len(data), hashlib.sha256(data).hexdigest()) for path, data in files.items()}


def file_sha256(path: Path) -> str:
    """A file's SHA-256, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest_of(hashes: Hashes, layout: Layout) -> str:
    """The release's one digest: the SHA-256 of the ``sha256sum`` lines of its content files."""
    return hashlib.sha256(sha256sums([(hashes[p][1], p) for p in content_paths(layout)])).hexdigest()


def released_files(files: dict[str, bytes], layout: Layout) -> tuple[tuple[ReleasedFile, ...], str]:
    hashes = hashes_of({p: files[p] for p in content_paths(layout)})
    out = []
    for path in content_paths(layout):
        header = next(csv.reader(io.StringIO(files[path].split(b"\n", 1)[0].decode("utf-8"))))
        size, sha = hashes[path]
        out.append(ReleasedFile(path=path, bytes=size, sha256=sha, fields=tuple(header)))
    return tuple(out), digest_of(hashes, layout)


def layout_of(event: ReleasePublished) -> Layout:
    """The columns a release wrote: its recorded data files, and today's log tables."""
    current = current_layout()
    recorded = {f.path.removeprefix(f"{DATA_DIR}/").removesuffix(".csv"): list(f.fields) for f in event.data.files}
    log_tables = {name_of(m) for m in TABLES if is_log_table(m)}
    layout: Layout = {}
    for name, cols in current.items():
        if name in recorded:
            layout[name] = recorded[name]
        elif name in log_tables:
            layout[name] = cols
        # a content table the release did not have is left out
    return layout


def releases(events: list[LoggedEvent]) -> list[ReleasePublished]:
    return [le.event for le in events if isinstance(le.event, ReleasePublished)]


def find(events: list[LoggedEvent], version: str) -> ReleasePublished:
    for r in releases(events):
        if r.data.version == version:
            return r
    known = ", ".join(r.data.version for r in releases(events)) or "none"
    raise ReleaseError(f"no release {version} in the log (releases: {known})")


def until_release(events: Iterable[LoggedEvent], version: str) -> Iterator[LoggedEvent]:
    """The events up to and including the release ``version``, streamed: what its package is the
    fold of. The log after it is not read; a log without it raises ReleaseError once read through."""
    seen = []
    for le in events:
        yield le
        if isinstance(le.event, ReleasePublished):
            if le.event.data.version == version:
                return
            seen.append(le.event.data.version)
    raise ReleaseError(f"no release {version} in the log (releases: {', '.join(seen) or 'none'})")


def missing_files(event: ReleasePublished, layout: Layout) -> None:
    """Refuse a release whose recorded files this software no longer writes."""
    missing = [f.path for f in event.data.files if Path(f.path).stem not in layout]
    if missing:
        raise ReleaseError(f"release {event.data.version}: this software no longer writes {', '.join(missing)}")


def published_versions(root: Path) -> list[str]:
    """The versions released in the log, in log order, without reading the whole log: only the
    lines that name the event type are parsed (and checked as any line is). The build checks the
    rest; listing a million-event log's releases takes seconds, not the log's fold."""
    out = []
    for path in segment_files(root):
        raw = path.read_bytes()
        if RELEASE_TYPE not in raw:
            continue
        rel = path.relative_to(root).as_posix()
        for lineno, line in enumerate(raw.split(b"\n"), 1):
            if RELEASE_TYPE in line:
                event = parse_line(line, rel, lineno)
                if isinstance(event, ReleasePublished):
                    out.append(event.data.version)
    return out


RELEASE_TYPE = b'"ReleasePublished"'


def _fold(events: list[LoggedEvent]):
    try:
        return fold_versioned(events)
    except FoldError as err:
        raise err.at(events[err.seq - 1]) from None


def release_package(events: list[LoggedEvent], version: str) -> ReleasePackage:
    """Rebuild a past release from the log; raise ReleaseError if it differs from what was recorded."""
    event = find(events, version)
    tables, built_version = _fold(events[: event.seq])
    layout = layout_of(event)
    missing_files(event, layout)
    files = package_files(tables, built_version.version, layout=layout)
    check(event, hashes_of(files), layout)
    return ReleasePackage(version, event, files, tables)


def check(event: ReleasePublished, hashes: Hashes, layout: Layout) -> None:
    """Raise ReleaseError unless the package's files (``hashes``) are those the release recorded."""
    for f in event.data.files:
        got = hashes.get(f.path)
        if got is None:
            raise ReleaseError(f"release {event.data.version}: {f.path} was not rebuilt")
        size, sha = got
        if sha != f.sha256:
            raise ReleaseError(
                f"release {event.data.version} (event {event.seq}): {f.path} rebuilds with SHA-256 {sha[:16]}…, "
                f"the release recorded {f.sha256[:16]}… ({size} vs {f.bytes} bytes)"
            )
    digest = digest_of(hashes, layout)
    if digest != event.data.digest:
        raise ReleaseError(f"release {event.data.version} (event {event.seq}): digest {digest[:16]}… differs from the recorded {event.data.digest[:16]}…")


def _provisional(events: list[LoggedEvent], version: str, published_on: dt.date, notes: str, recorded_at: dt.datetime) -> ReleasePublished:
    last = events[-1]
    head = LogHead(seq=last.seq, sha256=last.hash)
    data = ReleasePublishedData.model_construct(version=version, published_on=published_on, notes=notes, log_head=head, files=(), digest="0" * 64)
    return ReleasePublished.model_construct(
        seq=last.seq + 1, type="ReleasePublished", schema_version=1,
        occurred=Occurrence(start=published_on, end=published_on),
        recorded_at=recorded_at, source=None, prev=last.hash, data=data,
    )


def make_release(root: Path, version: str, published_on: dt.date, notes: str, recorded_at: dt.datetime) -> Path:
    """Append a ReleasePublished event fixing the data as it is now; return the new segment."""
    events = read_log(root)
    if not events:
        raise ReleaseError("the log is empty: nothing to release")
    draft = _provisional(events, version, published_on, notes, recorded_at)
    draft_logged = LoggedEvent(draft, "0" * 64, "(new release)", 0, orjson.dumps(draft.data.model_dump(mode="json")).decode())
    try:
        tables, built_version = fold_versioned(events + [draft_logged])
    except FoldError as err:
        if err.seq != draft.seq:
            raise err.at(events[err.seq - 1]) from None
        raise ReleaseError(f"cannot release {version}: {err.field}: {err.message}") from None
    layout = current_layout()
    files = package_files(tables, built_version.version, layout=layout)
    recorded, digest = released_files(files, layout)
    final = ReleasePublished.model_validate({
        **draft.model_dump(mode="json"),
        "data": {**draft.data.model_dump(mode="json"), "files": [f.model_dump(mode="json") for f in recorded], "digest": digest},
    })
    [path] = write_segments(root, [(f"release-{version}", final)], prev=events[-1].hash)
    try:
        release_package(read_log(root), version)
    except Exception:
        path.unlink()
        raise
    return path


