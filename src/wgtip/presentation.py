"""How the site presents each table: the label column shown for a foreign key, the default sort,
the facets; and the indexes the site's canned queries need besides. Settings, not code: the site's metadata (``site.metadata``) shows them and the
SQLite file's indexes (``indexes``) follow them, so they sit below both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tables import (
    AnnotationReview,
    Change,
    Event,
    FootnoteRow,
    Meeting,
    Provision,
    ProvisionAddressee,
    ProvisionReference,
    ProvisionStrength,
    ProvisionTextRevision,
    ProvisionTheme,
    ProvisionTopic,
    Release,
    ReleaseFile,
    SourceDocument,
    VocabularyTerm,
)


@dataclass(frozen=True)
class Presentation:
    label: str | None = None
    sort: str | None = None
    facets: tuple[str, ...] = ()


PRESENTATION: dict[type, Presentation] = {
    Provision: Presentation(label="label", sort="position", facets=("meeting", "level", "adoption")),
    Meeting: Presentation(label="heading", sort="meeting"),
    FootnoteRow: Presentation(label="marker"),
    SourceDocument: Presentation(label="title"),
    Event: Presentation(label="type", sort="seq", facets=("type",)),
    Release: Presentation(label="version", sort="release_order"),
    ReleaseFile: Presentation(facets=("version",)),
    ProvisionTextRevision: Presentation(label="text_id", facets=("revision", "from_release", "to_release")),
    Change: Presentation(sort="change_id", facets=("version", "table_name", "change", "field")),
    ProvisionAddressee: Presentation(label="addressee", facets=("addressee", "role")),
    ProvisionStrength: Presentation(label="strength", facets=("strength", "cue")),
    ProvisionTopic: Presentation(label="topic"),
    ProvisionTheme: Presentation(label="theme", facets=("theme", "cue")),
    ProvisionReference: Presentation(label="target", facets=("kind", "instrument", "article")),
    VocabularyTerm: Presentation(label="label", sort="position", facets=("vocabulary",)),
    AnnotationReview: Presentation(label="value", facets=("decision", "value")),
}


QUERY_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "provisions": (("meeting", "adoption"),),
}
"""Indexes of the SQLite file (``wgtip.indexes``) that the site's canned queries (``site.queries``)
need besides those of the foreign keys and facets. The timeline counts each meeting's provisions by adoption: through the
index on meeting alone that read every provision's row, 1.6 s at 10^6 events (past the site's
time limit); through (meeting, adoption) it reads the index only, 0.09 s."""
