"""Dataset-level metadata, in one place: the data package, the Datasette
site and the citation files all read it from here.

The dataset's identifiers (its homepage, repository and public Datasette
addresses, and the DOI of all its versions) are a setting of the repository,
``identifiers.toml``, read by ``identifiers(root)``: everything that names
an address or a DOI (CITATION.cff, .zenodo.json, pyproject.toml's
``[project.urls]``, datapackage.json, the site, ``wgtip cite``) follows from
it. None is invented: an empty value means none has been assigned, and the
citations say so. The DOI of one version is minted after its release, so it
is a later fact of the log (``ReleaseDoiRecorded``), not a setting.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import WgtipError
from .events import DOI as DOI_PATTERN

NAME = "wgtip-recommendations"
AUTHOR = "wgtip contributors"
"""The dataset's author: a group, not a person (citation formats mark it as an organisation)."""
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

IDENTIFIERS_FILE = "identifiers.toml"
_URL = re.compile(r"^https://[^\s/]+(/\S*)?$")


class IdentifiersError(WgtipError):
    """identifiers.toml that cannot be read as the dataset's identifiers."""


@dataclass(frozen=True)
class Identifiers:
    """The dataset's addresses and the DOI of all its versions; None where none is assigned."""

    homepage: str | None = None
    """The dataset's canonical page."""
    repository: str | None = None
    """The public repository of the code and the log."""
    datasette: str | None = None
    """The public Datasette site serving the data."""
    concept_doi: str | None = None
    """The DOI that stands for every version (Zenodo's "concept DOI"); each version's own DOI is recorded by ``wgtip record-doi``."""

    @property
    def url(self) -> str | None:
        """The address a citation gives: the homepage, else the repository."""
        return self.homepage or self.repository

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def identifiers(root: Path) -> Identifiers:
    """The identifiers set in ``root/identifiers.toml`` (none assigned if the file is absent). A value
    that is not an https address (a DOI: ``10.NNNN/…``) is refused, naming the file and the key."""
    path = root / IDENTIFIERS_FILE
    if not path.is_file():
        return Identifiers()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise IdentifiersError(f"{IDENTIFIERS_FILE}: (file): not valid TOML: {err}") from None
    known = {f.name for f in fields(Identifiers)}
    values: dict[str, str | None] = {}
    for key, value in raw.items():
        if key not in known:
            raise IdentifiersError(f"{IDENTIFIERS_FILE}: {key}: unknown key (known: {', '.join(sorted(known))})")
        if not isinstance(value, str):
            raise IdentifiersError(f'{IDENTIFIERS_FILE}: {key}: must be a string ("" while none is assigned)')
        value = value.strip()
        if value and key == "concept_doi" and not re.match(DOI_PATTERN, value):
            raise IdentifiersError(f"{IDENTIFIERS_FILE}: {key}: {value!r} is not a DOI (10.NNNN/suffix, without https://doi.org/)")
        if value and key != "concept_doi" and not _URL.match(value):
            raise IdentifiersError(f"{IDENTIFIERS_FILE}: {key}: {value!r} is not an https:// address")
        values[key] = value or None
    return Identifiers(**values)
