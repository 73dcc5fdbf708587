"""The drain on the shared session stream, replayed through the real hook.

Expected figures are worked out by hand from the ``_at`` times in
``session_stream.jsonl`` (see the fixture README's table).
"""

import os

import pytest

from cctracker_client import spool, spool_read
from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.storage import db

from conftest import HOOK_FIXTURES
from replay import load_stream, replay

STREAM = HOOK_FIXTURES / "session_stream.jsonl"
UUID = "3f9c2a71-8d4e-4b6a-9c1f-2e7d5b8a4c03"


@pytest.fixture
def drained(home):
    replay(load_stream(STREAM), home)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    stats = drain_once(conn, config)
    return conn, stats, config


def test_stream_drains_every_event_once(drained):
    conn, stats, _ = drained
    assert stats["events"] == 38
    assert stats["bad_lines"] == stats["failed"] == stats["duplicates"] == 0
    assert db.scalar(conn, "select count(*) from raw_events") == 38
    # The spool is removed once drained.
    assert spool_read.pending_files() == []
    assert spool_read.backlog() == (0, 0)


def test_stream_session_opens_and_closes_with_its_reason(drained):
    conn, _, _ = drained
    session = db.one(conn, "select * from sessions")
    assert session["session_uuid"] == UUID
    assert session["source"] == "startup"
    assert session["model"] == "claude-opus-4-6"
    assert session["started_at"] == "2026-03-02T09:00:00.412000Z"
    assert session["ended_at"] == "2026-03-02T09:16:40.215000Z"
    assert session["end_reason"] == "prompt_input_exit"
    assert session["status"] == "ended"
    assert session["permission_mode"] == "acceptEdits"
    project = db.one(conn, "select * from projects")
    assert (project["name"], project["path"], project["is_git"]) == (
        "acme-billing", "/home/dana/src/acme-billing", 0)


def test_stream_turns_split_working_and_permission_time(drained):
    conn, _, _ = drained
    turns = db.rows(conn, "select seq, started_at, ended_at, end_kind, working_seconds,"
                          " permission_seconds, prompt_id from turns order by seq")
    assert [(t["seq"], t["end_kind"]) for t in turns] == [(1, "stop"), (2, "stop")]
    # Turn 1: 09:00:41.087 -> 09:02:21.548 = 100.461 s, of which the Edit
    # permission dialog 09:00:57.802 -> 09:01:19.240 = 21.438 s.
    assert turns[0]["permission_seconds"] == pytest.approx(21.438)
    assert turns[0]["working_seconds"] == pytest.approx(79.023)
    # Turn 2: 09:14:07.239 -> 09:14:27.130 = 19.891 s, commit dialog 09:14:19.391 -> 09:14:22.805 = 3.414 s.
    assert turns[1]["permission_seconds"] == pytest.approx(3.414)
    assert turns[1]["working_seconds"] == pytest.approx(16.477)
    assert turns[0]["prompt_id"] == "b7d41e02-5c3a-4f8e-9a61-0e2d7c94f1a8"


def test_stream_user_waits_split_thinking_and_away(drained):
    conn, _, config = drained
    assert config.think_threshold_seconds == 300
    waits = db.rows(conn, "select started_at, ended_at, duration_seconds, thinking_seconds, away_seconds"
                          " from waits where kind = 'user' order by started_at")
    got = [(w["started_at"][11:23], w["ended_at"][11:23], w["duration_seconds"],
            w["thinking_seconds"], w["away_seconds"]) for w in waits]
    assert got == [
        # session start -> first prompt
        ("09:00:00.412", "09:00:41.087", pytest.approx(40.675), pytest.approx(40.675), 0),
        # Stop -> second prompt: 11 min 45.691 s, 300 s thinking, the rest away
        ("09:02:21.548", "09:14:07.239", pytest.approx(705.691), 300, pytest.approx(405.691)),
        # Stop -> the user's /compact
        ("09:14:27.130", "09:15:02.448", pytest.approx(35.318), pytest.approx(35.318), 0),
        # after compaction -> /exit
        ("09:15:31.902", "09:16:40.215", pytest.approx(68.313), pytest.approx(68.313), 0),
    ]


def test_stream_permission_waits_pair_with_their_tool(drained):
    conn, _, _ = drained
    waits = db.rows(conn, "select tool_use_id, duration_seconds from waits where kind = 'permission'"
                          " order by started_at")
    assert [(w["tool_use_id"], w["duration_seconds"]) for w in waits] == [
        ("toolu_01Nh2SdK7fLw9QbV4eZr6TmU", pytest.approx(21.438)),
        ("toolu_01Q8mZt3VhKcR7nW2pLx5sYd", pytest.approx(3.414)),
    ]


def test_stream_tool_calls_pair_pre_and_post(drained):
    conn, _, _ = drained
    calls = db.rows(conn, "select tool_name, status, duration_ms, agent_id, error from tool_calls"
                          " order by started_at")
    assert [c["tool_name"] for c in calls] == [
        "Grep", "Read", "Edit", "Bash", "Agent", "Grep", "Read", "Edit", "Write", "Bash", "Bash", "Bash"]
    assert [c["status"] for c in calls].count("error") == 1
    failed = calls[3]
    assert failed["status"] == "error" and failed["error"].startswith("Exit code 1")
    # duration_ms is taken as sent (it excludes the permission dialog)
    assert [c["duration_ms"] for c in calls] == [121, 9, 31, 1893, 21433, 147, 7, 28, 24, 1652, 96, 412]
    assert [c["agent_id"] for c in calls].count("a7c31e9b2f04d5861") == 2
    assert db.scalar(conn, "select count(*) from tool_calls where status = 'pending'") == 0


def test_stream_file_operations_and_lines(drained):
    conn, _, _ = drained
    ops = db.rows(conn, "select path, operation, lines_added, lines_removed from file_operations"
                        " where operation in ('read', 'edit', 'create', 'write') order by at")
    base = "/home/dana/src/acme-billing/"
    assert [(o["path"].replace(base, ""), o["operation"], o["lines_added"], o["lines_removed"]) for o in ops] == [
        ("billing/money.py", "read", 0, 0),
        ("billing/money.py", "edit", 1, 1),
        ("billing/invoice.py", "read", 0, 0),
        ("billing/invoice.py", "edit", 1, 1),
        ("tests/test_money.py", "create", 8, 0),
    ]


def test_stream_messages_prompts_and_replies(drained):
    conn, _, _ = drained
    messages = db.rows(conn, "select kind, agent_id, substr(content, 1, 30) as start from messages order by created_at")
    assert [(m["kind"], m["agent_id"]) for m in messages] == [
        ("prompt", None), ("reply", "a7c31e9b2f04d5861"), ("reply", None), ("prompt", None), ("reply", None)]
    assert messages[0]["start"] == "Invoice totals are off by one "
    # full-text search finds the prompt
    hits = db.rows(conn, "select rowid from messages_fts where messages_fts match 'rounding'")
    assert len(hits) >= 1


def test_stream_subagent_belongs_to_turn_one(drained):
    conn, _, _ = drained
    agent = db.one(conn, "select a.agent_type, a.tool_use_id, t.seq from agents a join turns t on t.id = a.turn_id")
    assert (agent["agent_type"], agent["seq"]) == ("Explore", 1)
    assert agent["tool_use_id"].endswith("Qv3NcR")


def test_stream_git_commit_is_an_operation(drained):
    conn, _, _ = drained
    ops = db.rows(conn, "select operation, commit_sha from git_operations order by at, operation")
    names = [o["operation"] for o in ops]
    assert "commit" in names and "status" in names
    commit = next(o for o in ops if o["operation"] == "commit")
    assert commit["commit_sha"] == "4e1b9d2"


def test_drain_twice_changes_nothing(drained, home):
    conn, _, config = drained
    before = _snapshot(conn)
    stats = drain_once(conn, config)
    assert stats["events"] == 0
    assert _snapshot(conn) == before


def test_drain_rerun_after_crash_skips_stored_events(home):
    """A crash after commit but before the spool files were deleted: same rows."""
    stream = load_stream(STREAM)
    replay(stream, home)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    spool_read.rotate()
    segment = spool_read.pending_files()[0]
    with open(segment, "rb") as f:
        saved = f.read()
    drain_once(conn, config)
    clean = _snapshot(conn)
    # Put the already-drained lines back, as if the unlink never happened.
    with open(segment, "wb") as f:
        f.write(saved)
    stats = drain_once(conn, config)
    assert stats["duplicates"] == 38 and stats["events"] == 0
    assert _snapshot(conn) == clean


def test_drain_keeps_torn_last_line_aside(home):
    config = config_mod.load()
    conn = db.connect(config.db_path)
    from cctracker_client import record

    assert record(b'{"hook_event_name":"SessionStart","session_id":"s-1","cwd":"/tmp/x","source":"startup"}',
                  received="2026-03-02T09:00:00Z")
    path = os.path.join(spool.spool_dir(), spool.ACTIVE_NAME)
    with open(path, "ab") as f:
        f.write(b'{"v":1,"id":"torn","t":"2026-03-02T09:00:01Z","p":{"hook_event_na')
    stats = drain_once(conn, config)
    assert stats["events"] == 1 and stats["bad_lines"] == 1
    errors = os.listdir(spool.errors_dir())
    assert len(errors) == 1
    with open(os.path.join(spool.errors_dir(), errors[0]), "rb") as f:
        assert b"torn line" in f.readline()
    assert db.scalar(conn, "select count(*) from raw_events") == 1


def test_event_for_unseen_session_opens_it(home):
    config = config_mod.load()
    conn = db.connect(config.db_path)
    from cctracker_client import record

    record({"hook_event_name": "PreToolUse", "session_id": "mid-1", "cwd": "/tmp/p", "tool_name": "Read",
            "tool_input": {"file_path": "/tmp/p/a.py"}, "tool_use_id": "toolu_1"}, received="2030-01-01T10:00:00Z")
    drain_once(conn, config)
    session = db.one(conn, "select source, status, started_at from sessions")
    assert session == {"source": "hook", "status": "active", "started_at": "2030-01-01T10:00:00.000000Z"}


def test_idle_session_closes_as_timeout_at_last_event(home):
    config = config_mod.load()
    conn = db.connect(config.db_path)
    from cctracker_client import record

    record({"hook_event_name": "UserPromptSubmit", "session_id": "old-1", "cwd": "/tmp/p", "prompt": "hi"},
           received="2026-01-01T10:00:00Z")
    record({"hook_event_name": "Stop", "session_id": "old-1", "cwd": "/tmp/p"}, received="2026-01-01T10:00:30Z")
    stats = drain_once(conn, config)
    assert stats["timed_out"] == 1
    session = db.one(conn, "select status, end_reason, ended_at from sessions")
    assert session == {"status": "ended", "end_reason": "timeout", "ended_at": "2026-01-01T10:00:30.000000Z"}
    # A later event reopens it.
    record({"hook_event_name": "UserPromptSubmit", "session_id": "old-1", "cwd": "/tmp/p", "prompt": "again"},
           received="2099-01-01T10:00:00Z")
    drain_once(conn, config)
    assert db.one(conn, "select status, end_reason from sessions") == {"status": "active", "end_reason": None}


def test_interrupted_turn_ends_at_its_last_event(home):
    config = config_mod.load()
    conn = db.connect(config.db_path)
    from cctracker_client import record

    s = {"session_id": "int-1", "cwd": "/tmp/p"}
    record({**s, "hook_event_name": "UserPromptSubmit", "prompt": "long job"}, received="2030-01-01T10:00:00Z")
    record({**s, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_use_id": "t1",
            "tool_input": {"command": "sleep 100"}}, received="2030-01-01T10:00:05Z")
    # Esc pressed: no Post, no Stop. The next prompt comes 20 s after the tool started.
    record({**s, "hook_event_name": "UserPromptSubmit", "prompt": "never mind"}, received="2030-01-01T10:00:25Z")
    drain_once(conn, config)
    turns = db.rows(conn, "select end_kind, ended_at, working_seconds from turns order by seq")
    assert turns[0] == {"end_kind": "interrupted", "ended_at": "2030-01-01T10:00:05.000000Z",
                        "working_seconds": 5.0}
    wait = db.one(conn, "select started_at, duration_seconds from waits where kind = 'user'")
    assert wait == {"started_at": "2030-01-01T10:00:05.000000Z", "duration_seconds": 20.0}
    assert db.scalar(conn, "select status from tool_calls") == "interrupted"


def _snapshot(conn):
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like '%fts%'"
        " and name not like 'sqlite_%' order by name")]
    return {t: sorted(map(repr, conn.execute("select * from %s" % t).fetchall())) for t in tables}


def test_drain_redacts_what_the_hook_kept_in_errors(home):
    from cctracker_client import record

    config = config_mod.load()
    conn = db.connect(config.db_path)
    secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    assert record(b"not json, but has a token " + secret.encode()) is False
    drain_once(conn, config)
    (name,) = os.listdir(spool.errors_dir())
    reason, raw = spool.read_error(os.path.join(spool.errors_dir(), name))
    assert reason == "not a JSON object [redacted]"
    assert secret.encode() not in raw and b"[REDACTED:github-token]" in raw
    # A second drain leaves it alone.
    drain_once(conn, config)
    assert spool.read_error(os.path.join(spool.errors_dir(), name)) == (reason, raw)


def test_hook_completes_a_call_the_transcript_stored_first(home):
    """The transcript reader can store a call before its hooks drain: one row, completed, no error."""
    from cctracker_client import record

    config = config_mod.load()
    conn = db.connect(config.db_path)
    with conn:
        conn.execute("insert into sessions (session_uuid, status) values ('tx-1', 'active')")
        conn.execute("insert into tool_calls (session_id, tool_use_id, tool_name, status, source)"
                     " values (1, 'toolu_x', 'Bash', 'pending', 'transcript')")
    s = {"session_id": "tx-1", "cwd": "/tmp/p", "tool_name": "Bash", "tool_use_id": "toolu_x",
         "tool_input": {"command": "ls"}}
    record({**s, "hook_event_name": "PreToolUse"}, received="2030-01-01T10:00:00Z")
    record({**s, "hook_event_name": "PostToolUse", "tool_response": {"stdout": "a"}, "duration_ms": 12},
           received="2030-01-01T10:00:01Z")
    stats = drain_once(conn, config)
    assert stats["failed"] == 0 and stats["events"] == 2
    assert db.rows(conn, "select status, duration_ms, summary from tool_calls") == [
        {"status": "ok", "duration_ms": 12, "summary": "ls"}]
