"""SQL views of the SQLite and DuckDB databases: derived, so not part of the data package.

``provisions_annotated`` puts each provision's annotations beside it as JSON
arrays, so Datasette can facet provisions by addressee, strength and theme
(``_facet_array``), which it cannot do across a join. The DuckDB file has the
same view, made from the same columns (``ARRAYS``), with LISTs for arrays.

The view has no ORDER BY: the site orders it by ``position`` (its metadata's
``sort``), through the index on ``provisions.position``. Ordered inside, it
could not be merged into a query on it, so Datasette's count of its rows, run
for every page, computed every provision's arrays first: 0.52 s at 10^5 events,
0.001 s unordered.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .annotation_kinds import KINDS

ANNOTATED_VIEW = "provisions_annotated"
DESCRIPTION = (
    "Each provision with its annotations as JSON arrays (addressees in the direct role, the indirect role and any role, "
    "strength, themes, kinds of reference), for faceting; derived from provisions and the annotation tables. In SQL, ORDER BY position for document order."
)


@dataclass(frozen=True)
class ArrayColumn:
    """A column of the view: the distinct values of one annotation table's column for the provision, sorted."""

    name: str
    table: str
    column: str
    where: str
    description: str
    vocabulary: str  # whose terms the values are (vocabulary_terms.vocabulary)
    kind: str = ""  # the kind of annotation (annotation_kinds.Kind.name)
    qualifier: str = ""  # which of the kind's rows it counts, said beside its counts when the kind has several arrays

    @property
    def _and_where(self) -> str:
        return f" AND {self.where}" if self.where else ""

    @property
    def _rows(self) -> str:
        return f"FROM {self.table} x WHERE x.provision_id = p.provision_id{self._and_where}"

    def sqlite(self) -> str:
        return f"(SELECT json_group_array({self.column}) FROM (SELECT DISTINCT x.{self.column} {self._rows} ORDER BY x.{self.column}))"

    def duckdb(self) -> str:
        # a LIST, which DuckDB's own functions take (list_contains, unnest); [] rather than NULL when there is none,
        # as SQLite's json_group_array gives '[]'
        return f"coalesce((SELECT list(DISTINCT x.{self.column} ORDER BY x.{self.column}) {self._rows}), []::VARCHAR[])"

    def holding(self, param: str) -> str:
        """A condition on the view's rows, true exactly where this array holds the value ``:param``, that SQLite
        answers from the annotation table's index on the value rather than by computing each provision's array."""
        return f"provision_id IN (SELECT x.provision_id FROM {self.table} x WHERE x.{self.column} = :{param}{self._and_where})"

    def counts(self, rows_sql: str = f"SELECT provision_id FROM {ANNOTATED_VIEW}", limit: int | None = None) -> str:
        """How many of the provisions that ``rows_sql`` selects (a query on the view; by default all of it) hold each
        value of this array, most first, then by value: the numbers Datasette's array facet gives, which SQLite
        answers by joining the annotation table on its index on provision_id rather than by computing each
        provision's array."""
        return (
            f"SELECT x.{self.column} AS value, count(DISTINCT x.provision_id) AS count FROM ({rows_sql}) i "
            f"JOIN {self.table} x ON x.provision_id = i.provision_id{self._and_where} "
            f"GROUP BY x.{self.column} ORDER BY count DESC, value" + ("" if limit is None else f" LIMIT {limit}")
        )


PROVISION_COLUMNS = ("provision_id", "meeting", "paragraph", "item", "subitem", "level", "label", "position", "adoption", "standalone_text")
"""Columns of provisions the view shows (with their descriptions from the provisions table)."""

ARRAYS = tuple(ArrayColumn(a.name, k.table, k.column, a.where, a.description, k.vocabulary, k.name, a.qualifier) for k in KINDS if k.vocabulary is not None for a in k.arrays)
"""The view's arrays: those each kind of annotation declares (``annotation_kinds.KINDS``)."""


def _view_sql(dialect: str) -> str:
    arrays = ",\n       ".join(f"{getattr(a, dialect)()} AS {a.name}" for a in ARRAYS)
    return f"""
CREATE VIEW {ANNOTATED_VIEW} AS
SELECT {", ".join(f"p.{c}" for c in PROVISION_COLUMNS)},
       {arrays}
FROM provisions p
"""


VIEW_SQL = _view_sql("sqlite")
DUCKDB_VIEW_SQL = _view_sql("duckdb")
"""The same view in the DuckDB file, its arrays as LISTs of VARCHAR (in SQLite, JSON text: Datasette facets on it)."""

VIEWS = (ANNOTATED_VIEW,)
STORED_SQL = {ANNOTATED_VIEW: VIEW_SQL.strip()}
"""Each view's definition as SQLite keeps it in sqlite_master (to tell a file made by other code)."""
ARRAY_COLUMNS = {a.name: a.description for a in ARRAYS}


def arrays_by_kind() -> dict[str, tuple[ArrayColumn, ...]]:
    """The view's arrays of each kind of annotation, in the kind's order (most specific first)."""
    out: dict[str, tuple[ArrayColumn, ...]] = {}
    for a in ARRAYS:
        out[a.kind] = (*out.get(a.kind, ()), a)
    return out


"""Descriptions of the view's own columns; its other columns are those of provisions."""


def write_views(con: sqlite3.Connection) -> None:
    """Create the views (an ``extras`` step of the SQLite writer)."""
    con.execute(VIEW_SQL)


def write_duckdb_views(con: Any) -> None:
    """Create the views in the DuckDB file (an ``extras`` step of its writer)."""
    con.execute(DUCKDB_VIEW_SQL)
