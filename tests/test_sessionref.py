"""One session reference everywhere (collector.sessions.ref): the UUID, any unique prefix of
it, or #id; the same in the CLI, the API and the pages. Digits alone are a UUID prefix."""

import pytest

from collector.errors import InvalidInput, NotFound
from collector.sessions import ref as sessionref, store
from collector.storage import db

UUIDS = ["1234abcd-0000-4000-8000-000000000001", "1234abce-0000-4000-8000-000000000002",
         "98765432-0000-4000-8000-000000000003"]


@pytest.fixture
def conn(tmp_path):
    connection = db.connect(str(tmp_path / "ref.db"))
    with connection:
        for i, uuid in enumerate(UUIDS):
            store.ensure_session(connection, uuid, cwd="/tmp/ref", at="2026-03-0%dT09:00:00.000000Z" % (i + 1))
    return connection


def ids(conn):
    return {u: conn.execute("select id from sessions where session_uuid = ?", (u,)).fetchone()[0] for u in UUIDS}


def test_full_uuid_prefix_and_hash_id_name_the_same_session(conn):
    sid = ids(conn)[UUIDS[2]]
    for ref in (UUIDS[2], "98765432", "9876", "#%d" % sid, " #%d " % sid):
        assert sessionref.lookup(conn, ref) == (sid, UUIDS[2])


def test_digits_are_a_prefix_never_an_id(conn):
    # "1" could be id 1; it is the prefix of two UUIDs instead, so it is ambiguous.
    with pytest.raises(InvalidInput, match="several sessions"):
        sessionref.lookup(conn, "1")
    with pytest.raises(NotFound):
        sessionref.lookup(conn, "3")


def test_ambiguous_unknown_and_malformed(conn):
    with pytest.raises(InvalidInput, match="1234abcd.*1234abce"):
        sessionref.lookup(conn, "1234abc")
    with pytest.raises(NotFound):
        sessionref.lookup(conn, "#999")
    for bad in ("#x", "", "a b", "%", "_"):
        with pytest.raises((InvalidInput, NotFound)):
            sessionref.lookup(conn, bad)


def test_printed_prefixes_are_unique_and_at_least_eight(conn):
    shorts = sessionref.shorts(UUIDS)
    assert shorts == {UUIDS[0]: "1234abcd", UUIDS[1]: "1234abce", UUIDS[2]: "98765432"}
    for uuid, prefix in shorts.items():
        assert sessionref.lookup(conn, prefix)[1] == uuid
        assert sessionref.short(conn, uuid) == prefix


def test_api_session_takes_the_same_references(api_server):
    with api_server.db() as conn:
        store.ensure_session(conn, UUIDS[2], cwd="/tmp/ref", at="2026-03-01T09:00:00.000000Z")
        sid = conn.execute("select id from sessions where session_uuid = ?", (UUIDS[2],)).fetchone()[0]
    for ref in (UUIDS[2], "98765432", "%23" + str(sid), str(sid)):
        response = api_server.get("/api/sessions/" + ref)
        assert response.status_code == 200, ref
        assert response.json()["session_uuid"] == UUIDS[2]
    assert api_server.get("/api/sessions/zzzz").status_code == 404
