"""What makes the site's pages quick to scan, as plain functions the plugins and templates call: a short text
with the search words marked, annotation codes as labelled chips, the characters a change changed, links to the
rows a change names, and CSV rows with labels beside the codes.

Nothing here changes the data: a page shows these beside the values, and the JSON and CSV exports keep the values
(the labelled CSV adds columns, it replaces none).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from ..tables import TABLES, name_of, table_of

SNIPPET_CHARS = 90
"""About two lines of a table page's text column: the full texts are on the provision's page."""


def snippet(text: str | None, words: Iterable[str] = (), width: int = SNIPPET_CHARS) -> Markup:
    """The start of ``text`` (or, when a search word occurs past it, a window that begins shortly before the first
    occurrence), at most ``width`` characters, every occurrence of ``words`` in it in <mark>, an ellipsis where it
    was cut."""
    if not text:
        return Markup("")
    words = sorted({w for w in words if w}, key=len, reverse=True)  # the longest first where two start alike
    first = min((i for i in (text.find(w) for w in words) if i >= 0), default=0)
    start = 0 if first + max(map(len, words), default=0) <= width else max(0, first - width // 4)
    end = min(len(text), start + width)
    if end == len(text):
        start = max(0, end - width)
    out = [Markup("…")] if start > 0 else []
    out.append(mark(text[start:end], words))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def mark(text: str, words: Iterable[str]) -> Markup:
    """``text`` escaped, each occurrence of one of ``words`` (the longest first) in <mark>."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    out, i, last = [], 0, 0
    while i < len(text):
        hit = next((w for w in words if text.startswith(w, i)), None)
        if hit:
            out.append(escape(text[last:i]))
            out.append(Markup("<mark>%s</mark>") % hit)
            i += len(hit)
            last = i
        else:
            i += 1
    out.append(escape(text[last:]))
    return Markup("").join(out)


def codes(value: Any) -> list[str] | None:
    """The codes of an annotated view's array (JSON text, as SQLite gives it); None when it is not one."""
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        found = json.loads(value)
    except ValueError:
        return None
    return [str(c) for c in found] if isinstance(found, list) else None


def chips(found: list[str], labels: Mapping[str, tuple[str, str]], href: Mapping[str, str]) -> Markup:
    """Each code as a chip: its English and Chinese labels (the code itself where the vocabulary has none), the
    code in its title, a link to every provision that has it."""
    out = []
    for code in found:
        en, zh = labels.get(code, (code, ""))
        text = Markup('%s <span lang="zh">%s</span>') % (en, zh) if zh else escape(en)
        out.append(Markup('<a class="wgtip-chip" href="%s" title="%s">%s</a>') % (href.get(code, "#"), code, text))
    return Markup(" ").join(out)


def char_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """``old`` and ``new``, escaped, the characters only one of them has in <del> (old) and <ins> (new)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    a, b = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            a.append(escape(old[i1:i2]))
            b.append(escape(new[j1:j2]))
            continue
        if i2 > i1:
            a.append(Markup("<del>%s</del>") % old[i1:i2])
        if j2 > j1:
            b.append(Markup("<ins>%s</ins>") % new[j1:j2])
    return Markup("").join(a), Markup("").join(b)


def primary_keys() -> dict[str, list[str]]:
    """Each table's primary key columns, from the table models."""
    return {name_of(m): [c.name for c in table_of(m).primary_key.columns] for m in TABLES}


def row_key(table: str, row_id: str, keys: Mapping[str, list[str]]) -> list[str] | None:
    """The key values a change's ``row_id`` names in ``table`` (a composite key's values joined with "/"); None
    when it cannot be split into the table's key columns."""
    pk = keys.get(table)
    if not pk:
        return None
    if len(pk) == 1:
        return [row_id]
    parts = row_id.split("/", len(pk) - 1)
    return parts if len(parts) == len(pk) else None


def labelled_header(columns: list[str], term_columns: Mapping[str, str], arrays: Iterable[str]) -> list[str]:
    """A CSV header with, after each column of codes, its labels: ``<column>_label`` and ``<column>_label_zh``
    (for an array of codes, the labels in the array's order, joined with "; ")."""
    arrays = set(arrays)
    out = []
    for c in columns:
        out.append(c)
        if c in term_columns or c in arrays:
            out += [f"{c}_label", f"{c}_label_zh"]
    return out


def _plain(value: Any) -> Any:
    """A value, or the value of a foreign key that Datasette expanded (``{"value": …, "label": …}``)."""
    return value["value"] if isinstance(value, dict) and "value" in value else value


def labelled_row(row: Mapping[str, Any], columns: list[str], term_columns: Mapping[str, str], arrays: Iterable[str], labels: Mapping[str, Mapping[str, tuple[str, str]]]) -> list[Any]:
    """A row's values in ``labelled_header`` order. ``labels``: vocabulary -> code -> (label, label_zh). A foreign
    key that Datasette expanded (``{"value": …, "label": …}``) gives its value here (its label is in the
    header's ``<column>_label`` only for codes of a vocabulary)."""
    arrays = set(arrays)
    out: list[Any] = []
    for c in columns:
        value = _plain(row.get(c))
        out.append(value)
        if c in term_columns:
            vocabulary = labels.get(term_columns[c], {})
            if c in arrays:
                found = codes(value) or []
                out += ["; ".join(vocabulary.get(x, (x, ""))[0] for x in found), "; ".join(vocabulary.get(x, ("", x))[1] for x in found)]
            else:
                en, zh = vocabulary.get(value, ("", "")) if value is not None else ("", "")
                out += [en, zh]
    return out
