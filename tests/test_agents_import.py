"""``cctracker import`` of Codex and Gemini CLI sessions, then reports by agent, as a user runs them."""

import json
import os
import shutil
import subprocess

import pytest

from collector.storage import db
from conftest import AGENT_FIXTURES, PYTHON, TRANSCRIPTS

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
CODEX_SESSIONS = AGENT_FIXTURES / "codex" / "sessions"
GEMINI_TMP = AGENT_FIXTURES / "gemini" / "tmp"


def cli(*args, env=None, ok=True):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True,
                          env={**os.environ, "TZ": "UTC", **(env or {})}, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def cli_json(*args, env=None):
    return json.loads(cli(*args, "--json", env=env).stdout)


def daily(agent, day):
    """``cctracker report daily --agent AGENT --json`` (ccusage's names), the row of ``day``."""
    report = cli_json("report", "daily", "--agent", agent)
    (row,) = [r for r in report["daily"] if r["date"] == day]
    return row


def day_row(agent, day):
    report = cli_json("report", "time", "--agent", agent, "--start-date", day, "--end-date", day)
    assert report["filters"]["agent"] == agent
    (row,) = report["rows"]
    assert row["day"] == day
    return row


def query(home, sql, params=()):
    conn = db.connect(str(home / "cctracker.db"))
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_import_both_agents_and_report_their_days(home):
    summary = cli_json("import", str(CODEX_SESSIONS), str(GEMINI_TMP))
    assert summary["files"] == 16 and summary["sessions"] == 16 and summary["skipped"] == {}
    # Sessions with their typed prompts, for both agents.
    found = query(home, "select s.agent, count(distinct s.id), count(m.id) from sessions s"
                        " join messages m on m.session_id = s.id and m.kind = 'prompt' group by s.agent")
    assert found == [("codex", 12, 61), ("gemini", 4, 4)]
    codex = daily("codex", "2026-02-23")
    assert (codex["inputTokens"], codex["cacheReadTokens"], codex["outputTokens"], codex["cacheCreationTokens"],
            codex["totalTokens"]) == (1692546, 32389760, 156921, 0, 34239227)
    assert codex["inputTokens"] + codex["cacheReadTokens"] == 34082306  # Codex's own input count
    assert codex["modelsUsed"] == ["gpt-5.3-codex"]
    # Priced by the dated table like any model: uncached input, output (reasoning inside) and
    # cached input at their own prices, no cache write.
    price = query(home, "select input_per_mtok, output_per_mtok, cache_read_per_mtok from model_prices"
                        " where match = 'gpt-5.3-codex'")[0]
    assert codex["totalCost"] == pytest.approx(
        (1692546 * price[0] + 156921 * price[1] + 32389760 * price[2]) / 1e6, abs=1e-6)
    assert daily("gemini", "2026-04-23")["totalTokens"] == 206879
    assert daily("gemini", "2026-04-23")["modelsUsed"] == ["gemini-3-flash-preview", "gemini-3.1-pro-preview"]
    # The time report splits the same way.
    time = day_row("codex", "2026-02-23")
    assert (time["input_tokens"], time["total_tokens"], time["sessions"]) == (1692546, 34239227, 6)
    assert day_row("gemini", "2026-04-23")["sessions"] == 1
    # Nothing of theirs under Claude Code.
    claude = cli_json("report", "time", "--agent", "claude-code", "--days", "3660")
    assert claude["summary"]["total_tokens"] == 0 and claude["rows"] == []
    # Again: nothing new, nothing counted twice.
    again = cli_json("import", str(CODEX_SESSIONS), str(GEMINI_TMP))
    assert again["files_read"] == 0 and again["usage_rows"] == 0
    assert daily("codex", "2026-02-23")["totalTokens"] == 34239227
    agents = cli_json("report", "agent")["agents"]
    assert [(a["agent"], a["totalTokens"]) for a in agents] == [
        ("codex", 50709472), ("gemini", 473586 + 397943 + 97289 + 206879)]


def test_by_agent_splits_every_figure(home):
    claude = home.parent / "claude" / "projects" / "-home-marco-projects-spotter"
    shutil.copytree(TRANSCRIPTS / "spotter", claude)
    cli("import", str(claude.parent), str(CODEX_SESSIONS), str(GEMINI_TMP))
    every = cli_json("report", "--by", "agent", "--days", "3660")
    rows = {r["agent"]: r for r in every["rows"]}
    assert list(rows) == ["claude-code", "codex", "gemini"]
    for key in ("sessions", "prompts", "tool_calls", "input_tokens", "output_tokens", "cache_read_tokens",
                "cache_creation_tokens", "total_tokens"):
        assert sum(r[key] for r in rows.values()) == every["summary"].get(key, sum(r[key] for r in rows.values()))
    assert rows["codex"]["total_tokens"] == sum((283081, 43862, 30351, 47557, 219141, 34239227,
                                                 15823704, 22549))
    assert rows["gemini"]["total_tokens"] == 473586 + 397943 + 97289 + 206879
    assert rows["codex"]["cache_creation_tokens"] == rows["gemini"]["cache_creation_tokens"] == 0
    table = cli("report", "--by", "agent", "--days", "3660").stdout
    assert "codex" in table and "gemini" in table
    bad = cli("report", "--agent", "Codex CLI!", ok=False)
    assert bad.returncode != 0 and "agent" in bad.stderr and "Traceback" not in bad.stderr


def test_default_roots_find_codex_and_gemini_homes(home, tmp_path):
    codex_home = tmp_path / "codex-home"
    shutil.copytree(CODEX_SESSIONS / "2025", codex_home / "sessions" / "2025")
    shutil.copytree(CODEX_SESSIONS / "2026" / "06", codex_home / "archived_sessions" / "2026" / "06")
    gemini_home = tmp_path / "gemini-cli-home" / ".gemini"
    shutil.copytree(GEMINI_TMP / "discordbot", gemini_home / "tmp" / "discordbot")
    summary = cli_json("import")
    assert summary["roots"] == [str(codex_home / "sessions"), str(codex_home / "archived_sessions"),
                                str(gemini_home / "tmp")]
    assert summary["sessions"] == 4
    assert query(home, "select agent, count(*) from sessions group by agent") == [("codex", 3), ("gemini", 1)]


def test_growing_files_are_read_incrementally(home, tmp_path):
    """A rollout and a JSONL chat written in two steps: the same rows as one read, nothing twice."""
    rollout = next((CODEX_SESSIONS / "2026" / "02" / "01").glob("*.jsonl"))
    chat = GEMINI_TMP / "discordbot" / "chats" / "session-2026-04-23T12-52-0ab84937.jsonl"
    root = tmp_path / "live"
    codex_copy = root / "codex" / rollout.name
    gemini_copy = root / "gemini" / "discordbot" / "chats" / chat.name
    codex_copy.parent.mkdir(parents=True)
    gemini_copy.parent.mkdir(parents=True)
    for source, copy in ((rollout, codex_copy), (chat, gemini_copy)):
        data = source.read_bytes()
        copy.write_bytes(data[:data.index(b"\n", len(data) // 2) + 1])
    cli("import", str(root))
    first = query(home, "select count(*) from token_usage")[0][0]
    for source, copy in ((rollout, codex_copy), (chat, gemini_copy)):
        copy.write_bytes(source.read_bytes())
    cli("import", str(root))
    cli("import", str(root))
    totals = query(home, "select s.agent, count(*), sum(input_tokens + output_tokens + cache_read_tokens),"
                         " sum(reasoning_tokens) from token_usage t join sessions s on s.id = t.session_id"
                         " group by s.agent")
    assert totals == [("codex", 13, 219141, 1408), ("gemini", 6, 206879, 2141)]
    assert 0 < first < 19
    prompts = query(home, "select count(*), count(distinct content) from messages where kind = 'prompt'")
    assert prompts == [(4, 4)]  # and /init, a command
    turns = query(home, "select count(*) from turns")
    assert turns == [(5,)]


@pytest.mark.parametrize("view", ["daily_activity", "tool_stats", "file_activity_daily"])
def test_agent_slices_add_up_to_the_view(home, view):
    """Each agent's slice of a view without a session column: together, the view's rows."""
    claude = home.parent / "claude" / "projects" / "-home-marco-projects-spotter"
    shutil.copytree(TRANSCRIPTS / "spotter", claude)
    cli("import", str(claude.parent), str(CODEX_SESSIONS), str(GEMINI_TMP))
    from collector.analytics import agentslice

    conn = db.connect(str(home / "cctracker.db"))
    try:
        numeric = [r[1] for r in conn.execute("pragma table_info(%s)" % view)
                   if r[1] not in ("day", "project_id", "project_name", "tool_name", "mcp_server", "path",
                                   "first_at", "last_at", "sessions") and not r[1].endswith("_avg")
                   and not r[1].endswith("_max")]
        whole = conn.execute("select %s from %s" % (", ".join("round(total(%s), 3)" % c for c in numeric),
                                                     view)).fetchone()
        parts = [conn.execute("select %s from %s" % (", ".join("total(%s)" % c for c in numeric),
                                                      agentslice.source(conn, view, agent))).fetchone()
                 for agent in ("claude-code", "codex", "gemini")]
    finally:
        conn.close()
    assert whole[0] > 0
    assert list(whole) == [round(sum(p[i] for p in parts), 3) for i in range(len(numeric))]
