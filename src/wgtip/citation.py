"""How to cite the dataset and one provision in it: plain text, BibTeX, RIS, CSL-JSON.

Pure functions of a provision's facts, a release's facts (``DatasetVersion``:
version, date, content digest, DOI) and the dataset's identifiers
(``metadata.Identifiers``), used by the fold (the ``citation`` column), by
``wgtip cite`` and by the site.

The ``citation`` column is part of a release's content, fixed by its hashes:
it names the provision, its meeting and document, and the dataset version,
and nothing that can change after the release (its content hash, which a file
cannot contain about itself; its DOI, minted later; the dataset's addresses,
a setting). The other formats add those: the digest, the DOI where one is
recorded (else the DOI of all versions, else the address, with the day it was
read), and otherwise say plainly that none is assigned.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from . import metadata
from .metadata import Identifiers, doi_url

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
    doi: str | None = None  # the release's own DOI, once recorded (``wgtip record-doi``)


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


class Fields(Protocol):
    """A table row (a dict) or a record of the fold's state: its values read by column name."""

    def __getitem__(self, name: str, /) -> Any: ...


def facts(provision: Fields, meeting: dict[str, Any], document: dict[str, Any]) -> ProvisionFacts:
    """The facts a citation needs, from a provision, its meeting and its document (table rows or fold state)."""
    p, m, d = provision, meeting, document
    return ProvisionFacts(
        provision_id=p["provision_id"],
        meeting=p["meeting"],
        meeting_start=m["start_date"],
        meeting_end=m["end_date"],
        venue=m["venue"],
        paragraph=p["paragraph"],
        item=p["item"],
        subitem=p["subitem"],
        adoption=p["adoption"],
        proposed_at_meeting=p["proposed_at_meeting"],
        proposed_on=p["proposed_on"],
        endorsed_with_oral_amendments=p["endorsed_with_oral_amendments"],
        document_title=d["title"],
        document_date=d["distributed_on"],
        document_language=d["language"],
        complements=d["complements"],
        source_line=p["source_line"],
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


@dataclass(frozen=True)
class Locator:
    """Where a citation points: the version's DOI, else the DOI of all versions, else an address; or nothing yet."""

    doi: str | None
    concept: bool
    """Whether ``doi`` is the DOI of all versions (the version has none of its own yet)."""
    url: str | None

    @property
    def needs_access_date(self) -> bool:
        """A citation that gives only an address needs the day it was read: what is there may change."""
        return self.doi is None and self.url is not None


def locator_of(v: DatasetVersion, ids: Identifiers) -> Locator:
    if v.doi:
        return Locator(v.doi, False, ids.url)
    if ids.concept_doi:
        return Locator(ids.concept_doi, True, ids.url)
    return Locator(None, False, ids.url)


def where_text(v: DatasetVersion, ids: Identifiers, accessed: dt.date | None = None) -> str:
    """The sentence of a citation that says where the dataset is: its DOI, or its address, or that none is assigned."""
    loc = locator_of(v, ids)
    if loc.doi and not loc.concept:
        return f"{doi_url(loc.doi)}."
    if loc.doi:
        return f"{doi_url(loc.doi)} (the DOI of all versions; none is recorded yet for version {v.version})."
    if loc.url:
        seen = f" (accessed {accessed.isoformat()})" if accessed else ""
        return f"{loc.url}{seen}. No DOI has been assigned yet."
    return "No DOI or URL has been assigned yet."


def digest_text(v: DatasetVersion) -> str:
    """The release's content digest ("" for a build that is not a release: its version says so)."""
    return f"Data sha256:{v.digest}." if v.digest else ""


def dataset_text(v: DatasetVersion, ids: Identifiers, accessed: dt.date | None = None) -> str:
    """The dataset, as plain text: author, title, version and date, where it is, its content digest."""
    parts = [f"{metadata.AUTHOR}. {metadata.TITLE} (dataset), {version_text(v)}.", where_text(v, ids, accessed), digest_text(v)]
    return " ".join(p for p in parts if p)


def provision_citation(f: ProvisionFacts, v: DatasetVersion, ids: Identifiers, accessed: dt.date | None = None) -> str:
    """One provision, as plain text: the ``citation`` column's text with the digest, then where the dataset is."""
    return f"{provision_text(f, v, with_hash=True)} {where_text(v, ids, accessed)}"


def _key(v: DatasetVersion, f: ProvisionFacts | None) -> str:
    return f"wgtip_{v.version.replace('.', '_').replace('+', '_')}" + (f"_{f.provision_id.replace('-', '_')}" if f else "")


def _title(f: ProvisionFacts | None) -> str:
    return f"{metadata.TITLE}: {f.provision_id}" if f else metadata.TITLE


def _note(v: DatasetVersion, ids: Identifiers, f: ProvisionFacts | None) -> str:
    """What a citation's note says: the provision's own citation, or the digest; and, when the dataset has
    no DOI or URL, that none is assigned."""
    note = provision_text(f, v, with_hash=True) if f else digest_text(v) or version_text(v).capitalize() + "."
    loc = locator_of(v, ids)
    if loc.doi and loc.concept:
        note += f" DOI of all versions; none is recorded yet for version {v.version}."
    elif not loc.doi and not loc.url:
        note += " No DOI or URL has been assigned yet."
    elif not loc.doi:
        note += " No DOI has been assigned yet."
    return note


def bibtex(v: DatasetVersion, ids: Identifiers, f: ProvisionFacts | None = None, accessed: dt.date | None = None) -> str:
    """A biblatex ``@dataset`` entry. The author is in double braces: a group, which BibTeX must not split
    into a first and a last name."""
    loc = locator_of(v, ids)
    fields: list[tuple[str, str]] = [("author", "{" + metadata.AUTHOR + "}"), ("title", _title(f)), ("version", v.version)]
    if v.published_on:
        fields += [("year", str(v.published_on.year)), ("date", v.published_on.isoformat())]
    if loc.doi:
        fields.append(("doi", loc.doi))
    if loc.url:
        fields.append(("url", loc.url))
        if loc.needs_access_date and accessed:
            fields.append(("urldate", accessed.isoformat()))
    fields.append(("note", _note(v, ids, f)))
    body = ",\n".join(f"  {k} = {{{val}}}" for k, val in fields)
    return f"@dataset{{{_key(v, f)},\n{body}\n}}\n"


def ris(v: DatasetVersion, ids: Identifiers, f: ProvisionFacts | None = None, accessed: dt.date | None = None) -> str:
    """An RIS record (TY DATA). The version is in ET (edition), where reference managers look for it."""
    loc = locator_of(v, ids)
    tags: list[tuple[str, str]] = [("TY", "DATA"), ("AU", metadata.AUTHOR), ("TI", _title(f)), ("ET", v.version)]
    if v.published_on:
        tags += [("PY", str(v.published_on.year)), ("DA", v.published_on.strftime("%Y/%m/%d"))]
    if loc.doi:
        tags.append(("DO", loc.doi))
    if loc.url:
        tags.append(("UR", loc.url))
        if loc.needs_access_date and accessed:
            tags.append(("Y2", accessed.strftime("%Y/%m/%d")))
    tags += [("N1", _note(v, ids, f)), ("ER", "")]
    return "".join(f"{tag}  - {val}".rstrip() + "\n" if tag == "ER" else f"{tag}  - {val}\n" for tag, val in tags)


def _date_parts(d: dt.date) -> dict[str, Any]:
    return {"date-parts": [[d.year, d.month, d.day]]}


def csl_json(v: DatasetVersion, ids: Identifiers, f: ProvisionFacts | None = None, accessed: dt.date | None = None) -> list[dict[str, Any]]:
    """CSL-JSON (the CSL data schema's item list): one ``dataset`` item; the author a ``literal`` name (a group)."""
    loc = locator_of(v, ids)
    item: dict[str, Any] = {
        "id": f"wgtip-{v.version}" + (f"-{f.provision_id}" if f else ""),
        "type": "dataset",
        "title": _title(f),
        "author": [{"literal": metadata.AUTHOR}],
        "version": v.version,
    }
    if v.published_on:
        item["issued"] = _date_parts(v.published_on)
    if loc.doi:
        item["DOI"] = loc.doi
    if loc.url:
        item["URL"] = loc.url
        if loc.needs_access_date and accessed:
            item["accessed"] = _date_parts(accessed)
    item["note"] = _note(v, ids, f)
    return [item]


def meeting_heading(meeting: int, start: dt.date, end: dt.date, venue: str) -> str:
    """A meeting's heading in English, composed from its facts (not a translation of the printed heading):
    'First meeting, 14–15 April 2009, Vienna'."""
    return f"{ordinal(meeting).capitalize()} meeting, {dates(start, end)}, {VENUE_EN.get(venue, venue)}"


FORMATS = ("text", "bibtex", "ris", "csl-json")
"""The formats ``render`` writes."""


def render(fmt: str, v: DatasetVersion, ids: Identifiers, f: ProvisionFacts | None = None, accessed: dt.date | None = None) -> str:
    """The dataset (or the provision ``f``) in one of ``FORMATS``, as text ending in a newline."""
    if fmt == "bibtex":
        return bibtex(v, ids, f, accessed)
    if fmt == "ris":
        return ris(v, ids, f, accessed)
    if fmt == "csl-json":
        return json.dumps(csl_json(v, ids, f, accessed), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        return (provision_citation(f, v, ids, accessed) if f else dataset_text(v, ids, accessed)) + "\n"
    raise ValueError(f"unknown citation format {fmt!r} (formats: {', '.join(FORMATS)})")
