"""``cctracker install --statusline``: the real CLI on real settings files, and the command it
writes run through a shell as Claude Code runs it."""

import json
import os
import subprocess
import sys

from conftest import ROOT, SHARED

CLI = [sys.executable, "-m", "collector.cli"]
LATER = SHARED / "fixtures" / "statusline" / "cc-2.1.226_fleet_later-render-rate-limits.json"


def cli(*args, stdin=None):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL if stdin is None else stdin)


def settings(path):
    return json.loads(path.read_text())


def run_statusline(command, data, env=None):
    """As Claude Code does: the command through a shell, the payload on stdin."""
    return subprocess.run(command, shell=True, input=data, capture_output=True, timeout=60,
                          env=dict(os.environ, **(env or {})))


def test_install_writes_a_command_that_shows_model_and_observed_use(tmp_path, home):
    path = tmp_path / "settings.json"
    done = cli("install", "--statusline", "--settings", str(path))
    assert done.returncode == 0, done.stderr
    line = settings(path)["statusLine"]
    assert line["type"] == "command" and line["padding"] == 0
    # The test's data directory is not the default one, so the command carries it, as the hooks' do.
    assert line["command"] == 'CCTRACKER_HOME="%s" "%s" -I -S "%s" --cctracker-statusline' % (
        home, os.path.realpath(sys.executable), ROOT / "hooks" / "statusline.py")
    # Only an hour into the captured window (2026-08-09 07:20 UTC) is 7 % the current figure.
    env = {"CCTRACKER_EVENT_TIME": "2026-08-09T07:20:00Z", "CCTRACKER_HOME": str(home / "elsewhere")}
    result = run_statusline(line["command"], LATER.read_bytes(), env)
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.count("\n") == 1 and "Haiku 4.5" in out and "5h 7% (resets 08:20)" in out
    # And without a pinned clock (the window long reset) it still shows the 7 %, marked as past.
    result = run_statusline(line["command"], LATER.read_bytes())
    assert result.returncode == 0 and "Haiku 4.5" in result.stdout.decode() and "7%" in result.stdout.decode()
    # install also wrote the summary the status line reads; the payloads went to the carried home.
    assert json.loads((home / "statusline.json").read_text())["v"] == 1
    assert len((home / "spool" / "events.jsonl").read_text().splitlines()) == 2
    assert not (home / "elsewhere").exists()


def test_install_is_idempotent_backs_up_and_keeps_other_settings(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"model": "opus", "hooks": {}}, indent=2))
    assert cli("install", "--statusline", "--settings", str(path)).returncode == 0
    backups = list(tmp_path.glob("settings.json.bak-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == {"model": "opus", "hooks": {}}
    first = path.read_text()
    again = cli("install", "--statusline", "--settings", str(path))
    assert again.returncode == 0 and "Nothing to do" in again.stdout
    assert path.read_text() == first and len(list(tmp_path.glob("settings.json.bak-*"))) == 1
    assert settings(path)["model"] == "opus"


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path):
    path = tmp_path / "settings.json"
    done = cli("install", "--statusline", "--settings", str(path), "--dry-run")
    assert done.returncode == 0 and '+  "statusLine": {' in done.stdout
    assert not path.exists()


def test_someone_elses_status_line_is_never_replaced_silently(tmp_path):
    path = tmp_path / "settings.json"
    original = {"statusLine": {"type": "command", "command": "npx -y ccstatusline@latest", "padding": 2}}
    path.write_text(json.dumps(original))
    done = cli("install", "--statusline", "--settings", str(path))
    assert done.returncode == 1
    assert "already has a statusLine (npx -y ccstatusline@latest)" in done.stderr
    assert done.stderr.count("\n") == 1
    assert settings(path) == original


def test_wrap_keeps_theirs_and_uninstall_gives_it_back(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"statusLine": {"type": "command", "command": "echo 'their line'",
                                               "padding": 2, "refreshInterval": 5}}))
    assert cli("install", "--statusline", "--wrap-existing", "--settings", str(path)).returncode == 0
    line = settings(path)["statusLine"]
    assert line["padding"] == 2 and line["refreshInterval"] == 5
    result = run_statusline(line["command"], LATER.read_bytes())
    assert result.returncode == 0
    out = result.stdout.decode().splitlines()
    assert out[0] == "their line" and out[1].startswith("Haiku 4.5")
    # Re-installing keeps the wrap.
    assert cli("install", "--statusline", "--settings", str(path)).returncode == 0
    assert settings(path)["statusLine"] == line
    assert cli("uninstall", "--statusline", "--settings", str(path)).returncode == 0
    assert settings(path) == {"statusLine": {"type": "command", "command": "echo 'their line'",
                                             "padding": 2, "refreshInterval": 5}}


def test_replace_shows_only_ours_and_uninstall_restores_theirs(tmp_path):
    path = tmp_path / "settings.json"
    theirs = {"statusLine": {"type": "command", "command": "~/.claude/statusline.sh"}}
    path.write_text(json.dumps(theirs))
    assert cli("install", "--statusline", "--replace-existing", "--settings", str(path)).returncode == 0
    line = settings(path)["statusLine"]
    result = run_statusline(line["command"], LATER.read_bytes())
    assert result.stdout.decode().count("\n") == 1  # theirs is not run
    assert cli("uninstall", "--statusline", "--settings", str(path)).returncode == 0
    assert settings(path) == theirs


def test_uninstall_of_a_plain_install_removes_only_the_status_line(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"model": "opus"}))
    assert cli("install", "--statusline", "--settings", str(path)).returncode == 0
    assert cli("uninstall", "--statusline", "--settings", str(path)).returncode == 0
    assert settings(path) == {"model": "opus"}
    again = cli("uninstall", "--statusline", "--settings", str(path), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["changed"] is False


def test_conflicting_options_and_bad_files_fail_in_one_line(tmp_path):
    path = tmp_path / "settings.json"
    done = cli("install", "--statusline", "--wrap-existing", "--replace-existing", "--settings", str(path))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    path.write_text("{not json")
    done = cli("install", "--statusline", "--settings", str(path))
    assert done.returncode == 1 and "not valid JSON" in done.stderr
