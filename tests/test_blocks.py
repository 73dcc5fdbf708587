"""5-hour blocks against ccusage 17.2.1's own output on the shared transcripts
(../shared/fixtures/statusline/ccusage-17.2.1-blocks-*.json, see its PROVENANCE.md)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from collector.ingest import importer
from collector.storage import db
from collector.usage import blocks, limits
from conftest import SHARED, TRANSCRIPTS

FIXTURES = SHARED / "fixtures" / "statusline"
PINNED = "2026-02-12T15:30:00Z"  # the clock of the active-block fixture
CLI = [sys.executable, "-m", "collector.cli"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blocks")
    projects = tmp / "claude" / "projects"
    shutil.copytree(TRANSCRIPTS / "spotter", projects / "spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", projects / "claude-code-viewer")
    path = tmp / "t.db"
    conn = db.connect(str(path))
    importer.import_paths(conn, [str(projects)])
    conn.execute("pragma wal_checkpoint(truncate)")  # tests copy the file
    yield conn, path
    conn.close()


def theirs(name):
    return json.loads((FIXTURES / name).read_text())["blocks"]


def assert_same_block(ours, ref):
    """Same block by ccusage's rules; output tokens at least ccusage's (it keeps the first split line)."""
    for key in ("id", "startTime", "endTime", "actualEndTime", "isActive", "isGap", "entries", "models"):
        assert ours[key] == ref[key], (ref["id"], key)
    for key in ("inputTokens", "cacheCreationInputTokens", "cacheReadInputTokens"):
        assert ours["tokenCounts"][key] == ref["tokenCounts"][key], (ref["id"], key)
    assert ours["tokenCounts"]["outputTokens"] >= ref["tokenCounts"]["outputTokens"]
    assert ours["totalTokens"] - ref["totalTokens"] == (
        ours["tokenCounts"]["outputTokens"] - ref["tokenCounts"]["outputTokens"])


def test_blocks_equal_ccusage_on_the_shared_transcripts(imported):
    conn, _ = imported
    ours = blocks.build(blocks.load_entries(conn))
    ref = theirs("ccusage-17.2.1-blocks-on-shared-transcripts.json")
    assert [b["id"] for b in ours] == [b["id"] for b in ref]
    for a, b in zip(ours, ref):
        assert_same_block(a, b)
        if b["isGap"]:
            assert a == dict(b, unpricedEntries=0)  # gap blocks are identical, field for field
    # The output difference is exactly the first-line vs largest-line rule, per block.
    assert [a["tokenCounts"]["outputTokens"] for a in ours if not a["isGap"]] == [52886, 3629, 1811, 15]


def test_active_block_burn_rate_projection_and_limit_at_a_pinned_clock(imported):
    conn, _ = imported
    now = blocks.to_ms(PINNED)
    [ours] = blocks.select(blocks.build(blocks.load_entries(conn), now), active=True, limit="max", now=now)
    [ref] = theirs("ccusage-17.2.1-blocks-active-pinned-clock.json")
    assert_same_block(ours, ref)
    # 190045 tokens over the 36.02 minutes from first to last entry; 210 minutes left.
    assert ours["burnRate"]["tokensPerMinute"] == ref["burnRate"]["tokensPerMinute"]
    assert ours["burnRate"]["tokensPerMinuteForIndicator"] == ref["burnRate"]["tokensPerMinuteForIndicator"]
    assert ours["projection"]["totalTokens"] == ref["projection"]["totalTokens"] == 1298011
    assert ours["projection"]["remainingMinutes"] == 210
    # max = the largest finished block: ours counts 2838 more output tokens in it.
    assert ours["tokenLimitStatus"]["limit"] == ref["tokenLimitStatus"]["limit"] + 2838
    assert ours["tokenLimitStatus"]["status"] == "ok"
    # Priced at the bundled table: claude-opus-4-6 has a price here (ccusage 17.2.1: $0).
    assert ours["unpricedEntries"] == 0 and ours["costUSD"] > ref["costUSD"]


def test_recent_active_and_a_fixed_token_limit(imported):
    conn, _ = imported
    now = blocks.to_ms(PINNED)
    built = blocks.build(blocks.load_entries(conn), now)
    recent = blocks.select([dict(b) for b in built], recent=True, now=now)
    assert [b["id"] for b in recent] == ["2026-02-10T21:00:00.000Z", "gap-2026-02-11T03:59:36.157Z",
                                          "2026-02-12T14:00:00.000Z"]
    [active] = blocks.select([dict(b) for b in built], active=True, limit=1000000, now=now)
    assert active["tokenLimitStatus"] == {"limit": 1000000, "projectedUsage": 1298011,
                                          "percentUsed": 129.8011, "status": "exceeds"}
    later = blocks.to_ms("2026-02-12T19:00:00Z")  # the block's end: no longer active
    assert blocks.select(blocks.build(blocks.load_entries(conn), later), active=True, now=later) == []


def test_block_rules_at_the_edges():
    h = blocks.HOUR_MS
    e = lambda ms: (ms, 1, 1, 0, 0, 0.5, "m")  # noqa: E731
    start = blocks.to_ms("2026-01-01T10:00:00Z")
    # An entry exactly 5 h after the block start stays in it (strict >); one ms later opens a new one.
    grouped = blocks.group([e(start + 30 * 60000), e(start + 5 * h), e(start + 5 * h + 1)])
    assert [(g[0], len(g[1])) for g in grouped] == [(start, 2), (start + 5 * h, 1)]
    # Idle more than 5 h: a gap from the last entry + 5 h up to the next entry (not floored).
    grouped = blocks.group([e(start), e(start + 11 * h + 7)])
    assert grouped[1] == ("gap", start + 5 * h, start + 11 * h + 7)
    assert blocks.build([]) == []


def test_cli_blocks_json_is_ccusage_shaped(imported, home, tmp_path):
    _, path = imported
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, home / "cctracker.db")
    done = subprocess.run(CLI + ["blocks", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ours = json.loads(done.stdout)["blocks"]
    ref = theirs("ccusage-17.2.1-blocks-on-shared-transcripts.json")
    assert len(ours) == len(ref) == 7
    for a, b in zip(ours, ref):
        assert_same_block(a, b)
    done = subprocess.run(CLI + ["blocks", "--active", "--json"], capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout) == {"blocks": [], "message": "No active block"}
    done = subprocess.run(CLI + ["blocks"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "2025-09-03 00:00" in done.stdout and "gap (" in done.stdout
    done = subprocess.run(CLI + ["blocks", "--token-limit", "lots"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.count("\n") == 1


def test_observed_limits_beside_the_estimate(imported, tmp_path):
    _, path = imported
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    conn = db.connect(str(copy))
    payload = {"session_id": "s1", "version": "2.1.226",
               "rate_limits": {"five_hour": {"used_percentage": 41.99999, "resets_at": 1770912000}}}  # 16:00Z
    with conn:
        limits.record_status(conn, "2026-02-12T14:30:00.000000Z", payload)
    now = blocks.to_ms(PINNED)
    result = blocks.report(conn, now=now)
    last = result["blocks"][-1]
    assert last["observed"] == {"usedPercentage": 41.99999, "resetsAt": "2026-02-12T16:00:00.000Z",
                                "windowStart": "2026-02-12T11:00:00.000Z",
                                "observedAt": "2026-02-12T14:30:00.000Z", "stale": False}
    assert all("observed" not in b for b in result["blocks"][:-1])
    conn.close()


def test_usage_blocks_table_follows_new_and_older_usage(imported, tmp_path, home):
    from collector import config as config_mod

    _, path = imported
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    conn = db.connect(str(copy))
    refresher = limits.Refresher(config_mod.load(str(home)))
    refresher(conn)
    table = conn.execute("select start_time, is_gap, entries, total_tokens from usage_blocks order by start_time")
    expected = [(b["startTime"][:-1] + "000Z", int(b["isGap"]), b["entries"], b["totalTokens"])
                for b in blocks.build(blocks.load_entries(conn))]
    assert table.fetchall() == expected
    with conn:  # a new response in the last block, then older history (an import)
        conn.execute("insert into token_usage (message_id, request_id, model, input_tokens, output_tokens, at)"
                     " values ('m1', 'r1', 'claude-opus-4-6', 10, 5, '2026-02-12T15:00:00.000000Z')")
    refresher(conn)
    assert conn.execute("select entries, total_tokens from usage_blocks where start_time = "
                        "'2026-02-12T14:00:00.000000Z'").fetchone() == (5, expected[-1][3] + 15)
    with conn:
        conn.execute("insert into token_usage (message_id, request_id, model, input_tokens, output_tokens, at)"
                     " values ('m0', 'r0', 'claude-opus-4-6', 1, 1, '2025-01-01T08:30:00.000000Z')")
    refresher(conn)
    first = conn.execute("select start_time, entries from usage_blocks order by start_time limit 2").fetchall()
    assert first == [("2025-01-01T08:00:00.000000Z", 1), ("2025-01-01T13:30:00.000000Z", 0)]
    with conn:  # forget (or retention) takes rows away and adds none: seen at the next periodic count
        conn.execute("delete from token_usage where at < '2025-09-04'")
    refresher.written = 0.0
    refresher(conn)
    first = conn.execute("select start_time from usage_blocks order by start_time limit 1").fetchone()
    assert first == ("2025-09-07T09:00:00.000000Z",)
    conn.close()


def test_blocks_agree_with_ccusage_run_here(imported, tmp_path):
    """ccusage 17.2.1 itself (``./dev test`` installs it) on the same files, run now: the same
    non-gap blocks (starts, input and cache tokens; output at least ccusage's) and the same gaps."""
    from test_tokens_ccusage import CCUSAGE_TIMEOUT_SECONDS, ccusage_or_skip

    conn, _ = imported
    config_dir = tmp_path / "claude"
    shutil.copytree(TRANSCRIPTS / "spotter", config_dir / "projects" / "spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", config_dir / "projects" / "claude-code-viewer")
    done = subprocess.run([ccusage_or_skip(), "blocks", "--json", "--offline"], capture_output=True, text=True,
                          env={**os.environ, "CLAUDE_CONFIG_DIR": str(config_dir), "NO_COLOR": "1", "TZ": "UTC"},
                          timeout=CCUSAGE_TIMEOUT_SECONDS)
    assert done.returncode == 0, done.stderr
    ref = json.loads(done.stdout)["blocks"]
    ours = blocks.build(blocks.load_entries(conn))
    assert [b["id"] for b in ours] == [b["id"] for b in ref]
    for a, b in zip(ours, ref):
        assert_same_block(a, b)


def test_the_stored_newest_block_gives_the_same_figures(imported, tmp_path):
    """What the status line and the Live page read (one usage_blocks row) equals the full computation."""
    _, path = imported
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    conn = db.connect(str(copy))
    limits.refresh_blocks(conn)
    now = blocks.to_ms(PINNED)
    stored = blocks.current(conn, now)
    assert stored == blocks.build(blocks.load_entries(conn), now)[-1]
    assert stored["isActive"] and stored["projection"]["totalTokens"] == 1298011
    conn.close()
