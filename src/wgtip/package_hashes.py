"""The data package a fold makes, as the sizes and SHA-256s of its files: what a release records
and ``wgtip verify`` compares, computed as the CSV files are made (``CsvDigest``), none written."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from .folded import Folded, Hashes, fold_tables
from .log import LoggedEvent
from .metadata import Identifiers
from .paths import DESCRIPTOR
from .tables import Layout
from .writers.package import CsvDigest, descriptor, descriptor_bytes, sources
from .writers.package_v2 import as_v2


def hashes_of(files: dict[str, bytes]) -> Hashes:
    return {path: (len(data), hashlib.sha256(data).hexdigest()) for path, data in files.items()}


def fold_hashes(events: Iterable[LoggedEvent], layout_after: Callable[[LoggedEvent | None], Layout]) -> Folded:
    """The package's CSV files as ``fold_tables`` makes them, hashed, written nowhere."""
    return fold_tables(events, layout_after, CsvDigest)


def package_descriptor(folded: Folded, ids: Identifiers | None = None) -> bytes:
    """The package's datapackage.json: Data Package v2 for the current build (with the dataset's
    homepage, if ``ids`` has one); for a release (``ids`` None), the descriptor of its release format:
    v1 for format 1 (the releases up to 1.1.0 were published so), else v2 without the settings'
    addresses, which may change after it."""
    desc = descriptor(folded.stats, folded.version, {"sources": sources(folded.source_documents)}, folded.layout)
    if ids is None and folded.release_format == 1:
        return descriptor_bytes(desc)
    if ids is not None and ids.homepage:
        desc = {**{k: v for k, v in desc.items() if k != "resources"}, "homepage": ids.homepage, "resources": desc["resources"]}
    return descriptor_bytes(as_v2(desc, folded.dataset.published_on, folded.vocabulary_terms, folded.quality))


def package_hashes(folded: Folded, ids: Identifiers | None = None) -> Hashes:
    """Every file of the package, datapackage.json too (see ``package_descriptor``)."""
    return {**folded.csv_hashes(), **hashes_of({DESCRIPTOR: package_descriptor(folded, ids)})}
