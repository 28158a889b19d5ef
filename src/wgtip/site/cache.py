"""Pages kept once made: every database the site serves is an immutable file, so a page is the same for every
anonymous reader of one host, yet Datasette makes it anew each time (the home page with many small queries).
Under load the making of the costliest pages (the provisions table and search) kept every other reader
waiting (docs/site.md, "Speed"; bench/results/load-page-cache*.md).

An ASGI wrapper keeps the complete answer (status, headers, body) to a ``GET``, keyed by scheme, ``Host``, the
proxy headers that change absolute URLs, path and query string, in a least-recently-used store of at most
``MAX_KEPT_BYTES`` (a client chooses the URL and the Host header: the store cannot grow without bound). It
keeps nothing a reader could be told apart by, and nothing that may be incomplete:

- a request with a cookie or credentials (``UNSENT_HEADERS``) or a ``Range`` header is passed through;
- so is any answer that is not an HTML page with status 200 (the JSON and CSV answers carry the time their
  queries took; the pages do not, see templates/_footer.html), that sets a cookie, varies by a request header
  other than those, streams more than ``MAX_BODY_BYTES``, or comes from a server with a mutable database;
- so is any answer during whose making a database call failed (``Database.execute_fn`` raised): Datasette
  and this site's plugins turn a query stopped by the time limit into a page without that part (a count, a
  facet, a citation), which is right for that moment but must not be served again once the server is idle.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_KEPT_BYTES = 32_000_000
MAX_BODY_BYTES = 1_000_000
KEYED_HEADERS = (b"host", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-port", b"forwarded")
"""The request headers a page's absolute URLs (JSON-LD, alternate and next links) may be made from."""
UNSENT_HEADERS = frozenset({b"cookie", b"authorization"})
"""Only a request without these is answered from the store: Datasette marks every answer ``Vary: Cookie,
Authorization`` (a reader's cookie or credentials may change the page), so a page kept for a request without
them serves every request without them, and no other."""

_failures: ContextVar[list[BaseException] | None] = ContextVar("wgtip_failed_database_calls", default=None)


def _key(scope: Scope) -> tuple[Any, ...] | None:
    """What the kept answer depends on, or None when the request must reach Datasette."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    headers = dict(scope.get("headers") or [])
    if UNSENT_HEADERS & headers.keys() or b"range" in headers:
        return None
    return (scope.get("scheme", "http"), *(headers.get(h, b"") for h in KEYED_HEADERS), scope["path"], scope.get("query_string", b""))


def _keepable_start(message: Message) -> bool:
    headers = [(name.lower(), value) for name, value in message.get("headers", [])]
    varies = {part.strip().lower() for name, value in headers if name == b"vary" for part in value.split(b",")}
    return (
        message["type"] == "http.response.start"
        and message["status"] == 200
        and any(name == b"content-type" and value.startswith(b"text/html") for name, value in headers)
        and not any(name == b"set-cookie" for name, _ in headers)
        and varies <= UNSENT_HEADERS
    )


def _size(messages: list[Message]) -> int:
    return sum(len(m.get("body", b"")) + sum(len(k) + len(v) for k, v in m.get("headers", [])) for m in messages)


class KeptPages:
    """The store: answers by key, least recently used first, at most ``max_bytes`` in all."""

    def __init__(self, max_bytes: int = MAX_KEPT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._answers: OrderedDict[tuple[Any, ...], tuple[list[Message], int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: tuple[Any, ...]) -> list[Message] | None:
        found = self._answers.get(key)
        if found is None:
            return None
        self._answers.move_to_end(key)
        return found[0]

    def put(self, key: tuple[Any, ...], messages: list[Message]) -> None:
        size = _size(messages)
        if key in self._answers or size > self.max_bytes:
            return
        self._answers[key] = (messages, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self._answers.popitem(last=False)
            self.bytes -= dropped

    def clear(self) -> None:
        """Forget every page (when what the site serves changes, e.g. a database is added)."""
        self._answers.clear()
        self.bytes = 0


def keep_pages(app: App, store: KeptPages, immutable: Callable[[], bool] = lambda: True) -> App:
    """``app`` with its keepable answers kept in ``store``; ``immutable()`` says whether every database served is."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope)
        if key is None or not immutable():
            await app(scope, receive, send)
            return
        kept = store.get(key)
        if kept is not None:
            for message in kept:
                await send(message)
            return
        messages: list[Message] | None = []
        size = 0

        async def recording_send(message: Message) -> None:
            nonlocal messages, size
            if messages is not None:
                size += len(message.get("body", b""))
                if size > MAX_BODY_BYTES or (message["type"] == "http.response.start" and not _keepable_start(message)):
                    messages = None  # not kept: stop holding a copy
                else:
                    messages.append(dict(message))
            await send(message)

        failures = _failures.get()
        if failures is not None:  # inside another keeping wrapper: the failures are noted for both
            await app(scope, receive, recording_send)
        else:
            failures = []
            token = _failures.set(failures)
            try:
                await app(scope, receive, recording_send)
            finally:
                _failures.reset(token)
        if messages and not failures and not messages[-1].get("more_body", False):
            store.put(key, messages)

    return wrapped


def noting_failures(execute_fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Datasette's ``Database.execute_fn`` (every query of a page goes through it, in the page's own task or a
    task it starts), noting each call that raised in the page being made, so that page is not kept."""
    if getattr(execute_fn, "notes_failures", False):
        return execute_fn

    @functools.wraps(execute_fn)
    async def execute(self: Any, fn: Callable[[Any], Any]) -> Any:
        try:
            return await execute_fn(self, fn)
        except BaseException as err:
            failures = _failures.get()
            if failures is not None:
                failures.append(err)
            raise

    execute.notes_failures = True  # type: ignore[attr-defined]  # installed once, however often the plugin loads
    return execute
