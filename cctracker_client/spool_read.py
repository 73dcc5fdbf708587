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


#: Deepest JSON nesting accepted anywhere (spool lines, API bodies). orjson
#: refuses to write past 254 levels, so a deeper event could never be stored;
#: real hook payloads stay under 20.
MAX_DEPTH = 200

#: A ``\\uD800``-``\\uDFFF`` escape with the run of backslashes before it (odd = a real escape).
_SURROGATE = None


def loads(raw, max_depth=MAX_DEPTH):
    """Parse JSON text for storage, or raise ValueError with the reason.

    Deeper than ``max_depth`` is refused (a RecursionError or a value that
    could not be written back would otherwise stop whoever reads it), and
    lone UTF-16 surrogates (``\\ud83c``: JavaScript's text cut mid-emoji)
    become U+FFFD instead of costing the whole line.
    """
    import orjson

    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        if "depth" in str(e):
            raise ValueError("nested deeper than %d levels" % max_depth) from None
        fixed = fix_surrogates(raw)
        if fixed is raw:
            raise ValueError("not JSON: %s" % e) from None
        try:
            value = orjson.loads(fixed)
        except orjson.JSONDecodeError as e2:
            raise ValueError("not JSON: %s" % e2) from None
    except RecursionError:
        raise ValueError("nested deeper than %d levels" % max_depth) from None
    # Counting brackets is C speed; only a text with many of them is walked.
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if raw.count(b"{") + raw.count(b"[") > max_depth and depth(value) > max_depth:
        raise ValueError("nested deeper than %d levels" % max_depth)
    return value


def depth(value):
    """Nesting depth of a parsed JSON value (a scalar is 0, ``{}`` is 1), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in item if isinstance(child, (dict, list)))
    return deepest


def fix_surrogates(raw):
    """``raw`` with every unpaired ``\\uD800``-``\\uDFFF`` escape replaced by ``\\ufffd``
    (the same object when there is none)."""
    global _SURROGATE
    import re

    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if _SURROGATE is None:
        _SURROGATE = re.compile(rb"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")
    found = [m for m in _SURROGATE.finditer(raw) if len(m.group(1)) % 2]
    if not found:
        return raw
    out, last, i = [], 0, 0
    while i < len(found):
        m = found[i]
        high = m.group(2)[1:2].lower() in b"89ab"
        pair = (high and i + 1 < len(found) and found[i + 1].start() == m.end()
                and len(found[i + 1].group(1)) == 1 and found[i + 1].group(2)[1:2].lower() in b"cdef")
        if pair:
            i += 2
            continue
        out.append(raw[last:m.end(1)] + b"ufffd")
        last = m.end()
        i += 1
    if not out:
        return raw
    out.append(raw[last:])
    return b"".join(out)


def parse_line(raw):
    """Parse one line; returns SpoolLine or raises ValueError with the reason."""
    try:
        value = loads(raw, MAX_DEPTH + 1)  # the payload sits one level down
    except ValueError as e:
        if str(e).startswith("nested deeper"):
            raise ValueError("nested deeper than %d levels" % MAX_DEPTH) from None
        raise
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
    cut = value.get("cut")
    if cut is not None and not (isinstance(cut, dict) and all(
            type(cut.get(k)) is int and cut.get(k) >= 0 for k in ("fields", "chars"))):
        raise ValueError("bad cut marker %r" % (cut,))
    project_dir = value.get("d") if isinstance(value.get("d"), str) else None
    return SpoolLine(version, event_id, received, payload, cut, project_dir, raw)


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


# --- removing a session's lines (``cctracker forget``) ----------------------------------

#: The lock is held by hooks for microseconds and by a rotating drain for milliseconds:
#: a forget can afford to wait this long for it.
REWRITE_LOCK_WAIT_MS = 10000


def remove_sessions(session_uuids, base=None, dry_run=False, lock_wait_ms=REWRITE_LOCK_WAIT_MS):
    """Remove the not yet drained lines of these sessions; returns how many (kept errors included).

    Closed segments, overflow files and the active file are rewritten (temp
    file, then rename) under the spool lock, which hooks take before
    appending and the drain before rotating; lines are read with
    :func:`parse_line`, as the drain reads them. A line that does not parse
    (torn, foreign) goes when it mentions one of the sessions at all. Kept
    error files (``errors/``) that name a session are deleted.
    """
    import os

    from . import spool

    wanted = set(session_uuids or ())
    directory = spool_dir(base)
    if not wanted or not os.path.isdir(directory):
        return 0
    lock_fd = os.open(os.path.join(directory, LOCK_NAME), os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        if not _lock(lock_fd, lock_wait_ms) and spool.fcntl is not None:
            raise TimeoutError("the spool lock stayed busy; try again")
        paths = pending_files(base) + [os.path.join(directory, ACTIVE_NAME)]
        removed = sum(_rewrite_without(path, wanted, dry_run) for path in paths)
    finally:
        os.close(lock_fd)
    return removed + _remove_kept_errors(wanted, spool.errors_dir(base), dry_run)


def _names_session(raw, wanted):
    try:
        return parse_line(raw).payload.get("session_id") in wanted
    except ValueError:
        return any(u.encode() in raw for u in wanted)


def _rewrite_without(path, wanted, dry_run):
    import os

    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return 0
    if not any(u.encode() in data for u in wanted):
        return 0  # the common case: nothing of these sessions here
    lines = data.split(b"\n")
    kept = [line for line in lines if not (line.strip() and _names_session(line, wanted))]
    dropped = len(lines) - len(kept)
    if dry_run or not dropped:
        return dropped
    body = b"\n".join(kept)
    if not body.strip():
        os.unlink(path)
        return dropped
    tmp = path + ".forget-tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        f.write(body)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return dropped


def _remove_kept_errors(wanted, directory, dry_run):
    import os

    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return 0
    n = 0
    for name in names:
        path = os.path.join(directory, name)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if any(u.encode() in data for u in wanted):
            n += 1
            if not dry_run:
                os.unlink(path)
    return n
