"""The status line, run the way Claude Code runs it: the installed command through a shell,
each real payload of ../shared/fixtures/statusline on stdin, real files on disk."""

import json
import os
import select
import subprocess
import sys

import pytest

from cctracker_client import statusline
from collector import config as config_mod
from collector.ingest import drain
from collector.storage import db
from collector.usage import limits
from conftest import ROOT, SHARED

PAYLOADS = SHARED / "fixtures" / "statusline"
SCRIPT = str(ROOT / "hooks" / "statusline.py")
PYTHON = os.path.realpath(sys.executable)
LATER = PAYLOADS / "cc-2.1.226_fleet_later-render-rate-limits.json"
FIRST = PAYLOADS / "cc-2.1.226_fleet_first-render.json"
#: An hour before the captured five-hour window resets (2026-08-09T08:20:00Z).
DURING = "2026-08-09T07:20:00Z"


def run(data, env=None, args=()):
    done = subprocess.run([PYTHON, "-I", "-S", SCRIPT, *args], input=data, capture_output=True,
                          env=dict(os.environ, **(env or {})), timeout=30)
    assert done.returncode == 0 and done.stderr == b""
    lines = done.stdout.decode().splitlines()
    return lines


def spooled(home):
    path = home / "spool" / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


EXPECTED = {
    # Never-ran collector: no today's cost, no estimate; the payload's own figures only.
    "cc-1.0.88_ccusage_mid-session.json": "Sonnet 4 · $0.06 session · – today · 5h n/a",
    "cc-2.0.76_starship-claude_session-start.json": "Sonnet 4.5 · $0.00 session · – today · 5h n/a · ctx –",
    "cc-2.0.76_starship-claude_mid-session.json":
        # No used_percentage before 2.1.6: (8 + 31373 + 0) / 200000 = 15.7 %.
        "Sonnet 4.5 · $0.71 session · – today · 5h n/a · ctx 16%",
    "cc-2.0.76_starship-claude_long-session-cumulative-totals.json":
        # current_usage, not the cumulative totals: (8 + 1186 + 78817) / 200000 = 40.0 %.
        "Sonnet 4.5 · $10.04 session · – today · 5h n/a · ctx 40%",
    "cc-2.0.76_starship-claude_current-usage-null.json": "Sonnet 4.5 · $10.07 session · – today · 5h n/a · ctx –",
    "cc-2.1.226_fleet_first-render.json": "Haiku 4.5 · $0.00 session · – today · 5h n/a · ctx –",
    "cc-2.1.226_fleet_later-render-rate-limits.json":
        "Haiku 4.5 · $0.17 session · – today · 5h 7% (resets 08:20) · 7d 75% (resets Tue 00:00) · ctx 22%",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_payload_gives_one_line_and_one_event(home, name):
    data = (PAYLOADS / name).read_bytes()
    assert run(data, {"CCTRACKER_EVENT_TIME": DURING}) == [EXPECTED[name]]
    [line] = spooled(home)
    payload = line["p"]
    assert payload.pop("hook_event_name") == "Status"
    assert payload == json.loads(data)  # otherwise exactly what Claude Code sent
    assert line["t"] == "2026-08-09T07:20:00.000000Z"


def test_after_the_window_reset_the_old_figure_is_marked(home):
    # Without a pinned clock it is now long after 2026-08-09: the figure is history.
    [line] = run(LATER.read_bytes())
    assert line.startswith("Haiku 4.5 · $0.17 session")
    assert "5h was 7%, reset" in line and "7d was 75%, reset" in line


def test_stdin_that_never_closes(home):
    proc = subprocess.Popen([PYTHON, "-I", "-S", SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, CCTRACKER_EVENT_TIME=DURING))
    try:
        proc.stdin.write(LATER.read_bytes())
        proc.stdin.flush()  # ...and never closed
        ready = select.select([proc.stdout], [], [], 10)[0]
        assert ready, "the status line waited for an end-of-file that never comes"
        assert proc.wait(10) == 0
        assert proc.stdout.read().decode().splitlines() == [EXPECTED[LATER.name]]
    finally:
        proc.kill()
        proc.stdin.close()
        proc.stdout.close()
        proc.stderr.close()
    assert len(spooled(home)) == 1


def test_stdin_open_and_silent_gives_up_at_its_deadline(home):
    proc = subprocess.Popen([PYTHON, "-I", "-S", SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.wait(10) == 0
        assert proc.stdout.read() == b"cctracker: no status input\n"
    finally:
        proc.kill()
        proc.stdin.close()
        proc.stdout.close()
    assert spooled(home) == []


@pytest.mark.parametrize("data,line", [(b"", "cctracker: no status input"),
                                       (b"not json", "cctracker: unreadable status input"),
                                       (b"[1, 2]", "cctracker: unreadable status input")])
def test_bad_input_still_prints_and_exits_0(home, data, line):
    assert run(data) == [line]
    assert spooled(home) == []


def test_columns_cut_the_line(home):
    [line] = run(LATER.read_bytes(), {"CCTRACKER_EVENT_TIME": DURING, "COLUMNS": "20"})
    assert line == "Haiku 4.5 · $0.17 s…"


def drain_all(home):
    config = config_mod.load(str(home))
    conn = db.connect(config.db_path)
    drain.drain_once(conn, config)
    return config, conn


def test_the_drain_keeps_observed_limits_once_per_change(home):
    for at in ("2026-08-09T07:10:00Z", "2026-08-09T07:11:00Z"):
        run(LATER.read_bytes(), {"CCTRACKER_EVENT_TIME": at})
    run(FIRST.read_bytes(), {"CCTRACKER_EVENT_TIME": "2026-08-09T07:12:00Z"})
    config, conn = drain_all(home)
    assert conn.execute("select observed_at, window, used_percentage, resets_at from rate_limit_observations"
                        " order by id").fetchall() == [
        ("2026-08-09T07:10:00.000000Z", "five_hour", 7.000000000000001, "2026-08-09T08:20:00.000000Z"),
        ("2026-08-09T07:10:00.000000Z", "seven_day", 75.0, "2026-08-11T00:00:00.000000Z"),
    ]
    # Figures, not activity: no session is opened by a status line.
    assert conn.execute("select count(*) from sessions").fetchone()[0] == 0
    assert conn.execute("select model_display, cost_usd, context_used_percentage from statusline_latest"
                        ).fetchall() == [("Haiku 4.5", 0.0, None)]  # the newest payload: the first render


def test_summary_gives_today_cost_block_estimate_and_other_sessions_limits(home):
    import datetime

    run(LATER.read_bytes(), {"CCTRACKER_EVENT_TIME": "2026-08-09T07:10:00Z"})
    config, conn = drain_all(home)
    now = datetime.datetime(2026, 8, 9, 7, 30, tzinfo=datetime.timezone.utc)
    with conn:
        conn.execute("insert into model_prices (match, family, input_per_mtok, output_per_mtok,"
                     " cache_write_5m_per_mtok, cache_read_per_mtok, price_date) values"
                     " ('test-model', 'test', 1, 10, 2, 0.5, '2026-01-01')")
        for at, inp, out in (("2026-08-09T06:05:00.000000Z", 1000, 100), ("2026-08-09T06:35:00.000000Z", 2000, 200)):
            conn.execute("insert into token_usage (message_id, request_id, model, input_tokens, output_tokens, at)"
                         " values (?, ?, 'test-model', ?, ?, ?)", (at, at, inp, out, at))
    import time as time_mod

    limits.refresh_blocks(conn)  # as the collector does after each drain
    summary = limits.summary(conn, config, now)
    # 3000 input at $1/M + 300 output at $10/M = $0.006; the block 06:00-11:00.
    assert summary["block"] == {"start": 1786255200.0, "end": 1786273200.0, "last_entry": 1786257300.0,
                                "cost_usd": 0.006, "tokens": 3300}
    assert summary["limits"]["five_hour"] == {"used_percentage": 7.000000000000001, "resets_at": 1786263600.0,
                                              "observed_at": 1786259400.0}
    assert summary["day"] == time_mod.strftime("%Y-%m-%d")  # today's, whatever the date of the rows
    limits.write_summary(conn, config, now)
    assert oct(os.stat(home / "statusline.json").st_mode & 0o777) == "0o600"
    # A later session's first render (no rate_limits) still shows the account's observed figure.
    [line] = run(FIRST.read_bytes(), {"CCTRACKER_EVENT_TIME": "2026-08-09T07:30:00Z"})
    assert line == "Haiku 4.5 · $0.00 session · – today · 5h 7% (resets 08:20) 20m ago · 7d 75% (resets Tue 00:00) 20m ago · ctx –"


def test_estimated_block_when_nothing_was_observed(home):
    home.mkdir(parents=True, exist_ok=True)
    now = 1786258800.0  # 2026-08-09T07:00:00Z
    (home / "statusline.json").write_text(json.dumps({
        "v": 1, "day": "2026-08-09", "today_cost_usd": 1.234, "block": {"start": now - 3600, "end": now + 4 * 3600 - 300,
                                                                         "cost_usd": 0.456, "tokens": 10},
        "limits": {}}))
    line = statusline.render(json.loads(FIRST.read_bytes()), statusline.read_summary(str(home)), now)
    assert line == "Haiku 4.5 · $0.00 session · $1.23 today · block $0.46, 3h55m left (est.) · ctx –"
    line = statusline.render(json.loads(FIRST.read_bytes()), statusline.read_summary(str(home)), now + 5 * 3600)
    assert "no active block (est.)" in line


def test_format_setting_reaches_the_status_line(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('statusline_format = "{project} | {model} | {block} | {nonsense}{lines}"\n')
    config, conn = drain_all(home)
    limits.write_summary(conn, config)
    [line] = run(LATER.read_bytes(), {"CCTRACKER_EVENT_TIME": DURING})
    assert line == "w50d-probe | Haiku 4.5 | 5h 7% (resets 08:20) | +0/-0"


def test_a_broken_format_falls_back_to_the_default(home):
    summary = {"format": "{model"}
    line = statusline.render(json.loads(LATER.read_bytes()), summary, 1786260000.0)
    assert line.startswith("Haiku 4.5 · $0.17 session")


def test_wrap_runs_the_previous_command_with_the_same_stdin(home, tmp_path):
    seen = tmp_path / "seen.json"
    lines = run(LATER.read_bytes(), {"CCTRACKER_EVENT_TIME": DURING},
                ("--wrap", "cat > '%s'; echo theirs" % seen, "--cctracker-statusline"))
    assert lines == ["theirs", EXPECTED[LATER.name]]
    assert seen.read_bytes() == LATER.read_bytes().strip()


def test_the_cli_entry_is_the_same_status_line(home):
    done = subprocess.run([sys.executable, "-m", "collector.cli", "statusline"], input=LATER.read_bytes(),
                          capture_output=True, env=dict(os.environ, CCTRACKER_EVENT_TIME=DURING), timeout=60)
    assert done.returncode == 0
    assert done.stdout.decode().splitlines() == [EXPECTED[LATER.name]]


def test_the_status_line_imports_nothing_heavy():
    code = ("import sys; sys.path.insert(0, %r); from cctracker_client import statusline;"
            " statusline.loads(b'{}'); print(sorted(sys.modules))" % str(ROOT))
    out = subprocess.run([PYTHON, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=30).stdout
    modules = set(eval(out))
    assert not modules & {"json", "re", "orjson", "filelock", "click", "collector", "sqlite3", "apsw", "os"}
