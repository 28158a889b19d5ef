"""Schema evolution: an event written with an older schema version is upcast on read, never rewritten."""

from __future__ import annotations

import pytest

from conftest import ROOT
from wgtip import events, log, upcast
from wgtip.log import LogError, parse_line, segment_files


def a_meeting_line() -> bytes:
    return next(l for p in segment_files(ROOT) for l in p.read_bytes().splitlines() if b'"MeetingHeld"' in l)


def test_an_older_version_is_upcast_on_read(monkeypatch):
    calls = []

    def v1_to_v2(obj: dict) -> dict:
        calls.append(obj["seq"])
        data = dict(obj["data"], venue=obj["data"]["venue"] + " (upcast)")
        return {**obj, "schema_version": 2, "data": data}

    monkeypatch.setitem(events.CURRENT_SCHEMA_VERSION, "MeetingHeld", 2)
    monkeypatch.setitem(upcast.UPCASTERS, ("MeetingHeld", 1), v1_to_v2)
    raw = a_meeting_line()
    event = parse_line(raw, "events/x.jsonl", 1)
    assert calls and event.schema_version == 2 and event.data.venue.endswith("(upcast)")
    assert raw == a_meeting_line(), "the stored bytes are untouched"


def test_a_newer_version_than_the_software_knows_is_refused():
    raw = a_meeting_line().replace(b'"schema_version":1', b'"schema_version":2', 1)
    with pytest.raises(LogError) as err:
        log.parse_line(raw, "events/x.jsonl", 3)
    assert str(err.value) == "events/x.jsonl:3: schema_version: MeetingHeld schema version 2 is newer than this software knows (1); upgrade wgtip"
