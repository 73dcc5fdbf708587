"""cctracker_client in-process: record(), the spool line, stdin reading, the files."""

import fcntl
import os
import subprocess
import sys

import pytest

import cctracker_client
from cctracker_client import spool, spool_read


def lines(home):
    path = home / "spool" / spool.ACTIVE_NAME
    return [spool_read.parse_line(raw) for raw, _ in spool_read.read_lines(str(path))]


def test_make_line_exact_bytes():
    line = spool.make_line(
        b'{\n  "a": 1,\r\n  "b": "x"\n}', "2026-03-02T09:00:00.412000Z", event_id="ab" * 16
    )
    assert line == (
        b'{"v":1,"id":"abababababababababababababababab","t":"2026-03-02T09:00:00.412000Z",'
        b'"p":{   "a": 1,    "b": "x" }}\n'
    )


def test_make_line_with_cut_and_project_dir():
    line = spool.make_line(b"{}", "2026-03-02T09:00:00.000000Z", "id1", cut=(2, 900), project_dir='/a/"q"\\\t')
    assert line == (
        b'{"v":1,"id":"id1","t":"2026-03-02T09:00:00.000000Z","cut":{"fields":2,"chars":900},'
        b'"d":"/a/\\"q\\"\\\\\\u0009","p":{}}\n'
    )
    parsed = spool_read.parse_line(line)
    assert (parsed.cut, parsed.project_dir, parsed.payload) == ({"fields": 2, "chars": 900}, '/a/"q"\\\t', {})


def test_record_appends_one_line(home):
    assert cctracker_client.record(b'{"hook_event_name":"Stop","session_id":"s"}') is True
    [line] = lines(home)
    assert line.payload == {"hook_event_name": "Stop", "session_id": "s"}
    assert line.version == 1
    assert len(line.received) == len("2026-03-02T09:00:00.412000Z")
    assert line.received.endswith("Z")


def test_record_accepts_str_and_dict(home):
    assert cctracker_client.record('{"prompt":"héllo"}') is True
    assert cctracker_client.record({"prompt": "wörld", "n": [1, 2]}) is True
    assert [line.payload for line in lines(home)] == [{"prompt": "héllo"}, {"prompt": "wörld", "n": [1, 2]}]


@pytest.mark.parametrize(
    "given, stored",
    [
        ("2026-03-02T09:00:00.412Z", "2026-03-02T09:00:00.412000Z"),
        ("2026-03-02T10:00:00+01:00", "2026-03-02T09:00:00.000000Z"),
        ("2026-03-02T09:00:00.123456", "2026-03-02T09:00:00.123456Z"),
    ],
    ids=["z-millis", "offset", "naive-utc"],
)
def test_record_received_time_normalised(home, given, stored):
    assert cctracker_client.record(b"{}", received=given) is True
    [line] = lines(home)
    assert line.received == stored


def test_record_event_ids_unique(home):
    for _ in range(50):
        cctracker_client.record(b"{}")
    assert len({line.id for line in lines(home)}) == 50


def test_record_never_raises_on_unwritable_home(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cctracker_client.record(b'{"a":1}', base=str(blocker / "home")) is False
    assert cctracker_client.record(b"", base=str(blocker / "home")) is False


def test_record_after_a_torn_line_starts_fresh(home):
    (home / "spool").mkdir(parents=True)
    active = home / "spool" / spool.ACTIVE_NAME
    active.write_bytes(b'{"v":1,"id":"dead","t":"2026-')  # a writer killed mid-line
    assert cctracker_client.record(b'{"ok":true}') is True
    raws = list(spool_read.read_lines(str(active)))
    assert raws[0] == (b'{"v":1,"id":"dead","t":"2026-', True)
    with pytest.raises(ValueError):
        spool_read.parse_line(raws[0][0])
    assert spool_read.parse_line(raws[1][0]).payload == {"ok": True}
    assert len(raws) == 2


def test_record_oversized_non_object_kept_as_error(home):
    raw = b"{" + b"x" * (spool.MAX_PAYLOAD_BYTES + 10) + b"}"
    assert cctracker_client.record(raw) is False
    [path] = (home / "errors").iterdir()
    reason, kept = spool.read_error(str(path))
    assert reason.startswith("oversized and unreadable: ")
    assert kept == raw


def test_data_dir_and_files_private(home):
    cctracker_client.record(b"{}")
    cctracker_client.record(b"")
    for directory in (home, home / "spool", home / "errors"):
        assert directory.stat().st_mode & 0o777 == 0o700
        for path in directory.iterdir():
            if path.is_file():
                assert path.stat().st_mode & 0o777 == 0o600


def test_getenv_sees_live_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CCTRACKER_HOME", str(tmp_path / "elsewhere"))
    assert spool.home() == str(tmp_path / "elsewhere")
    monkeypatch.delenv("CCTRACKER_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert spool.home() == str(tmp_path / "user" / ".cctracker")


def test_lock_timeout_goes_to_overflow(home):
    (home / "spool").mkdir(parents=True)
    fd = os.open(str(home / "spool" / spool.LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
    # flock locks belong to the open file description: a second open in this
    # process conflicts just like another process would.
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        path = spool.append(spool.make_line(b'{"a":1}'), str(home), lock_wait_ms=5)
    finally:
        os.close(fd)
    assert os.path.basename(path).startswith(spool.OVERFLOW_PREFIX)
    assert spool_read.pending_files(str(home)) == [path]
    assert spool_read.backlog(str(home)) == (1, os.path.getsize(path))


def test_rotate_then_append_and_pending_order(home):
    cctracker_client.record(b'{"n":1}')
    segment = spool_read.rotate(str(home))
    cctracker_client.record(b'{"n":2}')
    assert spool_read.pending_files(str(home)) == [segment]
    assert [spool_read.parse_line(r).payload for r, _ in spool_read.read_lines(segment)] == [{"n": 1}]
    assert [line.payload for line in lines(home)] == [{"n": 2}]
    assert spool_read.backlog(str(home))[0] == 2


def test_read_stdin_returns_all_data_on_eof():
    r, w = os.pipe()
    os.write(w, b'{"a":')
    os.write(w, b"1}")
    os.close(w)
    try:
        assert cctracker_client.read_stdin(r) == b'{"a":1}'
    finally:
        os.close(r)


def test_read_stdin_stops_on_idle_when_left_open():
    r, w = os.pipe()
    os.write(w, b'{"a":1}\n')
    try:
        assert cctracker_client.read_stdin(r, timeout_ms=30000, idle_ms=20) == b'{"a":1}\n'
    finally:
        os.close(w)
        os.close(r)


def test_read_stdin_incomplete_waits_for_timeout_only():
    r, w = os.pipe()
    os.write(w, b'{"a":')
    try:
        assert cctracker_client.read_stdin(r, timeout_ms=100, idle_ms=10) == b'{"a":'
    finally:
        os.close(w)
        os.close(r)


def test_read_stdin_large_payload_from_a_writer_process():
    """5 MB through a real pipe from another process (more than the pipe buffer)."""
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'{' + b'x' * 5_000_000 + b'}')"],
        stdout=subprocess.PIPE,
    )
    try:
        data = cctracker_client.read_stdin(writer.stdout.fileno())
    finally:
        writer.stdout.close()
        writer.wait(timeout=60)
    assert len(data) == 5_000_002


def test_read_stdin_closed_fd_returns_empty():
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    assert cctracker_client.read_stdin(r, timeout_ms=50) == b""


def test_hook_path_does_not_import_os_or_json(home, tmp_path):
    cctracker_client.record(b"{}")  # the first event ever creates the folders (uses os)
    payload = tmp_path / "payload.json"
    payload.write_bytes(b'{"hook_event_name": "Stop"}')
    code = (
        "import sys; sys.path.insert(0, %r); import cctracker_client;"
        "cctracker_client.run_hook();"
        "print(sorted(m for m in ('os', 'json', 'datetime', 'orjson') if m in sys.modules))"
    ) % (os.path.dirname(os.path.dirname(cctracker_client.__file__)),)
    with open(payload, "rb") as stdin:
        out = subprocess.run(
            [os.path.realpath(sys.executable), "-I", "-S", "-c", code],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        ).stdout
    assert out == "[]\n"
    assert [line.payload for line in lines(home)] == [{}, {"hook_event_name": "Stop"}]


def test_keep_error_round_trip(home):
    path = spool.keep_error(b"\x00\xffraw", "why\nnot")
    assert spool.read_error(path) == ("why not", b"\x00\xffraw")


def test_make_line_non_utf8_project_dir_stays_parseable():
    line = spool.make_line(b"{}", "2026-03-02T09:00:00.000000Z", "id1", project_dir=os.fsdecode(b"/src/caf\xe9"))
    assert spool_read.parse_line(line).project_dir == "/src/caf\ufffd"


def test_read_stdin_left_open_returns_once_the_json_is_whole():
    """No end-of-file and a one-minute idle timeout: the JSON check ends the read."""
    r, w = os.pipe()
    os.write(w, b'{"a": {"b": "}"}}')
    try:
        assert cctracker_client.read_stdin(r, timeout_ms=60000, idle_ms=60000) == b'{"a": {"b": "}"}}'
    finally:
        os.close(w)
        os.close(r)


def test_read_stdin_left_open_waits_past_a_brace_inside_a_string():
    r, w = os.pipe()
    os.write(w, b'{"a": "}')  # ends in a brace but is not a whole document
    try:
        assert cctracker_client.read_stdin(r, timeout_ms=60000, idle_ms=30) == b'{"a": "}'
    finally:
        os.close(w)
        os.close(r)


def test_record_received_as_epoch_nanoseconds(home):
    assert cctracker_client.record(b"{}", received=1_000_000_000_123_456_789) is True
    [line] = lines(home)
    assert line.received == "2001-09-09T01:46:40.123456Z"
