"""Hypothesis over the hook payload path and the transcript parser.

Arbitrary JSON and bytes go through ``cctracker_client.record`` + the real
drain, and through ``collector.transcripts.reader`` + ``transcripts.store``: no
exception escapes, every line is accounted for, and the database stays whole
(integrity and foreign keys) with no half-applied event.
"""

import os
import tempfile

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cctracker_client
from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.storage import db
from collector.transcripts import reader, store

#: CI runs a fixed set of examples (derandomized: the same every run, so a pass or a failure
#: never depends on chance); benchmarks/fuzz.py sets these to run many more, randomly.
EXAMPLES = int(os.environ.get("CCTRACKER_FUZZ_EXAMPLES", "60"))
RANDOM = os.environ.get("CCTRACKER_FUZZ_RANDOM") == "1"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

EVENTS = ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure",
          "PermissionRequest", "Notification", "SubagentStart", "SubagentStop", "Stop", "StopFailure",
          "PreCompact", "SessionEnd", "Unknown"]
TOOLS = ["Bash", "Read", "Write", "Edit", "Grep", "Agent", "Task", "mcp__x__y", ""]

scalars = st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
# Hook-shaped objects: real field names with arbitrary values, and arbitrary extra keys.
hook_like = st.fixed_dictionaries(
    {"hook_event_name": st.sampled_from(EVENTS) | json_values,
     "session_id": st.sampled_from(["s1", "s2", "3f9c2a71-8d4e-4b6a-9c1f-2e7d5b8a4c03"]) | json_values},
    optional={"tool_name": st.sampled_from(TOOLS) | json_values, "tool_use_id": st.text(max_size=8) | json_values,
              "tool_input": json_values, "tool_response": json_values, "prompt": json_values,
              "cwd": st.sampled_from(["/tmp/p", "/home/dana/src/x"]) | json_values,
              "agent_id": json_values, "transcript_path": json_values, "error": json_values,
              "last_assistant_message": json_values, "source": json_values, "reason": json_values},
) | st.dictionaries(st.text(max_size=12), json_values, max_size=6)
payloads = st.lists(hook_like | json_values | st.binary(max_size=80), min_size=1, max_size=8)
times = st.sampled_from(["2026-03-02T09:00:00.000000Z", "2026-03-02T09:00:01.5Z", "2026-03-03T00:00:00+02:00"])


def _whole(conn):
    assert db.scalar(conn, "pragma integrity_check") == "ok"
    assert db.rows(conn, "pragma foreign_key_check") == []


def test_hook_payloads_fuzzed_through_record_and_drain(home):
    conn = db.connect(str(home / "cctracker.db"))
    config = config_mod.load(str(home))

    @FUZZ
    @given(payloads, times)
    def run(batch, at):
        sent = 0
        for payload in batch:
            ok = cctracker_client.record(payload, received=at, base=str(home))
            assert ok in (True, False)
            sent += int(ok)
        before = db.scalar(conn, "select count(*) from raw_events")
        stats = drain_once(conn, config)
        # Every spooled line is stored, a duplicate, skipped, or kept as bad.
        assert stats["lines"] == sent
        assert stats["events"] + stats["duplicates"] + stats["bad_lines"] + stats["skipped"] + stats["failed"] == sent
        assert db.scalar(conn, "select count(*) from raw_events") == before + stats["events"] + stats["failed"]
        _whole(conn)

    run()


def test_hook_raw_bytes_never_raise(home):
    @FUZZ
    @given(st.binary(max_size=200))
    def run(raw):
        assert cctracker_client.record(raw, base=str(home)) in (True, False)
        assert cctracker_client.check(raw) is None or isinstance(cctracker_client.check(raw), str)

    run()


transcript_lines = st.lists(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["user", "assistant", "system", "summary", "progress", "x"]) | json_values},
        optional={"sessionId": st.sampled_from(["t1", "t2"]) | json_values,
                  "uuid": st.text(max_size=6) | json_values, "parentUuid": json_values,
                  "timestamp": times | json_values, "cwd": json_values, "isSidechain": json_values,
                  "agentId": json_values, "requestId": json_values, "toolUseResult": json_values,
                  "message": st.fixed_dictionaries({}, optional={
                      "role": json_values, "id": json_values, "model": json_values, "usage": json_values,
                      "content": json_values | st.lists(st.fixed_dictionaries(
                          {"type": st.sampled_from(["text", "thinking", "tool_use", "tool_result"]) | json_values},
                          optional={"text": json_values, "thinking": json_values, "id": json_values,
                                    "name": json_values, "input": json_values, "tool_use_id": json_values,
                                    "content": json_values, "is_error": json_values}), max_size=3)}) | json_values},
    ) | json_values,
    max_size=6,
)


def _file(data):
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def _ingest(conn, path):
    with conn:
        return store.ingest_file(conn, path)


def test_transcript_json_lines_fuzzed(home):
    conn = db.connect(str(home / "cctracker.db"))

    @FUZZ
    @given(transcript_lines, st.booleans())
    def run(lines, torn):
        data = b"".join(orjson.dumps(line, option=orjson.OPT_NON_STR_KEYS) + b"\n" for line in lines)
        if torn and data:
            data = data[:-2]
        path = _file(data)
        try:
            reader.parse_file(path)
            _ingest(conn, path)
            _ingest(conn, path)  # a second read changes nothing and does not fail
        finally:
            os.unlink(path)
        _whole(conn)

    run()


def test_transcript_bytes_fuzzed(home):
    conn = db.connect(str(home / "cctracker.db"))

    @FUZZ
    @given(st.binary(max_size=400))
    def run(data):
        path = _file(data)
        try:
            reader.parse_file(path)
            _ingest(conn, path)
        finally:
            os.unlink(path)
        _whole(conn)

    run()
