"""The events of the log: one pydantic model per event type.

These models are the single source of truth for the shape of an event. The
JSON Schema files under ``schema/events/`` are generated from them
(``wgtip schema``) and a test fails when the two drift apart.

An event is an envelope (sequence number, type, schema version, when it
happened in the world, when it was recorded, where in the source it comes
from, the hash of its predecessor) around a type-specific ``data`` payload.
Events are named in the past tense: they record what happened.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from .annotation_kinds import KIND_NAMES

HEX64 = r"^[0-9a-f]{64}$"
PROVISION_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    """Base for every event part: unknown fields are an error, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Occurrence(Strict):
    """When the event happened in the world (for a meeting: its first and last day)."""

    start: dt.date = Field(description="First day on which the event happened in the world.")
    end: dt.date = Field(description="Last day on which the event happened in the world (equal to start for a one-day event).")

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Occurrence:
        # JSON Schema cannot compare two fields; the models are the stricter check
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class SourceLocator(Strict):
    """Where in which document the event's facts are printed."""

    document: str = Field(description="Identifier of the source document, as registered by a SourceDocumentRegistered event.")
    language: str = Field(description="BCP 47 language tag of the document version that was read (zh for Chinese).")
    sha256: str = Field(pattern=HEX64, description="SHA-256 of the document file, lower-case hex.")
    section: str | None = Field(default=None, description="Section heading number as printed (一, 二, …), if any.")
    paragraph: str | None = Field(default=None, description="Paragraph number as printed, if any.")
    line: int | None = Field(default=None, ge=1, description="1-based line number in the document file where the facts begin.")


class Footnote(Strict):
    """A footnote whose marker stands in a provision's text."""

    number: int = Field(ge=1, description="Footnote number as printed.")
    marker: str = Field(min_length=1, description="The marker exactly as it stands in the source (superscript digits).")
    offset: int = Field(ge=0, description="Character offset in the provision text (without markers) where the marker stood.")
    text: str = Field(min_length=1, description="Footnote text exactly as in the source, without its marker.")
    line: int = Field(ge=1, description="1-based line of the footnote text in the document file.")


class ProvisionText(Strict):
    """One paragraph, item or sub-item exactly as printed."""

    provision_id: str = Field(pattern=PROVISION_ID, description="Stable, URL-safe identifier; never reused.")
    parent_id: str | None = Field(default=None, pattern=PROVISION_ID, description="Identifier of the chapeau this provision belongs to, if any.")
    paragraph: int = Field(ge=1, description="Paragraph number within its meeting's section.")
    item: str | None = Field(default=None, pattern=r"^[a-z]$", description="Item letter (a, b, …) or null for a paragraph.")
    subitem: str | None = Field(default=None, pattern=r"^[ivxl]+$", description="Sub-item number as a lower-case roman numeral (i, ii, …), as in the English original, or null.")
    label: str = Field(min_length=1, description="The label exactly as printed: '5.', '(a)', '(一)'.")
    text: str = Field(min_length=1, description="The provision's own words exactly as in the source, without label and without footnote markers.")
    line: int = Field(ge=1, description="1-based line of the provision in the document file.")
    footnotes: tuple[Footnote, ...] = Field(default=(), description="Footnotes whose markers stand in this provision's text.")


class Envelope(Strict):
    """The fields every event shares."""

    seq: int = Field(ge=1, description="Position of the event in the log: 1, 2, 3, … without gaps.")
    type: str = Field(description="The event type, named in the past tense.")
    schema_version: int = Field(ge=1, description="Version of this event type's schema the event was written with.")
    occurred: Occurrence = Field(description="When it happened in the world.")
    recorded_at: AwareDatetime = Field(description="When it was recorded in the log: a fixed value written in the event, never a build's clock.")
    source: SourceLocator | None = Field(default=None, description="Where in the source document the facts are printed; null for events of the dataset's own life (releases).")
    prev: str | None = Field(pattern=HEX64, description="SHA-256 of the previous event's line as committed (null for the first event): the hash chain.")

    if TYPE_CHECKING:
        # every event type declares its payload, a model of its own, as ``data``: code that reads any event's
        # (a logged event is an Envelope to the type checker) reads it as Any
        data: Any


# --- payloads -----------------------------------------------------------------


REPOSITORY_PATH = r"^[^/.\\\x00-\x1f][^/\\\x00-\x1f]*(/[^/.\\\x00-\x1f][^/\\\x00-\x1f]*)*$"
"""A path inside the repository: relative, '/'-separated, no part empty or starting with '.' (so no '..')."""


def _inside_the_repository(path: str) -> str:
    # the model's own check (the published schema carries the same rule as a pattern), with a message that says why
    if not re.fullmatch(REPOSITORY_PATH, path):
        raise ValueError(f"{path!r} is not a path inside the repository (relative, '/'-separated, no part starting with '.', so no '..')")
    return path


RepositoryPath = Annotated[str, AfterValidator(_inside_the_repository)]
"""A path inside the repository, relative to its root (as the schema's pattern REPOSITORY_PATH says)."""


class SourceDocumentRegisteredData(Strict):
    document: str = Field(pattern=PROVISION_ID, description="Identifier given to the document in this dataset.")
    path: RepositoryPath = Field(
        json_schema_extra={"pattern": REPOSITORY_PATH},
        description="Path of the project's copy of the document, relative to the repository root, inside it: '/'-separated, no part starting with '.' (so no '..'), not absolute.",
    )

    sha256: str = Field(pattern=HEX64, description="SHA-256 of the file.")
    language: str = Field(description="Language of this version (BCP 47).")
    original_language: str = Field(description="Language the document was written in (BCP 47).")
    body: str = Field(description="The body whose recommendations the document lists, as printed.")
    title: str = Field(description="Title as printed.")
    subtitle: str = Field(description="Sub-title as printed.")
    distributed_on: dt.date = Field(description="Date of distribution printed on the document.")
    complements: str | None = Field(default=None, description="Symbol of the document this one complements, as printed.")
    agenda: str | None = Field(default=None, description="Symbol of the provisional agenda named in the footnote of the front matter, as printed.")


class MeetingHeldData(Strict):
    meeting: int = Field(ge=1, description="Ordinal of the meeting (1 for the first meeting).")
    heading: str = Field(description="The section heading exactly as printed.")
    start_date: dt.date = Field(description="First day of the meeting, read from the heading.")
    end_date: dt.date = Field(description="Last day of the meeting, read from the heading.")
    venue: str = Field(description="Venue as printed.")
    report_symbol: str | None = Field(default=None, description="Symbol of the meeting's report, where the source names one.")
    report_symbol_line: int | None = Field(
        default=None, ge=1, description="1-based line of the document where the report symbol is named (the rule: a paragraph citing 'the report of the meeting held on <its dates> (<symbol>)')."
    )
    note: str | None = Field(default=None, description="Text printed under the heading instead of recommendations, verbatim.")
    note_line: int | None = Field(default=None, ge=1, description="1-based line of the note in the document file.")


class RecommendationsAdoptedData(Strict):
    meeting: int = Field(ge=1, description="Ordinal of the meeting that adopted the recommendations.")
    paragraph: int = Field(ge=1, description="Paragraph number in the meeting's section.")
    provisions: tuple[ProvisionText, ...] = Field(min_length=1, description="The paragraph and its items and sub-items, in document order.")


class RecommendationsReferredToConferenceData(Strict):
    meeting: int = Field(ge=1, description="Ordinal of the meeting that recommended that the Conference of the Parties consider adopting the recommendations.")
    paragraph: int = Field(ge=1, description="Paragraph number in the meeting's section.")
    provisions: tuple[ProvisionText, ...] = Field(min_length=1, description="The paragraph (the recommendation to the Conference) and the recommendations it refers, in document order.")


class RecommendationsProposedData(Strict):
    meeting: int = Field(ge=1, description="Ordinal of the meeting at which the recommendations were proposed.")
    proposed_by: str = Field(description="Who proposed them (for example: Chair).")
    provisions: tuple[ProvisionText, ...] = Field(
        min_length=1, description="The proposed recommendations, in document order; items whose chapeau is written by the endorsing meeting name it as parent_id."
    )


class ProposalsEndorsedData(Strict):
    meeting: int = Field(ge=1, description="Ordinal of the meeting that endorsed the proposals.")
    proposals_of_meeting: int = Field(ge=1, description="Ordinal of the meeting at which the endorsed proposals were made.")
    with_oral_amendments: bool = Field(description="Whether the endorsing meeting amended the proposals orally.")
    paragraph: int = Field(ge=1, description="Paragraph number of the endorsement in the endorsing meeting's section.")
    provisions: tuple[ProvisionText, ...] = Field(min_length=1, description="The endorsing paragraph (the chapeau of the endorsed proposals).")
    endorsed: tuple[str, ...] = Field(min_length=1, description="provision_id of every proposal endorsed.")


# --- events ---------------------------------------------------------------------


class SourceDocumentRegistered(Envelope):
    """A source document was registered: the provenance of the events that cite it."""

    type: Literal["SourceDocumentRegistered"]
    data: SourceDocumentRegisteredData


class MeetingHeld(Envelope):
    """A meeting of the Working Group was held."""

    type: Literal["MeetingHeld"]
    data: MeetingHeldData


class RecommendationsAdopted(Envelope):
    """A meeting adopted a paragraph of recommendations (with its items and sub-items)."""

    type: Literal["RecommendationsAdopted"]
    data: RecommendationsAdoptedData


class RecommendationsReferredToConference(Envelope):
    """A meeting recommended that the Conference of the Parties consider adopting recommendations."""

    type: Literal["RecommendationsReferredToConference"]
    data: RecommendationsReferredToConferenceData


class RecommendationsProposed(Envelope):
    """Recommendations were proposed at a meeting (not yet adopted)."""

    type: Literal["RecommendationsProposed"]
    data: RecommendationsProposedData


class ProposalsEndorsed(Envelope):
    """A later meeting endorsed recommendations proposed at an earlier one."""

    type: Literal["ProposalsEndorsed"]
    data: ProposalsEndorsedData


class TextCorrectedData(Strict):
    provision_id: str = Field(pattern=PROVISION_ID, description="The provision whose text is corrected.")
    old_text: str = Field(min_length=1, description="The text being corrected, exactly as it reads before this event (a guard against stale corrections).")
    new_text: str = Field(min_length=1, description="The corrected text.")
    reason: str = Field(min_length=1, description="Why: the slip and the evidence for the correction.")
    corrected_by: str = Field(min_length=1, description="Who or what rule made the correction.")


class TextCorrected(Envelope):
    """A slip in a provision's printed text was corrected; the printed text stays in the data beside it."""

    type: Literal["TextCorrected"]
    data: TextCorrectedData


# --- annotations and parallel texts ---------------------------------------------


if TYPE_CHECKING:
    AnnotationKind = str
else:
    AnnotationKind = Literal[KIND_NAMES]
    """One of the declared kinds (``annotation_kinds.KINDS``), in their order: the schemas' enum."""
CODE = r"^[a-z][a-z0-9_]*$"


class Term(Strict):
    """One term of a controlled vocabulary, labelled in English and Chinese."""

    code: str = Field(pattern=CODE, description="Stable code of the term (lower-case ASCII).")
    label: str = Field(min_length=1, description="English label.")
    label_zh: str = Field(min_length=1, description="Chinese label.")
    description: str = Field(min_length=1, description="What the term means and when it applies (English).")


class VocabularyDefinedData(Strict):
    vocabulary: str = Field(pattern=CODE, description="Code of the vocabulary (addressee, addressee_role, strength, theme, reference_kind).")
    title: str = Field(min_length=1, description="English title.")
    title_zh: str = Field(min_length=1, description="Chinese title.")
    description: str = Field(min_length=1, description="What the vocabulary classifies (English).")
    terms: tuple[Term, ...] = Field(min_length=1, description="Every term, in the vocabulary's order; a later definition of the same vocabulary replaces it.")


class VocabularyDefined(Envelope):
    """A controlled vocabulary used by annotations was defined (or redefined)."""

    type: Literal["VocabularyDefined"]
    data: VocabularyDefinedData


class ReferenceTarget(Strict):
    """What a cross-reference points to, as far as the text says and the rule could resolve."""

    instrument: str | None = Field(default=None, description="For an article: protocol (the Trafficking in Persons Protocol) or convention (the Organized Crime Convention).")
    article: str | None = Field(default=None, description="Article number as printed.")
    paragraph: str | None = Field(default=None, description="Paragraph (款) number as printed.")
    subparagraph: str | None = Field(default=None, description="Subparagraph (项) letter as printed.")
    symbol: str | None = Field(default=None, description="UN document symbol, or decision/resolution number (4/4, 64/293).")
    report_meeting: int | None = Field(default=None, ge=1, description="For a paragraph of an earlier meeting's report: the meeting's ordinal.")
    report_paragraph: int | None = Field(default=None, ge=1, description="For a paragraph of an earlier meeting's report: the paragraph number in that report (not the compilation's numbering).")
    resolved_provision_id: str | None = Field(default=None, pattern=PROVISION_ID, description="The provision of this dataset the reference means, where it could be resolved.")
    resolution: str | None = Field(default=None, description="How the provision was resolved (method and evidence), or why it was not.")


class Annotation(Strict):
    """One value of one annotation kind on one provision, with its evidence in the text."""

    value: str = Field(min_length=1, description="A vocabulary code (addressee, strength, theme, reference kind) or, for a topic, the topic phrase itself.")
    role: str | None = Field(default=None, pattern=CODE, description="For an addressee: direct (asked to act) or indirect (the addressee is asked to request, invite or encourage it).")
    target: str | None = Field(default=None, description="For a reference: its normalised target (Protocol art. 6 para. 2, COP decision 4/4, CTOC/COP/WG.4/2009/2, …).")
    reference: ReferenceTarget | None = Field(default=None, description="For a reference: its parts and resolution.")
    cue: str | None = Field(default=None, description="The rule's cue that fired (the modal wording for a strength, the keyword for a theme).")
    evidence: str | None = Field(default=None, description="The text the annotation rests on, exactly as in the evidence provision's text; null when there is none (a fallback).")
    start: int | None = Field(default=None, ge=0, description="Character offset of the evidence in the evidence provision's annotated text (0-based).")
    end: int | None = Field(default=None, ge=0, description="Character offset just after the evidence.")
    inherited_from: str | None = Field(
        default=None, pattern=PROVISION_ID, description="The chapeau (or item) whose text holds the evidence, when the provision inherits the value from it; null when the evidence is in its own text."
    )


class ProvisionAnnotations(Strict):
    provision_id: str = Field(pattern=PROVISION_ID, description="The annotated provision.")
    text_revision: int = Field(ge=1, description="Revision of the provision's text that was read (1 = as printed; see provision_texts); evidence offsets refer to it.")
    annotations: tuple[Annotation, ...] = Field(description="Every value of this kind for the provision; empty when there is none. Replaces earlier annotations of this kind for the provision.")


class ProvisionsAnnotatedData(Strict):
    kind: AnnotationKind = Field(description="The annotation kind: addressee, strength, topic, theme or reference.")
    annotator: str = Field(min_length=1, description="The rule (module) that made the annotations, or the person.")
    annotator_version: str = Field(min_length=1, description="Version of the rule (changes whenever its output may change).")
    provisions: tuple[ProvisionAnnotations, ...] = Field(min_length=1, description="The annotated provisions, in document order.")


class ProvisionsAnnotated(Envelope):
    """A rule (or a person) annotated a batch of provisions with one kind of annotation."""

    type: Literal["ProvisionsAnnotated"]
    data: ProvisionsAnnotatedData


class AnnotationCorrectedData(Strict):
    kind: AnnotationKind = Field(description="The annotation kind corrected.")
    provision: ProvisionAnnotations = Field(description="The provision and its complete corrected annotations of this kind.")
    reason: str = Field(min_length=1, description="Why the earlier annotation was wrong.")
    corrected_by: str = Field(min_length=1, description="Who made the correction.")


class AnnotationCorrected(Envelope):
    """A person corrected the annotations of one kind on one provision."""

    type: Literal["AnnotationCorrected"]
    data: AnnotationCorrectedData


REVIEWER = r"^[a-z][a-z0-9_-]*$"


class ReviewedValue(Strict):
    value: str = Field(pattern=CODE, description="A code of the kind's vocabulary.")
    reason: str = Field(min_length=1, description="Why the reviewer added or removed it, read in the provision's text and its chapeau.")


class ReviewedProvision(Strict):
    provision_id: str = Field(pattern=PROVISION_ID, description="The reviewed provision.")
    text_revision: int = Field(ge=1, description="Revision of the provision's text that the reviewer read (see provision_texts).")
    added: tuple[ReviewedValue, ...] = Field(default=(), description="Values the reviewed annotations lack, each with its reason.")
    removed: tuple[ReviewedValue, ...] = Field(default=(), description="Values of the reviewed annotations that do not apply, each with its reason.")


class ReviewBasis(Strict):
    annotator: str = Field(min_length=1, description="The rule whose annotations were reviewed (ProvisionsAnnotatedData.annotator).")
    annotator_version: str = Field(min_length=1, description="Its version.")


class AnnotationsReviewedData(Strict):
    kind: AnnotationKind = Field(description="The annotation kind reviewed (a kind whose rows are one per value: theme).")
    annotator: str = Field(pattern=REVIEWER, description="Who reviewed (a stable code, named in the tables' annotator and reviewed_by columns).")
    annotator_description: str = Field(min_length=1, description="Who or what the reviewer is and how it read the texts, said plainly (a person, a team, a model).")
    basis: ReviewBasis = Field(description="The rule and version whose annotations were reviewed; every provision of the batch is annotated by it.")
    provisions: tuple[ReviewedProvision, ...] = Field(
        min_length=1,
        description=(
            "Every provision reviewed, in document order, also those whose annotations were confirmed as they are (no value added or removed). Replaces an earlier review of the same kind of the "
            "same provision."
        ),
    )


class AnnotationsReviewed(Envelope):
    """A reviewer read the provisions and confirmed, added to or removed from a rule's annotations of one kind, with a reason for each change."""

    type: Literal["AnnotationsReviewed"]
    data: AnnotationsReviewedData


QUALITY_SOURCE = r"^(rules|published)$"


class MeasuredScore(Strict):
    """One kind's annotations of one source, scored against the gold: the counts precision and recall follow from."""

    kind: AnnotationKind = Field(description="The annotation kind scored.")
    source: str = Field(
        pattern=QUALITY_SOURCE,
        description="Which annotations: rules (the keyword rules' own output) or published (what the annotation tables hold: the rules' rows and every review or correction the log records).",
    )
    made_by: str = Field(min_length=1, description="How the scored annotations of the gold's provisions were made: the annotators (rules and versions, reviewers) whose rows they are.")
    true_positives: int = Field(ge=0, description="Values given that the gold also gives (an addressee counted as a (code, role) pair), summed over the gold's provisions.")
    predicted: int = Field(ge=0, description="Values given, summed over the gold's provisions; precision = true_positives / predicted (1 when none is given).")
    expected: int = Field(ge=0, description="Values the gold gives, summed over its provisions; recall = true_positives / expected (1 when the gold gives none).")

    @model_validator(mode="after")
    def _counts_consistent(self) -> MeasuredScore:
        if self.true_positives > min(self.predicted, self.expected):
            raise ValueError(f"true_positives {self.true_positives} exceeds predicted {self.predicted} or expected {self.expected}")
        return self


class GoldFile(Strict):
    path: RepositoryPath = Field(json_schema_extra={"pattern": REPOSITORY_PATH}, description="Path of a file of the gold set, relative to the repository root.")
    sha256: str = Field(pattern=HEX64, description="SHA-256 of the file as measured against.")


class AnnotationQualityMeasuredData(Strict):
    gold: tuple[GoldFile, ...] = Field(min_length=1, description="The gold set's files the measurement read, with their SHA-256: the first is the gold itself.")
    gold_description: str = Field(min_length=1, description="What the gold set is and how it was made (sample, annotators, adjudication), said plainly.")
    gold_provisions: int = Field(ge=1, description="Number of provisions the gold set annotates (the sample scored).")
    evaluation: str = Field(min_length=1, description="How the scores were counted (the evaluation's rule), said plainly.")
    evaluator: str = Field(min_length=1, description="The program that counted them, and its version (changes whenever its counting may change).")
    scores: tuple[MeasuredScore, ...] = Field(min_length=1, description="Every kind and source measured; a later measurement of a kind replaces this one's scores of that kind.")

    @model_validator(mode="after")
    def _one_score_each(self) -> AnnotationQualityMeasuredData:
        seen = [(s.kind, s.source) for s in self.scores]
        if len(set(seen)) != len(seen):
            raise ValueError("a kind and source is scored twice")
        return self


class AnnotationQualityMeasured(Envelope):
    """The annotations' precision and recall were measured against a gold set: the counts, the gold files' hashes and the rule of the count."""

    type: Literal["AnnotationQualityMeasured"]
    data: AnnotationQualityMeasuredData


class ParallelTextRecordedData(Strict):
    provision_id: str = Field(pattern=PROVISION_ID, description="The provision this text is a version of.")
    document: str = Field(pattern=PROVISION_ID, description="The registered source document (another language version of the same paper) the text is printed in.")
    language: str = Field(min_length=2, description="BCP 47 language tag of the text; must equal the document's registered language.")
    label: str = Field(min_length=1, description="The label exactly as printed in that version.")
    text: str = Field(min_length=1, description="The provision's words exactly as printed in that version, without label and footnote markers.")
    line: int = Field(ge=1, description="1-based line of the text in that document file.")


class ParallelTextRecorded(Envelope):
    """The text of a provision in another language version of the source was recorded (never translated by us)."""

    type: Literal["ParallelTextRecorded"]
    data: ParallelTextRecordedData


SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"


class LogHead(Strict):
    seq: int = Field(ge=1, description="Sequence number of the last event the release contains.")
    sha256: str = Field(pattern=HEX64, description="SHA-256 of that event's committed line: the head of the hash chain.")


class ReleasedFile(Strict):
    path: str = Field(pattern=r"^data/[a-z_]+\.csv$", description="Path of a data file of the release's package.")
    bytes: int = Field(ge=0, description="Size of the file in bytes.")
    sha256: str = Field(pattern=HEX64, description="SHA-256 of the file.")
    fields: tuple[str, ...] = Field(min_length=1, description="The file's columns, in order: a later build of this release writes exactly these.")


class ReleasePublishedData(Strict):
    version: str = Field(pattern=SEMVER, description="Semantic version: major = a change of columns, types or meaning; minor = new records or annotations; patch = corrections.")
    published_on: dt.date = Field(description="Release date.")
    notes: str = Field(min_length=1, description="Release notes: what the release contains or changes.")
    log_head: LogHead = Field(description="The last event before this release (equals the envelope's prev).")
    files: tuple[ReleasedFile, ...] = Field(
        min_length=1,
        description="Every data file whose content the release fixes, sorted by path. The log tables (events, releases, release_files) are not among them: they record this release itself.",
    )
    digest: str = Field(pattern=HEX64, description="SHA-256 of the lines '<sha256>  <path>\\n' of the files, in order (the SHA256SUMS of the data files).")


class ReleasePublished(Envelope):
    """A version of the dataset was released: the data as of this event, fixed by its content hashes."""

    type: Literal["ReleasePublished"]
    data: ReleasePublishedData


RELEASE_FORMATS: dict[int, str] = {
    1: "The release's zip holds its data package in a folder (datapackage.json as Data Package v1, and data/); "
    "beside the zip, the SQLite and DuckDB files and SHA256SUMS. The releases 1.0.0 to 1.1.0 were published so.",
    2: "The release's zip is a standalone data package: datapackage.json (Data Package v2) at its root, data/, the source "
    "document its sources name, README.md, LICENSE, LICENSE-DATA.md, CITATION.cff, the release's CHANGELOG.md entry, "
    "checkpoints.json and SHA256SUMS of every file in it; beside the zip, the SQLite and DuckDB files (with column "
    "comments), every table as Parquet (a zip of .parquet files), checkpoints.json and SHA256SUMS.",
}
"""What each release format publishes (the build writes it; docs/releases.md describes it)."""


class ReleaseFormatAdoptedData(Strict):
    format: int = Field(
        ge=2, description="The format of every release published after this event, until another is adopted (see docs/releases.md). Format 1 is that of the releases before any such event."
    )
    notes: str = Field(min_length=1, description="What the new format changes for a reader of the releases.")


class ReleaseFormatAdopted(Envelope):
    """The releases published from now on are laid out in a new format. The data are not changed, and releases already published keep the format they were published in."""

    type: Literal["ReleaseFormatAdopted"]
    data: ReleaseFormatAdoptedData


DOI = r"^10\.[0-9]{4,9}/\S+$"


class ReleaseDoiRecordedData(Strict):
    version: str = Field(pattern=SEMVER, description="The release the DOI was minted for (released before this event).")
    doi: str = Field(pattern=DOI, description="The DOI, as registered (10.NNNN/suffix, without https://doi.org/).")


class ReleaseDoiRecorded(Envelope):
    """A DOI was minted for a release (after it was published, by an archive such as Zenodo): from now on its citations carry it."""

    type: Literal["ReleaseDoiRecorded"]
    data: ReleaseDoiRecordedData


EVENT_TYPES: tuple[type[Envelope], ...] = (
    SourceDocumentRegistered,
    MeetingHeld,
    RecommendationsAdopted,
    RecommendationsReferredToConference,
    RecommendationsProposed,
    ProposalsEndorsed,
    TextCorrected,
    ReleasePublished,
    ReleaseDoiRecorded,
    ReleaseFormatAdopted,
    VocabularyDefined,
    ProvisionsAnnotated,
    AnnotationCorrected,
    AnnotationsReviewed,
    AnnotationQualityMeasured,
    ParallelTextRecorded,
)
"""Every event type, in the order they are documented."""

CURRENT_SCHEMA_VERSION: dict[str, int] = {cls.__name__: 1 for cls in EVENT_TYPES}
"""The schema version each event type is written with today (see upcast.py for older ones)."""

Event = Annotated[Union[tuple(EVENT_TYPES)], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007 (a union of a tuple made at run time: `|` has no such form)
EVENT_ADAPTER: TypeAdapter[Envelope] = TypeAdapter(Event)  # type: ignore[arg-type]  # Event is a union made at run time (above)
BY_NAME: dict[str, type[Envelope]] = {cls.__name__: cls for cls in EVENT_TYPES}


def json_schema(cls: type[Envelope]) -> dict:
    """The JSON Schema of one event type, as published in schema/events/."""
    schema = cls.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = schema_path(cls)
    schema["properties"]["schema_version"]["const"] = CURRENT_SCHEMA_VERSION[cls.__name__]
    return schema


def schema_path(cls: type[Envelope]) -> str:
    """Repository-relative path of the published JSON Schema of an event type."""
    return f"schema/events/{cls.__name__}.v{CURRENT_SCHEMA_VERSION[cls.__name__]}.schema.json"
