"""Read a transcript's new lines and prepare its rows, without a database.

:func:`read_file` parses a file from an offset and :func:`prepare` redacts
the text (or drops it in metadata mode) and works out each row's derived
values. Nothing here touches SQLite, so ``cctracker import`` can run it in a
worker process while the main process writes the previous file
(:mod:`collector.transcripts.store` writes what this returns).
"""

import os
import time
from datetime import datetime

import orjson

from .. import agents
from ..privacy.policy import Privacy
from ..sessions import store, tools
from . import archive, git, reader

FILE_TOOLS = frozenset(("Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "Glob", "Grep"))

#: A file unchanged this long is finished for now: its unterminated last line,
#: if it is a whole JSON object, is read (a later newline is harmless).
STILL_SECONDS = 5.0

#: Tools whose command may run git (Haiku has been seen writing ``bash``).
GIT_SHELLS = ("Bash", "bash")


def new_stats(path):
    return {"path": path, "bytes": 0, "lines": 0, "sessions": 0, "messages": 0, "tool_calls": 0,
            "usage_rows": 0, "agents": 0, "turns": 0, "skipped": {}}


class Read:
    """One file's new lines, parsed and prepared (no database needed): what
    :func:`read_file` returns and :func:`store_read` writes. A worker process
    may make it while the caller stores the previous one."""

    def __init__(self, path, known, session_uuid, agent_id):
        self.path = path
        self.known = known          # the stored offset this read started from
        self.offset = known
        self.session_uuid = session_uuid
        self.agent_id = agent_id
        self.stats = new_stats(path)
        self.size = self.mtime = None
        self.batch = None
        self.new_offset = known


def read_file(path, offset, *, session_uuid=None, agent_id=None, privacy=None, final=None,
              pack_archive=True):
    """Parse and prepare ``path`` from ``offset``: a :class:`Read` (no database used).

    ``final``: read an unterminated last line that is a whole JSON object
    (see :func:`transcripts.lines.read_lines`). ``cctracker import`` says so;
    otherwise (live tailing) only once the file has been still for
    STILL_SECONDS: Claude Code writes a line and its newline together.
    ``pack_archive=False`` leaves the archive's chunk to whoever stores the read
    (``read.archived = archive.LATER``): the import's worker process does so.
    """
    read = Read(path, offset, session_uuid, agent_id)
    stats = read.stats
    try:
        st = os.stat(path)
    except OSError as e:
        missing = isinstance(e, FileNotFoundError)
        stats["skipped"]["missing_file" if missing else "unreadable"] = 1
        stats["missing"] = missing
        return read
    read.size, read.mtime = st.st_size, st.st_mtime
    if st.st_size < offset:
        offset = read.offset = 0  # replaced or truncated: read again; every write below is idempotent
    if st.st_size == offset:
        read.new_offset = offset
        return read
    if final is None:
        final = time.time() - st.st_mtime >= STILL_SECONDS
    try:
        # Codex and Gemini CLI files have readers of their own (collector/agents).
        parsed = agents.parse_file(path, offset)
        batch, new_offset = parsed or reader.parse_file(path, offset, session_uuid=session_uuid,
                                                             agent_id=agent_id, final=final)
    except OSError:
        stats["skipped"]["unreadable"] = 1
        read.size = None
        return read
    stats["bytes"] = new_offset - offset
    stats["lines"] = batch.lines
    stats["skipped"] = dict(batch.skipped)
    if new_offset < st.st_size:
        stats["pending_bytes"] = st.st_size - new_offset
    prepare(batch, privacy or Privacy(None))
    read.batch, read.new_offset = batch, new_offset
    # The transcript archive's chunk (redacted, compressed): here beside the parse, or later.
    if parsed is not None:
        read.archived = False  # another agent's file: Claude Code cannot resume it
    elif pack_archive:
        read.archived = archive.pack(read, privacy or Privacy(None))
    else:
        read.archived = archive.LATER
    return read


def prepare(batch, privacy):
    """Redact (or, in metadata mode, drop) the text a batch would store, and work
    out each row's derived values: all that needs no database, done once.

    A tool call with a name gets ``row`` (its columns from ``agent_id`` on),
    ``files`` (its file operations, from the original input) and
    ``subagent_type``; its input and response are then dropped (a worker
    process sends the batch back whole). A result whose call was read
    earlier keeps its response: the input is in the database.
    """
    if batch.prepared:
        return
    batch.prepared = True
    for info in batch.sessions.values():
        if info.get("title") is not None:
            info["title"] = privacy.title(info["title"])
    messages = []
    for uid, session_uuid, agent_id, role, kind, content, at, model in batch.messages:
        content = privacy.text(content)
        if content:
            messages.append((uid, session_uuid, agent_id, role, kind, content, at, model,
                             store.content_hash(content)))
    batch.messages = messages
    for tool_use_id, call in batch.tool_calls.items():
        if call.get("error") is not None:
            call["error"] = privacy.text(call["error"])
        name = call.get("name")
        if name is None:
            continue
        tool_input = call.pop("input", None)
        response = call.pop("response", None)
        stored = None
        if tool_input is not None:
            # The original input stays for file operations (paths, line counts).
            stored = privacy.payload({"tool_input": tool_input}).get("tool_input")
        server, tool = tools.split_mcp(name)
        started, ended = call["started_at"], call.get("ended_at")
        call["row"] = (call.get("agent_id"), tool_use_id, name, server, tool, started, ended,
                       _ms_between(started, ended), call.get("status") or "pending", call.get("error"),
                       tools.summary(name, stored),
                       orjson.dumps(stored).decode() if stored is not None else None)
        if call.get("status") == "ok" and name in FILE_TOOLS:
            call["files"] = tools.file_operations(name, tool_input, response)
        if isinstance(tool_input, dict):
            call["subagent_type"] = tool_input.get("subagent_type")
            command = tool_input.get("command")
            if (name in GIT_SHELLS and isinstance(command, str) and "git" in command
                    and call.get("ended_at")):
                output = git.output_text(response, call.get("result_text")) or call.get("error")
                call["git"] = (privacy.text(command), privacy.text(output) if output else None)
        call.pop("result_text", None)
        for key in ("name", "status", "error"):
            call.pop(key, None)  # in ``row`` now
    for info in batch.sessions.values():
        # Titles are stored text like any other: through the same rules.
        for key in ("first_input", "first_command", "first_agent_prompt"):
            if info.get(key) is not None:
                info[key] = privacy.text(info[key])
        for source, title in list((info.get("titles") or {}).items()):
            info["titles"][source] = privacy.text(title)
    for record in batch.agents.values():
        if record.get("last_message") is not None:
            record["last_message"] = privacy.text(record["last_message"])


def _ms_between(start, end):
    if not start or not end:
        return None
    if len(start) == 27 and len(end) == 27 and start[:10] == end[:10] and start[26] == end[26] == "Z":
        # Both as norm_ts writes them, on one day: no datetime objects needed.
        try:
            micros = (_day_micros(end) - _day_micros(start))
        except ValueError:
            micros = None
        if micros is not None:
            return max(micros / 10**6 * 1000.0, 0.0)
    try:
        a = datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max((b - a).total_seconds() * 1000.0, 0.0)


def _day_micros(at):
    """Microseconds since midnight of ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    return ((int(at[11:13]) * 60 + int(at[14:16])) * 60 + int(at[17:19])) * 10**6 + int(at[20:26])
