"""The site's search proved against a substring oracle on every provision (issue 34 item 2).

The oracle is SQLite's ``instr()`` on the provisions' current texts (in lower case, as the index folds Latin
letters), asked word by word: it knows nothing of the bigram index, of FTS5 or of the expression the site
sends. For every two- to four-character substring of every text, and for combinations of words:

- the index's answer equals the provisions where ``instr()`` finds every word the query is cut into (each run
  cut by ``search_query.segment``), as the search page documents;
- it contains what ``instr()`` finds for the query as typed (a run finds every text that has the run itself);
- the same substring in quotes finds exactly what ``instr()`` finds for it;
- a run made of two words finds at least what the two words typed apart find (``儿童培训`` ⊇ ``儿童 培训``).
"""

from __future__ import annotations

import collections
import itertools
import sqlite3

import pytest

from wgtip.search import SEARCH_TABLE, SEARCHED_COLUMN, runs
from wgtip.search_query import Query, SearchSyntaxError, expression, parse, segment


@pytest.fixture(scope="module")
def db(built):
    con = sqlite3.connect(built / "build/wgtip.sqlite")
    yield con
    con.close()


class Oracle:
    """instr() on the texts, word by word, each word's rows read once."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.rows: dict[str, frozenset[int]] = {}
        self.all = frozenset(r for (r,) in con.execute("select rowid from provisions"))

    def word(self, word: str) -> frozenset[int]:
        if word not in self.rows:
            self.rows[word] = frozenset(r for (r,) in self.con.execute(f"select rowid from provisions where instr(lower({SEARCHED_COLUMN}), lower(?)) > 0", (word,)))
        return self.rows[word]

    def query(self, q: Query) -> frozenset[int]:
        """AND of groups, OR of terms, any of a term's forms, AND of its words (single-run phrases only: a phrase
        of one run is found as that run)."""

        def term(t):
            found = frozenset()
            for alt in t.alternatives:
                assert all(len(part) == 1 for part in alt), t  # no phrase of several runs among these queries
                found |= frozenset.intersection(*(self.word(part[0]) for part in alt))
            return found

        if q.empty:
            return frozenset()
        out = self.all
        for group in q.groups:
            out &= frozenset().union(*(term(t) for t in group))
        for t in q.excluded:
            out -= term(t)
        return out


def fts(con: sqlite3.Connection, q: Query) -> frozenset[int]:
    return frozenset(r for (r,) in con.execute(f'select rowid from "{SEARCH_TABLE}" where "{SEARCH_TABLE}" match ?', (expression(q),)))


def texts(con: sqlite3.Connection) -> list[str]:
    return [t for (t,) in con.execute(f"select {SEARCHED_COLUMN} from provisions")]


def test_every_substring_of_every_text_finds_what_instr_finds_for_its_words(db):
    oracle = Oracle(db)
    substrings = sorted({t[i : i + n] for t in texts(db) for n in (2, 3, 4) for i in range(len(t) - n + 1)})
    assert len(substrings) > 20_000
    refused = checked = 0
    for s in substrings:
        try:
            q = parse(s)
        except SearchSyntaxError:
            assert any(c in s for c in '"“”「」『』'), s  # only an unclosed quote is refused among these
            refused += 1
            continue
        got = fts(db, q)
        assert got == oracle.query(q), s
        if runs(s):
            # what instr() finds for the query as typed (punctuation between runs stands for any)
            assert got >= frozenset.intersection(*(oracle.word(r) for r in runs(s))) >= oracle.word(s), s
            if runs(s) == [s]:
                assert fts(db, parse(f'"{s}"')) == oracle.word(s), s  # quoted: exactly the substring
        checked += 1
    assert checked > 20_000 and refused < checked / 100


def test_a_run_of_two_words_finds_what_the_words_typed_apart_find(db):
    """The 120 words the texts use most (as the search cuts them), each ordered pair written as one run: the run is
    cut into the two words again, so it finds what the two words typed apart find, and the oracle agrees."""
    oracle = Oracle(db)
    counted = collections.Counter(w for t in texts(db) for run in runs(t) for w in segment(run) if len(w) >= 2)
    top = [w for w, _ in counted.most_common(120)]
    pairs = list(itertools.permutations(top, 2))
    assert len(pairs) == 120 * 119
    for a, b in pairs:
        assert segment(a + b) == segment(a) + segment(b), (a, b)
    for a, b in pairs[::7]:  # the index's answers for a seventh of them
        apart, together = parse(f"{a} {b}"), parse(a + b)
        assert fts(db, together) >= fts(db, apart) == oracle.query(apart), (a, b)
        assert fts(db, together) == oracle.query(together) >= oracle.word(a + b), (a, b)


def test_the_issues_example(db):
    """儿童培训 (no space) finds what 儿童 培训 finds: 2 provisions in 1.1.0, none of which has the run itself."""
    oracle = Oracle(db)
    together, apart = fts(db, parse("儿童培训")), fts(db, parse("儿童 培训"))
    assert together >= apart == oracle.word("儿童") & oracle.word("培训") != frozenset()
    assert fts(db, parse('"儿童培训"')) == oracle.word("儿童培训")


def test_phrases_exclusions_and_or_on_the_texts(db):
    """Each operator on the built texts, against the oracle: OR is the union, -word the difference, quotes the
    substring."""
    oracle = Oracle(db)
    assert fts(db, parse("儿童 OR 劳动")) == oracle.word("儿童") | oracle.word("劳动") > oracle.word("儿童")
    assert fts(db, parse("被害人 -儿童")) == oracle.word("被害人") - oracle.word("儿童") < oracle.word("被害人")
    assert fts(db, parse("被害人 儿童 OR 劳动 -培训")) == oracle.word("被害人") & (oracle.word("儿童") | oracle.word("劳动")) - oracle.word("培训")
    assert fts(db, parse('"被害人保护"')) == oracle.word("被害人保护") < fts(db, parse("被害人保护")) == oracle.word("被害人") & oracle.word("保护")


@pytest.mark.parametrize("query", ['"儿童', "OR 儿童", "儿童 OR", "儿童 OR OR 培训", "-儿童", "儿童 OR -培训", "-儿童 -培训"])
def test_queries_the_syntax_refuses_say_why_in_both_languages(query):
    with pytest.raises(SearchSyntaxError) as err:
        parse(query)
    assert err.value.message and err.value.message_zh
    assert all("\u4e00" <= c <= "\u9fff" for c in err.value.message_zh if c.isalpha() and not c.isascii())


def test_segmentation_partitions_the_run_and_uses_the_dictionary_it_names():
    """A run is cut into pieces that put back together are the run; the dictionary is jieba 0.42.1's, whose
    SHA-256 docs/site.md states (a new dictionary would change what a query is cut into: this test says so)."""
    from wgtip.search_query import dictionary_sha256

    for run in ["儿童培训", "对儿童培训", "被害人保护", "联合国秘书处", "毒品和犯罪问题办公室", "巴勒莫议定书", "CTOC", "第4号", "童培"]:
        assert "".join(segment(run)) == run, run
    assert segment("儿童培训") == ["儿童", "培训"]
    assert segment("犯罪活动") == ["犯罪", "活动"]  # a compound of dictionary words: cut into them
    assert segment("被害人") == ["被害人"]  # 人 alone would be one character: kept whole
    assert segment("童培") == ["童培"]  # characters with no dictionary word between them stay together
    assert dictionary_sha256() == "7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8"
