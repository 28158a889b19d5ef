"""``wgtip cite``: the dataset or one provision, in a release, as text, BibTeX or CSL-JSON."""

from __future__ import annotations

import json
from pathlib import Path

from . import citation as cit
from .fold import fold_versioned
from .history import DiffError, records
from .log import read_log
from .release import ReleaseError, find, releases
from .tables import Row


def render(tables: dict[str, list[Row]], version: cit.DatasetVersion, provision_id: str | None, fmt: str) -> str:
    facts = None
    if provision_id:
        rows = [p for p in records(tables, "provisions") if p["provision_id"] == provision_id]
        if not rows:
            raise DiffError(f"no provision {provision_id!r} in version {version.version}")
        p = rows[0]
        meeting = next(m for m in records(tables, "meetings") if m["meeting"] == p["meeting"])
        document = next(d for d in records(tables, "source_documents") if d["document"] == p["source_document"])
        facts = cit.facts(p, meeting, document)
    if fmt == "bibtex":
        return cit.bibtex(version, facts)
    if fmt == "csl-json":
        return json.dumps(cit.csl_json(version, facts), ensure_ascii=False, indent=2) + "\n"
    text = cit.provision_text(facts, version, with_hash=True) if facts else cit.dataset_text(version)
    return text + "\n"


def citation(root: Path, provision_id: str | None, version: str | None, fmt: str) -> str:
    """Cite release ``version`` (default: the latest; without releases, the build as it is)."""
    events = read_log(root)
    if version is None and not releases(events):
        tables, v = fold_versioned(events)
        return render(tables, v, provision_id, fmt)
    try:
        event = find(events, version or releases(events)[-1].data.version)
    except ReleaseError as err:
        raise DiffError(str(err)) from None
    tables, _ = fold_versioned(events[: event.seq])
    v = cit.DatasetVersion(event.data.version, event.data.published_on, event.data.digest)
    return render(tables, v, provision_id, fmt)
