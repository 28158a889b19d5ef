"""Datasette plugin (loaded only by `wgtip serve`): the home page's dataset facts, provision row pages
with parent, children, footnotes, annotations and citation, the words of a search marked in its results (and,
for English words, the annotations' terms whose labels match them), vocabulary labels in facets, links to those pages from the annotated view and from queries, room for
long texts on table and query pages, and /-/downloads/ for the DuckDB file and the data package.

The repository root comes from the plugin configuration that `wgtip serve` writes into the metadata.
"""

from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound
from markupsafe import Markup, escape

from wgtip import metadata as dataset
from wgtip.search_query import highlighted
from wgtip.site import findable, pages, running
from wgtip.site.metadata import DATABASE, facet_qualifiers, long_text_columns, wide_text_columns
from wgtip.site.ranges import RangedFileDownload
from wgtip.views import ANNOTATED_VIEW

LONG_TEXT = long_text_columns()
WIDE_TEXT = wide_text_columns()
CONTENT_TYPES = {".json": "application/json", ".csv": "text/csv; charset=utf-8", ".zip": "application/zip"}


def _root(datasette) -> Path:
    return Path((datasette.plugin_config("wgtip") or {})["root"])


def _releases(datasette) -> dict[str, str]:
    """Database name -> the release it serves as published (every database but the current build's)."""
    return (datasette.plugin_config("wgtip") or {}).get("releases", {})


def served_version(datasette, database: str) -> str:
    """The version of the data a database holds: a release's, or the current build's (the built package's)."""
    return pages.served_version(datasette.plugin_config("wgtip") or {}, database)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        found = {"wgtip_long_text": LONG_TEXT, "wgtip_wide_text": WIDE_TEXT, "wgtip_meta_description": findable.meta_description(dataset.DESCRIPTION)}
        if view_name == "index":
            found["wgtip"] = await pages.home_context(datasette.get_database(DATABASE), _root(datasette))
            found["wgtip_unserved"] = {name: running.status(name) for name in _releases(datasette) if running.status(name)}
            if request is not None:
                found["wgtip_jsonld"] = await _jsonld(datasette, request)
        if view_name == "row" and table == "releases" and request is not None:
            # a release's page: the dataset as that release published it
            found["wgtip_jsonld"] = await _jsonld(datasette, request, tilde_decode(request.url_vars["pks"]))
        if view_name == "database" and database:
            found["wgtip_database"] = await pages.database_context(datasette.get_database(database), database, served_version(datasette, database), _root(datasette))
        if view_name == "table" and table:
            found["wgtip_facet_labels"] = await pages.facet_labels(datasette.get_database(database), table)
            found["wgtip_facet_qualifiers"] = facet_qualifiers(table)
            found["wgtip_facet_quality"] = await pages.facet_quality(datasette.get_database(database), table)
            if request is not None and request.args.get("_search"):
                found["wgtip_highlight"] = highlighted(request.args["_search"])
                found["wgtip_search_hint"] = await pages.search_hint(datasette.get_database(database), request.args["_search"])
                found["wgtip_search_report"] = await pages.search_report(datasette.get_database(database), request.args["_search"])
        if view_name == "row" and table == "provisions" and request is not None:
            pk = tilde_decode(request.url_vars["pks"])
            found["wgtip_provision"] = await pages.provision_context(datasette.get_database(database), pk)
            if found["wgtip_provision"]:
                p = found["wgtip_provision"]["provision"]
                found["wgtip_meta_description"] = findable.meta_description(f"{dataset.TITLE}: provision {p['provision_id']} ({found['wgtip_provision']['locator']}).", p["standalone_text"])
        return found

    return inner


@hookimpl
def render_cell(value, column, table, database, datasette):
    # a view or a query (table None) has no key, so Datasette links none of its rows: there a provision's id
    # leads to its page (in a table, Datasette links it itself, as a key or a foreign key)
    if (table is None or table == ANNOTATED_VIEW) and column == "provision_id" and isinstance(value, str):
        return Markup(f'<a href="{escape(datasette.urls.row(database, "provisions", tilde_encode(value)))}">{escape(value)}</a>')
    return None


async def _jsonld(datasette, request, version=None):
    def download_url(name):
        return datasette.absolute_url(request, datasette.urls.path(f"/-/downloads/{name}"))

    page = datasette.absolute_url(request, request.path)
    return await pages.dataset_jsonld(datasette.get_database(DATABASE), _root(datasette), download_url, page, version)


async def download(request, datasette):
    wanted = request.url_vars["path"]
    releases = await pages.release_versions(datasette.get_database(DATABASE))
    for d in pages.downloads(_root(datasette), releases):
        if d.name == wanted:
            # one byte range honoured (206), so DuckDB or a browser can read part of a database file remotely
            return RangedFileDownload(d.path, d.path.name, CONTENT_TYPES.get(d.path.suffix, "application/octet-stream"), request.headers.get("range"), request.method)
    raise NotFound(f"no download named {wanted}")


async def release_file(request, datasette):
    """A release's database downloaded as Datasette offers any database (/wgtip-1-0-0.db): the release's published
    SQLite file, not the site's copy of it (which adds a search index and views)."""
    from datasette.utils.asgi import Response

    version = _releases(datasette).get(request.url_vars["database"])
    if version is None:
        raise NotFound("no such database")
    return Response.redirect(f"{datasette.urls.path('-/downloads')}/{pages.RELEASES_DIR}/{version}/{pages.release_artefacts(version)['sqlite']}")


@hookimpl
def register_routes():
    return [(r"^/-/downloads/(?P<path>.+)$", download), (r"^/(?P<database>wgtip-[^/.]+)\.db$", release_file)]
