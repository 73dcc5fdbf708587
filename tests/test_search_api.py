"""GET /api/conversations/search on a real waitress server."""

import pytest

from collector import search

from test_search import ALPHA_UUID, TEXTS, build

URL = "/api/conversations/search"


@pytest.fixture
def served(api_server):  # noqa: F811
    conn = api_server.db()
    ids = build(conn)
    while search.index_pending(conn):
        pass
    conn.close()
    return api_server, ids


def test_search_answers_the_spec_shape_extended(served):
    api, ids = served
    r = api.get(URL, params={"query": "exponential backoff", "limit": 3})
    assert r.status_code == 200
    (item,) = [i for i in r.json() if i["ref_table"] == "messages" and i["ref_id"] == ids["a2_reply"]]
    assert item["project_name"] == "alpha"
    assert item["timestamp"] == "2026-03-01T09:10:02.000000Z"
    assert item["user_prompt"] == TEXTS["a2_prompt"]
    assert item["claude_response"] == TEXTS["a2_reply"]
    assert item["session_uuid"] == ALPHA_UUID
    assert item["snippet"] == "Added write_spool_line retries with <mark>exponential</mark> <mark>backoff</mark>."
    assert item["context"][0] == "user: " + TEXTS["a1_prompt"]
    assert isinstance(item["relevance_score"], float)


def test_search_filters_by_project_kind_and_dates(served):
    api, ids = served
    r = api.get(URL, params={"query": "the", "project_id": ids["beta"], "limit": 100})
    assert {i["project_id"] for i in r.json()} == {ids["beta"]}
    r = api.get(URL, params={"query": "spool", "kind": "tool"})
    assert [(i["ref_table"], i["ref_id"]) for i in r.json()] == [("tool_calls", ids["tool"])]
    r = api.get(URL, params={"query": "the", "since": "2026-03-02T00:00:00Z", "until": "2026-03-09"})
    assert r.json() == []


def test_unknown_project_name_is_an_empty_list(served):
    api, _ = served
    r = api.get(URL, params={"query": "lock", "project": "no-such-project"})
    assert (r.status_code, r.json()) == (200, [])


@pytest.mark.parametrize("params,field", [
    ({}, "query"), ({"query": ""}, "query"), ({"query": "   "}, "query"),
    ({"query": "lock", "limit": "0"}, "limit"), ({"query": "lock", "limit": "abc"}, "limit"),
    ({"query": "lock", "kind": "replies"}, "kind"), ({"query": "lock", "since": "someday"}, "since"),
    ({"query": "lock", "project_id": "-1"}, "project_id"),
], ids=["missing", "empty", "blank", "limit-0", "limit-text", "kind", "since", "project-negative"])
def test_bad_input_is_400_naming_the_field(served, params, field):
    api, _ = served
    r = api.get(URL, params=params)
    assert r.status_code == 400
    body = r.json()
    assert body["field"] == field
    assert body["error"] == "invalid_input"


@pytest.mark.parametrize("text", ['NEAR(lock "', "AND OR (", "x" * 3000, "データベース", "*:^-"])
def test_any_query_text_is_200(served, text):
    api, _ = served
    r = api.get(URL, params={"query": text})
    assert r.status_code == 200
    assert isinstance(r.json(), list)


def test_openapi_documents_the_search_operation(served):
    api, _ = served
    doc = api.get("/openapi.json").json()
    operation = doc["paths"][URL]["get"]
    assert [p["name"] for p in operation["parameters"]][:3] == ["query", "project_id", "limit"]
    assert "ConversationSearchResult" in doc["components"]["schemas"]


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_or_schema_violation(served, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    api, _ = served
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tests), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("schemathesis")), "run", api.url + "/openapi.json",
         "--checks", "all", "--mode", "all", "--max-examples", "40", "--seed", "20260302",
         "--generation-database", "none", "--no-color", "--request-timeout", "30",
         "--include-path-regex", "^/api/conversations/search$"],
        env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-3000:]
