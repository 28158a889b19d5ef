"""The fold of the committed log, and of what the importer makes of the source, against the source
document itself (read by its layout in ``printed.py``), without the build.

The shared ``built`` fixture builds the log, and the build refuses a fold that differs from the
release at the head of the log: a fold bug first shows there as a release-hash mismatch, in the
fixture, before any test of behaviour runs. These tests fold the log with the library
(``read_log`` + ``fold``, no release check) and each names the rule that broke.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import printed
import pytest
from conftest import ROOT

from wgtip.fold import fold
from wgtip.log import read_log
from wgtip.tables import by_name, columns


def folded(root: Path) -> dict[str, list[dict]]:
    tables = fold(read_log(root))
    return {name: [dict(zip([c.name for c in columns(model)], row, strict=True)) for row in tables[name]] for name, model in by_name().items()}


@pytest.fixture(scope="module")
def log_fold() -> dict[str, list[dict]]:
    """The committed log, folded in memory."""
    return folded(ROOT)


@pytest.fixture(scope="module")
def by_line(log_fold) -> dict[int, dict]:
    rows = {p["source_line"]: p for p in log_fold["provisions"]}
    assert len(rows) == len(log_fold["provisions"]), "two provisions share a source line"
    return rows


LINES = printed.printed()
CORRECTIONS = printed.recorded_corrections(ROOT)
CURRENT = printed.current_texts(LINES, CORRECTIONS)
HEADINGS = printed.headings()
ENDORSING, ENDORSED, PROPOSING = printed.endorsed_block()


def test_every_labelled_line_of_the_source_is_one_provision(by_line):
    assert sorted(by_line) == sorted(LINES)


def test_the_corrections_exercise_what_they_should():
    assert CORRECTIONS and all(CURRENT[c["source"]["line"]] != LINES[c["source"]["line"]].text for c in CORRECTIONS)
    assert any(LINES[c["source"]["line"]].chapeau is not None or any(x.chapeau == c["source"]["line"] for x in LINES.values()) for c in CORRECTIONS), (
        "a corrected provision is an item or a chapeau: its correction shows in another's standalone_text"
    )


def test_current_text_is_the_printed_text_with_the_recorded_corrections(by_line):
    wrong = [
        f"{by_line[n]['provision_id']} (line {n}): current_text {by_line[n]['current_text']!r}, the source with its corrections reads {CURRENT[n]!r}"
        for n in LINES
        if by_line[n]["current_text"] != CURRENT[n]
    ]
    assert not wrong, "current_text is not the printed text with every recorded correction applied:\n" + "\n".join(wrong)
    counts = {n: sum(c["source"]["line"] == n for c in CORRECTIONS) for n in LINES}
    assert {n: by_line[n]["corrections"] for n in LINES} == counts, "corrections counts the TextCorrected events of each provision"


def test_text_is_the_printed_text_corrections_aside(by_line):
    wrong = [f"line {n}" for n, x in LINES.items() if (by_line[n]["text"], by_line[n]["label"]) != (x.text, x.label)]
    assert not wrong, "text (and label) must stay as printed, whatever the corrections: " + ", ".join(wrong)


def test_standalone_text_is_every_chapeau_then_the_provision(by_line):
    """Items of items (sub-items) need their outer chapeau too: 46 (j) (vi) reads 46's words, (j)'s, then its own."""
    want = printed.standalone_texts(LINES, CURRENT)
    nested = [n for n, x in LINES.items() if x.chapeau is not None and LINES[x.chapeau].chapeau is not None]
    assert len(nested) >= 9  # the sub-items of 46 (i) and (j)
    wrong = [f"{by_line[n]['provision_id']} (line {n}): standalone_text {by_line[n]['standalone_text']!r}, the source reads {want[n]!r}" for n in LINES if by_line[n]["standalone_text"] != want[n]]
    assert not wrong, "standalone_text is not the chapeaux' current texts, outermost first, then the provision's:\n" + "\n".join(wrong[:8])


def test_the_chapeau_and_level_are_those_the_source_prints(by_line):
    ids = {n: p["provision_id"] for n, p in by_line.items()}
    wrong = [
        f"{ids[n]} (line {n}): parent {by_line[n]['parent_id']}, level {by_line[n]['level']}; the source prints {ids.get(x.chapeau)}, {x.level}"
        for n, x in LINES.items()
        if (by_line[n]["parent_id"], by_line[n]["level"]) != (ids.get(x.chapeau), x.level)
    ]
    assert not wrong, "\n".join(wrong)
    chapeaux = {x.chapeau for x in LINES.values()}
    assert {n for n in LINES if by_line[n]["is_chapeau"]} == chapeaux - {None}


def test_the_endorsed_proposals_belong_to_the_endorsing_meeting(by_line):
    """The fourth meeting's paragraph 46 endorses what the Chair proposed at the meeting of 19 October 2010
    (the third): the items and sub-items printed under it are the fourth meeting's recommendations, with
    the fourth meeting's dates, proposed at the third."""
    fourth, third = HEADINGS[LINES[ENDORSING].meeting], HEADINGS[PROPOSING]
    assert (fourth.meeting, third.meeting, len(ENDORSED)) == (4, 3, 19)
    wrong = []
    for n in ENDORSED:
        p = by_line[n]
        got = (p["meeting"], p["meeting_start_date"], p["meeting_end_date"], p["adoption"], p["proposed_at_meeting"], p["proposed_on"])
        want = (fourth.meeting, fourth.start, fourth.end, "proposed_and_endorsed", third.meeting, third.start)
        if got != want:
            wrong.append(f"{p['provision_id']} (line {n}): meeting, dates, adoption, proposed at, proposed on = {got}; the source says {want}")
    assert not wrong, "an endorsed proposal belongs to the endorsing meeting (with its dates), proposed at the earlier one:\n" + "\n".join(wrong)
    assert by_line[ENDORSING]["adoption"] == "adopted" and by_line[ENDORSING]["meeting"] == fourth.meeting


def test_every_provision_has_its_sections_meeting_dates_and_adoption(by_line):
    """Every provision is printed under its meeting's heading; the seventh meeting referred its recommendations to the Conference."""
    wrong = []
    for n, x in LINES.items():
        h, p = HEADINGS[x.meeting], by_line[n]
        adoption = "proposed_and_endorsed" if n in ENDORSED else "recommended_to_conference" if x.meeting == 7 else "adopted"
        if (p["meeting"], p["meeting_start_date"], p["meeting_end_date"], p["adoption"]) != (x.meeting, h.start, h.end, adoption):
            wrong.append(f"{p['provision_id']} (line {n}): {(p['meeting'], p['meeting_start_date'], p['meeting_end_date'], p['adoption'])}, printed under {h.text!r}")
    assert not wrong, "\n".join(wrong)


def test_positions_and_footnotes_follow_the_source(by_line):
    assert [by_line[n]["position"] for n in sorted(LINES)] == list(range(1, len(LINES) + 1)), "position is the order of the source's lines"
    assert {n: by_line[n]["footnotes"] for n in LINES} == {n: x.markers for n, x in LINES.items()}, "footnotes counts the markers printed in the line"


def test_the_meetings_counts_are_the_sources(log_fold):
    decided = {m: sum(x.meeting == m for x in LINES.values()) for m in HEADINGS}
    proposed = {m: len(ENDORSED) if m == PROPOSING else 0 for m in HEADINGS}
    got = {m["meeting"]: (m["provisions_decided"], m["provisions_proposed"], m["start_date"], m["end_date"], m["heading"]) for m in log_fold["meetings"]}
    assert got == {m: (decided[m], proposed[m], h.start, h.end, h.text) for m, h in HEADINGS.items()}


# --- the importer: its events against the source, not against the committed events -------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[int, dict]:
    """The importer's events for the source (``wgtip import-source``, as a user runs it), folded."""
    out = tmp_path_factory.mktemp("imported")
    result = subprocess.run([sys.executable, "-m", "wgtip", "import-source", "--root", str(ROOT), "--recorded-at", "2026-11-28T00:00:00Z", "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return {p["source_line"]: p for p in folded(out)["provisions"]}


def test_the_importer_reads_what_the_source_prints(imported):
    """The pair of test_importer's byte-for-byte comparison with the committed events: the importer's own
    events fold into the provisions the source prints (no corrections: they come later, as events)."""
    assert sorted(imported) == sorted(LINES)
    ids = {n: p["provision_id"] for n, p in imported.items()}
    uncorrected = printed.standalone_texts(LINES, {n: x.text for n, x in LINES.items()})
    wrong = []
    for n, x in LINES.items():
        p = imported[n]
        adoption = "proposed_and_endorsed" if n in ENDORSED else "recommended_to_conference" if x.meeting == 7 else "adopted"
        got = (p["label"], p["level"], p["text"], p["current_text"], p["parent_id"], p["standalone_text"], p["meeting"], p["adoption"], p["footnotes"])
        want = (x.label, x.level, x.text, x.text, ids.get(x.chapeau), uncorrected[n], x.meeting, adoption, x.markers)
        if got != want:
            wrong.append(f"line {n}: imported {got}, printed {want}")
    assert not wrong, "\n".join(wrong[:8])
    assert {imported[n]["proposed_at_meeting"] for n in ENDORSED} == {PROPOSING}
