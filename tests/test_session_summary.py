"""Views rewritten for speed give m003's rows: session_summary (m010) computes only the
sessions a query asks for, token_usage_priced (m011) maps models to prices once per query.

m003's definitions (days made local, as a database at version 8 held them) are created
beside them as temp views and the two are compared row by row.
"""

import datetime

import pytest

from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.serve import demo
from collector.storage import db
from conftest import HOOK_FIXTURES
from legacy import view_sql


def _with_reference(conn):
    with conn:
        conn.execute("create temp view session_summary_m003 as %s"
                     % view_sql("session_summary", 8))


def _columns(conn, view):
    return [r[1] for r in conn.execute("select * from pragma_table_info(?)", (view,))]


def _same(conn, where="1", params=()):
    old = conn.execute("select * from session_summary_m003 where %s order by session_id" % where, params).fetchall()
    new = conn.execute("select * from session_summary where %s order by session_id" % where, params).fetchall()
    assert len(_columns(conn, "session_summary")) == 39
    assert _columns(conn, "session_summary") == _columns(conn, "session_summary_m003")
    assert new == old
    return new


def test_session_summary_equals_m003_on_the_demo_database(tmp_path):
    path = str(tmp_path / "demo.db")
    demo.build_demo(path, days=21, seed=5, end=datetime.date(2026, 3, 20), index_search=False)
    conn = db.connect(path)
    _with_reference(conn)
    rows = _same(conn)
    assert len(rows) > 40
    # Sessions with and without tokens, commits and files: both kinds are compared.
    commits = _columns(conn, "session_summary").index("commits")
    assert any(r[commits] for r in rows) and not all(r[commits] for r in rows)
    # Filters on the session give the same answers as before.
    some = rows[len(rows) // 2]
    _same(conn, "session_id = ?", (some[0],))
    _same(conn, "day >= ? and day <= ?", ("2026-03-05", "2026-03-09"))
    conn.close()


def test_session_summary_of_the_shared_stream_by_hand(home):
    from replay import load_stream, replay

    replay(load_stream(HOOK_FIXTURES / "session_stream.jsonl"), home)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    assert drain_once(conn, config)["events"] == 38
    _with_reference(conn)
    (row,) = _same(conn)
    summary = db.one(conn, "select * from session_summary")
    # The time model of the stream, worked out by hand in tests/test_time_model.py.
    assert summary["claude_working_seconds"] == pytest.approx(95.5)
    assert summary["permission_wait_seconds"] == pytest.approx(24.852)
    assert summary["thinking_seconds"] == pytest.approx(444.306)
    assert summary["away_seconds"] == pytest.approx(405.691)
    assert (summary["turns"], summary["prompts"]) == (2, 2)
    conn.close()


def test_token_usage_priced_and_time_bounded_filters_give_m003s_rows(tmp_path):
    from collector.analytics import filters, tokens

    path = str(tmp_path / "demo.db")
    demo.build_demo(path, days=21, seed=5, end=datetime.date(2026, 3, 20), index_search=False)
    conn = db.connect(path)
    with conn:
        conn.execute("create temp view token_usage_priced_m003 as %s"
                     % view_sql("token_usage_priced", 8))
    old = conn.execute("select * from token_usage_priced_m003 order by id").fetchall()
    columns = [r[1] for r in conn.execute("pragma table_info(token_usage_priced_m003)")]
    assert len(old) > 500
    # The demo has no 1-hour cache writes and no long-context request: m003's columns are equal
    # (m015 added cache_creation_1h_tokens and long_context beside them).
    assert conn.execute("select %s from token_usage_priced order by id" % ", ".join(columns)).fetchall() == old
    # The same week through the day column alone and with the UTC bounds of its local days.
    week = filters.parse(start_date="2026-03-09", end_date="2026-03-15")
    where, params = week.where()
    by_day = conn.execute("select count(*), sum(cost_usd) from token_usage_priced where " + where, params).fetchone()
    assert by_day[0] > 0
    assert tokens.totals(conn, week)["requests"] == by_day[0]
    assert tokens.totals(conn, week)["cost_usd"] == round(by_day[1], 6)
    conn.close()

