"""``wgtip cite``: the dataset or one provision, in a release, as text, BibTeX, RIS or CSL-JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from . import citation as cit
from .folded import Records, fold_kept, keep_all
from .history import DiffError
from .log import iter_log
from .metadata import Identifiers, identifiers
from .release import published_versions, release_dois, unknown_release, until_release


def provision_facts(records: Records, version: str, provision_id: str) -> cit.ProvisionFacts:
    rows = [p for p in records["provisions"] if p["provision_id"] == provision_id]
    if not rows:
        raise DiffError(f"no provision {provision_id!r} in version {version}")
    p = rows[0]
    meeting = next(m for m in records["meetings"] if m["meeting"] == p["meeting"])
    document = next(d for d in records["source_documents"] if d["document"] == p["source_document"])
    return cit.facts(p, meeting, document)


def render(records: Records, version: cit.DatasetVersion, ids: Identifiers, provision_id: str | None, fmt: str, accessed: dt.date | None = None) -> str:
    facts = provision_facts(records, version.version, provision_id) if provision_id else None
    return cit.render(fmt, version, ids, facts, accessed)


def citation(root: Path, provision_id: str | None, version: str | None, fmt: str, accessed: dt.date | None = None) -> str:
    """Cite release ``version`` (default: the latest; without releases, the build as it is), with its
    DOI if one was recorded after it and the identifiers set in ``identifiers.toml``. The log is
    streamed up to the release, keeping only the rows a citation names."""
    keep = {"provisions": lambda p: p["provision_id"] == provision_id, "meetings": keep_all, "source_documents": keep_all}
    ids = identifiers(root)
    versions = published_versions(root)
    events = iter_log(root)
    if version or versions:
        version = version or versions[-1]
        if version not in versions:
            raise DiffError(str(unknown_release(version, versions)))
        events = until_release(events, version)
    kept = fold_kept(events, keep)  # at a release, its version is the release's (date and digest too)
    dataset = kept.dataset
    if dataset.published_on is not None:
        dataset = dataclasses.replace(dataset, doi=release_dois(root).get(dataset.version))
    return render(kept.rows, dataset, ids, provision_id, fmt, accessed)
