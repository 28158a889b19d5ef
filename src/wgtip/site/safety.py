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
from typing import Any, Awaitable, Callable, Container

SQL_TIME_LIMIT_MS = 1000
MAX_RETURNED_ROWS = 1000
MAX_VALUE_BYTES = 400_000
"""Largest string or blob any query may make. A response holds at most MAX_RETURNED_ROWS rows, so
a query returning the biggest values costs at most about MAX_RETURNED_ROWS x MAX_VALUE_BYTES of memory."""
MAX_SQL_BYTES = 100_000
MAX_LIKE_PATTERN_BYTES = 1_000
"""LIKE/GLOB cost grows with text length x pattern length: keep both bounded."""
MAX_CSV_MB = 10

SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": SQL_TIME_LIMIT_MS,
    "max_returned_rows": MAX_RETURNED_ROWS,
    "facet_time_limit_ms": 200,
    "max_csv_mb": MAX_CSV_MB,
    "allow_download": True,
    "suggest_facets": False,
    "default_cache_ttl": 300,
}

CONTENT_SECURITY_POLICY = "; ".join([
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
])

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
    for name in ("printf", "format"):
        conn.create_function(name, -1, safe_printf, deterministic=True)


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


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so every HTTP response carries SECURITY_HEADERS (unless it set them itself)."""

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
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
