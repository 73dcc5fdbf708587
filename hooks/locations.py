"""Every settings file that may hold cctracker's hook, for ``cctracker status``.

Claude Code merges hooks from the user, project, local and managed settings,
and from any file given to it with ``--settings``. The project and local files
depend on the directory ``status`` runs in, and a file passed to ``install
--settings`` is found nowhere else, so install remembers every file it wrote
(``$CCTRACKER_HOME/settings_files.json``) and uninstall forgets it: ``status``
then finds a hook wherever it was put, from any directory.
"""

import json
import os
import sys
import tempfile

from . import install

#: The remembered files, one JSON list of absolute paths, under CCTRACKER_HOME.
REMEMBERED_NAME = "settings_files.json"

#: Managed (enterprise policy) settings, per platform; administrators put hooks there too.
MANAGED_SETTINGS = {
    "darwin": "/Library/Application Support/ClaudeCode/managed-settings.json",
    "win32": "C:\\ProgramData\\ClaudeCode\\managed-settings.json",
}
MANAGED_SETTINGS_DEFAULT = "/etc/claude-code/managed-settings.json"


def managed_settings_path(platform=None):
    platform = platform or sys.platform
    return MANAGED_SETTINGS.get(platform, MANAGED_SETTINGS_DEFAULT)


def _remembered_path(home):
    return os.path.join(home, REMEMBERED_NAME)


def remembered(home):
    """The settings files install wrote to and uninstall has not cleared, oldest first."""
    try:
        with open(_remembered_path(home), encoding="utf-8") as f:
            value = json.load(f)
    except (OSError, ValueError):
        return []  # none yet, or damaged: status still checks every scope
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def remember(home, path):
    """Add ``path`` to the remembered files (idempotent)."""
    paths = remembered(home)
    path = os.path.abspath(path)
    if path not in paths:
        _write(home, paths + [path])


def forget(home, path):
    """Drop ``path`` from the remembered files."""
    paths = remembered(home)
    path = os.path.abspath(path)
    if path in paths:
        _write(home, [p for p in paths if p != path])


def _write(home, paths):
    os.makedirs(home, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings_files.", suffix=".tmp", dir=home)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(paths, f, indent=1)
        os.replace(tmp, _remembered_path(home))
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def settings_files(home, project_dir=None, extra=()):
    """``[(scope, path)]``: every file to look in, each once (by real path).

    The scopes' own files first (user, project, local, managed), then files
    install remembered, then ``extra`` (``status --settings``), named "file".
    """
    candidates = [(scope, install.settings_path(scope, project_dir)) for scope in install.SCOPES]
    candidates.append(("managed", managed_settings_path()))
    candidates += [("file", p) for p in remembered(home)]
    candidates += [("file", os.path.abspath(p)) for p in extra]
    seen = set()
    found = []
    for scope, path in candidates:
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        found.append((scope, path))
    return found
