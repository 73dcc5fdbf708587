"""OpenAI Codex rollouts (``rollout-*.jsonl``) as a :class:`~collector.transcripts.reader.Batch`.

A rollout is one thread: ``session_meta`` first, then ``turn_context`` (the
model of the next request), ``response_item`` (what the model saw and said)
and ``event_msg`` (the UI log) lines, each stamped in UTC. What is kept:

- the prompt is the ``event_msg`` ``user_message`` (what was typed); the
  ``response_item`` user messages repeat it or carry injected context
  (AGENTS.md, ``<environment_context>``), so they are never prompts;
- replies from ``response_item`` assistant messages, reasoning from their
  ``reasoning`` summaries (the ``agent_message``/``agent_reasoning`` events
  repeat them), tool calls paired by ``call_id``; ``compacted`` history is old;
- tokens: the increase of the running ``total_token_usage`` between
  ``token_count`` events (Codex writes each snapshot twice from 0.46, so
  summing ``last_token_usage`` doubles the use), on the model of the latest
  ``turn_context``. A fork or sub-agent thread first replays its parent's
  history (within its creation second): that prefix only sets the baseline.

Reading resumes at a byte offset: the lines before it are read again for
state only (model, running total, replay), nothing from them is emitted.
"""

import hashlib
import os
import re

import orjson

from ..transcripts.lines import norm_ts, read_lines
from ..transcripts.reader import Parser
from .common import add_typed, CODEX

IDE_REQUEST = "## My request for Codex:"
EXIT_PATTERNS = (re.compile(r"^Exit code: (-?\d+)", re.M), re.compile(r"^Process exited with code (-?\d+)", re.M))
ERROR_CHARS = 2000
#: The line types that carry state a later read needs: the thread, the model, the running total.
STATE_MARKERS = (b'"session_meta"', b'"turn_context"', b'"token_count"')
USAGE_FIELDS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens",
                "total_tokens")


class CodexParser(Parser):
    """One rollout's lines, in order; :meth:`feed` with ``emit=False`` only learns state."""

    def __init__(self, path=None, offset=0):
        super().__init__(None, offset=offset)
        self.path = path
        # Message ids are the line's place in its file, and the file's name tells files apart
        # (a thread resumed into another file, say); the same file archived keeps its name.
        self.tag = hashlib.sha1(os.path.basename(path or "").encode()).hexdigest()[:8]
        self.uuid = None
        self.model = None
        self.previous = None      # the last running total_token_usage seen
        self.child = False        # a fork or sub-agent: its first second may replay the parent
        self.forked = False       # the replay holds the parent's messages too
        self.created = None       # the creation second, "YYYY-MM-DDTHH:MM:SS"
        self.replaying = False
        self.lineno = 0
        self.emit = True

    def feed(self, lines, emit=True):
        self.emit = emit
        batch = self.batch
        for raw in lines:
            self.lineno += 1
            if emit:
                batch.lines += 1
            elif not any(marker in raw for marker in STATE_MARKERS):
                continue  # read for state only: most lines (replies, tool output) carry none
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError:
                if emit:
                    batch.skip("bad_json")
                continue
            if not isinstance(obj, dict):
                if emit:
                    batch.skip("not_an_object")
                continue
            try:
                self.codex_line(obj)
            except (TypeError, AttributeError, KeyError, ValueError):
                if emit:
                    batch.skip("bad_shape")
        return batch

    # -- lines
    def codex_line(self, obj):
        kind = obj.get("type")
        payload = obj.get("payload")
        if not isinstance(payload, dict):
            # Pre-0.3x bare items and record_type markers have no envelope: not read.
            if self.emit:
                self.batch.skip("unknown_type")
            return
        at = norm_ts(obj.get("timestamp"))
        if kind == "session_meta":
            self.meta(payload, at)
            return
        if self.uuid is None:
            return
        if self.replaying:
            stamp = obj.get("timestamp")
            if isinstance(stamp, str) and stamp[:19] == self.created:
                # A sub-agent's own first request falls in that second too: only
                # a fork (its parent's session_meta follows) replays messages.
                is_tokens = kind == "event_msg" and payload.get("type") == "token_count"
                if is_tokens or self.forked:
                    self.replayed(kind, payload)
                    return
            else:
                self.replaying = False
        if kind == "turn_context":
            model = payload.get("model")
            settings = (payload.get("collaboration_mode") or {}).get("settings") or {}
            model = model if isinstance(model, str) and model else settings.get("model")
            if isinstance(model, str) and model:
                self.model = model
                if self.emit:
                    self.info["model"] = model
        elif kind == "event_msg":
            self.event(payload, at)
        elif kind == "response_item" and self.emit:
            self.item(payload, at)

    def meta(self, payload, at):
        if self.uuid is not None:
            # A later session_meta is a parent's: in the creation second, its history follows.
            self.forked = self.forked or self.replaying
            return
        uuid = payload.get("id")
        if not isinstance(uuid, str) or not uuid:
            return
        self.uuid = uuid
        started = norm_ts(payload.get("timestamp")) or at
        stamp = payload.get("timestamp") if isinstance(payload.get("timestamp"), str) else ""
        self.created = stamp[:19] or None
        source = payload.get("source")
        self.forked = bool(payload.get("forked_from_id"))
        self.child = bool(self.forked or payload.get("parent_thread_id") or isinstance(source, dict))
        self.replaying = self.child and self.created is not None
        self.info = self.session(uuid, None, started)
        info = self.info
        info["agent"] = CODEX
        for key, value in (("cwd", payload.get("cwd")), ("version", payload.get("cli_version"))):
            if isinstance(value, str) and value:
                info.setdefault(key, value)
        git = payload.get("git")
        if isinstance(git, dict) and isinstance(git.get("branch"), str):
            info["git_branch"] = git["branch"]

    def replayed(self, kind, payload):
        """A line of the parent's history in a fork: it sets the baseline, nothing else."""
        if kind == "event_msg" and payload.get("type") == "token_count":
            total = _usage((payload.get("info") or {}).get("total_token_usage"))
            if total is not None:
                self.previous = total
        elif kind == "turn_context" and isinstance(payload.get("model"), str):
            self.model = payload["model"]

    def touch(self, at):
        if at and self.emit:
            self.session(self.uuid, None, at)

    def event(self, payload, at):
        kind = payload.get("type")
        if kind == "token_count":
            self.tokens(payload, at)
            return
        if not self.emit:
            return
        self.touch(at)
        if kind == "user_message":
            text = payload.get("message")
            if not isinstance(text, str) or not text.strip():
                return
            context = None
            if IDE_REQUEST in text:
                # IDE clients put their context before what was asked: kept apart, as context.
                head, request = text.split(IDE_REQUEST, 1)
                if request.strip():
                    context, text = head.strip() or None, request.strip()
            uid = "cx:%s:%s:%d" % (self.uuid, self.tag, self.lineno)
            typed = add_typed(self.batch, self.uuid, uid, text, at, context=context)
            if typed:
                self.info.setdefault("first_input", typed)  # the session's title when it has none
        elif kind == "task_complete":
            self.turn_activity(self.uuid, at, None)
        elif kind == "turn_aborted":
            self.turn_activity(self.uuid, at, "interrupted")

    def tokens(self, payload, at):
        info = payload.get("info")
        if not isinstance(info, dict):
            return
        total = _usage(info.get("total_token_usage"))
        if total is None:
            last = _usage(info.get("last_token_usage"))
            if last is None or not any(last):
                return
            delta, key = last, "line:%d" % self.lineno
        else:
            previous = self.previous or (0,) * len(USAGE_FIELDS)
            if total[4] < previous[4]:
                previous = (0,) * len(USAGE_FIELDS)  # the counter was reset: never observed
            self.previous = total
            delta = tuple(max(c - p, 0) for c, p in zip(total, previous))
            key = "total:%d:%d:%d" % (total[4], total[0], total[2])
            if not any(delta):
                return  # the repeated snapshot, or the one a compaction leaves
        if not self.emit or not at:
            return
        self.touch(at)
        inp, cached, out, reasoning, _ = delta
        cached = min(cached, inp)
        # Claude's terms: input is uncached input, cache read the cached part,
        # output includes reasoning (also kept apart).
        self.batch.usage[("codex:" + self.uuid, key)] = [
            self.uuid, None, self.model, inp - cached, out, 0, cached, at, 0, reasoning]
        self.turn_activity(self.uuid, at, None)

    def item(self, payload, at):
        kind = payload.get("type")
        batch = self.batch
        self.touch(at)
        base = "cx:%s:%s:%d:" % (self.uuid, self.tag, self.lineno)
        if kind == "message" and payload.get("role") == "assistant":
            for index, block in enumerate(payload.get("content") or ()):
                if isinstance(block, dict) and block.get("type") == "output_text":
                    text = block.get("text")
                    if isinstance(text, str) and text.strip():
                        batch.messages.append((base + str(index), self.uuid, None, "assistant", "reply",
                                               text, at, self.model))
            self.turn_activity(self.uuid, at, None)
        elif kind == "reasoning":
            parts = [s.get("text") for s in payload.get("summary") or ()
                     if isinstance(s, dict) and isinstance(s.get("text"), str)]
            for block in payload.get("content") or ():
                if isinstance(block, dict) and isinstance(block.get("text"), str):
                    parts.append(block["text"])
            text = "\n\n".join(p for p in parts if p.strip())
            if text:
                batch.messages.append((base + "r", self.uuid, None, "assistant", "thinking", text, at,
                                       self.model))
        elif kind in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call",
                      "tool_search_call", "image_generation_call"):
            self.call(kind, payload, at)
        elif kind in ("function_call_output", "custom_tool_call_output", "tool_search_output"):
            self.result(payload, at)

    def call(self, kind, payload, at):
        call_id = payload.get("call_id") or payload.get("id") or "cx:%d" % self.lineno
        name = payload.get("name") or kind.replace("_call", "")
        if kind == "function_call":
            tool_input = _arguments(payload.get("arguments"))
        elif kind == "custom_tool_call":
            tool_input = {"input": payload.get("input")}
        else:
            tool_input = payload.get("action") if isinstance(payload.get("action"), dict) else {}
        tool_input = _with_command(tool_input)
        call = self.batch.tool_calls.setdefault(call_id, {})
        call.update(session=self.uuid, agent_id=None, name=str(name), input=tool_input, started_at=at)
        # Calls that have no output item finish with the call itself.
        if kind in ("web_search_call", "local_shell_call", "image_generation_call"):
            status = payload.get("status")
            call.setdefault("status", "ok" if status in (None, "completed") else "error")
            call.setdefault("ended_at", at)
        else:
            call.setdefault("status", "pending")
        if name == "apply_patch" and isinstance(tool_input.get("input"), str):
            call["files"] = patch_files(tool_input["input"])
        self.turn_activity(self.uuid, at, None)

    def result(self, payload, at):
        call_id = payload.get("call_id")
        if not call_id:
            return
        status, error = output_status(payload.get("output"))
        call = self.batch.tool_calls.setdefault(call_id, {"session": self.uuid, "agent_id": None,
                                                          "name": None})
        call.update(status=status, error=error, ended_at=at)
        if status != "ok":
            call.pop("files", None)
        self.turn_activity(self.uuid, at, None)


def _usage(value):
    if not isinstance(value, dict):
        return None
    out = []
    for field in USAGE_FIELDS:
        n = value.get(field)
        if field == "cached_input_tokens" and n is None:
            n = value.get("cache_read_input_tokens")
        out.append(n if isinstance(n, int) and not isinstance(n, bool) else 0)
    if not out[4]:
        out[4] = out[0] + out[2]
    return tuple(out)


def _arguments(raw):
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return {"arguments": raw}
        return value if isinstance(value, dict) else {"arguments": value}
    return {}


def _with_command(tool_input):
    """A ``command`` string for the summary: ``shell`` takes an argv list, ``exec_command`` ``cmd``."""
    command = tool_input.get("command")
    if isinstance(command, list) and all(isinstance(a, str) for a in command):
        shell = len(command) >= 3 and command[1] in ("-lc", "-c")
        tool_input = dict(tool_input, argv=command, command=command[-1] if shell else " ".join(command))
    elif not isinstance(command, str) and isinstance(tool_input.get("cmd"), str):
        tool_input = dict(tool_input, command=tool_input["cmd"])
    return tool_input


def output_status(output):
    """(status, error) of a tool output in any of Codex's three shapes."""
    text = output
    if isinstance(output, list):
        text = "\n".join(b.get("text", "") for b in output if isinstance(b, dict))
    elif isinstance(output, dict):
        text = output.get("text") or output.get("output") or ""
    if not isinstance(text, str):
        return "ok", None
    code = None
    if text.startswith("{"):
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            code = (value.get("metadata") or {}).get("exit_code")
            text = value.get("output") if isinstance(value.get("output"), str) else text
    if code is None:
        for pattern in EXIT_PATTERNS:
            found = pattern.search(text[:500])
            if found:
                code = int(found.group(1))
                break
    if isinstance(code, int) and code != 0:
        return "error", text[:ERROR_CHARS]
    return "ok", None


PATCH_FILE = re.compile(r"^\*\*\* (Add|Update|Delete) File: (.+)$")


def patch_files(patch):
    """(path, operation, added, removed) per file of an ``apply_patch`` input."""
    files = []
    current = None
    for line in patch.splitlines():
        found = PATCH_FILE.match(line)
        if found:
            operation = {"Add": "create", "Update": "edit", "Delete": "delete"}[found.group(1)]
            current = [found.group(2).strip(), operation, 0, 0]
            files.append(current)
        elif current is not None and line.startswith("+") and not line.startswith("+++"):
            current[2] += 1
        elif current is not None and line.startswith("-") and not line.startswith("---"):
            current[3] += 1
    return [tuple(f) for f in files]


def parse_file(path, offset=0):
    """Read a rollout from ``offset``: ``(batch, new_offset)``; earlier lines give state only."""
    parser = CodexParser(path, offset)
    if offset:
        parser.feed(_before(path, offset), emit=False)
    lines, new_offset, skipped = read_lines(path, offset)
    batch = parser.feed(lines)
    if parser.uuid and parser.uuid in batch.sessions and parser.model:
        batch.sessions[parser.uuid].setdefault("model", parser.model)
    for reason, n in skipped.items():
        batch.skip(reason, n)
    return batch, new_offset


def _before(path, offset):
    """The lines before ``offset`` (always a line end): state for the lines after it."""
    with open(path, "rb") as f:
        head = f.read(offset)
    return [line for line in head.split(b"\n") if line.strip()]
