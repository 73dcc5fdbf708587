"""A database made by any earlier version of main upgrades in place, rows kept.

The starting points are the schemas main shipped at every user_version,
captured in tests/schemas/ (see tests/legacy.py): the upgrade runs today's
migrations and repeatables on them and must end with exactly the schema of a
fresh database, its rows, its rollups and its full-text index intact.
"""

import apsw
import pytest

from collector import schema
from collector.schema import rollup_defs
from collector.sessions import store
from collector.storage import db, rollups

import legacy
from test_local_days import HAWAII, zone
from test_rollups import assert_daily_totals_equal

AT = "2026-03-02T09:00:00.000000Z"   # 23:00 on 2026-03-01 in Hawaii


def _rows(conn):
    """A session with a turn, a prompt, a failed tool call and tokens, written as that version could."""
    with conn:
        sid, _ = store.ensure_session(conn, "old-session", cwd="/nonexistent/old", at=AT)
        turn = conn.execute("insert into turns (session_id, seq, started_at, ended_at, working_seconds)"
                            " values (?, 1, ?, '2026-03-02T09:01:00.000000Z', 60) returning id",
                            (sid, AT)).fetchone()[0]
        store.add_message(conn, uid="old-1", session_id=sid, role="user", kind="prompt",
                          content="rotate the staging database credentials", created_at=AT, turn_id=turn)
        conn.execute("insert into tool_calls (session_id, turn_id, tool_use_id, tool_name, started_at, status,"
                     " source) values (?, ?, 't1', 'Bash', ?, 'error', 'hook')", (sid, turn, AT))
        conn.execute("insert into token_usage (session_id, message_id, request_id, model, input_tokens,"
                     " output_tokens, at) values (?, 'm1', 'r1', 'claude-sonnet-4-5', 1000, 100, ?)", (sid, AT))


def _counts(conn):
    return {t: conn.execute("select count(*) from %s" % t).fetchone()[0]
            for t in ("projects", "sessions", "turns", "messages", "tool_calls", "token_usage")}


@pytest.mark.parametrize("version", legacy.VERSIONS)
def test_every_shipped_version_upgrades_to_the_fresh_schema_with_its_rows(tmp_path, version):
    path = tmp_path / "old.db"
    old = legacy.create(path, version)
    _rows(old)
    before = _counts(old)
    old.close()
    conn = db.connect(str(path))
    assert conn.execute("pragma user_version").fetchone()[0] == schema.latest()
    assert schema.dump(conn) == open(schema.SCHEMA_SQL).read()
    assert _counts(conn) == before
    assert rollups.current(conn)
    assert db.one(conn, "select day, turns, prompts, tool_failures, input_tokens from daily_totals") == {
        "day": "2026-03-02", "turns": 1, "prompts": 1, "tool_failures": 1, "input_tokens": 1000}
    assert_daily_totals_equal(conn)
    store.index_messages(conn)
    assert conn.execute("select rowid from messages_fts where messages_fts match 'credentials'").fetchall() == [(1,)]
    conn.close()


def test_a_schema_7_database_with_utc_rollups_upgrades_to_local_days(tmp_path):
    path = str(tmp_path / "old.db")
    old = legacy.create(path, 7)
    _rows(old)
    with old:
        store.index_messages(old)
        # The rollups as schema 7 kept them: UTC days (conftest pins TZ=UTC), no local_zone yet,
        # no agent key (m019).
        for _, source, _, table, keys, values, cond in rollup_defs.ROLLUPS:
            keys = {k: v for k, v in keys.items() if k != "agent"}
            try:
                old.execute(rollup_defs.upsert(table, keys, values, cond, source))
            except apsw.SQLError as e:
                # A rollup a later migration extended (m015: token columns): the upgrade
                # recomputes it from the base tables anyway.
                if "no column named" not in str(e):
                    raise
    assert old.execute("select day from rollup_daily").fetchall() == [("2026-03-02",)]
    old.close()
    with zone(HAWAII):
        conn = db.connect(path)
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
