"""Transcript parsing and ``ingest_file`` on the real shared transcripts.

Expected figures were counted from the files by hand (line by line with jq
and a throwaway script independent of the parser): prompts typed by a human,
reply and thinking blocks with text, tool_use blocks (including those nested
in ``agent_progress`` lines), tool results by kind, API responses by
(message.id, requestId).
"""

import shutil

import pytest

from collector.sessions import store
from collector.storage import db
from collector.transcripts import store as transcript_store, reader
from conftest import TRANSCRIPTS

SPOTTER = TRANSCRIPTS / "spotter"
VIEWER = TRANSCRIPTS / "claude-code-viewer"
SUBAGENTS = SPOTTER / "ae4a77f8-aedd-4bc1-888f-c94edc91af04" / "subagents"

TABLES = ("projects", "sessions", "turns", "agents", "messages", "tool_calls",
          "file_operations", "token_usage")


@pytest.fixture
def conn(tmp_path):
    connection = db.connect(str(tmp_path / "t.db"))
    yield connection
    connection.close()


def ingest(conn, path, **kw):
    with conn:
        return transcript_store.ingest_file(conn, str(path), **kw)


def snapshot(conn):
    """Every table's rows; file operations by content (their ids follow read order)."""
    tables = {t: list(conn.execute("select * from %s order by 1" % t)) for t in TABLES}
    tables["file_operations"] = sorted(conn.execute(
        "select tool_call_id, session_id, path, operation, lines_added, lines_removed, at"
        " from file_operations"))
    return tables


def counts(conn):
    one = lambda sql: db.scalar(conn, sql)  # noqa: E731
    return {
        "prompts": one("select count(*) from messages where kind='prompt' and agent_id is null"),
        "agent_prompts": one("select count(*) from messages where kind='prompt'"
                             " and agent_id is not null"),
        "replies": one("select count(*) from messages where kind='reply'"),
        "thinking": one("select count(*) from messages where kind='thinking'"),
        "tool_calls": one("select count(*) from tool_calls"),
        "statuses": dict(conn.execute("select status, count(*) from tool_calls group by 1")),
        "usage_rows": one("select count(*) from token_usage"),
        "turns": [tuple(r) for r in conn.execute("select seq, end_kind from turns order by id")],
        "agents": one("select count(*) from agents"),
    }


CASES = {
    # 1 prompt; an interrupted turn; 2 calls the user rejected; one reply
    # (the other text block is empty), one thinking block, one API response.
    "short": (SPOTTER / "short.jsonl", {
        "prompts": 1, "agent_prompts": 0, "replies": 1, "thinking": 1, "tool_calls": 2,
        "statuses": {"rejected": 2}, "usage_rows": 1, "turns": [(1, "interrupted")], "agents": 0}),
    # prompts: a typed one, a typed one; two interruptions. "/mcp" between them is
    # a command (no turn: Claude never answers it).
    "tool_heavy": (SPOTTER / "tool_heavy.jsonl", {
        "prompts": 2, "agent_prompts": 0, "replies": 1, "thinking": 1, "tool_calls": 6,
        "statuses": {"ok": 6}, "usage_rows": 4,
        "turns": [(1, "interrupted"), (2, "interrupted")], "agents": 0}),
    # "/handgemacht:create-beads ..." (a command, its isMeta expansion kept as meta;
    # Claude works on it, so it opens a turn), "create the beads";
    # 16 main calls + 9 subagent calls from agent_progress lines; 12 API responses
    # (agent_progress usage is left to the subagent's own file, as ccusage does);
    # the subagent's 3 errors: EISDIR and two "Sibling tool call errored".
    "subagent": (SPOTTER / "subagent.jsonl", {
        "prompts": 1, "agent_prompts": 1, "replies": 7, "thinking": 4, "tool_calls": 25,
        "statuses": {"ok": 22, "error": 3}, "usage_rows": 12,
        "turns": [(1, "interrupted"), (2, "stop")], "agents": 1}),
    # "/init" is a command (Claude works on it: a turn), not a prompt.
    "init_1_0_98": (VIEWER / "1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl", {
        "prompts": 0, "agent_prompts": 0, "replies": 3, "thinking": 0, "tool_calls": 12,
        "statuses": {"ok": 11, "error": 1}, "usage_rows": 7, "turns": [(1, "stop")],
        "agents": 0}),
    # 1.0.108 inline sidechains: two Task subagents, each with its prompt; the
    # session's input is "/orchestrator ...", a command.
    "inline_1_0_108": (VIEWER / "5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl", {
        "prompts": 0, "agent_prompts": 2, "replies": 7, "thinking": 0, "tool_calls": 21,
        "statuses": {"ok": 18, "error": 3}, "usage_rows": 20, "turns": [(1, "stop")],
        "agents": 2}),
    # 5 parallel inline subagents; 170 API responses over 248 assistant lines;
    # "/orchestrator create TODO app by Next.js" (a command) then one typed prompt.
    "inline_1_0_98": (VIEWER / "fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl", {
        "prompts": 1, "agent_prompts": 5, "replies": 95, "thinking": 0, "tool_calls": 167,
        "statuses": {"ok": 144, "error": 23}, "usage_rows": 170,
        "turns": [(1, "stop"), (2, "stop")], "agents": 5}),
    "subagent_file_2_1": (SUBAGENTS / "agent-aac57f5.jsonl", {
        "prompts": 0, "agent_prompts": 1, "replies": 3, "thinking": 0, "tool_calls": 12,
        "statuses": {"ok": 12}, "usage_rows": 3, "turns": [], "agents": 1}),
}


@pytest.mark.parametrize("path,expected", CASES.values(), ids=list(CASES))
def test_ingest_counts_match_hand_counts(conn, path, expected):
    ingest(conn, path)
    assert counts(conn) == expected


def test_tokens_per_model_deduplicated_with_max_output(conn):
    for path in sorted(TRANSCRIPTS.rglob("*.jsonl")):
        ingest(conn, path)
    totals = {r[0]: tuple(r[1:]) for r in conn.execute(
        "select model, sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens),"
        " sum(cache_read_tokens) from token_usage group by model")}
    # input and cache: ccusage's figures; output: the highest count of each response.
    assert totals == {
        "claude-opus-4-6": (1636, 1819, 179062, 544874),
        "claude-sonnet-4-20250514": (1040, 56515, 198421, 4075332),
        "claude-sonnet-4-5-20250929": (2408, 7, 18814, 29274),
    }


def test_second_ingest_changes_nothing_even_from_offset_zero(conn):
    paths = sorted(TRANSCRIPTS.rglob("*.jsonl"))
    for path in paths:
        ingest(conn, path)
    first = snapshot(conn)
    for path in paths:
        assert ingest(conn, path)["lines"] == 0  # nothing new past the offset
    conn.execute("delete from transcript_files")  # forget the offsets: read it all again
    for path in paths:
        ingest(conn, path)
    assert snapshot(conn) == first


@pytest.mark.parametrize("name", ["inline_1_0_98", "subagent", "tool_heavy"])
def test_incremental_read_equals_one_pass(tmp_path, name):
    source = CASES[name][0]
    lines = source.read_bytes().splitlines(keepends=True)
    whole = db.connect(str(tmp_path / "whole.db"))
    target = tmp_path / source.name
    target.write_bytes(b"".join(lines))
    ingest(whole, target)
    parts = db.connect(str(tmp_path / "parts.db"))
    target.write_bytes(b"".join(lines[: len(lines) // 2]))
    ingest(parts, target)
    with open(target, "ab") as f:
        f.write(b"".join(lines[len(lines) // 2:]))
    ingest(parts, target)
    assert snapshot(parts) == snapshot(whole)


def test_torn_last_line_is_left_for_later(conn, tmp_path):
    lines = (SPOTTER / "short.jsonl").read_bytes().splitlines(keepends=True)
    target = tmp_path / "55604662-cf2a-4331-851a-ec234028f8ca.jsonl"
    head = b"".join(lines[:-1])
    target.write_bytes(head + lines[-1][:40])
    stats = ingest(conn, target)
    assert stats["lines"] == len(lines) - 1
    assert stats["pending_bytes"] == 40
    assert db.scalar(conn, "select offset from transcript_files") == len(head)
    with open(target, "ab") as f:
        f.write(lines[-1][40:])
    assert ingest(conn, target)["lines"] == 1
    assert db.scalar(conn, "select offset from transcript_files") == target.stat().st_size


def test_garbage_and_unknown_lines_are_skipped_with_reasons(conn, tmp_path):
    good = (SPOTTER / "short.jsonl").read_bytes()
    target = tmp_path / "55604662-cf2a-4331-851a-ec234028f8ca.jsonl"
    target.write_bytes(b"\x00\xff garbage {not json\n[1, 2]\n"
                       b'{"type": "brand-new-kind", "x": 1}\n' + good)
    stats = ingest(conn, target)
    assert stats["skipped"] == {"bad_json": 1, "not_an_object": 1, "unknown_type": 1}
    assert counts(conn)["prompts"] == 1


def test_binary_garbage_file_never_raises(conn, tmp_path):
    target = tmp_path / "garbage.jsonl"
    noise = bytes(b for b in range(256) if b != 10)
    target.write_bytes(noise * 40 + b"\n" + noise[:1000])
    stats = ingest(conn, target)
    assert stats["skipped"] == {"bad_json": 1}
    assert stats["pending_bytes"] == 255


def test_line_of_50_mb_is_skipped(conn, tmp_path):
    good = (SPOTTER / "short.jsonl").read_bytes()
    target = tmp_path / "55604662-cf2a-4331-851a-ec234028f8ca.jsonl"
    huge = b'{"type": "user", "message": {"content": "' + b"x" * (50 * 1024 * 1024) + b'"}}\n'
    target.write_bytes(huge + good)
    stats = ingest(conn, target)
    assert stats["skipped"] == {"line_too_long": 1}
    assert stats["lines"] == 15
    assert db.scalar(conn, "select offset from transcript_files") == len(huge) + len(good)


def test_missing_file_gives_a_reason(conn, tmp_path):
    stats = ingest(conn, tmp_path / "gone.jsonl")
    assert stats["skipped"] == {"missing_file": 1}
    assert stats["missing"] is True
    assert stats["lines"] == 0


def test_subagent_file_joins_parent_session_and_launching_turn(conn, tmp_path):
    ingest(conn, SPOTTER / "subagent.jsonl")
    row = db.one(conn, "select a.agent_id, a.agent_type, a.tool_use_id, t.seq from agents a"
                       " join turns t on t.id = a.turn_id")
    assert row == {"agent_id": "afb92ff", "agent_type": "Plan",
                   "tool_use_id": "toolu_01Cz2Pnv7qNcnK1ZiocxWhQX", "seq": 1}
    # Every subagent row belongs to the parent session and to the launching turn.
    assert db.scalar(conn, "select count(distinct turn_id) from tool_calls"
                           " where agent_id = 'afb92ff'") == 1
    ingest(conn, SUBAGENTS / "agent-aac57f5.jsonl")
    ingest(conn, SUBAGENTS / "agent-acompact-946d2b.jsonl")
    assert [tuple(r) for r in conn.execute(
        "select agent_id, agent_type, transcript_path is not null from agents"
        " where session_id = (select id from sessions"
        " where session_uuid = 'ae4a77f8-aedd-4bc1-888f-c94edc91af04') order by agent_id")] == [
        ("aac57f5", None, 1), ("acompact-946d2b", "compact", 1)]


def test_hook_session_keeps_its_turns_and_prompts(conn):
    uuid = "55604662-cf2a-4331-851a-ec234028f8ca"
    with conn:
        sid, _ = store.ensure_session(conn, uuid, cwd="/home/marco/projects/spotter",
                                      at="2026-02-10T21:11:56.900000Z", source="startup")
        conn.execute("insert into turns (session_id, seq, started_at) values (?, 1, ?)",
                     (sid, "2026-02-10T21:11:56.900000Z"))
        turn = conn.last_insert_rowid()
        store.add_message(conn, uid="hook:1", session_id=sid, role="user", kind="prompt",
                          content="mix phx.server doesnt seem to start", turn_id=turn,
                          created_at="2026-02-10T21:11:56.900000Z")
        conn.execute("insert into tool_calls (session_id, turn_id, tool_use_id, tool_name,"
                     " status, source) values (?, ?, 'toolu_0116Hyi5v8ut7Ffb7d8qV1Sc', 'Bash',"
                     " 'pending', 'hook')", (sid, turn))
    ingest(conn, SPOTTER / "short.jsonl")
    assert db.scalar(conn, "select count(*) from turns") == 1
    assert db.scalar(conn, "select count(*) from messages where kind = 'prompt'") == 1
    # The prompt, the reply, the thinking and the interruption marker (an event).
    assert db.scalar(conn, "select count(*) from messages where turn_id = ?", (turn,)) == 4
    assert [tuple(r) for r in conn.execute(
        "select source, status from tool_calls order by id")] == [
        ("hook", "rejected"), ("transcript", "rejected")]
    assert db.one(conn, "select source, model, claude_version from sessions") == {
        "source": "startup", "model": "claude-opus-4-6", "claude_version": "2.1.38"}


def test_imported_sessions_end_at_their_last_line(conn):
    ingest(conn, VIEWER / "fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl")
    assert db.one(conn, "select status, started_at, ended_at, model, claude_version, title,"
                        " source from sessions") == {
        "status": "ended", "started_at": "2025-09-03T00:52:31.217000Z",
        "ended_at": "2025-09-03T01:02:03.665000Z", "model": "claude-sonnet-4-20250514",
        "claude_version": "1.0.98", "title": "Empty Repo Setup: CLAUDE.md Foundation Created",
        "source": "import"}


def test_file_operations_from_results(conn):
    ingest(conn, VIEWER / "1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl")
    ops = dict(conn.execute("select operation, count(*) from file_operations group by 1"))
    # The Write that failed for lack of permission touched nothing.
    assert "create" not in ops and "write" not in ops
    assert sum(ops.values()) == db.scalar(
        conn, "select count(*) from tool_calls where status = 'ok'"
              " and tool_name in ('Read', 'Glob', 'Grep', 'Edit', 'Write', 'MultiEdit')"
              " and (tool_name not in ('Glob', 'Grep') or input like '%\"path\"%')")


@pytest.mark.parametrize("text,expected", [
    ("fix the bug", ("prompt", "fix the bug", None)),
    ("<command-message>init is analyzing</command-message>\n<command-name>/init</command-name>",
     ("command", "/init", None)),
    ("<command-name>/review</command-name><command-args>42 now</command-args>",
     ("command", "/review 42 now", None)),
    ("<bash-input>git status</bash-input>", ("command", "!git status", None)),
    ("[Request interrupted by user for tool use]",
     ("interrupt", "[Request interrupted by user for tool use]", None)),
    ("<local-command-stdout>ok</local-command-stdout>", ("command_output", "ok", None)),
    ("(no content)", ("event", "(no content)", None)),
    ("Stop hook feedback: tests fail", ("event", "Stop hook feedback: tests fail", None)),
    ("<local-command-caveat>Caveat: local</local-command-caveat>",
     ("event", "<local-command-caveat>Caveat: local</local-command-caveat>", None)),
    ("<system-reminder>x</system-reminder>", ("context", None, ["<system-reminder>x</system-reminder>"])),
    ("<ide_opened_file>The user opened a.py</ide_opened_file>\n<ide_selection>x = 1</ide_selection>"
     "\nwhy is x 1?", ("prompt", "why is x 1?", ["<ide_opened_file>The user opened a.py</ide_opened_file>",
                                                 "<ide_selection>x = 1</ide_selection>"])),
    ("This session is being continued from a previous conversation that ran out of context.",
     ("event", "This session is being continued from a previous conversation that ran out of context.", None)),
    ("   ", (None, None, None)),
], ids=["typed", "slash", "slash-args", "bash-mode", "interrupt", "stdout", "no-content", "stop-hook",
        "caveat", "reminder", "ide-blocks", "compact-summary", "blank"])
def test_classify_user_text(text, expected):
    assert reader.classify_user_text(text) == expected


def test_path_hints_for_all_layouts():
    assert reader.path_hints(
        "/p/-slug/0a1b2c3d-0000-4000-8000-000000000000.jsonl") == (
        "0a1b2c3d-0000-4000-8000-000000000000", None)
    assert reader.path_hints("/p/-slug/agent-1234abcd.jsonl") == (None, "1234abcd")
    assert reader.path_hints(str(SUBAGENTS / "agent-acompact-946d2b.jsonl")) == (
        "ae4a77f8-aedd-4bc1-888f-c94edc91af04", "acompact-946d2b")


def test_copied_resume_file_counts_tokens_once(conn, tmp_path):
    """An old-style resume copies earlier lines into a new file: no double count."""
    source = VIEWER / "5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl"
    copy = tmp_path / "9e0c1d2e-0000-4000-8000-000000000000.jsonl"
    shutil.copy(source, copy)
    ingest(conn, source)
    before = snapshot(conn)
    ingest(conn, copy)
    after = snapshot(conn)
    for table in ("messages", "tool_calls", "token_usage", "turns", "agents"):
        assert after[table] == before[table], table
