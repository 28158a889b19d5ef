"""Datasette plugin (loaded only by `wgtip serve`): size limits on every connection, security headers,
and error pages without rich."""

import datasette.handle_exception
from datasette import hookimpl

from wgtip.site.safety import limit_connection, with_security_headers

# Datasette 0.65's default error handler prints every exception it handles with rich, locals and all,
# when rich can be imported (frictionless brings it). A path no route matches reaches that handler
# outside an `except` block, where rich refuses to print and raises: every such request was a 500,
# and every other 404 wrote ~10 KB of stack and locals to the log. Without rich the handler renders
# the same error pages, and still prints the traceback of a real 500 (`traceback.print_exc`).
datasette.handle_exception.rich = None


@hookimpl
def prepare_connection(conn):
    limit_connection(conn)


@hookimpl
def asgi_wrapper(datasette):
    return with_security_headers
