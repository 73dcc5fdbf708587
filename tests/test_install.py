"""``cctracker install`` / ``uninstall`` on real settings files."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from collector.cli import cli
from conftest import HOOK_FIXTURES, ROOT
from cctracker_client import spool, spool_read
from hooks import install

EVENT_NAMES = [e for e, _ in install.EVENTS]
COMMAND = '"%s" -I -S "%s" --cctracker' % (os.path.realpath(sys.executable), ROOT / "hooks" / "hook.py")


def command():
    """What install writes in a test: every test's CCTRACKER_HOME is not the default, so it is carried."""
    return 'CCTRACKER_HOME="%s" %s' % (os.environ["CCTRACKER_HOME"], COMMAND)

POPULATED = {
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "model": "opus",
    "cleanupPeriodDays": 90,
    "permissions": {"allow": ["Bash(git status)", "Read(~/src/**)"], "deny": ["Read(./.env)"]},
    "env": {"MY_FLAG": "1"},
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "~/bin/guard.sh", "timeout": 10}]}
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send 'done'"}]}],
        "CwdChanged": [{"hooks": [{"type": "command", "command": "direnv export json"}]}],
    },
    "statusLine": {"type": "command", "command": "~/.claude/statusline.sh"},
}


@pytest.fixture(autouse=True)
def claude_dir(tmp_path, monkeypatch):
    """Keep every test away from the real ~/.claude."""
    path = tmp_path / "claude-config"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(path))
    monkeypatch.chdir(tmp_path)
    return path


@pytest.fixture
def settings(claude_dir):
    return claude_dir / "settings.json"


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def load(path):
    return json.loads(path.read_text())


def backups(path):
    return sorted(p.name for p in path.parent.glob(path.name + ".bak-*"))


def ours(event, sync=False):
    entry = {"type": "command", "command": command(), "timeout": 2 if event == "SessionEnd" else 5}
    if not sync:
        entry["async"] = True
    return entry


def expected_groups(event, sync=False):
    group = {"matcher": "*"} if dict(install.EVENTS)[event] else {}
    group["hooks"] = [ours(event, sync)]
    return [group]


def test_install_missing_file_creates_it(settings):
    result = run("install")
    assert result.exit_code == 0
    assert result.output == "Installed the cctracker hook for 13 events in %s (async).\n" % settings
    assert load(settings) == {"hooks": {e: expected_groups(e) for e in EVENT_NAMES}}
    assert backups(settings) == []
    assert settings.read_text().endswith("}\n")


@pytest.mark.parametrize("content", ["", "   \n", "{}"], ids=["zero-bytes", "whitespace", "empty-object"])
def test_install_empty_file(settings, content):
    settings.parent.mkdir(parents=True)
    settings.write_text(content)
    assert run("install").exit_code == 0
    assert load(settings) == {"hooks": {e: expected_groups(e) for e in EVENT_NAMES}}
    [backup] = backups(settings)
    assert (settings.parent / backup).read_text() == content
    assert run("uninstall").exit_code == 0
    assert load(settings) == {}


def test_install_populated_keeps_everything(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps(POPULATED, indent=4))
    assert run("install").exit_code == 0
    after = load(settings)
    assert {k: v for k, v in after.items() if k != "hooks"} == {k: v for k, v in POPULATED.items() if k != "hooks"}
    assert list(after) == list(POPULATED)  # key order kept
    assert after["hooks"]["PreToolUse"] == POPULATED["hooks"]["PreToolUse"] + expected_groups("PreToolUse")
    assert after["hooks"]["Stop"] == POPULATED["hooks"]["Stop"] + expected_groups("Stop")
    assert after["hooks"]["CwdChanged"] == POPULATED["hooks"]["CwdChanged"]
    assert sorted(install.installed(after)) == sorted(EVENT_NAMES)


def test_install_then_uninstall_gives_back_the_same_json(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps(POPULATED))
    assert run("install").exit_code == 0
    assert run("uninstall").exit_code == 0
    assert load(settings) == POPULATED
    assert len(backups(settings)) == 2


def test_install_twice_is_install_once(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps(POPULATED))
    run("install")
    once = settings.read_bytes()
    result = run("install")
    assert result.output == "Already installed in %s (13 events).\n" % settings
    assert settings.read_bytes() == once
    assert len(backups(settings)) == 1


def test_install_replaces_an_old_location_in_place(settings):
    old = '"/old/venv/bin/python3" -I -S "/old/place/hooks/hook.py" --cctracker'
    before = {
        "hooks": {
            "Stop": [
                {"hooks": [{"type": "command", "command": "say done"}, {"type": "command", "command": old}]},
            ],
            # Two copies left by hand-editing: they collapse into one.
            "PreToolUse": [
                {"matcher": "*", "hooks": [{"type": "command", "command": old, "timeout": 60}]},
                {"matcher": "*", "hooks": [{"type": "command", "command": "cctracker-hook"}]},
            ],
        }
    }
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps(before))
    assert run("install").exit_code == 0
    after = load(settings)
    assert after["hooks"]["Stop"] == [
        {"hooks": [{"type": "command", "command": "say done"}, ours("Stop")]},
    ]
    assert after["hooks"]["PreToolUse"] == expected_groups("PreToolUse")
    assert install.installed(after) == {e: [command()] for e in EVENT_NAMES}


def test_install_sync_has_no_async_key(settings):
    assert run("install", "--sync").exit_code == 0
    assert load(settings) == {"hooks": {e: expected_groups(e, sync=True) for e in EVENT_NAMES}}
    # Switching back to async changes each handler where it stands.
    assert run("install").exit_code == 0
    assert load(settings) == {"hooks": {e: expected_groups(e) for e in EVENT_NAMES}}


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"model": "opus",}', "is not valid JSON (line 1 column 18: Expecting property name enclosed in double quotes)"),
        ("[1, 2]", "the top level is not a JSON object"),
        ('{"hooks": []}', '"hooks" is not a JSON object'),
        ('{"hooks": {"Stop": {}}}', '"hooks.Stop" is not a list'),
    ],
    ids=["trailing-comma", "array", "hooks-array", "event-object"],
)
@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_invalid_settings_refused_and_untouched(settings, content, message, command):
    settings.parent.mkdir(parents=True)
    settings.write_text(content)
    result = run(command)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: %s" % settings)
    assert message in result.output
    assert settings.read_text() == content
    assert sorted(p.name for p in settings.parent.iterdir()) == ["settings.json"]


def test_dry_run_prints_diff_and_writes_nothing(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text('{"model": "opus"}')
    result = run("install", "--dry-run")
    assert result.exit_code == 0
    assert result.output.startswith("--- %s\n+++ %s\n" % (settings, settings))
    assert '-{"model": "opus"}\n' in result.output
    assert '+  "model": "opus",\n' in result.output
    assert result.output.count('"async": true') == 13
    assert settings.read_text() == '{"model": "opus"}'
    assert sorted(p.name for p in settings.parent.iterdir()) == ["settings.json"]


def test_dry_run_on_missing_file_creates_nothing(settings):
    result = run("install", "--dry-run")
    assert result.output.startswith("--- /dev/null\n+++ %s\n" % settings)
    assert not settings.parent.exists()


def test_uninstall_dry_run_writes_nothing(settings):
    run("install")
    before = settings.read_bytes()
    result = run("uninstall", "--dry-run")
    assert result.output.count("-            \"async\": true") == 13
    assert settings.read_bytes() == before


def test_uninstall_without_our_hooks_changes_nothing(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps(POPULATED))
    result = run("uninstall")
    assert result.output == "No cctracker hooks in %s.\n" % settings
    assert settings.read_text() == json.dumps(POPULATED)
    assert backups(settings) == []


def test_uninstall_missing_file(settings):
    assert run("uninstall").output == "No cctracker hooks in %s.\n" % settings
    assert not settings.exists()


@pytest.mark.parametrize(
    "scope, relative",
    [("project", ".claude/settings.json"), ("local", ".claude/settings.local.json")],
)
def test_install_project_scopes(tmp_path, settings, scope, relative):
    assert run("install", "--scope", scope).exit_code == 0
    assert sorted(install.installed(load(tmp_path / relative))) == sorted(EVENT_NAMES)
    assert not settings.exists()


def test_install_explicit_settings_path(tmp_path):
    path = tmp_path / "somewhere" / "my-settings.json"
    result = run("install", "--settings", str(path), "--json")
    change = json.loads(result.output)
    assert (change["path"], change["changed"], change["written"], change["backup"]) == (str(path), True, True, None)
    assert change["events"] == sorted(EVENT_NAMES)
    assert sorted(install.installed(load(path))) == sorted(EVENT_NAMES)


def test_install_keeps_file_mode(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text("{}")
    settings.chmod(0o640)
    run("install")
    assert settings.stat().st_mode & 0o777 == 0o640


def test_install_follows_a_symlinked_settings_file(tmp_path, settings):
    target = tmp_path / "dotfiles" / "claude-settings.json"
    target.parent.mkdir()
    target.write_text('{"model": "opus"}')
    settings.parent.mkdir(parents=True)
    settings.symlink_to(target)
    run("install")
    assert settings.is_symlink()
    assert load(target)["model"] == "opus"
    assert sorted(install.installed(load(target))) == sorted(EVENT_NAMES)


def test_installed_command_runs_the_hook(settings, home):
    """The command written into settings, run through a shell as Claude Code does."""
    run("install")
    command = load(settings)["hooks"]["PostToolUse"][0]["hooks"][0]["command"]
    data = (HOOK_FIXTURES / "post_tool_use_edit.json").read_bytes()
    result = subprocess.run(command, shell=True, input=data, capture_output=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
    [(raw, _)] = list(spool_read.read_lines(str(home / "spool" / spool.ACTIVE_NAME)))
    assert spool_read.parse_line(raw).payload == json.loads(data)


def test_cli_install_as_a_real_process(tmp_path, settings):
    cctracker = os.path.join(os.path.dirname(sys.executable), "cctracker")
    result = subprocess.run([cctracker, "install"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(install.installed(load(settings))) == sorted(EVENT_NAMES)
    settings.write_text("{oops")
    result = subprocess.run([cctracker, "uninstall"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert settings.read_text() == "{oops"


def test_hook_command_quotes_awkward_paths():
    assert install.hook_command("/opt/py 3/bin/python", "/x/hooks/hook.py", home=None) == (
        '"/opt/py 3/bin/python" -I -S "/x/hooks/hook.py" --cctracker'
    )
    assert install.hook_command("/opt/$HOME/python", "/x/hooks/hook.py", home=None) == (
        "'/opt/$HOME/python' -I -S \"/x/hooks/hook.py\" --cctracker"
    )


@pytest.mark.parametrize(
    "entry, expected",
    [
        ({"type": "command", "command": COMMAND}, True),
        ({"command": "/usr/bin/python3 /p/hooks/hook.py --cctracker"}, True),
        ({"type": "command", "command": "/home/u/.local/bin/cctracker-hook"}, True),
        ({"type": "command", "command": "python3 /other/hooks/hook.py"}, False),
        ({"type": "http", "url": "http://127.0.0.1/--cctracker hook.py"}, False),
        ({"type": "command", "command": "echo --cctracker"}, False),
        ("not a dict", False),
    ],
    ids=["ours", "no-type", "console-script", "other-hook-py", "http", "marker-only", "junk"],
)
def test_is_ours(entry, expected):
    assert install.is_ours(entry) is expected


def test_uninstall_keeps_a_handler_the_user_added_to_our_group(settings):
    run("install")
    edited = load(settings)
    edited["hooks"]["Stop"][0]["hooks"].append({"type": "command", "command": "say done"})
    settings.write_text(json.dumps(edited))
    run("uninstall")
    assert load(settings) == {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}}


def test_install_then_uninstall_on_an_empty_hooks_object(settings):
    """The one lossy round trip: an empty "hooks" object the user kept is dropped."""
    settings.parent.mkdir(parents=True)
    settings.write_text('{"model": "opus", "hooks": {}}')
    run("install")
    run("uninstall")
    assert load(settings) == {"model": "opus"}
