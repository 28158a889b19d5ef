"""The SQLite writer run in a second process: the same file as in-process, its errors raised in the build.

The build hands each batch of rows to ``SqliteProcess`` (pickled down a pipe)
and the search index grows batch by batch (``SearchIndex``). These tests hold
that against the plain in-process ``SqliteFile``, against the search index's
definition (``index_text`` of every provision), and against failures that
only the writer can see.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT
from wgtip.build import batched, fold_log
from wgtip.search import SEARCH_TABLE, SEARCHED_COLUMN, SearchIndex, index_text
from wgtip.tables import TABLES, Meeting, Provision, SourceDocument, columns, name_of
from wgtip.writers.sqlite import SqliteFile, SqliteProcess


@pytest.fixture(scope="module")
def tables():
    return fold_log(ROOT)[1]


def write(writer, tables, batch: int) -> None:
    for model in TABLES:
        for rows in batched(tables[name_of(model)], batch):
            writer.write(model, rows)
        writer.write(model, [])
    writer.finish()


def test_the_process_writes_the_file_the_writer_writes_in_process(tables, tmp_path):
    write(SqliteFile(tmp_path / "here.sqlite", followers=(SearchIndex(),)), tables, 5_000)
    write(SqliteProcess(tmp_path / "there.sqlite", followers=(SearchIndex(),)), tables, 5_000)
    assert (tmp_path / "here.sqlite").read_bytes() == (tmp_path / "there.sqlite").read_bytes()
    assert not list(tmp_path.glob("*.scratch"))


def test_the_search_index_grown_in_batches_holds_every_provision_once(tables, tmp_path):
    write(SqliteProcess(tmp_path / "small.sqlite", followers=(SearchIndex(),)), tables, 7)
    con = sqlite3.connect(tmp_path / "small.sqlite")
    got = con.execute(f'SELECT rowid, provision_id, "{SEARCHED_COLUMN}" FROM "{SEARCH_TABLE}" ORDER BY rowid').fetchall()
    names = [c.name for c in columns(Provision)]
    pid, text = names.index("provision_id"), names.index(SEARCHED_COLUMN)
    want = [(i, row[pid], index_text(row[text])) for i, row in enumerate(tables[name_of(Provision)], 1)]
    assert got == want
    # and in one batch: the same file, byte for byte
    write(SqliteProcess(tmp_path / "big.sqlite", followers=(SearchIndex(),)), tables, 10**9)
    con2 = sqlite3.connect(tmp_path / "big.sqlite")
    assert con2.execute(f'SELECT rowid, provision_id, "{SEARCHED_COLUMN}" FROM "{SEARCH_TABLE}" ORDER BY rowid').fetchall() == want


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
