"""Signed release tags: each release's checkpoint, signed outside the log with git's own SSH signing.

The tag of release X.Y.Z is ``vX.Y.Z``, an annotated tag whose message is the release's checkpoint
(``checkpoints.tag_message``), signed with an SSH key (``git config gpg.format ssh``; no GnuPG).
``allowed_signers`` at the repository's root lists the keys allowed to sign, in the format of
ssh-keygen's ALLOWED SIGNERS (``<principal> <key type> <public key>`` a line, ``#`` comments).

Where that file lists a key, ``wgtip verify`` checks every release tag present: an annotated tag,
signed by an allowed key (``git verify-tag`` with ``gpg.ssh.allowedSignersFile``), whose checkpoint
is the local log's and whose commit is in the history checked out. A tag that is not there (a
clone without tags) is named as not checked, never passed over in silence.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .checkpoints import Checkpoint, CheckpointError, from_tag_message
from .errors import WgtipError

ALLOWED_SIGNERS = "allowed_signers"


class TagError(WgtipError):
    """A release tag that is not what was published: unsigned, signed by another key, or naming another log."""


@dataclass
class TagCheck:
    checked: list[str] = field(default_factory=list)
    not_checked: str | None = None
    """Why no tag, or which tags, could not be checked (said in verify's output)."""


def tag_name(version: str) -> str:
    return f"v{version}"


def signer_keys(root: Path) -> list[str]:
    """The key lines of allowed_signers (comments and blank lines left out); none if there is no file."""
    path = root / ALLOWED_SIGNERS
    if not path.is_file():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def _in_git(root: Path) -> bool:
    result = _git(root, "rev-parse", "--show-toplevel")
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == root.resolve()


def check_tags(root: Path, local: dict[str, Checkpoint]) -> TagCheck:
    """Check the signed tag of every release of the log (``local``: each release's checkpoint)."""
    if not (root / ALLOWED_SIGNERS).is_file():
        return TagCheck(not_checked=f"release tags: no {ALLOWED_SIGNERS} file")
    if not signer_keys(root):
        return TagCheck(not_checked=f"release tags: {ALLOWED_SIGNERS} lists no key yet")
    if not _in_git(root):
        return TagCheck(not_checked="release tags: not a git checkout")
    result, missing = TagCheck(), []
    signers = str((root / ALLOWED_SIGNERS).resolve())
    for version, mine in local.items():
        tag = tag_name(version)
        ref = f"refs/tags/{tag}"
        if _git(root, "rev-parse", "-q", "--verify", ref).returncode != 0:
            missing.append(tag)
            continue
        kind = _git(root, "cat-file", "-t", ref).stdout.strip()
        if kind != "tag":
            raise TagError(f"{ref}: (tag): a lightweight tag, not an annotated tag signed by a key of {ALLOWED_SIGNERS}")
        signed = _git(root, "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}", "verify-tag", ref)
        if signed.returncode != 0:
            why = next((line for line in signed.stderr.splitlines() if line.strip()), "no valid signature")
            raise TagError(f"{ref}: (signature): not signed by a key of {ALLOWED_SIGNERS}: {why.strip()}")
        message = _git(root, "tag", "-l", "--format=%(contents:subject)%0a%0a%(contents:body)", tag).stdout
        try:
            published = from_tag_message(message, ref)
        except CheckpointError as err:
            raise TagError(str(err)) from None
        if published != mine:
            differs = next(k for k in ("version", "seq", "head", "digest", "segments") if getattr(published, k) != getattr(mine, k))
            raise TagError(
                f"{ref}: checkpoint.{differs}: the signed tag says {str(getattr(published, differs))[:16]}, the local log {str(getattr(mine, differs))[:16]}: "
                "the log was rewritten after this release was tagged"
            )
        if _git(root, "merge-base", "--is-ancestor", f"{ref}^{{commit}}", "HEAD").returncode != 0:
            raise TagError(f"{ref}: (commit): the tagged commit is not in the history checked out (HEAD): the history was rewritten after the release")
        result.checked.append(tag)
    if missing:
        result.not_checked = f"release tags not here (fetch the tags to check them): {', '.join(missing)}"
    return result
