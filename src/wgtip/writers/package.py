"""The Frictionless data package: one CSV per table and ``datapackage.json``.

The Table Schema of each resource is generated from the table's model, with
the file's size and SHA-256 recorded, so a downloaded copy can be checked.
Bytes are deterministic: UTF-8, ``\\n`` line ends, rows in the fold's order,
JSON with sorted-free but fixed key order and a final newline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import metadata
from ..paths import DATA_DIR, DESCRIPTOR
from ..tables import TABLES, Layout, Row, SourceDocument, columns, current_layout, description_of, name_of, primary_key, title_of
from .values import csv_text


def quote(value: Any) -> str:
    """A string field as the csv module's ``QUOTE_MINIMAL`` spells it: quoted when it holds a comma, a
    double quote (doubled), a line feed or a carriage return (as Python 3.13 does; 3.11 left a lone
    ``\\r`` unquoted, which no reader reads back); otherwise as it is."""
    try:
        if '"' in value:
            return '"' + value.replace('"', '""') + '"'
        if "," in value or "\n" in value or "\r" in value:
            return '"' + value + '"'
        return value
    except TypeError:  # not a str: spelled as the csv module would, then quoted as needed
        return "" if value is None else quote(str(value))


BOOLEANS = {v: csv_text(v) for v in (True, False, None)}  # looked up per field, spelled by the one definition


def _field(kind: str, nullable: bool, i: int) -> str:
    """The f-string part spelling field ``i`` of a row ``r``, for a column of this kind."""
    if kind == "boolean":
        return f"{{B[r[{i}]]}}"
    if kind == "string":
        return f"{{'' if r[{i}] is None else q(r[{i}])}}" if nullable else f"{{q(r[{i}])}}"
    # integers and dates: str() is their spelling (an ISO date), and never needs quoting
    return f"{{'' if r[{i}] is None else r[{i}]}}" if nullable else f"{{r[{i}]}}"


class CsvEncoder:
    """How a table's rows are spelled in CSV: the one definition, for whole files and streams alike.

    The bytes are those of the csv module (``QUOTE_MINIMAL``, ``\\n`` line ends, ``\\r`` quoted), with
    booleans as ``true``/``false`` (``csv_text``), and with None and "" both empty: the files of
    published releases were written by it, and ``tests/test_csv_encoding.py`` compares the two.
    It is not used, because it scans every character through a per-character loop; here each
    row is one f-string compiled for the table's columns (``fields`` picks and orders them, for
    a past release's layout), and a field is scanned by ``str``'s own search: three times as fast."""

    def __init__(self, model: Any, fields: list[str] | None = None):
        cols = columns(model)
        names = [c.name for c in cols]
        self.names = fields or names
        pick = [names.index(f) for f in self.names]
        if len(pick) < 2:
            raise ValueError(f"{name_of(model)}: a one-column CSV needs the csv module's special case for an empty row")
        line = "".join(("," if j else "") + _field(cols[i].kind, cols[i].nullable, i) for j, i in enumerate(pick))
        self.line = eval(f'lambda r: f"{line}\\n"', {"q": quote, "B": BOOLEANS})  # noqa: S307 - code made above from column kinds, no data

    def header(self) -> bytes:
        return (",".join(map(quote, self.names)) + "\n").encode("utf-8")

    def rows(self, rows: Iterable[Row]) -> bytes:
        return "".join(map(self.line, rows)).encode("utf-8")


def csv_bytes(model: Any, rows: Iterable[Row], fields: list[str] | None = None) -> bytes:
    enc = CsvEncoder(model, fields)
    return enc.header() + enc.rows(rows)


class CsvDigest:
    """A table's CSV as batches of rows arrive, counted and hashed but not kept: what a check of a
    package needs (``wgtip verify``), and what ``CsvFile`` records of the file it writes."""

    def __init__(self, model: Any, fields: list[str] | None = None):
        self.enc, self.size, self.sha256 = CsvEncoder(model, fields), 0, hashlib.sha256()
        self._put(self.enc.header())

    def write(self, rows: Iterable[Row]) -> None:
        self._put(self.enc.rows(rows))

    def _put(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.sha256.update(chunk)

    def close(self) -> tuple[int, str]:
        """The CSV's size in bytes and its SHA-256."""
        return self.size, self.sha256.hexdigest()


class CsvFile(CsvDigest):
    """A table's CSV file written as batches of rows arrive, with its size and SHA-256 for the descriptor."""

    def __init__(self, model: Any, path: Path, fields: list[str] | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "wb")  # noqa: SIM115 (open while batches arrive: close() closes it)
        super().__init__(model, fields)

    def _put(self, chunk: bytes) -> None:
        self.fh.write(chunk)
        super()._put(chunk)

    def close(self) -> tuple[int, str]:
        """Close the file; return its size in bytes and its SHA-256."""
        self.fh.close()
        return super().close()


def table_schema(model: Any, fields: list[str] | None = None) -> dict[str, Any]:
    fields_out = []
    keep = set(fields or [c.name for c in columns(model)])
    for c in columns(model):
        if c.name not in keep:
            continue
        f: dict[str, Any] = {"name": c.name, "type": c.kind, "description": c.description, "description_zh": c.description_zh}
        if not c.nullable:
            f["constraints"] = {"required": True}
        fields_out.append(f)
    schema: dict[str, Any] = {"fields": fields_out, "primaryKey": primary_key(model)}
    fks = [
        {"fields": c.name, "reference": {"resource": "" if table == name_of(model) else table, "fields": col}}
        for c in columns(model)
        if c.references and c.name in keep
        for table, col in [c.references]
    ]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def descriptor(files: dict[str, bytes] | dict[str, tuple[int, str]], version: str, extra: dict[str, Any] | None = None, layout: Layout | None = None) -> dict[str, Any]:
    """The descriptor; ``files`` gives each table's CSV, as bytes or as (size, SHA-256)."""
    layout = layout or current_layout()
    resources = []
    for model in TABLES:
        name = name_of(model)
        if name not in layout:
            continue
        data = files[name]
        size, sha = (len(data), hashlib.sha256(data).hexdigest()) if isinstance(data, bytes) else data
        resources.append(
            {
                "name": name,
                "title": title_of(model),
                "title_zh": title_of(model, "zh"),
                "description": description_of(model),
                "description_zh": description_of(model, "zh"),
                "path": f"{DATA_DIR}/{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": size,
                "hash": "sha256:" + sha,
                "schema": table_schema(model, layout[name]),
            }
        )
    desc: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": metadata.NAME,
        "title": metadata.TITLE,
        "description": metadata.DESCRIPTION,
        "version": version,
        "licenses": [metadata.LICENSE],
        "keywords": list(metadata.KEYWORDS),
    }
    desc.update(extra or {})
    desc["resources"] = resources
    return desc


def sources(documents: Iterable[Row]) -> list[dict[str, str]]:
    """The package's sources: the registered source documents (the rows of ``source_documents``)."""
    names = [c.name for c in columns(SourceDocument)]
    out = []
    for row in documents:
        d = dict(zip(names, row, strict=True))
        out.append({"title": f"{d['body']}: {d['title']} ({d['subtitle']}, {d['distributed_on']}, {d['language']})", "path": d["path"], "sha256": d["sha256"]})
    return out


def package_files(tables: dict[str, list[Row]], version: str, extra: dict[str, Any] | None = None, layout: Layout | None = None) -> dict[str, bytes]:
    """Every file of the package, by path relative to the package root."""
    layout = layout or current_layout()
    csvs = {name_of(m): csv_bytes(m, tables[name_of(m)], layout[name_of(m)]) for m in TABLES if name_of(m) in layout}
    desc = descriptor(csvs, version, {"sources": sources(tables[name_of(SourceDocument)]), **(extra or {})}, layout)
    out = {f"{DATA_DIR}/{name}.csv": data for name, data in csvs.items()}
    out[DESCRIPTOR] = descriptor_bytes(desc)
    return out


def descriptor_bytes(desc: dict[str, Any]) -> bytes:
    return (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
