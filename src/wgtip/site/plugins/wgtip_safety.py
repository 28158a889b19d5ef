"""Datasette plugin (loaded only by `wgtip serve`): size limits on every connection, security headers."""

from datasette import hookimpl

from wgtip.site.safety import limit_connection, with_security_headers


@hookimpl
def prepare_connection(conn):
    limit_connection(conn)


@hookimpl
def asgi_wrapper(datasette):
    return with_security_headers
