"""Adopting a release format: one ReleaseFormatAdopted event appended to the log.

A release's artefacts are laid out in the format in use when it was published
(``events.RELEASE_FORMATS``), and rebuilt so forever: the releases published
before a new format keep the bytes they were published with, and the format
applies from the next release on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .appending import append_event
from .errors import WgtipError
from .events import RELEASE_FORMATS, ReleaseFormatAdopted, ReleaseFormatAdoptedData


class ReleaseFormatError(WgtipError):
    """A release format that cannot be adopted as asked."""


def adopt(root: Path, release_format: int, notes: str, on: dt.date, recorded_at: dt.datetime) -> Path:
    """Append the event adopting ``release_format`` from ``on``; refused (nothing written) if the log
    with it would not fold (an unknown format, or one not newer than the format in use)."""
    if release_format not in RELEASE_FORMATS or release_format == min(RELEASE_FORMATS):
        raise ReleaseFormatError(
            f"FORMAT: {release_format} is not a release format one can adopt (this software writes {', '.join(map(str, RELEASE_FORMATS))}; {min(RELEASE_FORMATS)} is the first, in use before "
            f"any is adopted)"
        )
    if not notes.strip():
        raise ReleaseFormatError("--notes: say what the new format changes for a reader of the releases")

    def refused(problem: str) -> ReleaseFormatError:
        return ReleaseFormatError(f"cannot adopt release format {release_format}: {problem}")

    data = ReleaseFormatAdoptedData(format=release_format, notes=notes)
    return append_event(root, f"release-format-{release_format}", ReleaseFormatAdopted, data, on, recorded_at, refused)
