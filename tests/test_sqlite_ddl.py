"""The SQLite writer's CREATE statements (writers.sqlite.ddl), run in SQLite and read back from SQLite's
own catalogue (PRAGMA table_info, index_list, index_info, foreign_key_list), compared with the table
models (their SQLAlchemy tables): every column with its nullability and key, every index, and, for a
past release's layout, only the columns it had and the indexes over them."""

from __future__ import annotations

import sqlite3

import pytest

from wgtip.tables import TABLES, name_of, table_of
from wgtip.writers.sqlite import ddl


def catalogue(con: sqlite3.Connection, name: str) -> dict:
    cols = [(r[1], r[5]) for r in con.execute(f'PRAGMA table_info("{name}")')]  # name, place in the primary key
    indexes = {r[1]: (bool(r[2]), [c[2] for c in con.execute(f'PRAGMA index_info("{r[1]}")')]) for r in con.execute(f'PRAGMA index_list("{name}")') if r[3] == "c"}  # made by CREATE INDEX
    fks = sorted((r[3], r[2], r[4]) for r in con.execute(f'PRAGMA foreign_key_list("{name}")'))
    return {"columns": cols, "indexes": indexes, "foreign_keys": fks}


def expected(model, keep: set[str] | None = None) -> dict:
    table = table_of(model)
    names = [c.name for c in table.columns if keep is None or c.name in keep]
    pk = [c.name for c in table.primary_key.columns]
    cols = [(c.name, pk.index(c.name) + 1 if c.name in pk else 0) for c in table.columns if c.name in names]
    indexes = {ix.name: (bool(ix.unique), [c.name for c in ix.columns]) for ix in table.indexes if all(c.name in names for c in ix.columns)}
    fks = sorted((fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys if fk.parent.name in names)
    return {"columns": cols, "indexes": indexes, "foreign_keys": fks}


def created(model, fields=None) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")  # (SQLite does not check at CREATE that a foreign key's table exists)
    for statement in ddl(model, fields):
        con.execute(statement)
    return con


@pytest.mark.parametrize("model", TABLES, ids=[name_of(m) for m in TABLES])
def test_a_table_is_created_with_every_column_index_and_key_of_its_model(model):
    con = created(model)
    got = catalogue(con, name_of(model))
    want = expected(model)
    assert got["columns"] == want["columns"]
    assert got["indexes"] == want["indexes"]
    assert got["foreign_keys"] == want["foreign_keys"]


@pytest.mark.parametrize("model", [m for m in TABLES if len(table_of(m).columns) > 2], ids=[name_of(m) for m in TABLES if len(table_of(m).columns) > 2])
def test_a_past_layout_creates_only_its_columns_and_the_indexes_over_them(model):
    table = table_of(model)
    # (the keys are kept here: a layout without a column a foreign key names is the next test)
    pk = {c.name for c in table.primary_key.columns} | {fk.parent.name for fk in table.foreign_keys}
    indexed = [c.name for ix in sorted(table.indexes, key=lambda i: i.name) for c in ix.columns if c.name not in pk]
    others = [c.name for c in table.columns if c.name not in pk]
    gone = {indexed[0] if indexed else others[-1], others[-1]}  # an indexed column (when there is one) and the last one
    fields = [c.name for c in table.columns if c.name not in gone]
    got = catalogue(created(model, fields), name_of(model))
    want = expected(model, set(fields))
    assert [c[0] for c in got["columns"]] == fields
    assert got["indexes"] == want["indexes"]
    if indexed:
        assert len(got["indexes"]) < len(table.indexes)


def foreign_key_columns(model) -> list[str]:
    """The columns of a table that a foreign key names and the primary key does not, in column order."""
    table = table_of(model)
    pk = {c.name for c in table.primary_key.columns}
    named = {fk.parent.name for fk in table.foreign_keys}
    return [c.name for c in table.columns if c.name in named and c.name not in pk]


WITH_FOREIGN_KEYS = [m for m in TABLES if foreign_key_columns(m)]


@pytest.mark.parametrize("model", WITH_FOREIGN_KEYS, ids=[name_of(m) for m in WITH_FOREIGN_KEYS])
def test_a_past_layout_without_a_column_a_foreign_key_names_has_the_other_keys(model):
    """A column added since a release may be a reference: the release's layout lacks it, and so
    must its key (SQLite refuses a FOREIGN KEY clause over a column the table does not have)."""
    table = table_of(model)
    gone = foreign_key_columns(model)[-1]
    fields = [c.name for c in table.columns if c.name != gone]
    got = catalogue(created(model, fields), name_of(model))
    want = expected(model, set(fields))
    assert [c[0] for c in got["columns"]] == fields
    assert got == want


@pytest.mark.parametrize("model", [m for m in TABLES if len(table_of(m).columns) > 2], ids=[name_of(m) for m in TABLES if len(table_of(m).columns) > 2])
def test_a_past_layout_s_columns_are_created_in_its_order(model):
    """A layout lists its columns in the order its release wrote them (its CSV's order), which need not
    be today's: the table has them in the layout's order, with every key and index of today's over them."""
    names = [c.name for c in table_of(model).columns]
    fields = names[::-1]
    got = catalogue(created(model, fields), name_of(model))
    want = expected(model)
    assert [c[0] for c in got["columns"]] == fields
    assert sorted(got["columns"]) == sorted(want["columns"])
    assert (got["indexes"], got["foreign_keys"]) == (want["indexes"], want["foreign_keys"])


def test_a_past_layout_may_leave_out_a_column_whose_name_sql_quotes():
    """``offset`` is an SQL keyword: SQLAlchemy writes the column as "offset", and it is left out all the same."""
    model = next(m for m in TABLES if name_of(m) == "footnotes")
    names = [c.name for c in table_of(model).columns]
    assert "offset" in names
    fields = [n for n in names if n != "offset"]
    assert catalogue(created(model, fields), name_of(model)) == expected(model, set(fields))


@pytest.mark.parametrize("model", [m for m in TABLES if len(table_of(m).primary_key.columns) > 1], ids=lambda m: name_of(m))
def test_a_layout_of_only_the_primary_key_s_columns_keeps_the_primary_key(model):
    """Every column of the key kept (here in another order than today's): the key is kept whole."""
    key = [c.name for c in table_of(model).primary_key.columns]
    fields = key[::-1]
    got = catalogue(created(model, fields), name_of(model))
    want = expected(model, set(fields))
    assert [c[0] for c in got["columns"]] == fields
    assert sorted(got["columns"]) == sorted(want["columns"]) and all(at for _, at in got["columns"])


def test_a_create_statement_not_laid_out_as_ddl_reads_it_is_refused(monkeypatch):
    """ddl leaves columns out by reading SQLAlchemy's statement a line a column: a statement laid out
    otherwise (another SQLAlchemy) stops it with a message, rather than leaving out the wrong line."""
    from wgtip.writers import sqlite as writer

    create = writer.CreateTable

    class Swapped:  # the statement with its first two column lines swapped
        def __init__(self, table):
            self.real = create(table)

        def compile(self, dialect):
            head, body = str(self.real.compile(dialect=dialect)).split("(\n\t", 1)
            first, second, rest = body.split(", \n\t", 2)
            return head + "(\n\t" + ", \n\t".join([second, first, rest])

    model = next(m for m in TABLES if name_of(m) == "meetings")
    names = [c.name for c in table_of(model).columns]
    monkeypatch.setattr(writer, "CreateTable", Swapped)
    with pytest.raises(RuntimeError) as err:
        ddl(model, names[:-1])
    assert str(err.value).startswith("SQLAlchemy's CREATE TABLE meetings is not laid out as ddl reads it: 'CREATE TABLE meetings (")
