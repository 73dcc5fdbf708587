"""Sessions: the spec's start/end plus ``GET /api/sessions`` and ``/api/sessions/{id}``."""

from typing import Any

import falcon
from msgspec import Struct

from ..analytics import filters
from . import openapi, queries, writes
from .schemas import SessionEnd, SessionResponse, SessionStart, Time
from .validate import (MAX_ID, iso, json_body, now, param_choice, param_int, param_limit, param_time)


class SessionSummary(Struct):
    session_id: int
    session_uuid: str
    project_id: int | None
    project_name: str | None
    title: str | None
    model: str | None
    status: str
    end_reason: str | None
    started_at: Time | None
    ended_at: Time | None
    wall_seconds: float | None
    active_seconds: float
    turns: int
    prompts: int
    tool_calls: int
    tool_failures: int
    files_modified: int
    lines_added: int
    lines_removed: int
    commits: int
    total_tokens: int
    cost_usd: float | None
    cwd: str | None
    source: str | None
    agent: str


class SessionDetail(Struct):
    id: int
    session_uuid: str
    agent: str
    project_id: int | None
    project_name: str | None
    status: str
    started_at: Time | None
    ended_at: Time | None
    summary: dict[str, Any]
    turns: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    git_operations: list[dict[str, Any]]
    commits: list[dict[str, Any]]
    messages: dict[str, Any]


class Start:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_post(self, req, resp):
        body = json_body(req, SessionStart)
        at = iso(body.timestamp, "timestamp") or now()
        resp.media = writes.start_session(self.ctx, body, at)
        # An excluded project is not recorded: nothing was created.
        resp.status = falcon.HTTP_200 if resp.media["status"] == "excluded" else falcon.HTTP_201


class End:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_post(self, req, resp):
        body = json_body(req, SessionEnd)
        at = iso(body.timestamp, "timestamp") or now()
        resp.media = writes.end_session(self.ctx, body, at)


class Sessions:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        limit, offset = param_limit(req)
        resp.media = queries.sessions(
            self.ctx.db(),
            project_id=param_int(req, "project_id", minimum=1),
            since=param_time(req, "since"),
            until=param_time(req, "until"),
            status=param_choice(req, "status", queries.STATUSES),
            limit=limit, offset=offset,
            agent=filters.parse_agent(req.get_param("agent")),
        )


class Session:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp, session_id):
        # Digits are our id, anything else Claude's UUID; neither found is a 404.
        key = int(session_id) if session_id.isascii() and session_id.isdigit() and len(session_id) < 19 else session_id
        resp.media = queries.session_detail(self.ctx.db(), key)


def register(app, ctx):
    app.add_route("/api/session/start", Start(ctx))
    app.add_route("/api/session/end", End(ctx))
    app.add_route("/api/sessions", Sessions(ctx))
    app.add_route("/api/sessions/{session_id}", Session(ctx))


OPENAPI_SCHEMAS = openapi.components(SessionStart, SessionEnd, SessionResponse, SessionSummary,
                                     SessionDetail)

_time = {"type": "string", "format": "date-time",
         "description": "An ISO 8601 date-time (naive means UTC); a date (2026-03-02) means that local day"}

OPENAPI_PATHS = {
    "/api/session/start": {"post": openapi.operation(
        "startSession", "Start a new development session", "Sessions", 201, "SessionResponse",
        request="SessionStart",
        description=(
            "Called by the SessionStart hook. Returns cctracker's integer session id; Claude's "
            "session UUID is kept (send `session_uuid`, or one is generated). Starting a known "
            "UUID again reopens that session. A directory excluded by the privacy settings is "
            "not recorded: 200 with status `excluded` and null ids."),
    ) | {"responses": {
        "201": {"description": "Session created",
                "content": openapi.json_content(openapi.ref("SessionResponse"))},
        "200": {"description": "Project excluded by the privacy settings: nothing recorded",
                "content": openapi.json_content(openapi.ref("SessionResponse"))},
    }}},
    "/api/session/end": {"post": openapi.operation(
        "endSession", "End a development session", "Sessions", 200, "SessionResponse",
        request="SessionEnd",
        description="Ending an ended session changes nothing and answers its state.")},
    "/api/sessions": {"get": openapi.operation(
        "listSessions", "List sessions, newest first", "Sessions", 200,
        {"type": "array", "items": openapi.ref("SessionSummary")},
        parameters=[
            openapi.query("project_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
            openapi.query("since", _time, "Sessions started at or after this"),
            openapi.query("until", _time, "Sessions started before this"),
            openapi.query("status", {"type": "string", "enum": list(queries.STATUSES)}),
            openapi.query("agent", {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
                                    "maxLength": 40}, "Only this coding agent's sessions (claude-code, codex, gemini)"),
            *openapi.page_parameters(50, 1000),
        ])},
    "/api/sessions/{session_id}": {"get": openapi.operation(
        "getSession", "One session with its turns, tool calls, waits, git operations and commits",
        "Sessions", 200, "SessionDetail",
        parameters=[openapi.query(
            "session_id", {"type": "string", "pattern": "^#?[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"},
            "cctracker's integer id (the session_id this API returns), or the session reference every"
            " command takes: Claude's session UUID, a unique prefix of it, or #id (%23id in a URL)",
            required=True, where="path")])},
}
