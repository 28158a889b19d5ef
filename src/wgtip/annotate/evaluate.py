"""Precision and recall of the annotations: against the blind gold set, and the rules' regression check.

    python -m wgtip.annotate.evaluate [--root .] [--errors]
    python -m wgtip.annotate.evaluate --regression [--root .] [--errors]

**The measure** (the default) is the adjudicated blind gold set of issue 37,
``review/gold/adjudicated.json`` (120 provisions drawn at random with a recorded
seed, annotated by two annotators blind to the rules, disagreements adjudicated;
see review/gold/README.md). It scores themes, addressees and strength, each of
two sources over the sampled provisions:

- ``rules``: the keyword rules' own output (the rules run on the log's texts,
  which is what they record, as the test of an up-to-date log proves);
- ``published``: whatever the folded annotation tables hold
  (provision_themes, provision_addressees, provision_strength), all annotators:
  the rules' rows, and any review or correction the log records.

Each kind is scored as sets of values per provision, micro-averaged over the gold
provisions (addressee: (code, role) pairs; strength, theme: codes), and each
theme on its own (a yes/no decision per provision).

**The regression check** (``--regression``) scores the rules against
tests/gold/annotations.json, the hand-made file written before the rules by the
same hand that then wrote them: it guards the rules against regressions on their
known hard cases and is no measure of their quality. It scores every kind
(topic: the phrase; reference: (kind, target) pairs and, for references the
file resolves to a provision, the share the rule resolves to the same one).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annotation_kinds import BY_NAME, KIND_NAMES
from ..errors import WgtipError
from . import Corpus, Result, corpus_from_tables
from .ruleset import rules

BLIND_GOLD = Path("review/gold/adjudicated.json")
"""The measure: the adjudicated blind gold set."""
REGRESSION_GOLD = Path("tests/gold/annotations.json")
"""The rules' regression check: hand-made by the rules' author, before the rules."""
SCORED = ("addressee", "strength", "theme")
"""The kinds the blind gold set annotates."""
TARGETS = {"theme": 0.85, "addressee": 0.95, "strength": 0.95}
"""Issue 37's targets: precision and recall both at least this."""
SOURCES = ("rules", "published")

Sets = dict[str, set[tuple[str, ...]]]
"""A provision id -> its values of one kind (an addressee as (code, role), others as (code,))."""


@dataclass(frozen=True)
class Score:
    kind: str
    provisions: int
    true_positives: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def gold_values(kind: str, g: dict[str, Any]) -> set[tuple[str, ...]]:
    if kind == "addressee":
        return {tuple(x) for x in g["addressees"]}
    if kind == "strength":
        return {(x,) for x in g["strength"]}
    if kind == "topic":
        return {(g["topic"],)} if g["topic"] else set()
    if kind == "theme":
        return {(x,) for x in g["themes"]}
    return {(k, t) for k, t, _ in g["references"]}


def rule_values(kind: str, result: Result, pid: str) -> set[tuple[str, ...]]:
    values = result.get(pid, ())
    if kind == "addressee":
        return {(a.value, a.role or "") for a in values}
    if kind == "reference":
        return {(a.value, a.target or "") for a in values}
    return {(a.value,) for a in values}


def score(kind: str, gold: Mapping[str, dict[str, Any]], result: Result) -> tuple[Score, list[str]]:
    return score_sets(kind, gold_sets(kind, gold), result_sets(kind, result, gold))


def resolution_accuracy(gold: dict[str, dict[str, Any]], result: Result) -> tuple[int, int]:
    right = total = 0
    for pid, g in sorted(gold.items()):
        for kind, target, resolved in g["references"]:
            if resolved is None:
                continue
            total += 1
            got = [a for a in result.get(pid, ()) if a.value == kind and a.target == target]
            right += bool(got and got[0].reference and got[0].reference.resolved_provision_id == resolved)
    return right, total


def load_regression_gold(root: Path) -> dict[str, dict[str, Any]]:
    return json.loads((root / REGRESSION_GOLD).read_text(encoding="utf-8"))["provisions"]


def load_blind_gold(root: Path) -> dict[str, dict[str, Any]]:
    path = root / BLIND_GOLD
    try:
        return json.loads(path.read_text(encoding="utf-8"))["provisions"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise WgtipError(f"{path}: not a readable gold set ({type(err).__name__}: {err}); it is made by python -m wgtip.review.adjudicate") from None


def folded_records(root: Path) -> dict[str, list[dict[str, Any]]]:
    """The folded tables the evaluation reads, as records."""
    from ..folded import fold_log
    from ..history import records

    _, tables, _ = fold_log(root)
    names = ("provisions", "provision_texts", "meetings", *(BY_NAME[k].table for k in SCORED))
    return {name: records(tables, name) for name in names}


def corpus_from(tables: Mapping[str, list[dict[str, Any]]]) -> Corpus:
    return corpus_from_tables(tables["provisions"], tables["provision_texts"], tables["meetings"])


def corpus_of(root: Path) -> Corpus:
    return corpus_from(folded_records(root))


def run_rules(corpus: Corpus) -> dict[str, Result]:
    return {r.kind: r.run(corpus) for r in rules()}


def regression(root: Path) -> tuple[list[Score], list[str], tuple[int, int]]:
    """The rules against the regression file: every kind, its errors, and the resolution of references."""
    gold = load_regression_gold(root)
    results = run_rules(corpus_of(root))
    scores, errors = [], []
    for kind in KIND_NAMES:
        s, e = score(kind, gold, results[kind])
        scores.append(s)
        errors += e
    return scores, errors, resolution_accuracy(gold, results["reference"])


def gold_sets(kind: str, gold: Mapping[str, dict[str, Any]]) -> Sets:
    return {pid: gold_values(kind, g) for pid, g in gold.items()}


def result_sets(kind: str, result: Result, pids: Iterable[str]) -> Sets:
    return {pid: rule_values(kind, result, pid) for pid in pids}


def table_sets(kind: str, rows: Iterable[Mapping[str, Any]], pids: Iterable[str]) -> Sets:
    """What an annotation table holds for each provision, whoever the annotator."""
    k = BY_NAME[kind]
    out: Sets = {pid: set() for pid in pids}
    for r in rows:
        if r["provision_id"] in out:
            out[r["provision_id"]].add((r[k.column], r["role"]) if k.role_vocabulary else (r[k.column],))
    return out


def score_sets(kind: str, gold: Sets, got: Sets) -> tuple[Score, list[str]]:
    """Micro-averaged over the gold's provisions; a provision the prediction lacks predicts nothing."""
    tp = predicted = expected = 0
    errors = []
    for pid in sorted(gold):
        want, have = gold[pid], got.get(pid, set())
        tp += len(want & have)
        predicted += len(have)
        expected += len(want)
        if want != have:
            errors.append(f"{kind} {pid}: missing {sorted(want - have)} extra {sorted(have - want)}")
    return Score(kind, len(gold), tp, predicted, expected), errors


def per_value(gold: Sets, got: Sets) -> list[Score]:
    """Each value (a theme) scored on its own: a yes/no decision per gold provision; by value."""
    values = sorted({v[0] for vs in gold.values() for v in vs} | {v[0] for pid in gold for v in got.get(pid, ())})
    out = []
    for value in values:
        want = {pid for pid, vs in gold.items() if (value,) in vs}
        have = {pid for pid in gold if (value,) in got.get(pid, ())}
        out.append(Score(value, len(gold), len(want & have), len(have), len(want)))
    return out


@dataclass(frozen=True)
class Evaluation:
    """The scores of each source against the blind gold: by kind, and by theme."""

    provisions: int
    kinds: dict[str, dict[str, Score]]
    """source -> kind -> its score."""
    themes: dict[str, list[Score]]
    """source -> each theme's score."""
    errors: dict[str, list[str]]
    """source -> every disagreement with the gold."""
    annotators: list[str]
    """Who made the published annotations of the sampled provisions."""


def measure(gold: Mapping[str, dict[str, Any]], tables: Mapping[str, list[dict[str, Any]]], results: Mapping[str, Result]) -> Evaluation:
    """Score the rules' results and the published tables against the gold, over the gold's provisions."""
    kinds: dict[str, dict[str, Score]] = {s: {} for s in SOURCES}
    themes: dict[str, list[Score]] = {}
    errors: dict[str, list[str]] = {s: [] for s in SOURCES}
    annotators = set()
    for kind in SCORED:
        want = gold_sets(kind, gold)
        rows = tables[BY_NAME[kind].table]
        annotators |= {r["annotator"] for r in rows if r["provision_id"] in want}
        got = {"rules": result_sets(kind, results[kind], want), "published": table_sets(kind, rows, want)}
        for source in SOURCES:
            kinds[source][kind], e = score_sets(kind, want, got[source])
            errors[source] += e
            if kind == "theme":
                themes[source] = per_value(want, got[source])
    return Evaluation(len(gold), kinds, themes, errors, sorted(annotators))


def evaluate(root: Path) -> Evaluation:
    """The rules and the published annotations against the blind gold set."""
    tables = folded_records(root)
    return measure(load_blind_gold(root), tables, run_rules(corpus_from(tables)))


def _pr(s: Score) -> str:
    return f"{s.precision:>9.3f} {s.recall:>7.3f}"


def blind_report(ev: Evaluation, errors: bool = False) -> str:
    lines = [
        f"gold: {BLIND_GOLD} ({ev.provisions} provisions drawn at random, annotated blind twice, adjudicated)",
        "rules: the annotation rules run on the log's texts; published: what the annotation tables hold",
        f"published annotators of these provisions: {', '.join(ev.annotators)}",
        "",
        f"{'kind':<10} {'source':<10} {'precision':>9} {'recall':>7} {'tp':>5} {'predicted':>9} {'gold':>5}  target (P and R)",
    ]
    for kind in SCORED:
        for source in SOURCES:
            s = ev.kinds[source][kind]
            met = "met" if min(s.precision, s.recall) >= TARGETS[kind] else "not met"
            lines.append(f"{kind:<10} {source:<10} {_pr(s)} {s.true_positives:>5} {s.predicted:>9} {s.expected:>5}  {TARGETS[kind]:.2f}: {met}")
    lines += ["", "each theme: a yes/no decision per provision", f"{'theme':<26} {'rules P':>8} {'R':>6} {'published P':>12} {'R':>6} {'gold':>5} {'rules':>6} {'published':>9}"]
    published = {s.kind: s for s in ev.themes["published"]}
    rule = {s.kind: s for s in ev.themes["rules"]}
    for theme in sorted(set(published) | set(rule)):
        r, p = rule[theme], published[theme]
        lines.append(f"{theme:<26} {r.precision:>8.3f} {r.recall:>6.3f} {p.precision:>12.3f} {p.recall:>6.3f} {r.expected:>5} {r.predicted:>6} {p.predicted:>9}")
    lines.append("(rules, published: how many sampled provisions each gives the theme; a precision or recall with nothing to count is shown as 1.000)")
    if errors:
        for source in SOURCES:
            lines += ["", f"{source}: every disagreement with the gold", *ev.errors[source]]
    return "\n".join(lines) + "\n"


def regression_report(root: Path, errors: bool = False) -> str:
    scores, errs, (right, total) = regression(root)
    lines = [
        f"regression check of the rules: {REGRESSION_GOLD} ({scores[0].provisions} provisions, hand-made by the rules' author; not a measure of quality)",
        f"{'kind':<10} {'precision':>9} {'recall':>7} {'tp':>5} {'predicted':>9} {'gold':>5}",
    ]
    for s in scores:
        lines.append(f"{s.kind:<10} {_pr(s)} {s.true_positives:>5} {s.predicted:>9} {s.expected:>5}")
    lines.append(f"reference resolution: {right}/{total} earlier recommendations resolved to the gold provision")
    if errors:
        lines += ["", *errs]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--errors", action="store_true", help="also list every disagreement with the gold")
    parser.add_argument("--regression", action="store_true", help=f"the rules' regression check against {REGRESSION_GOLD} instead of the blind gold set")
    args = parser.parse_args()
    try:
        print(regression_report(args.root, args.errors) if args.regression else blind_report(evaluate(args.root), args.errors), end="")
    except WgtipError as err:
        err.show()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
