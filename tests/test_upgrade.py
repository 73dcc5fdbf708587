"""A database made before this session's migrations (schema 7, UTC days) upgrades in place.

Its rows stay, its rollups are recomputed on local days (m008), and the views
added for speed (m009-m011) answer as the views they stand for.
"""

import apsw

from collector import db, migrations, rollups, store
from collector.migrations import m004_dashboard

from test_local_days import HAWAII, zone
from test_rollups import assert_daily_totals_equal

AT = "2026-03-02T09:00:00.000000Z"   # 23:00 on 2026-03-01 in Hawaii


def _schema_7(path):
    old = apsw.Connection(path)
    for number, _, module in migrations.all_migrations():
        if number <= 7:
            with old:
                module.migrate(old)
                old.execute("pragma user_version=%d" % number)
    with old:
        sid, _ = store.ensure_session(old, "old-session", cwd="/nonexistent/old", at=AT)
        turn = old.execute("insert into turns (session_id, seq, started_at, ended_at, working_seconds)"
                           " values (?, 1, ?, '2026-03-02T09:01:00.000000Z', 60) returning id", (sid, AT)).fetchone()[0]
        store.add_message(old, uid="old-1", session_id=sid, role="user", kind="prompt",
                          content="rotate the staging database credentials", created_at=AT, turn_id=turn)
        store.index_messages(old)
        old.execute("insert into tool_calls (session_id, turn_id, tool_use_id, tool_name, started_at, status, source)"
                    " values (?, ?, 't1', 'Bash', ?, 'error', 'hook')", (sid, turn, AT))
        old.execute("insert into token_usage (session_id, message_id, request_id, model, input_tokens, output_tokens, at)"
                    " values (?, 'm1', 'r1', 'claude-sonnet-4-5', 1000, 100, ?)", (sid, AT))
        old.execute("delete from rollup_dirty")
        m004_dashboard.backfill(old)  # the rollups as schema 7 kept them: UTC days
    assert old.execute("select day from rollup_daily").fetchall() == [("2026-03-02",)]
    old.close()


def test_a_schema_7_database_upgrades_with_its_rows_on_local_days(tmp_path):
    path = str(tmp_path / "old.db")
    _schema_7(path)
    with zone(HAWAII):
        conn = db.connect(path)
        assert db.scalar(conn, "pragma user_version") == migrations.all_migrations()[-1][0]
        assert rollups.current(conn)
        assert [r[0] for r in conn.execute("select day from rollup_daily")] == ["2026-03-01"]
        assert db.one(conn, "select day, turns, prompts, tool_failures, input_tokens from daily_totals") == {
            "day": "2026-03-01", "turns": 1, "prompts": 1, "tool_failures": 1, "input_tokens": 1000}
        assert_daily_totals_equal(conn)
        summary = db.one(conn, "select day, claude_working_seconds, tool_failures, total_tokens from session_summary")
        assert summary == {"day": "2026-03-01", "claude_working_seconds": 60.0, "tool_failures": 1,
                           "total_tokens": 1100}
        # Text indexed before the upgrade is still found.
        assert conn.execute("select rowid from messages_fts where messages_fts match 'credentials'").fetchall() == [(1,)]
        conn.close()
