"""Datasette plugin (loaded only by `wgtip serve`): answers that say what they are (``wgtip.site.answers``).

- ``/-/complete/<database>/<table, view or canned query>.csv|json`` (and ``/-/complete/<database>.csv?sql=…``): the
  whole answer, never cut at Datasette's row limit; every table, view and query page links it.
- A query's CSV (``/wgtip/changes_between_releases.csv?…``, ``/wgtip.csv?sql=…``) is that complete answer: Datasette's
  own stopped at 1,000 rows without a word, even with ``_stream=1``. A table's or view's CSV asked for whole (no
  ``_size`` or ``_size=max``) is streamed whole (``_stream=1``), as Datasette does when asked to.
- A canned query's release parameters are checked before it runs: an unknown release, or a pair reversed, is a 400
  that says so, not 0 rows.
- The known reason for an empty answer (a meeting that decided nothing) is given to the page.
"""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import InvalidSql, derive_named_parameters, tilde_decode, validate_sql_select
from datasette.utils.asgi import NotFound, Request, Response

from wgtip.site import answers

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


class SpooledResponse:
    """A complete answer, sent from its spool in chunks (Datasette sends any object with ``asgi_send``)."""

    def __init__(self, spool, fmt, filename, rows):
        self.spool, self.fmt, self.filename, self.rows = spool, fmt, filename, rows

    async def asgi_send(self, send):
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", CONTENT_TYPES[self.fmt].encode()),
                        (b"content-length", str(self.spool.size).encode()),
                        (b"content-disposition", f'attachment; filename="{self.filename}"'.encode()),
                        (b"x-wgtip-rows", str(self.rows).encode()),
                    ],
                }
            )
            for chunk in self.spool.chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            self.spool.close()


def _error(request, message, status=400):
    if request.url_vars.get("format") == "json" or request.path.endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": status, "title": "Incomplete answer refused"}, status=status)
    return Response.text(f"error: {message}\n", status=status)


async def kind_of(datasette, database, name):
    """'query' for a canned query of the database, 'table' for a table or view, None otherwise."""
    if name is None:
        return "sql"
    if await datasette.get_canned_query(database, name, None):
        return "query"
    db = datasette.get_database(database)
    if await db.table_exists(name) or name in await db.view_names():
        return "table"
    return None


async def complete(request, datasette):
    database = tilde_decode(request.url_vars["database"])
    name = request.url_vars.get("name")
    name = tilde_decode(name) if name else None
    fmt = request.url_vars["format"]
    if database not in datasette.databases:
        raise NotFound(f"no database {database}")
    kind = await kind_of(datasette, database, name)
    if kind is None:
        raise NotFound(f"no table, view or canned query {name} in {database}")
    db = datasette.get_database(database)
    spool = answers.Spool()
    try:
        writer = answers.Writer(spool, fmt)
        if kind == "table":

            async def get(args):
                r = await datasette.client.get(f"/{request.url_vars['database']}/{request.url_vars['name']}.json?{urlencode(args)}")
                if r.status_code != 200:
                    raise answers.AnswerError(r.json().get("error") or f"the page answered {r.status_code}")
                return r.json()

            rows = await answers.table_rows(get, parse_qsl(request.query_string, keep_blank_values=True), writer)
        else:
            if kind == "query":
                query = await datasette.get_canned_query(database, name, request.actor)
                sql = query["sql"]
                problem = await answers.parameters_error(db, name, {k: request.args.get(k) for k in request.args})
                if problem:
                    raise answers.AnswerError(problem)
            else:
                sql = request.args.get("sql") or ""
                if not await datasette.permission_allowed(request.actor, "execute-sql", resource=database, default=True):
                    return _error(request, "SQL queries are not allowed here", 403)
                try:
                    validate_sql_select(sql)
                except InvalidSql as err:
                    raise answers.AnswerError(str(err)) from err
            params = {p: request.args.get(p, "") for p in await derive_named_parameters(db, sql)}
            limit = datasette.setting("sql_time_limit_ms")
            try:
                rows = await db.execute_fn(lambda conn: answers.query_rows(conn, sql, params, writer, limit))
            except Exception as err:  # the time limit (an interrupted statement), or the SQL's own error
                text = str(err)
                if "interrupted" in text.lower():
                    text = f"the query took longer than the site's time limit of {limit:,} ms: no complete answer"
                raise answers.AnswerError(text) from err
    except answers.AnswerError as err:
        spool.close()
        return _error(request, str(err))
    except BaseException:
        spool.close()
        raise
    return SpooledResponse(spool, fmt, f"{name or database}.{fmt}", rows)


@hookimpl
def register_routes():
    return [(r"^/-/complete/(?P<database>[^/.]+)(/(?P<name>[^/.]+))?\.(?P<format>csv|json)$", complete)]


def complete_path(datasette, database, name, query_string):
    """The complete download of a page's answer, in both formats."""
    base = datasette.urls.path(f"-/complete/{database}" + (f"/{name}" if name else ""))
    kept = urlencode(answers.table_page_args(parse_qsl(query_string, keep_blank_values=True)))
    return {fmt: f"{base}.{fmt}" + (f"?{kept}" if kept else "") for fmt in answers.FORMATS}


def _path_parts(path):
    """(database, name or None, extension or None, the raw segments without extension) of a database, table or
    query path; None for any other path."""
    parts = path.strip("/").split("/")
    if not parts or not parts[0] or parts[0].startswith("-") or len(parts) > 2:
        return None
    last, _, ext = parts[-1].partition(".")
    parts[-1] = last
    return tilde_decode(parts[0]), (tilde_decode(parts[1]) if len(parts) == 2 else None), (ext or None), parts


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            parts = _path_parts(scope["path"])
            if parts is None or parts[0] not in datasette.databases:
                return await app(scope, receive, send)
            database, name, ext, raw = parts
            args = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True))
            # a canned query is found in the metadata; whether a name is a table is asked of the database, so only for a CSV
            if name is None:
                kind = "sql" if "sql" in args else None
            elif await datasette.get_canned_query(database, name, None):
                kind = "query"
            else:
                kind = await kind_of(datasette, database, name) if ext == "csv" else None
            if kind == "query":
                problem = await answers.parameters_error(datasette.get_database(database), name, args)
                if problem:
                    return await _refuse(datasette, scope, receive, send, problem, ext)
            if ext == "csv" and kind in ("query", "sql"):
                return await _rewrite(app, scope, receive, send, "/-/complete/" + "/".join(raw) + ".csv")
            if ext == "csv" and kind == "table" and "_next" not in args and args.get("_size", "max") == "max" and "_stream" not in args:
                qs = scope.get("query_string", b"") + (b"&" if scope.get("query_string") else b"") + b"_stream=1"
                return await app(dict(scope, query_string=qs), receive, send)
            return await app(scope, receive, send)

        return wrapped

    return wrap


async def _rewrite(app, scope, receive, send, path):
    return await app(dict(scope, path=path, raw_path=path.encode()), receive, send)


async def _refuse(datasette, scope, receive, send, message, ext):
    # this wrapper runs outside Datasette's start-up and CSRF layers: the error page needs both
    await datasette.invoke_startup()
    request = Request(dict(scope, csrftoken=lambda: ""), receive)
    if ext == "json":
        response = Response.json({"ok": False, "error": message, "status": 400, "title": "Invalid parameters"}, status=400)
    elif ext:
        response = Response.text(f"error: {message}\n", status=400)
    else:
        html = await datasette.render_template("error.html", {"ok": False, "error": message, "status": 400, "title": "Invalid parameters"}, request=request)
        response = Response.html(html, status=400)
    await response.asgi_send(send)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        # Datasette 0.65 renders a query page (query.html) from its database view, or its table view for a canned query
        query_page = template.startswith("query")
        if request is None or not (query_page or template.startswith("table")) or database not in datasette.databases:
            return {}
        found = {}
        if not query_page or request.url_vars.get("table") or request.args.get("sql"):
            found["wgtip_complete"] = complete_path(datasette, request.url_vars["database"], request.url_vars.get("table"), request.query_string)
        reason = await answers.empty_reason(datasette.get_database(database), {k: request.args.get(k) for k in request.args})
        if reason:
            found["wgtip_empty_reason"] = reason
        return found

    return inner
