"""The session page: one session's prompts, work, waits, tool calls and commits on one
time axis, with the conversation beside it (``/-/cctracker/session/<ref>``).

``<ref>`` is what every command takes (collector.sessions.ref): the session UUID, a unique
prefix of it, or ``#id`` (``%23id`` in a URL). A bare number is the id the dashboard's own
links carry. Times show in local time.
"""

from urllib.parse import unquote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from collector.errors import CCTrackerError
from collector.serve.display import duration, TITLE_SQL
from collector.sessions import ref as sessionref
from collector.times import local, utc

DB_NAME = "cctracker"
#: A marathon session can have tens of thousands of tool calls; the chart shows the first ones.
MAX_EVENTS = 4000


async def _rows(db, sql, params):
    return [dict(r) for r in (await db.execute(sql, params)).rows]


def _clock(stored):
    """A stored time as local HH:MM:SS (the day is in the page header)."""
    value = utc.parse(stored)
    return value.astimezone().strftime("%H:%M:%S") if value else ""


async def resolve(db, ref):
    """Our id for a page reference, or NotFound."""
    ref = unquote(ref)
    if ref.isascii() and ref.isdigit() and len(ref) < 19:
        found = await _rows(db, "select id from sessions where id = ?", [int(ref)])
        if found:
            return found[0]["id"]
    try:
        return (await db.execute_fn(lambda conn: sessionref.lookup(conn, ref)))[0]
    except CCTrackerError as e:
        raise NotFound(str(e))


async def session_page(datasette, request):
    db = datasette.get_database(DB_NAME)
    session_id = await resolve(db, request.url_vars["ref"])
    found = await _rows(db, "select *, %s as display_title from session_list where session_id = ?" % TITLE_SQL,
                        [session_id])
    session = found[0]
    events = await _rows(db, "select lane, label, detail, start_at, end_at, turn_id from session_events"
                             " where session_id = ? order by start_at limit %d" % MAX_EVENTS, [session_id])
    messages = await _rows(db, "select message_id, turn_id, agent_id, role, kind, created_at, model, content"
                               " from conversation where session_id = ? order by created_at, message_id",
                           [session_id])
    commits = await _rows(db, "select committed_at, sha, subject, files_changed, lines_added, lines_removed"
                              " from commit_activity where session_id = ? order by committed_at", [session_id])
    for m in messages:
        m["clock"] = _clock(m["created_at"])
    for c in commits:
        c["local"] = local.minute(c["committed_at"])
    uuids = [r[0] for r in (await db.execute("select session_uuid from sessions")).rows]
    session.update(
        ref=sessionref.shorts(uuids).get(session["session_uuid"], session["session_uuid"]),
        started_local=local.minute(session["started_at"]),
        ended_local=local.minute(session["ended_at"]) if session["ended_at"] else "",
        durations={k: duration(session[k]) for k in ("claude_working_seconds", "permission_wait_seconds",
                                                     "thinking_seconds", "away_seconds", "wall_seconds")},
        untitled=not (session["title"] or "").strip())
    return Response.html(await datasette.render_template("cctracker_session.html", {
        "session": session, "events": events, "messages": messages, "commits": commits,
        "truncated": len(events) >= MAX_EVENTS,
    }, request=request))


@hookimpl
def register_routes():
    # <id>.md and <id>.html are the session's exports (session_export.py), not references.
    return [(r"^/-/cctracker/session/(?!.*\.(?:md|html)$)(?P<ref>[^/]{1,128})$", session_page)]
