"""The data package (Data Package v2) opens in the readers people use (issue 33 item 3).

The built package is read by frictionless-py (every table validated), by the npm ``datapackage``
reader (pinned in js/package-lock.json, installed by ``./dev test``: every table read with its
declared types and foreign keys, row counts equal to the CSV's as Python's csv module counts
them), and the descriptor is checked against what Data Package v2 asks of it. The typed loaders
for pandas and DuckDB are the examples of docs/using-the-data.md (tests/test_examples.py).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

JS = ROOT / "js"


def csv_row_counts(root: Path, package: dict) -> dict[str, int]:
    counts = {}
    for res in package["resources"]:
        with open(root / res["path"], newline="", encoding="utf-8") as f:
            counts[res["name"]] = sum(1 for _ in csv.DictReader(f))
    return counts


@pytest.fixture(scope="module")
def package(built) -> dict:
    return json.loads((built / "datapackage.json").read_text(encoding="utf-8"))


def test_the_descriptor_is_data_package_v2(package):
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json" and "profile" not in package
    assert package["contributors"] == [{"title": "wgtip contributors", "roles": ["creator"]}]
    # created: the release's date when the log's head is a release; a build with events since has no date (no wall clock)
    if head_is_a_release():
        assert package["created"] == f"{package_release_date()}T00:00:00Z"
    else:
        assert "created" not in package and "+unreleased." in package["version"]
    for res in package["resources"]:
        assert res["type"] == "table" and res["dialect"]["delimiter"] == "," and res["dialect"]["header"] is True
        schema = res["schema"]
        assert schema["missingValues"] == [""] and isinstance(schema["primaryKey"], list)
        for fk in schema.get("foreignKeys", []):
            assert isinstance(fk["fields"], list) and isinstance(fk["reference"]["fields"], list)
    events = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert events["recorded_at"] == "datetime" and events["data"] == "object"


def head_is_a_release() -> bool:
    """Whether the committed log's last event is a release."""
    last = max((json.loads(line) for path in (ROOT / "events").rglob("*.jsonl") for line in path.read_text(encoding="utf-8").splitlines()), key=lambda e: e["seq"])
    return last["type"] == "ReleasePublished"


def package_release_date() -> str:
    """The latest release's date, read from the log."""
    for path in sorted((ROOT / "events").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if event["type"] == "ReleasePublished":
                date = event["data"]["published_on"]
    return date


def test_frictionless_validates_every_table(built, package):
    from frictionless import validate

    report = validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:5]
    assert sorted(t.name for t in report.tasks) == sorted(r["name"] for r in package["resources"])
    assert sum(t.stats.get("rows", 0) for t in report.tasks)  # an empty table has no count == sum(csv_row_counts(built, package).values())


def test_the_npm_datapackage_reader_reads_every_table(built, package):
    if not (JS / "node_modules/datapackage").is_dir():
        pytest.fail("the npm datapackage reader is not installed: run ./dev test (it runs npm ci in js/)")
    node = shutil.which("node")
    assert node, "Node.js is needed (Node 20: sudo apt-get install nodejs npm)"
    result = subprocess.run([node, str(JS / "read-package.js"), str(built / "datapackage.json")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["valid"] and read["errors"] == []
    assert read["tables"] == {name: {"rows": n} for name, n in csv_row_counts(built, package).items()}


def test_the_npm_reader_fails_without_a_declared_dialect(built, package, tmp_path):
    """What the explicit dialect is for: without it, the reader sniffs provisions.csv wrong (the check above can fail)."""
    if not (JS / "node_modules/datapackage").is_dir():
        pytest.fail("the npm datapackage reader is not installed: run ./dev test")
    shutil.copytree(built / "data", tmp_path / "data")
    bare = {**package, "resources": [{k: v for k, v in r.items() if k != "dialect"} for r in package["resources"] if r["name"] == "provisions"]}
    (tmp_path / "datapackage.json").write_text(json.dumps(bare), encoding="utf-8")
    result = subprocess.run([shutil.which("node"), str(JS / "read-package.js"), str(tmp_path / "datapackage.json")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "error" in json.loads(result.stdout)["tables"]["provisions"]
