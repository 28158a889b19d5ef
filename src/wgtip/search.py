"""Chinese full-text search without a segmentation dictionary: character bigrams indexed by FTS5.

SQLite's stock tokenizers cannot find Chinese words (unicode61 makes a whole
clause one token; trigram ignores queries under three characters). So each
text is rewritten as overlapping two-character tokens, which FTS5's unicode61
tokenizer indexes as they are, and a query is rewritten the same way:

- a text is cut into runs of token characters (letters, numbers, private use:
  the characters unicode61 itself keeps); a run ``abcd`` is indexed as the
  tokens ``ab bc cd d``: every bigram, then its last character alone, so that
  every character of the text starts exactly one token;
- a word of two or more characters is then found by the phrase of its bigrams
  (``"ab bc cd"``), which matches exactly when the word occurs in a run, and a
  one-character word ``c`` by the prefix query ``"c" *``, which matches exactly
  when some token starts with ``c``, i.e. when ``c`` occurs.

What a search typed on the site means (words, runs cut into words, phrases,
``-word``, ``OR``, traditional characters) and the expression that finds it
are in ``search_query``. No dictionary is involved in the index, so it depends
only on the text and the SQLite version (jieba's dictionary and OpenCC's
tables are used on queries only). The index lives in its own derived table (not part of the data
package), whose rowids are the provisions' positions (and their rowids in the provisions table).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from operator import add
from typing import Any

import opencc

SEARCH_TABLE = "provisions_search"
SEARCHED_TABLE = "provisions"
SEARCHED_COLUMN = "current_text"
"""What the provision says now: the printed text with the recorded corrections applied."""
DERIVED_TABLES = (SEARCH_TABLE,)
"""Tables of the SQLite database that are derived indexes, not data: they are not in the data package."""

DESCRIPTION = (
    f"Derived full-text index of provisions.{SEARCHED_COLUMN} (not part of the data package): each run of letters and digits "
    "is indexed as overlapping two-character tokens plus its last character by FTS5 (unicode61), in a contentless "
    "table (it holds the index, not the texts); rowid = the provision's position, which is its rowid in provisions too."
)


def _is_token_char(ch: str) -> bool:
    # the default token characters of FTS5's unicode61 tokenizer: categories L*, N* and Co
    cat = unicodedata.category(ch)
    return cat[0] in "LN" or cat == "Co"


# The same set as a regular expression, so runs are found in C rather than a character at a time:
# [^\W_] is what str.isalnum() accepts (categories L* and N*); the ranges are the private-use planes (Co).
_PRIVATE_USE_RANGES = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_RUN = re.compile(f"(?:[^\\W_]|[{_PRIVATE_USE_RANGES}])+")
_LETTERS_DIGITS = re.compile(r"[^\W_]+")
_PRIVATE_USE = re.compile(f"[{_PRIVATE_USE_RANGES}]")


def runs(text: str) -> list[str]:
    """Maximal runs of token characters, in order."""
    # without private-use characters (almost every text) a plain class finds the same runs, twice as fast
    return (_RUN if _PRIVATE_USE.search(text) else _LETTERS_DIGITS).findall(text)


def bigrams(run: str) -> list[str]:
    # each character paired with the next by map, in C, rather than by slicing in a Python loop
    return list(map(add, run, run[1:]))


def index_text(text: str) -> str:
    """The text as the FTS5 column stores it: per run, its bigrams then its last character."""
    return " ".join([" ".join(bigrams(run)) + " " + run[-1] if len(run) > 1 else run for run in runs(text)])


_T2S = opencc.OpenCC("t2s")
_T2S_LOCK = threading.Lock()  # Datasette calls escape_fts from several threads; one converter, used in turn


def simplified(word: str) -> str:
    """The word in simplified characters (OpenCC's t2s: traditional to simplified, phrases first)."""
    with _T2S_LOCK:
        return _T2S.convert(word)


ORDER_COLUMN = "position"
"""The searched table's document order: the index's rowid, and the provisions' rowid too."""


def numbered_by_position(con: sqlite3.Connection) -> bool:
    """Whether a built file's provisions (and so its index) are numbered by position: files built
    before this index was written in document order were numbered in the order the log added them."""
    query = f'SELECT NOT EXISTS (SELECT 1 FROM "{SEARCHED_TABLE}" WHERE rowid <> "{ORDER_COLUMN}")'
    return bool(con.execute(query).fetchone()[0])


MERGING_WHILE_WRITING = {"automerge": 0, "crisismerge": 64}
MERGING_DEFAULTS = {"automerge": 4, "crisismerge": 16}
"""FTS5's own defaults (https://www.sqlite.org/fts5.html#the_automerge_configuration_option)."""


class SearchIndex:
    """The search table, an index of the SQLite writer, filled as the provisions are written.

    Each provision's current text (the printed one with its corrections) is indexed at its
    position, and the provision's row is given that position as its rowid. So the index's rowids
    are in document order: a search, which lists its matches by position, reads the position
    index in that order and stops after the page's rows, where rowids in any other order made
    SQLite look up every match's row and sort them (a word in a third of a million events'
    provisions: 1.0 s against 0.14 s). At the end the index is merged into one segment
    (``optimize``), so its bytes depend only on the texts and their positions.

    The table is contentless (``content=''``): it holds the index, not a second copy of the texts
    in bigram form (~15% of the file)."""

    name = SEARCH_TABLE

    def start(self, con: sqlite3.Connection) -> None:
        con.execute(f'CREATE VIRTUAL TABLE "{SEARCH_TABLE}" USING fts5("{SEARCHED_COLUMN}", content = \'\', tokenize = "unicode61")')
        # every segment is merged into one at the end (optimize): merging them while they are
        # written as well (FTS5's automerge) was ~30% of the index's cost, for nothing
        self._configure(con, MERGING_WHILE_WRITING)

    def rowid_for(self, table: str, columns: list[str]) -> str | None:
        """The rowid of a row of ``table`` (an SQL expression over the row's numbered parameters), or None."""
        return f"?{columns.index(ORDER_COLUMN) + 1}" if table == SEARCHED_TABLE else None

    def entries(self, table: str, columns: list[str], rows: list[Any]) -> list[tuple[int, str]]:
        """Each provision's position and its current text as the index stores it (``index_text``)."""
        if table != SEARCHED_TABLE:
            return []
        at, text = columns.index(ORDER_COLUMN), columns.index(SEARCHED_COLUMN)
        return [(r[at], index_text(r[text])) for r in rows]

    def add(self, con: sqlite3.Connection, entries: list[tuple[int, str]]) -> None:
        con.executemany(f'INSERT INTO "{SEARCH_TABLE}" (rowid, "{SEARCHED_COLUMN}") VALUES (?, ?)', entries)

    def finish(self, con: sqlite3.Connection) -> None:
        con.execute(f'INSERT INTO "{SEARCH_TABLE}" ("{SEARCH_TABLE}") VALUES (\'optimize\')')
        self._configure(con, MERGING_DEFAULTS)  # the file is published with FTS5's defaults

    @staticmethod
    def _configure(con: sqlite3.Connection, options: dict[str, int]) -> None:
        for option, value in options.items():
            con.execute(f'INSERT INTO "{SEARCH_TABLE}" ("{SEARCH_TABLE}", rank) VALUES (?, ?)', (option, value))
