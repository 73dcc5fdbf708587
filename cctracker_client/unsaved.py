"""The reserved record of hook events that could not be saved (a full disk).

When neither the spool nor an overflow file can take an event, the hook
counts it here: ``spool/unsaved.record`` is made at its full size with the
spool (and again by each drain), then only overwritten in place, which
needs no free block. ``cctracker status`` and ``/api/health`` read it.
Imported only when needed: never on the hook's normal path.

It imports nothing of ``spool`` (which imports it): callers pass the spool
directory.
"""

import time

try:
    import posix as _os
except ImportError:  # Windows
    import nt as _os

try:
    import fcntl
except ImportError:
    fcntl = None

FILE_MODE = 0o600
NAME = "unsaved.record"
SIZE = 512
MAGIC = b"cctracker-unsaved 1"


def path(directory):
    """The record in spool ``directory`` (``spool.spool_dir(home)``)."""
    return directory.rstrip("/\\") + "/" + NAME


def _now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[_os.write(fd, view):]


def reserve(directory):
    """Make the reserved record at its full size if it is missing (while there is room)."""
    try:
        fd = _os.open(path(directory), _os.O_WRONLY | _os.O_CREAT | _os.O_EXCL, FILE_MODE)
    except OSError:
        return  # already there (or no room now: the next drain tries again)
    try:
        _write_all(fd, _record_bytes(0, "", "", ""))
    except OSError:
        _os.close(fd)
        _os.unlink(path(directory))
        return
    _os.close(fd)


def _record_bytes(count, first, last, reason):
    text = b"%s count=%d first=%s last=%s reason=%s" % (
        MAGIC, count, first.encode(), last.encode(),
        reason.replace("\n", " ").encode("utf-8", "replace")[:300])
    return text[:SIZE - 1].ljust(SIZE - 1) + b"\n"


def read(directory):
    """``{"count", "first", "last", "reason"}`` of events that could not be saved."""
    try:
        fd = _os.open(path(directory), _os.O_RDONLY)
    except OSError:
        return {"count": 0, "first": None, "last": None, "reason": None}
    try:
        return _parse(_os.pread(fd, SIZE, 0))
    finally:
        _os.close(fd)


def _parse(data):
    found = {"count": 0, "first": None, "last": None, "reason": None}
    if not data.startswith(MAGIC):
        return found
    text = data[len(MAGIC):].decode("utf-8", "replace").rstrip()
    head, _, reason = text.partition(" reason=")
    for item in head.split():
        key, _, value = item.partition("=")
        if key == "count" and value.isdigit():
            found["count"] = int(value)
        elif key in ("first", "last") and value:
            found[key] = value
    found["reason"] = reason or None
    return found


def note(reason, directory):
    """Count one event that could not be saved, in the reserved record. Never raises."""
    try:
        fd = _os.open(path(directory), _os.O_RDWR)
    except OSError:
        return False
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                pass
        old = _parse(_os.pread(fd, SIZE, 0))
        now = _now()
        _os.pwrite(fd, _record_bytes(old["count"] + 1, old["first"] or now, now, reason), 0)
        return True
    except OSError:
        return False
    finally:
        _os.close(fd)
