"""`wgtip serve`: build the current data if needed, write Datasette's metadata, then run Datasette on the SQLite
database, immutable (read-only), on 127.0.0.1, with this package's plugins and templates. Each release not
built yet is built in the background and served when ready (wgtip.site.running).

The plugins are loaded with --plugins-dir for this server only, so a plain
`datasette build/wgtip.sqlite` (for benchmarks) stays plain.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
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
from .databases import SITE_DIR, ReleaseCopy, copy_is_current, make_copy, release_copies, served, tables_of
from .metadata import datasette_metadata
from .running import ROOT_ENV
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
        return not ({name_of(m) for m in TABLES} | {SEARCH_TABLE, STATISTICS_TABLE} <= have and indexes == index_names() and views == STORED_SQL and numbered_by_position(con))
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


def _say(text: str) -> None:
    print(f"wgtip serve: {text}", file=sys.stderr, flush=True)


def _waiting(root: Path) -> list[ReleaseCopy]:
    """The releases not ready to serve (artefacts not built, or site copy missing or out of date), newest first.
    Reads the whole log: a bad one is refused before anything is said or built."""
    unbuilt = set(unbuilt_releases(root))
    return [c for c in release_copies(root, published_versions(root)) if c.version in unbuilt or not copy_is_current(c)]


def prepare_current(root: Path) -> list[str]:
    """Build the current data if needed and write the site's metadata (with the releases ready to serve); return
    the releases still to build (newest first). The checkout's lock is held throughout: a swap a killed build left
    committed is completed before anything is judged built."""
    segment_files(root)  # no log: refused before the lock's build/ is made
    with outputs_lock(root):
        waiting = _waiting(root)
        if needs_build(root):
            began = time.monotonic()
            _say(f"building {BUILD_DIR}/ from the log")
            build(root)
            _say(f"built {BUILD_DIR}/ in {time.monotonic() - began:.1f} s")
        write_metadata(root, waiting=[c.version for c in waiting])
        return [c.version for c in waiting]


def prepare_releases(root: Path, ready: Callable[[ReleaseCopy], None] = lambda c: None) -> None:
    """Build what the site serves of each release not ready yet, newest first: its artefacts, then its site copy;
    then write the metadata with it and call ``ready`` (the server adds its database)."""
    with outputs_lock(root):
        waiting = _waiting(root)
        unbuilt = set(unbuilt_releases(root))
        for i, c in enumerate(waiting):
            began = time.monotonic()
            if c.version in unbuilt:
                _say(f"release {c.version}: building its artefacts")
                build(root, release=c.version)
            if not copy_is_current(c):
                _say(f"release {c.version}: making its site copy (search index and views)")
                make_copy(c)
            _say(f"release {c.version}: ready in {time.monotonic() - began:.1f} s")
            write_metadata(root, waiting=[w.version for w in waiting[i + 1 :]])
            ready(c)


def prepare(root: Path) -> Path:
    """Build everything the site serves (the data, every release's artefacts and their site copies) if needed;
    write its metadata."""
    segment_files(root)  # no log: refused before the lock's build/ is made
    with outputs_lock(root):  # held throughout, as each step takes it again (it is reentrant)
        prepare_current(root)
        prepare_releases(root)
    return root / BUILD_DIR / SITE_DIR / "metadata.json"


def write_metadata(root: Path, waiting: Sequence[str] = ()) -> Path:
    """Generate build/site/metadata.json (from the table models, the built package and the releases' site copies):
    every release is named in the plugins' configuration; the tables of those in ``waiting`` (not built yet) are
    left out, to be added when they are. Written whole and renamed into place: a running server reads it."""
    versions = published_versions(root)
    copies = release_copies(root, versions)
    releases = {c.name: (c.version, tables_of(c.copy)) for c in copies if c.version not in waiting}
    config = {"root": {"$env": ROOT_ENV}, "releases": {c.name: c.version for c in copies}}
    meta = datasette_metadata(root, plugin_config=config, releases=releases)
    target = root / BUILD_DIR / SITE_DIR / "metadata.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(target.name + ".scratch")
    scratch.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(scratch, target)
    return target


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def datasette_args(root: Path, host: str, port: int, waiting: Sequence[str] = ()) -> list[str]:
    """Datasette's arguments, run from ``root``: each database is named by its path relative to it,
    which Datasette shows (``/-/databases.json``); the server's own paths are shown nowhere. The releases in
    ``waiting`` are left out: the server adds each when it is built (wgtip.site.running)."""
    args = ["serve"]
    skipped = {c.name for c in release_copies(root, list(waiting))}
    for name, path in served(root, published_versions(root)).items():  # the current build first: the default database
        if name not in skipped:
            args += ["--immutable", Path(path).resolve().relative_to(root.resolve()).as_posix()]
    args += [
        "--host",
        host,
        "--port",
        str(port),
        # no --metadata: the plugin wgtip_metadata gives Datasette build/site/metadata.json (see there why)
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--template-dir",
        str(TEMPLATES_DIR),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, _setting(value)]
    return args


def serve(root: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Build the current data if needed, then run Datasette on it at once; the releases not built yet are built
    in the background and served as each is ready (wgtip.site.running)."""
    root = root.resolve()
    check_port(host, port)
    waiting = prepare_current(root)  # writes build/site/metadata.json, which the plugin wgtip_metadata gives Datasette
    args = datasette_args(root, host, port, waiting)
    if waiting:
        _say(
            f"starting Datasette at http://{host}:{port}/; release{'s' if len(waiting) > 1 else ''} {', '.join(waiting)} "
            f"will be built in the background and {'each ' if len(waiting) > 1 else ''}served as soon as it is ready"
        )
    else:
        _say(f"starting Datasette at http://{host}:{port}/")
    # exec, not Datasette in this process: that answered sooner (the plugins' imports were made already) but kept
    # what the build imported, resident for the server's life and counted against its memory cap (docs/benchmarks.md)
    exe = Path(sys.executable).with_name("datasette")
    sys.stdout.flush()
    os.chdir(root)
    os.execve(str(exe), [str(exe), *args], {**os.environ, ROOT_ENV: str(root)})


def _build_releases_for_server(root: Path) -> None:
    """The server's child process (wgtip.site.running): build the releases not ready, telling the server on stdout
    (one JSON line each) as each is; stop when the server is gone."""
    server = os.getppid()

    def ready(c: ReleaseCopy) -> None:
        if os.getppid() != server:  # the server died: nobody will serve what is built next
            raise SystemExit(0)
        print(json.dumps({"ready": c.name}), flush=True)

    try:
        prepare_releases(root, ready)
    except BrokenPipeError:  # the server stopped reading
        raise SystemExit(0) from None
    except (WgtipError, OSError) as err:  # the server says which releases are not served; this says why
        _say(f"error: {err}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    if sys.argv[1:2] != ["--releases"] or len(sys.argv) != 3:
        raise SystemExit("usage: python -m wgtip.site.serve --releases ROOT (run by wgtip serve's server)")
    _build_releases_for_server(Path(sys.argv[2]))
