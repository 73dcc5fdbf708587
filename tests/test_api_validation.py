"""Bad client input: a JSON error naming the field, never a 500; unknown ids are 404."""

import pytest

from collector.api.validate import MAX_BODY_BYTES

GOOD_ACTIVITY = {"session_id": 1, "tool_name": "Edit", "timestamp": "2026-03-02T09:00:00Z"}


@pytest.fixture
def api(api_server):
    r = api_server.post("/api/session/start", json={"session_type": "startup",
                                                   "working_directory": "/srv/app"})
    assert r.status_code == 201
    return api_server


def without(body, key):
    return {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize("path, body, field", [
    ("/api/activity", without(GOOD_ACTIVITY, "tool_name"), "tool_name"),
    ("/api/activity", {**GOOD_ACTIVITY, "session_id": "one"}, "session_id"),
    ("/api/activity", {**GOOD_ACTIVITY, "session_id": 0}, "session_id"),
    ("/api/activity", {**GOOD_ACTIVITY, "session_id": 2 ** 64}, "session_id"),
    ("/api/activity", {**GOOD_ACTIVITY, "timestamp": "yesterday"}, "timestamp"),
    ("/api/activity", {**GOOD_ACTIVITY, "tool_name": ""}, "tool_name"),
    ("/api/activity", {**GOOD_ACTIVITY, "success": "yes"}, "success"),
    ("/api/session/start", {"session_type": "boot", "working_directory": "/srv/app"}, "session_type"),
    ("/api/session/start", {"session_type": "startup", "working_directory": "relative/dir"},
     "working_directory"),
    ("/api/session/start", {"session_type": "startup"}, "working_directory"),
    ("/api/session/end", {"session_id": 1, "end_reason": "crashed"}, "end_reason"),
    ("/api/git", {"session_id": 1, "operation": "commit", "timestamp": "2026-03-02T09:00:00Z",
                  "files_changed": ["a.py", 7]}, "files_changed[1]"),
    ("/api/git", {"session_id": 1, "operation": "commit", "timestamp": "2026-03-02T09:00:00Z",
                  "lines_added": -1}, "lines_added"),
    ("/api/waiting/end", {"session_id": 1, "timestamp": "2026-03-02T09:00:00Z",
                          "duration_seconds": -5}, "duration_seconds"),
    ("/api/conversation", {"session_id": 1, "timestamp": "2026-03-02T09:00:00Z",
                           "user_prompt": 42}, "user_prompt"),
    ("/api/conversation", [1, 2], "body"),
], ids=["missing", "wrong-type", "zero-id", "huge-id", "bad-date", "empty-tool", "not-bool",
        "bad-enum", "relative-dir", "missing-dir", "bad-reason", "nested-item", "negative-count",
        "negative-duration", "prompt-number", "array-body"])
def test_bad_body_gives_400_naming_the_field(api, path, body, field):
    r = api.post(path, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_input"
    assert r.json()["field"] == field
    assert r.json()["message"]


# A lone surrogate is not here: it becomes U+FFFD (tests/test_hostile_input.py).
@pytest.mark.parametrize("data", [b"{", b"", b"\xff\xfe"], ids=["truncated", "empty", "not-utf8"])
def test_bad_json_gives_400_on_body(api, data):
    r = api.post("/api/activity", data=data, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["field"] == "body"


def test_wrong_content_type_gives_415_naming_the_header(api):
    r = api.post("/api/activity", data="session_id=1", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert r.json() == {"error": "unsupported_media_type", "field": "Content-Type",
                        "message": "send the body as application/json (got text/plain)"}


def test_oversized_body_gives_413(api):
    body = b'{"session_id": 1, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    r = api.post("/api/activity", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["field"] == "body"


@pytest.mark.parametrize("query, field", [
    ("/api/projects?limit=abc", "limit"),
    ("/api/projects?limit=-1", "limit"),
    ("/api/projects?limit=1001", "limit"),
    ("/api/projects?offset=", "offset"),
    ("/api/projects/1/timeline?start_date=2026-13-01", "start_date"),
    ("/api/projects/1/timeline?end_date=March", "end_date"),
    ("/api/projects/abc/timeline", "project_id"),
    ("/api/sessions?since=garbage", "since"),
    ("/api/sessions?status=sleeping", "status"),
    ("/api/sessions?project_id=0", "project_id"),
], ids=lambda v: v if not v.startswith("/") else None)
def test_bad_query_gives_400_naming_the_parameter(api, query, field):
    r = api.get(query)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/session/end", {"session_id": 999}),
    ("POST", "/api/activity", {**GOOD_ACTIVITY, "session_id": 999}),
    ("GET", "/api/projects/999/timeline", None),
    ("GET", "/api/sessions/999", None),
    ("GET", "/api/sessions/no-such-uuid", None),
    ("GET", "/api/nothing-here", None),
], ids=["end-unknown", "activity-unknown", "timeline-unknown", "session-unknown",
        "uuid-unknown", "no-route"])
def test_unknown_ids_give_404_json(api, method, path, body):
    r = api.request(method, path, json=body)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    assert r.headers["Content-Type"].startswith("application/json")


def test_ending_a_wait_when_none_is_open_gives_404(api):
    # The session's start opened a user wait; the prompt ended it.
    r = api.post("/api/conversation", json={"session_id": 1, "timestamp": "2026-03-02T09:00:00Z",
                                             "user_prompt": "go"})
    assert r.status_code == 201
    r = api.post("/api/waiting/end", json={"session_id": 1, "timestamp": "2026-03-02T09:00:05Z"})
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_wrong_method_gives_405_json(api):
    r = api.request("DELETE", "/api/projects")
    assert r.status_code == 405
    assert r.json()["error"] == "method_not_allowed"
    assert "GET" in r.headers["Allow"]
