"""Datasette plugin (loaded only by `wgtip serve`): size limits on every connection and a budget on every
query's rows, security headers, a 400 for a request's own mistakes, and error pages that keep the site's
navigation, the query and the limit that stopped it (and do without rich)."""

import datasette.handle_exception as default_errors
from datasette import Response, hookimpl
from datasette.plugins import pm
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

from wgtip.site import running
from wgtip.site.metadata import DATABASE
from wgtip.site.safety import (
    INTERRUPTED,
    client_error,
    interrupted_message,
    limit_connection,
    limits_text,
    with_security_headers,
    without_debug_pages,
)

# Datasette 0.65's default error handler prints every exception it handles with rich, locals and all,
# when rich can be imported (frictionless brings it). A path no route matches reaches that handler
# outside an `except` block, where rich refuses to print and raises: every such request was a 500,
# and every other 404 wrote ~10 KB of stack and locals to the log. Without rich the handler renders
# the same error pages, and still prints the traceback of a real 500 (`traceback.print_exc`).
default_errors.rich = None
# Datasette awaits every handle_exception hook, its own too, and sends the first response: its handler
# would still print the traceback of an error this plugin answers with a 400. This plugin's hook takes
# its place (trylast, as it was) and hands it every error that is not the request's own mistake.
if pm.get_plugin(default_errors.__name__) is not None:
    pm.unregister(name=default_errors.__name__)


@hookimpl
def prepare_connection(conn):
    limit_connection(conn)


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: with_security_headers(without_debug_pages(app))


async def _query_of(datasette, request):
    """The SQL the failed page ran, when a reader can edit and run it again: a request's own (?sql=), or a
    canned query's."""
    if request.args.get("sql"):
        return request.args["sql"]
    database, name = request.url_vars.get("database"), request.url_vars.get("table")
    if database and name:
        try:
            canned = await datasette.get_canned_query(database, name, None)
        except KeyError:  # no such database
            return None
        if canned:
            return canned["sql"]
    return None


@hookimpl(trylast=True)
def handle_exception(datasette, request, exception):
    found = client_error(exception, request.args, row_page="pks" in request.url_vars)
    if found is not None:
        message, title = found
        exception = DatasetteError(message, title=title, status=400)
    waiting = running.waiting_for(request.path) if getattr(exception, "status", None) == 404 else None
    if waiting is not None:  # a release not served yet: not a page that does not exist
        version, state = waiting
        exception = DatasetteError(running.message(version, state), title=f"Release {version} is not served yet", status=503)
    if request.path.split("?")[0].endswith(".json") or not isinstance(exception, (DatasetteError, Base400)):
        # JSON keeps Datasette's shape; a real 500 keeps its traceback in the log
        return default_errors.handle_exception(datasette, request, exception)

    async def inner():
        title = getattr(exception, "title", None)
        status = exception.status
        message = exception.message if isinstance(exception, DatasetteError) else exception.args[0]
        if isinstance(exception, DatasetteError) and exception.message_is_html:
            message = Markup(message)
        if title == INTERRUPTED:  # Datasette's message points to its settings' documentation and repeats the SQL
            message = interrupted_message()
        database = request.url_vars.get("database")
        if database not in datasette.databases:  # the query form goes to a database served (not a release being built)
            database = DATABASE
        context = {"ok": False, "error": message, "status": status, "title": title, "wgtip_error": {"sql": await _query_of(datasette, request), "limits": limits_text(), "database": database}}
        page = await datasette.render_template([f"{status}.html", "error.html"], context, request=request)
        return Response.html(page, status=status, headers={"Retry-After": "5"} if status == 503 else None)

    return inner
