"""The floor: DuckDB reading the same event files and writing the same CSV files.

    .venv/bin/python bench/floor.py ROOT OUT_DIR

What a build cannot beat by much. One DuckDB connection reads the segment glob
once (``read_ndjson_objects``: each line's text, hashed with SHA-256 and parsed
with the envelope's fields spelled out), parses each event type's payload with
its fields spelled out, and writes, with one ``COPY`` per table, every CSV file
the build writes under ``data/``: the same 18 file names, each with the same
header line (the same columns in the same order) and, for the logs
``bench/generate.py`` writes, the same number of rows. ``tests/test_bench.py``
checks this against a build of a 10^3-event log: every file's name, header and
row count, no other file, and each file's size within 15% of the build's.
On the generated logs its files are byte-identical to the build's (compared
with ``cmp``; docs/benchmarks.md, "What is measured").

Every column is computed from the events by SQL work of the kind the build does:

- events: the envelope's fields as written; ``hash`` the SHA-256 of the line;
  ``file`` and ``file_line`` from the file name and the order within it;
  ``data`` the payload's JSON text.
- source_documents, meetings (provisions decided and proposed counted per
  meeting), footnotes, releases, release_files: the payloads' fields.
- provisions, all 28 columns: proposals endorsed (the endorsing meeting, the
  endorsing chapeau as parent where none is given, ``proposed_and_endorsed``,
  oral amendments), the meeting's dates, ``current_text`` (the last
  correction's new text, else the text), ``corrections`` counted,
  ``standalone_text`` (the current texts of up to two chapeaux and its own,
  joined), ``position`` (document, line), ``is_chapeau``, and ``citation``
  spelled as ``wgtip.citation.provision_text`` spells it (its constants are
  imported; ordinals, dates and places in SQL), from per-meeting and
  per-document parts made once, as the build's ``citation.Shared`` does.
- provision_texts: one row per provision as printed and one per correction,
  numbered per provision, each valid until the next, with the first and last
  release that holds it (ASOF joins on the release events).
- changes: one "added" row per source document, meeting, footnote and
  provision (with its text as of the release that publishes it), one
  "changed" ``current_text`` row per provision corrected after a release
  published it (corrections between two releases merged into one row), each in
  the release after its event, ordered by (event, table, row, field), numbered.
- vocabularies, vocabulary_terms, the five annotation tables and
  provision_parallel_texts: the rows of the latest event per vocabulary, per
  (kind, provision) and per (provision, language), in document order.

It does none of the build's own work: no validation of any field, no check of
the sequence or the hash chain, none of the fold's checks (unknown references,
stale corrections, release versions), no SQLite or DuckDB file, no
datapackage.json. Where the build's rule is more than a join, the floor is
simpler and not faithful: ``recorded_at`` is copied as written, not normalised
to UTC; the changes of annotations, vocabularies and parallel texts are one
"added" row per row identifier when it first appears (the build also lists
"changed" and "removed" rows when a later event replaces them; the generated
logs have none of these events); an empty string is written as ``""``, where
the build writes nothing. The ratio build/floor is what the build's own work
costs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from wgtip.citation import BODY, LANGUAGE_EN, MONTHS, ORDINALS, VENUE_EN
from wgtip.metadata import TITLE

ENVELOPE = {
    "seq": "BIGINT",
    "type": "VARCHAR",
    "schema_version": "BIGINT",
    "occurred": {"start": "DATE", "end": "DATE"},
    "recorded_at": "VARCHAR",
    "source": {"document": "VARCHAR", "language": "VARCHAR", "sha256": "VARCHAR", "section": "VARCHAR", "paragraph": "VARCHAR", "line": "BIGINT"},
    "prev": "VARCHAR",
    "data": "JSON",
}
FOOTNOTE = {"number": "BIGINT", "marker": "VARCHAR", "offset": "BIGINT", "text": "VARCHAR", "line": "BIGINT"}
PROVISION = {
    "provision_id": "VARCHAR",
    "parent_id": "VARCHAR",
    "paragraph": "BIGINT",
    "item": "VARCHAR",
    "subitem": "VARCHAR",
    "label": "VARCHAR",
    "text": "VARCHAR",
    "line": "BIGINT",
    "footnotes": [FOOTNOTE],
}
RECOMMENDATIONS = {  # the four event types that record provisions
    "meeting": "BIGINT",
    "proposed_by": "VARCHAR",
    "proposals_of_meeting": "BIGINT",
    "with_oral_amendments": "BOOLEAN",
    "endorsed": ["VARCHAR"],
    "provisions": [PROVISION],
}
DOCUMENT = {
    "document": "VARCHAR",
    "path": "VARCHAR",
    "sha256": "VARCHAR",
    "language": "VARCHAR",
    "original_language": "VARCHAR",
    "body": "VARCHAR",
    "title": "VARCHAR",
    "subtitle": "VARCHAR",
    "distributed_on": "DATE",
    "complements": "VARCHAR",
    "agenda": "VARCHAR",
}
MEETING = {
    "meeting": "BIGINT",
    "heading": "VARCHAR",
    "start_date": "DATE",
    "end_date": "DATE",
    "venue": "VARCHAR",
    "report_symbol": "VARCHAR",
    "note": "VARCHAR",
}
CORRECTION = {"provision_id": "VARCHAR", "old_text": "VARCHAR", "new_text": "VARCHAR", "reason": "VARCHAR", "corrected_by": "VARCHAR"}
RELEASE = {
    "version": "VARCHAR",
    "published_on": "DATE",
    "notes": "VARCHAR",
    "log_head": {"seq": "BIGINT", "sha256": "VARCHAR"},
    "files": [{"path": "VARCHAR", "bytes": "BIGINT", "sha256": "VARCHAR"}],
    "digest": "VARCHAR",
}
VOCABULARY = {
    "vocabulary": "VARCHAR",
    "title": "VARCHAR",
    "title_zh": "VARCHAR",
    "description": "VARCHAR",
    "terms": [{"code": "VARCHAR", "label": "VARCHAR", "label_zh": "VARCHAR", "description": "VARCHAR"}],
}
REFERENCE = {
    "instrument": "VARCHAR",
    "article": "VARCHAR",
    "paragraph": "VARCHAR",
    "subparagraph": "VARCHAR",
    "symbol": "VARCHAR",
    "report_meeting": "BIGINT",
    "report_paragraph": "BIGINT",
    "resolved_provision_id": "VARCHAR",
    "resolution": "VARCHAR",
}
ANNOTATED = {
    "provision_id": "VARCHAR",
    "text_revision": "BIGINT",
    "annotations": [
        {
            "value": "VARCHAR",
            "role": "VARCHAR",
            "target": "VARCHAR",
            "reference": REFERENCE,
            "cue": "VARCHAR",
            "evidence": "VARCHAR",
            "start": "BIGINT",
            "end": "BIGINT",
            "inherited_from": "VARCHAR",
        }
    ],
}
ANNOTATIONS = {  # ProvisionsAnnotated (provisions) and AnnotationCorrected (provision)
    "kind": "VARCHAR",
    "annotator": "VARCHAR",
    "annotator_version": "VARCHAR",
    "corrected_by": "VARCHAR",
    "provisions": [ANNOTATED],
    "provision": ANNOTATED,
}
PARALLEL = {"provision_id": "VARCHAR", "document": "VARCHAR", "language": "VARCHAR", "label": "VARCHAR", "text": "VARCHAR", "line": "BIGINT"}


def sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_list(items: list[str]) -> str:
    return "[" + ", ".join(map(sql_text, items)) + "]"


def sql_map(d: dict[str, str]) -> str:
    return "MAP {" + ", ".join(f"{sql_text(k)}: {sql_text(v)}" for k, v in d.items()) + "}"


def shape(structure: dict[str, Any]) -> str:
    """A ``json_transform`` structure: the fields and their types, spelled out."""
    return sql_text(json.dumps(structure))


# the parts of a citation, as wgtip.citation spells them (ordinal, dates)
MACROS = [
    f"CREATE MACRO ordinal(n) AS CASE WHEN n BETWEEN 1 AND {len(ORDINALS)} THEN {sql_list(ORDINALS)}[n] "
    "ELSE n::VARCHAR || CASE WHEN n % 100 BETWEEN 11 AND 13 THEN 'th' WHEN n % 10 = 1 THEN 'st' WHEN n % 10 = 2 THEN 'nd' WHEN n % 10 = 3 THEN 'rd' ELSE 'th' END END",
    f"CREATE MACRO month_name(d) AS {sql_list(MONTHS)}[month(d)]",
    "CREATE MACRO dates(s, e) AS CASE "
    "WHEN s = e THEN day(s) || ' ' || month_name(s) || ' ' || year(s) "
    "WHEN year(s) = year(e) AND month(s) = month(e) THEN day(s) || '–' || day(e) || ' ' || month_name(s) || ' ' || year(s) "
    "WHEN year(s) = year(e) THEN day(s) || ' ' || month_name(s) || ' – ' || day(e) || ' ' || month_name(e) || ' ' || year(e) "
    "ELSE day(s) || ' ' || month_name(s) || ' ' || year(s) || ' – ' || day(e) || ' ' || month_name(e) || ' ' || year(e) END",
]

KIND_TABLES = {
    "addressee": "provision_addressees",
    "strength": "provision_strength",
    "topic": "provision_topics",
    "theme": "provision_themes",
    "reference": "provision_references",
}


def read(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """The events, read once (each line hashed and parsed), and each event type's payload parsed into a table."""
    glob = sql_text(str(root / "events" / "*" / "*.jsonl"))
    x = con.execute
    for m in MACROS:
        x(m)
    x(
        f"CREATE TABLE ev AS SELECT e.seq AS seq, e.type AS type, e.schema_version AS schema_version, e.occurred AS occurred, e.recorded_at AS recorded_at, "
        f"e.source AS source, e.prev AS prev, hash, regexp_extract(filename, 'events/[^/]+/[^/]+$') AS file, e.data AS data "
        f"FROM (SELECT filename, sha256(json) AS hash, json_transform(json, {shape(ENVELOPE)}) AS e FROM read_ndjson_objects({glob}, filename=true))"
    )

    def payload(name: str, types: str, structure: dict[str, Any]) -> None:
        x(f"CREATE TABLE {name} AS SELECT seq, type, source, json_transform(data, {shape(structure)}) AS d FROM ev WHERE type IN ({types})")

    payload("rec", "'RecommendationsAdopted', 'RecommendationsReferredToConference', 'RecommendationsProposed', 'ProposalsEndorsed'", RECOMMENDATIONS)
    payload("doc_ev", "'SourceDocumentRegistered'", DOCUMENT)
    payload("mt_ev", "'MeetingHeld'", MEETING)
    payload("corr_ev", "'TextCorrected'", CORRECTION)
    payload("rel_ev", "'ReleasePublished'", RELEASE)
    payload("voc_ev", "'VocabularyDefined'", VOCABULARY)
    payload("ann_ev", "'ProvisionsAnnotated', 'AnnotationCorrected'", ANNOTATIONS)
    payload("par_ev", "'ParallelTextRecorded'", PARALLEL)


def fold(con: duckdb.DuckDBPyConnection) -> None:
    """The tables of documents, meetings, corrections, releases, and the provisions with their derived columns."""
    x = con.execute
    x("CREATE TABLE docs AS SELECT d.*, seq AS event_seq FROM doc_ev")
    x("CREATE TABLE mt AS SELECT d.*, source.document AS source_document, source.line AS source_line, seq AS event_seq FROM mt_ev")
    x("CREATE TABLE corr AS SELECT seq, d.* FROM corr_ev")
    x("CREATE TABLE rel AS SELECT seq, d.*, row_number() OVER (ORDER BY seq) AS release_order FROM rel_ev")
    # one row per provision as recorded, and the endorsements that change proposals
    x("CREATE TABLE prov AS SELECT seq, type, source.document AS document, source.section AS section, d.meeting AS meeting, d.proposed_by AS proposed_by, unnest(d.provisions) AS p FROM rec")
    x(
        "CREATE TABLE endorsed AS SELECT unnest(d.endorsed) AS provision_id, d.meeting AS meeting, d.with_oral_amendments AS amended, "
        "d.provisions[1].provision_id AS chapeau FROM rec WHERE type = 'ProposalsEndorsed'"
    )
    x("DROP TABLE rec")
    x("CREATE TABLE cur AS SELECT provision_id, arg_max(new_text, seq) AS current_text, count(*) AS corrections FROM corr GROUP BY provision_id")
    x(
        "CREATE TABLE pv0 AS SELECT a.p.provision_id AS provision_id, coalesce(a.p.parent_id, e.chapeau) AS parent_id, coalesce(e.meeting, a.meeting) AS meeting, "
        "a.p.paragraph AS paragraph, a.p.item AS item, a.p.subitem AS subitem, "
        "CASE WHEN a.p.subitem IS NOT NULL THEN 'subitem' WHEN a.p.item IS NOT NULL THEN 'item' ELSE 'paragraph' END AS level, a.p.label AS label, "
        "a.p.text AS text, coalesce(c.current_text, a.p.text) AS current_text, "
        "CASE WHEN e.provision_id IS NOT NULL THEN 'proposed_and_endorsed' WHEN a.type = 'RecommendationsReferredToConference' THEN 'recommended_to_conference' "
        "WHEN a.type = 'RecommendationsProposed' THEN 'proposed' ELSE 'adopted' END AS adoption, "
        "CASE WHEN a.type = 'RecommendationsProposed' THEN a.meeting END AS proposed_at_meeting, a.proposed_by AS proposed_by, "
        "e.amended AS endorsed_with_oral_amendments, len(a.p.footnotes) AS footnotes, coalesce(c.corrections, 0) AS corrections, "
        "a.document AS source_document, a.section AS source_section, a.p.paragraph AS source_paragraph, a.p.line AS source_line, a.seq AS event_seq, "
        "a.p.footnotes AS fns "
        "FROM prov a LEFT JOIN endorsed e ON e.provision_id = a.p.provision_id LEFT JOIN cur c ON c.provision_id = a.p.provision_id"
    )
    x("DROP TABLE prov")
    x("CREATE TABLE pv AS SELECT *, row_number() OVER (ORDER BY source_document, source_line) AS position FROM pv0")
    x("DROP TABLE pv0")


def version_text(con: duckdb.DuckDBPyConnection) -> str:
    """``wgtip.citation.version_text`` of the dataset version a build of this log is."""
    last = con.execute("SELECT d.version, d.published_on, seq FROM rel_ev ORDER BY seq DESC LIMIT 1").fetchone()
    after = con.execute("SELECT count(*) FROM ev WHERE seq > ?", [last[2] if last else 0]).fetchone()[0]
    if last is None:
        return f"version 0.0.0+unreleased.{after} (not a release)"
    if after:
        return f"version {last[0]}+unreleased.{after} (not a release)"
    return f"version {last[0]} ({last[1].isoformat()})"


def queries(version: str) -> dict[str, str]:
    """One query per CSV file, in the build's order of tables; each names its columns as the build's header does."""
    ann = "(SELECT a.*, pv.position FROM ann_rows a JOIN pv USING (provision_id) WHERE kind = {kind})"
    span = 'a.evidence AS evidence, a.start AS span_start, a."end" AS span_end'
    tail = "text_revision, annotator, seq AS event_seq"
    return {
        "events": "SELECT seq, type, schema_version, occurred.start AS occurred_start, occurred.end AS occurred_end, recorded_at, "
        "source.document AS source_document, source.section AS source_section, source.paragraph AS source_paragraph, source.line AS source_line, "
        "prev, hash, file, row_number() OVER (PARTITION BY file ORDER BY seq) AS file_line, data FROM ev ORDER BY seq",
        "source_documents": "SELECT document, path, sha256, language, original_language, body, title, subtitle, distributed_on, complements, agenda, event_seq FROM docs ORDER BY document",
        "meetings": "SELECT m.meeting, heading, start_date, end_date, venue, report_symbol, note, coalesce(d.n, 0) AS provisions_decided, "
        "coalesce(p.n, 0) AS provisions_proposed, source_document, source_line, event_seq FROM mt m "
        "LEFT JOIN (SELECT meeting, count(*) AS n FROM pv WHERE adoption <> 'proposed' GROUP BY meeting) d ON d.meeting = m.meeting "
        "LEFT JOIN (SELECT proposed_at_meeting AS meeting, count(*) AS n FROM pv WHERE proposed_at_meeting IS NOT NULL GROUP BY 1) p ON p.meeting = m.meeting "
        "ORDER BY m.meeting",
        # the citation's shared parts (meeting, document) made once each, as the build's citation.Shared does
        "provisions": "WITH mc AS (SELECT meeting, start_date, end_date, "
        f"'{BODY}, ' || ordinal(meeting) || ' meeting, ' || coalesce({sql_map(VENUE_EN)}[venue], venue) || ', ' || dates(start_date, end_date) AS cite FROM mt), "
        "dc AS (SELECT document, title || ', background paper prepared by the Secretariat, ' || dates(distributed_on, distributed_on) "
        f"|| coalesce(' (complementing ' || complements || ')', '') || ', ' || coalesce({sql_map(LANGUAGE_EN)}[language], language) || ' version' AS cite FROM docs) "
        "SELECT a.provision_id, a.parent_id, a.meeting, a.paragraph, a.item, a.subitem, a.level, a.label, a.position, a.text, a.current_text, "
        "concat(c.current_text, b.current_text, a.current_text) AS standalone_text, a.provision_id IN (SELECT parent_id FROM pv WHERE parent_id IS NOT NULL) AS is_chapeau, "
        "a.adoption, m.start_date AS meeting_start_date, m.end_date AS meeting_end_date, a.proposed_at_meeting, pm.start_date AS proposed_on, "
        "a.proposed_by, a.endorsed_with_oral_amendments, a.footnotes, a.corrections, a.source_document, a.source_section, a.source_paragraph, "
        "a.source_line, a.event_seq, "
        "m.cite || ', recommendation ' || a.paragraph || coalesce(' (' || a.item || ')', '') || coalesce(' (' || a.subitem || ')', '') "
        "|| CASE WHEN a.adoption = 'proposed_and_endorsed' AND pm.meeting IS NOT NULL THEN ' (proposed at the ' || ordinal(a.proposed_at_meeting) "
        "|| ' meeting, ' || dates(pm.start_date, pm.start_date) || ', and endorsed' || CASE WHEN a.endorsed_with_oral_amendments THEN ' with oral amendments' ELSE '' END "
        "|| ' at the ' || ordinal(a.meeting) || ')' WHEN a.adoption = 'recommended_to_conference' THEN ' (recommended to the Conference of the Parties for adoption)' "
        f"ELSE '' END || '. In: ' || d.cite || ', line ' || a.source_line || '. Dataset: ' || {sql_text(TITLE)} || ', ' || {sql_text(version)} "
        "|| ', provision ' || a.provision_id || '.' AS citation "
        "FROM pv a LEFT JOIN pv b ON b.provision_id = a.parent_id LEFT JOIN pv c ON c.provision_id = b.parent_id "
        "LEFT JOIN mc m ON m.meeting = a.meeting LEFT JOIN mc pm ON pm.meeting = a.proposed_at_meeting LEFT JOIN dc d ON d.document = a.source_document "
        "ORDER BY a.position",
        "footnotes": "SELECT provision_id || '-fn' || f.number AS footnote_id, f.number AS number, f.marker AS marker, provision_id, f.offset AS offset, f.text AS text, "
        "source_document, f.line AS source_line, event_seq FROM fn ORDER BY position, f.offset, f.number",
        "releases": "SELECT version, release_order, published_on, notes, lag(version) OVER (ORDER BY seq) AS previous_version, log_head.seq AS log_head_seq, "
        "log_head.sha256 AS log_head_sha256, digest, seq AS event_seq FROM rel ORDER BY seq",
        "release_files": "SELECT version, f.path AS path, f.bytes AS bytes, f.sha256 AS sha256 "
        "FROM (SELECT seq, version, unnest(files) AS f, generate_subscripts(files, 1) AS i FROM rel) ORDER BY seq, i",
        # one revision per provision as printed and one per correction, each valid until the next; the releases holding it
        "provision_texts": "WITH revs AS (SELECT provision_id, position, text, event_seq AS valid_from_seq, NULL::VARCHAR AS reason, NULL::VARCHAR AS corrected_by FROM pv "
        "UNION ALL SELECT c.provision_id, pv.position, c.new_text, c.seq, c.reason, c.corrected_by FROM corr c JOIN pv USING (provision_id)), "
        "numbered AS (SELECT *, row_number() OVER w AS revision, lead(valid_from_seq) OVER w AS valid_to_seq FROM revs "
        "WINDOW w AS (PARTITION BY provision_id ORDER BY valid_from_seq)), "
        "held AS (SELECT n.*, r1.seq AS first_seq, r1.version AS first_version FROM numbered n ASOF LEFT JOIN rel r1 ON n.valid_from_seq <= r1.seq) "
        "SELECT provision_id || '-r' || revision AS text_id, provision_id, revision, text, valid_from_seq, valid_to_seq, "
        "CASE WHEN first_seq < coalesce(valid_to_seq, 9223372036854775807) THEN first_version END AS from_release, "
        "CASE WHEN first_seq < valid_to_seq THEN r2.version END AS to_release, reason, corrected_by "
        "FROM held h ASOF LEFT JOIN rel r2 ON h.valid_to_seq > r2.seq ORDER BY position, revision",
        # each change in the release after its event (or none yet), in the build's order: (event, table, row, field)
        "changes": "WITH prov_added AS (SELECT pv.provision_id, pv.text, pv.event_seq, r.seq AS rseq FROM pv ASOF LEFT JOIN rel r ON pv.event_seq <= r.seq), "
        "prov_at AS (SELECT a.provision_id, arg_max(c.new_text, c.seq) AS t FROM corr c JOIN prov_added a ON c.provision_id = a.provision_id "
        "WHERE c.seq <= coalesce(a.rseq, 9223372036854775807) GROUP BY a.provision_id), "
        "corr_window AS (SELECT c.*, r.seq AS released FROM corr c ASOF LEFT JOIN rel r ON c.seq > r.seq), "
        "changed AS (SELECT c.provision_id, arg_min(c.old_text, c.seq) AS old_value, arg_max(c.new_text, c.seq) AS new_value, max(c.seq) AS event_seq "
        "FROM corr_window c JOIN pv ON pv.provision_id = c.provision_id WHERE pv.event_seq <= coalesce(c.released, 0) GROUP BY c.provision_id, c.released), "
        "all_changes AS ("
        "SELECT 'source_documents' AS table_name, document AS row_id, 'added' AS change, NULL::VARCHAR AS field, NULL::VARCHAR AS old_value, sha256 AS new_value, event_seq FROM docs "
        "UNION ALL SELECT 'meetings', meeting::VARCHAR, 'added', NULL, NULL, heading, event_seq FROM mt "
        "UNION ALL SELECT 'footnotes', provision_id || '-fn' || f.number, 'added', NULL, NULL, f.text, event_seq FROM fn "
        "UNION ALL SELECT 'provisions', a.provision_id, 'added', NULL, NULL, coalesce(t.t, a.text), a.event_seq FROM prov_added a LEFT JOIN prov_at t USING (provision_id) "
        "UNION ALL SELECT 'provisions', provision_id, 'changed', 'current_text', old_value, new_value, event_seq FROM changed "
        "UNION ALL SELECT table_name, row_id, 'added', NULL, NULL, arg_min(summary, seq), min(seq) FROM first_seen GROUP BY table_name, row_id) "
        "SELECT row_number() OVER (ORDER BY x.event_seq, x.table_name, x.row_id, coalesce(x.field, '')) AS change_id, r.version, x.table_name, x.row_id, "
        "x.change, x.field, x.old_value, x.new_value, x.event_seq FROM all_changes x ASOF LEFT JOIN rel r ON x.event_seq <= r.seq ORDER BY change_id",
        "vocabularies": "SELECT vocabulary, title, title_zh, description, len(terms) AS terms, seq AS event_seq FROM voc ORDER BY vocabulary",
        "vocabulary_terms": "SELECT vocabulary, t.code AS code, i AS position, t.label AS label, t.label_zh AS label_zh, t.description AS description "
        "FROM (SELECT vocabulary, unnest(terms) AS t, generate_subscripts(terms, 1) AS i FROM voc) ORDER BY vocabulary, i",
        "provision_addressees": f"SELECT provision_id || '/' || a.value || '/' || a.role AS addressee_id, provision_id, a.value AS addressee, a.role AS role, {span}, "
        f"a.inherited_from AS inherited_from, {tail} FROM {ann.format(kind=sql_text('addressee'))} ORDER BY position, i",
        "provision_strength": f"SELECT provision_id || '/' || a.value AS strength_id, provision_id, a.value AS strength, a.cue AS cue, {span}, "
        f"a.inherited_from AS inherited_from, {tail} FROM {ann.format(kind=sql_text('strength'))} ORDER BY position, i",
        "provision_topics": f"SELECT provision_id, a.value AS topic, {span}, a.inherited_from AS inherited_from, {tail} "
        f"FROM {ann.format(kind=sql_text('topic'))} QUALIFY row_number() OVER (PARTITION BY provision_id ORDER BY i DESC) = 1 ORDER BY position",
        "provision_themes": f"SELECT provision_id || '/' || a.value AS theme_id, provision_id, a.value AS theme, a.cue AS cue, {span}, "
        f"a.inherited_from AS inherited_from, {tail}, NULL::VARCHAR AS reviewed_by, NULL::VARCHAR AS review_reason "
        f"FROM {ann.format(kind=sql_text('theme'))} ORDER BY position, i",
        "provision_references": "SELECT provision_id || '/ref/' || i AS reference_id, provision_id, a.value AS kind, a.target AS target, a.reference.instrument AS instrument, "
        "a.reference.article AS article, a.reference.paragraph AS paragraph, a.reference.subparagraph AS subparagraph, a.reference.symbol AS symbol, "
        "a.reference.report_meeting AS report_meeting, a.reference.report_paragraph AS report_paragraph, "
        "a.reference.resolved_provision_id AS resolved_provision_id, a.reference.resolution AS resolution, "
        f"{span}, {tail} FROM {ann.format(kind=sql_text('reference'))} ORDER BY position, i",
        "provision_parallel_texts": "SELECT x.provision_id || '/' || x.language AS parallel_id, x.provision_id, x.language, x.document, x.label, x.text, x.line AS source_line, "
        "x.seq AS event_seq FROM par x JOIN pv USING (provision_id) ORDER BY pv.position, x.language",
        # the generated logs record no review (AnnotationsReviewed): the table is written empty, with its header
        "annotation_reviews": "SELECT NULL::VARCHAR AS review_id, NULL::VARCHAR AS provision_id, NULL::VARCHAR AS kind, NULL::VARCHAR AS value, "
        "NULL::VARCHAR AS decision, NULL::VARCHAR AS reason, NULL::VARCHAR AS reviewed, NULL::BIGINT AS text_revision, "
        "NULL::VARCHAR AS annotator, NULL::BIGINT AS event_seq WHERE false",
        # nor any measurement of the annotations' quality (AnnotationQualityMeasured): written empty too
        "annotation_quality": "SELECT NULL::VARCHAR AS quality_id, NULL::VARCHAR AS kind, NULL::VARCHAR AS source, NULL::VARCHAR AS made_by, "
        "NULL::VARCHAR AS precision, NULL::VARCHAR AS recall, NULL::BIGINT AS true_positives, NULL::BIGINT AS predicted, "
        "NULL::BIGINT AS expected, NULL::BIGINT AS gold_provisions, NULL::VARCHAR AS gold_description, NULL::VARCHAR AS gold_file, "
        "NULL::VARCHAR AS gold_sha256, NULL::DATE AS measured_on, NULL::VARCHAR AS evaluation, NULL::VARCHAR AS evaluator, "
        "NULL::BIGINT AS event_seq WHERE false",
    }


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """Footnotes, the latest vocabularies, annotations and parallel texts, and the rows each such table has ever had (for changes)."""
    x = con.execute
    x("CREATE TABLE fn AS SELECT provision_id, position, source_document, event_seq, unnest(fns) AS f FROM pv WHERE len(fns) > 0")
    x("CREATE TABLE voc AS SELECT seq, d.* FROM voc_ev QUALIFY row_number() OVER (PARTITION BY d.vocabulary ORDER BY seq DESC) = 1")
    x(
        "CREATE TABLE ann_src AS SELECT seq, d.kind AS kind, 'rule ' || d.annotator || ' v' || d.annotator_version AS annotator, unnest(d.provisions) AS pa "
        "FROM ann_ev WHERE type = 'ProvisionsAnnotated' "
        "UNION ALL SELECT seq, d.kind, 'person ' || d.corrected_by, d.provision FROM ann_ev WHERE type = 'AnnotationCorrected'"
    )
    x(
        "CREATE TABLE ann_all AS SELECT seq, kind, annotator, pa.provision_id AS provision_id, pa.text_revision AS text_revision, "
        "unnest(pa.annotations) AS a, generate_subscripts(pa.annotations, 1) AS i FROM ann_src"
    )
    x(
        "CREATE TABLE ann_rows AS SELECT a.* FROM ann_all a "
        "JOIN (SELECT kind, pa.provision_id AS provision_id, max(seq) AS seq FROM ann_src GROUP BY kind, pa.provision_id) USING (kind, provision_id, seq)"
    )
    x("CREATE TABLE par AS SELECT seq, d.* FROM par_ev QUALIFY row_number() OVER (PARTITION BY d.provision_id, d.language ORDER BY seq DESC) = 1")
    ids = {
        "addressee": "provision_id || '/' || a.value || '/' || a.role",
        "strength": "provision_id || '/' || a.value",
        "topic": "provision_id",
        "theme": "provision_id || '/' || a.value",
        "reference": "provision_id || '/ref/' || i",
    }
    row_id = "CASE kind " + " ".join(f"WHEN {sql_text(k)} THEN {v}" for k, v in ids.items()) + " END"
    table = "CASE kind " + " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in KIND_TABLES.items()) + " END"
    x(
        f"CREATE TABLE first_seen AS SELECT {table} AS table_name, {row_id} AS row_id, CASE kind WHEN 'reference' THEN a.target ELSE a.value END AS summary, seq FROM ann_all "
        "UNION ALL SELECT 'vocabularies', d.vocabulary, d.title, seq FROM voc_ev "
        "UNION ALL SELECT 'vocabulary_terms', vocabulary || '/' || t.code, t.label, seq FROM (SELECT seq, d.vocabulary AS vocabulary, unnest(d.terms) AS t FROM voc_ev) "
        "UNION ALL SELECT 'provision_parallel_texts', d.provision_id || '/' || d.language, d.label, seq FROM par_ev"
    )


def floor(root: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    read(con, root)
    todo = queries(version_text(con))

    def write(name: str) -> int:
        target = sql_text(str(out / f"{name}.csv"))
        return con.execute(f"COPY ({todo.pop(name)}) TO {target} (HEADER, DELIMITER ',')").fetchone()[0]  # COPY returns its row count

    counts = {"events": write("events")}
    con.execute("DROP TABLE ev")  # from here on only the payloads are needed
    fold(con)
    derive(con)
    counts.update((name, write(name)) for name in list(todo))
    con.close()
    return counts


if __name__ == "__main__":
    counts = floor(Path(sys.argv[1]), Path(sys.argv[2]))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
