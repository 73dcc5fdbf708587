"""Hostile input (issue #14): no line stops the drain, nothing injects spool fields, no 5xx.

The drain reads real spool files and writes a real database; the hook runs
as a real ``python -I -S`` subprocess; the API is a real waitress server.
"""

import json
import os
import resource
import signal
import subprocess
import threading
import time

import pytest

from api_server import running  # noqa: F401
from cctracker_client import spool, spool_read, unsaved
from collector import config as config_mod
from collector.ingest import drain_ahead, drain_thread
from collector.ingest.drain import drain_once
from collector.privacy.policy import Privacy
from collector.storage import db
from test_hook import HOOK, HOOK_PYTHON, kept_errors, run_hook, spooled

AT = "2026-03-02T09:00:00.000000Z"


def deep(n, leaf=1):
    """``{"a":{"a":...leaf...}}`` nested ``n`` objects deep, as JSON text."""
    return '{"a":' * n + json.dumps(leaf) + "}" * n


def line(payload_text, event_id, t=AT):
    return ('{"v":1,"id":"%s","t":"%s","p":%s}\n' % (event_id, t, payload_text)).encode()


def good(n):
    return json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "s-%d" % n,
                       "cwd": "/tmp/p", "prompt": "prompt %d" % n})


def write_spool(home, data):
    directory = home / "spool"
    spool.ensure_dir(str(directory))
    (directory / "events.jsonl").write_bytes(data)


def drain(home):
    config = config_mod.load()
    conn = db.connect(config.db_path)
    return conn, drain_once(conn, config)


# --- the drain ------------------------------------------------------------------------


def test_poison_lines_go_to_errors_and_the_drain_goes_on(home):
    lines = [
        line(good(1), "a1"),
        line(json.dumps({"hook_event_name": "Stop", "session_id": "s-deep", "x": json.loads(deep(300))}), "a2"),
        line(good(2), "a3"),
        line(good(3), "a4", t="9999-12-31T23:59:59-23:59"),          # overflows when made UTC
        line(good(4), "a5", t="0001-01-01T00:00:00+23:59"),
        line(json.dumps({"hook_event_name": "PostToolUse", "session_id": ["not", "a", "string"]}), "a6"),
        line('{"hook_event_name":"UserPromptSubmit","session_id":"s-sur","prompt":"cut \\ud83c here"}', "a7"),
        line(good(5), "a8"),
    ]
    write_spool(home, b"".join(lines))
    conn, stats = drain(home)
    assert (stats["events"], stats["bad_lines"], stats["failed"]) == (4, 4, 0)
    sessions = [r[0] for r in conn.execute("select session_uuid from sessions order by session_uuid")]
    assert sessions == ["s-1", "s-2", "s-5", "s-sur"]
    # The lone surrogate became U+FFFD, the rest of the prompt kept.
    assert db.scalar(conn, "select content from messages where content like 'cut %'") == "cut \ufffd here"
    reasons = sorted(r for r, _ in kept_errors(home))
    assert len(reasons) == 4
    assert any("nested deeper than 200 levels" in r for r in reasons)
    assert sum("bad receive time" in r and "out of range" in r for r in reasons) == 2
    assert any("field session_id must be a string, not an array" in r for r in reasons)
    # A second drain has nothing left: the bad lines are not retried for ever.
    assert drain(home)[1]["lines"] == 0


def test_a_step_that_raises_makes_one_bad_line(home):
    """Serialising is one of the per-line steps: an integer orjson cannot write
    (the API's msgspec accepts it) is one bad line, not a dead drain."""
    config = config_mod.load()
    raw = line(good(1), "b1")
    parsed = spool_read.parse_line(raw)
    parsed.payload["n"] = 10 ** 30
    result = drain_ahead.prepare(Privacy(config), parsed)
    assert isinstance(result, drain_ahead.Bad)
    assert result.reason.startswith("cannot prepare the event: TypeError") or "64-bit" in result.reason


def test_the_drain_thread_survives_logs_backs_off_and_recovers(home):
    config = config_mod.load()
    config.drain_interval_seconds = 0.05
    os.makedirs(config.db_path)  # a directory where the database should be: every run fails
    write_spool(home, line(good(1), "c1"))
    thread = drain_thread.DrainThread(config)
    thread.start()
    try:
        end = time.monotonic() + 30
        # The thread counts a failure before it writes the state file: wait for the file.
        state = drain_thread.health(str(home))
        while time.monotonic() < end and (state.get("consecutive_failures") or 0) < 2:
            time.sleep(0.05)
            state = drain_thread.health(str(home))
        assert state["failing"] and state["consecutive_failures"] >= 2
        assert "CantOpenError" in state["last_error"]
        log = (home / "logs" / "drain.log").read_text()
        assert "Traceback (most recent call last)" in log and "CantOpenError" in log
        assert os.stat(home / "logs" / "drain.log").st_mode & 0o777 == 0o600
        os.rmdir(config.db_path)  # fixed: the next try (after its back-off) drains
        while time.monotonic() < end and (thread.failures or drain_thread.health(str(home))["failing"]):
            time.sleep(0.05)
        assert thread.is_alive() and thread.failures == 0
        assert drain_thread.health(str(home))["failing"] is False
    finally:
        thread.stop()
    conn = db.connect(config.db_path)
    assert db.scalar(conn, "select session_uuid from sessions") == "s-1"


def test_health_is_503_while_the_drain_fails(home, api_server):
    assert api_server.get("/api/health").json()["drain"]["failing"] is False
    drain_thread.write_state(str(home), {"consecutive_failures": 3, "last_error": "CantOpenError: x",
                                         "last_error_at": AT})
    r = api_server.get("/api/health")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "failing"
    assert body["drain"]["last_error"] == "CantOpenError: x" and body["drain"]["consecutive_failures"] == 3
    # cctracker status says the same.
    from click.testing import CliRunner

    from collector.cli import cli

    out = CliRunner().invoke(cli, ["status"]).output
    assert "Drain: FAILING: CantOpenError: x" in out
    assert "the drain is failing (3 run(s) in a row, last: CantOpenError: x)" in out


# --- the hook -------------------------------------------------------------------------


@pytest.mark.parametrize("data, reason", [
    (b'{"hook_event_name":"Stop","session_id":"s"},"t":"9999-12-31T23:59:59-23:59"}', "not a single JSON object"),
    (b'{"session_id":"s"},"id":"chosen-by-the-input","x":{"y":1}', "not a single JSON object"),
    (b'{"a":"x\\\\"},"id":"y"}', "not a single JSON object"),
    (b'{"a":"unterminated}', "not a JSON object: a string is not closed"),
    (deep(300).encode(), "nested deeper than 200 levels"),
], ids=["field-injection", "id-injection", "escaped-backslash", "open-string", "300-deep"])
def test_the_hook_spools_only_one_checked_object(home, data, reason):
    result = run_hook(data)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
    assert spooled(home) == []
    assert [r for r, _ in kept_errors(home)] == [reason]


def test_a_payload_id_never_replaces_the_event_id(home):
    data = b'{"hook_event_name":"Stop","session_id":"s","id":"chosen-by-the-input","v":9,"t":"x"}'
    assert run_hook(data).returncode == 0
    [event] = spooled(home)
    assert event.id != "chosen-by-the-input" and len(event.id) == 32 and event.version == 1
    assert event.payload["id"] == "chosen-by-the-input" and event.payload["t"] == "x"


def _no_room(limit):
    def apply():
        # Ignored dispositions survive exec: a write past the limit fails with EFBIG
        # (as a full disk fails with ENOSPC) instead of killing the hook.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_counts_the_lost_events(home, api_server):
    assert run_hook(good(0).encode()).returncode == 0  # makes the spool and its reserved record
    big = json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "s", "prompt": "x" * 4000}).encode()
    for _ in range(3):
        done = subprocess.run([HOOK_PYTHON, "-I", "-S", HOOK], input=big, capture_output=True,
                              env=dict(os.environ), timeout=60, preexec_fn=_no_room(1024))
        assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert len(spooled(home)) == 1  # the event from before; nothing half-written
    assert kept_errors(home) == []  # no empty "reason: unknown" files
    assert not [p for p in (home / "spool").iterdir() if p.name.startswith(".tmp-")]
    lost = unsaved.read(spool.spool_dir(str(home)))
    assert lost["count"] == 3 and "could not write the spool" in lost["reason"]
    assert api_server.get("/api/health").json()["unsaved_events"]["count"] == 3
    from collector.serve.status import status_report

    report = status_report(config_mod.load())
    assert report["unsaved_events"]["count"] == 3
    assert any("3 hook event(s) could not be saved" in w for w in report["warnings"])


# --- the API --------------------------------------------------------------------------


def _post_events(api, body):
    return api.post("/api/events", data=body, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("t", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_api_refuses_times_out_of_range(api_server, t):
    r = api_server.post("/api/events", json={"events": [{"v": 1, "id": "e1", "t": t, "p": {"a": 1}}]})
    assert r.status_code == 400
    assert r.json()["field"] == "events[0].t" and "1970" in r.json()["message"]


@pytest.mark.parametrize("depth", [300, 100_000])
def test_api_refuses_deep_bodies(api_server, depth):
    body = '{"events":[{"hook_event_name":"Stop","x":%s}]}' % deep(depth)
    r = _post_events(api_server, body.encode())
    assert r.status_code == 400 and "nested deeper than 200 levels" in r.json()["message"]
    r = api_server.post("/api/events", data=('{"hook_event_name":"Stop","x":%s}' % deep(depth)).encode(),
                        headers={"Content-Type": "application/x-ndjson"})
    assert r.status_code == 400 and r.json()["field"] == "events[0]"
    r = api_server.post("/api/activity", data=deep(depth).encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_api_accepts_brackets_inside_strings(api_server):
    r = api_server.post("/api/events", json={"events": [{"hook_event_name": "Stop", "x": "{[" * 500}]})
    assert r.status_code == 202


@pytest.mark.parametrize("path", [
    "/api/conversations/search?q=x&since=9999-12-31T23:59:59-23:59",
    "/api/conversations/search?q=x&until=0001-01-01T00:00:00%2B23:59",
])
def test_search_with_hostile_dates_is_400(api_server, path):
    r = api_server.get(path)
    assert r.status_code == 400, r.text


def test_api_lone_surrogate_becomes_replacement_character(api_server, home):
    body = b'{"events":[{"hook_event_name":"UserPromptSubmit","session_id":"s-js","cwd":"/tmp/p",' \
           b'"prompt":"emoji cut \\ud83c"}]}'
    assert _post_events(api_server, body).status_code == 202
    conn, stats = drain(home)
    assert stats["events"] == 1
    assert db.scalar(conn, "select content from messages") == "emoji cut \ufffd"


# --- transcripts ----------------------------------------------------------------------


def test_a_transcript_line_with_a_lone_surrogate_is_kept_and_titles_are_redacted(home, tmp_path):
    from collector.ingest import importer

    folder = tmp_path / "projects" / "-tmp-p"
    folder.mkdir(parents=True)
    stripe = "sk_live_51" + "Ab3" * 14
    base = ('{"isSidechain":false,"userType":"external","cwd":"/tmp/p","sessionId":"t-sur",'
            '"version":"2.1.38","gitBranch":"main",')
    lines = [
        base + '"parentUuid":null,"type":"user","uuid":"u1","timestamp":"2026-03-02T10:00:00.000Z",'
               '"message":{"role":"user","content":"emoji cut \\ud83c here"}}',
        '{"type":"summary","summary":"Rotate key %s","leafUuid":"u1"}' % stripe,
        '{"type":"custom-title","customTitle":"Deploy with %s","sessionId":"t-sur"}' % stripe,
        base + '"parentUuid":"u1","type":"user","uuid":"u2","timestamp":"2026-03-02T10:00:05.000Z",'
               '"message":{"role":"user","content":%s}}' % deep(300, "too deep"),
    ]
    (folder / "t-sur.jsonl").write_text("\n".join(lines) + "\n")
    conn = db.connect(str(home / "cctracker.db"))
    importer.import_paths(conn, [str(tmp_path / "projects")], config=config_mod.load(str(home)))
    assert db.scalar(conn, "select content from messages where content like 'emoji%'") == "emoji cut \ufffd here"
    titles = [r[0] for r in conn.execute("select title from sessions")]
    assert titles and all(stripe not in (t or "") for t in titles)
    assert any("[REDACTED:stripe-key]" in (t or "") for t in titles)


def test_full_disk_bad_input_is_counted_once(home):
    assert run_hook(good(0).encode()).returncode == 0
    done = subprocess.run([HOOK_PYTHON, "-I", "-S", HOOK], input=b"not json" * 200, capture_output=True,
                          env=dict(os.environ), timeout=60, preexec_fn=_no_room(512))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert kept_errors(home) == []  # no empty or cut file
    lost = unsaved.read(spool.spool_dir(str(home)))
    assert lost["count"] == 1 and "could not keep bad input" in lost["reason"]


# --- the hook's check, as a property ----------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_text = st.text(alphabet=st.sampled_from('ab"\\{}[],:' + "\u00e9"), max_size=12)
_json = st.recursive(st.none() | st.booleans() | st.integers(-9, 9) | _text,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
                     max_leaves=10)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(_text, _json, max_size=4), st.text(alphabet=st.sampled_from('"\\{}[],:ti d'), max_size=12))
def test_check_lets_through_only_text_that_cannot_add_spool_fields(obj, tail):
    import cctracker_client

    whole = json.dumps(obj, ensure_ascii=False).encode()
    assert cctracker_client.check(whole) is None  # every JSON object passes
    # Whatever is spliced after (or instead of) its end, a text the check lets through
    # makes a spool line whose fields are ours, or a line the drain refuses whole.
    for raw in (whole[:-1] + tail.encode() + b"}", whole + tail.encode() + b"}"):
        if cctracker_client.check(raw) is not None:
            continue
        line = spool.make_line(raw, "2026-03-02T09:00:00.000000Z", event_id="e" * 32)
        try:
            parsed = spool_read.parse_line(line)
        except ValueError:
            continue  # invalid JSON: one bad line, kept under errors/
        assert (parsed.id, parsed.received, parsed.version, parsed.cut) == (
            "e" * 32, "2026-03-02T09:00:00.000000Z", 1, None)
        assert parsed.payload == json.loads(raw)
