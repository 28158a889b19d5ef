"""What the dataset says of its annotations' measured quality, in one wording for every place that says it.

The figures are the ``annotation_quality`` table's rows (folded from AnnotationQualityMeasured events,
the latest measurement of each kind): the data package's v2 descriptor, the data dictionary and the
site's home page and facets all state them with these functions, so a reader knows what a facet
count means: how the annotations were made and how often they are right and complete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .annotation_kinds import BY_NAME

Row = Mapping[str, Any]

PLURAL = {"addressee": "addressees", "strength": "strengths", "theme": "themes", "topic": "topics", "reference": "references"}
REPORT = "docs/annotation-quality.md"
"""The full report: agreement, every theme, the method."""


def by_kind(rows: Iterable[Row]) -> dict[str, dict[str, Row]]:
    """kind -> source (rules, published) -> its row."""
    out: dict[str, dict[str, Row]] = {}
    for r in rows:
        out.setdefault(r["kind"], {})[r["source"]] = r
    return out


def figures(r: Row) -> str:
    """'precision 0.937 (222 of 237 given), recall 0.978 (222 of 227 in the gold)'."""
    return f"precision {r['precision']} ({r['true_positives']} of {r['predicted']} given), recall {r['recall']} ({r['true_positives']} of {r['expected']} in the gold)"


def kind_statement(kind: str, sources: Mapping[str, Row]) -> str:
    """One kind's quality in a sentence or two: the published annotations (what the tables and facets hold), then the rules alone."""
    published, rules = sources.get("published"), sources.get("rules")
    first = published or rules
    assert first is not None
    out = [
        f"Quality of the {PLURAL.get(kind, kind)}, measured on {first['measured_on']} against a blind gold set of "
        f"{first['gold_provisions']} provisions ({first['gold_file']}, SHA-256 {first['gold_sha256'][:12]}…; {REPORT}):"
    ]
    if published is not None:
        out.append(f"as published (made by {published['made_by'].removeprefix('published annotations, by ')}), {figures(published)}.")
    if rules is not None:
        out.append(f"The keyword rules alone: {figures(rules)}.")
    return " ".join(out)


def table_statements(rows: Iterable[Row]) -> dict[str, str]:
    """Annotation table -> the statement of its kind's quality (for the tables of the kinds measured)."""
    return {BY_NAME[kind].table: kind_statement(kind, sources) for kind, sources in by_kind(rows).items() if kind in BY_NAME}


def package_statement(rows: Iterable[Row]) -> str:
    """The package's summary: each measured kind's published precision and recall."""
    kinds = by_kind(rows)
    if not kinds:
        return ""
    parts = [f"{PLURAL.get(k, k)} precision {s['published']['precision']}, recall {s['published']['recall']}" for k, s in kinds.items() if "published" in s]
    first = next(iter(next(iter(kinds.values())).values()))
    return (
        f"Measured quality of the published annotations against a blind gold set of {first['gold_provisions']} provisions "
        f"({first['measured_on']}): {'; '.join(parts)} (table annotation_quality; {REPORT})."
    )


def facet_note(r: Row) -> str:
    """The short line beside a facet: 'made by X; measured precision P, recall R on N gold provisions (date)'."""
    return (
        f"made by {r['made_by'].removeprefix('published annotations, by ')}; measured precision {r['precision']}, recall {r['recall']} on {r['gold_provisions']} gold provisions ({r['measured_on']})"
    )
