"""Recording a release's DOI: one ReleaseDoiRecorded event appended to the log.

A DOI is minted after a release is published (Zenodo's GitHub integration
archives each GitHub release and assigns it one), so it is a later fact: the
release's content, fixed by its hashes, never names it; its citations do from
then on. The fold refuses a DOI for a version not released before it, a
second DOI for a release, and one DOI for two releases.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .appending import append_event
from .errors import WgtipError
from .events import DOI, SEMVER, ReleaseDoiRecorded, ReleaseDoiRecordedData


class DoiError(WgtipError):
    """A DOI that cannot be recorded as asked."""


def append_doi(root: Path, version: str, doi: str, on: dt.date, recorded_at: dt.datetime) -> Path:
    """Append the event recording ``doi`` for release ``version``, minted on ``on``; refused (nothing
    written) if the log with it would not fold."""
    doi = doi.strip().removeprefix("https://doi.org/").removeprefix("doi:")
    if not re.match(DOI, doi):
        raise DoiError(f"DOI: {doi!r} is not a DOI (10.NNNN/suffix, for example 10.5281/zenodo.1234567)")
    if not re.match(SEMVER, version):
        raise DoiError(f"VERSION: {version!r} is not a release's version (X.Y.Z)")

    data = ReleaseDoiRecordedData(version=version, doi=doi)
    return append_event(root, f"doi-{version}", ReleaseDoiRecorded, data, on, recorded_at, refused)


def refused(problem: str) -> DoiError:
    if problem == "the log is empty":
        return DoiError("the log is empty: there is no release to record a DOI for")
    return DoiError(f"cannot record the DOI: {problem}")
