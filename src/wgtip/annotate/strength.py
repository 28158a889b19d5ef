"""Strength: the modal force of each directive's wording (see directives.py); 'none' without any."""

from __future__ import annotations

from ..events import Annotation
from . import Corpus, Result
from .directives import directives

KIND = "strength"
NAME = "wgtip.annotate.strength"
VERSION = "2"
BY_SECTION = True  # it reads a provision's directives and its chapeau's


def annotate(corpus: Corpus) -> Result:
    out: Result = {}
    for pid, found in directives(corpus).items():
        values: dict[str, Annotation] = {}
        for d in found:
            values.setdefault(d.strength, Annotation(value=d.strength, cue=d.cue, evidence=d.cue, start=d.cue_start, end=d.cue_end, inherited_from=d.holder))
        out[pid] = tuple(values.values()) or (Annotation(value="none"),)
    return out
