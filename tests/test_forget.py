"""cctracker forget and retention: rows, search, raw events and spool lines go, bytes included."""

import datetime
import json
import os

import pytest
from click.testing import CliRunner

from collector import config as config_mod
from collector.errors import InvalidInput, NotFound
from collector.ingest import drain
from collector.privacy import forget
from collector.search import indexer
from collector.storage import db
from cctracker_client import spool, spool_read

from test_export import session_events

GONE = "aaaaaaaa-0000-4000-8000-000000000001"
KEPT = "bbbbbbbb-0000-4000-8000-000000000002"
#: Unique words that appear only in one session's prompt, reply and tool output.
MARKER = "zqxforgetmarker7f3a"
OTHER = "zqxkeptmarker91c2"


def spool_session(uuid, cwd, word, day):
    for time_of_day, payload in session_events(uuid, cwd, word, day):
        spool.append(spool.make_line(json.dumps(payload).encode(), received=day + time_of_day + ".000000Z"))


@pytest.fixture
def config():
    return config_mod.load()


@pytest.fixture
def conn(tmp_path, config):
    """Two drained and indexed sessions of one project, on different days."""
    (tmp_path / "proj").mkdir()
    spool_session(GONE, str(tmp_path / "proj"), MARKER, "2026-03-02")
    spool_session(KEPT, str(tmp_path / "proj"), OTHER, "2026-03-09")
    connection = db.connect(config.db_path)
    drain.drain_once(connection, config)
    while indexer.index_pending(connection):
        pass
    yield connection
    connection.close()


def tables_with_sessions(conn):
    return {t: c for t, c in forget._tables(conn).items() if "session_id" in c or "session_uuid" in c}


def rows_of(conn, session_id, uuid):
    counts = {}
    for table, cols in tables_with_sessions(conn).items():
        where = " or ".join(
            (["session_id = %d" % session_id] if "session_id" in cols else [])
            + (["session_uuid = '%s'" % uuid] if "session_uuid" in cols else []))
        n = db.scalar(conn, "select count(*) from %s where %s" % (table, where))
        if n:
            counts[table] = n
    return counts


def file_bytes(config):
    data = b""
    for suffix in ("", "-wal"):
        try:
            with open(config.db_path + suffix, "rb") as f:
                data += f.read()
        except FileNotFoundError:
            pass
    return data


def test_forget_session_removes_every_row_and_every_byte(conn, config):
    before = rows_of(conn, 1, GONE)
    assert before == {"messages": 2, "raw_events": 6, "search_docs": 3, "sessions": 1, "tool_calls": 1,
                      "turns": 1, "waits": 2}
    assert MARKER.encode() in file_bytes(config)
    kept = rows_of(conn, 2, KEPT)

    selection = forget.select(conn, session=GONE)
    assert forget.preview(conn, selection, config.home) == before
    removed = forget.forget(conn, selection, config.home)

    assert {k: v for k, v in removed.items() if k != "rollup_rows_emptied"} == before
    assert rows_of(conn, 1, GONE) == {}
    assert db.scalar(conn, "select count(*) from rollup_daily where day = '2026-03-02'") == 0
    assert db.scalar(conn, "select sessions from rollup_daily where day = '2026-03-09'") == 1
    assert rows_of(conn, 2, KEPT) == kept
    assert MARKER.encode() not in file_bytes(config)
    assert OTHER.encode() in file_bytes(config)
    assert db.scalar(conn, "select count(*) from messages_fts where messages_fts match ?", (MARKER,)) == 0
    assert db.scalar(conn, "select count(*) from search_docs_fts where search_docs_fts match ?", (OTHER,)) == 3
    assert db.scalar(conn, "select count(*) from search_vectors v join search_docs d on d.id = v.doc_id"
                           " where d.session_id = 1") == 0
    assert db.scalar(conn, "pragma foreign_key_check") is None


def test_forget_session_removes_drain_errors_naming_it(conn, config):
    conn.execute("insert into drain_errors (at, reason, line) values ('2026-03-02T09:00:00.000000Z', 'bad',"
                 " ?), ('2026-03-02T09:00:00.000000Z', 'bad', ?), ('2026-03-02T09:00:00.000000Z', 'x', null)",
                 ('{"session_id":"%s","prompt":"%s' % (GONE, MARKER), '{"session_id":"%s"' % KEPT))
    removed = forget.forget(conn, forget.select(conn, session=GONE), config.home)
    assert removed["drain_errors"] == 1
    assert db.scalar(conn, "select count(*) from drain_errors") == 2
    assert MARKER.encode() not in file_bytes(config)


def test_forget_with_a_reader_open_reports_wal_not_truncated(conn, config):
    reader = db.connect(config.db_path)
    reader.execute("begin")
    assert db.scalar(reader, "select count(*) from sessions") == 2
    removed = forget.forget(conn, forget.select(conn, session=GONE), config.home)
    assert removed["wal_not_truncated"] == 1 and removed["sessions"] == 1
    reader.execute("commit")
    reader.close()
    forget.reclaim(conn)
    assert MARKER.encode() not in file_bytes(config)


def test_forget_session_by_hash_id_and_prefix(conn, config):
    selection = forget.select(conn, session="#2")
    assert selection.session_uuids == [KEPT]
    assert forget.select(conn, session=KEPT[:8]).session_uuids == [KEPT]
    with pytest.raises(NotFound):
        forget.select(conn, session="2")   # digits are a UUID prefix, never an id


def test_forget_unknown_session_is_not_found(conn):
    with pytest.raises(NotFound):
        forget.select(conn, session="no-such-session")


def test_forget_needs_exactly_one_choice(conn):
    with pytest.raises(InvalidInput):
        forget.select(conn)
    with pytest.raises(InvalidInput):
        forget.select(conn, session=GONE, before="2026-03-05")


def test_forget_removes_spool_lines_not_yet_drained(conn, config, tmp_path):
    # More events of both sessions arrive after the drain: one closed segment, one active file.
    spool_session(GONE, str(tmp_path / "proj"), MARKER, "2026-03-02")
    spool_read.rotate()
    spool_session(GONE, str(tmp_path / "proj"), MARKER, "2026-03-02")
    spool_session(KEPT, str(tmp_path / "proj"), OTHER, "2026-03-09")
    spool.keep_error(b'{"session_id":"%s","prompt":"x"}' % GONE.encode(), "test")
    selection = forget.select(conn, session=GONE)
    assert forget.preview(conn, selection, config.home)["spool_leftovers"] == 13

    assert forget.forget(conn, selection, config.home)["spool_leftovers"] == 13

    files = spool_read.pending_files() + [os.path.join(spool.spool_dir(), spool.ACTIVE_NAME)]
    remaining = b"".join(open(p, "rb").read() for p in files if os.path.exists(p))
    assert GONE.encode() not in remaining and MARKER.encode() not in remaining
    assert remaining.count(b"\n") == 6  # the kept session's six new lines
    assert os.listdir(spool.errors_dir()) == []
    assert drain.drain_once(conn, config)["events"] == 6
    assert db.scalar(conn, "select count(*) from sessions where session_uuid = ?", (GONE,)) == 0


def test_forget_project_removes_projects_commits_and_rollups(conn, config):
    conn.execute("insert into commits (project_id, session_id, sha, committed_at, subject, lines_added)"
                 " values (1, null, 'abc123', '2026-03-01T10:00:00.000000Z', 'Unlinked', 3)")
    selection = forget.select(conn, project="proj")
    removed = forget.forget(conn, selection, config.home)
    assert removed["sessions"] == 2 and removed["projects"] == 1 and removed["commits"] == 1
    for table, cols in forget._tables(conn).items():
        if table not in ("model_prices", "think_buckets", "search_queue", "search_vector_log", "local_zone",
                         "schema_repeatables"):
            assert db.scalar(conn, "select count(*) from %s" % table) == 0, table


def test_forget_before_date_keeps_newer_sessions(conn, config):
    selection = forget.select(conn, before="2026-03-05")
    assert selection.session_uuids == [GONE]
    forget.forget(conn, selection, config.home)
    assert [r[0] for r in conn.execute("select session_uuid from sessions")] == [KEPT]


def test_apply_retention_forgets_old_sessions(conn, config):
    config.retention_days = 0
    assert forget.apply_retention(conn, config) == {}
    age = (datetime.datetime.now(datetime.timezone.utc).date() - datetime.date(2026, 3, 5)).days
    config.retention_days = age
    removed = forget.apply_retention(conn, config)
    assert removed["sessions"] == 1
    assert [r[0] for r in conn.execute("select session_uuid from sessions")] == [KEPT]
    assert forget.apply_retention(conn, config) == {}


def test_cli_forget_asks_and_keeps_data_on_no(conn):
    result = CliRunner().invoke(cli(), ["forget", "--session", GONE], input="n\n")
    assert result.exit_code == 1
    assert "sessions" in result.stderr and "raw_events" in result.stderr
    assert result.stderr.splitlines()[-1] == "Error: nothing deleted"
    assert db.scalar(conn, "select count(*) from sessions") == 2


def test_cli_forget_yes_json_reports_removed(conn):
    result = CliRunner().invoke(cli(), ["forget", "--before", "2026-03-05", "--yes", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["removed"]["sessions"] == 1
    assert db.scalar(conn, "select count(*) from sessions") == 1


@pytest.mark.parametrize("args, message", [
    (["--before", "03/05/2026"], "Error: before: expected a date as YYYY-MM-DD, got '03/05/2026'"),
    (["--session", "nope"], "Error: session nope not found"),
    (["--project", "nope"], "Error: project: no project named 'nope'"),
    ([], "Error: session: give exactly one of --session, --project or --before"),
], ids=["date", "session", "project", "none"])
def test_cli_forget_bad_input_one_line(conn, args, message):
    result = CliRunner().invoke(cli(), ["forget", *args, "--yes"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message]


def cli():
    from collector.cli import cli as group

    return group


def test_forgotten_session_is_not_imported_again(home, tmp_path):
    """Forget, then import the same transcript: the session stays gone."""
    import shutil

    from collector import config as config_mod
    from collector.storage import db
    from collector.privacy.forget import forget, select
    from collector.transcripts.store import ingest_file

    from conftest import TRANSCRIPTS

    source = tmp_path / "55604662-cf2a-4331-851a-ec234028f8ca.jsonl"
    shutil.copy(TRANSCRIPTS / "spotter" / "short.jsonl", source)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    with conn:
        ingest_file(conn, str(source), config=config)
    assert db.scalar(conn, "select count(*) from sessions") == 1
    forget(conn, select(conn, session="55604662-cf2a-4331-851a-ec234028f8ca"), home=str(home))
    assert db.scalar(conn, "select count(*) from sessions") == 0
    with conn:
        stats = ingest_file(conn, str(source), config=config)
    assert stats["skipped"].get("forgotten_session") == 15
    assert db.scalar(conn, "select count(*) from sessions") == 0
    assert db.scalar(conn, "select count(*) from messages") == 0
    assert db.scalar(conn, "select count(*) from forgotten_sessions") == 1
