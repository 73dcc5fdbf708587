"""``cctracker status`` and ``collector.serve.status.status_report``."""

import json
import os

import pytest
from click.testing import CliRunner

import cctracker_client
from collector import config as config_mod
from collector.cli import cli
from collector.serve.status import status_report
from collector.storage import db
from cctracker_client import spool
from hooks import install

NOW = 1_790_000_000.0  # a fixed "now" so ages are exact
DAY = 86400.0


@pytest.fixture(autouse=True)
def claude_dir(tmp_path, monkeypatch):
    path = tmp_path / "claude-config"
    path.mkdir()
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def report(**kwargs):
    return status_report(config_mod.load(), now=kwargs.pop("now", NOW), **kwargs)


def transcript(claude_dir, name, age_days):
    path = claude_dir / "projects" / "-home-dana-src-app" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"type":"user"}\n')
    os.utime(path, (NOW - age_days * DAY, NOW - age_days * DAY))
    return path


def test_status_fresh_install(home, claude_dir, tmp_path):
    r = report()
    assert [(h["scope"], h["path"], h["exists"], h["events"]) for h in r["hooks"]] == [
        ("user", str(claude_dir / "settings.json"), False, []),
        ("project", str(tmp_path / ".claude" / "settings.json"), False, []),
        ("local", str(tmp_path / ".claude" / "settings.local.json"), False, []),
    ]
    assert (r["spool"]["files"], r["spool"]["bytes"], r["spool"]["overflow_files"]) == (0, 0, 0)
    assert (r["errors"]["count"], r["errors"]["newest_reason"]) == (0, None)
    assert r["database"] is None
    assert r["transcripts"]["files"] == 0
    assert r["transcripts"]["cleanup_period_days"] == 30
    assert r["warnings"] == ["no cctracker hooks installed: run `cctracker install`"]


def test_status_hooks_installed_in_user_settings(claude_dir):
    install.install(str(claude_dir / "settings.json"))
    [user, project, local] = report()["hooks"]
    assert sorted(user["events"]) == sorted(e for e, _ in install.EVENTS)
    assert user["missing_events"] == []
    [command] = user["commands"]
    assert command["command"] == install.hook_command()
    assert (command["python"], command["python_exists"]) == (install.hook_python(), True)
    assert (command["script"], command["script_exists"]) == (install.hook_script(), True)
    assert (project["events"], local["events"]) == ([], [])
    assert report()["warnings"] == []


def test_status_warns_about_a_missing_interpreter_and_missing_events(claude_dir, home):
    path = claude_dir / "settings.json"
    command = 'CCTRACKER_HOME="%s" "/nonexistent/python3.9" -I -S "/gone/hooks/hook.py" --cctracker' % home
    path.write_text(json.dumps({"hooks": {"Stop": [{"hooks": [{"type": "command", "command": command}]}]}}))
    r = report()
    [c] = r["hooks"][0]["commands"]
    assert (c["python_exists"], c["script_exists"]) == (False, False)
    missing = [e for e, _ in install.EVENTS if e != "Stop"]
    assert r["warnings"] == [
        "user settings lack hooks for %s: run `cctracker install --scope user`" % ", ".join(missing),
        "user settings: hook interpreter /nonexistent/python3.9 is missing: run `cctracker install --scope user` again",
    ]


def test_status_reports_unreadable_settings(claude_dir):
    (claude_dir / "settings.json").write_text("{nope")
    r = report()
    assert r["hooks"][0]["error"].startswith("%s is not valid JSON" % (claude_dir / "settings.json"))
    assert r["hooks"][0]["error"] in r["warnings"]


def test_status_spool_backlog_and_overflow(home):
    for n in range(3):
        assert cctracker_client.record(b'{"n":%d}' % n)
    overflow = spool.write_overflow(spool.make_line(b'{"n":9}'), spool.spool_dir(str(home)))
    active = home / "spool" / spool.ACTIVE_NAME
    r = report()["spool"]
    assert (r["files"], r["bytes"], r["overflow_files"]) == (
        2,
        active.stat().st_size + os.path.getsize(overflow),
        1,
    )


def test_status_errors_count_and_newest_reason(home):
    assert cctracker_client.record(b"") is False
    assert cctracker_client.record(b"junk") is False
    older, newer = sorted((home / "errors").iterdir(), key=lambda p: spool.read_error(str(p))[0])
    os.utime(older, (NOW - 60, NOW - 60))  # "empty input" is the older one
    os.utime(newer, (NOW, NOW))
    r = report()
    assert (r["errors"]["count"], r["errors"]["newest"], r["errors"]["newest_reason"]) == (
        2,
        str(newer),
        "not a JSON object",
    )
    assert "2 input(s) kept under %s (newest: not a JSON object)" % (home / "errors") in r["warnings"]


def test_status_database_counts(home):
    config = config_mod.load()
    conn = db.connect(config.db_path)
    with conn:
        conn.execute("insert into sessions(id, session_uuid) values (1, 's-1'), (2, 's-2')")
        conn.execute(
            "insert into messages(uid, session_id, role, kind, content, content_hash, source) "
            "values ('m1', 1, 'user', 'prompt', 'hello', 'h1', 'hook')"
        )
        for n in range(3):
            conn.execute(
                "insert into tool_calls(session_id, tool_use_id, tool_name, status, source) "
                "values (2, ?, 'Bash', 'ok', 'hook')",
                ("toolu_%d" % n,),
            )
    conn.close()
    r = report()["database"]
    assert r["path"] == config.db_path
    assert r["rows"] == {"sessions": 2, "messages": 1, "tool_calls": 3}
    assert r["bytes"] >= os.path.getsize(config.db_path) > 0


def test_status_warns_when_transcripts_near_cleanup(claude_dir):
    transcript(claude_dir, "old.jsonl", 25)
    transcript(claude_dir, "older.jsonl", 29.5)
    transcript(claude_dir, "new.jsonl", 2)
    t = report()["transcripts"]
    assert (t["files"], t["oldest_age_days"], t["at_risk"], t["at_risk_not_imported"]) == (3, 29.5, 2, None)
    assert report()["warnings"][-1] == (
        "2 transcript(s) are within 7 days of Claude Code's cleanupPeriodDays (30 days) and will be "
        "deleted; import them or raise cleanupPeriodDays"
    )


def test_status_counts_imported_transcripts(home, claude_dir):
    done = transcript(claude_dir, "done.jsonl", 26)
    transcript(claude_dir, "todo.jsonl", 26)
    conn = db.connect(config_mod.load().db_path)
    with conn:
        conn.execute("insert into transcript_files(path, offset, size) values (?, ?, ?)",
                     (str(done), done.stat().st_size, done.stat().st_size))
    conn.close()
    t = report()["transcripts"]
    assert (t["at_risk"], t["at_risk_not_imported"]) == (2, 1)
    assert "(1 not imported yet)" in report()["warnings"][-1]


def test_status_honours_cleanup_period_days(claude_dir):
    transcript(claude_dir, "old.jsonl", 25)
    (claude_dir / "settings.json").write_text('{"cleanupPeriodDays": 90}')
    r = report()
    assert (r["transcripts"]["cleanup_period_days"], r["transcripts"]["at_risk"]) == (90, 0)
    assert not any("cleanupPeriodDays" in w for w in r["warnings"])


def test_status_warns_when_cleanup_period_is_zero(claude_dir):
    (claude_dir / "settings.json").write_text('{"cleanupPeriodDays": 0}')
    assert report()["warnings"][-1] == (
        "Claude Code's cleanupPeriodDays is 0: transcripts are not kept; set it higher in %s"
        % (claude_dir / "settings.json")
    )


def test_status_cli_text_and_json(home, claude_dir):
    install.install(str(claude_dir / "settings.json"))
    cctracker_client.record(b'{"n":1}')
    runner = CliRunner()
    result = runner.invoke(cli, ["status"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Data: %s" % home
    assert lines[2] == "  user     %s: 13/13 events" % (claude_dir / "settings.json")
    assert lines[3] == "           %s [ok]" % install.hook_command()
    size = (home / "spool" / spool.ACTIVE_NAME).stat().st_size
    assert "Spool: 1 file(s), %d B waiting (0 overflow)" % size in lines
    assert "Errors kept: 0" in lines
    assert "Database: none yet" in lines
    assert not any(line.startswith("Warning") for line in lines)
    as_json = json.loads(runner.invoke(cli, ["status", "--json"]).output)
    assert as_json["spool"]["bytes"] == size
    assert as_json["hooks"][0]["events"] == sorted(e for e, _ in install.EVENTS)


def test_status_uses_real_time_by_default(claude_dir):
    transcript(claude_dir, "x.jsonl", 0)
    os.utime(claude_dir / "projects" / "-home-dana-src-app" / "x.jsonl")
    r = status_report(config_mod.load())
    assert 0 <= r["transcripts"]["oldest_age_days"] < 1


@pytest.mark.parametrize("zone, line, days", [
    ("HST10", "Days: local time, HST (UTC-10:00)",
     {"zone": "HST", "utc_offset": "-10:00", "summer_utc_offset": None}),
    ("PST8PDT,M3.2.0,M11.1.0", "Days: local time, PST/PDT (UTC-08:00, summer UTC-07:00)",
     {"zone": "PST/PDT", "utc_offset": "-08:00", "summer_utc_offset": "-07:00"}),
])
def test_status_names_the_time_zone_days_follow(home, zone, line, days):
    import subprocess

    from conftest import PYTHON

    env = dict(os.environ, TZ=zone)
    run = [PYTHON, "-m", "collector.cli", "status"]
    assert line in subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    report = json.loads(subprocess.run(run + ["--json"], env=env, capture_output=True, text=True, check=True).stdout)
    assert report["days"] == days
