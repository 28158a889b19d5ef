"""Anomalies: places in the current texts that look like slips, reported, never silently fixed.

Each rule is a small function with a name and a reason. ``wgtip anomalies``
lists what they find; a person decides, and records a correction as a
``TextCorrected`` event (``wgtip correct``) where it is a real slip.

So that the decision can be checked and recorded, each anomaly says where it
is (the character it starts at, from 1, and the source line of its provision) and gives
the ``context`` that ``wgtip correct --find`` needs: the matched characters with
the fewest characters around them that occur only there in the text (``, ``
alone occurs four times in wgtip-m2-p26). Where the mending is mechanical
(half-width punctuation, a doubled particle), ``suggestion`` is that context
mended; an untranslated word or a missing final mark needs a person's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

CJK = r"[\u3400-\u9fff]"


@dataclass(frozen=True)
class Anomaly:
    provision_id: str
    rule: str
    character: int  # where the evidence starts in current_text, counted in characters from 1 (as an editor counts)
    evidence: str  # the characters the rule matched, as they are in the text
    context: str  # the evidence and the fewest characters around it that occur only there: a `--find` for `wgtip correct`
    suggestion: str | None  # the context mended, where the rule's mending is mechanical; None where a person must word it
    line: int  # the provision's line in the source document
    reason: str


@dataclass(frozen=True)
class Found:
    """What a rule finds: a span of the text, why it looks like a slip, and what the span would read mended
    (where that is mechanical)."""

    start: int
    end: int
    reason: str
    mended: str | None = None


def _latin_word(text: str) -> Iterator[Found]:
    for m in re.finditer(rf"(?<={CJK}) ?([A-Za-z]+) ?(?={CJK})", text):
        yield Found(m.start(), m.end(), f"the English word {m.group(1)!r} stands between Chinese characters (an untranslated word)")


def _doubled_particle(text: str) -> Iterator[Found]:
    # 为目的的 ("for the purpose of") is correct Chinese: 目的 followed by the particle 的
    for m in re.finditer(r"(?<!目)(的|了|和|与|及)\1", text):
        yield Found(m.start(), m.end(), f"the particle {m.group(1)} is doubled", m.group(1))


def _missing_final_punctuation(text: str) -> Iterator[Found]:
    if text and text[-1] not in "。；：;:，”）)":
        yield Found(max(0, len(text) - 8), len(text), "the text ends without punctuation")


_FULLWIDTH = {",": "，", ":": "：", ";": "；"}


def _halfwidth_punctuation(text: str) -> Iterator[Found]:
    for m in re.finditer(rf"(?<={CJK}|》|\)|）)([,:;]) ?(?={CJK}|《|\()", text):
        # the full-width mark takes the place of the space that followed the half-width one
        yield Found(m.start(), m.end(), "half-width punctuation inside Chinese text (a conversion artefact)", _FULLWIDTH[m.group(1)])


RULES: dict[str, Callable[[str], Iterable[Found]]] = {
    "latin-word-in-chinese": _latin_word,
    "doubled-particle": _doubled_particle,
    "missing-final-punctuation": _missing_final_punctuation,
    "halfwidth-punctuation": _halfwidth_punctuation,
}


def unique_context(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``text[start:end]`` widened a character on each side at a time until the text holds it only there
    (overlapping occurrences included), as ``wgtip correct --find`` requires."""
    for k in range(len(text) + 1):
        lo, hi = max(0, start - k), min(len(text), end + k)
        piece = text[lo:hi]
        if text.find(piece) == lo and text.find(piece, lo + 1) == -1:
            return lo, hi
    raise AssertionError("the whole text occurs once in itself")  # not reached: k = len(text) gives the whole text


def find_anomalies(provisions: Iterable[dict[str, Any]]) -> list[Anomaly]:
    out = []
    for p in provisions:
        text = p["current_text"]
        for rule, check in RULES.items():
            for f in check(text):
                lo, hi = unique_context(text, f.start, f.end)
                suggestion = None if f.mended is None else text[lo : f.start] + f.mended + text[f.end : hi]
                out.append(Anomaly(p["provision_id"], rule, f.start + 1, text[f.start : f.end], text[lo:hi], suggestion, p["source_line"], f.reason))
    return out
