"""After-drain work under serve: the stream signal, the summary file, desktop notifications."""

import datetime as dt
import os
import stat

from collector import config as config_mod
from collector.ingest import drain
from collector.serve import live
from collector.storage import db
from replay import run_hook

SESSION = "0c4e9a51-7d2b-4f6e-8a31-5b9c0d2e7f14"


def stamp(at):
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def setup_wait(home, started):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("permission_notify_seconds = 60.0\n")
    base = {"session_id": SESSION, "cwd": "/home/dana/src/acme-billing", "tool_name": "Bash",
            "tool_input": {"command": "rm -rf build"}}
    for offset, payload in ((-5, dict(base, hook_event_name="PreToolUse", tool_use_id="t1")),
                            (0, dict(base, hook_event_name="PermissionRequest"))):
        assert run_hook(payload, home, at=stamp(started + dt.timedelta(seconds=offset))).returncode == 0
    config = config_mod.load(str(home))
    conn = db.connect(config.db_path)
    drain.drain_once(conn, config)
    return config, conn


def test_a_long_permission_wait_is_announced_once(home):
    now = dt.datetime.now(dt.timezone.utc)
    config, conn = setup_wait(home, now - dt.timedelta(seconds=125))
    after = live.AfterDrain(config)
    sent = []
    assert len(after.notify_permission_waits(conn, now, send=lambda *a: sent.append(a))) == 1
    assert sent == [("Claude Code is waiting", "acme-billing has waited 2 min for permission to run Bash")]
    assert after.notify_permission_waits(conn, now, send=lambda *a: sent.append(a)) == []
    conn.close()


def test_a_short_wait_is_not_announced(home):
    now = dt.datetime.now(dt.timezone.utc)
    config, conn = setup_wait(home, now - dt.timedelta(seconds=30))
    assert live.AfterDrain(config).notify_permission_waits(conn, now, send=lambda *a: None) == []
    conn.close()


def test_notify_send_is_run_with_title_and_body(tmp_path, monkeypatch):
    seen = tmp_path / "seen.txt"
    program = tmp_path / "bin" / "notify-send"
    program.parent.mkdir()
    program.write_text('#!/bin/sh\nprintf "%%s\\n" "$@" > "%s"\n' % seen)
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(program.parent) + os.pathsep + os.environ["PATH"])
    assert live.desktop_notify("Claude Code is waiting", "acme-billing has waited 2 min") is True
    assert seen.read_text().splitlines() == ["--app-name=cctracker", "Claude Code is waiting",
                                             "acme-billing has waited 2 min"]
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert live.desktop_notify("t", "b") is False


def test_after_drain_bumps_the_stream_signal_and_writes_the_summary(home):
    now = dt.datetime.now(dt.timezone.utc)
    config, conn = setup_wait(home, now - dt.timedelta(seconds=10))
    before = live.stored.generation
    after = live.AfterDrain(config)
    after.config.permission_notify_seconds = 0.0  # no desktop here
    after(conn)
    assert live.stored.generation == before + 1
    assert (home / "statusline.json").exists()
    after(conn)  # nothing new stored: no wake-up
    assert live.stored.generation == before + 1
    conn.close()
