"""The review of the rules' themes (issue 37, item 1): recorded as ``AnnotationsReviewed`` events made from
review/themes/decisions.json, published as the rule's themes less those removed plus those added.

The expected themes are computed here from the raw log lines (the rule's latest ``ProvisionsAnnotated``
values) and the decisions file, not by the fold."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import append, next_event

from wgtip.annotate.reviewed import ReviewFileError, review_events
from wgtip.errors import WgtipError
from wgtip.folded import fold_kept, keep_all
from wgtip.log import iter_log, segment_files

ROOT = Path(__file__).resolve().parents[1]
DECISIONS = ROOT / "review" / "themes" / "decisions.json"
MOMENT = dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.UTC)


def _raw_events(root: Path) -> list[dict]:
    return sorted((json.loads(line) for path in segment_files(root) for line in path.read_bytes().splitlines()), key=lambda e: e["seq"])


def _rule_themes(events: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in events:
        if e["type"] in ("ProvisionsAnnotated",) and e["data"]["kind"] == "theme":
            for p in e["data"]["provisions"]:
                out[p["provision_id"]] = {a["value"] for a in p["annotations"]}
    return out


def _csv(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_published_themes_are_the_rules_less_the_removed_plus_the_added():
    decisions = json.loads(DECISIONS.read_text(encoding="utf-8"))["decisions"]
    expected = {pid: set(values) for pid, values in _rule_themes(_raw_events(ROOT)).items()}
    for pid, d in decisions.items():
        expected[pid] = (expected[pid] - set(d.get("removed", {}))) | set(d.get("added", {}))
    rows = _csv("provision_themes")
    published: dict[str, set[str]] = {}
    for r in rows:
        published.setdefault(r["provision_id"], set()).add(r["theme"])
    assert published == expected
    provisions = {r["provision_id"] for r in _csv("provisions")}
    assert set(published) == provisions and all(published.values())
    for r in rows:  # every row names the review; an added one says why, with no evidence of the rule's
        assert r["reviewed_by"] == "review claude-theme-review-1"
        added = decisions.get(r["provision_id"], {}).get("added", {})
        if r["theme"] in added:
            assert (r["cue"], r["evidence"], r["review_reason"], r["annotator"]) == ("review", "", added[r["theme"]], "review claude-theme-review-1")
        else:
            assert r["cue"] in ("keyword", "chapeau", "items", "fallback") and r["review_reason"] == ""


def test_every_provision_is_reviewed_once_and_the_events_hold_the_decisions():
    events = _raw_events(ROOT)
    reviews = [e for e in events if e["type"] == "AnnotationsReviewed"]
    reviewed = [p for e in reviews for p in e["data"]["provisions"]]
    assert sorted(p["provision_id"] for p in reviewed) == sorted(r["provision_id"] for r in _csv("provisions"))
    assert {e["data"]["basis"]["annotator"] + " v" + e["data"]["basis"]["annotator_version"] for e in reviews} == {"wgtip.annotate.themes v1"}
    assert all("not a human expert" in e["data"]["annotator_description"] for e in reviews)
    decisions = json.loads(DECISIONS.read_text(encoding="utf-8"))["decisions"]
    as_recorded = {p["provision_id"]: {k: {v["value"]: v["reason"] for v in p[k]} for k in ("added", "removed") if p[k]} for p in reviewed if p["added"] or p["removed"]}
    assert as_recorded == decisions
    table = {(r["provision_id"], r["value"], r["decision"]): r["reason"] for r in _csv("annotation_reviews")}
    assert table == {(pid, v, k): reason for pid, d in decisions.items() for k in ("added", "removed") for v, reason in d.get(k, {}).items()}


def test_recording_the_review_again_appends_nothing():
    events, _ = review_events(ROOT, DECISIONS, MOMENT)
    assert events == []


def _decisions_file(tmp_path: Path, change) -> Path:
    d = json.loads(DECISIONS.read_text(encoding="utf-8"))
    change(d)
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["decisions"]["wgtip-m1-p7-b"].update(added={"prevention": "x"}), "decisions.wgtip-m1-p7-b.added.prevention: rule wgtip.annotate.themes v1 already gives it"),
        (lambda d: d["decisions"]["wgtip-m1-p7-b"].update(removed={"organ_removal": "x"}), "decisions.wgtip-m1-p7-b.removed.organ_removal: rule wgtip.annotate.themes v1 does not give it"),
        (lambda d: d["decisions"].update({"wgtip-m1-p1": {"added": {"everything": "x"}}}), "decisions.wgtip-m1-p1.added.everything: not a term of vocabulary 'theme'"),
        (lambda d: d["decisions"].update({"wgtip-m9-p1": {}}), "decisions.wgtip-m9-p1: no such provision in meetings"),
        (lambda d: d["basis"].update(annotator_version="0"), "basis: wgtip-m1-p1's theme annotations are not those of rule wgtip.annotate.themes v0"),
        (lambda d: d.update(annotator="Claude Review"), "annotator: String should match pattern"),
    ],
)
def test_a_bad_decisions_file_is_refused_naming_the_decision(tmp_path, change, message):
    path = _decisions_file(tmp_path, change)
    with pytest.raises(ReviewFileError) as err:
        review_events(ROOT, path, MOMENT)
    assert str(err.value.message).startswith(f"{path}: ") and message in err.value.message, err.value.message


# --- the fold ----------------------------------------------------------------------------------------


def _review(repo: Path, provisions: list[dict], kind: str = "theme", version: str = "1") -> dict:
    return next_event(
        repo,
        "AnnotationsReviewed",
        {"kind": kind, "annotator": "test-reviewer", "annotator_description": "a test", "basis": {"annotator": "wgtip.annotate.themes", "annotator_version": version}, "provisions": provisions},
    )


def _fold(repo: Path) -> dict[str, list[dict]]:
    return fold_kept(iter_log(repo), {"provision_themes": keep_all, "annotation_reviews": keep_all}).rows


@pytest.mark.parametrize(
    "provision, kind, version, message",
    [
        (
            {"provision_id": "wgtip-m1-p1", "text_revision": 1, "removed": [{"value": "prevention", "reason": "x"}]},
            "theme",
            "1",
            "wgtip-m1-p1: 'prevention' cannot be removed: rule wgtip.annotate.themes v1 does not give it",
        ),
        (
            {"provision_id": "wgtip-m1-p1", "text_revision": 1, "added": [{"value": "international_cooperation", "reason": "x"}]},
            "theme",
            "1",
            "wgtip-m1-p1: 'international_cooperation' cannot be added: rule wgtip.annotate.themes v1 gives it",
        ),
        (
            {"provision_id": "wgtip-m1-p1", "text_revision": 1, "removed": [{"value": "international_cooperation", "reason": "x"}]},
            "theme",
            "1",
            "wgtip-m1-p1: the review would leave it without a theme",
        ),
        ({"provision_id": "wgtip-m1-p6", "text_revision": 1}, "theme", "1", "wgtip-m1-p6 is at text revision 2; a review reads the current text"),
        (
            {"provision_id": "wgtip-m1-p1", "text_revision": 1},
            "theme",
            "0",
            "wgtip-m1-p1: the review is of the theme annotations of rule wgtip.annotate.themes v0, and the log has those of rule wgtip.annotate.themes v1",
        ),
        ({"provision_id": "wgtip-m1-p1", "text_revision": 1}, "strength", "1", "strength annotations cannot be reviewed (only theme)"),
    ],
)
def test_the_fold_refuses_a_review_that_does_not_fit_the_log(repo, provision, kind, version, message):
    append(repo, _review(repo, [provision], kind, version))
    with pytest.raises(WgtipError) as err:
        _fold(repo)
    assert message in err.value.message, err.value.message


def test_a_later_rule_run_does_not_override_the_review(repo):
    # the review removed vulnerability from wgtip-m1-p7-b and added demand to wgtip-m1-p7-d; a rule v2 gives both back
    later = copy.deepcopy(
        next_event(
            repo,
            "ProvisionsAnnotated",
            {
                "kind": "theme",
                "annotator": "wgtip.annotate.themes",
                "annotator_version": "2",
                "provisions": [
                    {"provision_id": "wgtip-m1-p7-b", "text_revision": 1, "annotations": [{"value": "prevention"}, {"value": "vulnerability"}]},
                    {"provision_id": "wgtip-m1-p7-d", "text_revision": 1, "annotations": [{"value": "demand"}, {"value": "children"}]},
                ],
            },
        )
    )
    append(repo, later)
    rows = _fold(repo)
    themes = {(r["provision_id"], r["theme"]): r for r in rows["provision_themes"] if r["provision_id"] in ("wgtip-m1-p7-b", "wgtip-m1-p7-d")}
    assert set(themes) == {("wgtip-m1-p7-b", "prevention"), ("wgtip-m1-p7-d", "demand"), ("wgtip-m1-p7-d", "children")}
    decisions = json.loads(DECISIONS.read_text(encoding="utf-8"))["decisions"]
    demand = themes["wgtip-m1-p7-d", "demand"]  # the rule's row now, with the review's reason beside it
    assert (demand["annotator"], demand["reviewed_by"], demand["review_reason"]) == ("rule wgtip.annotate.themes v2", "review claude-theme-review-1", decisions["wgtip-m1-p7-d"]["added"]["demand"])
    # the review stays visible as made on the earlier rule version: a review to read again
    stale = [r for r in rows["annotation_reviews"] if r["provision_id"] == "wgtip-m1-p7-b"]
    assert [(r["value"], r["decision"], r["reviewed"]) for r in stale] == [("vulnerability", "removed", "rule wgtip.annotate.themes v1")]


def test_a_later_review_replaces_the_earlier_and_is_a_change(repo):
    append(repo, _review(repo, [{"provision_id": "wgtip-m1-p7-b", "text_revision": 1, "added": [{"value": "gender", "reason": "a test"}]}]))
    rows = _fold(repo)
    assert {r["theme"] for r in rows["provision_themes"] if r["provision_id"] == "wgtip-m1-p7-b"} == {"prevention", "vulnerability", "gender"}
    assert [(r["value"], r["decision"], r["annotator"]) for r in rows["annotation_reviews"] if r["provision_id"] == "wgtip-m1-p7-b"] == [("gender", "added", "review test-reviewer")]
