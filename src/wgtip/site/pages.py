"""What the site's own pages show beyond Datasette's: the home page's facts about the dataset,
a provision's context (parent, children, footnotes, annotations, citation) and the downloadable files.

Citations are not composed here: they come from wgtip.citation, as `wgtip cite`
gives them, through wgtip.site.citing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import citation, licence, search_query, views
from .. import metadata as dataset
from .. import quality_statements as quality
from ..annotation_kinds import KINDS
from ..events import RELEASE_FORMATS
from ..metadata import Identifiers, doi_url, identifiers
from ..paths import BUILD_DIR, DATA_DIR, DESCRIPTOR, DUCKDB_NAME, RELEASES_DIR, SQLITE_NAME, release_artefacts
from ..release import release_dois
from ..search import SEARCH_TABLE
from ..tables import TABLES, name_of
from . import citing, findable, running
from .databases import CURRENT, release_database
from .metadata import package_info, term_columns, view_foreign_labels


@dataclass(frozen=True)
class Download:
    name: str  # path under /-/downloads/
    path: Path
    what: str


def downloads(root: Path, releases: Sequence[str] = ()) -> list[Download]:
    """The files offered for download, each by a fixed name (nothing else under the root is reachable):
    the current build, its package file by file, and the artefacts of each release (newest first)."""
    out = [
        Download(DUCKDB_NAME, root / BUILD_DIR / DUCKDB_NAME, "DuckDB database (same rows as the SQLite database)"),
        Download(SQLITE_NAME, root / BUILD_DIR / SQLITE_NAME, "SQLite database (with the search index)"),
        Download(DESCRIPTOR, root / DESCRIPTOR, "Frictionless data package descriptor (sizes and SHA-256 of every CSV)"),
    ]
    out += [Download(f"{DATA_DIR}/{name_of(m)}.csv", root / DATA_DIR / f"{name_of(m)}.csv", f"CSV of table {name_of(m)}") for m in TABLES]
    what = {
        "zip": "zipped data package",
        "sqlite": "SQLite database",
        "duckdb": "DuckDB database",
        "parquet": "every table as Parquet (zipped)",
        "checkpoints": "checkpoints of the log's releases (wgtip verify --checkpoints)",
        "sums": "SHA-256 checksums of the other files",
    }
    for version in reversed(list(releases)):
        # the artefacts of the latest release format; a release published in an earlier one has fewer (only existing files are listed)
        for key, file in release_artefacts(version, max(RELEASE_FORMATS)).items():
            rel = f"{RELEASES_DIR}/{version}/{file}"
            out.append(Download(rel, root / BUILD_DIR / rel, f"release {version}: {what[key]}"))
    return [d for d in out if d.path.is_file()]


def locator(p: dict[str, Any]) -> str:
    """Paragraph, item and sub-item for display: para. 46 (j) (vi)."""
    return f"para. {p['paragraph']}" + "".join(f" ({x})" for x in (p.get("item"), p.get("subitem")) if x)


async def release_versions(db: Any) -> list[str]:
    return [r["version"] for r in (await db.execute("select version from releases order by release_order")).rows]


@functools.cache
def _identifiers(root: str) -> Identifiers:
    return identifiers(Path(root))


@functools.cache
def _dois(root: str) -> dict[str, str]:
    return release_dois(Path(root))


def dataset_identifiers(config: dict[str, Any]) -> Identifiers:
    """The dataset's identifiers (identifiers.toml), read once: the site serves what was there when it started."""
    return _identifiers(str(config["root"]))


def recorded_dois(config: dict[str, Any]) -> dict[str, str]:
    """The DOI recorded for each release (``wgtip record-doi``), read once from the log."""
    return _dois(str(config["root"]))


@functools.cache
def _built_version(root: str) -> str:
    # read once: the server serves the build it started with, immutable
    return package_info(Path(root))["version"]


def served_version(config: dict[str, Any], database: str) -> str:
    """The version of the data a database holds (``config``: the plugins' configuration): a release's, or the
    current build's (the built package's)."""
    return config.get("releases", {}).get(database) or _built_version(str(config["root"]))


_headings_cache: dict[str, dict[str, str]] = {}


async def meeting_headings_en(db: Any) -> dict[str, str]:
    """Each meeting's heading in English (``citation.meeting_heading``: from its ordinal, dates and venue), by meeting.
    The file is served immutable, so they are read once."""
    if db.path not in _headings_cache:
        rows = (await db.execute("select meeting, start_date, end_date, venue from meetings")).rows
        _headings_cache[db.path] = {str(r["meeting"]): citation.meeting_heading(r["meeting"], dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["end_date"]), r["venue"]) for r in rows}
    return _headings_cache[db.path]


CONTEXT_CACHE_SIZE = 1024
"""Provision pages whose context is kept (the file is served immutable): at most this many, the least recently
shown dropped first. A page's context is a few kilobytes."""
_context_cache: OrderedDict[tuple[str, str], dict[str, Any] | None] = OrderedDict()


async def provision_context(db: Any, provision_id: str) -> dict[str, Any] | None:
    """``_provision_context``, kept for the CONTEXT_CACHE_SIZE provisions shown last (it takes 17 queries to make)."""
    key = (db.path, provision_id)
    if key in _context_cache:
        _context_cache.move_to_end(key)
        return _context_cache[key]
    found = await _provision_context(db, provision_id)
    _context_cache[key] = found
    if len(_context_cache) > CONTEXT_CACHE_SIZE:
        _context_cache.popitem(last=False)
    return found


async def _provision_context(db: Any, provision_id: str) -> dict[str, Any] | None:
    """Everything the provision row page shows besides the row itself."""
    rows = [dict(r) for r in (await db.execute("select * from provisions where provision_id = :id", {"id": provision_id})).rows]
    if not rows:
        return None
    p = rows[0]
    parent = None
    if p.get("parent_id"):
        parent = [dict(r) for r in (await db.execute("select provision_id, label, current_text from provisions where provision_id = :id", {"id": p["parent_id"]})).rows][0]
    children = [dict(r) for r in (await db.execute("select provision_id, label, current_text from provisions where parent_id = :id order by position", {"id": provision_id})).rows]
    footnotes = [dict(r) for r in (await db.execute("select footnote_id, marker, text from footnotes where provision_id = :id order by number", {"id": provision_id})).rows]
    revisions = [
        dict(r) for r in (await db.execute("select revision, text, from_release, to_release, reason from provision_texts where provision_id = :id order by revision", {"id": provision_id})).rows
    ]
    meeting = [dict(r) for r in (await db.execute("select heading from meetings where meeting = :m", {"m": p["meeting"]})).rows]
    topics = (
        [] if "provision_topics" not in await table_names(db) else [r["topic"] for r in (await db.execute("select topic from provision_topics where provision_id = :id", {"id": provision_id})).rows]
    )
    return {
        "provision": p,
        "parent": parent,
        "children": children,
        "footnotes": footnotes,
        "revisions": revisions if len(revisions) > 1 else [],
        "meeting_heading": meeting[0]["heading"] if meeting else None,
        "meeting_heading_en": (await meeting_headings_en(db)).get(str(p["meeting"])),
        "locator": locator(p),
        "citation": p.get("citation"),
        "topics": topics,
        "annotations": await annotation_groups(db, provision_id),
    }


_terms_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}


async def vocabulary_terms(db: Any, vocabulary: str) -> list[dict[str, Any]]:
    """The vocabulary's terms in its order: code, label, label_zh and the vocabulary's title. The file is served
    immutable, so they are read once."""
    key = (db.path, vocabulary)
    if key not in _terms_cache:
        _terms_cache[key] = [
            dict(r)
            for r in (
                await db.execute(
                    "select t.code, t.label, t.label_zh, v.title as vocabulary from vocabulary_terms t join vocabularies v using (vocabulary) where t.vocabulary = :v order by t.position",
                    {"v": vocabulary},
                )
            ).rows
        ]
    return _terms_cache[key]


@dataclass(frozen=True)
class AnnotationGroup:
    """One kind of annotation of a provision, for its page: the vocabulary's title and each value with its evidence."""

    title: str
    title_zh: str
    view_column: str  # the annotated view's (first) array of the kind, whose facet lists every provision with a value
    values: list[dict[str, Any]]


async def _group(db: Any, a: views.ArrayColumn, rows: list[Any]) -> AnnotationGroup | None:
    """The array's values under its vocabulary's titles; None when there are none (or no such vocabulary)."""
    vocabulary = (await db.execute("select title, title_zh from vocabularies where vocabulary = :v", {"v": a.vocabulary})).rows
    if not rows or not vocabulary:
        return None
    return AnnotationGroup(vocabulary[0]["title"], vocabulary[0]["title_zh"], a.name, [dict(r) for r in rows])


async def annotation_groups(db: Any, provision_id: str) -> list[AnnotationGroup]:
    """The provision's addressees, strengths, themes and references (the kinds the annotated view shows), each value
    with its vocabulary labels, its evidence and the view's array that lists it (``view_column``: for an addressee the
    array of its role, so an indirect addressee links to the provisions with it in that role), in the order of the
    kind's arrays, then the vocabulary's. A kind whose table the database lacks (a release before annotations) has none."""
    out = []
    tables = await table_names(db)
    for arrays in views.arrays_by_kind().values():
        first = arrays[0]
        if first.table not in tables:
            continue
        which = " ".join(f"WHEN {a.where or 1} THEN {i}" for i, a in enumerate(arrays))
        rows = [
            dict(r)
            for r in (
                await db.execute(
                    f"select x.*, x.{first.column} as code, t.label, t.label_zh, CASE {which} END as array_index from {first.table} x "
                    f"left join vocabulary_terms t on t.vocabulary = :v and t.code = x.{first.column} "
                    "where x.provision_id = :id order by array_index, t.position, x.span_start",
                    {"v": first.vocabulary, "id": provision_id},
                )
            ).rows
        ]
        for r in rows:
            r["view_column"] = None if r["array_index"] is None else arrays[r["array_index"]].name
        if group := await _group(db, first, rows):
            out.append(group)
    return out


_tables_cache: dict[str, frozenset[str]] = {}


async def table_names(db: Any) -> frozenset[str]:
    """The tables and views of a database (read once: the files are served immutable). A release's database has
    the tables of that release only."""
    if db.path not in _tables_cache:
        rows = (await db.execute("select name from sqlite_master where type in ('table', 'view')")).rows
        _tables_cache[db.path] = frozenset(r[0] for r in rows)
    return _tables_cache[db.path]


BROWSE = {"theme": ("themes",), "addressee": ("addressees", "addressees_any")}
"""The kinds of annotation the home page offers as ways in, and the annotated view's arrays whose counts it gives
for each term (an addressee's: as a direct addressee, and in any role), each count a link to its provisions."""
_browse_cache: dict[str, list[AnnotationGroup]] = {}


async def browse(db: Any) -> list[AnnotationGroup]:
    """Every term of the BROWSE kinds' vocabularies that some provision has, in the vocabulary's order, with the
    number of provisions each of the kind's BROWSE arrays (its facet) lists for it: ``counts``, a list of
    (view_column, qualifier, provisions), the first also as ``provisions``. The file is served immutable, so it is
    counted once; a count over the site's time limit leaves its group out (``ArrayColumn.counts`` over the whole
    view: the themes' took 0.02 s on the 10^5-event build, 0.30 s at 10^6)."""
    # here, not at the top: importing Datasette turns on sqlite3's callback tracebacks for the whole process
    from datasette.database import QueryInterrupted

    if db.path in _browse_cache:
        return _browse_cache[db.path]
    out: list[AnnotationGroup] = []
    by_name = {a.name: a for a in views.ARRAYS}
    for names in BROWSE.values() if views.ANNOTATED_VIEW in await table_names(db) else ():
        arrays = [by_name[n] for n in names]
        try:
            counts = [dict((await db.execute(a.counts())).rows) for a in arrays]
        except QueryInterrupted:
            continue
        rows = [
            dict(
                t,
                provisions=counts[0].get(t["code"], 0),
                qualified=len(arrays) > 1,
                counts=[{"view_column": a.name, "qualifier": a.qualifier, "provisions": c[t["code"]]} for a, c in zip(arrays, counts, strict=True) if t["code"] in c],
            )
            for t in await vocabulary_terms(db, arrays[0].vocabulary)
            if any(t["code"] in c for c in counts)
        ]
        if group := await _group(db, arrays[0], rows):
            out.append(group)
    _browse_cache[db.path] = out
    return out


_LATIN_WORD = re.compile(r"[A-Za-z]+")
_NOT_SEARCHED = frozenset(["a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or", "the", "to", "with"]) | {"human", "persons", "trafficking"}
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
    English label matches one of them (``label_matches``), in the view's order of kinds and each vocabulary's
    order, each once, linked to the kind's broadest array (an addressee in any role); None for a search without
    such words. The texts are printed in Chinese, so an English word finds nothing in them; the annotations are
    labelled in English too, and each term leads to its provisions."""
    words = english_words(query)
    if not words or views.ANNOTATED_VIEW not in await table_names(db):
        return None
    broadest = [arrays[-1] for arrays in views.arrays_by_kind().values()]
    return SearchHint(words, [dict(t, view_column=a.name, qualifier=a.qualifier) for a in broadest for t in await vocabulary_terms(db, a.vocabulary) if label_matches(words, t["label"])])


@dataclass(frozen=True)
class SearchReport:
    """What the results page says of a search: what it looks for (in English and Chinese), how many provisions it
    finds on its own (the page's other filters aside), and, when none, how many each of its terms finds alone."""

    explained: str
    explained_zh: str
    found: int
    terms: list[dict[str, Any]]  # typed, provisions (each term alone); only when found is 0


async def _count(db: Any, query: search_query.Query) -> int:
    rows = (await db.execute(f'select count(*) from "{SEARCH_TABLE}" where "{SEARCH_TABLE}" match :q', {"q": search_query.expression(query)})).rows
    return rows[0][0]


async def search_report(db: Any, text: str) -> SearchReport | None:
    """The report on a search (``search_query``), or None for a search with no word or one that cannot be read."""
    try:
        query = search_query.parse(text)
    except search_query.SearchSyntaxError:
        return None
    if query.empty or SEARCH_TABLE not in await table_names(db):
        return None
    explained, explained_zh = search_query.explain(query)
    found = await _count(db, query)
    terms = []
    if not found:
        for t in dict.fromkeys(t for g in query.groups for t in g):
            terms.append({"typed": f'"{t.typed}"' if t.phrase else t.typed, "provisions": await _count(db, search_query.Query(((t,),), ()))})
    return SearchReport(explained, explained_zh, found, terms)


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
        if table in ("provisions", views.ANNOTATED_VIEW):
            # the meetings' English headings (composed from their facts) beside the printed ones
            english = await meeting_headings_en(db)
            printed = out.get("meeting", {})
            out["meeting"] = {k: f"{printed[k]} · {v}" if k in printed else v for k, v in english.items()}
        _labels_cache[key] = out
    return _labels_cache[key]


QUALITY_TABLE = "annotation_quality"
_quality_cache: dict[str, list[dict[str, Any]]] = {}


async def quality_rows(db: Any) -> list[dict[str, Any]]:
    """The rows of annotation_quality (the log's latest measurement of each kind), read once; none in a database
    without the table (a release published before it): that release stated no measurement."""
    if db.path not in _quality_cache:
        rows: list[dict[str, Any]] = []
        if QUALITY_TABLE in await table_names(db):
            rows = [dict(r) for r in (await db.execute(f"select * from {QUALITY_TABLE}")).rows]
        _quality_cache[db.path] = rows
    return _quality_cache[db.path]


async def quality_summary(db: Any) -> list[dict[str, Any]]:
    """Each measured kind, in the kinds' order, for the home page: its name, its published figures and the statement
    (``quality_statements.kind_statement``) of how its annotations were made and how good they measured."""
    kinds = quality.by_kind(await quality_rows(db))
    return [
        dict(
            kind=k.name,
            title=quality.PLURAL.get(k.name, k.name).capitalize(),
            statement=quality.kind_statement(k.name, kinds[k.name]),
            published=kinds[k.name].get("published"),
            rules=kinds[k.name].get("rules"),
        )
        for k in KINDS
        if k.name in kinds
    ]


async def facet_quality(db: Any, table: str) -> dict[str, str]:
    """For each facet of ``table`` that counts a measured kind's annotations (the annotated view's arrays, an
    annotation table's value column), the line the site shows under its name: how the annotations were made and
    their measured precision and recall (of the published annotations: what the facet counts)."""
    kinds = quality.by_kind(await quality_rows(db))
    measured = {kind: sources["published"] for kind, sources in kinds.items() if "published" in sources}
    if table == views.ANNOTATED_VIEW:
        return {a.name: quality.facet_note(measured[a.kind]) for a in views.ARRAYS if a.kind in measured}
    return {k.column: quality.facet_note(measured[k.name]) for k in KINDS if k.table == table and k.name in measured}


@dataclass(frozen=True)
class ReleaseLink:
    """A release as the site lists it: its version, date and digest, its database and its downloads."""

    version: str
    published_on: str
    digest: str
    notes: str
    database: str
    downloads: list[Download]


async def release_links(db: Any, root: Path) -> list[ReleaseLink]:
    """Every release (newest first), each with the database that serves it as published and its artefacts."""
    rows = (await db.execute("select version, published_on, digest, notes from releases order by release_order desc")).rows
    files = downloads(root, [r["version"] for r in rows])
    return [
        ReleaseLink(r["version"], r["published_on"], r["digest"], r["notes"], release_database(r["version"]), [d for d in files if d.name.startswith(f"{RELEASES_DIR}/{r['version']}/")]) for r in rows
    ]


async def database_context(db: Any, database: str, version: str, root: Path) -> dict[str, Any]:
    """What a database's page says besides Datasette's list of tables: which version of the data it holds (a
    release as published, or the current build), its citation with the release's digest, and its downloads."""
    served = await citing.dataset_version(db, version, _dois(str(root)))
    releases = await release_links(db, root)
    return {
        "database": database,
        "version": version,
        "is_release": database != CURRENT,
        "current": CURRENT,
        "published_on": served.published_on.isoformat() if served.published_on else None,
        "digest": served.digest,
        "release": next((r for r in releases if r.version == version), None),
        "releases": releases,
    }


_home_cache: dict[tuple[str, str], dict[str, Any]] = {}


async def home_context(db: Any, root: Path) -> dict[str, Any]:
    """``_home_context``, made once: the files and the database are not changed while the site runs (once no release
    is being built: ``running.settled``)."""
    key = (db.path, str(root))
    if key in _home_cache:
        return _home_cache[key]
    final = running.settled()  # asked before the files are listed
    found = await _home_context(db, root)
    if final:
        _home_cache[key] = found
    return found


async def _home_context(db: Any, root: Path) -> dict[str, Any]:
    info = package_info(root)
    versions = await release_versions(db)
    return {
        "title": dataset.TITLE,
        "title_zh": dataset.TITLE_ZH,
        "description": dataset.DESCRIPTION,
        "description_zh": dataset.DESCRIPTION_ZH,
        "version": info["version"],
        "sources": info["sources"],
        "license": licence.DATA,
        "licence_note": licence.SHORT,
        "un_terms": licence.UN_TERMS,
        "identifiers": _identifiers(str(root)),
        "citation": citing.text(await citing.dataset_version(db, info["version"], _dois(str(root))), _identifiers(str(root))),
        "releases": versions,
        "release_links": await release_links(db, root),
        "downloads": downloads(root, versions),
        "browse": await browse(db),
        "quality": await quality_summary(db),
    }


_coverage_cache: dict[str, str] = {}


async def temporal_coverage(db: Any) -> str:
    """The span of the meetings the data covers, as an ISO 8601 interval (first day of the first, last day of the last)."""
    if db.path not in _coverage_cache:
        first, last = (await db.execute("select min(start_date), max(end_date) from meetings")).rows[0]
        _coverage_cache[db.path] = f"{first}/{last}"
    return _coverage_cache[db.path]


_jsonld_cache: dict[tuple[str, str, str, str | None], dict[str, Any] | None] = {}


async def dataset_jsonld(db: Any, root: Path, download_url: Any, page_url: str, version: str | None = None) -> dict[str, Any] | None:
    """``_dataset_jsonld``, made once per page address (the files are not changed while the site runs, once no
    release is being built: ``running.settled``)."""
    key = (db.path, str(root), page_url, version)
    if key in _jsonld_cache:
        return _jsonld_cache[key]
    final = running.settled()  # asked before the files are listed
    found = await _dataset_jsonld(db, root, download_url, page_url, version)
    if final:
        if len(_jsonld_cache) > 256:  # addresses differ only by host and release: a bound against odd Host headers
            _jsonld_cache.clear()
        _jsonld_cache[key] = found
    return found


async def _dataset_jsonld(db: Any, root: Path, download_url: Any, page_url: str, version: str | None = None) -> dict[str, Any] | None:
    """schema.org Dataset JSON-LD (``findable.dataset_jsonld``) for the build being served (``version`` None: its
    package's version, distributed as the current files) or for a published release (its artefacts, with the SHA-256
    its SHA256SUMS recorded); None for a version that is not a release. ``download_url(name)``: a download's
    absolute address."""
    info = package_info(root)
    releases = {r["version"]: r for r in (await db.execute("select version, published_on, digest from releases")).rows}
    if version is None:
        version = info["version"]
        files = [d for d in downloads(root) if not d.name.startswith(RELEASES_DIR + "/")]
        distributions = [findable.Distribution(d.path.name, download_url(d.name), d.what, findable.sha256_of(d.path), d.path.stat().st_size) for d in files]
    elif version in releases:
        files = [d for d in downloads(root, [version])]
        sums_file = next((d.path for d in files if d.path.name == release_artefacts(version)["sums"]), None)
        recorded = findable.recorded_sums(sums_file) if sums_file else {}
        distributions = [
            findable.Distribution(d.path.name, download_url(d.name), d.what, recorded.get(d.path.name) or findable.sha256_of(d.path), d.path.stat().st_size)
            for d in files
            if d.name.startswith(f"{RELEASES_DIR}/{version}/")
        ]
    else:
        return None
    release = releases.get(version)
    return findable.dataset_jsonld(
        version=version,
        page_url=page_url,
        temporal_coverage=await temporal_coverage(db),
        distributions=distributions,
        sources=info["sources"],
        citation=citing.text(await citing.dataset_version(db, version, _dois(str(root))), _identifiers(str(root))),
        published_on=release["published_on"] if release else None,
        digest=release["digest"] if release else None,
        homepage=_identifiers(str(root)).homepage,
        doi_url=doi_url(_dois(str(root))[version]) if version in _dois(str(root)) else None,
    )
