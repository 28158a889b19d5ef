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

from .. import licence, search, views
from .. import metadata as dataset
from ..annotation_kinds import KINDS
from ..metadata import identifiers
from ..presentation import PRESENTATION, Presentation
from ..tables import TABLES, Column, Provision, columns, description_of, name_of, table_of, title_of
from .databases import CURRENT
from .queries import canned_queries

DATABASE = CURRENT
"""The current build's database (``databases.CURRENT``)."""
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


def facet_qualifiers(table: str) -> dict[str, str]:
    """The annotated view's arrays that count only some of their kind's annotations, each with what it counts
    (addressees: direct role; addressees_any: any role), which the site says beside the array's facet."""
    return {a.name: a.qualifier for a in views.ARRAYS if a.qualifier} if table == views.ANNOTATED_VIEW else {}


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


def table_metadata(model: type, present: set[str] | None = None) -> dict[str, Any]:
    """A table's metadata; with ``present`` (the columns a release's table has), only those columns."""
    p = PRESENTATION.get(model, Presentation())
    _check(model, [p.label, p.sort, *p.facets])
    out: dict[str, Any] = {
        "title": f"{title_of(model)} · {title_of(model, 'zh')}",
        "description": f"{description_of(model)} {description_of(model, 'zh')}",
        "columns": {c.name: bilingual(c) for c in columns(model) if present is None or c.name in present},
    }
    if p.label and (present is None or p.label in present):
        out["label_column"] = p.label
    if p.sort and (present is None or p.sort in present):
        out["sort"] = p.sort
    facets = [f for f in p.facets if present is None or f in present]
    if facets:
        out["facets"] = facets
    return out


Tables = dict[str, set[str]]
"""A database's tables (and views), each with its columns."""


def tables_metadata(present: Tables | None = None) -> dict[str, Any]:
    """The metadata of a database's tables and views: every table of the models, the search index and the annotated
    view; with ``present`` (a release's database), only the tables and columns it has, and the view if it has it."""
    tables = {name_of(m): table_metadata(m, None if present is None else present[name_of(m)]) for m in TABLES if present is None or name_of(m) in present}
    # Datasette's search on the provisions page goes through the derived index, whose rowid is the position:
    # "position in (select rowid ...)" reads the position index in page order (see search.SearchIndex)
    # the annotated view has the same position column, so it is searched the same way
    search_through_index = {"fts_table": search.SEARCH_TABLE, "fts_pk": search.ORDER_COLUMN, "searchmode": "escaped"}
    tables[search.SEARCHED_TABLE].update(search_through_index)
    tables[search.SEARCH_TABLE] = {"title": "Search index (derived)", "description": search.DESCRIPTION, "hidden": True}
    if present is None or views.ANNOTATED_VIEW in present:
        tables[views.ANNOTATED_VIEW] = {
            "title": "Provisions with their annotations · 建议条文及标注",
            "description": views.DESCRIPTION,
            "columns": {**{k: v for k, v in tables["provisions"]["columns"].items() if k in views.PROVISION_COLUMNS}, **views.ARRAY_COLUMNS},
            "sort": "position",
            **search_through_index,
            "facets": ["meeting", "level", "adoption", *({ARRAY_FACET: a.name} for a in views.ARRAYS)],
        }
    return tables


def release_metadata(version: str, present: Tables) -> dict[str, Any]:
    """A release's database: the tables it has, the canned queries, and what it is."""
    return {
        "title": f"Release {version} · {version} 版",
        "description": (
            f"The data exactly as published in release {version}, served as its own database: its pages, search and "
            f"citations are those of release {version}. The published SQLite file is a download; the site serves a copy "
            f"to which it adds a search index and views. 按 {version} 版发布时的数据。"
        ),
        "tables": tables_metadata(present),
        "queries": canned_queries(),
    }


def datasette_metadata(root: Path, plugin_config: dict[str, Any] | None = None, releases: dict[str, tuple[str, Tables]] | None = None) -> dict[str, Any]:
    """Datasette's metadata: the dataset, the current build's database (``DATABASE``, every table), and each
    release's (``releases``: database name -> its version and tables)."""
    info = package_info(root)
    source = "; ".join(s["title"] for s in info["sources"])
    meta: dict[str, Any] = {
        "title": dataset.TITLE,
        "description": f"{dataset.DESCRIPTION} Version {info['version']}.",
        "license": f"{licence.DATA['title']} (this project's additions); the United Nations' terms of use (its text)",
        "license_url": licence.DATA["path"],
        "source": source,
        "databases": {
            DATABASE: {
                "title": dataset.TITLE_ZH,
                "description": dataset.DESCRIPTION_ZH,
                "tables": tables_metadata(),
                "queries": canned_queries(),
            },
            **{name: release_metadata(version, present) for name, (version, present) in (releases or {}).items()},
        },
    }
    ids = identifiers(root)
    if ids.url:
        meta.update({"about": "About the dataset", "about_url": ids.url})
    if plugin_config is not None:
        meta["plugins"] = {"wgtip": plugin_config}
    return meta


PERMISSION_KEYS = ("allow", "allow_sql")


def permission_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """The permission blocks of Datasette metadata alone (``allow``, ``allow_sql`` at the top, per database, per
    table and per canned query), in the same places: what Datasette's table permission check reads."""

    def blocks(d: dict[str, Any]) -> dict[str, Any]:
        return {k: d[k] for k in PERMISSION_KEYS if k in d}

    out = blocks(meta)
    if isinstance(meta.get("tables"), dict):
        out["tables"] = {t: blocks(c) for t, c in meta["tables"].items() if isinstance(c, dict) and blocks(c)}
    databases = {}
    for name, db in (meta.get("databases") or {}).items():
        d = blocks(db)
        for part in ("tables", "queries"):
            found = {t: blocks(c) for t, c in (db.get(part) or {}).items() if isinstance(c, dict) and blocks(c)}
            if found:
                d[part] = found
        databases[name] = d
    if databases:
        out["databases"] = databases
    return out
