"""Answers that say what they are: complete downloads, the reason for an empty answer, and bad parameters refused.

- **Complete downloads** (``/-/complete/…``): every list a page shows can be
  downloaded whole, as CSV and as JSON. Datasette returns at most
  ``max_returned_rows`` rows of an SQL query (canned or not) in every format,
  and streams complete CSV only for tables and views (``_stream=1``). A
  table or view is read here page after page through Datasette's own JSON, so
  its filters, search and sort are Datasette's (and the site's plugins');
  a query is run once, its rows read one by one, under the site's time limit.
  Either way the answer is written to a spooled temporary file first and sent
  only once complete: an answer that cannot be completed (over the time limit
  or over ``MAX_COMPLETE_BYTES``) is a clear 400, never a file cut short.
- **Empty answers with a known reason**: the provisions of a meeting that
  decided none (the third: its proposals were endorsed, and are counted, at the
  fourth) are explained, with a link to where they are.
- **Parameters checked**: a canned query's parameters naming releases must
  name releases of the database, the later one second; otherwise a 400 says
  which (an unknown or reversed pair gave 0 rows). A search parameter must be
  readable (``search_query``), as a table page's ``_search`` must.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..citation import dates, ordinal
from ..search_query import SearchSyntaxError, parse

MAX_COMPLETE_BYTES = 100_000_000
"""The largest complete download the site makes (bytes of CSV or JSON); a bigger answer is refused with a 400
that says to download the database or the data package instead. The whole data package is a few MB."""
SPOOL_IN_MEMORY = 4_000_000
"""Bytes of an answer kept in memory while it is made; the rest goes to a temporary file."""
FORMATS = ("csv", "json")


class AnswerError(Exception):
    """A complete answer that cannot be made, with the reason for the reader."""


class TooBig(AnswerError):
    pass


class Spool:
    """The bytes of an answer, written as it is made (in memory, then a temporary file), counted against a cap."""

    def __init__(self, cap: int = MAX_COMPLETE_BYTES) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (open for the Spool's life: close() closes it)
        self.size, self.cap = 0, cap

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise TooBig(f"the complete answer is larger than {self.cap:,} bytes, the most this site sends at once: download the database or the data package (on the home page) and query it there")
        self.file.write(data)

    def chunks(self, size: int = 1 << 16) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk

    def close(self) -> None:
        self.file.close()


def json_value(value: Any) -> Any:
    """A value as Datasette's JSON gives it (a blob as {"$base64": true, "encoded": …})."""
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": base64.b64encode(value).decode()}
    return value


def csv_value(value: Any) -> str:
    """A value as Datasette's CSV gives it: NULL as an empty field, a blob in base64."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


class Writer:
    """Rows into a spool as CSV (a header, then a line per row, ``\\r\\n`` as Datasette's own CSV) or as JSON (an
    array of objects, one per line, as ``_shape=array`` gives them)."""

    def __init__(self, spool: Spool, fmt: str) -> None:
        if fmt not in FORMATS:
            raise AnswerError(f"no format {fmt!r}: complete answers are given as {' or '.join(FORMATS)}")
        self.spool, self.fmt, self.rows = spool, fmt, 0
        self.columns: list[str] | None = None
        self._text = io.StringIO()
        self._csv = csv.writer(self._text)

    def start(self, columns: list[str]) -> None:
        self.columns = list(columns)
        if self.fmt == "csv":
            self._csv.writerow(self.columns)
            self._flush()
        else:
            self.spool.write(b"[")

    def _flush(self) -> None:
        self.spool.write(self._text.getvalue().encode("utf-8"))
        self._text.seek(0)
        self._text.truncate()

    def write(self, rows: Iterable[Iterable[Any]]) -> None:
        assert self.columns is not None
        for row in rows:
            if self.fmt == "csv":
                self._csv.writerow([csv_value(v) for v in row])
                self._flush()
            else:
                obj = dict(zip(self.columns, (json_value(v) for v in row), strict=True))
                self.spool.write((b",\n" if self.rows else b"\n") + json.dumps(obj, ensure_ascii=False).encode("utf-8"))
            self.rows += 1

    def finish(self) -> None:
        if self.columns is None:
            self.start([])
        if self.fmt == "json":
            self.spool.write(b"\n]\n" if self.rows else b"]\n")


def query_rows(conn: Any, sql: str, params: dict[str, Any], writer: Writer, time_limit_ms: int) -> int:
    """Run ``sql`` on a Datasette connection (in its thread: ``Database.execute_fn``) under the time limit, each
    row written as it is read; return the number of rows."""
    from datasette.utils import sqlite_timelimit

    with sqlite_timelimit(conn, time_limit_ms):
        cursor = conn.execute(sql, params)
        writer.start([d[0] for d in cursor.description or ()])
        while batch := cursor.fetchmany(500):
            writer.write(batch)
    writer.finish()
    return writer.rows


TABLE_PAGE_ARGS = ("_size", "_next", "_shape", "_stream", "_dl", "_nofacet", "_nocount", "_nosuggest", "_labels", "_json", "_nl", "_col", "_nocol")
"""A table page's arguments that say how to page or show it, not which rows: the complete download sets its own."""


def table_page_args(args: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """A table or view page's arguments that choose its rows (filters, search, sort), to page through them."""
    return [(k, v) for k, v in args if k not in TABLE_PAGE_ARGS and not k.startswith("_facet")]


async def table_rows(get: Callable[[list[tuple[str, str]]], Awaitable[dict[str, Any]]], args: list[tuple[str, str]], writer: Writer) -> int:
    """Every row of a table or view page, through Datasette's JSON (``get``: a request of the page's JSON with these
    arguments), a thousand at a time, following its ``next`` token."""
    chosen = table_page_args(args) + [("_shape", "arrays"), ("_size", "max"), ("_nocount", "1"), ("_nofacet", "1"), ("_nosuggest", "1")]
    page = await get(chosen)
    writer.start(page["columns"])
    while True:
        writer.write(page["rows"])
        if not page.get("next"):
            break
        page = await get(chosen + [("_next", page["next"])])
    writer.finish()
    return writer.rows


# --- empty answers with a known reason --------------------------------------------------------------

MEETING_FILTERS = ("meeting", "meeting__exact")
"""How a table or view page filters provisions by meeting; the canned query provisions_of_meeting takes ``meeting``."""


@dataclass(frozen=True)
class EmptyReason:
    """Why an answer is empty, and where the rows it might have meant are."""

    text: str
    text_zh: str
    link_text: str
    path: str  # under the database: provisions?proposed_at_meeting=3


async def meeting_reason(db: Any, meeting: str) -> EmptyReason | None:
    """Why a meeting has no provisions: it decided none, and those proposed there were decided at a later meeting
    (from the meetings table: provisions_decided 0, provisions_proposed, the meeting's note; and the provisions)."""
    if not meeting.strip().isdigit():
        return None
    rows = (await db.execute("select meeting, start_date, end_date, provisions_decided, provisions_proposed, note from meetings where meeting = :m", {"m": int(meeting)})).rows
    if not rows or rows[0]["provisions_decided"] != 0 or not rows[0]["provisions_proposed"]:
        return None
    m = rows[0]
    later = [r[0] for r in (await db.execute("select distinct meeting from provisions where proposed_at_meeting = :m order by meeting", {"m": m["meeting"]})).rows]
    where = " and ".join(f"the {ordinal(n)}" for n in later) or "a later"
    when = dates(dt.date.fromisoformat(m["start_date"]), dt.date.fromisoformat(m["end_date"]))
    return EmptyReason(
        text=(
            f"The {ordinal(m['meeting'])} meeting ({when}) decided no recommendations: the {m['provisions_proposed']} proposed there "
            f"were endorsed at {where} meeting, and are counted there (meeting = {', '.join(map(str, later)) or 'a later one'}, "
            f"proposed_at_meeting = {m['meeting']})."
        ),
        text_zh=m["note"] or "",
        link_text=f"The {m['provisions_proposed']} provisions proposed at the {ordinal(m['meeting'])} meeting",
        path=f"provisions?proposed_at_meeting={m['meeting']}",
    )


async def empty_reason(db: Any, args: dict[str, str]) -> EmptyReason | None:
    """The known reason an answer filtered by these arguments could be empty, if any (a meeting that decided none)."""
    for name in MEETING_FILTERS:
        if args.get(name):
            return await meeting_reason(db, args[name])
    return None


# --- parameters checked -------------------------------------------------------------------------------

RELEASE_PARAMETERS = {"changes_between_releases": ("from_version", "to_version"), "provisions_as_of_release": ("version",)}
"""Canned queries whose parameters name releases (a pair: the earlier first)."""


SEARCH_PARAMETERS = {"search_provisions": "q"}
"""Canned queries whose parameter is a search (``search_query`` syntax), checked as a table page's ``_search`` is."""


async def parameters_error(db: Any, query: str, args: dict[str, str]) -> str | None:
    """Why a canned query's parameters cannot be answered (``release_parameters_error``, or a search that breaks
    the syntax), or None."""
    name = SEARCH_PARAMETERS.get(query)
    if name and args.get(name):
        try:
            parse(args[name])
        except SearchSyntaxError as err:
            return f"{name}: {err.message} — {err.message_zh}"
    return await release_parameters_error(db, query, args)


async def release_parameters_error(db: Any, query: str, args: dict[str, str]) -> str | None:
    """Why a canned query's release parameters cannot be answered (unknown release, a pair reversed or the same,
    one of a pair missing), or None. Parameters not given at all are left to the query's form."""
    names = RELEASE_PARAMETERS.get(query)
    if not names:
        return None
    given = {n: args.get(n, "").strip() for n in names}
    if not any(given.values()):
        return None
    order = {r[0]: r[1] for r in (await db.execute("select version, release_order from releases order by release_order")).rows}
    known = ", ".join(order) or "none"
    for n in names:
        if not given[n]:
            return f"{query} needs {' and '.join(names)}: {n} is missing (releases in this database: {known})"
        if given[n] not in order:
            return f"{n}: no release {given[n]!r} in this database (releases: {known})"
    if len(names) == 2:
        first, second = (given[n] for n in names)
        if order[first] >= order[second]:
            relation = "the same release as" if first == second else "earlier than"
            return (
                f"{names[1]} ({second}) is {relation} {names[0]} ({first}): the changes are those made after {names[0]} up to and "
                f"including {names[1]}, so {names[1]} must be the later release (swap them)"
            )
    return None
