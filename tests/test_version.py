"""`wgtip --version` names the package and the version of the data where it is run, or says why there is none."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT, copy_repo

PACKAGE = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def version_in(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", "--version"], cwd=cwd, capture_output=True, text=True)


def last_release_in_the_log(root: Path) -> str:
    """From the raw lines of the log, independently of its reader."""
    seq_version = [(e["seq"], e["data"]["version"]) for p in (root / "events").rglob("*.jsonl") for e in map(json.loads, p.read_bytes().splitlines()) if e["type"] == "ReleasePublished"]
    return max(seq_version)[1]


def test_in_the_repository_it_names_the_committed_data_package_version():
    result = version_in(ROOT)
    data = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert (result.returncode, result.stdout, result.stderr) == (0, f"wgtip {PACKAGE}, data {data}\n", "")


def test_in_a_built_copy_it_names_the_built_version(built):
    result = version_in(built)
    assert result.stdout == f"wgtip {PACKAGE}, data {json.loads((built / 'datapackage.json').read_text())['version']}\n"


def test_without_built_data_it_says_so_and_names_the_logs_last_release(tmp_path):
    root = copy_repo(tmp_path / "repo")
    assert not (root / "datapackage.json").exists()
    result = version_in(root)
    assert result.returncode == 0
    assert result.stdout == f"wgtip {PACKAGE}, data not built (the log's last release is {last_release_in_the_log(root)}; run ./dev wgtip build)\n"


def test_outside_a_repository_it_says_there_is_no_data(tmp_path):
    result = version_in(tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"wgtip {PACKAGE}, no data here ({tmp_path.resolve()} has neither datapackage.json nor events/)\n"
