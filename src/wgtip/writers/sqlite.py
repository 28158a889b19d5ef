"""The SQLite database, for Datasette and anyone with sqlite3.

DDL is compiled from the models by SQLAlchemy; rows go in with one
``executemany`` per table (bulk, not one ORM object at a time). The file is
then rewritten with ``VACUUM INTO`` so its bytes depend only on the rows, not
on how they were inserted. Bytes 96-99 of the header hold the SQLite library
version; the build records it (``sqlite_version`` in build-info).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from ..tables import TABLES, Row, columns, name_of, table_of

Extra = Callable[[sqlite3.Connection], None]


def ddl(model: Any) -> list[str]:
    table = table_of(model)
    out = [str(CreateTable(table).compile(dialect=sqlite_dialect.dialect())).strip()]
    out += [str(CreateIndex(ix).compile(dialect=sqlite_dialect.dialect())).strip() for ix in sorted(table.indexes, key=lambda i: i.name or "")]
    return out


def _value(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def write_sqlite(tables: dict[str, list[Row]], target: Path, extras: tuple[Extra, ...] = ()) -> None:
    """Write every table to a new SQLite file at ``target`` (which must not exist)."""
    scratch = target.with_name(target.name + ".scratch")
    scratch.unlink(missing_ok=True)
    con = sqlite3.connect(scratch)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA foreign_keys=ON")
        for model in TABLES:
            if name_of(model) not in tables:
                continue  # a past release rebuilt without a table it did not have
            for stmt in ddl(model):
                con.execute(stmt)
            name = name_of(model)
            cols = columns(model)
            needs_cast = any(c.kind in ("date", "boolean") for c in cols)
            rows = tables[name]
            if needs_cast:
                rows = [tuple(_value(v) for v in r) for r in rows]
            marks = ", ".join("?" * len(cols))
            con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        for extra in extras:
            extra(con)
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"foreign key check failed: {problems[:3]}")
        con.execute("VACUUM INTO ?", (str(target),))
    finally:
        con.close()
        scratch.unlink(missing_ok=True)
