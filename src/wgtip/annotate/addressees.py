"""Addressees: who each provision asks to act, from its directives (see directives.py)."""

from __future__ import annotations

from ..events import Annotation
from . import Corpus, Result
from .directives import directives

KIND = "addressee"
NAME = "wgtip.annotate.addressees"
VERSION = "2"
BY_SECTION = True  # it reads a provision's directives and its chapeau's


def annotate(corpus: Corpus) -> Result:
    out: Result = {}
    for pid, found in directives(corpus).items():
        values: dict[tuple[str, str], Annotation] = {}
        for d in found:
            named = [(m.code, "direct", m) for m in d.direct] + [(m.code, "indirect", m) for m in d.indirect]
            if not d.direct:
                # nobody named: the cue itself is the evidence that someone is asked
                values.setdefault(("unspecified", "direct"), Annotation(value="unspecified", role="direct", evidence=d.cue, start=d.cue_start, end=d.cue_end, inherited_from=d.holder))
            for code, role, m in named:
                holder = m.holder or (d.holder if role == "direct" else None)
                values.setdefault((code, role), Annotation(value=code, role=role, evidence=m.text, start=m.start, end=m.end, inherited_from=holder))
        out[pid] = tuple(values.values())
    return out
