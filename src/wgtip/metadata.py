"""Dataset-level metadata, in one place: the data package, the Datasette
site and the citation files all read it from here."""

from __future__ import annotations

NAME = "wgtip-recommendations"
AUTHOR = "wgtip contributors"
TITLE = "Recommendations of the UN Working Group on Trafficking in Persons, 2009–2018"
TITLE_ZH = "贩运人口问题工作组建议（2009–2018年）"
DESCRIPTION = (
    "Every recommendation adopted by the Working Group on Trafficking in Persons of the Conference of the "
    "Parties to the United Nations Convention against Transnational Organized Crime at its first eight meetings "
    "(2009–2018), at the level of paragraph, item and sub-item, with the meetings, footnotes and the event log "
    "they are folded from. Text as printed in the Chinese version of the Secretariat's 2019 background paper."
)
DESCRIPTION_ZH = "贩运人口问题工作组前八次会议（2009–2018年）通过的全部建议，细至段、项、目，附会议、脚注及生成数据的事件日志。文本照录秘书处2019年背景文件中文本。"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International", "path": "https://creativecommons.org/licenses/by/4.0/"}
KEYWORDS = ("trafficking in persons", "United Nations", "UNTOC", "recommendations", "贩运人口", "工作组建议")
HOMEPAGE: str | None = None
"""The dataset's public address, once it has one; citations name none until then."""
