"""The session page: one session's prompts, work, waits, tool calls and commits on one
time axis, with the conversation beside it (``/-/cctracker/session/<id>``)."""

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

DB_NAME = "cctracker"
#: A marathon session can have tens of thousands of tool calls; the chart shows the first ones.
MAX_EVENTS = 4000


async def _rows(db, sql, params):
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def session_page(datasette, request):
    session_id = int(request.url_vars["session_id"])
    db = datasette.get_database(DB_NAME)
    found = await _rows(db, "select * from session_list where session_id = ?", [session_id])
    if not found:
        raise NotFound("No session %d" % session_id)
    events = await _rows(db, "select lane, label, detail, start_at, end_at, turn_id from session_events"
                             " where session_id = ? order by start_at limit %d" % MAX_EVENTS, [session_id])
    messages = await _rows(db, "select message_id, turn_id, agent_id, role, kind, created_at, model, content"
                               " from conversation where session_id = ? order by created_at, message_id",
                           [session_id])
    commits = await _rows(db, "select committed_at, sha, subject, files_changed, lines_added, lines_removed"
                              " from commit_activity where session_id = ? order by committed_at", [session_id])
    return Response.html(await datasette.render_template("cctracker_session.html", {
        "session": found[0], "events": events, "messages": messages, "commits": commits,
        "truncated": len(events) >= MAX_EVENTS,
    }, request=request))


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/session/(?P<session_id>[0-9]{1,18})$", session_page)]
