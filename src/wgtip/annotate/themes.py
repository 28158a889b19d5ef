"""Themes: keyword cues from the theme vocabulary, so that every provision has at least one.

The keywords of each theme are in ``CUES`` (docs/annotation-rules.md lists them). Order of
the rules, named in the ``cue`` column: (1) ``keyword``: the provision's own
words (the first match of each theme); (2) ``chapeau``: an item also
carries its chapeau's own themes (it completes the chapeau's sentence); (3) ``items``: a chapeau with no theme of its own
carries the themes of its items; (4) ``fallback``: otherwise 'implementation'.
Keywords are matched on the text with titles (《…》) blanked, so a title
such as 《全球人口贩运问题报告》 does not by itself make a provision about data.
"""

from __future__ import annotations

import re

from ..events import Annotation
from . import Corpus, Result
from .lexicon import masked

KIND = "theme"
NAME = "wgtip.annotate.themes"
VERSION = "1"
BY_SECTION = True  # it reads a provision's text, its chapeau's and its items'

CUES: dict[str, str] = {
    "prevention": r"预防|提高[^，。；]{0,12}认识|宣传|公共教育|根源|减贫",
    "protection": r"保护|援助被害人|向被害人提供|为被害人提供|收容所|庇护所|康复|重返社会|帮助被害人|支助被害人",
    "prosecution": r"起诉|侦查|调查|刑事司法|定罪|刑罚|惩处|定为刑事犯罪|刑事诉讼|刑事程序|没收",
    "partnership": r"伙伴关系|民间社会|民间团体|私营部门|非政府组织|工会|利益攸关方",
    "identification": r"(?:查明|识别|确认|确定|甄别)[^，。；]{0,12}被害人|被害人(?:的)?(?:识别|身份)|识别",
    "consent": r"同意",
    "vulnerability": r"脆弱",
    "exploitation": r"剥削形式|形式的剥削|各类剥削|性剥削|奴役|强迫婚姻|乞讨|对剥削加以定义",
    "demand": r"(?<!援助)需求(?!评估)",
    "organ_removal": r"器官",
    "non_punishment": r"不予惩罚|不惩罚|不予起诉|不因[^。；]{0,40}受到惩处",
    "compensation": r"赔偿|补偿",
    "recruitment": r"征聘|招聘",
    "labour": r"劳工|劳动|移民工人",
    "national_coordination": r"协调机构|协调机制|部际|国家报告员|国家一级协调",
    "data_research": r"数据|研究|统计|分析",
    "training": r"培训",
    "technical_assistance": r"技术援助|能力建设|立法援助",
    "legislation": r"立法|法律框架|刑事犯罪|界定",
    "international_cooperation": r"国际合作|司法合作|区域合作|跨境|引渡|司法协助|联合侦查|联合调查|双边|多边|来源国、过境国",
    "children": r"儿童|未成年",
    "gender": r"性别|妇女",
    "future_work": r"今后|工作计划|专题",
    "implementation": r"加入|批准|实施情况|执行情况|落实|评估清单|自评清单",
    "key_concepts": r"关键概念|概念|定义",
}
_CUE_RE = {theme: re.compile(pattern) for theme, pattern in CUES.items()}


def own_themes(text: str) -> dict[str, Annotation]:
    m_text = masked(text)
    out: dict[str, Annotation] = {}
    for theme, cue in _CUE_RE.items():
        m = cue.search(m_text)
        if m:
            out[theme] = Annotation(value=theme, cue="keyword", evidence=text[m.start() : m.end()], start=m.start(), end=m.end())
    return out


def annotate(corpus: Corpus) -> Result:
    own = {p.provision_id: own_themes(p.text) for p in corpus.provisions}
    out: Result = {}
    for p in corpus.provisions:
        values = dict(own[p.provision_id])
        if p.parent_id:
            for theme, a in own[p.parent_id].items():
                values.setdefault(theme, a.model_copy(update={"inherited_from": p.parent_id, "cue": "chapeau"}))
        if not values:
            for child in p.children:
                for theme, a in own[child].items():
                    values.setdefault(theme, a.model_copy(update={"inherited_from": child, "cue": "items"}))
        if not values:
            values["implementation"] = Annotation(value="implementation", cue="fallback")
        order = list(CUES)
        out[p.provision_id] = tuple(sorted(values.values(), key=lambda a: order.index(a.value)))
    return out
