"""What the self-describing outputs (the DuckDB file's comments, the Parquet files' metadata) say of
each table and column: what the package's descriptor says, so that the three agree. The v2
descriptor adds to the model's descriptions (the measured quality of the annotation tables); without
a descriptor, the model's own descriptions."""

from __future__ import annotations

from typing import Any

from ..tables import TABLES, columns, description_of, name_of

Described = dict[str, tuple[str, dict[str, str]]]
"""Table name -> its description, and each column's (by name)."""


def from_model() -> Described:
    return {name_of(m): (description_of(m), {c.name: c.description for c in columns(m)}) for m in TABLES}


def from_descriptor(desc: dict[str, Any]) -> Described:
    return {r["name"]: (r["description"], {f["name"]: f["description"] for f in r["schema"]["fields"]}) for r in desc["resources"]}
