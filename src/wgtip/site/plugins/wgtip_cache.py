"""Datasette plugin (loaded only by `wgtip serve`): pages kept once made (wgtip.site.cache says why and what it
never keeps)."""

from datasette import hookimpl
from datasette.database import Database

from wgtip.site import running
from wgtip.site.cache import KeptPages, keep_pages, noting_failures

KEPT = KeptPages()
"""This server's kept pages (nothing is kept while what the site serves may still change: running.settled)."""

Database.execute_fn = noting_failures(Database.execute_fn)


@hookimpl
def asgi_wrapper(datasette):
    def immutable() -> bool:
        # asked as each request starts; while a release is being built (wgtip.site.running) its database is still to
        # be added and pages list it as being built: nothing made then is kept, so nothing kept must be forgotten
        if not running.settled():
            return False
        # Datasette's own _internal database is mutable but never shown to an anonymous reader
        return not any(db.is_mutable for name, db in datasette.databases.items() if name != "_internal")

    return lambda app: keep_pages(app, KEPT, immutable)
