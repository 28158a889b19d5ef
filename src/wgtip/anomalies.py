"""Anomalies: places in the current texts that look like slips, reported, never silently fixed.

Each rule is a small function with a name and a reason. ``wgtip anomalies``
lists what they find; a person decides, and records a correction as a
``TextCorrected`` event (``wgtip correct``) where it is a real slip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

CJK = r"[\u3400-\u9fff]"


@dataclass(frozen=True)
class Anomaly:
    provision_id: str
    rule: str
    evidence: str
    reason: str


def _latin_word(text: str) -> Iterable[tuple[str, str]]:
    for m in re.finditer(rf"(?<={CJK}) ?([A-Za-z]+) ?(?={CJK})", text):
        yield m.group(), f"the English word {m.group(1)!r} stands between Chinese characters (an untranslated word)"


def _doubled_particle(text: str) -> Iterable[tuple[str, str]]:
    # 为目的的 ("for the purpose of") is correct Chinese: 目的 followed by the particle 的
    for m in re.finditer(r"(?<!目)(的|了|和|与|及)\1", text):
        yield m.group(), f"the particle {m.group(1)} is doubled"


def _missing_final_punctuation(text: str) -> Iterable[tuple[str, str]]:
    if text and text[-1] not in "。；：;:，”）)":
        yield text[-8:], "the text ends without punctuation"


def _halfwidth_punctuation(text: str) -> Iterable[tuple[str, str]]:
    for m in re.finditer(rf"(?<={CJK}|》|\)|）)[,:;] ?(?={CJK}|《|\()", text):
        yield m.group(), "half-width punctuation inside Chinese text (a conversion artefact)"


RULES: dict[str, Callable[[str], Iterable[tuple[str, str]]]] = {
    "latin-word-in-chinese": _latin_word,
    "doubled-particle": _doubled_particle,
    "missing-final-punctuation": _missing_final_punctuation,
    "halfwidth-punctuation": _halfwidth_punctuation,
}


def find_anomalies(provisions: Iterable[dict[str, Any]]) -> list[Anomaly]:
    out = []
    for p in provisions:
        for rule, check in RULES.items():
            for evidence, reason in check(p["current_text"]):
                out.append(Anomaly(p["provision_id"], rule, evidence, reason))
    return out
