"""The one definition of each table.

Every output (CSV + Table Schema in datapackage.json, DuckDB, SQLite and the
Datasette metadata) is generated from these SQLModel classes: their columns,
types, keys and descriptions live here and nowhere else. A table's titles,
Chinese description, place among the tables and kind are in SQLAlchemy's
``Table.info`` (``table_info``); a column's Chinese description in its Field.
``TABLES`` lists them in their declared order, where every table comes after
the tables it references.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def zh(description: str, long_text: bool = False, wide: bool = False) -> dict[str, Any]:
    """A column's Chinese description, kept beside its English one in the column's Field; whether
    the column holds long text (prose, JSON), which the DuckDB writer stores with zstd; and whether
    that text runs to whole paragraphs (definitions), which the site's table pages give a wider column."""
    return {"json_schema_extra": {"description_zh": description, "long_text": long_text or wide, "wide": wide}}


def table_info(order: int, title: str, title_zh: str, description_zh: str, log_table: bool = False, empty_until_recorded: bool = False) -> dict[str, Any]:
    """A table model's ``__table_args__``: what the outputs say of the table besides its columns, kept
    in the table's ``info``. ``order``: its place among the tables (and the outputs': the order of
    datapackage.json's resources and of the SQLite file's tables), after every table it references;
    ``log_table``: it records the log and its releases (see ``is_log_table``); ``empty_until_recorded``:
    it may be empty (no event of its kind yet). The English description is the class's docstring."""
    return {"info": dict(order=order, title=title, title_zh=title_zh, description_zh=description_zh, log_table=log_table, empty_until_recorded=empty_until_recorded)}


def annotator_field() -> Any:
    """The ``annotator`` column every annotation table ends with (a fresh Field per table)."""
    return Field(description="The rule (module and version) or the person that made the annotation.", schema_extra=zh("作出标注的规则（模块和版本）或人员。"))


def annotation_event_field() -> Any:
    """The ``event_seq`` column every annotation table ends with."""
    return Field(foreign_key="events.seq", description="The event that recorded the annotation.", schema_extra=zh("记录该标注的事件。"))


class Event(SQLModel, table=True):
    """The event log itself, one row per event, so anyone can audit the data with SQL."""

    __tablename__ = "events"
    __table_args__ = table_info(order=1, title="Events", title_zh="事件日志", description_zh="事件日志本身，每个事件一行，便于任何人用SQL核查数据。", log_table=True)

    seq: int = Field(primary_key=True, description="Position of the event in the log (1, 2, …).", schema_extra=zh("事件在日志中的序号（1、2、……）。"))
    type: str = Field(
        description="Event type, named in the past tense (MeetingHeld, RecommendationsAdopted, …).", schema_extra=zh("事件类型，以过去时命名（MeetingHeld、RecommendationsAdopted 等）。")
    )
    schema_version: int = Field(description="Schema version of the event type the event was written with.", schema_extra=zh("写入该事件时所用事件类型模式的版本。"))
    occurred_start: dt.date = Field(description="First day on which the event happened in the world.", schema_extra=zh("事件在现实中发生的第一天。"))
    occurred_end: dt.date = Field(description="Last day on which the event happened in the world.", schema_extra=zh("事件在现实中发生的最后一天。"))
    recorded_at: str = Field(
        description="When the event was recorded in the log (ISO 8601, UTC), as written in the event.", schema_extra=zh("事件记入日志的时间（ISO 8601，协调世界时），照事件所载。")
    )
    source_document: str | None = Field(default=None, description="Identifier of the source document the event cites.", schema_extra=zh("事件所引来源文件的标识符。"))
    source_section: str | None = Field(default=None, description="Section of the source document, as printed (一, 二, …).", schema_extra=zh("来源文件的节，照原文（一、二、……）。"))
    source_paragraph: str | None = Field(default=None, description="Paragraph of the source document, as printed.", schema_extra=zh("来源文件的段，照原文。"))
    source_line: int | None = Field(default=None, description="1-based line in the source document file.", schema_extra=zh("在来源文件中的行号（从1起）。"))
    prev: str | None = Field(default=None, description="SHA-256 of the previous event's committed line (the hash chain).", schema_extra=zh("前一事件提交行的SHA-256（哈希链）。"))
    hash: str = Field(description="SHA-256 of this event's committed line.", schema_extra=zh("本事件提交行的SHA-256。"))
    file: str = Field(description="Segment file of the log that holds the event, relative to the repository root.", schema_extra=zh("存放该事件的日志分段文件，相对于仓库根目录。"))
    file_line: int = Field(description="1-based line of the event in its segment file.", schema_extra=zh("事件在其分段文件中的行号（从1起）。"))
    data: str = Field(description="The event's payload as JSON.", schema_extra=zh("事件内容，JSON格式。", long_text=True))


class SourceDocument(SQLModel, table=True):
    """The documents the data was read from, with their SHA-256."""

    __tablename__ = "source_documents"
    __table_args__ = table_info(order=2, title="Source documents", title_zh="来源文件", description_zh="数据所据的文件及其SHA-256。")

    document: str = Field(primary_key=True, description="Identifier of the document in this dataset.", schema_extra=zh("该文件在本数据集中的标识符。"))
    path: str = Field(description="Path of the project's copy of the document, relative to the repository root.", schema_extra=zh("本项目所存文件副本的路径，相对于仓库根目录。"))
    sha256: str = Field(description="SHA-256 of the document file.", schema_extra=zh("文件的SHA-256。"))
    language: str = Field(description="Language of this version (BCP 47).", schema_extra=zh("本文本的语言（BCP 47）。"))
    original_language: str = Field(description="Language the document was written in (BCP 47).", schema_extra=zh("文件的原文语言（BCP 47）。"))
    body: str = Field(description="The body whose recommendations the document lists, as printed.", schema_extra=zh("文件所列建议出自的机构，照原文。"))
    title: str = Field(description="Title as printed.", schema_extra=zh("标题，照原文。"))
    subtitle: str = Field(description="Sub-title as printed.", schema_extra=zh("副标题，照原文。"))
    distributed_on: dt.date = Field(description="Date of distribution printed on the document.", schema_extra=zh("文件所印的分发日期。"))
    complements: str | None = Field(default=None, description="Symbol of the document this one complements, as printed.", schema_extra=zh("本文件所补充的文件的文号，照原文。"))
    agenda: str | None = Field(default=None, description="Symbol of the provisional agenda the document was prepared under, as printed.", schema_extra=zh("本文件所属临时议程的文号，照原文。"))
    event_seq: int = Field(foreign_key="events.seq", description="The event that registered the document.", schema_extra=zh("登记该文件的事件。"))


class Meeting(SQLModel, table=True):
    """One row per meeting of the Working Group."""

    __tablename__ = "meetings"
    __table_args__ = table_info(order=3, title="Meetings", title_zh="会议", description_zh="工作组每次会议一行。")

    meeting: int = Field(primary_key=True, description="Ordinal of the meeting (1 = first meeting).", schema_extra=zh("会议序次（1 = 第一次会议）。"))
    heading: str = Field(description="Section heading of the meeting in the source, exactly as printed.", schema_extra=zh("来源文件中该会议的节标题，逐字照录。"))
    start_date: dt.date = Field(description="First day of the meeting.", schema_extra=zh("会议第一天。"))
    end_date: dt.date = Field(description="Last day of the meeting.", schema_extra=zh("会议最后一天。"))
    venue: str = Field(description="Venue, as printed.", schema_extra=zh("会议地点，照原文。"))
    report_symbol: str | None = Field(default=None, description="Symbol of the meeting's report, where the source names one.", schema_extra=zh("会议报告的文号（来源文件提到时）。"))
    note: str | None = Field(
        default=None,
        description="Text printed under the heading instead of recommendations (the third meeting's note), verbatim.",
        schema_extra=zh("标题下所印、代替建议的文字（第三次会议的说明），逐字照录。", long_text=True),
    )
    provisions_decided: int = Field(
        description="Number of provisions (paragraphs, items, sub-items) that became recommendations by this meeting's decision.", schema_extra=zh("经本次会议决定成为建议的条文（段、项、目）数。")
    )
    provisions_proposed: int = Field(
        description="Number of provisions proposed at this meeting (and adopted, if at all, by a later one).", schema_extra=zh("在本次会议上提出（如获通过，则由后来的会议通过）的条文数。")
    )
    source_document: str = Field(foreign_key="source_documents.document", description="Document the meeting is recorded in.", schema_extra=zh("记载该会议的文件。"))
    source_line: int = Field(description="1-based line of the meeting's heading in the source document file.", schema_extra=zh("会议节标题在来源文件中的行号（从1起）。"))
    event_seq: int = Field(foreign_key="events.seq", description="The MeetingHeld event.", schema_extra=zh("MeetingHeld 事件。"))


class Provision(SQLModel, table=True):
    """One row per paragraph, item and sub-item of the recommendations, in document order."""

    __tablename__ = "provisions"
    __table_args__ = table_info(order=4, title="Provisions", title_zh="建议条文", description_zh="建议的每一段、项和目各一行，按文件顺序排列。")

    provision_id: str = Field(
        primary_key=True,
        description="Stable, URL-safe identifier (wgtip-m<meeting section>-p<paragraph>[-<item>[-<sub-item>]]); never reused.",
        schema_extra=zh("稳定、可用于网址的标识符（wgtip-m<会议节>-p<段>[-<项>[-<目>]]），永不重复使用。"),
    )
    parent_id: str | None = Field(
        default=None,
        foreign_key="provisions.provision_id",
        description="The chapeau this provision belongs to (the paragraph of an item, the item of a sub-item); empty for a paragraph.",
        schema_extra=zh("本条文所属的引导语（项属于其段，目属于其项）；段则为空。"),
    )
    meeting: int = Field(
        foreign_key="meetings.meeting",
        description="Ordinal of the meeting whose decision made it a recommendation (for proposals: the endorsing meeting).",
        schema_extra=zh("经其决定使本条文成为建议的会议序次（提议的建议：核可会议）。"),
    )
    paragraph: int = Field(description="Paragraph number within its meeting's section of the source.", schema_extra=zh("在来源文件该会议节中的段号。"))
    item: str | None = Field(default=None, description="Item letter (a, b, …); empty for a paragraph.", schema_extra=zh("项的字母（a、b、……）；段则为空。"))
    subitem: str | None = Field(
        default=None,
        description="Sub-item as a lower-case roman numeral (i, ii, …, printed (一), (二), …); empty otherwise.",
        schema_extra=zh("目，以小写罗马数字表示（i、ii、……，原文印作（一）、（二）……）；否则为空。"),
    )
    level: str = Field(description="paragraph, item or subitem.", schema_extra=zh("paragraph（段）、item（项）或 subitem（目）。"))
    label: str = Field(description="The label exactly as printed: '5.', '(a)', '(一)'.", schema_extra=zh("逐字照录的编号：“5.”、“(a)”、“(一)”。"))
    position: int = Field(description="Position in document order (1 = first provision of the source).", schema_extra=zh("在文件中的先后位置（1 = 来源文件第一条）。"))
    text: str = Field(
        description="The provision's own words exactly as printed in the source, without its label and without footnote markers. Never changes: corrections go to current_text.",
        schema_extra=zh("条文本身的文字，逐字照录来源文件，不含编号和脚注标记。永不改动：更正见 current_text。", long_text=True),
    )
    current_text: str = Field(
        description="The text with every correction recorded so far applied (see provision_texts); equal to text where there is none.",
        schema_extra=zh("适用迄今所记录全部更正后的文字（见 provision_texts）；无更正时与 text 相同。", long_text=True),
    )
    standalone_text: str = Field(
        description="current_text prefixed by the current_text of its chapeau(s), so that an item reads on its own (derived: joined without separator).",
        schema_extra=zh("在 current_text 前加上其引导语的 current_text，使项可独立阅读（派生：直接相连，不加分隔）。", long_text=True),
    )
    is_chapeau: bool = Field(description="Whether the provision introduces items or sub-items.", schema_extra=zh("本条文是否引出项或目。"))
    adoption: str = Field(
        description=(
            "How it became a recommendation: adopted (by a meeting); proposed_and_endorsed (proposed at one meeting, endorsed by a later one); recommended_to_conference (the meeting recommended "
            "that the Conference of the Parties consider adopting it); proposed (not yet endorsed)."
        ),
        schema_extra=zh(
            "成为建议的方式：adopted（会议通过）；proposed_and_endorsed（一次会议提出、后来会议核可）；recommended_to_conference（会议建议缔约方会议审议是否采纳）；proposed（尚未核可）。"
        ),
    )
    meeting_start_date: dt.date = Field(description="First day of the meeting named in column meeting.", schema_extra=zh("meeting 列所示会议的第一天。"))
    meeting_end_date: dt.date = Field(description="Last day of the meeting named in column meeting.", schema_extra=zh("meeting 列所示会议的最后一天。"))
    proposed_at_meeting: int | None = Field(
        default=None, foreign_key="meetings.meeting", description="For proposals: ordinal of the meeting at which it was proposed.", schema_extra=zh("提议的建议：提出该建议的会议序次。")
    )
    proposed_on: dt.date | None = Field(default=None, description="For proposals: first day of the meeting at which it was proposed.", schema_extra=zh("提议的建议：提出该建议的会议的第一天。"))
    proposed_by: str | None = Field(default=None, description="For proposals: who proposed it, as recorded (Chair).", schema_extra=zh("提议的建议：提出者，照记录（主席）。"))
    endorsed_with_oral_amendments: bool | None = Field(
        default=None, description="For proposals: whether the endorsing meeting amended them orally.", schema_extra=zh("提议的建议：核可会议是否作了口头修正。")
    )
    footnotes: int = Field(description="Number of footnotes whose markers stand in the text.", schema_extra=zh("其脚注标记位于本文字中的脚注数。"))
    corrections: int = Field(description="Number of corrections recorded for the text (TextCorrected events).", schema_extra=zh("为本文字记录的更正数（TextCorrected 事件）。"))
    source_document: str = Field(foreign_key="source_documents.document", description="Document the provision is printed in.", schema_extra=zh("印有本条文的文件。"))
    source_section: str = Field(description="Section of the source, as printed (一 = first meeting, …).", schema_extra=zh("来源文件的节，照原文（一 = 第一次会议，……）。"))
    source_paragraph: int = Field(description="Paragraph number under which the provision is printed in the source.", schema_extra=zh("来源文件中本条文所在的段号。"))
    source_line: int = Field(description="1-based line of the provision in the source document file.", schema_extra=zh("本条文在来源文件中的行号（从1起）。"))
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the provision.", schema_extra=zh("记录本条文的事件。"))
    citation: str = Field(
        description="How to cite this provision in this version of the dataset (plain text; `wgtip cite` adds the release's content hash, which a file cannot contain about itself).",
        schema_extra=zh("在本数据集版本中引用本条文的方式（纯文本；`wgtip cite` 另加该版本的内容哈希，文件无法包含自身的哈希）。", long_text=True),
    )


class FootnoteRow(SQLModel, table=True):
    """Footnotes of the source, tied to the provision where their marker stands."""

    __tablename__ = "footnotes"
    __table_args__ = table_info(order=5, title="Footnotes", title_zh="脚注", description_zh="来源文件的脚注，与其标记所在的条文相连。")

    footnote_id: str = Field(
        primary_key=True, description="Identifier: the provision's identifier followed by -fn and the footnote number.", schema_extra=zh("标识符：条文标识符后加 -fn 和脚注编号。")
    )
    number: int = Field(description="Footnote number as printed.", schema_extra=zh("脚注编号，照原文。"))
    marker: str = Field(description="The marker exactly as it stands in the source (superscript digits).", schema_extra=zh("来源文件中的脚注标记，逐字照录（上标数字）。"))
    provision_id: str = Field(foreign_key="provisions.provision_id", description="Provision in whose text the marker stands.", schema_extra=zh("脚注标记所在的条文。"))
    offset: int = Field(
        description="Character offset in the provision's text where the marker stood (0 = before the first character).", schema_extra=zh("标记在条文文字中的字符位置（0 = 第一个字符之前）。")
    )
    text: str = Field(description="Footnote text exactly as in the source, without its marker.", schema_extra=zh("脚注文字，逐字照录来源文件，不含标记。", long_text=True))
    source_document: str = Field(foreign_key="source_documents.document", description="Document the footnote is printed in.", schema_extra=zh("印有该脚注的文件。"))
    source_line: int = Field(description="1-based line of the footnote text in the source document file.", schema_extra=zh("脚注文字在来源文件中的行号（从1起）。"))
    event_seq: int = Field(foreign_key="events.seq", description="The event that recorded the footnote.", schema_extra=zh("记录该脚注的事件。"))


class Release(SQLModel, table=True):
    """One row per release of the dataset (ReleasePublished events)."""

    __tablename__ = "releases"
    __table_args__ = table_info(order=6, title="Releases", title_zh="版本", description_zh="数据集的每个版本一行（ReleasePublished 事件）。", log_table=True)

    version: str = Field(
        primary_key=True,
        description="Semantic version: major = a change of columns, types or meaning; minor = new records or annotations; patch = corrections.",
        schema_extra=zh("语义化版本号：主版本 = 列、类型或含义的改变；次版本 = 新记录或标注；修订版本 = 更正。"),
    )
    release_order: int = Field(
        description="1 for the first release, 2 for the next, …: sort releases by this, not by the version text.", schema_extra=zh("首个版本为1，其后为2，……：按此列而非版本文字排序。")
    )
    published_on: dt.date = Field(description="Release date.", schema_extra=zh("发布日期。"))
    notes: str = Field(description="Release notes.", schema_extra=zh("版本说明。", wide=True))
    previous_version: str | None = Field(default=None, foreign_key="releases.version", description="The release before this one.", schema_extra=zh("前一版本。"))
    log_head_seq: int = Field(description="Sequence number of the last event the release contains.", schema_extra=zh("该版本所含最后一个事件的序号。"))
    log_head_sha256: str = Field(description="SHA-256 of that event's committed line: the head of the hash chain at the release.", schema_extra=zh("该事件提交行的SHA-256：发布时哈希链的链头。"))
    digest: str = Field(
        description="SHA-256 over the release's data files ('<sha256>  <path>' lines, sorted by path; the SHA256SUMS of data/).",
        schema_extra=zh("该版本数据文件的总SHA-256（按路径排序的“<sha256>  <路径>”各行；即 data/ 的 SHA256SUMS）。"),
    )
    event_seq: int = Field(foreign_key="events.seq", description="The ReleasePublished event.", schema_extra=zh("ReleasePublished 事件。"))


class ReleaseFile(SQLModel, table=True):
    """The content hash of each data file of each release."""

    __tablename__ = "release_files"
    __table_args__ = table_info(order=7, title="Release files", title_zh="版本文件", description_zh="每个版本每个数据文件的内容哈希。", log_table=True)

    version: str = Field(primary_key=True, foreign_key="releases.version", description="The release.", schema_extra=zh("版本。"))
    path: str = Field(primary_key=True, description="Path of the data file in the release's package.", schema_extra=zh("数据文件在该版本数据包中的路径。"))
    bytes: int = Field(description="Size of the file in bytes.", schema_extra=zh("文件大小（字节）。"))
    sha256: str = Field(description="SHA-256 of the file.", schema_extra=zh("文件的SHA-256。"))


class ProvisionTextRevision(SQLModel, table=True):
    """Every text each provision has had, with the events and releases in which it held."""

    __tablename__ = "provision_texts"
    __table_args__ = table_info(order=8, title="Provision text history", title_zh="条文文本沿革", description_zh="每条条文有过的全部文字，及其有效的事件和版本范围。")

    text_id: str = Field(primary_key=True, description="Identifier: the provision's identifier, -r and the revision number.", schema_extra=zh("标识符：条文标识符后加 -r 和修订号。"))
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    revision: int = Field(description="1 for the text as printed, 2 after the first correction, …", schema_extra=zh("1 为原印文字，首次更正后为2，……"))
    text: str = Field(description="The text in this revision.", schema_extra=zh("本修订中的文字。", long_text=True))
    valid_from_seq: int = Field(
        foreign_key="events.seq", description="The event from which this text holds (the one that recorded or corrected it).", schema_extra=zh("本文字自其起有效的事件（记录或更正它的事件）。")
    )
    valid_to_seq: int | None = Field(
        default=None, foreign_key="events.seq", description="The event that replaced this text; empty while it is current.", schema_extra=zh("取代本文字的事件；现行文字则为空。")
    )
    from_release: str | None = Field(
        default=None, foreign_key="releases.version", description="First release that contains this text; empty if none yet.", schema_extra=zh("含有本文字的第一个版本；尚无则为空。")
    )
    to_release: str | None = Field(
        default=None,
        foreign_key="releases.version",
        description="Last release that contains this text, if it has been replaced; empty while it is current or if never released.",
        schema_extra=zh("本文字已被取代时，含有它的最后一个版本；现行文字或从未发布则为空。"),
    )
    reason: str | None = Field(default=None, description="For a corrected text: why it was corrected.", schema_extra=zh("更正后的文字：更正理由。", long_text=True))
    corrected_by: str | None = Field(default=None, description="For a corrected text: who or what rule corrected it.", schema_extra=zh("更正后的文字：作出更正的人或规则。"))


class Change(SQLModel, table=True):
    """What each release added, changed or removed, with old and new values and the event that caused it."""

    __tablename__ = "changes"
    __table_args__ = table_info(order=9, title="Changes per release", title_zh="各版本变更", description_zh="每个版本新增、修改或删除的内容，附旧值、新值及导致变更的事件。")

    change_id: int = Field(primary_key=True, description="Position of the change in the log's order (1, 2, …).", schema_extra=zh("变更在日志顺序中的位置（1、2、……）。"))
    version: str | None = Field(
        default=None,
        foreign_key="releases.version",
        description="The release that published the change; empty for changes not yet released.",
        schema_extra=zh("发布该变更的版本；尚未发布的变更则为空。"),
    )
    table_name: str = Field(description="Table of the changed row (provisions, meetings, footnotes, …).", schema_extra=zh("变更行所在的表（provisions、meetings、footnotes 等）。"))
    row_id: str = Field(description="Primary key of the changed row.", schema_extra=zh("变更行的主键。"))
    change: str = Field(description="added, changed or removed.", schema_extra=zh("added（新增）、changed（修改）或 removed（删除）。"))
    field: str | None = Field(default=None, description="For changed: the column that changed.", schema_extra=zh("修改时：被修改的列。"))
    old_value: str | None = Field(default=None, description="Value in the previous release (for changed and removed).", schema_extra=zh("前一版本中的值（修改和删除时）。", long_text=True))
    new_value: str | None = Field(default=None, description="Value in this release (for added and changed).", schema_extra=zh("本版本中的值（新增和修改时）。", long_text=True))
    event_seq: int = Field(foreign_key="events.seq", description="The event that caused the change (the last one, if several did).", schema_extra=zh("导致该变更的事件（若有多个，为最后一个）。"))


# --- annotations (issue 6) -----------------------------------------------------------
# Annotations are made by rules (or people) and recorded as ProvisionsAnnotated /
# AnnotationCorrected events; each row names its annotator and the evidence, so a
# reader can check it against the text. Offsets count characters of the annotated
# text revision of the evidence provision (its own, or the chapeau's if inherited).


class Vocabulary(SQLModel, table=True):
    """The controlled vocabularies of the annotations (VocabularyDefined events), with English and Chinese titles."""

    __tablename__ = "vocabularies"
    __table_args__ = table_info(order=10, title="Vocabularies", title_zh="受控词表", description_zh="标注所用的受控词表（VocabularyDefined 事件），附英文和中文标题。")

    vocabulary: str = Field(
        primary_key=True,
        description="Code of the vocabulary: addressee, addressee_role, strength, theme, reference_kind.",
        schema_extra=zh("词表代码：addressee、addressee_role、strength、theme、reference_kind。"),
    )
    title: str = Field(description="English title.", schema_extra=zh("英文标题。"))
    title_zh: str = Field(description="Chinese title.", schema_extra=zh("中文标题。"))
    description: str = Field(description="What the vocabulary classifies (English).", schema_extra=zh("该词表所分类的对象（英文）。", wide=True))
    terms: int = Field(description="Number of terms.", schema_extra=zh("词条数。"))
    event_seq: int = Field(
        foreign_key="events.seq",
        description="The VocabularyDefined event that defined it (the latest, if redefined).",
        schema_extra=zh("定义该词表的 VocabularyDefined 事件（如重新定义，为最新者）。"),
    )


class VocabularyTerm(SQLModel, table=True):
    """One row per term of each vocabulary, with English and Chinese labels."""

    __tablename__ = "vocabulary_terms"
    __table_args__ = table_info(order=11, title="Vocabulary terms", title_zh="词表术语", description_zh="每个词表的每个词条一行，附英文和中文名称。")

    vocabulary: str = Field(primary_key=True, foreign_key="vocabularies.vocabulary", description="The vocabulary.", schema_extra=zh("词表。"))
    code: str = Field(primary_key=True, description="Code of the term, as used in the annotation tables.", schema_extra=zh("词条代码，标注表中使用此代码。"))
    position: int = Field(description="Order of the term in its vocabulary (1, 2, …).", schema_extra=zh("词条在词表中的顺序（1、2、……）。"))
    label: str = Field(description="English label.", schema_extra=zh("英文名称。"))
    label_zh: str = Field(description="Chinese label.", schema_extra=zh("中文名称。"))
    description: str = Field(description="What the term means and when it applies (English).", schema_extra=zh("词条的含义及适用情形（英文）。", wide=True))


class ProvisionAddressee(SQLModel, table=True):
    """Who each provision asks to act (or to be asked), with the words that say so."""

    __tablename__ = "provision_addressees"
    __table_args__ = table_info(order=12, title="Addressees", title_zh="建议对象", description_zh="每条条文要求谁采取行动（或被要求请求他人），附表明这一点的词语。")

    addressee_id: str = Field(
        primary_key=True, description="Identifier: provision_id, the addressee code and the role, joined by '/'.", schema_extra=zh("标识符：provision_id、对象代码和角色，以“/”连接。")
    )
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    addressee: str = Field(description="Who (a code of vocabulary_terms where vocabulary = 'addressee').", schema_extra=zh("对象（vocabulary_terms 中 vocabulary = 'addressee' 的代码）。"))
    role: str = Field(
        description="direct (asked to act) or indirect (the direct addressee is asked to request, invite or encourage it); vocabulary addressee_role.",
        schema_extra=zh("direct（被要求采取行动）或 indirect（直接对象被要求请求、邀请或鼓励其行动）；词表 addressee_role。"),
    )
    evidence: str = Field(
        description="The words naming the addressee (or, for 'unspecified', the modal cue), exactly as in the evidence text.",
        schema_extra=zh("指明对象的词语（对象为 'unspecified' 时为情态标志词），逐字照录证据文字。"),
    )
    span_start: int = Field(description="Character offset of the evidence in the evidence text (0-based).", schema_extra=zh("证据在证据文字中的字符起始位置（从0起）。"))
    span_end: int = Field(description="Character offset just after the evidence.", schema_extra=zh("证据结束后的字符位置。"))
    inherited_from: str | None = Field(
        default=None,
        foreign_key="provisions.provision_id",
        description="The chapeau whose text holds the evidence, when an item inherits its addressee (for example from '缔约国应当：'); empty when the evidence is in the provision's own text.",
        schema_extra=zh("项沿用其引导语中的对象时（例如“缔约国应当：”），载有证据的引导语；证据在条文本身时为空。"),
    )
    text_revision: int = Field(
        description="Revision of the provision's text that was annotated (see provision_texts.revision).", schema_extra=zh("所标注的条文文字修订号（见 provision_texts.revision）。")
    )
    annotator: str = annotator_field()
    event_seq: int = annotation_event_field()


class ProvisionStrength(SQLModel, table=True):
    """The modal force of each provision's wording (should, should consider, may, …), with the cue and its span."""

    __tablename__ = "provision_strength"
    __table_args__ = table_info(order=13, title="Strength of wording", title_zh="措辞强度", description_zh="每条条文措辞的情态强度（应当、应当考虑、可、……），附标志词及其位置。")

    strength_id: str = Field(primary_key=True, description="Identifier: provision_id and the strength code, joined by '/'.", schema_extra=zh("标识符：provision_id 和措辞强度代码，以“/”连接。"))
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    strength: str = Field(
        description="The modal force (a code of vocabulary_terms where vocabulary = 'strength'); a provision with two directives has two rows.",
        schema_extra=zh("措辞的情态强度（vocabulary_terms 中 vocabulary = 'strength' 的代码）；含两项指令的条文有两行。"),
    )
    cue: str | None = Field(
        default=None,
        description="The wording that carries the force (应当, 应当考虑, 鼓励, 工作组建议缔约方会议审议…); empty for 'none'.",
        schema_extra=zh("体现强度的措辞（应当、应当考虑、鼓励、工作组建议缔约方会议审议……）；'none' 时为空。"),
    )
    evidence: str | None = Field(
        default=None, description="The cue as it stands in the evidence text (equal to cue); empty for 'none'.", schema_extra=zh("该措辞在证据文字中的原样（与 cue 相同）；'none' 时为空。")
    )
    span_start: int | None = Field(default=None, description="Character offset of the cue in the evidence text.", schema_extra=zh("措辞在证据文字中的字符起始位置。"))
    span_end: int | None = Field(default=None, description="Character offset just after the cue.", schema_extra=zh("措辞结束后的字符位置。"))
    inherited_from: str | None = Field(
        default=None,
        foreign_key="provisions.provision_id",
        description="The chapeau whose cue the item inherits (the item completes its sentence); empty when the cue is in the provision's own text.",
        schema_extra=zh("项沿用其措辞的引导语（项补足其句子）；措辞在条文本身时为空。"),
    )
    text_revision: int = Field(description="Revision of the provision's text that was annotated.", schema_extra=zh("所标注的条文文字修订号。"))
    annotator: str = annotator_field()
    event_seq: int = annotation_event_field()


class ProvisionTopic(SQLModel, table=True):
    """The explicit topic phrase of a provision ('关于…，'), where its text (or its chapeau's) states one."""

    __tablename__ = "provision_topics"
    __table_args__ = table_info(order=14, title="Topic phrases", title_zh="主题短语", description_zh="条文（或其引导语）明确陈述的主题短语（“关于……，”）。")

    provision_id: str = Field(primary_key=True, foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    topic: str = Field(
        description="The topic phrase as printed, between 关于 and the following comma or colon.", schema_extra=zh("主题短语，照原文，位于“关于”与其后的逗号或冒号之间。", long_text=True)
    )
    evidence: str = Field(description="The whole phrase '关于…，' as printed.", schema_extra=zh("完整短语“关于……，”，照原文。", long_text=True))
    span_start: int = Field(description="Character offset of the evidence in the evidence text.", schema_extra=zh("证据在证据文字中的字符起始位置。"))
    span_end: int = Field(description="Character offset just after the evidence.", schema_extra=zh("证据结束后的字符位置。"))
    inherited_from: str | None = Field(
        default=None, foreign_key="provisions.provision_id", description="The chapeau that states the topic, when an item inherits it.", schema_extra=zh("项沿用主题时，陈述该主题的引导语。")
    )
    text_revision: int = Field(description="Revision of the provision's text that was annotated.", schema_extra=zh("所标注的条文文字修订号。"))
    annotator: str = annotator_field()
    event_seq: int = annotation_event_field()


class ProvisionTheme(SQLModel, table=True):
    """Themes of each provision from the theme vocabulary; every provision has at least one."""

    __tablename__ = "provision_themes"
    __table_args__ = table_info(order=15, title="Themes", title_zh="专题", description_zh="取自主题词表的每条条文的主题类别；每条条文至少有一个。")

    theme_id: str = Field(primary_key=True, description="Identifier: provision_id and the theme code, joined by '/'.", schema_extra=zh("标识符：provision_id 和主题类别代码，以“/”连接。"))
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    theme: str = Field(description="The theme (a code of vocabulary_terms where vocabulary = 'theme').", schema_extra=zh("主题类别（vocabulary_terms 中 vocabulary = 'theme' 的代码）。"))
    cue: str | None = Field(
        default=None,
        description="How the rule assigned it: keyword (its own words), chapeau (its chapeau's words), items (a chapeau's items' words) or fallback (no keyword anywhere: implementation).",
        schema_extra=zh("规则的判定依据：keyword（本身词语）、chapeau（引导语词语）、items（引导语所含各项的词语）或 fallback（无任何关键词）。"),
    )
    evidence: str | None = Field(
        default=None,
        description="The words that matched, exactly as in the evidence text; empty for a theme taken from items or a fallback.",
        schema_extra=zh("所匹配的词语，逐字照录证据文字；取自各项或 fallback 时为空。"),
    )
    span_start: int | None = Field(default=None, description="Character offset of the evidence in the evidence text.", schema_extra=zh("证据在证据文字中的字符起始位置。"))
    span_end: int | None = Field(default=None, description="Character offset just after the evidence.", schema_extra=zh("证据结束后的字符位置。"))
    inherited_from: str | None = Field(
        default=None,
        foreign_key="provisions.provision_id",
        description="The chapeau (or, for a chapeau, the item) whose text holds the evidence, if not the provision's own.",
        schema_extra=zh("证据不在条文本身时，载有证据的引导语（或对引导语而言，所属的项）。"),
    )
    text_revision: int = Field(description="Revision of the provision's text that was annotated.", schema_extra=zh("所标注的条文文字修订号。"))
    annotator: str = annotator_field()
    event_seq: int = annotation_event_field()
    reviewed_by: str | None = Field(
        default=None,
        description=(
            "The review (AnnotationsReviewed) that read the provision and kept or added this theme; empty where the provision's themes have not been reviewed. The themes a review removed are in "
            "annotation_reviews."
        ),
        schema_extra=zh("阅读该条文并保留或添加此主题的审阅（AnnotationsReviewed）；条文主题未经审阅时为空。审阅删除的主题见 annotation_reviews。"),
    )
    review_reason: str | None = Field(
        default=None,
        description="For a theme a reviewer added: why. Such a row's cue is 'review' (a value the cue column's description, fixed by the published releases, does not list).",
        schema_extra=zh("审阅人添加的主题（cue 为 review）：添加理由。", long_text=True),
    )


class AnnotationReview(SQLModel, table=True):
    """What reviews changed in the rules' annotations: each value a reviewer added or removed, with the reason; a reviewed value that is not here was confirmed."""

    __tablename__ = "annotation_reviews"
    __table_args__ = table_info(
        order=18, title="Annotation reviews", title_zh="标注审阅", description_zh="审阅对规则标注的改动：审阅人添加或删除的每个值及理由；经审阅而不在此表中的值即为确认。", empty_until_recorded=True
    )

    review_id: str = Field(primary_key=True, description="Identifier: provision_id, the kind and the value, joined by '/'.", schema_extra=zh("标识符：provision_id、标注类型和值，以“/”连接。"))
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    kind: str = Field(description="The annotation kind reviewed (theme).", schema_extra=zh("所审阅的标注类型（theme）。"))
    value: str = Field(description="The code added or removed (a code of vocabulary_terms of the kind's vocabulary).", schema_extra=zh("添加或删除的代码（该类型词表中 vocabulary_terms 的代码）。"))
    decision: str = Field(description="added (the rule missed it) or removed (the rule gave it, and it does not apply).", schema_extra=zh("added（规则遗漏）或 removed（规则给出但不适用）。"))
    reason: str = Field(description="Why, as the reviewer read the provision with its chapeau.", schema_extra=zh("审阅人结合引导语阅读条文后给出的理由。", long_text=True))
    reviewed: str = Field(description="The rule and version whose annotations were reviewed.", schema_extra=zh("被审阅标注的规则及其版本。"))
    text_revision: int = Field(description="Revision of the provision's text the reviewer read.", schema_extra=zh("审阅人所读的条文文字修订号。"))
    annotator: str = Field(
        description="Who reviewed ('review' and the reviewer's code; the event describes the reviewer).", schema_extra=zh("审阅人（“review”加审阅人代码；事件中有对审阅人的说明）。")
    )
    event_seq: int = Field(foreign_key="events.seq", description="The AnnotationsReviewed event that recorded the review.", schema_extra=zh("记录该审阅的 AnnotationsReviewed 事件。"))


class AnnotationQuality(SQLModel, table=True):
    """How good the annotations are: for each kind and source, its latest measured precision and recall against a blind gold set (AnnotationQualityMeasured events), with the counts, the gold's size and hash, and how the annotations were made."""  # noqa: E501 (the table's published description: its text stays as released)

    __tablename__ = "annotation_quality"
    __table_args__ = table_info(
        order=19,
        title="Annotation quality",
        title_zh="标注质量",
        description_zh="标注的质量：每种标注类型和来源最近一次对照盲标金标准测得的精确率和召回率（AnnotationQualityMeasured 事件），附计数、金标准的规模和哈希，以及标注的产生方式。",
        empty_until_recorded=True,
    )

    quality_id: str = Field(primary_key=True, description="Identifier: the kind and the source, joined by '/'.", schema_extra=zh("标识符：标注类型和来源，以“/”连接。"))
    kind: str = Field(description="The annotation kind measured (addressee, strength, theme, …).", schema_extra=zh("所测的标注类型（addressee、strength、theme 等）。"))
    source: str = Field(
        description="Which annotations: rules (the keyword rules' own output) or published (what the annotation tables hold, reviews and corrections included: what the facets count).",
        schema_extra=zh("哪一种标注：rules（关键词规则本身的输出）或 published（标注表所载，含审阅和更正：即分面所计）。"),
    )
    made_by: str = Field(
        description="How the measured annotations were made: the rules (and versions) and reviewers whose rows they are.",
        schema_extra=zh("所测标注的产生方式：作出这些标注的规则（及版本）和审阅人。", long_text=True),
    )
    precision: str = Field(
        description="Share of the values given that the gold also gives: true_positives / predicted, as a decimal with three places (1.000 when none is given).",
        schema_extra=zh("所给值中金标准也给出的比例：true_positives / predicted，保留三位小数（未给任何值时为 1.000）。"),
    )
    recall: str = Field(
        description="Share of the gold's values that are given: true_positives / expected, as a decimal with three places (1.000 when the gold gives none).",
        schema_extra=zh("金标准的值中被给出的比例：true_positives / expected，保留三位小数（金标准未给任何值时为 1.000）。"),
    )
    true_positives: int = Field(
        description="Values given that the gold also gives, summed over the gold's provisions (an addressee as a (code, role) pair).",
        schema_extra=zh("所给值中金标准也给出的个数，按金标准条文合计（对象按（代码，角色）计）。"),
    )
    predicted: int = Field(description="Values given, summed over the gold's provisions.", schema_extra=zh("所给值的个数，按金标准条文合计。"))
    expected: int = Field(description="Values the gold gives, summed over its provisions.", schema_extra=zh("金标准给出的值的个数，按其条文合计。"))
    gold_provisions: int = Field(description="Number of provisions in the gold set (the sample measured).", schema_extra=zh("金标准中的条文数（所测样本）。"))
    gold_description: str = Field(description="What the gold set is and how it was made.", schema_extra=zh("金标准是什么、如何制作（英文）。", long_text=True))
    gold_file: str = Field(description="The gold set's file, relative to the repository root.", schema_extra=zh("金标准文件，相对于仓库根目录。"))
    gold_sha256: str = Field(description="SHA-256 of the gold set's file as measured against.", schema_extra=zh("测量时金标准文件的SHA-256。"))
    measured_on: dt.date = Field(description="The day of the measurement.", schema_extra=zh("测量日期。"))
    evaluation: str = Field(description="How the scores were counted.", schema_extra=zh("计分方法（英文）。", long_text=True))
    evaluator: str = Field(description="The program that counted them, and its version.", schema_extra=zh("计分程序及其版本。"))
    event_seq: int = Field(foreign_key="events.seq", description="The AnnotationQualityMeasured event that recorded the measurement.", schema_extra=zh("记录该测量的 AnnotationQualityMeasured 事件。"))


class ProvisionReference(SQLModel, table=True):
    """Cross-references in the text: articles of the Protocol and the Convention, UN document symbols, decisions and resolutions, earlier recommendations, other titled documents."""

    __tablename__ = "provision_references"
    __table_args__ = table_info(order=16, title="Cross-references", title_zh="交叉引用", description_zh="文字中的交叉引用：议定书和公约的条款、联合国文件文号、决定和决议、先前的建议。")

    reference_id: str = Field(
        primary_key=True,
        description="Identifier: provision_id, '/ref/' and the reference's number in the provision (1, 2, …).",
        schema_extra=zh("标识符：provision_id、“/ref/”及该引用在条文中的序号（1、2、……）。"),
    )
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision whose text makes the reference.", schema_extra=zh("作出引用的条文。"))
    kind: str = Field(
        description="The kind of target (a code of vocabulary_terms where vocabulary = 'reference_kind').",
        schema_extra=zh("引用对象的种类（vocabulary_terms 中 vocabulary = 'reference_kind' 的代码）。"),
    )
    target: str = Field(
        description=(
            "Normalised target: 'Protocol art. 6 para. 2', 'Convention art. 26 para. 3', 'COP decision 4/4', 'GA resolution 64/293', 'CTOC/COP/WG.4/2009/2', 'meeting 1 report para. 17', or a "
            "document title."
        ),
        schema_extra=zh("规范化的引用对象，如“Protocol art. 6 para. 2”、“COP decision 4/4”、“CTOC/COP/WG.4/2009/2”。"),
    )
    instrument: str | None = Field(default=None, description="For an article: protocol or convention.", schema_extra=zh("条款引用：protocol（议定书）或 convention（公约）。"))
    article: str | None = Field(default=None, description="Article number as printed.", schema_extra=zh("条号，照原文。"))
    paragraph: str | None = Field(default=None, description="Paragraph (款) number as printed.", schema_extra=zh("款号，照原文。"))
    subparagraph: str | None = Field(default=None, description="Subparagraph (项) letter as printed.", schema_extra=zh("项的字母，照原文。"))
    symbol: str | None = Field(default=None, description="UN document symbol, or decision/resolution number.", schema_extra=zh("联合国文件文号，或决定/决议编号。"))
    report_meeting: int | None = Field(
        default=None, foreign_key="meetings.meeting", description="For a paragraph of an earlier meeting's report: that meeting.", schema_extra=zh("引用前次会议报告某段时：该会议。")
    )
    report_paragraph: int | None = Field(
        default=None,
        description="For a paragraph of an earlier meeting's report: its number in the report (the report's numbering is not the compilation's).",
        schema_extra=zh("引用前次会议报告某段时：该段在报告中的编号（报告编号不同于本汇编编号）。"),
    )
    resolved_provision_id: str | None = Field(
        default=None,
        foreign_key="provisions.provision_id",
        description="The provision of this dataset the reference means, where it was resolved.",
        schema_extra=zh("经解析后该引用所指的本数据集条文。"),
    )
    resolution: str | None = Field(default=None, description="How it was resolved (method and evidence), or why not.", schema_extra=zh("解析的方法和依据，或未能解析的原因。", long_text=True))
    evidence: str = Field(description="The referring words exactly as in the text.", schema_extra=zh("引用词语，逐字照录原文。"))
    span_start: int = Field(description="Character offset of the evidence in the provision's annotated text.", schema_extra=zh("证据在所标注条文文字中的字符起始位置。"))
    span_end: int = Field(description="Character offset just after the evidence.", schema_extra=zh("证据结束后的字符位置。"))
    text_revision: int = Field(description="Revision of the provision's text that was annotated.", schema_extra=zh("所标注的条文文字修订号。"))
    annotator: str = annotator_field()
    event_seq: int = annotation_event_field()


class ParallelText(SQLModel, table=True):
    """The text of a provision in another language version of the same paper (ParallelTextRecorded events; none recorded yet)."""

    __tablename__ = "provision_parallel_texts"
    __table_args__ = table_info(
        order=17,
        title="Parallel texts (other language versions)",
        title_zh="其他语文版本文本",
        description_zh="同一背景文件另一语言版本中的条文文字（ParallelTextRecorded 事件；尚无记录）。",
        empty_until_recorded=True,
    )

    parallel_id: str = Field(primary_key=True, description="Identifier: provision_id and the language tag, joined by '/'.", schema_extra=zh("标识符：provision_id 和语言标记，以“/”连接。"))
    provision_id: str = Field(foreign_key="provisions.provision_id", description="The provision.", schema_extra=zh("条文。"))
    language: str = Field(description="BCP 47 language tag of the text.", schema_extra=zh("该文字的语言标记（BCP 47）。"))
    document: str = Field(
        foreign_key="source_documents.document",
        description="The registered document (that language's version of the paper) the text is printed in.",
        schema_extra=zh("印有该文字的已登记文件（该语言版本的背景文件）。"),
    )
    label: str = Field(description="The label exactly as printed in that version.", schema_extra=zh("该语言版本中的编号，逐字照录。"))
    text: str = Field(
        description="The text exactly as printed in that version (never a translation made by this project).", schema_extra=zh("该语言版本中的文字，逐字照录（绝非本项目所作译文）。", long_text=True)
    )
    source_line: int = Field(description="1-based line of the text in that document file.", schema_extra=zh("该文字在该文件中的行号（从1起）。"))
    event_seq: int = Field(foreign_key="events.seq", description="The ParallelTextRecorded event.", schema_extra=zh("ParallelTextRecorded 事件。"))


def table_of(model: type[SQLModel]) -> sa.Table:
    return sa.inspect(model).local_table


def _in_declared_order() -> tuple[type[SQLModel], ...]:
    """Every table model, in the order ``table_info`` declares; refused if a table references a later one."""
    models = sorted((m for m in SQLModel.__subclasses__() if m.model_config.get("table")), key=lambda m: table_of(m).info["order"])
    order = {table_of(m).name: table_of(m).info["order"] for m in models}
    for m in models:
        for fk in table_of(m).foreign_keys:
            if order[fk.column.table.name] > order[table_of(m).name]:
                raise TypeError(f"{table_of(m).name} references {fk.column.table.name}, which is declared after it")
    return tuple(models)


TABLES = _in_declared_order()
"""Every table, each after the tables it references."""


def is_log_table(model: type[SQLModel]) -> bool:
    """Tables that record the log and its releases: a release's content hash cannot cover them,
    since they contain the release event itself."""
    return bool(table_of(model).info["log_table"])


def may_be_empty(model: type[SQLModel]) -> bool:
    """Tables that stay empty until an event of their kind is recorded (another language version's texts)."""
    return bool(table_of(model).info["empty_until_recorded"])


@dataclass(frozen=True)
class Column:
    """What the writers need to know of one column, read off the model."""

    name: str
    kind: str  # integer | string | date | boolean
    description: str
    description_zh: str
    nullable: bool
    primary_key: bool
    references: tuple[str, str] | None  # (table, column)
    long_text: bool = False
    wide: bool = False  # long text of whole paragraphs (definitions)


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
        field = model.model_fields[col.name]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        desc, desc_zh = field.description, extra.get("description_zh")
        if not desc or not desc_zh:
            raise ValueError(f"{model.__name__}.{col.name} needs a description in English and in Chinese")
        out.append(Column(col.name, _kind(col), desc, str(desc_zh), bool(col.nullable) and not col.primary_key, bool(col.primary_key), ref, bool(extra.get("long_text")), bool(extra.get("wide"))))
    return out


def primary_key(model: type[SQLModel]) -> list[str]:
    return [c.name for c in table_of(model).primary_key.columns]


def name_of(model: type[SQLModel]) -> str:
    return table_of(model).name


def description_of(model: type[SQLModel], lang: str = "en") -> str:
    if lang == "zh":
        return str(table_of(model).info["description_zh"])
    return (model.__doc__ or "").strip()


def title_of(model: type[SQLModel], lang: str = "en") -> str:
    return str(table_of(model).info["title_zh" if lang == "zh" else "title"])


def by_name() -> dict[str, type[SQLModel]]:
    return {name_of(m): m for m in TABLES}


Layout = dict[str, list[str]]
"""Table name -> the columns to write, in order (a past release's layout; default: every table, every column)."""


def current_layout() -> Layout:
    return {name_of(m): [c.name for c in columns(m)] for m in TABLES}


Row = tuple[Any, ...]
