"""Datasette plugin (loaded only by `wgtip serve`): the home page kept once made (wgtip.site.cache says why and
what it never keeps)."""

from datasette import hookimpl

from wgtip.site import running
from wgtip.site.cache import keep_home_page


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: keep_home_page(app, running.settled)
