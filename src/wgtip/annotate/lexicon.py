"""Shared wording: names of the bodies addressed, masking of titles, sentences.

Matching works on a masked copy of the text in which everything inside 《…》
and “…” is blanked (same length, so offsets stay true): titles such as
《联合国打击跨国有组织犯罪公约》 name no addressee.

Besides the bodies of the United Nations and the States, the names cover a
State's bodies and office-holders (执法机构, 检察人员, 法官, 国家主管机关, 负责…的
相关实体 …), the media, civil society (民间社会, 非政府组织, 工会, 学术), the
private sector (私营部门, 企业, 雇主, 征聘机构), survivors and regional or
international organizations. In 负责司法、执法、…、媒体、学术、商业…等利益攸关方 each
sector is a name: a sector that names no body of its own is a government
sector, whose stakeholders are national bodies. After a cue, the bodies
joined by 和/与/、 are all asked, but not those after 与 that are followed by a
word of working together (与私营部门发展伙伴关系, 与民间社会协商): partners.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "\u3000"
_QUOTED = re.compile(r"《[^》]*》|“[^”]*”")

# Order matters where one name begins another: 缔约方会议 before 缔约方, 各国当局 before 各国.
ENTITIES: tuple[tuple[str, str], ...] = (
    ("unodc", r"(?:联合国)?毒品和犯罪问题办公室(?:（毒品和犯罪问题办公室）)?"),
    ("un_entities", r"联合国(?:各相关|各|其他|相关)实体"),
    # 缔约方会议第 4/1 号决定 names a decision, not the Conference as an actor
    ("conference", r"缔约方会议(?!第\s*\d)"),
    ("expert_group", r"政府间专家会议"),
    # a State's bodies and office-holders, named by function (the State itself is one of the three terms below)
    (
        "national_bodies",
        r"各国当局|(?:国家|政府)?主管(?:机关|当局)|国家机关|执法(?:机构|机关|人员)|检察(?:人员|官)|法官|司法(?:机关|当局)"
        r"|劳工督察员|领事(?:机构|官员|工作人员|馆工作人员)(?:代表)?|负责[^，。；、]{1,20}的相关实体",
    ),
    ("states_parties", r"缔约国|缔约方(?!会议)"),
    ("member_states", r"会员国"),
    ("states", r"各国|(?<=的)国家"),
    ("secretariat", r"秘书处"),
    ("working_group", r"(?:贩运人口问题)?工作组"),
    ("media", r"(?:新闻|大众)?媒体|大众媒介"),
    ("civil_society", r"民间社会(?:代表)?|民间团体|非政府组织|工会|学术"),
    ("private_sector", r"私营部门|企业|商业|雇主|(?:私营|私人)?(?:征聘|招聘)(?:和就业)?机构"),
    ("survivors", r"(?:人口贩运活动的?)?幸存者"),
    ("international_organizations", r"(?:国际和区域|区域和国际|区域|国际)组织"),
)
ENTITY_RE = re.compile("|".join(f"(?P<{code}>{pattern})" for code, pattern in ENTITIES))

# 负责司法、执法、…、媒体、学术、商业和劳务等广泛的利益攸关方: the stakeholders responsible for these sectors; a sector
# that names no body of its own (司法, 移民, …) is a government sector, so its stakeholders are national bodies
STAKEHOLDERS_RE = re.compile(r"负责(?P<sectors>[^。；，,]{1,120}?)等(?:广泛的)?(?:相关)?利益攸关方")
_SECTOR_RE = re.compile(r"[^、和]+")

# Words that may stand between the cue 请/鼓励/让 and the bodies it names, or between two of them.
CONNECTOR_RE = re.compile(r"(?:和|与|及|以及|、|包括|在内的|来自|（[^）]*）|缔约方会议第\s*[\d/ ]+\s*号决定提到的)+")
# …与X合作/协商/发展伙伴关系: X is a partner of the body before 与, not a second body asked
PARTNER_RE = re.compile(r"\s*(?:开展|进行|发展|建立|加强)?(?:合作|协商|协调|配合|伙伴关系|交流|对话)")
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
    found = [Mention(m.lastgroup or "", m.start(), m.end(), text[m.start() : m.end()]) for m in ENTITY_RE.finditer(m_text)]
    taken = {(f.start, f.end) for f in found}
    for list_ in STAKEHOLDERS_RE.finditer(m_text):
        for s in _SECTOR_RE.finditer(m_text, list_.start("sectors"), list_.end("sectors")):
            if not any(a < s.end() and s.start() < b for a, b in taken):
                found.append(Mention("national_bodies", s.start(), s.end(), text[s.start() : s.end()]))
    return sorted(found, key=lambda f: f.start)


def sentence_start(text: str, at: int) -> int:
    """Offset of the start of the sentence (up to 。 or ；) that contains ``at``."""
    return max(text.rfind(ch, 0, at) for ch in SENTENCE_END) + 1


def sentence_end(text: str, at: int) -> int:
    ends = [i for i in (text.find(ch, at) for ch in SENTENCE_END) if i >= 0]
    return min(ends) if ends else len(text)


def chain_after(text: str, at: int, found: list[Mention]) -> list[Mention]:
    """The bodies named right after a cue at ``at`` (…请毒品和犯罪问题办公室和秘书处…), joined by connectors;
    not the partners named after 与 (鼓励缔约国与私营部门发展伙伴关系: only the States parties)."""
    by_start = {m.start: m for m in found}
    out: list[Mention] = []
    pos = at
    while True:
        c = CONNECTOR_RE.match(text, pos)
        nxt = c.end() if c else pos
        m = by_start.get(nxt)
        if m is None:
            return out
        if out and c and "与" in c.group() and _partners(text, m, by_start):
            return out
        out.append(m)
        pos = m.end


def _partners(text: str, first: Mention, by_start: dict[int, Mention]) -> bool:
    """Whether the bodies from ``first`` on (joined by connectors) are followed by a word of working together."""
    end = first.end
    while True:
        c = CONNECTOR_RE.match(text, end)
        m = by_start.get(c.end()) if c else None
        if c is None or m is None or "与" in c.group():
            return bool(PARTNER_RE.match(text, end))
        end = m.end
