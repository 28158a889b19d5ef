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
from typing import Any

from .. import metadata
from ..tables import TABLES, Row, SourceDocument, columns, description_of, name_of, primary_key, title_of
from .values import csv_text

DATA_DIR = "data"
DESCRIPTOR = "datapackage.json"


Layout = dict[str, list[str]]
"""Table name -> the columns to write, in order (a past release's layout; default: every table, every column)."""


def current_layout() -> Layout:
    return {name_of(m): [c.name for c in columns(m)] for m in TABLES}


def csv_bytes(model: Any, rows: list[Row], fields: list[str] | None = None) -> bytes:
    names = [c.name for c in columns(model)]
    fields = fields or names
    pick = [names.index(f) for f in fields]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(fields)
    if pick == list(range(len(names))):
        writer.writerows([csv_text(v) for v in row] for row in rows)
    else:
        writer.writerows([csv_text(row[i]) for i in pick] for row in rows)
    return buf.getvalue().encode("utf-8")


def table_schema(model: Any, fields: list[str] | None = None) -> dict[str, Any]:
    fields_out = []
    keep = set(fields or [c.name for c in columns(model)])
    for c in columns(model):
        if c.name not in keep:
            continue
        f: dict[str, Any] = {"name": c.name, "type": c.kind, "description": c.description}
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


def descriptor(files: dict[str, bytes], version: str, extra: dict[str, Any] | None = None, layout: Layout | None = None) -> dict[str, Any]:
    layout = layout or current_layout()
    resources = []
    for model in TABLES:
        name = name_of(model)
        if name not in layout:
            continue
        data = files[name]
        resources.append({
            "name": name,
            "title": title_of(model),
            "description": description_of(model),
            "path": f"{DATA_DIR}/{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
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
    out[DESCRIPTOR] = (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out


def write_package(files: dict[str, bytes], target: Path) -> None:
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
