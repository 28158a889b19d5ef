"""How to cite the dataset and one provision in it: plain text, BibTeX, CSL-JSON.

Pure functions of a provision's facts and a release's facts, used by the
fold (the ``citation`` column) and by ``wgtip cite``. The column cannot name
the release's content hash (a file cannot contain its own hash), so the
``cite`` command adds it; otherwise both say the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from . import metadata

BODY = "Working Group on Trafficking in Persons (Conference of the Parties to the United Nations Convention against Transnational Organized Crime)"
LANGUAGE_EN = {"zh": "Chinese", "en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "ar": "Arabic"}
VENUE_EN = {"维也纳": "Vienna"}
"""English names of the venues printed in the source (the citation is in English)."""

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"]


def ordinal(n: int) -> str:
    """'first' … 'twelfth', then '13th', '21st', '22nd', '23rd', '111th'."""
    if 1 <= n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class DatasetVersion:
    version: str
    published_on: dt.date | None  # None for a build that is not a release
    digest: str | None = None  # the release's content hash, when known


class ProvisionFacts(NamedTuple):
    """What a provision's citation says. A named tuple, not a frozen dataclass: the fold makes one
    per provision (two million at a million events), and a frozen dataclass takes ~5 µs to make
    (each field set through ``object.__setattr__``), a named tuple ~1.4 µs."""

    provision_id: str
    meeting: int
    meeting_start: dt.date
    meeting_end: dt.date
    venue: str
    paragraph: int
    item: str | None
    subitem: str | None
    adoption: str
    proposed_at_meeting: int | None
    proposed_on: dt.date | None
    endorsed_with_oral_amendments: bool | None
    document_title: str
    document_date: dt.date
    document_language: str
    complements: str | None
    source_line: int


def facts(provision: dict[str, Any], meeting: dict[str, Any], document: dict[str, Any]) -> ProvisionFacts:
    """The facts a citation needs, from a provision, its meeting and its document (table rows or fold state)."""
    p, m, d = provision, meeting, document
    return ProvisionFacts(
        provision_id=p["provision_id"], meeting=p["meeting"], meeting_start=m["start_date"], meeting_end=m["end_date"],
        venue=m["venue"], paragraph=p["paragraph"], item=p["item"], subitem=p["subitem"], adoption=p["adoption"],
        proposed_at_meeting=p["proposed_at_meeting"], proposed_on=p["proposed_on"],
        endorsed_with_oral_amendments=p["endorsed_with_oral_amendments"], document_title=d["title"],
        document_date=d["distributed_on"], document_language=d["language"], complements=d["complements"], source_line=p["source_line"],
    )


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
"""Spelled out here, not by strftime, whose month names follow the machine's locale."""


def dates(start: dt.date, end: dt.date) -> str:
    def month(d: dt.date) -> str:
        return MONTHS[d.month - 1]

    if start == end:
        return f"{start.day} {month(start)} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {month(start)} {start.year}"
    if start.year == end.year:
        return f"{start.day} {month(start)} – {end.day} {month(end)} {end.year}"
    return f"{start.day} {month(start)} {start.year} – {end.day} {month(end)} {end.year}"


def place(f: ProvisionFacts) -> str:
    """'46 (j) (vi)'."""
    out = str(f.paragraph)
    if f.item:
        out += f" ({f.item})"
    if f.subitem:
        out += f" ({f.subitem})"
    return out


def version_text(v: DatasetVersion) -> str:
    if v.published_on is None:
        return f"version {v.version} (not a release)"
    return f"version {v.version} ({v.published_on.isoformat()})"


class Shared:
    """The parts of citations that many provisions share (their meeting, document, adoption and
    version), each made once: the fold cites every one of a million provisions, which share a
    few of each. One per use, let go with it: a module-wide cache would outlive the build and,
    kept among the fold's freed records, pin their memory."""

    def __init__(self) -> None:
        self.made: dict[tuple[Any, ...], str] = {}

    def __call__(self, part: Callable[..., str], *args: Any) -> str:
        key = (part, *args)
        text = self.made.get(key)
        if text is None:
            text = self.made[key] = part(*args)
        return text


def _unshared(part: Callable[..., str], *args: Any) -> str:
    return part(*args)


def provision_text(f: ProvisionFacts, v: DatasetVersion, with_hash: bool = False, shared: Callable[..., str] = _unshared) -> str:
    how = shared(_how, f.adoption, f.meeting, f.proposed_at_meeting, f.proposed_on, f.endorsed_with_oral_amendments)
    text = (
        f"{shared(_meeting_text, f.meeting, f.venue, f.meeting_start, f.meeting_end)}, recommendation {place(f)}{how}. "
        f"In: {shared(_source_text, f.document_title, f.document_date, f.complements, f.document_language)}, line {f.source_line}. "
        f"Dataset: {metadata.TITLE}, {shared(version_text, v)}, provision {f.provision_id}"
    )
    if with_hash and v.digest:
        text += f", data sha256:{v.digest}"
    return text + "."


def _meeting_text(meeting: int, venue: str, start: dt.date, end: dt.date) -> str:
    return f"{BODY}, {ordinal(meeting)} meeting, {VENUE_EN.get(venue, venue)}, {dates(start, end)}"


def _how(adoption: str, meeting: int, proposed_at: int | None, proposed_on: dt.date | None, amended: bool | None) -> str:
    if adoption == "proposed_and_endorsed" and proposed_at and proposed_on:
        orally = " with oral amendments" if amended else ""
        return f" (proposed at the {ordinal(proposed_at)} meeting, {dates(proposed_on, proposed_on)}, and endorsed{orally} at the {ordinal(meeting)})"
    if adoption == "recommended_to_conference":
        return " (recommended to the Conference of the Parties for adoption)"
    return ""


def _source_text(title: str, date: dt.date, complements: str | None, language: str) -> str:
    source = f"{title}, background paper prepared by the Secretariat, {dates(date, date)}"
    if complements:
        source += f" (complementing {complements})"
    return source + f", {LANGUAGE_EN.get(language, language)} version"


def dataset_text(v: DatasetVersion) -> str:
    text = f"{metadata.AUTHOR}. {metadata.TITLE} (dataset), {version_text(v)}"
    if metadata.HOMEPAGE:
        text += f". {metadata.HOMEPAGE}"
    if v.digest:
        text += f". Data sha256:{v.digest}"
    return text + "."


def bibtex(v: DatasetVersion, f: ProvisionFacts | None = None) -> str:
    key = f"wgtip_{v.version.replace('.', '_').replace('+', '_')}" + (f"_{f.provision_id.replace('-', '_')}" if f else "")
    fields: list[tuple[str, str]] = [
        ("author", "{" + metadata.AUTHOR + "}"),
        ("title", "{" + (f"{metadata.TITLE}: {f.provision_id}" if f else metadata.TITLE) + "}"),
        ("version", v.version),
    ]
    if metadata.HOMEPAGE:
        fields.append(("url", metadata.HOMEPAGE))
    if v.published_on:
        fields += [("year", str(v.published_on.year)), ("date", v.published_on.isoformat())]
    note = provision_text(f, v, with_hash=True) if f else (f"Data sha256:{v.digest}" if v.digest else "")
    if note:
        fields.append(("note", "{" + note + "}"))
    body = ",\n".join(f"  {k} = {{{val}}}" if not val.startswith("{") else f"  {k} = {val}" for k, val in fields)
    return f"@dataset{{{key},\n{body}\n}}\n"


def csl_json(v: DatasetVersion, f: ProvisionFacts | None = None) -> list[dict[str, Any]]:
    item: dict[str, Any] = {
        "id": f"wgtip-{v.version}" + (f"-{f.provision_id}" if f else ""),
        "type": "dataset",
        "title": f"{metadata.TITLE}: {f.provision_id}" if f else metadata.TITLE,
        "author": [{"literal": metadata.AUTHOR}],
        "version": v.version,
    }
    if metadata.HOMEPAGE:
        item["URL"] = metadata.HOMEPAGE
    if v.published_on:
        item["issued"] = {"date-parts": [[v.published_on.year, v.published_on.month, v.published_on.day]]}
    if f:
        item["note"] = provision_text(f, v, with_hash=True)
    elif v.digest:
        item["note"] = f"Data sha256:{v.digest}"
    return [item]


def meeting_heading(meeting: int, start: dt.date, end: dt.date, venue: str) -> str:
    """A meeting's heading in English, composed from its facts (not a translation of the printed heading):
    'First meeting, 14–15 April 2009, Vienna'."""
    return f"{ordinal(meeting).capitalize()} meeting, {dates(start, end)}, {VENUE_EN.get(venue, venue)}"
