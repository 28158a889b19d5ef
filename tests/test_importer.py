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
        check=True,
        capture_output=True,
    )
    produced = segment_files(out)
    assert [p.relative_to(out) for p in produced] == [p.relative_to(ROOT) for p in imported]
    for mine, theirs in zip(produced, imported, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), theirs


def _is_import(path) -> bool:
    return path.name.split("-", 1)[1].startswith(("source-registered", "meeting-"))


def test_importer_refuses_to_write_over_a_log(tmp_path):
    result = subprocess.run([sys.executable, "-m", "wgtip", "import-source", "--root", str(ROOT), "--recorded-at", "2026-01-01T00:00:00Z"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "already holds events" in result.stderr


def test_a_source_line_of_no_known_shape_is_one_error_naming_the_file_and_the_line(tmp_path):
    """The importer's errors are the family click shows (``error: ...``, exit 1), not a traceback; nothing is written."""
    from wgtip.importer import PARAGRAPH_RE, SECTION_RE, SOURCE_PATH

    lines = (ROOT / SOURCE_PATH).read_text(encoding="utf-8").split("\n")
    first_section = next(i for i, line in enumerate(lines) if SECTION_RE.match(line))
    after = next(i for i in range(first_section, len(lines)) if PARAGRAPH_RE.match(lines[i])) + 1
    lines.insert(after, "这一行不是条文")
    (tmp_path / SOURCE_PATH).parent.mkdir(parents=True)
    (tmp_path / SOURCE_PATH).write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "wgtip", "import-source", "--root", str(tmp_path), "--recorded-at", "2026-01-01T00:00:00Z", "--out", str(out)], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (1, f"error: {SOURCE_PATH}:{after + 1}: unrecognised line '这一行不是条文'\n")
    assert not out.exists()
