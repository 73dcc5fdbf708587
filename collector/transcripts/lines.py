"""Reading a transcript's complete lines, and what the parts of a line mean.

Split out of :mod:`collector.transcripts.reader`, which re-exports every public name
here: that module keeps the stateful :class:`~collector.transcripts.reader.Parser`,
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

#: Kept from a tool result's text while a batch is parsed: git's commit line and
#: its stat come first, and the rest is not needed.
RESULT_CHARS = 8000

BOM = b"\xef\xbb\xbf"

REJECTED_TEXT = "User rejected tool use"
INTERRUPT_PREFIX = "[Request interrupted by user"

#: A title made from the first prompt is cut to about this many characters.
TITLE_CHARS = 80

#: What Claude Code writes as the text of a message that had none.
NO_CONTENT = "(no content)"

#: Output of a local command (``/cost``, ``!ls``): shown in the session, never a prompt.
COMMAND_OUTPUT_PREFIXES = (
    "<local-command-stdout>", "<local-command-stderr>", "<bash-stdout>", "<bash-stderr>",
)

# User text that no human typed: caveats, hook feedback, reminders, notices.
NOT_PROMPT_PREFIXES = (
    "<local-command-caveat>", "Stop hook feedback:", "<system-reminder>", "Caveat: The messages below",
    "<user-memory-input>", "<task-notification>",
    # A compaction's summary on versions before the isCompactSummary flag.
    "This session is being continued from a previous conversation",
)

#: Blocks that the IDE extensions, hooks and Claude Code put into the prompt's
#: text beside what the user typed: split off and kept as the prompt's context.
CONTEXT_TAGS = (
    "ide_opened_file", "ide_selection", "ide_diagnostics", "system-reminder",
    "user-prompt-submit-hook", "session-start-hook", "hook-additional-context",
)
CONTEXT_BLOCK = re.compile(r"<(%s)>.*?</\1>" % "|".join(map(re.escape, CONTEXT_TAGS)), re.S)
OUTPUT_TAGS = re.compile(r"</?(?:local-command-stdout|local-command-stderr|bash-stdout|bash-stderr)>")
COMMAND_NAME = re.compile(r"<command-name>\s*(.*?)\s*</command-name>", re.S)
COMMAND_ARGS = re.compile(r"<command-args>(.*?)</command-args>", re.S)
BASH_INPUT = re.compile(r"^<bash-input>(.*?)</bash-input>", re.S)
#: A typed slash command (hook prompts carry the raw text): ``/name`` then
#: space or end; ``/usr/bin is slow`` is a path, not a command.
TYPED_COMMAND = re.compile(r"^/[A-Za-z][\w:.-]*(?=\s|$)")
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

def read_lines(path, offset=0, final=False):
    """Complete lines of ``path`` from ``offset``: ``(lines, new_offset, skipped)``.

    ``lines`` is a list of bytes (newline and any UTF-8 byte-order mark
    stripped). ``new_offset`` is at a line end: a torn last line (no newline
    yet) is left for the next read. With ``final`` (an import, or a file that
    stopped growing) an unterminated last line that parses as a whole JSON
    object is a line too: a finished transcript never gets its newline, and
    reading it again later is harmless (every write is keyed). ``skipped``
    counts over-long lines. Raises OSError when unreadable.
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
                        lines.append(_no_bom(part))
                offset += end + 1
                pending = data[end + 1:]
            if len(pending) > MAX_LINE_BYTES:
                discarding = len(pending)
                pending = b""
        if final and pending.strip() and _whole_object(pending):
            lines.append(_no_bom(pending))
            offset += len(pending)
    return lines, offset, skipped


def _no_bom(line):
    # Editors and some Windows tools write a UTF-8 byte-order mark; JSON parsers refuse it.
    return line[3:] if line.startswith(BOM) else line


def _whole_object(data):
    import orjson

    try:
        return isinstance(orjson.loads(_no_bom(data.strip())), dict)
    except orjson.JSONDecodeError:
        return False


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


def split_context(text):
    """``(typed, blocks)``: the prompt without the injected context blocks, and the blocks.

    With no block the text comes back unchanged, so a hook's copy and the
    transcript's copy of one prompt keep one hash.
    """
    if "<" not in text:
        return text, []
    blocks = [m.group(0).strip() for m in CONTEXT_BLOCK.finditer(text)]
    if not blocks:
        return text, []
    return CONTEXT_BLOCK.sub("", text).strip(), blocks


def classify_user_text(text):
    """What a user line's text is: ``(kind, value, context)``.

    ``kind`` is ``prompt`` (``value`` is what the user typed, ``context`` the
    injected blocks split from it, or None), ``command`` (``/name args`` or
    ``!shell``), ``command_output``, ``interrupt``, ``event`` (caveats, hook
    feedback, ``(no content)``, notices), ``context`` (injected blocks and
    nothing typed) or None for blank text. Only prompts are turns' prompts.
    """
    stripped = text.strip()
    if not stripped:
        return None, None, None
    if stripped.startswith(INTERRUPT_PREFIX):
        return "interrupt", stripped, None
    if "<command-name>" in stripped[:400]:
        name = COMMAND_NAME.search(stripped)
        if name:
            args = COMMAND_ARGS.search(stripped)
            command = name.group(1)
            if not command.startswith("/"):
                command = "/" + command
            extra = args.group(1).strip() if args else ""
            return "command", (command + " " + extra) if extra else command, None
    bash = BASH_INPUT.match(stripped)
    if bash:
        return "command", "!" + bash.group(1).strip(), None
    if stripped.startswith(COMMAND_OUTPUT_PREFIXES):
        return "command_output", OUTPUT_TAGS.sub("", stripped).strip(), None
    if stripped == NO_CONTENT:
        return "event", stripped, None
    typed, blocks = split_context(text)
    if blocks and not typed:
        return "context", None, blocks
    if typed.lstrip().startswith(NOT_PROMPT_PREFIXES):
        return "event", stripped, None
    return "prompt", typed, blocks or None


def classify_typed_prompt(text):
    """The same rules for a prompt a hook captured (the raw typed text):
    ``(kind, value, context)`` where a typed ``/command`` is a ``command``."""
    kind, value, context = classify_user_text(text)
    if kind == "prompt":
        match = TYPED_COMMAND.match(value.lstrip())
        if match and not context:
            return "command", value.strip(), None
    return kind, value, context


def title_from_prompt(text):
    """A session title from its first prompt: the first line, cut at a word near TITLE_CHARS."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS].rsplit(" ", 1)[0]
    return (cut if len(cut) > TITLE_CHARS // 2 else line[:TITLE_CHARS]).rstrip(" ,.;:") + "…"


def result_text(block):
    """The text of a tool_result block (string content, or its text blocks), cut to RESULT_CHARS."""
    content = block.get("content")
    if isinstance(content, list):
        content = "\n".join(
            b["text"] for b in content
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        )
    return content[:RESULT_CHARS] if isinstance(content, str) else ""


def result_status(block, tool_use_result):
    """(status, error text) of a tool_result block: ok, error, rejected or interrupted."""
    text = result_text(block)
    if tool_use_result == REJECTED_TEXT or "The user doesn't want to proceed" in text[:200]:
        return "rejected", text[:ERROR_CHARS] or REJECTED_TEXT
    if text.startswith(INTERRUPT_PREFIX):
        return "interrupted", text[:ERROR_CHARS]
    if block.get("is_error"):
        return "error", text[:ERROR_CHARS] or None
    return "ok", None
