"""What ``cctracker serve`` does after each drain, for the live views.

- wakes ``GET /api/stream`` connections (:data:`stored`), which otherwise
  poll the database every ``POLL_SECONDS``;
- keeps ``usage_blocks`` and the status line's summary file current
  (:class:`collector.usage.limits.Refresher`);
- optionally tells the desktop (``notify-send``) when Claude has waited for a
  permission longer than ``permission_notify_seconds``.
"""

import datetime
import logging
import os
import shutil
import subprocess
import threading

from ..times import utc
from ..usage import limits

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
        cutoff = utc.format(now - datetime.timedelta(seconds=self.config.permission_notify_seconds))
        rows = conn.execute(
            "select w.id, w.started_at, w.context_before, p.name from waits w join sessions s on s.id = w.session_id"
            " left join projects p on p.id = s.project_id where w.kind = 'permission' and w.ended_at is null"
            " and s.status = 'active' and w.started_at <= ?", (cutoff,)).fetchall()
        sent = []
        for wait_id, started, tool, project in rows:
            if wait_id in self.notified:
                continue
            self.notified.add(wait_id)
            minutes = utc.seconds_between(started, utc.format(now)) / 60
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


# --- the Live page's data (datasette/plugins/live_page.py) ---------------------------

#: Characters of a prompt or tool detail shown on the Live page.
TEXT_CHARS = 160

ACTIVE_SQL = """
select s.id, s.session_uuid, p.name, s.title, s.model, s.started_at, s.last_event_at, s.permission_mode
from sessions s left join projects p on p.id = s.project_id
where s.status = 'active' order by s.last_event_at desc limit 50
"""


def _age(since, now):
    return round(max(utc.seconds_between(since, utc.format(now)), 0.0), 1) if since else None


def snapshot(conn, now=None):
    """Active sessions (turn running, tool running, permission wait), the current block, observed limits."""
    from ..usage import blocks

    now = now or datetime.datetime.now(datetime.timezone.utc)
    sessions = []
    for sid, uuid, project, title, model, started, last, mode in conn.execute(ACTIVE_SQL).fetchall():
        turn = conn.execute(
            "select t.id, t.seq, t.started_at, (select substr(m.content, 1, ?) from messages m where m.turn_id = t.id"
            " and m.kind = 'prompt' order by m.id limit 1) from turns t where t.session_id = ? and t.end_kind is null"
            " order by t.seq desc limit 1", (TEXT_CHARS, sid)).fetchone()
        tool = conn.execute(
            "select tool_name, started_at, substr(summary, 1, ?) from tool_calls where session_id = ?"
            " and status = 'pending' order by started_at desc, id desc limit 1", (TEXT_CHARS, sid)).fetchone()
        wait = conn.execute(
            "select context_before, started_at from waits where session_id = ? and kind = 'permission'"
            " and ended_at is null order by started_at limit 1", (sid,)).fetchone()
        status = conn.execute(
            "select s.model_display, s.cost_usd, s.context_used_percentage, s.at from statusline_latest s"
            " where s.session_uuid = ?", (uuid,)).fetchone()
        sessions.append({
            "session_id": sid, "session_uuid": uuid, "project": project, "title": title, "model": model,
            "started_at": started, "last_event_at": last, "idle_seconds": _age(last, now), "permission_mode": mode,
            "turn": turn and {"seq": turn[1], "started_at": turn[2], "running_seconds": _age(turn[2], now),
                              "prompt": turn[3]},
            "tool": tool and {"name": tool[0], "started_at": tool[1], "running_seconds": _age(tool[1], now),
                              "detail": tool[2]},
            "permission": wait and {"tool": wait[0], "started_at": wait[1], "waiting_seconds": _age(wait[1], now)},
            "status": status and {"model": status[0], "cost_usd": status[1], "context_used_percentage": status[2],
                                  "at": status[3]},
        })
    block = blocks.current(conn, int(now.timestamp() * 1000))
    return {
        "now": utc.format(now),
        "version": conn.execute("select coalesce(max(id), 0) from raw_events").fetchone()[0],
        "sessions": sessions,
        "block": block if block and block["isActive"] else None,
        "limits": limits.latest(conn, now),
    }
