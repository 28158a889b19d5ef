"""Where things are: the names of the files and directories the build writes and the site serves.

The committed data package is ``datapackage.json`` and ``data/*.csv`` at the
repository's root; the databases are in ``build/``; a release rebuilt from the
log is in ``build/releases/VERSION/`` with its artefacts.
"""

from __future__ import annotations

BUILD_DIR = "build"
SQLITE_NAME = "wgtip.sqlite"
DUCKDB_NAME = "wgtip.duckdb"
RELEASES_DIR = "releases"
DATA_DIR = "data"
DESCRIPTOR = "datapackage.json"
PARQUET_DIR = "parquet"
"""build/parquet/: every table as a Parquet file (the current build)."""


def release_artefacts(version: str, release_format: int = 1) -> dict[str, str]:
    """File names of a release's downloadable artefacts, in its release format (``events.RELEASE_FORMATS``)."""
    names = {
        "zip": f"wgtip-recommendations-{version}.zip",
        "sqlite": f"wgtip-{version}.sqlite",
        "duckdb": f"wgtip-{version}.duckdb",
    }
    if release_format >= 2:
        names["parquet"] = f"wgtip-{version}-parquet.zip"
        names["checkpoints"] = "checkpoints.json"
    names["sums"] = "SHA256SUMS"
    return names
