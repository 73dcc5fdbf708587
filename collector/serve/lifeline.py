"""``serve``'s children die with it, and a new ``serve`` reclaims what a dead one left.

A ``kill -9`` of ``cctracker serve`` gives it no chance to stop Datasette,
which would keep the dashboard port for good. Two guards:

- The child asks the kernel for a signal when its parent dies
  (``PR_SET_PDEATHSIG``, Linux; ``die_with_parent``, called by the
  ``lifeline`` Datasette plugin with the parent's pid from the environment:
  if the parent is already gone by then, it exits at once).
- ``serve`` writes ``serve.pid`` (its pid and its children's). A new one
  that finds that file with a dead parent stops the children still running,
  after checking they are ours (their command line names the same
  database), so their ports are free again (``reclaim``).
"""

import json
import os
import signal
import sys
import time

PARENT_ENV = "CCTRACKER_PARENT_PID"
PID_NAME = "serve.pid"


def die_with_parent(parent=None):
    """Ask for SIGTERM when ``parent`` (default ``$CCTRACKER_PARENT_PID``) dies; exit if it did."""
    parent = parent or os.environ.get(PARENT_ENV)
    if not parent or not str(parent).isdigit():
        return False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != int(parent):
        os._exit(0)  # the parent died before we asked: nobody is left to stop us
    return True


def pid_path(home):
    return os.path.join(home, PID_NAME)


def record(home, children, db_path):
    """Write ``serve.pid``: this process, its children and the database they serve."""
    path = pid_path(home)
    tmp = "%s.%d.tmp" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"pid": os.getpid(), "children": list(children), "db_path": db_path}, f)
    os.replace(tmp, path)


def forget(home):
    try:
        with open(pid_path(home)) as f:
            if json.load(f).get("pid") != os.getpid():
                return
        os.unlink(pid_path(home))
    except (OSError, ValueError, AttributeError):
        pass


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return None


def reclaim(home, timeout=10.0):
    """Stop the children of a ``serve`` that died without stopping them; returns their pids."""
    try:
        with open(pid_path(home)) as f:
            found = json.load(f)
        parent, children, db_path = found["pid"], found["children"], found["db_path"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if parent != os.getpid() and alive(parent):
        return []  # a running serve: its own business (the port check will say so)
    stopped = []
    for pid in children:
        if not isinstance(pid, int) or not alive(pid):
            continue
        argv = _cmdline(pid)
        # Only our own Datasette on the same database, never a recycled pid.
        if argv is None or os.path.abspath(db_path).encode() not in argv or b"datasette" not in argv:
            continue
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            continue
        stopped.append(pid)
    end = time.monotonic() + timeout
    for pid in stopped:
        while alive(pid) and time.monotonic() < end:
            time.sleep(0.05)
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    try:
        os.unlink(pid_path(home))
    except OSError:
        pass
    return stopped
