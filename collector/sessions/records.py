"""The session model's operations for records read from a transcript
(part of :class:`collector.sessions.model.Model`).

A hook event says what happens now; a transcript line says what happened at
its own time, and a file is read in bulk. These are the writes of turns and
tool calls a transcript implies, kept here so the model stays the one writer
of turns, waits and tool calls (``tests/test_architecture.py``). The reading,
the order of the writes and every other table stay in
:mod:`collector.transcripts.store` / :mod:`collector.transcripts.rows`.

Hook data wins when both exist: a transcript opens turns only in a session
it owns (``source = 'import'``), and a call the hooks stored only gets what
it lacks (``TOOL_FILL``, ``RESULT_UPDATE``). Rows go in with ``executemany``
where they can: an import writes thousands of calls per file.
"""

from ..agents.common import GEMINI

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

#: A Gemini hook call and the chat file's record of it start this close (the hook fires first).
MERGE_SECONDS = 10


class RecordEvents:
    """Turn and tool call writes for transcript records; mixed into the model (needs ``self.conn``)."""

    # --- turns ---------------------------------------------------------------

    def record_turns(self, session_id, turns, tail=None, ended=False):
        """Turns of a session the transcript owns: one per real prompt; returns how many are new.

        ``turns``: dicts with the prompt's ``started_at`` and the ``ended_at`` /
        ``end_kind`` of its last line; ``tail``: the same for lines that extend
        the session's last stored turn. A prompt already stored (a re-read,
        or a file a resume copied) is not added twice. Each new prompt ends
        the turn before it ('stop' unless it was interrupted); so does the
        session's end.
        """
        conn = self.conn
        last = conn.execute("select id, ended_at, end_kind from turns where session_id = ?"
                            " order by seq desc limit 1", (session_id,)).fetchone()
        if last and tail:
            conn.execute(
                "update turns set ended_at = max(coalesce(ended_at, ?), ?),"
                " end_kind = case when end_kind = 'interrupted' then end_kind else ? end,"
                " working_seconds = round((julianday(max(coalesce(ended_at, ?), ?))"
                " - julianday(started_at)) * 86400, 3) where id = ?",
                (tail["ended_at"], tail["ended_at"], tail["end_kind"], tail["ended_at"],
                 tail["ended_at"], last[0]))
        seq = conn.execute("select coalesce(max(seq), 0) from turns where session_id = ?",
                           (session_id,)).fetchone()[0]
        previous = last[0] if last else None
        added = 0
        for turn in turns:
            if conn.execute("select 1 from turns where session_id = ? and started_at = ?",
                            (session_id, turn["started_at"])).fetchone():
                continue
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
            added += 1
        if previous is not None and ended:
            conn.execute("update turns set end_kind = coalesce(end_kind, 'stop') where id = ?",
                         (previous,))
        self.turns.pop(session_id, None)  # the open turn may have changed
        return added

    # --- tool calls ----------------------------------------------------------

    def record_tool_calls(self, rows):
        """Store calls read with their tool_use line; returns ``{tool_use_id: row id}``.

        ``rows``: ``(session_id, turn_id, agent_id, tool_use_id, tool_name,
        mcp_server, mcp_tool, started_at, ended_at, duration_ms, status, error,
        summary, input)``. A call already stored (by the hooks, or an earlier
        read) keeps its values and only gets those it lacks.
        """
        ids = {}
        if not rows:
            return ids
        for row_id, tool_use_id in self.conn.executemany(TOOL_INSERT, rows):
            ids[tool_use_id] = row_id
        for row in rows:
            if row[3] in ids:
                continue
            found = self.conn.execute("select id from tool_calls where session_id = ? and tool_use_id = ?",
                                      (row[0], row[3])).fetchone()
            ids[row[3]] = found[0]
            self.conn.execute(TOOL_FILL, (found[0], row[1], row[2], row[7], row[8], row[9], row[10],
                                          row[11], row[12], row[13]))
        return ids

    def complete_tool_call(self, session_id, tool_use_id, ended_at, status, error):
        """The result of a call read earlier (another pass over the file): ``(id, tool_name,
        input)`` of the call it completes, or None when no such call is stored."""
        found = self.conn.execute(RESULT_UPDATE, (ended_at, ended_at, status, error,
                                                  session_id, tool_use_id)).fetchall()
        return tuple(found[0]) if found else None

    def merge_hook_calls(self, session_ids):
        """Fold Gemini hook calls (no id) into the chat file's call of the same tool and moment.

        Gemini's hooks send no tool call id, so the chat file's call (which has
        one) would be stored a second time. The chat file's row stays (it has
        the id, the input and the turn); it takes the hook's timing when it has
        none, and the hook row's files and git operation. Returns how many
        hook rows were folded.
        """
        conn = self.conn
        merged = 0
        for session_id in session_ids:
            rows = conn.execute(
                "select h.id, (select t.id from tool_calls t where t.session_id = h.session_id"
                "   and t.source = 'transcript' and t.tool_name = h.tool_name"
                "   and abs(julianday(t.started_at) - julianday(h.started_at)) * 86400 <= ?"
                "   and not exists (select 1 from tool_calls o where o.id != h.id and o.session_id = h.session_id"
                "     and o.source = 'hook' and o.tool_use_id = t.tool_use_id)"
                "   order by abs(julianday(t.started_at) - julianday(h.started_at)) limit 1)"
                " from tool_calls h join sessions s on s.id = h.session_id"
                " where h.session_id = ? and s.agent = ? and h.source = 'hook' and h.tool_use_id is null",
                (MERGE_SECONDS, session_id, GEMINI)).fetchall()
            for hook_id, transcript_id in rows:
                if transcript_id is None:
                    continue
                conn.execute(
                    "update tool_calls set ended_at = coalesce(ended_at, (select ended_at from tool_calls"
                    " where id = ?1)), duration_ms = coalesce(duration_ms, (select duration_ms from tool_calls"
                    " where id = ?1)) where id = ?2", (hook_id, transcript_id))
                conn.execute("update file_operations set tool_call_id = ? where tool_call_id = ?"
                             " and path not in (select path from file_operations where tool_call_id = ?)",
                             (transcript_id, hook_id, transcript_id))
                conn.execute("delete from file_operations where tool_call_id = ?", (hook_id,))
                conn.execute("update or ignore git_operations set tool_call_id = ? where tool_call_id = ?",
                             (transcript_id, hook_id))
                conn.execute("delete from git_operations where tool_call_id = ?", (hook_id,))
                conn.execute("delete from tool_calls where id = ?", (hook_id,))
                merged += 1
        return merged
