"""Reading a transcript's complete lines, and what the parts of a line mean.

Split out of :mod:`collector.transcripts`, which re-exports every public name
here: that module keeps the stateful :class:`~collector.transcripts.Parser`,
this one the stateless format knowledge it leans on (cutting complete lines
from a byte offset, timestamps, what a file's location implies, user text and
tool result classification). Pure functions, no database.
"""

import os
import re

#: Lines longer than this are skipped (counted): a 50 MB tool output line is
#: not worth holding, and no message we keep needs it.
MAX_LINE_BYTES = 16 * 1024 * 1024

#: Read size; lines are cut out of these chunks.
CHUNK_BYTES = 8 * 1024 * 1024

#: Kept from a failing tool's result: enough to recognise the error.
ERROR_CHARS = 2000

REJECTED_TEXT = "User rejected tool use"
INTERRUPT_PREFIX = "[Request interrupted by user"

# User text that no human typed: tool output echoes, hook feedback, reminders.
NOT_PROMPT_PREFIXES = (
    "<local-command-stdout>", "<local-command-stderr>", "<local-command-caveat>",
    "Stop hook feedback:", "<system-reminder>", "Caveat: The messages below",
    "<bash-stdout>", "<bash-stderr>", "<user-memory-input>", "<task-notification>",
)
COMMAND_NAME = re.compile(r"<command-name>\s*(.*?)\s*</command-name>", re.S)
COMMAND_ARGS = re.compile(r"<command-args>(.*?)</command-args>", re.S)
AGENT_FILE = re.compile(r"^agent-(.+)\.jsonl$")
UUID_LIKE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def norm_ts(value):
    """ISO time as the schema stores it (microseconds, ``Z``) so text order is time order."""
    if not isinstance(value, str) or len(value) < 19:
        return None
    if len(value) == 24 and value[19] == "." and value[23] == "Z":  # the usual ...ss.mmmZ
        return value[:23] + "000Z"
    if len(value) == 27 and value[26] == "Z":
        return value
    from cctracker_client.spool import parse_time

    try:
        return parse_time(value)
    except Exception:  # noqa: BLE001 - a bad timestamp is just missing
        return None


def path_hints(path):
    """(session_uuid, agent_id) that a transcript's location implies, either may be None.

    ``<slug>/<uuid>.jsonl`` -> (uuid, None); ``<slug>/<uuid>/subagents/agent-X.jsonl``
    -> (uuid, X); ``<slug>/agent-X.jsonl`` -> (None, X): the lines name the session.
    """
    name = os.path.basename(path)
    match = AGENT_FILE.match(name)
    if match:
        parent = os.path.dirname(path)
        session = None
        if os.path.basename(parent) == "subagents":
            candidate = os.path.basename(os.path.dirname(parent))
            session = candidate if UUID_LIKE.match(candidate) else None
        return session, match.group(1)
    stem = name[:-6] if name.endswith(".jsonl") else name
    return (stem if UUID_LIKE.match(stem) else None), None


# -- reading lines -------------------------------------------------------------------------

def read_lines(path, offset=0):
    """Complete lines of ``path`` from ``offset``: ``(lines, new_offset, skipped)``.

    ``lines`` is a list of bytes (newline stripped). ``new_offset`` is always at
    a line end: a torn last line (no newline yet) is left for the next read.
    ``skipped`` counts over-long lines. Raises OSError when unreadable.
    """
    lines = []
    skipped = {}
    with open(path, "rb") as f:
        f.seek(offset)
        pending = b""
        discarding = 0  # bytes of an over-long line seen so far (not kept)
        while True:
            chunk = f.read(CHUNK_BYTES)
            if not chunk:
                break
            if discarding:
                cut = chunk.find(b"\n")
                if cut < 0:
                    discarding += len(chunk)
                    continue
                offset += discarding + cut + 1
                discarding = 0
                skipped["line_too_long"] = skipped.get("line_too_long", 0) + 1
                chunk = chunk[cut + 1:]
            data = pending + chunk if pending else chunk
            end = data.rfind(b"\n")
            if end < 0:
                pending = data
            else:
                for part in data[:end].split(b"\n"):
                    if len(part) > MAX_LINE_BYTES:
                        skipped["line_too_long"] = skipped.get("line_too_long", 0) + 1
                    elif part.strip():
                        lines.append(part)
                offset += end + 1
                pending = data[end + 1:]
            if len(pending) > MAX_LINE_BYTES:
                discarding = len(pending)
                pending = b""
    return lines, offset, skipped


# -- classifying user lines ------------------------------------------------------------------

def text_of(content):
    """(text, tool_results) of a user message's content (string or block list)."""
    if isinstance(content, str):
        return content, ()
    if not isinstance(content, list):
        return "", ()
    texts = []
    results = []
    for block in content:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind == "tool_result":
            results.append(block)
    return "\n".join(texts), results


def classify_user_text(text):
    """What a user line's text is: ``('prompt', text)``, ``('interrupt', None)`` or ``(None, reason)``.

    Slash commands are kept as the prompt ``/name args`` (their ``isMeta``
    expansion is skipped elsewhere).
    """
    stripped = text.lstrip()
    if not stripped:
        return None, "empty"
    if stripped.startswith(INTERRUPT_PREFIX):
        return "interrupt", None
    if "<command-name>" in stripped[:400]:
        name = COMMAND_NAME.search(stripped)
        if name:
            args = COMMAND_ARGS.search(stripped)
            command = name.group(1)
            if not command.startswith("/"):
                command = "/" + command
            extra = args.group(1).strip() if args else ""
            return "prompt", (command + " " + extra) if extra else command
    if stripped.startswith(NOT_PROMPT_PREFIXES):
        return None, "injected"
    return "prompt", text


def result_status(block, tool_use_result):
    """(status, error text) of a tool_result block: ok, error, rejected or interrupted."""
    content = block.get("content")
    if isinstance(content, list):
        content = "\n".join(
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        )
    text = content if isinstance(content, str) else ""
    if tool_use_result == REJECTED_TEXT or "The user doesn't want to proceed" in text[:200]:
        return "rejected", text[:ERROR_CHARS] or REJECTED_TEXT
    if text.startswith(INTERRUPT_PREFIX):
        return "interrupted", text[:ERROR_CHARS]
    if block.get("is_error"):
        return "error", text[:ERROR_CHARS] or None
    return "ok", None
