"""The real hook script, run the way Claude Code runs it: a subprocess of the
real interpreter with ``-I -S``, the payload on stdin, real files on disk."""

import fcntl
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from cctracker_client import spool, spool_read
from conftest import HOOK_FIXTURES, ROOT

HOOK = str(ROOT / "hooks" / "hook.py")
#: What ``cctracker install`` writes: the real binary behind the venv's python.
HOOK_PYTHON = os.path.realpath(sys.executable)

FIXTURES = sorted(HOOK_FIXTURES.glob("*.json")) + sorted((HOOK_FIXTURES / "legacy").glob("*.json"))


def run_hook(data, env=None, timeout=60):
    """Run the hook once; returns the CompletedProcess (stdout/stderr bytes)."""
    return subprocess.run(
        [HOOK_PYTHON, "-I", "-S", HOOK],
        input=data,
        capture_output=True,
        env=dict(os.environ, **(env or {})),
        timeout=timeout,
    )


def spooled(home):
    """Every line written to the spool (active file and overflow files), parsed."""
    directory = home / "spool"
    names = sorted(p.name for p in directory.glob("*.jsonl")) if directory.exists() else []
    lines = []
    for name in names:
        for raw, complete in spool_read.read_lines(str(directory / name)):
            assert complete, "torn line in %s" % name
            lines.append(spool_read.parse_line(raw))
    return lines


def kept_errors(home):
    directory = home / "errors"
    if not directory.exists():
        return []
    return [spool.read_error(str(p)) for p in sorted(directory.iterdir())]


def assert_silent_success(result):
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.relative_to(HOOK_FIXTURES).as_posix())
def test_hook_spools_fixture_unchanged(home, fixture):
    data = fixture.read_bytes()
    assert_silent_success(run_hook(data))
    [line] = spooled(home)
    assert line.payload == json.loads(data)
    assert line.cut is None
    assert len(line.id) == 32
    assert kept_errors(home) == []


def test_hook_replay_uses_event_time(home):
    stream = (HOOK_FIXTURES / "session_stream.jsonl").read_text().splitlines()
    expected = []
    for text in stream:
        payload = json.loads(text)
        at = payload.pop("_at")
        expected.append((at, payload))
        assert_silent_success(
            run_hook(json.dumps(payload).encode(), env={"CCTRACKER_EVENT_TIME": at})
        )
    lines = spooled(home)
    assert len(lines) == len(stream) == 38
    for line, (at, payload) in zip(lines, expected):
        assert line.payload == payload
        # "…00.412Z" is stored as "…00.412000Z": same instant, microseconds.
        assert line.received == at[:-1] + "000Z"
        assert datetime.fromisoformat(line.received.replace("Z", "+00:00")) == datetime.fromisoformat(
            at.replace("Z", "+00:00")
        )
    assert len({line.id for line in lines}) == 38


def test_hook_keeps_project_dir(home):
    data = (HOOK_FIXTURES / "stop.json").read_bytes()
    assert_silent_success(run_hook(data, env={"CLAUDE_PROJECT_DIR": '/home/dana/src/a "b"\\c'}))
    [line] = spooled(home)
    assert line.project_dir == '/home/dana/src/a "b"\\c'


def test_hook_concurrent_processes_write_whole_lines(home):
    """48 real hook processes at once, each a ~9 KB payload (over PIPE_BUF)."""
    base = json.loads((HOOK_FIXTURES / "post_tool_use_bash.json").read_bytes())
    procs = []
    for n in range(48):
        payload = dict(base, tool_use_id="toolu_%03d" % n, tool_response={"stdout": "%03d" % n * 3000})
        proc = subprocess.Popen(
            [HOOK_PYTHON, "-I", "-S", HOOK],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        procs.append((proc, json.dumps(payload).encode()))
    for proc, data in procs:
        out, err = proc.communicate(data, timeout=120)
        assert (proc.returncode, out, err) == (0, b"", b"")
    lines = spooled(home)
    assert sorted(line.payload["tool_use_id"] for line in lines) == ["toolu_%03d" % n for n in range(48)]
    for line in lines:
        n = line.payload["tool_use_id"][-3:]
        assert line.payload["tool_response"]["stdout"] == n * 3000
    assert len({line.id for line in lines}) == 48


DRIVER = """
import sys
sys.path.insert(0, sys.argv[1])
import cctracker_client
worker = int(sys.argv[2])
pad = "x" * 6000  # each line over PIPE_BUF, so only the lock keeps lines whole
for i in range(200):
    ok = cctracker_client.record(
        '{"hook_event_name":"PostToolUse","worker":%d,"seq":%d,"pad":"%s"}' % (worker, i, pad)
    )
    assert ok
"""


def test_record_16_processes_x_200_events_exactly_3200_lines(home):
    procs = [
        subprocess.Popen([HOOK_PYTHON, "-I", "-S", "-c", DRIVER, str(ROOT), str(w)])
        for w in range(16)
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    lines = spooled(home)
    assert len(lines) == 3200
    assert sorted((line.payload["worker"], line.payload["seq"]) for line in lines) == [
        (w, i) for w in range(16) for i in range(200)
    ]
    assert all(line.payload["pad"] == "x" * 6000 for line in lines)
    assert len({line.id for line in lines}) == 3200
    # Every byte is accounted for: 3,200 lines, no fragments between them.
    total = sum(len(line.raw) + 1 for line in lines)
    assert total == sum(p.stat().st_size for p in (home / "spool").glob("*.jsonl"))


LOCK_HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
"""


def test_hook_writes_overflow_when_lock_is_held(home):
    (home / "spool").mkdir(parents=True)
    lock = home / "spool" / spool.LOCK_NAME
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        data = (HOOK_FIXTURES / "post_tool_use_edit.json").read_bytes()
        assert_silent_success(run_hook(data))
        # The lock is still held: the event cannot be in the active file.
        fd = os.open(lock, os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not (home / "spool" / spool.ACTIVE_NAME).exists()
    [overflow] = list((home / "spool").glob(spool.OVERFLOW_PREFIX + "*" + spool.SUFFIX))
    assert spool_read.pending_files(str(home)) == [str(overflow)]
    [line] = spooled(home)
    assert line.payload == json.loads(data)
    assert list((home / "spool").glob(".tmp-*")) == []


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty input"),
        (b"  \n", "empty input"),
        (b"hello, not json", "not a JSON object"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'"a string"', "not a JSON object"),
        (b'{"prompt": "caf\xe9"}', "not UTF-8"),
    ],
    ids=["empty", "whitespace", "garbage", "array", "string", "latin1"],
)
def test_hook_keeps_bad_input_in_errors(home, data, reason):
    assert_silent_success(run_hook(data))
    assert spooled(home) == []
    [(kept_reason, raw)] = kept_errors(home)
    assert kept_reason.startswith(reason)
    assert raw == data.strip()


def test_hook_cuts_a_5mb_payload(home):
    payload = json.loads((HOOK_FIXTURES / "post_tool_use_bash.json").read_bytes())
    payload["tool_response"]["stdout"] = "é" * 2_500_000  # 5,000,000 bytes of UTF-8
    assert_silent_success(run_hook(json.dumps(payload, ensure_ascii=False).encode()))
    [line] = spooled(home)
    removed = 2_500_000 - spool.CUT_STRING_CHARS
    assert line.cut == {"fields": 1, "chars": removed}
    stdout = line.payload["tool_response"]["stdout"]
    assert stdout == "é" * spool.CUT_STRING_CHARS + "…[cctracker: cut %d chars]" % removed
    assert {k: v for k, v in line.payload.items() if k != "tool_response"} == {
        k: v for k, v in payload.items() if k != "tool_response"
    }
    assert len(line.raw) < spool.MAX_PAYLOAD_BYTES


def test_hook_returns_when_stdin_is_left_open(home):
    """The payload arrives but stdin is never closed: the idle timeout ends the read."""
    data = (HOOK_FIXTURES / "stop.json").read_bytes()
    proc = subprocess.Popen(
        [HOOK_PYTHON, "-I", "-S", HOOK],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdin.write(data)
    proc.stdin.flush()
    try:
        assert proc.wait(timeout=60) == 0
        assert (proc.stdout.read(), proc.stderr.read()) == (b"", b"")
    finally:
        proc.stdin.close()
    [line] = spooled(home)
    assert line.payload == json.loads(data)


def test_hook_returns_when_stdin_stays_silent(home):
    proc = subprocess.Popen(
        [HOOK_PYTHON, "-I", "-S", HOOK],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.wait(timeout=60) == 0
        assert (proc.stdout.read(), proc.stderr.read()) == (b"", b"")
    finally:
        proc.stdin.close()
    [(reason, raw)] = kept_errors(home)
    assert (reason, raw) == ("empty input", b"")


def test_hook_unwritable_data_dir_exits_0_silently(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    data = (HOOK_FIXTURES / "stop.json").read_bytes()
    result = run_hook(data, env={"CCTRACKER_HOME": str(blocker / "home")})
    assert_silent_success(result)
    assert blocker.read_text() == "not a directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a 0500 directory")
def test_hook_read_only_data_dir_exits_0_silently(tmp_path):
    home = tmp_path / "ro"
    home.mkdir(mode=0o500)
    try:
        result = run_hook(b'{"a": 1}', env={"CCTRACKER_HOME": str(home)})
    finally:
        home.chmod(0o700)
    assert_silent_success(result)
    assert list(home.iterdir()) == []


def test_hook_unknown_event_is_spooled(home):
    data = b'{"session_id":"s1","hook_event_name":"SomethingNew2099","x":[1,{"y":null}]}'
    assert_silent_success(run_hook(data))
    [line] = spooled(home)
    assert line.payload == {"session_id": "s1", "hook_event_name": "SomethingNew2099", "x": [1, {"y": None}]}


def test_hook_bad_event_time_keeps_error(home):
    data = (HOOK_FIXTURES / "stop.json").read_bytes()
    assert_silent_success(run_hook(data, env={"CCTRACKER_EVENT_TIME": "yesterday"}))
    assert spooled(home) == []
    [(reason, raw)] = kept_errors(home)
    assert reason == "bad receive time 'yesterday'"
    assert raw == data.strip()


def test_hook_console_script_spools(home):
    script = os.path.join(os.path.dirname(sys.executable), "cctracker-hook")
    if not os.path.exists(script):
        # ./dev installs the package (and its console scripts) before the tests.
        if os.environ.get("CI"):
            pytest.fail("cctracker-hook console script not installed in %s" % os.path.dirname(script))
        pytest.skip("cctracker-hook console script not installed")
    data = (HOOK_FIXTURES / "user_prompt_submit.json").read_bytes()
    result = subprocess.run([script], input=data, capture_output=True, timeout=60)
    assert_silent_success(result)
    [line] = spooled(home)
    assert line.payload == json.loads(data)


def test_hook_creates_private_files(home):
    assert_silent_success(run_hook((HOOK_FIXTURES / "stop.json").read_bytes()))
    assert (home.stat().st_mode & 0o777, (home / "spool").stat().st_mode & 0o777) == (0o700, 0o700)
    for path in (home / "spool").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("cwd, script", [("root", "hooks/hook.py"), ("hooks", "../hooks/hook.py")])
def test_hook_runs_from_a_relative_path(home, cwd, script):
    data = (HOOK_FIXTURES / "stop.json").read_bytes()
    result = subprocess.run(
        [HOOK_PYTHON, "-I", "-S", script],
        input=data,
        capture_output=True,
        cwd=str(ROOT if cwd == "root" else ROOT / "hooks"),
        timeout=60,
    )
    assert_silent_success(result)
    [line] = spooled(home)
    assert line.payload == json.loads(data)


def test_hook_receive_time_is_when_it_ran(home):
    before = datetime.now(timezone.utc)
    assert_silent_success(run_hook((HOOK_FIXTURES / "stop.json").read_bytes()))
    after = datetime.now(timezone.utc)
    [line] = spooled(home)
    assert before <= datetime.fromisoformat(line.received.replace("Z", "+00:00")) <= after
