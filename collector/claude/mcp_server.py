"""``cctracker mcp``: the history as tools Claude Code can call (stdio MCP server).

Built on the official ``mcp`` SDK. Every tool reads: nothing here changes
what the tracker recorded (a search first catches the search index up, as
``cctracker search`` does). Everything returned was redacted when stored.

Claude Code starts the server afresh for each session, so start-up stays
light: the database opens on the first call, and the search model and the
vector matrix load only when a search needs them.
"""

import datetime
import threading
from typing import Any, Optional

from typing_extensions import TypedDict

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

#: Replies and tool text in get_session are cut here: a tool answer is for a
#: model's context window, and the whole text is one export away.
TEXT_CHARS = 2000
#: get_session returns at most this many turns unless asked for more.
DEFAULT_TURNS = 50

READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True,
                            openWorldHint=False)

INSTRUCTIONS = (
    "Your user's past Claude Code sessions, as recorded by cctracker: search them "
    "(search_history), read one (get_session), and see usage (usage_report, blocks) and "
    "recurring tool failures (recent_errors). Secrets were redacted when stored.")


class Hit(TypedDict):
    session_uuid: Optional[str]
    title: Optional[str]
    project: Optional[str]
    timestamp: Optional[str]
    kind: str
    snippet: str
    score: float


class SearchResult(TypedDict):
    query: str
    results: list[Hit]


class SessionResult(TypedDict):
    session: dict[str, Any]
    turns: list[dict[str, Any]]
    commits: list[dict[str, Any]]
    turns_total: int


class ErrorGroup(TypedDict):
    tool: str
    error: str
    count: int
    sessions: int
    first_at: str
    last_at: str
    last_session_uuid: Optional[str]


class ErrorsResult(TypedDict):
    since: str
    groups: list[ErrorGroup]


class _Db:
    """One connection, opened on first use (not at start-up); ``with db as conn`` serialises
    the calls and turns bad input (the tracker's own errors) into a tool error the model reads."""

    def __init__(self, path=None):
        self.path = path
        self.conn = None
        self.lock = threading.Lock()

    def __enter__(self):
        self.lock.acquire()
        try:
            return self()
        except BaseException:
            self.lock.release()
            raise

    def __exit__(self, kind, error, tb):
        self.lock.release()
        from ..errors import CCTrackerError

        if isinstance(error, CCTrackerError):
            raise ToolError(str(error)) from None
        return False

    def __call__(self):
        if self.conn is None:
            from .. import config as config_mod
            from ..storage import db

            self.conn = db.connect(self.path or config_mod.load().db_path)
        return self.conn


def _cut(text, limit=TEXT_CHARS):
    if not isinstance(text, str) or len(text) <= limit:
        return text
    return text[:limit] + " [... %d more characters]" % (len(text) - limit)


def _summarise(item):
    """A timeline item for a model's context: text cut, tool input and result shortened."""
    out = {k: v for k, v in item.items() if v is not None and k not in ("input", "agent")}
    for key in ("text", "result", "error"):
        if key in out:
            out[key] = _cut(out[key], TEXT_CHARS if key == "text" else TEXT_CHARS // 4)
    if item.get("agent"):
        agent = item["agent"]
        out["agent"] = {"agent_type": agent["agent_type"], "agent_id": agent["agent_id"],
                        "items": [_summarise(i) for i in agent["items"]]}
    return out


def session_for_tool(conn, session, max_turns=DEFAULT_TURNS):
    from . import handoff
    from ..export import timeline

    found = handoff.session_by_ref(conn, session)
    total = conn.execute("select count(*) from turns where session_id = ?", (found["id"],)).fetchone()[0]
    data = timeline.build(conn, found["id"], max_turns=max_turns)
    turns = [dict(t, items=[_summarise(i) for i in t["items"]]) for t in data["turns"]]
    return {"session": data["session"], "turns": turns, "commits": data["commits"], "turns_total": total}


def search_for_tool(conn, query, project=None, since=None, until=None, kind=None, limit=10):
    """The same ranking as ``cctracker search`` (it catches the index up the same way)."""
    from .. import search
    from ..search import results

    try:
        search.index_pending(conn, limit=search.CATCH_UP)
    except Exception:  # noqa: BLE001 - a read-only or busy database still searches what is indexed
        pass
    found = search.search(conn, query, project=project, since=since, until=until, kind=kind,
                          limit=limit, context=False)
    titles = {}
    hits = []
    for item in found:
        uuid = item["session_uuid"]
        if uuid and uuid not in titles:
            row = conn.execute("select title from sessions where session_uuid = ?", (uuid,)).fetchone()
            titles[uuid] = row[0] if row else None
        hits.append({"session_uuid": uuid, "title": titles.get(uuid), "project": item["project_name"],
                     "timestamp": item["timestamp"], "kind": item["kind"],
                     "snippet": results.plain(item["snippet"]), "score": item["relevance_score"]})
    return {"query": query, "results": hits}


def errors_for_tool(conn, days=7, limit=20):
    """Tool failures that recur: grouped by tool and the error's first line, most frequent first."""
    from ..times import utc

    since = utc.format(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days))
    rows = conn.execute(
        "select t.tool_name, substr(t.error, 1, instr(t.error || char(10), char(10)) - 1) as line,"
        " count(*), count(distinct t.session_id), min(t.started_at), max(t.started_at),"
        " (select s.session_uuid from tool_calls t2 join sessions s on s.id = t2.session_id"
        "   where t2.tool_name = t.tool_name and t2.status = 'error' order by t2.started_at desc limit 1)"
        " from tool_calls t where t.status = 'error' and t.error is not null and t.started_at >= ?"
        " group by t.tool_name, line order by count(*) desc, max(t.started_at) desc limit ?",
        (since, limit)).fetchall()
    return {"since": since, "groups": [
        {"tool": r[0], "error": _cut(r[1], 300), "count": r[2], "sessions": r[3], "first_at": r[4],
         "last_at": r[5], "last_session_uuid": r[6]} for r in rows]}


def usage_for_tool(conn, period, since=None, until=None, project=None, start_of_week="sunday"):
    """``cctracker report <period> --json``: the same function with the same filters."""
    from ..analytics import filters as filters_mod, usage
    from ..errors import InvalidInput

    if period not in usage.PERIODS:
        raise InvalidInput("period", "must be one of %s" % ", ".join(usage.PERIODS))
    if start_of_week not in usage.WEEKDAYS:
        raise InvalidInput("start_of_week", "must be one of %s" % ", ".join(usage.WEEKDAYS))
    filters = filters_mod.Filters(filters_mod.resolve_project(conn, project), filters_mod.parse_day("since", since),
                                  filters_mod.parse_day("until", until))
    return usage.report(conn, filters, period, start_of_week=start_of_week)


def blocks_for_tool(conn, active=False, recent=False, limit=10):
    """``cctracker blocks --json``: the same function (:func:`collector.usage.blocks.report`), newest
    ``limit`` blocks, each with what Claude Code itself reported beside it (``observed``)."""
    from ..usage import blocks as blocks_mod

    return blocks_mod.report(conn, active=active, recent=recent, limit=limit or None)


def build_server(db_path=None):
    server = MCPServer("cctracker", instructions=INSTRUCTIONS)
    conn = _Db(db_path)

    @server.tool(annotations=READ_ONLY)
    def search_history(query: str, project: Optional[str] = None, since: Optional[str] = None,
                       until: Optional[str] = None, kind: Optional[str] = None,
                       limit: int = 10) -> SearchResult:
        """Search past Claude Code sessions by words and meaning (prompts, replies, thinking,
        tool calls, commits). since/until: 2026-03-02, an ISO time or an age like 7d.
        kind: comma list of prompt, reply, thinking, tool, commit. Each hit names its session UUID."""
        with conn as c:
            return search_for_tool(c, query, project, since, until, kind, limit)

    @server.tool(annotations=READ_ONLY)
    def get_session(session: str, max_turns: int = DEFAULT_TURNS) -> SessionResult:
        """A session's turns in order: prompts, replies, thinking, tool calls (summarised, subagents
        nested) and its commits. session: a UUID, a unique prefix of one, or the tracker's id.
        max_turns: the last N turns (turns_total says how many there are)."""
        with conn as c:
            return session_for_tool(c, session, max_turns)

    @server.tool(annotations=READ_ONLY)
    def usage_report(period: str = "daily", since: Optional[str] = None, until: Optional[str] = None,
                     project: Optional[str] = None, start_of_week: str = "sunday") -> dict[str, Any]:
        """Tokens and cost per period, the same figures and JSON as `cctracker report <period> --json`
        (ccusage's field names). period: daily, weekly, monthly, session, model or project.
        since/until: local days, 20260302 or 2026-03-02. Default: all history."""
        with conn as c:
            return usage_for_tool(c, period, since, until, project, start_of_week)

    @server.tool(annotations=READ_ONLY)
    def blocks(active: bool = False, recent: bool = False, limit: int = 10) -> dict[str, Any]:
        """5-hour usage blocks by ccusage's rules (tokens, cost, burn rate, projection), the same
        JSON as `cctracker blocks --json`, with the limits Claude Code reported (observed) beside
        them. active: only the running block; recent: the last 3 days; limit: the newest N."""
        with conn as c:
            return blocks_for_tool(c, active, recent, limit)

    @server.tool(annotations=READ_ONLY)
    def recent_errors(days: int = 7, limit: int = 20) -> ErrorsResult:
        """Tool failures that keep happening: grouped by tool and first error line, most frequent first."""
        with conn as c:
            return errors_for_tool(c, days, limit)

    return server


def run(db_path=None):
    build_server(db_path).run("stdio")


def main():
    """``python -m collector.claude.mcp_server``: what ``install --mcp`` registers. It skips the
    CLI's imports (every command module) so Claude Code's start of the server stays short."""
    import sys

    from .. import config as config_mod

    try:
        path = config_mod.load().db_path
    except config_mod.ConfigError as e:
        print("Error: %s" % e, file=sys.stderr)
        sys.exit(1)
    run(path)


if __name__ == "__main__":
    main()
