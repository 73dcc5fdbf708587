"""Hook events of Codex and Gemini CLI, in the session model's (Claude Code's) terms.

The hook script installed for another agent (``cctracker install --agent``)
tags each payload with ``cctracker_agent``; :func:`normalize` then maps the
event to the one Claude Code sends for the same moment, so the one session
model (:class:`collector.sessions.model.Model`) applies it. Codex's hooks engine
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
have one) would be stored a second time: the session model's
``merge_hook_calls`` (:mod:`collector.sessions.records`) folds each hook call
into the chat file's call of the same tool at the same moment.
"""

from .common import GEMINI

AGENT_KEY = "cctracker_agent"

GEMINI_EVENTS = {
    "SessionStart": "SessionStart", "SessionEnd": "SessionEnd", "BeforeAgent": "UserPromptSubmit",
    "AfterAgent": "Stop", "BeforeTool": "PreToolUse", "AfterTool": "PostToolUse",
    "PreCompress": "PreCompact", "Notification": "Notification",
}


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
