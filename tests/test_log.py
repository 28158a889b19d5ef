"""The log's own checks of the sequence, on a small generated log, through both readers: ``read_log``
(which sorts) and ``iter_log`` (which streams, as the build and every command read the log).

A repeated sequence number must be refused by the log's check, in its words. Without it a
repeated event whose ``prev`` is right (a copied segment, a hand-made event numbered like the
last) passes the hash chain and reaches the writers, where only SQLite's primary key on
``events.seq`` stops it with an uncaught IntegrityError, and ``wgtip verify`` reports the log as
sound. The messages expected are written here from where the lines are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from generated_logs import seeded_log

from wgtip.cli import main
from wgtip.log import LogError, iter_log, read_log, segment_path

LOG = seeded_log(3, 12)
LINES = LOG.lines
assert len(LINES) >= 12


def write(root: Path, segments: list[tuple[int, int]]) -> list[str]:
    """LINES[a:b] for each (a, b), each as a segment named by its first event; their paths."""
    paths = []
    for a, b in segments:
        rel = segment_path(a + 1, f"part-{a + 1}")
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"".join(line + b"\n" for line in LINES[a:b]))
        paths.append(rel)
    return paths


def refusals(root: Path) -> tuple[str, str]:
    """What each reader says about the log (the streaming reader read to its end, as the build reads it)."""
    said = []
    for read in (read_log, lambda r: list(iter_log(r))):
        with pytest.raises(LogError) as err:
            read(root)
        said.append(str(err.value))
    return said[0], said[1]


def test_the_log_reads_whole(tmp_path):
    write(tmp_path, [(0, 5), (5, len(LINES))])
    assert [le.seq for le in read_log(tmp_path)] == [le.seq for le in iter_log(tmp_path)] == list(range(1, len(LINES) + 1))
    assert [le.hash for le in iter_log(tmp_path)] == [hashlib.sha256(line).hexdigest() for line in LINES]


def numbered_like_the_last(root: Path) -> str:
    """The log, then a new segment holding one event the fold would accept (the next meeting) numbered
    like the last event and chained to it: only its sequence number is wrong. The expected refusal."""
    (first,) = write(root, [(0, len(LINES))])
    last = json.loads(LINES[-1])
    meeting = json.loads(next(line for line in LINES if b'"MeetingHeld"' in line))
    day = (max(m["end_date"] for m in LOG.meetings.values()) + dt.timedelta(days=30)).isoformat()
    meeting["data"].update(meeting=len(LOG.meetings) + 1, start_date=day, end_date=day)
    meeting.update(seq=last["seq"], prev=hashlib.sha256(LINES[-1]).hexdigest(), occurred={"start": day, "end": day})
    extra = segment_path(last["seq"], "extra")  # named by the seq it holds, as the layout requires: only the repeat is wrong
    (root / extra).write_bytes(json.dumps(meeting, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    return f"{extra}:1: seq: sequence number {last['seq']} repeats {first}:{len(LINES)}"


def test_an_event_numbered_like_the_last_with_the_right_prev_is_refused(tmp_path):
    """The hash chain holds (its prev is the last line's hash): only the sequence number is wrong."""
    want = numbered_like_the_last(tmp_path)
    assert refusals(tmp_path) == (want, want)


def test_a_copied_segment_is_refused_where_the_copy_repeats(tmp_path):
    """A segment copied under another name: its lines repeat the original's, chain and all."""
    first, second, third = write(tmp_path, [(0, 4), (4, 8), (8, len(LINES))])
    copy = second.replace(".jsonl", "-copy.jsonl")  # sorts before the original ('-' < '.')
    shutil.copy(tmp_path / second, tmp_path / copy)
    want = f"{second}:1: seq: sequence number 5 repeats {copy}:1"
    assert refusals(tmp_path) == (want, want)


def test_a_repeated_line_inside_a_segment_is_refused(tmp_path):
    (first,) = write(tmp_path, [(0, len(LINES))])
    (tmp_path / first).write_bytes(b"".join(line + b"\n" for line in LINES[:6] + LINES[5:]))
    want = f"{first}:7: seq: sequence number 6 follows 6 on the line before: a segment holds consecutive events"
    assert refusals(tmp_path) == (want, want)


def test_a_gap_is_refused(tmp_path):
    first, _ = write(tmp_path, [(0, 4), (5, len(LINES))])
    second = segment_path(6, "part-6")
    want = f"{second}:1: seq: sequence number 6 is out of sequence: expected 5 (events 5..5 are missing)"
    assert refusals(tmp_path) == (want, want)


@pytest.mark.parametrize("command", ["build", "verify"])
def test_the_commands_name_the_repeat_not_sqlite(tmp_path, command):
    """As a user meets it: exit 1 and the log's one line, from the build (whose writers would otherwise
    meet the repeat first) and from verify (which would otherwise find the log sound)."""
    want = numbered_like_the_last(tmp_path)
    result = CliRunner().invoke(main, [command, "--root", str(tmp_path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{command} stopped on {result.exception!r}, not on the log's check"
    assert (result.exit_code, result.stderr) == (1, f"error: {want}\n")


def committed_segments() -> dict[str, bytes]:
    root = Path(__file__).resolve().parents[1]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "events").rglob("*.jsonl"))}


def test_writing_the_committed_events_again_gives_the_committed_segments_byte_for_byte(tmp_path):
    """write_segments chains the events (each ``prev`` the SHA-256 of the line before, computed here with
    hashlib) and writes one segment per run of a slug: the committed log, read and written again under
    its own slugs, is the committed files, byte for byte."""
    from wgtip.log import write_segments

    root = Path(__file__).resolve().parents[1]
    segments = committed_segments()
    slugged = []
    for rel, data in segments.items():
        slug = rel.rsplit("/", 1)[1].split("-", 1)[1].removesuffix(".jsonl")
        for line in data.splitlines():
            slugged.append((slug, line))
    events = read_log(root)
    assert [json.loads(line)["seq"] for _, line in slugged] == [le.seq for le in events]
    lines = [line for _, line in slugged]
    for i, line in enumerate(lines[1:], 1):
        assert json.loads(line)["prev"] == hashlib.sha256(lines[i - 1]).hexdigest()
    written = write_segments(tmp_path, [(slug, le.event.model_copy(update={"prev": "0" * 64})) for (slug, _), le in zip(slugged, events, strict=True)])
    assert {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in written} == segments
    # appended after a given head: the first event's prev is that head
    more = write_segments(tmp_path / "more", [("again", events[-1].event.model_copy(update={"seq": events[-1].seq + 1}))], prev="ab" * 32)
    assert json.loads(more[0].read_bytes())["prev"] == "ab" * 32


def test_a_run_is_split_where_its_segment_would_pass_the_size_limit_and_nothing_is_overwritten(tmp_path, monkeypatch):
    from wgtip import log
    from wgtip.log import write_segments

    events = read_log(Path(__file__).resolve().parents[1])[:20]
    sizes = [len(le.event.model_dump_json()) for le in events]
    limit = 3 * max(sizes) + 3 * 200  # a few events per segment
    monkeypatch.setattr(log, "MAX_SEGMENT_BYTES", limit)
    written = write_segments(tmp_path, [("one", le.event) for le in events])
    assert len(written) > 1
    contents = [p.read_bytes() for p in written]
    assert all(len(c) <= limit for c in contents)
    # each split starts where the one before would have passed the limit, and the runs hold every event in order
    for c, nxt in zip(contents, contents[1:], strict=False):
        assert len(c) + len(nxt.split(b"\n", 1)[0]) + 1 > limit
    lines = [line for c in contents for line in c.splitlines()]
    assert [json.loads(line)["seq"] for line in lines] == [le.seq for le in events]
    firsts = [json.loads(c.splitlines()[0])["seq"] for c in contents]
    assert [p.name for p in written] == [f"{seq:09d}-one.jsonl" for seq in firsts]
    # a second write over the first refuses to overwrite, and leaves no file of its own behind
    before = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(FileExistsError):
        write_segments(tmp_path, [("two", events[0].event), ("one", events[firsts[1] - 1].event)])  # a new file, then one that exists
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == before


def test_the_depth_a_schema_allows_is_counted_through_refs_arrays_and_unions():
    """_depth_of on schemas whose depth is counted here by hand: an object or array is one level more
    than its deepest member, a $ref is the schema it names, a union its deepest branch."""
    from wgtip.log import _depth_of

    defs = {"Leaf": {"type": "string"}, "Box": {"type": "object", "properties": {"inner": {"$ref": "#/$defs/Leaf"}}}}
    assert _depth_of({"type": "string"}, defs) == 0
    assert _depth_of({"$ref": "#/$defs/Box"}, defs) == 1
    assert _depth_of({"type": "object", "properties": {"a": {"type": "array", "items": {"$ref": "#/$defs/Box"}}, "b": {"type": "integer"}}}, defs) == 3
    assert _depth_of({"properties": {"a": {"type": "string"}}}, defs) == 1  # an object by its properties alone
    assert _depth_of({"type": "array", "prefixItems": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, defs) == 2
    assert _depth_of({"anyOf": [{"type": "null"}, {"$ref": "#/$defs/Box"}]}, defs) == 1
    assert _depth_of({"oneOf": [{"type": "array", "items": {"$ref": "#/$defs/Box"}}]}, defs) == 2
    assert _depth_of({"allOf": [{"type": "array"}]}, defs) == 1
    assert _depth_of({"type": "object"}, defs) == 1 and _depth_of({"type": "array"}, defs) == 1


def test_the_deepest_nesting_of_the_event_types_is_the_one_the_catalogue_documents():
    """max_depth is cached once computed: its computation is called afresh here (``__wrapped__``). The
    catalogue (docs/bad-input.md) documents 7, the depth of the deepest event the schemas allow."""
    from wgtip.log import max_depth

    assert max_depth.__wrapped__() == 7


def test_a_folder_has_a_log_when_its_events_folder_holds_anything(tmp_path):
    from wgtip.log import has_log

    assert not has_log(tmp_path)  # no events/
    (tmp_path / "events").write_text("")
    assert not has_log(tmp_path)  # a file in its place
    (tmp_path / "events").unlink()
    (tmp_path / "events").mkdir()
    assert not has_log(tmp_path)  # empty
    (tmp_path / "events" / "anything").write_text("")
    assert has_log(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "events").symlink_to(tmp_path / "events")
    assert not has_log(other)  # a link to a log is not one
