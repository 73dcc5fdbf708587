"""The time model read back through the analytics views, on the shared session stream.

Every expected figure is worked out by hand from the ``_at`` times in
``session_stream.jsonl`` (2026-03-02, UTC):

turn 1   prompt 09:00:41.087 -> Stop 09:02:21.548 = 100.461 s,
         permission wait 09:00:57.802 -> 09:01:19.240 = 21.438 s, working 79.023 s
turn 2   prompt 09:14:07.239 -> Stop 09:14:27.130 = 19.891 s,
         permission wait 09:14:19.391 -> 09:14:22.805 = 3.414 s, working 16.477 s
user waits (think threshold 300 s):
  session start 09:00:00.412 -> prompt 09:00:41.087    =  40.675 s  thinking
  Stop 09:02:21.548 -> prompt 09:14:07.239              = 705.691 s  300 thinking + 405.691 away
  Stop 09:14:27.130 -> /compact 09:15:02.448            =  35.318 s  thinking
  compacted 09:15:31.902 -> SessionEnd 09:16:40.215     =  68.313 s  thinking
wall     09:00:00.412 -> 09:16:40.215 = 999.803 s
"""

import pytest

from collector import config as config_mod
from collector.analytics import filters, metrics, timemodel
from collector.ingest.drain import drain_once
from collector.storage import db

from conftest import HOOK_FIXTURES
from replay import load_stream, replay

WORKING = 79.023 + 16.477
PERMISSION = 21.438 + 3.414
THINKING = 40.675 + 300.0 + 35.318 + 68.313
AWAY = 405.691
WAITS = [40.675, 705.691, 35.318, 68.313]
WALL = 999.803
ACTIVE = WORKING + PERMISSION + THINKING


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    home = tmp_path_factory.mktemp("stream-home")
    replay(load_stream(HOOK_FIXTURES / "session_stream.jsonl"), home)
    config = config_mod.load(str(home))
    connection = db.connect(config.db_path)
    drain_once(connection, config)
    return connection


def test_turns_split_working_and_permission_seconds(conn):
    turns = db.rows(conn, "select seq, turn_seconds, working_seconds, permission_seconds, end_kind,"
                          " tool_calls, tool_failures from turn_timeline order by seq")
    assert turns == [
        {"seq": 1, "turn_seconds": 100.461, "working_seconds": 79.023, "permission_seconds": 21.438,
         "end_kind": "stop", "tool_calls": 10, "tool_failures": 1},
        {"seq": 2, "turn_seconds": 19.891, "working_seconds": 16.477, "permission_seconds": 3.414,
         "end_kind": "stop", "tool_calls": 2, "tool_failures": 0},
    ]


def test_think_times_split_thinking_and_away_at_threshold(conn):
    waits = db.rows(conn, "select duration_seconds, thinking_seconds, away_seconds, went_away"
                          " from think_times order by started_at")
    assert waits == [
        {"duration_seconds": 40.675, "thinking_seconds": 40.675, "away_seconds": 0.0, "went_away": 0},
        {"duration_seconds": 705.691, "thinking_seconds": 300.0, "away_seconds": 405.691, "went_away": 1},
        {"duration_seconds": 35.318, "thinking_seconds": 35.318, "away_seconds": 0.0, "went_away": 0},
        {"duration_seconds": 68.313, "thinking_seconds": 68.313, "away_seconds": 0.0, "went_away": 0},
    ]


def test_session_summary_time_split_equals_hand_computed(conn):
    s = db.one(conn, "select * from session_summary")
    assert s["claude_working_seconds"] == pytest.approx(WORKING, abs=1e-9)
    assert s["permission_wait_seconds"] == pytest.approx(PERMISSION, abs=1e-9)
    assert s["thinking_seconds"] == pytest.approx(THINKING, abs=1e-9)
    assert s["away_seconds"] == pytest.approx(AWAY, abs=1e-9)
    assert s["user_wait_seconds"] == pytest.approx(sum(WAITS), abs=1e-9)
    assert s["wall_seconds"] == pytest.approx(WALL, abs=1e-9)
    assert s["active_seconds"] == pytest.approx(ACTIVE, abs=1e-9)
    assert (s["prompts"], s["turns"], s["tool_calls"], s["tool_failures"]) == (2, 2, 12, 1)
    # money.py and invoice.py edited, tests/test_money.py created (8 lines).
    assert (s["files_touched"], s["files_modified"], s["lines_added"], s["lines_removed"]) == (3, 3, 10, 2)


def test_daily_activity_matches_the_session_on_its_day(conn):
    day = db.one(conn, "select * from daily_activity")
    assert day["day"] == "2026-03-02"
    assert day["active_seconds"] == pytest.approx(ACTIVE, abs=1e-9)
    assert day["away_seconds"] == pytest.approx(AWAY, abs=1e-9)


def test_think_time_statistics_average_median_p90(conn):
    stats = timemodel.think_stats(conn, filters.Filters())
    ordered = sorted(WAITS)  # 35.318, 40.675, 68.313, 705.691
    assert stats["waits"] == 4
    assert stats["average_seconds"] == round(sum(WAITS) / 4, 3)          # 212.499
    assert stats["median_seconds"] == round((40.675 + 68.313) / 2, 3)     # 54.494
    # p90 by linear interpolation: rank 0.9 * 3 = 2.7 between 68.313 and 705.691.
    assert stats["p90_seconds"] == round(ordered[2] + 0.7 * (ordered[3] - ordered[2]), 3)
    assert stats["went_away"] == 1


def test_summary_rates_and_scores_from_hand_computed_inputs(conn):
    s = metrics.summary(conn, filters.parse(start_date="2026-03-02", end_date="2026-03-02"))
    hours = ACTIVE / 3600
    assert s["prompts_per_active_hour"] == round(2 / hours, 3)            # 12.751
    assert s["tool_success_rate"] == round(11 / 12, 4)
    assert s["most_used_tool"] == "Bash"                                 # 4 calls
    assert s["slowest_tool"] == "Agent"                                  # 21433 ms
    engagement = 100 * (0.4 * ACTIVE / WALL + 0.3 * THINKING / sum(WAITS) + 0.3 * min(1, 2 / hours / 12))
    assert s["engagement_score"] == round(engagement, 1) == 68.3
    productivity = 100 * (0.3 * min(1, 3 / hours / 10) + 0.3 * min(1, 12 / hours / 1000)
                          + 0.2 * 0 + 0.2 * 11 / 12)
    assert s["productivity_score"] == round(productivity, 1) == 50.6


def test_the_dashboards_score_functions_on_daily_scores_agree_with_the_api(conn):
    import sqlite3

    from collector.analytics import sql_functions

    stdlib = sql_functions.register(sqlite3.connect("file:%s?mode=ro" % conn.filename, uri=True))
    view = stdlib.execute(
        "select engagement_score(wall_seconds, active_seconds, thinking_seconds, user_wait_seconds, prompts),"
        " productivity_score(active_seconds, files_modified, lines_changed, commits, tool_successes,"
        " tool_failures) from daily_scores").fetchall()
    trend = metrics.trends(conn, filters.Filters())
    assert len(trend) == 1 == len(view)
    assert view[0] == (trend[0]["engagement_score"], trend[0]["score"]) and None not in view[0]


def test_filters_outside_the_session_day_give_empty_totals(conn):
    s = metrics.summary(conn, filters.parse(start_date="2026-03-03"))
    assert s["sessions"] == 0 and s["active_seconds"] == 0
    assert s["engagement_score"] is None and s["think_time_average_seconds"] is None
