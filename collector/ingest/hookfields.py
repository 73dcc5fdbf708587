"""The types of the hook payload fields the session model reads, checked where a line is parsed.

Claude Code documents each hook's stdin; a field of the wrong type (a
``session_id`` that is a list, a ``tool_input`` that is a string) means the
line did not come from Claude Code as we know it. Such a line is one bad
line: the drain keeps it under ``errors/`` with the reason from ``check``
and goes on, instead of letting the model guess (or fail) on it.

Absent and ``null`` fields are allowed: older Claude Code versions send
fewer fields, and the model has a default for each.
"""

STR = (str,)
NUMBER = (int, float)

#: field -> accepted Python types (after JSON parsing). ``bool`` is an ``int``
#: subclass, so numbers refuse it explicitly below.
FIELDS = {
    "hook_event_name": STR,
    "session_id": STR,
    "cwd": STR,
    "transcript_path": STR,
    "agent_transcript_path": STR,
    "permission_mode": STR,
    "prompt": STR,
    "prompt_id": STR,
    "source": STR,
    "reason": STR,
    "trigger": STR,
    "tool_name": STR,
    "tool_use_id": STR,
    "agent_id": STR,
    "agent_type": STR,
    "notification_type": STR,
    "session_title": STR,
    "tool_input": (dict,),
    "duration_ms": NUMBER,
    "is_interrupt": (bool,),
    "stop_hook_active": (bool,),
}

_NAMES = {str: "a string", dict: "an object", bool: "true or false", int: "a number", float: "a number"}


def check(payload):
    """The reason ``payload`` (a parsed hook event) cannot be applied, or None."""
    if not isinstance(payload, dict):
        return "payload is not a JSON object"
    for field, types in FIELDS.items():
        value = payload.get(field)
        if value is None:
            continue
        if not isinstance(value, types) or (types is NUMBER and isinstance(value, bool)):
            return "field %s must be %s, not %s" % (field, _NAMES[types[0]], _json_type(value))
    return None


def _json_type(value):
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
