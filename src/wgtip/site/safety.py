"""The limits that make the site safe to run in public, in one place.

Datasette already refuses anything but SELECT/WITH/EXPLAIN, refuses
``load_extension`` and opens the file immutable (read-only). Its time limit
is checked every 1000 virtual-machine steps, so it stops runaway recursive
CTEs and cross joins, but not one huge function call: ``randomblob(1e9)`` or
``printf('%.*c', 999999999, 'x')`` would allocate a gigabyte. Capping the
length of any string or blob SQLite makes (``SQLITE_LIMIT_LENGTH``) makes
those fail at once. The largest value in the data is a few kilobytes.

One call is slow even under that cap: printf's ``%.<n>c`` repeats a character
n times, one append at a time, even after the result has become too big
(``printf('%.*c', 999999999, 'x')`` takes ten seconds, out of reach of the
time limit). So printf and format are replaced by a wrapper that refuses a
width or precision above the cap and otherwise asks SQLite's own printf, on
a private in-memory connection, for the answer.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections.abc import Awaitable, Callable, Container
from typing import Any

SQL_TIME_LIMIT_MS = 1000
MAX_RETURNED_ROWS = 1000
MAX_VALUE_BYTES = 400_000
"""Largest string or blob any query may make. A response holds at most MAX_RETURNED_ROWS rows, so
a query returning the biggest values costs at most about MAX_RETURNED_ROWS x MAX_VALUE_BYTES of memory."""
MAX_SQL_BYTES = 100_000
MAX_LIKE_PATTERN_BYTES = 1_000
"""LIKE/GLOB cost grows with text length x pattern length: keep both bounded."""
MAX_CSV_MB = 10
MAX_RESULT_COLUMNS = 100
"""Columns a result (or a table) may have (SQLITE_LIMIT_COLUMN): the widest table has 28. With the value cap it
bounds one row to MAX_RESULT_COLUMNS x MAX_VALUE_BYTES, which the response budget then counts."""
MAX_RESPONSE_BYTES = 40_000_000
"""What one query's rows may cost, counted as they are fetched (``budget_row_factory``): each character of text
as 6 bytes (the most one character becomes in a response: ``\\u4e00`` in JSON, ``&#34;`` in HTML), each byte of a
blob as 2, anything else as 24. The server then holds at most about this much for the rows' text in the
response, once or twice over while it is built (rows, the body as a string, the body as bytes), well under
MEMORY_CAP_MB above the ~120 MB the idle server holds; the 1,000 rows of two 400 KB values of issue 34 cost
4.8 * 10^9 and are refused at once."""
MEMORY_CAP_MB = 512
"""The resident memory no request may make the server pass (tests/test_site_open.py measures it)."""

SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": SQL_TIME_LIMIT_MS,
    "max_returned_rows": MAX_RETURNED_ROWS,
    "facet_time_limit_ms": 200,
    "max_csv_mb": MAX_CSV_MB,
    "allow_download": True,
    "suggest_facets": False,
    "default_cache_ttl": 300,
}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Datasette's own templates use inline <script> and style= attributes
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def _set_limits(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_LIKE_PATTERN_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, MAX_RESULT_COLUMNS)


class ResponseTooLarge(Exception):
    """A query's rows would pass MAX_RESPONSE_BYTES: raised while they are fetched, before the response is built."""

    def __init__(self, rows: int) -> None:
        super().__init__(
            f"this answer would pass the site's response budget of {MAX_RESPONSE_BYTES // 1_000_000} MB after {rows:,} rows "
            f"(each character of text counts 6 bytes, the most it can take in JSON or HTML): the site stops any answer there so that "
            f"no request can make the server hold more than {MEMORY_CAP_MB} MB. Ask for fewer rows (LIMIT, _size) or shorter values "
            f"(substr()), or download the database file and query it locally"
        )


_spent: weakref.WeakKeyDictionary[sqlite3.Cursor, list[int]] = weakref.WeakKeyDictionary()


def row_cost(row: tuple[Any, ...]) -> int:
    """What a fetched row may become in a response (see MAX_RESPONSE_BYTES)."""
    cost = 0
    for v in row:
        if isinstance(v, str):
            cost += 6 * len(v)
        elif isinstance(v, bytes):
            cost += 2 * len(v)
        else:
            cost += 24
    return cost


def budget_row_factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> sqlite3.Row:
    """Datasette's row type (sqlite3.Row), once the cursor's rows so far fit MAX_RESPONSE_BYTES. Every query the
    site runs, a page's, a facet's or a request's own SQL, fetches its rows through this, one at a time, so the
    budget stops a response as it is built, before its rows are all in memory."""
    spent = _spent.get(cursor)
    if spent is None:
        spent = _spent[cursor] = [0, 0]
    spent[0] += row_cost(row)
    spent[1] += 1
    if spent[0] > MAX_RESPONSE_BYTES:
        raise ResponseTooLarge(spent[1])
    return sqlite3.Row(cursor, row)


# one printf conversion: flags, width (digits or *), precision (. digits or *), length modifiers, type
_SPEC = re.compile(r"%([-+ 0#!,]*)(\*|\d+)?(?:\.(\*|\d*))?(l{0,2})(.)", re.S)
_private = threading.local()


def _sizes(fmt: str, args: tuple[Any, ...]) -> list[int]:
    """The widths and precisions a printf format asks for, literal or taken from the arguments."""
    out: list[int] = []
    i = 0
    for m in _SPEC.finditer(fmt):
        if m.group(5) == "%":
            continue
        for part in (m.group(2), m.group(3)):
            if part == "*":
                v = args[i] if i < len(args) else 0
                i += 1
                try:
                    out.append(abs(int(v)))
                except (TypeError, ValueError):
                    out.append(0)
            elif part:
                out.append(int(part))
        i += 1
    return out


def safe_printf(fmt: Any, *args: Any) -> Any:
    if isinstance(fmt, str) and any(n > MAX_VALUE_BYTES for n in _sizes(fmt, args)):
        raise ValueError(f"printf width or precision above {MAX_VALUE_BYTES}")
    con = getattr(_private, "con", None)
    if con is None:
        con = _private.con = sqlite3.connect(":memory:")
        _set_limits(con)
    marks = ", ".join("?" * (1 + len(args)))
    return con.execute(f"select printf({marks})", (fmt, *args)).fetchone()[0]


def limit_connection(conn: sqlite3.Connection) -> None:
    _set_limits(conn)
    conn.row_factory = budget_row_factory
    for name in ("printf", "format"):
        conn.create_function(name, -1, safe_printf, deterministic=True)


def limits_text() -> str:
    """The limits a reader can meet, in one sentence, for error pages (and the docs)."""
    return (
        f"Every query on this site is stopped after {SQL_TIME_LIMIT_MS:,} ms (a facet's after {SETTINGS['facet_time_limit_ms']:,} ms); "
        f"a page or a query shows at most {MAX_RETURNED_ROWS:,} rows; an answer may cost at most {MAX_RESPONSE_BYTES // 1_000_000} MB "
        f"and a value {MAX_VALUE_BYTES:,} bytes. For more, download the database and query it on your own machine."
    )


INTERRUPTED = "SQL Interrupted"


def interrupted_message() -> str:
    return f"The query took longer than this site's time limit of {SQL_TIME_LIMIT_MS:,} ms, so it was stopped. Narrow it (a WHERE clause, a LIMIT, an indexed column) and run it again."


CLIENT_MISTAKES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time", "Invalid _through")
"""Datasette 0.65 errors that are a request's mistake yet carry its default status, 500 (views/table.py, filters.py)."""
THROUGH = '_through must be JSON naming a table, a column and a value: {"table": …, "column": …, "value": …}'
NEXT = "_next must be the value of a next link this site gave (an offset or key values)"
ROW = "a row is named by its primary key's values, comma-separated, in the key's order"


def client_error(exception: BaseException, args: Container[str] = (), row_page: bool = False) -> tuple[str, str] | None:
    """(message, title) of an error Datasette 0.65 answers with a 500 though the request caused it; None
    for anything else, so a real 500 stays one. ``args``: the names of the request's query parameters;
    ``row_page``: whether it asked for one row by its key.

    - a value over ``MAX_VALUE_BYTES``: SQLite raises ``DataError``, which Datasette does not catch
      (it turns an ``OperationalError`` into a 400);
    - a parameter named wrong (``CLIENT_MISTAKES``);
    - a malformed ``_through`` (not JSON, or a key missing) or ``_next`` (Datasette parses both
      without a check);
    - a row page given fewer values than its table's primary key has columns (an unbound parameter)."""
    if isinstance(exception, ResponseTooLarge):
        return str(exception), "Response too large"
    if isinstance(exception, sqlite3.DataError):
        return f"{exception}: this site caps any string or blob a query makes at {MAX_VALUE_BYTES:,} bytes", "Value too large"
    message = getattr(exception, "message", None)
    if getattr(exception, "status", None) == 500 and isinstance(message, str) and message.startswith(CLIENT_MISTAKES):
        return message, "Invalid request"
    if "_through" in args and isinstance(exception, (ValueError, KeyError, TypeError)):
        return THROUGH, "Invalid request"
    if "_next" in args and isinstance(exception, ValueError):
        return NEXT, "Invalid request"
    if row_page and isinstance(exception, sqlite3.ProgrammingError) and "binding parameter" in str(exception):
        return ROW, "Invalid request"
    return None


ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


CORS_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"access-control-allow-origin", b"*"),
    # what a script on another site may read: Datasette's pagination, and what a ranged read of a download needs
    (b"access-control-expose-headers", b"Link, Content-Range, Accept-Ranges, Content-Length"),
)
"""On every answer but an HTML page (the JSON API, CSV, the downloads): any web page may read the data with fetch();
the pages themselves stay same-origin. The site has no login, so nothing private is exposed."""


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.lower().startswith(b"text/html") for k, v in headers)


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so every HTTP response carries SECURITY_HEADERS (unless it set them itself), and
    CORS_HEADERS unless it is an HTML page."""

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if not _is_html(headers):
                    headers += [(k, v) for k, v in CORS_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


HIDDEN_PAGES = frozenset({"/-/threads", "/-/threads.json"})
"""Datasette's debugging pages that show the server's own file paths (each task's stack, with the file of
every frame): a public site answers them 404, as it would a page that does not exist."""


def without_debug_pages(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so the pages of ``HIDDEN_PAGES`` are answered 404 and never reach Datasette."""

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope.get("path", "").rstrip("/") in HIDDEN_PAGES:
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Not found\n"})
            return
        await app(scope, receive, send)

    return wrapped
