"""Gemini CLI chat files (``chats/session-*.json`` and ``.jsonl``) as a
:class:`~collector.transcripts.reader.Batch`.

Up to v0.38 a chat is one JSON object rewritten in place; from v0.39 it is
JSONL where a message line whose ``id`` was seen before *replaces* that
message, ``{"$set": …}`` updates the metadata (``$set.messages`` replaces
the whole list) and ``{"$rewindTo": id}`` drops a message and all after it.
Either way the file is folded into messages by id and read whole: a chat is
small, and every row it gives is keyed so a second read adds nothing.

- the prompt is what was typed: ``displayContent`` when set (``/init``
  expands into a long ``content``), else ``content`` (a string or parts);
  ``<session_context>``/``<hook_context>`` user content is hook-injected;
- replies, ``thoughts`` (summaries) as thinking, ``toolCalls`` with their
  results inside the calling message;
- tokens per ``gemini`` message, folded by id, counting rewound messages too
  (they were billed), stored in Claude's terms: input = ``input - cached +
  tool``, cache read = ``cached``, output = ``output + thoughts`` (thoughts
  also kept apart). So input + output + cache read = Gemini's ``total``.
"""

import json
import os

import orjson

from ..transcripts.lines import norm_ts
from ..transcripts.reader import Parser
from .common import add_typed, GEMINI

INJECTED_PREFIXES = ("<session_context>", "<hook_context>")
#: User records the CLI writes itself: tool results sent back (older files hold them as
#: text) and the "next speaker" nudge after a tool turn.
MACHINE_PREFIXES = ("[Function Response:", "System: Please continue.")
CANCELLED = "Request cancelled."
ERROR_CHARS = 2000


class GeminiFold:
    """A chat file's messages by id, in first-seen order, and its metadata."""

    def __init__(self):
        self.meta = {}
        self.messages = {}     # id -> message, last write wins
        self.order = []
        self.removed = set()   # rewound or replaced by a checkpoint: billed, not in the transcript
        self.bad = 0

    def add(self, record):
        if not isinstance(record, dict):
            self.bad += 1
            return
        if "$rewindTo" in record:
            target = record["$rewindTo"]
            if target in self.order:
                cut = self.order.index(target)
                self.removed.update(i for i in self.order[cut:])
                self.order = self.order[:cut]
            return
        if isinstance(record.get("$set"), dict):
            update = record["$set"]
            if isinstance(update.get("messages"), list):
                self.removed.update(self.order)
                self.order = []
                for message in update["messages"]:
                    self.message(message)
            self.meta.update({k: v for k, v in update.items() if k != "messages"})
            return
        if "id" in record and "type" in record:
            self.message(record)
        elif "sessionId" in record:
            messages = record.get("messages")
            self.meta.update({k: v for k, v in record.items() if k != "messages"})
            for message in messages if isinstance(messages, list) else ():
                self.message(message)
        else:
            self.bad += 1

    def message(self, record):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            self.bad += 1
            return
        key = record["id"]
        self.removed.discard(key)
        if key not in self.messages or key not in self.order:
            self.order.append(key)
        self.messages[key] = record


def fold_file(path):
    """The :class:`GeminiFold` of a chat file, JSON or JSONL; raises OSError when unreadable."""
    fold = GeminiFold()
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".json"):
        try:
            fold.add(orjson.loads(data))
        except orjson.JSONDecodeError:
            fold.bad += 1
            return fold, 0  # caught mid-rewrite: read again next time
        return fold, len(data)
    end = data.rfind(b"\n") + 1
    for raw in data[:end].split(b"\n"):
        if not raw.strip():
            continue
        try:
            fold.add(orjson.loads(raw))
        except orjson.JSONDecodeError:
            fold.bad += 1
    return fold, end


def text_of(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text") for p in content
                         if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def typed_text(record):
    """What the user typed in a ``user`` record, or "" when the CLI or a hook wrote it."""
    display = record.get("displayContent")
    if display is not None:
        return text_of(display)  # a slash command, or tool output shown in its place
    content = record.get("content")
    if isinstance(content, list) and any(isinstance(p, dict) and "functionResponse" in p for p in content):
        return ""
    text = text_of(content)
    stripped = text.lstrip()
    if stripped.startswith(INJECTED_PREFIXES) or stripped.startswith(MACHINE_PREFIXES):
        return ""
    return text


def project_root(path):
    """The project path of a chat file, when Gemini recorded it (v0.29+ slug folders)."""
    project_dir = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    marker = os.path.join(project_dir, ".project_root")
    try:
        with open(marker, encoding="utf-8") as f:
            root = f.read().strip()
        if root:
            return root
    except OSError:
        pass
    registry = os.path.join(os.path.dirname(os.path.dirname(project_dir)), "projects.json")
    try:
        with open(registry, encoding="utf-8") as f:
            projects = json.load(f).get("projects") or {}
    except (OSError, ValueError, AttributeError):
        return None
    slug = os.path.basename(project_dir)
    for root, name in projects.items():
        if name == slug:
            return root
    return None


class GeminiParser(Parser):
    def __init__(self, path):
        super().__init__(None)
        self.path = path

    def read(self, fold):
        batch = self.batch
        uuid = fold.meta.get("sessionId")
        if not isinstance(uuid, str) or not uuid:
            batch.skip("no_session", max(len(fold.messages), 1))
            return batch
        info = self.session(uuid, None, norm_ts(fold.meta.get("startTime")))
        info["agent"] = GEMINI
        root = project_root(self.path) if self.path else None
        if root:
            info["cwd"] = root
        if isinstance(fold.meta.get("summary"), str) and fold.meta["summary"].strip():
            info["titles"] = {"summary": fold.meta["summary"].strip()}
        subagent = fold.meta.get("kind") == "subagent"
        for key in fold.order:
            self.message(uuid, fold.messages[key], subagent, info)
        # Billed even when rewound out of the transcript.
        for key, message in fold.messages.items():
            self.tokens(uuid, message, subagent)
        self.session(uuid, None, norm_ts(fold.meta.get("lastUpdated")))
        if fold.bad:
            batch.skip("bad_shape", fold.bad)
        return batch

    def message(self, uuid, record, subagent, info):
        batch = self.batch
        at = norm_ts(record.get("timestamp"))
        self.session(uuid, None, at)
        kind = record.get("type")
        base = "gm:%s:%s:" % (uuid, record["id"])
        agent = "subagent" if subagent else None
        if kind == "user":
            typed = typed_text(record)
            if not typed.strip():
                return
            if add_typed(batch, uuid, base + "0", typed, at, agent_id=agent):
                info.setdefault("first_input", typed)  # the title when the chat has no summary
        elif kind == "gemini":
            model = record.get("model") if isinstance(record.get("model"), str) else None
            if model and agent is None:
                info["model"] = model
            for index, thought in enumerate(record.get("thoughts") or ()):
                if isinstance(thought, dict):
                    text = "\n\n".join(t for t in (thought.get("subject"), thought.get("description"))
                                       if isinstance(t, str) and t.strip())
                    if text:
                        batch.messages.append((base + "t%d" % index, uuid, agent, "assistant", "thinking",
                                               text, norm_ts(thought.get("timestamp")) or at, model))
            text = text_of(record.get("content"))
            if text.strip():
                batch.messages.append((base + "0", uuid, agent, "assistant", "reply", text, at, model))
            for call in record.get("toolCalls") or ():
                if isinstance(call, dict) and call.get("id"):
                    self.tool(uuid, call, agent, at)
            if agent is None:
                self.turn_activity(uuid, at, None)
        elif kind == "info" and agent is None and text_of(record.get("content")).strip() == CANCELLED:
            self.turn_activity(uuid, at, "interrupted")
        elif kind == "error" and agent is None:
            self.turn_activity(uuid, at, None)

    def tool(self, uuid, call, agent, at):
        name = str(call.get("name") or "?")
        args = call.get("args") if isinstance(call.get("args"), dict) else {}
        ended = norm_ts(call.get("timestamp")) or at
        status = call.get("status")
        error = None
        for part in call.get("result") or ():
            response = ((part or {}).get("functionResponse") or {}).get("response") if isinstance(part, dict) else None
            if isinstance(response, dict) and response.get("error"):
                error = str(response["error"])[:ERROR_CHARS]
        if status == "success" and not error:
            status = "ok"
        elif status == "cancelled":
            status = "interrupted"
        elif status in (None, "scheduled", "validating", "executing", "awaiting_approval"):
            status = "pending"
        else:
            status = "error"
        record = self.batch.tool_calls.setdefault(call["id"], {})
        record.update(session=uuid, agent_id=agent, name=name, input=args, started_at=at,
                      status=status, error=error if status == "error" else None,
                      ended_at=None if status == "pending" else ended)
        if status == "ok":
            record["files"] = file_rows(name, args)

    def tokens(self, uuid, record, subagent):
        tokens = record.get("tokens")
        if record.get("type") != "gemini" or not isinstance(tokens, dict):
            return
        n = {k: _int(tokens.get(k)) for k in ("input", "output", "cached", "thoughts", "tool")}
        cached = min(n["cached"], n["input"])
        row = [uuid, "subagent" if subagent else None,
               record.get("model") if isinstance(record.get("model"), str) else None,
               n["input"] - cached + n["tool"], n["output"] + n["thoughts"], 0, cached,
               norm_ts(record.get("timestamp")), 0, n["thoughts"]]
        if not any(row[3:7]) or not row[7]:
            return
        self.batch.usage[("gemini:" + record["id"], "gemini:" + uuid)] = row


def file_rows(name, args):
    """(path, operation, added, removed) of Gemini's file tools."""
    path = args.get("file_path") or args.get("absolute_path") or args.get("path")
    if not isinstance(path, str) or not path:
        return []
    if name == "read_file":
        return [(path, "read", 0, 0)]
    if name == "write_file":
        return [(path, "write", _lines(args.get("content")), 0)]
    if name == "replace":
        return [(path, "edit", _lines(args.get("new_string")), _lines(args.get("old_string")))]
    return []


def _lines(text):
    if not isinstance(text, str) or not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_file(path, offset=0):
    """``(batch, new_offset)``: the whole file, folded (``offset`` only says it changed)."""
    fold, end = fold_file(path)
    batch = GeminiParser(path).read(fold)
    batch.lines = len(fold.messages)
    return batch, end
