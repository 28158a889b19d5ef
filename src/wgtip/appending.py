"""Appending one event of the dataset's own life (a DOI recorded, a release format adopted) to the
log: refused, with nothing written, unless the log with the event at its end folds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import WgtipError
from .events import Envelope
from .fold import FoldError
from .folded import fold_kept
from .log import LogError, LoggedEvent, iter_log, write_segments


def append_event(root: Path, slug: str, make: Callable[[LoggedEvent], Envelope], refused: Callable[[str], WgtipError]) -> Path:
    """Append ``make(last event)`` as a new segment named ``slug``; a fold error in it is raised as
    ``refused("FIELD: MESSAGE")``. An empty log is refused by ``refused`` too."""
    last = fold_kept(iter_log(root), {}).head
    if last is None:
        raise refused("the log is empty")
    event = make(last)
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
