"""The SQLite writer's process (``serve``), run in a thread of this process and fed through pipes as
``SqliteProcess`` feeds it: every message it takes, the file and the CSV it writes, each error it
hands back, the end of its input at any point.

The build runs ``serve`` in an interpreter of its own (tests/test_sqlite_writer.py runs it so), where
neither coverage nor the mutation run (bench/mutation.py) can see it: here it runs where both can. The
file is held against the one ``SqliteFile`` writes in this process, the CSV against ``CsvFile`` and
hashlib, the errors against what sqlite3 and the file system say."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import sqlite3
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from conftest import ROOT
from test_sqlite_writer import messages, replay

from wgtip.folded import batched, fold_log
from wgtip.search import SearchIndex
from wgtip.tables import TABLES, Meeting, SourceDocument, columns, name_of, table_of
from wgtip.tables import Event as EventRow
from wgtip.writers.package import CsvFile
from wgtip.writers.sqlite import SqliteFile, SqliteProcess, encode, serve, write_message

WAIT = 120  # seconds: a writer that does not answer (or stop) by then is stuck


@pytest.fixture(scope="module")
def tables():
    return fold_log(ROOT)[1]


def stored(value):
    """A value as SQLite stores it: dates as ISO text, booleans as 0 and 1 (as tests/test_sqlite_file.py)."""
    return value.isoformat() if isinstance(value, dt.date) else int(value) if isinstance(value, bool) else value


class Served:
    """``serve`` in a thread, with the two pipe ends SqliteProcess keeps."""

    def __init__(self) -> None:
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        self.thread = threading.Thread(target=serve, args=(down_read, up_write), daemon=True)
        self.thread.start()
        self.out = Connection(down_write, readable=False)
        self.back = Connection(up_read, writable=False)

    def send(self, message) -> None:
        self.out.send_bytes(encode(message))

    def start(self, target: Path, indexes=(), csv=None) -> None:
        self.send(("start", None, (target, indexes, csv or {})))

    def write(self, model, rows) -> None:
        self.send(write_message(model, rows))

    def answered(self) -> bool:
        """Whether an answer (or the end of the pipe) is there to read, waiting while serve runs. A serve
        that failed outside its own handling ends its thread without closing the pipe: no waiting for it."""
        for _ in range(WAIT * 10):
            if self.back.poll(0.1):
                return True
            if not self.thread.is_alive():
                return self.back.poll()
        return False

    def reply(self):
        assert self.answered(), "the writer did not answer"
        return pickle.loads(self.back.recv_bytes())

    def stopped(self) -> bool:
        """Whether serve returned (the thread ended) once its input is closed, as it is when the build stops."""
        if not self.out.closed:
            self.out.close()
        self.thread.join(WAIT)
        return not self.thread.is_alive()

    def ended_its_output(self) -> bool:
        """Whether serve closed its end of the reply pipe (after its last answer, if any)."""
        try:
            while self.answered():
                self.back.recv_bytes()
        except EOFError:
            return True
        return False


def test_the_writer_writes_the_file_the_writer_writes_in_process(tmp_path):
    msgs = messages(ROOT, 50)
    replay(SqliteFile(tmp_path / "here.sqlite", indexes=(SearchIndex(),)), msgs)
    served = Served()
    served.start(tmp_path / "there.sqlite", (SearchIndex(),))
    for model, rows in msgs:
        served.write(model, rows)
    served.send(("finish", None, ()))
    assert served.reply() == ("ok", None)
    assert served.ended_its_output() and served.stopped()  # finish is its last message
    assert (tmp_path / "there.sqlite").read_bytes() == (tmp_path / "here.sqlite").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here.sqlite", "there.sqlite"]


def test_the_writer_runs_the_extras_it_is_given_before_publishing(tables, tmp_path):
    served = Served()
    served.start(tmp_path / "out.sqlite")
    for model in TABLES[: TABLES.index(SourceDocument) + 1]:  # with the events its foreign key names
        served.write(model, tables[name_of(model)])
    served.send(("finish", None, (make_extra,)))
    assert served.reply() == ("ok", None) and served.stopped()
    assert sqlite3.connect(tmp_path / "out.sqlite").execute("SELECT x FROM extra").fetchall() == [(1,)]


def make_extra(con: sqlite3.Connection) -> None:  # module level: the finish message is pickled
    con.execute("CREATE TABLE extra (x)")
    con.execute("INSERT INTO extra VALUES (1)")


def test_a_past_layout_is_written_with_its_columns_only(tables, tmp_path):
    """The "fields" message (``SqliteProcess.set_fields``), in the thread and in the build's own process."""
    names = [c.name for c in columns(Meeting)]
    table = table_of(Meeting)
    keyed = {c.name for c in table.primary_key.columns} | {fk.parent.name for fk in table.foreign_keys}
    keep = [n for n in names if n not in [n for n in names if n not in keyed][1:3]]  # two columns left out, neither a key
    want = sorted((tuple(stored(r[names.index(k)]) for k in keep) for r in tables[name_of(Meeting)]), key=repr)
    served = Served()
    served.start(tmp_path / "thread.sqlite")
    served.send(("fields", name_of(Meeting), keep))
    process = SqliteProcess(tmp_path / "process.sqlite")
    process.set_fields(Meeting, keep)
    for model in TABLES[: TABLES.index(Meeting) + 1]:  # the tables its foreign keys name, whole, then meetings
        served.write(model, tables[name_of(model)])
        process.write(model, tables[name_of(model)])
    served.send(("finish", None, ()))
    assert served.reply() == ("ok", None) and served.stopped()
    process.finish()
    for name in ("thread.sqlite", "process.sqlite"):
        con = sqlite3.connect(tmp_path / name)
        assert [r[1] for r in con.execute('PRAGMA table_info("meetings")')] == keep, name
        got = con.execute(f"SELECT {', '.join(keep)} FROM meetings").fetchall()
        assert sorted(got, key=repr) == want, name


def test_the_writer_writes_the_csv_it_is_given_and_says_its_size_and_hash(tables, tmp_path):
    events = tables[name_of(EventRow)]
    mine = CsvFile(EventRow, tmp_path / "mine.csv")
    mine.write(events)
    mine.close()
    served = Served()
    served.start(tmp_path / "out.sqlite", csv={name_of(EventRow): (tmp_path / "theirs.csv", None)})
    for rows in batched(events, 7):
        served.write(EventRow, rows)
    served.send(("close_csv", name_of(EventRow), None))
    said = served.reply()  # the file is whole once the writer answers
    data = (tmp_path / "theirs.csv").read_bytes()
    assert said == ("ok", (len(data), hashlib.sha256(data).hexdigest()))
    assert data == (tmp_path / "mine.csv").read_bytes() and len(events) > 100
    served.send(("finish", None, ()))
    assert served.reply() == ("ok", None) and served.stopped()


def test_an_error_is_handed_back_when_asked_and_the_writer_reads_on(tables, tmp_path):
    """A repeated key fails the insert; the writer keeps taking batches (the build never blocks on a
    full pipe) and hands sqlite3's error back at the next question, then at finish, and publishes nothing."""
    served = Served()
    served.start(tmp_path / "dup.sqlite", csv={name_of(EventRow): (tmp_path / "events.csv", None)})
    meetings = tables[name_of(Meeting)]
    served.write(SourceDocument, tables[name_of(SourceDocument)])
    served.write(Meeting, meetings)
    for _ in range(50):
        served.write(Meeting, meetings)
    served.send(("close_csv", name_of(EventRow), None))
    status, error = served.reply()
    assert status == "error" and isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)
    served.send(("finish", None, ()))
    status, again = served.reply()
    assert status == "error" and isinstance(again, sqlite3.IntegrityError) and str(again) == str(error)
    assert served.stopped()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]  # opened at the start; no database, no scratch


def test_a_csv_that_cannot_be_made_is_the_error_handed_back(tables, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    served = Served()
    served.start(tmp_path / "out.sqlite", csv={name_of(EventRow): (tmp_path / "file" / "events.csv", None)})
    served.write(EventRow, tables[name_of(EventRow)][:3])
    served.send(("finish", None, ()))
    status, error = served.reply()
    assert status == "error" and isinstance(error, OSError) and error.filename == str(tmp_path / "file")
    assert served.stopped() and sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_closing_a_csv_never_opened_is_an_error_and_so_is_everything_after(tables, tmp_path):
    served = Served()
    served.start(tmp_path / "out.sqlite")
    served.write(SourceDocument, tables[name_of(SourceDocument)])
    served.send(("close_csv", "meetings", None))
    status, error = served.reply()
    assert status == "error" and isinstance(error, KeyError) and error.args == ("meetings",)
    served.send(("finish", None, ()))
    assert served.reply()[0] == "error" and served.stopped()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("batches", [0, 1, 3])
def test_input_that_ends_before_finish_stops_the_writer_and_leaves_nothing(tables, tmp_path, batches):
    """The build stopped (a bad event): the pipe closes after the start and some batches, or before
    anything at all."""
    served = Served()
    if batches:
        served.start(tmp_path / "out.sqlite", csv={name_of(EventRow): (tmp_path / "events.csv", None)})
        for model in TABLES[:batches]:
            served.write(model, tables[name_of(model)])
    assert served.stopped() and served.ended_its_output()
    assert sorted(p.name for p in tmp_path.iterdir()) == (["events.csv"] if batches else [])
    if batches:  # the CSV written so far is closed, so whole: what CsvFile writes of the same rows
        mine = CsvFile(EventRow, tmp_path / "mine" / "events.csv")
        mine.write(tables[name_of(EventRow)])
        mine.close()
        assert (tmp_path / "events.csv").read_bytes() == (tmp_path / "mine" / "events.csv").read_bytes()


def test_the_csv_is_written_with_the_layout_s_columns(tables, tmp_path):
    """A past release's layout of the events' CSV (a column fewer): what CsvFile writes with it."""
    events = tables[name_of(EventRow)]
    layout = [c.name for c in columns(EventRow)][:-1]
    mine = CsvFile(EventRow, tmp_path / "mine.csv", layout)
    mine.write(events)
    mine.close()
    served = Served()
    served.start(tmp_path / "out.sqlite", csv={name_of(EventRow): (tmp_path / "theirs.csv", layout)})
    served.write(EventRow, events)
    served.send(("close_csv", name_of(EventRow), None))
    assert served.reply()[0] == "ok"
    data = (tmp_path / "theirs.csv").read_bytes()
    assert data == (tmp_path / "mine.csv").read_bytes() and data.split(b"\n", 1)[0].decode() == ",".join(layout)
    assert served.stopped()


def test_the_index_entries_sent_with_a_batch_are_the_ones_written(tables, tmp_path):
    """When the build made a batch's entries itself (its writer was behind), the writer adds those and
    does not make them again: here entries made from other texts than the rows', which the index then holds."""
    from helpers import indexed_tokens, reference_index

    from wgtip.search import ORDER_COLUMN, SEARCH_TABLE, SEARCHED_COLUMN
    from wgtip.tables import Provision

    names = [c.name for c in columns(Provision)]
    at, searched = names.index(ORDER_COLUMN), names.index(SEARCHED_COLUMN)
    provisions = tables[name_of(Provision)]
    other = [(*r[:searched], "甲乙丙", *r[searched + 1 :]) for r in provisions]  # every provision's text replaced
    entries = {index.name: found for index in (SearchIndex(),) if (found := index.entries(name_of(Provision), names, other))}
    served = Served()
    served.start(tmp_path / "out.sqlite", (SearchIndex(),))
    for model in TABLES:
        rows = tables[name_of(model)]
        served.send(write_message(model, rows, entries) if model is Provision else write_message(model, rows))
    served.send(("finish", None, ()))
    assert served.reply() == ("ok", None) and served.stopped()
    con = sqlite3.connect(tmp_path / "out.sqlite")
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({r[at]: "甲乙 乙丙 丙" for r in provisions})


class WhereMade:
    """An index (``sqlite.Index``) that writes down, for each batch, the table, the process that made
    the batch's entries and the writer's environment variable WGTIP_TEST_MARK. Defined in this test
    module: the writer process can unpickle it only with the build's ``sys.path``, which has tests/."""

    name = "where_made"

    def start(self, con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE where_made (tbl, made_in, mark)")

    def rowid_for(self, table, columns):
        return None

    def entries(self, table, columns, rows):
        return [(table, os.getpid())] if rows else []

    def add(self, con: sqlite3.Connection, entries) -> None:
        con.executemany("INSERT INTO where_made VALUES (?, ?, ?)", [(t, pid, os.environ.get("WGTIP_TEST_MARK")) for t, pid in entries])

    def finish(self, con: sqlite3.Connection) -> None:
        pass


@pytest.mark.parametrize("behind", [True, False], ids=["writer-behind", "writer-keeping-up"])
def test_the_process_makes_a_batch_s_entries_where_the_build_says_and_gets_its_environment(tables, tmp_path, monkeypatch, behind):
    """``SqliteProcess.write``: when the writer is behind (its queue full) the build's process makes the
    entries, else the writer does; batches may be iterators. The writer runs with the build's
    environment and ``sys.path``."""
    monkeypatch.setenv("WGTIP_TEST_MARK", "the build's own")
    db = SqliteProcess(tmp_path / "out.sqlite", indexes=(WhereMade(),))
    monkeypatch.setattr(db.queue, "full", lambda: behind)
    for model in TABLES:
        db.write(model, iter(tables[name_of(model)]))
    db.finish()
    con = sqlite3.connect(tmp_path / "out.sqlite")
    for model in TABLES:
        assert con.execute(f'SELECT count(*) FROM "{name_of(model)}"').fetchone() == (len(tables[name_of(model)]),), name_of(model)
    made = con.execute("SELECT tbl, made_in, mark FROM where_made").fetchall()
    assert sorted(t for t, _, _ in made) == sorted(name_of(m) for m in TABLES if tables[name_of(m)])
    assert {(pid, mark) for _, pid, mark in made} == {(os.getpid() if behind else db.proc.pid, "the build's own")}


def test_a_build_that_exits_without_closing_its_writer_exits_and_the_writer_cleans_up(tmp_path):
    """The sender thread does not keep the build's interpreter alive (a script that fails before
    closing the writer still ends), and the writer, its input closed, removes its scratch file."""
    import subprocess
    import sys
    import time

    script = f"from pathlib import Path\nfrom wgtip.writers.sqlite import SqliteProcess\ndb = SqliteProcess(Path({str(tmp_path / 'out.sqlite')!r}))\nprint(db.proc.pid)\n"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    for _ in range(300):
        if not list(tmp_path.iterdir()):
            break
        time.sleep(0.1)
    assert list(tmp_path.iterdir()) == []


def test_closing_the_process_closes_both_ends_of_its_pipes(tables, tmp_path):
    db = SqliteProcess(tmp_path / "out.sqlite")
    db.write(SourceDocument, tables[name_of(SourceDocument)])
    db.close()
    assert db.out.closed and db.back.closed and db.proc.poll() is not None
