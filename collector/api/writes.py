"""Writes behind the founding spec's POST endpoints (sessions, conversation,
activity, waiting, git), in the same tables and with the same meanings as
the drain (``collector.model``), each in one transaction.

Text passes through the privacy rules (redaction, metadata mode) before it
is stored, as on the hook path. Functions take decoded Structs and return
plain dicts; unknown ids raise NotFound.
"""

import contextlib
import datetime
import hashlib
import math
import uuid as uuid_mod

import msgspec

from .. import db, gitops, projects, rollups, store, tools
from ..errors import InvalidInput, NotFound
from ..privacy import remote as privacy_remote
from ..timeutil import seconds_between
from .validate import iso, parse_stored
from ..db import write_transaction as _write_transaction

#: Context kept beside a wait (as the drain keeps it).
CONTEXT_CHARS = 200

#: Tool names whose file_path is read or changed in a known way.
FILE_OPERATIONS = {
    "Read": "read", "Write": "write", "Edit": "edit", "MultiEdit": "edit",
    "NotebookEdit": "notebook_edit", "Glob": "glob", "Grep": "grep",
}
KNOWN_OPERATIONS = frozenset(("read", "write", "create", "edit", "notebook_edit", "glob", "grep"))


@contextlib.contextmanager
def write_transaction(conn):
    """The write transaction, with the dashboard rollups recomputed before it commits."""
    with _write_transaction(conn):
        yield conn
        rollups.refresh(conn)


def _uid(kind, session_id, at, content):
    digest = hashlib.sha1(("%s|%s|%s|%s" % (kind, session_id, at, content)).encode(
        "utf-8", "surrogatepass")).hexdigest()
    return "api:" + digest[:32]


def session(conn, session_id):
    row = db.one(conn, "select * from sessions where id = ?", (session_id,))
    if row is None:
        raise NotFound("session", session_id)
    return row


def _touch(conn, session_id, at):
    conn.execute(
        "update sessions set last_event_at = max(coalesce(last_event_at, ''), ?) where id = ?",
        (at, session_id),
    )


def _response(row):
    return {"session_id": row["id"], "project_id": row["project_id"], "status": row["status"],
            "session_uuid": row["session_uuid"]}


# --- sessions ------------------------------------------------------------------------


def start_session(conn, privacy, body, at):
    """Open a session (or reopen Claude's session with the same UUID)."""
    directory = body.working_directory
    if privacy.excluded(directory):
        return {"session_id": None, "project_id": None, "status": "excluded", "session_uuid": None}
    projects.detect(directory)  # runs git outside the write transaction (cached)
    session_uuid = body.session_uuid or str(uuid_mod.uuid4())
    env = body.environment or {}

    def text(key):
        value = env.get(key)
        return value[:200] if isinstance(value, str) else None

    with write_transaction(conn):
        row = db.one(conn, "select * from sessions where session_uuid = ?", (session_uuid,))
        if row is not None:
            conn.execute(
                "update sessions set status = 'active', ended_at = null, end_reason = null,"
                " last_event_at = max(coalesce(last_event_at, ''), ?) where id = ?",
                (at, row["id"]),
            )
            return _response(session(conn, row["id"]))
        project_id = store.ensure_project(conn, directory, at=at)
        if body.git_repo:
            conn.execute("update projects set git_remote = coalesce(git_remote, ?) where id = ?",
                         (privacy_remote(body.git_repo), project_id))
        conn.execute(
            "insert into sessions (session_uuid, project_id, cwd, source, started_at, last_event_at,"
            " status, git_branch, model, claude_version, permission_mode)"
            " values (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
            (session_uuid, project_id, directory, body.session_type, at, at, body.git_branch,
             text("model"), text("claude_version"), text("permission_mode")),
        )
        return _response(session(conn, conn.last_insert_rowid()))


def end_session(conn, body, at):
    """Close a session with its reason; ending it again changes nothing."""
    with write_transaction(conn):
        row = session(conn, body.session_id)
        if row["status"] != "ended":
            conn.execute(
                "update sessions set status = 'ended', ended_at = ?, end_reason = ?,"
                " last_event_at = max(coalesce(last_event_at, ''), ?) where id = ?",
                (at, body.end_reason, at, row["id"]),
            )
            _close_turn(conn, row["id"], at, "session_end")
        return _response(session(conn, row["id"]))


# --- conversation --------------------------------------------------------------------


def _close_turn(conn, session_id, at, kind):
    turn = conn.execute(
        "select id, started_at from turns where session_id = ? and ended_at is null"
        " order by seq desc limit 1", (session_id,)).fetchone()
    if turn is None:
        return None
    conn.execute(
        "update turns set ended_at = ?, end_kind = ?, working_seconds = ?, permission_seconds = 0"
        " where id = ?",
        (at, kind, round(max(seconds_between(turn[1], at), 0.0), 6), turn[0]),
    )
    return turn[0]


def log_conversation(conn, privacy, body, at):
    """A prompt opens a turn; a reply ends the open turn. Re-posting changes nothing."""
    sid = body.session_id
    ids = []
    turn_id = None
    prompt = privacy.text(body.user_prompt) if body.user_prompt and body.user_prompt.strip() else None
    reply = (privacy.text(body.claude_response)
             if body.claude_response and body.claude_response.strip() else None)
    with write_transaction(conn):
        session(conn, sid)
        _touch(conn, sid, at)
        if body.user_prompt and body.user_prompt.strip():
            uid = _uid("prompt", sid, at, prompt)
            seen = conn.execute("select id, turn_id from messages where uid = ?", (uid,)).fetchone()
            if seen:
                ids.append(seen[0])
                turn_id = seen[1]
            else:
                _close_turn(conn, sid, at, "interrupted")
                seq = db.scalar(conn, "select coalesce(max(seq), 0) + 1 from turns where session_id = ?",
                                (sid,))
                conn.execute("insert into turns (session_id, seq, started_at) values (?, ?, ?)",
                             (sid, seq, at))
                turn_id = conn.last_insert_rowid()
                message = store.add_message(conn, uid=uid, session_id=sid, role="user", kind="prompt",
                                            content=prompt, created_at=at, turn_id=turn_id, source="api")
                if message:
                    ids.append(message)
        if body.claude_response and body.claude_response.strip():
            turn_id = turn_id or store.turn_at(conn, sid, at)
            uid = _uid("reply", sid, at, reply)
            if not conn.execute("select 1 from messages where uid = ?", (uid,)).fetchone():
                _close_turn(conn, sid, at, "stop")
            message = store.add_message(conn, uid=uid, session_id=sid, role="assistant", kind="reply",
                                        content=reply, created_at=at, turn_id=turn_id, source="api")
            if message:
                ids.append(message)
        store.index_messages(conn)
    return {"session_id": sid, "turn_id": turn_id, "message_ids": ids}


# --- activity ------------------------------------------------------------------------


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0 or value > 1e15:
        return None
    return value


def record_activity(conn, privacy, body, at):
    """One tool call (any tool name) and, with a file_path, its file operation."""
    sid = body.session_id
    meta = body.metadata or {}
    success = body.success if body.success is not None else body.error_message is None
    server, tool = tools.split_mcp(body.tool_name)
    summary = privacy.text(body.action) if body.action else body.file_path
    stored_input = msgspec.json.encode(privacy.payload(meta)).decode() if meta else None
    with write_transaction(conn):
        session(conn, sid)
        _touch(conn, sid, at)
        turn_id = store.turn_at(conn, sid, at)
        conn.execute(
            "insert into tool_calls (session_id, turn_id, tool_name, mcp_server, mcp_tool, started_at,"
            " ended_at, duration_ms, status, error, summary, input, source)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'api')",
            (sid, turn_id, body.tool_name, server, tool, at, at, _number(meta.get("duration_ms")),
             "ok" if success else "error", privacy.text(body.error_message),
             summary[:tools.SUMMARY_CHARS] if summary else None, stored_input),
        )
        call_id = conn.last_insert_rowid()
        file_id = None
        if body.file_path:
            action = (body.action or "").lower()
            operation = FILE_OPERATIONS.get(body.tool_name) or (
                action if action in KNOWN_OPERATIONS else "other")
            added = _number(meta.get("lines_added")) if success else 0
            removed = _number(meta.get("lines_removed")) if success else 0
            conn.execute(
                "insert into file_operations (tool_call_id, session_id, path, operation, lines_added,"
                " lines_removed, at) values (?, ?, ?, ?, ?, ?, ?)",
                (call_id, sid, body.file_path, operation, int(added or 0), int(removed or 0), at),
            )
            file_id = conn.last_insert_rowid()
    return {"id": call_id, "session_id": sid, "turn_id": turn_id, "file_operation_id": file_id}


# --- waiting -------------------------------------------------------------------------


def _wait(conn, wait_id):
    return db.one(
        conn,
        "select id, session_id, started_at, ended_at, duration_seconds, thinking_seconds,"
        " away_seconds from waits where id = ?",
        (wait_id,),
    )


def _context(privacy, text):
    text = privacy.text(text) if text else None
    return text[:CONTEXT_CHARS] if text else None


def start_waiting(conn, privacy, body, at):
    """Open a user wait; while one is open, starting again returns it."""
    sid = body.session_id
    with write_transaction(conn):
        session(conn, sid)
        _touch(conn, sid, at)
        open_id = db.scalar(conn, "select id from waits where session_id = ? and kind = 'user'"
                                  " and ended_at is null order by started_at desc limit 1", (sid,))
        if open_id is None:
            conn.execute(
                "insert into waits (session_id, turn_id, kind, started_at, context_before)"
                " values (?, ?, 'user', ?, ?)",
                (sid, store.turn_at(conn, sid, at), at, _context(privacy, body.context_before)),
            )
            open_id = conn.last_insert_rowid()
        return _wait(conn, open_id)


def end_waiting(conn, privacy, config, body, at):
    """Close the open user wait (its duration: given, else measured).

    With no open wait, a given ``duration_seconds`` records a closed one
    ending at ``timestamp``; without it there is nothing to end (404).
    """
    sid = body.session_id
    threshold = config.think_threshold_seconds
    with write_transaction(conn):
        session(conn, sid)
        row = conn.execute("select id, started_at from waits where session_id = ? and kind = 'user'"
                           " and ended_at is null order by started_at desc limit 1", (sid,)).fetchone()
        if row is None and body.duration_seconds is None:
            raise NotFound("open waiting period of session", sid)
        _touch(conn, sid, at)
        if row is None:
            try:
                start = parse_stored(at) - datetime.timedelta(seconds=body.duration_seconds)
            except OverflowError:
                raise InvalidInput("duration_seconds", "starts before year 1") from None
            conn.execute("insert into waits (session_id, turn_id, kind, started_at) values (?, ?, 'user', ?)",
                         (sid, store.turn_at(conn, sid, at), iso(start, "duration_seconds")))
            row = (conn.last_insert_rowid(), None)
        duration = body.duration_seconds
        if duration is None:
            duration = max(seconds_between(row[1], at), 0.0)
        thinking = min(duration, threshold)
        conn.execute(
            "update waits set ended_at = ?, duration_seconds = ?, thinking_seconds = ?,"
            " away_seconds = ?, context_after = ? where id = ?",
            (at, round(duration, 6), round(thinking, 6), round(duration - thinking, 6),
             _context(privacy, body.context_after), row[0]),
        )
        return _wait(conn, row[0])


# --- git -----------------------------------------------------------------------------


def record_git(conn, privacy, body, at):
    """A git operation; a commit whose ``[branch sha]`` line is in ``result`` becomes a commit row."""
    sid = body.session_id
    parsed = gitops.parse_commit_output(body.result) if body.operation in gitops.COMMITTING else None
    sha = parsed[1] if parsed else None
    with write_transaction(conn):
        row = session(conn, sid)
        _touch(conn, sid, at)
        conn.execute(
            "insert into git_operations (session_id, turn_id, operation, command, result, commit_sha, at)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            (sid, store.turn_at(conn, sid, at), body.operation, privacy.text(body.command),
             privacy.text(body.result[:gitops.RESULT_MAX_CHARS] if body.result else None), sha, at),
        )
        op_id = conn.last_insert_rowid()
        commit_id = None
        if sha and row["project_id"] is not None:
            files = sorted(set(body.files_changed or ()))
            conn.execute(
                "insert into commits (project_id, session_id, sha, committed_at, subject, files_changed,"
                " lines_added, lines_removed) values (?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (project_id, sha) do nothing",
                (row["project_id"], sid, sha, at, privacy.text(parsed[2]), len(files),
                 body.lines_added or 0, body.lines_removed or 0),
            )
            commit_id = db.scalar(conn, "select id from commits where project_id = ? and sha = ?",
                                  (row["project_id"], sha))
            conn.executemany(
                "insert into commit_files (commit_id, path) values (?, ?) on conflict do nothing",
                [(commit_id, path) for path in files],
            )
    return {"id": op_id, "session_id": sid, "commit_sha": sha, "commit_id": commit_id}
