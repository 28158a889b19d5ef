"""Parquet files and a self-describing DuckDB file (issue 33 item 4).

Each table's Parquet file in build/parquet/ is read back by DuckDB and by pandas (pyarrow) and
compared with the package's CSV, read with Python's csv module: same rows, and each column of
the type datapackage.json declares. The descriptions in the Parquet metadata and the DuckDB
comments are those of datapackage.json.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from wgtip.writers.parquet import COLUMNS_KEY, TABLE_KEY


def resources(root: Path) -> list[dict]:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def csv_rows(root: Path, res: dict) -> list[dict[str, str]]:
    with open(root / res["path"], newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_csv_text(value, kind: str) -> str:
    """A value read from Parquet, spelled as the package's CSV spells it."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


# The descriptor types the recording time "datetime" and the payload "object" (writers/package_v2.TYPES); the
# Parquet files, like the CSV and the databases, keep them as their text (ISO 8601; JSON).
PANDAS_TYPES = {"integer": "Int64", "string": "string", "date": "object", "boolean": "boolean", "datetime": "string", "object": "string"}
ARROW_TYPES = {"integer": "int64", "string": "string", "date": "date32[day]", "boolean": "bool", "datetime": "string", "object": "string"}


def test_every_table_has_a_parquet_file(built):
    assert sorted(p.stem for p in (built / "build/parquet").glob("*.parquet")) == sorted(r["name"] for r in resources(built))


@pytest.mark.parametrize("engine", ["duckdb", "pandas"])
def test_parquet_has_the_csv_rows_with_the_declared_types(built, engine):
    con = duckdb.connect()
    for res in resources(built):
        path = built / "build/parquet" / f"{res['name']}.parquet"
        fields = res["schema"]["fields"]
        names = [f["name"] for f in fields]
        expected = sorted(tuple(r[n] for n in names) for r in csv_rows(built, res))
        arrow = pq.read_schema(path)
        assert arrow.names == names, res["name"]
        for f in fields:
            assert str(arrow.field(f["name"]).type) == ARROW_TYPES[f["type"]], (res["name"], f["name"])
        if engine == "duckdb":
            rows = con.execute(f"select * from read_parquet('{path}')").fetchall()
        else:
            frame = pd.read_parquet(path, dtype_backend="numpy_nullable")  # nullable integers stay integers
            for f in fields:
                assert str(frame[f["name"]].dtype) == PANDAS_TYPES[f["type"]], (res["name"], f["name"])
            rows = list(frame.astype(object).itertuples(index=False, name=None))
        kinds = [f["type"] for f in fields]
        got = sorted(tuple(as_csv_text(v, k) for v, k in zip(row, kinds, strict=True)) for row in rows)
        assert got == expected, res["name"]


def test_parquet_metadata_describes_the_table_and_its_columns(built):
    for res in resources(built):
        meta = pq.read_metadata(built / "build/parquet" / f"{res['name']}.parquet").metadata
        assert meta[TABLE_KEY.encode()].decode() == res["description"]
        assert json.loads(meta[COLUMNS_KEY.encode()]) == {f["name"]: f["description"] for f in res["schema"]["fields"]}


def test_the_duckdb_file_comments_every_table_and_column(built):
    con = duckdb.connect(str(built / "build/wgtip.duckdb"), read_only=True)
    try:
        for res in resources(built):
            [(comment,)] = con.execute("select comment from duckdb_tables() where table_name = ?", [res["name"]]).fetchall()
            assert comment == res["description"]
            cols = dict(con.execute("select column_name, comment from duckdb_columns() where table_name = ?", [res["name"]]).fetchall())
            assert cols == {f["name"]: f["description"] for f in res["schema"]["fields"]}
    finally:
        con.close()
