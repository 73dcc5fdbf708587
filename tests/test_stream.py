"""``GET /api/stream``: a real waitress server, a real HTTP client reading server-sent events,
events fired through the real hook."""

import json
import queue
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from api_server import running
from collector.api import stream
from collector.ingest import drain
from collector.storage import db
from conftest import free_port
from replay import run_hook

CLI = [sys.executable, "-m", "collector.cli"]


class Client:
    """An SSE client over a plain socket, reading on its own thread.

    ``messages`` gets ``(id, data)`` as they arrive. A socket (not requests)
    so that ``close()`` can cut a blocked read at once, as a browser tab does.
    """

    def __init__(self, url, headers=None, timeout=60):
        host, _, rest = url.removeprefix("http://").partition("/")
        name, _, port = host.partition(":")
        self.sock = socket.create_connection((name, int(port)), timeout=timeout)
        lines = ["GET /%s HTTP/1.1" % rest, "Host: %s" % host, "Accept: text/event-stream"]
        lines += ["%s: %s" % kv for kv in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.file = self.sock.makefile("rb")
        self.status = int(self.file.readline().split()[1])
        self.headers = {}
        for line in iter(self.file.readline, b"\r\n"):
            key, _, value = line.decode().partition(":")
            self.headers[key.strip().lower()] = value.strip()
        self.messages = queue.Queue()
        self.ended = threading.Event()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = self.file.read(int(self.headers.get("content-length", 0)))

    def _lines(self):
        """The body's lines, chunked transfer encoding undone."""
        pending = b""
        while True:
            size = int(self.file.readline().strip() or b"0", 16)
            if size == 0:
                return
            pending += self.file.read(size)
            self.file.readline()
            *whole, pending = pending.split(b"\n")
            yield from (line.decode() for line in whole)

    def _read(self):
        event = {}
        try:
            for line in self._lines():
                if line == "":
                    if "data" in event:
                        self.messages.put((int(event["id"]), json.loads(event["data"])))
                    event = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    event[key] = value
        except (OSError, ValueError):
            pass  # closed by close()
        self.ended.set()

    def take(self, count, deadline=60):
        out, end = [], time.monotonic() + deadline
        while len(out) < count and time.monotonic() < end:
            try:
                out.append(self.messages.get(timeout=0.5))
            except queue.Empty:
                pass
        return out

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def wait_for(url, proc, deadline=90):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stdout.read()
        try:
            return requests.get(url, timeout=2)
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError("%s did not answer" % url)


def test_events_fired_through_the_installed_hook_reach_a_stream_client(home, tmp_path):
    settings = tmp_path / "settings.json"
    assert subprocess.run(CLI + ["install", "--settings", str(settings)], capture_output=True,
                          timeout=120).returncode == 0
    command = json.loads(settings.read_text())["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"]
    port = free_port()
    proc = subprocess.Popen(CLI + ["serve", "--port", str(port), "--no-dashboard", "--no-import"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for("http://127.0.0.1:%d/api/health" % port, proc)
        client = Client("http://127.0.0.1:%d/api/stream" % port)
        assert client.status == 200
        assert client.headers["content-type"] == "text/event-stream"
        for n in range(20):
            payload = {"session_id": "live-1", "cwd": str(tmp_path), "hook_event_name": "UserPromptSubmit",
                       "prompt": "prompt number %d" % n}
            done = subprocess.run(command, shell=True, input=json.dumps(payload).encode(), capture_output=True,
                                  timeout=30)
            assert (done.returncode, done.stdout) == (0, b"")
        got = client.take(20)
        client.close()
    finally:
        proc.terminate()
        proc.wait(60)
    assert len(got) == 20
    assert [data["summary"] for _, data in got] == ["prompt number %d" % n for n in range(20)]
    assert {(data["session"], data["kind"], data["tool"]) for _, data in got} == {
        ("live-1", "UserPromptSubmit", None)}
    ids = [event_id for event_id, _ in got]
    assert ids == sorted(ids) and len(set(ids)) == 20
    assert got[0][1]["session_id"] is not None and got[0][1]["project"] == tmp_path.name


def fire(home, config, events):
    for payload in events:
        assert run_hook(payload, home).returncode == 0
    conn = db.connect(config.db_path)
    try:
        drain.drain_once(conn, config)
    finally:
        conn.close()


def tool_event(n, secret=""):
    return {"session_id": "s-%d" % (n % 2), "cwd": "/tmp/p", "hook_event_name": "PreToolUse",
            "tool_name": "Bash", "tool_use_id": "t%d" % n, "tool_input": {"command": "echo %d %s" % (n, secret)}}


def test_last_event_id_resumes_after_what_was_seen(api_server, home):
    fire(home, api_server.config, [tool_event(n) for n in range(5)])
    client = Client(api_server.url + "/api/stream", headers={"Last-Event-ID": "2"})
    got = client.take(3)
    client.close()
    assert [(i, d["tool"], d["summary"], d["session"]) for i, d in got] == [
        (3, "Bash", "Bash echo 2", "s-0"), (4, "Bash", "Bash echo 3", "s-1"), (5, "Bash", "Bash echo 4", "s-0")]
    # One session only, from the start.
    client = Client(api_server.url + "/api/stream?since=0&session=s-1")
    got = client.take(2)
    client.close()
    assert [i for i, _ in got] == [2, 4]


def test_stream_text_is_redacted(api_server, home):
    secret = "AKIA" + "Z7Q3XW8PLM2N4RTY"
    fire(home, api_server.config, [tool_event(1, secret)])
    client = Client(api_server.url + "/api/stream?since=0")
    [(_, data)] = client.take(1)
    client.close()
    assert secret not in data["summary"] and data["summary"].startswith("Bash echo 1 ")


def test_streams_are_bounded_and_never_starve_other_requests(api_server):
    clients = [Client(api_server.url + "/api/stream") for _ in range(stream.MAX_STREAMS)]
    try:
        assert [c.status for c in clients] == [200] * stream.MAX_STREAMS
        one_more = Client(api_server.url + "/api/stream")
        assert one_more.status == 503 and one_more.headers["retry-after"] == "5"
        assert json.loads(one_more.body)["error"] == "too_many_streams"
        one_more.close()
        # Every stream holds a worker thread; ordinary requests still have theirs.
        for _ in range(10):
            assert api_server.get("/api/health").status_code == 200
    finally:
        for c in clients:
            c.close()
    # A closed client's slot comes back once its stream notices (waitress reads the close).
    # Each slot won is held, so probing never takes back a slot that was just freed
    # (closing and reopening all four every round could race its own closes under load).
    end = time.monotonic() + 60
    held = []
    try:
        while time.monotonic() < end and len(held) < stream.MAX_STREAMS:
            again = Client(api_server.url + "/api/stream")
            if again.status == 200:
                held.append(again)
            else:
                again.close()
                time.sleep(0.2)
        assert len(held) == stream.MAX_STREAMS
    finally:
        for c in held:
            c.close()


def test_a_stream_ends_after_its_duration(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("stream_max_seconds = 1.0\n")
    with running(home) as api:
        client = Client(api.url + "/api/stream?max_seconds=3600")
        assert client.ended.wait(30)
        client.close()


@pytest.mark.parametrize("headers,query,field", [({"Last-Event-ID": "abc"}, "", "Last-Event-ID"),
                                                 ({}, "?max_seconds=0", "max_seconds"),
                                                 ({}, "?since=-1", "since")])
def test_bad_input_is_a_400_naming_the_field(api_server, headers, query, field):
    r = api_server.get("/api/stream" + query, headers=headers)
    assert r.status_code == 400 and r.json()["field"] == field


def test_the_stream_is_in_the_openapi_document(api_server):
    doc = api_server.get("/openapi.json").json()
    op = doc["paths"]["/api/stream"]["get"]
    assert list(op["responses"]["200"]["content"]) == ["text/event-stream"]
    assert "503" in op["responses"]
    assert {"/api/blocks", "/api/limits"} <= set(doc["paths"])
