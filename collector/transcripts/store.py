"""Write what a transcript says into the database, incrementally and idempotently.

``ingest_file`` is the one entry point: the drain calls it at Stop,
SubagentStop and SessionEnd, and ``cctracker import`` calls it for every file.
It reads from the offset kept in ``transcript_files`` (always a line end), so a
file that is still being written is read up to its last complete line and the
rest is picked up next time. It runs inside the caller's transaction.

Hooks and transcripts describe the same sessions: a session the hooks opened
keeps its hook values and turns (transcript rows attach to them by time); a
session only known from its transcript (``source='import'``) gets its turns
from the real prompts. Tool calls are keyed by ``(session, tool_use_id)`` and
token usage by ``(message.id, requestId)``, so nothing is counted twice.
This module owns offsets, sessions and the order of the writes; turns and
tool calls are written by the one session model
(:class:`collector.sessions.model.Model`, its transcript operations in
:mod:`collector.sessions.records`); the row writers for subagents, messages
and usage are in :mod:`collector.transcripts.rows`.
"""

import bisect
import time

import orjson
from datetime import datetime, timedelta

from cctracker_client.spool import format_time

from ..config import Config
from ..privacy.policy import Privacy
from ..sessions import store
from ..sessions.model import Model
from . import archive, reader, timing
from .prepare import prepare, read_file
# ``Pending`` is also used as ``transcripts.store.Pending`` by the importer.
from .rows import Pending, write_agents, write_messages, write_tool_calls, write_usage

#: A transcript prompt line and the hook's UserPromptSubmit for it are a few
#: milliseconds apart, in either order; this much slack finds the hook's turn.
PROMPT_SLACK_SECONDS = 5

#: Used when no config is passed: the collector's own default idle timeout.
DEFAULT_IDLE_MINUTES = 30.0

def ingest_file(conn, path, *, session_uuid=None, agent_id=None, config=None, final=None):
    """Read new complete lines of one transcript and store them; returns stats.

    A missing or unreadable file gives stats with ``skipped`` naming why, never
    an error. Opens no transaction: the caller wraps this in ``with conn:``.
    """
    privacy = Privacy(config)
    read = read_file(path, stored_offset(conn, path), session_uuid=session_uuid,
                     agent_id=agent_id, privacy=privacy, final=final)
    return store_read(conn, read, config=config, privacy=privacy)


def stored_offset(conn, path):
    known = conn.execute("select offset from transcript_files where path = ?", (path,)).fetchone()
    return known[0] if known else 0


def store_read(conn, read, *, config=None, privacy=None, pending=None):
    """Write a :class:`Read` and move the file's offset; returns its stats.

    Runs in the caller's transaction. A read made from an offset that is no
    longer the stored one (the drain read the file meanwhile) is made again.
    ``pending``: a :class:`Pending` shared by many files, which the caller
    flushes (new messages are then counted by the flush, not in the stats).
    """
    path, stats = read.path, read.stats
    if read.size is None:
        return stats
    if stored_offset(conn, path) != read.known:
        if pending is not None:
            stats["messages"] += pending.flush(conn)  # rows stay in file order
        return ingest_file(conn, path, session_uuid=read.session_uuid, agent_id=read.agent_id,
                           config=config)
    session_uuid, agent_id, batch = read.session_uuid, read.agent_id, read.batch
    if batch is None:
        _remember(conn, path, session_uuid, agent_id, read.new_offset, read.size, read.mtime)
        return stats
    _, hinted_agent = reader.path_hints(path)
    is_agent_file = bool(agent_id or hinted_agent)
    if batch.sessions and _all_forgotten(conn, batch.sessions):
        # `cctracker forget` removed these sessions: their old transcript stays read, not stored.
        stats["skipped"]["forgotten_session"] = batch.lines
        _remember(conn, path, session_uuid or next(iter(batch.sessions)), agent_id or hinted_agent,
                  read.new_offset, read.size, read.mtime)
        return stats
    write_batch(conn, batch, stats, path=path, is_agent_file=is_agent_file,
                idle_minutes=getattr(config, "session_idle_minutes", DEFAULT_IDLE_MINUTES),
                privacy=privacy or Privacy(config), pending=pending, config=config)
    first_session = next(iter(batch.sessions), None)
    if not stats["skipped"].get("excluded_project"):
        archive.keep(conn, read, session_uuid or first_session, agent_id or hinted_agent, config,
                     privacy=privacy)
    _remember(conn, path, session_uuid or first_session, agent_id or hinted_agent, read.new_offset,
              read.size, read.mtime)
    _remember_skips(conn, path, stats["skipped"], fresh=read.offset == 0)
    return stats


def _remember_skips(conn, path, skipped, fresh):
    """Add this read's skipped lines (by reason) to the file's record, for ``cctracker status``."""
    if not skipped and not fresh:
        return
    known = conn.execute("select skipped from transcript_files where path = ?", (path,)).fetchone()
    counts = {} if fresh or not known or not known[0] else orjson.loads(known[0])
    for reason, n in skipped.items():
        counts[reason] = counts.get(reason, 0) + n
    conn.execute("update transcript_files set skipped = ? where path = ?",
                 (orjson.dumps(counts).decode() if counts else None, path))


def _all_forgotten(conn, uuids):
    uuids = list(uuids)
    marks = ",".join("?" * len(uuids))
    found = conn.execute("select count(*) from forgotten_sessions where session_uuid in (%s)" % marks,
                         uuids).fetchone()[0]
    return found == len(uuids)


def _remember(conn, path, session_uuid, agent_id, offset, size, mtime):
    conn.execute(
        "insert into transcript_files (path, session_uuid, agent_id, offset, size, mtime, read_at)"
        " values (?, ?, ?, ?, ?, ?, ?) on conflict(path) do update set"
        " session_uuid = coalesce(excluded.session_uuid, session_uuid),"
        " agent_id = coalesce(excluded.agent_id, agent_id), offset = excluded.offset,"
        " size = excluded.size, mtime = excluded.mtime, read_at = excluded.read_at",
        (path, session_uuid, agent_id, offset, size, mtime, format_time(time.time_ns())),
    )


def write_batch(conn, batch, stats, *, path=None, is_agent_file=False,
                idle_minutes=DEFAULT_IDLE_MINUTES, privacy=None, pending=None, config=None):
    """Store a parsed :class:`transcripts.Batch`, through the privacy rules.

    Text is redacted exactly as the drain redacts hook payloads, so the
    same prompt from both sources has the same hash and stays one message.
    """
    privacy = privacy or Privacy(None)
    prepare(batch, privacy)
    # Turns and tool calls are written by the one session model (collector/sessions/records.py).
    model = Model(conn, config if hasattr(config, "think_threshold_seconds") else Config(home=""),
                  source="transcript")
    sessions = {}
    for uuid, info in batch.sessions.items():
        if privacy.excluded(info.get("cwd")):
            stats["skipped"]["excluded_project"] = stats["skipped"].get("excluded_project", 0) + 1
            continue
        sessions[uuid] = _session(conn, uuid, info, path, is_agent_file, idle_minutes, stats)
    for uuid, state in sessions.items():
        if state["owned"]:
            state["new_turns"] = _turns(model, state, batch, uuid, stats)
        state["turns"] = [tuple(r) for r in conn.execute(
            "select started_at, id from turns where session_id = ? order by started_at, id",
            (state["id"],))]
        state["starts"] = [t[0] for t in state["turns"]]
    resolver = _TurnResolver(conn, sessions, batch)
    held = Pending() if pending is None else pending
    write_tool_calls(model, batch, sessions, resolver, stats, held)
    hooked = [s["id"] for u, s in sessions.items() if not s["owned"] and batch.sessions[u].get("agent")]
    if hooked:  # Gemini's hooks send no call id: fold their calls into the file's
        model.merge_hook_calls(hooked)
    write_agents(conn, batch, sessions, resolver, path if is_agent_file else None, stats)
    write_messages(conn, batch, sessions, resolver, stats, held)
    write_usage(batch, sessions, stats, held)
    if pending is None:
        stats["messages"] += held.flush(conn)
    for uuid, state in sessions.items():
        if state["owned"] and not is_agent_file and (state["new_turns"] or uuid in batch.tail
                                                     or state["ended"]):
            if pending is not None:
                stats["messages"] += held.flush(conn)  # the waits quote the turns' prompts
            timing.rebuild_waits(conn, state["id"], config, ended=state["ended"])
        if state["owned"] and state["project_id"] is not None:
            # The repository's own history for this time range is read after the
            # import, outside its transaction (see transcript_git.link_history).
            since, until = conn.execute("select started_at, coalesce(ended_at, last_event_at)"
                                        " from sessions where id = ?", (state["id"],)).fetchone()
            if since and until:
                windows = stats.setdefault("git_windows", {})
                known = windows.get(state["project_id"], (since, until))
                windows[state["project_id"]] = (min(known[0], since), max(known[1], until))


# -- sessions and turns ----------------------------------------------------------------------

def _session(conn, uuid, info, path, is_agent_file, idle_minutes, stats):
    session_id, created = store.ensure_session(
        conn, uuid, cwd=info.get("cwd"), at=info["first"], source="import",
        transcript_path=None if is_agent_file else path)
    stats["sessions"] += int(created)
    first, last = info["first"], info["last"]
    conn.execute(
        "update sessions set cwd = coalesce(cwd, ?),"
        " transcript_path = coalesce(transcript_path, ?),"
        " model = case when source = 'import' then coalesce(?, model) else coalesce(model, ?) end,"
        " claude_version = coalesce(?, claude_version),"
        " git_branch = case when source = 'import' then coalesce(?, git_branch)"
        "   else coalesce(git_branch, ?) end,"
        " agent = coalesce(?, agent),"
        " started_at = min(coalesce(started_at, ?), coalesce(?, started_at)),"
        " last_event_at = max(coalesce(last_event_at, ?), coalesce(?, last_event_at))"
        " where id = ?",
        (info.get("cwd"), None if is_agent_file else path, info.get("model"), info.get("model"),
         info.get("version"), info.get("git_branch"), info.get("git_branch"),
         info.get("agent"), first, first, last, last, session_id),
    )
    if info.get("cwd") and not created:
        if conn.execute("select project_id is null from sessions where id = ?",
                        (session_id,)).fetchone()[0]:
            project_id = store.ensure_project(conn, info["cwd"], at=first)
            conn.execute("update sessions set project_id = ? where id = ?", (project_id, session_id))
    title, title_source = _title(info)
    if title:
        store.set_title(conn, session_id, title, title_source)
    source, project_id = conn.execute("select source, project_id from sessions where id = ?",
                                      (session_id,)).fetchone()
    owned = source == "import"
    # Judged by the last line's time, not the file's mtime: a copied or
    # restored file is new on disk but its conversation is not.
    idle = bool(last) and last < format_time(time.time_ns() - int(idle_minutes * 60e9))
    if owned and idle:
        # No hook will ever close an imported session: it ended at its last line.
        conn.execute(
            "update sessions set status = 'ended', ended_at = last_event_at,"
            " end_reason = coalesce(end_reason, 'timeout') where id = ?", (session_id,))
    return {"id": session_id, "owned": owned, "ended": owned and idle, "project_id": project_id,
            "new_turns": 0}


def _title(info):
    """(title, source) of the best name a batch gives its session: a ``/rename``
    (custom-title), Claude Code's own title line, an old-style summary line, or
    the first prompt (or command with arguments), shortened; (None, None) if none."""
    titles = info.get("titles") or {}
    for source in ("custom", "ai", "summary"):
        if titles.get(source):
            return titles[source], source
    first = info.get("first_input") or info.get("first_command") or info.get("first_agent_prompt")
    return (reader.title_from_prompt(first), "prompt") if first else (None, None)


def _turns(model, state, batch, uuid, stats):
    """Turns of an imported session: one per real prompt, extended by later lines (the model writes them)."""
    turns = [t for t in batch.turns if t["session"] == uuid and t["started_at"] and not t.get("pending")]
    added = model.record_turns(state["id"], turns, tail=batch.tail.get(uuid), ended=state["ended"])
    stats["turns"] += added
    return added


class _TurnResolver:
    """The turn a record belongs to, found in memory (no query per line)."""

    def __init__(self, conn, sessions, batch):
        self.conn = conn
        self.sessions = sessions
        self.batch = batch
        self.by_tool = {}

    def at(self, session_uuid, at, slack=False):
        state = self.sessions.get(session_uuid)
        if state is None or not at or not state["turns"]:
            return None
        if slack and not state["owned"]:
            at = _shift(at, PROMPT_SLACK_SECONDS)
        i = bisect.bisect_right(state["starts"], at)
        return state["turns"][i - 1][1] if i else None

    def for_agent(self, session_uuid, agent_id, at):
        """A subagent's records belong to the turn of the call that launched it."""
        record = self.batch.agents.get((session_uuid, agent_id))
        tool_use_id = record.get("tool_use_id") if record else None
        if tool_use_id:
            turn = self.for_tool(session_uuid, tool_use_id)
            if turn:
                return turn
        return self.at(session_uuid, at)

    def for_tool(self, session_uuid, tool_use_id):
        key = (session_uuid, tool_use_id)
        if key not in self.by_tool:
            call = self.batch.tool_calls.get(tool_use_id)
            turn = None
            if call and call.get("started_at") and call.get("agent_id") is None:
                turn = self.at(session_uuid, call["started_at"])
            if turn is None:
                state = self.sessions.get(session_uuid)
                row = state and self.conn.execute(
                    "select turn_id from tool_calls where session_id = ? and tool_use_id = ?",
                    (state["id"], tool_use_id)).fetchone()
                turn = row[0] if row else None
            self.by_tool[key] = turn
        return self.by_tool[key]

    def turn(self, session_uuid, agent_id, at, slack=False):
        if agent_id is not None:
            return self.for_agent(session_uuid, agent_id, at)
        return self.at(session_uuid, at, slack)


def _shift(at, seconds):
    try:
        moved = datetime.fromisoformat(at.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    except ValueError:
        return at
    return moved.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
