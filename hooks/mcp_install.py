"""Register ``cctracker mcp`` with Claude Code as a user-scope MCP server, and remove it.

With the ``claude`` command on PATH the registration goes through
``claude mcp add --scope user`` / ``claude mcp remove --scope user``: Claude
Code owns its config file and may change its layout. Without it, the
documented file is edited directly: user-scope servers live under
``mcpServers`` at the top of ``~/.claude.json`` (``$CLAUDE_CONFIG_DIR/.claude.json``
when that is set), written the way :mod:`hooks.install` writes settings
(backup first, atomic replace, every other key kept).
"""

import dataclasses
import json
import os
import shutil
import subprocess
import sys

from . import install as settings_io

NAME = "cctracker"


@dataclasses.dataclass
class Change:
    action: str          # install or uninstall
    method: str          # claude-cli or config-file
    changed: bool
    written: bool
    path: str | None     # the config file (config-file method)
    backup: str | None
    commands: list       # the claude commands run (or, with dry_run, that would run)
    diff: str
    server: dict

    def as_dict(self):
        return dataclasses.asdict(self)


def server_entry(python=None, home=None):
    """How Claude Code starts the server: this interpreter, ``-m collector.claude.mcp_server``
    (the same server as ``cctracker mcp``, without the CLI's imports).

    The interpreter is the venv's own (it has the ``mcp`` package), not the
    resolved base one the hook uses. A non-default CCTRACKER_HOME travels along.
    """
    entry = {"type": "stdio", "command": python or sys.executable,
             "args": ["-m", "collector.claude.mcp_server"], "env": {}}
    home = home if home is not None else os.environ.get("CCTRACKER_HOME")
    if home:
        entry["env"]["CCTRACKER_HOME"] = os.path.abspath(os.path.expanduser(home))
    return entry


def config_path():
    base = os.environ.get("CLAUDE_CONFIG_DIR")
    return os.path.join(base, ".claude.json") if base else os.path.join(os.path.expanduser("~"), ".claude.json")


def claude_command():
    return shutil.which("claude")


def _cli_commands(action, entry):
    if action == "uninstall":
        return [["claude", "mcp", "remove", "--scope", "user", NAME]]
    add = ["claude", "mcp", "add", "--scope", "user"]
    for key, value in sorted(entry["env"].items()):
        add += ["-e", "%s=%s" % (key, value)]
    # Remove first so a second install replaces an old interpreter path instead of failing.
    return [["claude", "mcp", "remove", "--scope", "user", NAME],
            add + [NAME, "--", entry["command"]] + entry["args"]]


def _via_cli(action, entry, dry_run):
    commands = _cli_commands(action, entry)
    change = Change(action, "claude-cli", True, False, None, None, commands, "", entry)
    if dry_run:
        return change
    claude = claude_command()
    for i, argv in enumerate(commands):
        done = subprocess.run([claude] + argv[1:], capture_output=True, text=True, timeout=60)
        removing_first = action == "install" and i == 0
        if done.returncode != 0 and not removing_first:
            if action == "uninstall":  # nothing registered: nothing to remove
                change.changed = False
                return change
            raise settings_io.SettingsError("`%s` failed: %s" % (" ".join(argv[:4]),
                                                                (done.stderr or done.stdout).strip()))
    change.written = True
    return change


def _via_file(action, entry, dry_run):
    path = config_path()
    settings, text = settings_io.read_settings(path)
    new = json.loads(json.dumps(settings))
    servers = new.get("mcpServers")
    if servers is not None and not isinstance(servers, dict):
        raise settings_io.SettingsError("%s: mcpServers is not an object; not touching it" % path)
    if action == "install":
        new.setdefault("mcpServers", {})[NAME] = entry
    elif servers and NAME in servers:
        del servers[NAME]
    change = settings_io._apply(path, action, settings, text, new, dry_run)
    return Change(action, "config-file", change.changed, change.written, path, change.backup, [],
                  change.diff, entry)


def install(dry_run=False, use_cli=None, python=None):
    """Register the server (replacing an older registration of ours)."""
    entry = server_entry(python)
    use_cli = claude_command() is not None if use_cli is None else use_cli
    return (_via_cli if use_cli else _via_file)("install", entry, dry_run)


def uninstall(dry_run=False, use_cli=None):
    """Remove our registration (nothing else)."""
    entry = server_entry()
    use_cli = claude_command() is not None if use_cli is None else use_cli
    return (_via_cli if use_cli else _via_file)("uninstall", entry, dry_run)
