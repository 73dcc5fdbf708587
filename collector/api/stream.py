"""``GET /api/stream``: every hook event as the drain stores it, as server-sent events.

Each message is one stored raw event: ``id`` is its row id, ``data`` a JSON
object (``id, at, session, session_id, project, kind, tool, summary``) made
from the payload as stored, so already redacted by the privacy rules. A
client that reconnects sends ``Last-Event-ID`` (EventSource does it by
itself) and gets what it missed, in order.

Waitress serves each request from a small pool of worker threads and a
stream holds its thread for as long as it lasts. So a stream is bounded:
at most ``MAX_STREAMS`` at once (the server adds that many threads to its
pool, so ordinary requests never wait behind streams; one more stream gets
503 with ``Retry-After``), a comment line every ``KEEPALIVE_SECONDS`` (a
vanished client is noticed at the next write), and an end after
``stream_max_seconds`` (setting; the client reconnects and resumes).
"""

import threading
import time

import falcon
import orjson

from ..errors import InvalidInput
from ..serve import live
from . import openapi
from .validate import HTTPError, MAX_ID, param_int

#: Concurrent streams; ``server.THREADS`` counts them on top of the ordinary workers.
MAX_STREAMS = 4

#: Well under waitress's idle-connection timeout (server.LIMITS channel_timeout).
KEEPALIVE_SECONDS = 5.0

#: Events read per query while catching up.
BATCH = 200

#: Characters of text kept in ``summary``.
SUMMARY_CHARS = 200

#: Tells EventSource how soon to reconnect after a stream ends (milliseconds).
RETRY_MS = 1000

EVENT_SQL = (
    "select r.id, r.received_at, r.session_uuid, r.hook_event_name, r.payload, s.id, p.name"
    " from raw_events r left join sessions s on s.session_uuid = r.session_uuid"
    " left join projects p on p.id = s.project_id where r.id > ?{where} order by r.id limit %d" % BATCH
)

#: Payload fields that say what a tool call is about, in order of preference.
TOOL_DETAIL = ("command", "file_path", "notebook_path", "pattern", "url", "query", "description", "prompt")


def _text(value):
    return " ".join(value.split())[:SUMMARY_CHARS] if isinstance(value, str) else ""


def summary(kind, p):
    """One line about an event, from its (redacted) payload."""
    tool = p.get("tool_name") if isinstance(p.get("tool_name"), str) else None
    if tool:
        args = p.get("tool_input") if isinstance(p.get("tool_input"), dict) else {}
        detail = next((_text(args[k]) for k in TOOL_DETAIL if isinstance(args.get(k), str)), "")
        return _text("%s %s" % (tool, detail))
    if kind == "UserPromptSubmit":
        return _text(p.get("prompt"))
    if kind in ("Stop", "SubagentStop"):
        return _text(p.get("last_assistant_message"))
    if kind == "Notification":
        return _text(p.get("message"))
    if kind == "StopFailure":
        return _text(p.get("error"))
    if kind == "SessionStart":
        return _text(p.get("source"))
    if kind == "SessionEnd":
        return _text(p.get("reason"))
    if kind == "Status":
        return _status(p)
    return ""


def _status(p):
    parts = []
    five = (p.get("rate_limits") or {}).get("five_hour") if isinstance(p.get("rate_limits"), dict) else None
    if isinstance(five, dict) and isinstance(five.get("used_percentage"), (int, float)):
        parts.append("5h %d%%" % int(five["used_percentage"] + 0.5))
    window = p.get("context_window") if isinstance(p.get("context_window"), dict) else {}
    if isinstance(window.get("used_percentage"), (int, float)):
        parts.append("ctx %d%%" % int(window["used_percentage"] + 0.5))
    cost = (p.get("cost") or {}).get("total_cost_usd") if isinstance(p.get("cost"), dict) else None
    if isinstance(cost, (int, float)):
        parts.append("$%.2f" % cost)
    return " · ".join(parts)


def message(row):
    """The SSE message (bytes) for one ``EVENT_SQL`` row."""
    event_id, at, uuid, kind, payload, session_id, project = row
    try:
        p = orjson.loads(payload)
    except orjson.JSONDecodeError:
        p = {}
    p = p if isinstance(p, dict) else {}
    tool = p.get("tool_name") if isinstance(p.get("tool_name"), str) else None
    data = {"id": event_id, "at": at, "session": uuid, "session_id": session_id, "project": project,
            "kind": kind, "tool": tool, "summary": summary(kind, p)}
    return b"id: %d\ndata: %s\n\n" % (event_id, orjson.dumps(data))


class _Stream:
    """The response body: an iterator that gives its slot back however it ends.

    A plain generator would not: one closed before its first step never runs
    its ``finally``.
    """

    def __init__(self, conn, slots, after, session, seconds, disconnected):
        self.conn, self.slots, self.after, self.session = conn, slots, after, session
        self.deadline = time.monotonic() + seconds
        self.disconnected = disconnected
        self.pending = [b"retry: %d\n\n" % RETRY_MS]
        self.sent = time.monotonic()
        self.generation = live.stored.generation
        self.closed = False

    def __iter__(self):
        return self

    def __next__(self):
        while not self.pending:
            if self.closed or time.monotonic() >= self.deadline or self.disconnected():
                self.close()
                raise StopIteration
            rows = self._read()
            if rows:
                self.pending.extend(message(r) for r in rows)
                break
            if time.monotonic() - self.sent >= KEEPALIVE_SECONDS:
                self.pending.append(b": keepalive\n\n")
                break
            wait = min(live.POLL_SECONDS, max(self.deadline - time.monotonic(), 0))
            self.generation = live.stored.wait(self.generation, wait)
        self.sent = time.monotonic()
        return self.pending.pop(0)

    def _read(self):
        # Up to the newest id first: an event stored while this runs waits for the next read
        # instead of being skipped past (the session filter below can read nothing).
        top = self.conn.execute("select coalesce(max(id), 0) from raw_events").fetchone()[0]
        if top <= self.after:
            return []
        where, params = " and r.id <= ?", [self.after, top]
        if self.session:
            where += " and r.session_uuid = ?"
            params.append(self.session)
        rows = self.conn.execute(EVENT_SQL.format(where=where), params).fetchall()
        self.after = rows[-1][0] if len(rows) == BATCH else top
        return rows

    def close(self):
        if not self.closed:
            self.closed = True
            self.slots.release()


class StreamResource:
    def __init__(self, ctx):
        self.ctx = ctx
        self.slots = threading.BoundedSemaphore(MAX_STREAMS)

    def on_get(self, req, resp):
        last = req.get_header("Last-Event-ID")
        after = param_int(req, "since")
        if last is not None:
            if not last.isdigit() or int(last) > MAX_ID:
                raise InvalidInput("Last-Event-ID", "must be an event id (a non-negative integer)")
            after = int(last)  # a reconnect: resume where this client was
        session = req.get_param("session")
        limit = self.ctx.config.stream_max_seconds
        seconds = min(param_int(req, "max_seconds", None, 1, 86400) or limit, limit)
        conn = self.ctx.db()
        if after is None:
            after = conn.execute("select coalesce(max(id), 0) from raw_events").fetchone()[0]
        if not self.slots.acquire(blocking=False):
            raise HTTPError(falcon.HTTP_503, "too_many_streams",
                            "%d streams are open already; retry shortly" % MAX_STREAMS,
                            headers={"Retry-After": "5"})
        gone = req.env.get("waitress.client_disconnected") or (lambda: False)
        stopping = self.ctx.stopping
        disconnected = lambda: stopping.is_set() or gone()  # noqa: E731
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-cache")
        resp.set_header("X-Accel-Buffering", "no")
        resp.stream = _Stream(conn, self.slots, after, session, seconds, disconnected)


def register(app, ctx):
    app.add_route("/api/stream", StreamResource(ctx))


OPENAPI_PATHS = {
    "/api/stream": {"get": {
        **openapi.operation(
            "stream", "Live events (server-sent events)", "Events", 200, None,
            parameters=[
                openapi.query("Last-Event-ID", {"type": "string", "pattern": "^[0-9]{1,18}$"},
                              "Resume after this event id (EventSource sends it on reconnect)", where="header"),
                openapi.query("since", {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                              "Start after this event id (default: only new events)"),
                openapi.query("session", {"type": "string"}, "Only this Claude Code session (UUID)"),
                openapi.query("max_seconds", {"type": "integer", "minimum": 1, "maximum": 86400},
                              "End the stream after this many seconds (at most the setting"
                              " `stream_max_seconds`, 300 s by default)"),
            ],
            description=(
                "`text/event-stream`: one message per stored hook event, `id` = the event id, `data` = "
                "`{id, at, session, session_id, project, kind, tool, summary}` (redacted like everything "
                "stored). A comment line every 5 s keeps the connection open; the stream ends after "
                "`stream_max_seconds` and the client resumes with `Last-Event-ID`. At most 4 streams at "
                "once: one more gets 503 with `Retry-After`.")),
    }},
}

_op = OPENAPI_PATHS["/api/stream"]["get"]
_op["responses"]["200"]["content"] = {"text/event-stream": {"schema": {"type": "string"}}}
_op["responses"]["503"] = {"description": "Too many open streams",
                           "content": openapi.json_content(openapi.ref("Error"))}
