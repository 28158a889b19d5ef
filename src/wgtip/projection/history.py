"""Projection of the dataset's own life: corrections, releases, and the history they make.

A release fixes the data as of its event. Changes since the previous release
are collected as they happen (``state.pending``) and published with the
release, so "what changed between X and Y" is a plain query on ``changes``.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import events as ev
from ..characters import invisible_change
from .state import ChangeRecord, FoldError, State, TextRevision, record_changed


def semver(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(x) for x in version.split("."))
    return major, minor, patch


def _text_corrected(state: State, e: ev.TextCorrected) -> None:
    d = e.data
    revisions = state.texts.editable(d.provision_id)
    if revisions is None:
        raise FoldError(e.seq, "data.provision_id", f"provision {d.provision_id!r} does not exist")
    current = revisions[-1]["text"]
    if d.old_text != current:
        raise FoldError(e.seq, "data.old_text", f"does not match the current text of {d.provision_id!r} (stale correction?)")
    if d.new_text == current:
        raise FoldError(e.seq, "data.new_text", "is the same as the current text: nothing to correct")
    hidden = invisible_change(current, d.new_text)
    if hidden:
        raise FoldError(e.seq, "data.new_text", f"{hidden}: a correction changes what a reader sees")
    revisions[-1]["valid_to_seq"] = e.seq
    revisions.append(TextRevision(text=d.new_text, valid_from_seq=e.seq, valid_to_seq=None, reason=d.reason, corrected_by=d.corrected_by))
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
        if not state.pending and not state.provisions_added:
            raise FoldError(e.seq, "data.version", f"release {d.version} changes nothing since {previous['version']}")
        adds = sum(1 for c in state.pending.values() if c["change"] == "added") + state.provisions_added
        if adds and new[:2] == old[:2]:
            raise FoldError(e.seq, "data.version", f"release {d.version} adds {adds} record{'s' if adds > 1 else ''}: that needs a minor version (new records), not a patch")
    for change in sorted(state.pending.values(), key=_change_order):
        change.version = d.version  # the record itself, published: no copy per change
        state.changes.append(change)
    state.pending.clear()
    state.provisions_added = 0
    state.releases.append(
        dict(
            version=d.version,
            release_order=len(state.releases) + 1,
            published_on=d.published_on,
            notes=d.notes,
            previous_version=previous["version"] if previous else None,
            log_head_seq=d.log_head.seq,
            log_head_sha256=d.log_head.sha256,
            digest=d.digest,
            event_seq=e.seq,
        )
    )
    state.release_files.extend(dict(version=d.version, path=f.path, bytes=f.bytes, sha256=f.sha256) for f in d.files)
    state.release_formats[d.version] = state.release_format


def _release_doi_recorded(state: State, e: ev.ReleaseDoiRecorded) -> None:
    d = e.data
    release = next((r for r in state.releases if r["version"] == d.version), None)
    if release is None:
        released = ", ".join(r["version"] for r in state.releases) or "none"
        raise FoldError(e.seq, "data.version", f"no release {d.version} before this event (releases: {released}): a DOI is recorded after its release")
    if e.occurred.start < release["published_on"]:
        raise FoldError(e.seq, "occurred.start", f"{e.occurred.start} is before release {d.version} was published ({release['published_on']})")
    if d.version in state.dois:
        doi, seq = state.dois[d.version]
        raise FoldError(e.seq, "data.version", f"release {d.version} already has the DOI {doi} (event {seq}); a release has one DOI")
    taken = next((v for v, (doi, _) in state.dois.items() if doi.lower() == d.doi.lower()), None)
    if taken is not None:
        raise FoldError(e.seq, "data.doi", f"{d.doi} is already the DOI of release {taken}")
    state.dois[d.version] = (d.doi, e.seq)


def _release_format_adopted(state: State, e: ev.ReleaseFormatAdopted) -> None:
    fmt = e.data.format
    if fmt not in ev.RELEASE_FORMATS:
        raise FoldError(e.seq, "data.format", f"release format {fmt} is newer than this software knows ({max(ev.RELEASE_FORMATS)}); upgrade wgtip")
    if fmt <= state.release_format:
        raise FoldError(e.seq, "data.format", f"format {fmt} is not newer than the format in use ({state.release_format}): a release format is never taken back")
    state.release_format = fmt


HANDLERS: dict[type[ev.Envelope], Callable[[State, Any], None]] = {
    ev.TextCorrected: _text_corrected,
    ev.ReleasePublished: _release_published,
    ev.ReleaseDoiRecorded: _release_doi_recorded,
    ev.ReleaseFormatAdopted: _release_format_adopted,
}


def all_changes(state: State) -> Iterator[ChangeRecord]:
    """Every change in the ``changes`` table's order: release by release (then the unreleased),
    each in (event, table, row, field) order; the stored changes merged with the derived
    "added" changes of the provisions added in that release (their text as of the release)."""
    added, stored = _Lookahead(added_provisions(state)), _Lookahead(iter(state.changes))
    for release in state.releases:
        version, last_seq = release["version"], release["event_seq"]
        # both are used up by the merge below, within this iteration, so the lambdas see this release's values
        kept = stored.take_while(lambda c: c.version == version)  # noqa: B023
        derived = (_published(c, version, state.texts.at(c.row_id, last_seq)) for c in added.take_while(lambda c: c.event_seq <= last_seq))  # noqa: B023
        yield from heapq.merge(kept, derived, key=_change_order)
    yield from heapq.merge(sorted(state.pending.values(), key=_change_order), added.take_while(lambda c: True), key=_change_order)


def _published(c: ChangeRecord, version: str, text: str) -> ChangeRecord:
    c.version, c.new_value = version, text
    return c


class _Lookahead:
    """An iterator whose items can be taken while they satisfy a condition, the first that does
    not being kept for the next taker."""

    def __init__(self, items: Iterator[Any]):
        self.items = items
        self.held: list[Any] = []

    def take_while(self, condition: Callable[[Any], bool]) -> Iterator[Any]:
        while True:
            item = self.held.pop() if self.held else next(self.items, None)
            if item is None:
                return
            if not condition(item):
                self.held.append(item)
                return
            yield item


def added_provisions(state: State) -> Iterator[ChangeRecord]:
    """The "added" change of every provision, in (event, provision id) order, new_value its current text."""
    group: list[Any] = []
    for p in itertools.chain(state.provisions.values(), [None]):
        if group and (p is None or p.event_seq != group[0].event_seq):
            for q in sorted(group, key=lambda q: q.provision_id):
                yield ChangeRecord(
                    change_id=None,
                    version=None,
                    table_name="provisions",
                    row_id=q.provision_id,
                    change="added",
                    field=None,
                    old_value=None,
                    new_value=state.texts.current(q)[0],
                    event_seq=q.event_seq,
                )
            group = []
        if p is not None:
            group.append(p)


def _change_order(c: ChangeRecord) -> tuple[int, str, str, str]:
    return c.event_seq, c.table_name, c.row_id, c.field or ""


def note_event(state: State, e: ev.Envelope) -> None:
    if isinstance(e, ev.ReleasePublished):
        state.events_since_release = 0
    elif not isinstance(e, (ev.ReleaseDoiRecorded, ev.ReleaseFormatAdopted)):  # neither changes the data: the build is still the release
        state.events_since_release += 1


def _releases_holding(seqs: list[int], start: int, end: int | None) -> tuple[int, int]:
    """The releases (as a slice of the release list, by their event seqs, ascending) that hold a
    text valid from event ``start`` until event ``end`` (None: still valid)."""
    return bisect.bisect_left(seqs, start), len(seqs) if end is None else bisect.bisect_left(seqs, end)


def finish(state: State) -> dict[str, Iterable[Any]]:
    """The history tables. Text revisions and changes come as generators (one record per
    provision each, at a million provisions): each record is made as it is written."""

    def numbered() -> Iterator[ChangeRecord]:
        for i, c in enumerate(all_changes(state), 1):
            c.change_id = i
            yield c

    def texts() -> Iterator[dict[str, Any]]:
        seqs, versions = [r["event_seq"] for r in state.releases], [r["version"] for r in state.releases]
        for p in state.in_document_order:  # position order (set by recommendations.finish)
            pid = p.provision_id
            for revision, (text, start, end, reason, by) in enumerate(state.texts.spans(p), 1):
                first, stop = _releases_holding(seqs, start, end)
                held = first < stop
                yield dict(
                    text_id=f"{pid}-r{revision}",
                    provision_id=pid,
                    revision=revision,
                    text=text,
                    valid_from_seq=start,
                    valid_to_seq=end,
                    reason=reason,
                    corrected_by=by,
                    from_release=versions[first] if held else None,
                    to_release=versions[stop - 1] if held and end is not None else None,
                )

    return {
        "releases": state.releases,
        "release_files": state.release_files,
        "provision_texts": texts(),
        "changes": numbered(),
    }
