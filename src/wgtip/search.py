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
from operator import add
from typing import Any, Iterable

SEARCH_TABLE = "provisions_search"
SEARCHED_TABLE = "provisions"
SEARCHED_COLUMN = "current_text"
"""What the provision says now: the printed text with the recorded corrections applied."""
DERIVED_TABLES = (SEARCH_TABLE,)
"""Tables of the SQLite database that are derived indexes, not data: they are not in the data package."""

DESCRIPTION = (
    f"Derived full-text index of provisions.{SEARCHED_COLUMN} (not part of the data package): each run of letters and digits "
    "is indexed as overlapping two-character tokens plus its last character by FTS5 (unicode61), in a contentless "
    "table (it holds the index, not the texts); rowid = the provision's rowid in provisions."
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


ROWIDS_TABLE = "provisions_search_rowids"
"""The index's own map provision_id -> rowid, in the writer's temporary schema (not in the file)."""


MERGING_WHILE_WRITING = {"automerge": 0, "crisismerge": 64}
MERGING_DEFAULTS = {"automerge": 4, "crisismerge": 16}
"""FTS5's own defaults (https://www.sqlite.org/fts5.html#the_automerge_configuration_option)."""


class SearchIndex:
    """The search table, fed while the log is still being folded (an index of the SQLite writer).

    The build feeds each provision's printed text as the log adds it (``added_rows``), so the
    index grows beside the fold, on a core that would otherwise wait for it; and, once the fold
    is finished, the current text of each corrected provision (``corrected_rows``), which replaces
    the printed one. A provision's rowid, here and in the provisions table, is the order in which
    the log added it: the only order known before the whole log is folded (positions, document
    order, are known only at the end). Rows of ``provisions`` are inserted with that rowid,
    looked up by provision id (``rowid_for``). At the end the index is merged into one segment
    (``optimize``), so its bytes depend only on the texts and their order.

    The table is contentless (``content=''``): it holds the index, not a second copy of the texts
    in bigram form (~15% of the file). So a text is replaced by deleting the tokens it was indexed
    with, which the feeder sends beside the new text; SQLite 3.40 has no ``contentless_delete``."""

    name = SEARCH_TABLE

    def start(self, con: sqlite3.Connection) -> None:
        con.execute(f'CREATE VIRTUAL TABLE "{SEARCH_TABLE}" USING fts5("{SEARCHED_COLUMN}", content = \'\', tokenize = "unicode61")')
        con.execute(f'CREATE TEMP TABLE "{ROWIDS_TABLE}" (rowid INTEGER PRIMARY KEY, provision_id TEXT NOT NULL UNIQUE)')
        # every segment is merged into one at the end (optimize): merging them while they are
        # written as well (FTS5's automerge) was ~30% of the index's cost, for nothing
        self._configure(con, MERGING_WHILE_WRITING)

    def add(self, con: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        """Index rows of UTF-8 texts: ``(provision_id, text)`` for a provision not indexed yet, which
        takes the next rowid; ``(provision_id, text, replaced)`` for one indexed with ``replaced``."""
        new = [r for r in rows if len(r) == 2]
        if new:
            first = (con.execute(f'SELECT max(rowid) FROM temp."{ROWIDS_TABLE}"').fetchone()[0] or 0) + 1
            changes = con.total_changes
            con.executemany(f'INSERT OR IGNORE INTO temp."{ROWIDS_TABLE}" (provision_id) VALUES (?)', [(pid,) for pid, _ in new])
            if con.total_changes - changes != len(new):  # each new provision numbered in turn, or one was known
                known = [pid for pid, _ in new if self._rowid(con, pid) < first]
                raise ValueError(
                    f"search index: {known[0]} is indexed already; replacing its text needs the text it was indexed with"
                    if known else "search index: a provision was fed twice in one batch"
                )
            con.executemany(
                f'INSERT INTO "{SEARCH_TABLE}" (rowid, "{SEARCHED_COLUMN}") VALUES (?, ?)',
                [(rowid, index_text(text.decode("utf-8"))) for rowid, (_, text) in enumerate(new, first)],
            )
        for pid, text, replaced in (r for r in rows if len(r) == 3):
            rowid = self._rowid(con, pid)
            con.execute(f'INSERT INTO "{SEARCH_TABLE}" ("{SEARCH_TABLE}", rowid, "{SEARCHED_COLUMN}") VALUES (\'delete\', ?, ?)', (rowid, index_text(replaced.decode("utf-8"))))
            con.execute(f'INSERT INTO "{SEARCH_TABLE}" (rowid, "{SEARCHED_COLUMN}") VALUES (?, ?)', (rowid, index_text(text.decode("utf-8"))))

    @staticmethod
    def _rowid(con: sqlite3.Connection, pid: str) -> int:
        found = con.execute(f'SELECT rowid FROM temp."{ROWIDS_TABLE}" WHERE provision_id = ?', (pid,)).fetchone()
        if found is None:
            raise ValueError(f"search index: {pid} was never indexed, so its text cannot be replaced")
        return found[0]

    def rowid_for(self, table: str, columns: list[str]) -> str | None:
        """The rowid of a row of ``table`` (an SQL expression over the row's numbered parameters), or None.
        A provision never indexed gets a text rowid, which SQLite refuses: the insert fails."""
        if table != SEARCHED_TABLE:
            return None
        pid = columns.index("provision_id") + 1
        return f"coalesce((SELECT rowid FROM temp.\"{ROWIDS_TABLE}\" WHERE provision_id = ?{pid}), 'not in the search index')"

    def finish(self, con: sqlite3.Connection) -> None:
        con.execute(f'INSERT INTO "{SEARCH_TABLE}" ("{SEARCH_TABLE}") VALUES (\'optimize\')')
        self._configure(con, MERGING_DEFAULTS)  # the file is published with FTS5's defaults

    @staticmethod
    def _configure(con: sqlite3.Connection, options: dict[str, int]) -> None:
        for option, value in options.items():
            con.execute(f'INSERT INTO "{SEARCH_TABLE}" ("{SEARCH_TABLE}", rank) VALUES (?, ?)', (option, value))


# Texts are fed as UTF-8 bytes: pickling a str to the writer process would leave a UTF-8 copy
# cached inside the fold's own str for as long as the fold holds it (~300 MB at a million provisions).


def added_rows(provisions: Iterable[Any]) -> list[tuple[str, bytes]]:
    """Provisions just added by the fold, in the order it added them: their printed texts."""
    return [(p.provision_id, p.text.encode("utf-8")) for p in provisions]


def corrected_rows(provisions: Iterable[Any]) -> list[tuple[str, bytes, bytes]]:
    """Once the fold is finished: the provisions whose current text is not the printed one, each
    with the printed text, which ``added_rows`` indexed and the current one replaces."""
    return [(p.provision_id, getattr(p, SEARCHED_COLUMN).encode("utf-8"), p.text.encode("utf-8")) for p in provisions if p.corrections]
