"""Schemathesis over the served /openapi.json against a live waitress server.

The schemathesis CLI runs as a real subprocess against the server: positive
and negative examples (``--mode all``) for every operation and every check
it has (no 5xx, documented status codes and content types, responses that
match their schemas, invalid input rejected, valid input accepted, 405 for
undocumented methods). The server holds realistic rows (a project, a session
with a conversation, tool calls, a wait and a commit) so reads return data.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api_server import running

#: Examples per operation: enough to reach every field kind and the error
#: paths, small enough for a few minutes on 2 cores.
MAX_EXAMPLES = 50

#: Operations served by modules that other tests cover.
OTHERS = r"^/api/(analytics|conversations/search)"

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
TESTS = Path(__file__).resolve().parent

pytestmark = pytest.mark.slow


def seed(api):
    sid = api.post("/api/session/start", json={
        "session_type": "startup", "working_directory": "/home/dana/src/acme-billing",
        "session_uuid": "3f6c2a1e-8b7d-4e2f-9a0c-5d1e7b3c9f20", "timestamp": "2026-03-02T09:00:00Z",
    }).json()["session_id"]
    for path, body in [
        ("/api/conversation", {"timestamp": "2026-03-02T09:00:41Z",
                               "user_prompt": "Fix the rounding in invoice totals",
                               "claude_response": "Done."}),
        ("/api/activity", {"timestamp": "2026-03-02T09:00:57Z", "tool_name": "Edit",
                           "file_path": "/home/dana/src/acme-billing/billing/invoice.py",
                           "metadata": {"lines_added": 3, "lines_removed": 1, "duration_ms": 31}}),
        ("/api/activity", {"timestamp": "2026-03-02T09:01:26Z", "tool_name": "mcp__github__get_issue",
                           "success": False, "error_message": "not found"}),
        ("/api/waiting/start", {"timestamp": "2026-03-02T09:02:21Z"}),
        ("/api/waiting/end", {"timestamp": "2026-03-02T09:14:07Z"}),
        ("/api/git", {"timestamp": "2026-03-02T09:14:22Z", "operation": "commit",
                      "command": "git commit -m 'Fix rounding'",
                      "result": "[fix/rounding 4e1b9d2] Fix rounding",
                      "files_changed": ["billing/invoice.py"], "lines_added": 3, "lines_removed": 1}),
        ("/api/session/end", {"timestamp": "2026-03-02T09:20:00Z"}),
    ]:
        assert api.post(path, json={"session_id": sid, **body}).status_code in (200, 201)


def run_schemathesis(api, tmp_path, *extra, exclude=OTHERS, checks="all"):
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [str(SCHEMATHESIS), "run", api.url + "/openapi.json", "--checks", checks, "--mode", "all",
         "--max-examples", str(MAX_EXAMPLES), "--seed", "20260302", "--workers", "1",
         "--generation-database", "none", "--no-color", "--request-timeout", "30",
         "--report", "junit", "--report-dir", str(tmp_path),
         # Other modules' operations have their own runs.
         *(("--exclude-path-regex", exclude) if exclude else ()), *extra],
        env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )


def short_streams(home):
    """``/api/stream`` is live: end each stream after 0.2 s so every example gets its answer."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("stream_max_seconds = 0.2\n")
    return home


def test_schemathesis_finds_no_server_error_or_schema_violation(tmp_path):
    with running(home=short_streams(tmp_path / "home")) as api:
        seed(api)
        done = run_schemathesis(api, tmp_path)
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-3000:]


def test_schemathesis_over_the_analytics_operations(tmp_path):
    with running(home=tmp_path / "home") as api:
        seed(api)
        done = run_schemathesis(api, tmp_path, "--include-path-regex", "^/api/analytics", exclude=None)
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-3000:]


def test_schemathesis_over_the_search_operation(tmp_path):
    """Search takes dates, ages and free text (more than its schema's date-time says, so only
    this check): positive and negative examples must never reach a 5xx."""
    with running(home=tmp_path / "home") as api:
        seed(api)
        done = run_schemathesis(api, tmp_path, "--include-path-regex", "^/api/conversations/search",
                                exclude=None, checks="not_a_server_error")
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-3000:]
