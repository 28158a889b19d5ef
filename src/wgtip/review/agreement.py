"""How far the blind annotators of the gold set agree: per-theme F1 and Cohen's kappa, and for
addressees ((code, role) pairs) and strength, micro-F1 and kappa per code.

    python -m wgtip.review.agreement [--root .]

The two independent annotations are B and C (``review/gold/README.md`` says why A is not); A is
compared with each as a check. Every value of a vocabulary is a yes/no decision per provision: for
each value that either annotator gives, the two annotators' decisions over the sampled provisions
make a 2×2 table, from which

- F1 = 2·both / (given by the first + given by the second), symmetric (either annotator as the
  reference), the share of the values given that the other gives too;
- Cohen's kappa = (p_o − p_e) / (1 − p_e), with p_o the share of provisions where both decide the
  same, p_e the share expected by chance from each annotator's own rate. It is undefined (None)
  when p_e = 1: both give the value to every provision, or to none.

A kind's micro-F1 pools its values: 2·Σboth / (Σfirst + Σsecond); exact is the share of provisions
on which the two give the same set.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WgtipError

ANNOTATORS_DIR = Path("review/gold/annotators")
INDEPENDENT = ("b", "c")
"""The two independent annotations; A is a third reading (see review/gold/README.md)."""
PAIRS = (("b", "c"), ("a", "b"), ("a", "c"))
KINDS = ("themes", "addressees", "strength")
"""The keys of an annotation, in the guidelines' order."""

Values = Mapping[str, frozenset[str]]
"""A provision id -> the values one annotator gives it for one kind (an addressee as 'code/role')."""


@dataclass(frozen=True)
class Agreement:
    value: str
    n: int
    """Provisions compared."""
    both: int
    first_only: int
    second_only: int

    @property
    def neither(self) -> int:
        return self.n - self.both - self.first_only - self.second_only

    @property
    def f1(self) -> float | None:
        given = 2 * self.both + self.first_only + self.second_only
        return 2 * self.both / given if given else None

    @property
    def kappa(self) -> float | None:
        return kappa(self.both, self.first_only, self.second_only, self.neither)


def kappa(both: int, first_only: int, second_only: int, neither: int) -> float | None:
    """Cohen's kappa of two raters' yes/no decisions, from their 2×2 table; None where chance agreement is 1."""
    n = both + first_only + second_only + neither
    observed = (both + neither) / n
    first_yes, second_yes = (both + first_only) / n, (both + second_only) / n
    expected = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def values_of(annotation: Mapping[str, Any], kind: str) -> Values:
    """One annotator's values of one kind, by provision (an addressee pair as 'code/role')."""
    out = {}
    for pid, a in annotation["provisions"].items():
        vals = a[kind]
        out[pid] = frozenset(f"{c}/{r}" for c, r in vals) if kind == "addressees" else frozenset(vals)
    return out


def per_value(first: Values, second: Values) -> list[Agreement]:
    """The agreement on each value that either gives, over the provisions both annotated, by value."""
    if set(first) != set(second):
        raise WgtipError(f"the two annotations cover different provisions: {sorted(set(first) ^ set(second))[:5]}")
    pids = sorted(first)
    out = []
    for v in sorted(set().union(*first.values(), *second.values())):
        f = {p for p in pids if v in first[p]}
        s = {p for p in pids if v in second[p]}
        out.append(Agreement(v, len(pids), len(f & s), len(f - s), len(s - f)))
    return out


@dataclass(frozen=True)
class KindAgreement:
    kind: str
    values: list[Agreement]
    exact: int
    """Provisions on which the two give the same set."""
    n: int

    @property
    def micro_f1(self) -> float | None:
        both = sum(a.both for a in self.values)
        given = sum(2 * a.both + a.first_only + a.second_only for a in self.values)
        return 2 * both / given if given else None


def agreement(first: Mapping[str, Any], second: Mapping[str, Any], kind: str) -> KindAgreement:
    f, s = values_of(first, kind), values_of(second, kind)
    values = per_value(f, s)
    return KindAgreement(kind, values, sum(f[p] == s[p] for p in f), len(f))


def load(root: Path, who: str) -> dict[str, Any]:
    path = root / ANNOTATORS_DIR / f"annotator-{who}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WgtipError(f"{path}: not a readable annotation file ({err})") from None


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def report(root: Path) -> str:
    ann = {w: load(root, w) for w in ("a", "b", "c")}
    lines = [
        f"Agreement of the blind annotations in {ANNOTATORS_DIR}/ ({len(ann['b']['provisions'])} provisions).",
        "B and C are the two independent annotations; A vs B and A vs C are a check (A may have seen B's working files).",
        "",
    ]
    lines.append(f"{'pair':<6} {'kind':<11} {'micro-F1':>8} {'exact':>9}")
    for x, y in PAIRS:
        for kind in KINDS:
            k = agreement(ann[x], ann[y], kind)
            lines.append(f"{(x + '-' + y).upper():<6} {kind:<11} {fmt(k.micro_f1):>8} {k.exact:>4}/{k.n:<4}")
    for x, y in PAIRS:
        lines += ["", f"{x.upper()} vs {y.upper()}: each value a yes/no decision per provision (both, {x.upper()} only, {y.upper()} only, neither)"]
        lines.append(f"{'kind':<11} {'value':<36} {'F1':>6} {'kappa':>6} {'both':>5} {x.upper() + ' only':>7} {y.upper() + ' only':>7} {'neither':>7}")
        for kind in KINDS:
            for a in agreement(ann[x], ann[y], kind).values:
                lines.append(f"{kind:<11} {a.value:<36} {fmt(a.f1):>6} {fmt(a.kappa):>6} {a.both:>5} {a.first_only:>7} {a.second_only:>7} {a.neither:>7}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(report(args.root))
    except WgtipError as err:
        err.show()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
