"""Datasette plugin (loaded only by `wgtip serve`): the site's metadata, ``build/site/metadata.json`` (which `wgtip
serve` writes, wgtip.site.metadata), given to Datasette through its ``get_metadata`` hook instead of ``--metadata``.

Why: Datasette 0.65.5 decides whether a table may be seen (once per table on the home page, several times on
every page) by deep-copying all the metadata it was given and merging the tables' ``allow`` blocks out of it.
With every table's and column's description and the canned queries in it, those copies were most of the home
page's time and a large part of every other page's (bench/results/load-site34b-*.md). Asked for the key
``tables``, which only that check asks for, this hook gives the permission blocks alone (``allow``,
``allow_sql``: every one there is, so the check decides as it did); for any other key, all of it.
"""

import json
import os
from pathlib import Path

from datasette import hookimpl

from wgtip.site.metadata import permission_metadata

ROOT_ENV = "WGTIP_ROOT"  # wgtip.site.serve.ROOT_ENV (a plugin module cannot import serve: it would start a build)
_loaded: dict[str, dict] = {}


def _metadata() -> dict:
    if ROOT_ENV not in os.environ:  # a Datasette that wgtip serve did not start (a test, another tool): no metadata
        return {"full": {}, "tables": {}}
    path = str(Path(os.environ[ROOT_ENV]) / "build" / "site" / "metadata.json")
    if path not in _loaded:  # written before the server starts, and not again while it runs
        full = json.loads(Path(path).read_text(encoding="utf-8"))
        _loaded[path] = {"full": full, "tables": permission_metadata(full)}
    return _loaded[path]


@hookimpl
def get_metadata(datasette, key, database, table):
    found = _metadata()
    return found["tables"] if key == "tables" else found["full"]
