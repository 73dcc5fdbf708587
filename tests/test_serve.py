"""`cctracker serve` as a user runs it: a real process, real ports, Ctrl-C."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import free_port
from replay import run_hook

CLI = [sys.executable, "-m", "collector.cli"]


def get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.status, resp.read()


def wait_for(url, proc, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError("serve exited early: %s" % proc.stdout.read())
        try:
            return get(url)
        except OSError:
            time.sleep(0.2)
    raise AssertionError("%s did not answer" % url)


@pytest.fixture
def served(home):
    api, dash = free_port(), free_port()
    proc = subprocess.Popen(CLI + ["serve", "--port", str(api), "--dashboard-port", str(dash), "--no-import"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "CCTRACKER_HOME": str(home)})
    try:
        wait_for("http://127.0.0.1:%d/api/health" % api, proc)
        wait_for("http://127.0.0.1:%d/-/versions.json" % dash, proc)
        yield proc, api, dash
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_drains_hook_events_and_stops_on_ctrl_c(served, home):
    proc, api, dash = served
    payload = {"session_id": "serve-1", "cwd": str(home), "hook_event_name": "UserPromptSubmit",
               "prompt": "served prompt"}
    assert run_hook(payload, home).returncode == 0
    # The drain thread picks it up within its interval; poll the API for it.
    end = time.monotonic() + 30
    sessions = []
    while time.monotonic() < end and not sessions:
        sessions = json.loads(get("http://127.0.0.1:%d/api/sessions" % api)[1])
        sessions = sessions.get("sessions", sessions) if isinstance(sessions, dict) else sessions
        time.sleep(0.2)
    assert [s["session_uuid"] for s in sessions] == ["serve-1"]
    status, body = get("http://127.0.0.1:%d/-/dashboards/overview" % dash)
    assert status == 200 and b"Overview" in body
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "Stopped." in out
    # Everything serve left in the data dir is private to the user.
    for folder, dirs, files in os.walk(home):
        assert os.stat(folder).st_mode & 0o777 == 0o700, folder
        for name in files:
            assert os.stat(os.path.join(folder, name)).st_mode & 0o777 == 0o600, name
    for port in (api, dash):
        with socket.socket() as s:
            # Nothing listens any more (SO_REUSEADDR: closed connections may linger in TIME_WAIT).
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))


def test_serve_on_a_busy_port_says_so(home):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(CLI + ["serve", "--port", str(port), "--dashboard-port", str(free_port()),
                                     "--no-import"], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "CCTRACKER_HOME": str(home)})
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: port %d on 127.0.0.1 is in use" % port


def test_serve_beyond_loopback_needs_a_token(home):
    done = subprocess.run(CLI + ["serve", "--host", "0.0.0.0", "--port", str(free_port()), "--no-import"],
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in {**os.environ, "CCTRACKER_HOME": str(home)}.items()
                               if k != "CCTRACKER_TOKEN"})
    assert done.returncode == 1
    assert "CCTRACKER_TOKEN" in done.stderr and done.stderr.strip().count("\n") == 0


def test_ctrl_c_stops_serve_started_with_sigint_ignored(home):
    # A parent that ignores SIGINT passes that on to its children (seen in a full
    # test run: every later serve ignored Ctrl-C); serve must stop on it anyway.
    api, dash = free_port(), free_port()
    proc = subprocess.Popen(CLI + ["serve", "--port", str(api), "--dashboard-port", str(dash), "--no-import"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "CCTRACKER_HOME": str(home)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        wait_for("http://127.0.0.1:%d/api/health" % api, proc)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        assert "Stopped." in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
