"""Exact prices: 1-hour cache writes, long-context requests, the user's override file and
``cctracker prices``; on transcripts written in tmp_path and imported by the real CLI."""

import json
import subprocess

import pytest

from collector.storage import db, rollups
from collector.usage import pricing
from conftest import PYTHON
from test_transcript_history import SESSION, prompt, reply, write

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"


def cli(*args):
    return subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=120)


def usage(inp, out, write_5m, write_1h, read):
    return {"input_tokens": inp, "output_tokens": out, "cache_creation_input_tokens": write_5m + write_1h,
            "cache_read_input_tokens": read,
            "cache_creation": {"ephemeral_5m_input_tokens": write_5m, "ephemeral_1h_input_tokens": write_1h}}


@pytest.fixture
def imported(tmp_path, home):
    lines = [
        prompt("u1", "2026-03-02T10:00:00.000Z", "go"),
        # Sonnet 4.5: 1,000 in, 2,000 out, 10,000 5-minute and 4,000 1-hour writes, 50,000 reads.
        reply("a1", "2026-03-02T10:00:10.000Z", "one", "msg_1", "req_1", usage(1000, 2000, 10000, 4000, 50000)),
        # A long-context request: 150,000 reads + 60,000 in = 210,000 > 200,000 input tokens.
        reply("a2", "2026-03-02T10:00:20.000Z", "two", "msg_2", "req_2", usage(60000, 1000, 0, 0, 150000)),
    ]
    write(tmp_path / "projects" / "p" / (SESSION + ".jsonl"), lines)
    done = cli("import", str(tmp_path / "projects"), "--json")
    assert done.returncode == 0, done.stderr
    return db.connect(str(home / "cctracker.db"))


def test_one_hour_cache_writes_are_priced_at_their_own_rate(imported):
    row = db.one(imported, "select cache_creation_tokens, cache_creation_1h_tokens, long_context, cost_usd"
                           " from token_usage_priced where message_id = 'msg_1'")
    # $3 in, $15 out, $3.75 per 5-minute write, $6 per 1-hour write, $0.30 per read.
    assert row == {"cache_creation_tokens": 14000, "cache_creation_1h_tokens": 4000, "long_context": 0,
                   "cost_usd": pytest.approx((1000 * 3 + 2000 * 15 + 10000 * 3.75 + 4000 * 6 + 50000 * 0.3) / 1e6)}
    assert row["cost_usd"] == pytest.approx(0.1095)


def test_long_context_request_is_priced_whole_at_the_long_rates(imported):
    row = db.one(imported, "select long_context, cost_usd from token_usage_priced where message_id = 'msg_2'")
    # Sonnet 4.5 over 200k input tokens: $6 in, $22.50 out, $0.60 per read.
    assert row == {"long_context": 1, "cost_usd": pytest.approx((60000 * 6 + 1000 * 22.5 + 150000 * 0.6) / 1e6)}
    assert row["cost_usd"] == pytest.approx(0.4725)


def test_daily_rollup_cost_equals_the_per_request_cost(imported):
    rollups.refresh(imported)
    per_request = db.scalar(imported, "select sum(cost_usd) from token_usage_priced")
    assert db.scalar(imported, "select sum(cost_usd) from daily_tokens") == pytest.approx(per_request, abs=1e-6)
    assert db.scalar(imported, "select sum(cost_usd) from daily_totals") == pytest.approx(per_request, abs=1e-6)
    assert per_request == pytest.approx(0.1095 + 0.4725)


def test_python_cost_agrees_with_the_views(imported):
    row = pricing.price(imported, "claude-sonnet-4-5-20250929")
    assert pricing.cost(row, 1000, 2000, 14000, 50000, 4000) == pytest.approx(0.1095)
    assert pricing.cost(row, 60000, 1000, 0, 150000) == pytest.approx(0.4725)
    assert pricing.cost(None, 1, 1) is None


def test_override_file_replaces_and_adds_prices(tmp_path, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "prices.json").write_text(json.dumps({"price_date": "2026-11-30", "models": [
        {"match": "claude-sonnet-4-5", "input": 2.0, "output": 10.0, "cache_write_5m": 2.5, "cache_read": 0.2},
        {"match": "my-local-model", "input": 0.1, "output": 0.2, "cache_write_5m": 0.1, "cache_read": 0.01,
         "source": "our own deployment"}]}))
    shown = json.loads(cli("prices", "--json").stdout)
    rows = {m["match"]: m for m in shown["models"]}
    assert (rows["claude-sonnet-4-5"]["input"], rows["claude-sonnet-4-5"]["origin"],
            rows["claude-sonnet-4-5"]["price_date"]) == (2.0, "override", "2026-11-30")
    assert rows["claude-sonnet-4-5"]["source"].startswith("your override file ")
    assert rows["my-local-model"]["source"] == "our own deployment"
    assert rows["claude-opus-4-6"]["origin"] == "bundled"
    write(tmp_path / "projects" / "p" / (SESSION + ".jsonl"), [
        prompt("u1", "2026-03-02T10:00:00.000Z", "go"),
        reply("a1", "2026-03-02T10:00:10.000Z", "one", "msg_1", "req_1", usage(1000, 1000, 0, 0, 0))])
    assert cli("import", str(tmp_path / "projects")).returncode == 0
    conn = db.connect(str(home / "cctracker.db"))
    assert db.scalar(conn, "select cost_usd from token_usage_priced") == pytest.approx((1000 * 2 + 1000 * 10) / 1e6)


def test_broken_override_file_is_one_line_and_exit_1(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "prices.json").write_text(json.dumps({"models": [{"match": "x", "input": "cheap"}]}))
    done = cli("prices")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: %s: x needs a number >= 0 for 'input'" % (home / "prices.json")]


def test_prices_shows_date_and_sources_and_covers_every_fixture_model(home):
    done = cli("prices")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Price table of %s (USD per million tokens)" % pricing.load()["price_date"])
    assert "Source of 13 models" in done.stdout
    shown = json.loads(cli("prices", "--json").stdout)
    assert all(m["source"] and m["price_date"] for m in shown["models"])
    conn = db.connect(str(home / "cctracker.db"))
    pricing.sync(conn)
    # Every model an agent wrote in the shared fixtures (the Codex shape catalog's invented
    # ids aside), and a Task tool's "haiku" alias is no API model.
    for model in ("claude-opus-4-6", "claude-sonnet-4-20250514", "claude-sonnet-4-5-20250929",
                  "claude-haiku-4-5-20251001", "gpt-5-codex", "aide-gpt-5", "gpt-5.1-codex-max",
                  "gpt-5.2-codex", "gpt-5.3-codex", "gpt-5.5", "gemini-2.5-pro", "gemini-3-flash-preview",
                  "gemini-3.1-pro-preview", "gemini-3.1-pro-preview-customtools"):
        assert pricing.match(conn, model) is not None, model
    assert pricing.match(conn, "gpt-5.6-sol") is None


def test_codex_prices_reproduce_ccusage_costs(home):
    """ccusage's own costs for the shared Codex samples, from our table (uncached input,
    cached input at the cache-read price, output)."""
    from conftest import SHARED

    conn = db.connect(str(home / "cctracker.db"))
    pricing.sync(conn)
    sessions = json.loads((SHARED / "fixtures/agents/codex/ccusage-codex-session.json").read_text())["sessions"]
    for s in sessions:
        for model, t in s["models"].items():
            ours = pricing.cost(pricing.price(conn, model), t["inputTokens"] - t["cachedInputTokens"],
                                t["outputTokens"], 0, t["cachedInputTokens"])
            assert ours == pytest.approx(s["costUSD"], rel=1e-9), model


def test_status_counts_skipped_lines_by_reason(tmp_path, home):
    lines = [prompt("u1", "2026-03-02T10:00:00.000Z", "go"), "{not json",
             reply("a1", "2026-03-02T10:00:10.000Z", "one", "msg_1", "req_1", usage(1, 1, 0, 0, 0))]
    lines[2]["agentId"] = 5
    write(tmp_path / "projects" / "p" / (SESSION + ".jsonl"), lines)
    assert cli("import", str(tmp_path / "projects")).returncode == 0
    report = json.loads(cli("status", "--json").stdout)
    assert report["transcripts"]["skipped_lines"] == {"bad_json": 1, "bad_field:agentId": 1}
    assert "Transcript lines skipped: bad_field:agentId 1, bad_json 1" in cli("status").stdout
