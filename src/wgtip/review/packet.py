"""The packet of the blind gold set, and the command that writes (or checks) ``review/gold/``.

    python -m wgtip.review.packet [--root .] [--check] [--validate FILE]

Writes ``review/gold/sample.json`` (the draw: seed, population, ids), ``guidelines.md`` (what the
annotators follow, generated from the vocabularies of the log), ``packet.md`` and ``packet.json``
(each sampled provision, in document order: its id, meeting, level, label, own current text, and its
context: the chapeaux above it and, for a chapeau, its items), all from the event log. The packet
holds the texts exactly as the data does and nothing of any annotation rule: the annotators see
only the packet and the guidelines. ``--check`` exits 1 if a file differs from what the log makes;
``--validate`` checks an annotator's answers against the packet and the vocabularies.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WgtipError
from ..folded import fold_kept, keep_all
from ..log import iter_log
from ..release import until_release
from .guidelines import KINDS, guidelines
from .sample import DRAW_RULE, POPULATION_RULE, RELEASE, SEED_RULE, SIZE, draw, population, population_digest

GOLD_DIR = Path("review/gold")
COMMAND = "python -m wgtip.review.packet"
PROVISION_COLUMNS = ("provision_id", "parent_id", "meeting", "level", "label", "position", "current_text")
LEVEL_NAMES = {"paragraph": "paragraph", "item": "item", "subitem": "sub-item"}
_PROVISION_ID = re.compile(r"wgtip-m\d+-p\d+(?:-[a-z]+)?(?:-[ivx]+)?")


@dataclass(frozen=True)
class Source:
    """What the files are made of: the log's provisions (in document order), meetings, vocabularies and
    their terms, the seed and the population of the draw."""

    provisions: list[dict[str, Any]]
    meetings: dict[int, dict[str, Any]]
    vocabularies: list[dict[str, Any]]
    terms: list[dict[str, Any]]
    seed_hex: str
    population: list[str]


def read(root: Path) -> Source:
    keep = {"provisions": keep_all, "meetings": keep_all, "vocabularies": keep_all, "vocabulary_terms": keep_all, "releases": keep_all}
    kept = fold_kept(iter_log(root), keep, columns={"provisions": PROVISION_COLUMNS})
    released = fold_kept(until_release(iter_log(root), RELEASE), {"provisions": keep_all}, columns={"provisions": ("provision_id",)})
    [release] = [r for r in kept.rows["releases"] if r["version"] == RELEASE]
    return Source(
        provisions=sorted(kept.rows["provisions"], key=lambda p: p["position"]),
        meetings={m["meeting"]: m for m in kept.rows["meetings"]},
        vocabularies=kept.rows["vocabularies"],
        terms=kept.rows["vocabulary_terms"],
        seed_hex=release["log_head_sha256"],
        population=population(p["provision_id"] for p in released.rows["provisions"]),
    )


def _entries(source: Source, ids: set[str]) -> list[dict[str, Any]]:
    by_id = {p["provision_id"]: p for p in source.provisions}
    children: dict[str, list[str]] = {}
    for p in source.provisions:
        if p["parent_id"]:
            children.setdefault(p["parent_id"], []).append(p["provision_id"])

    def descendants(pid: str) -> list[dict[str, Any]]:
        out = []
        for c in children.get(pid, []):
            out.append(by_id[c])
            out += descendants(c)
        return out

    entries: list[dict[str, Any]] = []
    for p in source.provisions:
        if p["provision_id"] not in ids:
            continue
        above: list[dict[str, Any]] = []
        parent = p["parent_id"]
        while parent:
            above.insert(0, by_id[parent])
            parent = by_id[parent]["parent_id"]
        m = source.meetings[p["meeting"]]
        shown = lambda q: {"provision_id": q["provision_id"], "level": q["level"], "label": q["label"], "text": q["current_text"]}  # noqa: E731
        entries.append(
            {
                "number": len(entries) + 1,
                **shown(p),
                "meeting": p["meeting"],
                "meeting_heading": m["heading"],
                "above": [shown(q) for q in above],
                "items": [shown(q) for q in descendants(p["provision_id"])],
            }
        )
    return entries


def packet_json(entries: list[dict[str, Any]]) -> str:
    about = (
        f"Packet of the blind gold set: {len(entries)} provisions drawn at random (sample.json), in document order. "
        "For each: its id, level, label, meeting, its own current text, and its context: the chapeaux above it "
        "and, for a chapeau, its items; texts exactly as in the dataset. Read it with guidelines.md."
    )
    return json.dumps({"about": about, "provisions": entries}, ensure_ascii=False, indent=1) + "\n"


def packet_md(entries: list[dict[str, Any]]) -> str:
    out = [
        "# Packet of the blind gold set",
        "",
        f"{len(entries)} provisions drawn at random (see sample.json), in document order. For each: its id, meeting,",
        "level and label, its own current text, and its context (the chapeaux above it; for a chapeau, its items),",
        "exactly as in the dataset. Read it with guidelines.md; packet.json holds the same.",
        "",
    ]
    for e in entries:
        m = e["meeting"]
        out += [f"## {e['number']} · {e['provision_id']}", "", f"Meeting {m} ({e['meeting_heading']}) · {LEVEL_NAMES[e['level']]} {e['label']}", ""]
        if e["above"]:
            out += ["Above it:", ""]
            out += [f"{'  ' * i}- {q['label']} {q['text']}" for i, q in enumerate(e["above"])] + [""]
        out += ["The provision:", "", f"> {e['label']} {e['text']}", ""]
        if e["items"]:
            depth = {"item": 0, "subitem": 1} if e["level"] == "paragraph" else {"subitem": 0}
            out += ["Its items:", ""]
            out += [f"{'  ' * depth[q['level']]}- {q['label']} {q['text']}" for q in e["items"]] + [""]
    return "\n".join(out)


def sample_json(source: Source, drawn: list[str], entries: list[dict[str, Any]], cited: set[str]) -> str:
    by_id = {p["provision_id"]: p for p in source.provisions}
    sampled = [by_id[i] for i in drawn]
    doc = {
        "about": "The draw of the blind gold set of issue 37: which provisions its annotators annotate, and how they were drawn.",
        "population": {
            "rule": POPULATION_RULE,
            "release": RELEASE,
            "size": len(source.population),
            "sha256": population_digest(source.population),
            "sha256_rule": "SHA-256 of the sorted provision_ids, each followed by a line feed",
        },
        "seed": {"hex": source.seed_hex, "rule": SEED_RULE},
        "size": len(drawn),
        "draw": DRAW_RULE,
        "stratified": False,
        "why": (
            "All provisions, chapeaux included, because the theme, addressee and strength facets count every provision of the annotated view; "
            "a simple random sample, because it estimates precision and recall over all provisions as the facets weigh them, without weights, "
            "and at this size every meeting and level is drawn (composition below)."
        ),
        "command": COMMAND,
        "check": (
            "python3 -c \"import csv, random; ids = sorted(r['provision_id'] for r in csv.DictReader(open('data/provisions.csv', encoding='utf-8'))); "
            f"print(random.Random(int('{source.seed_hex}', 16)).sample(ids, {len(drawn)}))\""
            f"  (while data/provisions.csv holds the provisions of release {RELEASE})"
        ),
        "drawn": drawn,
        "provisions": [e["provision_id"] for e in entries],
        "composition": {
            "meetings": {str(k): v for k, v in sorted(Counter(p["meeting"] for p in sampled).items())},
            "levels": dict(sorted(Counter(p["level"] for p in sampled).items())),
            "chapeaux": sum(1 for p in sampled if p["provision_id"] in {q["parent_id"] for q in source.provisions}),
        },
        "cited_in_guidelines": [e["provision_id"] for e in entries if e["provision_id"] in cited],
        "context_cited_in_guidelines": [e["provision_id"] for e in entries if cited & {q["provision_id"] for q in e["above"] + e["items"]}],
        "cited_in_guidelines_note": (
            "The guidelines' examples were chosen outside the sample: cited_in_guidelines lists the sampled provisions "
            "they quote (none, when so), context_cited_in_guidelines those whose chapeau or items they quote, so "
            "that scores can be reported with and without them."
        ),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def gold_files(root: Path) -> dict[str, bytes]:
    """Every file of ``review/gold/`` as the log makes it, by path relative to ``root``."""
    source = read(root)
    drawn = draw(source.population, source.seed_hex, SIZE)
    entries = _entries(source, set(drawn))
    text = guidelines(source.vocabularies, source.terms, len(entries))
    cited = set(_PROVISION_ID.findall(text))
    files = {"sample.json": sample_json(source, drawn, entries, cited), "guidelines.md": text, "packet.md": packet_md(entries), "packet.json": packet_json(entries)}
    return {str(GOLD_DIR / name): data.encode() for name, data in files.items()}


def validate(answer: Any, sampled: list[str], codes: dict[str, set[str]]) -> list[str]:
    """The problems of an annotator's answers (the guidelines' output format), one line each; empty when none.
    ``codes``: the terms of each vocabulary."""
    if not isinstance(answer, dict) or not isinstance(answer.get("provisions"), dict):
        return ["the file must be a JSON object with an object 'provisions'"]
    problems = [f"'{k}' is missing" for k in ("annotator", "annotated_on", "packet_sha256", "guidelines_sha256") if not answer.get(k)]
    given = answer["provisions"]
    problems += [f"{pid}: not annotated" for pid in sampled if pid not in given]
    problems += [f"{pid}: not in the packet" for pid in given if pid not in set(sampled)]
    for pid in (p for p in sampled if p in given):
        a = given[pid]
        if not isinstance(a, dict):
            problems.append(f"{pid}: must be an object")
            continue
        extra = set(a) - {"themes", "addressees", "strength", "note"}
        if extra:
            problems.append(f"{pid}: unknown keys {sorted(extra)}")
        themes, pairs, strength = a.get("themes"), a.get("addressees"), a.get("strength")
        if not isinstance(themes, list) or not themes:
            problems.append(f"{pid}.themes: at least one theme code")
        else:
            problems += [f"{pid}.themes: {t!r} is not a theme code" for t in themes if t not in codes["theme"]]
            if len(set(map(str, themes))) != len(themes):
                problems.append(f"{pid}.themes: a code given twice")
        if not isinstance(strength, list) or not strength:
            problems.append(f"{pid}.strength: at least one strength code")
            strength = []
        else:
            problems += [f"{pid}.strength: {s!r} is not a strength code" for s in strength if s not in codes["strength"]]
            if "none" in strength and len(strength) > 1:
                problems.append(f"{pid}.strength: 'none' only alone")
        if not isinstance(pairs, list) or not all(isinstance(x, list) and len(x) == 2 for x in pairs):
            problems.append(f"{pid}.addressees: a list of [code, role] pairs")
            continue
        problems += [f"{pid}.addressees: {c!r} is not an addressee code" for c, _ in pairs if c not in codes["addressee"]]
        problems += [f"{pid}.addressees: {r!r} is not a role" for _, r in pairs if r not in codes["addressee_role"]]
        if len({tuple(map(str, x)) for x in pairs}) != len(pairs):
            problems.append(f"{pid}.addressees: a pair given twice")
        if strength == ["none"] and pairs:
            problems.append(f"{pid}.addressees: a provision without a directive (strength none) has no addressees")
        if strength and strength != ["none"] and not any(r == "direct" for _, r in pairs):
            problems.append(f"{pid}.addressees: a provision with a directive has a direct addressee (unspecified when nobody is named)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--check", action="store_true", help="only check that review/gold/ is what the log makes; exit 1 if not")
    parser.add_argument("--validate", type=Path, metavar="FILE", help="check an annotator's answers against the packet and the vocabularies")
    args = parser.parse_args(argv)
    try:
        if args.validate:
            return _validate(args.root, args.validate)
        files = gold_files(args.root)
    except WgtipError as err:  # a log that does not read, or has no release 1.1.0
        err.show()
        return 1
    stale = [p for p, data in files.items() if not (args.root / p).is_file() or (args.root / p).read_bytes() != data]
    if args.check:
        if stale:
            print(f"error: out of date: {', '.join(stale)} (run: {COMMAND})", file=sys.stderr)
            return 1
        print(f"{GOLD_DIR} matches the log")
        return 0
    for p in stale:
        (args.root / p).parent.mkdir(parents=True, exist_ok=True)
        (args.root / p).write_bytes(files[p])
        print(f"wrote {p}")
    if not stale:
        print(f"{GOLD_DIR} is up to date")
    return 0


def _validate(root: Path, path: Path) -> int:
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        print(f"error: {path}: not a readable JSON file ({err})", file=sys.stderr)
        return 1
    sample = json.loads((root / GOLD_DIR / "sample.json").read_text(encoding="utf-8"))
    source = read(root)
    codes: dict[str, set[str]] = {}
    for t in source.terms:
        codes.setdefault(t["vocabulary"], set()).add(t["code"])
    problems = validate(answer, sample["provisions"], codes)
    for p in problems:
        print(f"error: {path}: {p}", file=sys.stderr)
    if problems:
        return 1
    kinds = ", ".join(key for _, key, _ in KINDS)
    print(f"{path}: {len(sample['provisions'])} provisions, every {kinds} code defined")
    return 0


if __name__ == "__main__":
    sys.exit(main())
