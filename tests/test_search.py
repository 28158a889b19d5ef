"""Chinese full-text search: the bigram index finds what the search's definition (``search_query.matches``: substring
tests of the words it is cut into) finds. tests/test_search_query.py proves the definition against instr() on every
provision."""

from __future__ import annotations

import sqlite3

import opencc
import pytest
from helpers import indexed_tokens, reference_index
from hypothesis import given, settings
from hypothesis import strategies as st

from wgtip.search import DERIVED_TABLES, ORDER_COLUMN, SEARCH_TABLE, SEARCHED_COLUMN, SEARCHED_TABLE, SearchIndex, index_text, numbered_by_position
from wgtip.search_query import match_expression, matches, parse
from wgtip.tables import TABLES, name_of

# words people type, and combinations meaning "all of them"; the last ones in traditional characters
QUERIES = ["培训", "儿童", "被害人", "强迫劳动", "不惩罚", "不予惩罚", "惩罚", "儿童 培训", "被害人 儿童 保护", "童", "罚", "缔约国", "兒童 培訓", "強迫勞動", "被害人 兒童 保護", "締約國", "罰"]
T2S = opencc.OpenCC("t2s")


def expected(texts: dict[int, str], query: str) -> set[int]:
    """The rows the search's definition finds: every word of the query (as typed or in OpenCC's t2s simplified
    form), each run cut into its words, occurring as a substring of the text."""
    q = parse(query)
    return {k for k, t in texts.items() if matches(q, t)}


def substring_rows(texts: dict[int, str], query: str) -> set[int]:
    """The independent computation: rows whose text contains every space-separated word as typed, or as OpenCC's
    t2s converts it (what a search finds at least: a run finds every text that has the run itself)."""
    words = query.split()
    return {k for k, t in texts.items() if all(w in t or T2S.convert(w) in t for w in words)}


def fts_hits(con: sqlite3.Connection, query: str) -> set[int]:
    return {r for (r,) in con.execute(f'SELECT rowid FROM "{SEARCH_TABLE}" WHERE "{SEARCH_TABLE}" MATCH ?', (match_expression(query),))}


def memory_index(texts: dict[int, str]) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute(f'CREATE VIRTUAL TABLE "{SEARCH_TABLE}" USING fts5(text, tokenize = "unicode61")')
    con.executemany(f'INSERT INTO "{SEARCH_TABLE}" (rowid, text) VALUES (?, ?)', [(k, index_text(t)) for k, t in texts.items()])
    return con


def test_index_text_examples():
    assert index_text("儿童") == "儿童 童"
    assert index_text("加强培训，提高") == "加强 强培 培训 训 提高 高"
    assert index_text("第4/4号") == "第4 4 4号 号"
    assert match_expression('"强迫劳动"') == '"强迫 迫劳 劳动"'
    assert match_expression("强迫劳动") == '("强迫" AND "劳动")'
    assert match_expression("儿童 培训") == '"儿童" AND "培训"'
    assert match_expression("童") == '"童" *'
    assert match_expression("，。 ") == '""'
    assert match_expression("兒童 培训") == '("兒童" OR "儿童") AND "培训"'
    assert match_expression("兒") == '("兒" * OR "儿" *)'


def test_the_words_to_mark_in_results_are_each_word_as_typed_and_simplified_longest_first():
    from wgtip.search_query import highlighted

    assert set(highlighted("兒童 培訓，儿童")) == {"兒童", T2S.convert("兒童"), "培訓", T2S.convert("培訓")} == {"兒童", "儿童", "培訓", "培训"}
    assert highlighted("童 儿童") == ["儿童", "童"]  # 儿童 marked whole, not its 童 first
    assert highlighted("，。 ") == []
    assert highlighted("儿童培训") == ["儿童", "培训"]  # a run: the words it is cut into
    assert highlighted("儿童 -培训") == ["儿童"]  # words left out are not marked


def test_the_notes_example_rows():
    """The six rows of the shared field notes: every query finds what Python's `in` finds."""
    texts = dict(
        enumerate(
            [
                "加强教师专业培训，提高儿童早期教育质量。",
                "建立儿童保护机制，防止校园欺凌。",
                "各级政府应当保障农村留守儿童的受教育权利。",
                "开展职业技能培训和再就业服务。",
                "完善未成年人网络保护制度",
                "儿童",
            ],
            1,
        )
    )
    con = memory_index(texts)
    for q in ["培训", "儿童", "儿童保护", "儿童保护 培训", "保护", "童", "制度", '"儿童保护"', "儿童 -保护", "保护 OR 培训"]:
        assert fts_hits(con, q) == expected(texts, q), q
    for q in ["培训", "儿童", "儿童保护", "儿童保护 培训", "保护", "童", "制度"]:
        assert expected(texts, q) >= substring_rows(texts, q), q  # a run finds at least the texts that have it
    assert fts_hits(con, "培训") == {1, 4}
    assert fts_hits(con, "儿童保护 培训") == set()
    assert fts_hits(con, "儿童保护") == fts_hits(con, "儿童 保护") == {2}
    assert fts_hits(con, "儿童 -保护") == {1, 3, 6}
    assert fts_hits(con, "保护 OR 培训") == {1, 2, 4, 5}


ALPHABET = "儿童培训被害人保护兒訓，。 "  # texts are simplified, with a few traditional characters
QUERY_ALPHABET = "儿童培训被害人保护兒訓護"  # 兒 訓 護: traditional forms of 儿 训 护


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=8),
    query=st.lists(st.text(alphabet=QUERY_ALPHABET, min_size=1, max_size=3), min_size=1, max_size=3),
)
def test_search_equals_substring_test_on_random_texts(texts, query):
    table = dict(enumerate(texts, 1))
    q = " ".join(query)
    assert fts_hits(memory_index(table), q) == expected(table, q) >= substring_rows(table, q)


QUERY_TOKEN = st.text(alphabet=QUERY_ALPHABET, min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=ALPHABET, max_size=14), min_size=1, max_size=8),
    tokens=st.lists(
        st.one_of(
            QUERY_TOKEN, QUERY_TOKEN.map(lambda w: f'"{w}"'), QUERY_TOKEN.map(lambda w: f"-{w}"), st.just("OR"), st.text(alphabet="儿童培训，。 ", min_size=3, max_size=7).map(lambda w: f'"{w}"')
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_phrases_exclusions_and_or_find_what_their_definition_finds(texts, tokens):
    """OR, -word and "phrases" (with punctuation and spaces inside, standing for any): the index finds what
    ``search_query.matches`` finds; a query the syntax refuses is refused with a message in both languages."""
    from hypothesis import reject

    from wgtip.search_query import SearchSyntaxError

    table = dict(enumerate(texts, 1))
    q = " ".join(tokens)
    try:
        parse(q)
    except SearchSyntaxError as err:
        assert err.message and err.message_zh
        reject()
    assert fts_hits(memory_index(table), q) == expected(table, q)


@pytest.fixture(scope="module")
def db(built):
    con = sqlite3.connect(built / "build/wgtip.sqlite")
    yield con
    con.close()


@pytest.mark.parametrize("query", QUERIES)
def test_built_index_finds_what_python_finds(db, query):
    texts = {rowid: text for rowid, text in db.execute(f"SELECT rowid, {SEARCHED_COLUMN} FROM provisions")}
    want = expected(texts, query)
    assert want, f"{query!r} occurs in the data (else this test proves nothing)"
    assert fts_hits(db, query) == want


def test_a_query_in_traditional_characters_finds_what_its_simplified_form_finds(db):
    """The source is printed in simplified characters: 兒童 培訓 is 儿童 培训 to a reader of either."""
    texts = {rowid: text for rowid, text in db.execute(f"SELECT rowid, {SEARCHED_COLUMN} FROM provisions")}
    for traditional, simplified in [("兒童 培訓", "儿童 培训"), ("強迫勞動", "强迫劳动"), ("締約國", "缔约国"), ("罰", "罚")]:
        assert not any(w in t for t in texts.values() for w in traditional.split() if w != T2S.convert(w))  # not in the source as typed
        assert fts_hits(db, traditional) == expected(texts, simplified) != set()
        assert expected(texts, simplified) >= substring_rows(texts, simplified)


def test_a_phrase_the_source_does_not_use_finds_nothing(db):
    """The source says 不惩罚 / 不予惩罚, never 非惩罚: quoted, no false positives from the shared characters; unquoted,
    the run is cut into its words (非 惩罚), and finds the provisions that have both, as the page says."""
    texts = {rowid: text for rowid, text in db.execute(f"SELECT rowid, {SEARCHED_COLUMN} FROM provisions")}
    assert substring_rows(texts, "非惩罚") == set() and substring_rows(texts, "惩罚")
    assert fts_hits(db, '"非惩罚"') == set()
    assert fts_hits(db, "非惩罚") == substring_rows(texts, "非 惩罚") == expected(texts, "非惩罚")


def test_the_built_index_holds_every_provisions_current_text_at_its_position(db):
    """What the index holds must be exactly the index of each provision's current text (the printed
    one with its corrections), at the provision's position."""
    provisions = db.execute(f'SELECT "{ORDER_COLUMN}", "{SEARCHED_COLUMN}", text FROM provisions').fetchall()
    assert indexed_tokens(db, SEARCH_TABLE) == reference_index({position: index_text(current) for position, current, _ in provisions})
    assert any(current != printed for _, current, printed in provisions), "some provisions are corrected (else this proves less)"
    # contentless: the index, without a second copy of the texts
    assert db.execute(f'SELECT count(*), count("{SEARCHED_COLUMN}") FROM "{SEARCH_TABLE}"').fetchone() == (len(provisions), 0)


def test_search_rows_point_at_their_provisions(db):
    """The site finds a match's provision by position (Datasette's fts_pk), and SQL users by rowid:
    both are the index row's rowid."""
    pairs = db.execute(f'SELECT s.rowid, p.rowid, p."{ORDER_COLUMN}" FROM "{SEARCH_TABLE}" s LEFT JOIN provisions p ON p.rowid = s.rowid').fetchall()
    assert len(pairs) == db.execute("SELECT count(*) FROM provisions").fetchone()[0]
    assert all(a == b == c for a, b, c in pairs)
    assert numbered_by_position(db)


def test_sqlite_holds_the_data_tables_and_only_the_declared_derived_tables(db):
    """The same-rows test (test_build) covers the data tables; the search index is the only other table,
    declared in wgtip.search.DERIVED_TABLES and deliberately left out of that comparison (it is not data)."""
    names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    shadows = {f"{t}_{s}" for t in DERIVED_TABLES for s in ("data", "idx", "docsize", "config")}  # contentless: no _content
    planner = {"sqlite_stat1"}  # SQLite's own statistics of the indexes (wgtip.indexes), hidden by Datasette
    assert names == {name_of(m) for m in TABLES} | set(DERIVED_TABLES) | shadows | planner


def test_the_run_pattern_is_exactly_the_tokenizers_character_classes():
    """runs() finds token characters with a regular expression; it must agree with the categories
    FTS5's unicode61 keeps (L*, N*, Co), checked here for every code point."""
    from wgtip.search import _RUN, _is_token_char

    disagree = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000 and bool(_RUN.fullmatch(chr(c))) != _is_token_char(chr(c))]
    assert disagree == []


def test_runs_take_the_fast_path_only_where_it_finds_the_same_characters():
    """Texts without private-use characters are cut by a plainer expression: it must accept exactly
    the token characters outside the private-use planes, and the check must find exactly those planes."""
    import itertools
    import unicodedata

    from wgtip.search import _LETTERS_DIGITS, _PRIVATE_USE, _is_token_char, runs

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert [c for c in chars if bool(_PRIVATE_USE.fullmatch(c)) != (unicodedata.category(c) == "Co")] == []
    assert [c for c in chars if not _PRIVATE_USE.fullmatch(c) and bool(_LETTERS_DIGITS.fullmatch(c)) != _is_token_char(c)] == []

    def reference(text):
        return ["".join(g) for token, g in itertools.groupby(text, _is_token_char) if token]

    for text in ("国家应当，加强合作（第5段）。", "a_b c\ue000d；\U000f0001x", "", "。，", "Ⅳ类²³ ８9"):
        assert runs(text) == reference(text), text


def test_a_run_of_one_character_is_indexed_as_that_character_alone():
    """Per run, its bigrams then its last character: a one-character run has no bigram, only itself."""
    assert index_text("童") == "童"
    assert index_text("童，儿童。罚") == "童 儿童 童 罚"


ROWS = [("p-c", 3, "防止校园欺凌"), ("p-a", 1, "儿童"), ("p-b", 2, "加强教师专业培训，提高儿童早期教育质量。"), ("p-d", 4, "童")]
COLUMNS = ["provision_id", ORDER_COLUMN, SEARCHED_COLUMN]


def search_index(batches: list[list[tuple]]) -> sqlite3.Connection:
    """The SQLite writer's use of SearchIndex, in this process: start, the provisions' rows added in batches
    (each committed, so each makes a segment of the index), finish."""
    con = sqlite3.connect(":memory:")
    index = SearchIndex()
    index.start(con)
    writing = dict(con.execute(f"SELECT k, v FROM \"{SEARCH_TABLE}_config\" WHERE k IN ('automerge', 'crisismerge')"))
    assert writing == {"automerge": 0, "crisismerge": 64}  # no merging while the rows are written
    for batch in batches:
        assert index.entries("meetings", COLUMNS, batch) == []  # only the provisions are indexed
        index.add(con, index.entries(SEARCHED_TABLE, COLUMNS, batch))
        con.commit()  # each batch's segment written
    index.finish(con)
    con.commit()
    return con


def test_the_search_index_holds_each_provision_s_text_at_its_position_merged_whatever_the_batches():
    con = search_index([ROWS])
    one_by_one = search_index([[row] for row in ROWS])
    texts = {position: text for _, position, text in ROWS}
    # the tokens FTS5 indexes for each provision's text in index form, at its position as rowid
    assert indexed_tokens(con, SEARCH_TABLE) == reference_index({k: index_text(t) for k, t in texts.items()})
    assert fts_hits(con, "儿童") == {k for k, t in texts.items() if "儿童" in t}
    # published with FTS5's documented defaults (sqlite.org/fts5.html: automerge 4, crisismerge 16)
    assert dict(con.execute(f"SELECT k, v FROM \"{SEARCH_TABLE}_config\" WHERE k IN ('automerge', 'crisismerge')")) == {"automerge": 4, "crisismerge": 16}
    # merged into one segment at the end, however many the batches made: FTS5 keys a segment's pages
    # segid << 37 (fts5Int.h: FTS5_SEGMENT_ROWID); ids 1 and 10 are the averages and the structure
    segments = {rowid >> 37 for (rowid,) in one_by_one.execute(f'SELECT id FROM "{SEARCH_TABLE}_data" WHERE id > 10')}
    assert len(segments) == 1
    assert indexed_tokens(one_by_one, SEARCH_TABLE) == indexed_tokens(con, SEARCH_TABLE)


def test_a_provision_s_rowid_is_its_position_parameter():
    assert SearchIndex().rowid_for(SEARCHED_TABLE, COLUMNS) == f"?{COLUMNS.index(ORDER_COLUMN) + 1}" == "?2"
    assert SearchIndex().rowid_for(SEARCHED_TABLE, [ORDER_COLUMN, "x"]) == "?1"
    assert SearchIndex().rowid_for("meetings", COLUMNS) is None
