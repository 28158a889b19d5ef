"""Helpers shared by tests: appending events to a copied log; reading what an FTS5 table indexes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from wgtip.log import segment_files


def last_line(root: Path) -> tuple[int, bytes]:
    best: tuple[int, bytes] | None = None
    for path in segment_files(root):
        for line in path.read_bytes().splitlines():
            seq = json.loads(line)["seq"]
            if best is None or seq > best[0]:
                best = (seq, line)
    assert best is not None
    return best


def next_event(root: Path, type_: str, data: dict, **envelope) -> dict:
    seq, line = last_line(root)
    first = json.loads(segment_files(root)[0].read_bytes().splitlines()[0])
    ev = {
        "seq": seq + 1,
        "type": type_,
        "schema_version": 1,
        "occurred": {"start": "2020-01-01", "end": "2020-01-01"},
        "recorded_at": "2026-11-28T00:00:00Z",
        "source": first["source"],
        "prev": hashlib.sha256(line).hexdigest(),
        "data": data,
    }
    ev.update(envelope)
    return ev


def append_raw(root: Path, name: str, raw: bytes) -> Path:
    path = root / "events" / "0000" / name
    path.write_bytes(raw)
    return path


def append(root: Path, ev: dict, name: str | None = None) -> Path:
    line = json.dumps(ev, ensure_ascii=False, separators=(",", ":")).encode()
    return append_raw(root, name or f"{ev['seq']:09d}-test.jsonl", line + b"\n")


def indexed_tokens(con: sqlite3.Connection, table: str) -> list[tuple[int, str, int]]:
    """What an FTS5 table indexes, read from the index itself (fts5vocab): (rowid, token, offset) of every token."""
    con.execute(f'CREATE VIRTUAL TABLE IF NOT EXISTS temp."{table}_tokens" USING fts5vocab(main, "{table}", instance)')
    return sorted(con.execute(f'SELECT doc, term, "offset" FROM temp."{table}_tokens"'))


def reference_index(texts: dict[int, str]) -> list[tuple[int, str, int]]:
    """The tokens a fresh FTS5 table (unicode61, with content) indexes for ``texts`` (rowid -> text)."""
    con = sqlite3.connect(":memory:")
    con.execute('CREATE VIRTUAL TABLE reference USING fts5(text, tokenize = "unicode61")')
    con.executemany("INSERT INTO reference (rowid, text) VALUES (?, ?)", texts.items())
    return indexed_tokens(con, "reference")
