"""Hook events of Codex and Gemini CLI, in the session model's (Claude Code's) terms.

The hook script installed for another agent (``cctracker install --agent``)
tags each payload with ``cctracker_agent``; :func:`normalize` then maps the
event to the one Claude Code sends for the same moment, so the one session
model (:class:`collector.model.Model`) applies it. Codex's hooks engine
(0.114+) already uses Claude's names and payloads. Gemini CLI's differ:

=============  ====================  ==========================================
Gemini         Session model         Notes
=============  ====================  ==========================================
SessionStart   SessionStart          ``source``: startup, resume, clear
SessionEnd     SessionEnd            ``reason``
BeforeAgent    UserPromptSubmit      ``prompt``
AfterAgent     Stop                  ``prompt_response`` is the last message
BeforeTool     PreToolUse            no tool call id: paired by tool name
AfterTool      PostToolUse(Failure)  a failure carries ``tool_response.error``
PreCompress    PreCompact            ``trigger``: auto, manual
Notification   Notification          ``ToolPermission`` opens a permission wait
=============  ====================  ==========================================

Gemini's hook calls carry no tool call id, so the chat file's calls (which
have one) would be stored a second time: :func:`merge_hook_calls` folds each
hook call into the chat file's call of the same tool at the same moment.
"""

from .common import GEMINI

AGENT_KEY = "cctracker_agent"

GEMINI_EVENTS = {
    "SessionStart": "SessionStart", "SessionEnd": "SessionEnd", "BeforeAgent": "UserPromptSubmit",
    "AfterAgent": "Stop", "BeforeTool": "PreToolUse", "AfterTool": "PostToolUse",
    "PreCompress": "PreCompact", "Notification": "Notification",
}

#: A hook call and the chat file's record of it start this close (the hook fires first).
MERGE_SECONDS = 10


def agent_of(payload):
    agent = payload.get(AGENT_KEY)
    return agent if isinstance(agent, str) and agent else None


def normalize(payload):
    """The payload as the session model reads it (the same dict when nothing changes)."""
    if agent_of(payload) != GEMINI:
        return payload
    p = dict(payload)
    name = p.get("hook_event_name")
    mapped = GEMINI_EVENTS.get(name) if isinstance(name, str) else None
    # An event with no counterpart (BeforeModel, ...) keeps a name no handler has.
    p["hook_event_name"] = mapped or "Gemini" + str(name)
    if mapped == "Stop" and isinstance(p.get("prompt_response"), str):
        p.setdefault("last_assistant_message", p["prompt_response"])
    if mapped == "PostToolUse":
        response = p.get("tool_response")
        error = response.get("error") if isinstance(response, dict) else None
        if error:
            p["hook_event_name"] = "PostToolUseFailure"
            p["error"] = error if isinstance(error, str) else (
                error.get("message") if isinstance(error, dict) and isinstance(error.get("message"), str)
                else str(error))
    if mapped == "Notification" and p.get("notification_type") == "ToolPermission":
        p["notification_type"] = "permission_prompt"
    return p


def merge_hook_calls(conn, session_ids):
    """Fold Gemini hook calls (no id) into the chat file's call of the same tool and moment.

    The chat file's row stays (it has the id, the input and the turn); it takes
    the hook's timing when it has none. Returns how many hook rows were folded.
    """
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
