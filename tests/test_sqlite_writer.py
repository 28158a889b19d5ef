"""The SQLite writer run in a second process: the same file as in-process, its errors raised in the build.

The build hands each batch of rows to ``SqliteProcess`` (marshalled down a pipe)
and feeds the search index (``SearchIndex``) each provision as the fold adds it,
then the corrected texts. These tests hold that against the plain in-process
``SqliteFile``, against the search index's definition (``index_text`` of every
provision's current text, at its rowid), against the order the raw log adds
provisions in, and against failures that only the writer can see.
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
from wgtip.build import batched, fold_log
from wgtip.fold import Folder
from wgtip.log import iter_log, segment_files
from wgtip.search import SEARCH_TABLE, SEARCHED_COLUMN, SearchIndex, added_rows, corrected_rows, index_text, match_expression
from wgtip.tables import TABLES, Meeting, SourceDocument, name_of
from wgtip.tables import Event as EventRow
from wgtip.writers.sqlite import SqliteFile, SqliteProcess, encode, write_message


@pytest.fixture(scope="module")
def tables():
    return fold_log(ROOT)[1]


def messages(root: Path, batch: int) -> list[tuple[str, Any, list]]:
    """What the build hands the SQLite writer, in its order: each batch of events, then the
    provisions those events added (fed to the search index); the corrected texts once the fold
    is finished; then every other table."""
    folder, out, indexed = Folder(), [], 0
    for events in batched(iter_log(root), batch):
        out.append(("write", EventRow, [folder.apply(le) for le in events]))
        added = folder.provisions_since(indexed)
        out.append(("feed", SEARCH_TABLE, added_rows(added)))
        indexed += len(added)
    out.append(("write", EventRow, []))
    rest, _ = folder.finish()
    out.append(("feed", SEARCH_TABLE, corrected_rows(folder.provisions_since(0))))
    for model in TABLES[1:]:
        for rows in batched(rest[name_of(model)], batch):
            out.append(("write", model, rows))
        out.append(("write", model, []))
    return out


def replay(writer, msgs) -> None:
    for kind, target, rows in msgs:
        writer.write(target, rows) if kind == "write" else writer.feed(target, rows)
    writer.finish()


def test_the_process_writes_the_file_the_writer_writes_in_process(tmp_path):
    msgs = messages(ROOT, 50)
    replay(SqliteFile(tmp_path / "here.sqlite", indexes=(SearchIndex(),)), msgs)
    replay(SqliteProcess(tmp_path / "there.sqlite", indexes=(SearchIndex(),)), msgs)
    assert (tmp_path / "here.sqlite").read_bytes() == (tmp_path / "there.sqlite").read_bytes()
    assert not list(tmp_path.glob("*.scratch"))


def test_every_batch_the_build_sends_is_marshalled():
    """A row value marshal cannot spell would silently fall back to pickle (see the next test)."""
    for kind, target, rows in messages(ROOT, 10**9):
        message = write_message(target, rows) if kind == "write" else (kind, target, rows)
        assert encode(message)[:1] == b"M", (kind, target)


def test_sending_the_provisions_leaves_the_folds_texts_as_they_were(tmp_path):
    """Pickle caches a UTF-8 copy inside every non-ASCII str it writes, for as long as the str
    lives: the fold holds every provision's text until the build ends (~180 bytes a provision)."""
    folder = Folder()
    for le in iter_log(ROOT):
        folder.apply(le)
    rest, _ = folder.finish()
    texts = [p.text for p in folder.provisions_since(0)]
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


def added_by_the_log(root: Path) -> list[str]:
    """Provision ids in the order the log adds them, read from the raw event lines (not the fold)."""
    adding = {"RecommendationsAdopted", "RecommendationsReferredToConference", "RecommendationsProposed", "ProposalsEndorsed"}
    out = []
    for path in segment_files(root):
        for line in path.read_bytes().splitlines():
            event = json.loads(line)
            if event["type"] in adding:
                out += [p["provision_id"] for p in event["data"]["provisions"]]
    return out


def test_the_search_index_fed_beside_the_fold_is_every_provisions_current_text_at_its_rowid(tmp_path):
    replay(SqliteProcess(tmp_path / "small.sqlite", indexes=(SearchIndex(),)), messages(ROOT, 7))
    con = sqlite3.connect(tmp_path / "small.sqlite")
    provisions = con.execute(f'SELECT rowid, provision_id, "{SEARCHED_COLUMN}", text FROM provisions ORDER BY rowid').fetchall()
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({rowid: index_text(current) for rowid, _, current, _ in provisions})
    # the rowids are the order in which the log adds the provisions, which is not their document order here
    order = added_by_the_log(ROOT)
    assert [pid for _, pid, _, _ in provisions] == order and len(order) == len(set(order))
    assert [r for (r,) in con.execute("SELECT rowid FROM provisions ORDER BY position")] != sorted(r for r, *_ in provisions)
    # corrected provisions are indexed by their current text, not the printed one they were first fed
    corrected = [(pid, current) for _, pid, current, printed in provisions if current != printed]
    assert corrected, "the log corrects some provisions (else this test proves nothing)"
    assert con.execute(f'SELECT count(*) FROM "{SEARCH_TABLE}" WHERE "{SEARCH_TABLE}" MATCH ?', (match_expression(corrected[0][1]),)).fetchone()[0] >= 1
    # and fed in one batch: the same file, byte for byte
    replay(SqliteProcess(tmp_path / "big.sqlite", indexes=(SearchIndex(),)), messages(ROOT, 10**9))
    assert (tmp_path / "small.sqlite").read_bytes() == (tmp_path / "big.sqlite").read_bytes()


def test_the_search_index_numbers_new_provisions_in_order_and_replaces_known_ones_in_any_batch():
    """A batch of new provisions takes the plain path; a batch mixing new and known ones the other:
    either way rowids follow the order provisions were first fed, and a known one's text is replaced."""
    con = sqlite3.connect(":memory:")
    index = SearchIndex()
    index.start(con)
    index.add(con, [("a", "甲乙".encode()), ("b", "丙".encode())])
    index.add(con, [])
    index.add(con, [("b", "丁戊".encode(), "丙".encode()), ("c", "己".encode())])
    index.add(con, [("d", "庚辛壬".encode())])
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({1: "甲乙 乙", 2: "丁戊 戊", 3: "己", 4: "庚辛 辛壬 壬"})
    assert con.execute(f'SELECT rowid FROM "{SEARCH_TABLE}" WHERE "{SEARCH_TABLE}" MATCH ?', (match_expression("丙"),)).fetchall() == []
    assert con.execute(f'SELECT rowid FROM "{SEARCH_TABLE}" WHERE "{SEARCH_TABLE}" MATCH ?', (match_expression("丁戊"),)).fetchall() == [(2,)]
    # a known provision fed as new, or an unknown one as a replacement, is refused by name
    with pytest.raises(ValueError, match="a is indexed already"):
        index.add(con, [("e", "癸".encode()), ("a", "甲".encode())])
    with pytest.raises(ValueError, match="z was never indexed"):
        index.add(con, [("z", "甲".encode(), "乙".encode())])


def test_a_provision_the_search_index_was_never_fed_fails_the_build(tables, tmp_path):
    db = SqliteProcess(tmp_path / "unfed.sqlite", indexes=(SearchIndex(),))
    for model in TABLES:
        db.write(model, tables[name_of(model)])
    with pytest.raises(sqlite3.IntegrityError, match="datatype mismatch"):
        db.finish()
    assert not (tmp_path / "unfed.sqlite").exists()


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
