"""The founding spec's POST endpoints (sessions, conversation, activity, waiting, git) as events.

Each request becomes the events it stands for, applied by the one session
model (:class:`collector.sessions.model.Model`) in one transaction: a session start is
``SessionStart``, a prompt ``UserPromptSubmit``, a reply ``Stop``, an activity
``PostToolUse`` (or ``PostToolUseFailure``), and the three things hooks never
report are the model's *reported* events (``WaitingStart``, ``WaitingEnd``,
``GitOperation``). So turns, waits and tool calls follow the same rules
whichever way they came in. What is left here: validating what the model
cannot (unknown ids are 404), the privacy rules on the text before it becomes
an event, and the response shapes, read back from the rows.

Functions take the resource context, a decoded Struct and the event time.
"""

import contextlib
import datetime
import hashlib
import math
import uuid as uuid_mod

from ..errors import InvalidInput, NotFound
from ..privacy.policy import remote as privacy_remote
from ..sessions import projects, store, tools
from ..sessions.model import Model
from ..storage import db, rollups
from ..storage.db import write_transaction as _write_transaction
from .validate import iso, parse_stored


@contextlib.contextmanager
def _applying(ctx):
    """A write transaction with a model for the request; flushed, indexed and rolled up before commit."""
    conn = ctx.db()
    with _write_transaction(conn):
        model = Model(conn, ctx.config, source="api")
        yield conn, model
        model.flush()
        store.index_messages(conn)
        rollups.refresh(conn)


def _event_id(kind, session_id, at, content):
    """Same request, same id: re-posting a prompt or reply finds its message and adds nothing."""
    digest = hashlib.sha1(("%s|%s|%s|%s" % (kind, session_id, at, content)).encode(
        "utf-8", "surrogatepass")).hexdigest()
    return digest[:32]


def session(conn, session_id):
    row = db.one(conn, "select * from sessions where id = ?", (session_id,))
    if row is None:
        raise NotFound("session", session_id)
    return row


def _response(row):
    return {"session_id": row["id"], "project_id": row["project_id"], "status": row["status"],
            "session_uuid": row["session_uuid"]}


def _event(name, row, **fields):
    return {"hook_event_name": name, "session_id": row["session_uuid"], **fields}


# --- sessions ------------------------------------------------------------------------


def start_session(ctx, body, at):
    """Open a session (or reopen Claude's session with the same UUID)."""
    directory = body.working_directory
    if ctx.privacy.excluded(directory):
        return {"session_id": None, "project_id": None, "status": "excluded", "session_uuid": None}
    projects.detect(directory)  # runs git outside the write transaction (cached)
    env = body.environment or {}

    def text(key):
        value = env.get(key)
        return value[:200] if isinstance(value, str) else None

    uuid = body.session_uuid or str(uuid_mod.uuid4())
    event = {"hook_event_name": "SessionStart", "session_id": uuid, "cwd": directory,
             "source": body.session_type, "model": text("model"), "permission_mode": text("permission_mode"),
             "claude_version": text("claude_version"), "git_branch": body.git_branch,
             "git_remote": privacy_remote(body.git_repo) if body.git_repo else None}
    with _applying(ctx) as (conn, model):
        session_id = model.apply(uuid_mod.uuid4().hex, at, event, reported=True)
    return _response(session(conn, session_id))


def end_session(ctx, body, at):
    """Close a session with its reason; ending it again changes nothing."""
    with _applying(ctx) as (conn, model):
        row = session(conn, body.session_id)
        if row["status"] != "ended":
            model.apply(uuid_mod.uuid4().hex, at, _event("SessionEnd", row, reason=body.end_reason), reported=True)
    return _response(session(conn, row["id"]))


# --- conversation --------------------------------------------------------------------


def log_conversation(ctx, body, at):
    """A prompt is ``UserPromptSubmit``, a reply ``Stop``. Re-posting changes nothing."""
    privacy = ctx.privacy
    prompt = privacy.text(body.user_prompt) if body.user_prompt and body.user_prompt.strip() else None
    reply = (privacy.text(body.claude_response)
             if body.claude_response and body.claude_response.strip() else None)
    ids, turn_id = [], None
    with _applying(ctx) as (conn, model):
        row = session(conn, body.session_id)
        for kind, name, field, content in (("prompt", "UserPromptSubmit", "prompt", prompt),
                                           ("reply", "Stop", "last_assistant_message", reply)):
            if not content:
                continue
            event_id = _event_id(kind, row["id"], at, content)
            if db.scalar(conn, "select id from messages where uid = ?", (model.uid(event_id),)) is None:
                model.apply(event_id, at, _event(name, row, **{field: content}), reported=True)
            found = db.one(conn, "select id, turn_id from messages where uid = ?", (model.uid(event_id),))
            if found:  # a twin from a transcript keeps its own row (and uid)
                ids.append(found["id"])
                turn_id = found["turn_id"] if kind == "prompt" or turn_id is None else turn_id
            elif kind == "prompt":
                turn_id = db.scalar(conn, "select id from turns where session_id = ? and started_at = ?"
                                          " order by seq desc limit 1", (row["id"], at))
    return {"session_id": row["id"], "turn_id": turn_id, "message_ids": ids}


# --- activity ------------------------------------------------------------------------


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0 or value > 1e15:
        return None
    return value


def record_activity(ctx, body, at):
    """A finished tool call (any tool name) and, with a file_path, its file operation."""
    privacy = ctx.privacy
    meta = body.metadata or {}
    success = body.success if body.success is not None else body.error_message is None
    tool_input = dict(privacy.payload(meta)) if meta else {}
    if body.action:
        tool_input["description"] = privacy.text(body.action)
    files = None
    if body.file_path:
        tool_input["file_path"] = body.file_path
        files = [(body.file_path, tools.reported_operation(body.tool_name, body.file_path, body.action),
                  int(_number(meta.get("lines_added")) or 0), int(_number(meta.get("lines_removed")) or 0))]
    event = {"tool_name": body.tool_name, "tool_input": tool_input, "files": files,
             "duration_ms": _number(meta.get("duration_ms"))}
    if not success:
        event["error"] = privacy.text(body.error_message)
    with _applying(ctx) as (conn, model):
        row = session(conn, body.session_id)
        model.apply(uuid_mod.uuid4().hex, at, _event("PostToolUse" if success else "PostToolUseFailure", row,
                                                      **event), reported=True)
        call_id, file_ids = model.last_call
        turn_id = db.scalar(conn, "select turn_id from tool_calls where id = ?", (call_id,))
    return {"id": call_id, "session_id": row["id"], "turn_id": turn_id,
            "file_operation_id": file_ids[0] if file_ids else None}


# --- waiting -------------------------------------------------------------------------


def _wait(conn, wait_id):
    return db.one(
        conn,
        "select id, session_id, started_at, ended_at, duration_seconds, thinking_seconds,"
        " away_seconds from waits where id = ?",
        (wait_id,),
    )


def start_waiting(ctx, body, at):
    """Open a user wait; while one is open, starting again returns it."""
    context = ctx.privacy.text(body.context_before) if body.context_before else None
    with _applying(ctx) as (conn, model):
        row = session(conn, body.session_id)
        model.apply(uuid_mod.uuid4().hex, at, _event("WaitingStart", row, context_before=context), reported=True)
        return _wait(conn, model.last_wait)


def end_waiting(ctx, body, at):
    """Close the open user wait (its duration: given, else measured).

    With no open wait, a given ``duration_seconds`` records a closed one
    ending at ``timestamp``; without it there is nothing to end (404).
    """
    context = ctx.privacy.text(body.context_after) if body.context_after else None
    event = {"context_after": context, "duration_seconds": body.duration_seconds}
    if body.duration_seconds is not None:
        try:
            start = parse_stored(at) - datetime.timedelta(seconds=body.duration_seconds)
        except OverflowError:
            raise InvalidInput("duration_seconds", "starts before year 1") from None
        event["started_at"] = iso(start, "duration_seconds")
    with _applying(ctx) as (conn, model):
        row = session(conn, body.session_id)
        if body.duration_seconds is None and db.scalar(
                conn, "select 1 from waits where session_id = ? and kind = 'user' and ended_at is null",
                (row["id"],)) is None:
            raise NotFound("open waiting period of session", row["id"])
        model.apply(uuid_mod.uuid4().hex, at, _event("WaitingEnd", row, **event), reported=True)
        return _wait(conn, model.last_wait)


# --- git -----------------------------------------------------------------------------


def record_git(ctx, body, at):
    """A git operation; a commit whose ``[branch sha]`` line is in ``result`` becomes a commit row."""
    privacy = ctx.privacy
    event = {"operation": body.operation, "command": privacy.text(body.command),
             "result": privacy.text(body.result), "files_changed": body.files_changed,
             "lines_added": body.lines_added, "lines_removed": body.lines_removed}
    with _applying(ctx) as (conn, model):
        row = session(conn, body.session_id)
        model.apply(uuid_mod.uuid4().hex, at, _event("GitOperation", row, **event), reported=True)
        op_id, sha, commit_id = model.last_git
    return {"id": op_id, "session_id": row["id"], "commit_sha": sha, "commit_id": commit_id}
