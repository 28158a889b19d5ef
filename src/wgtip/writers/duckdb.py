"""The DuckDB database, for analysts.

DDL is generated from the models (types, primary and foreign keys); each
table is loaded in bulk from the package's CSV, read with the column types
spelled out, so the three outputs cannot disagree on a value. A ``.duckdb``
file is never byte-identical across builds (it stores a random database id);
compare it by its table contents.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from ..tables import TABLES, columns, name_of, primary_key
from .described import Described, from_model

DUCKDB_TYPES = {"integer": "BIGINT", "string": "VARCHAR", "date": "DATE", "boolean": "BOOLEAN"}
LONG_TEXT = " USING COMPRESSION zstd"
"""For the columns of long text (``Column.long_text``): DuckDB's default (dictionary and FSST) made
the file ~2.5 times bigger and was ~20% slower to write at 10^5 events; the other columns, short
and repetitive, keep the default, which filters on them read faster (bench/results/history.md, sixth round)."""


def ddl(model: Any) -> str:
    """The table without its primary key, which ``primary_key_ddl`` adds once the rows are in."""
    cols = columns(model)
    lines = [f'"{c.name}" {DUCKDB_TYPES[c.kind]}{LONG_TEXT if c.long_text else ""}{"" if c.nullable else " NOT NULL"}' for c in cols]
    name = name_of(model)
    for c in cols:
        # DuckDB cannot check a table's foreign key to itself; the other writers do
        if c.references and c.references[0] != name:
            lines.append(f'FOREIGN KEY ("{c.name}") REFERENCES "{c.references[0]}" ("{c.references[1]}")')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(lines) + "\n)"


def primary_key_ddl(model: Any) -> str:
    """The primary key, added to a loaded table: DuckDB builds its index from all the rows at once,
    where a key declared up front is checked row by row (at 10^6 events the whole load took 47 s
    that way, 42 s this way). Foreign keys cannot be added later: the tables they reference are
    loaded first, keyed, and each row is checked against them as it goes in."""
    return f'ALTER TABLE "{name_of(model)}" ADD PRIMARY KEY ({_key_list(model)})'


def _key_list(model: Any) -> str:
    return ", ".join(f'"{k}"' for k in primary_key(model))


MEMORY_LIMIT = "512MB"  # DuckDB takes 80% of RAM by default; the build runs it beside the fold, within 2 GB in all
STORAGE_VERSION = "v1.2.0"
"""The oldest DuckDB that can open the file. DuckDB 2.0 writes by default a storage format that
no 1.x release reads (checked with 1.2.2, 1.4.4 and 1.5.6), while most analysts' DuckDB is 1.x;
1.2 is the first to read zstd-compressed text (``LONG_TEXT``). Same load time and size at 10^5."""


def comment_tables(con: Any, described: Described | None = None) -> None:
    """``COMMENT ON`` every table and column in the database, from the descriptions the package's
    descriptor gives them (``described``; else the one table definition's), so the file describes
    itself (``duckdb_tables()``, ``duckdb_columns()``)."""
    described = described or from_model()
    have = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    for model in TABLES:
        name = name_of(model)
        if name not in have or name not in described:
            continue
        table, cols = described[name]
        con.execute(f'COMMENT ON TABLE "{name}" IS {sql_literal(table)}')
        for c in columns(model):
            if c.name in cols:
                con.execute(f'COMMENT ON COLUMN "{name}"."{c.name}" IS {sql_literal(cols[c.name])}')


def sql_literal(text: str) -> str:
    """A SQL string literal of ``text`` (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _header(csv_path: Path) -> list[str]:
    """The column names of a CSV file the package writer wrote (plain names, no quoting needed)."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


class DuckdbFile:
    """A DuckDB file loaded table by table from finished CSV files, in ``TABLES`` order.

    Loads run in one background thread: DuckDB works outside the GIL, so on
    two cores it loads the events while Python is still folding and writing
    the other tables. ``finish`` waits for every load and checkpoints."""

    def __init__(self, target: Path):
        self.con = duckdb.connect(str(target), config={"threads": 2, "memory_limit": MEMORY_LIMIT, "storage_compatibility_version": STORAGE_VERSION})
        self.con.execute("SET enable_progress_bar = false")  # a build's output is its own, not DuckDB's bar on stderr
        self.pool = ThreadPoolExecutor(max_workers=1)  # one worker: tables load in order (foreign keys)
        self.pending: list[Future[None]] = []

    def load(self, model: Any, csv_path: Path) -> None:
        self.pending.append(self.pool.submit(self._load, model, csv_path))

    def _load(self, model: Any, csv_path: Path) -> None:
        name = name_of(model)
        self.con.execute(ddl(model))
        # a past release's CSV has the columns it recorded (release.layout_of): a column added since stays NULL
        known = {c.name: c for c in columns(model)}
        cols = [known[h] for h in _header(csv_path)]
        types = ", ".join(f"'{c.name}': '{DUCKDB_TYPES[c.kind]}'" for c in cols)
        path = str(csv_path).replace("'", "''")
        into = ", ".join(f'"{c.name}"' for c in cols)
        self.con.execute(
            f"INSERT INTO \"{name}\" ({into}) SELECT * FROM read_csv('{path}', header=true, auto_detect=false, columns={{{types}}}, delim=',', quote='\"', escape='\"', nullstr='', new_line='\\n')"
        )
        try:
            self.con.execute(primary_key_ddl(model))
        except duckdb.ConstraintException as err:  # DuckDB names neither the table nor the key
            dup = self.con.execute(f'SELECT {_key_list(model)} FROM "{name}" GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 1').fetchone()
            raise duckdb.ConstraintException(f"{csv_path}: {name} has {', '.join(primary_key(model))} = {', '.join(map(repr, dup or ()))} more than once ({err})") from None

    def finish(self, extras: tuple[Callable[[Any], None], ...] = ()) -> None:
        """Wait for every load, run each ``extras`` step on the connection (views), checkpoint."""
        try:
            for f in self.pending:
                f.result()
            for extra in extras:
                extra(self.con)
            self.con.execute("CHECKPOINT")
        finally:
            self.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.con.close()


def content_difference(a: Path, b: Path) -> str | None:
    """The first difference of content between two DuckDB files (None if none): their tables,
    columns and types, views, and each table's rows as multisets, compared inside DuckDB (both files
    attached read-only), never pulled into Python."""
    con = duckdb.connect(config={"threads": 2, "memory_limit": MEMORY_LIMIT})
    try:
        con.execute("SET enable_progress_bar = false")
        for alias, path in (("a", a), ("b", b)):
            quoted = str(path).replace("'", "''")
            try:
                con.execute(f"ATTACH '{quoted}' AS {alias} (READ_ONLY)")
            except duckdb.Error as err:
                return f"(file): does not open as a DuckDB database ({str(err).splitlines()[0]})"

        def schema(alias: str) -> list[tuple]:
            return con.execute("SELECT table_name, ordinal_position, column_name, data_type FROM information_schema.columns WHERE table_catalog = ? ORDER BY ALL", [alias]).fetchall()

        def views(alias: str) -> list[tuple]:
            return con.execute("SELECT view_name, sql FROM duckdb_views() WHERE database_name = ? AND NOT internal ORDER BY ALL", [alias]).fetchall()

        if schema("a") != schema("b"):
            return "(tables): its tables or columns"
        if views("a") != views("b"):
            return "(views): its views"
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'a' ORDER BY ALL").fetchall()]
        for t in tables:
            q = f'"{t}"'
            extra = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT * FROM a.{q} EXCEPT ALL SELECT * FROM b.{q})) + (SELECT count(*) FROM (SELECT * FROM b.{q} EXCEPT ALL SELECT * FROM a.{q}))"
            ).fetchone()
            if extra and extra[0]:
                return f"{t}: its rows"
        return None
    finally:
        con.close()
