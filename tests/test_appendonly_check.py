"""The append-only check (wgtip.appendonly.check) called in this process on a temporary git repository:
what tests/test_append_only.py checks through the real pre-commit hook (a subprocess), here fast and
where a mutation tool sees it. What each change is, and how many events the log then holds, is read
from git and the files here, not from the check."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_repo
from helpers import append, last_line, next_event

from wgtip.appendonly import NULL_REVISION, GitError, check, release_tags

SEGMENT = "events/0000/000000205-meeting-8.jsonl"
RULE = "committed event files are never changed; record a correction as a new event"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def lines_in_log(root: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in (root / "events").rglob("*.jsonl"))


@pytest.fixture()
def repo(tmp_path) -> Path:
    root = copy_repo(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "test")
    git(root, "config", "core.fileMode", "true")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "log")
    return root


def new_meeting(root: Path) -> dict:
    return next_event(
        root, "MeetingHeld", {"meeting": 9, "heading": "九、第九次会议", "start_date": "2019-09-09", "end_date": "2019-09-11", "venue": "维也纳"}, occurred={"start": "2019-09-09", "end": "2019-09-11"}
    )


def test_staged_additions_pass_and_the_log_is_counted(repo):
    assert check(repo) == ([], lines_in_log(repo))
    append(repo, new_meeting(repo))
    git(repo, "add", "-A")
    assert check(repo) == ([], lines_in_log(repo))
    assert lines_in_log(repo) == last_line(repo)[0]


def test_a_staged_change_of_a_committed_segment_is_refused_by_kind(repo):
    path = repo / SEGMENT
    path.write_bytes(path.read_bytes().replace("维也纳".encode(), "日内瓦".encode(), 1))
    other = sorted((repo / "events").rglob("*.jsonl"))[0]
    other_rel = other.relative_to(repo).as_posix()
    other.unlink()
    git(repo, "add", "-A")
    assert check(repo) == ([f"{other_rel}: deleted (a rename shows as a deletion plus an addition): {RULE}", f"{SEGMENT}: modified (its content or its file mode changed): {RULE}"], 0)


def test_a_rename_is_a_deletion_and_a_mode_change_a_modification(repo):
    renamed = sorted((repo / "events").rglob("*.jsonl"))[1]
    rel = renamed.relative_to(repo).as_posix()
    git(repo, "mv", rel, rel.replace(".jsonl", "-x.jsonl"))
    os.chmod(repo / SEGMENT, 0o755)
    git(repo, "add", "-A")
    problems, count = check(repo)
    assert sorted(problems) == sorted([f"{rel}: deleted (a rename shows as a deletion plus an addition): {RULE}", f"{SEGMENT}: modified (its content or its file mode changed): {RULE}"]) and count == 0


def test_a_staged_event_the_log_refuses_is_named_as_the_reader_names_it(repo):
    ev = new_meeting(repo)
    ev["seq"] += 1  # a gap in the sequence
    path = append(repo, ev)
    git(repo, "add", "-A")
    problems, count = check(repo)
    assert count == 0 and len(problems) == 1 and problems[0].startswith(path.relative_to(repo).as_posix() + ":1: seq:")


def test_the_head_keeps_what_a_base_published_byte_for_byte(repo):
    base = git(repo, "rev-parse", "HEAD")
    append(repo, new_meeting(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ninth meeting")
    assert check(repo, (base,), staged=False) == ([], lines_in_log(repo))
    assert check(repo, (NULL_REVISION,), staged=False) == ([], lines_in_log(repo))  # a new branch: the log is still read
    # a later commit that changes and deletes published segments
    path = repo / SEGMENT
    path.write_bytes(path.read_bytes().replace("维也纳".encode(), "日内瓦".encode(), 1))
    first = sorted((repo / "events").rglob("*.jsonl"))[0]
    first_rel = first.relative_to(repo).as_posix()
    first.unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rewrite", "--no-verify")
    assert check(repo, (base,), staged=False) == (
        [f"{first_rel}: deleted (a rename shows as a deletion plus an addition): {RULE}", f"{SEGMENT}: modified (its content or its file mode changed): {RULE}"],
        0,
    )


def test_a_rewritten_or_unrelated_history_is_refused(repo):
    append(repo, new_meeting(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ninth meeting")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "commit", "-q", "--amend", "-m", "ninth meeting, rewritten")  # shares the first commit with base
    assert check(repo, (base,), staged=False) == (
        [f"{base}: (history): is not an ancestor of HEAD: the history published at {base} was rewritten (a force-push, a rebase or a reset), and events published there may be gone or changed"],
        0,
    )
    git(repo, "checkout", "-q", "--orphan", "other")
    git(repo, "commit", "-q", "-m", "from nothing")
    assert check(repo, (base,), staged=False) == ([f"{base}: (history): shares no history with HEAD: this is another repository's log, or a history rebuilt from nothing"], 0)


def test_an_unknown_revision_is_a_git_error_that_says_to_fetch(repo):
    with pytest.raises(GitError) as err:
        check(repo, ("no-such-revision",), staged=False)
    assert str(err.value) == "no-such-revision: (revision): no such commit in this repository (fetch the history: CI checks out with fetch-depth 0)"


def test_release_tags_are_the_vX_Y_Z_tags_in_version_order(repo):
    for tag in ("v1.10.0", "v1.2.0", "v1.0.0", "v01.0.0", "v1.0", "release-1.0.0", "v2.0.0-rc1"):
        git(repo, "tag", tag)
    assert release_tags(repo) == ["v1.0.0", "v1.2.0", "v1.10.0"]


def test_changes_outside_the_log_are_not_the_check_s_business(repo):
    """Only events/ is checked: a file outside it changed, deleted or added, staged or in a later
    commit, is no problem (git is asked about events/ only)."""
    base = git(repo, "rev-parse", "HEAD")
    (repo / "identifiers.toml").write_text((repo / "identifiers.toml").read_text() + "\n# changed\n")
    shutil.rmtree(repo / "schema")
    (repo / "new.txt").write_text("new")
    git(repo, "add", "-A")
    assert check(repo) == ([], lines_in_log(repo))
    git(repo, "commit", "-q", "-m", "outside the log")
    assert check(repo, (base,), staged=False) == ([], lines_in_log(repo))


def test_a_status_git_has_no_word_for_is_named_as_git_gives_it():
    from wgtip.appendonly import Change

    assert Change("Z9", "events/x.jsonl").problem() == f"events/x.jsonl: has git status Z9: {RULE}"
    assert Change("R100", "events/x.jsonl").problem() == f"events/x.jsonl: renamed: {RULE}"


def test_a_file_name_that_is_not_utf8_is_named_not_crashed_on(repo):
    """git reports paths as bytes: a name that is not UTF-8 (which the layout refuses) is still named,
    staged or published, rather than stopping the check with a decoding error."""
    base_dir = os.fsencode(repo / "events" / "0000")
    bad = os.path.join(base_dir, b"\xff-x.jsonl")
    with open(bad, "wb") as fh:
        fh.write(b"{}\n")
    git(repo, "add", "-A")
    problems, count = check(repo)
    assert count == 0 and len(problems) == 1 and "events/0000/" in problems[0]
    git(repo, "commit", "-q", "-m", "a bad name", "--no-verify")
    base = git(repo, "rev-parse", "HEAD")
    os.unlink(bad)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gone", "--no-verify")
    problems, count = check(repo, (base,), staged=False)
    assert count == 0 and len(problems) == 1
    assert problems[0].startswith("events/0000/") and problems[0].endswith(f"-x.jsonl: deleted (a rename shows as a deletion plus an addition): {RULE}")
