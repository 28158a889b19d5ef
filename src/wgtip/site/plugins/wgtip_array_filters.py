"""Datasette plugin (loaded only by `wgtip serve`): the annotated view's array filters, through an index.

Datasette reads ``provisions_annotated?themes__arraycontains=children`` as
``:p in (select value from json_each(themes))``, which SQLite can only answer by
computing provisions' arrays one by one: to find a page of matches, to count
them and, for each facet, to group them. On a build of 10^5 events such a page
took 1.9 s and every facet timed out; the home page links to one such page per
theme and per addressee. Each array is the distinct values of an annotation
table's column for the provision (``wgtip.views.ARRAYS``), so the same rows are
those whose provision has a row with that value in the table, which the
table's index on the value finds. This hook adds that condition beside
Datasette's own, which stays: the page lists and says the same, and SQLite
starts from the index.
"""

from datasette import hookimpl
from datasette.filters import FilterArguments

from wgtip.views import ANNOTATED_VIEW, ARRAYS

_CONTAINS = {f"{a.name}__arraycontains": a for a in ARRAYS}


@hookimpl
def filters_from_request(request, table):
    if table != ANNOTATED_VIEW:
        return None
    clauses, params = [], {}
    for arg, array in sorted(_CONTAINS.items()):
        for value in request.args.getlist(arg):
            param = f"wgtip_holds{len(params)}"  # Datasette's own parameters are p0, p1, ...
            clauses.append(array.holding(param))
            params[param] = value
    return FilterArguments(clauses, params=params) if clauses else None
