"""The home page kept once made: the site serves immutable files, and the home page is the same for every
anonymous reader of one host, yet Datasette 0.65 runs ~150 small queries and permission checks to make it
(bench/results/load-site34b-*.md: it was the slowest page under load and one reader waited ~200 ms for it).

An ASGI wrapper keeps the complete answer (status, headers, body) to ``GET /`` per scheme and ``Host`` (the
page's JSON-LD and alternate link carry absolute URLs), for at most ``MAX_KEPT`` hosts (a client chooses the
Host header: the cache cannot grow without bound). It keeps nothing a reader could be told apart by: a
request with credentials (an ``Authorization`` header or Datasette's ``ds_actor`` cookie) is passed through,
and so is any answer that is not a 200 or that sets a cookie.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

KEPT_PATHS = frozenset({"/"})
MAX_KEPT = 16
MAX_BODY_BYTES = 1_000_000


def _key(scope: Scope) -> tuple[str, str, str] | None:
    """What the kept answer depends on, or None when the request must reach Datasette."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in KEPT_PATHS or scope.get("query_string"):
        return None
    headers = dict(scope.get("headers") or [])
    if b"authorization" in headers or b"ds_actor=" in headers.get(b"cookie", b""):
        return None
    return scope.get("scheme", "http"), headers.get(b"host", b"").decode("latin-1"), scope["path"]


def _cacheable(messages: list[Message]) -> bool:
    start = messages[0]
    return (start["type"] == "http.response.start" and start["status"] == 200
            and not any(name.lower() == b"set-cookie" for name, _ in start.get("headers", []))
            and sum(len(m.get("body", b"")) for m in messages[1:]) <= MAX_BODY_BYTES
            and not messages[-1].get("more_body", False))


def keep_home_page(app: App) -> App:
    kept: OrderedDict[tuple[str, str, str], list[Message]] = OrderedDict()

    async def wrapped(scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        key = _key(scope)
        if key is None:
            await app(scope, receive, send)
            return
        if key in kept:
            kept.move_to_end(key)
            for message in kept[key]:
                await send(message)
            return
        messages: list[Message] = []

        async def recording_send(message: Message) -> None:
            messages.append(dict(message))
            await send(message)

        await app(scope, receive, recording_send)
        if messages and _cacheable(messages):
            kept[key] = messages
            while len(kept) > MAX_KEPT:
                kept.popitem(last=False)

    return wrapped
