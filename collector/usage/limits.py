"""Observed plan limits and the summary file the status line reads.

Claude Code passes the server's own figures to the statusLine command:
``rate_limits.five_hour`` and ``.seven_day`` with ``used_percentage`` (0-100,
a float with noise) and ``resets_at`` (epoch seconds, not on the hour). They
are account-wide and as of the session's last API response; absent for API-key
users, on a session's first render, and per window. Absent means unknown,
never 0 %. The status line spools each payload as a ``Status`` event; the
drain hands it to :func:`record_status`.

After each drain the collector calls :func:`refresh`: 5-hour blocks into
``usage_blocks`` (for the dashboard) and ``$CCTRACKER_HOME/statusline.json``
(for the status line, which never opens SQLite).
"""

import datetime
import json
import os
import tempfile

from ..storage import db
from ..times import local, utc
from . import blocks

WINDOWS = {"five_hour": 5 * 3600, "seven_day": 7 * 86400}

#: An observation older than this is marked stale even before its window resets:
#: figures only move when that session makes an API call.
STALE_AFTER_SECONDS = 15 * 60


def _num(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _epoch_iso(seconds):
    return utc.format(datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc))


def _get(obj, *keys):
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def record_status(conn, at, payload):
    """Keep one statusLine payload's figures (inside the drain's transaction)."""
    uuid = payload.get("session_id")
    if not isinstance(uuid, str) or not uuid:
        return
    version = payload.get("version") if isinstance(payload.get("version"), str) else None
    for window in WINDOWS:
        used = _num(_get(payload, "rate_limits", window, "used_percentage"))
        resets = _num(_get(payload, "rate_limits", window, "resets_at"))
        if used is None or resets is None or not 0 <= resets < 1e11:
            continue
        resets_at = _epoch_iso(resets)
        last = conn.execute(
            "select used_percentage, resets_at from rate_limit_observations where session_uuid = ?"
            " and window = ? order by observed_at desc, id desc limit 1", (uuid, window)).fetchone()
        if last and abs(last[0] - used) < 1e-9 and last[1] == resets_at:
            continue  # stored only when it changed: a render per message would repeat it
        conn.execute(
            "insert into rate_limit_observations (observed_at, session_uuid, cc_version, window,"
            " used_percentage, resets_at) values (?, ?, ?, ?, ?, ?)",
            (at, uuid, version, window, used, resets_at))
    window = payload.get("context_window") if isinstance(payload.get("context_window"), dict) else {}
    model = payload.get("model") if isinstance(payload.get("model"), dict) else {}
    text = lambda v: v if isinstance(v, str) else None  # noqa: E731
    conn.execute(
        "insert into statusline_latest (session_uuid, at, model, model_display, cc_version, cost_usd,"
        " context_used_percentage, context_window_size, lines_added, lines_removed)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict(session_uuid) do update set"
        " at = excluded.at, model = excluded.model, model_display = excluded.model_display,"
        " cc_version = excluded.cc_version, cost_usd = excluded.cost_usd,"
        " context_used_percentage = excluded.context_used_percentage,"
        " context_window_size = excluded.context_window_size, lines_added = excluded.lines_added,"
        " lines_removed = excluded.lines_removed where excluded.at >= statusline_latest.at",
        (uuid, at, text(model.get("id")), text(model.get("display_name")), version,
         _num(_get(payload, "cost", "total_cost_usd")), _num(window.get("used_percentage")),
         _num(window.get("context_window_size")), _num(_get(payload, "cost", "total_lines_added")),
         _num(_get(payload, "cost", "total_lines_removed"))))


# --- reading ----------------------------------------------------------------------


def _describe(row, now):
    observed_at, session, version, window, used, resets_at = row
    resets = utc.parse(resets_at)
    seen = utc.parse(observed_at)
    age = (now - seen).total_seconds()
    reset = now >= resets
    return {
        "window": window, "used_percentage": used, "resets_at": resets_at,
        "window_start": utc.format(resets - datetime.timedelta(seconds=WINDOWS[window])),
        "observed_at": observed_at, "age_seconds": round(max(age, 0.0), 3), "session_uuid": session,
        "cc_version": version, "reset_since": reset,
        "stale": reset or age > STALE_AFTER_SECONDS,
    }


def latest(conn, now=None):
    """``{"five_hour": {...} | None, "seven_day": ...}``: the newest observation of each window.

    Across sessions on one account the newest observation wins. ``stale``: its
    window reset since (the figure is unknown now) or it is older than
    ``STALE_AFTER_SECONDS``.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    out = {}
    for window in WINDOWS:
        row = conn.execute(
            "select observed_at, session_uuid, cc_version, window, used_percentage, resets_at"
            " from rate_limit_observations where window = ? order by observed_at desc, id desc limit 1",
            (window,)).fetchone()
        out[window] = _describe(row, now) if row else None
    return out


def history(conn, window=None, since=None, limit=1000):
    where, params = ["1 = 1"], []
    if window:
        where.append("window = ?")
        params.append(window)
    if since:
        where.append("observed_at >= ?")
        params.append(since)
    return db.rows(conn, "select observed_at, window, used_percentage, resets_at, session_uuid"
                   " from rate_limit_observations where %s order by observed_at desc, id desc limit %d"
                   % (" and ".join(where), int(limit)), params)


# --- kept up to date after drains ------------------------------------------------------


BLOCK_COLUMNS = ("start_time", "end_time", "first_entry_time", "actual_end_time", "is_gap", "entries",
                 "input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens",
                 "total_tokens", "cost_usd", "unpriced_entries", "models")


def _stored(js_iso):
    """``2026-02-12T14:00:00.000Z`` (ccusage's form) as the database keeps times (microseconds)."""
    return js_iso[:-1] + "000Z"


def refresh_blocks(conn, since=None):
    """Recompute ``usage_blocks`` from ``since`` (the start of a stored block) or from scratch.

    Blocks that start before ``since`` cannot change unless older usage
    arrives (an import): the caller then passes None. Returns the blocks written.
    """
    groups = blocks.group(blocks.load_entries(conn, since))
    stamp = lambda ms: _stored(blocks.iso(ms))  # noqa: E731
    rows = []
    for g in groups:
        if g[0] == "gap":
            rows.append((stamp(g[1]), stamp(g[2]), None, None, 1, 0, 0, 0, 0, 0, 0, 0.0, 0, "[]"))
            continue
        b = blocks.build_one(g[0], g[1], 0)
        t = b["tokenCounts"]
        rows.append((stamp(g[0]), stamp(g[0] + blocks.BLOCK_MS), stamp(g[1][0][0]), stamp(g[1][-1][0]), 0,
                     b["entries"], t["inputTokens"], t["outputTokens"], t["cacheCreationInputTokens"],
                     t["cacheReadInputTokens"], b["totalTokens"], b["costUSD"], b["unpricedEntries"],
                     json.dumps(b["models"])))
    with db.write_transaction(conn):
        conn.execute("delete from usage_blocks where start_time >= ?", (since or "",))
        conn.executemany("insert or replace into usage_blocks (%s) values (%s)" % (
            ", ".join(BLOCK_COLUMNS), ", ".join("?" * len(BLOCK_COLUMNS))), rows)
    return len(rows)


class Refresher:
    """Keeps ``usage_blocks`` and the summary file current; called after every drain.

    Cheap when nothing changed: two ``max(id)`` lookups. Every
    ``SUMMARY_EVERY_SECONDS`` the summary is rewritten anyway (today's date and
    the observed figures' age move on their own) and the rows are counted, so
    usage removed by ``forget`` or retention rebuilds the blocks too.
    """

    SUMMARY_EVERY_SECONDS = 60.0

    def __init__(self, config):
        self.config = config
        self.usage_id = None      # max(token_usage.id) when blocks were last computed
        self.event_id = None      # max(raw_events.id) when the summary was last written
        self.count = None         # count(token_usage) then: rows forgotten show up as a drop
        self.written = 0.0

    def __call__(self, conn, now=None):
        import time

        usage_id = db.scalar(conn, "select coalesce(max(id), 0) from token_usage")
        event_id = db.scalar(conn, "select coalesce(max(id), 0) from raw_events")
        periodic = time.monotonic() - self.written > self.SUMMARY_EVERY_SECONDS
        known = self.usage_id if self.usage_id is not None else 0
        new_rows = db.scalar(conn, "select count(*) from token_usage where id > ?", (known,))
        count = db.scalar(conn, "select count(*) from token_usage") if periodic or self.count is None else None
        # Rows gone (forget, retention) show as a lower top id or, at the periodic count, fewer rows.
        full = self.usage_id is None or usage_id < self.usage_id or (
            count is not None and count != self.count + new_rows)
        changed = full or new_rows > 0
        if changed:
            since = None
            if not full:
                since = db.scalar(conn, "select max(start_time) from usage_blocks where is_gap = 0")
                oldest_new = db.scalar(conn, "select min(at) from token_usage where id > ?", (known,))
                if since and oldest_new and oldest_new < since:
                    since = None  # older usage arrived (an import): rebuild everything
            refresh_blocks(conn, since)
            self.usage_id = usage_id
            self.count = count if count is not None else self.count + new_rows
        if changed or event_id != self.event_id or periodic:
            write_summary(conn, self.config, now)
            self.event_id = event_id
            self.written = time.monotonic()
            return True
        return False


def today_cost(conn):
    """Today's (local day) estimated cost from priced token usage, and whether any was unpriced."""
    day = local.today()
    row = conn.execute(
        "select total(cost_usd), sum(price_match is null) from token_usage_priced where at >= ? and at < ?"
        + blocks.CLAUDE_ONLY,
        (local.day_start(day), local.day_end(day))).fetchone()
    return day.isoformat(), round(row[0], 6), bool(row[1])


def summary(conn, config, now=None):
    """What the status line shows besides its own payload (see cctracker_client.statusline)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    day, cost, unpriced = today_cost(conn)
    block = blocks.current(conn, int(now.timestamp() * 1000))
    limits = {}
    for window, found in latest(conn, now).items():
        if found:
            limits[window] = {"used_percentage": found["used_percentage"],
                              "resets_at": utc.parse(found["resets_at"]).timestamp(),
                              "observed_at": utc.parse(found["observed_at"]).timestamp()}
    return {
        "v": 1, "generated_at": now.timestamp(), "format": config.statusline_format or None,
        "day": day, "today_cost_usd": cost, "today_unpriced": unpriced,
        "block": None if block is None else {
            "start": blocks.to_ms(block["startTime"]) / 1000, "end": blocks.to_ms(block["endTime"]) / 1000,
            "last_entry": blocks.to_ms(block["actualEndTime"]) / 1000, "cost_usd": round(block["costUSD"], 6),
            "tokens": block["totalTokens"]},
        "limits": limits,
    }


def summary_path(config):
    return os.path.join(config.home, "statusline.json")


def write_summary(conn, config, now=None):
    """Write the summary atomically (temp file, then rename): a status line never reads half of it."""
    data = json.dumps(summary(conn, config, now), separators=(",", ":"))
    os.makedirs(config.home, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".statusline.", suffix=".tmp", dir=config.home)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(tmp, summary_path(config))
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return summary_path(config)


def demo_observations(conn, rng):
    """Blocks and made-up observed figures for ``cctracker serve --demo`` (never real data).

    For each demo block, a few status-line renders: five-hour use climbing with
    the block's tokens, a server window that starts up to 40 minutes after the
    hour-floored estimate, and the week's use climbing until its weekly reset.
    """
    refresh_blocks(conn)
    found = conn.execute("select start_time, first_entry_time, actual_end_time, total_tokens from usage_blocks"
                         " where is_gap = 0 order by start_time").fetchall()
    rows, week_used, week_reset = [], 0.0, None
    for start, first, last, tokens in found:
        server_start = blocks.to_ms(start) + rng.randint(0, 40) * 60000
        resets = _epoch_iso((server_start + blocks.BLOCK_MS) / 1000)
        a, b = blocks.to_ms(first), blocks.to_ms(last)
        share = min(95.0, tokens / 40000.0 + rng.uniform(2, 10))
        if week_reset is None or a >= blocks.to_ms(week_reset):
            monday = datetime.datetime.fromtimestamp(a / 1000, datetime.timezone.utc).date()
            monday += datetime.timedelta(days=7 - monday.weekday())
            week_reset, week_used = "%sT00:00:00.000000Z" % monday.isoformat(), 0.0
        for k in range(1, 5):
            at = _epoch_iso((a + (b - a) * k / 4) / 1000)
            week_used = min(100.0, week_used + share / 12)
            rows.append((at, "demo", "2.1.226", "five_hour", round(share * k / 4, 1), resets))
            rows.append((at, "demo", "2.1.226", "seven_day", round(week_used, 1), week_reset))
    with db.write_transaction(conn):
        conn.executemany("insert into rate_limit_observations (observed_at, session_uuid, cc_version, window,"
                         " used_percentage, resets_at) values (?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
