"""Days, hours and weekdays are local (collector.times.local, migration 8).

The shared session stream runs 09:00-09:15 UTC on 2026-03-02. In Hawaii
(UTC-10, no summer time) that is 23:00-23:15 on 2026-03-01: every day below
is the local one and every hour 23, where UTC would say 2026-03-02 and 9.
Zones are POSIX strings, so no time zone database is needed.
"""

import contextlib
import datetime
import os
import re
import sqlite3
import time

import pytest
import yaml

from collector import config as config_mod, schema
from collector.analytics import filters, sql_functions
from collector.export import tabular
from collector.ingest.drain import drain_once
from collector.serve import dashboard
from collector.storage import db, rollups
from collector.times import local

from conftest import HOOK_FIXTURES

HAWAII = "HST10"
PACIFIC = "PST8PDT,M3.2.0,M11.1.0"  # summer time from the second Sunday of March (2026-03-08)
QUERIES = yaml.safe_load((dashboard.CONFIG_DIR / "metadata.yml").read_text())["databases"]["cctracker"]["queries"]


@contextlib.contextmanager
def zone(name):
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        os.environ["TZ"] = "UTC"  # what conftest pins for every other test
        time.tzset()


@pytest.fixture
def drained(home):
    """The shared stream replayed through the hook and drained, in Hawaii."""
    from replay import load_stream, replay

    with zone(HAWAII):
        replay(load_stream(HOOK_FIXTURES / "session_stream.jsonl"), home)
        config = config_mod.load()
        conn = db.connect(config.db_path)
        assert drain_once(conn, config)["events"] == 38
        yield conn
        conn.close()


def _column(conn, sql, params=()):
    return [r[0] for r in conn.execute(sql, params)]


def test_day_bounds_follow_the_zone_and_its_summer_time():
    with zone(PACIFIC):
        assert local.day_start("2026-03-02") == "2026-03-02T08:00:00.000000Z"
        assert local.day_start("2026-07-01") == "2026-07-01T07:00:00.000000Z"
        # The day summer time starts has 23 hours.
        assert local.day_end("2026-03-08") == "2026-03-09T07:00:00.000000Z"
        assert local.day_end(datetime.date.max) is None
        # SQLite (the bounds Datasette's queries compute) agrees with Python.
        conn = sqlite3.connect(":memory:")
        for day in ("2026-03-02", "2026-03-08", "2026-07-01", "2026-11-01"):
            sql = "select " + local.SQL_DAY_START.format(day="?")
            assert conn.execute(sql, (day,)).fetchone()[0] == local.day_start(day)
            sql = "select " + local.SQL_DAY_END.format(day="?")
            assert conn.execute(sql, (day,)).fetchone()[0] == local.day_end(day)


def test_every_day_or_hour_of_a_stored_time_in_the_schema_is_local():
    """The views and rollup triggers take days and hours of stored UTC times in local time;
    day strings (``date(day, '+1 day')``, ``strftime('%w', t.day)``) are already local."""
    with open(schema.SCHEMA_SQL) as f:
        text = f.read()
    column = r"((?:\w+|\{r\})\.\w*at|\w*_at|at)"
    assert re.findall(r"\bdate\(%s\)" % column, text) == []
    assert re.findall(r"\bstrftime\('%%[A-Za-z]', %s\)" % column, text) == []
    assert text.count("'localtime'") > 40


def test_a_late_evening_session_counts_on_its_local_day(drained):
    conn = drained
    with zone(HAWAII):
        assert _column(conn, "select day from session_summary") == ["2026-03-01"]
        assert _column(conn, "select distinct day from daily_activity") == ["2026-03-01"]
        assert _column(conn, "select day from rollup_daily") == ["2026-03-01"]
        assert _column(conn, "select distinct hour from rollup_think") == [23]
        assert _column(conn, "select distinct weekday from think_hourly") == ["Sun"]  # 2026-03-01
        assert rollups.pending(conn) == 0
        # The rollups and the views they stand for agree.
        assert conn.execute("select sessions, turns, prompts, tool_calls from daily_overview").fetchall() == \
            conn.execute("select sessions, turns, prompts, tool_calls from daily_activity").fetchall()


def test_date_filters_exports_and_canned_queries_take_local_days(drained):
    conn = drained
    with zone(HAWAII):
        for day, expected in (("2026-03-01", 1), ("2026-03-02", 0)):
            where, params = filters.parse(start_date=day, end_date=day).where()
            assert db.scalar(conn, "select count(*) from session_summary where " + where, params) == expected
            sql, params = tabular.query(conn, "sessions", since=datetime.date.fromisoformat(day),
                                       until=datetime.date.fromisoformat(day))
            assert len(conn.execute(sql, params).fetchall()) == expected
            # Datasette runs canned queries through the standard library's SQLite.
            ro = sql_functions.register(sqlite3.connect("file:%s?mode=ro" % conn.filename, uri=True))
            assert len(ro.execute(QUERIES["day_work"]["sql"], {"day": day}).fetchall()) == expected
            ro.close()


def test_a_new_zone_recomputes_the_rollups(drained):
    conn = drained
    with zone(HAWAII):
        assert _column(conn, "select day from rollup_daily") == ["2026-03-01"]
    # Back in UTC (the machine travelled, or TZ changed): the next refresh redoes them all.
    assert rollups.refresh(conn) == 1
    assert _column(conn, "select day from rollup_daily") == ["2026-03-02"]
    assert _column(conn, "select distinct hour from rollup_think") == [9]
    assert db.scalar(conn, "select signature from local_zone") == "12:00 12:00"
    assert rollups.refresh(conn) == 0  # and then nothing until something changes


def test_the_dashboard_sessions_page_shows_and_filters_local_days(drained):
    import urllib.request

    from conftest import free_port

    port = free_port()
    proc = dashboard.start(drained.filename, "127.0.0.1", port, env=dict(os.environ, TZ=HAWAII))
    try:
        url = dashboard.wait_until_ready(proc, "127.0.0.1", port).rstrip("/")

        def page(day):
            address = "%s/-/cctracker/sessions?date_from=%s&date_to=%s" % (url, day, day)
            with urllib.request.urlopen(address, timeout=30) as resp:
                return resp.read().decode()

        evening = page("2026-03-01")
        assert "/-/cctracker/session/1" in evening and "2026-03-01 23:00" in evening
        assert "No sessions match these filters" in page("2026-03-02")
    finally:
        dashboard.stop(proc)
