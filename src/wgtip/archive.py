"""A byte-reproducible zip of a data package: fixed timestamps, sorted entries, fixed permissions.

The files are streamed from disk, a megabyte at a time: a package at a million events is
4 GB of CSV, which need not be in memory to be zipped.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
LEVEL = 9


def write_zip(files: dict[str, Path], target: Path, folder: str = "") -> None:
    """Zip ``files`` (path inside the package -> file on disk) into ``target``, under ``folder/`` if one is given."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{rel}" if folder else rel, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = LEVEL  # type: ignore[attr-defined]  # private, so not in the stubs: what ZipFile.writestr sets; ZipFile.open(info) takes the level from the info
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, so the permissions above are read as such
            # the size up front, as writestr knows it: it decides whether the entry gets ZIP64 fields
            info.file_size = files[rel].stat().st_size
            with open(files[rel], "rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
