"""Datasette plugin (loaded only by `wgtip serve`): a citation on every page (``wgtip.site.citing``).

- Every page of a database cites the version it holds (a release, with its date and digest; the current build),
  with downloads of that citation: ``/-/cite/<database>.<bib|ris|json|txt>``.
- A provision's page cites the provision in that version (``/-/cite/<database>/<provision_id>.<…>``), as
  ``wgtip cite --release X <provision_id>`` does.
- A query's page (canned or not) says "Cite this query": its SQL and parameters, the version and its digest, the
  number of rows and the SHA-256 of its whole answer (``citing.answer_sha256``), also as JSON
  (``/-/cite-query/<database>[/<query>].json?…``).
"""

import json
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import derive_named_parameters, tilde_decode
from datasette.utils.asgi import NotFound, Response

from wgtip.site import citing, pages


def _config(datasette):
    return datasette.plugin_config("wgtip") or {}


async def _version(datasette, database):
    return await citing.dataset_version(datasette.get_database(database), pages.served_version(_config(datasette), database), pages.recorded_dois(_config(datasette)))


def _ids(datasette):
    return pages.dataset_identifiers(_config(datasette))


def _downloads(datasette, database, provision_id=None):
    base = datasette.urls.path(f"-/cite/{database}" + (f"/{provision_id}" if provision_id else ""))
    return [{"name": name, "url": f"{base}.{ext}"} for ext, (name, _, _) in citing.FORMATS.items()]


async def cite_file(request, datasette):
    database = tilde_decode(request.url_vars["database"])
    if database not in datasette.databases:
        raise NotFound(f"no database {database}")
    version = await _version(datasette, database)
    facts = None
    if request.url_vars.get("provision"):
        provision_id = tilde_decode(request.url_vars["provision"])
        facts = await citing.provision_facts(datasette.get_database(database), provision_id)
        if facts is None:
            raise NotFound(f"no provision {provision_id} in {database}")
    ext = request.url_vars["format"]
    _, media, _ = citing.FORMATS[ext]
    name = f"wgtip-{version.version}" + (f"-{facts.provision_id}" if facts else "")
    return Response(citing.render(ext, version, _ids(datasette), facts), content_type=media, headers={"content-disposition": f'attachment; filename="{name}.{ext}"'})


async def query_of(datasette, request, database, name):
    """(sql, params) of a query page: a canned query's SQL, or the page's own; None when it has no SQL."""
    if name:
        query = await datasette.get_canned_query(database, name, request.actor)
        if not query:
            return None
        sql = query["sql"]
    else:
        sql = request.args.get("sql")
        if not sql:
            return None
    params = {p: request.args.get(p, "") for p in await derive_named_parameters(datasette.get_database(database), sql)}
    return sql, params


async def cite_query(datasette, request, database, name):
    """The citation of a query's answer, or None (no SQL, or it cannot be run in the time limit)."""
    found = await query_of(datasette, request, database, name)
    if found is None:
        return None
    sql, params = found
    limit = datasette.setting("sql_time_limit_ms")
    try:
        rows, sha256, _ = await datasette.get_database(database).execute_fn(lambda conn: citing.hash_query(conn, sql, params, limit))
    except Exception:  # the query's own error, or the time limit: the page says so already
        return None
    path = datasette.urls.path(database + (f"/{name}" if name else ""))
    query_string = urlencode({**({} if name else {"sql": sql}), **params})
    url = datasette.absolute_url(request, path + (f"?{query_string}" if query_string else ""))
    return citing.query_citation(database, await _version(datasette, database), _ids(datasette), sql, params, rows, sha256, url)


async def cite_query_file(request, datasette):
    database = tilde_decode(request.url_vars["database"])
    if database not in datasette.databases:
        raise NotFound(f"no database {database}")
    name = request.url_vars.get("name")
    found = await cite_query(datasette, request, database, tilde_decode(name) if name else None)
    if found is None:
        return Response.json({"ok": False, "error": "no query to cite, or it could not be run within the time limit"}, status=400)
    return Response(json.dumps(found, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/cite/(?P<database>[^/.]+)(/(?P<provision>[^/.]+))?\.(?P<format>bib|ris|json|txt)$", cite_file),
        (r"^/-/cite-query/(?P<database>[^/.]+)(/(?P<name>[^/.]+))?\.json$", cite_query_file),
    ]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        # Datasette 0.65 renders a query page (query.html) from its database view, or its table view for a canned query
        if not database or database not in datasette.databases or view_name not in ("database", "table", "row"):
            return {}
        if "root" not in _config(datasette):  # a Datasette that wgtip serve did not configure: nothing to cite
            return {}
        version = await _version(datasette, database)
        found = {
            "wgtip_cite": {
                "text": citing.text(version, _ids(datasette)),
                "version": version.version,
                "digest": version.digest,
                "published_on": version.published_on.isoformat() if version.published_on else None,
                "downloads": _downloads(datasette, database),
            }
        }
        if view_name == "row" and table == "provisions" and request is not None:
            provision_id = tilde_decode(request.url_vars["pks"])
            facts = await citing.provision_facts(datasette.get_database(database), provision_id)
            if facts is not None:
                found["wgtip_cite_provision"] = {"text": citing.text(version, _ids(datasette), facts), "downloads": _downloads(datasette, database, provision_id)}
        if template.startswith("query") and request is not None:
            name = request.url_vars.get("table")
            cited = await cite_query(datasette, request, database, tilde_decode(name) if name else None)
            if cited is not None:
                qs = request.query_string
                cited["json"] = datasette.urls.path(f"-/cite-query/{request.url_vars['database']}" + (f"/{name}" if name else "") + ".json") + (f"?{qs}" if qs else "")
                found["wgtip_cite_query"] = cited
        return found

    return inner
