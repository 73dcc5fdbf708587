"""What a tool call did: its one-line summary, the files it touched, lines changed.

Hook payloads (``tool_input`` / ``tool_response``) and transcripts
(``tool_use.input`` / ``toolUseResult``) carry the same shapes, so the drain
and the transcript reader both describe tool calls through this module.
Tool names are open-ended: unknown tools get a summary and no file rows.
"""

SUBAGENT_TOOLS = ("Agent", "Task")

#: Summaries are for lists and search; the full input is kept beside them.
SUMMARY_CHARS = 500


def split_mcp(tool_name):
    """``mcp__server__tool`` -> (server, tool); anything else -> (None, None)."""
    if not tool_name.startswith("mcp__"):
        return None, None
    rest = tool_name[5:]
    server, sep, tool = rest.partition("__")
    if not sep:
        return rest or None, None
    return server, tool


def summary(tool_name, tool_input):
    """The one thing worth showing about a call: command, path, pattern or url."""
    if not isinstance(tool_input, dict):
        return None
    for key in ("command", "file_path", "notebook_path", "pattern", "url", "query",
                "description", "skill", "prompt"):
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            if key == "pattern" and isinstance(tool_input.get("path"), str):
                value = "%s in %s" % (value, tool_input["path"])
            return value[:SUMMARY_CHARS]
    return None


def _lines(text):
    if not isinstance(text, str) or not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _patch_counts(patch):
    added = removed = 0
    if isinstance(patch, list):
        for hunk in patch:
            for line in (hunk or {}).get("lines", []) if isinstance(hunk, dict) else []:
                if isinstance(line, str):
                    if line.startswith("+"):
                        added += 1
                    elif line.startswith("-"):
                        removed += 1
    return added, removed


def _edit_counts(tool_input, response):
    """Lines added/removed: the structured patch when sent, else the strings."""
    if isinstance(response, dict) and response.get("structuredPatch"):
        return _patch_counts(response["structuredPatch"])
    edits = tool_input.get("edits") if isinstance(tool_input.get("edits"), list) else [tool_input]
    added = removed = 0
    for edit in edits:
        if isinstance(edit, dict):
            removed += _lines(edit.get("old_string"))
            added += _lines(edit.get("new_string"))
    return added, removed


def file_operations(tool_name, tool_input, response=None):
    """[(path, operation, lines_added, lines_removed)] for one tool call."""
    if not isinstance(tool_input, dict):
        return []
    path = tool_input.get("file_path") or tool_input.get("notebook_path")
    if tool_name == "Read" and path:
        return [(path, "read", 0, 0)]
    if tool_name == "Write" and path:
        kind = response.get("type") if isinstance(response, dict) else None
        if kind == "update" and response.get("structuredPatch"):
            added, removed = _patch_counts(response["structuredPatch"])
            return [(path, "write", added, removed)]
        original = response.get("originalFile") if isinstance(response, dict) else None
        return [(path, "create" if kind == "create" or original is None else "write",
                 _lines(tool_input.get("content")), _lines(original))]
    if tool_name in ("Edit", "MultiEdit") and path:
        added, removed = _edit_counts(tool_input, response)
        return [(path, "edit", added, removed)]
    if tool_name == "NotebookEdit" and path:
        return [(path, "notebook_edit", _lines(tool_input.get("new_source")), 0)]
    if tool_name in ("Glob", "Grep"):
        # The searched path, not every match: a grep over a repo would
        # otherwise "touch" hundreds of files and drown the real edits.
        target = tool_input.get("path")
        if isinstance(target, str) and target:
            return [(target, tool_name.lower(), 0, 0)]
    return []


#: Operations a reporting client may name for a tool this module does not know.
OPERATIONS = frozenset(("read", "write", "create", "edit", "notebook_edit", "glob", "grep"))


def reported_operation(tool_name, path, action=None):
    """What a reported call (``POST /api/activity``: a tool name and the file it touched) did to it.

    The tool's own meaning first (the same map as hook payloads); for a tool
    not known here, the client's ``action`` when it names an operation, else
    ``other``. A reported Write is a ``write``: the client does not say
    whether the file was new.
    """
    known = file_operations(tool_name, {"file_path": path, "path": path}, {"originalFile": ""})
    if known:
        return known[0][1]
    action = (action or "").lower()
    return action if action in OPERATIONS else "other"


def bash_failed(response):
    """Transcript-side check: a string result starting 'Error' means the call failed."""
    return isinstance(response, str) and response.lstrip().startswith(("Error", "<tool_use_error>"))
