"""Releases: fixing a version of the data by its content hashes, and rebuilding it later.

A release is a ``ReleasePublished`` event. Its data package is the fold of the
log up to and including that event. It records the SHA-256 of every data
file whose content it fixes (every table but the log tables, which contain
the release event itself and so cannot be covered by its hash) and one
digest over them, in the format of ``sha256sum``: ``<sha256>  <path>\\n``
lines sorted by path.

A past release is rebuilt from today's log up to its event
(``until_release``), writing exactly the columns the release recorded
(``layout_of``), and refused if its files' hashes differ from what the
release event recorded (``check``). The build (``build.build(root,
release=...)``) and ``wgtip verify`` stream the log through it; so does
``make_release``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import orjson

from .errors import WgtipError
from .events import Envelope, LogHead, Occurrence, ReleasedFile, ReleaseDoiRecorded, ReleaseFormatAdopted, ReleasePublished, ReleasePublishedData
from .fold import FoldError
from .folded import Hashes
from .log import LogError, LoggedEvent, iter_log, parse_line, segment_files, write_segments
from .package_hashes import fold_hashes
from .paths import DATA_DIR
from .tables import TABLES, Layout, current_layout, is_log_table, name_of

E = TypeVar("E", bound=Envelope)


class ReleaseError(WgtipError):
    """A release that cannot be made or rebuilt as recorded."""


def content_paths(layout: Layout) -> list[str]:
    log_tables = {name_of(m) for m in TABLES if is_log_table(m)}
    return sorted(f"{DATA_DIR}/{name}.csv" for name in layout if name not in log_tables)


def sha256sums(entries: list[tuple[str, str]]) -> bytes:
    """``sha256sum`` output for (sha256, path) pairs, sorted by path."""
    return "".join(f"{sha}  {path}\n" for sha, path in sorted(entries, key=lambda e: e[1])).encode()


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


def unknown_release(version: str, known: list[str]) -> ReleaseError:
    return ReleaseError(f"no release {version} in the log (releases: {', '.join(known) or 'none'})")


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
    raise unknown_release(version, seen)


def missing_files(event: ReleasePublished, layout: Layout) -> None:
    """Refuse a release whose recorded files this software no longer writes."""
    missing = [f.path for f in event.data.files if Path(f.path).stem not in layout]
    if missing:
        raise ReleaseError(f"release {event.data.version}: this software no longer writes {', '.join(missing)}")


def release_layout(version: str) -> Callable[[LoggedEvent | None], Layout]:
    """The layout of the release the fold stopped at (``until_release`` stops there)."""

    def layout_after(head: LoggedEvent | None) -> Layout:
        assert head is not None and isinstance(head.event, ReleasePublished) and head.event.data.version == version
        layout = layout_of(head.event)
        missing_files(head.event, layout)
        return layout

    return layout_after


RELEASE_TYPE = b'"ReleasePublished"'
DOI_TYPE = b'"ReleaseDoiRecorded"'
ESCAPE = b"\\u"


def _events_named(root: Path, type_name: bytes | tuple[bytes, ...], cls: type[E] | tuple[type[E], ...]) -> Iterator[E]:
    """The events of one type, in log order, without folding the log: only the lines that could be one
    are decoded, by the log's one decoder (``parse_line``), and checked as any line is. A line is written
    one way only (compact, as wgtip writes it; ``parse_line`` refuses any other form), so such a line
    holds the type's name as these bytes; the only way to spell it otherwise is a ``\\u`` escape, and a
    line holding one is decoded too (and refused: compact JSON escapes only control characters, which
    no field allows). So a command sees the releases the build sees, or refuses the log as the build
    does; the rest is left to the fold that needs it (a citation of a release reads the log up to it)."""
    names = type_name if isinstance(type_name, tuple) else (type_name,)
    for path in segment_files(root):
        raw = path.read_bytes()
        if not any(n in raw for n in names) and ESCAPE not in raw:
            continue
        rel = path.relative_to(root).as_posix()
        for lineno, line in enumerate(raw.split(b"\n"), 1):
            if any(n in line for n in names) or ESCAPE in line:
                event = parse_line(line, rel, lineno)
                if isinstance(event, cls):
                    yield event


def published_versions(root: Path) -> list[str]:
    """The versions released in the log, in log order (see ``_events_named``)."""
    return [e.data.version for e in _events_named(root, RELEASE_TYPE, ReleasePublished)]


FORMAT_TYPE = b'"ReleaseFormatAdopted"'


def release_formats(root: Path) -> dict[str, int]:
    """The release format each release was published in (``events.RELEASE_FORMATS``), read as
    ``published_versions`` reads the releases."""
    formats: dict[str, int] = {}
    current = 1
    for e in _events_named(root, (RELEASE_TYPE, FORMAT_TYPE), (ReleasePublished, ReleaseFormatAdopted)):
        if isinstance(e, ReleaseFormatAdopted):
            current = e.data.format
        else:
            formats[e.data.version] = current
    return formats


def release_dois(root: Path) -> dict[str, str]:
    """The DOI recorded for each release that has one (``wgtip record-doi``), read as ``published_versions``
    reads the releases: a DOI is recorded after its release, so a citation of the release looks past it."""
    dois: dict[str, str] = {}
    for e in _events_named(root, DOI_TYPE, ReleaseDoiRecorded):
        dois.setdefault(e.data.version, e.data.doi)  # the fold refuses a second DOI for a release
    return dois


def check(event: ReleasePublished, hashes: Hashes, layout: Layout) -> None:
    """Raise ReleaseError unless the package's files (``hashes``) are those the release recorded."""
    for f in event.data.files:
        got = hashes.get(f.path)
        if got is None:
            raise ReleaseError(f"release {event.data.version}: {f.path} was not rebuilt")
        size, sha = got
        if sha != f.sha256:
            raise ReleaseError(f"release {event.data.version} (event {event.seq}): {f.path} rebuilds with SHA-256 {sha[:16]}…, the release recorded {f.sha256[:16]}… ({size} vs {f.bytes} bytes)")
    digest = digest_of(hashes, layout)
    if digest != event.data.digest:
        raise ReleaseError(f"release {event.data.version} (event {event.seq}): digest {digest[:16]}… differs from the recorded {event.data.digest[:16]}…")


def _provisional(last: LoggedEvent, version: str, published_on: dt.date, notes: str, recorded_at: dt.datetime) -> ReleasePublished:
    head = LogHead(seq=last.seq, sha256=last.hash)
    data = ReleasePublishedData.model_construct(version=version, published_on=published_on, notes=notes, log_head=head, files=(), digest="0" * 64)
    return ReleasePublished.model_construct(
        seq=last.seq + 1,
        type="ReleasePublished",
        schema_version=1,
        occurred=Occurrence(start=published_on, end=published_on),
        recorded_at=recorded_at,
        source=None,
        prev=last.hash,
        data=data,
    )


DRAFT = "(new release)"
"""Where the draft release event is said to be, in an error the fold finds in it."""


def make_release(root: Path, version: str, published_on: dt.date, notes: str, recorded_at: dt.datetime) -> Path:
    """Append a ReleasePublished event fixing the data as it is now; return the new segment.

    The log is streamed twice, as the build streams it: once to fold it with a draft of the
    release at its end, hashing the package that makes (the draft's files and digest), and once
    to rebuild the release from the log with it appended, which must give what it records
    (else the new segment is removed). Memory holds the fold's state, never the log."""
    last: list[LoggedEvent] = []
    drafts: list[ReleasePublished] = []

    def with_draft() -> Iterator[LoggedEvent]:
        for le in iter_log(root):
            last[:] = [le]
            yield le
        if not last:
            raise ReleaseError("the log is empty: nothing to release")
        drafts.append(_provisional(last[0], version, published_on, notes, recorded_at))
        yield LoggedEvent(drafts[0], "0" * 64, DRAFT, 0, orjson.dumps(drafts[0].data.model_dump(mode="json")).decode())

    layout = current_layout()
    try:
        folded = fold_hashes(with_draft(), lambda head: layout)
    except LogError as err:
        if err.path != DRAFT or not isinstance(err.__cause__, FoldError):
            raise
        raise ReleaseError(f"cannot release {version}: {err.__cause__.field}: {err.__cause__.message}") from None
    hashes = folded.csv_hashes()
    recorded = [ReleasedFile(path=p, bytes=hashes[p][0], sha256=hashes[p][1], fields=tuple(layout[Path(p).stem])) for p in content_paths(layout)]
    draft = drafts[0]
    final = ReleasePublished.model_validate(
        {
            **draft.model_dump(mode="json"),
            "data": {**draft.data.model_dump(mode="json"), "files": [f.model_dump(mode="json") for f in recorded], "digest": digest_of(hashes, layout)},
        }
    )
    [path] = write_segments(root, [(f"release-{version}", final)], prev=last[0].hash)
    try:
        rebuilt = fold_hashes(until_release(iter_log(root), version), release_layout(version))
        check(final, rebuilt.csv_hashes(), rebuilt.layout)
    except Exception:
        path.unlink()
        raise
    return path
