"""The scale benchmark's tools work (at 10^3 events, quickly): the generator writes a valid,
deterministic log in the real format, and the runner measures build and floor on it.
Nothing here times anything: timings belong to bench/run.py, with its floor."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from wgtip.annotate.vocabularies import VOCABULARIES
from wgtip.build import build
from wgtip.events import BY_NAME
from wgtip.log import read_log

BENCH = ROOT / "bench"


def generate(out: Path, events: int = 1000, seed: int = 7) -> Path:
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--events", str(events), "--out", str(out), "--seed", str(seed)], check=True, capture_output=True)
    return out


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((root / "events").rglob("*.jsonl")):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_generator_is_deterministic_and_its_log_builds(tmp_path):
    a, b = generate(tmp_path / "a"), generate(tmp_path / "b")
    assert digest(a) == digest(b)
    assert digest(generate(tmp_path / "c", seed=8)) != digest(a)
    events = read_log(a)  # sequence, hash chain and every schema checked
    assert len(events) == 1000
    assert {"SourceDocumentRegistered", "MeetingHeld", "RecommendationsAdopted"} <= {e.event.type for e in events}
    built = build(a)
    assert built.tables["provisions"] > 1000 and built.tables["meetings"] >= 2
    levels = {line.split(",")[6] for line in (a / "data/provisions.csv").read_text(encoding="utf-8").splitlines()[1:] if line.count(",") > 6}
    assert {"paragraph", "item"} <= levels


def test_generator_writes_every_kind_of_event_at_scale(tmp_path):
    """At 10^4 events the rarer events (proposals, endorsements, referrals) appear too."""
    root = generate(tmp_path / "g", events=10_000)
    types = {json.loads(line)["type"] for p in (root / "events").rglob("*.jsonl") for line in p.read_bytes().splitlines()}
    assert {"RecommendationsProposed", "ProposalsEndorsed", "RecommendationsReferredToConference"} <= types
    assert {"TextCorrected", "ReleasePublished"} & set(BY_NAME) <= types  # later event types, once they exist
    assert {"VocabularyDefined", "ProvisionsAnnotated"} <= types
    built = build(root)
    if "ReleasePublished" in BY_NAME:
        assert built.tables["releases"] == 2
    # the project's own rules annotated some meetings: every kind has rows, against the defined vocabularies
    assert built.tables["vocabularies"] == len(VOCABULARIES)
    assert all(built.tables[t] > 0 for t in ("provision_addressees", "provision_strength", "provision_topics", "provision_themes", "provision_references"))


def test_runner_measures_build_and_floor(tmp_path):
    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "1000", "--repeat", "1", "--work", str(tmp_path / "work"), "--out", str(out), "--label", "t"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "t.json").read_text())
    r = report["results"][0]
    assert r["events"] == 1000 and r["rows"]["events"] == 1000
    assert r["build"]["wall_s"] > 0 and r["floor"]["wall_s"] > 0 and r["build"]["peak_mb"] > 0
    assert report["machine"]["cores"] and report["machine"]["duckdb"]
    assert "build/floor" in (out / "t.md").read_text()


def test_releases_runner_rebuilds_each_release_of_the_log(tmp_path):
    out, work = tmp_path / "results", tmp_path / "work"
    result = subprocess.run(
        [sys.executable, str(BENCH / "releases.py"), "--sizes", "1000", "--work", str(work), "--out", str(out), "--label", "t"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    r = json.loads((out / "releases-t.json").read_text())["results"][0]
    in_log = [le.event.data.version for le in read_log(work / "e1000") if le.event.type == "ReleasePublished"]
    assert in_log and [x["version"] for x in r["releases"]] == in_log  # one release at 10^3 (event 361), two from 10^4
    assert all(x["wall_s"] > 0 and x["cpu_s"] > 0 and x["peak_mb"] > 0 for x in r["releases"])
    assert "| 1,000 |" in (out / "releases-t.md").read_text()


def csv_table(path: Path) -> tuple[list[str], int]:
    """A CSV file's header and its number of rows (by the csv module: fields may hold line feeds)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        return next(rows), sum(1 for _ in rows)


def test_floor_writes_the_builds_csv_files(tmp_path):
    """The floor writes every CSV file the build writes, with the same header and number of rows
    (and a size within 15% of the build's), and nothing else."""
    root = generate(tmp_path / "g")
    build(root)
    out = tmp_path / "floor"
    result = subprocess.run([sys.executable, str(BENCH / "floor.py"), str(root), str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in (root / "data").glob("*.csv"))
    assert len(built) > 5 and "changes.csv" in built and "provision_texts.csv" in built
    assert sorted(p.name for p in out.iterdir()) == built
    for name in built:
        header, rows = csv_table(root / "data" / name)
        assert csv_table(out / name) == (header, rows), name
        size, floor_size = (root / "data" / name).stat().st_size, (out / name).stat().st_size
        assert abs(floor_size - size) <= 0.15 * size, f"{name}: floor {floor_size} bytes, build {size}"


def test_pages_times_every_table_view_canned_query_and_home_page_example(released, tmp_path):
    """bench/pages.py must reach every page a visitor can: the lists here come from the models, the
    views and the canned queries, not from the site it asks."""
    from urllib.parse import urlsplit

    from wgtip.site.queries import QUERIES
    from wgtip.tables import TABLES, name_of
    from wgtip.views import VIEWS

    out = tmp_path / "results"
    result = subprocess.run([sys.executable, str(BENCH / "pages.py"), "--root", str(released), "--out", str(out), "--label", "t"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = json.loads((out / "pages-t.json").read_text())["pages"]
    paths = {urlsplit(p["path"]).path for p in pages}
    assert {f"/wgtip/{name_of(m)}" for m in TABLES} | {f"/wgtip/{v}" for v in VIEWS} | {f"/wgtip/{q}" for q in QUERIES} <= paths
    assert "/wgtip/provisions_annotated?addressees__arraycontains=unodc" in {p["path"] for p in pages}  # the home page's example
    assert any(p["kind"] == "row" and p["path"].startswith("/wgtip/provisions/") for p in pages)
    assert all(p["status"] == 200 and p["median_ms"] > 0 for p in pages)
    assert "one request at a time" in (out / "pages-t.md").read_text()


def test_the_mutation_report_counts_each_module_s_mutants_as_its_results_say(tmp_path, monkeypatch):
    """bench/mutation.py's report (no mutation run: that takes minutes per module, see docs/benchmarks.md):
    from a module's results, its ratio is killed / mutants, equivalent survivors are counted apart,
    untested functions are grouped, and a module without results says it was not run."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mutation_bench", BENCH / "mutation.py")
    mutation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mutation)
    monkeypatch.setattr(mutation, "RESULTS", tmp_path)
    name = next(iter(mutation.MODULES))
    equivalent = next(iter(mutation.EQUIVALENT))
    survivors = {
        equivalent: {"status": "survived", "diff": ["-    a", "+    b"]},
        "wgtip.x.x_f__mutmut_1": {"status": "survived", "diff": ["-    x = 1", "+    x = 2"]},
        "wgtip.x.x_g__mutmut_1": {"status": "no tests", "diff": []},
        "wgtip.x.x_g__mutmut_2": {"status": "no tests", "diff": []},
    }
    result = {
        "module": name,
        "files": mutation.MODULES[name][0],
        "tests": mutation.MODULES[name][1],
        "mutants": 40,
        "killed": 36,
        "counts": {"killed": 36, "survived": 2, "no tests": 2},
        "survivors": survivors,
        "seconds": 125,
    }
    (tmp_path / f"mutation-{name}.json").write_text(json.dumps(result))
    mutation.report()
    text = (tmp_path / "mutation.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
    assert row.endswith("| 40 | 36 | 90.0% | 1 | 92.5% | 2 | 2 min 5 s |")
    assert f"### {name}: 3 not caught, 1 equivalent" in text
    assert "`wgtip.x.x_g` (2)" in text and "`wgtip.x.x_f__mutmut_1` (survived): `-    x = 1 / +    x = 2`" in text
    assert f"`{equivalent}` (equivalent): {mutation.EQUIVALENT[equivalent]}" in text
    for other in list(mutation.MODULES)[1:]:
        assert any(line.startswith(f"| {other} |") and "not run" in line for line in text.splitlines())
