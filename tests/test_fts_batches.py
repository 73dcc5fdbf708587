"""Messages reach the full-text index once per transaction (migration m007).

An insert queues the message in ``fts_pending``; ``store.index_messages``
moves the queue into ``messages_fts``. Deleting or rewriting a queued
message must leave a consistent index: FTS5's own integrity check
compares the index with the messages table row by row.
"""

import os

import pytest

from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.sessions import store
from collector.storage import db


@pytest.fixture
def conn(tmp_path):
    conn = db.connect(str(tmp_path / "cctracker.db"))
    with conn:
        conn.execute("insert into sessions (id, session_uuid, started_at, status)"
                     " values (1, 'u-1', '2026-03-02T09:00:00.000000Z', 'active')")
    yield conn
    conn.close()


def _add(conn, uid, text):
    return store.add_message(conn, uid=uid, session_id=1, role="user", kind="prompt", content=text,
                             created_at="2026-03-02T09:00:00.000000Z")


def _found(conn, word):
    return [r[0] for r in conn.execute(
        "select rowid from messages_fts where messages_fts match ? order by rowid", (word,))]


def _queued(conn):
    return [r[0] for r in conn.execute("select id from fts_pending order by id")]


def _check(conn):
    # Raises apsw.CorruptError when the index and the messages table disagree.
    conn.execute("insert into messages_fts(messages_fts, rank) values ('integrity-check', 1)")


def test_message_is_queued_until_indexed_in_its_transaction(conn):
    with db.write_transaction(conn):
        first = _add(conn, "m1", "the cart total rounds twice")
        second = _add(conn, "m2", "flaky login test")
        assert _queued(conn) == [first, second]
        assert _found(conn, "cart") == []
        assert store.index_messages(conn) == 2
    assert _queued(conn) == []
    assert _found(conn, "cart") == [first]
    assert _found(conn, "login") == [second]
    _check(conn)


def test_index_messages_with_nothing_queued_does_nothing(conn):
    with db.write_transaction(conn):
        assert store.index_messages(conn) == 0
    assert conn.execute("select count(*) from messages_fts").fetchone()[0] == 0


def test_queued_message_deleted_before_indexing_leaves_no_trace(conn):
    with db.write_transaction(conn):
        kept = _add(conn, "m1", "keep this cart note")
        gone = _add(conn, "m2", "drop this cart note")
        conn.execute("delete from messages where id = ?", (gone,))
        assert _queued(conn) == [kept]
        store.index_messages(conn)
    assert _found(conn, "cart") == [kept]
    assert _found(conn, "drop") == []
    _check(conn)


def test_queued_message_rewritten_before_indexing_is_indexed_as_rewritten(conn):
    with db.write_transaction(conn):
        mid = _add(conn, "m1", "password hunter2 in the prompt")
        conn.execute("update messages set content = 'password [REDACTED] in the prompt' where id = ?", (mid,))
        store.index_messages(conn)
    assert _found(conn, "hunter2") == []
    assert _found(conn, "password") == [mid]
    _check(conn)


def test_indexed_message_rewritten_then_deleted_updates_the_index(conn):
    with db.write_transaction(conn):
        mid = _add(conn, "m1", "old words about rounding")
        store.index_messages(conn)
    with db.write_transaction(conn):
        conn.execute("update messages set content = 'new words about caching' where id = ?", (mid,))
    assert _queued(conn) == []
    assert _found(conn, "rounding") == []
    assert _found(conn, "caching") == [mid]
    _check(conn)
    with db.write_transaction(conn):
        conn.execute("delete from messages where id = ?", (mid,))
    assert _found(conn, "caching") == []
    _check(conn)


def test_drain_indexes_what_another_writer_left_queued(tmp_path):
    home = os.environ["CCTRACKER_HOME"]
    config = config_mod.load(home)
    conn = db.connect(config.db_path)
    with conn:
        conn.execute("insert into sessions (id, session_uuid, started_at, status)"
                     " values (1, 'u-1', '2026-03-02T09:00:00.000000Z', 'active')")
        mid = _add(conn, "m1", "a writer that forgot to index")
    assert _found(conn, "forgot") == []
    stats = drain_once(conn, config)
    assert stats["events"] == 0
    assert _found(conn, "forgot") == [mid]
    assert _queued(conn) == []
    conn.close()
