"""The SQLite writer run in a second process: the same file as in-process, its errors raised in the build.

The build hands each batch of rows to ``SqliteProcess`` (marshalled down a pipe),
which indexes the provisions for search (``SearchIndex``) as it writes them. These
tests hold that against the plain in-process ``SqliteFile``, against the search
index's definition (``index_text`` of every provision's current text, at its
position), and against failures that only the writer can see.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from helpers import indexed_tokens, reference_index

from wgtip.fold import Folder
from wgtip.folded import batched, fold_log
from wgtip.log import iter_log
from wgtip.search import ORDER_COLUMN, SEARCH_TABLE, SEARCHED_COLUMN, SearchIndex, index_text, runs
from wgtip.search_query import Query, Term, expression
from wgtip.tables import TABLES, Meeting, Provision, SourceDocument, columns, name_of
from wgtip.tables import Event as EventRow
from wgtip.writers.sqlite import SqliteFile, SqliteProcess, encode, entries_for, write_message


@pytest.fixture(scope="module")
def tables():
    return fold_log(ROOT)[1]


def messages(root: Path, batch: int) -> list[tuple[Any, list]]:
    """What the build hands the SQLite writer, in its order: each batch of events as the log is
    folded, then every other table."""
    folder, out = Folder(), []
    for events in batched(iter_log(root), batch):
        out.append((EventRow, [folder.apply(le) for le in events]))
    out.append((EventRow, []))
    rest, _ = folder.finish()
    for model in TABLES[1:]:
        for rows in batched(rest[name_of(model)], batch):
            out.append((model, rows))
        out.append((model, []))
    return out


def replay(writer, msgs) -> None:
    for model, rows in msgs:
        writer.write(model, rows)
    writer.finish()


def test_the_process_writes_the_file_the_writer_writes_in_process(tmp_path):
    msgs = messages(ROOT, 50)
    replay(SqliteFile(tmp_path / "here.sqlite", indexes=(SearchIndex(),)), msgs)
    replay(SqliteProcess(tmp_path / "there.sqlite", indexes=(SearchIndex(),)), msgs)
    assert (tmp_path / "here.sqlite").read_bytes() == (tmp_path / "there.sqlite").read_bytes()
    assert not list(tmp_path.glob("*.scratch"))


def test_every_batch_the_build_sends_is_marshalled():
    """A row value marshal cannot spell would silently fall back to pickle (see the next test)."""
    for model, rows in messages(ROOT, 10**9):
        for entries in (None, entries_for((SearchIndex(),), model, rows)):  # made there, or here
            assert encode(write_message(model, rows, entries))[:1] == b"M", model


def test_index_entries_made_by_the_sender_give_the_same_file(tmp_path):
    """When the writer is behind, the sending process makes a batch's index entries itself: the
    file must not depend on which process made them."""
    msgs = messages(ROOT, 50)
    replay(SqliteFile(tmp_path / "there.sqlite", indexes=(SearchIndex(),)), msgs)
    here = SqliteFile(tmp_path / "here.sqlite", indexes=(SearchIndex(),))
    for i, (model, rows) in enumerate(msgs):
        here.write(model, rows, entries_for((SearchIndex(),), model, rows) if i % 2 else None)
    here.finish()
    assert (tmp_path / "here.sqlite").read_bytes() == (tmp_path / "there.sqlite").read_bytes()


def test_the_writer_process_writes_the_csv_file_it_is_given(tables, tmp_path):
    """The events' CSV is written by the writer process: the same bytes as in this process, and its
    size and SHA-256 returned by close_csv."""
    import hashlib

    from wgtip.writers.package import CsvFile

    events = tables[name_of(EventRow)]
    mine = CsvFile(EventRow, tmp_path / "mine.csv")
    mine.write(events)
    want = mine.close()
    db = SqliteProcess(tmp_path / "csv.sqlite", csv={name_of(EventRow): (tmp_path / "theirs.csv", None)})
    try:
        for rows in batched(events, 7):
            db.write(EventRow, rows)
        got = db.close_csv(name_of(EventRow))
    finally:
        db.close()
    data = (tmp_path / "theirs.csv").read_bytes()
    assert data == (tmp_path / "mine.csv").read_bytes() and len(events) > 100
    assert got == want == (len(data), hashlib.sha256(data).hexdigest())


def test_a_csv_file_the_writer_process_cannot_write_is_raised(tables, tmp_path):
    (tmp_path / "file").write_text("not a directory")
    db = SqliteProcess(tmp_path / "bad.sqlite", csv={name_of(EventRow): (tmp_path / "file" / "events.csv", None)})
    try:
        db.write(EventRow, tables[name_of(EventRow)][:3])
        with pytest.raises(OSError, match="file"):
            db.close_csv(name_of(EventRow))
    finally:
        db.close()
    assert not (tmp_path / "bad.sqlite").exists()


def test_sending_the_provisions_leaves_the_folds_texts_as_they_were(tmp_path):
    """Pickle caches a UTF-8 copy inside every non-ASCII str it writes, for as long as the str
    lives: the fold holds every provision's text until the build ends (~180 bytes a provision)."""
    folder = Folder()
    for le in iter_log(ROOT):
        folder.apply(le)
    rest, _ = folder.finish()
    texts = [p.text for p in folder.state.provisions.values()]
    before = [sys.getsizeof(t) for t in texts]
    db = SqliteProcess(tmp_path / "sent.sqlite")
    try:
        for model in TABLES[1:]:
            db.write(model, list(rest[name_of(model)]))
    finally:
        db.close()
    assert [sys.getsizeof(t) for t in texts] == before
    pickle.dumps(texts[0])  # what the writer did before: the measure sees it
    assert sys.getsizeof(texts[0]) > before[0]


def test_the_search_index_is_every_provisions_current_text_at_its_position_which_is_its_rowid(tmp_path):
    replay(SqliteProcess(tmp_path / "small.sqlite", indexes=(SearchIndex(),)), messages(ROOT, 7))
    con = sqlite3.connect(tmp_path / "small.sqlite")
    provisions = con.execute(f'SELECT rowid, "{ORDER_COLUMN}", "{SEARCHED_COLUMN}", text FROM provisions ORDER BY rowid').fetchall()
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({position: index_text(current) for _, position, current, _ in provisions})
    assert [rowid for rowid, *_ in provisions] == [position for _, position, *_ in provisions] == list(range(1, len(provisions) + 1))
    # corrected provisions are indexed by their current text, not the printed one
    corrected = [(position, current, printed) for _, position, current, printed in provisions if current != printed]
    assert corrected, "the log corrects some provisions (else this test proves nothing)"
    for position, current, _printed in corrected:
        every_run = Query(((Term(current, False, (tuple((run,) for run in runs(current)),)),),), ())  # each run of the text, whole
        hits = {r for (r,) in con.execute(f'SELECT rowid FROM "{SEARCH_TABLE}" WHERE "{SEARCH_TABLE}" MATCH ?', (expression(every_run),))}
        assert position in hits
    # and written in one batch: the same file, byte for byte
    replay(SqliteProcess(tmp_path / "big.sqlite", indexes=(SearchIndex(),)), messages(ROOT, 10**9))
    assert (tmp_path / "small.sqlite").read_bytes() == (tmp_path / "big.sqlite").read_bytes()


def test_the_search_index_indexes_the_provisions_it_is_shown_and_nothing_else():
    """By the rule in wgtip.search: a run "abc" is indexed as "ab bc c", a one-character run as itself."""
    con = sqlite3.connect(":memory:")
    index = SearchIndex()
    index.start(con)
    index.add(con, index.entries("provisions", [ORDER_COLUMN, SEARCHED_COLUMN], [(3, "甲乙丙"), (1, "丁")]))
    index.add(con, index.entries("provisions", [SEARCHED_COLUMN, ORDER_COLUMN], [("戊己", 2)]))  # columns found by name
    assert index.entries("provisions", [ORDER_COLUMN, SEARCHED_COLUMN], []) == []
    assert index.entries("meetings", [ORDER_COLUMN, SEARCHED_COLUMN], [(4, "庚")]) == []  # another table: not indexed
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({3: "甲乙 乙丙 丙", 1: "丁", 2: "戊己 己"})
    assert index.rowid_for("provisions", ["provision_id", ORDER_COLUMN]) == "?2"
    assert index.rowid_for("meetings", ["meeting", ORDER_COLUMN]) is None


def test_two_provisions_at_one_position_fail_the_build(tables, tmp_path):
    """The position is the provisions' rowid (and the index's): a repeated one cannot be written."""
    at = [c.name for c in columns(Provision)].index(ORDER_COLUMN)
    provisions = tables[name_of(Provision)]
    db = SqliteProcess(tmp_path / "twice.sqlite", indexes=(SearchIndex(),))
    for model in TABLES:
        rows = tables[name_of(model)]
        if model is Provision:
            rows = [*rows[:2], (*rows[2][:at], rows[1][at], *rows[2][at + 1 :]), *rows[3:]]
        db.write(model, rows)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.finish()
    assert len(provisions) > 3 and not (tmp_path / "twice.sqlite").exists()


def test_a_duplicate_key_in_the_writer_process_is_raised_by_finish(tables, tmp_path):
    db = SqliteProcess(tmp_path / "dup.sqlite")
    meetings = tables[name_of(Meeting)]
    db.write(SourceDocument, tables[name_of(SourceDocument)])
    db.write(Meeting, meetings)
    db.write(Meeting, meetings[:1])  # the writer keeps reading after the error: the build never blocks on the pipe
    db.write(Meeting, meetings[1:2])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.finish()
    assert db.proc.poll() is not None
    assert not (tmp_path / "dup.sqlite").exists()
    assert not (tmp_path / "dup.sqlite.scratch").exists()


def test_a_broken_reference_is_raised_by_finish(tables, tmp_path):
    db = SqliteProcess(tmp_path / "fk.sqlite")
    db.write(Meeting, tables[name_of(Meeting)])  # its source documents never written
    with pytest.raises(ValueError, match="foreign key check failed"):
        db.finish()
    assert not (tmp_path / "fk.sqlite").exists()


def test_a_writer_that_dies_is_reported_by_the_next_writes_not_a_hang(tables, tmp_path):
    """Batches are queued for a sender thread: once the pipe breaks, the queue is drained and a
    later write (or finish) says the writer stopped, instead of blocking on a full queue."""
    db = SqliteProcess(tmp_path / "killed.sqlite")
    db.proc.kill()
    db.proc.wait()
    with pytest.raises(RuntimeError, match="stopped"):
        for _ in range(1000):  # the first few may still be queued before the pipe is found broken
            db.write(SourceDocument, tables[name_of(SourceDocument)])
        db.finish()
    db.close()
    assert not (tmp_path / "killed.sqlite").exists()


def test_closing_early_stops_the_process_and_leaves_nothing(tables, tmp_path):
    db = SqliteProcess(tmp_path / "early.sqlite")
    db.write(SourceDocument, tables[name_of(SourceDocument)])
    db.close()  # what the build does when a bad event stops it
    assert db.proc.poll() is not None
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == []


def test_a_build_runs_from_a_script_without_a_main_guard(tmp_path):
    """The writer is a fresh interpreter: a script read from standard input (no file, no
    ``if __name__ == "__main__"``) builds, as a notebook or a user's script would."""
    import subprocess
    import sys

    from conftest import copy_repo

    root = copy_repo(tmp_path / "repo")
    script = f"from pathlib import Path\nfrom wgtip.build import build\nprint(build(Path({str(root)!r})).version)\n"
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == json.loads((ROOT / "datapackage.json").read_text())["version"]
    assert (root / "build" / "wgtip.sqlite").is_file()
