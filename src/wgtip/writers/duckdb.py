"""The DuckDB database, for analysts.

DDL is generated from the models (types, primary and foreign keys); each
table is loaded in bulk from the package's CSV, read with the column types
spelled out, so the three outputs cannot disagree on a value. A ``.duckdb``
file is never byte-identical across builds (it stores a random database id);
compare it by its table contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ..tables import TABLES, columns, name_of, primary_key

DUCKDB_TYPES = {"integer": "BIGINT", "string": "VARCHAR", "date": "DATE", "boolean": "BOOLEAN"}


def ddl(model: Any) -> str:
    cols = columns(model)
    lines = [f'"{c.name}" {DUCKDB_TYPES[c.kind]}{"" if c.nullable else " NOT NULL"}' for c in cols]
    lines.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in primary_key(model)) + ")")
    name = name_of(model)
    for c in cols:
        # DuckDB cannot check a table's foreign key to itself; the other writers do
        if c.references and c.references[0] != name:
            lines.append(f'FOREIGN KEY ("{c.name}") REFERENCES "{c.references[0]}" ("{c.references[1]}")')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(lines) + "\n)"


def write_duckdb(csv_dir: Path, target: Path) -> None:
    """Create ``target`` (which must not exist) from the CSV files in ``csv_dir``."""
    con = duckdb.connect(str(target), config={"threads": 2})
    try:
        for model in TABLES:
            name = name_of(model)
            if not (csv_dir / f"{name}.csv").is_file():
                continue  # a past release rebuilt without a table it did not have
            con.execute(ddl(model))
            types = ", ".join(f"'{c.name}': '{DUCKDB_TYPES[c.kind]}'" for c in columns(model))
            path = str(csv_dir / f"{name}.csv").replace("'", "''")
            con.execute(
                f"INSERT INTO \"{name}\" SELECT * FROM read_csv('{path}', header=true, auto_detect=false, "
                f"columns={{{types}}}, delim=',', quote='\"', escape='\"', nullstr='', new_line='\\n')"
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
