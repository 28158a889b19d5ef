"""Datasette plugin (loaded only by `wgtip serve`, through --plugins-dir): Chinese search.

Replaces Datasette's escape_fts() with one that reads the search's syntax (words, runs of characters cut into
words, "phrases", -word, OR; ``wgtip.search_query``) and gives the FTS5 expression for the provisions_search bigram
index. A search that breaks the syntax is refused with a 400 that says why, before any SQL runs.
trylast: our create_function must run after Datasette's own, or its version wins.
"""

import threading

from datasette import hookimpl
from datasette.utils.asgi import BadRequest

from wgtip.search_query import SearchSyntaxError, match_expression, parse, warm_up
from wgtip.views import ANNOTATED_VIEW


def escape_fts(query):
    # SQL may pass NULL or a number; a query that cannot be read raises (SQLite reports the function failed),
    # rather than silently finding nothing: the pages refuse such a query before this runs
    return match_expression("" if query is None else str(query))


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


@hookimpl
def startup(datasette):
    # jieba's dictionary takes a second or more to load: in the background, so that the server answers at once
    threading.Thread(target=warm_up, name="wgtip-jieba", daemon=True).start()


def check_search(text):
    """The message refusing a search that breaks the syntax, or None."""
    try:
        parse(text)
    except SearchSyntaxError as err:
        return f"{err.message} — {err.message_zh}"
    return None


@hookimpl
def filters_from_request(request, table):
    # Datasette searches one column as "rowid in (...)", and a view's rowid is NULL: the annotated view would
    # answer every ?_search_<column>= with no rows. Its index has one column, so ?_search= is the same search.
    if table == ANNOTATED_VIEW and any(k.startswith("_search_") for k in request.args):
        raise BadRequest(f"{ANNOTATED_VIEW} is searched with ?_search= (the index has one column, current_text)")
    if request.args.get("_searchmode") != "raw":
        for key in request.args:
            if key == "_search" or key.startswith("_search_"):
                problem = check_search(request.args[key])
                if problem:
                    raise BadRequest(f"{key}: {problem}")
