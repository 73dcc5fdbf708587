"""The learning page (``/-/cctracker/learning``): prompt topics over time, questions asked
again, recurring errors and technologies, from ``collector.analytics.learning``."""

import asyncio

from datasette import hookimpl
from datasette.utils.asgi import Response

DB_NAME = "cctracker"


def _learning(path, project_id, date_from, date_to):
    from collector.storage import db
    from collector.analytics import filters, learning

    conn = db.connect(path, readonly=True)
    try:
        return learning.learning(conn, filters.parse(project_id, date_from or None, date_to or None))
    finally:
        conn.close()


async def learning_page(datasette, request):
    from collector.errors import InvalidInput

    database = datasette.get_database(DB_NAME)
    form = {k: request.args.get(k) or "" for k in ("project", "date_from", "date_to")}
    projects = [dict(r) for r in (await database.execute("select id, name from projects order by name")).rows]
    project_id = next((p["id"] for p in projects if p["name"] == form["project"]), None)
    data, error, status = None, None, 200
    try:
        data = await asyncio.get_running_loop().run_in_executor(
            None, _learning, database.path, project_id, form["date_from"], form["date_to"])
    except InvalidInput as e:
        error, status = "%s: %s" % (e.field, e.message), 400
    weekly = []
    for topic in (data or {}).get("topics", {}).get("topics", []):
        weekly += [{"topic": "%d. %s" % (topic["topic"], topic["label"]), "week": w["week"], "prompts": w["count"]}
                   for w in topic["weekly"]]
    return Response.html(await datasette.render_template("cctracker_learning.html", {
        "form": form, "projects": projects, "data": data, "error": error, "weekly": weekly,
    }, request=request), status=status)


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/learning$", learning_page)]
