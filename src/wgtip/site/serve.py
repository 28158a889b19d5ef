"""Serve the built SQLite database with Datasette, read-only and immutable, on localhost."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..build import BUILD_DIR, SQLITE_NAME, build
from ..log import segment_files


def needs_build(root: Path) -> bool:
    db = root / BUILD_DIR / SQLITE_NAME
    if not db.is_file():
        return True
    newest = max((p.stat().st_mtime for p in segment_files(root)), default=0)
    return newest > db.stat().st_mtime


def datasette_args(root: Path, host: str, port: int) -> list[str]:
    db = root / BUILD_DIR / SQLITE_NAME
    return [
        "serve", "--immutable", str(db), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "1000",
        "--setting", "max_returned_rows", "1000",
        "--setting", "allow_download", "on",
    ]


def serve(root: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    if needs_build(root):
        build(root)
    args = datasette_args(root, host, port)
    exe = Path(sys.executable).with_name("datasette")
    os.execv(str(exe), [str(exe), *args])
