"""The one definition of each table.

Every output (CSV + Table Schema in datapackage.json, DuckDB, SQLite and the
Datasette metadata) is generated from these SQLModel classes: their columns,
types, keys and descriptions live here and nowhere else. ``TABLES`` lists
them in an order where every table comes after the tables it references.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Event(SQLModel, table=True):
    """The event log itself, one row per event, so anyone can audit the data with SQL."""

    __tablename__ = "events"
    __title__ = "Events"
    __title_zh__ = "事件日志"

    seq: int = Field(primary_key=True, description="Position of the event in the log (1, 2, …).")
    type: str = Field(description="Event type, named in the past tense (MeetingHeld, RecommendationsAdopted, …).")
    schema_version: int = Field(description="Schema version of the event type the event was written with.")
    occurred_start: dt.date = Field(description="First day on which the event happened in the world.")
    occurred_end: dt.date = Field(description="Last day on which the event happened in the world.")
    recorded_at: str = Field(description="When the event was recorded in the log (ISO 8601, UTC), as written in the event.")
    source_document: Optional[str] = Field(default=None, description="Identifier of the source document the event cites.")
    source_section: Optional[str] = Field(default=None, description="Section of the source document, as printed (一, 二, …).")
    source_paragraph: Optional[str] = Field(default=None, description="Paragraph of the source document, as printed.")
    source_line: Optional[int] = Field(default=None, description="1-based line in the source document file.")
    prev: Optional[str] = Field(default=None, description="SHA-256 of the previous event's committed line (the hash chain).")
    hash: str = Field(description="SHA-256 of this event's committed line.")
    file: str = Field(description="Segment file of the log that holds the event, relative to the repository root.")
    file_line: int = Field(description="1-based line of the event in its segment file.")
    data: str = Field(description="The event's payload as JSON.")


class SourceDocument(SQLModel, table=True):
    """The documents the data was read from, with their SHA-256."""

    __tablename__ = "source_documents"
    __title__ = "Source documents"
    __title_zh__ = "来源文件"

    document: str = Field(primary_key=True, description="Identifier of the document in this dataset.")
    path: str = Field(description="Path of the project's copy of the document, relative to the repository root.")
    sha256: str = Field(description="SHA-256 of the document file.")
    language: str = Field(description="Language of this version (BCP 47).")
    original_language: str = Field(description="Language the document was written in (BCP 47).")
    body: str = Field(description="The body whose recommendations the document lists, as printed.")
    title: str = Field(description="Title as printed.")
    subtitle: str = Field(description="Sub-title as printed.")
    distributed_on: dt.date = Field(description="Date of distribution printed on the document.")
    complements: Optional[str] = Field(default=None, description="Symbol of the document this one complements, as printed.")
    agenda: Optional[str] = Field(default=None, description="Symbol of the provisional agenda the document was prepared under, as printed.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that registered the document.")


class Meeting(SQLModel, table=True):
    """One row per meeting of the Working Group."""

    __tablename__ = "meetings"
    __title__ = "Meetings"
    __title_zh__ = "会议"

    meeting: int = Field(primary_key=True, description="Ordinal of the meeting (1 = first meeting).")
    heading: str = Field(description="Section heading of the meeting in the source, exactly as printed.")
    start_date: dt.date = Field(description="First day of the meeting.")
    end_date: dt.date = Field(description="Last day of the meeting.")
    venue: str = Field(description="Venue, as printed.")
    report_symbol: Optional[str] = Field(default=None, description="Symbol of the meeting's report, where the source names one.")
    note: Optional[str] = Field(default=None, description="Text printed under the heading instead of recommendations (the third meeting's note), verbatim.")
    provisions_decided: int = Field(description="Number of provisions (paragraphs, items, sub-items) that became recommendations by this meeting's decision.")
    provisions_proposed: int = Field(description="Number of provisions proposed at this meeting (and adopted, if at all, by a later one).")
    source_document: str = Field(foreign_key="source_documents.document", description="Document the meeting is recorded in.")
    source_line: int = Field(description="1-based line of the meeting's heading in the source document file.")
    event_seq: int = Field(foreign_key="events.seq", description="The MeetingHeld event.")


class Provision(SQLModel, table=True):
    """One row per paragraph, item and sub-item of the recommendations, in document order."""

    __tablename__ = "provisions"
    __title__ = "Provisions"
    __title_zh__ = "建议条文"

    provision_id: str = Field(primary_key=True, description="Stable, URL-safe identifier (wgtip-m<meeting section>-p<paragraph>[-<item>[-<sub-item>]]); never reused.")
    parent_id: Optional[str] = Field(default=None, foreign_key="provisions.provision_id", description="The chapeau this provision belongs to (the paragraph of an item, the item of a sub-item); empty for a paragraph.")
    meeting: int = Field(foreign_key="meetings.meeting", description="Ordinal of the meeting whose decision made it a recommendation (for proposals: the endorsing meeting).")
    paragraph: int = Field(description="Paragraph number within its meeting's section of the source.")
    item: Optional[str] = Field(default=None, description="Item letter (a, b, …); empty for a paragraph.")
    subitem: Optional[str] = Field(default=None, description="Sub-item as a lower-case roman numeral (i, ii, …, printed (一), (二), …); empty otherwise.")
    level: str = Field(description="paragraph, item or subitem.")
    label: str = Field(description="The label exactly as printed: '5.', '(a)', '(一)'.")
    position: int = Field(description="Position in document order (1 = first provision of the source).")
    text: str = Field(description="The provision's own words exactly as printed in the source, without its label and without footnote markers. Never changes: corrections go to current_text.")
    current_text: str = Field(description="The text with every correction recorded so far applied (see provision_texts); equal to text where there is none.")
    standalone_text: str = Field(description="current_text prefixed by the current_text of its chapeau(s), so that an item reads on its own (derived: joined without separator).")
    is_chapeau: bool = Field(description="Whether the provision introduces items or sub-items.")
    adoption: str = Field(description="How it became a recommendation: adopted (by a meeting); proposed_and_endorsed (proposed at one meeting, endorsed by a later one); recommended_to_conference (the meeting recommended that the Conference of the Parties consider adopting it); proposed (not yet endorsed).")
    meeting_start_date: dt.date = Field(description="First day of the meeting named in column meeting.")
    meeting_end_date: dt.date = Field(description="Last day of the meeting named in column meeting.")
    proposed_at_meeting: Optional[int] = Field(default=None, foreign_key="meetings.meeting", description="For proposals: ordinal of the meeting at which it was proposed.")
    proposed_on: Optional[dt.date] = Field(default=None, description="For proposals: first day of the meeting at which it was proposed.")
    proposed_by: Optional[str] = Field(default=None, description="For proposals: who proposed it, as recorded (Chair).")
    endorsed_with_oral_amendments: Optional[bool] = Field(default=None, description="For proposals: whether the endorsing meeting amended them orally.")
    footnotes: int = Field(description="Number of footnotes whose markers stand in the text.")
    corrections: int = Field(description="Number of corrections recorded for the text (TextCorrected events).")
    source_document: str = Field(foreign_key="source_documents.document", description="Document the provision is printed in.")
    source_section: str = Field(description="Section of the source, as printed (一 = first meeting, …).")
    source_paragraph: int = Field(description="Paragraph number under which the provision is printed in the source.")
    source_line: int = Field(description="1-based line of the provision in the source document file.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the provision.")
    citation: str = Field(description="How to cite this provision in this version of the dataset (plain text; `wgtip cite` adds the release's content hash, which a file cannot contain about itself).")


class FootnoteRow(SQLModel, table=True):
    """Footnotes of the source, tied to the provision where their marker stands."""

    __tablename__ = "footnotes"
    __title__ = "Footnotes"
    __title_zh__ = "脚注"

    footnote_id: str = Field(primary_key=True, description="Identifier: the provision's identifier followed by -fn and the footnote number.")
    number: int = Field(description="Footnote number as printed.")
    marker: str = Field(description="The marker exactly as it stands in the source (superscript digits).")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="Provision in whose text the marker stands.")
    offset: int = Field(description="Character offset in the provision's text where the marker stood (0 = before the first character).")
    text: str = Field(description="Footnote text exactly as in the source, without its marker.")
    source_document: str = Field(foreign_key="source_documents.document", description="Document the footnote is printed in.")
    source_line: int = Field(description="1-based line of the footnote text in the source document file.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the footnote.")


class Release(SQLModel, table=True):
    """One row per release of the dataset (ReleasePublished events)."""

    __tablename__ = "releases"
    __title__ = "Releases"
    __title_zh__ = "版本"
    __log_table__ = True

    version: str = Field(primary_key=True, description="Semantic version: major = a change of columns, types or meaning; minor = new records or annotations; patch = corrections.")
    release_order: int = Field(description="1 for the first release, 2 for the next, …: sort releases by this, not by the version text.")
    published_on: dt.date = Field(description="Release date.")
    notes: str = Field(description="Release notes.")
    previous_version: Optional[str] = Field(default=None, foreign_key="releases.version", description="The release before this one.")
    log_head_seq: int = Field(description="Sequence number of the last event the release contains.")
    log_head_sha256: str = Field(description="SHA-256 of that event's committed line: the head of the hash chain at the release.")
    digest: str = Field(description="SHA-256 over the release's data files ('<sha256>  <path>' lines, sorted by path; the SHA256SUMS of data/).")
    event_seq: int = Field(foreign_key="events.seq", description="The ReleasePublished event.")


class ReleaseFile(SQLModel, table=True):
    """The content hash of each data file of each release."""

    __tablename__ = "release_files"
    __title__ = "Release files"
    __title_zh__ = "版本文件"
    __log_table__ = True

    version: str = Field(primary_key=True, foreign_key="releases.version", description="The release.")
    path: str = Field(primary_key=True, description="Path of the data file in the release's package.")
    bytes: int = Field(description="Size of the file in bytes.")
    sha256: str = Field(description="SHA-256 of the file.")


class ProvisionTextRevision(SQLModel, table=True):
    """Every text each provision has had, with the events and releases in which it held."""

    __tablename__ = "provision_texts"
    __title__ = "Provision text history"
    __title_zh__ = "条文文本沿革"

    text_id: str = Field(primary_key=True, description="Identifier: the provision's identifier, -r and the revision number.")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.")
    revision: int = Field(description="1 for the text as printed, 2 after the first correction, …")
    text: str = Field(description="The text in this revision.")
    valid_from_seq: int = Field(foreign_key="events.seq", description="The event from which this text holds (the one that recorded or corrected it).")
    valid_to_seq: Optional[int] = Field(default=None, foreign_key="events.seq", description="The event that replaced this text; empty while it is current.")
    from_release: Optional[str] = Field(default=None, foreign_key="releases.version", description="First release that contains this text; empty if none yet.")
    to_release: Optional[str] = Field(default=None, foreign_key="releases.version", description="Last release that contains this text, if it has been replaced; empty while it is current or if never released.")
    reason: Optional[str] = Field(default=None, description="For a corrected text: why it was corrected.")
    corrected_by: Optional[str] = Field(default=None, description="For a corrected text: who or what rule corrected it.")


class Change(SQLModel, table=True):
    """What each release added, changed or removed, with old and new values and the event that caused it."""

    __tablename__ = "changes"
    __title__ = "Changes per release"
    __title_zh__ = "各版本变更"

    change_id: int = Field(primary_key=True, description="Position of the change in the log's order (1, 2, …).")
    version: Optional[str] = Field(default=None, foreign_key="releases.version", description="The release that published the change; empty for changes not yet released.")
    table_name: str = Field(description="Table of the changed row (provisions, meetings, footnotes, …).")
    row_id: str = Field(description="Primary key of the changed row.")
    change: str = Field(description="added, changed or removed.")
    field: Optional[str] = Field(default=None, description="For changed: the column that changed.")
    old_value: Optional[str] = Field(default=None, description="Value in the previous release (for changed and removed).")
    new_value: Optional[str] = Field(default=None, description="Value in this release (for added and changed).")
    event_seq: int = Field(foreign_key="events.seq", description="The event that caused the change (the last one, if several did).")


# --- annotations (issue 6) -----------------------------------------------------------
# Annotations are made by rules (or people) and recorded as ProvisionsAnnotated /
# AnnotationCorrected events; each row names its annotator and the evidence, so a
# reader can check it against the text. Offsets count characters of the annotated
# text revision of the evidence provision (its own, or the chapeau's if inherited).


class Vocabulary(SQLModel, table=True):
    """The controlled vocabularies of the annotations (VocabularyDefined events), with English and Chinese titles."""

    __tablename__ = "vocabularies"
    __title__ = "Vocabularies"
    __title_zh__ = "受控词表"

    vocabulary: str = Field(primary_key=True, description="Code of the vocabulary: addressee, addressee_role, strength, theme, reference_kind.")
    title: str = Field(description="English title.")
    title_zh: str = Field(description="Chinese title.")
    description: str = Field(description="What the vocabulary classifies (English).")
    terms: int = Field(description="Number of terms.")
    event_seq: int = Field(foreign_key="events.seq", description="The VocabularyDefined event that defined it (the latest, if redefined).")


class VocabularyTerm(SQLModel, table=True):
    """One row per term of each vocabulary, with English and Chinese labels."""

    __tablename__ = "vocabulary_terms"
    __title__ = "Vocabulary terms"
    __title_zh__ = "词表术语"

    vocabulary: str = Field(primary_key=True, foreign_key="vocabularies.vocabulary", description="The vocabulary.")
    code: str = Field(primary_key=True, description="Code of the term, as used in the annotation tables.")
    position: int = Field(description="Order of the term in its vocabulary (1, 2, …).")
    label: str = Field(description="English label.")
    label_zh: str = Field(description="Chinese label.")
    description: str = Field(description="What the term means and when it applies (English).")


class ProvisionAddressee(SQLModel, table=True):
    """Who each provision asks to act (or to be asked), with the words that say so."""

    __tablename__ = "provision_addressees"
    __title__ = "Addressees"
    __title_zh__ = "建议对象"

    addressee_id: str = Field(primary_key=True, description="Identifier: provision_id, the addressee code and the role, joined by '/'.")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.")
    addressee: str = Field(description="Who (a code of vocabulary_terms where vocabulary = 'addressee').")
    role: str = Field(description="direct (asked to act) or indirect (the direct addressee is asked to request, invite or encourage it); vocabulary addressee_role.")
    evidence: str = Field(description="The words naming the addressee (or, for 'unspecified', the modal cue), exactly as in the evidence text.")
    span_start: int = Field(description="Character offset of the evidence in the evidence text (0-based).")
    span_end: int = Field(description="Character offset just after the evidence.")
    inherited_from: Optional[str] = Field(default=None, foreign_key="provisions.provision_id", description="The chapeau whose text holds the evidence, when an item inherits its addressee (for example from '缔约国应当：'); empty when the evidence is in the provision's own text.")
    text_revision: int = Field(description="Revision of the provision's text that was annotated (see provision_texts.revision).")
    annotator: str = Field(description="The rule (module and version) or the person that made the annotation.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the annotation.")


class ProvisionStrength(SQLModel, table=True):
    """The modal force of each provision's wording (should, should consider, may, …), with the cue and its span."""

    __tablename__ = "provision_strength"
    __title__ = "Strength of wording"
    __title_zh__ = "措辞强度"

    strength_id: str = Field(primary_key=True, description="Identifier: provision_id and the strength code, joined by '/'.")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.")
    strength: str = Field(description="The modal force (a code of vocabulary_terms where vocabulary = 'strength'); a provision with two directives has two rows.")
    cue: Optional[str] = Field(default=None, description="The wording that carries the force (应当, 应当考虑, 鼓励, 工作组建议缔约方会议审议…); empty for 'none'.")
    evidence: Optional[str] = Field(default=None, description="The cue as it stands in the evidence text (equal to cue); empty for 'none'.")
    span_start: Optional[int] = Field(default=None, description="Character offset of the cue in the evidence text.")
    span_end: Optional[int] = Field(default=None, description="Character offset just after the cue.")
    inherited_from: Optional[str] = Field(default=None, foreign_key="provisions.provision_id", description="The chapeau whose cue the item inherits (the item completes its sentence); empty when the cue is in the provision's own text.")
    text_revision: int = Field(description="Revision of the provision's text that was annotated.")
    annotator: str = Field(description="The rule (module and version) or the person that made the annotation.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the annotation.")


class ProvisionTopic(SQLModel, table=True):
    """The explicit topic phrase of a provision ('关于…，'), where its text (or its chapeau's) states one."""

    __tablename__ = "provision_topics"
    __title__ = "Topic phrases"
    __title_zh__ = "主题短语"

    provision_id: str = Field(primary_key=True, foreign_key="provisions.provision_id", description="The provision.")
    topic: str = Field(description="The topic phrase as printed, between 关于 and the following comma or colon.")
    evidence: str = Field(description="The whole phrase '关于…，' as printed.")
    span_start: int = Field(description="Character offset of the evidence in the evidence text.")
    span_end: int = Field(description="Character offset just after the evidence.")
    inherited_from: Optional[str] = Field(default=None, foreign_key="provisions.provision_id", description="The chapeau that states the topic, when an item inherits it.")
    text_revision: int = Field(description="Revision of the provision's text that was annotated.")
    annotator: str = Field(description="The rule (module and version) or the person that made the annotation.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the annotation.")


class ProvisionTheme(SQLModel, table=True):
    """Themes of each provision from the theme vocabulary; every provision has at least one."""

    __tablename__ = "provision_themes"
    __title__ = "Themes"
    __title_zh__ = "专题"

    theme_id: str = Field(primary_key=True, description="Identifier: provision_id and the theme code, joined by '/'.")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.")
    theme: str = Field(description="The theme (a code of vocabulary_terms where vocabulary = 'theme').")
    cue: Optional[str] = Field(default=None, description="How the rule assigned it: keyword (its own words), chapeau (its chapeau's words), items (a chapeau's items' words) or fallback (no keyword anywhere: implementation).")
    evidence: Optional[str] = Field(default=None, description="The words that matched, exactly as in the evidence text; empty for a theme taken from items or a fallback.")
    span_start: Optional[int] = Field(default=None, description="Character offset of the evidence in the evidence text.")
    span_end: Optional[int] = Field(default=None, description="Character offset just after the evidence.")
    inherited_from: Optional[str] = Field(default=None, foreign_key="provisions.provision_id", description="The chapeau (or, for a chapeau, the item) whose text holds the evidence, if not the provision's own.")
    text_revision: int = Field(description="Revision of the provision's text that was annotated.")
    annotator: str = Field(description="The rule (module and version) or the person that made the annotation.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the annotation.")


class ProvisionReference(SQLModel, table=True):
    """Cross-references in the text: articles of the Protocol and the Convention, UN document symbols, decisions and resolutions, earlier recommendations, other titled documents."""

    __tablename__ = "provision_references"
    __title__ = "Cross-references"
    __title_zh__ = "交叉引用"

    reference_id: str = Field(primary_key=True, description="Identifier: provision_id, '/ref/' and the reference's number in the provision (1, 2, …).")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision whose text makes the reference.")
    kind: str = Field(description="The kind of target (a code of vocabulary_terms where vocabulary = 'reference_kind').")
    target: str = Field(description="Normalised target: 'Protocol art. 6 para. 2', 'Convention art. 26 para. 3', 'COP decision 4/4', 'GA resolution 64/293', 'CTOC/COP/WG.4/2009/2', 'meeting 1 report para. 17', or a document title.")
    instrument: Optional[str] = Field(default=None, description="For an article: protocol or convention.")
    article: Optional[str] = Field(default=None, description="Article number as printed.")
    paragraph: Optional[str] = Field(default=None, description="Paragraph (款) number as printed.")
    subparagraph: Optional[str] = Field(default=None, description="Subparagraph (项) letter as printed.")
    symbol: Optional[str] = Field(default=None, description="UN document symbol, or decision/resolution number.")
    report_meeting: Optional[int] = Field(default=None, foreign_key="meetings.meeting", description="For a paragraph of an earlier meeting's report: that meeting.")
    report_paragraph: Optional[int] = Field(default=None, description="For a paragraph of an earlier meeting's report: its number in the report (the report's numbering is not the compilation's).")
    resolved_provision_id: Optional[str] = Field(default=None, foreign_key="provisions.provision_id", description="The provision of this dataset the reference means, where it was resolved.")
    resolution: Optional[str] = Field(default=None, description="How it was resolved (method and evidence), or why not.")
    evidence: str = Field(description="The referring words exactly as in the text.")
    span_start: int = Field(description="Character offset of the evidence in the provision's annotated text.")
    span_end: int = Field(description="Character offset just after the evidence.")
    text_revision: int = Field(description="Revision of the provision's text that was annotated.")
    annotator: str = Field(description="The rule (module and version) or the person that made the annotation.")
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the annotation.")


class ParallelText(SQLModel, table=True):
    """The text of a provision in another language version of the same paper (ParallelTextRecorded events; none recorded yet)."""

    __tablename__ = "provision_parallel_texts"
    __title__ = "Parallel texts (other language versions)"
    __title_zh__ = "其他语文版本文本"
    __empty_until_recorded__ = True  # no other language version has been recorded yet

    parallel_id: str = Field(primary_key=True, description="Identifier: provision_id and the language tag, joined by '/'.")
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.")
    language: str = Field(description="BCP 47 language tag of the text.")
    document: str = Field(foreign_key="source_documents.document", description="The registered document (that language's version of the paper) the text is printed in.")
    label: str = Field(description="The label exactly as printed in that version.")
    text: str = Field(description="The text exactly as printed in that version (never a translation made by this project).")
    source_line: int = Field(description="1-based line of the text in that document file.")
    event_seq: int = Field(foreign_key="events.seq", description="The ParallelTextRecorded event.")


TABLES: tuple[type[SQLModel], ...] = (
    Event, SourceDocument, Meeting, Provision, FootnoteRow, Release, ReleaseFile, ProvisionTextRevision, Change,
    Vocabulary, VocabularyTerm, ProvisionAddressee, ProvisionStrength, ProvisionTopic, ProvisionTheme, ProvisionReference, ParallelText,
)
"""Every table, each after the tables it references."""


def is_log_table(model: type[SQLModel]) -> bool:
    """Tables that record the log and its releases: a release's content hash cannot cover them,
    since they contain the release event itself."""
    return model is Event or bool(getattr(model, "__log_table__", False))


@dataclass(frozen=True)
class Column:
    """What the writers need to know of one column, read off the model."""

    name: str
    kind: str  # integer | string | date | boolean
    description: str
    nullable: bool
    primary_key: bool
    references: tuple[str, str] | None  # (table, column)


def table_of(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined,return-value]


def _kind(col: sa.Column) -> str:
    t = col.type
    if isinstance(t, sa.types.TypeDecorator):
        t = t.impl_instance
    if isinstance(t, sa.Boolean):
        return "boolean"
    if isinstance(t, sa.Integer):
        return "integer"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, (sa.String, sa.Text)):
        return "string"
    raise TypeError(f"column {col.name}: no mapping for SQL type {t!r}")


def columns(model: type[SQLModel]) -> list[Column]:
    out = []
    for col in table_of(model).columns:
        fks = list(col.foreign_keys)
        ref = (fks[0].column.table.name, fks[0].column.name) if fks else None
        desc = model.model_fields[col.name].description
        if not desc:
            raise ValueError(f"{model.__name__}.{col.name} has no description")
        out.append(Column(col.name, _kind(col), desc, bool(col.nullable) and not col.primary_key, bool(col.primary_key), ref))
    return out


def primary_key(model: type[SQLModel]) -> list[str]:
    return [c.name for c in table_of(model).primary_key.columns]


def name_of(model: type[SQLModel]) -> str:
    return table_of(model).name


def description_of(model: type[SQLModel]) -> str:
    return (model.__doc__ or "").strip()


def title_of(model: type[SQLModel], lang: str = "en") -> str:
    return getattr(model, "__title_zh__" if lang == "zh" else "__title__")


def by_name() -> dict[str, type[SQLModel]]:
    return {name_of(m): m for m in TABLES}


Row = tuple[Any, ...]
