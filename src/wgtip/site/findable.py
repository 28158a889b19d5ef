"""What makes the dataset findable by search engines and dataset catalogues: schema.org ``Dataset`` JSON-LD for the
home page (the version served) and for each release's page, and a page's meta description.

The JSON-LD names each download as a ``DataDownload`` with ``contentUrl``, ``encodingFormat`` (a media type) and
``sha256``: schema.org's own property of a ``MediaObject`` (which ``DataDownload`` is) for "the SHA-2 SHA256 hash
of the content", so a harvester can check a file without knowing a convention of this site (a ``PropertyValue``
or a description would need one).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import metadata as dataset

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".sqlite": "application/vnd.sqlite3",
    # DuckDB has no registered media type
    ".duckdb": "application/octet-stream",
}
SUMS_MEDIA_TYPE = "text/plain"

MEASUREMENT_TECHNIQUE = (
    "Transcription of the printed source document into an append-only event log, folded into tables; "
    "annotations (addressees, strength, themes, references) derived from the text by the project's published rules."
)
META_DESCRIPTION_CHARS = 300
"""Search engines show about 150-160 characters; a few more do no harm, a whole provision would."""


def media_type(name: str) -> str:
    if name.endswith("SHA256SUMS"):
        return SUMS_MEDIA_TYPE
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


_sha_cache: dict[tuple[str, int, int], str] = {}


def sha256_of(path: Path) -> str:
    """The file's SHA-256 (hex), computed once per file version (path, size, mtime): the site serves immutable files."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _sha_cache:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _sha_cache[key] = h.hexdigest()
    return _sha_cache[key]


def recorded_sums(sums_file: Path) -> dict[str, str]:
    """A release's SHA256SUMS (``<hex>  <name>`` lines, as sha256sum writes them): name -> hex."""
    out = {}
    for line in sums_file.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            out[name.strip()] = digest
    return out


@dataclass(frozen=True)
class Distribution:
    """One download of the dataset, as the JSON-LD lists it."""

    name: str
    url: str  # absolute
    description: str
    sha256: str
    size: int

    def jsonld(self) -> dict[str, Any]:
        return {
            "@type": "DataDownload",
            "name": self.name,
            "description": self.description,
            "contentUrl": self.url,
            "encodingFormat": media_type(self.name),
            "contentSize": f"{self.size} B",
            "sha256": self.sha256,
        }


def dataset_jsonld(
    *,
    version: str,
    page_url: str,
    temporal_coverage: str,
    distributions: list[Distribution],
    sources: list[dict[str, Any]],
    citation: str,
    published_on: str | None = None,
    digest: str | None = None,
    homepage: str | None = None,
    doi_url: str | None = None,
) -> dict[str, Any]:
    """A schema.org Dataset for one version of the dataset (the properties Google's Dataset documentation
    requires and recommends, where this dataset has them: tests/test_site_open.py lists which and why not)."""
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": dataset.TITLE,
        "alternateName": [dataset.TITLE_ZH, dataset.NAME],
        "description": dataset.DESCRIPTION,
        "url": page_url,
        "version": version,
        "license": dataset.LICENSE["path"],
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": dataset.AUTHOR},
        "keywords": list(dataset.KEYWORDS),
        "inLanguage": ["zh", "en"],
        "temporalCoverage": temporal_coverage,
        "measurementTechnique": MEASUREMENT_TECHNIQUE,
        "citation": citation,
        # sha256 is a property of a MediaObject, not of the work: the project's copy's hash goes in an identifier
        "isBasedOn": [
            {
                "@type": "CreativeWork",
                "name": s["title"],
                **({"identifier": {"@type": "PropertyValue", "propertyID": "SHA-256 of the project's copy", "value": s["sha256"]}} if s.get("sha256") else {}),
            }
            for s in sources
        ],
        "distribution": [d.jsonld() for d in distributions],
    }
    if published_on:
        out["datePublished"] = published_on
    if digest:
        out["identifier"] = {"@type": "PropertyValue", "propertyID": "wgtip release digest", "value": digest}
    same = [u for u in (doi_url, homepage) if u]  # identifiers.toml and the recorded DOIs: none while none is assigned
    if same:
        out["sameAs"] = same if len(same) > 1 else same[0]
    return out


def meta_description(*parts: str) -> str:
    """A page's meta description: its parts joined, cut at META_DESCRIPTION_CHARS with an ellipsis."""
    text = " ".join(" ".join(p.split()) for p in parts if p)
    if len(text) <= META_DESCRIPTION_CHARS:
        return text
    return text[: META_DESCRIPTION_CHARS - 1].rstrip() + "…"
