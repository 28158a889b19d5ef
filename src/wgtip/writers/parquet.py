"""Every table as a Parquet file, the format analysts' engines (Spark, Trino, BigQuery, Polars,
DuckDB) read directly, with the table's and its columns' descriptions in the file's metadata.

Written by DuckDB from the tables it has loaded from the package's CSV (an ``extras`` step of
its writer), so the Parquet files have the same rows and types as the CSV and the databases.
The descriptions are key-value metadata of the file: ``wgtip:table`` (the table's description)
and ``wgtip:columns`` (a JSON object, column name -> description), from the one table definition.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..tables import TABLES, columns, name_of, primary_key
from .described import Described, from_model
from .duckdb import sql_literal

TABLE_KEY = "wgtip:table"
COLUMNS_KEY = "wgtip:columns"


def parquet_metadata(model: Any, described: Described | None = None) -> dict[str, str]:
    """The key-value metadata of a table's Parquet file: the descriptions the package's descriptor
    gives (``described``; else the one table definition's)."""
    table, cols = (described or from_model())[name_of(model)]
    ordered = {c.name: cols[c.name] for c in columns(model) if c.name in cols}
    return {TABLE_KEY: table, COLUMNS_KEY: json.dumps(ordered, ensure_ascii=False, sort_keys=False)}


def write_parquet(con: Any, folder: Path, described: Described | None = None) -> list[Path]:
    """Write ``folder/TABLE.parquet`` for every table in the database, rows in primary-key order."""
    described = described or from_model()
    folder.mkdir(parents=True, exist_ok=True)
    have = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    written = []
    for model in TABLES:
        name = name_of(model)
        if name not in have:
            continue
        path = folder / f"{name}.parquet"
        kv = ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in parquet_metadata(model, described).items())
        order = ", ".join(f'"{k}"' for k in primary_key(model))
        con.execute(f'COPY (SELECT * FROM "{name}" ORDER BY {order}) TO {sql_literal(str(path))} (FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{kv}}})')
        written.append(path)
    return written
