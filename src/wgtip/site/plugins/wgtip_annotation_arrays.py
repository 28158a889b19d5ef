"""Datasette plugin (loaded only by `wgtip serve`): the annotated view's array filters and facets, through the
annotation tables' indexes.

Each array of ``provisions_annotated`` is the distinct values of an annotation table's column for the provision
(``wgtip.views.ARRAYS``). Datasette knows only that it is JSON text, so it answers both questions about it by
computing provisions' arrays one by one:

- a filter, ``?themes__arraycontains=children``, as ``:p in (select value from json_each(themes))``: to find a
  page of matches and to count them. On a build of 10^5 events such a page took 1.9 s and every facet timed out;
  the home page links to one such page per theme and per direct addressee. The same rows are those whose
  provision has a row with that value in the table, which the table's index on the value finds: this plugin adds
  that condition beside Datasette's own, which stays, so the page lists and says the same and SQLite starts
  from the index.
- a facet, which Datasette's array type counts by grouping every matching row's array (0.4 s for the unfiltered
  view at 10^5, more than the 200 ms a facet may take; 0.8 s for the children page at 10^6). The facet type
  ``metadata.ARRAY_FACET``, which the view's metadata names, counts the same from the annotation table joined on
  provision_id (``ArrayColumn.counts``: 21 ms and 90 ms there). It shows as an array facet does, and a
  request's own ``_facet_array=`` on one of these columns is left to Datasette's.
"""

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from datasette.utils.asgi import BadRequest

from wgtip.site.metadata import ARRAY_FACET
from wgtip.views import ANNOTATED_VIEW, ARRAYS

_BY_NAME = {a.name: a for a in ARRAYS}


def _contains(array_name: str) -> str:
    return f"{array_name}__arraycontains"


@hookimpl
def filters_from_request(request, table):
    if table != ANNOTATED_VIEW:
        return None
    clauses, params = [], {}
    for name, array in sorted(_BY_NAME.items()):
        for value in request.args.getlist(_contains(name)):
            param = f"wgtip_holds{len(params)}"  # Datasette's own parameters are p0, p1, ...
            clauses.append(array.holding(param))
            params[param] = value
    return FilterArguments(clauses, params=params) if clauses else None


class AnnotationArrayFacet(Facet):
    type = ARRAY_FACET

    def _arrays(self):
        """Each configured column's array, once, and where its config came from, but not those the request
        facets with Datasette's own array type (which would list the column twice)."""
        seen = set(self.request.args.getlist("_facet_array"))
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            if self.table != ANNOTATED_VIEW or column not in _BY_NAME:
                raise BadRequest(f"_facet_{self.type}={column}: this facet counts the arrays of {ANNOTATED_VIEW}, which are {', '.join(_BY_NAME)}")
            if column not in seen:
                seen.add(column)
                yield _BY_NAME[column], config["source"]

    async def facet_results(self):
        results, timed_out = [], []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for array, source in self._arrays():
            try:
                found = await self.ds.execute(self.database, array.counts(self.sql, size + 1), self.params, truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(array.name)
                continue
            values = []
            for value, count in found.rows[:size]:
                arg = (_contains(array.name), str(value))
                selected = arg in pairs
                path = (path_with_removed_args if selected else path_with_added_args)(self.request, dict([arg]))
                values.append({"value": str(value), "label": str(value), "count": count, "toggle_url": self.ds.absolute_url(self.request, path), "selected": selected})
            results.append(
                {
                    "name": array.name,
                    "type": "array",
                    "results": values,
                    "hideable": source != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {f"_facet_{self.type}": array.name})),
                    "truncated": len(found.rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [AnnotationArrayFacet]
