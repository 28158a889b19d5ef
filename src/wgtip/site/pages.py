"""What the site's own pages show beyond Datasette's: the home page's facts about the dataset,
a provision's context (parent, children, footnotes, annotations, citation) and the downloadable files.

Citations are not composed here: the provision's comes from its `citation`
column, the dataset's from wgtip.citation, as `wgtip cite` gives them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import citation, views
from .. import metadata as dataset
from ..paths import BUILD_DIR, DATA_DIR, DESCRIPTOR, DUCKDB_NAME, RELEASES_DIR, SQLITE_NAME, release_artefacts
from ..tables import TABLES, name_of
from .metadata import package_info, term_columns, view_foreign_labels


@dataclass(frozen=True)
class Download:
    name: str  # path under /-/downloads/
    path: Path
    what: str


def downloads(root: Path, releases: list[str] = ()) -> list[Download]:
    """The files offered for download, each by a fixed name (nothing else under the root is reachable):
    the current build, its package file by file, and the artefacts of each release (newest first)."""
    out = [
        Download(DUCKDB_NAME, root / BUILD_DIR / DUCKDB_NAME, "DuckDB database (same rows as the SQLite database)"),
        Download(SQLITE_NAME, root / BUILD_DIR / SQLITE_NAME, "SQLite database (with the search index)"),
        Download(DESCRIPTOR, root / DESCRIPTOR, "Frictionless data package descriptor (sizes and SHA-256 of every CSV)"),
    ]
    out += [Download(f"{DATA_DIR}/{name_of(m)}.csv", root / DATA_DIR / f"{name_of(m)}.csv", f"CSV of table {name_of(m)}") for m in TABLES]
    what = {"zip": "zipped data package", "sqlite": "SQLite database", "duckdb": "DuckDB database", "sums": "SHA-256 checksums of the other files"}
    for version in reversed(list(releases)):
        for key, file in release_artefacts(version).items():
            rel = f"{RELEASES_DIR}/{version}/{file}"
            out.append(Download(rel, root / BUILD_DIR / rel, f"release {version}: {what[key]}"))
    return [d for d in out if d.path.is_file()]


def locator(p: dict[str, Any]) -> str:
    """Paragraph, item and sub-item for display: para. 46 (j) (vi)."""
    return f"para. {p['paragraph']}" + "".join(f" ({x})" for x in (p.get("item"), p.get("subitem")) if x)


async def release_versions(db: Any) -> list[str]:
    return [r["version"] for r in (await db.execute("select version from releases order by release_order")).rows]


async def dataset_citation(db: Any, version: str) -> str:
    """The dataset's citation for the version being served (a release's date and digest, when it is one)."""
    rows = (await db.execute("select published_on, digest from releases where version = :v", {"v": version})).rows
    if rows:
        v = citation.DatasetVersion(version, dt.date.fromisoformat(rows[0]["published_on"]), rows[0]["digest"])
    else:
        v = citation.DatasetVersion(version, None)
    return citation.dataset_text(v)


async def provision_context(db: Any, provision_id: str) -> dict[str, Any] | None:
    """Everything the provision row page shows besides the row itself."""
    rows = [dict(r) for r in (await db.execute("select * from provisions where provision_id = :id", {"id": provision_id})).rows]
    if not rows:
        return None
    p = rows[0]
    parent = None
    if p.get("parent_id"):
        parent = [dict(r) for r in (await db.execute(
            "select provision_id, label, current_text from provisions where provision_id = :id", {"id": p["parent_id"]})).rows][0]
    children = [dict(r) for r in (await db.execute(
        "select provision_id, label, current_text from provisions where parent_id = :id order by position", {"id": provision_id})).rows]
    footnotes = [dict(r) for r in (await db.execute(
        "select footnote_id, marker, text from footnotes where provision_id = :id order by number", {"id": provision_id})).rows]
    revisions = [dict(r) for r in (await db.execute(
        "select revision, text, from_release, to_release, reason from provision_texts where provision_id = :id order by revision",
        {"id": provision_id})).rows]
    meeting = [dict(r) for r in (await db.execute("select heading from meetings where meeting = :m", {"m": p["meeting"]})).rows]
    topics = [r["topic"] for r in (await db.execute("select topic from provision_topics where provision_id = :id", {"id": provision_id})).rows]
    return {
        "provision": p,
        "parent": parent,
        "children": children,
        "footnotes": footnotes,
        "revisions": revisions if len(revisions) > 1 else [],
        "meeting_heading": meeting[0]["heading"] if meeting else None,
        "locator": locator(p),
        "citation": p.get("citation"),
        "topics": topics,
        "annotations": await annotations(db, provision_id),
    }


_terms_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}


async def vocabulary_terms(db: Any, vocabulary: str) -> list[dict[str, Any]]:
    """The vocabulary's terms in its order: code, label, label_zh and the vocabulary's title. The file is served
    immutable, so they are read once."""
    key = (db.path, vocabulary)
    if key not in _terms_cache:
        _terms_cache[key] = [dict(r) for r in (await db.execute(
            "select t.code, t.label, t.label_zh, v.title as vocabulary from vocabulary_terms t join vocabularies v "
            "using (vocabulary) where t.vocabulary = :v order by t.position", {"v": vocabulary})).rows]
    return _terms_cache[key]


@dataclass(frozen=True)
class AnnotationGroup:
    """One kind of annotation of a provision, for its page: the vocabulary's title and each value with its evidence."""

    title: str
    title_zh: str
    view_column: str  # the annotated view's array column, whose facet lists every provision with a value
    values: list[dict[str, Any]]


async def _group(db: Any, a: views.ArrayColumn, rows: list[Any]) -> AnnotationGroup | None:
    """The array's values under its vocabulary's titles; None when there are none (or no such vocabulary)."""
    vocabulary = (await db.execute("select title, title_zh from vocabularies where vocabulary = :v", {"v": a.vocabulary})).rows
    if not rows or not vocabulary:
        return None
    return AnnotationGroup(vocabulary[0]["title"], vocabulary[0]["title_zh"], a.name, [dict(r) for r in rows])


async def annotations(db: Any, provision_id: str) -> list[AnnotationGroup]:
    """The provision's addressees, strengths, themes and references (the annotated view's arrays), each value with
    its vocabulary labels, its evidence and whether the view lists it (only direct addressees are in the view)."""
    out = []
    for a in views.ARRAYS:
        rows = (await db.execute(
            f"select x.*, x.{a.column} as code, t.label, t.label_zh, ({a.where or 1}) as in_view from {a.table} x "
            f"left join vocabulary_terms t on t.vocabulary = :v and t.code = x.{a.column} "
            "where x.provision_id = :id order by in_view desc, t.position, x.span_start",
            {"v": a.vocabulary, "id": provision_id})).rows
        if group := await _group(db, a, rows):
            out.append(group)
    return out


BROWSE = ("themes", "addressees")
"""The annotated view's arrays the home page offers as ways in: each term with the number of provisions that have it."""
_browse_cache: dict[str, list[AnnotationGroup]] = {}


async def browse(db: Any) -> list[AnnotationGroup]:
    """Every term of the BROWSE arrays' vocabularies that some provision has, in the vocabulary's order, with the
    number of provisions the view's facet lists for it. The file is served immutable, so it is counted once; a count
    over the site's time limit leaves its group out (``ArrayColumn.counts`` over the whole view: the themes' took
    0.02 s on the 10^5-event build, 0.30 s at 10^6)."""
    # here, not at the top: importing Datasette turns on sqlite3's callback tracebacks for the whole process
    from datasette.database import QueryInterrupted

    if db.path in _browse_cache:
        return _browse_cache[db.path]
    out = []
    for a in (a for name in BROWSE for a in views.ARRAYS if a.name == name):
        try:
            counts = dict((await db.execute(a.counts())).rows)
        except QueryInterrupted:
            continue
        rows = [dict(t, provisions=counts[t["code"]]) for t in await vocabulary_terms(db, a.vocabulary) if t["code"] in counts]
        if group := await _group(db, a, rows):
            out.append(group)
    _browse_cache[db.path] = out
    return out


_LATIN_WORD = re.compile(r"[A-Za-z]+")
_NOT_SEARCHED = frozenset("a an and are as at by for from in into is of on or the to with".split()) | {"human", "persons", "trafficking"}
"""Words of a query left out when matching labels: function words, and what every recommendation is about."""


def english_words(query: str) -> list[str]:
    """The query's words in Latin letters (lower case, each once, in order), those of three letters or more and
    not in ``_NOT_SEARCHED``."""
    words = (w.lower() for w in _LATIN_WORD.findall(query))
    return list(dict.fromkeys(w for w in words if len(w) >= 3 and w not in _NOT_SEARCHED))


def label_matches(words: list[str], label: str) -> bool:
    """Whether one of ``words`` is a word of the English ``label`` or begins one (child: Children), or one of them
    begins with a word of the label of four letters or more (trainings: Training)."""
    parts = [w.lower() for w in _LATIN_WORD.findall(label)]
    return any(p.startswith(w) or (len(p) >= 4 and w.startswith(p)) for w in words for p in parts if p not in _NOT_SEARCHED)


@dataclass(frozen=True)
class SearchHint:
    """What the site says under a search that has English words: the texts are Chinese; these terms match them."""

    words: list[str]
    terms: list[dict[str, Any]]  # view_column, code, label, label_zh, vocabulary (its title)


async def search_hint(db: Any, query: str) -> SearchHint | None:
    """For a search with English words (``english_words``), the terms of the annotated view's vocabularies whose
    English label matches one of them (``label_matches``), in the view's order of arrays and each vocabulary's
    order; None for a search without such words. The texts are printed in Chinese, so an English word finds
    nothing in them; the annotations are labelled in English too, and each term leads to its provisions."""
    words = english_words(query)
    if not words:
        return None
    return SearchHint(words, [dict(t, view_column=a.name) for a in views.ARRAYS for t in await vocabulary_terms(db, a.vocabulary)
                              if label_matches(words, t["label"])])


_labels_cache: dict[tuple[str, str], dict[str, dict[str, str]]] = {}


async def facet_labels(db: Any, table: str) -> dict[str, dict[str, str]]:
    """For each column of ``table`` holding a vocabulary's codes, each code's labels (English · Chinese), which the
    site shows beside the code in that column's facet; on the annotated view also each meeting's heading, which
    the provisions table's facet shows through its foreign key."""
    key = (db.path, table)
    if key not in _labels_cache:
        out: dict[str, dict[str, str]] = {}
        for column, vocabulary in term_columns(table).items():
            out[column] = {t["code"]: f"{t['label']} · {t['label_zh']}" for t in await vocabulary_terms(db, vocabulary)}
        if table == views.ANNOTATED_VIEW:
            for column, (target, target_key, label) in view_foreign_labels().items():
                rows = (await db.execute(f'select "{target_key}", "{label}" from "{target}"')).rows
                out[column] = {str(k): v for k, v in rows}
        _labels_cache[key] = out
    return _labels_cache[key]


async def home_context(db: Any, root: Path) -> dict[str, Any]:
    info = package_info(root)
    versions = await release_versions(db)
    return {
        "title": dataset.TITLE,
        "title_zh": dataset.TITLE_ZH,
        "description": dataset.DESCRIPTION,
        "description_zh": dataset.DESCRIPTION_ZH,
        "version": info["version"],
        "sources": info["sources"],
        "license": dataset.LICENSE,
        "citation": await dataset_citation(db, info["version"]),
        "releases": versions,
        "downloads": downloads(root, versions),
        "browse": await browse(db),
    }
