"""Datasette plugin (loaded only by `wgtip serve`): pages a reader can scan (wgtip.site.readable).

- The provisions table and the annotated view show, by default, the label, a short text with the search words
  marked and the annotations as labelled chips (templates ``_table-wgtip-provisions*.html``); ``?_layout=columns``
  shows every column, and each provision's page its full texts.
- The annotated view's arrays show as chips with their English and Chinese labels, wherever the view is shown.
- A change (the changes table, the changes query) shows the characters it changed, the event that made it with
  its type and reason, and links to the row it changed.
- A meeting shows its English heading beside the printed Chinese one (``citation.meeting_heading``: composed
  from its ordinal, dates and venue, a label of the site, not data: see docs/site.md).
- ``/-/labelled/<database>/<table>.csv?<the page's filters>``: the complete CSV of a table page, with the labels
  of each column of codes beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import AsgiStream, NotFound, Response
from markupsafe import Markup

from wgtip.citation import meeting_heading
from wgtip.search_query import highlighted
from wgtip.site import pages, readable
from wgtip.site.metadata import term_columns
from wgtip.views import ANNOTATED_VIEW, ARRAYS

_ARRAYS = {a.name: a for a in ARRAYS}
_KEYS = readable.primary_keys()
CHANGE_VALUES = ("old_value", "new_value")
LAYOUT_ARG = "_layout"

SCAN_TEXT = {"provisions": "current_text", ANNOTATED_VIEW: "standalone_text"}
"""The table pages shown for scanning, and the text column each shows short (the full texts are on the row page)."""
SCAN_COLUMNS = ("provision_id", "label", "meeting", "level", "adoption")


async def _labels(db, vocabulary):
    return {t["code"]: (t["label"], t["label_zh"]) for t in await pages.vocabulary_terms(db, vocabulary)}


_meetings: dict[str, dict[int, dict]] = {}


async def _meeting_facts(db) -> dict[int, dict]:
    """Each meeting's printed heading and English heading (the file is immutable: read once)."""
    if db.path not in _meetings:
        rows = (await db.execute("select meeting, heading, start_date, end_date, venue from meetings")).rows
        _meetings[db.path] = {
            r["meeting"]: {"heading": r["heading"], "heading_en": meeting_heading(r["meeting"], dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["end_date"]), r["venue"])} for r in rows
        }
    return _meetings[db.path]


_events: dict[tuple[str, int], tuple[str, str | None]] = {}


async def _event(db, seq: int) -> tuple[str, str | None] | None:
    key = (db.path, seq)
    if key not in _events:
        rows = (await db.execute("select type, json_extract(data, '$.reason') as reason from events where seq = :s", {"s": seq})).rows
        if not rows:
            return None
        if len(_events) > 10_000:  # a bound, not a policy: the log has a few hundred events that changed rows
            _events.clear()
        _events[key] = (rows[0]["type"], rows[0]["reason"])
    return _events[key]


def _is_change(row) -> bool:
    keys = row.keys()
    return all(k in keys for k in ("change", *CHANGE_VALUES))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if isinstance(value, dict) and "value" in value:  # a foreign key Datasette expanded, with its label
        value = value["value"]
    if table == ANNOTATED_VIEW and column in _ARRAYS:
        found = readable.codes(value)
        if found is None:
            return None

        async def chips():
            labels = await _labels(datasette.get_database(database), _ARRAYS[column].vocabulary)
            base = datasette.urls.table(database, ANNOTATED_VIEW)
            return readable.chips(found, labels, {c: f"{base}?{urlencode({f'{column}__arraycontains': c})}" for c in found})

        return chips()
    if column in CHANGE_VALUES and (table == "changes" or table is None) and _is_change(row):
        old, new = row["old_value"], row["new_value"]
        if row["change"] != "changed" or not isinstance(old, str) or not isinstance(new, str):
            return None
        marked = readable.char_diff(old, new)
        return Markup('<span class="wgtip-diff">%s</span>') % marked[CHANGE_VALUES.index(column)]
    if column == "row_id" and (table == "changes" or table is None) and "table_name" in row.keys() and isinstance(value, str):  # noqa: SIM118 (a sqlite3.Row: `in row` looks among its values)
        key = readable.row_key(row["table_name"], value, _KEYS)
        if key is None:
            return None
        href = datasette.urls.row(database, row["table_name"], ",".join(tilde_encode(k) for k in key))
        return Markup('<a href="%s">%s</a>') % (href, value)
    if column == "event_seq" and (table == "changes" or (table is None and _is_change(row))) and isinstance(value, int):

        async def event():
            found = await _event(datasette.get_database(database), value)
            href = datasette.urls.row(database, "events", str(value))
            if found is None:
                return Markup('<a href="%s">%s</a>') % (href, value)
            kind, reason = found
            out = Markup('<a href="%s">%s</a> <span class="wgtip-event-type">%s</span>') % (href, value, kind)
            if reason:
                out += Markup('<br><span class="wgtip-reason">%s</span>') % reason
            return out

        return event()
    if column == "heading" and table == "meetings" and isinstance(value, str):

        async def heading():
            facts = (await _meeting_facts(datasette.get_database(database))).get(row["meeting"])
            if facts is None:
                return None
            return Markup('<span lang="zh">%s</span><br><span class="wgtip-en">%s</span>') % (value, facts["heading_en"])

        return heading()
    if column == "meeting" and isinstance(value, int) and (table in ("provisions", ANNOTATED_VIEW) or (table is None and "venue" in row.keys())):  # noqa: SIM118 (a sqlite3.Row: `in row` looks among its values)

        async def meeting():
            facts = (await _meeting_facts(datasette.get_database(database))).get(value)
            if facts is None:
                return None
            href = datasette.urls.row(database, "meetings", str(value))
            return Markup('<a href="%s" title="%s">%s</a> <span class="wgtip-en">%s</span>') % (href, facts["heading"], value, facts["heading_en"])

        return meeting()
    return None


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "table" or table not in SCAN_TEXT or request is None:
        return None
    words = highlighted(request.args["_search"]) if request.args.get("_search") else []

    async def provision_chips(ids: list[Any]) -> dict[str, Markup]:
        """For the provisions table (which has no arrays): each provision's annotations as chips, one query per kind."""
        db = datasette.get_database(database)
        ids = [i for i in ids if isinstance(i, str)]
        if not ids:
            return {}
        out: dict[str, list] = {i: [] for i in ids}
        marks = ", ".join(f":p{k}" for k in range(len(ids)))
        params = {f"p{k}": i for k, i in enumerate(ids)}
        base = datasette.urls.table(database, ANNOTATED_VIEW)
        for a in ARRAYS:
            rows = (
                await db.execute(
                    f"select distinct x.provision_id, x.{a.column} as code from {a.table} x where x.provision_id in ({marks})" + (f" and {a.where}" if a.where else "") + f" order by x.{a.column}",
                    params,
                )
            ).rows
            labels = await _labels(db, a.vocabulary)
            for r in rows:
                link = f"{base}?{urlencode({f'{a.name}__arraycontains': r['code']})}"
                out[r["provision_id"]].append(readable.chips([r["code"]], labels, {r["code"]: link}))
        return {i: Markup(" ").join(c) for i, c in out.items()}

    scan = request.args.get(LAYOUT_ARG) != "columns"
    return {
        "wgtip_scan": {
            "on": scan,
            "columns": SCAN_COLUMNS,
            "text": SCAN_TEXT[table],
            "arrays": [a.name for a in ARRAYS] if table == ANNOTATED_VIEW else [],
            "snippet": lambda text: readable.snippet(text, words),
            "provision_chips": provision_chips if table == "provisions" else None,
            "labelled_csv": datasette.urls.path(f"/-/labelled/{database}/{table}.csv") + (f"?{request.query_string}" if request.query_string else ""),
        },
    }


PAGE_ARGS_DROPPED = ("_next", "_size", "_shape", "_labels", LAYOUT_ARG, "_facet", "_facet_array", "_facet_annotation_array", "_stream", "_dl")


async def labelled_csv(request, datasette):
    """A table page's rows, every one (following its pages), as CSV with each column of codes followed by its labels."""
    database, table = request.url_vars["database"], request.url_vars["table"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound(f"no database named {database}") from None
    if table not in await db.table_names() and table not in await db.view_names():
        raise NotFound(f"no table or view named {table} in {database}")
    terms = term_columns(table)
    arrays = [a.name for a in ARRAYS] if table == ANNOTATED_VIEW else []
    labels = {v: await _labels(db, v) for v in set(terms.values())}
    args = [(k, v) for k in request.args for v in request.args.getlist(k) if k not in PAGE_ARGS_DROPPED]
    path = datasette.urls.table(database, table, format="json")

    async def page(next_token):
        query = args + [("_shape", "objects"), ("_size", "max")] + ([("_next", next_token)] if next_token else [])
        r = await datasette.client.get(f"{path}?{urlencode(query)}")
        return r

    first = await page(None)
    if first.status_code != 200:
        body = first.json() if first.headers.get("content-type", "").startswith("application/json") else {"error": first.text}
        return Response.text(f"error: {body.get('error', first.status_code)}\n", status=first.status_code)

    async def stream(r):
        data = first.json()
        columns = data.get("columns") or (list(data["rows"][0].keys()) if data["rows"] else [])
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(readable.labelled_header(columns, terms, arrays))
        while True:
            for row in data["rows"]:
                writer.writerow(readable.labelled_row(row, columns, terms, arrays, labels))
            await r.write(out.getvalue())
            out.seek(0)
            out.truncate()
            if not data.get("next"):
                break
            nxt = await page(data["next"])
            if nxt.status_code != 200:  # the status is sent: say so in the file rather than end it silently short
                await r.write(f"error: the rows after this line could not be read ({nxt.status_code}); the file is incomplete\n")
                break
            data = nxt.json()

    name = f"{table}-labelled.csv"
    return AsgiStream(stream, headers={"content-disposition": f'attachment; filename="{name}"'}, content_type="text/csv; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/labelled/(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$", labelled_csv)]
