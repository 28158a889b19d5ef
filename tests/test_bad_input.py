"""Bad input stops the build with one clear line, a non-zero exit, and leaves earlier outputs intact."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import append, append_raw, last_line, next_event
from wgtip.build import build

from conftest import ROOT

LAST = last_line(ROOT)[0]
NEXT = LAST + 1
NAME = f"{NEXT:09d}-test.jsonl"
FILE = f"events/0000/{NAME}"


def outputs(root: Path) -> dict[str, str]:
    paths = [root / "datapackage.json", *sorted((root / "data").glob("*.csv")), root / "build/wgtip.sqlite", root / "build/wgtip.duckdb"]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture()
def built_repo(repo) -> tuple[Path, dict[str, str]]:
    build(repo)
    return repo, outputs(repo)


def run_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", "build", "--root", str(root)], capture_output=True, text=True)


def adoption(root: Path, **data) -> dict:
    d = {"meeting": 8, "paragraph": 3, "provisions": [{"provision_id": "wgtip-m8-p3", "paragraph": 3, "label": "3.", "text": "缔约国应：", "line": 10}]}
    d.update(data)
    ev = next_event(root, "RecommendationsAdopted", d)
    ev["source"] = dict(ev["source"], section="八", paragraph="3", line=10)
    return ev


def case_invalid_json(root):
    append_raw(root, NAME, b'{"seq": 208, "type": \n')


def case_invalid_utf8(root):
    append_raw(root, NAME, '{"seq":208,"text":"'.encode() + "缔约国".encode("gbk") + b'"}\n')


def case_missing_field(root):
    ev = next_event(root, "MeetingHeld", {"meeting": 9, "heading": "九.", "start_date": "2019-09-09", "end_date": "2019-09-11"})
    append(root, ev, NAME)


def case_wrong_type(root):
    append(root, adoption(root, meeting="eighth"), NAME)


def case_out_of_sequence(root):
    ev = adoption(root)
    ev["seq"] = NEXT + 2
    append(root, ev, NAME)


def case_repeated_seq(root):
    ev = adoption(root)
    ev["seq"] = LAST
    append(root, ev, NAME)


def case_unknown_meeting(root):
    append(root, adoption(root, meeting=9), NAME)


def case_unknown_parent(root):
    d = {"provisions": [{"provision_id": "wgtip-m8-p3-a", "parent_id": "wgtip-m8-p99", "paragraph": 3, "item": "a", "label": "(a)", "text": "x", "line": 10}]}
    append(root, adoption(root, **d), NAME)


def case_unknown_endorsed_provision(root):
    d = {"meeting": 8, "proposals_of_meeting": 3, "with_oral_amendments": False, "paragraph": 3,
         "provisions": [{"provision_id": "wgtip-m8-p3", "paragraph": 3, "label": "3.", "text": "核可：", "line": 10}], "endorsed": ["wgtip-m3-p1-z"]}
    append(root, next_event(root, "ProposalsEndorsed", d), NAME)


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


CASES = {
    "invalid_json": (case_invalid_json, f"{FILE}:1: (line): not valid JSON"),
    "invalid_utf8": (case_invalid_utf8, f"{FILE}:1: (encoding): not valid UTF-8 at byte 19 (0xb5)"),
    "missing_field": (case_missing_field, f"{FILE}:1: data.venue: required field is missing"),
    "wrong_type": (case_wrong_type, f"{FILE}:1: data.meeting: Input should be a valid integer, unable to parse string as an integer (got 'eighth')"),
    "out_of_sequence": (case_out_of_sequence, f"{FILE}:1: seq: sequence number {NEXT + 2} is out of sequence: expected {NEXT}"),
    "repeated_seq": (case_repeated_seq, f"{FILE}:1: seq: sequence number {LAST} repeats "),
    "unknown_meeting": (case_unknown_meeting, f"{FILE}:1: data.meeting: meeting 9 has not been held (no MeetingHeld event before this one) (RecommendationsAdopted, seq {NEXT})"),
    "unknown_parent": (case_unknown_parent, f"{FILE}:1: data.provisions.0.parent_id: provision 'wgtip-m8-p99' does not exist (RecommendationsAdopted, seq {NEXT})"),
    "unknown_endorsed": (case_unknown_endorsed_provision, f"{FILE}:1: data.endorsed.0: provision 'wgtip-m3-p1-z' does not exist (ProposalsEndorsed, seq {NEXT})"),
    "reused_id": (case_reused_provision_id, f"{FILE}:1: data.provisions.0.provision_id: provision 'wgtip-m8-p1' already exists (event 206); identifiers are never reused"),
    "no_section": (case_no_section, f"{FILE}:1: source.section: an event that records provisions must name the section"),
    "broken_chain": (case_broken_chain, f"{FILE}:1: prev: hash chain broken: expected SHA-256 of event {LAST}"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_stops_the_build_and_damages_nothing(built_repo, case):
    root, before = built_repo
    make, expected = CASES[case]
    make(root)
    result = run_build(root)
    assert result.returncode == 1
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: " + expected), lines[0]
    assert outputs(root) == before
    assert not [p for p in (root / "build").iterdir() if p.name.startswith(".tmp")], "temporary files are cleaned up"


def test_a_good_event_after_the_log_builds(built_repo):
    """The helpers make events the build accepts, so the failures above are the intended ones."""
    root, before = built_repo
    append(root, adoption(root), NAME)
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert outputs(root) != before
    assert last_line(root)[0] == NEXT
