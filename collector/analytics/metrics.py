"""Metrics over a filtered slice: the productivity summary, tools, files and git.

Formulas: docs/metrics.md. Everything reads the views (collector/schema/views/); per-period
figures are sums of ``daily_activity`` rows, per-session ones come from
``session_summary``.
"""

from ..storage import db
from . import scores, timemodel

#: How many tools/files a "top" list shows.
TOP = 10


def _ratio(numerator, denominator, digits=3):
    return round(numerator / denominator, digits) if denominator else None


def _per_hour(count, active_seconds, digits=3):
    return round(count / (active_seconds / 3600.0), digits) if active_seconds else None


def session_averages(conn, filters):
    """Per-session means over sessions that started in the range."""
    where, params = filters.where(at="started_at")
    row = db.one(
        conn,
        "select count(*) as sessions, avg(wall_seconds) as wall, avg(active_seconds) as active,"
        " avg(files_touched) as files, avg(commits) as commits,"
        " avg(commit_lines_added + commit_lines_removed) as commit_lines,"
        " avg(lines_added + lines_removed) as edit_lines, avg(total_tokens) as tokens,"
        " avg(cost_usd) as cost from session_summary where %s" % where,
        params,
    )
    r = lambda v, d=3: None if v is None else round(v, d)  # noqa: E731
    return {
        "sessions": row["sessions"],
        "average_session_seconds": r(row["wall"]),
        "average_active_seconds": r(row["active"]),
        "files_per_session": r(row["files"]),
        "commits_per_session": r(row["commits"]),
        "commit_lines_per_session": r(row["commit_lines"]),
        "edit_lines_per_session": r(row["edit_lines"]),
        "tokens_per_session": r(row["tokens"]),
        "cost_per_session_usd": r(row["cost"], 6),
    }


def tool_rows(conn, filters):
    """Per tool: calls, outcomes, success rate and durations, most used first."""
    where, params = filters.where(session=None)
    rows = db.rows(
        conn,
        "select tool_name as tool, sum(calls) as calls, sum(ok) as ok, sum(errors) as errors,"
        " sum(rejected) as rejected, sum(interrupted) as interrupted, sum(timed_calls) as timed_calls,"
        " sum(duration_ms_total) as duration_ms_total, max(duration_ms_max) as duration_ms_max"
        " from %s where %s group by tool_name order by calls desc, tool_name"
        % (filters.source(conn, "tool_stats"), where),
        params,
    )
    for row in rows:
        row["success_rate"] = _ratio(row["ok"], row["ok"] + row["errors"], 4)
        row["duration_ms_avg"] = _ratio(row["duration_ms_total"], row["timed_calls"], 1)
    return rows


def tools(conn, filters):
    rows = tool_rows(conn, filters)
    ok = sum(r["ok"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    timed = [r for r in rows if r["timed_calls"]]
    return {
        "filters": filters.as_dict(),
        "calls": sum(r["calls"] for r in rows),
        "success_rate": _ratio(ok, ok + errors, 4),
        "most_used": [{"tool": r["tool"], "count": r["calls"]} for r in rows[:TOP]],
        "slowest": [
            {"tool": r["tool"], "duration_ms_avg": r["duration_ms_avg"], "calls": r["calls"]}
            for r in sorted(timed, key=lambda r: (-r["duration_ms_avg"], r["tool"]))[:TOP]
        ],
        "tools": rows,
    }


def files(conn, filters, limit=TOP * 5):
    where, params = filters.where(session=None)
    top = db.rows(
        conn,
        "select path, project_id, sum(operations) as operations, sum(reads) as reads, sum(edits) as edits,"
        " sum(writes) as writes, sum(lines_added) as lines_added, sum(lines_removed) as lines_removed,"
        " min(first_at) as first_at, max(last_at) as last_at from %s where %s"
        " group by project_id, path order by operations desc, path limit %d"
        % (filters.source(conn, "file_activity_daily"), where, int(limit)),
        params,
    )
    averages = session_averages(conn, filters)
    return {
        "filters": filters.as_dict(),
        "files_per_session": averages["files_per_session"],
        "sessions": averages["sessions"],
        "files": top,
    }


def git(conn, filters):
    total = timemodel.totals(conn, filters)
    where, params = filters.where(at="committed_at")
    commits = db.rows(
        conn, "select * from commit_activity where %s order by committed_at desc limit 100" % where, params)
    averages = session_averages(conn, filters)
    lines = total["commit_lines_added"] + total["commit_lines_removed"]
    return {
        "filters": filters.as_dict(),
        "commits": total["commits"],
        "commit_lines_added": total["commit_lines_added"],
        "commit_lines_removed": total["commit_lines_removed"],
        "commits_per_session": averages["commits_per_session"],
        "commit_lines_per_session": averages["commit_lines_per_session"],
        "commits_per_active_hour": _per_hour(total["commits"], total["active_seconds"]),
        "commit_lines_per_active_hour": _per_hour(lines, total["active_seconds"]),
        "active_seconds": total["active_seconds"],
        "recent": commits,
    }


def summary(conn, filters):
    """Every headline metric for the slice, with the inputs each is computed from."""
    total = timemodel.totals(conn, filters)
    think = timemodel.think_stats(conn, filters)
    averages = session_averages(conn, filters)
    tool = tools(conn, filters)
    active = total["active_seconds"]
    commit_lines = total["commit_lines_added"] + total["commit_lines_removed"]
    edit_lines = total["lines_added"] + total["lines_removed"]
    out = dict(total)
    out.update(averages)
    out.update({
        "active_ratio": _ratio(active, total["wall_seconds"], 4),
        "think_time_average_seconds": think["average_seconds"],
        "think_time_median_seconds": think["median_seconds"],
        "think_time_p90_seconds": think["p90_seconds"],
        "user_waits": think["waits"],
        "prompts_per_active_hour": _per_hour(total["prompts"], active),
        "tool_success_rate": tool["success_rate"],
        "most_used_tool": tool["most_used"][0]["tool"] if tool["most_used"] else None,
        "slowest_tool": tool["slowest"][0]["tool"] if tool["slowest"] else None,
        "commits_per_active_hour": _per_hour(total["commits"], active),
        "commit_lines_per_active_hour": _per_hour(commit_lines, active),
        "edit_lines_per_active_hour": _per_hour(edit_lines, active),
        "tokens_per_active_hour": _per_hour(total["total_tokens"], active, 1),
    })
    out.update(scores.for_totals(total))
    return out


def trends(conn, filters):
    """Both scores per day, each with its inputs."""
    out = []
    for row in timemodel.grouped(conn, filters, "day"):
        s = scores.for_totals(row)
        out.append({
            "date": row["day"],
            "score": s["productivity_score"],
            "engagement_score": s["engagement_score"],
            "inputs": {**s["productivity"]["inputs"], **s["engagement"]["inputs"]},
        })
    return out


def productivity(conn, filters):
    """``/api/analytics/productivity`` in the founding spec's shape, plus the inputs."""
    s = summary(conn, filters)
    wall = s["average_session_seconds"]
    return {
        "engagement_score": s["engagement_score"],
        "average_session_length": None if wall is None else round(wall / 60.0, 2),
        "think_time_average": s["think_time_average_seconds"],
        "files_per_session": s["files_per_session"],
        "tools_most_used": tools(conn, filters)["most_used"],
        "productivity_trends": trends(conn, filters),
        "productivity_score": s["productivity_score"],
        "engagement": s["engagement"],
        "productivity": s["productivity"],
        "inputs": {
            "sessions": s["sessions"], "average_session_seconds": wall,
            "user_waits": s["user_waits"], "think_time_median_seconds": s["think_time_median_seconds"],
            "think_time_p90_seconds": s["think_time_p90_seconds"],
        },
        "filters": filters.as_dict(),
    }
