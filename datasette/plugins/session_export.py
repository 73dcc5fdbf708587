"""A session as Markdown or one HTML file (``/-/cctracker/session/<id>.md`` / ``.html``):
the same documents as ``cctracker export --format md|html --session``, linked from the
session page."""

import asyncio
import io

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

DB_NAME = "cctracker"


def _render(path, session_id, fmt):
    from collector.storage import db
    from collector.export import readable

    conn = db.connect(path, readonly=True)
    try:
        if conn.execute("select 1 from sessions where id = ?", (session_id,)).fetchone() is None:
            return None, None
        uuid = conn.execute("select session_uuid from sessions where id = ?", (session_id,)).fetchone()[0]
        out = io.StringIO()
        readable.write(conn, out, fmt, [session_id])
        return out.getvalue(), uuid
    finally:
        conn.close()


async def session_export(datasette, request):
    session_id = int(request.url_vars["session_id"])
    fmt = request.url_vars["fmt"]
    path = datasette.get_database(DB_NAME).path
    # The export reads the database and the archive with their own connection, off the event loop.
    body, uuid = await asyncio.get_running_loop().run_in_executor(None, _render, path, session_id, fmt)
    if body is None:
        raise NotFound("No session %d" % session_id)
    if fmt == "html":
        return Response.html(body)
    return Response(body, content_type="text/markdown; charset=utf-8", headers={
        "content-disposition": 'inline; filename="session-%s.md"' % uuid})


@hookimpl
def register_routes():
    return [(r"^/-/cctracker/session/(?P<session_id>[0-9]{1,18})\.(?P<fmt>md|html)$", session_export)]
