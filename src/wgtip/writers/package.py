"""The Frictionless data package: one CSV per table and ``datapackage.json``.

The Table Schema of each resource is generated from the table's model, with
the file's size and SHA-256 recorded, so a downloaded copy can be checked.
Bytes are deterministic: UTF-8, ``\\n`` line ends, rows in the fold's order,
JSON with sorted-free but fixed key order and a final newline.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any, Iterable

from .. import metadata
from ..tables import TABLES, Row, SourceDocument, columns, description_of, name_of, primary_key, title_of
from .values import csv_text

DATA_DIR = "data"
DESCRIPTOR = "datapackage.json"


Layout = dict[str, list[str]]
"""Table name -> the columns to write, in order (a past release's layout; default: every table, every column)."""


def current_layout() -> Layout:
    return {name_of(m): [c.name for c in columns(m)] for m in TABLES}


class CsvEncoder:
    """How a table's rows are spelled in CSV: the one definition, for whole files and streams alike.

    ``fields`` picks and orders the columns (a past release's layout). The csv
    module already spells None as "", an int as str(int) and a date in ISO
    form, exactly as ``csv_text`` does; only booleans differ ("True" vs
    "true"), so only they (and picked layouts) pay a per-row step."""

    def __init__(self, model: Any, fields: list[str] | None = None):
        cols = columns(model)
        names = [c.name for c in cols]
        self.names = fields or names
        pick = [names.index(f) for f in self.names]
        booleans = [j for j, i in enumerate(pick) if cols[i].kind == "boolean"]

        def spell(row: Row) -> list[Any]:
            out = [row[i] for i in pick] if picked else list(row)
            for j in booleans:
                out[j] = csv_text(out[j])
            return out

        picked = pick != list(range(len(names)))
        self.spell = spell if booleans or picked else None
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\n")

    def _take(self) -> bytes:
        out = self.buf.getvalue().encode("utf-8")
        self.buf.seek(0)
        self.buf.truncate()
        return out

    def header(self) -> bytes:
        self.writer.writerow(self.names)
        return self._take()

    def rows(self, rows: Iterable[Row]) -> bytes:
        self.writer.writerows(map(self.spell, rows) if self.spell else rows)
        return self._take()


def csv_bytes(model: Any, rows: Iterable[Row], fields: list[str] | None = None) -> bytes:
    enc = CsvEncoder(model, fields)
    return enc.header() + enc.rows(rows)


class CsvFile:
    """A table's CSV file written as batches of rows arrive, with its size and SHA-256 for the descriptor."""

    def __init__(self, model: Any, path: Path, fields: list[str] | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.enc, self.fh, self.size, self.sha256 = CsvEncoder(model, fields), open(path, "wb"), 0, hashlib.sha256()
        self._put(self.enc.header())

    def write(self, rows: Iterable[Row]) -> None:
        self._put(self.enc.rows(rows))

    def _put(self, chunk: bytes) -> None:
        self.fh.write(chunk)
        self.size += len(chunk)
        self.sha256.update(chunk)

    def close(self) -> tuple[int, str]:
        """Close the file; return its size in bytes and its SHA-256."""
        self.fh.close()
        return self.size, self.sha256.hexdigest()


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
        resources.append({
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
        })
    desc: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": metadata.NAME,
        "title": metadata.TITLE,
        "description": metadata.DESCRIPTION,
        "version": version,
        "licenses": [metadata.LICENSE],
        "keywords": list(metadata.KEYWORDS),
    }
    if metadata.HOMEPAGE:
        desc["homepage"] = metadata.HOMEPAGE
    desc.update(extra or {})
    desc["resources"] = resources
    return desc


def sources(tables: dict[str, list[Row]]) -> list[dict[str, str]]:
    """The package's sources: the registered source documents."""
    names = [c.name for c in columns(SourceDocument)]
    out = []
    for row in tables[name_of(SourceDocument)]:
        d = dict(zip(names, row))
        out.append({"title": f"{d['body']}: {d['title']} ({d['subtitle']}, {d['distributed_on']}, {d['language']})", "path": d["path"], "sha256": d["sha256"]})
    return out


def package_files(tables: dict[str, list[Row]], version: str, extra: dict[str, Any] | None = None, layout: Layout | None = None) -> dict[str, bytes]:
    """Every file of the package, by path relative to the package root."""
    layout = layout or current_layout()
    csvs = {name_of(m): csv_bytes(m, tables[name_of(m)], layout[name_of(m)]) for m in TABLES if name_of(m) in layout}
    desc = descriptor(csvs, version, {"sources": sources(tables), **(extra or {})}, layout)
    out = {f"{DATA_DIR}/{name}.csv": data for name, data in csvs.items()}
    out[DESCRIPTOR] = descriptor_bytes(desc)
    return out


def descriptor_bytes(desc: dict[str, Any]) -> bytes:
    return (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_package(files: dict[str, bytes], target: Path) -> None:
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
