"""The layers of the code: nothing imports upward, nothing imports in a circle.

The layers are written as import-linter contracts in pyproject.toml
(``[tool.importlinter]``); ``lint-imports`` checks them against every import in
src/wgtip, those inside functions too. A package itself (its ``__init__``) is in
none of its layers: a contract sees it only on a chain between two of them, so
the cycles are also looked for directly in the import graph. Both checks are
shown to fail on a copy of the code with a planted upward import and a planted
cycle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def import_cycles(package: str = "wgtip") -> list[list[str]]:
    """The sets of modules of ``package`` that import each other in a circle (strongly connected
    components of the import graph with more than one module), each sorted."""
    import grimp

    graph = grimp.build_graph(package, cache_dir=None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                m = stack.pop()
                on_stack.discard(m)
                component.append(m)
                if m == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(found)


def lint_imports(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")], cwd=root, env=env, capture_output=True, text=True)


def test_every_layer_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_imports_in_a_circle():
    assert import_cycles() == []


def test_the_contracts_and_the_cycle_check_fail_on_a_planted_upward_import_and_cycle(tmp_path, monkeypatch):
    """On a copy of src/wgtip under another name (wgtip is a namespace package: a copy of the same
    name would merge with it): the fold imports the build (an upward import), and the annotation
    package imports its rule set (which imports the package). Both are caught."""
    copy = tmp_path / "src" / "planted"
    shutil.copytree(ROOT / "src" / "wgtip", copy, ignore=shutil.ignore_patterns("__pycache__"))
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    contracts = config[config.index("\n[tool.importlinter]\n") :]
    (tmp_path / "pyproject.toml").write_text(contracts.replace('"wgtip"', '"planted"').replace('"wgtip.', '"planted.'), encoding="utf-8")
    fold, annotate = copy / "fold.py", copy / "annotate" / "__init__.py"
    fold.write_text(fold.read_text(encoding="utf-8") + "\n\ndef _planted():\n    from . import build  # noqa: F401\n", encoding="utf-8")
    annotate.write_text(annotate.read_text(encoding="utf-8") + "\n\ndef _planted():\n    from . import ruleset  # noqa: F401\n", encoding="utf-8")

    result = lint_imports(tmp_path, {**os.environ, "PYTHONPATH": str(tmp_path / "src")})
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contracts.count('[[tool.importlinter.contracts]]') - 2} kept, 2 broken" in result.stdout
    assert "planted.fold is not allowed to import planted.build:\n\n- planted.fold -> planted.build" in result.stdout
    # the annotation package's contract sees the cycle on the way from a rule up to the rule set
    assert "planted.annotate.themes is not allowed to import planted.annotate.ruleset" in result.stdout

    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    # the package and every rule module that imports it, through the rule set; the fold and the build,
    # through every module by which the build reaches the fold
    rules = ["addressees", "directives", "references", "ruleset", "strength", "themes", "topics"]
    assert import_cycles("planted") == [
        ["planted.annotate", *(f"planted.annotate.{m}" for m in rules)],
        ["planted.build", "planted.fold", "planted.folded", "planted.package_hashes", "planted.release", "planted.release_package"],
    ]
