"""Citations on the site's pages: of the version a database holds, of a provision in it, and of a query's answer.

The citations themselves are written by ``wgtip.citation`` (text, BibTeX,
CSL-JSON …), the same functions as ``wgtip cite``; this module reads what
they need from the database a page shows (a release's own tables, so a page
of release 1.0.0 cites release 1.0.0, with its digest) and defines the hash
of a query's answer.

**The hash of an answer** (``answer_sha256``): SHA-256 of the UTF-8 bytes of
one line per row, after a first line of the column names, each line a JSON
array written without spaces (``json.dumps(row, ensure_ascii=False,
separators=(",", ":"))``: text as JSON strings, integers as numbers, REAL
values as Python writes them, NULL as ``null``, a BLOB as
``{"$base64":true,"encoded":"…"}``) and ended by ``\\n``; the rows are the
whole answer (not only the 1,000 a page shows), in the order the query
returns them (give it an ORDER BY for an order that holds). docs/site.md
gives a recipe with Python's standard library; a test recomputes it from the
served file with sqlite3.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from .. import citation
from ..metadata import Identifiers
from ..tables import Meeting, Provision, SourceDocument, columns

HASH_DEFINITION = "SHA-256 over the answer as JSON lines: the column names, then each row, each a JSON array written without spaces, UTF-8, one per line (\\n); every row of the answer, in its order"


# --- the hash of an answer ------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": base64.b64encode(value).decode()}
    return value


def answer_line(values: list[Any]) -> bytes:
    """One line of the hashed answer (``answer_sha256``)."""
    return json.dumps([_json_value(v) for v in values], ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def hash_query(conn: Any, sql: str, params: dict[str, Any], time_limit_ms: int) -> tuple[int, str, list[str]]:
    """Run ``sql`` on a Datasette connection (in its thread) under the time limit and hash its whole answer as it
    is read (rows are not kept): (number of rows, SHA-256 hex, column names)."""
    from datasette.utils import sqlite_timelimit

    h = hashlib.sha256()
    count = 0
    with sqlite_timelimit(conn, time_limit_ms):
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        h.update(answer_line(names))
        while batch := cursor.fetchmany(500):
            for row in batch:
                h.update(answer_line(list(row)))
            count += len(batch)
    return count, h.hexdigest(), names


# --- what a page cites -----------------------------------------------------------------------------------


def _typed(model: type, row: dict[str, Any]) -> dict[str, Any]:
    """A row read from SQLite with its dates and booleans as the fold gives them (what a citation needs)."""
    out = dict(row)
    for c in columns(model):
        value = out.get(c.name)
        if value is None:
            continue
        if c.kind == "date":
            out[c.name] = dt.date.fromisoformat(value)
        elif c.kind == "boolean":
            out[c.name] = bool(value)
    return out


async def dataset_version(db: Any, version: str, dois: dict[str, str] | None = None) -> citation.DatasetVersion:
    """The version a database holds, as a citation names it: a release's date and digest (from the database's own
    releases table) and its DOI when one is recorded (``dois``: ``release.release_dois``), or a version that is not
    a release."""
    rows = (await db.execute("select published_on, digest from releases where version = :v", {"v": version})).rows
    if rows:
        return citation.DatasetVersion(version, dt.date.fromisoformat(rows[0]["published_on"]), rows[0]["digest"], (dois or {}).get(version))
    return citation.DatasetVersion(version, None)


async def provision_facts(db: Any, provision_id: str) -> citation.ProvisionFacts | None:
    """What a provision's citation says, read from the database shown."""
    p = (await db.execute("select * from provisions where provision_id = :id", {"id": provision_id})).rows
    if not p:
        return None
    provision = _typed(Provision, dict(p[0]))
    meeting = (await db.execute("select * from meetings where meeting = :m", {"m": provision["meeting"]})).rows
    document = (await db.execute("select * from source_documents where document = :d", {"d": provision["source_document"]})).rows
    if not meeting or not document:
        return None
    return citation.facts(provision, _typed(Meeting, dict(meeting[0])), _typed(SourceDocument, dict(document[0])))


FORMATS = {
    "bib": ("BibTeX", "application/x-bibtex; charset=utf-8", "bibtex"),
    "ris": ("RIS", "application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8", "csl-json"),
    "txt": ("text", "text/plain; charset=utf-8", "text"),
}
"""The citation downloads the site offers (extension -> name, media type, ``citation.render``'s format)."""


def text(version: citation.DatasetVersion, ids: Identifiers, facts: citation.ProvisionFacts | None = None) -> str:
    """The citation as text, with the digest when the version is a release (as ``wgtip cite`` writes it)."""
    return citation.render("text", version, ids, facts).removesuffix("\n")


def render(extension: str, version: citation.DatasetVersion, ids: Identifiers, facts: citation.ProvisionFacts | None = None) -> str:
    """The citation in one of ``FORMATS``, as ``wgtip cite`` writes it."""
    if extension not in FORMATS:
        raise ValueError(f"no citation format {extension!r} (formats: {', '.join(FORMATS)})")
    return citation.render(FORMATS[extension][2], version, ids, facts)


def query_citation(database: str, version: citation.DatasetVersion, ids: Identifiers, sql: str, params: dict[str, Any], rows: int, sha256: str, url: str) -> dict[str, Any]:
    """ "Cite this query": the SQL and its parameters, the database and the version it ran on (a release's date and
    digest), the number of rows and the hash of the whole answer, and the dataset's citation."""
    return {
        "database": database,
        "version": version.version,
        "release": version.published_on is not None,
        "published_on": version.published_on.isoformat() if version.published_on else None,
        "digest": version.digest,
        "sql": sql,
        "params": params,
        "rows": rows,
        "answer_sha256": sha256,
        "answer_sha256_definition": HASH_DEFINITION,
        "url": url,
        "dataset_citation": text(version, ids),
    }
