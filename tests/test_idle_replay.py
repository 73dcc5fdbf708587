"""A replay of old events (CCTRACKER_EVENT_TIME) into a running ``serve`` gives the same rows
as one ``cctracker drain`` of them: serve's drainer judges idleness by event time while events
keep arriving, so it no longer closes the replayed session between two drains."""

import json
import time

from collector import config as config_mod
from collector.ingest.drain import drain_once, Drainer
from collector.storage import db

from conftest import HOOK_FIXTURES
from replay import run_hook

TABLES = {
    "sessions": "select session_uuid, status, started_at, ended_at, end_reason, last_event_at from sessions",
    "turns": "select seq, started_at, ended_at, end_kind, working_seconds, permission_seconds from turns",
    "waits": "select kind, started_at, ended_at, duration_seconds, thinking_seconds, away_seconds from waits",
    "tool_calls": "select tool_use_id, tool_name, status, started_at, ended_at from tool_calls",
    "messages": "select role, kind, content, created_at from messages",
}


def stream(drop_end=False):
    lines = [json.loads(line) for line in (HOOK_FIXTURES / "session_stream.jsonl").read_text().splitlines()]
    return [e for e in lines if not (drop_end and e["hook_event_name"] == "SessionEnd")]


def rows(conn):
    return {name: sorted(map(tuple, conn.execute(sql))) for name, sql in TABLES.items()}


def one_drain(home, events):
    for e in events:
        event = dict(e)
        assert run_hook(event, home, at=event.pop("_at")).returncode == 0
    config = config_mod.load(str(home))
    conn = db.connect(config.db_path)
    drain_once(conn, config)
    return conn


def served(home, events, live=True):
    """As serve's drain thread: one drainer, a drain after every event as they arrive."""
    config = config_mod.load(str(home))
    conn = db.connect(config.db_path)
    drainer = Drainer(conn, config, live=live)
    for e in events:
        event = dict(e)
        assert run_hook(event, home, at=event.pop("_at")).returncode == 0
        drainer.drain_once()
    return conn, drainer


def test_replay_into_serve_gives_the_rows_of_one_drain(tmp_path):
    events = stream()
    expected = rows(one_drain(tmp_path / "once", events))
    conn, _ = served(tmp_path / "serve", events)
    assert rows(conn) == expected
    assert expected["sessions"][0][1:2] == ("ended",) and len(expected["turns"]) > 1
    # Judged by the wall clock (before), the replayed session was closed between drains.
    before, _ = served(tmp_path / "wall", events, live=False)
    assert rows(before) != expected


def test_a_replay_that_stops_without_session_end_closes_once_idle(tmp_path):
    events = stream(drop_end=True)
    expected = rows(one_drain(tmp_path / "once", events))
    assert expected["sessions"][0][4] == "timeout"
    conn, drainer = served(tmp_path / "serve", events)
    assert rows(conn)["sessions"][0][1] == "active"     # events just arrived: not idle by event time
    # The idle period passes with no event arriving: the wall clock takes over.
    drainer._arrived = time.monotonic() - drainer.config.session_idle_minutes * 60 - 1
    drainer.drain_once()
    assert rows(conn) == expected
