"""SQL views of the SQLite database: derived, so not part of the data package.

``provisions_annotated`` puts each provision's annotations beside it as JSON
arrays, so Datasette can facet provisions by addressee, strength and theme
(``_facet_array``), which it cannot do across a join.

The view has no ORDER BY: the site orders it by ``position`` (its metadata's
``sort``), through the index on ``provisions.position``. Ordered inside, it
could not be merged into a query on it, so Datasette's count of its rows, run
for every page, computed every provision's arrays first: 0.52 s at 10^5 events,
0.001 s unordered.
"""

from __future__ import annotations

import sqlite3

ANNOTATED_VIEW = "provisions_annotated"
DESCRIPTION = (
    "Each provision with its annotations as JSON arrays (direct addressees, strength, themes, kinds of "
    "reference), for faceting; derived from provisions and the annotation tables. In SQL, ORDER BY position for document order."
)


def _array(table: str, column: str, where: str = "") -> str:
    extra = f" AND {where}" if where else ""
    return (
        f"(SELECT json_group_array({column}) FROM (SELECT DISTINCT x.{column} FROM {table} x "
        f"WHERE x.provision_id = p.provision_id{extra} ORDER BY x.{column}))"
    )


PROVISION_COLUMNS = ("provision_id", "meeting", "paragraph", "item", "subitem", "level", "label", "position", "adoption", "standalone_text")
"""Columns of provisions the view shows (with their descriptions from the provisions table)."""

VIEW_SQL = f"""
CREATE VIEW {ANNOTATED_VIEW} AS
SELECT {", ".join(f"p.{c}" for c in PROVISION_COLUMNS)},
       {_array("provision_addressees", "addressee", "x.role = 'direct'")} AS addressees,
       {_array("provision_strength", "strength")} AS strength,
       {_array("provision_themes", "theme")} AS themes,
       {_array("provision_references", "kind")} AS reference_kinds
FROM provisions p
"""

VIEWS = (ANNOTATED_VIEW,)
STORED_SQL = {ANNOTATED_VIEW: VIEW_SQL.strip()}
"""Each view's definition as SQLite keeps it in sqlite_master (to tell a file made by other code)."""
ARRAY_COLUMNS = {
    "addressees": "Codes of the provision's direct addressees (vocabulary addressee), as a JSON array.",
    "strength": "Codes of the modal force of its wording (vocabulary strength), as a JSON array.",
    "themes": "Codes of its themes (vocabulary theme), as a JSON array.",
    "reference_kinds": "Kinds of its cross-references (vocabulary reference_kind), as a JSON array.",
}
"""Descriptions of the view's own columns; its other columns are those of provisions."""


def write_views(con: sqlite3.Connection) -> None:
    """Create the views (an ``extras`` step of the SQLite writer)."""
    con.execute(VIEW_SQL)
