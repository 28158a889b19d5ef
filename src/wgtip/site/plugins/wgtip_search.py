"""Datasette plugin (loaded only by `wgtip serve`, through --plugins-dir): Chinese search.

Replaces Datasette's escape_fts() with one that turns the words typed into
AND-ed bigram phrases for the provisions_search index (see wgtip.search).
trylast: our create_function must run after Datasette's own, or its version wins.
"""

from datasette import hookimpl
from datasette.utils.asgi import BadRequest

from wgtip.search import match_expression
from wgtip.views import ANNOTATED_VIEW


def escape_fts(query):
    # SQL may pass NULL or a number
    return match_expression("" if query is None else str(query))


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


@hookimpl
def filters_from_request(request, table):
    # Datasette searches one column as "rowid in (...)", and a view's rowid is NULL: the annotated view would
    # answer every ?_search_<column>= with no rows. Its index has one column, so ?_search= is the same search.
    if table == ANNOTATED_VIEW and any(k.startswith("_search_") for k in request.args):
        raise BadRequest(f"{ANNOTATED_VIEW} is searched with ?_search= (the index has one column, current_text)")
