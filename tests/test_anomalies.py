"""`wgtip anomalies`: each rule on texts written here, and on the log: every anomaly is where it says, in the
source as printed, and its context is what `wgtip correct --find` takes; the corrections already recorded are
what the rules found in the printed texts."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SOURCE

from wgtip.anomalies import find_anomalies, unique_context
from wgtip.folded import fold_kept
from wgtip.log import iter_log

SOURCE_LINES = SOURCE.read_text(encoding="utf-8").split("\n")


def found(text: str) -> list[tuple[str, str, int, str, str | None]]:
    return [(a.rule, a.evidence, a.character, a.context, a.suggestion) for a in find_anomalies([{"provision_id": "x", "current_text": text, "source_line": 1}])]


@pytest.mark.parametrize(
    "text, want",
    [
        ("协助缔约国更好地理解 and 解释关键概念。", [("latin-word-in-chinese", " and ", 11, " and ", None)]),
        ("毒品和犯罪问题办公室（UNODC）的工作。", []),  # a name in brackets, not a word between characters
        ("产品和服务的的认识。", [("doubled-particle", "的的", 6, "的的", "的")]),
        ("以切除器官为目的的人口贩运。", []),  # 目的 + 的 is correct Chinese
        ("的的的。", [("doubled-particle", "的的", 1, "的的的", "的的")]),  # 的的 also starts at the second 的: widened
        ("识别和帮助被害人方面的最佳做法", [("missing-final-punctuation", "人方面的最佳做法", 8, "人方面的最佳做法", None)]),
        ("识别和帮助被害人方面的最佳做法。", []),
        (
            "根据第 3 条(a)项, 缔约国应当注意, 并认识到。",
            [
                ("halfwidth-punctuation", ", ", 12, "项, 缔", "项，缔"),  # ", " occurs twice: a character each side
                ("halfwidth-punctuation", ", ", 21, "意, 并", "意，并"),
            ],
        ),
        ("包括: 考虑; 增强。", [("halfwidth-punctuation", ": ", 3, ": ", "："), ("halfwidth-punctuation", "; ", 7, "; ", "；")]),
        ("共有 1,000 名被害人，约 2:1。", []),  # digits, not Chinese text
    ],
)
def test_each_rule_on_a_text(text, want):
    assert found(text) == want


def test_a_context_is_widened_until_it_occurs_once():
    text = "一乙, 丙二乙, 丙三"
    # "乙, 丙" occurs twice, so each of its ", " needs two characters on each side
    assert text[slice(*unique_context(text, 2, 4))] == "一乙, 丙二"
    assert text[slice(*unique_context(text, 7, 9))] == "二乙, 丙三"
    assert unique_context(text, 0, 1) == (0, 1)  # 一 occurs once
    assert unique_context("aaaa", 1, 2) == (0, 4)  # every shorter piece occurs at more than one place


def provisions() -> list[dict]:
    with open(ROOT / "data/provisions.csv", encoding="utf-8", newline="") as f:
        return [{**p, "source_line": int(p["source_line"])} for p in csv.DictReader(f)]


PROVISIONS = provisions()
ANOMALIES = find_anomalies(PROVISIONS)


def test_the_log_has_anomalies_to_report():
    assert {a.rule for a in ANOMALIES} == {"halfwidth-punctuation"}  # the other slips were corrected in 1.0.1


@pytest.mark.parametrize("a", ANOMALIES, ids=lambda a: f"{a.provision_id}@{a.character}")
def test_an_anomaly_is_where_it_says_in_the_source_as_printed(a):
    p = next(p for p in PROVISIONS if p["provision_id"] == a.provision_id)
    text = p["current_text"]
    at = a.character - 1
    assert text[at : at + len(a.evidence)] == a.evidence
    # the context holds the evidence at its place, and occurs in the text there and nowhere else
    lo = text.find(a.context)
    assert lo <= at and at + len(a.evidence) <= lo + len(a.context)
    assert all(text.find(a.context, i) in (lo, -1) for i in range(len(text))) and text.count(a.context) == 1
    # not a correction's doing: the provision reads as printed, on the line of the source it names
    assert text == p["text"] and p["text"] in SOURCE_LINES[a.line - 1] and a.line == p["source_line"]


def test_a_context_and_suggestion_make_a_correction(repo):
    """The first anomaly's context and suggestion, given to `wgtip correct`, change that one place."""
    a = ANOMALIES[0]
    before = next(p for p in PROVISIONS if p["provision_id"] == a.provision_id)["current_text"]
    at = a.character - 1
    mended = {",": "，", ":": "：", ";": "；"}[a.evidence[0]]
    want = before[:at] + mended + before[at + len(a.evidence) :]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wgtip",
            "correct",
            a.provision_id,
            "--find",
            a.context,
            "--replace",
            a.suggestion,
            "--reason",
            "half-width comma",
            "--by",
            "test",
            "--date",
            "2026-12-06",
            "--recorded-at",
            "2026-12-06T00:00:00Z",
            "--root",
            str(repo),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    kept = fold_kept(iter_log(repo), {"provisions": lambda p: p["provision_id"] == a.provision_id})
    assert kept.rows["provisions"][0]["current_text"] == want
    after = find_anomalies(kept.rows["provisions"])
    # the provision's other anomalies remain, those after the mended place moved by the characters it lost
    shift = len(a.evidence) - len(mended)
    assert [b.character for b in after] == [b.character - (shift if b.character > a.character else 0) for b in ANOMALIES if b.provision_id == a.provision_id and b is not a]


def test_the_recorded_corrections_mend_what_the_rules_find_in_the_printed_text():
    """Each TextCorrected event of the log changes a place a rule flags in the text it corrected; where the rule's
    mending is mechanical, its suggestion gives the recorded text; the corrected text has no anomaly there."""
    corrections = [le.event.data for le in iter_log(ROOT) if le.event.type == "TextCorrected"]
    assert corrections
    for c in corrections:
        # the changed region, from the common prefix and suffix of the two texts
        pre = next((i for i, (x, y) in enumerate(zip(c.old_text, c.new_text, strict=False)) if x != y), min(len(c.old_text), len(c.new_text)))
        suf = 0
        while suf < min(len(c.old_text), len(c.new_text)) - pre and c.old_text[-1 - suf] == c.new_text[-1 - suf]:
            suf += 1
        start, end = pre, len(c.old_text) - suf
        row = {"provision_id": c.provision_id, "source_line": 1}
        flagged = [a for a in find_anomalies([{**row, "current_text": c.old_text}]) if a.character - 1 <= end and start <= a.character - 1 + len(a.evidence)]
        assert flagged, c.provision_id
        for a in flagged:
            if a.suggestion is not None:
                assert c.old_text.replace(a.context, a.suggestion) == c.new_text, c.provision_id
            assert not [b for b in find_anomalies([{**row, "current_text": c.new_text}]) if b.rule == a.rule], c.provision_id


def wgtip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_command_prints_the_same_anomalies_as_text_and_as_json():
    text, as_json = wgtip("anomalies"), wgtip("anomalies", "--format", "json")
    assert text.returncode == as_json.returncode == 0
    entries = json.loads(as_json.stdout)
    want = [(a.provision_id, a.rule, a.character, a.evidence, a.context, a.suggestion, a.line, a.reason) for a in ANOMALIES]
    assert [tuple(e.values()) for e in entries] == want
    assert [tuple(line.split("\t")) for line in text.stdout.splitlines()] == [tuple("" if v is None else str(v) for v in w) for w in want]
    assert text.stderr == as_json.stderr == f"{len(want)} anomalies\n"
    only = json.loads(wgtip("anomalies", "--rule", "doubled-particle", "--format", "json").stdout)
    assert only == [e for e in entries if e["rule"] == "doubled-particle"]


def test_an_unknown_rule_is_refused_with_the_rules():
    result = wgtip("anomalies", "--rule", "nope")
    assert result.returncode == 1
    assert result.stderr == "error: unknown rule 'nope' (rules: latin-word-in-chinese, doubled-particle, missing-final-punctuation, halfwidth-punctuation)\n"


def test_the_documented_example_and_count_are_the_logs():
    readme = (ROOT / "docs" / "releases.md").read_text(encoding="utf-8")
    halfwidth = [a for a in ANOMALIES if a.rule == "halfwidth-punctuation"]
    assert f"half-width\npunctuation ({len(halfwidth)} places" in readme
    pid, find, replace = re.search(r"wgtip correct (\S+) --find '([^']+)' --replace '([^']+)'", readme).groups()
    assert any((a.provision_id, a.context, a.suggestion) == (pid, find, replace) for a in ANOMALIES)
