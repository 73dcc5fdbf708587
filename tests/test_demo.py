"""The demo database generator and the m004 rollups it exercises."""

import datetime as dt
import sqlite3

import pytest

from collector.serve import demo
from collector.storage import db, rollups

END = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("demo") / "demo.db")
    counts = demo.build_demo(path, days=14, seed=3, end=END, index_search=False)
    return path, counts


def _read(path):
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def test_build_demo_fills_every_table(demo_db):
    path, counts = demo_db
    assert counts["projects"] == len(demo.PROJECTS)
    for table in ("sessions", "turns", "messages", "tool_calls", "file_operations", "waits", "agents",
                  "git_operations", "commits", "commit_files", "token_usage"):
        assert counts[table] > 0, table
    conn = _read(path)
    kinds = dict(conn.execute("select kind, count(*) from waits group by kind").fetchall())
    assert set(kinds) == {"permission", "user"}
    assert conn.execute("select count(*) from waits where away_seconds > 0").fetchone()[0] > 0
    assert conn.execute("select count(*) from tool_calls where status = 'error' and error is not null"
                        ).fetchone()[0] > 0
    assert conn.execute("select count(distinct model) from token_usage").fetchone()[0] == 3
    assert conn.execute("select count(*) from tool_calls where agent_id is not null").fetchone()[0] > 0
    assert conn.execute("select min(day), max(day) from daily_overview").fetchone() == (
        "2026-02-16", "2026-03-01")


def test_build_demo_same_seed_same_database(tmp_path):
    a, b, c = (str(tmp_path / n) for n in ("a.db", "b.db", "c.db"))
    for path, seed in ((a, 5), (b, 5), (c, 6)):
        demo.build_demo(path, days=3, seed=seed, end=END, index_search=False)
    dump = "select group_concat(content, '|') from (select content from messages order by id)"
    assert _read(a).execute(dump).fetchone() == _read(b).execute(dump).fetchone()
    assert _read(a).execute(dump).fetchone() != _read(c).execute(dump).fetchone()


def test_build_demo_has_the_known_prompt(demo_db):
    conn = _read(demo_db[0])
    assert conn.execute("select count(*) from messages where content = ?", (demo.KNOWN_PROMPT,)).fetchone()[0] >= 1


ROLLUP_COLUMNS = ("sessions", "turns", "prompts", "tool_calls", "tool_successes", "tool_failures", "lines_added",
                  "lines_removed", "commits", "commit_lines_added", "commit_lines_removed")
SECONDS = ("active_seconds", "claude_working_seconds", "permission_wait_seconds", "thinking_seconds",
           "away_seconds", "wall_seconds")


def _assert_rollups_match_views(conn):
    cols = ", ".join(ROLLUP_COLUMNS + SECONDS)
    fast = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select day, project_id, %s from daily_overview" % cols)}
    slow = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select day, project_id, %s from daily_activity" % cols)}
    assert fast.keys() == slow.keys()
    for key in slow:
        n = len(ROLLUP_COLUMNS)
        assert fast[key][:n] == slow[key][:n], key
        assert fast[key][n:] == pytest.approx(slow[key][n:], abs=0.01), key
    tokens = {(r[0], r[1], r[2]): r[3:] for r in conn.execute(
        "select day, project_id, model, total_tokens, cost_usd from daily_tokens where requests > 0")}
    priced = {(r[0], r[1], r[2]): r[3:] for r in conn.execute(
        "select day, project_id, model, total_tokens, cost_usd from token_costs")}
    assert tokens.keys() == priced.keys()
    for key in priced:
        assert tokens[key][0] == priced[key][0]
        assert tokens[key][1] == pytest.approx(priced[key][1], abs=1e-5)
    hours = conn.execute("select sum(waits), round(sum(thinking_seconds), 3) from think_hourly").fetchone()
    assert conn.execute("select sum(waits) from think_distribution").fetchone()[0] == hours[0]
    view = conn.execute("select count(*), round(sum(thinking_seconds), 3) from think_times").fetchone()
    assert hours == pytest.approx(view, abs=0.01)


def test_rollups_match_m003_views_on_demo(demo_db):
    _assert_rollups_match_views(_read(demo_db[0]))


def test_rollups_follow_updates_and_deletes(tmp_path):
    path = str(tmp_path / "demo.db")
    demo.build_demo(path, days=4, seed=2, end=END, index_search=False)
    conn = db.connect(path)
    with conn:
        conn.execute("update tool_calls set status = 'error', duration_ms = duration_ms * 2 where id % 3 = 0")
        conn.execute("update waits set duration_seconds = duration_seconds + 400, thinking_seconds = 300,"
                     " away_seconds = duration_seconds + 100 where kind = 'user' and id % 2 = 0")
        conn.execute("update turns set working_seconds = working_seconds + 60 where id % 4 = 0")
        session = db.scalar(conn, "select min(id) from sessions")
        for table in ("file_operations", "git_operations", "tool_calls", "waits", "messages", "token_usage",
                      "agents"):
            conn.execute("delete from %s where session_id = ?" % table, (session,))
        conn.execute("delete from commit_files where commit_id in (select id from commits where session_id = ?)",
                     (session,))
        conn.execute("delete from commits where session_id = ?", (session,))
        conn.execute("delete from turns where session_id = ?", (session,))
        conn.execute("delete from sessions where id = ?", (session,))
        assert rollups.refresh(conn) > 0
    assert rollups.pending(conn) == 0
    conn.close()
    _assert_rollups_match_views(_read(path))
