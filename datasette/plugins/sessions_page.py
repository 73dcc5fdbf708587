"""The sessions list (``/-/cctracker/sessions``): every session, a page at a time, sortable,
filtered by project, local days, coding agent, model and text (title and prompts), each opening its page.

Titles come from ``sessions.title``; a session without one shows its first typed prompt,
so no row is blank. Times are local (``times.local.minute``), never stored UTC text.
"""

import re

from datasette import hookimpl
from datasette.utils.asgi import Response

from collector.serve.display import duration, TITLE_SQL
from collector.sessions import ref
from collector.times import local

DB_NAME = "cctracker"
PAGE_SIZE = 50
#: ?sort= value -> (label, SQL expression). Everything else falls back to "started".
SORTS = {
    "started": ("started", "started_at"),
    "project": ("project", "project_name"),
    "title": ("title", "display_title"),
    "active": ("active", "active_seconds"),
    "prompts": ("prompts", "prompts"),
    "tools": ("tool calls", "tool_calls"),
    "commits": ("commits", "commits"),
}
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text):
    """Each word of ``text`` as a quoted FTS5 term (all must match): user text is never syntax."""
    return " ".join('"%s"' % w for w in _WORD.findall(text)[:12])


def where_clause(form):
    where, params = ["1 = 1"], {}
    if form["project"]:
        where.append("project_name = :project")
        params["project"] = form["project"]
    # started_at bounds (not day) so the sessions_started index does the filtering.
    if form["date_from"]:
        where.append("started_at >= " + local.SQL_DAY_START.format(day=":date_from"))
        params["date_from"] = form["date_from"]
    if form["date_to"]:
        where.append("started_at < " + local.SQL_DAY_END.format(day=":date_to"))
        params["date_to"] = form["date_to"]
    if form["model"]:
        where.append("model = :model")
        params["model"] = form["model"]
    if form.get("agent"):
        where.append("agent = :agent")
        params["agent"] = form["agent"]
    if form["q"].strip():
        params["like"] = "%" + form["q"].strip() + "%"
        clause = "title like :like"
        if fts_query(form["q"]):
            params["fts"] = fts_query(form["q"])
            clause += (" or session_id in (select m.session_id from messages m where m.id in"
                       " (select rowid from messages_fts where messages_fts match :fts)"
                       " and m.kind = 'prompt' and m.role = 'user')")
        where.append("(%s)" % clause)
    return " and ".join(where), params


def _page_number(text):
    return int(text) if text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


async def sessions_page(datasette, request):
    database = datasette.get_database(DB_NAME)
    form = {k: request.args.get(k) or "" for k in ("project", "date_from", "date_to", "agent", "model", "q",
                                                   "sort", "dir")}
    sort = form["sort"] if form["sort"] in SORTS else "started"
    direction = "asc" if form["dir"] == "asc" else "desc"
    page = _page_number(request.args.get("page") or "1")
    where, params = where_clause(form)
    total = (await database.execute("select count(*) from session_list where %s" % where, params)).rows[0][0]
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(page, pages)
    rows = [dict(r) for r in (await database.execute(
        "select session_id, session_uuid, project_name, started_at, ended_at, %s as display_title,"
        " title is null or trim(title) = '' as untitled, model, agent,"
        " claude_working_seconds + permission_wait_seconds + thinking_seconds as active_seconds,"
        " turns, prompts, tool_calls, tool_failures, commits, commit_lines_changed"
        " from session_list where %s order by %s %s, session_id %s limit %d offset %d"
        % (TITLE_SQL, where, SORTS[sort][1], direction, direction, PAGE_SIZE, (page - 1) * PAGE_SIZE),
        params)).rows]
    uuids = [r[0] for r in (await database.execute("select session_uuid from sessions")).rows]
    prefixes = ref.shorts(uuids)
    for r in rows:
        r["ref"] = prefixes.get(r["session_uuid"], r["session_uuid"])
        r["started_local"] = local.minute(r["started_at"])
        r["active"] = duration(r["active_seconds"])
    projects = [dict(r) for r in (await database.execute("select id, name from projects order by name")).rows]
    models = [r[0] for r in (await database.execute(
        "select distinct model from sessions where model is not null order by model")).rows]
    agents = [r[0] for r in (await database.execute(
        "select distinct agent from sessions order by agent != 'claude-code', agent")).rows]
    keep = {k: v for k, v in form.items() if v}
    return Response.html(await datasette.render_template("cctracker_sessions.html", {
        "form": form, "projects": projects, "models": models, "agents": agents, "sessions": rows,
        "page_size": PAGE_SIZE,
        "page": page, "pages": pages, "total": total, "sort": sort, "dir": direction, "sorts": SORTS,
        "first": (page - 1) * PAGE_SIZE + 1 if rows else 0, "last": (page - 1) * PAGE_SIZE + len(rows),
        "link": lambda **changes: "?" + "&".join(
            "%s=%s" % (k, _quote(v)) for k, v in {**keep, **changes}.items() if v not in ("", None)),
    }, request=request))


def _quote(value):
    from urllib.parse import quote

    return quote(str(value), safe="")


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/sessions$", sessions_page)]
