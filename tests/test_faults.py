"""Faults, as tests: downtime, kill -9, concurrent writers, torn lines, full disk, corruption.

Every test drives the real spool, the real drain (in-process or as the real
``cctracker drain`` subprocess) and a real SQLite file.
"""

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import time

import apsw
import pytest

import cctracker_client
from cctracker_client import spool, spool_read
from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.storage import db
from conftest import HOOK_FIXTURES, PYTHON, ROOT

STREAM = [json.loads(line) for line in (HOOK_FIXTURES / "session_stream.jsonl").read_text().splitlines() if line]

# Columns whose values depend on when the drain ran, not on what it read.
RUN_TIME_COLUMNS = {("drain_errors", "at"), ("transcript_files", "read_at"), ("transcript_files", "mtime")}


def spool_sessions(home, sessions, day="2026-03-02", spread_hours=24):
    """Spool ``sessions`` copies of the fixture session, spread over a day, with new ids."""
    count = 0
    for n in range(sessions):
        hour = n * spread_hours // max(sessions, 1)
        uuid = "%08x-0000-4000-8000-%012x" % (n, n)
        for payload in STREAM:
            payload = dict(payload)
            at = payload.pop("_at")
            payload["session_id"] = uuid
            received = "%sT%02d%s" % (day, hour, at[13:])
            assert cctracker_client.record(payload, received=received, base=str(home))
            count += 1
    return count


def content(conn):
    """Every table's rows without surrogate ids, sorted: what a clean run must equal."""
    out = {}
    tables = [r["name"] for r in db.rows(conn, "select name from sqlite_master where type = 'table'"
                                          " and name not like 'sqlite_%' and name not like '%_fts%'")]
    for table in tables:
        columns = [r["name"] for r in db.rows(conn, "select name from pragma_table_info(?)", (table,))
                   if r["name"] != "id" and (table, r["name"]) not in RUN_TIME_COLUMNS]
        if not columns:
            continue
        sql = "select %s from %s" % (", ".join('"%s"' % c for c in columns), table)
        out[table] = sorted((tuple(row) for row in conn.execute(sql)), key=repr)
    return out


def drain_cli(home, preexec_fn=None, timeout=120):
    env = dict(os.environ, CCTRACKER_HOME=str(home))
    return subprocess.run([PYTHON, "-m", "collector.cli", "drain", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, preexec_fn=preexec_fn, timeout=timeout)


def test_collector_down_for_a_day_nothing_lost(home):
    sent = spool_sessions(home, 48)
    assert sent == 48 * len(STREAM)
    conn = db.connect(str(home / "cctracker.db"))
    stats = drain_once(conn, config_mod.load(str(home)))
    assert stats["events"] == sent and stats["bad_lines"] == 0
    assert db.scalar(conn, "select count(*) from raw_events") == sent
    assert db.scalar(conn, "select count(*) from sessions") == 48
    assert db.scalar(conn, "select count(*) from turns") == 96
    assert db.scalar(conn, "select min(received_at) from raw_events") == "2026-03-02T00:00:00.412000Z"
    assert db.scalar(conn, "select max(received_at) from raw_events") == "2026-03-02T23:16:40.215000Z"
    assert spool_read.backlog(str(home)) == (0, 0)


def spool_many_sessions(home, sessions, day="2026-03-02"):
    """Like :func:`spool_sessions`, written a session at a time (one locked append each): fast
    enough for a spool of ~100,000 events. Returns the number of events."""
    lines = []
    for n in range(sessions):
        hour = n * 24 // sessions
        uuid = "%08x-0000-4000-8000-%012x" % (n, n)
        batch = []
        for number, payload in enumerate(STREAM):
            payload = dict(payload)
            at = payload.pop("_at")
            payload["session_id"] = uuid
            batch.append(spool.make_line(json.dumps(payload).encode(), received="%sT%02d%s" % (day, hour, at[13:]),
                                         event_id="k%06d-%02d" % (n, number)))
        assert spool.append(b"".join(batch), base=str(home))
        lines += batch
    return len(lines)


def _raw_events(path):
    """Events the drain has committed so far (0 before its database exists)."""
    if not path.exists():
        return 0
    conn = db.connect(str(path), readonly=True)
    try:
        return db.scalar(conn, "select count(*) from raw_events") or 0
    except apsw.SQLError:  # its schema is not there yet
        return 0
    finally:
        conn.close()


@pytest.mark.slow
def test_kill_9_twenty_times_mid_drain_then_equal_to_clean_run(home, tmp_path):
    """Each of 20 drains is killed while it writes: after it committed a batch of this run and
    before it finished (asserted), at a random point of its next batch. Then a drain finishes
    and the database equals one clean drain of the same spool, row for row."""
    sent = spool_many_sessions(home, 2400)
    # 91,200 events. A kill lands within 0.1 s of a commit: at most the next batch (2,000 events,
    # ~0.12 s at the drain's best speed) is committed too, so 20 runs store at most 80,000.
    assert sent == 2400 * len(STREAM)
    clean = tmp_path / "clean-home"
    shutil.copytree(home / "spool", clean / "spool")
    rng = random.Random(8)
    env = dict(os.environ, CCTRACKER_HOME=str(home))
    path = home / "cctracker.db"
    stored = []
    for _ in range(20):
        before = _raw_events(path)
        proc = subprocess.Popen([PYTHON, "-m", "collector.cli", "drain"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until this drain has committed something, then kill it a random moment later.
        while proc.poll() is None and _raw_events(path) == before:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.1))
        assert proc.poll() is None, "the drain finished before its kill: feed it more"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = _raw_events(path)
        assert before < after < sent  # it was writing: some of this run stored, work left
        stored.append(after)
    assert drain_cli(home).returncode == 0
    assert drain_cli(clean).returncode == 0
    crashed = db.connect(str(path))
    reference = db.connect(str(clean / "cctracker.db"))
    assert db.scalar(crashed, "pragma integrity_check") == "ok"
    assert db.scalar(crashed, "select count(*) from raw_events") == sent
    assert content(crashed) == content(reference)
    print("20 kills mid-drain; events stored after each: %s" % stored)


WRITER = """
import sys
sys.path.insert(0, sys.argv[1])
import cctracker_client
for i in range(200):
    assert cctracker_client.record({"hook_event_name": "Notification", "session_id": "w%s" % sys.argv[2],
                                    "message": "event %d" % i, "cwd": "/tmp/w"}, base=sys.argv[3])
"""


def test_16_concurrent_writers_while_draining(home):
    # The database is created first: its migrations must not eat the writers' head start.
    conn = db.connect(str(home / "cctracker.db"))
    config = config_mod.load(str(home))
    writers = [subprocess.Popen([PYTHON, "-I", "-S", "-c", WRITER, str(ROOT), str(w), str(home)])
               for w in range(16)]
    drains = 0
    while any(w.poll() is None for w in writers):
        drain_once(conn, config)
        drains += 1
    assert [w.wait() for w in writers] == [0] * 16
    drain_once(conn, config)
    assert db.scalar(conn, "select count(*) from raw_events") == 3200
    assert db.scalar(conn, "select count(distinct event_uid) from raw_events") == 3200
    assert db.scalar(conn, "select count(*) from raw_events where hook_event_name = 'Notification'") == 3200
    assert spool_read.backlog(str(home)) == (0, 0)
    assert drains >= 1


def test_torn_last_spool_line_kept_aside_and_next_event_stored(home):
    for payload in STREAM[:10]:
        payload = dict(payload)
        assert cctracker_client.record(payload, received=payload.pop("_at"), base=str(home))
    with open(home / "spool" / spool.ACTIVE_NAME, "ab") as f:
        f.write(b'{"v":1,"id":"deadbeef","t":"2026-03-02T09:03:00.000000Z","p":{"hook_event_na')
    conn = db.connect(str(home / "cctracker.db"))
    stats = drain_once(conn, config_mod.load(str(home)))
    assert (stats["events"], stats["bad_lines"]) == (10, 1)
    kept = os.listdir(home / "errors")
    assert len(kept) == 1
    assert b"torn line" in (home / "errors" / kept[0]).read_bytes()
    # A writer after a torn line starts a fresh line, so its event is whole.
    with open(home / "spool" / spool.ACTIVE_NAME, "ab") as f:
        f.write(b'{"v":1,"id":"deadbeef2","t":"2026-03-02T09:03:00.000000Z","p":{"hook_e')
    payload = dict(STREAM[10])
    assert cctracker_client.record(payload, received=payload.pop("_at"), base=str(home))
    stats = drain_once(conn, config_mod.load(str(home)))
    assert (stats["events"], stats["bad_lines"]) == (1, 1)
    assert db.scalar(conn, "select count(*) from raw_events") == 11


def _limit_file_size(limit):
    def apply():
        # Without this the kernel kills the writer with SIGXFSZ; ignored, the
        # write fails with EFBIG, which SQLite reports as a disk I/O or full error.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_clear_error_no_corruption_then_resumes(home):
    sent = spool_sessions(home, 30)
    conn = db.connect(str(home / "cctracker.db"))  # the schema, before space runs out
    conn.close()
    limit = os.path.getsize(home / "cctracker.db") + 64 * 1024
    full = drain_cli(home, preexec_fn=_limit_file_size(limit))
    assert full.returncode != 0
    message = full.stderr.strip().splitlines()
    assert len(message) == 1 and "cannot drain into" in message[0] and "spool is kept" in message[0], full.stderr
    assert spool_read.pending_files(str(home)), "the spool must be kept"
    conn = db.connect(str(home / "cctracker.db"))
    assert db.scalar(conn, "pragma integrity_check") == "ok"
    conn.close()
    done = drain_cli(home)
    assert done.returncode == 0, done.stderr
    conn = db.connect(str(home / "cctracker.db"))
    assert db.scalar(conn, "select count(*) from raw_events") == sent
    assert db.scalar(conn, "pragma integrity_check") == "ok"


def test_corrupted_database_detected_spool_kept(home):
    sent = spool_sessions(home, 1)
    db.connect(str(home / "cctracker.db")).close()
    path = home / "cctracker.db"
    data = bytearray(path.read_bytes())
    data[:100] = os.urandom(100)  # the header: SQLite no longer knows the file
    path.write_bytes(bytes(data))
    result = drain_cli(home)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot drain into" in lines[0] and "spool is kept" in lines[0], result.stderr
    kept = spool_read.pending_files(str(home)) + [str(home / "spool" / spool.ACTIVE_NAME)]
    assert sum(1 for path in kept if os.path.exists(path) for _ in open(path, "rb")) == sent
