"""The row writers behind :func:`collector.transcripts.store.write_batch`.

Tool calls (stored by the session model, :mod:`collector.sessions.records`;
their file and git operations here), subagents, messages and token usage of
a prepared batch, each keyed so a re-read or a hook copy is never counted
twice, plus :class:`Pending`, which holds the bulk rows for one write. Split
from ``transcripts.store`` (sessions, offsets and the order of the
writes stay there) so each module stays short. No transcript format knowledge
here: the records arrive already parsed and prepared.
"""

import orjson

from ..sessions import store, tools
from . import git
from .prepare import FILE_TOOLS


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


def write_tool_calls(model, batch, sessions, resolver, stats, held):
    """The batch's tool calls, through the session model (which owns tool_calls), then their
    git and file operations."""
    conn = model.conn
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
    ids = model.record_tool_calls(rows)
    stats["tool_calls"] += len(rows)
    for tool_use_id, row_id in ids.items():
        call = batch.tool_calls[tool_use_id]
        if call.get("git") and call["git"][0]:
            _git(conn, call, row_id, sessions[call["session"]], resolver, stats)
    files = held.files
    for tool_use_id, row_id in ids.items():
        call = batch.tool_calls[tool_use_id]
        if call.get("files"):
            session_id, at = sessions[call["session"]]["id"], call.get("ended_at")
            for path, operation, added, removed in call["files"]:
                files.append((row_id, session_id, path, operation, added, removed, at))
    for tool_use_id, call, state in late:
        found = model.complete_tool_call(state["id"], tool_use_id, call.get("ended_at"),
                                         call.get("status"), call.get("error"))
        if found is None:
            stats["skipped"]["orphan_tool_result"] = stats["skipped"].get("orphan_tool_result", 0) + 1
            continue
        row_id, name, raw_input = found
        stats["tool_calls"] += 1
        if call.get("status") == "ok" and name in FILE_TOOLS and raw_input:
            _file_rows(files, row_id, state["id"], name, orjson.loads(raw_input),
                       call.get("response"), call.get("ended_at"))


def _git(conn, call, row_id, state, resolver, stats):
    command, output = call["git"]
    at = call.get("ended_at")
    # A session the hooks recorded has its commits from the repository itself (the
    # drain reads its history after the transaction): only its git operation is filled in.
    commit = git.record(
        conn, session_id=state["id"], project_id=state.get("project_id") if state["owned"] else None,
        turn_id=resolver.turn(call["session"], call.get("agent_id"), call.get("started_at")),
        tool_call_id=row_id, command=command, output=output, at=at)
    if commit is not None:
        stats["commits"] = stats.get("commits", 0) + 1


FILE_INSERT = (
    "insert or ignore into file_operations (tool_call_id, session_id, path, operation,"
    " lines_added, lines_removed, at) values (?, ?, ?, ?, ?, ?, ?)"
)


def _file_rows(out, tool_call_id, session_id, name, tool_input, response, at):
    for path, operation, added, removed in tools.file_operations(name, tool_input, response):
        out.append((tool_call_id, session_id, path, operation, added, removed, at))


def write_agents(conn, batch, sessions, resolver, agent_path, stats):
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


def write_messages(conn, batch, sessions, resolver, stats, held):
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
    " output_tokens, cache_creation_tokens, cache_read_tokens, at, cache_creation_1h_tokens,"
    " reasoning_tokens)"
    " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " on conflict(message_id, request_id) do update set"
    " output_tokens = max(output_tokens, excluded.output_tokens)"
    " where excluded.output_tokens > output_tokens"
)


def write_usage(batch, sessions, stats, held):
    rows = held.usage
    before = len(rows)
    for (message_id, request_id), row in batch.usage.items():
        session_uuid, agent_id, model, inp, out, cc, cr, at = row[:8]
        state = sessions.get(session_uuid)
        if state is None and session_uuid in batch.sessions:
            continue  # an excluded project's session
        # The 9th field is the 1-hour share of the cache writes; other agents' rows carry
        # their reasoning tokens (inside output) as a 10th.
        rows.append((state["id"] if state else None, agent_id, message_id, request_id, model,
                     inp, out, cc, cr, at, min(row[8], cc) if len(row) > 8 else 0,
                     row[9] if len(row) > 9 else 0))
    stats["usage_rows"] += len(rows) - before
