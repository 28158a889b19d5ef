"""The blind gold set (issue 37): the draw, the guidelines and the packet, checked against the published CSVs and
an independent draw with the standard library; the packet holds the data's texts and nothing of any rule."""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from wgtip.review.packet import gold_files, validate

GOLD = ROOT / "review" / "gold"


def _csv(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def made() -> dict[str, bytes]:
    return gold_files(ROOT)


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads((GOLD / "sample.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def packet() -> dict:
    return json.loads((GOLD / "packet.json").read_text(encoding="utf-8"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip.review.packet", *args], capture_output=True, text=True, cwd=cwd)


def test_the_committed_files_are_what_the_script_makes(made):
    assert sorted(made) == [str(GOLD.relative_to(ROOT) / name) for name in ("guidelines.md", "packet.json", "packet.md", "sample.json")]
    for path, data in made.items():
        assert (ROOT / path).read_bytes() == data, f"{path} is stale: run python -m wgtip.review.packet"


def test_check_names_a_stale_file_and_the_script_rewrites_it(repo):
    shutil.copytree(GOLD, repo / "review" / "gold")
    assert run("--check", "--root", str(repo)).returncode == 0
    packet_md = repo / "review" / "gold" / "packet.md"
    packet_md.write_text(packet_md.read_text(encoding="utf-8") + "\nextra\n", encoding="utf-8")
    stale = run("--check", "--root", str(repo))
    assert stale.returncode == 1 and "review/gold/packet.md" in stale.stderr, stale.stderr
    assert run("--root", str(repo)).returncode == 0
    assert packet_md.read_bytes() == (GOLD / "packet.md").read_bytes()


def test_the_draw_is_reproduced_from_the_csvs_with_the_standard_library(sample):
    """The seed is release 1.1.0's log head; the population is every provision of that release (the CSV's, as no
    provision has been added since: its digest says so), sorted; random.Random(seed).sample draws the ids."""
    [release] = [r for r in _csv("releases.csv") if r["version"] == "1.1.0"]
    assert sample["seed"]["hex"] == release["log_head_sha256"]
    ids = sorted(r["provision_id"] for r in _csv("provisions.csv"))
    import hashlib

    assert sample["population"]["size"] == len(ids) == 316
    assert sample["population"]["sha256"] == hashlib.sha256("".join(i + "\n" for i in ids).encode()).hexdigest()
    drawn = random.Random(int(release["log_head_sha256"], 16)).sample(ids, sample["size"])
    assert drawn == sample["drawn"] and sample["size"] >= 110 and len(set(drawn)) == len(drawn)
    position = {r["provision_id"]: int(r["position"]) for r in _csv("provisions.csv")}
    assert sample["provisions"] == sorted(drawn, key=position.get)


def test_every_meeting_and_level_is_drawn(sample):
    rows = {r["provision_id"]: r for r in _csv("provisions.csv")}
    drawn = [rows[i] for i in sample["drawn"]]
    assert {r["meeting"] for r in drawn} == {r["meeting"] for r in rows.values()}
    assert {r["level"] for r in drawn} == {"paragraph", "item", "subitem"}
    assert any(r["is_chapeau"] == "true" for r in drawn)


def test_the_packet_holds_each_sampled_provision_and_its_context_as_the_data_has_them(sample, packet):
    rows = {r["provision_id"]: r for r in _csv("provisions.csv")}
    headings = {int(m["meeting"]): m["heading"] for m in _csv("meetings.csv")}
    order = sorted(rows, key=lambda i: int(rows[i]["position"]))
    md = (GOLD / "packet.md").read_text(encoding="utf-8")
    assert [e["provision_id"] for e in packet["provisions"]] == sample["provisions"]
    for n, e in enumerate(packet["provisions"], 1):
        r = rows[e["provision_id"]]
        assert (e["number"], e["text"], e["label"], e["level"], e["meeting"], e["meeting_heading"]) == (n, r["current_text"], r["label"], r["level"], int(r["meeting"]), headings[int(r["meeting"])])
        above, parent = [], r["parent_id"]
        while parent:
            above.insert(0, parent)
            parent = rows[parent]["parent_id"]
        assert [q["provision_id"] for q in e["above"]] == above
        under = [i for i in order if e["provision_id"] in _ancestors(rows, i)]
        assert [q["provision_id"] for q in e["items"]] == under
        for q in e["above"] + e["items"]:
            assert q["text"] == rows[q["provision_id"]]["current_text"] and q["label"] == rows[q["provision_id"]]["label"]
        # the Markdown packet shows the same texts, character for character
        assert f"## {n} · {e['provision_id']}\n" in md and f"> {r['label']} {r['current_text']}\n" in md
        for q in e["above"] + e["items"]:
            assert f"- {q['label']} {q['text']}\n" in md


def _ancestors(rows: dict, pid: str) -> set[str]:
    out, parent = set(), rows[pid]["parent_id"]
    while parent:
        out.add(parent)
        parent = rows[parent]["parent_id"]
    return out


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_packet_holds_nothing_of_the_annotation_rules(packet):
    """Only the data's ids, labels, levels, meetings and texts: every string of packet.json (but its 'about') is one of
    those, its keys are those, and no code of any vocabulary (themes, addressees, roles, strength, kinds of reference)
    appears as a word in either file's own words."""
    rows = _csv("provisions.csv")
    data = {r[k] for r in rows for k in ("provision_id", "label", "level", "current_text")} | {m["heading"] for m in _csv("meetings.csv")}
    assert set(packet) == {"about", "provisions"}
    keys = {"number", "provision_id", "level", "label", "text", "meeting", "meeting_heading", "above", "items"}
    assert all(set(e) == keys for e in packet["provisions"])
    assert all(set(q) == {"provision_id", "level", "label", "text"} for e in packet["provisions"] for q in e["above"] + e["items"])
    assert set(_strings(packet["provisions"])) <= data
    codes = {t["code"] for t in _csv("vocabulary_terms.csv")}
    assert {"should", "may", "none", "direct", "training", "states_parties", "protocol_article"} <= codes
    texts = {r["current_text"] for r in rows} | {m["heading"] for m in _csv("meetings.csv")}
    for name in ("packet.md", "packet.json"):
        words = (GOLD / name).read_text(encoding="utf-8")
        for t in sorted(texts, key=len, reverse=True):  # the data's own words are not the packet's
            words = words.replace(t, " ")
        found = {w.lower() for w in re.findall(r"[A-Za-z_]+", words)} & codes
        assert not found, (name, found)


def test_the_guidelines_give_every_term_as_the_published_vocabularies_define_it():
    text = (GOLD / "guidelines.md").read_text(encoding="utf-8")
    heads = {v["vocabulary"]: v for v in _csv("vocabularies.csv")}
    terms = _csv("vocabulary_terms.csv")
    for v in ("theme", "addressee", "addressee_role", "strength"):
        h = heads[v]
        assert f"### Vocabulary `{v}` — {h['title']} / {h['title_zh']}\n\n{h['description']}\n" in text
        for t in (t for t in terms if t["vocabulary"] == v):
            assert f"- **`{t['code']}`** — {t['label']} / {t['label_zh']}\n\n  {t['description']}\n" in text, t["code"]
    assert "reference_kind" not in text  # not asked of the annotators


def test_the_guidelines_examples_are_chosen_outside_the_sample(sample, packet):
    quoted = set(re.findall(r"wgtip-m\d+-p\d+(?:-[a-z]+)?(?:-[ivx]+)?", (GOLD / "guidelines.md").read_text(encoding="utf-8")))
    assert sample["cited_in_guidelines"] == [i for i in sample["provisions"] if i in quoted] == []
    context = [e["provision_id"] for e in packet["provisions"] if quoted & {q["provision_id"] for q in e["above"] + e["items"]}]
    assert sample["context_cited_in_guidelines"] == context


def _codes() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in _csv("vocabulary_terms.csv"):
        out.setdefault(t["vocabulary"], set()).add(t["code"])
    return out


def _answer(sample: dict) -> dict:
    return {
        "annotator": "test",
        "annotated_on": "2026-12-07",
        "packet_sha256": "x",
        "guidelines_sha256": "y",
        "provisions": {i: {"themes": ["implementation"], "addressees": [["unspecified", "direct"]], "strength": ["should"]} for i in sample["provisions"]},
    }


def test_a_complete_answer_validates(sample):
    assert validate(_answer(sample), sample["provisions"], _codes()) == []


def test_each_fault_of_an_answer_is_named(sample):
    answer = _answer(sample)
    first, second, third, fourth = sample["provisions"][:4]
    del answer["provisions"][first]
    answer["provisions"]["wgtip-m9-p1"] = answer["provisions"][second]
    answer["provisions"][second] = {"themes": ["trafficking"], "addressees": [["states_parties", "indirect"]], "strength": ["none", "should"]}
    answer["provisions"][third] = {"themes": [], "addressees": [["unspecified", "direct"]], "strength": ["none"]}
    answer["provisions"][fourth] = {"themes": ["training"], "addressees": [["everyone", "asked"]], "strength": ["should"], "score": 1}
    problems = validate(answer, sample["provisions"], _codes())
    for expected in (
        f"{first}: not annotated",
        "wgtip-m9-p1: not in the packet",
        f"{second}.themes: 'trafficking' is not a theme code",
        f"{second}.strength: 'none' only alone",
        f"{second}.addressees: a provision with a directive has a direct addressee",
        f"{third}.themes: at least one theme code",
        f"{third}.addressees: a provision without a directive",
        f"{fourth}: unknown keys ['score']",
        f"{fourth}.addressees: 'everyone' is not an addressee code",
        f"{fourth}.addressees: 'asked' is not a role",
    ):
        assert any(p.startswith(expected) for p in problems), (expected, problems)


def test_validate_on_the_command_line(tmp_path, sample):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_answer(sample)), encoding="utf-8")
    ok = run("--validate", str(good))
    assert ok.returncode == 0 and f"{len(sample['provisions'])} provisions" in ok.stdout, ok.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    bad = run("--validate", str(broken))
    assert bad.returncode == 1 and bad.stderr.startswith(f"error: {broken}: not a readable JSON file"), bad.stderr
