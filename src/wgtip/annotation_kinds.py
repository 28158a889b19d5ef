"""The kinds of annotation, declared once: what each records and where.

A kind names the table its rows go to and the column that holds the
annotation's value, the vocabulary whose codes the values are (none for a
topic, whose value is the phrase itself), how a row is identified, and, where
the annotated view (``views.ANNOTATED_VIEW``) shows the kind as an array, that
array. The event types (``ProvisionsAnnotated.kind``), the projection onto the
annotation tables, the view's arrays and the site's labelled facets all follow
from ``KINDS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewArray:
    """A column of the annotated view: the distinct values of the kind for each provision, sorted."""

    name: str
    description: str
    where: str = ""
    """Which of the kind's rows count (SQL on the table's row ``x``); all of them when empty."""
    qualifier: str = ""
    """What the site says beside each count of the array when the kind has several arrays (which rows it counts)."""


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    """The annotation table its rows go to."""
    column: str
    """The table's column that holds the annotation's value."""
    row_id: str
    """How a row is identified: a pattern of ``{provision_id}``, ``{value}``, ``{role}`` and ``{number}``
    (the annotation's place among the provision's, from 1)."""
    vocabulary: str | None
    """The vocabulary whose codes the values are; None where the value is free text (a topic's phrase)."""
    role_vocabulary: str | None = None
    """The vocabulary of the annotation's ``role`` (an addressee's: direct or indirect), which it must give."""
    needs: tuple[str, ...] = ()
    """Fields of the annotation it must give besides its value (a reference's target)."""
    arrays: tuple[ViewArray, ...] = ()
    """How the annotated view shows the kind, if it does: one array, or (an addressee's) one per role and one for any
    role, most specific first (a row's page links each value to the first of them whose ``where`` holds for it)."""
    reviewed: bool = False
    """Whether a reviewer may confirm, add to or remove from its annotations (``AnnotationsReviewed``): its rows are
    one per value, and its table has the columns ``reviewed_by`` and ``review_reason``."""

    def vocabulary_columns(self) -> dict[str, str]:
        """The table's columns whose values are a vocabulary's codes, and the vocabulary (labelled in the site's facets)."""
        out = {} if self.vocabulary is None else {self.column: self.vocabulary}
        if self.role_vocabulary is not None:
            out["role"] = self.role_vocabulary
        return out

    @property
    def numbered(self) -> bool:
        """Whether its rows are told apart by their place (a provision may make the same reference twice)."""
        return "{number}" in self.row_id


KINDS: tuple[Kind, ...] = (
    Kind(
        "addressee",
        "provision_addressees",
        "addressee",
        "{provision_id}/{value}/{role}",
        "addressee",
        role_vocabulary="addressee_role",
        arrays=(
            ViewArray(
                "addressees",
                "Codes of the provision's direct addressees, those it asks to act (vocabulary addressee, role direct), "
                "as a JSON array; indirect ones are in addressees_indirect, both in addressees_any.",
                "x.role = 'direct'",
                "direct role",
            ),
            ViewArray(
                "addressees_indirect",
                "Codes of the provision's indirect addressees, those a direct addressee is to ask (vocabulary addressee, role indirect), as a JSON array.",
                "x.role = 'indirect'",
                "indirect role",
            ),
            ViewArray("addressees_any", "Codes of the provision's addressees in any role, direct or indirect (vocabulary addressee), as a JSON array.", "", "any role"),
        ),
    ),
    Kind(
        "strength",
        "provision_strength",
        "strength",
        "{provision_id}/{value}",
        "strength",
        arrays=(ViewArray("strength", "Codes of the modal force of its wording (vocabulary strength), as a JSON array."),),
    ),
    Kind("topic", "provision_topics", "topic", "{provision_id}", None),
    Kind("theme", "provision_themes", "theme", "{provision_id}/{value}", "theme", arrays=(ViewArray("themes", "Codes of its themes (vocabulary theme), as a JSON array."),), reviewed=True),
    Kind(
        "reference",
        "provision_references",
        "kind",
        "{provision_id}/ref/{number}",
        "reference_kind",
        needs=("target",),
        arrays=(ViewArray("reference_kinds", "Kinds of its cross-references (vocabulary reference_kind), as a JSON array."),),
    ),
)
"""Every kind, in the order the event schemas list them."""

KIND_NAMES = tuple(k.name for k in KINDS)
BY_NAME = {k.name: k for k in KINDS}
