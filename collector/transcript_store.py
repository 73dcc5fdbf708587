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
"""

import bisect
import time
from datetime import datetime, timedelta

import orjson

from cctracker_client.spool import format_time

from . import store, tools, transcripts
from .privacy import Privacy
from .transcript_prepare import FILE_TOOLS, prepare, read_file

#: A transcript prompt line and the hook's UserPromptSubmit for it are a few
#: milliseconds apart, in either order; this much slack finds the hook's turn.
PROMPT_SLACK_SECONDS = 5

#: Used when no config is passed: the collector's own default idle timeout.
DEFAULT_IDLE_MINUTES = 30.0

def ingest_file(conn, path, *, session_uuid=None, agent_id=None, config=None):
    """Read new complete lines of one transcript and store them; returns stats.

    A missing or unreadable file gives stats with ``skipped`` naming why, never
    an error. Opens no transaction: the caller wraps this in ``with conn:``.
    """
    privacy = Privacy(config)
    read = read_file(path, stored_offset(conn, path), session_uuid=session_uuid,
                     agent_id=agent_id, privacy=privacy)
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
    _, hinted_agent = transcripts.path_hints(path)
    is_agent_file = bool(agent_id or hinted_agent)
    if batch.sessions and _all_forgotten(conn, batch.sessions):
        # `cctracker forget` removed these sessions: their old transcript stays read, not stored.
        stats["skipped"]["forgotten_session"] = batch.lines
        _remember(conn, path, session_uuid or next(iter(batch.sessions)), agent_id or hinted_agent,
                  read.new_offset, read.size, read.mtime)
        return stats
    write_batch(conn, batch, stats, path=path, is_agent_file=is_agent_file,
                idle_minutes=getattr(config, "session_idle_minutes", DEFAULT_IDLE_MINUTES),
                privacy=privacy or Privacy(config), pending=pending)
    first_session = next(iter(batch.sessions), None)
    _remember(conn, path, session_uuid or first_session, agent_id or hinted_agent, read.new_offset,
              read.size, read.mtime)
    return stats


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
                idle_minutes=DEFAULT_IDLE_MINUTES, privacy=None, pending=None):
    """Store a parsed :class:`transcripts.Batch`, through the privacy rules.

    Text is redacted exactly as the drain redacts hook payloads, so the
    same prompt from both sources has the same hash and stays one message.
    """
    privacy = privacy or Privacy(None)
    prepare(batch, privacy)
    sessions = {}
    for uuid, info in batch.sessions.items():
        if privacy.excluded(info.get("cwd")):
            stats["skipped"]["excluded_project"] = stats["skipped"].get("excluded_project", 0) + 1
            continue
        sessions[uuid] = _session(conn, uuid, info, path, is_agent_file, idle_minutes, stats)
    for uuid, state in sessions.items():
        if state["owned"]:
            _turns(conn, state, batch, uuid, stats)
        state["turns"] = [tuple(r) for r in conn.execute(
            "select started_at, id from turns where session_id = ? order by started_at, id",
            (state["id"],))]
        state["starts"] = [t[0] for t in state["turns"]]
    resolver = _TurnResolver(conn, sessions, batch)
    held = Pending() if pending is None else pending
    _tool_calls(conn, batch, sessions, resolver, stats, held)
    _agents(conn, batch, sessions, resolver, path if is_agent_file else None, stats)
    _messages(conn, batch, sessions, resolver, stats, held)
    _usage(batch, sessions, stats, held)
    if pending is None:
        stats["messages"] += held.flush(conn)


class Pending:
    """Message, token usage and file operation rows held back to be written
    together (nothing reads them back while a file is stored): thousands of
    rows per statement keep each index's pages in the CPU cache, where a few
    dozen per file, between other tables' writes, do not."""

    #: Rows held before the importer flushes.
    LIMIT = 20000

    def __init__(self):
        self.messages, self.usage, self.files = [], [], []

    def __len__(self):
        return len(self.messages) + len(self.usage) + len(self.files)

    def flush(self, conn):
        """Write the rows held; returns how many messages were new."""
        new = len(list(conn.executemany(MESSAGE_INSERT, self.messages))) if self.messages else 0
        if self.usage:
            conn.executemany(USAGE_UPSERT, self.usage)
        if self.files:
            conn.executemany(FILE_INSERT, self.files)
        for rows in (self.messages, self.usage, self.files):
            rows.clear()  # in place: callers hold these lists
        return new


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
        " title = coalesce(title, ?),"
        " started_at = min(coalesce(started_at, ?), coalesce(?, started_at)),"
        " last_event_at = max(coalesce(last_event_at, ?), coalesce(?, last_event_at))"
        " where id = ?",
        (info.get("cwd"), None if is_agent_file else path, info.get("model"), info.get("model"),
         info.get("version"), info.get("git_branch"), info.get("git_branch"), info.get("title"),
         first, first, last, last, session_id),
    )
    if info.get("cwd") and not created:
        if conn.execute("select project_id is null from sessions where id = ?",
                        (session_id,)).fetchone()[0]:
            project_id = store.ensure_project(conn, info["cwd"], at=first)
            conn.execute("update sessions set project_id = ? where id = ?", (project_id, session_id))
    source = conn.execute("select source from sessions where id = ?", (session_id,)).fetchone()[0]
    owned = source == "import"
    # Judged by the last line's time, not the file's mtime: a copied or
    # restored file is new on disk but its conversation is not.
    idle = bool(last) and last < format_time(time.time_ns() - int(idle_minutes * 60e9))
    if owned and idle:
        # No hook will ever close an imported session: it ended at its last line.
        conn.execute(
            "update sessions set status = 'ended', ended_at = last_event_at,"
            " end_reason = coalesce(end_reason, 'timeout') where id = ?", (session_id,))
    return {"id": session_id, "owned": owned, "ended": owned and idle}


def _turns(conn, state, batch, uuid, stats):
    """Turns of an imported session: one per real prompt, extended by later lines."""
    session_id = state["id"]
    last = conn.execute("select id, ended_at, end_kind from turns where session_id = ?"
                        " order by seq desc limit 1", (session_id,)).fetchone()
    tail = batch.tail.get(uuid)
    if last and tail:
        _extend(conn, last[0], tail)
    seq = conn.execute("select coalesce(max(seq), 0) from turns where session_id = ?",
                       (session_id,)).fetchone()[0]
    previous = last[0] if last else None
    for turn in batch.turns:
        if turn["session"] != uuid or not turn["started_at"]:
            continue
        if conn.execute("select 1 from turns where session_id = ? and started_at = ?",
                        (session_id, turn["started_at"])).fetchone():
            continue  # this prompt was read before (file re-read or copied by a resume)
        if previous is not None:
            conn.execute("update turns set end_kind = coalesce(end_kind, 'stop') where id = ?",
                         (previous,))
        seq += 1
        conn.execute(
            "insert into turns (session_id, seq, started_at, ended_at, end_kind, working_seconds)"
            " values (?, ?, ?, ?, ?, round((julianday(?) - julianday(?)) * 86400, 3))",
            (session_id, seq, turn["started_at"], turn["ended_at"], turn["end_kind"],
             turn["ended_at"], turn["started_at"]))
        previous = conn.last_insert_rowid()
        stats["turns"] += 1
    if previous is not None and state["ended"]:
        conn.execute("update turns set end_kind = coalesce(end_kind, 'stop') where id = ?",
                     (previous,))


def _extend(conn, turn_id, tail):
    conn.execute(
        "update turns set ended_at = max(coalesce(ended_at, ?), ?),"
        " end_kind = case when end_kind = 'interrupted' then end_kind else ? end,"
        " working_seconds = round((julianday(max(coalesce(ended_at, ?), ?))"
        " - julianday(started_at)) * 86400, 3) where id = ?",
        (tail["ended_at"], tail["ended_at"], tail["end_kind"], tail["ended_at"],
         tail["ended_at"], turn_id))


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


# -- tool calls, agents, messages, usage -----------------------------------------------------

# Not UPSERTs: SQLite would apply an UPSERT's conflict policy to the
# ``insert or ignore`` inside the search triggers (m002), which then fail.
TOOL_INSERT = (
    "insert or ignore into tool_calls (session_id, turn_id, agent_id, tool_use_id, tool_name,"
    " mcp_server, mcp_tool, started_at, ended_at, duration_ms, status, error, summary, input, source)"
    " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'transcript') returning id, tool_use_id"
)

# A call the hooks (or an earlier read) stored: fill in only what it lacks.
TOOL_FILL = (
    "update tool_calls set turn_id = coalesce(turn_id, ?2), agent_id = coalesce(agent_id, ?3),"
    " started_at = coalesce(started_at, ?4), ended_at = coalesce(ended_at, ?5),"
    " duration_ms = coalesce(duration_ms, ?6),"
    " status = case when status = 'pending' and ?7 != 'pending' then ?7 else status end,"
    " error = coalesce(error, ?8), summary = coalesce(summary, ?9), input = coalesce(input, ?10)"
    " where id = ?1 and (turn_id is null and ?2 is not null or agent_id is null and ?3 is not null"
    " or started_at is null and ?4 is not null or ended_at is null and ?5 is not null"
    " or duration_ms is null and ?6 is not null or status = 'pending' and ?7 != 'pending'"
    " or error is null and ?8 is not null or summary is null and ?9 is not null"
    " or input is null and ?10 is not null)"
)

RESULT_UPDATE = (
    "update tool_calls set ended_at = coalesce(ended_at, ?),"
    " duration_ms = coalesce(duration_ms, max(0, round((julianday(?) - julianday(started_at)) * 86400000))),"
    " status = case when status = 'pending' then ? else status end, error = coalesce(error, ?)"
    " where session_id = ? and tool_use_id = ? returning id, tool_name, input"
)


def _tool_calls(conn, batch, sessions, resolver, stats, held):
    rows = []
    late = []  # results whose call was read in an earlier pass
    for tool_use_id, call in batch.tool_calls.items():
        state = sessions.get(call.get("session"))
        if state is None:
            continue
        row = call.get("row")
        if row is None:
            late.append((tool_use_id, call, state))
            continue
        rows.append((state["id"], resolver.turn(call["session"], row[0], row[5])) + row)
    ids = {}
    if rows:
        for row_id, tool_use_id in conn.executemany(TOOL_INSERT, rows):
            ids[tool_use_id] = row_id
        for row in rows:
            if row[3] in ids:
                continue
            found = conn.execute("select id from tool_calls where session_id = ? and tool_use_id = ?",
                                 (row[0], row[3])).fetchone()
            ids[row[3]] = found[0]
            conn.execute(TOOL_FILL, (found[0], row[1], row[2], row[7], row[8], row[9], row[10],
                                     row[11], row[12], row[13]))
    stats["tool_calls"] += len(rows)
    files = held.files
    for tool_use_id, row_id in ids.items():
        call = batch.tool_calls[tool_use_id]
        if call.get("files"):
            session_id, at = sessions[call["session"]]["id"], call.get("ended_at")
            for path, operation, added, removed in call["files"]:
                files.append((row_id, session_id, path, operation, added, removed, at))
    for tool_use_id, call, state in late:
        found = conn.execute(RESULT_UPDATE, (
            call.get("ended_at"), call.get("ended_at"), call.get("status"), call.get("error"),
            state["id"], tool_use_id)).fetchall()
        if not found:
            stats["skipped"]["orphan_tool_result"] = stats["skipped"].get("orphan_tool_result", 0) + 1
            continue
        row_id, name, raw_input = found[0]
        stats["tool_calls"] += 1
        if call.get("status") == "ok" and name in FILE_TOOLS and raw_input:
            _file_rows(files, row_id, state["id"], name, orjson.loads(raw_input),
                       call.get("response"), call.get("ended_at"))

FILE_INSERT = (
    "insert or ignore into file_operations (tool_call_id, session_id, path, operation,"
    " lines_added, lines_removed, at) values (?, ?, ?, ?, ?, ?, ?)"
)


def _file_rows(out, tool_call_id, session_id, name, tool_input, response, at):
    for path, operation, added, removed in tools.file_operations(name, tool_input, response):
        out.append((tool_call_id, session_id, path, operation, added, removed, at))


def _agents(conn, batch, sessions, resolver, agent_path, stats):
    rows = []
    for (session_uuid, agent_id), record in batch.agents.items():
        state = sessions.get(session_uuid)
        if state is None:
            continue
        agent_type = "compact" if agent_id.startswith("acompact") else None
        call = batch.tool_calls.get(record.get("tool_use_id") or "")
        if call:
            agent_type = call.get("subagent_type") or agent_type
        rows.append((state["id"], resolver.for_agent(session_uuid, agent_id, record.get("started_at")),
                     agent_id, agent_type, record.get("tool_use_id"), record.get("started_at"),
                     record.get("ended_at"), agent_path, record.get("last_message")))
    if not rows:
        return
    conn.executemany(
        "insert into agents (session_id, turn_id, agent_id, agent_type, tool_use_id, started_at,"
        " ended_at, transcript_path, last_message) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " on conflict(session_id, agent_id) do update set"
        " turn_id = coalesce(turn_id, excluded.turn_id),"
        " agent_type = coalesce(agent_type, excluded.agent_type),"
        " tool_use_id = coalesce(tool_use_id, excluded.tool_use_id),"
        " started_at = min(coalesce(started_at, excluded.started_at),"
        "   coalesce(excluded.started_at, started_at)),"
        " ended_at = max(coalesce(ended_at, excluded.ended_at), coalesce(excluded.ended_at, ended_at)),"
        " transcript_path = coalesce(transcript_path, excluded.transcript_path),"
        " last_message = coalesce(excluded.last_message, last_message)", rows)
    # The launching call names the agent type; it may have been read in another file.
    conn.execute(
        "update agents set agent_type = (select json_extract(t.input, '$.subagent_type')"
        " from tool_calls t where t.session_id = agents.session_id"
        " and t.tool_use_id = agents.tool_use_id)"
        " where agent_type is null and tool_use_id is not null and session_id in (%s)"
        % ",".join(str(s["id"]) for s in sessions.values()))
    stats["agents"] += len(rows)


MESSAGE_INSERT = (
    "insert or ignore into messages (uid, session_id, turn_id, agent_id, role, kind, content, content_hash,"
    " created_at, model, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'transcript')"
    " returning id"
)


def _messages(conn, batch, sessions, resolver, stats, held):
    fast = held.messages
    hooked = {}
    for uid, session_uuid, agent_id, role, kind, content, at, model, digest in batch.messages:
        state = sessions.get(session_uuid)
        if state is None:
            continue
        sid = state["id"]
        if sid not in hooked:
            # Only a session that hooks also wrote to can hold a second copy of a message.
            hooked[sid] = conn.execute(
                "select 1 from messages where session_id = ? and source = 'hook' limit 1",
                (sid,)).fetchone() is not None
        turn_id = resolver.turn(session_uuid, agent_id, at, slack=kind == "prompt")
        if hooked[sid]:
            if held.messages:
                stats["messages"] += held.flush(conn)  # add_message must see every earlier copy
            before = conn.execute("select 1 from messages where uid = ?", (uid,)).fetchone()
            row_id = store.add_message(conn, uid=uid, session_id=sid, role=role, kind=kind,
                                       content=content, created_at=at, turn_id=turn_id,
                                       agent_id=agent_id, model=model, source="transcript")
            stats["messages"] += int(before is None and row_id is not None)
        else:
            fast.append((uid, sid, turn_id, agent_id, role, kind, content, digest, at, model))


USAGE_UPSERT = (
    "insert into token_usage (session_id, agent_id, message_id, request_id, model, input_tokens,"
    " output_tokens, cache_creation_tokens, cache_read_tokens, at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " on conflict(message_id, request_id) do update set"
    " output_tokens = max(output_tokens, excluded.output_tokens)"
    " where excluded.output_tokens > output_tokens"
)


def _usage(batch, sessions, stats, held):
    rows = held.usage
    before = len(rows)
    for (message_id, request_id), (session_uuid, agent_id, model, inp, out, cc, cr, at) \
            in batch.usage.items():
        state = sessions.get(session_uuid)
        if state is None and session_uuid in batch.sessions:
            continue  # an excluded project's session
        rows.append((state["id"] if state else None, agent_id, message_id, request_id, model,
                     inp, out, cc, cr, at))
    stats["usage_rows"] += len(rows) - before
