"""requirements.lock agrees with pyproject.toml, pins every package with hashes, and is what is installed.

Offline on purpose: resolving again (uv pip compile) needs the package index and
may pick newer releases; these checks need neither and still fail when someone
adds a dependency to pyproject.toml without regenerating the lock.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from conftest import ROOT
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENTRY = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")
COMMAND = "uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 --universal -o requirements.lock"


def locked() -> dict[str, tuple[str, Marker | None, int]]:
    """name -> (version, marker, number of hashes), read from the lock's own format."""
    out: dict[str, tuple[str, Marker | None, int]] = {}
    current = None
    for line in LOCK.splitlines():
        m = ENTRY.match(line)
        if m:
            current = canonicalize_name(m.group(1))
            assert current not in out, f"{current} is pinned twice"
            out[current] = (m.group(2), Marker(m.group(3)) if m.group(3) else None, 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            v, mk, n = out[current]
            out[current] = (v, mk, n + 1)
    return out


PINS = locked()


def applies(marker: Marker | None, extra: str = "") -> bool:
    return marker is None or marker.evaluate({"extra": extra})


def direct_requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_the_lock_is_not_trivially_small():
    assert len(PINS) > 50


@pytest.mark.parametrize("req", direct_requirements(), ids=str)
def test_every_dependency_of_pyproject_is_pinned_within_its_range(req):
    name = canonicalize_name(req.name)
    assert name in PINS, f"{req} is in pyproject.toml but not in requirements.lock: regenerate it ({COMMAND})"
    assert req.specifier.contains(PINS[name][0], prereleases=True), f"lock pins {name}=={PINS[name][0]}, outside {req}"


def test_every_pin_has_hashes():
    assert [n for n, (_, _, hashes) in PINS.items() if hashes == 0] == []


def test_the_lock_is_closed_under_the_dependencies_of_what_it_pins():
    """Every requirement of every installed locked package (for this platform) is itself pinned, in range."""
    problems = []
    for name, (_version, marker, _) in PINS.items():
        if not applies(marker):
            continue
        for raw in metadata.requires(name) or []:
            req = Requirement(raw)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue  # an optional extra of that package, or another platform
            dep = canonicalize_name(req.name)
            if dep not in PINS:
                problems.append(f"{name} needs {req}, which is not pinned")
            elif not req.specifier.contains(PINS[dep][0], prereleases=True):
                problems.append(f"{name} needs {req}, the lock pins {PINS[dep][0]}")
    assert problems == []


def test_what_is_installed_is_what_the_lock_pins():
    wrong = []
    for name, (version, marker, _) in PINS.items():
        if applies(marker):
            installed = metadata.version(name)
            if installed != version:
                wrong.append(f"{name}: installed {installed}, locked {version}")
    assert wrong == [], "run ./dev setup"


def test_the_lock_names_the_command_that_made_it_and_the_docs_the_same():
    assert f"#    {COMMAND}" in LOCK
    assert COMMAND in " ".join((ROOT / "docs" / "trust.md").read_text(encoding="utf-8").split())


def test_pre_commit_hooks_use_the_locked_versions():
    """A hook's additional dependency that is also in the lock has the lock's version (one pin per package)."""
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    deps = [Requirement(d) for r in config["repos"] for h in r["hooks"] for d in h.get("additional_dependencies", [])]
    assert deps, "the config has hooks with pinned dependencies"
    for req in deps:
        name = canonicalize_name(req.name)
        assert str(req.specifier).startswith("=="), f"{req} is not pinned"
        if name in PINS:
            assert str(req.specifier) == f"=={PINS[name][0]}", f"{req} in .pre-commit-config.yaml, {name}=={PINS[name][0]} in the lock"
