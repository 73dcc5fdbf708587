"""What ``cctracker serve`` does after each drain, for the live views.

- wakes ``GET /api/stream`` connections (:data:`stored`), which otherwise
  poll the database every ``POLL_SECONDS``;
- keeps ``usage_blocks`` and the status line's summary file current
  (:class:`collector.limits.Refresher`);
- optionally tells the desktop (``notify-send``) when Claude has waited for a
  permission longer than ``permission_notify_seconds``.
"""

import datetime
import logging
import os
import shutil
import subprocess
import threading

from . import limits, timeutil

log = logging.getLogger("cctracker.live")

#: Stream connections re-check the database at least this often.
POLL_SECONDS = 0.25


class Signal:
    """A counter bumped after each drain that stored events; streams wait on it."""

    def __init__(self):
        self._cond = threading.Condition()
        self.generation = 0

    def bump(self):
        with self._cond:
            self.generation += 1
            self._cond.notify_all()

    def wait(self, generation, timeout):
        """Until the counter moves past ``generation`` or ``timeout``; returns the counter."""
        with self._cond:
            if self.generation == generation:
                self._cond.wait(timeout)
            return self.generation


#: Bumped by the drain thread of this process; read by the API's stream handlers.
stored = Signal()


class AfterDrain:
    """The ``after`` callback of the serve command's DrainThread."""

    def __init__(self, config):
        self.config = config
        self.refresher = limits.Refresher(config)
        self.last_event = None
        self.notified = set()   # permission wait ids already announced

    def __call__(self, conn):
        top = conn.execute("select coalesce(max(id), 0) from raw_events").fetchone()[0]
        if top != self.last_event:
            self.last_event = top
            stored.bump()
        try:
            self.refresher(conn)
        except Exception:  # noqa: BLE001 - the drain must go on; the next call retries
            log.warning("could not refresh blocks or the status line summary", exc_info=True)
        if self.config.permission_notify_seconds > 0:
            self.notify_permission_waits(conn)

    def notify_permission_waits(self, conn, now=None, send=None):
        """Announce each open permission wait once it is older than the setting."""
        now = now or datetime.datetime.now(datetime.timezone.utc)
        cutoff = timeutil.format(now - datetime.timedelta(seconds=self.config.permission_notify_seconds))
        rows = conn.execute(
            "select w.id, w.started_at, w.context_before, p.name from waits w join sessions s on s.id = w.session_id"
            " left join projects p on p.id = s.project_id where w.kind = 'permission' and w.ended_at is null"
            " and s.status = 'active' and w.started_at <= ?", (cutoff,)).fetchall()
        sent = []
        for wait_id, started, tool, project in rows:
            if wait_id in self.notified:
                continue
            self.notified.add(wait_id)
            minutes = timeutil.seconds_between(started, timeutil.format(now)) / 60
            body = "%s has waited %.0f min for permission to run %s" % (
                project or "A Claude Code session", minutes, tool or "a tool")
            (send or desktop_notify)("Claude Code is waiting", body)
            sent.append(wait_id)
        return sent


def desktop_notify(title, body):
    """``notify-send`` where it exists; nothing otherwise (never raises)."""
    program = shutil.which("notify-send")
    if not program:
        return False
    try:
        subprocess.run([program, "--app-name=cctracker", title, body], timeout=5,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ))
        return True
    except (OSError, subprocess.SubprocessError):
        return False
