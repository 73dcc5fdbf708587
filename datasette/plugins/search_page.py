"""The search page (``/-/cctracker/search?q=...``): cctracker's hybrid search (words,
meaning, substrings) with filters, each result linking to its session page."""

import asyncio
import re

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

DB_NAME = "cctracker"
KINDS = ("prompt", "reply", "thinking", "tool", "commit")
#: Snippets arrive HTML-escaped with matches in <mark>; any other tag is dropped all the same.
_NOT_MARK = re.compile(r"<(?!/?mark>)[^>]*>")


def _search(path, query, filters):
    from collector.storage import db
    from collector import search

    conn = db.connect(path, readonly=True)
    try:
        return search.search(conn, query, **filters)
    finally:
        conn.close()


async def search_page(datasette, request):
    args = request.args
    q = (args.get("q") or "").strip()
    form = {k: args.get(k) or "" for k in ("q", "project", "since", "until", "kind", "agent")}
    filters = {k: form[k] for k in ("project", "since", "until", "kind", "agent") if form[k]}
    results, error, status = [], None, 200
    if q:
        from collector.errors import InvalidInput

        path = datasette.get_database(DB_NAME).path
        try:
            results = await asyncio.get_running_loop().run_in_executor(None, _search, path, q, filters)
        except InvalidInput as e:
            error, status = "%s: %s" % (e.field, e.message), 400
    for r in results:
        r["snippet_html"] = Markup(_NOT_MARK.sub("", r.get("snippet") or ""))
    projects = [row[0] for row in (await datasette.get_database(DB_NAME).execute(
        "select name from projects order by name")).rows]
    agents = [row[0] for row in (await datasette.get_database(DB_NAME).execute(
        "select distinct agent from sessions order by agent != 'claude-code', agent")).rows]
    return Response.html(await datasette.render_template("cctracker_search.html", {
        "form": form, "results": results, "error": error, "searched": bool(q), "projects": projects,
        "kinds": KINDS, "agents": agents,
    }, request=request), status=status)


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/search$", search_page)]
