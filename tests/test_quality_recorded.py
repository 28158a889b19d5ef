"""The annotations' measured quality, recorded in the log (issue 37, item 4).

The figures the dataset states come from AnnotationQualityMeasured events, so a release says what was
measured then. Here they are recomputed with the evaluation from the gold file and the log: a record
that no longer matches (the gold, the annotations or the counting changed since) fails, and says to
record a new measurement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from wgtip.annotate import evaluate
from wgtip.cli import main
from wgtip.log import read_log

RERECORD = "the recorded measurement is stale: run wgtip record-quality --date YYYY-MM-DD --recorded-at ..., then wgtip docs && wgtip build"


def latest_measurement() -> dict:
    """Each (kind, source) of the latest AnnotationQualityMeasured events, with the event's data."""
    found: dict = {}
    for le in read_log(ROOT):
        if le.event.type == "AnnotationQualityMeasured":
            for s in le.event.data.scores:
                found[s.kind, s.source] = (s, le.event)
    return found


@pytest.fixture(scope="module")
def fresh() -> evaluate.Evaluation:
    return evaluate.evaluate(ROOT)


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "1.000"


def test_the_recorded_measurement_is_what_the_evaluation_gives_now(fresh):
    recorded = latest_measurement()
    assert set(recorded) == {(k, s) for k in evaluate.SCORED for s in evaluate.SOURCES}, RERECORD
    for (kind, source), (score, event) in recorded.items():
        now = fresh.kinds[source][kind]
        assert (score.true_positives, score.predicted, score.expected) == (now.true_positives, now.predicted, now.expected), (kind, source, RERECORD)
        assert event.data.gold_provisions == fresh.provisions
        [gold] = event.data.gold
        assert gold.path == evaluate.BLIND_GOLD.as_posix()
        assert gold.sha256 == hashlib.sha256((ROOT / gold.path).read_bytes()).hexdigest(), RERECORD


def test_the_package_states_each_kinds_precision_and_recall_in_its_v2_descriptor(fresh):
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"].endswith("/2.0/datapackage.json")
    resources = {r["name"]: r for r in package["resources"]}
    for kind, table, column in (("theme", "provision_themes", "theme"), ("addressee", "provision_addressees", "addressee"), ("strength", "provision_strength", "strength")):
        pub, rules = fresh.kinds["published"][kind], fresh.kinds["rules"][kind]
        said = (
            f"precision {ratio(pub.true_positives, pub.predicted)} ({pub.true_positives} of {pub.predicted} given), "
            f"recall {ratio(pub.true_positives, pub.expected)} ({pub.true_positives} of {pub.expected} in the gold)"
        )
        alone = f"The keyword rules alone: precision {ratio(rules.true_positives, rules.predicted)}"
        r = resources[table]
        assert said in r["description"] and alone in r["description"], table
        assert "120 provisions" in r["description"] and "review/gold/adjudicated.json" in r["description"]
        field = next(f for f in r["schema"]["fields"] if f["name"] == column)
        assert said in field["description"], table
        summary = f"precision {ratio(pub.true_positives, pub.predicted)}, recall {ratio(pub.true_positives, pub.expected)}"
        assert summary in package["description"]
    # an unmeasured kind says nothing of a measurement
    assert "precision" not in resources["provision_topics"]["description"]


def test_the_quality_table_holds_one_row_per_kind_and_source_with_the_evaluations_figures(fresh):
    import csv

    with open(ROOT / "data/annotation_quality.csv", encoding="utf-8", newline="") as fh:
        rows = {r["quality_id"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {f"{k}/{s}" for k in evaluate.SCORED for s in evaluate.SOURCES}
    for k in evaluate.SCORED:
        for s in evaluate.SOURCES:
            now, r = fresh.kinds[s][k], rows[f"{k}/{s}"]
            assert (r["precision"], r["recall"]) == (ratio(now.true_positives, now.predicted), ratio(now.true_positives, now.expected))
            assert r["gold_sha256"] == hashlib.sha256((ROOT / evaluate.BLIND_GOLD).read_bytes()).hexdigest()


def test_the_data_dictionary_says_how_each_measured_kind_was_made_and_how_good_it_is(fresh):
    text = (ROOT / "docs/data-dictionary.md").read_text(encoding="utf-8")
    for kind, table in (("theme", "provision_themes"), ("addressee", "provision_addressees"), ("strength", "provision_strength")):
        section = text[text.index(f"## `{table}`") :]
        section = section[: section.index("\n## ")]
        pub = fresh.kinds["published"][kind]
        assert "**How good these annotations are.**" in section
        assert f"precision {ratio(pub.true_positives, pub.predicted)} ({pub.true_positives} of {pub.predicted} given)" in section
        assert "made by" in section


def test_recording_again_replaces_the_kinds_rows_and_a_release_older_than_the_table_is_untouched(repo):
    """A second measurement on a copy: the table keeps the latest per kind (the new event's); the command refuses a
    folder without the gold set."""
    import shutil

    runner = CliRunner()
    result = runner.invoke(main, ["record-quality", "--root", str(repo), "--date", "2026-12-08", "--recorded-at", "2026-12-08T00:00:00Z"])
    assert result.exit_code == 1 and "not a readable gold set" in result.output, result.output
    (repo / "review").mkdir()
    shutil.copytree(ROOT / "review/gold", repo / "review/gold")
    result = runner.invoke(main, ["record-quality", "--root", str(repo), "--date", "2026-12-08", "--recorded-at", "2026-12-08T00:00:00Z"])
    assert result.exit_code == 0, result.output
    from wgtip.folded import fold_kept, keep_all
    from wgtip.log import iter_log

    kept = fold_kept(iter_log(repo), {"annotation_quality": keep_all})
    rows = kept.rows["annotation_quality"]
    assert len(rows) == 6
    assert {r["event_seq"] for r in rows} == {kept.head.seq}
    assert {r["measured_on"] for r in rows} == {dt.date(2026, 12, 8)}
