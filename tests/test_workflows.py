"""GitHub workflows: every one passes actionlint (with shellcheck for run: scripts) and zizmor's security audit;
ci.yml runs the checks of the trust issue; no workflow can be turned against the dataset (issue 39)."""

from __future__ import annotations

import os
import re
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
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    timeout: 5\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n      - run: rm -rf $DIR/*\n")
    result = actionlint(bad)
    assert result.returncode == 1
    assert 'unexpected key "timeout" for "job" section' in result.stdout
    assert "no_such_thing" in result.stdout
    assert "SC2086" in result.stdout  # from shellcheck: the unquoted $DIR


def steps(workflow: str) -> list[str]:
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())
    return [s.get("run", "") for job in doc["jobs"].values() for s in job["steps"]]


@pytest.mark.parametrize(
    "command",
    [
        "./dev wgtip check-append-only --base",
        ".venv/bin/pre-commit run --all-files",
        "./dev test",
        "git diff --exit-code",
        ".venv/bin/frictionless validate datapackage.json",
        "./dev wgtip verify",
    ],
)
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


# zizmor, the security audit of workflows and of dependabot.yml, comes from the lock like actionlint. Offline: the
# online audits ask GitHub's API, so the result would depend on the network and a token. No configuration file:
# the gate is zizmor's own rules, which a file could switch off unseen; a finding may only be suppressed in place
# (`# zizmor: ignore[rule] reason`). The pedantic persona: it also checks what the regular one lets regress
# silently here (every job's permissions explained, concurrency limits, named jobs).
ZIZMOR = [str(BIN / "zizmor"), "--offline", "--no-config", "--strict-collection", "--persona", "pedantic", "--no-progress", "--color", "never", "--render-links", "never", "--show-audit-urls", "never"]
AUDITED = [*WORKFLOWS, ROOT / ".github" / "dependabot.yml"]


def zizmor(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    return subprocess.run([*ZIZMOR, "."], capture_output=True, text=True, cwd=root, env=env)


def test_zizmor_finds_nothing():
    result = zizmor(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout
    for path in AUDITED:  # each was read and audited, not skipped
        assert f"completed ./{path.relative_to(ROOT)}" in result.stderr, result.stderr


def test_zizmor_catches_what_issue_39_fixed(tmp_path):
    """The audit really audits, offline: the publish workflow as it was, and a dependabot.yml without cooldown, fail."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "publish.yml").write_text(
        "on:\n"
        "  workflow_run:\n"
        "    workflows: [release]\n"
        "    types: [completed]\n"
        "permissions:\n"
        "  contents: read\n"
        "  packages: write\n"
        "jobs:\n"
        "  site:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v5\n"
        '      - run: echo "${{ secrets.GITHUB_TOKEN }}" | docker login --username "${{ github.actor }}" --password-stdin\n'
    )
    (tmp_path / ".github" / "dependabot.yml").write_text("version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: daily\n")
    result = zizmor(tmp_path)
    assert result.returncode != 0
    for rule in ("dangerous-triggers", "template-injection", "artipacked", "unpinned-uses", "excessive-permissions", "dependabot-cooldown"):
        assert f"[{rule}]" in result.stdout, rule


def test_a_suppressed_finding_says_why():
    for path in AUDITED:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = re.search(r"zizmor: ?ignore\[[^]]*\](.*)", line)
            assert m is None or len(m.group(1).strip()) > 10, f"{path.name}:{n}: a suppression without its reason"


def workflow(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text())
    doc["on"] = doc.pop(True)  # YAML 1.1 reads the key `on` as True
    return doc


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_expression_is_expanded_inside_a_script(path):
    """Values reach run: scripts through env:, never as text pasted into the script."""
    for name, job in workflow(path)["jobs"].items():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{path.name}: job {name}, step {step.get('name', step.get('run'))!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_trigger_runs_this_repository_s_token_on_a_fork_s_code(path):
    assert not {"workflow_run", "pull_request_target"} & set(workflow(path)["on"])


def test_permissions_are_read_only_unless_a_job_needs_more():
    """Every workflow defaults to contents: read; each job declares its own; these are the only write grants."""
    writes = {}
    for path in WORKFLOWS:
        doc = workflow(path)
        assert doc["permissions"] == {"contents": "read"}, path.name
        for name, job in doc["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} declares no permissions"
            for scope, level in job["permissions"].items():
                assert level in ("read", "write", "none"), (path.name, name, scope)
                if level == "write":
                    writes.setdefault(f"{path.name}:{name}", []).append(scope)
    assert writes == {
        "release.yml:publish": ["contents"],  # creates the GitHub release
        "release.yml:site": ["packages"],  # hands publish.yml what it needs to push the image
        "publish.yml:site": ["packages"],  # pushes the site's image
    }


def test_actions_are_pinned_to_a_commit_with_their_version():
    """Every action is referenced by a full commit SHA followed by its release (# vX.Y.Z), one SHA per release."""
    seen: dict[tuple[str, str], str] = {}
    for path in WORKFLOWS:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = re.match(r"\s*(?:- )?uses: (\S+)(.*)", line)
            if not m or m.group(1).startswith("$/"):
                continue  # $/: a workflow of this repository, at the same commit
            pin = re.fullmatch(r"([\w.-]+/[\w./-]+)@([0-9a-f]{40})", m.group(1))
            version = re.fullmatch(r" # (v\d+\.\d+\.\d+)", m.group(2))
            assert pin and version, f"{path.name}:{n}: {line.strip()}"
            assert seen.setdefault((pin.group(1), version.group(1)), pin.group(2)) == pin.group(2), f"{path.name}:{n}"
    assert ("actions/checkout", "v5.1.0") in seen


def test_every_checkout_keeps_no_credentials():
    for path in WORKFLOWS:
        for name, job in workflow(path)["jobs"].items():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{path.name}: job {name}"


def test_release_publishes_then_deploys_the_site():
    """A release made with the workflow's token starts no other workflow, so release.yml calls publish.yml itself."""
    release = workflow(ROOT / ".github/workflows/release.yml")
    assert release["jobs"]["publish"]["needs"] == "build"
    assert release["jobs"]["publish"]["environment"] == "release"
    site = release["jobs"]["site"]
    assert site["needs"] == "publish" and site["uses"] == "$/.github/workflows/publish.yml"
    publish = workflow(ROOT / ".github/workflows/publish.yml")
    assert set(site["with"]) <= set(publish["on"]["workflow_call"]["inputs"])
    assert publish["jobs"]["site"]["environment"] == "site"


def test_dependabot_keeps_the_actions_and_the_python_dependencies_current():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    assert all(u["directory"] == "/" and u["cooldown"]["default-days"] >= 7 for u in ecosystems.values())
