"""Every annotation rule, in the order its events are written: the rule modules, each over the
corpus and its types (``annotate``), gathered here, above them."""

from __future__ import annotations

from . import Rule, addressees, references, strength, themes, topics


def rules() -> tuple[Rule, ...]:
    """Every annotation rule, in the order its events are written."""
    return tuple(Rule(m.KIND, m.NAME, m.VERSION, m.annotate, m.BY_SECTION) for m in (addressees, strength, topics, themes, references))
