"""Shared wording: names of the bodies addressed, masking of titles, sentences.

Matching works on a masked copy of the text in which everything inside 《…》
and “…” is blanked (same length, so offsets stay true): titles such as
《联合国打击跨国有组织犯罪公约》 name no addressee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "\u3000"
_QUOTED = re.compile(r"《[^》]*》|“[^”]*”")

# Order matters where one name begins another: 缔约方会议 before 缔约方.
ENTITIES: tuple[tuple[str, str], ...] = (
    ("unodc", r"(?:联合国)?毒品和犯罪问题办公室(?:（毒品和犯罪问题办公室）)?"),
    ("un_entities", r"联合国(?:各相关|各|其他|相关)实体"),
    # 缔约方会议第 4/1 号决定 names a decision, not the Conference as an actor
    ("conference", r"缔约方会议(?!第\s*\d)"),
    ("expert_group", r"政府间专家会议"),
    ("states_parties", r"缔约国|缔约方(?!会议)"),
    ("member_states", r"会员国"),
    ("states", r"各国|(?<=的)国家"),
    ("secretariat", r"秘书处"),
    ("working_group", r"(?:贩运人口问题)?工作组"),
)
ENTITY_RE = re.compile("|".join(f"(?P<{code}>{pattern})" for code, pattern in ENTITIES))

# Words that may stand between the cue 请/鼓励/让 and the bodies it names, or between two of them.
CONNECTOR_RE = re.compile(r"(?:和|与|及|以及|、|包括|在内的|来自|（[^）]*）|缔约方会议第\s*[\d/ ]+\s*号决定提到的)+")
SENTENCE_END = "。；;"


@dataclass(frozen=True)
class Mention:
    code: str
    start: int
    end: int
    text: str
    holder: str | None = None  # the provision whose text holds it, when not the annotated one

def masked(text: str) -> str:
    return _QUOTED.sub(lambda m: m.group()[0] + MASK * (len(m.group()) - 2) + m.group()[-1], text)


def mentions(text: str) -> list[Mention]:
    m_text = masked(text)
    return [Mention(m.lastgroup or "", m.start(), m.end(), text[m.start() : m.end()]) for m in ENTITY_RE.finditer(m_text)]


def sentence_start(text: str, at: int) -> int:
    """Offset of the start of the sentence (up to 。 or ；) that contains ``at``."""
    return max(text.rfind(ch, 0, at) for ch in SENTENCE_END) + 1


def sentence_end(text: str, at: int) -> int:
    ends = [i for i in (text.find(ch, at) for ch in SENTENCE_END) if i >= 0]
    return min(ends) if ends else len(text)


def chain_after(text: str, at: int, found: list[Mention]) -> list[Mention]:
    """The bodies named right after a cue at ``at`` (…请毒品和犯罪问题办公室和秘书处…), joined by connectors."""
    by_start = {m.start: m for m in found}
    out: list[Mention] = []
    pos = at
    while True:
        c = CONNECTOR_RE.match(text, pos)
        nxt = c.end() if c else pos
        m = by_start.get(nxt)
        if m is None:
            return out
        out.append(m)
        pos = m.end
