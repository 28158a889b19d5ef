"""The evaluation against the blind gold set: scores on a tiny hand-made gold and prediction,
computed by hand; the published annotations read from whatever the tables hold; the command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from wgtip.annotate import evaluate as ev
from wgtip.events import Annotation

GOLD = {
    "p1": {"themes": ["a", "b"], "addressees": [["x", "direct"]], "strength": ["should"]},
    "p2": {"themes": ["b"], "addressees": [["y", "direct"], ["z", "indirect"]], "strength": ["may"]},
}
TABLES = {
    "provision_themes": [
        {"provision_id": "p1", "theme": "a", "annotator": "rule t v1"},
        {"provision_id": "p2", "theme": "b", "annotator": "a review"},
        {"provision_id": "p2", "theme": "c", "annotator": "rule t v1"},
        {"provision_id": "p3", "theme": "a", "annotator": "rule t v1"},  # not in the gold: not scored
    ],
    "provision_addressees": [
        {"provision_id": "p1", "addressee": "x", "role": "direct", "annotator": "rule a v1"},
        {"provision_id": "p2", "addressee": "y", "role": "direct", "annotator": "rule a v1"},
        {"provision_id": "p2", "addressee": "z", "role": "direct", "annotator": "rule a v1"},
    ],
    "provision_strength": [
        {"provision_id": "p1", "strength": "should", "annotator": "rule s v1"},
    ],
}
RESULTS = {
    "theme": {"p1": (Annotation(value="a"),), "p2": (Annotation(value="c"),), "p3": (Annotation(value="a"),)},
    "addressee": {"p1": (Annotation(value="x", role="direct"),), "p2": (Annotation(value="y", role="direct"), Annotation(value="z", role="indirect"))},
    "strength": {"p1": (Annotation(value="should"),), "p2": (Annotation(value="should"),)},
}


@pytest.fixture(scope="module")
def measured() -> ev.Evaluation:
    return ev.measure(GOLD, TABLES, RESULTS)


def pr(s: ev.Score) -> tuple[int, int, int, float, float]:
    return s.true_positives, s.predicted, s.expected, s.precision, s.recall


def test_the_rules_scored_by_hand(measured):
    k = measured.kinds["rules"]
    # themes: p1 wants {a, b}, gets {a} (1 right); p2 wants {b}, gets {c} (0): tp 1 of 2 given, 3 wanted
    assert pr(k["theme"]) == (1, 2, 3, 0.5, pytest.approx(1 / 3))
    # addressees: every pair right, none missing
    assert pr(k["addressee"]) == (3, 3, 3, 1.0, 1.0)
    # strength: p1 should (right), p2 should for may (wrong): 1 of 2, 1 of 2
    assert pr(k["strength"]) == (1, 2, 2, 0.5, 0.5)


def test_the_published_tables_scored_by_hand_whoever_annotated(measured):
    k = measured.kinds["published"]
    # themes: p1 {a} (1 right); p2 {b, c} from a review and a rule (1 right): tp 2 of 3 given, 3 wanted
    assert pr(k["theme"]) == (2, 3, 3, pytest.approx(2 / 3), pytest.approx(2 / 3))
    # addressees: z is published as direct where the gold has it indirect: a different pair
    assert pr(k["addressee"]) == (2, 3, 3, pytest.approx(2 / 3), pytest.approx(2 / 3))
    # strength: p2 has no row: nothing predicted for it, its may missed
    assert pr(k["strength"]) == (1, 1, 2, 1.0, 0.5)
    assert measured.annotators == ["a review", "rule a v1", "rule s v1", "rule t v1"]


def test_each_theme_scored_by_hand(measured):
    published = {s.kind: s for s in measured.themes["published"]}
    rules = {s.kind: s for s in measured.themes["rules"]}
    assert pr(published["a"]) == (1, 1, 1, 1.0, 1.0)
    assert pr(published["b"]) == (1, 1, 2, 1.0, 0.5)  # p2 found, p1 missed
    assert pr(published["c"]) == (0, 1, 0, 0.0, 1.0)  # given once, never in the gold (recall has nothing to count)
    assert pr(rules["b"]) == (0, 0, 2, 1.0, 0.0)  # never given: precision has nothing to count
    assert sorted(rules) == sorted(published) == ["a", "b", "c"]


def test_a_disagreement_is_listed_with_what_is_missing_and_extra(measured):
    assert "theme p2: missing [('b',)] extra [('c',)]" in measured.errors["rules"]
    assert "addressee p2: missing [('z', 'indirect')] extra [('z', 'direct')]" in measured.errors["published"]


def test_the_command_scores_every_scored_kind_of_both_sources_on_the_blind_gold():
    out = subprocess.run([sys.executable, "-m", "wgtip.annotate.evaluate"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    gold = json.loads((ROOT / ev.BLIND_GOLD).read_text(encoding="utf-8"))["provisions"]
    assert out.stdout.startswith(f"gold: {ev.BLIND_GOLD} ({len(gold)} provisions")
    lines = out.stdout.splitlines()
    for kind in ev.SCORED:
        for source in ev.SOURCES:
            row = next(x for x in lines if x.split()[:2] == [kind, source])
            # the gold column is the gold's own count of values, counted here
            wanted = sum(len(g[{"theme": "themes", "addressee": "addressees", "strength": "strength"}[kind]]) for g in gold.values())
            assert int(row.split()[6]) == wanted, row


def test_a_missing_gold_set_is_a_one_line_error(tmp_path):
    import shutil

    shutil.copytree(ROOT / "events", tmp_path / "events")  # a dataset (its log), without the gold set
    out = subprocess.run([sys.executable, "-m", "wgtip.annotate.evaluate", "--root", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith(f"error: {tmp_path / ev.BLIND_GOLD}: not a readable gold set (FileNotFoundError") and len(out.stderr.splitlines()) == 1, out.stderr
