"""Datasette plugin (loaded only by `wgtip serve`, through --plugins-dir): Chinese search.

Replaces Datasette's escape_fts() with one that turns the words typed into
AND-ed bigram phrases for the provisions_search index (see wgtip.search).
trylast: our create_function must run after Datasette's own, or its version wins.
"""

from datasette import hookimpl

from wgtip.search import match_expression


def escape_fts(query):
    # SQL may pass NULL or a number
    return match_expression("" if query is None else str(query))


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
