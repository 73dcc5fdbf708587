"""The collector's half of the spool format: closing, listing and parsing spool files.

:mod:`cctracker_client.spool` owns the format and the hook's half (writing).
Reading lives here so the module every hook imports stays small; the two
share the names and constants defined in ``spool``.
"""

import time

from .spool import (ACTIVE_NAME, FILE_MODE, FORMAT_VERSION, LOCK_NAME, OVERFLOW_PREFIX,
                    SEGMENT_PREFIX, SUFFIX, _lock, ensure_dir, spool_dir)


def rotate(base=None, lock_wait_ms=5000):
    """Close the active spool file as a segment, under the lock.

    Writers open the active file only while holding the lock, so after the
    rename no writer can still be appending to the segment.
    """
    import os

    directory = spool_dir(base)
    active = os.path.join(directory, ACTIVE_NAME)
    try:
        if os.path.getsize(active) == 0:
            return None
    except FileNotFoundError:
        return None
    ensure_dir(directory)
    lock_fd = os.open(os.path.join(directory, LOCK_NAME), os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        if not _lock(lock_fd, lock_wait_ms):
            return None
        target = os.path.join(directory, "%s%020d%s" % (SEGMENT_PREFIX, time.time_ns(), SUFFIX))
        try:
            os.rename(active, target)
        except FileNotFoundError:
            return None
        return target
    finally:
        os.close(lock_fd)


def pending_files(base=None):
    """Closed segments and overflow files, oldest first (by name time stamp)."""
    import os

    directory = spool_dir(base)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    files = [
        n
        for n in names
        if n.endswith(SUFFIX) and (n.startswith(SEGMENT_PREFIX) or n.startswith(OVERFLOW_PREFIX))
    ]

    def stamp(name):
        core = name.split("-", 1)[1]
        return int(core.split("-", 1)[0].split(".", 1)[0])

    return [os.path.join(directory, n) for n in sorted(files, key=stamp)]


def backlog(base=None):
    """(files, bytes) waiting to be drained, the active file included."""
    import os

    directory = spool_dir(base)
    count = size = 0
    for path in pending_files(base) + [os.path.join(directory, ACTIVE_NAME)]:
        try:
            s = os.path.getsize(path)
        except FileNotFoundError:
            continue
        if s:
            count += 1
            size += s
    return count, size


class SpoolLine:
    """One parsed spool line."""

    __slots__ = ("version", "id", "received", "payload", "cut", "project_dir", "raw")

    def __init__(self, version, id, received, payload, cut, project_dir, raw):
        self.version = version
        self.id = id
        self.received = received
        self.payload = payload
        self.cut = cut
        self.project_dir = project_dir
        self.raw = raw


def parse_line(raw):
    """Parse one line; returns SpoolLine or raises ValueError with the reason."""
    import orjson

    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise ValueError("not JSON: %s" % e) from None
    if not isinstance(value, dict):
        raise ValueError("spool line is not an object")
    version = value.get("v")
    if version != FORMAT_VERSION:
        raise ValueError("unknown spool format version %r" % (version,))
    event_id, received, payload = value.get("id"), value.get("t"), value.get("p")
    if not isinstance(event_id, str) or not event_id:
        raise ValueError("missing event id")
    if not isinstance(received, str):
        raise ValueError("missing receive time")
    if not isinstance(payload, dict):
        raise ValueError("payload is not a JSON object")
    project_dir = value.get("d") if isinstance(value.get("d"), str) else None
    return SpoolLine(version, event_id, received, payload, value.get("cut"), project_dir, raw)


def read_lines(path):
    """Yield (raw_line, complete) for a closed spool file.

    The last line lacks its newline only when its writer died mid-write;
    it is yielded with ``complete=False`` so the drain can keep it aside.
    """
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return
    lines = data.split(b"\n")
    tail = lines.pop()
    for line in lines:
        if line.strip():
            yield line, True
    if tail.strip():
        yield tail, False
