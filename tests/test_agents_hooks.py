"""Live capture for Codex and Gemini CLI: install into their settings, the real hook script
as a subprocess with their payloads, the drain, then the session file read at the turn's end."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from collector import config as config_mod
from collector.ingest import drain
from collector.storage import db
from conftest import AGENT_FIXTURES, PYTHON, ROOT
from hooks import agents_install

HOOK = str(ROOT / "hooks" / "hook.py")
HOOK_PYTHON = os.path.realpath(sys.executable)
CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
GEMINI_CHAT = AGENT_FIXTURES / "gemini" / "tmp" / "discordbot" / "chats" / "session-2026-04-23T12-52-0ab84937.jsonl"
GEMINI_SESSION = "0ab84937-9fe7-4284-986a-33c832af0b6a"


def cli(*args):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def hook(agent, payload, at):
    """The installed command line's hook, as the agent runs it."""
    done = subprocess.run([HOOK_PYTHON, "-I", "-S", HOOK, "--agent", agent, "--cctracker"],
                          input=json.dumps(payload).encode(), capture_output=True, timeout=60,
                          env=dict(os.environ, CCTRACKER_EVENT_TIME=at))
    assert done.returncode == 0 and done.stdout == b"" and done.stderr == b""


def drained(home):
    config = config_mod.load()
    conn = db.connect(str(home / "cctracker.db"))
    drain.drain_once(conn, config)
    return conn


def test_install_codex_and_gemini_round_trip(tmp_path):
    codex = tmp_path / "codex-home"
    codex.mkdir()
    (codex / "config.toml").write_text('model = "gpt-5.5"\n')
    gemini = tmp_path / "gemini-cli-home" / ".gemini"
    gemini.mkdir(parents=True)
    original = {"theme": "dark"}
    (gemini / "settings.json").write_text(json.dumps(original))
    dry = cli("install", "--agent", "gemini", "--dry-run")
    assert '"BeforeTool"' in dry and json.loads((gemini / "settings.json").read_text()) == original
    first = json.loads(cli("install", "--agent", "gemini", "--json"))
    assert first["changed"] and first["backup"] and first["agent"] == "gemini"
    settings = json.loads((gemini / "settings.json").read_text())
    assert sorted(settings["hooks"]) == sorted(agents_install.GEMINI_EVENTS)
    (entry,) = settings["hooks"]["AfterTool"][0]["hooks"]
    assert settings["hooks"]["AfterTool"][0]["matcher"] == ".*"
    assert entry["timeout"] == 5000 and entry["command"].endswith("hook.py\" --agent gemini --cctracker")
    assert settings["hooksConfig"] == {"enabled": True} and settings["theme"] == "dark"
    again = json.loads(cli("install", "--agent", "gemini", "--json"))
    assert not again["changed"] and not again["written"]
    cli("uninstall", "--agent", "gemini")
    assert json.loads((gemini / "settings.json").read_text()) == original

    cli("install", "--agent", "codex")
    hooks = json.loads((codex / "hooks.json").read_text())["hooks"]
    assert list(hooks) == list(agents_install.CODEX_EVENTS)
    assert hooks["Stop"][0]["hooks"][0]["timeout"] == 10
    assert "[features]\ncodex_hooks = true" in (codex / "config.toml").read_text()
    assert not json.loads(cli("install", "--agent", "codex", "--json"))["changed"]
    cli("uninstall", "--agent", "codex")
    assert (codex / "config.toml").read_text() == 'model = "gpt-5.5"\n'
    assert json.loads((codex / "hooks.json").read_text()) == {}
    # Claude Code's own settings were never touched.
    assert not (tmp_path / "claude-config" / "settings.json").exists()


def test_gemini_hooks_and_chat_file_make_one_session(home, tmp_path):
    chat = tmp_path / "tmp" / "discordbot" / "chats" / GEMINI_CHAT.name
    chat.parent.mkdir(parents=True)
    shutil.copy(GEMINI_CHAT, chat)
    base = {"session_id": GEMINI_SESSION, "transcript_path": str(chat), "cwd": "/home/wei/repo/discordbot"}
    prompt = "幫我做一個小修改 請幫我將上面確保執行時要透過 uv run 來執行 避免環境有問題"
    replace = {"file_path": "/home/wei/repo/discordbot/GEMINI.md", "old_string": "a", "new_string": "b"}
    events = [
        ("2026-04-23T12:52:52.759Z", {"hook_event_name": "SessionStart", "source": "startup"}),
        ("2026-04-23T12:54:16.106Z", {"hook_event_name": "BeforeAgent", "prompt": prompt}),
        ("2026-04-23T12:56:02.450Z", {"hook_event_name": "BeforeTool", "tool_name": "replace",
                                      "tool_input": replace}),
        ("2026-04-23T12:56:02.497Z", {"hook_event_name": "AfterTool", "tool_name": "replace",
                                      "tool_input": replace, "tool_response": {"llmContent": "ok"}}),
        ("2026-04-23T12:56:03.000Z", {"hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
                                      "tool_input": {"command": "uv run pytest"}}),
        ("2026-04-23T12:56:09.000Z", {"hook_event_name": "AfterTool", "tool_name": "run_shell_command",
                                      "tool_input": {"command": "uv run pytest"},
                                      "tool_response": {"error": "exit code 1"}}),
        ("2026-04-23T12:58:35.591Z", {"hook_event_name": "AfterAgent", "prompt": prompt,
                                      "prompt_response": "done"}),
    ]
    for at, payload in events:
        hook("gemini", dict(base, timestamp=at, **payload), at)
    conn = drained(home)
    try:
        (agent, source, model), = conn.execute("select agent, source, model from sessions")
        assert (agent, source, model) == ("gemini", "startup", "gemini-3.1-pro-preview")
        # The hook's prompt and the chat file's are one message; /init came from the file.
        assert [tuple(r) for r in conn.execute(
            "select kind, count(*) from messages where role = 'user' group by kind order by kind")] == [
            ("command", 1), ("prompt", 1)]
        calls = {r[0]: r[1:] for r in conn.execute(
            "select tool_name, count(*), group_concat(status), group_concat(coalesce(tool_use_id, '-'))"
            " from tool_calls group by tool_name")}
        # The hook's replace call is the file's (id yf8jqzhz); the shell call only the hook saw.
        assert calls["replace"] == (1, "ok", "yf8jqzhz")
        assert calls["run_shell_command"] == (1, "error", "-")
        assert calls["read_file"][0] == 7
        turns = [tuple(r) for r in conn.execute("select end_kind from turns order by seq")]
        assert turns[-1] == ("stop",)
        total = conn.execute("select sum(input_tokens + output_tokens + cache_read_tokens) from token_usage"
                             ).fetchone()[0]
        assert total == 206879
    finally:
        conn.close()


def test_codex_hooks_then_rollout(home, tmp_path):
    rollout_src = next((AGENT_FIXTURES / "codex" / "sessions" / "2025" / "10" / "17").glob("*.jsonl"))
    rollout = tmp_path / "sessions" / rollout_src.name
    rollout.parent.mkdir()
    shutil.copy(rollout_src, rollout)
    uuid = "0199f433-233e-74b0-80d8-b9ef1b9fabd7"
    base = {"session_id": uuid, "transcript_path": str(rollout), "cwd": "/Users/philipp/dev/vibeinsights/fixtures",
            "model": "gpt-5-codex", "permission_mode": "bypassPermissions"}
    prompt = ("create a file `JOKE.md` with a random joke with a title and a footer with some random text, "
              "then read this file, then make change to the file, then delete the file.")
    events = [
        ("2025-10-17T22:03:36.200Z", {"hook_event_name": "SessionStart", "source": "startup"}),
        ("2025-10-17T22:03:54.812Z", {"hook_event_name": "UserPromptSubmit", "prompt": prompt,
                                      "turn_id": "t1"}),
        ("2025-10-17T22:04:09.039Z", {"hook_event_name": "PreToolUse", "tool_name": "Bash", "turn_id": "t1",
                                      "tool_input": {"command": "cat JOKE.md"},
                                      "tool_use_id": "call_bL8fv2kzcwiqF3xGFKT01WZR"}),
        ("2025-10-17T22:04:09.100Z", {"hook_event_name": "PostToolUse", "tool_name": "Bash", "turn_id": "t1",
                                      "tool_input": {"command": "cat JOKE.md"}, "tool_response": "ok",
                                      "tool_use_id": "call_bL8fv2kzcwiqF3xGFKT01WZR"}),
        ("2025-10-17T22:04:23.100Z", {"hook_event_name": "Stop", "turn_id": "t1",
                                      "last_assistant_message": "done", "stop_hook_active": False}),
    ]
    for at, payload in events:
        hook("codex", dict(base, **payload), at)
    conn = drained(home)
    try:
        assert [tuple(r) for r in conn.execute("select agent, model from sessions")] == [("codex", "gpt-5-codex")]
        assert conn.execute("select count(*) from messages where kind = 'prompt'").fetchone()[0] == 1
        assert conn.execute("select count(*) from turns").fetchone()[0] == 1
        # Four calls in the rollout; the hook's Bash call is the rollout's shell call (same id).
        assert conn.execute("select count(*) from tool_calls").fetchone()[0] == 4
        assert conn.execute("select sum(input_tokens + output_tokens + cache_read_tokens) from token_usage"
                            ).fetchone()[0] == 43862
    finally:
        conn.close()


@pytest.mark.parametrize("raw,tagged", [
    (b'{"a": 1}', b'{"cctracker_agent":"codex","a": 1}'),
    (b' {}', b'{"cctracker_agent":"codex"}'),
    (b'[1]', b'[1]'),
])
def test_tagging_needs_no_json(raw, tagged):
    import cctracker_client

    assert cctracker_client.tag_agent(raw, "codex") == tagged
    assert cctracker_client.agent_arg(["hook.py", "--agent", "codex", "--cctracker"]) == "codex"
    assert cctracker_client.agent_arg(["hook.py", "--agent", "Bad Name"]) is None
