"""Datasette plugin (loaded only by `wgtip serve`): the site's metadata, ``build/site/metadata.json`` (which `wgtip
serve` writes, wgtip.site.metadata), given to Datasette through its ``get_metadata`` hook instead of ``--metadata``.

Why: Datasette 0.65.5 decides whether a table may be seen (once per table on the home page, several times on
every page) by deep-copying all the metadata it was given and merging the tables' ``allow`` blocks out of it.
With every table's and column's description and the canned queries in it, those copies were most of the home
page's time and a large part of every other page's (bench/results/load-site34b-*.md). Asked for the key
``tables``, which only that check asks for, this hook gives the permission blocks alone (``allow``,
``allow_sql``: every one there is, so the check decides as it did); for any other key, all of it.
"""

from datasette import hookimpl

from wgtip.site import running


@hookimpl
def get_metadata(datasette, key, database, table):
    found = running.metadata()  # read once, and again when a release built after the server started is added
    return found["tables"] if key == "tables" else found["full"]
