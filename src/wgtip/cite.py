"""``wgtip cite``: the dataset or one provision, in a release, as text, BibTeX or CSL-JSON."""

from __future__ import annotations

import json
from pathlib import Path

from . import citation as cit
from .folded import Records, fold_kept, keep_all
from .history import DiffError
from .log import iter_log
from .release import published_versions, unknown_release, until_release


def render(records: Records, version: cit.DatasetVersion, provision_id: str | None, fmt: str) -> str:
    facts = None
    if provision_id:
        rows = [p for p in records["provisions"] if p["provision_id"] == provision_id]
        if not rows:
            raise DiffError(f"no provision {provision_id!r} in version {version.version}")
        p = rows[0]
        meeting = next(m for m in records["meetings"] if m["meeting"] == p["meeting"])
        document = next(d for d in records["source_documents"] if d["document"] == p["source_document"])
        facts = cit.facts(p, meeting, document)
    if fmt == "bibtex":
        return cit.bibtex(version, facts)
    if fmt == "csl-json":
        return json.dumps(cit.csl_json(version, facts), ensure_ascii=False, indent=2) + "\n"
    text = cit.provision_text(facts, version, with_hash=True) if facts else cit.dataset_text(version)
    return text + "\n"


def citation(root: Path, provision_id: str | None, version: str | None, fmt: str) -> str:
    """Cite release ``version`` (default: the latest; without releases, the build as it is). The
    log is streamed up to the release, keeping only the rows a citation names."""
    keep = {"provisions": lambda p: p["provision_id"] == provision_id, "meetings": keep_all, "source_documents": keep_all}
    versions = published_versions(root)
    events = iter_log(root)
    if version or versions:
        version = version or versions[-1]
        if version not in versions:
            raise DiffError(str(unknown_release(version, versions)))
        events = until_release(events, version)
    kept = fold_kept(events, keep)  # at a release, its version is the release's (date and digest too)
    return render(kept.rows, kept.dataset, provision_id, fmt)
