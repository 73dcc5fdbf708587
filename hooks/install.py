"""Merge cctracker's hook into a Claude Code settings file, and take it out again.

Our handler runs the hook script of the installed package with the real
interpreter binary (``"<python>" -I -S "<site-packages>/hooks/hook.py"
--cctracker``, prefixed with ``CCTRACKER_HOME=<dir>`` when the data directory
is not the default): no shim, no venv activation, no site-packages scan. The trailing ``--cctracker`` (ignored by
the hook) is how install and uninstall recognise our handlers wherever
cctracker lives, so re-installing after a move replaces, never duplicates.

Everything else in the file is kept as it was, in its order. Writes are
atomic (temp file in the same folder, then ``os.replace``) after a backup.
"""

import copy
import dataclasses
import datetime
import difflib
import json
import os
import shlex
import sys
import tempfile

#: Every event the tracker uses; True where the event takes a tool-name matcher.
EVENTS = (
    ("SessionStart", False),
    ("SessionEnd", False),
    ("UserPromptSubmit", False),
    ("PreToolUse", True),
    ("PostToolUse", True),
    ("PostToolUseFailure", True),
    ("PermissionRequest", True),
    ("Notification", False),
    ("SubagentStart", False),
    ("SubagentStop", False),
    ("Stop", False),
    ("StopFailure", False),
    ("PreCompact", False),
)

#: Seconds Claude Code gives our handler. The hook takes ~10 ms; the limit
#: only matters if the machine stalls, and a killed hook must not hang Claude.
HOOK_TIMEOUT_S = 5

#: SessionEnd hooks share a 1.5 s budget that a larger timeout would raise for
#: every SessionEnd hook; stay close to it.
SESSION_END_TIMEOUT_S = 2

#: Last word of our command line: the mark of our handlers.
MARKER = "--cctracker"

#: The console script, in case someone registered it by hand.
CONSOLE_SCRIPT = "cctracker-hook"

SCOPES = ("user", "project", "local")


class SettingsError(ValueError):
    """A settings file we will not touch; the message says why, in one line."""


@dataclasses.dataclass
class Change:
    """What install/uninstall did (or, with ``dry_run``, would do)."""

    path: str
    action: str  # "install" or "uninstall"
    changed: bool
    written: bool
    backup: str | None
    diff: str
    events: list

    def as_dict(self):
        return dataclasses.asdict(self)


# --- where -------------------------------------------------------------------


def claude_config_dir():
    """``$CLAUDE_CONFIG_DIR`` or ``~/.claude``."""
    return os.environ.get("CLAUDE_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".claude")


def settings_path(scope="user", project_dir=None):
    """The settings file for a scope; project scopes are under ``project_dir`` (cwd)."""
    if scope == "user":
        return os.path.join(claude_config_dir(), "settings.json")
    project = os.path.abspath(project_dir or os.getcwd())
    if scope == "project":
        return os.path.join(project, ".claude", "settings.json")
    if scope == "local":
        return os.path.join(project, ".claude", "settings.local.json")
    raise SettingsError("unknown scope %r (use one of: %s)" % (scope, ", ".join(SCOPES)))


def hook_script():
    """Absolute path of ``hooks/hook.py`` beside this module."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "hook.py")


def hook_python():
    """The real interpreter binary: symlinks (venv, pyenv) resolved.

    The hook needs no site-packages (it puts its own folder on ``sys.path``),
    so the base interpreter behind a venv is enough, and a version-manager
    shim (~150 ms per call) is never in the path.
    """
    return os.path.realpath(sys.executable)


def _quote(path):
    if any(c in path for c in '"$`\\!'):
        return shlex.quote(path)
    return '"%s"' % path


#: ``hook_command``'s default: carry the home this process uses, if it is not the default.
FROM_ENVIRONMENT = object()

#: The variable the hook reads its data directory from (cctracker_client.spool.home).
HOME_ENV = "CCTRACKER_HOME"


def default_home():
    return os.path.join(os.path.expanduser("~"), ".cctracker")


def carried_home(home=None):
    """The data directory the hook command must name, or None for the default one.

    Claude Code runs the hook with the environment Claude was started in,
    which need not hold the ``CCTRACKER_HOME`` that ``cctracker install`` ran
    with: without it in the command, events would go to ``~/.cctracker``
    while the collector reads another home.
    """
    home = os.environ.get(HOME_ENV) if home is None else home
    if not home:
        return None
    home = os.path.abspath(os.path.expanduser(home))
    if os.path.realpath(home) == os.path.realpath(default_home()):
        return None
    return home


def hook_command(python=None, script=None, home=FROM_ENVIRONMENT):
    """The shell command Claude Code runs; ``home=None`` never names a data directory."""
    home = carried_home() if home is FROM_ENVIRONMENT else home
    prefix = "%s=%s " % (HOME_ENV, _quote(home)) if home else ""
    return "%s%s -I -S %s %s" % (prefix, _quote(python or hook_python()), _quote(script or hook_script()), MARKER)


def handler(event, command=None, sync=False):
    """Our handler object for one event."""
    entry = {"type": "command", "command": command or hook_command()}
    entry["timeout"] = SESSION_END_TIMEOUT_S if event == "SessionEnd" else HOOK_TIMEOUT_S
    if not sync:
        entry["async"] = True
    return entry


def is_ours(entry):
    """True for a handler that install put there (any version, any location)."""
    if not isinstance(entry, dict) or entry.get("type", "command") != "command":
        return False
    command = entry.get("command")
    if not isinstance(command, str):
        return False
    words = command.split()
    if not words:
        return False
    if words[-1] == MARKER and "hook.py" in command:
        return True
    first = os.path.basename(words[0].strip("\"'"))
    return first in (CONSOLE_SCRIPT, CONSOLE_SCRIPT + ".exe")


# --- reading -------------------------------------------------------------------


def read_settings(path):
    """``(settings dict, original text or None)``; raises SettingsError when unusable.

    A missing file, an empty file and ``{}`` all read as no settings.
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError("%s: cannot read: %s" % (path, e)) from None
    if not text.strip():
        return {}, text
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise SettingsError(
            "%s is not valid JSON (line %d column %d: %s); fix it first, it was left untouched"
            % (path, e.lineno, e.colno, e.msg)
        ) from None
    if not isinstance(value, dict):
        raise SettingsError("%s: the top level is not a JSON object; left untouched" % path)
    hooks = value.get("hooks")
    if hooks is not None and not isinstance(hooks, dict):
        raise SettingsError('%s: "hooks" is not a JSON object; left untouched' % path)
    for event, groups in (hooks or {}).items():
        if not isinstance(groups, list):
            raise SettingsError('%s: "hooks.%s" is not a list; left untouched' % (path, event))
    return value, text


def installed(settings):
    """``{event: [command, ...]}`` of our handlers in a settings dict."""
    found = {}
    for event, groups in (settings.get("hooks") or {}).items():
        for group in groups if isinstance(groups, list) else ():
            for entry in _entries(group):
                if is_ours(entry):
                    found.setdefault(event, []).append(entry["command"])
    return found


def _entries(group):
    if isinstance(group, dict) and isinstance(group.get("hooks"), list):
        return group["hooks"]
    return []


# --- planning (pure) ---------------------------------------------------------------


def with_hooks(settings, command=None, sync=False):
    """A copy of ``settings`` with our handler on every event, exactly once.

    An existing handler of ours is replaced where it stands (a new interpreter
    or location); a missing one is added as a new group at the end.
    """
    result = copy.deepcopy(settings)
    hooks = result.setdefault("hooks", {})
    for event, takes_matcher in EVENTS:
        wanted = handler(event, command, sync)
        groups = hooks.setdefault(event, [])
        placed = False
        emptied = []
        for group in groups:
            entries = _entries(group)
            kept = []
            for entry in entries:
                if is_ours(entry):
                    if placed:
                        continue  # a duplicate left by an older install
                    entry, placed = wanted, True
                kept.append(entry)
            if entries and not kept:
                emptied.append(id(group))
            entries[:] = kept
        groups[:] = [g for g in groups if id(g) not in emptied]
        if not placed:
            group = {"matcher": "*"} if takes_matcher else {}
            group["hooks"] = [wanted]
            groups.append(group)
    return result


def without_hooks(settings):
    """A copy of ``settings`` with every handler of ours removed.

    Groups, event lists and the ``hooks`` object that only held ours are
    removed too, so install then uninstall gives back the original.
    """
    result = copy.deepcopy(settings)
    hooks = result.get("hooks")
    if not isinstance(hooks, dict):
        return result
    for event in list(hooks):
        groups = hooks[event]
        if not isinstance(groups, list):
            continue
        removed = False
        for group in groups:
            entries = _entries(group)
            keep = [e for e in entries if not is_ours(e)]
            if len(keep) != len(entries):
                entries[:] = keep
                removed = True
        if removed:
            groups[:] = [g for g in groups if not (isinstance(g, dict) and g.get("hooks") == [])]
            if not groups:
                del hooks[event]
    if not hooks and settings.get("hooks"):
        del result["hooks"]
    return result


# --- writing -------------------------------------------------------------------------


def render(settings):
    """Settings as Claude Code writes them: 2-space indent, UTF-8, final newline."""
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def install(path, sync=False, dry_run=False, command=None):
    """Merge our hooks into the settings file at ``path``. Returns a Change."""
    settings, text = read_settings(path)
    return _apply(path, "install", settings, text, with_hooks(settings, command, sync), dry_run)


def uninstall(path, dry_run=False):
    """Take our hooks out of the settings file at ``path``. Returns a Change."""
    settings, text = read_settings(path)
    return _apply(path, "uninstall", settings, text, without_hooks(settings), dry_run)


def _apply(path, action, old, text, new, dry_run):
    changed = new != old
    new_text = render(new)
    diff = ""
    if changed:
        diff = "".join(
            difflib.unified_diff(
                # A last line without newline would run into the next diff line.
                [line if line.endswith("\n") else line + "\n" for line in (text or "").splitlines(True)],
                new_text.splitlines(keepends=True),
                fromfile=path if text is not None else "/dev/null",
                tofile=path,
            )
        )
    events = sorted(installed(new if action == "install" else old))
    change = Change(path, action, changed, False, None, diff, events)
    if changed and not dry_run:
        change.backup = write_settings(path, new_text, text)
        change.written = True
    return change


def write_settings(path, new_text, old_text):
    """Back up the old file, then replace it atomically. Returns the backup path.

    A symlinked settings file (dotfile managers do that) is followed, so the
    link stays a link and its target is updated.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    backup = None
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    if old_text is not None:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        backup = "%s.bak-%s" % (target, stamp)
        with open(backup, "x", encoding="utf-8") as f:
            f.write(old_text)
        os.chmod(backup, mode)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(target), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new_text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return backup


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
