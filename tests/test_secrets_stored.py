"""No corpus secret reaches the disk: database, WAL, errors/, exports (byte search).

Secrets go in the way real ones do: typed in prompts, run in Bash commands,
read from files, written to files, replied by the model, through the real
hook script and drain, and through a transcript import.
"""

import json
import os
import uuid

import orjson

from collector import config as config_mod
from collector.export import tabular
from collector.ingest import importer
from collector.ingest.drain import drain_once
from collector.storage import db
from conftest import HOOK_FIXTURES
from replay import load_stream, replay, run_hook
from secrets_corpus import SECRETS

SESSION = "5e7c1a90-2b3d-4f6e-8a1c-9d0e2f4b6a81"


def _needles():
    """Each secret, and each line of a multi-line one, as bytes (raw and JSON-escaped)."""
    out = set()
    for _id, _kind, secret, _text in SECRETS:
        for piece in [secret] + [line for line in secret.split("\n") if len(line) >= 12]:
            if len(piece) >= 6:
                out.add(piece.encode())
                out.add(orjson.dumps(piece)[1:-1])
    return out


def _leaks(home, extra=()):
    found = []
    needles = _needles()
    paths = [os.path.join(d, f) for d, _dirs, files in os.walk(home) for f in files] + list(extra)
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        for needle in needles:
            if needle in data:
                found.append((os.path.relpath(path, home), needle[:24]))
    return found


def _with_secrets(stream):
    """The fixture session with the corpus put into prompts, commands, reads, writes and replies."""
    texts = [s[3] for s in SECRETS]
    third = len(texts) // 3
    blob = "\n".join(texts)
    out = []
    for p in stream:
        p = json.loads(json.dumps(p))
        p["session_id"] = SESSION
        name, tool = p["hook_event_name"], p.get("tool_name")
        if name == "UserPromptSubmit":
            p["prompt"] = "please fix this:\n" + "\n".join(texts[:third])
        elif tool == "Bash":
            p["tool_input"]["command"] = "\n".join(texts[third:2 * third])
            if isinstance(p.get("tool_response"), dict):
                p["tool_response"]["stdout"] = "\n".join(texts[2 * third:])
            if "error" in p:
                p["error"] = "Exit code 1\n" + blob
        elif tool == "Read" and isinstance(p.get("tool_response"), dict):
            p["tool_response"]["file"]["content"] = blob
        elif tool == "Write":
            p["tool_input"]["content"] = blob
            if isinstance(p.get("tool_response"), dict):
                p["tool_response"]["content"] = blob
        elif name in ("Stop", "SubagentStop"):
            p["last_assistant_message"] = "Done. I used " + texts[0] + " and " + texts[-1]
        out.append(p)
    return out


def _transcript(path, cwd):
    """A small real-format transcript whose prompt, reply, thinking and tool call carry the corpus."""
    blob = "\n".join(s[3] for s in SECRETS)
    sid = str(uuid.uuid4())
    base = {"isSidechain": False, "userType": "external", "cwd": cwd, "sessionId": sid,
            "version": "2.1.38", "gitBranch": "main"}
    u1, a1, a2, u2 = (str(uuid.uuid4()) for _ in range(4))
    lines = [
        dict(base, parentUuid=None, type="user", uuid=u1, timestamp="2026-03-02T10:00:00.000Z",
             message={"role": "user", "content": "keys:\n" + blob}),
        dict(base, parentUuid=u1, type="assistant", uuid=a1, timestamp="2026-03-02T10:00:05.000Z",
             requestId="req_011CSHmJVsDBmAsBzQ3nYQPr",
             message={"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "role": "assistant", "model": "claude-sonnet-4-5",
                      "type": "message", "content": [
                          {"type": "thinking", "thinking": "the user pasted " + blob, "signature": "c2ln"},
                          {"type": "text", "text": "I will store " + blob},
                          {"type": "tool_use", "id": "toolu_01SecretsCorpusBash", "name": "Bash",
                           "input": {"command": blob, "description": "export keys"}}],
                      "usage": {"input_tokens": 10, "output_tokens": 20}}),
        dict(base, parentUuid=a1, type="user", uuid=u2, timestamp="2026-03-02T10:00:07.000Z",
             toolUseResult={"stdout": blob, "stderr": "", "interrupted": False, "isImage": False},
             message={"role": "user", "content": [
                 {"type": "tool_result", "tool_use_id": "toolu_01SecretsCorpusBash", "content": blob}]}),
        dict(base, parentUuid=u2, type="assistant", uuid=a2, timestamp="2026-03-02T10:00:09.000Z",
             requestId="req_011CSHmJVsDBmAsBzQ3nYQPs",
             message={"id": "msg_01XFDUDYJgAACzvnptvVoYEM", "role": "assistant", "model": "claude-sonnet-4-5",
                      "type": "message", "content": [{"type": "text", "text": "Done: " + blob}],
                      "usage": {"input_tokens": 10, "output_tokens": 20}}),
    ]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return sid


def _export_all(conn, tmp_path):
    files = []
    for fmt in tabular.FORMATS:
        out = tmp_path / ("export." + fmt)
        with open(out, "w", newline="") as f:
            tabular.export(conn, f, fmt=fmt, what="all" if fmt != "csv" else "messages")
        files.append(str(out))
    return files


def test_corpus_never_stored_after_hooks_and_drain(home, tmp_path):
    stream = _with_secrets(load_stream(HOOK_FIXTURES / "session_stream.jsonl"))
    replay(stream, home)
    # A payload the hook cannot parse, and a torn spool line, both full of secrets.
    run_hook(b"{not json " + "\n".join(s[3] for s in SECRETS).encode(), home)
    with open(home / "spool" / "events.jsonl", "ab") as f:
        f.write(b'{"v":1,"id":"torn","t":"2026-03-02T09:00:00Z","p":{"prompt":"'
                + SECRETS[0][3].encode())
    conn = db.connect(str(home / "cctracker.db"))
    stats = drain_once(conn, config_mod.load(str(home)))
    # The torn line; the non-JSON one never reached the spool (the hook kept it under errors/).
    assert stats["events"] == len(stream) and stats["bad_lines"] == 1
    assert len(os.listdir(home / "errors")) == 2
    assert db.scalar(conn, "select count(*) from messages where content like '%[REDACTED:%'") >= 2
    exports = _export_all(conn, tmp_path)
    assert _leaks(home, exports) == []
    conn.close()
    assert _leaks(home, exports) == []


def test_corpus_never_stored_after_transcript_import(home, tmp_path):
    path = tmp_path / "projects" / "-home-dana-src-acme-billing"
    path.mkdir(parents=True)
    _transcript(path / "session.jsonl", "/home/dana/src/acme-billing")
    conn = db.connect(str(home / "cctracker.db"))
    result = importer.import_paths(conn, [str(tmp_path / "projects")], config=config_mod.load(str(home)))
    assert db.scalar(conn, "select count(*) from messages") >= 2, result
    exports = _export_all(conn, tmp_path)
    leaks = _leaks(home, exports)
    conn.close()
    assert leaks == []
