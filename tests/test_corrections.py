"""``wgtip correct`` finds and replaces in the current text (the printed text with the corrections so far):
twice on one provision, on a text only a correction made, on a text a correction gave back as printed,
on a provision the log corrected already, and on a chapeau. The build then folds every correction,
and each text is the source's, with the corrections applied here with ``str.replace``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import printed
import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_repo

from wgtip.cli import main

LINES = printed.printed()


def printed_line(root: Path, provision_id: str) -> int:
    """The source line of a provision, as its event recorded it (read as JSON)."""
    for p in sorted((root / "events").rglob("*.jsonl")):
        for raw in p.read_bytes().split(b"\n"):
            if raw and b'"provisions"' in raw:
                for x in json.loads(raw)["data"].get("provisions", ()):
                    if isinstance(x, dict) and x.get("provision_id") == provision_id and "line" in x:
                        return x["line"]
    raise KeyError(provision_id)


def correct(root: Path, provision_id: str, find: str, replace: str, n: int, why: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "correct",
            provision_id,
            "--find",
            find,
            "--replace",
            replace,
            "--reason",
            f"test {n}",
            "--by",
            "test",
            "--date",
            "2026-12-01",
            "--recorded-at",
            f"2026-12-01T00:00:{n:02d}Z",
            "--root",
            str(root),
        ],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, (
        f"wgtip correct {provision_id} --find {find!r} ({why}; the find string is looked for in the current text, the printed text with the corrections so far) failed: {result.stderr}"
    )


def table(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# (provision, find, replace, what the step exercises); applied in this order
STEPS = [
    ("wgtip-m1-p4", "加紧", "加强", "a first correction"),
    ("wgtip-m1-p4", "加强开展", "加紧开展", "a correction of a correction, finding what only the corrected text holds, giving back the printed text"),
    ("wgtip-m1-p4", "加紧", "加快", "a correction of a text a correction gave back as printed"),
    ("wgtip-m1-p6", "理解和解释", "理解与解释", "a correction of a text the log corrected already, finding what only that correction wrote"),
    ("wgtip-m1-p5", "缔约国应当：", "缔约国应当采取下列措施：", "a correction of a chapeau, which its items' standalone texts read"),
]


@pytest.fixture(scope="module")
def corrected(tmp_path_factory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("corrected"))
    for n, (pid, find, replace, why) in enumerate(STEPS, 1):
        correct(root, pid, find, replace, n, why)
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, f"the log with the corrections does not build: {result.stderr}"
    return root


def expected(root: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each corrected provision's current text and its texts so far: the source's printed text, the
    committed corrections, then STEPS, each replacing its find string (which occurs once) in the text as it then reads."""
    texts: dict[str, list[str]] = {}
    committed = printed.recorded_corrections(ROOT)
    for pid in {s[0] for s in STEPS}:
        texts[pid] = [LINES[printed_line(root, pid)].text]
        texts[pid] += [c["data"]["new_text"] for c in committed if c["data"]["provision_id"] == pid]
    for pid, find, replace, why in STEPS:
        assert texts[pid][-1].count(find) == 1, why
        texts[pid].append(texts[pid][-1].replace(find, replace))
    return {pid: t[-1] for pid, t in texts.items()}, texts


def test_corrections_of_corrections_make_the_current_text(corrected):
    current, _ = expected(corrected)
    rows = {p["provision_id"]: p for p in table(corrected, "provisions")}
    assert current["wgtip-m1-p4"] == LINES[printed_line(corrected, "wgtip-m1-p4")].text.replace("加紧", "加快")
    for pid, want in current.items():
        assert rows[pid]["current_text"] == want, f"{pid}: current_text is not the printed text with every correction applied in order"
        assert rows[pid]["text"] == LINES[printed_line(corrected, pid)].text, f"{pid}: text stays as printed"


def test_every_text_a_provision_had_is_a_revision(corrected):
    _, texts = expected(corrected)
    revisions: dict[str, list[tuple[int, str]]] = {}
    for r in table(corrected, "provision_texts"):
        revisions.setdefault(r["provision_id"], []).append((int(r["revision"]), r["text"]))
    rows = {p["provision_id"]: p for p in table(corrected, "provisions")}
    for pid, want in texts.items():
        assert revisions[pid] == list(enumerate(want, 1)), f"{pid}: provision_texts holds the printed text, then one revision per correction"
        assert int(rows[pid]["corrections"]) == len(want) - 1
    assert texts["wgtip-m1-p4"][2] == texts["wgtip-m1-p4"][0], "the second correction gave back the printed text"


def test_a_corrected_chapeau_reaches_its_items(corrected):
    current, _ = expected(corrected)
    rows = {p["provision_id"]: p for p in table(corrected, "provisions")}
    items = [p for p in rows.values() if p["parent_id"] == "wgtip-m1-p5"]
    assert items
    for p in items:
        assert p["standalone_text"] == current["wgtip-m1-p5"] + p["current_text"], f"{p['provision_id']}: standalone_text reads its chapeau's current text"


def test_a_find_string_only_the_printed_text_holds_is_refused(corrected, tmp_path):
    """After the corrections, '加紧开展' stands in the printed text of wgtip-m1-p4 but not in its current text."""
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(corrected / "events", root / "events")
    before = sorted(p.name for p in (root / "events").rglob("*.jsonl"))
    result = CliRunner().invoke(
        main, ["correct", "wgtip-m1-p4", "--find", "加紧开展", "--replace", "x", "--reason", "r", "--by", "b", "--date", "2026-12-01", "--recorded-at", "2026-12-01T00:01:00Z", "--root", str(root)]
    )
    assert (result.exit_code, result.stderr) == (1, "error: '加紧开展' occurs 0 times in the current text of wgtip-m1-p4; it must occur exactly once\n")
    assert sorted(p.name for p in (root / "events").rglob("*.jsonl")) == before
