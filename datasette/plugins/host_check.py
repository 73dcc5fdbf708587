"""The dashboard's guard against other web pages: Host allow-list, SQL gate, same-origin redirects.

- DNS rebinding: a page on ``evil.example`` whose name is re-pointed at
  127.0.0.1 makes the browser call this server with ``Host: evil.example``.
  As in the API (``collector.api.security``), only loopback names, the
  address the request came in on, this machine's names when bound beyond
  loopback, and ``CCTRACKER_ALLOWED_HOSTS`` are answered, with the bound port.
- Arbitrary SQL (``?sql=``, ``_where=``) reads everything, prompts included.
  It is off unless ``dashboard_sql = true`` is in config.toml; the one SQL
  the dashboard itself sends, its charts' queries (datasette-dashboards
  fetches ``cctracker.json?sql=<chart query>``), is let through exactly.
- A ``Location`` that leaves this origin (``//evil.example/``) becomes ``/``.
- CSV downloads: a cell a spreadsheet would run as a formula (``=HYPERLINK(...)``
  in a prompt) gets a leading ``'``, as in ``cctracker export``. Datasette writes
  the CSV itself, so the response is read back and rewritten (it is one page:
  ``allow_csv_stream`` is off).
"""

import functools
import re
import urllib.parse

from datasette import hookimpl

DB_NAME = "cctracker"
#: The database's own pages, where ``?sql=`` runs a query (any output format).
_DATABASE_PATH = re.compile(r"^/%s(\.[a-z]+)?/?$" % DB_NAME)


#: The address ``--host`` bound (collector.serve.dashboard.start passes it): 0.0.0.0 adds this
#: machine's names, as in the API.
BOUND_ENV = "CCTRACKER_DASHBOARD_HOST"


@functools.lru_cache(maxsize=64)
def _security(bound, local_host, port):
    from collector.api.security import Security, host_name

    security = Security(host=bound or local_host, port=port)
    security.names = security.names | {host_name(local_host)}  # the address this request came in on
    return security


def host_allowed(scope):
    import os

    server = scope.get("server") or (None, None)
    local_host, port = server[0] or "127.0.0.1", server[1]
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"").decode("latin-1")
    return _security(os.environ.get(BOUND_ENV), local_host, port).host_allowed(host)


def sql_enabled():
    from collector import config

    try:
        return bool(config.load().dashboard_sql)
    except config.ConfigError:
        return False


def chart_queries(datasette, args):
    """The SQL each chart would send for these filter values (datasette-dashboards' own fill)."""
    from datasette_dashboards import replace_opts_in_query

    queries = set()
    for dashboard in (datasette.plugin_config("datasette-dashboards") or {}).values():
        filters = (dashboard.get("filters") or {}).keys()
        options = {k: args[k][-1] for k in filters if k in args}
        for chart in (dashboard.get("charts") or {}).values():
            if chart.get("db") == DB_NAME and chart.get("query"):
                queries.add(replace_opts_in_query(chart["query"], options))
    return queries


def sql_allowed(datasette, scope):
    args = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if "_where" in args:
        return False
    if "sql" not in args:
        return True
    if not _DATABASE_PATH.match(scope.get("path", "")):
        return True  # ?sql= runs nothing elsewhere
    wanted = args["sql"]
    return len(wanted) == 1 and wanted[0] in chart_queries(datasette, args)


def same_origin(location):
    """``location`` if it stays on this server, else ``/``."""
    text = location.decode("latin-1").strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme or parts.netloc or text.startswith(("//", "/\\", "\\")) or not text.startswith("/"):
        return b"/"
    return location


def _is_csv(scope):
    if scope.get("path", "").endswith(".csv"):
        return True
    return b"_format=csv" in scope.get("query_string", b"")


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralise_csv(body):
    """The CSV ``body`` with formula cells prefixed by ``'`` (numbers such as -5 stay)."""
    import csv
    import io

    from collector.export.tabular import csv_cell

    text = body.decode("utf-8", "replace")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([cell if _number(cell) else csv_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


async def _refuse(send, status, message):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": message.encode()})


def wrap(app, datasette, allow_sql):
    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if not host_allowed(scope):
            return await _refuse(send, 403, "cctracker: this Host is not allowed; use 127.0.0.1 or localhost, "
                                            "or add it to CCTRACKER_ALLOWED_HOSTS\n")
        if not allow_sql and not sql_allowed(datasette, scope):
            return await _refuse(send, 403, "cctracker: arbitrary SQL is off in the dashboard; turn it on with "
                                            "dashboard_sql = true in config.toml\n")

        csv_held = {} if _is_csv(scope) else None

        async def checked_send(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=[
                    (k, same_origin(v) if k.lower() == b"location" else v) for k, v in message["headers"]
                    if csv_held is None or k.lower() != b"content-length"])
                if csv_held is not None:
                    csv_held["start"], csv_held["body"] = message, []
                    return
            elif message["type"] == "http.response.body" and csv_held is not None and "start" in csv_held:
                csv_held["body"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                await send(csv_held["start"])
                message = {"type": "http.response.body", "body": neutralise_csv(b"".join(csv_held["body"]))}
            await send(message)

        return await app(scope, receive, checked_send)
    return guarded


@hookimpl
def asgi_wrapper(datasette):
    allow_sql = sql_enabled()
    return lambda app: wrap(app, datasette, allow_sql)
