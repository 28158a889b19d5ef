"""The blind gold set of issue 37: the annotations as the annotators wrote them, their agreement
(Cohen's kappa and F1, checked against computations by hand), and the adjudicated gold built from
the two independent annotations and the decisions."""

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

from wgtip.review.agreement import agreement, kappa, per_value
from wgtip.review.packet import validate

GOLD = ROOT / "review" / "gold"


def _load(who: str) -> dict:
    return json.loads((GOLD / "annotators" / f"annotator-{who}.json").read_text(encoding="utf-8"))


def run(module: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=cwd)


def test_the_annotation_files_are_the_ones_whose_sha256_the_readme_records():
    recorded = dict(re.findall(r"\| `(annotators/annotator-[abc]\.json)` \| `([0-9a-f]{64})` \|", (GOLD / "README.md").read_text(encoding="utf-8")))
    assert sorted(recorded) == [f"annotators/annotator-{w}.json" for w in "abc"]
    for path, digest in recorded.items():
        assert hashlib.sha256((GOLD / path).read_bytes()).hexdigest() == digest, path


def test_each_annotation_read_the_committed_packet_and_guidelines():
    packet = hashlib.sha256((GOLD / "packet.json").read_bytes()).hexdigest()
    guidelines = hashlib.sha256((GOLD / "guidelines.md").read_bytes()).hexdigest()
    for w in "abc":
        a = _load(w)
        assert (a["packet_sha256"], a["guidelines_sha256"]) == (packet, guidelines), w


# Two raters, six provisions: the first says yes on p1, p2, p3; the second on p2, p3, p4.
# By hand: both = 2 (p2, p3), first only = 1, second only = 1, neither = 2 (p5, p6).
# p_o = 4/6; each says yes on half, so p_e = 1/2·1/2 + 1/2·1/2 = 1/2; kappa = (2/3 − 1/2)/(1/2) = 1/3.
# F1 = 2·2 / (3 + 3) = 2/3.
FIRST = {f"p{i}": frozenset({"x"} if i in (1, 2, 3) else ()) for i in range(1, 7)}
SECOND = {f"p{i}": frozenset({"x"} if i in (2, 3, 4) else ()) for i in range(1, 7)}


def test_kappa_and_f1_of_a_small_example_computed_by_hand():
    [a] = per_value(FIRST, SECOND)
    assert (a.both, a.first_only, a.second_only, a.neither) == (2, 1, 1, 2)
    assert a.kappa == pytest.approx(1 / 3)
    assert a.f1 == pytest.approx(2 / 3)


def test_kappa_of_unequal_rates_computed_by_hand():
    # 10 provisions: both 3, first only 2, second only 1, neither 4. p_o = 7/10; the first says yes
    # on 5/10, the second on 4/10: p_e = 0.5·0.4 + 0.5·0.6 = 0.5; kappa = (0.7 − 0.5)/0.5 = 0.4.
    assert kappa(3, 2, 1, 4) == pytest.approx(0.4)
    # perfect agreement is 1, agreement no better than chance is 0 (each says yes on half, agree on half)
    assert kappa(3, 0, 0, 7) == pytest.approx(1.0)
    assert kappa(1, 1, 1, 1) == pytest.approx(0.0)
    # both say yes to everything: chance agreement is 1 and kappa is undefined, not a number
    assert kappa(5, 0, 0, 0) is None


def test_kappa_matches_scikit_learn_where_it_is_installed():
    sklearn = pytest.importorskip("sklearn.metrics")
    ids = sorted(FIRST)
    assert kappa(2, 1, 1, 2) == pytest.approx(sklearn.cohen_kappa_score([int("x" in FIRST[p]) for p in ids], [int("x" in SECOND[p]) for p in ids]))


def test_micro_f1_of_addressee_pairs_computed_by_hand():
    # p1: both give (states_parties, direct); the first also (unodc, indirect). p2: the first gives
    # (conference, direct), the second (conference, direct) and (unodc, direct).
    # Pairs: first 3, second 3, in both 2 -> micro-F1 = 2·2/(3+3) = 2/3; exact on neither provision.
    first = {"provisions": {"p1": {"addressees": [["states_parties", "direct"], ["unodc", "indirect"]]}, "p2": {"addressees": [["conference", "direct"]]}}}
    second = {"provisions": {"p1": {"addressees": [["states_parties", "direct"]]}, "p2": {"addressees": [["conference", "direct"], ["unodc", "direct"]]}}}
    k = agreement(first, second, "addressees")
    assert k.micro_f1 == pytest.approx(2 / 3)
    assert k.exact == 0
    # unodc/indirect and unodc/direct are different decisions: one each, never both
    by_value = {a.value: a for a in k.values}
    assert (by_value["unodc/indirect"].both, by_value["unodc/direct"].both, by_value["states_parties/direct"].both) == (0, 0, 1)


def test_the_command_reports_b_and_c_as_an_independent_count_gives_them():
    b, c = _load("b")["provisions"], _load("c")["provisions"]
    both = sum(len(set(b[p]["themes"]) & set(c[p]["themes"])) for p in b)
    given = sum(len(b[p]["themes"]) + len(c[p]["themes"]) for p in b)
    out = run("wgtip.review.agreement")
    assert out.returncode == 0, out.stderr
    assert f"B-C    themes         {2 * both / given:.3f}" in out.stdout
    # the per-theme kappa of one theme, from its 2×2 table counted here
    yes_b = {p for p in b if "labour" in b[p]["themes"]}
    yes_c = {p for p in c if "labour" in c[p]["themes"]}
    n = len(b)
    po = (n - len(yes_b ^ yes_c)) / n
    pe = len(yes_b) / n * len(yes_c) / n + (1 - len(yes_b) / n) * (1 - len(yes_c) / n)
    line = next(x for x in out.stdout.split("\n\n")[2].splitlines() if x.startswith("themes      labour "))
    assert line.split()[3] == f"{(po - pe) / (1 - pe):.3f}"


def test_the_adjudicated_files_are_what_the_annotations_and_decisions_make():
    out = run("wgtip.review.adjudicate", "--check")
    assert out.returncode == 0, out.stderr


def _codes() -> dict[str, set[str]]:
    import csv

    codes: dict[str, set[str]] = {}
    with open(ROOT / "data" / "vocabulary_terms.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            codes.setdefault(row["vocabulary"], set()).add(row["code"])
    return codes


def test_the_gold_is_what_b_and_c_agree_on_and_each_decision():
    gold = json.loads((GOLD / "adjudicated.json").read_text(encoding="utf-8"))
    b, c, a = _load("b")["provisions"], _load("c")["provisions"], _load("a")["provisions"]
    sample = json.loads((GOLD / "sample.json").read_text(encoding="utf-8"))
    assert validate(gold, sample["provisions"], _codes()) == []
    decided = {(x["provision"], x["kind"], json.dumps(x["value"])): x for x in gold["adjudications"]}
    for pid in sample["provisions"]:
        for kind in ("themes", "addressees", "strength"):
            got = {json.dumps(v) for v in gold["provisions"][pid][kind]}
            vb, vc, va = ({json.dumps(v) for v in x[pid][kind]} for x in (b, c, a))
            assert vb & vc <= got, (pid, kind)
            assert not got - (vb | vc), (pid, kind)
            for v in vb ^ vc:
                x = decided.pop((pid, kind, v))
                assert (x["B"], x["C"], x["A"]) == (v in vb, v in vc, v in va)
                assert (v in got) == (x["decision"] == "include") and x["reason"]
    assert not decided, "an adjudication where B and C agree"


def test_a_disagreement_without_a_decision_is_named_and_nothing_is_written(tmp_path):
    shutil.copytree(GOLD, tmp_path / "review" / "gold")
    path = tmp_path / "review" / "gold" / "decisions.json"
    decisions = json.loads(path.read_text(encoding="utf-8"))
    dropped = decisions["decisions"].pop(0)
    path.write_text(json.dumps(decisions), encoding="utf-8")
    before = (tmp_path / "review" / "gold" / "adjudicated.json").read_bytes()
    out = run("wgtip.review.adjudicate", "--root", str(tmp_path))
    assert out.returncode == 1
    assert out.stderr.startswith("error: review/gold/decisions.json: no decision for") and dropped["provision"] in out.stderr, out.stderr
    assert (tmp_path / "review" / "gold" / "adjudicated.json").read_bytes() == before
