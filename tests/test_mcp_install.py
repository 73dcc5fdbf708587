"""``cctracker install --mcp`` / ``uninstall --mcp``: through ``claude mcp`` when it exists
(a stub records the calls: Claude Code cannot run here), else the documented config file."""

import json
import os
import subprocess

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from conftest import PYTHON

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"


def cli(*args, env, check=True):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})
    if check:
        assert done.returncode == 0, done.stderr
    return done


def no_claude_env(tmp_path, home):
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty), "CLAUDE_CONFIG_DIR": str(tmp_path / "cc"), "CCTRACKER_HOME": str(home)}


def test_config_file_install_keeps_everything_else_and_backs_up(tmp_path, home):
    env = no_claude_env(tmp_path, home)
    config = tmp_path / "cc" / ".claude.json"
    config.parent.mkdir()
    before = {"numStartups": 3, "projects": {"/x": {"mcpServers": {}}},
              "mcpServers": {"other": {"type": "stdio", "command": "npx", "args": ["other"]}}}
    config.write_text(json.dumps(before, indent=2))

    dry = cli("install", "--mcp", "--dry-run", env=env)
    assert '+    "cctracker": {' in dry.stdout and json.loads(config.read_text()) == before

    cli("install", "--mcp", env=env)
    after = json.loads(config.read_text())
    ours = after["mcpServers"].pop("cctracker")
    assert after == before
    assert ours == {"type": "stdio", "command": PYTHON, "args": ["-m", "collector.claude.mcp_server"],
                    "env": {"CCTRACKER_HOME": str(home)}}
    backups = list(config.parent.glob(".claude.json.bak-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == before
    again = cli("install", "--mcp", env=env)
    assert "No change" in again.stdout

    # The registered command is a working server: start it as Claude Code would.
    async def tools():
        params = StdioServerParameters(command=ours["command"], args=ours["args"],
                                       env=dict(ours["env"], TZ="UTC"))
        async with Client(params, read_timeout_seconds=60) as client:
            return {t.name for t in (await client.list_tools()).tools}
    assert {"search_history", "get_session", "usage_report", "blocks"} <= anyio.run(tools)

    cli("uninstall", "--mcp", env=env)
    assert json.loads(config.read_text()) == before


def test_claude_cli_is_used_when_on_path(tmp_path, home):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    calls = tmp_path / "calls.jsonl"
    stub = bindir / "claude"
    stub.write_text("#!%s\nimport json, sys\nopen(%r, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
                    % (PYTHON, str(calls)))
    stub.chmod(0o755)
    env = {"PATH": str(bindir), "CLAUDE_CONFIG_DIR": str(tmp_path / "cc"), "CCTRACKER_HOME": str(home)}

    dry = cli("install", "--mcp", "--dry-run", env=env)
    assert not calls.exists() and "claude mcp add --scope user" in dry.stdout
    cli("install", "--mcp", env=env)
    cli("uninstall", "--mcp", env=env)
    made = [json.loads(line) for line in calls.read_text().splitlines()]
    assert made == [
        ["mcp", "remove", "--scope", "user", "cctracker"],
        ["mcp", "add", "--scope", "user", "-e", "CCTRACKER_HOME=%s" % home, "cctracker", "--",
         PYTHON, "-m", "collector.claude.mcp_server"],
        ["mcp", "remove", "--scope", "user", "cctracker"],
    ]
    assert not (tmp_path / "cc" / ".claude.json").exists()  # the file was left to Claude Code


def test_broken_config_file_is_left_alone(tmp_path, home):
    env = no_claude_env(tmp_path, home)
    config = tmp_path / "cc" / ".claude.json"
    config.parent.mkdir()
    config.write_text("{not json")
    done = cli("install", "--mcp", env=env, check=False)
    assert done.returncode == 1 and "not valid JSON" in done.stderr
    assert config.read_text() == "{not json"
