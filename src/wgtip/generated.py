"""Files generated from the log and the dataset metadata: CHANGELOG.md, CITATION.cff, .zenodo.json,
LICENSE-DATA.md, pyproject.toml's ``[project.urls]`` and the data dictionary and event reference.

Zenodo ignores CITATION.cff when .zenodo.json exists, so both are generated
from the same facts here (the log, identifiers.toml, metadata.py and
licence.py), and tests keep them in sync with datapackage.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import licence, metadata
from .folded import Records
from .history import released_changes
from .metadata import Identifiers, identifiers
from .release import release_dois
from .release_texts import changelog, citation_cff, latest_release

ZENODO_RELATIONS = (("repository", "isSupplementTo"), ("homepage", "isDocumentedBy"), ("datasette", "isSourceOf"))
"""How each address set in identifiers.toml relates to a Zenodo record of a release (DataCite's relation types):
the record supplements the repository (the code and the log it is built from), the homepage documents it, and it is
the source of what the public site serves."""


def zenodo_json(rows: Records, ids: Identifiers) -> str:
    """.zenodo.json, read by Zenodo's GitHub integration on each GitHub release (Zenodo then ignores CITATION.cff,
    so both come from the same facts). The creator is the group, named without a comma: an organisation, not
    "Family, Given". A DOI is Zenodo's to mint: none is given here."""
    r = latest_release(rows)
    doc: dict[str, Any] = {
        "title": metadata.TITLE,
        "upload_type": "dataset",
        "description": metadata.DESCRIPTION,
        "creators": [{"name": metadata.AUTHOR}],
        "access_right": "open",
        "license": licence.DATA["name"].lower(),
        "keywords": list(metadata.KEYWORDS),
        "language": "zho",
    }
    if r:
        doc["version"] = r["version"]
        doc["publication_date"] = r["published_on"].isoformat()
        doc["notes"] = f"Data digest sha256:{r['digest']}. {licence.SHORT}"
    else:
        doc["notes"] = licence.SHORT
    related = [{"identifier": getattr(ids, key), "relation": relation, "scheme": "url"} for key, relation in ZENODO_RELATIONS if getattr(ids, key)]
    if related:
        doc["related_identifiers"] = related
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


URLS_TABLE = "[project.urls]"
URLS_NOTE = "# written by `wgtip docs` from identifiers.toml (none while none is assigned); do not edit"
URL_NAMES = (("homepage", "Homepage"), ("repository", "Repository"), ("datasette", "Datasette"))


def project_urls(ids: Identifiers) -> list[str]:
    """The lines of pyproject.toml's ``[project.urls]`` table: the addresses set, and the DOI of all versions."""
    lines = [f'{name} = "{getattr(ids, key)}"' for key, name in URL_NAMES if getattr(ids, key)]
    if ids.concept_doi:
        lines.append(f'DOI = "{metadata.doi_url(ids.concept_doi)}"')
    return lines


def with_project_urls(pyproject: str, ids: Identifiers) -> str:
    """pyproject.toml with its ``[project.urls]`` table (the table and its note, up to the next blank line) made anew."""
    lines = pyproject.split("\n")
    if URLS_TABLE not in lines:
        raise ValueError(f"pyproject.toml has no {URLS_TABLE} table for `wgtip docs` to write")
    start = lines.index(URLS_TABLE)
    if start > 0 and lines[start - 1] == URLS_NOTE:
        start -= 1
    end = lines.index("", start)
    return "\n".join(lines[:start] + [URLS_NOTE, URLS_TABLE, *project_urls(ids)] + lines[end:])


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def data_dictionary(quality: list[dict[str, Any]] | None = None) -> str:
    """Every table and column, from the one definition in tables.py; with ``quality`` (the log's annotation_quality
    rows), each measured annotation table says how its annotations were made and how good they measured, and the
    measurements are listed."""
    from .quality_statements import figures, table_statements
    from .tables import TABLES, AnnotationQuality, columns, description_of, is_log_table, name_of, primary_key, title_of

    notes = table_statements(quality or [])
    out = ["# Data dictionary", "", "Generated from `src/wgtip/tables.py` and the log's latest AnnotationQualityMeasured events by `wgtip docs`; do not edit.", ""]
    for model in TABLES:
        name = name_of(model)
        kind = "log table (not covered by a release's content hash)" if is_log_table(model) else "content table"
        out += [f"## `{name}` — {title_of(model)} / {title_of(model, 'zh')}", "", description_of(model), "", description_of(model, "zh"), ""]
        if name in notes:
            out += [f"**How good these annotations are.** {notes[name]}", ""]
        if model is AnnotationQuality and quality:
            out += ["As recorded in the log now:", "", "| kind | source | made by | precision | recall | gold provisions | measured on |", "|---|---|---|---:|---:|---:|---|"]
            out += [f"| {r['kind']} | {r['source']} | {_cell(r['made_by'])} | {r['precision']} | {r['recall']} | {r['gold_provisions']} | {r['measured_on']} |" for r in quality]
            out += ["", *(f"- {r['kind']}, {r['source']}: {figures(r)}." for r in quality), ""]
        out += [f"Primary key: {', '.join(f'`{k}`' for k in primary_key(model))}; {kind}.", "", "| column | type | required | references | description | 说明 |", "|---|---|---|---|---|---|"]
        for c in columns(model):
            ref = f"`{c.references[0]}.{c.references[1]}`" if c.references else ""
            out.append(f"| `{c.name}` | {c.kind} | {'yes' if not c.nullable else ''} | {ref} | {_cell(c.description)} | {_cell(c.description_zh)} |")
        out.append("")
    return "\n".join(out)


def event_reference() -> str:
    """Every event type and its fields, from the one definition in events.py."""
    from .events import CURRENT_SCHEMA_VERSION, EVENT_TYPES, Envelope, schema_path

    def fields(model, prefix: str = "") -> list[str]:
        rows = []
        for name, f in model.model_fields.items():
            rows.append(f"| `{prefix}{name}` | {_cell(f.description or '')} |")
        return rows

    out = [
        "# Event types",
        "",
        "Generated from `src/wgtip/events.py` by `wgtip docs`; do not edit.",
        "",
        "## The envelope every event shares",
        "",
        "| field | meaning |",
        "|---|---|",
        *fields(Envelope),
        "",
    ]
    for cls in EVENT_TYPES:
        data_model = cls.model_fields["data"].annotation
        out += [
            f"## `{cls.__name__}` (schema version {CURRENT_SCHEMA_VERSION[cls.__name__]})",
            "",
            (cls.__doc__ or "").strip(),
            "",
            f"JSON Schema: [`{schema_path(cls)}`](../{schema_path(cls)})",
            "",
            "| field | meaning |",
            "|---|---|",
            *fields(data_model, "data."),
            "",
        ]
    return "\n".join(out)


def generated_files(root: Path) -> dict[str, bytes]:
    history = released_changes(root, also=("annotation_quality",))
    rows = history.rows
    ids, dois = identifiers(root), release_dois(root)
    files = {
        "CHANGELOG.md": changelog(rows, history.counts["changes"] - len(rows["changes"])).encode(),
        "CITATION.cff": citation_cff(rows, ids, dois).encode(),
        ".zenodo.json": zenodo_json(rows, ids).encode(),
        "LICENSE-DATA.md": licence.data_licence_text().encode(),
        "docs/data-dictionary.md": data_dictionary(rows["annotation_quality"]).encode(),
        "docs/events.md": event_reference().encode(),
    }
    if (root / "pyproject.toml").is_file():  # a copy of the log alone has none to keep
        files["pyproject.toml"] = with_project_urls((root / "pyproject.toml").read_text(encoding="utf-8"), ids).encode()
    return files
