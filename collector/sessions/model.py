"""The session model: what each hook event means for sessions, turns, tools and waits.

Definitions (also in docs/metrics.md):

- A **turn** is a prompt and everything until Claude stops: ``Stop`` or
  ``StopFailure`` end it; a turn that is still open when the next prompt or
  ``SessionEnd`` arrives was **interrupted** and ends at its last event.
- A **permission wait** runs from ``PermissionRequest`` (or, on versions
  without it, a ``permission_prompt`` Notification) to that tool's post event.
- A **user wait** runs from the moment Claude is done (session start, Stop,
  StopFailure, an interruption, the end of a manual compaction) to the
  user's next action (a prompt, a manual ``/compact``, ``SessionEnd``). Up
  to the think threshold it is *thinking*, the rest is *away*. Notifications
  are hints only (``idle_prompt`` fires ~60 s late) and never start a wait.
- **Claude working** for a turn = its end minus its start minus its permission waits.

State lives in the database (open turn, open waits, pending tool calls), so
a drain can stop anywhere and the next one carries on.

Every way in is an event applied here: hook events from the drain and
``POST /api/events``, and the founding spec's REST writes
(``collector.api.writes``), which become the hook events they stand for
(``SessionStart``, ``UserPromptSubmit``, ``Stop``, ``PostToolUse``, ...) plus
three *reported* events hooks never send: ``WaitingStart`` / ``WaitingEnd``
(the user's wait, as a client measured it) and ``GitOperation``. Reported
events (and a reported call's own ``files``) are only taken from a caller
that says so (``apply(..., reported=True)``), never from a hook payload.
Transcripts, read in bulk with each line's own time, go through this model's
record operations (:class:`collector.sessions.records.RecordEvents`).
"""

from ..agents import events as agent_events
from ..times.utc import seconds_between
from ..transcripts.lines import classify_typed_prompt, title_from_prompt
from . import store
from .records import RecordEvents
from .tool_calls import _text, CONTEXT_CHARS, ToolEvents


class Model(RecordEvents, ToolEvents):
    """Applies hook events to the database inside the caller's transaction.

    Payloads arrive already cleaned by the privacy rules (secrets redacted,
    or content removed in metadata mode), so nothing here sees a secret.
    """

    #: Events only a reporting client (the REST API) sends; a hook payload naming one is ignored.
    REPORTED = frozenset(("WaitingStart", "WaitingEnd", "GitOperation"))

    def __init__(self, conn, config, on_commit=None, on_transcript=None, source="hook"):
        self.conn = conn
        self.source = source                # messages' and tool calls' source column, and their uid prefix
        self.reported = False               # applying a reported event (see apply)
        self.last_call = None               # (tool call id, [file operation ids]) of the last finished call
        self.last_wait = None               # id of the last user wait opened or closed
        self.config = config
        self.threshold = config.think_threshold_seconds
        self.on_commit = on_commit          # (project_id, session_id) after a git commit
        self.on_transcript = on_transcript  # (session_id, session_uuid, path, agent_id)
        self.sessions = {}                  # session_uuid -> state, for this batch
        self.pending = {}                   # (session_id, tool_use_id) -> started call
        self.turns = {}                     # session_id -> (id, started_at) of its open turn, or None
        self.permission = {}                # session_id -> its open permission waits (see _permission_waits)
        self.git_ops = {}                   # command -> gitops.classify(command), when known already

    def forget(self):
        """Drop what was read from the database (after a rolled-back event)."""
        self.turns.clear()
        self.permission.clear()

    # --- entry point ---------------------------------------------------------

    def apply(self, event_id, at, payload, project_dir=None, reported=False):
        # Codex and Gemini CLI events arrive tagged by their hook; Gemini's get Claude's names.
        payload = agent_events.normalize(payload)
        name = payload.get("hook_event_name")
        uuid = payload.get("session_id")
        if not isinstance(uuid, str) or not uuid:
            return None
        if name == "Status":
            # A statusLine payload (cctracker_client.statusline): figures, not
            # activity; it neither opens nor keeps alive a session.
            from ..usage.limits import record_status

            record_status(self.conn, at, payload)
            return None
        session_id = self._session(uuid, payload, at, project_dir, name)
        handler = getattr(self, "on_" + name, None) if isinstance(name, str) else None
        if handler is not None and (reported or name not in self.REPORTED):
            self.reported = reported
            try:
                handler(session_id, event_id, at, payload)
            finally:
                self.reported = False
        return session_id

    def uid(self, event_id):
        return "%s:%s" % (self.source, event_id)

    def _session(self, uuid, payload, at, project_dir, name):
        state = self.sessions.get(uuid)
        cwd = _text(payload.get("cwd"))
        transcript = _text(payload.get("transcript_path"))
        if state is None:
            source = payload.get("source") if name == "SessionStart" else "hook"
            session_id, _ = store.ensure_session(
                self.conn, uuid, cwd=cwd, at=at, source=source if isinstance(source, str) else "hook",
                project_dir=project_dir, transcript_path=transcript)
            agent = agent_events.agent_of(payload)
            if agent:
                self.conn.execute("update sessions set agent = ? where id = ? and agent != ?",
                                  (agent, session_id, agent))
            status = self.conn.execute("select status from sessions where id = ?", (session_id,)).fetchone()[0]
            state = self.sessions[uuid] = {"id": session_id, "status": status, "at": at,
                                           "mode": None, "transcript": None, "cwd": None}
        if state["status"] == "ended" and name != "SessionEnd":
            # Any event after the end (a resume, a timed-out session coming
            # back) opens the session again.
            self.conn.execute("update sessions set status = 'active', ended_at = null, end_reason = null"
                              " where id = ?", (state["id"],))
            state["status"] = "active"
        # Session columns that change with every event are written once per
        # batch by flush(): one update per session instead of one per event.
        state["at"] = max(state["at"], at)
        state["mode"] = _text(payload.get("permission_mode")) or state["mode"]
        state["transcript"] = state["transcript"] or transcript
        state["cwd"] = state["cwd"] or cwd
        return state["id"]

    def flush(self):
        """Write what the batch kept in memory: started calls and per-session columns."""
        self.flush_pending()
        self.conn.executemany(
            "update sessions set last_event_at = max(coalesce(last_event_at, ''), ?),"
            " permission_mode = coalesce(?, permission_mode), transcript_path = coalesce(transcript_path, ?),"
            " cwd = coalesce(cwd, ?) where id = ?",
            [(s["at"], s["mode"], s["transcript"], s["cwd"], s["id"]) for s in self.sessions.values()],
        )

    def _ended(self, session_id):
        for state in self.sessions.values():
            if state["id"] == session_id:
                state["status"] = "ended"

    # --- sessions ------------------------------------------------------------

    def on_SessionStart(self, session_id, event_id, at, p):
        model = p.get("model") if isinstance(p.get("model"), str) else None
        title = p.get("session_title") if isinstance(p.get("session_title"), str) else None
        # Hooks send neither branch nor version; a reporting client may.
        self.conn.execute(
            "update sessions set model = coalesce(model, ?),"
            " git_branch = coalesce(git_branch, ?), claude_version = coalesce(claude_version, ?) where id = ?",
            (model, _text(p.get("git_branch")), _text(p.get("claude_version")), session_id),
        )
        store.set_title(self.conn, session_id, title, "hook")
        remote = _text(p.get("git_remote"))
        if remote:
            self.conn.execute("update projects set git_remote = coalesce(git_remote, ?)"
                              " where id = (select project_id from sessions where id = ?)", (remote, session_id))
        if self._open_turn(session_id) is None:
            self._start_user_wait(session_id, at, "session start (%s)" % p.get("source", "?"))

    def on_SessionEnd(self, session_id, event_id, at, p):
        self._interrupt_open_turn(session_id, at)
        self._end_user_wait(session_id, at, "session end")
        reason = p.get("reason") if isinstance(p.get("reason"), str) else "other"
        self.conn.execute(
            "update sessions set status = 'ended', ended_at = ?, end_reason = ? where id = ?",
            (at, reason, session_id),
        )
        self._ended(session_id)
        self._close_permission_waits(session_id, at)
        self._transcript(session_id, p.get("transcript_path"))
        if self.on_commit:
            project_id = self.conn.execute(
                "select project_id from sessions where id = ?", (session_id,)).fetchone()[0]
            self.on_commit(project_id, session_id)

    # --- turns ---------------------------------------------------------------

    def on_UserPromptSubmit(self, session_id, event_id, at, p):
        conn = self.conn
        prompt = p.get("prompt") if isinstance(p.get("prompt"), str) else ""
        # An open turn here was interrupted (Esc): it ends at its last event
        # and the user's wait runs from there to this prompt.
        self._interrupt_open_turn(session_id, at)
        self._end_user_wait(session_id, at, prompt[:CONTEXT_CHARS])
        seq = conn.execute(
            "select coalesce(max(seq), 0) + 1 from turns where session_id = ?", (session_id,)
        ).fetchone()[0]
        prompt_id = p.get("prompt_id") if isinstance(p.get("prompt_id"), str) else None
        conn.execute(
            "insert into turns (session_id, seq, prompt_id, started_at) values (?, ?, ?, ?)",
            (session_id, seq, prompt_id, at),
        )
        turn_id = conn.last_insert_rowid()
        self.turns[session_id] = (turn_id, at)
        # The transcript's rules: a typed /command is a command, injected
        # context (IDE blocks, reminders) is kept beside what was typed.
        kind, text, context = classify_typed_prompt(prompt) if prompt.strip() else (None, None, None)
        if kind == "command":
            store.add_message(conn, uid=self.uid(event_id), session_id=session_id, role="user",
                              kind="command", content=text, created_at=at, turn_id=turn_id, source=self.source)
        elif kind == "prompt" and _text(text):
            store.add_message(conn, uid=self.uid(event_id), session_id=session_id, role="user",
                              kind="prompt", content=text, created_at=at, turn_id=turn_id, source=self.source)
            store.set_title(conn, session_id, title_from_prompt(text), "prompt")
        if context:
            store.add_message(conn, uid=self.uid(event_id) + ":context", session_id=session_id, role="user",
                              kind="context", content="\n\n".join(context), created_at=at, turn_id=turn_id,
                              source=self.source)

    def on_Stop(self, session_id, event_id, at, p):
        self._end_turn(session_id, at, "stop", None, p.get("last_assistant_message"), event_id)
        self._transcript(session_id, p.get("transcript_path"))

    def on_StopFailure(self, session_id, event_id, at, p):
        error = p.get("error") if isinstance(p.get("error"), str) else "unknown"
        self._end_turn(session_id, at, "stop_failure", error, None, event_id)
        self._transcript(session_id, p.get("transcript_path"))

    def on_PreCompact(self, session_id, event_id, at, p):
        if p.get("trigger") == "manual":
            self._end_user_wait(session_id, at, "/compact")

    def _open_turn(self, session_id):
        # Asked several times per event: read once per batch, then kept up to
        # date by the two places that open and close turns.
        try:
            return self.turns[session_id]
        except KeyError:
            pass
        turn = self.turns[session_id] = self.conn.execute(
            "select id, started_at from turns where session_id = ? and end_kind is null"
            " order by seq desc limit 1",
            (session_id,),
        ).fetchone()
        return turn

    def _end_turn(self, session_id, at, kind, error, reply, event_id):
        conn = self.conn
        turn = self._open_turn(session_id)
        if turn is not None:
            self._close_turn(turn[0], turn[1], at, kind, error)
            self.turns[session_id] = None
        turn_id = turn[0] if turn else store.turn_at(conn, session_id, at)
        text = _text(reply) if isinstance(reply, str) else None
        if text:
            store.add_message(conn, uid=self.uid(event_id), session_id=session_id,
                              role="assistant", kind="reply", content=text, created_at=at,
                              turn_id=turn_id, source=self.source)
        self._start_user_wait(session_id, at, (reply or "")[:CONTEXT_CHARS] if text else None)

    def _close_turn(self, turn_id, started_at, ended_at, kind, error=None):
        # Calls that never got a post event: refused in the permission dialog
        # (their wait is still open), cut off by the interruption, or unknown.
        self.flush_pending()
        self.conn.execute(
            "update tool_calls set status = case"
            " when exists (select 1 from waits w where w.turn_id = :turn and w.kind = 'permission'"
            "   and w.ended_at is null and w.tool_use_id = tool_calls.tool_use_id) then 'rejected'"
            " when :kind = 'interrupted' then 'interrupted' else 'no_result' end"
            " where turn_id = :turn and status = 'pending' and tool_name not in ('Agent', 'Task')",
            {"turn": turn_id, "kind": kind},
        )
        self.conn.execute(
            "update waits set ended_at = :at, duration_seconds = max(0, (julianday(:at) - julianday(started_at)) * 86400)"
            " where turn_id = :turn and kind = 'permission' and ended_at is null",
            {"turn": turn_id, "at": ended_at},
        )
        for waits in self.permission.values():
            waits[:] = [w for w in waits if w[4] != turn_id]
        permission = self.conn.execute(
            "select coalesce(sum(duration_seconds), 0) from waits where turn_id = ?"
            " and kind = 'permission' and ended_at is not null",
            (turn_id,),
        ).fetchone()[0]
        wall = max(seconds_between(started_at, ended_at), 0.0)
        self.conn.execute(
            "update turns set ended_at = ?, end_kind = ?, stop_error = ?, working_seconds = ?,"
            " permission_seconds = ? where id = ?",
            (ended_at, kind, error, round(max(wall - permission, 0.0), 6), round(permission, 6), turn_id),
        )

    def _interrupt_open_turn(self, session_id, at):
        """Close a turn that never got its Stop: it ended at its last event."""
        turn = self._open_turn(session_id)
        if turn is None:
            return False
        self.flush_pending(session_id)
        last = self.conn.execute(
            "select max(t) from (select max(coalesce(ended_at, started_at)) as t from tool_calls"
            " where turn_id = :turn union all select max(created_at) from messages where turn_id = :turn"
            " union all select max(ended_at) from waits where turn_id = :turn"
            " union all select max(at) from git_operations where turn_id = :turn)",
            {"turn": turn[0]},
        ).fetchone()[0]
        end = last if last and last <= at else turn[1]
        self._close_turn(turn[0], turn[1], max(end, turn[1]), "interrupted")
        self.turns[session_id] = None
        self._close_permission_waits(session_id, end)
        self._start_user_wait(session_id, end, "interrupted")
        return True

    # --- waits ---------------------------------------------------------------

    def clear_user_waits(self, session_id):
        """Drop a session's user waits before they are replayed from its turns.

        Only for a session its transcript owns (collector.transcripts.timing): a
        re-read that extended a turn moves the wait after it.
        """
        self.conn.execute("delete from waits where session_id = ? and kind = 'user'", (session_id,))

    def _start_user_wait(self, session_id, at, context):
        conn = self.conn
        found = conn.execute("select id from waits where session_id = ? and kind = 'user' and ended_at is null",
                             (session_id,)).fetchone()
        if found:
            self.last_wait = found[0]
            return
        turn_id = store.turn_at(conn, session_id, at)
        conn.execute(
            "insert into waits (session_id, turn_id, kind, started_at, context_before)"
            " values (?, ?, 'user', ?, ?)",
            (session_id, turn_id, at, _text(context)[:CONTEXT_CHARS] if _text(context) else None),
        )
        self.last_wait = conn.last_insert_rowid()

    def _end_user_wait(self, session_id, at, context, duration=None):
        """Close the open user wait at ``at``: measured, or ``duration`` when a client measured it."""
        conn = self.conn
        row = conn.execute(
            "select id, started_at from waits where session_id = ? and kind = 'user'"
            " and ended_at is null order by started_at desc limit 1",
            (session_id,),
        ).fetchone()
        if row is None:
            return None
        if duration is None:
            duration = max(seconds_between(row[1], at), 0.0)
        thinking = min(duration, self.threshold)
        conn.execute(
            "update waits set ended_at = ?, duration_seconds = ?, thinking_seconds = ?,"
            " away_seconds = ?, context_after = ? where id = ?",
            (at, round(duration, 6), round(thinking, 6), round(duration - thinking, 6),
             _text(context)[:CONTEXT_CHARS] if _text(context) else None, row[0]),
        )
        self.last_wait = row[0]
        return row[0]

    def on_WaitingStart(self, session_id, event_id, at, p):
        """Reported: the user's wait began (a wait already open is that wait)."""
        self._start_user_wait(session_id, at, p.get("context_before"))

    def on_WaitingEnd(self, session_id, event_id, at, p):
        """Reported: the user's wait ended at ``at``, lasting ``duration_seconds`` when sent.

        With no wait open, a duration makes a closed wait ending at ``at``.
        """
        duration = p.get("duration_seconds")
        if not isinstance(duration, (int, float)) or isinstance(duration, bool):
            duration = None
        if self._end_user_wait(session_id, at, p.get("context_after"), duration) is None and duration is not None:
            self._start_user_wait(session_id, p["started_at"], None)
            self._end_user_wait(session_id, at, p.get("context_after"), duration)

    def _permission_waits(self, session_id):
        """The session's open permission waits, ``[id, started_at, tool_use_id, tool name, turn_id]``.

        Every finished tool call asks: read once per batch, then kept up to
        date where waits open and close (the rows are still written at once).
        """
        waits = self.permission.get(session_id)
        if waits is None:
            waits = self.permission[session_id] = [list(row) for row in self.conn.execute(
                "select id, started_at, tool_use_id, context_before, turn_id from waits"
                " where session_id = ? and kind = 'permission' and ended_at is null order by id",
                (session_id,))]
        return waits

    def _close_permission_waits(self, session_id, at, tool_use_id=None, tool_name=None):
        waits = self._permission_waits(session_id)
        if not waits:
            return
        if tool_use_id is None and tool_name is None:
            rows = list(waits)
        else:
            rows = [w for w in waits if (tool_use_id is not None and w[2] == tool_use_id)
                    or (w[2] is None and tool_name is not None and w[3] == tool_name)]
        for row in rows:
            waits.remove(row)
            wait_id, started = row[0], row[1]
            end = max(at, started)
            self.conn.execute(
                "update waits set ended_at = ?, duration_seconds = ? where id = ?",
                (end, round(seconds_between(started, end), 6), wait_id),
            )

    def on_PermissionRequest(self, session_id, event_id, at, p):
        name = p.get("tool_name") if isinstance(p.get("tool_name"), str) else "?"
        # No tool_use_id on this event: it is the newest pending call of that
        # tool (with the same input when we can tell).
        pending = self._newest_pending(session_id, (name,), 5)
        wanted = self._input_json(p.get("tool_input"))
        match = next((r[0] for r in pending if r[1] == wanted), pending[0][0] if pending else None)
        self._open_permission_wait(session_id, at, match, name)

    def on_Notification(self, session_id, event_id, at, p):
        if p.get("notification_type") != "permission_prompt":
            return
        # Versions before PermissionRequest: the prompt notice is the only sign.
        if self._permission_waits(session_id):
            return
        self.flush_pending(session_id)
        pending = self.conn.execute(
            "select tool_use_id, tool_name from tool_calls where session_id = ? and status = 'pending'"
            " order by started_at desc, id desc limit 1", (session_id,)).fetchone()
        if pending:
            self._open_permission_wait(session_id, at, pending[0], pending[1])

    def _open_permission_wait(self, session_id, at, tool_use_id, tool_name):
        turn = self._open_turn(session_id)
        self.conn.execute(
            "insert into waits (session_id, turn_id, kind, started_at, tool_use_id, context_before)"
            " values (?, ?, 'permission', ?, ?, ?)",
            (session_id, turn[0] if turn else None, at, tool_use_id, tool_name),
        )
        if session_id in self.permission:
            self.permission[session_id].append([self.conn.last_insert_rowid(), at, tool_use_id, tool_name,
                                                turn[0] if turn else None])

    def _transcript(self, session_id, path, agent_id=None):
        if self.on_transcript and isinstance(path, str) and path:
            self.on_transcript(session_id, path, agent_id)
