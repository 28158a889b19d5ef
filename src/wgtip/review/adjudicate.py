"""The adjudicated gold set: what the two independent blind annotations agree on, and each of their
disagreements decided and explained.

    python -m wgtip.review.adjudicate [--root .] [--check]

Reads the annotations B and C (the independent pair) and A (a third reading) from
``review/gold/annotators/`` and the adjudicator's hand-written decisions from
``review/gold/decisions.json``, and writes ``review/gold/adjudicated.json`` (per provision its
themes, addressees and strength; and every adjudication with B's, C's and A's answers) and
``review/gold/adjudication.md`` (the same, readable, with the kinds of disagreement counted).
A value both B and C give is gold; one neither gives is not; one only one of them gives is what
its decision says. Every disagreement must have a decision, and a decision only a disagreement:
otherwise the command names the point and writes nothing. ``--check`` exits 1 if a file differs
from what it would write.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import WgtipError
from .agreement import ANNOTATORS_DIR, KINDS, load
from .packet import GOLD_DIR

DECISIONS = GOLD_DIR / "decisions.json"
ADJUDICATED = GOLD_DIR / "adjudicated.json"
SUMMARY = GOLD_DIR / "adjudication.md"
COMMAND = "python -m wgtip.review.adjudicate"


def _key(kind: str, value: Any) -> str:
    """A value as the annotations' sets hold it (an addressee pair as 'code/role')."""
    return "/".join(value) if kind == "addressees" else value


def _sets(provision: dict[str, Any]) -> dict[str, set[str]]:
    return {k: {_key(k, v) for v in provision[k]} for k in KINDS}


def _value(kind: str, key: str) -> Any:
    return key.split("/") if kind == "addressees" else key


def adjudicate(a: dict[str, Any], b: dict[str, Any], c: dict[str, Any], decisions: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The gold provisions and the adjudications, from the annotations and the decisions."""
    pa, pb, pc = a["provisions"], b["provisions"], c["provisions"]
    if set(pb) != set(pc) or set(pa) != set(pb):
        raise WgtipError(f"{ANNOTATORS_DIR}: the annotations do not cover the same provisions")
    categories = decisions["categories"]
    decided: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i, d in enumerate(decisions["decisions"]):
        where = f"{DECISIONS}: decisions[{i}] ({d.get('provision')} {d.get('kind')} {d.get('value')})"
        if d.get("kind") not in KINDS or d.get("provision") not in pb or not isinstance(d.get("gold"), bool):
            raise WgtipError(f"{where}: needs a provision of the packet, a kind among {', '.join(KINDS)} and gold true or false")
        if d.get("category") not in categories or not d.get("reason"):
            raise WgtipError(f"{where}: needs a category among {', '.join(categories)} and a reason")
        k = (d["provision"], d["kind"], _key(d["kind"], d["value"]))
        if k in decided:
            raise WgtipError(f"{where}: decided twice")
        decided[k] = d
    gold: dict[str, Any] = {}
    adjudications = []
    for pid in sorted(pb):
        sa, sb, sc = _sets(pa[pid]), _sets(pb[pid]), _sets(pc[pid])
        entry = {}
        for kind in KINDS:
            values = sb[kind] & sc[kind]
            for v in sorted(sb[kind] ^ sc[kind]):
                d = decided.pop((pid, kind, v), None)
                if d is None:
                    raise WgtipError(f"{DECISIONS}: no decision for {pid} {kind} {v} (B {'gives' if v in sb[kind] else 'omits'} it, C {'gives' if v in sc[kind] else 'omits'} it)")
                if d["gold"]:
                    values.add(v)
                adjudications.append(
                    {
                        "provision": pid,
                        "kind": kind,
                        "value": _value(kind, v),
                        "B": v in sb[kind],
                        "C": v in sc[kind],
                        "A": v in sa[kind],
                        "decision": "include" if d["gold"] else "exclude",
                        "category": d["category"],
                        "reason": d["reason"],
                    }
                )
            entry[kind] = sorted(_value(kind, v) for v in values)
        gold[pid] = entry
    if decided:
        pid, kind, v = next(iter(decided))
        raise WgtipError(f"{DECISIONS}: a decision for {pid} {kind} {v}, on which B and C agree")
    return gold, adjudications


def read(root: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    try:
        decisions = json.loads((root / DECISIONS).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WgtipError(f"{root / DECISIONS}: not a readable decisions file ({err})") from None
    return {w: load(root, w) for w in ("a", "b", "c")}, decisions


def adjudicated_json(ann: dict[str, dict[str, Any]], decisions: dict[str, Any], gold: dict[str, Any], adjudications: list[dict[str, Any]]) -> str:
    b, c = ann["b"], ann["c"]
    doc = {
        "about": (
            "The adjudicated gold set of issue 37: for each sampled provision its themes, addressees and strength. "
            "Gold is what the two independent blind annotations (B and C) agree on, and each of their disagreements "
            "as decided in adjudications (A's answer shown as a third reading). See README.md."
        ),
        "made_by": COMMAND,
        "annotator": "adjudicated gold (B and C agreed, disagreements decided)",
        "annotated_on": decisions["adjudicated_on"],
        "adjudicator": decisions["adjudicator"],
        "packet_sha256": b["packet_sha256"],
        "guidelines_sha256": b["guidelines_sha256"],
        "annotations": {w.upper(): {"file": f"annotators/annotator-{w}.json", "annotator": ann[w]["annotator"]} for w in ("b", "c", "a")},
        "provisions": gold,
        "adjudications": adjudications,
    }
    assert c["packet_sha256"] == b["packet_sha256"]
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _fmt(kind: str, value: Any) -> str:
    return f"{value[0]} ({value[1]})" if kind == "addressees" else value


def adjudication_md(decisions: dict[str, Any], gold: dict[str, Any], adjudications: list[dict[str, Any]]) -> str:
    by_kind = Counter(x["kind"] for x in adjudications)
    by_cat = Counter(x["category"] for x in adjudications)
    sided = Counter("B" if x["B"] == (x["decision"] == "include") else "C" for x in adjudications)
    with_a = sum(x["A"] == (x["decision"] == "include") for x in adjudications)
    lines = [
        "# Adjudication of the blind gold set",
        "",
        f"Generated by `{COMMAND}` from `decisions.json` and the annotations in `annotators/`; do not edit.",
        "",
        "Gold is what the two independent blind annotations, B and C, agree on; each value that only one of",
        "them gives was decided by reading the provision (with its chapeau), the guidelines, the annotators'",
        f"notes and A's reading, and is explained below in one sentence. The adjudicator was {decisions['adjudicator']}.",
        "",
        f"{len(gold)} provisions; {len(adjudications)} disagreements between B and C ({', '.join(f'{by_kind[k]} {k}' for k in KINDS)}), on {len({x['provision'] for x in adjudications})} provisions.",
        f"The decision sided with B {sided['B']} times and with C {sided['C']} times; it agrees with A's reading {with_a} times of {len(adjudications)}",
        "(A is no independent check: A may have seen B's working files).",
        "",
        "## Kinds of disagreement",
        "",
        "| kind of disagreement | count | what it is |",
        "|---|---:|---|",
    ]
    lines += [f"| {cat} | {by_cat[cat]} | {text} |" for cat, text in decisions["categories"].items()]
    lines += [
        "",
        "## Each disagreement",
        "",
        "`+` the annotator gives the value, `−` it does not.",
        "",
        "| provision | kind | value | B | C | A | decision | kind of disagreement | reason |",
        "|---|---|---|:-:|:-:|:-:|---|---|---|",
    ]
    sign = {True: "+", False: "−"}
    for x in adjudications:
        lines.append(f"| {x['provision']} | {x['kind']} | {_fmt(x['kind'], x['value'])} | {sign[x['B']]} | {sign[x['C']]} | {sign[x['A']]} | {x['decision']} | {x['category']} | {x['reason']} |")
    return "\n".join(lines) + "\n"


def made(root: Path) -> dict[Path, str]:
    ann, decisions = read(root)
    gold, adjudications = adjudicate(ann["a"], ann["b"], ann["c"], decisions)
    return {ADJUDICATED: adjudicated_json(ann, decisions, gold, adjudications), SUMMARY: adjudication_md(decisions, gold, adjudications)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--check", action="store_true", help="only check that the files are what the annotations and decisions make; exit 1 if not")
    args = parser.parse_args(argv)
    try:
        files = made(args.root)
    except WgtipError as err:
        err.show()
        return 1
    stale = [p for p, text in files.items() if not (args.root / p).is_file() or (args.root / p).read_text(encoding="utf-8") != text]
    if args.check:
        if stale:
            print(f"error: out of date: {', '.join(map(str, stale))} (run: {COMMAND})", file=sys.stderr)
            return 1
        print(f"{ADJUDICATED} and {SUMMARY} match the annotations and decisions")
        return 0
    for p in stale:
        (args.root / p).write_text(files[p], encoding="utf-8")
        print(f"wrote {p}")
    if not stale:
        print(f"{ADJUDICATED} and {SUMMARY} are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
