"""Datasette plugin (loaded only by `wgtip serve`): the releases not built when the server started are built in
the background and each served as soon as it is ready (wgtip.site.running says how, and what their pages say
until then).

The building starts on the server's first ASGI event (the lifespan's start, or a first request): Datasette's
``startup`` hook runs in an event loop of its own, closed before the server starts, where nothing can go on."""

from datasette import hookimpl

from wgtip.site import running


@hookimpl(tryfirst=True)
def asgi_wrapper(datasette):
    def wrap(app):
        async def wrapped(scope, receive, send):
            running.start(datasette)
            if scope["type"] != "lifespan":
                await app(scope, receive, send)
                return

            async def receiving():
                message = await receive()
                if message["type"] == "lifespan.shutdown":
                    await running.stop()
                return message

            await app(scope, receiving, send)

        return wrapped

    return wrap
