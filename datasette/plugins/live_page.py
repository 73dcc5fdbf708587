"""The Live page (``/-/cctracker/live``) and its data (``/-/cctracker/live.json``).

The page polls the JSON every few seconds (same origin, no API token needed)
and redraws itself: active sessions with the turn and tool running, a
"waiting for permission" badge with its age, the current 5-hour block and the
observed plan limits. ``cctracker.js`` also polls it on the Overview and
session pages to reload them while a session is active.
"""

import asyncio

from datasette import hookimpl
from datasette.utils.asgi import Response

DB_NAME = "cctracker"


def _snapshot(path):
    from collector.storage import db
    from collector.serve import live

    conn = db.connect(path, readonly=True)
    try:
        return live.snapshot(conn)
    finally:
        conn.close()


async def live_json(datasette, request):
    database = datasette.get_database(DB_NAME)
    data = await asyncio.get_running_loop().run_in_executor(None, _snapshot, database.path)
    return Response.json(data, headers={"Cache-Control": "no-store"})


async def live_page(datasette, request):
    return Response.html(await datasette.render_template("cctracker_live.html", {}, request=request))


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/live$", live_page), (r"^/-/cctracker/live\.json$", live_json)]
