"""The build's outputs: determinism, agreement between formats, the committed package, validity."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, copy_repo

from wgtip.build import build
from wgtip.tables import TABLES, columns, may_be_empty, name_of, primary_key

TABLE_NAMES = [name_of(t) for t in TABLES]


def package_paths(root: Path) -> list[Path]:
    return [root / "datapackage.json"] + [root / "data" / f"{n}.csv" for n in TABLE_NAMES]


def typed(kind: str, text: str):
    """A CSV cell read back by its Table Schema type, independently of the writers."""
    if text == "":
        return None
    return {"integer": int, "date": dt.date.fromisoformat, "boolean": lambda s: {"true": True, "false": False}[s], "string": str}[kind](text)


def csv_rows(root: Path, model) -> list[tuple]:
    kinds = [c.kind for c in columns(model)]
    with open(root / "data" / f"{name_of(model)}.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == [c.name for c in columns(model)]
        return sorted(tuple(typed(k, v) for k, v in zip(kinds, row, strict=True)) for row in reader)


def sqlite_rows(path: Path, model) -> list[tuple]:
    con = sqlite3.connect(path)
    kinds = [c.kind for c in columns(model)]
    out = []
    for row in con.execute(f'SELECT * FROM "{name_of(model)}"'):
        out.append(tuple(None if v is None else dt.date.fromisoformat(v) if k == "date" else bool(v) if k == "boolean" else v for k, v in zip(kinds, row, strict=True)))
    con.close()
    return sorted(out)


def duckdb_rows(path: Path, model) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(f'SELECT * FROM "{name_of(model)}"').fetchall())
    finally:
        con.close()


def test_two_builds_are_byte_identical(tmp_path, built):
    other = copy_repo(tmp_path / "again")
    build(other)
    for a, b in zip(package_paths(built), package_paths(other), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert (built / "build/wgtip.sqlite").read_bytes() == (other / "build/wgtip.sqlite").read_bytes()
    for model in TABLES:
        assert duckdb_rows(built / "build/wgtip.duckdb", model) == duckdb_rows(other / "build/wgtip.duckdb", model)


def test_committed_package_is_a_fresh_build(built):
    """Fails when someone changed the log (or the code) without rebuilding, or edited a CSV by hand."""
    for fresh in package_paths(built):
        committed = ROOT / fresh.relative_to(built)
        assert committed.read_bytes() == fresh.read_bytes(), f"{committed.relative_to(ROOT)} differs from a fresh build: run wgtip build"


@pytest.mark.parametrize("model", TABLES, ids=TABLE_NAMES)
def test_duckdb_sqlite_and_csv_hold_the_same_rows(built, model):
    """Every data table. The SQLite file's derived search index (wgtip.search.DERIVED_TABLES) is not
    data and is deliberately not compared; test_search checks the file holds nothing else."""
    from_csv = csv_rows(built, model)
    # a table documented as empty until its events are recorded (parallel texts) may be empty
    assert from_csv or may_be_empty(model), "every table has rows"
    assert sqlite_rows(built / "build/wgtip.sqlite", model) == from_csv
    assert duckdb_rows(built / "build/wgtip.duckdb", model) == from_csv


def test_both_databases_have_the_annotated_view_as_the_csvs_give_it(built):
    """provisions_annotated, computed here from the CSV files: each provision's distinct direct addressees,
    strengths, themes and kinds of reference, sorted; JSON text in SQLite (for Datasette's facets), LISTs in DuckDB."""

    def read(table: str) -> list[dict[str, str]]:
        with open(built / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def values(table: str, column: str, keep=lambda r: True) -> dict[str, list[str]]:
        found: dict[str, set[str]] = {}
        for r in read(table):
            if keep(r):
                found.setdefault(r["provision_id"], set()).add(r[column])
        return {p: sorted(v) for p, v in found.items()}

    arrays = [
        values("provision_addressees", "addressee", lambda r: r["role"] == "direct"),
        values("provision_strength", "strength"),
        values("provision_themes", "theme"),
        values("provision_references", "kind"),
    ]
    want = sorted((p["provision_id"], int(p["position"]), p["standalone_text"], *(a.get(p["provision_id"], []) for a in arrays)) for p in read("provisions"))
    assert any(row[6] for row in want) and any(not row[6] for row in want)  # some provisions have references, some none
    query = "SELECT provision_id, position, standalone_text, addressees, strength, themes, reference_kinds FROM provisions_annotated"
    with sqlite3.connect(built / "build/wgtip.sqlite") as con:
        from_sqlite = sorted((*r[:3], *map(json.loads, r[3:])) for r in con.execute(query))
    con = duckdb.connect(str(built / "build/wgtip.duckdb"), read_only=True)
    try:
        from_duckdb = sorted(con.execute(query).fetchall())
    finally:
        con.close()
    assert from_sqlite == want
    assert from_duckdb == want


def test_frictionless_validates_the_package(built):
    from frictionless import validate

    report = validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_cli_validates_the_committed_package():
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_frictionless_catches_a_broken_reference(tmp_path, built):
    """The foreign keys in the Table Schema are real: a provision pointing at a missing meeting fails validation."""
    from frictionless import validate

    copy = tmp_path / "pkg"
    (copy / "data").mkdir(parents=True)
    for p in package_paths(built):
        (copy / p.relative_to(built)).write_bytes(p.read_bytes())
    lines = (copy / "data/provisions.csv").read_text(encoding="utf-8").split("\n")
    cells = next(csv.reader([lines[1]]))
    assert cells[2] == "1"  # column meeting of the first provision
    cells[2] = "99"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    lines[1] = buf.getvalue()
    (copy / "data/provisions.csv").write_text("\n".join(lines), encoding="utf-8")
    desc = json.loads((copy / "datapackage.json").read_text())
    for r in desc["resources"]:
        r.pop("hash"), r.pop("bytes")
    (copy / "datapackage.json").write_text(json.dumps(desc))
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {t for (t,) in report.flatten(["type"])}


def test_every_table_has_a_primary_key_and_every_column_a_description():
    desc = json.loads((ROOT / "datapackage.json").read_text())
    assert [r["name"] for r in desc["resources"]] == TABLE_NAMES
    for r in desc["resources"]:
        assert r["schema"]["primaryKey"], r["name"]
        assert r["description"]
        for f in r["schema"]["fields"]:
            assert len(f["description"]) > 10, (r["name"], f["name"])
    fks = {(r["name"], *fk["fields"]) for r in desc["resources"] for fk in r["schema"].get("foreignKeys", [])}  # v2: fields are arrays
    assert {("provisions", "parent_id"), ("provisions", "meeting"), ("footnotes", "provision_id"), ("meetings", "event_seq")} <= fks


def test_sqlite_and_duckdb_declare_the_keys(built):
    con = sqlite3.connect(built / "build/wgtip.sqlite")
    fk = con.execute("PRAGMA foreign_key_list(provisions)").fetchall()
    assert {(r[2], r[3]) for r in fk} >= {("provisions", "parent_id"), ("meetings", "meeting"), ("events", "event_seq")}
    pk = [r[1] for r in con.execute("PRAGMA table_info(provisions)") if r[5]]
    assert pk == ["provision_id"]
    d = duckdb.connect(str(built / "build/wgtip.duckdb"), read_only=True)
    cons = d.execute("SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'footnotes'").fetchall()
    assert ("PRIMARY KEY",) in cons and ("FOREIGN KEY",) in cons
    d.close()


def test_cli_build_prints_row_counts(tmp_path):
    root = copy_repo(tmp_path / "cli")
    result = subprocess.run([sys.executable, "-m", "wgtip", "build", "--root", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "provisions" in result.stdout and (root / "build/wgtip.sqlite").is_file()


def test_help_names_the_commands():
    result = subprocess.run([sys.executable, "-m", "wgtip", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("build", "import-source", "schema"):
        assert command in result.stdout
    result = subprocess.run([sys.executable, "-m", "wgtip", "build", "--help"], capture_output=True, text=True)
    assert "--root" in result.stdout


def test_duckdb_declares_every_key_of_the_models(built):
    con = duckdb.connect(str(built / "build/wgtip.duckdb"), read_only=True)
    keys = con.execute("SELECT table_name, constraint_type, constraint_column_names, referenced_table FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')").fetchall()
    con.close()
    want = [(name_of(m), "PRIMARY KEY", primary_key(m), None) for m in TABLES]
    # a table's foreign key to itself is checked by the other writers: DuckDB cannot
    want += [(name_of(m), "FOREIGN KEY", [c.name], c.references[0]) for m in TABLES for c in columns(m) if c.references and c.references[0] != name_of(m)]
    assert sorted(keys, key=repr) == sorted(want, key=repr)


def events_csv(path: Path, seqs) -> Path:
    """An events.csv with one row per seq, each with a long payload."""
    from wgtip.tables import Event

    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow([c.name for c in columns(Event)])
        for seq in seqs:
            data = json.dumps({"text": f"第{seq}段：各缔约国应当加强培训，提高对贩运人口行为的认识。" * (1 + seq % 5)}, ensure_ascii=False)
            out.writerow([seq, "TextCorrected", 1, "2019-01-01", "2019-01-01", "2019-01-01T00:00:00Z", "", "", "", "", "", f"{seq:064x}", "events/x.ndjson", seq, data])
    return path


def test_duckdb_refuses_a_duplicate_key(tmp_path):
    from wgtip.tables import Event
    from wgtip.writers.duckdb import DuckdbFile

    db = DuckdbFile(tmp_path / "t.duckdb")
    db.load(Event, events_csv(tmp_path / "events.csv", [1, 2, 3, 2]))
    with pytest.raises(duckdb.ConstraintException, match=r"events.csv: events has seq = 2 more than once"):
        db.finish()


def test_duckdb_compresses_the_long_texts_with_zstd(tmp_path):
    """Columns marked long_text (prose, JSON) are stored with zstd once there is enough of them;
    short repetitive columns keep DuckDB's default."""
    from wgtip.tables import Event
    from wgtip.writers.duckdb import DuckdbFile

    assert {c.name for c in columns(Event) if c.long_text} == {"data"}
    path = events_csv(tmp_path / "events.csv", range(1, 20_001))
    target = tmp_path / "t.duckdb"
    db = DuckdbFile(target)
    db.load(Event, path)
    db.finish()
    con = duckdb.connect(str(target), read_only=True)
    used = dict(con.execute("SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('events') WHERE segment_type = 'VARCHAR' GROUP BY ALL").fetchall())
    assert con.execute("SELECT count(*), sum(length(data)) FROM events").fetchone()[0] == 20_000
    con.close()
    assert used["data"] == ["ZSTD"]
    assert "ZSTD" not in used["type"] and "ZSTD" not in used["file"]


def test_duckdb_file_opens_in_duckdb_1_2_and_later(built):
    """The file's header names its storage version (a little-endian integer after the magic DUCK):
    DuckDB 1.2.2 reads versions 64 and 65 (its own error message, refusing a newer file, says so);
    DuckDB 2.0's default writes 999, which no 1.x release opens."""
    header = (built / "build/wgtip.duckdb").read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert 64 <= int.from_bytes(header[12:20], "little") <= 65
