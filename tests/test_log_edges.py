"""The log reader's edges that the catalogue of bad input (tests/test_log_bad_input.py) does not reach:
the limits at their exact boundary, a problem on a line past the first, the wording for an escape in a
value, for Infinity, for a model given a non-object, and what the writer and the streaming reader do
between their first and last event. Found by the mutation run (bench/mutation.py, issue 38).

Every expected value is worked out here: the messages from where the problem was put, the line and
byte numbers by counting, the hashes with hashlib, the JSON with the standard library, orjson's and
pydantic's own wording by calling them directly.
"""

from __future__ import annotations

import hashlib
import json

import orjson
import pytest
from conftest import ROOT

from wgtip import log
from wgtip.log import LogError, chain, iter_log, parse_line, read_log, segment_files, write_segments

# the committed log's lines, in order: every one a valid event
LINES = [line for p in segment_files(ROOT) for line in p.read_bytes().splitlines()]
MEETING = next(line for line in LINES if b'"MeetingHeld"' in line)
SEGMENT = "events/0000/000000001-edge.jsonl"
FF = b"\xff"
COMPACT = "an event is written one way only (no spaces between tokens, no needless escapes), so that every reader sees the same bytes; write events with wgtip"


def refusal(raw: bytes, lineno: int = 3) -> str:
    with pytest.raises(LogError) as err:
        parse_line(raw, "events/x.jsonl", lineno)
    return str(err.value)


def meeting(**changes) -> bytes:
    """The first committed meeting as orjson writes it (compact), with top-level or ``data.`` fields changed."""
    obj = json.loads(MEETING)
    for name, value in changes.items():
        if name.startswith("data_"):
            obj["data"][name.removeprefix("data_")] = value
        else:
            obj[name] = value
    return orjson.dumps(obj)


def segment(root, data: bytes, rel: str = SEGMENT) -> str:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(data)
    return rel


def read_refusal(root) -> str:
    with pytest.raises(LogError) as err:
        read_log(root)
    return str(err.value)


# --- parse_line: the wording of what it refuses ---


def test_a_control_character_escaped_in_a_value_is_named_as_the_string_of_its_field():
    raw = meeting(data_venue="Vienna\x1b[2J")
    assert b"\\u001b" in raw  # orjson escapes it: only the escape reaches the check
    assert refusal(raw) == "events/x.jsonl:3: data.venue: the string holds the control character U+001B (written as a JSON escape); no field allows control characters"


def test_a_line_that_is_one_string_holding_a_control_character_is_named_as_the_line():
    assert refusal(b'"\\u0000"') == "events/x.jsonl:3: (line): the string holds the control character U+0000 (written as a JSON escape); no field allows control characters"


@pytest.mark.parametrize(("raw", "at"), [(b"[NaN]", 2), (b"[Infinity]", 2), (b"[-Infinity]", 3), (b"[-NaN]", 3), (b"[--Infinity]", 3)])
def test_infinity_and_nan_are_named_wherever_orjson_stops(raw, at):
    """orjson stops at the N or I, or after a minus sign at the next one; ``at`` counts from 1."""
    assert refusal(raw) == f"events/x.jsonl:3: (line): not valid JSON: NaN and Infinity are not JSON numbers (at character {at})"


@pytest.mark.parametrize("raw", [b"[XNaN]", b"[Infinit]", b"[\xff]", b'{"a":"\xe7\xbc"}'])
def test_other_bad_json_gets_orjson_s_own_message(raw):
    """A word that only contains NaN, a misspelt Infinity, bytes that are not UTF-8 (parse_line is
    public: release.py calls it on lines it reads itself) are worded by orjson, not taken for NaN."""
    with pytest.raises(orjson.JSONDecodeError) as exc:
        orjson.loads(raw)
    assert refusal(raw) == f"events/x.jsonl:3: (line): not valid JSON: {exc.value}"


def test_a_line_longer_than_its_compact_form_is_shown_where_the_compact_form_ends():
    raw = MEETING + b" "
    at = len(MEETING.decode()) + 1  # counted in characters: the line holds Chinese
    assert refusal(raw) == f"events/x.jsonl:3: (line): not written as compact JSON at character {at} (' ' where compact JSON has ''): {COMPACT}"


def test_nesting_is_refused_from_one_level_past_the_deepest_an_event_type_allows():
    """Seven levels (the deepest a schema allows: test_log.py) pass the depth check and meet the next one."""
    assert refusal(b"[" * 7 + b"1" + b"]" * 7 + b" ") == f"events/x.jsonl:3: (line): not written as compact JSON at character 16 (' ' where compact JSON has ''): {COMPACT}"
    assert refusal(b"[" * 8 + b"1" + b"]" * 8 + b" ") == "events/x.jsonl:3: (line): nested 8 levels deep; no event type nests deeper than 7"


def test_a_compact_line_nested_too_deep_is_refused_for_its_depth_on_the_lines_own_place():
    """Compact (so not caught as not compact) and shallow enough for orjson to write: the object is
    one level, the eight arrays eight more."""
    raw = b'{"type":"MeetingHeld","x":' + b"[" * 8 + b"1" + b"]" * 8 + b"}"
    assert orjson.dumps(orjson.loads(raw)) == raw
    assert refusal(raw, lineno=5) == "events/x.jsonl:5: (line): nested 9 levels deep; no event type nests deeper than 7"


def test_a_model_given_something_else_is_not_shown_a_value_is():
    """A value of the wrong type is shown (``got``); an object field given a non-object is not. The
    messages are pydantic's."""
    from pydantic import TypeAdapter, ValidationError

    def pydantic_says(kind: type, value) -> str:
        with pytest.raises(ValidationError) as exc:
            TypeAdapter(kind).validate_json(json.dumps(value), strict=True)
        return exc.value.errors()[0]["msg"]

    from wgtip.events import Occurrence, SourceLocator

    assert refusal(meeting(occurred="2009-04-14")) == f"events/x.jsonl:3: occurred: {pydantic_says(Occurrence, '2009-04-14')}"
    assert refusal(meeting(source=5)) == f"events/x.jsonl:3: source: {pydantic_says(SourceLocator, 5)}"
    assert refusal(meeting(schema_version="1")) == f"events/x.jsonl:3: schema_version: {pydantic_says(int, '1')} (got '1')"


@pytest.mark.parametrize(("length", "shown"), [(58, "'" + "x" * 58 + "'"), (59, "'" + "x" * 56 + "...")])
def test_a_value_is_shown_whole_up_to_sixty_characters(length, shown):
    """``repr`` of 58 x's is 60 characters, shown whole; of 59, 61, cut to 57 and '...'."""
    assert refusal(meeting(data_meeting="x" * length)) == f"events/x.jsonl:3: data.meeting: Input should be a valid integer (got {shown})"


def test_a_log_error_carries_its_line_as_its_argument():
    """As Python's own exceptions do: ``repr`` (and whatever prints ``args``) names the problem."""
    err = LogError("events/x.jsonl", 3, "seq", "wrong")
    assert err.args == ("events/x.jsonl:3: seq: wrong",) and str(err) == "events/x.jsonl:3: seq: wrong"


# --- read_segment: the line a problem is on, the limits at their boundary ---


def test_problems_past_the_first_line_are_reported_on_their_own_line(tmp_path):
    good = b"".join(line + b"\n" for line in LINES[:2])
    segment(tmp_path, good + b'{"a":"\x01"}\n')
    assert read_refusal(tmp_path) == f"{SEGMENT}:3: (line): control character U+0001 in the raw line"
    segment(tmp_path, b'\n{"a":"\x01"}\n')  # a blank first line: the control character is on line 2
    assert read_refusal(tmp_path) == f"{SEGMENT}:2: (line): control character U+0001 in the raw line"
    data = good + b'{"a":"\xff"}\n'
    segment(tmp_path, data)
    assert read_refusal(tmp_path) == f"{SEGMENT}:3: (encoding): not valid UTF-8 at byte {data.index(FF)} (0xff); event files are UTF-8"
    data = b'\n{"a":"\xff"}\n'
    segment(tmp_path, data)
    assert read_refusal(tmp_path) == f"{SEGMENT}:2: (encoding): not valid UTF-8 at byte {data.index(FF)} (0xff); event files are UTF-8"
    segment(tmp_path, good + LINES[2])
    assert read_refusal(tmp_path) == f"{SEGMENT}:3: (file): last line does not end with a newline (\\n)"


def test_a_segment_and_a_line_may_be_exactly_as_long_as_the_limits(tmp_path, monkeypatch):
    data = b"".join(line + b"\n" for line in LINES[:3])
    segment(tmp_path, data)
    longest = max(len(line) for line in LINES[:3])
    monkeypatch.setattr(log, "MAX_SEGMENT_BYTES", len(data))
    monkeypatch.setattr(log, "MAX_LINE_BYTES", longest)
    assert [le.seq for le in read_log(tmp_path)] == [1, 2, 3]
    monkeypatch.setattr(log, "MAX_LINE_BYTES", longest - 1)
    at = 1 + next(i for i, line in enumerate(LINES[:3]) if len(line) == longest)
    assert read_refusal(tmp_path) == f"{SEGMENT}:{at}: (line): {longest} bytes is longer than the {longest - 1} bytes an event line may hold"
    monkeypatch.setattr(log, "MAX_SEGMENT_BYTES", len(data) - 1)
    assert read_refusal(tmp_path) == f"{SEGMENT}: (file): {len(data)} bytes is larger than the {len(data) - 1} bytes a segment may hold; split it into several segments"


def test_each_event_carries_its_data_as_the_compact_json_of_its_line():
    """What the events table publishes as ``data``: the line's own data object, compact, as the
    standard library writes it (the committed lines are compact: parse_line refuses any other form)."""
    for le, line in zip(read_log(ROOT), LINES, strict=True):
        assert le.data_json == json.dumps(json.loads(line)["data"], ensure_ascii=False, separators=(",", ":"))


def test_the_streaming_reader_hands_on_the_events_before_a_bad_segment(tmp_path):
    """iter_log reads a segment at a time: the events before a bad segment reach the consumer
    (who may have done with them) before the problem does."""
    segment(tmp_path, b"".join(line + b"\n" for line in LINES[:5]))
    bad = segment(tmp_path, b"[]\n", "events/0000/000000006-bad.jsonl")
    seen = []
    with pytest.raises(LogError) as err:
        for le in iter_log(tmp_path):
            seen.append((le.seq, le.hash))
    assert seen == [(i + 1, hashlib.sha256(LINES[i]).hexdigest()) for i in range(5)]
    assert str(err.value) == f"{bad}:1: (line): an event must be a JSON object, got list"


# --- chain and write_segments ---


def test_chain_links_each_event_to_the_line_before():
    events = [le.event for le in read_log(ROOT)[:4]]
    chained = chain(events, prev="ab" * 32)
    lines = [line for _, line in chained]
    assert [ev.prev for ev, _ in chained] == ["ab" * 32, *(hashlib.sha256(line).hexdigest() for line in lines[:-1])]
    assert [json.loads(line)["prev"] for line in lines] == [ev.prev for ev, _ in chained]
    # from no head, the committed log itself: its lines are what chain makes of its events
    assert [line for _, line in chain(events)] == LINES[:4]


def test_an_event_the_reader_would_refuse_is_refused_where_it_would_be_written_and_nothing_is_left(tmp_path):
    first, second = (le.event for le in read_log(ROOT)[:2])
    bad = second.model_copy(update={"data": second.data.model_copy(update={"venue": "Vienna\x1b[2J"})})
    with pytest.raises(LogError) as err:
        write_segments(tmp_path, [("ok", first), ("meeting", bad)])
    assert str(err.value) == "events/0000/000000002-meeting.jsonl:1: data.venue: the string holds the control character U+001B (written as a JSON escape); no field allows control characters"
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_when_the_input_fails_the_files_written_are_removed_even_if_one_is_gone_already(tmp_path):
    """The caller's error is the one raised: the clean-up does not fail on a file removed meanwhile."""
    events = [le.event for le in read_log(ROOT)[:3]]

    def slugged():
        yield "one", events[0]
        yield "two", events[1]  # the segment of "one" is written before this one is added
        (tmp_path / log.segment_path(1, "one")).unlink()
        raise RuntimeError("the caller's own failure")

    with pytest.raises(RuntimeError, match="the caller's own failure"):
        write_segments(tmp_path, slugged())
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def expected_split(sizes: list[int], limit: int) -> list[int]:
    """How many lines each segment holds: as many as fit, each line taking its bytes and its newline."""
    counts, used = [], None
    for size in sizes:
        if used is None or used + size + 1 > limit:
            counts.append(0)
            used = 0
        counts[-1] += 1
        used += size + 1
    return counts


@pytest.mark.parametrize("spare", [-1, 0, 1, 2])
def test_a_segment_is_filled_to_the_byte_before_it_is_split(tmp_path, monkeypatch, spare):
    """The limit set at the size of the first three lines, plus ``spare`` bytes: at 0 and more, the
    first segment holds exactly three lines; one byte short, two."""
    events = [le.event for le in read_log(ROOT)[:8]]
    sizes = [len(line) for line in LINES[:8]]
    limit = sum(sizes[:3]) + 3 + spare
    monkeypatch.setattr(log, "MAX_SEGMENT_BYTES", limit)
    written = write_segments(tmp_path, [("run", ev) for ev in events])
    counts = [len(p.read_bytes().splitlines()) for p in written]
    assert counts == expected_split(sizes, limit) and counts[0] == (3 if spare >= 0 else 2)
    assert b"".join(p.read_bytes() for p in written) == b"".join(line + b"\n" for line in LINES[:8])
