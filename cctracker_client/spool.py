"""The spool: the one module that owns the on-disk event format.

Hooks append one line per event to ``$CCTRACKER_HOME/spool/events.jsonl``;
the collector's drain reads them back (:mod:`cctracker_client.spool_read`).
A line is::

    {"v":1,"id":"<32 hex>","t":"2026-03-02T09:00:00.412000Z","p":<payload>}

``v`` is the format version, ``id`` a client-made unique id (the drain's
idempotency key), ``t`` the receive time in UTC with microseconds and ``p``
the payload exactly as Claude Code sent it (only JSON whitespace newlines
become spaces, so one event stays one line). A payload that had to be cut
also carries ``"cut":{"fields":N,"chars":M}``.

This module is imported on the hook path, so its top level only touches
``sys``, ``time``, ``fcntl`` and the builtin ``posix`` module: importing
``os`` itself costs ~1 ms under ``python -I -S`` (it pulls in
``_collections_abc``, ``posixpath`` and ``stat``), which is most of the hook's
budget. Functions used only by the collector import ``os`` when called.
"""

import sys
import time

try:
    import posix as _os  # the C functions behind ``os``, already loaded
except ImportError:  # Windows
    import nt as _os

try:
    import fcntl
except ImportError:  # Windows: no flock; every event goes to overflow files
    fcntl = None

FORMAT_VERSION = 1

#: How long a hook waits for the spool lock before writing to an overflow
#: file instead. Writers hold the lock for ~10 µs, so 50 ms only runs out
#: when something is badly stuck (a drain paused in a debugger, a dead NFS).
LOCK_WAIT_MS = 50

#: Payloads above this are kept with their longest strings cut. A Write of a
#: generated file or a Read of a log can be several MB; the tracker needs
#: the shape and the start, not the whole body.
MAX_PAYLOAD_BYTES = 1 << 20

#: When cutting, strings are shortened to this many characters first.
CUT_STRING_CHARS = 16 * 1024

ACTIVE_NAME = "events.jsonl"
LOCK_NAME = "events.lock"
SEGMENT_PREFIX = "segment-"
OVERFLOW_PREFIX = "overflow-"
SUFFIX = ".jsonl"
ERROR_SUFFIX = ".event"
ERROR_REASON_PREFIX = b"# reason: "


DIR_MODE = 0o700
FILE_MODE = 0o600


def getenv(name):
    """An environment variable, without importing ``os`` when it is not loaded.

    ``posix.environ`` is the process's start-up environment; once ``os`` is
    loaded its ``os.environ`` is the live one (tests change it), so use that.
    """
    os = sys.modules.get("os")
    if os is not None:
        return os.environ.get(name)
    value = _os.environ.get(name.encode() if _BYTES_ENV else name)
    if isinstance(value, bytes):
        value = value.decode(_FS_ENCODING, "surrogateescape")
    return value


_BYTES_ENV = sys.platform != "win32"
_FS_ENCODING = sys.getfilesystemencoding()


def join(directory, name):
    """``os.path.join`` for one plain name, without ``os.path``."""
    return directory + name if directory.endswith(("/", "\\")) else directory + "/" + name


def home():
    """The data directory: ``$CCTRACKER_HOME`` or ``~/.cctracker``."""
    value = getenv("CCTRACKER_HOME")
    if value:
        return value
    user_home = getenv("HOME")
    if user_home:
        return join(user_home, ".cctracker")
    import os

    return os.path.join(os.path.expanduser("~"), ".cctracker")


def spool_dir(base=None):
    return join(base or home(), "spool")


def errors_dir(base=None):
    return join(base or home(), "errors")


def lock_path(base=None):
    return join(spool_dir(base), LOCK_NAME)


def ensure_dir(path):
    """Create ``path`` and any missing parents, each private to the user.

    ``os.makedirs`` gives the mode to the leaf only, so the data directory
    above ``spool/`` would be left world-readable; make each level here.
    """
    import os

    path = os.path.abspath(path)
    missing = []
    while path and not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            pass
    if missing:
        try:
            if os.stat(missing[0]).st_mode & 0o077:
                os.chmod(missing[0], DIR_MODE)
        except OSError:
            pass


def new_id():
    """32 hex digits: the time in milliseconds, then 80 random bits.

    Time first, so the ids of one machine sort roughly by when they were
    made: the database's unique index on them grows at its end instead of
    rewriting a random page for every event (a backlog touched most of it).
    """
    return "%012x%s" % (time.time_ns() // 1000000, _os.urandom(10).hex())


def format_time(ns):
    """UTC ISO 8601 with microseconds and a ``Z``, from epoch nanoseconds."""
    seconds, rest = divmod(ns, 1_000_000_000)
    # Not strftime: "%Y" does not zero-pad years before 1000 on Linux.
    t = time.gmtime(seconds)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
        t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, rest // 1000)


def parse_time(text):
    """ISO 8601 (any offset, ``Z`` or none = UTC) to our canonical form, or None."""
    from datetime import datetime, timezone

    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if not 1970 <= value.year <= 2999:  # collector.times.utc.MIN_YEAR/MAX_YEAR, as written
        return None
    try:
        v = value.astimezone(timezone.utc)
    except OverflowError:
        return None
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (v.year, v.month, v.day, v.hour, v.minute, v.second,
                                                   v.microsecond)


def make_line(payload, received=None, event_id=None, cut=None, project_dir=None):
    """One spool line (bytes, newline-terminated) for a raw JSON payload.

    ``project_dir`` is the hook's ``CLAUDE_PROJECT_DIR``: it names the project
    even when ``cwd`` has moved into a subfolder or a worktree.
    """
    if received is None:
        received = format_time(time.time_ns())
    body = payload.replace(b"\r", b" ").replace(b"\n", b" ").strip()
    extra = b""
    if cut:
        extra = b',"cut":{"fields":%d,"chars":%d}' % (cut[0], cut[1])
    if project_dir:
        extra += b',"d":"' + _json_string(project_dir) + b'"'
    return b'{"v":%d,"id":"%s","t":"%s"%s,"p":%s}\n' % (
        FORMAT_VERSION,
        (event_id or new_id()).encode(),
        received.encode(),
        extra,
        body,
    )


def _json_string(text):
    """Escape a str for a JSON string literal without importing json."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif code < 0x20:
            out.append("\\u%04x" % code)
        elif 0xD800 <= code <= 0xDFFF:
            # A path byte that is not UTF-8 (surrogateescape): JSON readers
            # reject lone surrogates, and one bad byte must not cost the event.
            out.append("\\ufffd")
        else:
            out.append(ch)
    return "".join(out).encode("utf-8")


def cut_payload(payload, limit=MAX_PAYLOAD_BYTES):
    """Shrink an oversized JSON object by cutting its longest strings.

    Returns ``(new_bytes, (fields_cut, chars_cut))`` or raises ValueError when
    the payload is not a JSON object. Each cut string ends with a marker that
    says how many characters were removed.
    """
    import json

    value = json.loads(payload)
    if not isinstance(value, dict):
        raise ValueError("payload is not a JSON object")
    stats = [0, 0]
    keep = CUT_STRING_CHARS
    while True:
        value = _cut(value, keep, stats)
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        if len(data) <= limit or keep <= 256:
            return data, tuple(stats)
        keep //= 4


def _cut(value, keep, stats):
    if isinstance(value, str) and len(value) > keep:
        removed = len(value) - keep
        stats[0] += 1
        stats[1] += removed
        return value[:keep] + "…[cctracker: cut %d chars]" % removed
    if isinstance(value, dict):
        return {k: _cut(v, keep, stats) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut(v, keep, stats) for v in value]
    return value


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = _os.write(fd, view)
        view = view[written:]


def _open_lock(directory, base):
    path = join(directory, LOCK_NAME)
    try:
        return _os.open(path, _os.O_RDWR | _os.O_CREAT, FILE_MODE)
    except FileNotFoundError:
        # First event ever: create the data directory, then the spool in it,
        # both private (makedirs would leave the data directory 0755).
        ensure_dir(base or home())
        ensure_dir(directory)
        from . import unsaved  # once, with the spool: room is reserved while there is some

        unsaved.reserve(directory)
        return _os.open(path, _os.O_RDWR | _os.O_CREAT, FILE_MODE)


def append(line, base=None, lock_wait_ms=LOCK_WAIT_MS):
    """Append one line under the spool lock; on lock timeout, to an overflow file.

    Returns the path written. Raises OSError only when nothing could be written.
    """
    directory = spool_dir(base)
    lock_fd = _open_lock(directory, base)
    try:
        if not _lock(lock_fd, lock_wait_ms):
            return write_overflow(line, directory)
        path = join(directory, ACTIVE_NAME)
        fd = _os.open(path, _os.O_RDWR | _os.O_APPEND | _os.O_CREAT, FILE_MODE)
        try:
            size = _os.fstat(fd).st_size
            # A writer killed mid-line leaves a fragment; start on a fresh line
            # so the fragment stays one bad line instead of spoiling ours.
            if size and _os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line
            try:
                _write_all(fd, line)
            except OSError:
                # A full disk: take back the part that was written (we hold the
                # lock, and shrinking needs no space) so no torn line is left.
                try:
                    _os.ftruncate(fd, size)
                except OSError:
                    pass
                raise
        finally:
            _os.close(fd)
        return path
    finally:
        _os.close(lock_fd)  # closing releases the flock


def _lock(fd, wait_ms):
    """Take the flock, polling until ``wait_ms`` ran out. False = not taken."""
    if fcntl is None:
        return False
    deadline = time.monotonic() + wait_ms / 1000
    delay = 0.0005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.005)
        except OSError:
            # No flock on this file system (some NFS, FUSE): overflow files
            # need no lock, so the event is still kept.
            return False


def write_overflow(line, directory=None):
    """Write a line to its own overflow file, atomically (temp name, then rename).

    The drain only picks up names ending in ``.jsonl``, so it never sees a
    half-written file.
    """
    directory = directory or spool_dir()
    stamp = "%d-%d-%s" % (time.time_ns(), _os.getpid(), _os.urandom(4).hex())
    tmp = join(directory, ".tmp-" + stamp)
    try:
        fd = _os.open(tmp, _os.O_WRONLY | _os.O_CREAT | _os.O_EXCL, FILE_MODE)
    except FileNotFoundError:
        ensure_dir(directory)
        fd = _os.open(tmp, _os.O_WRONLY | _os.O_CREAT | _os.O_EXCL, FILE_MODE)
    try:
        _write_all(fd, line)
    except OSError:
        _os.close(fd)
        _os.unlink(tmp)  # never leave a part of it behind
        raise
    _os.close(fd)
    final = join(directory, OVERFLOW_PREFIX + stamp + SUFFIX)
    _os.rename(tmp, final)
    return final


def keep_error(raw, reason, base=None):
    """Keep input we could not record under ``errors/``, the reason on line 1."""
    directory = errors_dir(base)
    ensure_dir(base or home())
    ensure_dir(directory)
    stamp = "%s-%d-%s" % (
        time.strftime("%Y%m%dT%H%M%S", time.gmtime()),
        _os.getpid(),
        _os.urandom(3).hex(),
    )
    path = join(directory, stamp + ERROR_SUFFIX)
    try:
        _write_error(path, raw, reason, _os.O_EXCL)
    except OSError:
        # A full disk: an empty or cut file would only say "unknown". Count it instead.
        try:
            _os.unlink(path)
        except OSError:
            pass
        from . import unsaved

        unsaved.note("could not keep bad input (%s)" % reason, spool_dir(base))
        raise
    return path


def replace_error(path, raw, reason):
    """Rewrite a kept error file (atomically: a temp file, then a rename)."""
    tmp = path + ".tmp"
    _write_error(tmp, raw, reason, _os.O_TRUNC)
    _os.rename(tmp, path)


def _write_error(path, raw, reason, mode):
    fd = _os.open(path, _os.O_WRONLY | _os.O_CREAT | mode, FILE_MODE)
    try:
        reason = reason.replace("\n", " ")
        _write_all(fd, ERROR_REASON_PREFIX + reason.encode("utf-8", "replace") + b"\n")
        _write_all(fd, raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "replace"))
    finally:
        _os.close(fd)


def read_error(path):
    """``(reason, raw bytes)`` of a file kept by ``keep_error``."""
    with open(path, "rb") as f:
        data = f.read()
    first, _, raw = data.partition(b"\n")
    if first.startswith(ERROR_REASON_PREFIX):
        return first[len(ERROR_REASON_PREFIX):].decode("utf-8", "replace"), raw
    return None, data
