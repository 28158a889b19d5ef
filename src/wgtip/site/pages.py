"""What the site's own pages show beyond Datasette's: the home page's facts about the dataset,
a provision's context (parent, children, footnotes, citation) and the downloadable files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import metadata as dataset
from ..build import BUILD_DIR, DUCKDB_NAME, SQLITE_NAME
from ..tables import TABLES, name_of
from ..writers.package import DATA_DIR, DESCRIPTOR
from .metadata import package_info

BODY = "Working Group on Trafficking in Persons"
RELEASES_DIR = "releases"


@dataclass(frozen=True)
class Download:
    name: str  # path under /-/downloads/
    path: Path
    what: str


def downloads(root: Path) -> list[Download]:
    """The files offered for download, each by a fixed name (nothing else under the root is reachable)."""
    out = [
        Download(DUCKDB_NAME, root / BUILD_DIR / DUCKDB_NAME, "DuckDB database (same rows as the SQLite database)"),
        Download(SQLITE_NAME, root / BUILD_DIR / SQLITE_NAME, "SQLite database (with the search index)"),
        Download(DESCRIPTOR, root / DESCRIPTOR, "Frictionless data package descriptor (sizes and SHA-256 of every CSV)"),
    ]
    out += [Download(f"{DATA_DIR}/{name_of(m)}.csv", root / DATA_DIR / f"{name_of(m)}.csv", f"CSV of table {name_of(m)}") for m in TABLES]
    # release zips (issue 3), when the build makes them
    for z in sorted((root / BUILD_DIR / RELEASES_DIR).glob("*.zip")) if (root / BUILD_DIR / RELEASES_DIR).is_dir() else []:
        out.append(Download(f"{RELEASES_DIR}/{z.name}", z, "zipped data package of a release, with checksums"))
    return [d for d in out if d.path.is_file()]


def cite_dataset(version: str) -> str:
    return f"{dataset.TITLE} (version {version}) [data set]. {dataset.HOMEPAGE}. Licence: {dataset.LICENSE['name']}."


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def locator(p: dict[str, Any]) -> str:
    """Paragraph, item and sub-item as a reader would cite them: para. 46 (j) (vi)."""
    return f"para. {p['paragraph']}" + "".join(f" ({x})" for x in (p.get("item"), p.get("subitem")) if x)


def cite_provision(p: dict[str, Any], version: str) -> str:
    """A provision's citation; the data's own `citation` column wins when the build provides one."""
    if p.get("citation"):
        return str(p["citation"])
    decided = f"{ordinal(p['meeting'])} meeting ({p['meeting_start_date']} to {p['meeting_end_date']})"
    if p.get("proposed_at_meeting"):
        how = f"proposed at its {ordinal(p['proposed_at_meeting'])} meeting ({p['proposed_on']}), endorsed at its {decided}"
    elif p["adoption"] == "recommended_to_conference":
        how = f"recommended to the Conference of the Parties at its {decided}"
    else:
        how = f"adopted at its {decided}"
    return f"{BODY}, recommendation {how}, {locator(p)} [{p['provision_id']}]. In: {cite_dataset(version)}"


async def provision_context(db: Any, provision_id: str, root: Path) -> dict[str, Any] | None:
    """Everything the provision row page shows besides the row itself."""
    result = await db.execute("select * from provisions where provision_id = :id", {"id": provision_id})
    rows = [dict(r) for r in result.rows]
    if not rows:
        return None
    p = rows[0]
    parent = None
    if p.get("parent_id"):
        parent = [dict(r) for r in (await db.execute(
            "select provision_id, label, text from provisions where provision_id = :id", {"id": p["parent_id"]})).rows][0]
    children = [dict(r) for r in (await db.execute(
        "select provision_id, label, text from provisions where parent_id = :id order by position", {"id": provision_id})).rows]
    footnotes = [dict(r) for r in (await db.execute(
        "select footnote_id, marker, text from footnotes where provision_id = :id order by number", {"id": provision_id})).rows]
    meeting = [dict(r) for r in (await db.execute("select heading from meetings where meeting = :m", {"m": p["meeting"]})).rows]
    version = package_info(root)["version"]
    return {
        "provision": p,
        "parent": parent,
        "children": children,
        "footnotes": footnotes,
        "meeting_heading": meeting[0]["heading"] if meeting else None,
        "locator": locator(p),
        "citation": cite_provision(p, version),
    }


def home_context(root: Path) -> dict[str, Any]:
    info = package_info(root)
    return {
        "title": dataset.TITLE,
        "title_zh": dataset.TITLE_ZH,
        "description": dataset.DESCRIPTION,
        "description_zh": dataset.DESCRIPTION_ZH,
        "version": info["version"],
        "sources": info["sources"],
        "license": dataset.LICENSE,
        "homepage": dataset.HOMEPAGE,
        "citation": cite_dataset(info["version"]),
        "downloads": downloads(root),
    }
