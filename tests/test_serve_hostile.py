"""``cctracker serve`` under hostile input and a kill -9 (issue #14): a real process, real ports."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from cctracker_client import spool
from collector.serve import lifeline
from conftest import free_port
from replay import run_hook
from test_serve import CLI, get, wait_for

pytestmark = pytest.mark.slow


def start_serve(home, api, dash):
    proc = subprocess.Popen(CLI + ["serve", "--port", str(api), "--dashboard-port", str(dash), "--no-import"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "CCTRACKER_HOME": str(home)})
    wait_for("http://127.0.0.1:%d/api/health" % api, proc)
    wait_for("http://127.0.0.1:%d/-/versions.json" % dash, proc)
    return proc


def post(url, body, content_type="application/json"):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def sessions(api):
    body = json.loads(get("http://127.0.0.1:%d/api/sessions" % api, timeout=10)[1])
    return [s["session_uuid"] for s in (body.get("sessions", body) if isinstance(body, dict) else body)]


def test_a_300_deep_event_does_not_stop_ingestion(home):
    api, dash = free_port(), free_port()
    proc = start_serve(home, api, dash)
    try:
        deep = '{"a":' * 300 + "1" + "}" * 300
        body = '{"events":[{"hook_event_name":"PostToolUse","session_id":"deep","tool_response":%s}]}' % deep
        status, answer = post("http://127.0.0.1:%d/api/events" % api, body.encode())
        assert status == 400 and "nested deeper than 200 levels" in answer["message"]
        # Even one that reached the spool another way (an older client, a copied file)
        # is one bad line, not the end of the drain.
        spool.append(b'{"v":1,"id":"deep-1","t":"2026-03-02T09:00:00.000000Z","p":{"hook_event_name":"Stop",'
                     b'"session_id":"deep","x":' + deep.encode() + b"}}\n", base=str(home))
        payload = {"session_id": "after-deep", "cwd": str(home), "hook_event_name": "UserPromptSubmit",
                   "prompt": "still recorded"}
        assert run_hook(payload, home).returncode == 0
        end = time.monotonic() + 30
        while time.monotonic() < end and "after-deep" not in sessions(api):
            time.sleep(0.2)
        assert sessions(api) == ["after-deep"]
        health = json.loads(get("http://127.0.0.1:%d/api/health" % api)[1])
        assert health["status"] == "ok" and health["drain"]["failing"] is False
        kept = os.listdir(home / "errors")
        assert len(kept) == 1
        with open(home / "errors" / kept[0], "rb") as f:
            assert b"nested deeper than 200 levels" in f.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


def test_after_kill_9_serve_starts_again_on_the_same_ports(home):
    api, dash = free_port(), free_port()
    proc = start_serve(home, api, dash)
    child = json.loads((home / lifeline.PID_NAME).read_text())["children"][0]
    assert lifeline.alive(child)
    proc.kill()  # kill -9: serve stops nothing itself
    proc.wait()
    proc.stdout.close()
    end = time.monotonic() + 60
    while time.monotonic() < end and lifeline.alive(child):
        time.sleep(0.1)
    assert not lifeline.alive(child), "the dashboard outlived serve"
    again = start_serve(home, api, dash)
    try:
        assert get("http://127.0.0.1:%d/api/health" % api)[0] == 200
        assert get("http://127.0.0.1:%d/-/dashboards/overview" % dash)[0] == 200
    finally:
        again.send_signal(signal.SIGINT)
        out, _ = again.communicate(timeout=60)
    assert again.returncode == 0, out
    assert not (home / lifeline.PID_NAME).exists()


def test_a_new_serve_reclaims_a_dashboard_its_dead_parent_left(home, tmp_path):
    """Without the parent-death signal (another OS, or a child that lost it), the
    pid file lets the next serve stop the orphan that holds the port."""
    from collector.serve import dashboard

    dash = free_port()
    db_path = str(home / "cctracker.db")
    home.mkdir(parents=True, exist_ok=True)
    orphan = dashboard.start(db_path, "127.0.0.1", dash, env={k: v for k, v in os.environ.items()
                                                               if k != lifeline.PARENT_ENV})
    try:
        dashboard.wait_until_ready(orphan, "127.0.0.1", dash)
        # What a serve that died with -9 leaves: its pid (gone) and its child.
        dead = subprocess.Popen(["true"])
        dead.wait()
        (home / lifeline.PID_NAME).write_text(json.dumps(
            {"pid": dead.pid, "children": [orphan.pid], "db_path": db_path}))
        assert lifeline.reclaim(str(home)) == [orphan.pid]
        assert orphan.wait(30) is not None
        dashboard.check_port("127.0.0.1", dash)  # free again
        # Someone else's process, or a running serve's, is never touched.
        (home / lifeline.PID_NAME).write_text(json.dumps(
            {"pid": os.getpid(), "children": [os.getpid()], "db_path": db_path}))
        assert lifeline.reclaim(str(home)) == []
    finally:
        dashboard.stop(orphan)
