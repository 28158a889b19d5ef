"""The house style: ``ruff check`` (the rules pyproject.toml selects), ``ruff format`` and ``mypy`` (with the
pydantic plugin) over the code, run from the locked tools of this environment, so that CI enforces what the
pre-commit hooks check. Each check is also shown to fail on a planted fault, so a configuration that checks
nothing (a wrong path, an empty rule set) cannot pass unnoticed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BIN = Path(sys.executable).parent
RUFF, MYPY = BIN / "ruff", BIN / "mypy"
CHECKED = ["src", "tests", "bench"]


def run(argv: list[str | Path], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff_check_is_clean():
    out = run([RUFF, "check", "--no-cache", *CHECKED])
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_is_clean():
    out = run([RUFF, "format", "--check", "--diff", "--no-cache", *CHECKED])
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean():
    out = run([MYPY])  # what to check, and how, is pyproject.toml's [tool.mypy]
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues found" in out.stdout, out.stdout


def _planted(tmp_path: Path, code: str) -> Path:
    """A project of one module, ``code``, under pyproject.toml's settings."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    package = tmp_path / "src" / "wgtip"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(code, encoding="utf-8")
    return package / "__init__.py"


def test_ruff_check_fails_on_a_planted_fault(tmp_path):
    # a zip without strict= (B905): a rule of the selected set that pyflakes alone does not have
    module = _planted(tmp_path, "def pairs(a: list[int], b: list[int]) -> list[tuple[int, int]]:\n    return list(zip(a, b))\n")
    out = run([RUFF, "check", "--no-cache", "src"], cwd=tmp_path)
    assert out.returncode == 1 and "B905" in out.stdout, out.stdout + out.stderr
    module.write_text("def pairs(a: list[int], b: list[int]) -> list[tuple[int, int]]:\n    return list(zip(a, b, strict=True))\n", encoding="utf-8")
    assert run([RUFF, "check", "--no-cache", "src"], cwd=tmp_path).returncode == 0


def test_ruff_format_fails_on_a_planted_fault(tmp_path):
    _planted(tmp_path, "x = {'a':1}\n")
    out = run([RUFF, "format", "--check", "--no-cache", "src"], cwd=tmp_path)
    assert out.returncode == 1 and "1 file would be reformatted" in out.stdout, out.stdout + out.stderr


def test_mypy_fails_on_a_planted_fault(tmp_path):
    _planted(tmp_path, "def double(n: int) -> int:\n    return n * 2\n\n\nHALF: str = double(2)\n")
    out = run([MYPY, "--cache-dir", str(tmp_path / "cache")], cwd=tmp_path)
    assert out.returncode == 1 and 'Incompatible types in assignment (expression has type "int", variable has type "str")' in out.stdout, out.stdout + out.stderr
