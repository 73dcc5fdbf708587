"""The sessions list (``/-/cctracker/sessions``): newest sessions with their numbers,
filtered by project and date range, each opening its session page."""

from datasette import hookimpl
from datasette.utils.asgi import Response

from collector import localdays

DB_NAME = "cctracker"
PAGE_SIZE = 100


async def sessions_page(datasette, request):
    database = datasette.get_database(DB_NAME)
    form = {k: request.args.get(k) or "" for k in ("project", "date_from", "date_to")}
    where, params = ["1 = 1"], {}
    if form["project"]:
        where.append("project_name = :project")
        params["project"] = form["project"]
    # started_at bounds (not day) so the sessions_started index does the filtering.
    # Local calendar days: their bounds in stored (UTC) time.
    if form["date_from"]:
        where.append("started_at >= " + localdays.SQL_DAY_START.format(day=":date_from"))
        params["date_from"] = form["date_from"]
    if form["date_to"]:
        where.append("started_at < " + localdays.SQL_DAY_END.format(day=":date_to"))
        params["date_to"] = form["date_to"]
    rows = (await database.execute(
        "select session_id, project_name, started_at,"
        " strftime('%%Y-%%m-%%d %%H:%%M', started_at, 'localtime') as started_local, title, model,"
        " round((claude_working_seconds + permission_wait_seconds + thinking_seconds) / 60.0, 1)"
        " as active_minutes, turns, prompts, tool_calls, tool_failures, commits, commit_lines_changed"
        " from session_list where %s order by started_at desc limit %d" % (" and ".join(where), PAGE_SIZE),
        params)).rows
    projects = [dict(r) for r in (await database.execute("select id, name from projects order by name")).rows]
    return Response.html(await datasette.render_template("cctracker_sessions.html", {
        "form": form, "projects": projects, "sessions": [dict(r) for r in rows], "page_size": PAGE_SIZE,
    }, request=request))


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/sessions$", sessions_page)]
