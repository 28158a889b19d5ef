from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sources" / "000_e7880869daa9b576.txt"


def copy_repo(target: Path) -> Path:
    """A copy of what a build and verify read (log, sources, published schemas), without any outputs."""
    for name in ("events", "sources", "schema"):
        shutil.copytree(ROOT / name, target / name)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A repository copy built once from the committed log."""
    from wgtip.build import build

    root = copy_repo(tmp_path_factory.mktemp("built"))
    build(root)
    return root


@pytest.fixture()
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo")
