"""Schema evolution: an event written with an older schema version is upcast on read, never rewritten."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import ROOT

from wgtip import events, fold, log, upcast
from wgtip.log import LogError, segment_files
from wgtip.tables import Event, columns


def a_meeting_line() -> bytes:
    return next(line for p in segment_files(ROOT) for line in p.read_bytes().splitlines() if b'"MeetingHeld"' in line)


def test_an_older_version_is_upcast_on_read_and_never_rewritten(monkeypatch, repo):
    """Reading a log with an event of an older schema version upcasts it in memory: the files keep
    their bytes, and the event's hash, which the next event's prev names, is the SHA-256 of its line
    as committed, not of its upcast form (else the chain would break at the first upcast)."""
    calls = []

    def v1_to_v2(obj: dict) -> dict:
        calls.append(obj["seq"])
        data = dict(obj["data"], venue=obj["data"]["venue"] + " (upcast)")
        return {**obj, "schema_version": 2, "data": data}

    files = {p: p.read_bytes() for p in segment_files(repo)}
    committed = {json.loads(line)["seq"]: line for data in files.values() for line in data.split(b"\n") if line}
    meetings = sorted(seq for seq, line in committed.items() if json.loads(line)["type"] == "MeetingHeld")
    monkeypatch.setitem(events.CURRENT_SCHEMA_VERSION, "MeetingHeld", 2)
    monkeypatch.setitem(upcast.UPCASTERS, ("MeetingHeld", 1), v1_to_v2)
    read = log.read_log(repo)
    assert calls == meetings and len(meetings) == 8
    for le in read:
        if le.seq in meetings:
            assert (le.event.schema_version, le.event.data.venue) == (2, json.loads(committed[le.seq])["data"]["venue"] + " (upcast)")
        assert le.hash == hashlib.sha256(committed[le.seq]).hexdigest(), f"event {le.seq}: its hash is not that of its committed line"
    assert {p: p.read_bytes() for p in segment_files(repo)} == files, "reading upcast an event by rewriting its file"
    assert [le.hash for le in log.iter_log(repo)] == [le.hash for le in read], "the streaming reader hashes the committed bytes too"
    names = [c.name for c in columns(Event)]
    row = dict(zip(names, next(r for r in fold.fold(read)["events"] if r[0] == meetings[0]), strict=True))
    assert json.loads(row["data"])["venue"].endswith("(upcast)") and row["schema_version"] == 2, "the events table shows the event as upcast"
    assert row["hash"] == hashlib.sha256(committed[meetings[0]]).hexdigest()


def test_a_newer_version_than_the_software_knows_is_refused():
    raw = a_meeting_line().replace(b'"schema_version":1', b'"schema_version":2', 1)
    with pytest.raises(LogError) as err:
        log.parse_line(raw, "events/x.jsonl", 3)
    assert str(err.value) == "events/x.jsonl:3: schema_version: MeetingHeld schema version 2 is newer than this software knows (1); upgrade wgtip"
