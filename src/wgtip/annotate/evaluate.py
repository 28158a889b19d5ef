"""Precision and recall of the annotation rules against the hand-checked gold file.

    python -m wgtip.annotate.evaluate [--root .] [--errors]

The gold (tests/gold/annotations.json) was written by reading the Chinese
text, independently of the rules. Each kind is scored as sets of values per
provision, micro-averaged over the gold provisions:

- addressee: (code, role) pairs; strength, theme: codes; topic: the phrase;
- reference: (kind, target) pairs; and, for references the gold resolves to
  a provision, the share the rule resolves to the same provision.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annotation_kinds import KIND_NAMES
from . import Corpus, Result, corpus_from_tables
from .ruleset import rules

GOLD = Path("tests/gold/annotations.json")


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


def score(kind: str, gold: dict[str, dict[str, Any]], result: Result) -> tuple[Score, list[str]]:
    tp = predicted = expected = 0
    errors = []
    for pid, g in sorted(gold.items()):
        want, got = gold_values(kind, g), rule_values(kind, result, pid)
        tp += len(want & got)
        predicted += len(got)
        expected += len(want)
        if want != got:
            errors.append(f"{kind} {pid}: missing {sorted(want - got)} extra {sorted(got - want)}")
    return Score(kind, len(gold), tp, predicted, expected), errors


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


def load_gold(root: Path) -> dict[str, dict[str, Any]]:
    return json.loads((root / GOLD).read_text(encoding="utf-8"))["provisions"]


def corpus_of(root: Path) -> Corpus:
    from ..folded import fold_log
    from ..history import records

    _, tables, _ = fold_log(root)
    return corpus_from_tables(records(tables, "provisions"), records(tables, "provision_texts"), records(tables, "meetings"))


def run_rules(corpus: Corpus) -> dict[str, Result]:
    return {r.kind: r.run(corpus) for r in rules()}


def evaluate(root: Path) -> tuple[list[Score], list[str], tuple[int, int]]:
    gold = load_gold(root)
    results = run_rules(corpus_of(root))
    scores, errors = [], []
    for kind in KIND_NAMES:
        s, e = score(kind, gold, results[kind])
        scores.append(s)
        errors += e
    return scores, errors, resolution_accuracy(gold, results["reference"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--errors", action="store_true", help="also list every disagreement with the gold")
    args = parser.parse_args()
    scores, errors, (right, total) = evaluate(args.root)
    print(f"gold: {GOLD} ({scores[0].provisions} provisions)")
    print(f"{'kind':<10} {'precision':>9} {'recall':>7} {'tp':>5} {'predicted':>9} {'gold':>5}")
    for s in scores:
        print(f"{s.kind:<10} {s.precision:>9.3f} {s.recall:>7.3f} {s.true_positives:>5} {s.predicted:>9} {s.expected:>5}")
    print(f"reference resolution: {right}/{total} earlier recommendations resolved to the gold provision")
    if args.errors:
        print()
        print("\n".join(errors))


if __name__ == "__main__":
    main()
