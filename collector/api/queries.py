"""Reads behind the GET endpoints: projects, timelines, sessions.

Plain functions of an apsw connection that return dicts ready for JSON.
Session figures come from the ``session_summary`` view and project figures
from ``project_summary``, so the API, the CLI and Datasette agree.
"""

from ..errors import NotFound
from ..storage import db, rollups
from ..times import local

#: Message text in a timeline item is cut here; the session endpoint and
#: search give the whole text.
TIMELINE_TEXT_CHARS = 1000

#: Largest timeline page.
MAX_TIMELINE = 10000
DEFAULT_TIMELINE = 1000


# --- projects ------------------------------------------------------------------------


def project_summaries(conn, limit=50, offset=0, project_id=None):
    """Projects as the founding spec's ProjectSummary, from the ``project_summary`` view.

    The view is the one definition of every figure (the dashboard reads it
    too); it reads the rollups, brought up to date first.
    """
    rollups.ensure_current(conn)
    where, params = "", ()
    if project_id is not None:
        where, params = "where id = ?", (project_id,)
    rows = db.rows(conn, "select id, name, path, git_repo, languages, total_sessions, total_time_minutes,"
                         " last_activity, files_modified, lines_changed from project_summary %s"
                         " order by last_activity desc, id limit ? offset ?" % where, params + (limit, offset))
    for r in rows:
        r["languages"] = r["languages"].split(", ") if r["languages"] else []
    return rows


def project(conn, project_id):
    found = project_summaries(conn, 1, 0, project_id)
    if not found:
        raise NotFound("project", project_id)
    return found[0]


# --- timeline ------------------------------------------------------------------------

#: Order of items at the same instant: a session starts before anything in it.
TYPE_ORDER = {"session_start": 0, "conversation": 1, "activity": 2, "git_operation": 3, "session_end": 4}

_TIMELINE = {
    "session_start": (
        "select s.started_at as ts, s.id as ref, s.id as session_id, s.session_uuid, s.source, s.cwd"
        " from sessions s where s.project_id = :project and s.started_at is not null"),
    "session_end": (
        "select s.ended_at as ts, s.id as ref, s.id as session_id, s.end_reason"
        " from sessions s where s.project_id = :project and s.ended_at is not null"),
    "conversation": (
        "select m.created_at as ts, m.id as ref, m.id as message_id, m.session_id, m.turn_id, m.role,"
        " m.kind, m.agent_id, substr(m.content, 1, %d) as content, length(m.content) > %d as truncated"
        " from messages m join sessions s on s.id = m.session_id"
        " where s.project_id = :project and m.kind in ('prompt', 'reply') and m.created_at is not null"
        % (TIMELINE_TEXT_CHARS, TIMELINE_TEXT_CHARS)),
    "activity": (
        "select coalesce(t.started_at, t.ended_at) as ts, t.id as ref, t.id as tool_call_id, t.session_id,"
        " t.turn_id, t.tool_name, t.status, t.summary, t.duration_ms, t.agent_id"
        " from tool_calls t join sessions s on s.id = t.session_id"
        " where s.project_id = :project and coalesce(t.started_at, t.ended_at) is not null"),
    "git_operation": (
        "select g.at as ts, g.id as ref, g.id as git_operation_id, g.session_id, g.operation, g.command,"
        " g.commit_sha from git_operations g join sessions s on s.id = g.session_id"
        " where s.project_id = :project and g.at is not null"),
}


def timeline(conn, project_id, start_date=None, end_date=None, limit=DEFAULT_TIMELINE):
    """Everything that happened in a project, oldest first, within the dates (inclusive)."""
    summary = project(conn, project_id)
    params = {"project": project_id, "start": None, "end": None, "limit": limit}
    if start_date:
        params["start"] = local.day_start(start_date)
    if end_date:
        params["end"] = local.day_end(end_date)
    items = []
    for kind, sql in _TIMELINE.items():
        query = ("select * from (%s) where (:start is null or ts >= :start)"
                 " and (:end is null or ts < :end) order by ts, ref limit :limit" % sql)
        for row in db.rows(conn, query, params):
            ts = row.pop("ts")
            ref = row.pop("ref")
            if "truncated" in row:
                row["truncated"] = bool(row["truncated"])
            items.append((ts, TYPE_ORDER[kind], ref, {"timestamp": ts, "type": kind, "data": row}))
    items.sort(key=lambda item: item[:3])
    return {"project": summary, "timeline": [item[3] for item in items[:limit]]}


# --- sessions ------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    "session_id", "session_uuid", "project_id", "project_name", "title", "model", "status",
    "end_reason", "started_at", "ended_at", "wall_seconds", "active_seconds", "turns", "prompts",
    "tool_calls", "tool_failures", "files_modified", "lines_added", "lines_removed", "commits",
    "total_tokens", "cost_usd",
)
STATUSES = ("active", "ended")
DETAIL_SUMMARY = (
    "wall_seconds", "active_seconds", "claude_working_seconds", "permission_wait_seconds",
    "thinking_seconds", "away_seconds", "turns", "interrupted_turns", "prompts", "tool_calls",
    "tool_failures", "files_touched", "files_modified", "lines_added", "lines_removed", "commits",
    "input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens", "total_tokens",
    "cost_usd",
)


def _summary_select():
    return ", ".join("ss.%s" % c for c in SUMMARY_COLUMNS)


def sessions(conn, project_id=None, since=None, until=None, status=None, limit=50, offset=0, agent=None):
    """Sessions, newest first, from the ``session_summary`` view."""
    return db.rows(
        conn,
        "select %s, s.cwd, s.source, s.agent from session_summary ss join sessions s on s.id = ss.session_id"
        " where (:project is null or ss.project_id = :project)"
        " and (:agent is null or s.agent = :agent)"
        " and (:since is null or ss.started_at >= :since)"
        " and (:until is null or ss.started_at < :until)"
        " and (:status is null or ss.status = :status)"
        " order by ss.started_at desc, ss.session_id desc limit :limit offset :offset" % _summary_select(),
        {"project": project_id, "since": since, "until": until, "status": status,
         "limit": limit, "offset": offset, "agent": agent},
    )


def session_detail(conn, key):
    """One session with its turns, tool calls, waits, git operations, commits and messages count.

    ``key`` is our integer id (the ``session_id`` the API returns), or a session reference
    (collector.sessions.ref): Claude's session UUID, a unique prefix of it, or ``#id``.
    """
    row = db.one(conn, "select id from sessions where id = ?", (key,)) if isinstance(key, int) else None
    if row is None:
        # Anything else is the one session reference: UUID, unique prefix or #id (%23id).
        from ..sessions import ref as sessionref
        from ..errors import InvalidInput

        try:
            sid = sessionref.lookup(conn, str(key))[0]
        except InvalidInput:
            raise NotFound("session", key) from None
    else:
        sid = row["id"]
    detail = db.one(
        conn,
        "select s.id, s.session_uuid, s.project_id, p.name as project_name, s.cwd, s.source, s.model,"
        " s.title, s.status, s.end_reason, s.started_at, s.ended_at, s.last_event_at, s.transcript_path,"
        " s.permission_mode, s.git_branch, s.claude_version, s.agent"
        " from sessions s left join projects p on p.id = s.project_id where s.id = ?", (sid,))
    detail["summary"] = db.one(
        conn, "select %s from session_summary where session_id = ?" % ", ".join(DETAIL_SUMMARY), (sid,))
    detail["turns"] = db.rows(
        conn,
        "select id, seq, prompt_id, started_at, ended_at, end_kind, stop_error, working_seconds,"
        " permission_seconds from turns where session_id = ? order by seq", (sid,))
    detail["tool_calls"] = db.rows(
        conn,
        "select id, turn_id, agent_id, tool_use_id, tool_name, mcp_server, mcp_tool, started_at,"
        " ended_at, duration_ms, status, error, summary from tool_calls where session_id = ?"
        " order by coalesce(started_at, ended_at), id", (sid,))
    detail["waits"] = db.rows(
        conn,
        "select id, turn_id, kind, started_at, ended_at, duration_seconds, thinking_seconds,"
        " away_seconds, tool_use_id from waits where session_id = ? order by started_at, id", (sid,))
    detail["git_operations"] = db.rows(
        conn,
        "select id, turn_id, tool_call_id, operation, command, commit_sha, at from git_operations"
        " where session_id = ? order by at, id", (sid,))
    detail["commits"] = db.rows(
        conn,
        "select id, sha, author_name, committed_at, subject, files_changed, lines_added, lines_removed,"
        " by_claude from commits where session_id = ? order by committed_at, id", (sid,))
    counts = db.one(
        conn,
        "select count(*) as total, total(kind = 'prompt') as prompts, total(kind = 'reply') as replies,"
        " total(kind = 'thinking') as thinking, min(created_at) as first_at, max(created_at) as last_at"
        " from messages where session_id = ?", (sid,))
    for key_ in ("prompts", "replies", "thinking"):
        counts[key_] = int(counts[key_])
    detail["messages"] = counts
    return detail
