"""What a search typed into the site means, and the FTS5 expression that finds it in the bigram index (``search``).

The syntax, as the search page states it:

- **words**: separated by spaces, every word must occur (``儿童 培训``);
- a **run of characters without spaces** is cut into its words, which must all
  occur, anywhere and in any order: ``儿童培训`` finds what ``儿童 培训`` finds
  (and so every provision with the run itself). The cut is jieba's
  (``segment``: its dictionary, with no guessing of unknown words; characters
  the dictionary has no word for stay together as one word). Punctuation
  inside a run separates words too;
- ``"a phrase"`` (or ``“…”``): the characters exactly as typed, in that order,
  not cut (punctuation and spaces inside it stand for any punctuation or
  spaces);
- ``-word`` leaves out the provisions that a word (or ``-"a phrase"``) finds;
- ``A OR B`` (``OR`` in capitals, between two words or phrases) finds either;
  it binds tighter than the spaces: ``儿童 培训 OR 教育`` is 儿童 and (培训 or 教育).

Each word, and each phrase, is looked for as typed **or** in simplified
characters (OpenCC ``t2s``), in which the source is printed. A query that
breaks the syntax (a quote not closed, ``OR`` without a word on each side, a
``-word`` inside an ``OR``, only words to leave out) is refused with a message
(``SearchSyntaxError``), in English and Chinese.

What a query finds is defined without the index, by ``matches`` (substring
tests on the text): the tests compare the index's answer with it on every
provision, for every two- to four-character substring of the texts and for
combinations of words.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .search import _PRIVATE_USE_RANGES, bigrams, runs, simplified


class SearchSyntaxError(ValueError):
    """A search that cannot be read, with what is wrong in English and in Chinese."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(f"{message} {message_zh}")
        self.message, self.message_zh = message, message_zh


# --- segmentation --------------------------------------------------------------------------------------

_JIEBA: Any = None
_JIEBA_LOCK = threading.Lock()


def _dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


def dictionary_sha256() -> str:
    """The SHA-256 of the dictionary segmentation uses (jieba's own ``dict.txt``): what a query is cut into depends on
    it, so the documentation names it and a test keeps it (a new jieba with another dictionary is a change to see)."""
    return hashlib.sha256(_dictionary().read_bytes()).hexdigest()


def _tokenizer() -> Any:
    """jieba's tokenizer over its own dictionary, made once (about a second) and shared: cutting is read-only."""
    global _JIEBA
    with _JIEBA_LOCK:
        if _JIEBA is None:
            import tempfile

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            # jieba caches the dictionary's prefix table in the temporary directory under one name for any version of
            # its dictionary: named here after the dictionary's hash, so another version's cache is never read instead
            tokenizer.tmp_dir = tempfile.gettempdir()
            tokenizer.cache_file = f"wgtip-jieba-{dictionary_sha256()[:16]}.cache"
            tokenizer.initialize()
            _JIEBA = tokenizer
        return _JIEBA


def warm_up() -> None:
    """Load the dictionary now (the site does it in the background at start-up, so no search waits for it)."""
    _tokenizer()


def _is_word(word: str) -> bool:
    return _tokenizer().FREQ.get(word, 0) > 0


@lru_cache(maxsize=65536)
def split_compound(word: str) -> tuple[str, ...]:
    """A dictionary word that is made of dictionary words of two characters or more, cut into them, each cut again
    (犯罪活动 -> 犯罪 活动; 联合国秘书处 -> 联合国 秘书处); any other word whole (被害人: 人 alone is one character).
    Of several ways, the one with the fewest pieces, then the longest first piece. So a run finds what its words
    typed apart find even where the dictionary has their compound (犯罪活动 finds what 犯罪 活动 finds)."""
    n = len(word)
    best: dict[int, tuple[str, ...] | None] = {n: ()}
    for i in range(n - 2, -1, -1):
        found = None
        for j in range(n, i + 1, -1):  # longest piece first
            if j - i >= 2 and (i, j) != (0, n) and _is_word(word[i:j]) and best.get(j) is not None:
                candidate = (word[i:j], *best[j])  # type: ignore[misc]
                if found is None or len(candidate) < len(found):
                    found = candidate
        best[i] = found
    pieces = best.get(0)
    if not pieces:
        return (word,)
    return tuple(w for piece in pieces for w in split_compound(piece))


def segment(run: str) -> list[str]:
    """A run of token characters cut into words: jieba's dictionary words (``HMM=False``: no guessing of words
    the dictionary lacks), each compound of dictionary words cut into them (``split_compound``), and consecutive
    one-character pieces joined again into one word (characters the dictionary has no word for stay together)."""
    out: list[str] = []
    single = ""
    for piece in _tokenizer().cut(run, HMM=False):
        if len(piece) == 1:
            single += piece
            continue
        if single:
            out.append(single)
            single = ""
        out.extend(split_compound(piece))
    if single:
        out.append(single)
    return out


# --- the parsed query ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or phrase of the query: what was typed, and what finds it: any one of ``alternatives`` (as typed;
    in simplified characters when that differs), each a list of parts that must all occur: words (a cut run), or
    for a phrase a single part, its runs in order."""

    typed: str
    phrase: bool
    alternatives: tuple[tuple[tuple[str, ...], ...], ...]

    @property
    def words(self) -> tuple[str, ...]:
        """Every word or run that finds this term, in all its forms (what the page marks in the texts)."""
        return tuple(dict.fromkeys(w for alt in self.alternatives for part in alt for w in part))


@dataclass(frozen=True)
class Query:
    """AND of ``groups`` (each an OR of terms), leaving out what any of ``excluded`` finds."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.groups


QUOTES = {'"': '"', "“": "”", "”": "“", "「": "」", "『": "』"}
"""Phrase quotes: ASCII, Chinese curly quotes (also typed the wrong way round) and corner brackets."""
_MINUS = ("-", "－")


def _tokens(query: str) -> list[tuple[str, str, bool]]:
    """(kind, text, excluded) for each token: kind 'or', 'phrase' or 'word'."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        excluded = False
        if ch in _MINUS and i + 1 < n and not query[i + 1].isspace():
            excluded, i = True, i + 1
            ch = query[i]
        if ch in QUOTES:
            close = query.find(QUOTES[ch], i + 1)
            if close < 0:
                raise SearchSyntaxError(
                    f'a quote is not closed: {query[i:]!r} (a phrase is written between two quotes, "like this")', f'引号未闭合：{query[i:]}（词组须放在两个引号之间，如 "儿童培训"）'
                )
            out.append(("phrase", query[i + 1 : close], excluded))
            i = close + 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in QUOTES:
            j += 1
        text = query[i:j]
        out.append(("or" if text == "OR" and not excluded else "word", text, excluded))
        i = j
    return out


def _term(kind: str, text: str) -> Term | None:
    forms = list(dict.fromkeys([text, simplified(text)]))
    alternatives: list[tuple[tuple[str, ...], ...]] = []
    for form in forms:
        found = runs(form)
        if not found:
            continue
        if kind == "phrase":
            alternatives.append((tuple(found),))
        else:
            alternatives.append(tuple((w,) for run in found for w in segment(run)))
    alternatives = list(dict.fromkeys(alternatives))
    return Term(text, kind == "phrase", tuple(alternatives)) if alternatives else None


def parse(query: str) -> Query:
    """Read a search; raise ``SearchSyntaxError`` when it breaks the syntax (see the module)."""
    tokens = _tokens(query)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    previous_was_term = False
    for kind, text, minus in tokens:
        if kind == "or":
            if not previous_was_term:
                raise SearchSyntaxError("OR needs a word or phrase on each side (儿童 OR 少年)", "OR 两边都须有词语（儿童 OR 少年）")
            pending_or, previous_was_term = True, False
            continue
        term = _term(kind, text)
        if minus:
            if pending_or:
                raise SearchSyntaxError(f"-{text}: a word to leave out cannot be one side of an OR", f"-{text}：排除的词语不能用于 OR")
            if term is not None:
                excluded.append(term)
            previous_was_term = False
            continue
        if term is None:  # punctuation only: nothing to find
            if pending_or:
                raise SearchSyntaxError("OR needs a word or phrase on each side (儿童 OR 少年)", "OR 两边都须有词语（儿童 OR 少年）")
            continue
        if pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or, previous_was_term = False, True
    if pending_or:
        raise SearchSyntaxError("OR needs a word or phrase on each side (儿童 OR 少年)", "OR 两边都须有词语（儿童 OR 少年）")
    if excluded and not groups:
        raise SearchSyntaxError("a search needs a word to find, not only words to leave out (-word)", "检索须至少包含一个要查找的词语，不能只有排除的词语（-词语）")
    return Query(tuple(tuple(dict.fromkeys(g)) for g in groups), tuple(dict.fromkeys(excluded)))


# --- what a query finds: the definition -----------------------------------------------------------------

_SEPARATOR = f"(?:[^\\w{_PRIVATE_USE_RANGES}]|_)+"
"""One or more characters that are not token characters (``search.runs``: letters, digits, private use)."""


@lru_cache(maxsize=4096)
def _phrase_pattern(found: tuple[str, ...]) -> re.Pattern[str]:
    """The runs of a phrase in order, separated by characters that are not token characters."""
    return re.compile(_SEPARATOR.join(map(re.escape, found)))


def part_in(part: tuple[str, ...], folded: str) -> bool:
    """Whether one part of a term occurs in a text (``folded``: the text in lower case, as ``fold`` makes it): a word
    or a run as a substring; a phrase of several runs as those runs in order, separated by characters that are not
    token characters (letters, digits, private use)."""
    return part[0].lower() in folded if len(part) == 1 else bool(_phrase_pattern(tuple(p.lower() for p in part)).search(folded))


def fold(text: str) -> str:
    """A text as the index compares it: letters in lower case (SQLite's unicode61 tokenizer folds case; Chinese has
    none, and the Latin letters of the source, in document symbols, are ASCII)."""
    return text.lower()


def term_in(term: Term, folded: str) -> bool:
    return any(all(part_in(p, folded) for p in alt) for alt in term.alternatives)


def matches(query: Query, text: str) -> bool:
    """What the search finds, defined on one text without the index: every group has a term in the text, and no
    excluded term is."""
    folded = fold(text)
    return not query.empty and all(any(term_in(t, folded) for t in g) for g in query.groups) and not any(term_in(t, folded) for t in query.excluded)


# --- the FTS5 expression ---------------------------------------------------------------------------------


def _word(word: str) -> str:
    return f'"{word}" *' if len(word) == 1 else '"' + " ".join(bigrams(word)) + '"'


def _phrase(found: tuple[str, ...]) -> str:
    """Runs r1 … rk as one FTS5 phrase of the index's tokens (``search.index_text``): r1 ends a run of the text
    (its bigrams, then its last character, the token that ends a run), each middle run is a whole run, and rk
    begins one (its bigrams; a one-character rk as a prefix)."""
    if len(found) == 1:
        return _word(found[0])
    tokens: list[str] = []
    for i, run in enumerate(found):
        last = i == len(found) - 1
        tokens += bigrams(run)
        if not last:
            tokens.append(run[-1])
        elif len(run) == 1:
            return '"' + " ".join(tokens + [run]) + '" *'
    return '"' + " ".join(tokens) + '"'


def _part(part: tuple[str, ...]) -> str:
    return _word(part[0]) if len(part) == 1 else _phrase(part)


def _and(items: list[str]) -> str:
    items = list(dict.fromkeys(items))  # a word typed twice is looked up once: A AND A is A
    return items[0] if len(items) == 1 else "(" + " AND ".join(items) + ")"


def _or(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else "(" + " OR ".join(items) + ")"


def _term_expression(term: Term) -> str:
    return _or([_and([_part(p) for p in alt]) for alt in term.alternatives])


def expression(query: Query) -> str:
    """The FTS5 MATCH expression for the bigram index that finds exactly what ``matches`` finds; ``""`` (nothing)
    for a query with no word."""
    if query.empty:
        return '""'
    found = " AND ".join(dict.fromkeys(_or([_term_expression(t) for t in g]) for g in query.groups))  # repeated words once
    if query.excluded:
        found = f"({found}) NOT {_or([_term_expression(t) for t in query.excluded])}"
    return found


def match_expression(text: str) -> str:
    """The FTS5 expression for a search as typed (``parse``, then ``expression``)."""
    return expression(parse(text))


def highlighted(text: str) -> list[str]:
    """What a match's text contains of a search: each word (and each run of a phrase) as typed or in simplified
    characters, longest first (so that a word is marked whole, not a shorter word inside it first); words left
    out are not marked. A search that cannot be read marks nothing."""
    try:
        query = parse(text)
    except SearchSyntaxError:
        return []
    found = {w for g in query.groups for t in g for w in t.words}
    return sorted(found, key=lambda w: (-len(w), w))


def explain(query: Query) -> tuple[str, str]:
    """What a search looks for, in English and Chinese, for the results page: each term in the form it is found
    by (in simplified characters when typed otherwise), a run with the words it is cut into."""

    def parts(t: Term) -> list[str]:
        return ["".join(p) if len(p) == 1 else " … ".join(p) for p in t.alternatives[-1]]

    def term_en(t: Term) -> str:
        simpler = f" (in simplified characters {'“' + ''.join(t.alternatives[-1][0]) + '”' if t.phrase else ' '.join(parts(t))})" if len(t.alternatives) > 1 else ""
        if t.phrase:
            return f"the phrase “{t.typed}”{simpler}"
        words = parts(t)
        return " and ".join(words) + (f" (“{t.typed}” cut into words)" if len(words) > 1 else "") + ("" if len(words) > 1 else simpler)

    def term_zh(t: Term) -> str:
        if t.phrase:
            return f"词组“{t.typed}”"
        words = parts(t)
        return "、".join(f"「{w}」" for w in words) + (f"（“{t.typed}”切分为词语）" if len(words) > 1 else "")

    en = " and ".join("(" + " or ".join(map(term_en, g)) + ")" if len(g) > 1 else term_en(g[0]) for g in query.groups)
    zh = "并且".join("（" + "或".join(map(term_zh, g)) + "）" if len(g) > 1 else term_zh(g[0]) for g in query.groups)
    if query.excluded:
        en += ", but not " + " or ".join(map(term_en, query.excluded))
        zh += "，但不含" + "或".join(map(term_zh, query.excluded))
    return f"Provisions whose text contains {en}.", f"正文包含{zh}的条文。"
