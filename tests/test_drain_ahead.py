"""Redaction ahead in a worker process gives the very rows the drain makes alone."""

import json
import os

import pytest

from cctracker_client import spool
from collector import config as config_mod
from collector.ingest import drain_ahead
from collector.ingest.drain import drain_once
from collector.storage import db

from conftest import HOOK_FIXTURES

TABLES = ("raw_events", "sessions", "turns", "tool_calls", "waits", "messages", "file_operations",
          "git_operations", "agents", "drain_errors")


def _write_spool(home, copies):
    """The shared stream ``copies`` times with fresh session ids, a torn line at the end."""
    template = [json.loads(line) for line in (HOOK_FIXTURES / "session_stream.jsonl").read_text().splitlines()
                if line.strip()]
    lines = []
    for n in range(copies):
        for i, event in enumerate(template):
            payload = dict(event)
            at = payload.pop("_at").replace("2026-", "%04d-" % (2100 + n), 1)
            payload["session_id"] = "ahead-%04d" % n
            if n == 1 and payload.get("prompt"):
                payload["prompt"] = "my key is sk-ant-api03-" + "x" * 80
            lines.append(spool.make_line(json.dumps(payload).encode(), at.replace("Z", "000Z"),
                                         event_id="ahead-%04d-%02d" % (n, i)))
    directory = spool.spool_dir(home)
    spool.ensure_dir(directory)
    with open(os.path.join(directory, "%s%020d%s" % (spool.SEGMENT_PREFIX, 1, spool.SUFFIX)), "wb") as f:
        f.writelines(lines)
        f.write(b'{"v": 1, "torn')
    return len(lines)


def _drain(home, tmp_path, name, min_bytes, monkeypatch):
    monkeypatch.setattr(drain_ahead, "MIN_BYTES", min_bytes)
    monkeypatch.setattr(drain_ahead, "AHEAD", 2)
    monkeypatch.setattr(drain_ahead, "STEAL", False)
    started = []
    start = drain_ahead.start
    monkeypatch.setattr(drain_ahead, "start", lambda *a: started.append(start(*a)) or started[-1])
    monkeypatch.setattr("collector.ingest.drain.BATCH_SIZE", 50)
    count = _write_spool(str(home), 12)
    config = config_mod.load()
    conn = db.connect(str(tmp_path / name))
    stats = drain_once(conn, config)
    rows = {t: conn.execute("select * from %s order by 1" % t).fetchall() for t in TABLES}
    conn.close()
    return count, stats, rows, started[0]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the worker runs only with a second CPU")
def test_worker_drain_stores_the_same_rows_as_drain_in_process(home, tmp_path, monkeypatch):
    count, alone, expected, local = _drain(home, tmp_path, "alone.db", 1 << 60, monkeypatch)
    _, ahead, got, worker = _drain(home, tmp_path, "ahead.db", 0, monkeypatch)
    assert count == 12 * 38
    assert not isinstance(local, drain_ahead.Ahead)
    assert worker.taken == 10  # every batch of 50 came from the worker
    assert alone == ahead
    assert ahead["events"] == count and ahead["bad_lines"] == 1
    for table in TABLES:
        assert got[table] == expected[table], table
    assert not any("sk-ant-api03-" in row[5] for row in got["raw_events"])


@pytest.mark.parametrize("interval", [0.0, 3600.0])
def test_backlog_drain_leaves_rollups_equal_to_the_views(home, tmp_path, monkeypatch, interval):
    """Refreshed after every batch or only at the end, the rollups come out the same and exact."""
    from test_rollups import assert_matches_views

    monkeypatch.setattr("collector.ingest.drain.ROLLUP_INTERVAL_SECONDS", interval)
    monkeypatch.setattr("collector.ingest.drain.BATCH_SIZE", 50)
    count = _write_spool(str(home), 12)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    assert drain_once(conn, config)["events"] == count
    assert_matches_views(conn)
    # The stream copied into twelve years (2100-2111): twelve days with one session each.
    assert conn.execute("select count(*), sum(sessions) from rollup_daily").fetchone() == (12, 12)
    conn.close()
