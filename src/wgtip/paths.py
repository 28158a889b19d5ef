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


def release_artefacts(version: str) -> dict[str, str]:
    """File names of a release's downloadable artefacts."""
    return {
        "zip": f"wgtip-recommendations-{version}.zip",
        "sqlite": f"wgtip-{version}.sqlite",
        "duckdb": f"wgtip-{version}.duckdb",
        "sums": "SHA256SUMS",
    }
