"""The coded columns whose codes are fixed by this software (not by a vocabulary of the log), with a
label for each code: the descriptor's ``categories`` for them (Data Package v2).

The columns whose codes are a vocabulary's (an addressee, a theme, …) take their categories from the
vocabulary as the log defines it (``annotation_kinds.Kind.vocabulary_columns``). A test validates
every table of a built release against both with frictionless, so a code written that is not
declared here fails it.
"""

from __future__ import annotations

from .annotation_kinds import KINDS

FIXED: dict[tuple[str, str], dict[str, str]] = {
    ("provisions", "level"): {"paragraph": "Paragraph", "item": "Item (a lettered item of a paragraph)", "subitem": "Sub-item (a numbered item of an item)"},
    ("provisions", "adoption"): {
        "adopted": "Adopted by the meeting",
        "proposed_and_endorsed": "Proposed at one meeting, endorsed by a later one",
        "recommended_to_conference": "Recommended to the Conference of the Parties for adoption",
        "proposed": "Proposed, not yet endorsed",
    },
    ("changes", "change"): {"added": "Row added", "changed": "Field changed", "removed": "Row removed"},
    ("provision_themes", "cue"): {
        "keyword": "Rule: the provision's own words",
        "chapeau": "Rule: its chapeau's words",
        "items": "Rule: its items' words",
        "fallback": "Rule: no keyword anywhere (implementation)",
        "review": "Added by a reviewer",
    },
    ("provision_references", "instrument"): {"protocol": "Trafficking in Persons Protocol", "convention": "United Nations Convention against Transnational Organized Crime"},
    ("annotation_reviews", "decision"): {"added": "Added by the reviewer (the rule missed it)", "removed": "Removed by the reviewer (the rule gave it, and it does not apply)"},
    ("annotation_reviews", "kind"): {k.name: f"{k.name.capitalize()} annotations" for k in KINDS if k.reviewed},
}
"""(table, column) -> code -> English label, in the order a reader meets them."""


def vocabulary_columns() -> dict[tuple[str, str], str]:
    """(table, column) -> the vocabulary whose codes the column holds."""
    return {(k.table, col): vocab for k in KINDS for col, vocab in k.vocabulary_columns().items()}
