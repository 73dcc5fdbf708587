"""The founding spec's endpoints on a real waitress server, with values computed by hand.

One project (acme-billing) with two sessions, built only through the API. Every POST is
applied as events by the session model, so the rules are the hooks' (collector/sessions/model.py):

session 1, 2026-03-02 (Claude's UUID 3f6c…):
  09:00:00 start (a user wait opens)    09:00:41 prompt "Fix the rounding…" (turn 1; wait: 41 s)
  09:00:45 Grep billing/  09:00:57 Edit invoice.py (+3 -1)   09:01:26 Bash fails
  09:02:10 Write tests/test_rounding.py (+20)   09:02:12 Read README.md
  09:02:21 reply (turn 1 ends: 100 s; a user wait opens, which waiting/start finds)
  09:02:21-09:14:07 wait (706 s: 300 thinking, 406 away)
  09:14:07 prompt "Commit it" (turn 2)  09:14:22 git commit 4e1b9d2
  09:15:02 end (902 s): turn 2 had no reply, so it was interrupted at its last event (the
           commit) and the user waited from there to the end (40 s)
session 2, 2026-03-03: 10:00:00 start, 10:05:00 Edit web/app.ts (+5 -5), 10:30:30 end (1830 s,
  all of it a user wait: no prompt)
and a second project (/srv/other) with one open session started 2026-03-01.
"""

import uuid

import pytest


ACME = "/home/dana/src/acme-billing"
UUID1 = "3f6c2a1e-8b7d-4e2f-9a0c-5d1e7b3c9f20"


def post(api, path, body, status):
    r = api.post(path, json=body)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def build(api):
    s1 = post(api, "/api/session/start", {
        "session_type": "startup", "working_directory": ACME, "git_branch": "fix/invoice-rounding",
        "git_repo": "git@github.com:dana/acme-billing.git", "session_uuid": UUID1,
        "timestamp": "2026-03-02T09:00:00Z", "environment": {"model": "claude-opus-4-6"}}, 201)
    sid = s1["session_id"]
    post(api, "/api/conversation", {"session_id": sid, "timestamp": "2026-03-02T09:00:41Z",
                                    "user_prompt": "Fix the rounding in invoice totals"}, 201)
    for at, body in [
        ("09:00:45", {"tool_name": "Grep", "file_path": ACME + "/billing", "action": "round( in billing"}),
        ("09:00:57", {"tool_name": "Edit", "file_path": ACME + "/billing/invoice.py",
                      "metadata": {"lines_added": 3, "lines_removed": 1, "duration_ms": 31}}),
        ("09:01:26", {"tool_name": "Bash", "action": "pytest -q", "success": False,
                      "error_message": "Exit code 1"}),
        ("09:02:10", {"tool_name": "Write", "file_path": ACME + "/tests/test_rounding.py",
                      "metadata": {"lines_added": 20}}),
        ("09:02:12", {"tool_name": "Read", "file_path": ACME + "/README.md"}),
    ]:
        post(api, "/api/activity", {"session_id": sid, "timestamp": "2026-03-02T%sZ" % at, **body}, 201)
    post(api, "/api/conversation", {"session_id": sid, "timestamp": "2026-03-02T09:02:21Z",
                                    "claude_response": "Fixed: totals now round half-even."}, 201)
    post(api, "/api/waiting/start", {"session_id": sid, "timestamp": "2026-03-02T09:02:21Z",
                                     "context_before": "Fixed"}, 201)
    post(api, "/api/waiting/end", {"session_id": sid, "timestamp": "2026-03-02T09:14:07Z"}, 200)
    post(api, "/api/conversation", {"session_id": sid, "timestamp": "2026-03-02T09:14:07Z",
                                    "user_prompt": "Commit it"}, 201)
    post(api, "/api/git", {
        "session_id": sid, "timestamp": "2026-03-02T09:14:22Z", "operation": "commit",
        "command": "git commit -m 'Fix invoice rounding'",
        "result": "[fix/invoice-rounding 4e1b9d2] Fix invoice rounding\n 2 files changed",
        "files_changed": ["billing/invoice.py", "tests/test_rounding.py"],
        "lines_added": 23, "lines_removed": 1}, 201)
    post(api, "/api/session/end", {"session_id": sid, "timestamp": "2026-03-02T09:15:02Z"}, 200)

    s2 = post(api, "/api/session/start", {"session_type": "resume", "working_directory": ACME,
                                          "timestamp": "2026-03-03T10:00:00Z"}, 201)
    post(api, "/api/activity", {"session_id": s2["session_id"], "timestamp": "2026-03-03T10:05:00Z",
                                "tool_name": "Edit", "file_path": ACME + "/web/app.ts",
                                "metadata": {"lines_added": 5, "lines_removed": 5}}, 201)
    post(api, "/api/session/end", {"session_id": s2["session_id"], "end_reason": "interrupted",
                                   "timestamp": "2026-03-03T10:30:30Z"}, 200)
    s3 = post(api, "/api/session/start", {"session_type": "startup", "working_directory": "/srv/other",
                                          "timestamp": "2026-03-01T08:00:00Z"}, 201)
    return s1, s2, s3


@pytest.fixture
def built(api_server):
    return api_server, build(api_server)


def test_session_start_returns_our_ids_and_keeps_claudes_uuid(built):
    api, (s1, s2, s3) = built
    assert s1 == {"session_id": 1, "project_id": 1, "status": "active", "session_uuid": UUID1}
    assert (s2["session_id"], s2["project_id"]) == (2, 1)
    assert (s3["session_id"], s3["project_id"]) == (3, 2)
    assert uuid.UUID(s2["session_uuid"]).version == 4  # generated when not sent
    conn = api.db()
    assert conn.execute(
        "select source, started_at, git_branch, model from sessions where id = 1").fetchone() == (
        "startup", "2026-03-02T09:00:00.000000Z", "fix/invoice-rounding", "claude-opus-4-6")
    assert conn.execute("select name, path, git_remote from projects where id = 1").fetchone() == (
        "acme-billing", ACME, "git@github.com:dana/acme-billing.git")


def test_session_start_with_known_uuid_reopens_that_session(built):
    api, _ = built
    again = post(api, "/api/session/start", {"session_type": "resume", "working_directory": ACME,
                                             "session_uuid": UUID1}, 201)
    assert again == {"session_id": 1, "project_id": 1, "status": "active", "session_uuid": UUID1}


def test_session_end_records_reason_and_is_idempotent(built):
    api, _ = built
    conn = api.db()
    assert conn.execute("select status, ended_at, end_reason from sessions where id = 2").fetchone() == (
        "ended", "2026-03-03T10:30:30.000000Z", "interrupted")
    again = post(api, "/api/session/end", {"session_id": 2, "end_reason": "timeout"}, 200)
    assert again["status"] == "ended"
    assert conn.execute("select end_reason from sessions where id = 2").fetchone() == ("interrupted",)


def test_conversation_makes_turns_and_messages(built):
    api, _ = built
    conn = api.db()
    assert conn.execute(
        "select seq, started_at, ended_at, end_kind, working_seconds from turns where session_id = 1"
        " order by seq").fetchall() == [
        (1, "2026-03-02T09:00:41.000000Z", "2026-03-02T09:02:21.000000Z", "stop", 100.0),
        # No reply before the end: interrupted, at its last event (the commit), as with hooks.
        (2, "2026-03-02T09:14:07.000000Z", "2026-03-02T09:14:22.000000Z", "interrupted", 15.0),
    ]
    assert conn.execute(
        "select turn_id, role, kind, content, source from messages order by id").fetchall() == [
        (1, "user", "prompt", "Fix the rounding in invoice totals", "api"),
        (1, "assistant", "reply", "Fixed: totals now round half-even.", "api"),
        (2, "user", "prompt", "Commit it", "api"),
    ]


def test_conversation_posted_twice_adds_nothing(built):
    api, _ = built
    body = {"session_id": 1, "timestamp": "2026-03-02T09:14:07Z", "user_prompt": "Commit it"}
    assert post(api, "/api/conversation", body, 201) == {"session_id": 1, "turn_id": 2, "message_ids": [3]}
    assert api.db().execute("select count(*) from turns").fetchone() == (2,)


def test_activity_records_any_tool_and_its_file(built):
    api, _ = built
    r = post(api, "/api/activity", {"session_id": 1, "timestamp": "2026-03-02T09:14:30Z",
                                    "tool_name": "mcp__github__create_pull_request",
                                    "action": "open PR"}, 201)
    # Reported after session 1 ended: no turn is open (the call reopens the session, as a hook would).
    assert r == {"id": 7, "session_id": 1, "turn_id": None, "file_operation_id": None}
    conn = api.db()
    assert conn.execute(
        "select tool_name, mcp_server, mcp_tool, status, summary from tool_calls where id = 7").fetchone() == (
        "mcp__github__create_pull_request", "github", "create_pull_request", "ok", "open PR")
    assert conn.execute("select status, error from tool_calls where tool_name = 'Bash'").fetchone() == (
        "error", "Exit code 1")
    assert conn.execute(
        "select path, operation, lines_added, lines_removed from file_operations order by id").fetchall() == [
        (ACME + "/billing", "grep", 0, 0),
        (ACME + "/billing/invoice.py", "edit", 3, 1),
        (ACME + "/tests/test_rounding.py", "write", 20, 0),
        (ACME + "/README.md", "read", 0, 0),
        (ACME + "/web/app.ts", "edit", 5, 5),
    ]
    assert conn.execute("select duration_ms from tool_calls where tool_name = 'Edit' and session_id = 1"
                        ).fetchone() == (31.0,)


def test_waiting_splits_thinking_and_away_at_the_threshold(built):
    api, _ = built
    assert api.db().execute(
        "select kind, started_at, ended_at, duration_seconds, thinking_seconds, away_seconds,"
        " context_before from waits order by id").fetchall() == [
        ("user", "2026-03-02T09:00:00.000000Z", "2026-03-02T09:00:41.000000Z", 41.0, 41.0, 0.0,
         "session start (startup)"),
        ("user", "2026-03-02T09:02:21.000000Z", "2026-03-02T09:14:07.000000Z", 706.0, 300.0, 406.0,
         "Fixed: totals now round half-even."),
        ("user", "2026-03-02T09:14:22.000000Z", "2026-03-02T09:15:02.000000Z", 40.0, 40.0, 0.0, "interrupted"),
        ("user", "2026-03-03T10:00:00.000000Z", "2026-03-03T10:30:30.000000Z", 1830.0, 300.0, 1530.0,
         "session start (resume)"),
        ("user", "2026-03-01T08:00:00.000000Z", None, None, None, None, "session start (startup)")]


def test_waiting_end_with_duration_and_no_open_wait_records_a_closed_one(built):
    api, _ = built
    r = post(api, "/api/waiting/end", {"session_id": 1, "timestamp": "2026-03-02T09:14:20Z",
                                       "duration_seconds": 12.5}, 200)
    assert r == {"id": 6, "session_id": 1, "started_at": "2026-03-02T09:14:07.500000Z",
                 "ended_at": "2026-03-02T09:14:20.000000Z", "duration_seconds": 12.5,
                 "thinking_seconds": 12.5, "away_seconds": 0.0}


def test_git_commit_becomes_a_commit_of_the_project(built):
    api, _ = built
    conn = api.db()
    assert conn.execute("select operation, commit_sha, turn_id from git_operations").fetchall() == [
        ("commit", "4e1b9d2", 2)]
    assert conn.execute(
        "select project_id, session_id, sha, subject, files_changed, lines_added, lines_removed"
        " from commits").fetchall() == [(1, 1, "4e1b9d2", "Fix invoice rounding", 2, 23, 1)]
    assert conn.execute("select path from commit_files order by path").fetchall() == [
        ("billing/invoice.py",), ("tests/test_rounding.py",)]


def test_projects_summarise_sessions_files_and_languages(built):
    api, _ = built
    r = api.get("/api/projects")
    assert r.status_code == 200
    assert r.json() == [
        {"id": 1, "name": "acme-billing", "path": ACME, "git_repo": "git@github.com:dana/acme-billing.git",
         # invoice.py, test_rounding.py (Python: 2 files), README.md, app.ts (1 each)
         "languages": ["Python", "Markdown", "TypeScript"],
         "total_sessions": 2,
         # Active time: Claude working (100 + 15 s) + thinking (41 + 300 + 40 s in session 1, 300 of
         # session 2's 1830 s wait) = 796 s = 13.3 min, rounded.
         "total_time_minutes": 13,
         "last_activity": "2026-03-03T10:30:30.000000Z",
         "files_modified": 3,       # invoice.py, test_rounding.py, app.ts
         "lines_changed": 34},      # (3 + 1) + 20 + (5 + 5)
        {"id": 2, "name": "other", "path": "/srv/other", "git_repo": None, "languages": [],
         "total_sessions": 1, "total_time_minutes": 0, "last_activity": "2026-03-01T08:00:00.000000Z",
         "files_modified": 0, "lines_changed": 0},
    ]
    assert [p["id"] for p in api.get("/api/projects?limit=1&offset=1").json()] == [2]


def test_timeline_lists_a_day_in_order(built):
    api, _ = built
    r = api.get("/api/projects/1/timeline?start_date=2026-03-02&end_date=2026-03-02")
    assert r.status_code == 200
    body = r.json()
    assert body["project"]["id"] == 1
    assert [(i["timestamp"][11:19], i["type"]) for i in body["timeline"]] == [
        ("09:00:00", "session_start"), ("09:00:41", "conversation"), ("09:00:45", "activity"),
        ("09:00:57", "activity"), ("09:01:26", "activity"), ("09:02:10", "activity"),
        ("09:02:12", "activity"), ("09:02:21", "conversation"), ("09:14:07", "conversation"),
        ("09:14:22", "git_operation"), ("09:15:02", "session_end"),
    ]
    assert body["timeline"][1]["data"] == {
        "message_id": 1, "session_id": 1, "turn_id": 1, "role": "user", "kind": "prompt", "agent_id": None,
        "content": "Fix the rounding in invoice totals", "truncated": False}
    assert body["timeline"][9]["data"] == {
        "git_operation_id": 1, "session_id": 1, "operation": "commit",
        "command": "git commit -m 'Fix invoice rounding'", "commit_sha": "4e1b9d2"}
    assert body["timeline"][-1]["data"] == {"session_id": 1, "end_reason": "normal"}


def test_timeline_date_filters_and_limit(built):
    api, _ = built
    assert len(api.get("/api/projects/1/timeline").json()["timeline"]) == 14
    later = api.get("/api/projects/1/timeline?start_date=2026-03-03").json()["timeline"]
    assert [i["type"] for i in later] == ["session_start", "activity", "session_end"]
    assert len(api.get("/api/projects/1/timeline?limit=2").json()["timeline"]) == 2
    # An empty range is an empty timeline, not an error.
    assert api.get("/api/projects/1/timeline?start_date=2026-03-04&end_date=2026-03-01"
                   ).json()["timeline"] == []
