"""Which project a directory belongs to: its git top level, else the folder itself."""

import dataclasses
import functools
import os
import subprocess

#: git is asked at most this long per question; a hung network filesystem
#: must not stall the drain.
GIT_TIMEOUT_SECONDS = 5


@dataclasses.dataclass(frozen=True)
class ProjectInfo:
    path: str
    name: str
    is_git: bool
    remote: str | None = None
    branch: str | None = None


def git(cwd, *args):
    """Run git in ``cwd``; its stdout stripped, or None when it fails."""
    try:
        done = subprocess.run(
            ["git", "-C", cwd, *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip()


@functools.lru_cache(maxsize=512)
def _detect(directory):
    if not os.path.isdir(directory):
        return ProjectInfo(directory, _name(directory), False)
    top = git(directory, "rev-parse", "--show-toplevel")
    if not top:
        return ProjectInfo(directory, _name(directory), False)
    from ..privacy.policy import remote as clean_remote

    # Remotes can carry credentials (https://oauth2:<token>@host): never stored.
    remote = clean_remote(git(top, "config", "--get", "remote.origin.url"))
    branch = git(top, "rev-parse", "--abbrev-ref", "HEAD") or None
    return ProjectInfo(top, _name(top), True, remote, branch)


def detect(cwd, project_dir=None):
    """The project for a session's ``cwd`` (``CLAUDE_PROJECT_DIR`` wins when given).

    A directory that no longer exists (or never did on this machine, as in
    imported transcripts) is its own project.
    """
    directory = os.path.normpath(project_dir or cwd or "/")
    return _detect(directory)


def forget_cache():
    _detect.cache_clear()


def _name(path):
    return os.path.basename(path.rstrip("/")) or path
