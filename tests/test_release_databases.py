"""The site copy of each release's SQLite file (wgtip.site.databases): the published file's rows, plus a search
index and the views; the published file is never changed; the same file and code give the same bytes."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace

from wgtip.log import read_log
from wgtip.release import releases
from wgtip.search import SEARCH_TABLE
from wgtip.search_query import expression, matches, parse
from wgtip.site.databases import copy_is_current, make_copy, release_copies, release_database, served
from wgtip.views import ANNOTATED_VIEW


def rows(path, table: str) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return sorted(con.execute(f'select * from "{table}"').fetchall(), key=repr)


def names(path, kind: str) -> set[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return {n for (n,) in con.execute("select name from sqlite_master where type = ?", (kind,))}


def test_release_database_names_cite_well_and_differ():
    assert release_database("1.0.0") == "wgtip-1-0-0"
    assert release_database("1.2.0-rc.1") == "wgtip-1-2-0-rc-1"
    assert len({release_database(v) for v in ["1.0.0", "1.0.1", "1.1.0", "10.0.0"]}) == 4


def test_each_release_copy_is_its_artefact_plus_search_and_views_and_the_artefact_is_untouched(released, tmp_path):
    versions = [e.data.version for e in releases(read_log(released))]
    assert len(versions) >= 3
    for c in release_copies(released, versions):
        before = hashlib.sha256(c.artefact.read_bytes()).hexdigest()
        mine = replace(c, copy=tmp_path / "a" / f"{c.name}.sqlite")
        again = replace(c, copy=tmp_path / "b" / f"{c.name}.sqlite")
        make_copy(mine)
        make_copy(again)
        assert mine.copy.read_bytes() == again.copy.read_bytes(), c.version  # byte-reproducible
        assert hashlib.sha256(c.artefact.read_bytes()).hexdigest() == before, c.version  # the published file unchanged
        assert copy_is_current(mine)
        published = names(c.artefact, "table")
        assert names(mine.copy, "table") - published == {SEARCH_TABLE} | {f"{SEARCH_TABLE}_{s}" for s in ("data", "idx", "docsize", "config")}
        for table in published:
            assert rows(mine.copy, table) == rows(c.artefact, table), (c.version, table)
        # the annotated view where the release has the annotation tables (1.1.0 on), else none
        assert (ANNOTATED_VIEW in names(mine.copy, "view")) == ("provision_addressees" in published), c.version
        # the search index holds the release's own texts: a search finds what its definition finds in them
        with closing(sqlite3.connect(mine.copy)) as con:
            texts = dict(con.execute("select position, current_text from provisions"))
            for q in ["儿童 培训", "被害人保护", '"强迫劳动"', "儿童 -培训"]:
                hits = {r for (r,) in con.execute(f'select rowid from "{SEARCH_TABLE}" where "{SEARCH_TABLE}" match ?', (expression(parse(q)),))}
                assert hits == {p for p, t in texts.items() if matches(parse(q), t)} != set(), (c.version, q)


def test_a_copy_older_than_its_artefact_is_made_again(released, tmp_path):
    versions = [e.data.version for e in releases(read_log(released))]
    c = release_copies(released, versions)[0]
    mine = replace(c, copy=tmp_path / f"{c.name}.sqlite")
    assert not copy_is_current(mine)
    make_copy(mine)
    assert copy_is_current(mine)
    artefact = tmp_path / "artefact.sqlite"
    shutil.copyfile(c.artefact, artefact)
    newer = replace(mine, artefact=artefact)
    os.utime(artefact, (mine.copy.stat().st_mtime + 10,) * 2)
    assert not copy_is_current(newer)


def test_the_current_build_is_served_first_then_each_release_newest_first(released):
    versions = [e.data.version for e in releases(read_log(released))]
    assert list(served(released, versions)) == ["wgtip"] + [release_database(v) for v in reversed(versions)]
