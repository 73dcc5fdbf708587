"""Put cctracker's status line into a Claude Code settings file, and take it out again.

A settings file has one ``statusLine``. Ours is
``"<python>" -I -S "<repo>/hooks/statusline.py" --cctracker-statusline``
(the last word marks it as ours, wherever cctracker lives). A statusLine
that is not ours (ccstatusline, claude-hud, a script) is never replaced
silently: install stops with ``StatuslineConflict`` unless told to

- ``wrap``: keep it; ours records the payload, runs it with the same stdin
  and prints its output above our line (``--wrap '<its command>'``);
- ``replace``: show only ours; its command is kept in ours
  (``--previous '<its command>'``, never run) so uninstall can restore it.

Uninstall puts the user's command back (other keys such as ``padding`` and
``refreshInterval`` are never touched), or removes the ``statusLine`` we
added. Writes reuse ``hooks.install``: backup, then an atomic replace.
"""

import copy
import dataclasses
import difflib
import os
import shlex

from . import install as hooks_install

MARKER = "--cctracker-statusline"
WRAP, PREVIOUS = "--wrap", "--previous"
MODES = ("wrap", "replace")


class StatuslineConflict(hooks_install.SettingsError):
    """The file has someone else's statusLine and no mode was chosen."""

    def __init__(self, path, command):
        super().__init__(
            "%s already has a statusLine (%s); rerun with --wrap-existing to keep it and add cctracker's"
            " line below it, or --replace-existing to show only cctracker's (uninstall restores it)"
            % (path, command))
        self.command = command


@dataclasses.dataclass
class Change:
    path: str
    action: str        # "install" or "uninstall"
    changed: bool
    written: bool
    backup: str | None
    diff: str
    command: str | None    # our statusLine command after install (None after uninstall)
    kept: str | None       # the user's command we wrap, keep or restored

    def as_dict(self):
        return dataclasses.asdict(self)


def script():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "statusline.py")


def command(python=None, wrap=None, previous=None):
    # A data directory other than the default travels with the command, as for the hooks.
    home = hooks_install.carried_home()
    parts = ["%s=%s" % (hooks_install.HOME_ENV, hooks_install._quote(home))] if home else []
    parts += [hooks_install._quote(python or hooks_install.hook_python()), "-I", "-S",
              hooks_install._quote(script())]
    if wrap:
        parts += [WRAP, shlex.quote(wrap)]
    if previous:
        parts += [PREVIOUS, shlex.quote(previous)]
    return " ".join(parts + [MARKER])


def is_ours(line):
    cmd = line.get("command") if isinstance(line, dict) else None
    return isinstance(cmd, str) and cmd.rstrip().endswith(MARKER)


def kept_command(cmd):
    """The user's command our command wraps or keeps, and how: ``(command, mode)``."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        return None, None
    for flag, mode in ((WRAP, "wrap"), (PREVIOUS, "replace")):
        if flag in words[:-1]:
            index = words.index(flag)
            if index + 1 < len(words):
                return words[index + 1], mode
    return None, None


def with_statusline(settings, mode=None, python=None, path="settings"):
    """A copy of ``settings`` with our statusLine; raises StatuslineConflict (see module doc)."""
    result = copy.deepcopy(settings)
    current = result.get("statusLine")
    kept = None
    if is_ours(current):
        kept, mode = kept_command(current["command"])
    elif isinstance(current, dict) and isinstance(current.get("command"), str) and current["command"].strip():
        if mode not in MODES:
            raise StatuslineConflict(path, current["command"])
        kept = current["command"]
    elif current is not None and mode not in MODES:
        raise StatuslineConflict(path, repr(current))
    line = dict(current) if isinstance(current, dict) else {}
    line["type"] = "command"
    line["command"] = command(python, wrap=kept if mode == "wrap" else None,
                              previous=kept if mode == "replace" else None)
    if current is None:
        line["padding"] = 0
    result["statusLine"] = line
    return result, kept


def without_statusline(settings):
    """A copy of ``settings`` without ours: the user's command restored, or the key removed."""
    result = copy.deepcopy(settings)
    current = result.get("statusLine")
    if not is_ours(current):
        return result, None
    kept, _ = kept_command(current["command"])
    if kept:
        result["statusLine"] = dict(current, command=kept)
    else:
        del result["statusLine"]
    return result, kept


def install(path, mode=None, dry_run=False, python=None):
    settings, text = hooks_install.read_settings(path)
    new, kept = with_statusline(settings, mode, python, path)
    return _apply(path, "install", settings, text, new, kept, dry_run)


def uninstall(path, dry_run=False):
    settings, text = hooks_install.read_settings(path)
    new, kept = without_statusline(settings)
    return _apply(path, "uninstall", settings, text, new, kept, dry_run)


def _apply(path, action, old, text, new, kept, dry_run):
    changed = new != old
    new_text = hooks_install.render(new)
    diff = ""
    if changed:
        diff = "".join(difflib.unified_diff(
            [line if line.endswith("\n") else line + "\n" for line in (text or "").splitlines(True)],
            new_text.splitlines(keepends=True),
            fromfile=path if text is not None else "/dev/null", tofile=path))
    ours = new.get("statusLine", {}).get("command") if is_ours(new.get("statusLine")) else None
    change = Change(path, action, changed, False, None, diff, ours, kept)
    if changed and not dry_run:
        change.backup = hooks_install.write_settings(path, new_text, text)
        change.written = True
    return change
