"""The SQLite writer (writers.sqlite.SqliteFile, in this process) writes the whole fold's rows as they
are: every table read back with sqlite3 equals the fold's rows (dates as ISO text, booleans as 0 and 1,
the stored form the writer documents), the provisions numbered by their position, a past layout's
columns only, the extras run on the file, and a file whose foreign keys do not hold is not published."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from conftest import ROOT

from wgtip.fold import fold_versioned
from wgtip.log import read_log
from wgtip.search import SearchIndex
from wgtip.tables import TABLES, columns, name_of
from wgtip.writers.sqlite import SqliteFile


@pytest.fixture(scope="module")
def tables():
    return fold_versioned(read_log(ROOT))[0]


def stored(value):
    return value.isoformat() if isinstance(value, dt.date) else int(value) if isinstance(value, bool) else value


def test_every_table_is_written_as_the_fold_makes_it(tables, tmp_path):
    target = tmp_path / "out.sqlite"
    writer = SqliteFile(target, indexes=(SearchIndex(),))
    extras = []
    for model in TABLES:
        rows = tables[name_of(model)]
        half = len(rows) // 2
        writer.write(model, list(rows[:half]))
        writer.write(model, iter(rows[half:]))  # batches as lists and as iterators
    writer.finish((lambda con: (extras.append(con), con.execute("CREATE TABLE extra (x)")),))
    assert target.exists() and not list(tmp_path.glob("*.scratch"))
    assert len(extras) == 1 and isinstance(extras[0], sqlite3.Connection)
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM extra").fetchone() == (0,)
    for model in TABLES:
        name = name_of(model)
        names = [c.name for c in columns(model)]
        got = con.execute(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{name}" ORDER BY rowid').fetchall()
        want = [tuple(stored(v) for v in r) for r in tables[name]]
        assert sorted(got, key=repr) == sorted(want, key=repr), name
    # the provisions' rowids are their positions (the search index numbers them so)
    at = [c.name for c in columns(TABLES[[name_of(m) for m in TABLES].index("provisions")])].index("position")
    assert con.execute("SELECT rowid, position FROM provisions WHERE rowid != position").fetchall() == []
    assert sorted(r for (r,) in con.execute("SELECT rowid FROM provisions")) == sorted(r[at] for r in tables["provisions"])


def test_a_past_layout_writes_only_its_columns(tables, tmp_path):
    from wgtip.tables import table_of

    model = next(m for m in TABLES if name_of(m) == "meetings")
    names = [c.name for c in columns(model)]
    table = table_of(model)
    keyed = {c.name for c in table.primary_key.columns} | {fk.parent.name for fk in table.foreign_keys}
    gone = [n for n in names if n not in keyed][1:3]  # two columns a past release might lack (neither a key)
    keep = [n for n in names if n not in gone]
    writer = SqliteFile(tmp_path / "out.sqlite")
    writer.set_fields("meetings", keep)
    for m in TABLES[: TABLES.index(model) + 1]:  # the tables its foreign keys name, whole, then meetings
        writer.write(m, tables[name_of(m)])
    writer.finish()
    con = sqlite3.connect(tmp_path / "out.sqlite")
    assert [r[1] for r in con.execute('PRAGMA table_info("meetings")')] == keep
    got = con.execute(f"SELECT {', '.join(keep)} FROM meetings").fetchall()
    assert sorted(got, key=repr) == sorted([tuple(stored(r[names.index(k)]) for k in keep) for r in tables["meetings"]], key=repr)


def test_a_file_whose_foreign_keys_do_not_hold_is_not_published(tables, tmp_path):
    target = tmp_path / "out.sqlite"
    writer = SqliteFile(target)
    provisions = next(m for m in TABLES if name_of(m) == "provisions")
    writer.write(provisions, tables["provisions"][:3])  # provisions of meetings never written
    with pytest.raises(ValueError) as err:
        writer.finish()
    assert str(err.value).startswith("foreign key check failed: [('provisions', ")
    assert not target.exists() and not list(tmp_path.glob("*.scratch"))


def test_a_past_layout_in_another_order_puts_each_value_in_its_column(tables, tmp_path):
    """A release's columns in an order not today's (set_fields: "in this order"): each value is
    stored under its own column's name, as sqlite3 reads it back by name."""
    model = next(m for m in TABLES if name_of(m) == "meetings")
    names = [c.name for c in columns(model)]
    layout = names[::-1]
    writer = SqliteFile(tmp_path / "out.sqlite")
    writer.set_fields("meetings", layout)
    for m in TABLES[: TABLES.index(model) + 1]:
        writer.write(m, tables[name_of(m)])
    writer.finish()
    con = sqlite3.connect(tmp_path / "out.sqlite")
    assert [r[1] for r in con.execute('PRAGMA table_info("meetings")')] == layout
    got = con.execute(f"SELECT {', '.join(names)} FROM meetings").fetchall()
    assert sorted(got, key=repr) == sorted([tuple(stored(v) for v in r) for r in tables["meetings"]], key=repr)


def test_provisions_are_numbered_by_their_position_in_any_order_and_indexed_when_sent_as_an_iterator(tables, tmp_path):
    """The provisions' rowid is their position whatever order they come in (here the fold's, reversed),
    and a batch sent as an iterator is indexed for search whole: the index holds every provision's
    current text at its position, as a fresh FTS5 table indexes it (helpers.reference_index)."""
    from helpers import indexed_tokens, reference_index

    from wgtip.search import ORDER_COLUMN, SEARCH_TABLE, SEARCHED_COLUMN, index_text

    target = tmp_path / "out.sqlite"
    writer = SqliteFile(target, indexes=(SearchIndex(),))
    for model in TABLES:
        rows = tables[name_of(model)]
        writer.write(model, iter(rows[::-1]) if name_of(model) == "provisions" else rows)
    writer.finish()
    names = [c.name for c in columns(TABLES[[name_of(m) for m in TABLES].index("provisions")])]
    at, searched = names.index(ORDER_COLUMN), names.index(SEARCHED_COLUMN)
    con = sqlite3.connect(target)
    assert sorted(con.execute(f'SELECT rowid, "{ORDER_COLUMN}" FROM provisions')) == sorted((r[at], r[at]) for r in tables["provisions"])
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({r[at]: index_text(r[searched]) for r in tables["provisions"]})


def test_a_foreign_key_failure_names_the_first_three_problems_sqlite_finds(tables, tmp_path):
    """The message lists three of the problems (there are more), each as sqlite3's foreign_key_check
    row: the table, the row, the table it names, the key's number."""
    import ast

    writer = SqliteFile(tmp_path / "out.sqlite")
    provisions = next(m for m in TABLES if name_of(m) == "provisions")
    writer.write(provisions, tables["provisions"][:3])  # each names a meeting, a document and an event never written
    with pytest.raises(ValueError) as err:
        writer.finish()
    shown = ast.literal_eval(str(err.value).removeprefix("foreign key check failed: "))
    assert len(shown) == 3 and all(p[0] == "provisions" and p[2] in ("meetings", "source_documents", "events") for p in shown)
