"""Datasette plugin (loaded only by `wgtip serve`): size limits on every connection, security headers,
a 400 for a request's own mistakes, and error pages without rich."""

import datasette.handle_exception as default_errors
from datasette import hookimpl
from datasette.plugins import pm
from datasette.views.base import DatasetteError

from wgtip.site.safety import client_error, limit_connection, with_security_headers, without_debug_pages

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


@hookimpl(trylast=True)
def handle_exception(datasette, request, exception):
    found = client_error(exception, request.args, row_page="pks" in request.url_vars)
    if found is not None:
        message, title = found
        exception = DatasetteError(message, title=title, status=400)
    return default_errors.handle_exception(datasette, request, exception)
