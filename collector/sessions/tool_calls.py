"""Tool calls and subagents: the part of the session model that follows tools.

A mixin of :class:`collector.sessions.model.Model`; see that module for the
definitions. Calls are paired by ``tool_use_id`` (never by order: parallel
calls interleave), and any tool name is accepted.
"""

import apsw
import orjson

from ..times.utc import seconds_between
from . import store, tools

#: Context kept beside a wait or an agent: enough to recognise the moment, not the text.
CONTEXT_CHARS = 200


_CALL_INSERT = (
    "insert into tool_calls (session_id, turn_id, agent_id, tool_use_id, tool_name, mcp_server,"
    " mcp_tool, started_at, ended_at, duration_ms, status, error, summary, input, source)"
    " values (:session_id, :turn_id, :agent_id, :tool_use_id, :tool_name, :mcp_server, :mcp_tool,"
    " :started_at, :ended_at, :duration_ms, :status, :error, :summary, :input, :source)"
)

#: A call the transcript reader stored first keeps its row: the hook fills what it lacks.
_CALL_MERGE = (
    " on conflict (session_id, tool_use_id) do update set started_at = excluded.started_at,"
    " turn_id = coalesce(tool_calls.turn_id, excluded.turn_id),"
    " ended_at = coalesce(excluded.ended_at, tool_calls.ended_at),"
    " duration_ms = coalesce(excluded.duration_ms, tool_calls.duration_ms),"
    " status = case when excluded.status = 'pending' then tool_calls.status else excluded.status end,"
    " error = coalesce(excluded.error, tool_calls.error),"
    " summary = coalesce(tool_calls.summary, excluded.summary),"
    " input = coalesce(tool_calls.input, excluded.input),"
    " agent_id = coalesce(tool_calls.agent_id, excluded.agent_id) returning id"
)


class ToolEvents:
    # --- tools ---------------------------------------------------------------

    def _input_json(self, tool_input):
        if tool_input is None:
            return None
        try:
            return orjson.dumps(tool_input).decode()
        except TypeError:
            # Integers past 64 bits or lone surrogates (a reporting client's metadata): msgspec
            # writes both; orjson, which keeps the drain fast, writes neither.
            import msgspec

            return msgspec.json.encode(tool_input).decode("utf-8", "surrogatepass")

    # Most calls start and finish within one batch: a started call waits in
    # ``self.pending`` and is written once, complete, when it finishes (one
    # insert instead of an insert and an update, each firing triggers).
    # Anything that reads pending calls from the database flushes first.

    def on_PreToolUse(self, session_id, event_id, at, p):
        name = p.get("tool_name")
        if not isinstance(name, str) or not name:
            return
        use_id = p.get("tool_use_id") if isinstance(p.get("tool_use_id"), str) else None
        turn = self._open_turn(session_id)
        server, tool = tools.split_mcp(name)
        tool_input = p.get("tool_input")
        row = {"session_id": session_id, "turn_id": turn[0] if turn else None,
               "agent_id": _str(p.get("agent_id")), "tool_use_id": use_id, "tool_name": name,
               "mcp_server": server, "mcp_tool": tool, "started_at": at, "ended_at": None,
               "duration_ms": None, "status": "pending", "error": None,
               "summary": _text(tools.summary(name, tool_input)), "input": self._input_json(tool_input),
               "source": self.source}
        if use_id is None:
            self._write_call(row)
        else:
            self.pending[(session_id, use_id)] = row

    def _write_call(self, row):
        """Insert a call (or complete one the transcript reader stored first); returns its id."""
        try:
            # The usual case is a new row: a plain insert. An upsert with
            # RETURNING would buffer its result in a temporary table per call.
            self.conn.execute(_CALL_INSERT, row)
            return self.conn.last_insert_rowid()  # the triggers' inserts do not change it once they end
        except apsw.ConstraintError:
            if self.conn.execute("select 1 from tool_calls where session_id = ? and tool_use_id = ?",
                                 (row["session_id"], row["tool_use_id"])).fetchone() is None:
                raise  # some other constraint: the batch is applied again event by event
        return self.conn.execute(_CALL_INSERT + _CALL_MERGE, row).fetchone()[0]

    def flush_pending(self, session_id=None):
        """Write buffered started calls (of one session, or all) as pending rows."""
        keys = [k for k in self.pending if session_id is None or k[0] == session_id]
        for key in keys:
            self._write_call(self.pending.pop(key))

    def _newest_pending(self, session_id, names, limit):
        """``(tool_use_id, input, turn_id)`` of the newest pending calls of some tools, newest first.

        The same answer as writing the session's buffered calls and asking
        the database, without writing them: a call asked about (a permission
        dialog, a subagent's launcher) then stays buffered and is written
        once, complete.
        """
        conn = self.conn
        buffered = {k[1]: row for k, row in self.pending.items() if k[0] == session_id}
        marks = ",".join("?" * len(names))
        found = []
        for use_id, tool_input, turn_id, started, row_id in conn.execute(
                "select tool_use_id, input, turn_id, started_at, id from tool_calls where session_id = ?"
                " and tool_name in (%s) and status = 'pending' order by started_at desc, id desc limit ?" % marks,
                (session_id, *names, limit + len(buffered))):
            if use_id not in buffered:
                found.append(((started or "", 0, row_id), use_id, tool_input, turn_id))
        if buffered:
            # A buffered call whose id is already stored (read from a transcript
            # first) would update that row: its start, its input and turn if it
            # has none; the row keeps its name and status.
            stored = conn.execute(
                "select tool_use_id, input, turn_id, status, tool_name, id from tool_calls where session_id = ?"
                " and tool_use_id in (%s)" % ",".join("?" * len(buffered)), (session_id, *buffered)).fetchall()
            for use_id, tool_input, turn_id, status, tool_name, row_id in stored:
                if status == "pending" and tool_name in names:
                    row = buffered[use_id]
                    found.append(((row["started_at"] or "", 0, row_id), use_id,
                                  tool_input if tool_input is not None else row["input"],
                                  turn_id if turn_id is not None else row["turn_id"]))
            known = {r[0] for r in stored}
            for order, (use_id, row) in enumerate(buffered.items()):
                if use_id not in known and row["tool_name"] in names:
                    found.append(((row["started_at"] or "", 1, order), use_id, row["input"], row["turn_id"]))
        found.sort(key=lambda f: f[0], reverse=True)
        return [f[1:] for f in found[:limit]]

    def on_PostToolUse(self, session_id, event_id, at, p):
        self._finish_tool(session_id, at, p, "ok", None)

    def on_PostToolUseFailure(self, session_id, event_id, at, p):
        status = "interrupted" if p.get("is_interrupt") is True else "error"
        error = p.get("error") if isinstance(p.get("error"), str) else None
        self._finish_tool(session_id, at, p, status, _text(error) if error else None)

    def _finish_tool(self, session_id, at, p, status, error):
        conn = self.conn
        name = p.get("tool_name")
        if not isinstance(name, str) or not name:
            return
        use_id = p.get("tool_use_id") if isinstance(p.get("tool_use_id"), str) else None
        tool_input = p.get("tool_input")
        duration = p.get("duration_ms")
        if not isinstance(duration, (int, float)) or isinstance(duration, bool):
            duration = None
        row = self.pending.pop((session_id, use_id), None) if use_id is not None else None
        if row is None and use_id is not None:
            found = conn.execute("select id, started_at from tool_calls where session_id = ? and tool_use_id = ?",
                                 (session_id, use_id)).fetchone()
        elif row is None:  # before 2.0.43 there were no ids: the oldest pending call of that tool
            found = conn.execute(
                "select id, started_at from tool_calls where session_id = ? and tool_name = ?"
                " and status = 'pending' and tool_use_id is null order by id limit 1",
                (session_id, name)).fetchone()
        else:
            found = None
        if row is None and found is None:
            # No start seen (hooks installed mid-call, or PreToolUse not registered).
            self.on_PreToolUse(session_id, None, at, p)
            row = self.pending.pop((session_id, use_id), None)
            if row is None:
                found = conn.execute("select id, started_at from tool_calls where session_id = ? and tool_name = ?"
                                     " and status = 'pending' order by id desc limit 1", (session_id, name)).fetchone()
        started = row["started_at"] if row is not None else found[1]
        if duration is None and started and started != at:
            duration = round(seconds_between(started, at) * 1000, 3)
        if row is not None:
            row.update(ended_at=at, duration_ms=duration, status=status, error=error)
            call_id = self._write_call(row)
        else:
            call_id = found[0]
            conn.execute(
                "update tool_calls set ended_at = ?, duration_ms = ?, status = ?, error = ? where id = ?",
                (at, duration, status, error, call_id),
            )
        self._close_permission_waits(session_id, at, use_id, name)
        response = p.get("tool_response")
        files = p.get("files") if self.reported else None  # a reporting client's own count
        file_ids = []
        for path, op, added, removed in files or tools.file_operations(name, tool_input, response):
            conn.execute(
                "insert or ignore into file_operations (tool_call_id, session_id, path, operation,"
                " lines_added, lines_removed, at) values (?, ?, ?, ?, ?, ?, ?)",
                (call_id, session_id, path, op, added if status == "ok" else 0,
                 removed if status == "ok" else 0, at),
            )
            if conn.changes():
                file_ids.append(conn.last_insert_rowid())
        self.last_call = (call_id, file_ids)
        command = git_command(p)
        if command is not None:
            self._git(session_id, call_id, command, response, error, at)

    def _git(self, session_id, call_id, command, response, error, at):
        from .. import gitops

        operations = self.git_ops.get(command)
        if operations is None:
            operations = gitops.classify(command)
        if not operations:
            return
        result = error
        if isinstance(response, dict):
            result = response.get("stdout") if isinstance(response.get("stdout"), str) else None
        turn = store.turn_at(self.conn, session_id, at)
        gitops.record_operations(self.conn, session_id=session_id, turn_id=turn, tool_call_id=call_id,
                                 command=_text(command), result=_text(result) if result else None,
                                 at=at, ops=operations)
        if "commit" in operations and error is None and self.on_commit:
            project_id = self.conn.execute("select project_id from sessions where id = ?",
                                           (session_id,)).fetchone()[0]
            self.on_commit(project_id, session_id)

    def on_GitOperation(self, session_id, event_id, at, p):
        """Reported: a git operation; a commit whose ``[branch sha]`` line is in ``result`` is a commit."""
        from .. import gitops

        operation, result = p.get("operation"), _text(p.get("result"))
        parsed = gitops.parse_commit_output(result) if operation in gitops.COMMITTING else None
        sha = parsed[1] if parsed else None
        conn = self.conn
        conn.execute(
            "insert into git_operations (session_id, turn_id, operation, command, result, commit_sha, at)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            (session_id, store.turn_at(conn, session_id, at), operation, _text(p.get("command")),
             result[:gitops.RESULT_MAX_CHARS] if result else None, sha, at),
        )
        self.last_git = (conn.last_insert_rowid(), sha, None)
        project_id = conn.execute("select project_id from sessions where id = ?", (session_id,)).fetchone()[0]
        if not sha or project_id is None:
            return
        files = sorted(set(p.get("files_changed") or ()))
        conn.execute(
            "insert into commits (project_id, session_id, sha, committed_at, subject, files_changed,"
            " lines_added, lines_removed) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (project_id, sha) do nothing",
            (project_id, session_id, sha, at, _text(p.get("subject")) or parsed[2], len(files),
             p.get("lines_added") or 0, p.get("lines_removed") or 0),
        )
        commit_id = conn.execute("select id from commits where project_id = ? and sha = ?",
                                 (project_id, sha)).fetchone()[0]
        conn.executemany("insert into commit_files (commit_id, path) values (?, ?) on conflict do nothing",
                         [(commit_id, path) for path in files])
        self.last_git = (self.last_git[0], sha, commit_id)

    # --- subagents -----------------------------------------------------------

    def on_SubagentStart(self, session_id, event_id, at, p):
        agent_id = _str(p.get("agent_id"))
        if not agent_id:
            return
        found = self._newest_pending(session_id, ("Agent", "Task"), 1)
        launcher = (found[0][0], found[0][2]) if found else None
        turn = self._open_turn(session_id)
        self.conn.execute(
            "insert into agents (session_id, turn_id, agent_id, agent_type, tool_use_id, started_at)"
            " values (?, ?, ?, ?, ?, ?) on conflict (session_id, agent_id) do update set"
            " started_at = coalesce(agents.started_at, excluded.started_at)",
            (session_id, turn[0] if turn else (launcher[1] if launcher else None), agent_id,
             _str(p.get("agent_type")), launcher[0] if launcher else None, at),
        )

    def on_SubagentStop(self, session_id, event_id, at, p):
        agent_id = _str(p.get("agent_id"))
        message = p.get("last_assistant_message") if isinstance(p.get("last_assistant_message"), str) else None
        path = _str(p.get("agent_transcript_path"))
        turn = self._open_turn(session_id)
        if agent_id:
            self.conn.execute(
                "insert into agents (session_id, turn_id, agent_id, agent_type, ended_at, transcript_path, last_message)"
                " values (?, ?, ?, ?, ?, ?, ?) on conflict (session_id, agent_id) do update set"
                " ended_at = excluded.ended_at, transcript_path = coalesce(excluded.transcript_path, agents.transcript_path),"
                " last_message = excluded.last_message, agent_type = coalesce(agents.agent_type, excluded.agent_type)",
                (session_id, turn[0] if turn else None, agent_id, _str(p.get("agent_type")), at, path,
                 _text(message[:CONTEXT_CHARS * 5]) if message else None),
            )
        text = _text(message) if message else None
        if text:
            store.add_message(self.conn, uid=self.uid(event_id), session_id=session_id, role="assistant",
                              kind="reply", content=text, created_at=at,
                              turn_id=turn[0] if turn else None, agent_id=agent_id, source=self.source)
        if path:
            self._transcript(session_id, path, agent_id)


def git_command(p):
    """The command of a finished Bash call when it may run git, else None.

    Cheap test first: the shell parser only runs on commands that mention git.
    """
    name = p.get("tool_name")
    tool_input = p.get("tool_input")
    command = tool_input.get("command") if isinstance(tool_input, dict) else None
    if name in ("Bash", "bash") and isinstance(command, str) and "git" in command:
        return command
    return None


def _text(value):
    return value if isinstance(value, str) and value else None


def _str(value):
    return value if isinstance(value, str) and value else None
