"""The databases the site serves: the current build, and each published release as it was published.

The current build (``build/wgtip.sqlite``, database ``wgtip``) is the default.
Each release is served as its own immutable database, named so that its URLs
say which release they show and cite well: release 1.0.0 is ``wgtip-1-0-0``,
at ``/wgtip-1-0-0`` (Datasette reserves ``.`` in a database's name for the
format of a response, ``/wgtip.json``, and would spell it ``~2E``).

What is served for a release is a *site copy* of its SQLite artefact
(``build/releases/X/wgtip-X.sqlite``, a published download whose bytes never
change): the artefact's bytes, to which the copy adds what the site needs and
the artefact leaves out, the search index (``search.SearchIndex``, made from
the release's own texts) and the views (``views``) the release's tables allow.
The artefact is only read. The copy is made again when the artefact is newer
or the copy lacks what this code would add; the same artefact and code give
the same bytes (a test builds it twice).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .. import search, views
from ..paths import BUILD_DIR, RELEASES_DIR, SQLITE_NAME, release_artefacts

CURRENT = "wgtip"
"""The current build's database: Datasette names it after the file's stem (build/wgtip.sqlite)."""
SITE_DIR = "site"
"""Under build/: what the site generates (its metadata, the releases' site copies)."""


def release_database(version: str) -> str:
    """The database name (and first segment of every URL) of a release: 1.0.0 -> wgtip-1-0-0."""
    return f"{CURRENT}-" + "".join(c if c.isalnum() else "-" for c in version)


@dataclass(frozen=True)
class ReleaseCopy:
    """A release's site copy and the artefact it is made from."""

    version: str
    name: str
    artefact: Path
    copy: Path


def release_copies(root: Path, versions: list[str]) -> list[ReleaseCopy]:
    """The site copy of each release (newest first, as the site lists them), whether made yet or not."""
    out = []
    for version in reversed(versions):
        name = release_database(version)
        artefact = root / BUILD_DIR / RELEASES_DIR / version / release_artefacts(version)["sqlite"]
        out.append(ReleaseCopy(version, name, artefact, root / BUILD_DIR / SITE_DIR / f"{name}.sqlite"))
    if len({c.name for c in out}) != len(out):
        raise ValueError(f"two releases would share a database name: {', '.join(versions)}")
    return out


def served(root: Path, versions: list[str]) -> dict[str, Path]:
    """Database name -> the file the site opens for it: the current build first (the default), then each release's
    site copy, newest first."""
    return {CURRENT: root / BUILD_DIR / SQLITE_NAME, **{c.name: c.copy for c in release_copies(root, versions)}}


def _tables(con: sqlite3.Connection, kinds: tuple[str, ...] = ("table",)) -> dict[str, set[str]]:
    names = [n for (n,) in con.execute(f"select name from sqlite_master where type in ({', '.join('?' * len(kinds))})", kinds)]
    return {n: {c for (_, c, *_) in con.execute(f'pragma table_info("{n}")')} for n in names}


def tables_of(path: Path) -> dict[str, set[str]]:
    """The tables and views of a database file, each with its columns."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _tables(con, ("table", "view"))
    finally:
        con.close()


def views_for(tables: dict[str, set[str]]) -> dict[str, str]:
    """The views (name -> SQL as sqlite_master keeps it) a database with these tables and columns can have: the
    annotated view needs provisions' columns and every annotation table (a release before annotations has none)."""
    needed = {"provisions": set(views.PROVISION_COLUMNS), **{a.table: {"provision_id", a.column} for a in views.ARRAYS}}
    if all(t in tables and cols <= tables[t] for t, cols in needed.items()):
        return dict(views.STORED_SQL)
    return {}


def _has_search_index(con: sqlite3.Connection) -> bool:
    return bool(con.execute("select 1 from sqlite_master where name = ?", (search.SEARCH_TABLE,)).fetchone())


def copy_is_current(c: ReleaseCopy) -> bool:
    """Whether the site copy is there, not older than its artefact, and has what this code adds (else make it again)."""
    if not c.copy.is_file() or c.copy.stat().st_mtime < c.artefact.stat().st_mtime:
        return False
    con = sqlite3.connect(f"file:{c.copy}?mode=ro", uri=True)
    try:
        have = dict(con.execute("select name, sql from sqlite_master where type = 'view'"))
        return _has_search_index(con) and have == views_for(_tables(con))
    finally:
        con.close()


def make_copy(c: ReleaseCopy) -> Path:
    """Make the release's site copy: the artefact's bytes, then its search index and views. The artefact is read
    only; the copy is written beside its target and renamed into place when complete."""
    c.copy.parent.mkdir(parents=True, exist_ok=True)
    scratch = c.copy.with_name(c.copy.name + ".scratch")
    shutil.copyfile(c.artefact, scratch)
    try:
        con = sqlite3.connect(scratch)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            index = search.SearchIndex()
            index.start(con)
            texts = con.execute(f'select "{search.ORDER_COLUMN}", "{search.SEARCHED_COLUMN}" from "{search.SEARCHED_TABLE}" order by "{search.ORDER_COLUMN}"').fetchall()
            index.add(con, [(position, search.index_text(text)) for position, text in texts])
            index.finish(con)
            for sql in views_for(_tables(con)).values():
                con.execute(sql)
            con.commit()
        finally:
            con.close()
        os.replace(scratch, c.copy)
    finally:
        scratch.unlink(missing_ok=True)
    return c.copy
