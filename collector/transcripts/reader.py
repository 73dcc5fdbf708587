"""The entry point for reading Claude Code transcript JSONL: pure functions, no database.

A transcript file is read from a byte offset, whole lines only, and turned
into a :class:`Batch` of plain records (sessions and their titles, prompts and
their injected context, commands and events, replies, thinking, tool calls and
their results, token usage, subagents, turn boundaries). This module,
:mod:`collector.transcripts.lines` (line reading and the stateless
classification helpers) and :mod:`collector.transcripts.records` (the batch and
the type of every field read) are the only code that knows the format;
``transcripts.store`` writes a batch; nothing else parses these files.

Formats handled (see shared/reference/claude-code-formats.md, part d):
1.0.x inline sidechains, 2.0.x ``agent-<id>.jsonl`` beside the session,
2.1.x ``<session>/subagents/agent-<id>.jsonl`` and ``progress`` lines with
``data.type = agent_progress`` carrying a nested subagent message.
"""

import orjson

from cctracker_client import spool_read

# Other modules and tests call ``transcripts.path_hints`` and ``transcripts.classify_user_text``.
from .lines import (NO_CONTENT, classify_user_text, norm_ts, path_hints, read_lines, result_status,
                    result_text, split_context, text_of, title_from_prompt)
# ``Batch`` is also used as ``transcripts.Batch`` by the other agents' readers.
from .records import BadLine, Batch, check_message_line, check_progress_line, check_title_line

SYNTHETIC_MODEL = "<synthetic>"

#: Title lines, in the order of precedence (a user's ``/rename`` beats Claude
#: Code's own title, which beats an old-style summary).
TITLE_LINES = {"custom-title": ("customTitle", "custom"), "ai-title": ("aiTitle", "ai"),
               "summary": ("summary", "summary")}

KNOWN_TYPES = frozenset((
    "user", "assistant", "system", "summary", "file-history-snapshot", "queue-operation",
    "progress", "attachment", "custom-title", "ai-title", "tag", "last-prompt", "agent-name",
    "pr-link", "permission-mode", "agent-setting", "bridge-session", "worktree-state",
    "content-replacement",
))


# -- parsing lines into records ------------------------------------------------------------

class Parser:
    """Turns one transcript file's lines into a :class:`Batch`, remembering
    what later lines of the same file refer back to (inline sidechains)."""

    def __init__(self, path=None, *, session_uuid=None, agent_id=None, offset=0):
        hinted_session, hinted_agent = path_hints(path) if path else (None, None)
        self.path = path
        self.offset = offset
        self.default_session = session_uuid or hinted_session
        self.file_agent = agent_id or hinted_agent
        self.sidechain = {}      # inline (1.0.x) sidechain line uuid -> agent id
        self.task_prompts = {}   # Task prompt text -> tool_use_id, to link inline sidechains
        self.learned = offset == 0
        self.batch = Batch()

    # -- entry points
    def feed(self, lines):
        """Parse raw lines (bytes); returns the batch built so far."""
        batch = self.batch
        for raw in lines:
            batch.lines += 1
            try:
                # Lone surrogates become U+FFFD; deeper than 200 levels is one bad line.
                obj = spool_read.loads(raw)
            except ValueError:
                batch.skip("bad_json")
                continue
            if not isinstance(obj, dict):
                batch.skip("not_an_object")
                continue
            try:
                self.line(obj, raw)
            except BadLine as e:
                # A field of the wrong type: nothing of the line was recorded.
                batch.skip(e.reason)
            except (TypeError, AttributeError, KeyError, ValueError):
                # A line of a known type with an unexpected shape: skip it, keep going.
                batch.skip("bad_shape")
        return batch

    def line(self, obj, raw=b""):
        kind = obj.get("type")
        if not isinstance(kind, str):
            raise BadLine("type")
        if kind == "assistant" or kind == "user":
            check_message_line(obj)
            self.message_line(obj, raw, None)
        elif kind == "progress":
            check_progress_line(obj)
            data = obj.get("data")
            if isinstance(data, dict) and data.get("type") == "agent_progress":
                nested = data.get("message")
                if isinstance(nested, dict) and nested.get("type") in ("user", "assistant"):
                    nested = dict(nested)
                    nested.setdefault("sessionId", obj.get("sessionId"))
                    nested["isSidechain"] = True
                    self.message_line(nested, b"", data.get("agentId") or "unknown",
                                      launched_by=obj.get("parentToolUseID"))
        elif kind in TITLE_LINES:
            check_title_line(obj)
            field, source = TITLE_LINES[kind]
            # Summary lines name no session (their leafUuid may be another file's).
            uuid = obj.get("sessionId") if kind != "summary" else None
            session = self.session(uuid or self.default_session)
            title = obj.get(field)
            if session is not None and isinstance(title, str) and title.strip():
                # The latest line of each kind wins (a second /rename renames again).
                session.setdefault("titles", {})[source] = title.strip()
        elif kind not in KNOWN_TYPES:
            self.batch.skip("unknown_type")

    # -- helpers
    def session(self, uuid, obj=None, at=None):
        """The session record for a line, created on first sight."""
        if not uuid:
            return None
        info = self.batch.sessions.get(uuid)
        if info is None:
            info = self.batch.sessions[uuid] = {"first": None, "last": None}
        if obj is not None:
            # Strings only: a malformed line must not put a list into a text column.
            cwd, branch, version = obj.get("cwd"), obj.get("gitBranch"), obj.get("version")
            if cwd and isinstance(cwd, str) and "cwd" not in info:
                info["cwd"] = cwd
            if branch and isinstance(branch, str):
                info["git_branch"] = branch
            if version and isinstance(version, str):
                info["version"] = version
        if at:
            if info["first"] is None or at < info["first"]:
                info["first"] = at
            if info["last"] is None or at > info["last"]:
                info["last"] = at
        return info

    def agent_for(self, obj, nested_agent):
        """The subagent a line belongs to, or None for the main thread."""
        if nested_agent:
            return nested_agent
        if obj.get("agentId"):
            return obj["agentId"]
        if self.file_agent:
            return self.file_agent
        if not obj.get("isSidechain"):
            return None
        # 1.0.x inline sidechain: follow parentUuid back to the root line.
        parent = obj.get("parentUuid")
        uuid = obj.get("uuid") or ""
        if parent is None:
            agent = "inline-" + uuid[:8]
        else:
            agent = self.sidechain.get(parent)
            if agent is None and not self.learned:
                self.learn_prefix()
                agent = self.sidechain.get(parent)
            agent = agent or "inline-" + str(parent)[:8]
        self.sidechain[uuid] = agent
        return agent

    def learn_prefix(self):
        """Rebuild the inline sidechain map from the part of the file read earlier."""
        self.learned = True
        if not self.path:
            return
        try:
            with open(self.path, "rb") as f:
                prefix = f.read(self.offset)
        except OSError:
            return
        for raw in prefix.split(b"\n"):
            if b'"isSidechain":true' not in raw.replace(b" ", b""):
                continue
            try:
                obj = orjson.loads(raw)
                self.agent_for(obj, None)
            except (orjson.JSONDecodeError, AttributeError, TypeError):
                continue

    def message_line(self, obj, raw, nested_agent, launched_by=None):
        batch = self.batch
        message = obj.get("message")
        if not isinstance(message, dict):
            batch.skip("no_message")
            return
        at = norm_ts(obj.get("timestamp"))
        uuid = obj.get("uuid")
        session_uuid = obj.get("sessionId") or self.default_session
        info = self.session(session_uuid, obj, at)
        if info is None:
            batch.skip("no_session")
            return
        agent = self.agent_for(obj, nested_agent)
        if agent is not None:
            record = batch.agents.get((session_uuid, agent))
            if record is None:
                record = batch.agents[(session_uuid, agent)] = {
                    "tool_use_id": launched_by, "started_at": at, "ended_at": at,
                    "last_message": None}
            elif at:
                record["started_at"] = min(record["started_at"] or at, at)
                record["ended_at"] = max(record["ended_at"] or at, at)
        if obj.get("type") == "assistant":
            self.assistant(obj, message, raw, session_uuid, info, agent, at, uuid,
                           usage=nested_agent is None)
        else:
            self.user(obj, message, session_uuid, agent, at, uuid)

    def assistant(self, obj, message, raw, session_uuid, info, agent, at, uuid, usage=True):
        batch = self.batch
        model = message.get("model") if isinstance(message.get("model"), str) else None
        synthetic = model == SYNTHETIC_MODEL
        if not synthetic and model and agent is None:
            info["model"] = model
        # <synthetic> lines (Claude Code's own API error notes, zero tokens) are kept too:
        # ccusage counts them as entries, so they list a day and form or extend a block.
        if usage and isinstance(message.get("usage"), dict) and at:
            self.add_usage(obj, message, raw, session_uuid, agent, model, at)
        if agent is None:
            self.turn_activity(session_uuid, at, None, real=not synthetic)
        content = message.get("content")
        if synthetic or not isinstance(content, list):
            return
        base = "tx:%s:" % (uuid or "%s:%s" % (message.get("id"), obj.get("requestId")))
        for index, block in enumerate(content):
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            if kind == "text":
                text = block.get("text")
                # "(no content)" is Claude Code's placeholder for an empty text block.
                if isinstance(text, str) and text.strip() and text.strip() != NO_CONTENT:
                    batch.messages.append((base + str(index), session_uuid, agent, "assistant",
                                           "reply", text, at, model))
                    if agent is not None:
                        batch.agents[(session_uuid, agent)]["last_message"] = text
            elif kind == "thinking":
                text = block.get("thinking")
                if isinstance(text, str) and text.strip():
                    batch.messages.append((base + str(index), session_uuid, agent, "assistant",
                                           "thinking", text, at, model))
            elif kind == "tool_use" and block.get("id"):
                call = batch.tool_calls.setdefault(block["id"], {})
                call.update(session=session_uuid, agent_id=agent, name=block.get("name") or "?",
                            input=block.get("input"), started_at=at)
                call.setdefault("status", "pending")
                if (block.get("name") in ("Task", "Agent") and agent is None
                        and isinstance(block.get("input"), dict)):
                    prompt = block["input"].get("prompt")
                    if isinstance(prompt, str):
                        self.task_prompts[prompt.strip()] = block["id"]

    def add_usage(self, obj, message, raw, session_uuid, agent, model, at):
        u = message["usage"]
        message_id = message.get("id")
        request_id = obj.get("requestId")
        if not message_id or not request_id:
            # ccusage does not deduplicate such lines: each line counts once.
            line_key = "line:" + (obj.get("uuid") or _digest(raw))
            message_id = message_id or line_key
            request_id = request_id or line_key
        split = u.get("cache_creation") or {}
        # The 1-hour share of the cache writes (priced at twice the 5-minute rate);
        # lines before the split existed priced everything at the 5-minute rate.
        row = [session_uuid, agent, model, _int(u.get("input_tokens")), _int(u.get("output_tokens")),
               _int(u.get("cache_creation_input_tokens")), _int(u.get("cache_read_input_tokens")), at,
               _int(split.get("ephemeral_1h_input_tokens"))]
        key = (message_id, request_id)
        seen = self.batch.usage.get(key)
        if seen is None:
            self.batch.usage[key] = row
        elif row[4] > seen[4]:
            seen[4] = row[4]

    def user(self, obj, message, session_uuid, agent, at, uuid):
        batch = self.batch
        text, results = text_of(message.get("content"))
        tool_use_result = obj.get("toolUseResult")
        for block in results:
            tool_use_id = block.get("tool_use_id")
            if not tool_use_id:
                continue
            status, error = result_status(block, tool_use_result)
            call = batch.tool_calls.setdefault(tool_use_id, {"session": session_uuid,
                                                             "agent_id": agent, "name": None})
            call.update(status=status, error=error, ended_at=at,
                        response=tool_use_result if len(results) == 1 else None)
            command = call.get("input").get("command") if isinstance(call.get("input"), dict) else None
            if (isinstance(command, str) and "git" in command
                    and not (isinstance(tool_use_result, dict) and "stdout" in tool_use_result)):
                # Older lines keep a shell's output only in the result block (git's commit line).
                call["result_text"] = result_text(block)
            if isinstance(tool_use_result, dict) and tool_use_result.get("agentId"):
                linked = batch.agents.setdefault(
                    (session_uuid, tool_use_result["agentId"]),
                    {"started_at": None, "ended_at": None, "last_message": None})
                linked["tool_use_id"] = tool_use_id
            if status == "interrupted" and agent is None:
                self.turn_activity(session_uuid, at, "interrupted")
        if not text:
            return
        if agent is None and (obj.get("isMeta") or obj.get("isCompactSummary")):
            # Injected by Claude Code (a command's expansion, a compaction summary):
            # shown in the session as what it is, never a prompt.
            self.note(uuid, session_uuid, agent, "meta", text, at)
            return
        if obj.get("isMeta") or obj.get("isCompactSummary"):
            return
        kind, value, context = classify_user_text(text)
        if kind is None:
            return
        if kind == "interrupt":
            if agent is None:
                self.turn_activity(session_uuid, at, "interrupted")
                self.note(uuid, session_uuid, agent, "event", value, at)
            return
        if kind == "context":
            self.note(uuid, session_uuid, agent, "context", "\n\n".join(context), at)
            return
        if kind != "prompt":
            # Commands, their output and notices: visible in the session, not prompts.
            if agent is None:
                self.note(uuid, session_uuid, agent, kind, value, at)
                if kind == "command":
                    # A command with arguments (``/review 42``) says what the session is
                    # about as well as a prompt; a bare one only names a session with no other.
                    info = batch.sessions[session_uuid]
                    info.setdefault("first_input" if " " in value else "first_command", value)
                    # A command Claude then works on (a custom /review) is a turn;
                    # one it never answers (/clear, /cost) is not.
                    self.batch.turns.append({"session": session_uuid, "uid": None, "started_at": at,
                                             "ended_at": at, "end_kind": None, "pending": True})
            return
        uid = "tx:%s:0" % uuid if uuid else "tx:prompt:%s:%s" % (session_uuid, at)
        batch.messages.append((uid, session_uuid, agent, "user", "prompt", value, at, None))
        if context:
            batch.messages.append((uid + ":context", session_uuid, agent, "user", "context",
                                   "\n\n".join(context), at, None))
        if agent is None:
            info = batch.sessions[session_uuid]
            if "first_input" not in info and value.strip():
                info["first_input"] = value
            batch.turns.append({"session": session_uuid, "uid": uid, "started_at": at,
                                "ended_at": at, "end_kind": None, "prompt": value})
            return
        # Names a session known only from its subagents' files.
        batch.sessions[session_uuid].setdefault("first_agent_prompt", value)
        if obj.get("parentUuid") is None and not obj.get("agentId"):
            tool_use_id = self.task_prompts.get(text.strip())
            if tool_use_id:
                batch.agents[(session_uuid, agent)]["tool_use_id"] = tool_use_id

    def note(self, uuid, session_uuid, agent, kind, text, at):
        """A user-side line that is not a prompt, kept as a message of its own kind."""
        if text and text.strip():
            uid = "tx:%s:0" % uuid if uuid else "tx:%s:%s:%s" % (kind, session_uuid, at)
            self.batch.messages.append((uid, session_uuid, agent, "user", kind, text, at, None))

    def turn_activity(self, session_uuid, at, end_kind, real=True):
        """Main-thread activity extends the open turn; an interruption ends it.

        A turn opened by a command becomes real when Claude answers it."""
        turn = None
        for candidate in reversed(self.batch.turns):
            if candidate["session"] == session_uuid:
                turn = candidate
                break
        if turn is None:
            turn = self.batch.tail.setdefault(session_uuid, {"ended_at": None, "end_kind": None})
        elif turn.get("pending"):
            if not real or end_kind is not None:
                return
            turn["pending"] = False
        if turn["end_kind"] == "interrupted":
            return
        if at and (turn["ended_at"] is None or at > turn["ended_at"]):
            turn["ended_at"] = at
        turn["end_kind"] = end_kind or "stop"


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _digest(raw):
    import hashlib

    return hashlib.sha1(raw).hexdigest()[:20]


def parse_file(path, offset=0, *, session_uuid=None, agent_id=None, final=False):
    """Read and parse a transcript from ``offset``: ``(batch, new_offset)``."""
    lines, new_offset, skipped = read_lines(path, offset, final=final)
    parser = Parser(path, session_uuid=session_uuid, agent_id=agent_id, offset=offset)
    batch = parser.feed(lines)
    for reason, n in skipped.items():
        batch.skip(reason, n)
    return batch, new_offset
