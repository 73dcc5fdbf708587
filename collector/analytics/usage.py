"""Token usage and cost per day, week, month, session, model or project, shaped like ccusage.

The rows carry ccusage's JSON field names (``inputTokens``, ``cacheCreationTokens``,
``totalCost``, ``modelsUsed``, ``modelBreakdowns`` ...) so that scripts written
for ``ccusage daily --json`` read ``cctracker report daily --json`` unchanged.
Counts come from ``usage_entries`` (deduplicated per API response, plus Claude Code's
``<synthetic>`` error notes at zero tokens, days
local); weeks start on Sunday as ccusage's do unless asked otherwise.

A model without a known price adds nothing to ``totalCost`` (as in ccusage) and
is listed in ``unpricedModels``; a group of zero tokens costs exactly 0.
"""

import datetime

from ..storage import db

#: Claude Code's own API error notes (transcripts.SYNTHETIC_MODEL).
SYNTHETIC = "<synthetic>"

PERIODS = ("daily", "weekly", "monthly", "session", "model", "project", "agent")
#: The JSON list each period's rows go under, and the key naming a row (ccusage's where it has one).
LIST_NAME = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "session": "sessions",
             "model": "models", "project": "projects", "agent": "agents"}
KEY_NAME = {"daily": "date", "weekly": "week", "monthly": "month", "session": "sessionId",
            "model": "modelName", "project": "project", "agent": "agent"}
WEEKDAYS = ("sunday", "monday")
_SUMS = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens")


def _week_start(day, start_of_week):
    d = datetime.date.fromisoformat(day)
    # date.weekday(): Monday 0 .. Sunday 6.
    back = d.weekday() if start_of_week == "monday" else (d.weekday() + 1) % 7
    return (d - datetime.timedelta(days=back)).isoformat()


def _key(period, row, start_of_week):
    if period == "daily":
        return row["day"]
    if period == "weekly":
        return _week_start(row["day"], start_of_week)
    if period == "monthly":
        return row["day"][:7]
    if period == "session":
        return row["session_id"]
    if period == "model":
        return row["model"]
    if period == "agent":
        return row["agent"]
    return row["project_id"]


def _empty():
    return {"inputTokens": 0, "outputTokens": 0, "cacheCreationTokens": 0, "cacheReadTokens": 0,
            "totalTokens": 0, "totalCost": 0.0}


def _add(target, row):
    target["inputTokens"] += row["input_tokens"] or 0
    target["outputTokens"] += row["output_tokens"] or 0
    target["cacheCreationTokens"] += row["cache_creation_tokens"] or 0
    target["cacheReadTokens"] += row["cache_read_tokens"] or 0
    target["totalTokens"] = sum(target[k] for k in _SUMS)
    target["totalCost"] += row["cost_usd"] or 0.0


def _rows(conn, filters, period):
    """Sums per (group, model) straight from SQL: one row per pair, not per response."""
    group = {"session": "session_id, ", "project": "project_id, ", "model": "",
             "agent": "agent, "}.get(period, "day, ")
    # The session's coding agent (usage without a session row is Claude Code's).
    select = ("coalesce((select agent from sessions s where s.id = session_id), 'claude-code') as agent, "
              if period == "agent" else group)
    where, params = filters.where(at="at")
    return db.rows(conn,
                   "select %smodel, max(day) as last_day, sum(input_tokens) as input_tokens,"
                   " sum(output_tokens) as output_tokens, sum(cache_creation_tokens) as cache_creation_tokens,"
                   " sum(cache_read_tokens) as cache_read_tokens, sum(cost_usd) as cost_usd,"
                   " sum(price_match is null) as unpriced from usage_entries where %s"
                   " group by %smodel" % (select, where, group), params)


def report(conn, filters, period, start_of_week="sunday"):
    """{LIST_NAME[period]: [...], "totals": {...}, "unpricedModels": [...]} as ccusage prints them."""
    groups, unpriced = {}, set()
    for row in _rows(conn, filters, period):
        model = row["model"] or "unknown"
        row["model"] = model
        tokens = sum(row[k] or 0 for k in ("input_tokens", "output_tokens", "cache_creation_tokens",
                                          "cache_read_tokens"))
        if row["unpriced"] and tokens:
            unpriced.add(model)
        if model == SYNTHETIC and period == "model":
            continue
        key = _key(period, row, start_of_week)
        group = groups.setdefault(key, {"models": {}, "last_day": None})
        if row["last_day"] and (group["last_day"] is None or row["last_day"] > group["last_day"]):
            group["last_day"] = row["last_day"]
        # As ccusage: Claude Code's <synthetic> error notes list their day or session (with
        # zero tokens) and count for lastActivity, but never appear as a model.
        if model != SYNTHETIC:
            _add(group["models"].setdefault(model, _empty()), row)
    out, totals = [], _empty()
    for key in sorted(groups, key=lambda k: (k is None, str(k) if period not in ("session", "project")
                                             else groups[k]["last_day"] or "")):
        group = groups[key]
        entry = {KEY_NAME[period]: key}
        entry.update(_empty())
        for model, sums in group["models"].items():
            for k in _SUMS + ("totalCost",):
                entry[k] += sums[k]
        entry["totalTokens"] = sum(entry[k] for k in _SUMS)
        for k in _SUMS + ("totalCost",):
            totals[k] += entry[k]
        if period != "model":
            entry["modelsUsed"] = sorted(group["models"])
            entry["modelBreakdowns"] = [
                {"modelName": m, "inputTokens": s["inputTokens"], "outputTokens": s["outputTokens"],
                 "cacheCreationTokens": s["cacheCreationTokens"], "cacheReadTokens": s["cacheReadTokens"],
                 "cost": s["totalCost"]}
                for m, s in sorted(group["models"].items(), key=lambda kv: (-kv[1]["totalCost"], kv[0]))]
        if period in ("session", "project", "model", "agent"):
            entry["lastActivity"] = group["last_day"]
        out.append(entry)
    totals["totalTokens"] = sum(totals[k] for k in _SUMS)
    _label(conn, period, out)
    result = {LIST_NAME[period]: out, "totals": totals}
    if unpriced:
        result["unpricedModels"] = sorted(unpriced)
    return result


def _label(conn, period, entries):
    """Sessions by UUID with their project path; projects by name (ids are ours alone)."""
    if period == "session":
        ids = [e["sessionId"] for e in entries if e["sessionId"] is not None]
        found = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for r in db.rows(conn, "select s.id, s.session_uuid, s.title, p.path, p.name from sessions s"
                                   " left join projects p on p.id = s.project_id where s.id in (%s)"
                                   % ", ".join("?" * len(chunk)), chunk):
                found[r["id"]] = r
        for e in entries:
            r = found.get(e["sessionId"]) or {}
            e["sessionId"] = r.get("session_uuid")
            e["projectPath"] = r.get("path") or "Unknown Project"
            e["project"] = r.get("name")
            e["title"] = r.get("title")
    elif period == "project":
        names = {r["id"]: r for r in db.rows(conn, "select id, name, path from projects")}
        for e in entries:
            r = names.get(e["project"]) or {}
            e["project"] = r.get("name") or "(no project)"
            e["projectPath"] = r.get("path")
