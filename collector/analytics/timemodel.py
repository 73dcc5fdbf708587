"""Reading the time model: where a session's time went.

The drain stores the model (``turns.working_seconds``, ``waits`` of kind
``permission`` and ``user`` with the thinking/away split); this module only
adds it up through the ``daily_totals`` (or ``daily_activity``), ``session_summary``
and ``think_times`` views. Definitions: docs/metrics.md.
"""

import datetime

from ..storage import db, rollups

#: Columns of ``daily_activity`` that add up across days and projects.
ADDITIVE = (
    "sessions", "wall_seconds", "active_seconds", "claude_working_seconds", "permission_wait_seconds",
    "user_wait_seconds", "thinking_seconds", "away_seconds", "turns", "prompts", "tool_calls",
    "tool_successes", "tool_failures", "files_touched", "files_modified", "lines_added",
    "lines_removed", "commits", "commit_lines_added", "commit_lines_removed", "input_tokens",
    "output_tokens", "cache_creation_tokens", "cache_read_tokens", "total_tokens",
    "unpriced_requests",
)
TIME_COLUMNS = (
    "wall_seconds", "active_seconds", "claude_working_seconds", "permission_wait_seconds",
    "user_wait_seconds", "thinking_seconds", "away_seconds",
)


def percentile(values, fraction):
    """Linear interpolation between closest ranks (numpy's default); None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value, digits=3):
    return None if value is None else round(value, digits)


def daily_rows(conn, filters):
    # The same rows either way (tests/test_rollups.py): ``daily_totals`` reads
    # the rollups, a row per day and project; ``daily_activity`` computes them
    # from every base row (seconds at a million events), for when the rollups
    # lag and this connection may not bring them up to date.
    # The rollups have no agent: one agent's rows come from daily_activity's own SQL.
    if filters.agent is not None:
        view = filters.source(conn, "daily_activity")
    else:
        view = "daily_totals" if rollups.ensure_current(conn) else "daily_activity"
    where, params = filters.where(session=None)
    return db.rows(conn, "select * from %s where %s order by day, project_id" % (view, where), params)


def add_up(rows):
    """Sum the additive columns of daily rows; cost stays None unless some row has one."""
    total = {c: 0 for c in ADDITIVE}
    cost = None
    for row in rows:
        for c in ADDITIVE:
            total[c] += row.get(c) or 0
        if row.get("cost_usd") is not None:
            cost = (cost or 0) + row["cost_usd"]
    for c in TIME_COLUMNS:
        total[c] = round(total[c], 3)
    if cost is None and not total.get("total_tokens"):
        cost = 0.0  # no tokens cost nothing: $0, not "unknown"
    total["cost_usd"] = _round(cost, 6)
    return total


def totals(conn, filters):
    return add_up(daily_rows(conn, filters))


def think_stats(conn, filters):
    """Average, median and p90 of user waits (Stop to next prompt), with their split."""
    where, params = filters.where(at="started_at")
    waits = db.rows(
        conn,
        "select duration_seconds, thinking_seconds, away_seconds from think_times where %s" % where,
        params,
    )
    durations = [w["duration_seconds"] for w in waits]
    thinking = [w["thinking_seconds"] or 0 for w in waits]
    return {
        "waits": len(waits),
        "average_seconds": _round(sum(durations) / len(durations)) if durations else None,
        "median_seconds": _round(percentile(durations, 0.5)),
        "p90_seconds": _round(percentile(durations, 0.9)),
        "thinking_average_seconds": _round(sum(thinking) / len(thinking)) if thinking else None,
        "thinking_seconds": _round(sum(thinking)),
        "away_seconds": _round(sum(w["away_seconds"] or 0 for w in waits)),
        "went_away": sum(1 for w in waits if (w["away_seconds"] or 0) > 0),
    }


def sessions(conn, filters, limit=None):
    where, params = filters.where(at="started_at")
    sql = "select * from session_summary where %s order by started_at desc" % where
    if limit:
        sql += " limit %d" % int(limit)
    return db.rows(conn, sql, params)


def week_of(day):
    """The Monday (ISO week start) of a YYYY-MM-DD day."""
    date = datetime.date.fromisoformat(day)
    return (date - datetime.timedelta(days=date.weekday())).isoformat()


def grouped(conn, filters, by):
    """Daily rows added up per day, ISO week (its Monday) or project."""
    groups = {}
    for row in daily_rows(conn, filters):
        if by == "day":
            key = (row["day"],)
        elif by == "week":
            key = (week_of(row["day"]),)
        else:
            key = (row["project_id"], row["project_name"])
        groups.setdefault(key, []).append(row)
    out = []
    for key, rows in sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        total = add_up(rows)
        if by == "project":
            total = {"project_id": key[0], "project": key[1], **total}
        else:
            total = {by: key[0], **total}
        out.append(total)
    return out


def time_model(conn, filters):
    """The time split for the range, with think-time statistics."""
    total = totals(conn, filters)
    return {
        "filters": filters.as_dict(),
        "totals": {c: total[c] for c in ("sessions", "turns", "prompts") + TIME_COLUMNS},
        "think_time": think_stats(conn, filters),
        "by_day": [
            {k: r[k] for k in ("day", "sessions") + TIME_COLUMNS} for r in grouped(conn, filters, "day")
        ],
    }
