"""Chinese full-text search without a segmentation dictionary: character bigrams indexed by FTS5.

SQLite's stock tokenizers cannot find Chinese words (unicode61 makes a whole
clause one token; trigram ignores queries under three characters). So each
text is rewritten as overlapping two-character tokens, which FTS5's unicode61
tokenizer indexes as they are, and a query is rewritten the same way:

- a text is cut into runs of token characters (letters, numbers, private use:
  the characters unicode61 itself keeps); a run ``abcd`` is indexed as the
  tokens ``ab bc cd d``: every bigram, then its last character alone, so that
  every character of the text starts exactly one token;
- a query word of two or more characters becomes the phrase of its bigrams
  (``"ab bc cd"``), which matches exactly when the word occurs in a run;
- a one-character query word ``c`` becomes the prefix query ``"c" *``, which
  matches exactly when some token starts with ``c``, i.e. when ``c`` occurs;
- several words (separated by spaces or punctuation) are AND-ed.

No dictionary is involved, so the index depends only on the text and the
SQLite version. The index lives in its own derived table (not part of the data
package), whose rowids are those of the provisions table.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

SEARCH_TABLE = "provisions_search"
SEARCHED_TABLE = "provisions"
SEARCHED_COLUMN = "current_text"
"""What the provision says now: the printed text with the recorded corrections applied."""
DERIVED_TABLES = (SEARCH_TABLE,)
"""Tables of the SQLite database that are derived indexes, not data: they are not in the data package."""

DESCRIPTION = (
    f"Derived full-text index of provisions.{SEARCHED_COLUMN} (not part of the data package): each run of letters and digits "
    "is stored as overlapping two-character tokens plus its last character, indexed by FTS5 (unicode61); "
    "rowid = the provision's rowid in provisions."
)


def _is_token_char(ch: str) -> bool:
    # the default token characters of FTS5's unicode61 tokenizer: categories L*, N* and Co
    cat = unicodedata.category(ch)
    return cat[0] in "LN" or cat == "Co"


# The same set as a regular expression, so runs are found in C rather than a character at a time:
# [^\W_] is what str.isalnum() accepts (categories L* and N*); the ranges are the private-use planes (Co).
_RUN = re.compile("(?:[^\\W_]|[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd])+")


def runs(text: str) -> list[str]:
    """Maximal runs of token characters, in order."""
    return _RUN.findall(text)


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """The text as the FTS5 column stores it: per run, its bigrams then its last character."""
    return " ".join(" ".join(bigrams(run) + [run[-1]]) for run in runs(text))


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression finding the rows whose text contains every word of ``query``.

    A query without any letter or digit matches nothing (``""``).
    """
    terms: list[str] = []
    for run in runs(query):
        term = f'"{run}" *' if len(run) == 1 else '"' + " ".join(bigrams(run)) + '"'
        if term not in terms:
            terms.append(term)
    return " AND ".join(terms) if terms else '""'


class SearchIndex:
    """The search table, filled while the provisions are written (a follower of the SQLite writer).

    After each batch of provisions, their index texts go in, in rowid order, made by
    ``index_text`` registered as an SQL function; at the end the index is merged into one
    segment (``optimize``), so the file's bytes depend only on the texts."""

    table = SEARCHED_TABLE

    def __init__(self) -> None:
        self.indexed = 0  # the last rowid of provisions indexed

    def start(self, con: sqlite3.Connection) -> None:
        con.create_function("wgtip_index_text", 1, index_text, deterministic=True)
        con.execute(
            f'CREATE VIRTUAL TABLE "{SEARCH_TABLE}" USING fts5(provision_id UNINDEXED, "{SEARCHED_COLUMN}", tokenize = "unicode61")'
        )

    def follow(self, con: sqlite3.Connection) -> None:
        last = con.execute(f'SELECT max(rowid) FROM "{SEARCHED_TABLE}"').fetchone()[0] or 0
        con.execute(
            f'INSERT INTO "{SEARCH_TABLE}" (rowid, provision_id, "{SEARCHED_COLUMN}") '
            f'SELECT rowid, provision_id, wgtip_index_text("{SEARCHED_COLUMN}") FROM "{SEARCHED_TABLE}" '
            "WHERE rowid > ? ORDER BY rowid",
            (self.indexed,),
        )
        self.indexed = last

    def finish(self, con: sqlite3.Connection) -> None:
        con.execute(f'INSERT INTO "{SEARCH_TABLE}" ("{SEARCH_TABLE}") VALUES (\'optimize\')')

