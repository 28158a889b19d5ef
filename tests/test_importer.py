"""The importer reproduces the committed events byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT
from wgtip.log import segment_files


def test_importer_reproduces_the_committed_events(tmp_path):
    committed = segment_files(ROOT)
    first = json.loads(committed[0].read_bytes().splitlines()[0])
    # the import is the events before any later work (corrections, releases, annotations)
    imported = [p for p in committed if json.loads(p.read_bytes().splitlines()[0])["recorded_at"] == first["recorded_at"] and _is_import(p)]
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "wgtip", "import-source", "--root", str(ROOT), "--recorded-at", first["recorded_at"], "--out", str(out)],
        check=True, capture_output=True,
    )
    produced = segment_files(out)
    assert [p.relative_to(out) for p in produced] == [p.relative_to(ROOT) for p in imported]
    for mine, theirs in zip(produced, imported):
        assert mine.read_bytes() == theirs.read_bytes(), theirs


def _is_import(path) -> bool:
    return path.name.split("-", 1)[1].startswith(("source-registered", "meeting-"))


def test_importer_refuses_to_write_over_a_log(tmp_path):
    result = subprocess.run([sys.executable, "-m", "wgtip", "import-source", "--root", str(ROOT), "--recorded-at", "2026-01-01T00:00:00Z"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "already holds events" in result.stderr
