"""Every metric per day, week, project, session, model or agent: the rows ``cctracker report`` prints."""

import dataclasses

from ..storage import db
from . import scores, timemodel, tokens

BY = ("day", "week", "session", "project", "model", "agent")


def agents(conn, filters):
    """The agents with sessions (all of them, or the one the filters name), Claude Code first."""
    if filters.agent is not None:
        return [filters.agent]
    found = [r["agent"] for r in db.rows(conn, "select distinct agent from sessions")]
    return sorted(found, key=lambda a: (a != "claude-code", a))


def _per_hour(count, active):
    return round(count / (active / 3600.0), 2) if active else None


def _with_rates(row):
    active = row["active_seconds"]
    ok, failures = row["tool_successes"], row["tool_failures"]
    row["prompts_per_active_hour"] = _per_hour(row["prompts"], active)
    row["tool_success_rate"] = round(ok / (ok + failures), 4) if ok + failures else None
    row["commits_per_active_hour"] = _per_hour(row["commits"], active)
    row["commit_lines_per_active_hour"] = _per_hour(
        row["commit_lines_added"] + row["commit_lines_removed"], active)
    return row


def rows(conn, filters, by):
    """Rows for one grouping; day/week/project rows also carry both scores."""
    if by == "model":
        return tokens.by(conn, filters, "model")
    if by == "agent":
        out = []
        for agent in agents(conn, filters):
            row = _with_rates(timemodel.totals(conn, dataclasses.replace(filters, agent=agent)))
            s = scores.for_totals(row)
            row["engagement_score"] = s["engagement_score"]
            row["productivity_score"] = s["productivity_score"]
            out.append({"agent": agent, **row})
        return out
    if by == "session":
        where, params = filters.where(at="started_at")
        found = db.rows(conn, "select * from session_summary where %s order by started_at" % where, params)
        for row in found:
            _with_rates(row)
            s = scores.for_totals(row)
            row["engagement_score"] = s["engagement_score"]
            row["productivity_score"] = s["productivity_score"]
        return found
    out = []
    for row in timemodel.grouped(conn, filters, by):
        _with_rates(row)
        s = scores.for_totals(row)
        row["engagement_score"] = s["engagement_score"]
        row["productivity_score"] = s["productivity_score"]
        out.append(row)
    return out
