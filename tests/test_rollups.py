"""Dirty marks and ``rollups.refresh``: the m004 rollups recomputed for exactly the keys that changed."""

import pytest

from collector.storage import db, rollups

DAY1, DAY2 = "2026-03-02", "2026-03-03"


def at(day, clock):
    return "%sT%s.000000Z" % (day, clock)


@pytest.fixture
def conn(tmp_path):
    """Two projects; session 1 (project 1) works on both days, session 2 (project 2) on day 1."""
    conn = db.connect(str(tmp_path / "cctracker.db"))
    with conn:
        conn.execute("insert into projects (id, name, path) values (1, 'shop', '/src/shop'), (2, 'blog', '/src/blog')")
        for sid, pid, start, end in ((1, 1, at(DAY1, "09:00:00"), at(DAY1, "10:00:00")),
                                     (2, 2, at(DAY1, "11:00:00"), at(DAY1, "11:30:00"))):
            conn.execute("insert into sessions (id, session_uuid, project_id, started_at, ended_at)"
                         " values (?, ?, ?, ?, ?)", (sid, "u-%d" % sid, pid, start, end))
        for tid, sid, seq, start, working in ((1, 1, 1, at(DAY1, "09:00:00"), 100.0),
                                              (2, 1, 2, at(DAY2, "00:10:00"), 50.0),
                                              (3, 2, 1, at(DAY1, "11:00:00"), 30.0)):
            conn.execute("insert into turns (id, session_id, seq, started_at, working_seconds) values (?, ?, ?, ?, ?)",
                         (tid, sid, seq, start, working))
        for cid, sid, day, status in ((1, 1, DAY1, "ok"), (2, 1, DAY1, "error"), (3, 1, DAY2, "ok"),
                                      (4, 2, DAY1, "ok")):
            conn.execute("insert into tool_calls (id, session_id, tool_use_id, tool_name, started_at, duration_ms,"
                         " status, source) values (?, ?, ?, 'Bash', ?, 1000, ?, 'hook')",
                         (cid, sid, "t%d" % cid, at(day, "09:30:00"), status))
        conn.execute("insert into file_operations (tool_call_id, session_id, path, operation, lines_added,"
                     " lines_removed, at) values (1, 1, '/src/shop/cart.py', 'edit', 4, 2, ?)", (at(DAY1, "09:30:00"),))
        conn.execute("insert into messages (uid, session_id, role, kind, content, content_hash, created_at, source)"
                     " values ('m1', 1, 'user', 'prompt', 'fix the cart', 'h1', ?, 'hook'),"
                     " ('m2', 1, 'assistant', 'reply', 'done', 'h2', ?, 'hook')",
                     (at(DAY1, "09:00:00"), at(DAY1, "09:05:00")))
        conn.execute("insert into waits (session_id, kind, started_at, duration_seconds, thinking_seconds,"
                     " away_seconds) values (1, 'user', ?, 400, 300, 100), (1, 'permission', ?, 20, null, null)",
                     (at(DAY1, "09:20:00"), at(DAY1, "09:25:00")))
        conn.execute("insert into token_usage (session_id, message_id, request_id, model, input_tokens,"
                     " output_tokens, at) values (1, 'msg1', 'req1', 'claude-sonnet-4-5', 1000, 100, ?),"
                     " (null, 'msg2', 'req2', 'claude-sonnet-4-5', 7, 3, ?)",
                     (at(DAY1, "09:06:00"), at(DAY1, "09:07:00")))
        conn.execute("insert into commits (project_id, session_id, sha, committed_at, lines_added, lines_removed)"
                     " values (1, 1, 'abc', ?, 10, 5)", (at(DAY1, "09:50:00"),))
        rollups.refresh(conn)
    yield conn
    conn.close()


DAILY = ("sessions", "turns", "claude_working_seconds", "tool_calls", "tool_failures", "prompts",
         "permission_waits", "thinking_seconds", "lines_added", "commits")


def daily(conn):
    return {(r[0], r[1]): tuple(r[2:]) for r in conn.execute(
        "select day, project_id, %s from rollup_daily order by 1, 2" % ", ".join(DAILY))}


def dump(conn):
    tables = ("rollup_daily", "rollup_tokens", "rollup_tools", "rollup_files", "rollup_think",
              "rollup_think_buckets")
    return {t: sorted(conn.execute("select * from %s" % t).fetchall()) for t in tables}


def test_refresh_counts_every_table_by_hand(conn):
    assert daily(conn) == {
        (DAY1, 1): (1, 1, 100.0, 2, 1, 1, 1, 300.0, 4, 1),
        (DAY1, 2): (1, 1, 30.0, 1, 0, 0, 0, 0.0, 0, 0),
        (DAY2, 1): (0, 1, 50.0, 1, 0, 0, 0, 0.0, 0, 0),
    }
    assert conn.execute("select day, project_id, requests, input_tokens, output_tokens from rollup_tokens"
                        " order by 1, 2").fetchall() == [(DAY1, 0, 1, 7, 3),  # a token row of no session
                                                         (DAY1, 1, 1, 1000, 100)]
    assert conn.execute("select day, project_id, calls, ok, errors, duration_ms_total from rollup_tools"
                        " order by 1, 2").fetchall() == [(DAY1, 1, 2, 1, 1, 2000.0), (DAY1, 2, 1, 1, 0, 1000.0),
                                                         (DAY2, 1, 1, 1, 0, 1000.0)]
    assert conn.execute("select path, edits, lines_added, lines_removed from rollup_files").fetchall() == [
        ("/src/shop/cart.py", 1, 4, 2)]
    assert conn.execute("select day, hour, project_id, waits, thinking_seconds, away_seconds, went_away"
                        " from rollup_think").fetchall() == [(DAY1, 9, 1, 1, 300.0, 100.0, 1)]
    assert conn.execute("select bucket, waits from rollup_think_buckets").fetchall() == [(5, 1)]
    assert rollups.pending(conn) == 0


def test_refresh_with_nothing_dirty_does_nothing(conn):
    before = dump(conn)
    assert rollups.refresh(conn) == 0
    assert dump(conn) == before


def test_refresh_of_keys_marked_again_gives_the_same_rows(conn):
    before = dump(conn)
    with conn:
        conn.execute("insert into rollup_dirty select day, 0, project_id from rollup_daily"
                     " union select day, 0, project_id from rollup_tokens")
    assert rollups.refresh(conn) == 4
    assert dump(conn) == before


def test_refresh_touches_only_dirty_keys(conn):
    with conn:
        # A wrong number on a key nobody changed stays: refresh never reads it.
        conn.execute("update rollup_daily set turns = 99 where day = ? and project_id = 2", (DAY1,))
        conn.execute("insert into turns (session_id, seq, started_at, working_seconds) values (1, 3, ?, 5)",
                     (at(DAY2, "08:00:00"),))
    assert conn.execute("select day, sid, pid from rollup_dirty").fetchall() == [(DAY2, 1, 0)]
    assert rollups.refresh(conn) == 1
    assert daily(conn)[(DAY2, 1)] == (0, 2, 55.0, 1, 0, 0, 0, 0.0, 0, 0)
    assert daily(conn)[(DAY1, 2)][1] == 99


def test_many_rows_of_a_session_day_mark_one_key(conn):
    with conn:
        conn.executemany("insert into tool_calls (session_id, tool_use_id, tool_name, started_at, status, source)"
                         " values (2, ?, 'Read', ?, 'pending', 'hook')",
                         [("x%d" % i, at(DAY1, "11:%02d:00" % i)) for i in range(50)])
        conn.execute("update tool_calls set status = 'ok' where tool_use_id like 'x%'")
    assert conn.execute("select day, sid, pid from rollup_dirty").fetchall() == [(DAY1, 2, 0)]
    rollups.refresh(conn)
    assert daily(conn)[(DAY1, 2)][3] == 51
    assert conn.execute("select ok from rollup_tools where tool_name = 'Read'").fetchall() == [(50,)]


def test_upsert_of_a_marked_key_does_not_fail(conn):
    # An UPSERT imposes its conflict policy on the statements of the triggers it fires.
    sql = ("insert into tool_calls (session_id, tool_use_id, tool_name, started_at, status, source)"
           " values (1, 't1', 'Bash', ?, ?, 'hook') on conflict (session_id, tool_use_id)"
           " do update set status = excluded.status")
    with conn:
        conn.execute(sql, (at(DAY1, "09:30:00"), "interrupted"))
        conn.execute(sql, (at(DAY1, "09:30:00"), "rejected"))
    rollups.refresh(conn)
    assert conn.execute("select ok, errors, rejected from rollup_tools where day = ? and project_id = 1",
                        (DAY1,)).fetchone() == (0, 1, 1)


def test_refresh_after_deletes_leaves_no_empty_rows(conn):
    with conn:
        for table in ("file_operations", "tool_calls", "waits", "messages", "token_usage", "turns", "commits"):
            conn.execute("delete from %s where session_id = 1" % table)
        conn.execute("delete from sessions where id = 1")
    rollups.refresh(conn)
    assert set(daily(conn)) == {(DAY1, 2)}
    assert conn.execute("select count(*) from rollup_files").fetchone() == (0,)
    assert conn.execute("select count(*) from rollup_think").fetchone() == (0,)


def test_session_moving_project_moves_its_totals(conn):
    with conn:
        conn.execute("update sessions set project_id = 2 where id = 1")
    rollups.refresh(conn)
    rows = daily(conn)
    # Only the commit stays: it belongs to the repository's project, not the session's.
    assert rows[(DAY1, 1)] == (0, 0, 0.0, 0, 0, 0, 0, 0.0, 0, 1)
    assert (DAY2, 1) not in rows
    assert rows[(DAY1, 2)] == (2, 2, 130.0, 3, 1, 1, 1, 300.0, 4, 0)
    assert rows[(DAY2, 2)] == (0, 1, 50.0, 1, 0, 0, 0, 0.0, 0, 0)
    assert conn.execute("select distinct project_id from rollup_files").fetchall() == [(2,)]


def test_session_moving_after_some_rows_went_leaves_none_behind(conn):
    with conn:
        conn.execute("delete from tool_calls where id = 3")  # session 1's only call on day 2
        conn.execute("update sessions set project_id = 2 where id = 1")
    rollups.refresh(conn)
    rows = daily(conn)
    assert (DAY2, 1) not in rows
    assert rows[(DAY2, 2)] == (0, 1, 50.0, 0, 0, 0, 0, 0.0, 0, 0)


def test_refresh_rolls_back_with_the_callers_transaction(conn):
    before = dump(conn)
    conn.execute("begin immediate")
    conn.execute("insert into turns (session_id, seq, started_at, working_seconds) values (2, 2, ?, 5)",
                 (at(DAY1, "11:10:00"),))
    assert rollups.refresh(conn) == 1
    assert daily(conn)[(DAY1, 2)][1] == 2
    conn.execute("rollback")
    assert dump(conn) == before
    assert rollups.pending(conn) == 0


def test_rollups_match_the_views_after_changes(conn):
    with conn:
        conn.execute("update waits set kind = 'user', duration_seconds = 50, thinking_seconds = 50,"
                     " away_seconds = 0 where kind = 'permission'")
        conn.execute("update messages set kind = 'prompt', role = 'user' where uid = 'm2'")
        conn.execute("update turns set session_id = 2, seq = 9 where id = 2")
    rollups.refresh(conn)
    fast = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select day, project_id, turns, prompts, tool_calls, round(thinking_seconds, 3),"
        " round(claude_working_seconds, 3) from daily_overview where project_id > 0")}
    slow = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select day, project_id, turns, prompts, tool_calls, round(thinking_seconds, 3),"
        " round(claude_working_seconds, 3) from daily_activity where project_id > 0")}
    assert fast == slow
    assert fast[(DAY1, 1)] == (1, 2, 2, 350.0, 100.0)
    assert fast[(DAY2, 2)] == (1, 0, 0, 0.0, 50.0)


COMPARED = ("sessions", "turns", "prompts", "tool_calls", "tool_failures", "lines_added", "commits",
            "round(claude_working_seconds, 1)", "round(permission_wait_seconds, 1)", "round(thinking_seconds, 1)")


def assert_matches_views(conn):
    """Every writer leaves nothing dirty and rollups equal to the m003 views."""
    assert rollups.pending(conn) == 0
    cols = ", ".join(COMPARED)
    fast = conn.execute("select day, project_id, %s from daily_overview order by 1, 2" % cols).fetchall()
    slow = conn.execute("select day, coalesce(project_id, 0), %s from daily_activity order by 1, 2" % cols).fetchall()
    assert fast and fast == slow
    # daily_totals (m009) gives the analytics daily_activity's rows from the rollups.
    assert_daily_totals_equal(conn)


def assert_daily_totals_equal(conn):
    exact = conn.execute("select * from daily_activity order by day, project_id").fetchall()
    rolled = conn.execute("select * from daily_totals order by day, project_id").fetchall()
    assert len(rolled) == len(exact)
    for a, b in zip(exact, rolled):
        # Costs are summed in another order (per model and day, not per request) before
        # rounding to 6 decimals: the last digit may differ by one.
        assert a == pytest.approx(b, abs=2e-6), (a, b)


def test_drain_leaves_rollups_current(home):
    from replay import load_stream, replay

    from collector import config as config_mod
    from collector.ingest.drain import drain_once
    from conftest import HOOK_FIXTURES

    replay(load_stream(HOOK_FIXTURES / "session_stream.jsonl"), home)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    assert drain_once(conn, config)["events"] == 38
    assert_matches_views(conn)
    assert conn.execute("select turns, tool_calls from rollup_daily").fetchall() == conn.execute(
        "select count(distinct t.id), (select count(*) from tool_calls) from turns t").fetchall()


def test_import_leaves_rollups_current(tmp_path):
    from collector.ingest import importer
    from conftest import TRANSCRIPTS

    conn = db.connect(str(tmp_path / "import.db"))
    summary = importer.import_paths(conn, [str(TRANSCRIPTS)])
    assert summary["tool_calls"] > 0
    assert_matches_views(conn)


def test_daily_totals_equal_daily_activity_on_the_demo_database(tmp_path):
    """Three weeks of varied sessions, tokens of several models, files read and edited."""
    import datetime

    from collector.serve import demo

    path = str(tmp_path / "demo.db")
    demo.build_demo(path, days=21, seed=3, end=datetime.date(2026, 3, 20), index_search=False)
    conn = db.connect(path)
    assert rollups.current(conn)
    assert db.scalar(conn, "select count(*) from daily_totals where cost_usd > 0 and files_modified > 0") > 10
    assert_daily_totals_equal(conn)
    conn.close()


def test_analytics_read_the_rollups_only_when_they_are_current(conn, tmp_path):
    from collector.analytics import filters, timemodel

    everything = filters.Filters()
    assert rollups.current(conn)
    with conn:  # a failed call on day 2: marked dirty, not yet rolled up
        conn.execute("insert into tool_calls (session_id, tool_use_id, tool_name, started_at, status, source)"
                     " values (1, 't5', 'Bash', ?, 'error', 'hook')", (at(DAY2, "09:40:00"),))
    assert not rollups.current(conn)
    # A reader may not refresh: it computes the rows from the base tables instead.
    reader = db.connect(str(tmp_path / "cctracker.db"), readonly=True)
    assert rollups.ensure_current(reader) is False
    from_views = timemodel.daily_rows(reader, everything)
    reader.close()
    assert [(r["day"], r["project_id"], r["turns"], r["tool_failures"], r["input_tokens"]) for r in from_views] == [
        (DAY1, None, 0, 0, 7), (DAY1, 1, 1, 1, 1000), (DAY1, 2, 1, 0, 0), (DAY2, 1, 1, 1, 0)]
    # A writer brings them up to date and reads them: the same rows.
    assert rollups.ensure_current(conn) is True and rollups.pending(conn) == 0
    from_rollups = timemodel.daily_rows(conn, everything)
    assert [list(r) for r in from_rollups] == [list(r) for r in from_views]  # same columns, same order
    for a, b in zip(from_rollups, from_views):
        assert a == pytest.approx(b, abs=2e-6)


def test_analytics_fall_back_to_the_views_while_another_process_holds_the_write_lock(conn, tmp_path):
    from collector.analytics import filters, timemodel

    with conn:
        conn.execute("insert into tool_calls (session_id, tool_use_id, tool_name, started_at, status, source)"
                     " values (1, 't6', 'Bash', ?, 'error', 'hook')", (at(DAY2, "09:45:00"),))
    holder = db.connect(str(tmp_path / "cctracker.db"))
    holder.execute("begin immediate")  # say a long import
    try:
        reader = db.connect(str(tmp_path / "cctracker.db"))
        reader.set_busy_timeout(50)
        assert rollups.ensure_current(reader) is False
        rows = timemodel.daily_rows(reader, filters.Filters())
        assert [(r["day"], r["project_id"], r["tool_failures"]) for r in rows if r["project_id"] == 1] == [
            (DAY1, 1, 1), (DAY2, 1, 1)]
        reader.close()
    finally:
        holder.execute("rollback")
        holder.close()
