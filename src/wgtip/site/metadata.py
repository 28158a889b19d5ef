"""Datasette's metadata, generated: tables and columns from src/wgtip/tables.py, the dataset from
src/wgtip/metadata.py, the version and sources from the built datapackage.json.

The presentation choices (which columns to facet on, the label column shown
for a foreign key, the default sort) live in src/wgtip/presentation.py; each
names columns of the models and is checked here against them, so a renamed
column fails loudly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import metadata as dataset
from .. import search, views
from ..annotation_kinds import KINDS
from ..presentation import PRESENTATION, Presentation
from ..tables import TABLES, Column, Provision, columns, description_of, name_of, table_of, title_of
from .queries import canned_queries

DATABASE = "wgtip"
"""Datasette names the database after the file's stem (build/wgtip.sqlite)."""
ARRAY_FACET = "annotation_array"
"""The facet type of the annotated view's arrays (plugin wgtip_annotation_arrays): Datasette's array facet
counts the same, but computes every provision's arrays to do so."""


def long_text_columns() -> list[str]:
    """Names of the columns of long text in any table (``Column.long_text``): the site's style gives
    them room on table and query pages (a view or a query showing one names it alike)."""
    return sorted({c.name for model in TABLES for c in columns(model) if c.long_text})


def wide_text_columns() -> list[str]:
    """Names of the columns whose long text runs to whole paragraphs (``Column.wide``: the vocabularies'
    definitions): at the width of other long texts, a definition stood 30 lines tall."""
    return sorted({c.name for model in TABLES for c in columns(model) if c.wide})


def package_info(root: Path) -> dict[str, Any]:
    """What the site shows of the built package: version and sources (datapackage.json is the record)."""
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return {"version": desc["version"], "sources": desc.get("sources", [])}


def _check(model: type, names: list[str | None]) -> None:
    known = {c.name for c in columns(model)}
    for n in names:
        if n is not None and n not in known:
            raise ValueError(f"site presentation of {name_of(model)} names unknown column {n!r}")


def bilingual(c: Column) -> str:
    """A column's description for the site: English, then Chinese."""
    return f"{c.description} {c.description_zh}"


def term_columns(table: str) -> dict[str, str]:
    """The columns of a table (or of the annotated view) whose values are a vocabulary's codes, and the vocabulary:
    the annotation tables' (``annotation_kinds.KINDS``) and the view's arrays."""
    if table == views.ANNOTATED_VIEW:
        return {a.name: a.vocabulary for a in views.ARRAYS}
    return {column: vocabulary for k in KINDS if k.table == table for column, vocabulary in k.vocabulary_columns().items()}


def view_foreign_labels() -> dict[str, tuple[str, str, str]]:
    """The annotated view's columns that are foreign keys in provisions, each with the table, key and label column
    that Datasette shows for it on the provisions table (a view has no foreign keys, so its facets show only the
    key): meeting -> (meetings, meeting, heading)."""
    labels = {name_of(m): p.label for m, p in PRESENTATION.items() if p.label}
    found = {}
    for column in views.PROVISION_COLUMNS:
        for fk in table_of(Provision).c[column].foreign_keys:
            table, key = fk.target_fullname.split(".")
            if table in labels:
                found[column] = (table, key, labels[table])
    return found


def table_metadata(model: type) -> dict[str, Any]:
    p = PRESENTATION.get(model, Presentation())
    _check(model, [p.label, p.sort, *p.facets])
    out: dict[str, Any] = {
        "title": f"{title_of(model)} · {title_of(model, 'zh')}",
        "description": f"{description_of(model)} {description_of(model, 'zh')}",
        "columns": {c.name: bilingual(c) for c in columns(model)},
    }
    if p.label:
        out["label_column"] = p.label
    if p.sort:
        out["sort"] = p.sort
    if p.facets:
        out["facets"] = list(p.facets)
    return out


def datasette_metadata(root: Path, plugin_config: dict[str, Any] | None = None) -> dict[str, Any]:
    info = package_info(root)
    tables = {name_of(m): table_metadata(m) for m in TABLES}
    # Datasette's search on the provisions page goes through the derived index, whose rowid is the position:
    # "position in (select rowid ...)" reads the position index in page order (see search.SearchIndex)
    # the annotated view has the same position column, so it is searched the same way
    search_through_index = {"fts_table": search.SEARCH_TABLE, "fts_pk": search.ORDER_COLUMN, "searchmode": "escaped"}
    tables[search.SEARCHED_TABLE].update(search_through_index)
    tables[search.SEARCH_TABLE] = {"title": "Search index (derived)", "description": search.DESCRIPTION, "hidden": True}
    tables[views.ANNOTATED_VIEW] = {
        "title": "Provisions with their annotations · 建议条文及标注",
        "description": views.DESCRIPTION,
        "columns": {**{k: v for k, v in tables["provisions"]["columns"].items() if k in views.PROVISION_COLUMNS}, **views.ARRAY_COLUMNS},
        "sort": "position",
        **search_through_index,
        "facets": ["meeting", "level", "adoption", *({ARRAY_FACET: a.name} for a in views.ARRAYS)],
    }
    source = "; ".join(s["title"] for s in info["sources"])
    meta: dict[str, Any] = {
        "title": dataset.TITLE,
        "description": f"{dataset.DESCRIPTION} Version {info['version']}.",
        "license": dataset.LICENSE["title"],
        "license_url": dataset.LICENSE["path"],
        "source": source,
        "databases": {
            DATABASE: {
                "title": dataset.TITLE_ZH,
                "description": dataset.DESCRIPTION_ZH,
                "tables": tables,
                "queries": canned_queries(),
            }
        },
    }
    if dataset.HOMEPAGE:
        meta.update({"about": "wgtip", "about_url": dataset.HOMEPAGE})
    if plugin_config is not None:
        meta["plugins"] = {"wgtip": plugin_config}
    return meta
