"""Projection of the dataset's own life: corrections, releases, and the history they make.

A release fixes the data as of its event. Changes since the previous release
are collected as they happen (``state.pending``) and published with the
release, so "what changed between X and Y" is a plain query on ``changes``.
"""

from __future__ import annotations

import itertools

from typing import Any, Callable, Iterable, Iterator

from .. import events as ev
from .state import FoldError, State, record_changed


def semver(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(x) for x in version.split("."))
    return major, minor, patch


def _text_corrected(state: State, e: ev.TextCorrected) -> None:
    d = e.data
    revisions = state.texts.get(d.provision_id)
    if revisions is None:
        raise FoldError(e.seq, "data.provision_id", f"provision {d.provision_id!r} does not exist")
    current = revisions[-1]["text"]
    if d.old_text != current:
        raise FoldError(e.seq, "data.old_text", f"does not match the current text of {d.provision_id!r} (stale correction?)")
    if d.new_text == current:
        raise FoldError(e.seq, "data.new_text", "is the same as the current text: nothing to correct")
    revisions[-1]["valid_to_seq"] = e.seq
    revisions.append(dict(text=d.new_text, valid_from_seq=e.seq, valid_to_seq=None, reason=d.reason, corrected_by=d.corrected_by))
    record_changed(state, "provisions", d.provision_id, "current_text", current, d.new_text)


def _release_published(state: State, e: ev.ReleasePublished) -> None:
    d = e.data
    if d.log_head.seq != e.seq - 1 or d.log_head.sha256 != e.prev:
        raise FoldError(e.seq, "data.log_head", f"must name the event just before the release (seq {e.seq - 1}, the hash in prev)")
    previous = state.releases[-1] if state.releases else None
    if any(r["version"] == d.version for r in state.releases):
        raise FoldError(e.seq, "data.version", f"version {d.version} was already released")
    if previous:
        old, new = semver(previous["version"]), semver(d.version)
        if new <= old:
            raise FoldError(e.seq, "data.version", f"{d.version} does not come after the previous release {previous['version']}")
        if d.published_on < previous["published_on"]:
            raise FoldError(e.seq, "data.published_on", f"{d.published_on} is before the previous release's date {previous['published_on']}")
        if not state.pending:
            raise FoldError(e.seq, "data.version", f"release {d.version} changes nothing since {previous['version']}")
        adds = sum(1 for c in state.pending.values() if c["change"] == "added")
        if adds and new[:2] == old[:2]:
            raise FoldError(e.seq, "data.version", f"release {d.version} adds {adds} record{'s' if adds > 1 else ''}: that needs a minor version (new records), not a patch")
    for change in sorted(state.pending.values(), key=lambda c: (c["event_seq"], c["table_name"], c["row_id"], c["field"] or "")):
        state.changes.append(dict(change, version=d.version))
    state.pending.clear()
    state.releases.append(dict(
        version=d.version, release_order=len(state.releases) + 1, published_on=d.published_on, notes=d.notes,
        previous_version=previous["version"] if previous else None, log_head_seq=d.log_head.seq,
        log_head_sha256=d.log_head.sha256, digest=d.digest, event_seq=e.seq,
    ))
    state.release_files.extend(dict(version=d.version, path=f.path, bytes=f.bytes, sha256=f.sha256) for f in d.files)


HANDLERS: dict[str, Callable[[State, Any], None]] = {
    "TextCorrected": _text_corrected,
    "ReleasePublished": _release_published,
}


def note_event(state: State, e: ev.Envelope) -> None:
    state.events_since_release = 0 if e.type == "ReleasePublished" else state.events_since_release + 1


def _releases_holding(releases: list[dict[str, Any]], start: int, end: int | None) -> list[str]:
    return [r["version"] for r in releases if start <= r["event_seq"] and (end is None or r["event_seq"] < end)]


def finish(state: State) -> dict[str, Iterable[dict[str, Any]]]:
    """The history tables. Text revisions and changes come as generators (one record per
    provision each, at a million provisions): each record is made as it is written."""
    pending = sorted(state.pending.values(), key=lambda c: (c["event_seq"], c["table_name"], c["row_id"], c["field"] or ""))
    changes = itertools.chain(state.changes, (dict(c, version=None) for c in pending))

    def texts() -> Iterator[dict[str, Any]]:
        for p in sorted(state.provisions.values(), key=lambda p: p["position"]):
            for revision, t in enumerate(state.texts[p["provision_id"]], 1):
                held = _releases_holding(state.releases, t["valid_from_seq"], t["valid_to_seq"])
                yield dict(
                    t, text_id=f"{p['provision_id']}-r{revision}", provision_id=p["provision_id"], revision=revision,
                    from_release=held[0] if held else None, to_release=held[-1] if held and t["valid_to_seq"] is not None else None,
                )

    return {
        "releases": state.releases,
        "release_files": state.release_files,
        "provision_texts": texts(),
        "changes": (dict(c, change_id=i) for i, c in enumerate(changes, 1)),
    }
