"""Indexes of the SQLite database: derived, so not part of the data package.

Without them a big build is slow to browse. Datasette's row page counts, for each foreign key
that points at the row's table, the rows that point at this one, and its table pages sort and
facet whole tables: each a scan of the table. At 10^5 events a provision's row page took 230 ms
and the provisions table page 550 ms; at 10^6 such scans pass the site's time limit. So the
SQLite file indexes

- every foreign-key column (for those counts, and for anyone's joins), and
- every column the site sorts or facets a table by (``presentation.PRESENTATION``),
- what a canned query needs besides (``presentation.QUERY_INDEXES``),

except a column that already leads its table's primary key. They are made once every row is in
(one sort per index, cheaper than keeping them up to date while inserting) and after the search
index is merged, so they fill the pages it freed.

Then ``ANALYZE`` records how selective each index is (``sqlite_stat1``, which Datasette hides).
Without it SQLite's planner takes any two equality constraints as equally selective: the view of
annotated provisions looked up each provision's addressees through the index on ``role`` (nearly
every row 'direct') instead of ``provision_id``, and the canned timeline counted each meeting's
provisions through the index on ``adoption``: at 10^5 events the site's own link
``provisions_annotated?addressees__arraycontains=unodc`` took 46 s and the timeline 48 s (0.17 s and
0.18 s with the statistics; ANALYZE itself takes 0.6 s there, 3 s at 10^6). The statistics are counts over every index,
so the same rows give the same statistics. The DuckDB file needs none: it scans columns,
and keeps its own zone maps.
"""

from __future__ import annotations

import sqlite3

from .presentation import PRESENTATION, QUERY_INDEXES, Presentation
from .tables import TABLES, columns, name_of, primary_key


def indexed_columns() -> dict[str, list[tuple[str, ...]]]:
    """Table name -> the columns of each of its indexes, in the tables' and the columns' own order,
    then the canned queries' own indexes (``presentation.QUERY_INDEXES``). A column that leads one
    of those gets no index of its own: that index serves lookups by it too."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for model in TABLES:
        name = name_of(model)
        shown = PRESENTATION.get(model, Presentation())
        wanted = {c.name for c in columns(model) if c.references} | {shown.sort} | set(shown.facets)
        wanted.discard(primary_key(model)[0])
        composite = list(QUERY_INDEXES.get(name, ()))
        wanted -= {cols[0] for cols in composite}
        out[name] = [(c.name,) for c in columns(model) if c.name in wanted] + composite
    return out


def index_name(table: str, cols: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(cols)}"


def index_names() -> set[str]:
    """The names of every index ``write_indexes`` makes in a file with every table."""
    return {index_name(table, cols) for table, indexes in indexed_columns().items() for cols in indexes}


STATISTICS_TABLE = "sqlite_stat1"
"""Where ``ANALYZE`` keeps the planner's statistics."""


def write_indexes(con: sqlite3.Connection) -> None:
    """Create the indexes of the tables the file has (an ``extras`` step of the SQLite writer;
    a past release's file may lack a table added since), and the planner's statistics of them."""
    present = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, indexes in indexed_columns().items():
        if table in present:
            for cols in indexes:
                listed = ", ".join(f'"{c}"' for c in cols)
                con.execute(f'CREATE INDEX "{index_name(table, cols)}" ON "{table}" ({listed})')
    con.execute("ANALYZE")
