"""A standalone release (release format 2): the files its zip holds beside the data package
(``datapackage.json`` and ``data/``), so that the zip alone is a data package any reader opens, with
what a reader needs to use, cite and verify it.

Everything here is made from the log up to the release and from the code: nothing from the clock,
from the settings (identifiers.toml) or from the log after the release, so a release rebuilds to
the same bytes whenever it is rebuilt. What becomes known only later (a DOI) is recorded in the log
and given by ``wgtip cite --release``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import checkpoints, licence, metadata
from .folded import Folded, fold_kept, keep_all
from .log import iter_log
from .metadata import Identifiers
from .paths import DATA_DIR, DESCRIPTOR
from .release import ReleaseError, sha256sums, until_release
from .release_texts import changelog, citation_cff
from .tables import TABLES, SourceDocument, columns, is_log_table, name_of

README = "README.md"
LICENSE = "LICENSE"
CITATION = "CITATION.cff"
CHANGELOG = "CHANGELOG.md"
SUMS = "SHA256SUMS"


def package_files(root: Path, version: str, folded: Folded) -> dict[str, bytes]:
    """The files of release ``version``'s zip besides datapackage.json and data/ (and SHA256SUMS,
    which lists them all: ``sums_file``), by path inside the zip. ``folded``: the fold of the log up
    to the release."""
    kept = fold_kept(until_release(iter_log(root), version), {"releases": keep_all, "changes": lambda c: c["version"] == version})
    rows = kept.rows
    release = rows["releases"][-1]
    files = {
        README: readme(release, folded).encode(),
        LICENSE: licence.data_licence_text().encode(),
        CITATION: citation_cff(rows, Identifiers(), {}, header=f"# The citation of release {version} as published; a DOI minted later: wgtip cite --release {version}").encode(),
        CHANGELOG: changelog({"releases": [release], "changes": rows["changes"]}, 0, intro=f"What release {version} changed, from the event log.").encode(),
        checkpoints.CHECKPOINTS_NAME: checkpoints.release_files(root, version)[checkpoints.CHECKPOINTS_NAME],
    }
    files.update(source_files(root, folded))
    return files


def source_files(root: Path, folded: Folded) -> dict[str, bytes]:
    """The source documents the descriptor's ``sources`` name, at the paths it gives: each must be
    the file the log registered (its SHA-256)."""
    names = [c.name for c in columns(SourceDocument)]
    out = {}
    for row in folded.source_documents:
        d = dict(zip(names, row, strict=True))
        path = root / d["path"]
        if not path.is_file():
            raise ReleaseError(f"{d['path']}: the source document {d['document']} is missing: a release holds it")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != d["sha256"]:
            raise ReleaseError(f"{d['path']}: sha256 differs from the {d['sha256'][:16]}… the log registered for {d['document']}")
        out[d["path"]] = data
    return out


def sums_file(hashes: dict[str, str]) -> bytes:
    """SHA256SUMS of every other file in the zip (path -> SHA-256), in ``sha256sum`` format."""
    return sha256sums([(sha, path) for path, sha in hashes.items()])


def readme(release: dict[str, Any], folded: Folded) -> str:
    version, date = release["version"], release["published_on"].isoformat()
    log_tables = sorted(f"{DATA_DIR}/{name_of(m)}.csv" for m in TABLES if is_log_table(m))
    drop = " ".join(f"-e ' {p}$'" for p in log_tables)
    tables = "\n".join(f"- `{DATA_DIR}/{name}.csv`: {folded.counts[name]} row{'' if folded.counts[name] == 1 else 's'}" for name in folded.layout)
    sources = "\n".join(f"- `{dict(zip([c.name for c in columns(SourceDocument)], row, strict=True))['path']}`" for row in folded.source_documents)
    return f"""# {metadata.TITLE}, version {version}

{metadata.DESCRIPTION}

Published {date}, rebuilt from the dataset's event log up to release event {release["event_seq"]}.
This zip is a data package: `{DESCRIPTOR}` (Data Package v2) describes every table, its columns,
their types, keys and codes.

## What is here

{tables}
- `{DESCRIPTOR}`: the descriptor (titles and descriptions in English and Chinese)
{sources}: the source document the data are read from (its SHA-256 is in the descriptor's `sources`)
- `{CHANGELOG}`: what this release changed
- `{CITATION}`: how to cite this version
- `{LICENSE}`: the licences of the data
- `{checkpoints.CHECKPOINTS_NAME}`: the log's head at every release up to this one (`wgtip verify --checkpoints`)
- `{SUMS}`: the SHA-256 of every other file here

## Open it

- Python: `frictionless.Package("wgtip-recommendations-{version}.zip")` (or the unzipped `{DESCRIPTOR}`), then `.get_resource("provisions").read_rows()`
- R: `frictionless::read_package("{DESCRIPTOR}")`
- JavaScript: `Package.load("{DESCRIPTOR}")` of the npm package `datapackage`
- DuckDB: `select * from read_csv('{DATA_DIR}/provisions.csv')`

Every CSV is UTF-8 with a header, comma-separated, `"`-quoted, with `\\n` line ends; an empty field is a null.

## Cite

Dataset: {metadata.AUTHOR}. {metadata.TITLE} (dataset), version {version} ({date}). Data sha256:{release["digest"]}.

A provision: its `citation` column. A DOI minted after publication is recorded in the dataset's
log, not here: `wgtip cite --release {version}` gives the citation with it.

## Verify

    sha256sum -c {SUMS}

The data digest (`sha256:{release["digest"]}`) is the SHA-256 of the lines of `{SUMS}` for the data
files, without the log tables (which record this release itself):

    grep ' {DATA_DIR}/' {SUMS} | grep -v {drop} | sha256sum

In the dataset's repository, `wgtip build --release {version}` rebuilds this zip from the log, byte for byte.

## Licence

{licence.SHORT}
"""
