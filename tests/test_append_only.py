"""The append-only rule, run through the real pre-commit hook in a temporary git repository, and as the CI gate (--base)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_repo
from helpers import append, last_line, next_event

SEGMENT = "events/0000/000000205-meeting-8.jsonl"
VENV = Path(sys.executable).parent.parent
NEXT = last_line(ROOT)[0] + 1
NEW = f"events/0000/{NEXT:09d}-test.jsonl"  # where helpers.append writes the next event


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=check)


def new_meeting(root: Path) -> dict:
    """A valid next event: the ninth meeting held (the fold accepts it after the eighth)."""
    return next_event(
        root, "MeetingHeld", {"meeting": 9, "heading": "九、第九次会议", "start_date": "2019-09-09", "end_date": "2019-09-11", "venue": "维也纳"}, occurred={"start": "2019-09-09", "end": "2019-09-11"}
    )


@pytest.fixture()
def hooked(tmp_path, monkeypatch) -> Path:
    """A git repository holding the log, with the project's append-only hook installed by pre-commit."""
    root = copy_repo(tmp_path / "repo")
    for name in ("dev", "pyproject.toml", "requirements.lock", ".gitattributes"):
        shutil.copy2(ROOT / name, root / name)
    # the hook runs ./dev, which reuses this .venv when the lock matches its stamp (as ./dev computes it);
    # a stale stamp would make the hook reinstall the project's .venv from inside a test
    sums = "".join(f"{hashlib.sha256((ROOT / n).read_bytes()).hexdigest()}  {n}\n" for n in ("requirements.lock", "pyproject.toml"))
    stamp = VENV / ".wgtip-lock"
    if not stamp.is_file() or stamp.read_text().strip() != hashlib.sha256(sums.encode()).hexdigest():
        pytest.fail("the .venv is older than requirements.lock/pyproject.toml: run ./dev setup (./dev test does)")
    (root / ".venv").symlink_to(VENV)
    (root / ".gitignore").write_text("/.venv\n")
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [h for r in config["repos"] for h in r["hooks"] if h["id"] == "append-only"]
    assert len(hooks) == 1
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "test")
    git(root, "config", "core.fileMode", "true")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "log", "--no-verify")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    subprocess.run([str(VENV / "bin" / "pre-commit"), "install"], cwd=root, check=True, capture_output=True)
    return root


def commit(root: Path) -> subprocess.CompletedProcess:
    git(root, "add", "-A")
    return git(root, "commit", "-q", "-m", "change", check=False)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").stdout.strip()


def refused(root: Path, result: subprocess.CompletedProcess, expected: str) -> None:
    before = head(root)
    assert result.returncode != 0, result.stdout + result.stderr
    assert expected in result.stdout + result.stderr, result.stdout + result.stderr
    assert head(root) == before


def test_hook_accepts_a_new_event(hooked):
    before = head(hooked)
    append(hooked, new_meeting(hooked))
    result = commit(hooked)
    assert result.returncode == 0, result.stdout + result.stderr
    assert head(hooked) != before
    assert NEW in git(hooked, "show", "--name-status", "--format=", "HEAD").stdout


def test_hook_refuses_an_edit(hooked):
    path = hooked / SEGMENT
    path.write_bytes(path.read_bytes().replace("维也纳".encode(), "日内瓦".encode(), 1))
    before = head(hooked)
    result = commit(hooked)
    refused(hooked, result, f"error: {SEGMENT}: modified (its content or its file mode changed): committed event files are never changed")
    assert head(hooked) == before


def test_hook_refuses_a_deletion(hooked):
    (hooked / SEGMENT).unlink()
    refused(hooked, commit(hooked), f"error: {SEGMENT}: deleted")


def test_hook_refuses_a_rename(hooked):
    git(hooked, "mv", SEGMENT, "events/0000/000000205-renamed.jsonl")
    refused(hooked, commit(hooked), f"error: {SEGMENT}: deleted (a rename shows as a deletion plus an addition)")


def test_hook_refuses_a_mode_change(hooked):
    (hooked / SEGMENT).chmod(0o755)
    refused(hooked, commit(hooked), f"error: {SEGMENT}: modified (its content or its file mode changed)")


def test_hook_refuses_a_new_event_that_does_not_check_out(hooked):
    ev = new_meeting(hooked)
    ev["data"]["meeting"] = 8
    append(hooked, ev)
    refused(hooked, commit(hooked), f"error: {NEW}:1: data.meeting: meeting 8 is already recorded as held (event 205) (MeetingHeld, seq {NEXT})")


def test_hook_checks_the_staged_log_not_the_working_tree(hooked):
    """A valid event staged, then broken in the working tree only: the commit holds the valid one and passes."""
    path = append(hooked, new_meeting(hooked))
    git(hooked, "add", "-A")
    path.write_bytes(b"not json\n")
    result = git(hooked, "commit", "-q", "-m", "staged", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_gate_refuses_an_edit_committed_with_no_verify(hooked):
    """--no-verify skips the hook; the check against the base revision (CI) still refuses."""
    base = head(hooked)
    path = hooked / SEGMENT
    path.write_bytes(path.read_bytes()[:-1] + b" \n")
    git(hooked, "commit", "-q", "-am", "sneaky", "--no-verify")
    result = subprocess.run([sys.executable, "-m", "wgtip", "check-append-only", "--root", str(hooked), "--base", base], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == f"error: {SEGMENT}: modified (its content or its file mode changed): committed event files are never changed; record a correction as a new event\n"


def test_ci_gate_accepts_added_events_and_checks_the_head_revision(hooked):
    base = head(hooked)
    append(hooked, new_meeting(hooked))
    git(hooked, "add", "-A")
    git(hooked, "commit", "-q", "-m", "ninth", "--no-verify")
    (hooked / NEW).write_bytes(b"broken in the working tree only\n")
    ok = subprocess.run([sys.executable, "-m", "wgtip", "check-append-only", "--root", str(hooked), "--base", base], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == f"append-only: events/ only gains new files; the resulting log of {NEXT} events checks out\n"


def check_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wgtip", "check-append-only", "--root", str(root), *args], capture_output=True, text=True)


def test_ci_gate_on_a_push_that_creates_a_branch_checks_the_log_only(hooked):
    """GitHub sends 40 zeros as the 'before' of such a push: nothing to compare, the head's log is still checked."""
    result = check_cli(hooked, "--base", "0" * 40)
    assert (result.returncode, result.stdout) == (0, f"append-only: events/ only gains new files; the resulting log of {NEXT - 1} events checks out\n")


def test_ci_gate_with_an_unknown_base_fails_clearly(hooked):
    result = check_cli(hooked, "--base", "no-such-revision")
    assert (result.returncode, result.stderr) == (1, "error: no-such-revision: (revision): no such commit in this repository (fetch the history: CI checks out with fetch-depth 0)\n")


# --- against what was published (issue 35) ---------------------------------------------

LAST_RELEASE = "events/0000/000000254-release-1.1.0.jsonl"
LAST_RELEASE_SEQ = 254


@pytest.fixture()
def published_repo(tmp_path) -> tuple[Path, str]:
    """A git repository whose history is the log without its last release, then the release: the head published."""
    root = copy_repo(tmp_path / "repo")
    for path in sorted((root / "events").rglob("*.jsonl")):  # the log as it was when 1.1.0 was released: events since are cut
        if int(path.name.split("-")[0]) > LAST_RELEASE_SEQ:
            path.unlink()
    release = (root / LAST_RELEASE).read_bytes()
    (root / LAST_RELEASE).unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "test")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "log")
    (root / LAST_RELEASE).write_bytes(release)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1.1.0")
    return root, head(root)


def released_again(root: Path) -> None:
    """The attack: fork before the release, drop it, release again with the project's own fold, commit (a force-push)."""
    import datetime as dt
    import json

    from wgtip.release import make_release

    old = json.loads((root / LAST_RELEASE).read_bytes())
    git(root, "reset", "-q", "--hard", "HEAD~1")
    make_release(root, "1.1.0", dt.date.fromisoformat(old["data"]["published_on"]), "released again", dt.datetime.fromisoformat(old["recorded_at"].replace("Z", "+00:00")))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1.1.0, again")


def test_ci_gate_refuses_a_history_forked_before_the_published_head(published_repo):
    """A three-dot diff from the merge base sees only an added segment; the published head is no longer an ancestor."""
    root, published = published_repo
    released_again(root)
    assert git(root, "diff", "--name-status", f"{published}...HEAD").stdout == f"A\t{LAST_RELEASE}\n"  # why the old gate passed
    result = check_cli(root, "--base", published)
    assert (result.returncode, result.stderr) == (
        1,
        (
            f"error: {published}: (history): is not an ancestor of HEAD: the history published at {published} was rewritten "
            "(a force-push, a rebase or a reset), and events published there may be gone or changed\n"
        ),
    )


def test_ci_gate_names_a_history_with_no_common_ancestor(published_repo):
    root, published = published_repo
    git(root, "checkout", "-q", "--orphan", "other")
    git(root, "commit", "-q", "-m", "the same files, another history")
    result = check_cli(root, "--base", published)
    assert (result.returncode, result.stderr) == (1, (f"error: {published}: (history): shares no history with HEAD: this is another repository's log, or a history rebuilt from nothing\n"))


def test_ci_gate_checks_every_release_tag(published_repo):
    root, published = published_repo
    git(root, "tag", "v1.1.0", published)
    git(root, "tag", "v1.0.0", "HEAD~1")
    ok = check_cli(root, "--release-tags")
    assert (ok.returncode, ok.stdout) == (0, f"append-only: events/ only gains new files; the resulting log of {LAST_RELEASE_SEQ} events checks out (and keeps every release tag: v1.0.0, v1.1.0)\n")
    released_again(root)
    result = check_cli(root, "--release-tags")
    assert result.returncode == 1
    assert result.stderr == (
        "error: v1.1.0: (history): is not an ancestor of HEAD: the history published at v1.1.0 was rewritten (a force-push, a rebase or a reset), and events published there may be gone or changed\n"
    )


def test_ci_gate_refuses_a_segment_changed_in_a_descendant(published_repo):
    """B an ancestor, yet a segment of B changed later (committed with --no-verify): named, as a three-dot diff names it."""
    root, published = published_repo
    path = root / SEGMENT
    path.write_bytes(path.read_bytes().replace("维也纳".encode(), "日内瓦".encode(), 1))
    git(root, "commit", "-q", "-am", "edit")
    result = check_cli(root, "--base", published)
    assert result.stderr == f"error: {SEGMENT}: modified (its content or its file mode changed): committed event files are never changed; record a correction as a new event\n"


def test_the_first_commit_of_a_log_is_checked(tmp_path):
    """On an unborn branch (no HEAD yet) everything staged is new: accepted, and the log is read."""
    root = copy_repo(tmp_path / "new")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    result = check_cli(root)
    assert (result.returncode, result.stdout) == (0, f"append-only: events/ only gains new files; the resulting log of {NEXT - 1} events checks out\n")
