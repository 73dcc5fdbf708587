"""The hook follows CCTRACKER_HOME, survives reinstalls, and ``status`` finds it in every file."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from collector import config as config_mod
from collector.cli import cli
from collector.serve.status import status_report
from conftest import HOOK_FIXTURES, ROOT
from cctracker_client import spool, spool_read
from hooks import install, locations

SCRIPT = str(ROOT / "hooks" / "hook.py")
PYTHON = os.path.realpath(sys.executable)


@pytest.fixture(autouse=True)
def places(tmp_path, monkeypatch):
    """A fake $HOME (so the default home is known), a project folder as cwd, no managed file."""
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setattr(locations, "MANAGED_SETTINGS_DEFAULT", str(tmp_path / "etc" / "managed-settings.json"))
    monkeypatch.setattr(locations, "MANAGED_SETTINGS", {})
    return {"home": user_home, "project": project, "tmp": tmp_path}


@pytest.fixture
def claude_dir(tmp_path):
    return tmp_path / "claude-config"  # conftest's home fixture points CLAUDE_CONFIG_DIR here


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def commands(path):
    return sorted({c for cs in install.installed(json.loads(path.read_text())).values() for c in cs})


def test_default_home_is_not_carried(monkeypatch, places):
    monkeypatch.setenv("CCTRACKER_HOME", str(places["home"] / ".cctracker"))
    assert install.hook_command() == '"%s" -I -S "%s" --cctracker' % (PYTHON, SCRIPT)
    monkeypatch.delenv("CCTRACKER_HOME")
    assert install.hook_command() == '"%s" -I -S "%s" --cctracker' % (PYTHON, SCRIPT)


def test_other_home_is_carried_and_the_hook_records_there(home, places, claude_dir):
    assert run("install").exit_code == 0
    settings = claude_dir / "settings.json"
    [command] = commands(settings)
    assert command == 'CCTRACKER_HOME="%s" "%s" -I -S "%s" --cctracker' % (home, PYTHON, SCRIPT)
    # Claude Code's environment does not have the CCTRACKER_HOME install ran with.
    env = {k: v for k, v in os.environ.items() if k != "CCTRACKER_HOME"}
    data = (HOOK_FIXTURES / "user_prompt_submit.json").read_bytes()
    done = subprocess.run(command, shell=True, input=data, capture_output=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    [(raw, _)] = list(spool_read.read_lines(str(home / "spool" / spool.ACTIVE_NAME)))
    assert spool_read.parse_line(raw).payload == json.loads(data)
    assert not (places["home"] / ".cctracker").exists()


def test_reinstall_after_an_upgrade_rewrites_the_command_in_place(home, claude_dir):
    settings = claude_dir / "settings.json"
    old = 'CCTRACKER_HOME="%s" "/gone/python3.9" -I -S "/gone/site-packages/hooks/hook.py" --cctracker' % home
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"hooks": {"Stop": [{"hooks": [{"type": "command", "command": old}]}]}}))
    warnings = status_report(config_mod.load())["warnings"]
    assert "user settings: hook interpreter /gone/python3.9 is missing: run `cctracker install --scope user` " \
           "again" in warnings
    assert run("install").exit_code == 0
    assert commands(settings) == [install.hook_command()]
    assert len(json.loads(settings.read_text())["hooks"]["Stop"]) == 1
    assert run("install").output == "Already installed in %s (13 events).\n" % settings


def test_status_names_a_hook_that_records_into_another_home(home, claude_dir, places):
    settings = claude_dir / "settings.json"
    install.install(str(settings), command=install.hook_command(home=None))
    warnings = status_report(config_mod.load())["warnings"]
    assert warnings == [
        "user settings: the hook records into %s, but this cctracker reads %s: run `cctracker install --scope user` "
        "with the CCTRACKER_HOME you use" % (places["home"] / ".cctracker", home)]


def test_status_names_a_hook_of_another_installation(home, claude_dir, tmp_path):
    other = tmp_path / "old-checkout" / "hooks" / "hook.py"
    other.parent.mkdir(parents=True)
    other.write_text("")
    install.install(str(claude_dir / "settings.json"), command=install.hook_command(script=str(other)))
    assert status_report(config_mod.load())["warnings"] == [
        "user settings: the hook runs another cctracker installation (%s): run `cctracker install --scope user` "
        "to point it at this one" % other]
    lines = run("status").output.splitlines()
    assert "           %s [another installation]" % install.hook_command(script=str(other)) in lines


def test_status_finds_a_settings_file_install_wrote_from_any_directory(tmp_path, monkeypatch):
    custom = tmp_path / "elsewhere" / "my-settings.json"
    assert run("install", "--settings", str(custom)).exit_code == 0
    monkeypatch.chdir(tmp_path)
    hooks = status_report(config_mod.load())["hooks"]
    [found] = [h for h in hooks if h["path"] == str(custom)]
    assert (found["scope"], len(found["events"])) == ("file", 13)
    assert status_report(config_mod.load())["warnings"] == []
    assert run("uninstall", "--settings", str(custom)).exit_code == 0
    assert str(custom) not in [h["path"] for h in status_report(config_mod.load())["hooks"]]


def test_status_finds_a_project_scope_install_from_another_directory(tmp_path, monkeypatch, places):
    assert run("install", "--scope", "project").exit_code == 0
    monkeypatch.chdir(tmp_path)
    hooks = status_report(config_mod.load())["hooks"]
    path = str(places["project"] / ".claude" / "settings.json")
    assert [(h["scope"], len(h["events"])) for h in hooks if h["path"] == path] == [("file", 13)]
    # From the project itself it is the project scope, listed once.
    monkeypatch.chdir(places["project"])
    hooks = status_report(config_mod.load())["hooks"]
    assert [(h["scope"], len(h["events"])) for h in hooks if h["path"] == path] == [("project", 13)]


def test_status_settings_option_reads_a_file_written_by_hand(tmp_path):
    by_hand = tmp_path / "team-settings.json"
    install.install(str(by_hand))  # the library, not the CLI: nothing remembered
    assert str(by_hand) not in [h["path"] for h in status_report(config_mod.load())["hooks"]]
    result = run("status", "--settings", str(by_hand), "--json")
    [found] = [h for h in json.loads(result.output)["hooks"] if h["path"] == str(by_hand)]
    assert len(found["events"]) == 13
    text = run("status", "--settings", str(by_hand)).output
    assert "  file     %s: 13/13 events" % by_hand in text.splitlines()


def test_status_reads_managed_settings_only_when_present(places):
    managed = places["tmp"] / "etc" / "managed-settings.json"
    assert "managed" not in [h["scope"] for h in status_report(config_mod.load())["hooks"]]
    managed.parent.mkdir()
    install.install(str(managed))
    [found] = [h for h in status_report(config_mod.load())["hooks"] if h["scope"] == "managed"]
    assert (found["path"], len(found["events"])) == (str(managed), 13)


def test_remembered_file_survives_damage(home):
    home.mkdir(parents=True)
    (home / locations.REMEMBERED_NAME).write_text("{not json")
    assert locations.remembered(str(home)) == []
    locations.remember(str(home), "/a/settings.json")
    locations.remember(str(home), "/a/settings.json")
    assert locations.remembered(str(home)) == ["/a/settings.json"]
