"""The floor: DuckDB reading the same event files and writing the same CSV files.

    .venv/bin/python bench/floor.py ROOT OUT_DIR

What a build cannot beat by much: one ``read_json`` over the segment glob
with the columns spelled out, then one CSV per table the build writes
(events, source_documents, meetings, provisions, footnotes), with the
columns taken straight from the events. It does none of the build's own
work (validation, hash chain, the fold's checks, standalone texts,
positions, the SQLite and DuckDB files): the ratio build/floor is what that
work costs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ENVELOPE = {
    "seq": "BIGINT",
    "type": "VARCHAR",
    "schema_version": "BIGINT",
    "occurred": 'STRUCT("start" DATE, "end" DATE)',
    "recorded_at": "VARCHAR",
    "source": "STRUCT(document VARCHAR, language VARCHAR, sha256 VARCHAR, section VARCHAR, paragraph VARCHAR, line BIGINT)",
    "prev": "VARCHAR",
    "data": "JSON",
}
FOOTNOTE = "STRUCT(number BIGINT, marker VARCHAR, \"offset\" BIGINT, text VARCHAR, line BIGINT)"
PROVISION = (
    "STRUCT(provision_id VARCHAR, parent_id VARCHAR, paragraph BIGINT, item VARCHAR, subitem VARCHAR, label VARCHAR, "
    f"text VARCHAR, line BIGINT, footnotes {FOOTNOTE}[])"
)


def sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def floor(root: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    glob = sql_text(str(root / "events" / "*" / "*.jsonl"))
    cols = "{" + ", ".join(f"{sql_text(k)}: {sql_text(v)}" for k, v in ENVELOPE.items()) + "}"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE ev AS SELECT * FROM read_json({glob}, format='newline_delimited', columns={cols}, filename=true)")
    con.execute(f"CREATE TABLE prov AS SELECT seq, type, (data->>'meeting')::BIGINT AS meeting, source.document AS document, source.section AS section, "
                f"unnest(CAST(data->'provisions' AS {PROVISION}[])) AS p FROM ev WHERE (data->'provisions') IS NOT NULL")
    queries = {
        "events": "SELECT seq, type, schema_version, occurred.start, occurred.end, recorded_at, source.document, source.section, "
                  "source.paragraph, source.line, prev, filename, data::VARCHAR AS data FROM ev ORDER BY seq",
        "source_documents": "SELECT data->>'document', data->>'path', data->>'sha256', data->>'language', data->>'original_language', "
                            "data->>'body', data->>'title', data->>'subtitle', data->>'distributed_on', data->>'complements', data->>'agenda', seq "
                            "FROM ev WHERE type = 'SourceDocumentRegistered' ORDER BY 1",
        "meetings": "SELECT (data->>'meeting')::BIGINT AS meeting, data->>'heading', data->>'start_date', data->>'end_date', data->>'venue', "
                    "data->>'report_symbol', data->>'note', source.document, source.line, seq FROM ev WHERE type = 'MeetingHeld' ORDER BY meeting",
        # the same columns as the build's provisions.csv, the standalone text joined from up to two chapeaux
        "provisions": "SELECT a.p.provision_id, a.p.parent_id, a.meeting, a.p.paragraph, a.p.item, a.p.subitem, "
                      "CASE WHEN a.p.subitem IS NOT NULL THEN 'subitem' WHEN a.p.item IS NOT NULL THEN 'item' ELSE 'paragraph' END, a.p.label, "
                      "row_number() OVER (ORDER BY a.document, a.p.line), a.p.text, "
                      "concat(c.p.text, b.p.text, a.p.text), a.p.provision_id IN (SELECT p.parent_id FROM prov), a.type, "
                      "m.data->>'start_date', m.data->>'end_date', len(a.p.footnotes), a.document, a.section, a.p.paragraph, a.p.line, a.seq "
                      "FROM prov a LEFT JOIN prov b ON b.p.provision_id = a.p.parent_id LEFT JOIN prov c ON c.p.provision_id = b.p.parent_id "
                      "LEFT JOIN ev m ON m.type = 'MeetingHeld' AND (m.data->>'meeting')::BIGINT = a.meeting ORDER BY a.document, a.p.line",
        "footnotes": "SELECT p.provision_id || '-fn' || f.number, f.number, f.marker, p.provision_id, f.offset, f.text, document, f.line, seq "
                     "FROM (SELECT document, seq, p, unnest(p.footnotes) AS f FROM prov) ORDER BY document, p.line, f.offset",
    }
    counts = {}
    for name, q in queries.items():
        target = sql_text(str(out / f"{name}.csv"))
        counts[name] = con.execute(f"COPY ({q}) TO {target} (HEADER, DELIMITER ',')").fetchone()[0]  # COPY returns its row count
    con.close()
    return counts


if __name__ == "__main__":
    counts = floor(Path(sys.argv[1]), Path(sys.argv[2]))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
