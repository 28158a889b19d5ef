"""Schema evolution by upcasting on read.

Stored events are never rewritten. When an event type's schema changes, its
version in ``events.CURRENT_SCHEMA_VERSION`` goes up and a function is added
here that turns a version-N dict into version N+1. Reading applies them in
turn, so a log written years ago still folds with today's code.
"""

from __future__ import annotations

from collections.abc import Callable

Upcaster = Callable[[dict], dict]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""(event type, version it reads) -> function returning the next version."""


def upcast(obj: dict) -> dict:
    """Bring an event dict to its type's current schema version."""
    etype, version = obj["type"], obj["schema_version"]
    while (etype, version) in UPCASTERS:
        obj = UPCASTERS[(etype, version)](obj)
        version = obj["schema_version"]
    return obj
