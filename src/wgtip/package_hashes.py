"""The data package a fold makes, as the sizes and SHA-256s of its files: what a release records
and ``wgtip verify`` compares, computed as the CSV files are made (``CsvDigest``), none written."""

from __future__ import annotations

import hashlib
from typing import Callable, Iterable

from .folded import Folded, Hashes, fold_tables
from .log import LoggedEvent
from .paths import DESCRIPTOR
from .tables import Layout
from .writers.package import CsvDigest, descriptor, descriptor_bytes, sources


def hashes_of(files: dict[str, bytes]) -> Hashes:
    return {path: (len(data), hashlib.sha256(data).hexdigest()) for path, data in files.items()}


def fold_hashes(events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout]) -> Folded:
    """The package's CSV files as ``fold_tables`` makes them, hashed, written nowhere."""
    return fold_tables(events, layout_after, CsvDigest)


def package_descriptor(folded: Folded) -> bytes:
    """The package's datapackage.json."""
    return descriptor_bytes(descriptor(folded.stats, folded.version, {"sources": sources(folded.source_documents)}, folded.layout))


def package_hashes(folded: Folded) -> Hashes:
    """Every file of the package, datapackage.json too."""
    return {**folded.csv_hashes(), **hashes_of({DESCRIPTOR: package_descriptor(folded)})}
