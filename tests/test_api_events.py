"""``POST /api/events``, ``GET /api/sessions``, ``/api/sessions/{id}`` and ``/api/health``."""

import json

import orjson
import pytest

from cctracker_client import spool, spool_read
from collector.api.events import MAX_BATCH_EVENTS
from collector.ingest.drain import drain_once
from conftest import HOOK_FIXTURES
from test_api_spec import UUID1, build


def stream_lines():
    """The fixture session as spool lines, fired at their recorded times."""
    lines = []
    for i, text in enumerate((HOOK_FIXTURES / "session_stream.jsonl").read_text().splitlines()):
        payload = json.loads(text)
        at = payload.pop("_at")
        compact = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        lines.append(spool.make_line(compact, received=spool.parse_time(at),
                                     event_id="%032x" % (i + 1)))
    return lines


def spooled(home):
    return sorted(p for p in (home / "spool").iterdir() if p.suffix == ".jsonl")


def test_events_json_batch_twice_is_drained_once(api_server, home):
    lines = stream_lines()
    body = {"events": [orjson.loads(line) for line in lines]}
    for _ in range(2):
        r = api_server.post("/api/events", json=body)
        assert r.status_code == 202
        assert r.json() == {"accepted": len(lines), "ids": ["%032x" % (i + 1) for i in range(len(lines))]}
    assert api_server.get("/api/health").json()["spool_backlog"]["files"] == 1
    conn = api_server.db()
    drain_once(conn, api_server.config)
    assert conn.execute("select count(*), count(distinct event_uid) from raw_events").fetchone() == (
        len(lines), len(lines))
    assert conn.execute("select count(*) from sessions").fetchone() == (1,)


def test_events_ndjson_compact_lines_are_spooled_byte_for_byte(api_server, home):
    lines = stream_lines()[:3]
    r = api_server.post("/api/events", data=b"".join(lines),
                        headers={"Content-Type": "application/x-ndjson"})
    assert r.status_code == 202 and r.json()["accepted"] == 3
    assert b"".join(p.read_bytes() for p in spooled(home)) == b"".join(lines)


def test_events_bare_hook_payload_gets_an_id_and_the_server_time(api_server, home):
    payload = json.loads((HOOK_FIXTURES / "stop.json").read_text())
    r = api_server.post("/api/events", json={"events": [payload]})
    assert r.status_code == 202
    (event_id,) = r.json()["ids"]
    (line,) = spooled(home)[0].read_bytes().splitlines()
    parsed = spool_read.parse_line(line)
    assert (parsed.id, parsed.payload) == (event_id, payload)


@pytest.mark.parametrize("item, field", [
    ({"v": 2, "id": "a", "t": "2026-03-02T09:00:00Z", "p": {}}, "events[1]"),
    ({"v": 1, "id": 'a"b', "t": "2026-03-02T09:00:00Z", "p": {}}, "events[1].id"),
    ({"v": 1, "id": "a", "t": "soon", "p": {}}, "events[1].t"),
    ({"v": 1, "id": "a", "t": "2026-03-02T09:00:00Z", "p": {}, "cut": {"fields": -1}}, "events[1].cut"),
    ({"session_id": "s"}, "events[1].hook_event_name"),
    ({"hook_event_name": "Stop", "session_id": 5}, "events[1].session_id"),
    ("Stop", "events[1]"),
], ids=["version", "id-quote", "time", "cut", "no-event-name", "session-id-type", "not-object"])
def test_events_bad_item_rejects_the_whole_batch(api_server, home, item, field):
    good = {"hook_event_name": "Stop", "session_id": "s"}
    r = api_server.post("/api/events", json={"events": [good, item]})
    assert r.status_code == 400
    assert r.json()["field"] == field
    assert spooled(home) == [] if (home / "spool").exists() else True


def test_events_batch_limit(api_server):
    r = api_server.post("/api/events", json={"events": [{"hook_event_name": "Stop"}] * (MAX_BATCH_EVENTS + 1)})
    assert r.status_code == 400 and r.json()["field"] == "events"


def test_sessions_list_filters_and_pages(api_server):
    build(api_server)
    ids = lambda q: [s["session_id"] for s in api_server.get("/api/sessions" + q).json()]  # noqa: E731
    assert ids("") == [2, 1, 3]                       # newest first
    assert ids("?project_id=1") == [2, 1]
    assert ids("?status=active") == [3]
    assert ids("?since=2026-03-02&until=2026-03-03") == [1]
    assert ids("?since=2026-03-02T09:00:00Z") == [2, 1]
    assert ids("?limit=1&offset=1") == [1]
    first = api_server.get("/api/sessions?project_id=1&limit=1").json()[0]
    assert {k: first[k] for k in ("session_uuid", "status", "end_reason", "wall_seconds", "tool_calls",
                                  "files_modified", "lines_added", "lines_removed", "source")} == {
        "session_uuid": first["session_uuid"], "status": "ended", "end_reason": "interrupted",
        "wall_seconds": 1830.0, "tool_calls": 1, "files_modified": 1, "lines_added": 5,
        "lines_removed": 5, "source": "resume"}


def test_session_detail_by_id_and_by_claudes_uuid(api_server):
    build(api_server)
    by_id = api_server.get("/api/sessions/1").json()
    assert api_server.get("/api/sessions/" + UUID1).json() == by_id
    assert (by_id["id"], by_id["session_uuid"], by_id["project_name"], by_id["status"]) == (
        1, UUID1, "acme-billing", "ended")
    assert [(t["seq"], t["end_kind"], t["working_seconds"]) for t in by_id["turns"]] == [
        (1, "stop", 100.0), (2, "interrupted", 15.0)]  # see test_api_spec: the session model's rules
    assert [(c["tool_name"], c["status"]) for c in by_id["tool_calls"]] == [
        ("Grep", "ok"), ("Edit", "ok"), ("Bash", "error"), ("Write", "ok"), ("Read", "ok")]
    assert [(w["kind"], w["duration_seconds"], w["thinking_seconds"], w["away_seconds"])
            for w in by_id["waits"]] == [("user", 41.0, 41.0, 0.0), ("user", 706.0, 300.0, 406.0),
                                         ("user", 40.0, 40.0, 0.0)]
    assert [(g["operation"], g["commit_sha"]) for g in by_id["git_operations"]] == [("commit", "4e1b9d2")]
    assert [(c["sha"], c["lines_added"], c["lines_removed"]) for c in by_id["commits"]] == [("4e1b9d2", 23, 1)]
    assert {k: by_id["messages"][k] for k in ("total", "prompts", "replies", "thinking")} == {
        "total": 3, "prompts": 2, "replies": 1, "thinking": 0}
    s = by_id["summary"]
    assert (s["wall_seconds"], s["turns"], s["tool_calls"], s["tool_failures"], s["files_modified"],
            s["lines_added"], s["lines_removed"], s["commits"]) == (902.0, 2, 5, 1, 2, 23, 1, 1)


def test_health_reports_database_schema_and_backlog(api_server, home):
    r = api_server.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    conn = api_server.db()
    assert body["status"] == "ok"
    assert body["db_path"] == str(home / "cctracker.db")
    assert body["schema_version"] == conn.execute("pragma user_version").fetchone()[0] > 0
    assert body["spool_backlog"] == {"files": 0, "bytes": 0}
    line = stream_lines()[0]
    api_server.post("/api/events", data=line, headers={"Content-Type": "application/x-ndjson"})
    assert api_server.get("/api/health").json()["spool_backlog"] == {"files": 1, "bytes": len(line)}
