"""The SQLite database, for Datasette and anyone with sqlite3.

DDL is compiled from the models by SQLAlchemy; rows go in with
``executemany`` over big batches (bulk, not one ORM object at a time). The file is
then rewritten with ``VACUUM INTO`` so its bytes depend only on the rows, not
on how they were inserted. Bytes 96-99 of the header hold the SQLite library
version; the build records it (``sqlite_version`` in build-info).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from ..tables import TABLES, Row, columns, name_of, table_of

Extra = Callable[[sqlite3.Connection], None]


def ddl(model: Any) -> list[str]:
    table = table_of(model)
    out = [str(CreateTable(table).compile(dialect=sqlite_dialect.dialect())).strip()]
    out += [str(CreateIndex(ix).compile(dialect=sqlite_dialect.dialect())).strip() for ix in sorted(table.indexes, key=lambda i: i.name or "")]
    return out


# Dates are stored as ISO text. An adapter spells them inside sqlite3's C loop, instead of a
# Python pass over every row (booleans need nothing: bool is an int, stored as 0/1).
sqlite3.register_adapter(dt.date, dt.date.isoformat)


class SqliteFile:
    """A SQLite database written table by table, batch by batch, in ``TABLES`` order.

    Rows go into a scratch file with the journal and syncing off; ``finish``
    checks the foreign keys once over the whole file (cheaper than a check
    per inserted row) and rewrites it with ``VACUUM INTO``."""

    def __init__(self, target: Path):
        self.target = target
        self.scratch = target.with_name(target.name + ".scratch")
        self.scratch.unlink(missing_ok=True)
        self.con = sqlite3.connect(self.scratch)
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.created: set[str] = set()

    def write(self, model: Any, rows: Iterable[Row]) -> None:
        name = name_of(model)
        if name not in self.created:
            for stmt in ddl(model):
                self.con.execute(stmt)
            self.created.add(name)
        marks = ", ".join("?" * len(columns(model)))
        self.con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)

    def finish(self, extras: tuple[Extra, ...] = ()) -> None:
        try:
            for extra in extras:
                extra(self.con)
            self.con.commit()
            problems = self.con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"foreign key check failed: {problems[:3]}")
            self.con.execute("VACUUM INTO ?", (str(self.target),))
        finally:
            self.close()

    def close(self) -> None:
        self.con.close()
        self.scratch.unlink(missing_ok=True)


def write_sqlite(tables: dict[str, list[Row]], target: Path, extras: tuple[Extra, ...] = ()) -> None:
    """Write every table to a new SQLite file at ``target`` (which must not exist)."""
    db = SqliteFile(target)
    try:
        for model in TABLES:
            if name_of(model) not in tables:
                continue  # a past release rebuilt without a table it did not have
            db.write(model, tables[name_of(model)])
    except BaseException:
        db.close()
        raise
    db.finish(extras)
