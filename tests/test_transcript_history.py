"""Real history, read right: transcripts written for each case in tmp_path, imported
by the real ``cctracker import`` (a subprocess) into a real database."""

import json
import os
import subprocess

import pytest

from collector.storage import db
from conftest import PYTHON

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
SESSION = "0f0e0d0c-0b0a-4908-8706-050403020100"
CWD = "/home/dana/src/acme"


def cli(*args):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=120)
    return done


def import_json(path):
    done = cli("import", str(path), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def connect(home):
    return db.connect(str(home / "cctracker.db"))


def env(uuid, at, **extra):
    line = {"uuid": uuid, "parentUuid": None, "sessionId": SESSION, "timestamp": at, "cwd": CWD,
            "gitBranch": "main", "version": "2.1.40", "isSidechain": False, "userType": "external"}
    line.update(extra)
    return line


def prompt(uuid, at, content, **extra):
    return env(uuid, at, type="user", message={"role": "user", "content": content}, **extra)


def reply(uuid, at, text, msg="msg_1", req="req_1", usage=None, blocks=None):
    usage = usage or {"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0}
    content = blocks if blocks is not None else [{"type": "text", "text": text}]
    return env(uuid, at, type="assistant", requestId=req, message={
        "id": msg, "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
        "content": content, "stop_reason": None, "usage": usage})


def write(path, lines, *, final_newline=True, bom=False):
    text = "\n".join(json.dumps(line) if isinstance(line, dict) else line for line in lines)
    data = text.encode() + (b"\n" if final_newline else b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.fixture
def projects(tmp_path):
    return tmp_path / "projects" / "-home-dana-src-acme"


def two_turns():
    return [
        prompt("u1", "2026-03-02T10:00:00.000Z", "fix the login bug"),
        reply("a1", "2026-03-02T10:00:30.000Z", "Fixed.", "msg_1", "req_1"),
        # 400 s later: 300 s of thinking (the threshold), 100 s away.
        prompt("u2", "2026-03-02T10:07:10.000Z", "now add a test"),
        reply("a2", "2026-03-02T10:08:00.000Z", "Added.", "msg_2", "req_2",
              usage={"input_tokens": 7, "output_tokens": 3, "cache_creation_input_tokens": 0,
                     "cache_read_input_tokens": 0}),
    ]


def test_last_line_without_newline_is_read_and_second_import_changes_nothing(projects, home):
    path = write(projects / (SESSION + ".jsonl"), two_turns(), final_newline=False)
    summary = import_json(projects.parent)
    assert (summary["lines"], summary["usage_rows"], summary["skipped"]) == (4, 2, {})
    conn = connect(home)
    assert db.scalar(conn, "select sum(input_tokens) from token_usage") == 17
    assert db.scalar(conn, "select offset from transcript_files") == path.stat().st_size
    before = {t: list(conn.execute("select * from %s order by 1" % t))
              for t in ("sessions", "turns", "waits", "messages", "token_usage")}
    again = import_json(projects.parent)
    assert (again["files_read"], again["lines"], again["messages"]) == (0, 0, 0)
    assert before == {t: list(conn.execute("select * from %s order by 1" % t))
                      for t in ("sessions", "turns", "waits", "messages", "token_usage")}


def test_byte_order_mark_does_not_spoil_the_first_line(projects, home):
    write(projects / (SESSION + ".jsonl"), two_turns(), bom=True)
    summary = import_json(projects.parent)
    assert summary["skipped"] == {}
    conn = connect(home)
    assert db.scalar(conn, "select count(*) from messages where kind = 'prompt'") == 2


def test_wrong_typed_field_is_one_bad_line_and_the_import_goes_on(projects, home):
    lines = two_turns()
    bad = reply("a1b", "2026-03-02T10:00:31.000Z", "never stored", "msg_9", "req_9")
    bad["agentId"] = True
    lines.insert(2, bad)
    write(projects / (SESSION + ".jsonl"), lines)
    done = cli("import", str(projects.parent), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["skipped"] == {"bad_field:agentId": 1}
    conn = connect(home)
    assert db.scalar(conn, "select count(*) from messages where kind = 'prompt'") == 2
    assert [r[0] for r in conn.execute("select message_id from token_usage order by 1")] == [
        "msg_1", "msg_2"]
    assert db.scalar(conn, "select count(*) from messages where content = 'never stored'") == 0


@pytest.mark.parametrize("field,value,reason", [
    ("usage", {"input_tokens": "10"}, "bad_field:message.usage.input_tokens"),
    ("usage", {"input_tokens": True}, "bad_field:message.usage.input_tokens"),
    ("timestamp", 1700000000, "bad_field:timestamp"),
    ("content", [{"type": "tool_use", "id": 7, "name": "Bash"}], "bad_field:message.content[tool_use].id"),
], ids=["usage-string", "usage-bool", "timestamp-int", "tool-use-id-int"])
def test_each_wrong_type_names_its_field(projects, home, field, value, reason):
    bad = reply("a9", "2026-03-02T10:00:31.000Z", "x", "msg_9", "req_9")
    if field == "timestamp":
        bad["timestamp"] = value
    elif field == "usage":
        bad["message"]["usage"] = value
    else:
        bad["message"]["content"] = value
    write(projects / (SESSION + ".jsonl"), [two_turns()[0], bad, two_turns()[1]])
    assert import_json(projects.parent)["skipped"] == {reason: 1}


def test_commands_outputs_and_ide_context_are_not_prompts(projects, home):
    ide = [{"type": "text", "text": "<ide_opened_file>The user opened the file /src/app.py in the IDE."
                                    "</ide_opened_file>"},
           {"type": "text", "text": "why does login fail?"}]
    write(projects / (SESSION + ".jsonl"), [
        prompt("u0", "2026-03-02T09:59:00.000Z", "<local-command-caveat>Caveat: The messages below were"
               " generated by the user while running local commands.</local-command-caveat>", isMeta=True),
        prompt("u1", "2026-03-02T09:59:01.000Z",
               "<command-name>/clear</command-name>\n<command-message>clear</command-message>\n"
               "<command-args></command-args>"),
        prompt("u2", "2026-03-02T09:59:02.000Z", "<local-command-stdout></local-command-stdout>"),
        prompt("u3", "2026-03-02T09:59:03.000Z",
               "<command-name>/cost</command-name>\n<command-args></command-args>"),
        prompt("u4", "2026-03-02T09:59:04.000Z", "<local-command-stdout>Total cost: $0.12"
               "</local-command-stdout>"),
        prompt("u5", "2026-03-02T10:00:00.000Z", ide),
        reply("a5", "2026-03-02T10:00:20.000Z", "The token expired."),
        reply("a5b", "2026-03-02T10:00:21.000Z", "(no content)", "msg_5b", "req_5b"),
        prompt("u6", "2026-03-02T10:01:00.000Z", [{"type": "text", "text": "(no content)"}]),
        prompt("u7", "2026-03-02T10:02:00.000Z", [{"type": "text", "text": "[Request interrupted by user]"}]),
    ])
    import_json(projects.parent)
    conn = connect(home)
    kinds = [tuple(r) for r in conn.execute("select kind, content from messages order by created_at, id")]
    assert kinds == [
        ("meta", "<local-command-caveat>Caveat: The messages below were generated by the user while"
                 " running local commands.</local-command-caveat>"),
        ("command", "/clear"), ("command", "/cost"), ("command_output", "Total cost: $0.12"),
        ("prompt", "why does login fail?"),
        ("context", "<ide_opened_file>The user opened the file /src/app.py in the IDE.</ide_opened_file>"),
        ("reply", "The token expired."), ("event", "(no content)"),
        ("event", "[Request interrupted by user]"),
    ]
    # One turn: the prompt. /clear and /cost got no answer, so they are no turns.
    assert [tuple(r) for r in conn.execute("select seq, started_at from turns")] == [
        (1, "2026-03-02T10:00:00.000000Z")]
    assert db.scalar(conn, "select title from sessions") == "why does login fail?"


def test_command_claude_works_on_is_a_turn_and_a_title(projects, home):
    write(projects / (SESSION + ".jsonl"), [
        prompt("u1", "2026-03-02T10:00:00.000Z",
               "<command-message>review is running</command-message>\n<command-name>/review</command-name>\n"
               "<command-args>PR 42</command-args>"),
        prompt("u2", "2026-03-02T10:00:00.100Z", [{"type": "text", "text": "Review the PR carefully."}],
               isMeta=True),
        reply("a1", "2026-03-02T10:01:00.000Z", "Looks good."),
    ])
    import_json(projects.parent)
    conn = connect(home)
    assert db.scalar(conn, "select count(*) from messages where kind = 'prompt'") == 0
    assert [tuple(r) for r in conn.execute("select started_at, ended_at, working_seconds from turns")] == [
        ("2026-03-02T10:00:00.000000Z", "2026-03-02T10:01:00.000000Z", 60.0)]
    assert db.scalar(conn, "select title from sessions") == "/review PR 42"


def test_title_lines_win_over_the_first_prompt(projects, home):
    write(projects / (SESSION + ".jsonl"), two_turns() + [
        {"type": "ai-title", "aiTitle": "Login bug fix", "sessionId": SESSION},
        {"type": "custom-title", "customTitle": "auth: expired tokens", "sessionId": SESSION},
    ])
    import_json(projects.parent)
    assert db.scalar(connect(home), "select title from sessions") == "auth: expired tokens"


def test_long_first_prompt_is_shortened_into_the_title(projects, home):
    text = ("Please refactor the importer so that every line of a transcript is read exactly once,"
            " and add tests for it\nsecond line")
    write(projects / (SESSION + ".jsonl"), [prompt("u1", "2026-03-02T10:00:00.000Z", text)])
    import_json(projects.parent)
    assert db.scalar(connect(home), "select title from sessions") == (
        "Please refactor the importer so that every line of a transcript is read exactly…")


def test_imported_session_has_waits_working_time_and_tool_durations(projects, home):
    lines = two_turns()
    lines[1] = reply("a1", "2026-03-02T10:00:30.000Z", None, blocks=[
        {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "pytest"}}])
    lines.insert(2, prompt("r1", "2026-03-02T10:00:42.500Z", [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "1 passed"}]))
    lines.insert(3, reply("a1b", "2026-03-02T10:00:50.000Z", "Fixed.", "msg_1b", "req_1b"))
    write(projects / (SESSION + ".jsonl"), lines)
    import_json(projects.parent)
    conn = connect(home)
    assert [tuple(r) for r in conn.execute(
        "select seq, ended_at, end_kind, working_seconds from turns order by seq")] == [
        (1, "2026-03-02T10:00:50.000000Z", "stop", 50.0), (2, "2026-03-02T10:08:00.000000Z", "stop", 50.0)]
    assert db.scalar(conn, "select duration_ms from tool_calls") == 12500.0
    # The wait between the turns: 10:00:50 -> 10:07:10 = 380 s, 300 thinking + 80 away
    # (the default think threshold); the session ended at its last line.
    waits = [tuple(r) for r in conn.execute(
        "select w.started_at, duration_seconds, thinking_seconds, away_seconds, t.seq"
        " from waits w join turns t on t.id = w.turn_id where kind = 'user' and duration_seconds > 0")]
    assert waits == [("2026-03-02T10:00:50.000000Z", 380.0, 300.0, 80.0, 1)]
    summary = db.one(conn, "select user_waits, thinking_seconds, away_seconds, claude_working_seconds"
                           " from session_summary")
    assert summary == {"user_waits": 2, "thinking_seconds": 300.0, "away_seconds": 80.0,
                       "claude_working_seconds": 100.0}


COMMIT_OUTPUT = ("[main 1a2b3c4] Fix expired token check\n 2 files changed, 14 insertions(+), 3 deletions(-)\n"
                 " create mode 100644 tests/test_login.py")


def test_git_commit_output_becomes_an_operation_and_a_commit(projects, home):
    command = ("git add -A && git commit -m \"$(cat <<'EOF'\nFix expired token check\n\n"
               "Co-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"")
    write(projects / (SESSION + ".jsonl"), [
        prompt("u1", "2026-03-02T10:00:00.000Z", "commit it"),
        reply("a1", "2026-03-02T10:00:10.000Z", None, blocks=[
            {"type": "tool_use", "id": "toolu_c", "name": "Bash", "input": {"command": command}}]),
        prompt("r1", "2026-03-02T10:00:11.000Z", [
            {"type": "tool_result", "tool_use_id": "toolu_c", "content": COMMIT_OUTPUT}],
            toolUseResult={"stdout": COMMIT_OUTPUT, "stderr": "", "interrupted": False, "isImage": False}),
        reply("a2", "2026-03-02T10:00:15.000Z", "Committed.", "msg_2", "req_2"),
    ])
    summary = import_json(projects.parent)
    assert summary["commits"] == 1
    conn = connect(home)
    assert [tuple(r) for r in conn.execute(
        "select operation, commit_sha from git_operations order by operation")] == [
        ("add", None), ("commit", "1a2b3c4")]
    assert db.one(conn, "select sha, subject, files_changed, lines_added, lines_removed, by_claude,"
                        " committed_at, session_id from commits") == {
        "sha": "1a2b3c4", "subject": "Fix expired token check", "files_changed": 2, "lines_added": 14,
        "lines_removed": 3, "by_claude": 1, "committed_at": "2026-03-02T10:00:11.000000Z", "session_id": 1}
    assert db.scalar(conn, "select commits from session_summary") == 1


def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "d@example.com",
                               "GIT_COMMITTER_NAME": "Dana", "GIT_COMMITTER_EMAIL": "d@example.com",
                               **kw}).stdout


def test_local_repository_history_links_the_full_commit(tmp_path, home):
    repo = tmp_path / "acme"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\ny = 2\n")
    git(repo, "add", "a.py")
    when = "2026-03-02T10:00:11+00:00"
    out = git(repo, "commit", "-q", "-m", "Add a", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    sha = git(repo, "rev-parse", "HEAD").strip()
    output = "[main %s] Add a\n 1 file changed, 2 insertions(+)\n create mode 100644 a.py" % sha[:7]
    assert out == ""
    slug = tmp_path / "projects" / "-tmp-acme"
    path = slug / (SESSION + ".jsonl")
    lines = [
        prompt("u1", "2026-03-02T10:00:00.000Z", "commit a.py"),
        reply("a1", "2026-03-02T10:00:10.000Z", None, blocks=[
            {"type": "tool_use", "id": "toolu_c", "name": "Bash", "input": {"command": "git commit -m 'Add a'"}}]),
        prompt("r1", "2026-03-02T10:00:12.000Z", [
            {"type": "tool_result", "tool_use_id": "toolu_c", "content": output}]),
        reply("a2", "2026-03-02T10:00:15.000Z", "Done.", "msg_2", "req_2"),
    ]
    for line in lines:
        line["cwd"] = str(repo)
    write(path, lines)
    import_json(tmp_path / "projects")
    conn = connect(home)
    assert db.one(conn, "select sha, subject, author_name, files_changed, lines_added, session_id"
                        " from commits") == {
        "sha": sha, "subject": "Add a", "author_name": "Dana", "files_changed": 1, "lines_added": 2,
        "session_id": 1}
    assert db.scalar(conn, "select path from commit_files") == "a.py"


def hook(home, path, name, at, **fields):
    from replay import run_hook

    payload = {"session_id": SESSION, "cwd": CWD, "transcript_path": str(path), "hook_event_name": name, **fields}
    done = run_hook(payload, home, at=at)
    assert done.returncode == 0 and done.stdout == b""


def test_hook_prompts_follow_the_same_rules(tmp_path, home):
    from collector import config as config_mod
    from collector.ingest.drain import drain_once

    path = tmp_path / "none.jsonl"  # no transcript: only what the hooks said
    hook(home, path, "UserPromptSubmit", "2026-03-02T10:00:00Z",
         prompt="<ide_selection>def login(): ...</ide_selection>\nwhy does login fail?")
    hook(home, path, "Stop", "2026-03-02T10:00:30Z")
    hook(home, path, "UserPromptSubmit", "2026-03-02T10:01:00Z", prompt="/review 42")
    config = config_mod.load()
    conn = db.connect(config.db_path)
    drain_once(conn, config)
    assert [tuple(r) for r in conn.execute("select kind, content from messages order by id")] == [
        ("prompt", "why does login fail?"), ("context", "<ide_selection>def login(): ...</ide_selection>"),
        ("command", "/review 42")]
    assert db.scalar(conn, "select title from sessions") == "why does login fail?"


def test_live_tail_reads_the_unterminated_last_line_when_the_session_ends(projects, home):
    from collector import config as config_mod
    from collector.ingest.drain import drain_once

    path = write(projects / (SESSION + ".jsonl"), two_turns(), final_newline=False)
    # A file being written: modified "now" however long this test takes (no clock race).
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 3600))
    hook(home, path, "UserPromptSubmit", "2026-03-02T10:00:00Z", prompt="fix the login bug")
    hook(home, path, "Stop", "2026-03-02T10:00:30Z")
    config = config_mod.load()
    conn = db.connect(config.db_path)
    drain_once(conn, config)
    # Just written and still open: the unterminated line may be half a line; it waits.
    assert db.scalar(conn, "select count(*) from token_usage") == 1
    hook(home, path, "SessionEnd", "2026-03-02T10:09:00Z", reason="prompt_input_exit")
    drain_once(conn, config)
    assert db.scalar(conn, "select count(*) from token_usage") == 2
    assert db.scalar(conn, "select offset from transcript_files") == path.stat().st_size


def test_import_summary_counts_the_agents_the_table_gained(tmp_path, home):
    import shutil

    from conftest import TRANSCRIPTS

    shutil.copytree(TRANSCRIPTS, tmp_path / "t")
    summary = import_json(tmp_path / "t")
    assert summary["agents"] == db.scalar(connect(home), "select count(*) from agents") == 10
    # Every session with a prompt has a title; no prompt is a command, its output or IDE context.
    conn = connect(home)
    assert db.scalar(conn, "select count(*) from sessions s where title is null and exists"
                           " (select 1 from messages m where m.session_id = s.id and m.kind = 'prompt')") == 0
    assert db.scalar(conn, "select count(*) from messages where kind = 'prompt' and (content like '<command-%'"
                           " or content like '<local-command%' or content like '/%' or content = '(no content)'"
                           " or content like '%<ide_%')") == 0


def test_search_results_carry_the_session_title(projects, home):
    write(projects / (SESSION + ".jsonl"), two_turns())
    import_json(projects.parent)
    found = json.loads(cli("search", "login bug", "--json").stdout)
    assert found and {r["session_title"] for r in found} == {"fix the login bug"}


def _wrong_typed_lines():
    """(field path, line) for every checked field of a good assistant line, given a value of
    the wrong type: each must be one bad line."""
    from collector.transcripts import records as r

    base = reply("a9", "2026-03-02T10:00:31.000Z", "x", "msg_9", "req_9")
    base["message"]["content"] = [{"type": "text", "text": "x"},
                                  {"type": "tool_use", "id": "toolu_9", "name": "Bash", "input": {}}]
    cases = []
    for name, kinds in r.ENVELOPE:
        line = json.loads(json.dumps(base))
        line[name] = [] if dict not in kinds and list not in kinds else 7
        cases.append((name, line))
    for name, kinds in r.USAGE:
        line = json.loads(json.dumps(base))
        line["message"]["usage"][name] = "7" if dict not in kinds else 7
        cases.append(("message.usage." + name, line))
    for name, kinds in r.BLOCKS["tool_use"]:
        line = json.loads(json.dumps(base))
        line["message"]["content"][1][name] = True
        cases.append(("message.content[tool_use]." + name, line))
    return cases


@pytest.mark.parametrize("field,line", _wrong_typed_lines(), ids=[c[0] for c in _wrong_typed_lines()])
def test_any_wrong_typed_field_is_one_bad_line_between_good_ones(tmp_path, field, line):
    from collector.transcripts import reader

    path = write(tmp_path / (SESSION + ".jsonl"), [two_turns()[0], line, two_turns()[1]])
    batch, offset = reader.parse_file(str(path), final=True)
    assert batch.skipped == {"bad_field:" + field: 1}
    assert [m[4] for m in batch.messages] == ["prompt", "reply"]
    assert list(batch.usage) == [("msg_1", "req_1")]


def test_a_better_title_wins_whatever_order_the_lines_are_read_in(projects, home):
    path = projects / (SESSION + ".jsonl")
    lines = two_turns()
    write(path, lines[:2])
    import_json(projects.parent)
    conn = connect(home)
    assert db.one(conn, "select title, title_source from sessions") == {
        "title": "fix the login bug", "title_source": "prompt"}
    # Read later: a /rename, then Claude Code's own title line. The rename stays.
    write(path, lines[:2] + [{"type": "custom-title", "customTitle": "auth: expired tokens",
                              "sessionId": SESSION}])
    import_json(projects.parent)
    write(path, lines[:2] + [{"type": "custom-title", "customTitle": "auth: expired tokens",
                              "sessionId": SESSION}] + lines[2:]
          + [{"type": "ai-title", "aiTitle": "Login bug fix", "sessionId": SESSION}])
    import_json(projects.parent)
    assert db.one(conn, "select title, title_source from sessions") == {
        "title": "auth: expired tokens", "title_source": "custom"}


def test_a_hook_session_gets_its_commit_from_the_repository_not_a_second_short_one(tmp_path, home):
    from collector import config as config_mod
    from collector.ingest.drain import drain_once

    repo = tmp_path / "acme"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\n")
    git(repo, "add", "a.py")
    when = "2026-03-02T10:00:11+00:00"
    git(repo, "commit", "-q", "-m", "Add a", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    sha = git(repo, "rev-parse", "HEAD").strip()
    output = "[main %s] Add a\n 1 file changed, 1 insertion(+)" % sha[:7]
    command = "git commit -m 'Add a'"
    lines = [
        prompt("u1", "2026-03-02T10:00:00.000Z", "commit a.py"),
        reply("a1", "2026-03-02T10:00:10.000Z", None, blocks=[
            {"type": "tool_use", "id": "toolu_c", "name": "Bash", "input": {"command": command}}]),
        prompt("r1", "2026-03-02T10:00:12.000Z", [
            {"type": "tool_result", "tool_use_id": "toolu_c", "content": output}],
            toolUseResult={"stdout": output, "stderr": "", "interrupted": False, "isImage": False}),
        reply("a2", "2026-03-02T10:00:15.000Z", "Done.", "msg_2", "req_2"),
    ]
    for line in lines:
        line["cwd"] = str(repo)
    path = write(tmp_path / "t" / (SESSION + ".jsonl"), lines)

    def fire(name, at, **fields):
        from replay import run_hook

        payload = {"session_id": SESSION, "cwd": str(repo), "transcript_path": str(path),
                   "hook_event_name": name, **fields}
        assert run_hook(payload, home, at=at).returncode == 0

    fire("SessionStart", "2026-03-02T09:59:59Z", source="startup")
    fire("UserPromptSubmit", "2026-03-02T10:00:00Z", prompt="commit a.py")
    fire("PreToolUse", "2026-03-02T10:00:10Z", tool_name="Bash", tool_use_id="toolu_c",
         tool_input={"command": command})
    fire("PostToolUse", "2026-03-02T10:00:12Z", tool_name="Bash", tool_use_id="toolu_c",
         tool_input={"command": command}, tool_response={"stdout": output, "stderr": ""})
    fire("Stop", "2026-03-02T10:00:15Z")
    config = config_mod.load()
    conn = db.connect(config.db_path)
    drain_once(conn, config)
    assert [r[0] for r in conn.execute("select sha from commits")] == [sha]
    assert db.scalar(conn, "select count(*) from git_operations where operation = 'commit'") == 1
