"""GitHub workflows: every one passes actionlint (with shellcheck for run: scripts); ci.yml runs the checks of the trust issue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BIN = Path(sys.executable).parent  # actionlint and shellcheck come from the lock (wheels that ship the binaries)
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    # explicit shellcheck, no pyflakes: the result must not depend on what else is on PATH
    cmd = [str(BIN / "actionlint"), "-no-color", "-shellcheck", str(BIN / "shellcheck"), "-pyflakes=", *map(str, paths)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def test_there_are_workflows():
    assert "ci.yml" in [p.name for p in WORKFLOWS]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_passes_actionlint(workflow):
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_catches_mistakes(tmp_path):
    """The linter really lints: a workflow with a bad expression, an unknown key and an unquoted variable fails."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-latest\n"
        "    timeout: 5\n"
        "    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n"
        "      - run: rm -rf $DIR/*\n"
    )
    result = actionlint(bad)
    assert result.returncode == 1
    assert 'unexpected key "timeout" for "job" section' in result.stdout
    assert "no_such_thing" in result.stdout
    assert "SC2086" in result.stdout  # from shellcheck: the unquoted $DIR


def steps(workflow: str) -> list[str]:
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())
    return [s.get("run", "") for job in doc["jobs"].values() for s in job["steps"]]


@pytest.mark.parametrize("command", [
    "./dev wgtip check-append-only --base",
    ".venv/bin/pre-commit run --all-files",
    "./dev test",
    "git diff --exit-code",
    ".venv/bin/frictionless validate datapackage.json",
    "./dev wgtip verify",
])
def test_ci_runs(command):
    assert any(command in run for run in steps("ci.yml")), command


def test_ci_fetches_the_history_the_append_only_check_needs():
    doc = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    checkout = next(s for s in doc["jobs"]["check"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_ci_script_runs_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text()
    assert run.rstrip().endswith("./dev test")
    assert "./dev test" in (ROOT / "README.md").read_text()
