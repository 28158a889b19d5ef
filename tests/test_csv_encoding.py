"""The CSV encoder against the csv module, which wrote the files of the published releases.

``CsvEncoder`` spells rows with compiled f-strings, for speed; its bytes must be
those of the csv module's ``QUOTE_MINIMAL`` with ``\\n`` line ends and booleans as
``csv_text`` spells them (the encoder the releases were written with), for every
table, every layout and any values of the columns' kinds, awkward strings included.

A field holding a carriage return is quoted (RFC 4180; a reader cannot read it back
otherwise), as Python 3.13's csv module does with ``lineterminator="\\n"`` and Python
3.11's and 3.12's do not: the reference asks every version for it by writing with
``"\\r\\n"`` line ends (so ``QUOTE_MINIMAL`` quotes a ``\\r``) and ending each row with
``\\n``. No published file holds a carriage return, so no release's bytes depend on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wgtip.tables import TABLES, columns, name_of
from wgtip.writers.package import CsvEncoder
from wgtip.writers.values import csv_text

AWKWARD = st.sampled_from(["", ",", '"', '""', "\n", "\r", "\r\n", " ", "a,b", 'say "x"', "第4/4号，", "\t", "\x00"])
TEXT = st.one_of(AWKWARD, st.text(max_size=12), st.lists(AWKWARD, max_size=4).map("".join))
VALUES = {
    "string": TEXT,
    "integer": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "date": st.dates(min_value=dt.date(1, 1, 1)),
    "boolean": st.booleans(),
}


def csv_module(names: list[str], rows: list[tuple], kinds: list[str]) -> bytes:
    """The reference: the csv module, booleans spelled by ``csv_text`` first."""

    def line(fields: list) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(fields)
        return buf.getvalue().removesuffix("\r\n") + "\n"

    lines = [line(names)] + [line([csv_text(v) if k == "boolean" else v for v, k in zip(row, kinds, strict=True)]) for row in rows]
    return "".join(lines).encode("utf-8")


def rows_of(model) -> st.SearchStrategy[list[tuple]]:
    fields = [VALUES[c.kind] if not c.nullable else st.one_of(st.none(), VALUES[c.kind]) for c in columns(model)]
    return st.lists(st.tuples(*fields), max_size=6)


@pytest.mark.parametrize("model", TABLES, ids=name_of)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_rows_spelled_as_the_csv_module_does(model, data):
    rows = data.draw(rows_of(model))
    enc = CsvEncoder(model)
    kinds = [c.kind for c in columns(model)]
    assert enc.header() + enc.rows(rows) == csv_module(enc.names, rows, kinds)


@pytest.mark.parametrize("model", TABLES, ids=name_of)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_a_picked_layout_spells_the_picked_columns(model, data):
    cols = columns(model)
    picked = data.draw(st.permutations([c.name for c in cols]).flatmap(lambda p: st.integers(2, len(p)).map(lambda n: p[:n])))
    rows = data.draw(rows_of(model))
    enc = CsvEncoder(model, picked)
    index = [[c.name for c in cols].index(n) for n in picked]
    kinds = [cols[i].kind for i in index]
    assert enc.header() + enc.rows(rows) == csv_module(picked, [tuple(r[i] for i in index) for r in rows], kinds)


def test_a_one_column_layout_is_refused():
    # the csv module writes a row of one empty field as "" (not an empty line); the encoder does not try
    model = TABLES[0]
    with pytest.raises(ValueError, match="one-column"):
        CsvEncoder(model, [columns(model)[0].name])


@given(st.one_of(st.none(), TEXT, VALUES["integer"], VALUES["date"], VALUES["boolean"]))
def test_csv_text_spells_a_value_as_the_csv_module_does_but_booleans(value):
    """``csv_text`` is the one spelling of a value in text outputs: the csv module's (None empty, a date
    in ISO form, anything else its str), except booleans, which are true and false."""
    if isinstance(value, bool):
        assert csv_text(value) == ("true" if value else "false")
    elif isinstance(value, str):
        assert csv_text(value) == value  # as the field's text, before the csv module quotes it
    else:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow([value, "end"])  # a second field: a lone empty one is quoted
        assert csv_text(value) == buf.getvalue().removesuffix(",end")
