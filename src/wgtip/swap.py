"""Outputs that are always whole: one build at a time per checkout, its outputs swapped in as one unit.

A build's outputs are the committed data package (``data/*.csv`` and ``datapackage.json``, files at
the repository's root beside others) and the databases in ``build/``. No single rename can swap
them all, so the swap is journalled, as a database commits a transaction:

1. every new file is written in a scratch folder ``build/.tmp-*`` and flushed to disk;
2. the journal ``build/.swap.json`` (the list of moves) is written under a temporary name, flushed
   and renamed into place: that rename is the commit point;
3. each new file is renamed over its target, then the journal is removed.

A build killed before the commit point leaves the old outputs (and a scratch folder); killed after
it, the journal, which the next command to take the lock (build, verify, serve) completes before it
reads anything, as SQLite rolls back a hot journal: by then the outputs are all old or all new.

One lock per checkout (``build/.lock``, an ``flock``, released by the kernel when its holder dies):
a second build fails at once with one line instead of overwriting the first one's outputs with
those of the log it read earlier. Scratch folders left by killed builds are removed when the lock
is taken.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WgtipError
from .paths import BUILD_DIR, RELEASES_DIR

LOCK = ".lock"
JOURNAL = ".swap.json"
SCRATCH = ".tmp-"

_rename = os.replace
"""Every rename of a swap (one name, so that a test can kill the process at each in turn)."""

_held: dict[Path, int] = {}
"""The checkouts whose lock this process holds, with how many times it took it (the lock is reentrant)."""


class BusyError(WgtipError):
    """Another command holds this checkout's outputs."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def complete(root: Path) -> bool:
    """Finish a swap an earlier build committed but did not complete; whether there was one."""
    journal = root / BUILD_DIR / JOURNAL
    if not journal.exists():
        return False
    moves = json.loads(journal.read_bytes())["moves"]
    for src, dst in moves:
        if (root / src).exists():  # not moved yet (a move is one rename: done or not)
            _rename(root / src, root / dst)
    for folder in {(root / dst).parent for _, dst in moves}:
        _fsync(folder)
    os.unlink(journal)
    return True


def remove_scratch(root: Path) -> None:
    """Remove what killed builds left: scratch folders, a journal never committed."""
    build = root / BUILD_DIR
    for parent in (build, build / RELEASES_DIR):
        if parent.is_dir():
            for p in parent.iterdir():
                if p.name.startswith(SCRATCH) and p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
    (build / (JOURNAL + ".tmp")).unlink(missing_ok=True)


@contextmanager
def outputs_lock(root: Path, required: bool = True) -> Iterator[None]:
    """Hold this checkout's outputs: complete a committed swap, remove scratch, then run the body.

    ``required=False`` (verify): a checkout where the lock cannot even be created (read-only) is
    read without it; nothing can build there either."""
    key = root.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    build = root / BUILD_DIR
    try:
        build.mkdir(exist_ok=True)
        fd = os.open(build / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        if not required:
            yield
            return
        raise BusyError(f"{BUILD_DIR}/{LOCK}: (lock): cannot create: {err.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise BusyError(f"{BUILD_DIR}/{LOCK}: (lock): another wgtip command (process {holder}) is building or checking this checkout's outputs; run this one again when it has finished") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        complete(root)
        remove_scratch(root)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def scratch(parent: Path) -> Iterator[Path]:
    """A scratch folder next to the outputs (same file system, so renames are atomic), removed
    afterwards unless a committed swap still needs its files (the next lock completes it)."""
    path = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=parent))
    try:
        yield path
    finally:
        journal = parent / JOURNAL
        if not journal.exists() or path.name not in journal.read_text(encoding="utf-8"):
            shutil.rmtree(path, ignore_errors=True)


def swap(root: Path, moves: list[tuple[Path, str]]) -> None:
    """Move every new file (``moves``: its path in a scratch folder under ``build/``, its target
    relative to ``root``) over its target, as one unit (see the module's description)."""
    build = root / BUILD_DIR
    for src, _ in moves:
        _fsync(src)
    for folder in {src.parent for src, _ in moves}:
        _fsync(folder)
    journal = {"moves": [[src.relative_to(root).as_posix(), dst] for src, dst in moves]}
    pending = build / (JOURNAL + ".tmp")
    with open(pending, "wb") as fh:
        fh.write(json.dumps(journal, indent=1).encode() + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    for _, dst in moves:
        (root / dst).parent.mkdir(parents=True, exist_ok=True)
    _rename(pending, build / JOURNAL)  # the commit point
    _fsync(build)
    complete(root)
