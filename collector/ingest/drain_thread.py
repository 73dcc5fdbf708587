"""The drain that runs under ``cctracker serve``: survives every failure and says so.

Each failure is written with its traceback (redacted) to
``$CCTRACKER_HOME/logs/drain.log``; the next try waits longer each time
(``interval * 2**n``, at most ``MAX_BACKOFF_SECONDS``) so a broken disk is
not hammered. The outcome of every run goes to ``drain-state.json`` beside
the database, which ``/api/health`` and ``cctracker status`` read (they may
run in other processes): when the drain last succeeded, its last error, and
how many runs in a row failed. The spool keeps the events meanwhile.
"""

import json
import os
import threading
import time
import traceback

from cctracker_client import spool, spool_read

from ..storage import db
from ..times import utc

STATE_NAME = "drain-state.json"
LOG_NAME = "drain.log"

#: Longest wait between two failing tries.
MAX_BACKOFF_SECONDS = 60.0

#: How often the thread looks at the spool between drains (see _wait_for_events).
SPOOL_POLL_SECONDS = 0.05

#: The log is cut to its second half when it grows past this.
MAX_LOG_BYTES = 1 << 20


def logs_dir(home):
    return os.path.join(home, "logs")


def state_path(home):
    return os.path.join(home, STATE_NAME)


def read_state(home):
    """The last drain run's outcome as written by ``write_state``, or None."""
    try:
        with open(state_path(home), "rb") as f:
            state = json.loads(f.read())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def write_state(home, state):
    path = state_path(home)
    tmp = "%s.%d.tmp" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)
    os.replace(tmp, path)


def log_failure(home, error):
    """Append ``error`` with its traceback to ``logs/drain.log`` (redacted: an
    exception's message can quote the event that caused it)."""
    from ..privacy.redact import redact_text

    directory = logs_dir(home)
    spool.ensure_dir(directory)
    path = os.path.join(directory, LOG_NAME)
    text = "%s drain failed\n%s\n" % (utc.now(), "".join(
        traceback.format_exception(type(error), error, error.__traceback__)).rstrip())
    try:
        if os.path.getsize(path) > MAX_LOG_BYTES:
            with open(path, "rb") as f:
                f.seek(-MAX_LOG_BYTES // 2, os.SEEK_END)
                kept = f.read()
            with open(path, "wb") as f:
                f.write(kept)
    except OSError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8", errors="replace") as f:
        f.write(redact_text(text))
    return path


def health(home, now=None):
    """The drain's state for ``/api/health`` and ``cctracker status``.

    ``failing`` is true while the last run failed; ``lag_seconds`` is how
    long events have waited: since the last successful run when the spool
    holds anything, else 0 (None when no drain ever ran here).
    """
    now = time.time() if now is None else now
    state = read_state(home) or {}
    files, size = spool_read.backlog(home)
    last_ok = state.get("last_success_at")
    ok_epoch = state.get("last_success_epoch")
    if not size:
        lag = 0.0
    elif isinstance(ok_epoch, (int, float)):
        lag = round(max(now - ok_epoch, 0.0), 1)
    else:
        lag = None
    failures = state.get("consecutive_failures") or 0
    return {
        "failing": bool(failures),
        "consecutive_failures": failures,
        "last_success_at": last_ok,
        "last_error": state.get("last_error"),
        "last_error_at": state.get("last_error_at"),
        "lag_seconds": lag,
        "backlog_files": files,
        "backlog_bytes": size,
    }


class DrainThread(threading.Thread):
    """Drains every ``config.drain_interval_seconds`` until ``stop()``; never dies of a failure."""

    def __init__(self, config, after=None):
        super().__init__(name="cctracker-drain", daemon=True)
        self.config = config
        self.after = after          # called with the connection after each drain
        self._stop_event = threading.Event()
        self.last_stats = None
        self.last_error = None
        self.failures = 0           # runs in a row that failed
        self.state = read_state(config.home) or {}

    def run(self):
        from .drain import Drainer

        conn = drainer = None
        while not self._stop_event.is_set():
            try:
                if drainer is None:
                    conn = db.connect(self.config.db_path)
                    drainer = Drainer(conn, self.config, live=True)
                self.last_stats = drainer.drain_once().as_dict()
                if self.after:
                    self.after(conn)
                self._succeeded()
            except Exception as e:  # noqa: BLE001 - logged, reported, retried
                self._failed(e)
                # A fresh connection next time: the failure may have left this one mid-transaction.
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001 - closing a broken connection
                        pass
                conn = drainer = None
            wait = self.config.drain_interval_seconds
            if self.failures:
                wait = min(max(wait, 0.5) * 2 ** min(self.failures - 1, 10), MAX_BACKOFF_SECONDS)
                self._stop_event.wait(wait)
            else:
                self._wait_for_events(wait)
        if conn is not None:
            conn.close()

    def _wait_for_events(self, seconds):
        """Until the next drain: ``seconds``, or as soon as a hook wrote to the spool.

        A stat every ``SPOOL_POLL_SECONDS`` costs nothing and brings a fired
        hook to the live views (``/api/stream``) within a fraction of a second.
        """
        deadline = time.monotonic() + seconds
        active = os.path.join(spool.spool_dir(self.config.home), spool.ACTIVE_NAME)
        while not self._stop_event.wait(min(SPOOL_POLL_SECONDS, max(deadline - time.monotonic(), 0))):
            if time.monotonic() >= deadline:
                return
            try:
                if os.stat(active).st_size:
                    return
            except OSError:
                pass

    def _succeeded(self):
        was_failing = self.failures
        self.failures = 0
        self.last_error = None
        self.state.update(last_success_at=utc.now(), last_success_epoch=time.time(),
                          consecutive_failures=0)
        self._save(force=was_failing)

    def _failed(self, error):
        self.failures += 1
        self.last_error = "%s: %s" % (type(error).__name__, error)
        from ..privacy.redact import redact_text

        try:
            log_failure(self.config.home, error)
        except Exception:  # noqa: BLE001 - a full disk: the state below may still be written
            pass
        self.state.update(last_error=redact_text(self.last_error)[:500], last_error_at=utc.now(),
                          consecutive_failures=self.failures)
        self._save(force=True)

    def _save(self, force):
        # Once a second while healthy is plenty: health only needs "recent".
        if not force and time.time() - self.state.get("_saved", 0) < 2:
            return
        self.state["_saved"] = time.time()
        try:
            write_state(self.config.home, self.state)
        except OSError:
            pass

    def stop(self, timeout=30):
        self._stop_event.set()
        self.join(timeout)
