"""The data package's descriptor as Data Package v2 (https://datapackage.org/standard/data-package/).

Made from the descriptor ``package.descriptor`` writes (the one table definition), which stays,
unchanged, the descriptor of the releases already published (Data Package v1): their bytes never
change. v2 adds what a reader needs to open the package without guessing: ``$schema``, each
resource's ``type: table`` and explicit CSV ``dialect``, the ``missingValues`` the CSV uses (the
empty string), foreign keys' fields as arrays, ``contributors``, ``created`` (the release's date,
never the clock), real types for the columns that hold a timestamp or JSON, and the ``categories``
of every coded column (with an ``enum`` constraint, which frictionless checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .. import metadata
from ..annotation_kinds import KINDS
from ..codes import FIXED, vocabulary_columns
from ..quality_statements import package_statement, table_statements
from ..tables import Row, VocabularyTerm, columns

PACKAGE_SCHEMA = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_SCHEMA = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA = "https://datapackage.org/profiles/2.0/tableschema.json"
DIALECT_SCHEMA = "https://datapackage.org/profiles/2.0/tabledialect.json"

DIALECT = {"$schema": DIALECT_SCHEMA, "header": True, "delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True}
"""How the package's CSV files are written (writers/values.py): declared, so no reader sniffs it (the npm
``datapackage`` reader sniffed ``"`` as the delimiter of provisions.csv)."""

MISSING_VALUES = [""]
"""A null is an empty field; no text of the source is empty."""

TYPES = {("events", "recorded_at"): "datetime", ("events", "data"): "object"}
"""Columns stored as text whose values have a type of their own in Table Schema: the recording time
(ISO 8601, UTC) and the event's payload (a JSON object)."""


VALUE_COLUMNS = {k.table: k.column for k in KINDS}
"""Each annotation table's value column: the column whose description states the kind's measured quality."""


def as_v2(desc: dict[str, Any], created: dt.date | None, terms: Iterable[Row] = (), quality: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The v1 descriptor ``desc`` as Data Package v2, ``created`` on the release's date (none for a build that is not a release),
    the coded columns' ``categories`` from ``codes.FIXED`` and the vocabularies' ``terms`` (rows of vocabulary_terms).
    ``quality``: the rows of annotation_quality (the log's latest measurement of each kind), which the package's description
    and each measured annotation table's description and value column state (v2 only: the v1 descriptors of the published
    releases never change)."""
    quality = list(quality)
    notes = table_statements(quality)
    out: dict[str, Any] = {"$schema": PACKAGE_SCHEMA}
    out.update({k: v for k, v in desc.items() if k not in ("profile", "resources")})
    if summary := package_statement(quality):
        out["description"] = f"{out['description']} {summary}"
    out["contributors"] = [{"title": metadata.AUTHOR, "roles": ["creator"]}]
    if created is not None:
        out["created"] = f"{created.isoformat()}T00:00:00Z"
    cats = categories(terms)
    out["resources"] = [_resource(r, cats, notes.get(r["name"])) for r in desc["resources"]]
    return out


def categories(terms: Iterable[Row]) -> dict[tuple[str, str], list[dict[str, str]]]:
    """(table, column) -> the column's categories (``{value, label}``): the fixed codes, and each
    vocabulary's terms in their order."""
    names = [c.name for c in columns(VocabularyTerm)]
    by_vocabulary: dict[str, list[dict[str, Any]]] = {}
    for row in terms:
        t = dict(zip(names, row, strict=True))
        by_vocabulary.setdefault(t["vocabulary"], []).append(t)
    out = {key: [{"value": code, "label": label} for code, label in codes.items()] for key, codes in FIXED.items()}
    for key, vocabulary in vocabulary_columns().items():
        ordered = sorted(by_vocabulary.get(vocabulary, []), key=lambda t: t["position"])
        out[key] = [{"value": t["code"], "label": t["label"]} for t in ordered]
    return out


def _resource(r: dict[str, Any], cats: dict[tuple[str, str], list[dict[str, str]]], note: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"$schema": RESOURCE_SCHEMA, "type": "table"}
    out.update({k: v for k, v in r.items() if k not in ("profile", "schema")})
    if note:
        out["description"] = f"{out['description']} {note}"
    out["dialect"] = DIALECT
    out["schema"] = _schema(r["name"], r["schema"], cats, note)
    return out


def _field(table: str, f: dict[str, Any], cats: dict[tuple[str, str], list[dict[str, str]]], note: str | None) -> dict[str, Any]:
    out = {**f, "type": TYPES.get((table, f["name"]), f["type"])}
    if note and f["name"] == VALUE_COLUMNS.get(table):
        out["description"] = f"{f['description']} {note}"
    listed = cats.get((table, f["name"]))
    if listed:
        # categories label the codes; frictionless does not check them, so the enum constraint does
        out["categories"] = listed
        out["constraints"] = {**out.get("constraints", {}), "enum": [c["value"] for c in listed]}
    return out


def _schema(table: str, s: dict[str, Any], cats: dict[tuple[str, str], list[dict[str, str]]], note: str | None = None) -> dict[str, Any]:
    fields = [_field(table, f, cats, note) for f in s["fields"]]
    out: dict[str, Any] = {"$schema": TABLE_SCHEMA, "fields": fields, "missingValues": MISSING_VALUES, "primaryKey": s["primaryKey"]}
    if "foreignKeys" in s:
        out["foreignKeys"] = [_foreign_key(fk) for fk in s["foreignKeys"]]
    return out


def _foreign_key(fk: dict[str, Any]) -> dict[str, Any]:
    ref = {"fields": [fk["reference"]["fields"]]}
    if fk["reference"]["resource"]:  # v2: a key to the table itself names no resource
        ref = {"resource": fk["reference"]["resource"], **ref}
    return {"fields": [fk["fields"]], "reference": ref}
