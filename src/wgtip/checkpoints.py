"""Checkpoints: each release's chain head and digest, published outside the log.

The hash chain makes every event depend on all before it, but the log cannot vouch for itself: a
history rewritten from an early event on, re-chained and re-released with the project's own fold,
is as consistent as the original. What cannot be rewritten is what was published elsewhere, as a
Certificate Transparency log publishes its signed tree heads: for each release, a checkpoint names

- ``version``: the release;
- ``seq``: the sequence number of its ``ReleasePublished`` event;
- ``head``: the SHA-256 of that event's committed line, the head of the chain at the release (it
  covers every event before it, and the release's own notes, files and digest);
- ``digest``: the release's data digest (the SHA256SUMS of its data files);
- ``segments``: the SHA-256 of the ``sha256sum`` lines (``<sha256>  <path>``) of every segment file
  whose first event is at or before the release: a segment renamed, split or moved changes it.

A release publishes the checkpoints of every release up to it (``checkpoints.json``, cumulative)
among its artefacts, and so in the GitHub release and its Zenodo archive; its signed git tag
carries its own checkpoint (``tag_message``). ``wgtip verify --checkpoints FILE|URL`` then fails
unless the local log holds every published head at its seq.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import WgtipError
from .events import HEX64, SEMVER, ReleasePublished
from .log import LoggedEvent, iter_log, segment_files

FORMAT = "wgtip-checkpoints/1"
CHECKPOINTS_NAME = "checkpoints.json"
ARTEFACTS = {"checkpoints": CHECKPOINTS_NAME}
"""What this module adds to a release's artefacts (key -> file name), for the release formats after 1.1.0."""
MAX_BYTES = 16 << 20
"""Largest checkpoint file read (16 MiB: a million releases); a larger answer is refused, not read."""
TAG_LINE = "checkpoint: "


class CheckpointError(WgtipError):
    """Published checkpoints that cannot be read, or that the local log does not hold."""


class Checkpoint(BaseModel):
    """One release, as published outside the log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(pattern=SEMVER, description="The release.")
    seq: int = Field(ge=1, description="Sequence number of the release's ReleasePublished event.")
    head: str = Field(pattern=HEX64, description="SHA-256 of that event's committed line: the head of the hash chain at the release.")
    digest: str = Field(pattern=HEX64, description="The release's data digest, as its event records it.")
    segments: str = Field(pattern=HEX64, description="SHA-256 of the sha256sum lines of every segment file whose first event is at or before the release.")


class CheckpointFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["wgtip-checkpoints/1"]
    checkpoints: tuple[Checkpoint, ...]


class Segments:
    """The digest of the segment files up to a seq, each file hashed once."""

    def __init__(self, root: Path):
        self.files = [(int(p.name[:9]), hashlib.sha256(p.read_bytes()).hexdigest(), p.relative_to(root).as_posix()) for p in segment_files(root)]

    def digest(self, seq: int) -> str:
        lines = "".join(f"{sha}  {path}\n" for first, sha, path in self.files if first <= seq)
        return hashlib.sha256(lines.encode()).hexdigest()


def of_releases(root: Path, releases: Iterable[LoggedEvent]) -> list[Checkpoint]:
    """The checkpoint of each release event (read from the log of ``root``)."""
    releases = list(releases)
    segments = Segments(root) if releases else None
    out = []
    for le in releases:
        assert isinstance(le.event, ReleasePublished) and segments is not None
        out.append(Checkpoint(version=le.event.data.version, seq=le.seq, head=le.hash, digest=le.event.data.digest, segments=segments.digest(le.seq)))
    return out


def log_checkpoints(root: Path, until: str | None = None) -> list[Checkpoint]:
    """The checkpoints of the log's releases, up to and including release ``until`` (every one without it)."""
    releases = []
    for le in iter_log(root):
        if isinstance(le.event, ReleasePublished):
            releases.append(le)
            if le.event.data.version == until:
                break
    if until is not None and (not releases or releases[-1].event.data.version != until):
        known = ", ".join(le.event.data.version for le in releases) or "none"
        raise CheckpointError(f"no release {until} in the log (releases: {known})")
    return of_releases(root, releases)


def file_bytes(checkpoints: Iterable[Checkpoint]) -> bytes:
    """checkpoints.json: the same checkpoints always give the same bytes."""
    doc = {"format": FORMAT, "checkpoints": [c.model_dump() for c in checkpoints]}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def release_files(root: Path, version: str) -> dict[str, bytes]:
    """The files this module adds to release ``version``'s artefacts (by name, as in ``ARTEFACTS``):
    the checkpoints of every release up to it."""
    return {CHECKPOINTS_NAME: file_bytes(log_checkpoints(root, until=version))}


def tag_message(checkpoint: Checkpoint) -> str:
    """The message of release ``checkpoint.version``'s signed tag: its checkpoint, one JSON line."""
    line = json.dumps(checkpoint.model_dump(), separators=(",", ":"))
    return f"wgtip {checkpoint.version}\n\n{TAG_LINE}{line}\n"


def from_tag_message(text: str, where: str) -> Checkpoint:
    lines = [line[len(TAG_LINE) :] for line in text.splitlines() if line.startswith(TAG_LINE)]
    if len(lines) != 1:
        raise CheckpointError(f"{where}: the tag's message has {len(lines)} '{TAG_LINE.strip()}' lines, not one (make it with: wgtip checkpoints --tag-message VERSION)")
    try:
        return Checkpoint.model_validate_json(lines[0])
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        raise CheckpointError(f"{where}: checkpoint.{'.'.join(map(str, e['loc']))}: {e['msg']}") from None


def _read(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=60) as answer:  # noqa: S310 (http and https only, checked above)
                data = answer.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as err:
            raise CheckpointError(f"{source}: (checkpoints): could not fetch: HTTP {err.code} {err.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise CheckpointError(f"{source}: (checkpoints): could not fetch: {getattr(err, 'reason', err)}") from None
    elif "://" in source:
        raise CheckpointError(f"{source}: (checkpoints): only a file, or an http:// or https:// address, is read")
    else:
        try:
            with open(source, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as err:
            raise CheckpointError(f"{source}: (checkpoints): cannot read: {err.strerror}") from None
    if len(data) > MAX_BYTES:
        raise CheckpointError(f"{source}: (checkpoints): larger than {MAX_BYTES} bytes; not a checkpoint file")
    return data


def load(source: str) -> list[Checkpoint]:
    """The checkpoints published in a file or at an http(s) address, checked for their form."""
    data = _read(source)
    try:
        return list(CheckpointFile.model_validate_json(data).checkpoints)
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        field = ".".join(map(str, e["loc"])) or "(file)"
        shown = f" (got {e['input']!r:.60})" if e["type"] not in ("missing", "json_invalid") and not isinstance(e.get("input"), (dict, list)) else ""
        raise CheckpointError(f"{source}: {field}: {e['msg']}{shown}") from None


def compare(published: list[Checkpoint], local: Mapping[int, tuple[LoggedEvent, Checkpoint | None]], log_end: int, source: str) -> None:
    """Raise unless the local log holds every published checkpoint: an event at its seq whose line
    has the published SHA-256, and the same segment files up to it.

    ``local``: the log's event at each published seq (with its checkpoint if it is a release);
    ``log_end``: the log's last seq."""
    for i, cp in enumerate(published):
        where = f"{source}: checkpoints.{i} ({cp.version})"
        if cp.seq > log_end:
            raise CheckpointError(f"{where}: the log ends at seq {log_end}, before the published release event {cp.seq}: published events are gone")
        le, mine = local[cp.seq]
        if le.hash != cp.head:
            raise CheckpointError(
                f"{where}: event {cp.seq} ({le.path}:{le.line}) has SHA-256 {le.hash[:12]}…, the published head is {cp.head[:12]}…: the log was rewritten after this release was published"
            )
        if mine is None or (mine.version, mine.digest) != (cp.version, cp.digest):
            raise CheckpointError(f"{where}: event {cp.seq} has the published head, but the checkpoint names another version or digest: the checkpoint file is not what was published")
        if mine.segments != cp.segments:
            raise CheckpointError(f"{where}: the segment files up to seq {cp.seq} differ from those published (a segment renamed, split, merged or moved)")
