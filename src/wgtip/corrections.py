"""Writing a correction: one TextCorrected event appended to the log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .characters import invisible_change
from .errors import WgtipError
from .events import Occurrence, SourceLocator, TextCorrected, TextCorrectedData
from .folded import fold_kept, keep_all
from .log import iter_log, write_segments


class CorrectionError(WgtipError):
    """A correction that cannot be made as asked."""


def append_correction(root: Path, provision_id: str, old: str, new: str, reason: str, corrected_by: str, on: dt.date, recorded_at: dt.datetime) -> Path:
    kept = fold_kept(iter_log(root), {"provisions": lambda p: p["provision_id"] == provision_id, "source_documents": keep_all})
    rows, last = kept.rows["provisions"], kept.head
    if not rows:
        raise CorrectionError(f"no provision {provision_id!r}")
    assert last is not None  # a provision was folded, so the log has a last event
    p = rows[0]
    current = p["current_text"]
    if current.count(old) != 1:
        raise CorrectionError(f"{old!r} occurs {current.count(old)} times in the current text of {provision_id}; it must occur exactly once")
    hidden = invisible_change(current, current.replace(old, new))
    if hidden:
        raise CorrectionError(f"--replace: the correction {hidden}; a correction changes what a reader sees")
    doc = next(d for d in kept.rows["source_documents"] if d["document"] == p["source_document"])
    event = TextCorrected(
        seq=last.seq + 1,
        type="TextCorrected",
        schema_version=1,
        occurred=Occurrence(start=on, end=on),
        recorded_at=recorded_at,
        source=SourceLocator(document=doc["document"], language=doc["language"], sha256=doc["sha256"], section=p["source_section"], paragraph=str(p["source_paragraph"]), line=p["source_line"]),
        prev=last.hash,
        data=TextCorrectedData(provision_id=provision_id, old_text=current, new_text=current.replace(old, new), reason=reason, corrected_by=corrected_by),
    )
    [path] = write_segments(root, [(f"correction-{provision_id}", event)], prev=last.hash)
    return path
