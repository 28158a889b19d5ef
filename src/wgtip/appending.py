"""Appending one event of the dataset's own life (a DOI recorded, a release format adopted) to the
log: refused, with nothing written, unless the log with the event at its end folds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from .errors import WgtipError
from .events import Envelope, Occurrence
from .fold import FoldError
from .folded import fold_kept
from .log import LogError, LoggedEvent, iter_log, write_segments


def append_event(root: Path, slug: str, event_type: type[Envelope], data: BaseModel, on: dt.date, recorded_at: dt.datetime, refused: Callable[[str], WgtipError]) -> Path:
    """Append an ``event_type`` with ``data``, which happened ``on`` that day (no source: the dataset's own life), as a
    new segment named ``slug``; a fold error in it is raised as ``refused("FIELD: MESSAGE")``. An empty log is refused
    by ``refused`` too."""
    last = fold_kept(iter_log(root), {}).head
    if last is None:
        raise refused("the log is empty")
    event = event_type(
        seq=last.seq + 1,
        type=event_type.__name__,
        schema_version=1,
        occurred=Occurrence(start=on, end=on),
        recorded_at=recorded_at,
        source=None,
        prev=last.hash,
        data=data,
    )
    draft = LoggedEvent(event, "0" * 64, "(new event)", 0, event.data.model_dump_json())

    def with_draft():
        yield from iter_log(root)
        yield draft

    try:
        fold_kept(with_draft(), {})
    except LogError as err:
        if isinstance(err.__cause__, FoldError):
            raise refused(f"{err.__cause__.field}: {err.__cause__.message}") from None
        raise
    [path] = write_segments(root, [(slug, event)], prev=last.hash)
    return path
