"""``cctracker mcp``: a client from the official MCP SDK talks to the real server over stdio."""

import json
import os
import shutil
import subprocess

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from conftest import PYTHON, TRANSCRIPTS

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
QUERIES = ["phoenix live view socket", "todo list", "web search results"]


def cli(*args):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def imported(tmp_path, home):
    base = tmp_path / "claude" / "projects"
    shutil.copytree(TRANSCRIPTS / "spotter", base / "-home-marco-projects-spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", base / "-path-to-Demo")
    cli("import", str(base))
    return home


def server_params(home):
    env = {k: os.environ[k] for k in ("TZ", "CLAUDE_CONFIG_DIR") if k in os.environ}
    env["CCTRACKER_HOME"] = str(home)
    return StdioServerParameters(command=PYTHON, args=["-c", CLI, "mcp"], env=env)


def talk(home, calls):
    """Start the server, list its tools, make each call: (tool names, [structured results])."""
    async def main():
        async with Client(server_params(home), read_timeout_seconds=120) as client:
            tools = await client.list_tools()
            out = []
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                out.append((result.is_error, result.structured_content, result.content))
            return tools.tools, out
    return anyio.run(main)


def test_tools_listed_with_schemas_and_search_matches_the_cli(imported):
    expected = {}
    for query in QUERIES:
        found = json.loads(cli("search", query, "--json", "--limit", "10"))
        assert found, query
        expected[query] = found[0]["session_uuid"]
    tools, results = talk(imported, [("search_history", {"query": q, "limit": 10}) for q in QUERIES])
    names = {t.name for t in tools}
    assert {"search_history", "get_session", "usage_report", "blocks", "recent_errors"} <= names
    for tool in tools:
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema and tool.output_schema["type"] == "object"
        assert tool.annotations.read_only_hint is True
    search_tool = next(t for t in tools if t.name == "search_history")
    assert search_tool.input_schema["required"] == ["query"]
    for query, (is_error, structured, _) in zip(QUERIES, results):
        assert not is_error
        assert structured["results"][0]["session_uuid"] == expected[query]


def test_get_session_usage_report_blocks_and_errors(imported):
    uuid = "1af7fc5e-8455-4414-9ccd-011d40f70b2a"
    blocks_cli = json.loads(cli("blocks", "--json"))
    reports = {p: json.loads(cli("report", p, "--json", "--since", "20250101", "--until", "20261231"))
               for p in ("daily", "model", "session")}
    _, results = talk(imported, [
        ("get_session", {"session": uuid[:8]}),
        ("usage_report", {"period": "model", "since": "20250101", "until": "2026-12-31"}),
        ("blocks", {"limit": 0}),
        ("recent_errors", {"days": 3650}),
        ("get_session", {"session": "no-such-session"}),
        ("usage_report", {"period": "fortnightly"}),
        ("usage_report", {"period": "daily", "since": "20250101", "until": "20261231"}),
        ("usage_report", {"period": "session", "since": "20250101", "until": "20261231"}),
    ])
    (e1, session, _), (e2, usage, _), (e3, blocks, _), (e4, errors, _), (e5, _, bad), (e6, _, bad2) = results[:6]
    assert not (e1 or e2 or e3 or e4)
    assert session["session"]["session_uuid"] == uuid
    prompts = [i["text"] for t in session["turns"] for i in t["items"] if i["type"] in ("prompt", "command")]
    assert prompts and session["turns_total"] >= len([t for t in session["turns"] if t["seq"]])
    tools = [i for t in session["turns"] for i in t["items"] if i["type"] == "tool"]
    assert any(i["name"] == "TodoWrite" for i in tools)
    # The same figures and JSON as `cctracker report <period> --json`.
    assert usage == reports["model"] and usage["models"]
    assert results[6][1] == reports["daily"] and results[7][1] == reports["session"]
    assert blocks == blocks_cli and blocks["blocks"]  # the same function as `cctracker blocks --json`
    # The 1.0.98 file has a Write refused for lack of permission.
    assert any(g["tool"] == "Write" for g in errors["groups"])
    assert e5 and "not found" in bad[0].text
    assert e6 and "period" in bad2[0].text
