"""One generated log with every structure the committed log lacks (see generated_logs), built as a
user builds it (``wgtip build``): the CSV files, SQLite and DuckDB hold what its events say (worked
out in generated_logs, not by the fold), and the search index finds in the current texts only.

It has no release, so the build checks no hash against one: a bug in the fold or the writers fails
here on its own, named by the column it broke.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from generated_logs import STRUCTURES, expected_footnotes, expected_provisions, seeded_log, structure

from wgtip.cli import main
from wgtip.search import SEARCH_TABLE
from wgtip.search_query import match_expression

LOG = seeded_log(10, 30)
PROVISIONS = expected_provisions(LOG)


def test_the_log_has_every_structure():
    assert structure(LOG) == set(STRUCTURES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = LOG.write(tmp_path_factory.mktemp("generated"))
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.stderr
    return root


def spelled(value, booleans=("true", "false"), dates=dt.date.isoformat):
    """A value as a reader of the file sees it: CSV text, SQLite's 0/1 and ISO dates, DuckDB's own types."""
    if value is None:
        return "" if booleans == ("true", "false") else None
    if isinstance(value, bool):
        return booleans[0] if value else booleans[1]
    if isinstance(value, dt.date):
        return dates(value)
    return str(value) if booleans == ("true", "false") else value


def differences(got: list[dict], want: list[dict], where: str) -> list[str]:
    out = [f"{where}: {len(got)} rows, the events make {len(want)}"] if len(got) != len(want) else []
    order = [g.get("provision_id") for g in got], [w["provision_id"] for w in want]
    if order[0] != order[1]:
        return out + [f"{where}: rows in the order {order[0]}, the events' document order (by document, then line) is {order[1]}"]
    for g, w in zip(got, want, strict=True):
        out += [f"{where}: {w['provision_id']}.{k}: {g.get(k)!r}, the events say {w[k]!r}" for k in w if g.get(k) != w[k]]
    return out


def test_the_csv_files_hold_what_the_events_say(generated):
    for name, want in (("provisions", list(PROVISIONS.values())), ("footnotes", expected_footnotes(LOG))):
        with open(generated / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
            got = list(csv.DictReader(fh))
        problems = differences(got, [{k: spelled(v) for k, v in w.items()} for w in want], f"{name}.csv")
        assert not problems, "\n".join(problems[:10])


def test_sqlite_holds_what_the_events_say(generated):
    con = sqlite3.connect(generated / "build/wgtip.sqlite")
    con.row_factory = sqlite3.Row
    got = [dict(r) for r in con.execute("select * from provisions order by rowid")]
    problems = differences(got, [{k: spelled(v, booleans=(1, 0)) for k, v in w.items()} for w in PROVISIONS.values()], "wgtip.sqlite")
    assert not problems, "\n".join(problems[:10])
    assert [r["rowid"] for r in con.execute("select rowid from provisions order by rowid")] == [p["position"] for p in PROVISIONS.values()]


def test_duckdb_holds_what_the_events_say(generated):
    con = duckdb.connect(str(generated / "build/wgtip.duckdb"), read_only=True)
    try:
        cur = con.execute("select * from provisions order by position")
        names = [d[0] for d in cur.description]
        got = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    problems = differences(got, [{k: spelled(v, booleans=(True, False), dates=lambda d: d) for k, v in w.items()} for w in PROVISIONS.values()], "wgtip.duckdb")
    assert not problems, "\n".join(problems[:10])


def test_search_finds_in_the_current_texts_and_nowhere_else(generated):
    """Every word of one or two characters of any text the log holds (printed or corrected): the search
    finds exactly the provisions whose current text contains it (a word only a corrected-away text had: none)."""
    con = sqlite3.connect(generated / "build/wgtip.sqlite")
    texts = {p["text"] for p in PROVISIONS.values()} | {p["current_text"] for p in PROVISIONS.values()}
    # words of Chinese characters only: the search reads punctuation as a space between words
    pieces = {t[i : i + n] for t in texts for n in (1, 2) for i in range(len(t) - n + 1)}
    words = {w for w in pieces if all("\u4e00" <= c <= "\u9fff" for c in w)}
    only_printed = 0
    for word in sorted(words):
        want = sorted(p["provision_id"] for p in PROVISIONS.values() if word in p["current_text"])
        got = sorted(
            r[0] for r in con.execute(f"select provision_id from provisions where position in (select rowid from {SEARCH_TABLE} where {SEARCH_TABLE} match ?)", (match_expression(f'"{word}"'),))
        )  # a phrase: exactly these characters
        assert got == want, f"search for {word!r}"
        only_printed += any(word in p["text"] and word not in p["current_text"] for p in PROVISIONS.values())
    assert only_printed, "some word stands only in a printed text a correction changed"
