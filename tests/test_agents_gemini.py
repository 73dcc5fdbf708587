"""The Gemini CLI chat reader on every shared chat file, JSON and JSONL.

Token totals are folded here by message id straight from the files (last
write wins, ``gemini`` messages only), independently of the reader.
"""

import json

import pytest

from collector.agents import GEMINI, agent_of, gemini
from conftest import AGENT_FIXTURES

TMP = AGENT_FIXTURES / "gemini" / "tmp"
HASHED = TMP / "ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d" / "chats"
FILES = {
    "2025-10-05": HASHED / "session-2025-10-05T07-11-eefc44a3.json",
    "2025-10-11": HASHED / "session-2025-10-11T11-58-d6f69999.json",
    "2026-03-27": TMP / "vibecodingtracker" / "chats" / "session-2026-03-27T10-19-8a20078e.json",
    "2026-04-23": TMP / "discordbot" / "chats" / "session-2026-04-23T12-52-0ab84937.jsonl",
}


def raw_messages(path):
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))["messages"]
    return [r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if "id" in r]


def folded_tokens(path):
    """Sum of Gemini's own token fields over gemini messages, one per id (last write wins)."""
    by_id = {m["id"]: m for m in raw_messages(path)}
    sums = dict.fromkeys(("input", "output", "cached", "thoughts", "tool", "total"), 0)
    for message in by_id.values():
        if message["type"] == "gemini" and message.get("tokens"):
            for key in sums:
                sums[key] += message["tokens"].get(key) or 0
    return sums


def parse(path):
    batch, _ = gemini.parse_file(str(path))
    assert batch.skipped == {}
    return batch


def prompts(batch):
    return [m[5] for m in batch.messages if m[4] == "prompt"]


# day -> (prompts, tool calls by name, models, Gemini's total tokens)
EXPECTED = {
    "2025-10-05": (["請幫我檢查一下所有代碼是否足夠簡潔 而不是一堆冗餘代碼"], {}, {"gemini-2.5-pro"}, 473586),
    "2025-10-11": (1, {}, {"gemini-2.5-pro"}, 397943),
    "2026-03-27": (1, {"read_file": 3, "write_file": 4}, {"gemini-3.1-pro-preview-customtools"}, 97289),
    "2026-04-23": (["幫我做一個小修改 請幫我將上面確保執行時要透過 uv run 來執行 避免環境有問題"],
                   {"update_topic": 3, "read_file": 7, "write_file": 1, "replace": 1},
                   {"gemini-3-flash-preview", "gemini-3.1-pro-preview"}, 206879),
}


@pytest.mark.parametrize("day", sorted(FILES))
def test_each_file(day):
    path = FILES[day]
    assert agent_of(str(path)) == GEMINI
    batch = parse(path)
    want_prompts, want_tools, want_models, want_total = EXPECTED[day]
    (uuid, info), = batch.sessions.items()
    assert info["agent"] == GEMINI and path.name.endswith(uuid[:8] + path.suffix)
    got = prompts(batch)
    assert (got == want_prompts) if isinstance(want_prompts, list) else len(got) == want_prompts
    commands = [m[5] for m in batch.messages if m[4] == "command"]
    assert commands == (["/init"] if day == "2026-04-23" else [])  # typed /init, not its expansion
    assert len(batch.turns) == len(got) + len(commands)
    names = {}
    for call in batch.tool_calls.values():
        names[call["name"]] = names.get(call["name"], 0) + 1
    assert names == want_tools
    assert {r[2] for r in batch.usage.values()} == want_models
    sums = folded_tokens(path)
    assert sums["total"] == want_total
    rows = list(batch.usage.values())
    inp, out, cached, thoughts = (sum(r[i] for r in rows) for i in (3, 4, 6, 9))
    # Claude's terms: uncached input (+ tool prompt), output with thoughts, cached as cache read.
    assert (inp, out, cached, thoughts) == (sums["input"] - sums["cached"] + sums["tool"],
                                            sums["output"] + sums["thoughts"], sums["cached"], sums["thoughts"])
    assert inp + out + cached == want_total


def test_jsonl_rewritten_messages_are_folded_not_summed():
    path = FILES["2026-04-23"]
    lines = raw_messages(path)
    naive = sum(m["tokens"]["total"] for m in lines if m["type"] == "gemini" and m.get("tokens"))
    assert naive == 373199 and len(lines) == 16 and len({m["id"] for m in lines}) == 11
    batch = parse(path)
    assert len(batch.usage) == 6
    assert sum(r[3] + r[4] + r[6] for r in batch.usage.values()) == 206879
    # The model changed mid-session; the session keeps the last one.
    assert next(iter(batch.sessions.values()))["model"] == "gemini-3.1-pro-preview"
    # The cancelled request ends its turn as interrupted.
    assert batch.turns[-1]["end_kind"] == "interrupted"
    replace = next(c for c in batch.tool_calls.values() if c["name"] == "replace")
    assert replace["status"] == "ok" and replace["files"][0][1] == "edit"


def test_tool_results_sent_back_as_user_text_are_not_prompts():
    batch = parse(FILES["2025-10-11"])
    assert len(prompts(batch)) == 1
    assert not any(p.startswith("[Function Response") for p in prompts(batch))


def test_rewind_drops_from_transcript_but_keeps_billing(tmp_path):
    path = tmp_path / "chats" / "session-2026-05-01T10-00-aaaaaaaa.jsonl"
    path.parent.mkdir()
    records = [
        {"sessionId": "aaaaaaaa-1", "projectHash": "x", "startTime": "2026-05-01T10:00:00.000Z", "kind": "main"},
        {"id": "u1", "timestamp": "2026-05-01T10:00:01.000Z", "type": "user", "content": "first try"},
        {"id": "g1", "timestamp": "2026-05-01T10:00:02.000Z", "type": "gemini", "content": "answer one",
         "model": "gemini-2.5-pro", "tokens": {"input": 100, "output": 10, "cached": 40, "thoughts": 5,
                                                "tool": 0, "total": 115}},
        {"$rewindTo": "u1"},
        {"id": "u2", "timestamp": "2026-05-01T10:01:00.000Z", "type": "user", "content": "second try"},
        {"id": "g2", "timestamp": "2026-05-01T10:01:02.000Z", "type": "gemini", "content": "answer two",
         "model": "gemini-2.5-pro", "tokens": {"input": 200, "output": 20, "cached": 0, "thoughts": 0,
                                                "tool": 3, "total": 223}},
        {"id": "g2", "timestamp": "2026-05-01T10:01:02.000Z", "type": "gemini", "content": "answer two",
         "model": "gemini-2.5-pro", "tokens": {"input": 200, "output": 20, "cached": 0, "thoughts": 0,
                                                "tool": 3, "total": 223},
         "toolCalls": [{"id": "t1", "name": "read_file", "args": {"file_path": "a.py"}, "status": "error",
                        "result": [{"functionResponse": {"id": "t1", "response": {"error": "no such file"}}}]}]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + '{"id": "torn')
    batch = parse(path)
    assert prompts(batch) == ["second try"]
    assert [m[5] for m in batch.messages if m[4] == "reply"] == ["answer two"]
    assert sum(r[3] + r[4] + r[6] for r in batch.usage.values()) == 115 + 223
    assert batch.tool_calls["t1"]["status"] == "error" and batch.tool_calls["t1"]["error"] == "no such file"
