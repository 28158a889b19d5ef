"""The SQLite file's indexes: every lookup the site makes of a big table goes through one.

Checked on the built file against what SQLite itself reports (its foreign keys, its query plans)
and the site's own configuration (the sort and facets in its Datasette metadata), not against the
list the build made them from."""

from __future__ import annotations

import sqlite3

import pytest

from wgtip.paths import RELEASES_DIR, release_artefacts
from wgtip.site.metadata import datasette_metadata
from wgtip.site.queries import QUERIES
from wgtip.tables import TABLES, name_of
from wgtip.views import VIEWS

TABLE_NAMES = [name_of(m) for m in TABLES]


def plan(con: sqlite3.Connection, sql: str) -> str:
    return " | ".join(row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}"))


def looked_up(con: sqlite3.Connection, table: str, column: str) -> str:
    return plan(con, f'SELECT count(*) FROM "{table}" WHERE "{column}" = 1')


def uses_an_index(query_plan: str) -> bool:
    # "SEARCH t USING [COVERING] INDEX ..." or "... USING INTEGER PRIMARY KEY ...": never a plain "SCAN t"
    return "USING" in query_plan and ("INDEX" in query_plan or "PRIMARY KEY" in query_plan) and not query_plan.startswith("SCAN")


def declared_indexes(con: sqlite3.Connection) -> set[tuple[str, str]]:
    """(table, index) of every index made by a CREATE INDEX (not a primary key's own)."""
    return set(con.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def foreign_key_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) of every foreign key the file declares, as SQLite reads them."""
    return [(t, row[3]) for t in TABLE_NAMES for row in con.execute(f'PRAGMA foreign_key_list("{t}")')]


@pytest.fixture(scope="module")
def db(built):
    con = sqlite3.connect(built / "build" / "wgtip.sqlite")
    yield con
    con.close()


def test_the_plan_check_tells_a_scan_from_an_index(db):
    """The check below must be able to fail: a column nothing indexes is scanned."""
    assert not uses_an_index(looked_up(db, "provisions", "source_line"))
    assert uses_an_index(looked_up(db, "provisions", "provision_id"))


def test_every_foreign_key_column_is_looked_up_through_an_index(db):
    """Datasette's row page counts, for each foreign key pointing at the row's table, the rows that
    point at this row: without an index each count scans the whole referencing table."""
    fks = foreign_key_columns(db)
    assert len(fks) > 30, "the file declares its foreign keys (else this test proves nothing)"
    scanned = [(t, c, p) for t, c in fks if not uses_an_index(p := looked_up(db, t, c))]
    assert scanned == []


def test_every_column_the_site_sorts_or_facets_by_is_indexed(built, db):
    tables = datasette_metadata(built)["databases"]["wgtip"]["tables"]
    checked = 0
    for table, meta in tables.items():
        if table not in TABLE_NAMES:
            continue  # the views and the search index: their queries read provisions, checked here
        for facet in meta.get("facets", []):
            assert uses_an_index(looked_up(db, table, facet)), (table, facet, looked_up(db, table, facet))
            checked += 1
        if "sort" in meta:
            ordered = plan(db, f'SELECT * FROM "{table}" ORDER BY "{meta["sort"]}" LIMIT 101')
            assert "TEMP B-TREE" not in ordered, (table, meta["sort"], ordered)  # no sort of the whole table per page
            checked += 1
    assert checked > 20


def test_the_view_of_annotated_provisions_reads_provisions_in_index_order(db):
    for view in VIEWS:  # the site's page: sorted by position (its metadata)
        assert "TEMP B-TREE FOR ORDER BY" not in plan(db, f'SELECT * FROM "{view}" ORDER BY position LIMIT 101')


def test_counting_the_views_rows_computes_none_of_its_arrays(db):
    """Datasette counts a view's rows on every page: merged into the count, the view is a count of
    provisions; ordered inside, SQLite computed it whole (each row's four subqueries) first."""
    for view in VIEWS:
        counted = plan(db, f'SELECT count(*) FROM "{view}"')
        assert "SUBQUERY" not in counted and "CO-ROUTINE" not in counted, counted


def test_the_view_finds_each_provisions_annotations_by_its_provision_id(db):
    """Each array of the view is a lookup of one provision's rows in an annotation table. Without the
    planner's statistics SQLite took the addressees through the index on role (nearly every row
    'direct'): most of the table read per provision, 46 s at 10^5 events for the site's own link."""
    query_plan = plan(db, f"SELECT * FROM {VIEWS[0]} WHERE 'unodc' IN (SELECT value FROM json_each(addressees)) LIMIT 101")
    lookups = [step for step in query_plan.split(" | ") if step.startswith(("SEARCH x ", "SCAN x "))]
    assert len(lookups) >= 4, query_plan  # addressees, strength, themes, reference kinds
    assert all(step.endswith("(provision_id=?)") for step in lookups), lookups


def test_the_timeline_counts_each_meetings_provisions_in_an_index_alone(db):
    """The canned timeline counts, per meeting and kind of adoption, its provisions. Without the
    planner's statistics SQLite read them through the index on adoption (three values over every
    provision): 48 s at 10^5 events. Through the index on meeting it read each provision's row
    for its adoption: 1.6 s at 10^6. Through (meeting, adoption) it reads the index only: 0.09 s."""
    query_plan = plan(db, QUERIES["timeline_of_meetings"]["sql"])
    counts = [step for step in query_plan.split(" | ") if step.startswith(("SEARCH p ", "SCAN p "))]
    assert len(counts) == 3, query_plan
    assert all(step.startswith("SEARCH p USING COVERING INDEX") and step.endswith("(meeting=? AND adoption=?)") for step in counts), counts


def test_the_provisions_as_of_a_release_are_found_from_the_releases_texts(db):
    """With the statistics, SQLite read every provision in document order to spare itself a sort,
    and looked up each one's texts: 0.3 s at 10^5 events for a release of 578 texts, where finding
    the release's texts by the index on from_release and sorting them takes 3 ms."""
    query_plan = plan(db, QUERIES["provisions_as_of_release"]["sql"].replace(":version", "'1.0.0'"))
    assert "SCAN p" not in query_plan, query_plan
    assert "SEARCH t USING INDEX" in query_plan, query_plan


def test_a_search_reads_the_position_index_in_page_order(built, db):
    """A search page lists its matches by position. Datasette asks for "{fts_pk} in (select rowid
    from the index where it matches)": with the index's rowids the provisions' positions, SQLite
    reads the matches off the position index in order and stops after a page. Through rowid it
    looked up every match's row and sorted them: 1.0 s at 10^6 events for a word in a third of the
    provisions (past the site's limit under load), 0.14 s this way."""
    meta = datasette_metadata(built)["databases"]["wgtip"]["tables"]["provisions"]
    match = f"(select rowid from {meta['fts_table']} where {meta['fts_table']} match '\"儿童\"')"
    page = plan(db, f'SELECT * FROM provisions WHERE "{meta["fts_pk"]}" IN {match} ORDER BY "{meta["sort"]}" LIMIT 101')
    assert "TEMP B-TREE" not in page and "USING INDEX ix_provisions_position (position=?)" in page, page
    canned = plan(db, QUERIES["search_provisions"]["sql"].replace("escape_fts(:q)", "'\"儿童\"'"))
    assert "TEMP B-TREE" not in canned and "USING INDEX ix_provisions_position (position=?)" in canned, canned
    # the check can fail: through rowid the same page is sorted
    assert "TEMP B-TREE FOR ORDER BY" in plan(db, f'SELECT * FROM provisions WHERE rowid IN {match} ORDER BY "{meta["sort"]}" LIMIT 101')


def test_a_release_file_has_the_same_indexes(released):
    """A downloaded release is browsed and queried like the site's file."""
    current = sqlite3.connect(released / "build" / "wgtip.sqlite")
    want = declared_indexes(current)
    assert want, "the current file has indexes"
    for release in sorted((released / "build" / RELEASES_DIR).iterdir()):
        con = sqlite3.connect(release / release_artefacts(release.name)["sqlite"])
        present = {t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        have = declared_indexes(con)
        assert have == {(t, n) for t, n in want if t in present}, release.name
        assert all(uses_an_index(looked_up(con, t, c)) for t, c in foreign_key_columns(con) if t in present)
        assert con.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0, release.name  # the planner's statistics


def test_the_file_keeps_no_free_pages(built, released):
    """The file is not rewritten at the end: the pages the search index frees when it is merged
    must be reused by the indexes made after it, not left empty in the download."""
    files = [built / "build" / "wgtip.sqlite", *sorted((released / "build" / RELEASES_DIR).glob("*/*.sqlite"))]
    assert len(files) > 1
    for path in files:
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA freelist_count").fetchone()[0] == 0, path.name
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", path.name
        con.close()
