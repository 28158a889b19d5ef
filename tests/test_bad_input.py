"""Bad input stops the build with one clear line, a non-zero exit, and leaves earlier outputs intact."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import append, append_raw, last_line, next_event

from wgtip.events import EVENT_TYPES
from wgtip.log import MAX_LINE_BYTES, MAX_SEGMENT_BYTES
from wgtip.reference.bad_input import BY_CASE, CATALOGUE, PLACEHOLDERS, fill, placeholders

CONTROL_OR_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
LAST = last_line(ROOT)[0]
NEXT = LAST + 1
NAME = f"{NEXT:09d}-test.jsonl"
FILE = f"events/0000/{NAME}"


def outputs(root: Path) -> dict[str, str]:
    paths = [root / "datapackage.json", *sorted((root / "data").glob("*.csv")), root / "build/wgtip.sqlite", root / "build/wgtip.duckdb"]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture()
def built_repo(built, tmp_path) -> tuple[Path, dict[str, str]]:
    """A copy of the session's built repository (log, sources and every output)."""
    repo = tmp_path / "repo"
    shutil.copytree(built, repo, symlinks=True)
    return repo, outputs(repo)


def run_build(root: Path, command: str = "build") -> subprocess.CompletedProcess:
    """The command as a user runs it: a new process, its exit status and what it prints."""
    return subprocess.run([sys.executable, "-m", "wgtip", command, "--root", str(root)], capture_output=True, text=True)


def run_in_process(root: Path, command: str = "build") -> tuple[int, str]:
    """The same command through click's test runner: the same code path, without a new
    interpreter per case (the catalogue has ~50; a subprocess each costs over a minute)."""
    from click.testing import CliRunner

    from wgtip.cli import main

    result = CliRunner().invoke(main, [command, "--root", str(root)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def adoption(root: Path, **data) -> dict:
    d = {"meeting": 8, "paragraph": 3, "provisions": [{"provision_id": "wgtip-m8-p3", "paragraph": 3, "label": "3.", "text": "缔约国应：", "line": 10}]}
    d.update(data)
    ev = next_event(root, "RecommendationsAdopted", d)
    ev["source"] = dict(ev["source"], section="八", paragraph="3", line=10)
    return ev


def case_invalid_json(root):
    append_raw(root, NAME, b'{"seq": 208, "type": \n')


def case_invalid_utf8(root):
    append_raw(root, NAME, b'{"seq":208,"text":"' + "缔约国".encode("gbk") + b'"}\n')


def case_missing_field(root):
    ev = next_event(root, "MeetingHeld", {"meeting": 9, "heading": "九.", "start_date": "2019-09-09", "end_date": "2019-09-11"})
    append(root, ev, NAME)


def case_wrong_type(root):
    append(root, adoption(root, meeting="eighth"), NAME)


def case_out_of_sequence(root):
    ev = adoption(root)
    ev["seq"] = NEXT + 2
    append(root, ev)  # named for its seq, as a segment is: the gap before it is what is wrong


def case_repeated_seq(root):
    ev = adoption(root)
    ev["seq"] = LAST
    append(root, ev)


def case_unknown_meeting(root):
    append(root, adoption(root, meeting=9), NAME)


def case_unknown_parent(root):
    d = {"provisions": [{"provision_id": "wgtip-m8-p3-a", "parent_id": "wgtip-m8-p99", "paragraph": 3, "item": "a", "label": "(a)", "text": "x", "line": 10}]}
    append(root, adoption(root, **d), NAME)


def endorsement(root, meeting: int, endorsed: str) -> dict:
    """A meeting's paragraph 3 endorsing one provision proposed at the third meeting."""
    d = {
        "meeting": meeting,
        "proposals_of_meeting": 3,
        "with_oral_amendments": False,
        "paragraph": 3,
        "provisions": [{"provision_id": f"wgtip-m{meeting}-p3", "paragraph": 3, "label": "3.", "text": "核可：", "line": 10}],
        "endorsed": [endorsed],
    }
    return next_event(root, "ProposalsEndorsed", d)


def case_unknown_endorsed_provision(root):
    append(root, endorsement(root, meeting=8, endorsed="wgtip-m3-p1-z"), NAME)


def case_reused_provision_id(root):
    d = {"provisions": [{"provision_id": "wgtip-m8-p1", "paragraph": 1, "label": "1.", "text": "x", "line": 10}]}
    append(root, adoption(root, **d), NAME)


def case_no_section(root):
    ev = adoption(root)
    ev["source"]["section"] = None
    append(root, ev, NAME)


def case_broken_chain(root):
    ev = adoption(root)
    ev["prev"] = "0" * 64
    append(root, ev, NAME)


def valid_line(root) -> bytes:
    """The committed form of a valid next event (the one test_a_good_event_after_the_log_builds accepts)."""
    return json.dumps(adoption(root), ensure_ascii=False, separators=(",", ":")).encode()


def case_gbk_text(root):
    append_raw(root, NAME, valid_line(root).replace("缔约国".encode(), "缔约国".encode("gbk")) + b"\n")


def case_truncated_utf8(root):
    line = valid_line(root)
    cut = line.index("缔".encode()) + 2  # two of the character's three bytes
    append_raw(root, NAME, line[:cut] + line[cut + 1 :] + b"\n")


def case_bom(root):
    append_raw(root, NAME, b"\xef\xbb\xbf" + valid_line(root) + b"\n")


def case_nul(root):
    append_raw(root, NAME, valid_line(root).replace("缔约国".encode(), b"\x00") + b"\n")


def case_escape_char(root):
    append_raw(root, NAME, valid_line(root).replace("缔约国".encode(), b"\x1b[31m") + b"\n")


def case_tab(root):
    append_raw(root, NAME, valid_line(root).replace(b'"seq":', b'"seq":\t') + b"\n")


def case_empty_file(root):
    append_raw(root, NAME, b"")


def huge_line(root) -> bytes:
    ev = adoption(root)
    ev["data"]["provisions"][0]["text"] = "缔" * (MAX_LINE_BYTES // 3 + 1)  # three bytes each in UTF-8
    return json.dumps(ev, ensure_ascii=False, separators=(",", ":")).encode()


def case_huge_line(root):
    append_raw(root, NAME, huge_line(root) + b"\n")


def case_huge_segment(root):
    path = append_raw(root, NAME, b"")
    with open(path, "wb") as fh:  # sparse: the size is what counts, it is refused before reading
        fh.truncate(MAX_SEGMENT_BYTES + 1)


def case_unknown_type(root):
    append(root, next_event(root, "RecommendationsWithdrawn", {"meeting": 8}), NAME)


def case_missing_type(root):
    ev = adoption(root)
    del ev["type"]
    append(root, ev, NAME)


def case_future_schema_version(root):
    ev = adoption(root)
    ev["schema_version"] = 2
    append(root, ev, NAME)


def case_extra_envelope_field(root):
    ev = adoption(root)
    ev["author"] = "someone"
    append(root, ev, NAME)


def case_extra_data_field(root):
    append(root, adoption(root, comment="looks fine"), NAME)


def case_bool_for_integer(root):
    append(root, adoption(root, paragraph=True), NAME)


def case_string_number_for_integer(root):
    append(root, adoption(root, meeting="8"), NAME)


def case_string_for_list(root):
    append(root, adoption(root, provisions="wgtip-m8-p3"), NAME)


def case_seq_zero(root):
    ev = adoption(root)
    ev["seq"] = 0
    append(root, ev, NAME)


def case_endorsement_by_meeting_not_held(root):
    append(root, endorsement(root, meeting=9, endorsed="wgtip-m4-p46-a"), NAME)


def case_endorsing_an_adopted_provision(root):
    append(root, endorsement(root, meeting=8, endorsed="wgtip-m8-p1"), NAME)


def case_edited_past_event(root):
    path = root / "events/0000/000000205-meeting-8.jsonl"
    path.write_bytes(path.read_bytes().replace("维也纳".encode(), "日内瓦".encode(), 1))


def case_not_jsonl(root):
    (root / "events/0000/notes.txt").write_text("remember to add meeting 9\n")


def case_symlink(root):
    target = root.parent / "elsewhere.jsonl"
    target.write_bytes(valid_line(root) + b"\n")
    (root / "events/0000" / NAME).symlink_to(target)


def case_crlf(root):
    append_raw(root, NAME, valid_line(root) + b"\r\n")


def case_blank_line(root):
    append_raw(root, NAME, valid_line(root) + b"\n\n")


def case_no_final_newline(root):
    append_raw(root, NAME, valid_line(root))


def case_json_array(root):
    append_raw(root, NAME, b"[" + valid_line(root) + b"]\n")


def nan_line(root) -> bytes:
    return valid_line(root).replace(b'"paragraph":3,"provisions"', b'"paragraph":NaN,"provisions"')


def case_nan(root):
    append_raw(root, NAME, nan_line(root) + b"\n")


def surrogate_line(root) -> bytes:
    return valid_line(root).replace("缔约国".encode(), b"\\ud800")


def case_lone_surrogate(root):
    append_raw(root, NAME, surrogate_line(root) + b"\n")


def case_duplicate_key(root):
    append_raw(root, NAME, valid_line(root).replace(b'"meeting":8,', b'"meeting":9,"meeting":8,') + b"\n")


def case_nested_duplicate_key_same_value(root):
    line = valid_line(root)
    assert line.count(b'"paragraph":3,"label"') == 1  # inside the provision, not the paragraph of data
    append_raw(root, NAME, line.replace(b'"paragraph":3,"label"', b'"paragraph":3,"paragraph":3,"label"') + b"\n")


def case_impossible_date(root):
    ev = adoption(root)
    ev["occurred"] = {"start": "2019-02-30", "end": "2019-02-30"}
    append(root, ev, NAME)


def case_occurred_end_before_start(root):
    ev = adoption(root)
    ev["occurred"] = {"start": "2019-09-11", "end": "2019-09-09"}
    append(root, ev, NAME)


def case_meeting_ends_before_it_starts(root):
    d = {"meeting": 9, "heading": "九、第九次会议", "start_date": "2019-09-11", "end_date": "2019-09-09", "venue": "维也纳"}
    append(root, next_event(root, "MeetingHeld", d), NAME)


def case_recorded_at_without_zone(root):
    ev = adoption(root)
    ev["recorded_at"] = "2026-11-28T00:00:00"
    append(root, ev, NAME)


def case_bad_sha256(root):
    ev = adoption(root)
    ev["source"]["sha256"] = ev["source"]["sha256"].upper()
    append(root, ev, NAME)


def case_source_hash_mismatch(root):
    ev = adoption(root)
    ev["source"]["sha256"] = "0" * 64
    append(root, ev, NAME)


def case_unregistered_document(root):
    ev = adoption(root)
    ev["source"]["document"] = "wgtip-background-2020-zh"
    append(root, ev, NAME)


def case_bad_provision_id(root):
    d = {"provisions": [{"provision_id": "wgtip_m8_p3", "paragraph": 3, "label": "3.", "text": "缔约国应：", "line": 10}]}
    append(root, adoption(root, **d), NAME)


def correction(root, provision_id: str, old_text: str) -> dict:
    d = {"provision_id": provision_id, "old_text": old_text, "new_text": "缔约国应当：", "reason": "test", "corrected_by": "test"}
    return next_event(root, "TextCorrected", d)


def case_correction_of_missing_provision(root):
    append(root, correction(root, "wgtip-m8-p99", "缔约国应："), NAME)


def case_stale_correction(root):
    append(root, correction(root, "wgtip-m8-p1", "这不是现在的文字"), NAME)


# --- the log folder and its layout (issue 35) ---------------------------------------


def case_events_missing(root):
    shutil.rmtree(root / "events")


def case_events_empty(root):
    shutil.rmtree(root / "events")
    (root / "events").mkdir()


def case_events_is_a_file(root):
    shutil.rmtree(root / "events")
    (root / "events").write_text("not a log\n")


def case_file_beside_the_blocks(root):
    (root / "events/README.md").write_text("the log\n")


def case_segment_at_root(root):
    (root / "events" / NAME).write_bytes(valid_line(root) + b"\n")


def case_wrong_block(root):
    (root / "events/0042").mkdir()
    (root / "events/0042" / NAME).write_bytes(valid_line(root) + b"\n")


def case_block_name(root):
    (root / "events/blocks").mkdir()


def case_folder_in_block(root):
    (root / "events/0000/old").mkdir()


def case_segment_name(root):
    append_raw(root, f"{NEXT}-test.jsonl", valid_line(root) + b"\n")


def case_name_is_not_the_first_seq(root):
    (root / "events/0009").mkdir()
    (root / "events/0009/000999999-test.jsonl").write_bytes(valid_line(root) + b"\n")


# --- escapes, one form, nesting (issue 35) -------------------------------------------


def text_of(root, provision_id: str) -> str:
    """A provision's current text, read from the built package (not through the log reader)."""
    import csv

    with open(root / "data/provisions.csv", encoding="utf-8", newline="") as fh:
        return next(r["current_text"] for r in csv.DictReader(fh) if r["provision_id"] == provision_id)


def correcting(root, provision_id: str, new_text: str, old_text: str | None = None, seq: int | None = None) -> dict:
    old = old_text if old_text is not None else text_of(root, provision_id)
    ev = next_event(root, "TextCorrected", {"provision_id": provision_id, "old_text": old, "new_text": new_text, "reason": "test", "corrected_by": "test"})
    if seq is not None:
        ev["seq"] = seq
    return ev


def compact(ev: dict) -> bytes:
    return json.dumps(ev, ensure_ascii=False, separators=(",", ":")).encode()


def case_not_compact(root):
    append_raw(root, NAME, not_compact_line(root) + b"\n")


def not_compact_line(root) -> bytes:
    line = valid_line(root)
    assert line.count(b',"provisions"') == 1
    return line.replace(b',"provisions"', b', "provisions"')


def escaped_type_line(root) -> bytes:
    return valid_line(root).replace(b'"type":"RecommendationsAdopted"', b'"type":"Recommendations\\u0041dopted"')


def case_escaped_type(root):
    append_raw(root, NAME, escaped_type_line(root) + b"\n")


def case_escaped_nul(root):
    old = text_of(root, "wgtip-m8-p1")
    append_raw(root, NAME, compact(correcting(root, "wgtip-m8-p1", old + "\x00")) + b"\n")  # json.dumps writes it \u0000


def case_escaped_terminal_code(root):
    old = text_of(root, "wgtip-m8-p1")
    line = compact(correcting(root, "wgtip-m8-p1", old + "\x1b[2J"))
    assert b"\\u001b[2J" in line
    append_raw(root, NAME, line + b"\n")


def case_control_in_key(root):
    append(root, adoption(root, **{"note\n\x1b[2J": "x"}), NAME)


def nested(root, depth: int) -> bytes:
    line = valid_line(root)
    assert line.count(b'"meeting":8') == 1
    return line.replace(b'"meeting":8', b'"meeting":' + b"[" * depth + b"8" + b"]" * depth)


def case_nested_300(root):
    append_raw(root, NAME, nested(root, 300) + b"\n")


def case_nested_1000(root):
    append_raw(root, NAME, nested(root, 1000) + b"\n")


def case_nested_2000(root):
    append_raw(root, NAME, nested(root, 2000) + b"\n")


def registration(root, path: str, sha256: str) -> dict:
    first = json.loads(committed_line(1))
    data = dict(first["data"], document="wgtip-etc", path=path, sha256=sha256)
    return next_event(root, "SourceDocumentRegistered", data, source=None)


def case_source_outside_the_repository(root):
    real = hashlib.sha256(Path("/etc/hostname").read_bytes()).hexdigest()
    append(root, registration(root, "../../../../etc/hostname", real), NAME)


def case_source_at_an_absolute_path(root):
    append(root, registration(root, "/etc/passwd", "0" * 64), NAME)


# --- corrections a reader cannot see (issue 35) ---------------------------------------


def case_correction_of_the_normal_form_only(root):
    old = text_of(root, "wgtip-m1-p1")
    added = correcting(root, "wgtip-m1-p1", old + "（Café）")
    decomposed = correcting(root, "wgtip-m1-p1", old + "（Cafe\u0301）", old_text=old + "（Café）", seq=NEXT + 1)
    decomposed["prev"] = hashlib.sha256(compact(added)).hexdigest()
    append_raw(root, NAME, compact(added) + b"\n" + compact(decomposed) + b"\n")


def case_correction_to_a_compatibility_twin(root):
    old = text_of(root, "wgtip-m1-p1")
    assert old.count("列") == 1
    append(root, correcting(root, "wgtip-m1-p1", old.replace("列", "\uf99c")), NAME)


def case_correction_adding_a_zero_width_space(root):
    append(root, correcting(root, "wgtip-m1-p1", "\u200b" + text_of(root, "wgtip-m1-p1")), NAME)


def case_correction_adding_a_bidi_control(root):
    append(root, correcting(root, "wgtip-m1-p1", "\u202e" + text_of(root, "wgtip-m1-p1")), NAME)


def next_minor() -> str:
    """The version after the latest release in the committed log (a new adoption needs a minor release)."""
    versions = [
        tuple(map(int, json.loads(line)["data"]["version"].split("."))) for p in (ROOT / "events").rglob("*.jsonl") for line in p.read_bytes().split(b"\n") if b'"type":"ReleasePublished"' in line
    ]
    major, minor, _ = max(versions, default=(0, 0, 0))
    return f"{major}.{minor + 1}.0"


def latest_release_date() -> str:
    """The day of the latest release in the committed log: a new release may not be dated before it."""
    return max(
        (json.loads(line)["data"]["published_on"] for p in (ROOT / "events").rglob("*.jsonl") for line in p.read_bytes().split(b"\n") if b'"type":"ReleasePublished"' in line), default="2026-01-01"
    )


VERSION = next_minor()
RELEASE_FILE = f"events/0000/{NEXT + 1:09d}-release-{VERSION}.jsonl"


TAMPERED = "data/footnotes.csv"
"""The file whose recorded hash case_release_with_wrong_hash alters: one the new adoption leaves as committed."""


def released(root) -> tuple[bytes, bytes]:
    """A real release VERSION (made by wgtip's own make_release after one new adoption) and the
    same line with the recorded SHA-256 of TAMPERED altered at its last hex digit (a comparison
    of fewer than all 64 digits would miss it; test_release_check alters every digit)."""
    import datetime as dt

    from wgtip.release import make_release

    append(root, adoption(root), NAME)
    day = dt.date.fromisoformat(latest_release_date())
    path = make_release(root, VERSION, day, "test", dt.datetime(day.year, day.month, day.day, 23, tzinfo=dt.UTC))
    assert path.relative_to(root).as_posix() == RELEASE_FILE
    line = path.read_bytes().rstrip(b"\n")
    recorded = next(f["sha256"] for f in json.loads(line)["data"]["files"] if f["path"] == TAMPERED)
    wrong = recorded[:-1] + ("1" if recorded[-1] == "0" else "0")
    assert line.count(recorded.encode()) == 1
    return line, line.replace(recorded.encode(), wrong.encode(), 1)


def case_release_with_wrong_hash(root):
    line, tampered = released(root)
    (root / RELEASE_FILE).write_bytes(tampered + b"\n")


def case_release_naming_another_head(root):
    line, _ = released(root)
    wrong = line.replace(f'"log_head":{{"seq":{NEXT},'.encode(), f'"log_head":{{"seq":{NEXT - 1},'.encode(), 1)
    assert wrong != line
    (root / RELEASE_FILE).write_bytes(wrong + b"\n")


def release_mismatch() -> str:
    """The message for case_release_with_wrong_hash, written from the committed TAMPERED (which the new
    adoption does not change, so the rebuild makes it again): its size and SHA-256 computed here, and
    the recorded hash as released() alters it."""
    data = (ROOT / TAMPERED).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    wrong = sha[:-1] + ("1" if sha[-1] == "0" else "0")
    return f"release {VERSION} (event {NEXT + 1}): {TAMPERED} rebuilds with SHA-256 {sha[:16]}…, the release recorded {wrong[:16]}… ({len(data)} vs {len(data)} bytes)"


def case_lines_swapped(root):
    first = adoption(root)
    second = dict(first, seq=NEXT + 1)
    # named for its first line, as a segment is: the lines after it are what is out of order
    append_raw(root, f"{NEXT + 1:09d}-test.jsonl", b"".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for e in (second, first)))


def case_first_prev_not_null(root):
    path = root / "events/0000/000000001-source-registered.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"prev":null', b'"prev":"' + b"0" * 64 + b'"', 1))


SEGMENT_8 = "events/0000/000000205-meeting-8.jsonl"


def committed(seq: int) -> tuple[str, bytes]:
    """Where event ``seq`` is committed ("path:line") and its line, found by its seq (independently of the log reader)."""
    for path in sorted((ROOT / "events").rglob("*.jsonl")):
        for lineno, line in enumerate(path.read_bytes().split(b"\n"), 1):
            if line and json.loads(line)["seq"] == seq:
                return f"{path.relative_to(ROOT).as_posix()}:{lineno}", line
    raise KeyError(seq)


def committed_line(seq: int) -> bytes:
    return committed(seq)[1]


def sha12(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()[:12]


def char_index(line: bytes, needle: str) -> int:
    """0-based position in characters (not bytes) of needle in a line, as JSON parsers report it."""
    return line.decode().index(needle)


KNOWN_TYPES = ", ".join(cls.__name__ for cls in EVENT_TYPES)  # every type, in the documented order
HUGE = len(huge_line(ROOT))
assert HUGE > MAX_LINE_BYTES
NAN_AT = char_index(nan_line(ROOT), "NaN")
SURROGATE_AT = char_index(surrogate_line(ROOT), "\\ud800")  # reported at the start of the escape
EDITED_205 = committed_line(205).replace("维也纳".encode(), "日内瓦".encode(), 1)

# The values of the catalogue's placeholders in this copy of the log, computed here independently of the reader.
VALUES = {
    "FILE": FILE,
    "N": str(NEXT),
    "N+1": str(NEXT + 1),
    "N+2": str(NEXT + 2),
    "LAST": str(LAST),
    "LAST_AT": committed(LAST)[0],
    "LAST_SHA12": sha12(committed_line(LAST)),
    "EDITED_SHA12": sha12(EDITED_205),
    "EVENT_205_SHA12": sha12(committed_line(205)),
    "HUGE": str(HUGE),
    "NAN_AT": str(NAN_AT + 1),
    "SURROGATE_COLUMN": str(SURROGATE_AT + 1),
    "SURROGATE_CHAR": str(SURROGATE_AT),
    "KNOWN_TYPES": KNOWN_TYPES,
    "RELEASE_FILE": RELEASE_FILE,
    "RELEASE_MISMATCH": release_mismatch(),
    "SEGMENT": NAME,
    "FILE_N+1": f"events/0000/{NEXT + 1:09d}-test.jsonl",
    "FILE_N+2": f"events/0000/{NEXT + 2:09d}-test.jsonl",
    "FILE_LAST": f"events/0000/{LAST:09d}-test.jsonl",
    "SPACE_AT": str(char_index(not_compact_line(ROOT), ' "provisions"') + 1),
    "ESCAPE_AT": str(char_index(escaped_type_line(ROOT), "\\u0041") + 1),
}

# How each case of the catalogue (src/wgtip/reference/bad_input.py) is made.
MAKERS = {
    "invalid_json": case_invalid_json,
    "invalid_utf8": case_invalid_utf8,
    "missing_field": case_missing_field,
    "wrong_type": case_wrong_type,
    "out_of_sequence": case_out_of_sequence,
    "repeated_seq": case_repeated_seq,
    "unknown_meeting": case_unknown_meeting,
    "unknown_parent": case_unknown_parent,
    "unknown_endorsed": case_unknown_endorsed_provision,
    "reused_id": case_reused_provision_id,
    "no_section": case_no_section,
    "broken_chain": case_broken_chain,
    "gbk_text": case_gbk_text,
    "truncated_utf8": case_truncated_utf8,
    "bom": case_bom,
    "nul": case_nul,
    "escape_char": case_escape_char,
    "tab": case_tab,
    "crlf": case_crlf,
    "blank_line": case_blank_line,
    "no_final_newline": case_no_final_newline,
    "empty_file": case_empty_file,
    "huge_line": case_huge_line,
    "huge_segment": case_huge_segment,
    "not_jsonl": case_not_jsonl,
    "symlink": case_symlink,
    "json_array": case_json_array,
    "nan": case_nan,
    "lone_surrogate": case_lone_surrogate,
    "duplicate_key": case_duplicate_key,
    "nested_duplicate_key_same_value": case_nested_duplicate_key_same_value,
    "unknown_type": case_unknown_type,
    "missing_type": case_missing_type,
    "future_schema_version": case_future_schema_version,
    "extra_envelope_field": case_extra_envelope_field,
    "extra_data_field": case_extra_data_field,
    "bool_for_integer": case_bool_for_integer,
    "string_number_for_integer": case_string_number_for_integer,
    "string_for_list": case_string_for_list,
    "seq_zero": case_seq_zero,
    "impossible_date": case_impossible_date,
    "occurred_end_before_start": case_occurred_end_before_start,
    "recorded_at_without_zone": case_recorded_at_without_zone,
    "bad_sha256": case_bad_sha256,
    "bad_provision_id": case_bad_provision_id,
    "edited_past_event": case_edited_past_event,
    "lines_swapped": case_lines_swapped,
    "first_prev_not_null": case_first_prev_not_null,
    "endorsement_by_meeting_not_held": case_endorsement_by_meeting_not_held,
    "endorsing_an_adopted_provision": case_endorsing_an_adopted_provision,
    "meeting_ends_before_it_starts": case_meeting_ends_before_it_starts,
    "source_hash_mismatch": case_source_hash_mismatch,
    "correction_of_missing_provision": case_correction_of_missing_provision,
    "stale_correction": case_stale_correction,
    "release_with_wrong_hash": case_release_with_wrong_hash,
    "release_naming_another_head": case_release_naming_another_head,
    "unregistered_document": case_unregistered_document,
    "events_missing": case_events_missing,
    "events_empty": case_events_empty,
    "events_is_a_file": case_events_is_a_file,
    "file_beside_the_blocks": case_file_beside_the_blocks,
    "segment_at_root": case_segment_at_root,
    "wrong_block": case_wrong_block,
    "block_name": case_block_name,
    "folder_in_block": case_folder_in_block,
    "segment_name": case_segment_name,
    "name_is_not_the_first_seq": case_name_is_not_the_first_seq,
    "not_compact": case_not_compact,
    "escaped_type": case_escaped_type,
    "escaped_nul": case_escaped_nul,
    "escaped_terminal_code": case_escaped_terminal_code,
    "control_in_key": case_control_in_key,
    "nested_300": case_nested_300,
    "nested_1000": case_nested_1000,
    "nested_2000": case_nested_2000,
    "source_outside_the_repository": case_source_outside_the_repository,
    "source_at_an_absolute_path": case_source_at_an_absolute_path,
    "correction_of_the_normal_form_only": case_correction_of_the_normal_form_only,
    "correction_to_a_compatibility_twin": case_correction_to_a_compatibility_twin,
    "correction_adding_a_zero_width_space": case_correction_adding_a_zero_width_space,
    "correction_adding_a_bidi_control": case_correction_adding_a_bidi_control,
}


def expected(case: str, command: str = "build") -> str:
    entry = BY_CASE[case]
    template = entry.verify_message if command == "verify" and entry.verify_message else entry.message
    return fill(template, VALUES)


def test_every_case_of_the_catalogue_is_made_here_and_every_placeholder_has_a_value():
    assert set(MAKERS) == set(BY_CASE)
    used = set().union(*(placeholders(b.message) | placeholders(b.verify_message or "") for b in CATALOGUE))
    assert used == set(VALUES) == set(PLACEHOLDERS)


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 30


@pytest.mark.parametrize("case", list(BY_CASE))
def test_bad_input_stops_the_build_and_damages_nothing(built_repo, case):
    root, before = built_repo
    MAKERS[case](root)
    code, stderr = run_in_process(root)
    assert code == 1
    assert stderr == f"error: {expected(case)}\n"
    assert not CONTROL_OR_INVISIBLE.search(stderr[:-1]), "the message shows no control or invisible character raw"
    assert outputs(root) == before
    assert not [p for p in (root / "build").iterdir() if p.name.startswith(".tmp")], "temporary files are cleaned up"


@pytest.mark.parametrize("case", list(BY_CASE))
def test_verify_names_the_same_first_problem(built_repo, case):
    root, before = built_repo
    MAKERS[case](root)
    assert run_in_process(root, "verify") == (1, f"error: {expected(case, 'verify')}\n")
    assert outputs(root) == before


@pytest.mark.parametrize("command", ["build", "verify"])
def test_from_the_command_line(built_repo, command):
    """One case as a user meets it: a new process, exit status 1, one line on stderr, nothing on stdout."""
    root, _ = built_repo
    MAKERS["gbk_text"](root)
    result = run_build(root, command)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"error: {expected('gbk_text', command)}\n")


def test_a_good_event_after_the_log_builds(built_repo):
    """The helpers make events the build accepts, so the failures above are the intended ones."""
    root, before = built_repo
    append(root, adoption(root), NAME)
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert outputs(root) != before
    assert last_line(root)[0] == NEXT


def test_the_generated_page_shows_every_case_with_its_message():
    """docs/bad-input.md, as `wgtip docs` writes it, lists every case, what is wrong and its message (placeholders as the page shows them)."""
    from wgtip.reference.bad_input import page

    text = page()
    shown = {name: display for name, (display, _) in PLACEHOLDERS.items()}
    for b in CATALOGUE:
        assert f"| `{b.case}` | {b.wrong} | `{fill(b.message, shown)}` |" in text.replace("\\|", "|"), b.case
        if b.verify_message:
            assert fill(b.verify_message, shown) in text
    for display, meaning in PLACEHOLDERS.values():
        if display.startswith("<"):
            assert f"| `{display}` | {meaning} |" in text
