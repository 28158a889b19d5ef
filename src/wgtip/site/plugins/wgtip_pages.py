"""Datasette plugin (loaded only by `wgtip serve`): the home page's dataset facts, provision row pages
with parent, children, footnotes, annotations and citation, the words of a search marked in its results (and,
for English words, the annotations' terms whose labels match them), vocabulary labels in facets, links to those pages from the annotated view and from queries, room for
long texts on table and query pages, and /-/downloads/ for the DuckDB file and the data package.

The repository root comes from the plugin configuration that `wgtip serve` writes into the metadata.
"""

from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import AsgiFileDownload, NotFound
from markupsafe import Markup, escape

from wgtip.site import pages
from wgtip.search import highlighted
from wgtip.site.metadata import DATABASE, long_text_columns, wide_text_columns
from wgtip.views import ANNOTATED_VIEW

LONG_TEXT = long_text_columns()
WIDE_TEXT = wide_text_columns()
CONTENT_TYPES = {".json": "application/json", ".csv": "text/csv; charset=utf-8", ".zip": "application/zip"}


def _root(datasette) -> Path:
    return Path((datasette.plugin_config("wgtip") or {})["root"])


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        found = {"wgtip_long_text": LONG_TEXT, "wgtip_wide_text": WIDE_TEXT}
        if view_name == "index":
            found["wgtip"] = await pages.home_context(datasette.get_database(DATABASE), _root(datasette))
        if view_name == "table" and table:
            found["wgtip_facet_labels"] = await pages.facet_labels(datasette.get_database(database), table)
            if request is not None and request.args.get("_search"):
                found["wgtip_highlight"] = highlighted(request.args["_search"])
                found["wgtip_search_hint"] = await pages.search_hint(datasette.get_database(database), request.args["_search"])
        if view_name == "row" and table == "provisions" and request is not None:
            pk = tilde_decode(request.url_vars["pks"])
            found["wgtip_provision"] = await pages.provision_context(datasette.get_database(database), pk)
        return found

    return inner


@hookimpl
def render_cell(value, column, table, database, datasette):
    # a view or a query (table None) has no key, so Datasette links none of its rows: there a provision's id
    # leads to its page (in a table, Datasette links it itself, as a key or a foreign key)
    if (table is None or table == ANNOTATED_VIEW) and column == "provision_id" and isinstance(value, str):
        return Markup(f'<a href="{escape(datasette.urls.row(database, "provisions", tilde_encode(value)))}">{escape(value)}</a>')
    return None


async def download(request, datasette):
    wanted = request.url_vars["path"]
    releases = await pages.release_versions(datasette.get_database(DATABASE))
    for d in pages.downloads(_root(datasette), releases):
        if d.name == wanted:
            return AsgiFileDownload(d.path, filename=d.path.name, content_type=CONTENT_TYPES.get(d.path.suffix, "application/octet-stream"))
    raise NotFound(f"no download named {wanted}")


@hookimpl
def register_routes():
    return [(r"^/-/downloads/(?P<path>.+)$", download)]
