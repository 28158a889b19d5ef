"""The append-only rule of ``events/``, checked against git.

Staged changes (the pre-commit hook): a change may only add event files. git is
asked what changed, with ``--no-renames`` so that a rename shows as a deletion
plus an addition, and a change of file mode shows as a modification; anything
but ``A`` is refused.

Against a published revision B (CI: the branch's previous head, a pull
request's target, every release tag): B must be an ancestor of HEAD, and
every segment of B must be in HEAD byte for byte (same path, mode and blob).
A three-dot diff would not do: it measures from the merge base, so a history
forked before B and force-pushed looks like pure additions.

Either way the log as it will be (the index, or the head revision) is then
streamed through the same fold as the build (``folded.fold_kept``, keeping no
rows), so new events are checked for layout, schema, sequence, chain and
references.

Two places run this, so neither can be skipped alone: the pre-commit hook
(``wgtip check-append-only``, staged changes) and CI
(``wgtip check-append-only --base <revision> --release-tags``).
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import WgtipError
from .folded import fold_kept
from .log import EVENTS_DIR, LogError, iter_log

STATUS_WORDS = {
    "M": "modified (its content or its file mode changed)",
    "D": "deleted (a rename shows as a deletion plus an addition)",
    "T": "changed type (for example into a symbolic link)",
    "U": "unmerged",
    "C": "copied",
    "R": "renamed",
    "X": "changed in a way git cannot name",
}
NULL_REVISION = "0" * 40
"""What CI gets as the 'before' revision of a push that creates a branch."""
RELEASE_TAG = re.compile(r"^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


class GitError(WgtipError):
    """git could not answer what the check asks of it."""


@dataclass(frozen=True)
class Change:
    status: str
    path: str

    def problem(self) -> str:
        word = STATUS_WORDS.get(self.status[0], f"has git status {self.status}")
        return f"{self.path}: {word}: committed event files are never changed; record a correction as a new event"


def _git(root: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    if result.returncode != 0:
        why = next((line for line in result.stderr.decode(errors="replace").splitlines() if line.strip()), f"exit status {result.returncode}")
        raise GitError(f"git {' '.join(args)} failed: {why.strip()}")
    return result.stdout


def changes(root: Path) -> list[Change]:
    """What the staged changes do under events/."""
    out = _git(root, "diff", "--cached", "--name-status", "--no-renames", "-z", "--", f"{EVENTS_DIR}/")
    fields = out.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    # -z output: status NUL path NUL, repeated (with --no-renames every status has one path)
    return [Change(fields[i].decode(), fields[i + 1].decode("utf-8", "surrogateescape")) for i in range(0, len(fields), 2)]


def _commit(root: Path, revision: str) -> str:
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify", f"{revision}^{{commit}}"], capture_output=True)
    if result.returncode != 0:
        raise GitError(f"{revision}: (revision): no such commit in this repository (fetch the history: CI checks out with fetch-depth 0)")
    return result.stdout.decode().strip()


def _segments(root: Path, commit: str) -> dict[str, tuple[str, str]]:
    """Every file under events/ at a commit: path -> (mode, blob)."""
    out = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", f"{EVENTS_DIR}/")
    entries = {}
    for entry in out.split(b"\0"):
        if entry:
            meta, path = entry.split(b"\t", 1)
            mode, _kind, blob = meta.decode().split(" ")
            entries[path.decode("utf-8", "surrogateescape")] = (mode, blob)
    return entries


def published_problems(root: Path, base: str, head: str = "HEAD") -> list[str]:
    """Why ``head`` does not keep what was published at ``base`` (empty if it does)."""
    b, h = _commit(root, base), _commit(root, head)
    if subprocess.run(["git", "-C", str(root), "merge-base", b, h], capture_output=True).returncode != 0:
        return [f"{base}: (history): shares no history with {head}: this is another repository's log, or a history rebuilt from nothing"]
    if subprocess.run(["git", "-C", str(root), "merge-base", "--is-ancestor", b, h], capture_output=True).returncode != 0:
        return [
            f"{base}: (history): is not an ancestor of {head}: the history published at {base} was rewritten (a force-push, a rebase or a reset), and events published there may be gone or changed"
        ]
    before, after = _segments(root, b), _segments(root, h)
    problems = []
    for path, (mode, blob) in sorted(before.items()):
        if path not in after:
            problems.append(Change("D", path).problem())
        elif after[path] != (mode, blob):
            problems.append(Change("M", path).problem())
    return problems


def release_tags(root: Path) -> list[str]:
    """The release tags of the repository (vX.Y.Z), in version order."""
    names = _git(root, "tag", "-l", "v[0-9]*.[0-9]*.[0-9]*").decode().split()
    return sorted((n for n in names if RELEASE_TAG.match(n)), key=lambda n: tuple(map(int, n[1:].split("."))))


def _export(root: Path, target: Path, revision: str | None) -> None:
    """Write the events/ tree of the index (revision None) or of a revision into target."""
    if revision is None:
        names = _git(root, "ls-files", "-z", "--", f"{EVENTS_DIR}/")
        subprocess.run(["git", "-C", str(root), "checkout-index", f"--prefix={target}/", "-z", "--stdin"], input=names, check=True, capture_output=True)
        return
    if not _git(root, "ls-tree", "--name-only", revision, "--", EVENTS_DIR).strip():
        return  # no log at that revision: the reader says so
    tar = _git(root, "archive", "--format=tar", revision, "--", EVENTS_DIR)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(target, filter="data")


def check(root: Path, bases: tuple[str, ...] = (), head: str = "HEAD", staged: bool = True) -> tuple[list[str], int]:
    """Problems (empty if none) and the number of events in the resulting log: the staged changes
    (``staged``, the hook), or ``head`` against each published revision of ``bases``."""
    problems = [c.problem() for c in changes(root) if c.status != "A"] if staged else []
    for base in bases:
        if base != NULL_REVISION:  # a push that creates a branch has no 'before': the log is still checked
            problems += published_problems(root, base, head)
    if problems:
        return problems, 0
    with tempfile.TemporaryDirectory(prefix="wgtip-append-only-") as tmp:
        _export(root, Path(tmp), None if staged else head)
        try:
            folded = fold_kept(iter_log(Path(tmp)), {})
        except LogError as err:
            return [str(err)], 0
    return [], folded.counts["events"]
