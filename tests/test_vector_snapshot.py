"""The vector matrix snapshot: a new process maps what the last one wrote, catches up from the
log, and ranks exactly as a matrix read from SQLite does."""

import os
import subprocess

from collector import search
from collector.search import snapshot, vectors
from collector.storage import db
from conftest import PYTHON

TEXTS = ["the database is locked while another writer commits", "flaky pytest fixture on ci",
         "rebase conflict in the migrations folder", "docker image will not start",
         "oauth login loops back to the sign in page", "profile the slow render of the table",
         "cache misses after the redis eviction policy change", "lexer chokes on unicode identifiers"]


def build(path, texts):
    conn = db.connect(path)
    with conn:
        conn.execute("insert into projects (id, name, path) values (1, 'p', '/p')")
        conn.execute("insert into sessions (id, session_uuid, project_id, started_at, status)"
                     " values (1, 'u-1', 1, '2026-01-01T00:00:00.000000Z', 'ended')")
    add(conn, texts, 0)
    return conn


def add(conn, texts, start):
    with conn:
        for i, text in enumerate(texts, start):
            conn.execute("insert into messages (uid, session_id, role, kind, content, content_hash,"
                         " created_at, source) values (?, 1, 'user', 'prompt', ?, ?, ?, 'transcript')",
                         ("m%d" % i, text, "h%d" % i, "2026-01-01T00:00:%02d.000000Z" % i))
    while search.index_pending(conn):
        pass


def ranked(conn, text):
    return [r["id"] for r in search.search(conn, text, paths=["vector"], limit=8, context=False)]


FRESH = ("import json, sys; from collector import search; from collector.storage import db; from collector.search import vectors;"
         "conn = db.connect(sys.argv[1]); r = [x['id'] for x in search.search(conn, sys.argv[2],"
         " paths=['vector'], limit=8, context=False)]; m = vectors._current(conn);"
         "print(json.dumps({'ids': r, 'mapped': isinstance(m.head, __import__('numpy').memmap)}))")


def fresh(path, text, snapshot_on=True):
    import json
    env = dict(os.environ, CCTRACKER_VECTOR_SNAPSHOT="1" if snapshot_on else "0")
    done = subprocess.run([PYTHON, "-c", FRESH, path, text], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_fresh_process_maps_the_snapshot_and_ranks_the_same(tmp_path):
    path = str(tmp_path / "t.db")
    conn = build(path, TEXTS)
    vectors.forget()
    expected = ranked(conn, "sqlite writer lock")  # loads from SQLite and writes the snapshot
    assert os.path.exists(path + ".vectors/meta.json")
    got = fresh(path, "sqlite writer lock")
    assert got == {"ids": expected, "mapped": True}
    assert fresh(path, "sqlite writer lock", snapshot_on=False) == {"ids": expected, "mapped": False}


def test_snapshot_catches_up_from_the_log(tmp_path):
    path = str(tmp_path / "t.db")
    conn = build(path, TEXTS)
    vectors.forget()
    ranked(conn, "anything")  # snapshot written
    add(conn, ["the writer waits on a busy sqlite lock", "kubernetes pod keeps restarting"], 100)
    with conn:  # a changed document and a deleted one
        conn.execute("update messages set content = 'websocket reconnect storm' where uid = 'm3'")
        conn.execute("delete from messages where uid = 'm1'")
    while search.index_pending(conn):
        pass
    vectors.forget()
    os.environ["CCTRACKER_VECTOR_SNAPSHOT"] = "0"
    try:
        truth = {q: ranked(conn, q) for q in ("sqlite writer lock", "websocket reconnect", "flaky pytest")}
    finally:
        del os.environ["CCTRACKER_VECTOR_SNAPSHOT"]
    for query, ids in truth.items():
        assert fresh(path, query) == {"ids": ids, "mapped": True}


def test_snapshot_of_another_database_is_not_used(tmp_path):
    path = str(tmp_path / "t.db")
    conn = build(path, TEXTS)
    vectors.forget()
    ranked(conn, "x")
    conn.close()
    saved = tmp_path / "saved.vectors"
    os.rename(path + ".vectors", saved)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    conn = build(path, list(reversed(TEXTS)))  # same name, new file: new inode
    os.rename(saved, path + ".vectors")
    m = vectors.Matrix()
    low, high = conn.execute("select min(seq), max(seq) from search_vector_log").fetchone()
    assert snapshot.load(conn, m, path, low, high) is None  # even if the inode number came back
    vectors.forget()
    # Reversed: "docker image will not start" (TEXTS[3]) is document 5 now, not 4.
    assert fresh(path, "docker image will not start")["ids"][0] == 5


def test_forget_deletes_the_snapshot(tmp_path):
    path = str(tmp_path / "t.db")
    conn = build(path, TEXTS)
    vectors.forget()
    ranked(conn, "x")
    from collector.privacy import forget
    forget.forget(conn, forget.select(conn, session="u-1"))
    assert not os.path.exists(path + ".vectors")
