"""The SQLite database, for Datasette and anyone with sqlite3.

DDL is compiled from the models by SQLAlchemy; rows go in with
``executemany`` over big batches (bulk, not one ORM object at a time), in an
order and in batches fixed by the log, so the same log gives the same bytes.
The file is not rewritten at the end (``VACUUM INTO`` took 23-30 s at 10^6
events): the pages the search index frees when it is merged are reused by the
indexes made after it (``wgtip.indexes``): no free page is left (a test checks it).
Bytes 96-99 of the header hold the SQLite library version; the build records
it (``sqlite_version`` in build-info).
"""

from __future__ import annotations

import datetime as dt
import functools
import marshal
import os
import pickle
import queue
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from ..tables import TABLES, Row, columns, name_of, table_of
from .package import CsvFile

Extra = Callable[[sqlite3.Connection], None]


class Index(Protocol):
    """A derived table of the database (the search index), not a data table: made from the rows of
    a data table as they are written, and numbering that table's rows (their rowids).

    ``entries`` is pure (rows in, the index's entries out), so it can run in the process that
    sends the rows (see ``SqliteProcess``); ``add`` puts them in the file."""

    name: str

    def start(self, con: sqlite3.Connection) -> None: ...
    def rowid_for(self, table: str, columns: list[str]) -> str | None: ...
    def entries(self, table: str, columns: list[str], rows: list[Row]) -> list[Any]: ...
    def add(self, con: sqlite3.Connection, entries: list[Any]) -> None: ...
    def finish(self, con: sqlite3.Connection) -> None: ...


Entries = dict[str, list[Any]]
"""An index's name -> its entries for a batch of rows."""


def entries_for(indexes: Iterable[Index], model: Any, rows: list[Row]) -> Entries:
    table, names = str(name_of(model)), [c.name for c in columns(model)]
    return {index.name: found for index in indexes if (found := index.entries(table, names, rows))}


def ddl(model: Any, fields: list[str] | None = None) -> list[str]:
    """The statements creating a table, with only ``fields`` of its columns, in that order, when given (a
    past release's layout: a column added since is left out, as the release's file was written without
    it, and so are the keys over it). SQLAlchemy's statement is kept as it is otherwise: the file stores it."""
    table = table_of(model)
    dialect = sqlite_dialect.dialect()
    create = str(CreateTable(table).compile(dialect=dialect)).strip()
    names = [c.name for c in table.columns]
    kept = set(names if fields is None else fields)
    if fields is not None and list(fields) != names:
        # SQLAlchemy writes one column a line, each starting with its (quoted when need be) name, in the
        # table's order, then the table's constraints, each naming its own columns in its first parentheses
        head, body = create.split("(\n\t", 1)
        parts = body.removesuffix("\n)").split(", \n\t")
        column = dict(zip(names, parts, strict=False))  # the constraints follow the columns
        if not all(column[n].startswith(dialect.identifier_preparer.quote(n) + " ") for n in names):
            raise RuntimeError(f"SQLAlchemy's CREATE TABLE {table.name} is not laid out as ddl reads it: {create!r}")
        constraints = [p for p in parts[len(names) :] if {c.strip().strip('"') for c in p.split("(", 1)[1].split(")", 1)[0].split(",")} <= kept]
        create = head + "(\n\t" + ", \n\t".join([column[f] for f in fields] + constraints) + "\n)"
    out = [create]
    out += [str(CreateIndex(ix).compile(dialect=dialect)).strip() for ix in sorted(table.indexes, key=lambda i: i.name or "") if {c.name for c in ix.columns} <= kept]
    return out


# Dates are stored as ISO text. An adapter spells them inside sqlite3's C loop, instead of a
# Python pass over every row (booleans need nothing: bool is an int, stored as 0/1).
sqlite3.register_adapter(dt.date, dt.date.isoformat)


class SqliteFile:
    """A SQLite database written table by table, batch by batch, in ``TABLES`` order.

    Rows go into a scratch file with the journal and syncing off; ``finish``
    checks the foreign keys once over the whole file (cheaper than a check
    per inserted row) and renames it to the target. ``indexes`` are derived tables, each
    given its entries for every batch of rows written (made here unless ``write`` is given them)
    and asked for the rowid of a table's rows (``rowid_for``: the search index numbers
    provisions by their position)."""

    def __init__(self, target: Path, indexes: tuple[Index, ...] = ()):
        self.target = target
        self.scratch = target.with_name(target.name + ".scratch")
        self.scratch.unlink(missing_ok=True)
        self.con = sqlite3.connect(self.scratch)
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.created: set[str] = set()
        self.fields: dict[str, list[str]] = {}  # a table written with fewer columns than its model (``set_fields``)
        self.indexes = {i.name: i for i in indexes}
        for index in indexes:
            index.start(self.con)

    def set_fields(self, table: str, fields: list[str]) -> None:
        """Write ``table`` with these of its columns only, in this order (a past release's layout)."""
        self.fields[table] = list(fields)

    def write(self, model: Any, rows: Iterable[Row], entries: Entries | None = None) -> None:
        name = name_of(model)
        names = [c.name for c in columns(model)]
        fields = self.fields.get(name, names)
        if name not in self.created:
            for stmt in ddl(model, fields if fields != names else None):
                self.con.execute(stmt)
            self.created.add(name)
        rows = rows if isinstance(rows, list) or not self.indexes else list(rows)
        if fields == names:
            self.con.executemany(self._insert(name, names), rows)
        else:
            pick = [names.index(f) for f in fields]
            self.con.executemany(self._insert(name, fields), ([r[i] for i in pick] for r in rows))
        if entries is None:
            # rows is a list whenever there are indexes (above); without indexes there are no entries
            entries = entries_for(self.indexes.values(), model, rows) if isinstance(rows, list) else {}
        for index, found in entries.items():
            self.indexes[index].add(self.con, found)

    def _insert(self, table: str, names: list[str]) -> str:
        marks = ", ".join(f"?{i}" for i in range(1, len(names) + 1))
        rowid = next((r for index in self.indexes.values() if (r := index.rowid_for(table, names))), None)
        if rowid is None:
            return f'INSERT INTO "{table}" VALUES ({marks})'
        cols = ", ".join(f'"{n}"' for n in names)
        return f'INSERT INTO "{table}" (rowid, {cols}) VALUES ({rowid}, {marks})'

    def finish(self, extras: tuple[Extra, ...] = ()) -> None:
        try:
            for index in self.indexes.values():
                index.finish(self.con)
            for extra in extras:
                extra(self.con)
            self.con.commit()
            problems = self.con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"foreign key check failed: {problems[:3]}")
            self.con.close()
            os.replace(self.scratch, self.target)
        finally:
            self.close()

    def close(self) -> None:
        self.con.close()
        self.scratch.unlink(missing_ok=True)


class SqliteProcess:
    """A ``SqliteFile`` run by a second process, so the inserts, the search index and the indexes
    use the machine's other core while this one folds and writes CSV.

    Batches go down a pipe (rows are tuples of str, int, date, bool and None, exact on the
    other side; see ``encode``) by a sender thread, through a queue of ``QUEUED``
    encoded batches: a batch that is slow for one side (provisions for the writer, citations
    for the fold) no longer stalls the other, as a pipe that holds one message would. The queue
    is the backpressure: when the writer falls behind, ``write`` waits. A failure in the writer
    is raised here, at the latest by ``finish``.

    The writer is a fresh interpreter (``python -c``), not a ``multiprocessing`` child: those
    re-import the caller's main script, which breaks a build started from a script without a
    ``__main__`` guard, a notebook or standard input; and a fork would copy the caller's threads'
    locks. It gets the caller's ``sys.path``, and stops when its pipe closes.

    ``csv`` names tables whose CSV file (path, columns) the writer process writes too, from the
    same batches: the build's own process is the busier one while it folds the log, and the
    events' CSV (as large as the log) is encoded and hashed there for free. ``close_csv`` closes
    one and returns its size and SHA-256, once every batch sent before has been written."""

    def __init__(self, target: Path, indexes: tuple[Index, ...] = (), csv: dict[str, tuple[Path, list[str]]] | None = None):
        to_child, from_parent = _pipe()
        to_parent, from_child = _pipe()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import serve; serve({from_parent}, {to_parent})"],
            pass_fds=(from_parent, to_parent),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        os.close(from_parent)
        os.close(to_parent)
        self.out = Connection(to_child, readable=False)
        self.back = Connection(from_child, writable=False)
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        self.discard = threading.Event()  # set once the writer stopped reading, or the build stopped
        self.sender = threading.Thread(target=self._send_queued, name="sqlite-sender", daemon=True)
        self.sender.start()
        self.indexes = indexes
        self._send(("start", None, (target, indexes, csv or {})))

    def write(self, model: Any, rows: Iterable[Row]) -> None:
        """Send a batch. When the writer is behind (the queue is full, so this process would only
        wait), the batch's entries in the indexes are made here rather than there: the search
        index's bigrams are a fifth of the writer's work while it writes provisions. Made here
        or there, they are the same entries, written in the same order."""
        rows = rows if isinstance(rows, list) else list(rows)
        entries = entries_for(self.indexes, model, rows) if self.queue.full() else None
        self._send(write_message(model, rows, entries))

    def set_fields(self, model: Any, fields: list[str]) -> None:
        """The SQLite table is written with these columns only (``SqliteFile.set_fields``)."""
        self._send(("fields", str(name_of(model)), list(fields)))

    def close_csv(self, table: str) -> tuple[int, str]:
        self._send(("close_csv", table, None))
        return self._result()

    def finish(self, extras: tuple[Extra, ...] = ()) -> None:
        try:
            self._send(("finish", None, extras))
            self._stop_sender()
            self._result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the writer (it removes its scratch file) and wait for it."""
        self.discard.set()  # what is still queued is dropped: the writer stops after its current message
        self._stop_sender()
        if not self.out.closed:
            self.out.close()  # end of input: the writer stops
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if not self.back.closed:
            self.back.close()

    def _send(self, message: tuple[str, str | None, Any]) -> None:
        if self.discard.is_set():  # the writer has stopped: say why
            self._stop_sender()
            self._result()
            raise RuntimeError("the SQLite writer process stopped reading")
        self.queue.put(encode(message))

    def _send_queued(self) -> None:
        """The sender thread: write each queued message to the pipe (outside the GIL), until None."""
        while (data := self.queue.get()) is not None:
            if self.discard.is_set():
                continue  # keep taking messages, so that nobody blocks on a full queue
            try:
                self.out.send_bytes(data)
            except OSError:
                self.discard.set()

    def _stop_sender(self) -> None:
        if self.sender.is_alive():
            self.queue.put(None)
            self.sender.join()

    def _result(self) -> Any:
        try:
            status, value = pickle.loads(self.back.recv_bytes())
        except EOFError:
            raise RuntimeError(f"the SQLite writer process stopped (exit code {self.proc.wait()})") from None
        if status != "ok":
            raise value
        return value


QUEUED = 4
"""Encoded batches waiting for the writer, at most (a batch of provisions is ~6 MB)."""


def encode(message: tuple[str, str | None, Any]) -> bytes:
    """A message for the writer: marshalled when marshal can spell all of it, else pickled.

    Why not always pickle: pickling a str that is not ASCII leaves a UTF-8 copy of it cached
    inside the str, for as long as the str lives. The provisions' texts live in the fold's state
    until the build ends, so pickling their rows grew the build by ~180 bytes per provision
    (~340 MB at a million events). Marshal encodes without caching, and is faster both ways.
    It cannot spell dates (``write`` sends them as ISO text, see ``dates_as_text``), str
    subclasses, or the start and finish messages (paths, index objects, functions): those two
    are pickled. ``tests/test_sqlite_writer.py`` checks that every batch of a build is marshalled."""
    try:
        return b"M" + marshal.dumps(message)
    except ValueError:
        return b"P" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def write_message(model: Any, rows: Iterable[Row], entries: Entries | None = None) -> tuple[str, str, tuple[list[Row], Entries | None]]:
    """What ``write`` sends for a batch, in the form ``encode`` can marshal."""
    return ("write", str(name_of(model)), (dates_as_text(model)(rows), entries))  # str: a table name is a str subclass, which marshal refuses


@functools.cache
def dates_as_text(model: Any) -> Callable[[Iterable[Row]], list[Row]]:
    """A table's rows with each date spelled as ISO text, as the SQLite adapter would store it, so
    that ``encode`` can marshal them: one expression per table, made from its columns' kinds."""
    at = [i for i, c in enumerate(columns(model)) if c.kind == "date"]
    if not at:
        return lambda rows: rows if isinstance(rows, list) else list(rows)
    fields = ", ".join(f"(None if r[{i}] is None else r[{i}].isoformat())" if i in at else f"r[{i}]" for i in range(len(columns(model))))
    row = eval(f"lambda r: ({fields},)")  # noqa: S307 - code made above from column positions, no data
    return lambda rows: list(map(row, rows))


def decode(data: bytes) -> Any:
    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == b"M" else pickle.loads(body)


def _pipe() -> tuple[int, int]:
    read, write = os.pipe()
    return write, read


def serve(read_fd: int, write_fd: int) -> None:
    """The writer process: apply each message in order; report the first error once asked."""
    conn, back = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    models = {name_of(m): m for m in TABLES}
    try:
        kind, _, (target, indexes, csv) = decode(conn.recv_bytes())
    except EOFError:
        return
    db, error, csvs = SqliteFile(target, indexes), None, {}
    try:
        for name, (path, fields) in csv.items():
            csvs[name] = CsvFile(models[name], path, fields)
    except Exception as exc:  # noqa: BLE001 - as below
        error = exc
    try:
        while True:
            try:
                kind, name, payload = decode(conn.recv_bytes())
            except EOFError:  # closed before finishing: the build stopped
                return
            if kind in ("finish", "close_csv"):
                value = None
                if error is None:
                    try:
                        if kind == "finish":
                            db.finish(payload)
                        else:
                            value = csvs.pop(name).close()
                    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
                        error = exc
                back.send_bytes(pickle.dumps(("ok", value) if error is None else ("error", error)))
                if kind == "finish":
                    return
                continue
            if kind == "fields":
                db.set_fields(name, payload)
                continue
            if error is None:  # after an error keep reading, so the parent never blocks on a full pipe
                try:
                    rows, entries = payload
                    db.write(models[name], rows, entries)
                    if name in csvs:
                        csvs[name].write(rows)
                except Exception as exc:  # noqa: BLE001 - as above
                    error = exc
    finally:
        for f in csvs.values():
            f.close()
        db.close()
        conn.close()
        back.close()
