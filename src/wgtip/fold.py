"""The fold: a pure projection of the ordered events onto tables.

``fold(events)`` takes the events in sequence order and returns, for every
table in ``tables.TABLES``, its rows as tuples in column order. It reads no
files, no clock and no environment, so the same events always give the same
rows. An event that refers to something that does not exist (a meeting not
yet held, an unknown provision, …) raises ``FoldError`` naming the event and
the field.

Each event type is applied by one handler in ``projection/``; this module
only dispatches and assembles the tables.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from . import events as ev
from .citation import DatasetVersion
from .log import LoggedEvent
from .projection import annotations, history, recommendations
from .projection.state import FoldError, State, event_row
from .tables import TABLES, Row, columns, name_of

__all__ = ["FoldError", "fold", "fold_versioned", "apply", "State"]

APPLY: dict[str, Callable[[State, Any], None]] = {
    **recommendations.HANDLERS,
    **history.HANDLERS,
    **annotations.HANDLERS,
}
missing = {cls.__name__ for cls in ev.EVENT_TYPES} - set(APPLY)
assert not missing, f"every event type needs a projection: {missing}"


def apply(events: Iterable[LoggedEvent]) -> State:
    """The state after every event, in order."""
    state = State()
    for le in events:
        state.events.append(event_row(le))
        state.seq = le.event.seq
        APPLY[le.event.type](state, le.event)
        history.note_event(state, le.event)
    return state


def _rows(model: Any, records: Iterable[dict[str, Any]]) -> list[Row]:
    names = [c.name for c in columns(model)]
    return [tuple(r[n] for n in names) for r in records]


def fold_versioned(events: Iterable[LoggedEvent]) -> tuple[dict[str, list[Row]], DatasetVersion]:
    """Project the events, in sequence order, onto every table; with the dataset version they make."""
    state = apply(events)
    records = recommendations.finish(state)
    records.update(history.finish(state))
    records.update(annotations.finish(state))
    return {name_of(m): _rows(m, records[name_of(m)]) for m in TABLES}, state.dataset_version()


def fold(events: Iterable[LoggedEvent]) -> dict[str, list[Row]]:
    """Project the events, in sequence order, onto every table."""
    return fold_versioned(events)[0]
