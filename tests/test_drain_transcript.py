"""Hooks and the transcript they point at describe one session, nothing doubled.

Uses the real ``spotter/short.jsonl`` (Claude Code 2.1.38): one prompt, one
API response split over five lines (text, thinking, text, two tool_use)
sharing message id ``…pYiiQa`` and usage input 3, output 13, cache write
13,835, cache read 11,515; both tool calls were rejected by the user.
"""

from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.storage import db

from conftest import TRANSCRIPTS
from replay import run_hook

SHORT = TRANSCRIPTS / "spotter" / "short.jsonl"
UUID = "55604662-cf2a-4331-851a-ec234028f8ca"
CWD = "/home/marco/projects/spotter"


def hook(home, name, at, **fields):
    payload = {"session_id": UUID, "cwd": CWD, "transcript_path": str(SHORT), "hook_event_name": name, **fields}
    done = run_hook(payload, home, at=at)
    assert done.returncode == 0 and done.stdout == b""


def test_stop_reads_transcript_once_and_merges_the_prompt(home):
    hook(home, "SessionStart", "2026-02-10T21:11:52.400Z", source="startup")
    hook(home, "UserPromptSubmit", "2026-02-10T21:11:56.800Z", prompt="mix phx.server doesnt seem to start")
    hook(home, "Stop", "2026-02-10T21:12:03.000Z")  # 2.1.38 sent no last_assistant_message
    config = config_mod.load()
    conn = db.connect(config.db_path)
    stats = drain_once(conn, config)
    assert stats["transcripts"] == 1

    session = db.one(conn, "select model, claude_version, count(*) as n from sessions")
    assert session == {"model": "claude-opus-4-6", "claude_version": "2.1.38", "n": 1}
    prompts = db.rows(conn, "select content from messages where kind = 'prompt'")
    assert prompts == [{"content": "mix phx.server doesnt seem to start"}]
    replies = [r["content"] for r in db.rows(conn, "select content from messages where kind = 'reply'")]
    assert "Let me check the project structure and try running the server to see the error." in replies
    assert db.scalar(conn, "select count(*) from messages where kind = 'thinking'") == 1
    usage = db.one(conn, "select count(*) as n, sum(input_tokens) as i, sum(output_tokens) as o,"
                         " sum(cache_creation_tokens) as cw, sum(cache_read_tokens) as cr from token_usage")
    assert usage == {"n": 1, "i": 3, "o": 13, "cw": 13835, "cr": 11515}
    assert db.scalar(conn, "select count(*) from tool_calls where status = 'rejected'") == 2

    # The next Stop reads on from the stored offset: nothing new, nothing doubled.
    before = db.scalar(conn, "select count(*) from messages")
    hook(home, "Stop", "2026-02-10T21:16:13.000Z")
    drain_once(conn, config)
    assert db.scalar(conn, "select count(*) from messages") == before
    assert db.scalar(conn, "select count(*) from token_usage") == 1


def test_missing_transcript_never_blocks_the_events(home):
    payload = {"session_id": "gone-1", "cwd": "/tmp/x", "transcript_path": "/nonexistent/gone.jsonl"}
    run_hook({**payload, "hook_event_name": "UserPromptSubmit", "prompt": "hello"}, home, at="2030-01-01T10:00:00Z")
    run_hook({**payload, "hook_event_name": "Stop", "last_assistant_message": "hi there"}, home,
             at="2030-01-01T10:00:05Z")
    config = config_mod.load()
    conn = db.connect(config.db_path)
    stats = drain_once(conn, config)
    assert stats["events"] == 2 and stats["failed"] == 0
    assert [r["content"] for r in db.rows(conn, "select content from messages order by id")] == ["hello", "hi there"]
