"""The examples in README.md and in the hand-written pages under docs/ run as printed.

A fenced block is an example when its language is ``sh``, ``python`` or ``sql``:

- ``sh`` runs in bash (``-e -o pipefail``), ``python`` in the Python of ``.venv``,
  both with the repository copy as the working directory;
- ``sql`` runs on that copy's ``build/wgtip.sqlite`` and must return rows;
- an ``sh`` block followed by a ``text`` block (nothing but blank lines between)
  must print exactly that text;
- a block whose first line is ``# not run by the tests: WHY`` (``-- …`` in SQL) is
  not run, and must say why.

Each document's examples run in order in one fresh copy of the built repository
with its ``dev`` script, its lock and a link to this checkout's ``.venv``, so
``./dev wgtip …`` behaves as it does in a fresh clone after ``./dev setup``.
The ``duckdb`` command the README names comes from the ``duckdb-cli`` wheel the
test extras install in ``.venv/bin``, which is put first on the PATH.
Generated pages (``wgtip docs``) are checked by tests/test_docs.py instead.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

LANGUAGES = {"sh", "python", "sql"}
NOT_EXAMPLES = {"", "text"}
SKIP = re.compile(r"^(?:#|--) not run by the tests: (\S.*)$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")


@dataclass
class Block:
    language: str
    code: str
    line: int
    output: str | None = None  # the text block printed right after it, if any


def blocks(text: str) -> list[Block]:
    """Every fenced block, with its language, code (indent removed) and first line number."""
    found: list[Block] = []
    lines = text.splitlines()
    i, last_end = 0, -1
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, language, start = m.group(1), m.group(2), i
        body = []
        i += 1
        while not re.match(rf"^{indent}```\s*$", lines[i]):
            body.append(lines[i][len(indent) :])
            i += 1
        code = "\n".join(body) + "\n"
        between = lines[last_end + 1 : start]
        if language == "text" and found and found[-1].language == "sh" and all(not line.strip() for line in between):
            found[-1].output = code
        found.append(Block(language, code, start + 1))
        last_end = i
        i += 1
    return found


def generated_pages() -> set[str]:
    from wgtip.cli import main
    from wgtip.generated import generated_files
    from wgtip.reference import reference_pages

    return set(generated_files(ROOT)) | set(reference_pages(ROOT, main))


GENERATED = generated_pages()
DOCUMENTS = [ROOT / "README.md", *(p for p in sorted((ROOT / "docs").glob("*.md")) if p.relative_to(ROOT).as_posix() not in GENERATED)]


def venv_is_current() -> bool:
    """Whether ./dev would skip its set-up: the stamp it writes in .venv matches the lock and pyproject.toml
    (the copy links this .venv, and a set-up run from the copy would install the package from there)."""
    import hashlib

    stamp = ROOT / ".venv" / ".wgtip-lock"
    if not stamp.exists():
        return True
    listing = "".join(f"{hashlib.sha256((ROOT / n).read_bytes()).hexdigest()}  {n}\n" for n in ("requirements.lock", "pyproject.toml"))
    return stamp.read_text().strip() == hashlib.sha256(listing.encode()).hexdigest()


def working_copy(built: Path, target: Path) -> Path:
    if not venv_is_current():
        pytest.fail("requirements.lock or pyproject.toml changed since .venv was set up: run ./dev setup")
    shutil.copytree(built, target, symlinks=True)
    for name in ("dev", "requirements.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "tests" / "gold", target / "tests" / "gold")
    assert (ROOT / ".venv" / "bin" / "python").exists(), "run ./dev setup first: the examples use .venv"
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def run(block: Block, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}")
    argv = ["bash", "-e", "-o", "pipefail", "-c", block.code] if block.language == "sh" else [str(ROOT / ".venv" / "bin" / "python"), "-c", block.code]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_examples_run_as_printed(built, tmp_path, doc):
    cwd = working_copy(built, tmp_path / "repo")
    examples = [b for b in blocks(doc.read_text(encoding="utf-8")) if b.language in LANGUAGES]
    for b in examples:
        where = f"{doc.name}:{b.line}"
        first = b.code.splitlines()[0]
        if SKIP.match(first):
            continue
        assert not first.lstrip("#- ").startswith("not run"), f"{where}: write '# not run by the tests: WHY'"
        if b.language == "sql":
            db = sqlite3.connect(f"file:{cwd / 'build/wgtip.sqlite'}?mode=ro", uri=True)
            rows = db.execute(b.code).fetchall()
            assert rows, f"{where}: the query returns no row"
            continue
        result = run(b, cwd)
        assert result.returncode == 0, f"{where}: exit {result.returncode}\n{b.code}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        if b.output is not None:
            assert result.stdout == b.output, f"{where}: prints something else"


def test_every_fenced_block_says_what_it_is():
    """An example is marked by its language; anything else is output (text) or a drawing (no language)."""
    wrong = [(d.name, b.line, b.language) for d in DOCUMENTS for b in blocks(d.read_text(encoding="utf-8")) if b.language not in LANGUAGES | NOT_EXAMPLES]
    assert wrong == []


def test_the_readme_runs_its_examples_and_says_why_not_for_the_others():
    readme = blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    run_here = [b for b in readme if b.language in LANGUAGES and not SKIP.match(b.code.splitlines()[0])]
    skipped = [SKIP.match(b.code.splitlines()[0]) for b in readme if b.language in LANGUAGES and SKIP.match(b.code.splitlines()[0])]
    assert len(run_here) >= 5 and {b.language for b in run_here} >= {"sh", "python"}
    assert all(m.group(1).strip() for m in skipped)
    assert any(b.output for b in run_here), "the citation is compared with what it prints"


def test_the_block_reader():
    text = "a\n```sh\n./dev wgtip cite\n```\n\n```text\nout\n```\nb\n  ```sql\n  select 1;\n  ```\n```\ntree\n```\n"
    got = blocks(text)
    assert [(b.language, b.code, b.line, b.output) for b in got] == [("sh", "./dev wgtip cite\n", 2, "out\n"), ("text", "out\n", 6, None), ("sql", "select 1;\n", 10, None), ("", "tree\n", 13, None)]
