"""The append-only rule of ``events/``, checked against git.

A change may only add event files. git is asked what changed, with
``--no-renames`` so that a rename shows as a deletion plus an addition, and a
change of file mode shows as a modification; anything but ``A`` is refused.
The log as it will be after the change (the index for a commit, the head
revision for CI) is then streamed through the same fold as the build
(``folded.fold_kept``, keeping no rows), so new events are checked for schema,
sequence, chain and references.

Two places run this, so neither can be skipped alone: the pre-commit hook
(``wgtip check-append-only``, staged changes) and CI
(``wgtip check-append-only --base <base revision>``).
"""

from __future__ import annotations

import io
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
        raise GitError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def changes(root: Path, base: str | None = None, head: str = "HEAD") -> list[Change]:
    """What changed under events/: staged changes, or ``base...head`` (from their merge base)."""
    span = ["--cached"] if base is None else [f"{base}...{head}"]
    out = _git(root, "diff", *span, "--name-status", "--no-renames", "-z", "--", f"{EVENTS_DIR}/")
    fields = out.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    # -z output: status NUL path NUL, repeated (with --no-renames every status has one path)
    return [Change(fields[i].decode(), fields[i + 1].decode("utf-8", "surrogateescape")) for i in range(0, len(fields), 2)]


def _export(root: Path, target: Path, revision: str | None) -> None:
    """Write the events/ tree of the index (revision None) or of a revision into target."""
    if revision is None:
        names = _git(root, "ls-files", "-z", "--", f"{EVENTS_DIR}/")
        subprocess.run(["git", "-C", str(root), "checkout-index", f"--prefix={target}/", "-z", "--stdin"], input=names, check=True, capture_output=True)
        return
    if not _git(root, "ls-tree", "--name-only", revision, "--", EVENTS_DIR).strip():
        return  # no log at that revision yet
    tar = _git(root, "archive", "--format=tar", revision, "--", EVENTS_DIR)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(target, filter="data")


def check(root: Path, base: str | None = None, head: str = "HEAD") -> tuple[list[str], int]:
    """Problems with the change (empty if none) and the number of events in the resulting log."""
    # a push that creates a branch has no 'before': nothing to compare, but the log is still checked
    diff = [] if base == NULL_REVISION else changes(root, base, head)
    problems = [c.problem() for c in diff if c.status != "A"]
    if problems:
        return problems, 0
    with tempfile.TemporaryDirectory(prefix="wgtip-append-only-") as tmp:
        _export(root, Path(tmp), None if base is None else head)
        try:
            folded = fold_kept(iter_log(Path(tmp)), {})
        except LogError as err:
            return [str(err)], 0
    return [], folded.counts["events"]
