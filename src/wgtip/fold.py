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

import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import events as ev
from .citation import DatasetVersion
from .log import LoggedEvent

# not imported as ``annotations``, the name that ``from __future__ import annotations`` takes
from .projection import annotations as annotation_tables
from .projection import history, recommendations
from .projection.state import FoldError, Record, State, event_row
from .tables import TABLES, Row, columns, name_of
from .tables import Event as EventRow

__all__ = ["FoldError", "Folder", "fold", "fold_versioned", "apply", "State"]

APPLY: dict[type[ev.Envelope], Callable[[State, Any], None]] = {
    **recommendations.HANDLERS,
    **history.HANDLERS,
    **annotation_tables.HANDLERS,
}
"""Each event type's projection, by its class: a renamed or removed event type cannot leave one behind."""
if set(APPLY) != set(ev.EVENT_TYPES):
    raise TypeError(f"every event type needs one projection: {sorted(c.__name__ for c in set(ev.EVENT_TYPES) ^ set(APPLY))}")


def apply(events: Iterable[LoggedEvent]) -> State:
    """The state after every event, in order."""
    state = State()
    for le in events:
        state.events.append(event_row(le))
        _step(state, le)
    return state


def _step(state: State, le: LoggedEvent) -> None:
    """Apply one event: the one definition both ``apply`` and ``Folder`` use."""
    state.seq = le.event.seq
    APPLY[type(le.event)](state, le.event)
    history.note_event(state, le.event)


def _records(state: State) -> dict[str, Iterable[Any]]:
    """Every table's records, in output order, once every event is applied."""
    records = recommendations.finish(state)
    records.update(history.finish(state))
    records.update(annotation_tables.finish(state))
    return records


def _rows(model: Any, records: Iterable[dict[str, Any]]) -> list[Row]:
    return list(_lazy_rows(model, records))


class Folder:
    """The same fold, one event at a time, for a build that streams the log.

    ``apply`` folds one event and returns its ``events`` row (a tuple), which
    the caller writes out and forgets: the log (a gigabyte of JSON at a
    million events) is never held in memory. ``finish`` returns every other
    table, and the dataset version."""

    def __init__(self) -> None:
        self.state = State()
        self.names = [c.name for c in columns(EventRow)]

    def apply(self, le: LoggedEvent) -> Row:
        _step(self.state, le)
        row = event_row(le)
        return tuple(row[n] for n in self.names)

    def finish(self) -> tuple[dict[str, Iterable[Row]], DatasetVersion]:
        """Every table but ``events``, as row iterators in ``TABLES`` order (consume each once, in order)."""
        records = _records(self.state)
        return {name_of(m): _lazy_rows(m, records[name_of(m)]) for m in TABLES if m is not EventRow}, self.state.dataset_version()


def _lazy_rows(model: Any, records: Iterable[Any]) -> Iterator[Row]:
    """Rows in column order, from dict records, slotted ``Record``s (read by attribute: C speed)
    or tuples that are rows already (provisions and the annotation tables)."""
    names = [c.name for c in columns(model)]
    by_attr, by_key = operator.attrgetter(*names), operator.itemgetter(*names)
    for r in records:
        yield r if type(r) is tuple else by_attr(r) if isinstance(r, Record) else by_key(r)


def fold_versioned(events: Iterable[LoggedEvent]) -> tuple[dict[str, list[Row]], DatasetVersion]:
    """Project the events, in sequence order, onto every table; with the dataset version they make."""
    state = apply(events)
    records = _records(state)
    return {name_of(m): _rows(m, records[name_of(m)]) for m in TABLES}, state.dataset_version()


def fold(events: Iterable[LoggedEvent]) -> dict[str, list[Row]]:
    """Project the events, in sequence order, onto every table."""
    return fold_versioned(events)[0]
