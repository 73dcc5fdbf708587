"""A session as a reader follows it: turns of prompts, replies, thinking, tool
calls (subagents nested under the call that launched them) and commits.

The MCP ``get_session`` tool and the Markdown/HTML exports both read this.
Rows come from the database (already redacted); tool results, which the
database does not keep, come from the transcript archive when it has them.
"""

import orjson

from ..storage import db
from ..transcripts import archive
from ..transcripts.lines import text_of

#: A tool result longer than this is cut in what is shown (the archive keeps it whole).
RESULT_CHARS = 20000


def _session_row(conn, session_id):
    return db.one(conn, (
        "select s.id, s.session_uuid, s.title, s.cwd, s.model, s.started_at, s.ended_at, s.git_branch,"
        " s.claude_version, p.name as project_name, p.path as project_path"
        " from sessions s left join projects p on p.id = s.project_id where s.id = ?"), (session_id,))


def tool_results(conn, session_uuid):
    """{tool_use_id: (text, is_error)} from the archived transcript lines of a session."""
    arch = archive.open_for(conn)
    if arch is None:
        return {}
    found = {}
    try:
        for entry in archive.files_of(arch, session_uuid):
            for raw in archive.lines_of(arch, entry["id"]):
                if b'"tool_result"' not in raw:
                    continue
                try:
                    obj = orjson.loads(raw)
                    content = obj["message"]["content"]
                except (orjson.JSONDecodeError, KeyError, TypeError):
                    continue
                for block in text_of(content)[1]:
                    body = block.get("content")
                    if isinstance(body, list):
                        body = "\n".join(b.get("text", "") for b in body
                                         if isinstance(b, dict) and isinstance(b.get("text"), str))
                    if isinstance(body, str) and block.get("tool_use_id"):
                        found[block["tool_use_id"]] = (body[:RESULT_CHARS], bool(block.get("is_error")))
    finally:
        arch.close()
    return found


def _input(text):
    if not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def build(conn, session_id, *, results=True, max_turns=None):
    """The session as a dict: ``session`` (its row), ``turns`` (each with ``items`` in
    time order) and ``commits``. Items are dicts with ``type`` prompt, reply,
    thinking or tool; a tool that launched a subagent has ``agent`` with its
    own ``items``."""
    session = _session_row(conn, session_id)
    if session is None:
        return None
    outputs = tool_results(conn, session["session_uuid"]) if results else {}
    turns = db.rows(conn, "select id, seq, started_at, ended_at, end_kind from turns"
                          " where session_id = ? order by seq", (session_id,))
    if max_turns is not None:
        turns = turns[-max_turns:] if max_turns > 0 else []
    by_turn = {t["id"]: dict(t, items=[]) for t in turns}
    loose = {"id": None, "seq": 0, "started_at": None, "ended_at": None, "end_kind": None, "items": []}
    agents = {a["agent_id"]: dict(a, items=[]) for a in db.rows(
        conn, "select agent_id, agent_type, tool_use_id, started_at, ended_at from agents"
              " where session_id = ?", (session_id,))}
    items = []
    for m in db.rows(conn, "select id, turn_id, agent_id, role, kind, content, created_at, model"
                           " from messages where session_id = ? order by created_at, id", (session_id,)):
        items.append((m["created_at"] or "", 0, m["id"], m["turn_id"], m["agent_id"], {
            "type": m["kind"], "at": m["created_at"], "text": m["content"], "model": m["model"]}))
    for t in db.rows(conn, "select id, turn_id, agent_id, tool_use_id, tool_name, started_at, ended_at,"
                           " duration_ms, status, error, summary, input from tool_calls"
                           " where session_id = ? order by started_at, id", (session_id,)):
        result = outputs.get(t["tool_use_id"])
        items.append((t["started_at"] or "", 1, t["id"], t["turn_id"], t["agent_id"], {
            "type": "tool", "at": t["started_at"], "name": t["tool_name"], "tool_use_id": t["tool_use_id"],
            "status": t["status"], "summary": t["summary"], "input": _input(t["input"]),
            "error": t["error"], "duration_ms": t["duration_ms"],
            "result": result[0] if result else None}))
    items.sort(key=lambda i: (i[0], i[1], i[2]))
    launched = {}
    for _, _, _, turn_id, agent_id, item in items:
        if agent_id and agent_id in agents:
            agents[agent_id]["items"].append(item)
            continue
        if item["type"] == "tool" and item["tool_use_id"]:
            launched[item["tool_use_id"]] = item
        target = by_turn.get(turn_id) if turn_id is not None else loose
        if target is None:
            continue  # a turn cut by max_turns
        target["items"].append(item)
    for agent in agents.values():
        host = launched.get(agent["tool_use_id"])
        record = {"agent_id": agent["agent_id"], "agent_type": agent["agent_type"],
                  "started_at": agent["started_at"], "ended_at": agent["ended_at"], "items": agent["items"]}
        if host is not None:
            host["agent"] = record
        elif max_turns is None and agent["items"]:
            loose["items"].append({"type": "agent", "at": agent["started_at"], "agent": record})
    commits = db.rows(conn, "select sha, subject, committed_at, lines_added, lines_removed, by_claude"
                            " from commits where session_id = ? order by committed_at", (session_id,))
    ordered = ([loose] if loose["items"] else []) + [by_turn[t["id"]] for t in turns]
    for turn in ordered:
        turn.pop("id", None)
    return {"session": session, "turns": ordered, "commits": commits}


def prompts(timeline):
    """Everything the user typed (prompts and commands), in order."""
    return [i["text"] for t in timeline["turns"] for i in t["items"] if i["type"] in ("prompt", "command")]
