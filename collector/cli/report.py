"""``cctracker report``: every metric for a period, and a breakdown by day, week, session,
project or model. A thin skin over ``collector.analytics``."""

import click

from ..analytics import breakdown, filters as filters_mod, metrics, tokens
from ..sessions import ref
from ..storage import db
from ..times import local
from .base import cli, echo_json, guard, load_config, table

#: Rows of the summary: (label, key, format, what it is computed from).
SUMMARY = [
    ("Sessions", "sessions", "int", "sessions started in the range"),
    ("Wall time", "wall_seconds", "dur", "session start -> end, summed"),
    ("Active time", "active_seconds", "dur", "Claude working + permission waits + thinking"),
    ("Active share of wall", "active_ratio", "pct", "active / wall"),
    ("Claude working", "claude_working_seconds", "dur", "prompt -> Stop minus permission waits"),
    ("Permission waits", "permission_wait_seconds", "dur", "PermissionRequest -> tool's post event"),
    ("Thinking", "thinking_seconds", "dur", "user waits up to the think threshold"),
    ("Away", "away_seconds", "dur", "user waits beyond the think threshold"),
    ("Average session length", "average_session_seconds", "dur", "mean wall time per session"),
    ("Think time average", "think_time_average_seconds", "dur", "mean Stop -> next prompt"),
    ("Think time median", "think_time_median_seconds", "dur", "median user wait"),
    ("Think time p90", "think_time_p90_seconds", "dur", "90th percentile user wait"),
    ("Prompts", "prompts", "int", "prompts typed"),
    ("Prompts per active hour", "prompts_per_active_hour", "num", "prompts / active hours"),
    ("Files per session", "files_per_session", "num", "mean distinct files touched"),
    ("Tool calls", "tool_calls", "int", "all tool calls, subagents included"),
    ("Tool success rate", "tool_success_rate", "pct", "ok / (ok + error)"),
    ("Most used tool", "most_used_tool", "str", "most calls"),
    ("Slowest tool", "slowest_tool", "str", "highest mean duration"),
    ("Commits", "commits", "int", "commits made in the range"),
    ("Commits per session", "commits_per_session", "num", "mean commits per session"),
    ("Commits per active hour", "commits_per_active_hour", "num", "commits / active hours"),
    ("Lines changed per session", "commit_lines_per_session", "num", "commit lines added + removed"),
    ("Lines changed per active hour", "commit_lines_per_active_hour", "num", "commit lines / active hours"),
    ("Lines edited by Claude", "edit_lines", "int", "Edit/Write lines added + removed"),
    ("Input tokens", "input_tokens", "int", "deduplicated per API response"),
    ("Output tokens", "output_tokens", "int", "largest streamed count per response"),
    ("Cache write tokens", "cache_creation_tokens", "int", "cache creation input tokens"),
    ("Cache read tokens", "cache_read_tokens", "int", "cache read input tokens"),
    ("Tokens per session", "tokens_per_session", "num", "mean tokens per session"),
    ("Cost", "cost_usd", "usd", "tokens x bundled price table"),
    ("Cost per session", "cost_per_session_usd", "usd", "mean cost per session"),
    ("Engagement score", "engagement_score", "num", "0-100; see docs/metrics.md"),
    ("Productivity score", "productivity_score", "num", "0-100; see docs/metrics.md"),
]

#: The breakdown tables print these columns, so they fit 100 columns; ``--json`` has every figure.
COLUMNS = {
    "session": ["session", "project", "started", "active", "prompts", "tools", "commits", "tokens", "cost"],
    "model": ["model", "priced as", "input", "output", "cache write", "cache read", "cost"],
}
GROUP_COLUMNS = ["sessions", "wall", "active", "thinking", "prompts", "tools", "commits",
                 "tokens", "cost"]


def fmt(value, kind):
    if value is None:
        return "unknown" if kind == "usd" else "n/a"
    if kind == "dur":
        seconds = int(round(value))
        return "%d:%02d:%02d" % (seconds // 3600, seconds % 3600 // 60, seconds % 60)
    if kind == "pct":
        return "%.1f%%" % (100 * value)
    if kind == "usd":
        return "$%.2f" % value
    if kind == "num":
        return "%.2f" % value
    if kind == "int":
        return "{:,}".format(int(value))
    return str(value)


def _group_row(key, r):
    return {
        key[0]: key[1], "sessions": fmt(r.get("sessions", 1), "int"), "wall": fmt(r["wall_seconds"], "dur"),
        "active": fmt(r["active_seconds"], "dur"), "working": fmt(r["claude_working_seconds"], "dur"),
        "permission": fmt(r["permission_wait_seconds"], "dur"),
        "thinking": fmt(r["thinking_seconds"], "dur"), "away": fmt(r["away_seconds"], "dur"),
        "prompts": fmt(r["prompts"], "int"), "prompts/h": fmt(r.get("prompts_per_active_hour"), "num"),
        "tools": fmt(r["tool_calls"], "int"), "success": fmt(r.get("tool_success_rate"), "pct"),
        "files": fmt(r["files_touched"], "int"), "commits": fmt(r["commits"], "int"),
        "lines": "+%d/-%d" % (r["commit_lines_added"], r["commit_lines_removed"]),
        "tokens": fmt(r["total_tokens"], "int"), "cost": fmt(r["cost_usd"], "usd"),
        "engagement": fmt(r.get("engagement_score"), "num"),
        "productivity": fmt(r.get("productivity_score"), "num"),
    }


def _table_rows(by, found, prefixes=None):
    if by == "model":
        return [{"model": r["model"], "priced as": r["price_match"] or "unknown price",
                 "requests": fmt(r["requests"], "int"), "input": fmt(r["input_tokens"], "int"),
                 "output": fmt(r["output_tokens"], "int"),
                 "cache write": fmt(r["cache_creation_tokens"], "int"),
                 "cache read": fmt(r["cache_read_tokens"], "int"), "cost": fmt(r["cost_usd"], "usd")}
                for r in found]
    if by == "session":
        prefixes = prefixes or {}
        out = []
        for r in found:
            row = _group_row(("session", prefixes.get(r["session_uuid"], r["session_uuid"])), r)
            row.update({"project": r["project_name"] or "n/a", "started": local.minute(r["started_at"]),
                        "tools": fmt(r["tool_calls"], "int")})
            out.append(row)
        return out
    label = "project" if by == "project" else by
    return [_group_row((label, r.get("project") or r.get("project_id") if by == "project" else r[by]), r)
            for r in found]


def _time_options(fn):
    for option in reversed([
        click.option("--by", "by", type=click.Choice(breakdown.BY), default="day", show_default=True,
                     help="Group the breakdown table by this."),
        click.option("--days", type=int, default=None, help="The last N days (default 30)."),
        click.option("--start-date", help="First day, YYYY-MM-DD (a local day)."),
        click.option("--end-date", help="Last day, YYYY-MM-DD (a local day)."),
        click.option("--project", help="Project id or name."),
        click.option("--agent", help="Only sessions of this agent: claude-code, codex or gemini."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables."),
    ]):
        fn = option(fn)
    return fn


@cli.group(invoke_without_command=True)
@_time_options
@click.pass_context
@guard
def report(ctx, by, days, start_date, end_date, project, agent, as_json):
    """Reports: tokens and cost like ccusage (daily, weekly, monthly, session, model,
    project), or the time model (time; also what plain `report` prints)."""
    if ctx.invoked_subcommand is None:
        time_report(by, days, start_date, end_date, project, as_json, agent)


@report.command("time")
@_time_options
@guard
def time_command(by, days, start_date, end_date, project, agent, as_json):
    """Time, think time, tools, files, git, tokens, cost and scores for a period."""
    time_report(by, days, start_date, end_date, project, as_json, agent)


def time_report(by, days, start_date, end_date, project, as_json, agent=None):
    config = load_config()
    conn = db.connect(config.db_path)
    filters = filters_mod.parse(project_id=filters_mod.resolve_project(conn, project), start_date=start_date,
                                end_date=end_date, days=days, default_days=filters_mod.DEFAULT_DAYS,
                                agent=agent)
    summary = metrics.summary(conn, filters)
    summary["edit_lines"] = summary["lines_added"] + summary["lines_removed"]
    found = breakdown.rows(conn, filters, by)
    tool = metrics.tools(conn, filters)
    if as_json:
        echo_json({"filters": filters.as_dict(), "summary": summary, "by": by, "rows": found,
                   "tools": tool["tools"], "price_date": tokens.price_date(conn)})
        return
    span = "%s .. %s" % (filters.start_date or "start", filters.end_date or "today")
    click.echo("cctracker report: %s%s%s\n" % (span, "" if filters.project_id is None
                                               else ", project %s" % filters.project_id,
                                               "" if filters.agent is None else ", agent %s" % filters.agent))
    # With no sessions a per-session figure has no value ("n/a"), not an unknown price.
    table([{"metric": label, "value": "n/a" if summary.get(key) is None and not summary.get("sessions")
            else fmt(summary.get(key), kind), "from": how} for label, key, kind, how in SUMMARY])
    click.echo("\nBy %s" % by)
    prefixes = ref.shorts(r[0] for r in conn.execute("select session_uuid from sessions")) \
        if by == "session" else None
    table(_table_rows(by, found, prefixes), COLUMNS.get(by, [by if by != "project" else "project"] + GROUP_COLUMNS))
    click.echo("\nTools")
    table([{"tool": t["tool"], "calls": fmt(t["calls"], "int"), "errors": fmt(t["errors"], "int"),
            "success": fmt(t["success_rate"], "pct"), "mean ms": fmt(t["duration_ms_avg"], "num"),
            "max ms": fmt(t["duration_ms_max"], "num")} for t in tool["tools"][:metrics.TOP]])
    click.echo("\nPrices: bundled table dated %s; unknown models show cost 'unknown'."
               % tokens.price_date(conn))
