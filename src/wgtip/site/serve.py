"""`wgtip serve`: build if needed, write Datasette's metadata, then run Datasette on the SQLite
database, immutable (read-only), on 127.0.0.1, with this package's plugins and templates.

The plugins are loaded with --plugins-dir for this server only, so a plain
`datasette build/wgtip.sqlite` (for benchmarks) stays plain.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

import duckdb

from ..build import build
from ..errors import WgtipError
from ..indexes import STATISTICS_TABLE, index_names
from ..log import segment_files
from ..paths import BUILD_DIR, DUCKDB_NAME, RELEASES_DIR, SQLITE_NAME, release_artefacts
from ..release import published_versions, release_formats
from ..search import SEARCH_TABLE, numbered_by_position
from ..swap import outputs_lock
from ..tables import TABLES, name_of
from ..views import STORED_SQL, VIEWS
from .databases import SITE_DIR, prepare_copies, release_copies, served, tables_of
from .metadata import datasette_metadata
from .safety import SETTINGS

HERE = Path(__file__).resolve().parent
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"


class ServeError(WgtipError):
    """A reason the site cannot start, in one line."""


def check_port(host: str, port: int) -> None:
    with socket.socket() as s:
        # as the server binds (uvicorn sets it): the connections of a server just stopped, waiting in
        # TIME_WAIT, do not make the port busy; a server listening on it does
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            raise ServeError(f"cannot listen on {host}:{port}: {err.strerror} (choose another with --port)") from None


def needs_build(root: Path) -> bool:
    db = root / BUILD_DIR / SQLITE_NAME
    if not db.is_file() or not (root / "datapackage.json").is_file():
        return True
    newest = max((p.stat().st_mtime for p in segment_files(root)), default=0)
    if newest > db.stat().st_mtime or not _duckdb_has_views(root / BUILD_DIR / DUCKDB_NAME):
        return True
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:  # a database built by older code: before some table (or the search index) existed, or with other derived objects
        have = {n for (n,) in con.execute("select name from sqlite_master where type = 'table'")}
        indexes = {n for (n,) in con.execute("select name from sqlite_master where type = 'index' and sql is not null")}
        views = dict(con.execute("select name, sql from sqlite_master where type = 'view'"))
        return not (
            {name_of(m) for m in TABLES} | {SEARCH_TABLE, STATISTICS_TABLE} <= have
            and indexes == index_names()
            and views == STORED_SQL
            and numbered_by_position(con)
        )
    finally:
        con.close()


def _duckdb_has_views(path: Path) -> bool:
    """The DuckDB file the site offers is there, opens, and has the views (one built by older code has none)."""
    if not path.is_file():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return {n for (n,) in con.execute("select view_name from duckdb_views() where not internal").fetchall()} == set(VIEWS)
    finally:
        con.close()


def unbuilt_releases(root: Path) -> list[str]:
    """Releases in the log whose downloadable artefacts (those of the release's format) are not built yet."""
    return [v for v, fmt in release_formats(root).items() if not all((root / BUILD_DIR / RELEASES_DIR / v / f).is_file() for f in release_artefacts(v, fmt).values())]


def prepare(root: Path) -> Path:
    """Build what the site serves (the data, every release's artefacts and their site copies) if needed; write its
    metadata. The checkout's lock is held throughout: a swap a killed build left committed is completed
    before anything is judged built."""
    segment_files(root)  # no log: refused before the lock's build/ is made
    with outputs_lock(root):
        pending = unbuilt_releases(root)  # reads the whole log: a bad one is refused before anything is said or built
        if needs_build(root):
            print(f"building {root / BUILD_DIR} from the log", file=sys.stderr)
            build(root)
        for version in pending:
            print(f"building the artefacts of release {version}", file=sys.stderr)
            build(root, release=version)
        prepare_copies(root, published_versions(root))
        return write_metadata(root)


ROOT_ENV = "WGTIP_ROOT"
"""Where the plugins find the repository: an environment variable, so that the metadata (which
Datasette publishes at /-/metadata.json) does not reveal the server's paths and does not depend on them."""


def write_metadata(root: Path) -> Path:
    """Generate build/site/metadata.json (from the table models, the built package and the releases' site copies)."""
    versions = published_versions(root)
    releases = {c.name: (c.version, tables_of(c.copy)) for c in release_copies(root, versions)}
    config = {"root": {"$env": ROOT_ENV}, "releases": {name: version for name, (version, _) in releases.items()}}
    meta = datasette_metadata(root, plugin_config=config, releases=releases)
    target = root / BUILD_DIR / SITE_DIR / "metadata.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def datasette_args(root: Path, host: str, port: int) -> list[str]:
    """Datasette's arguments, run from ``root``: each database is named by its path relative to it,
    which Datasette shows (``/-/databases.json``); the server's own paths are shown nowhere."""
    args = ["serve"]
    for path in served(root, published_versions(root)).values():  # the current build first: the default database
        args += ["--immutable", Path(path).resolve().relative_to(root.resolve()).as_posix()]
    args += [
        "--host", host, "--port", str(port),
        # no --metadata: the plugin wgtip_metadata gives Datasette build/site/metadata.json (see there why)
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, _setting(value)]
    return args


def serve(root: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    root = root.resolve()
    check_port(host, port)
    prepare(root)  # writes build/site/metadata.json, which the plugin wgtip_metadata gives Datasette
    args = datasette_args(root, host, port)
    exe = Path(sys.executable).with_name("datasette")
    sys.stdout.flush()
    os.chdir(root)
    os.execve(str(exe), [str(exe), *args], {**os.environ, ROOT_ENV: str(root)})
