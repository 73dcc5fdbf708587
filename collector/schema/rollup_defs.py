"""What the dashboard rollups hold, the triggers that mark them dirty, and their rebuild.

This file is a repeatable part of the schema (see :mod:`collector.schema`):
when its text changes, the next start drops the ``rollup_*`` triggers,
creates them again from here and recomputes every rollup row. It imports
nothing: the runner and :mod:`collector.storage.rollups` (the incremental refresh)
both read it.

The views aggregate whole tables: right for one report, too slow for a
dashboard that redraws a dozen charts over a million events. Every chart
reads small per-day counters instead. Keeping them current row by row (an
upsert with a project lookup per insert, update and delete) cost over a
third of an import, so the triggers only note which (day, session) or
(day, project) changed in ``rollup_dirty`` (a key already marked costs one
b-tree probe), and ``collector.storage.rollups.refresh`` recomputes exactly those
keys once per drain batch, import group or API write.

Days and hours are local (the machine's zone, SQLite's ``'localtime'``),
written out as such below; ``local_zone`` holds the zone the rollups were
computed in. Active time = Claude working + permission waits + thinking, as
in the views. Rows with no project are kept under project_id 0 (NULLs would
not meet in a unique key). Every row is also keyed by the session's coding
agent (``sessions.agent``), so dashboards filter by agent from the rollups.
"""

#: Same offsets on these two instants = same zone as far as days go (summer and winter time).
ZONE_SQL = ("select strftime('%H:%M', '2026-01-15T12:00:00Z', 'localtime') || ' '"
            " || strftime('%H:%M', '2026-07-15T12:00:00Z', 'localtime')")

PROJECT = "coalesce((select project_id from sessions where id = {r}.session_id), 0)"
#: The coding agent of a row's session (claude-code, codex, gemini): every rollup is kept per
#: agent, so each dashboard page can be filtered by it.
AGENT = "coalesce((select agent from sessions where id = {r}.session_id), 'claude-code')"
_BUCKET = ("(case when {r}.duration_seconds < 10 then 0 when {r}.duration_seconds < 30 then 1 "
           "when {r}.duration_seconds < 60 then 2 when {r}.duration_seconds < 120 then 3 "
           "when {r}.duration_seconds < 300 then 4 when {r}.duration_seconds < 900 then 5 "
           "when {r}.duration_seconds < 3600 then 6 else 7 end)")


#: A request whose input (uncached, cache writes, cache reads) is over this many tokens
#: is a long-context one (pricing.json's ``long_context_above``; the views say it too).
LONG_CONTEXT_ABOVE = 200000
_LONG = ("case when {r}.input_tokens + {r}.cache_creation_tokens + {r}.cache_read_tokens > %d"
         " then %%s else 0 end" % LONG_CONTEXT_ABOVE)


def _day(column):
    return "date({r}.%s, 'localtime')" % column


#: (name, source table, update columns, rollup table, keys, values, condition); ``{r}`` is new/old.
ROLLUPS = [
    ("sessions", "sessions", "started_at, ended_at, last_event_at, project_id, agent", "rollup_daily",
     {"day": _day("started_at"), "project_id": "coalesce({r}.project_id, 0)", "agent": "{r}.agent"},
     {"sessions": "1", "wall_seconds": "max(0, (julianday(coalesce({r}.ended_at, {r}.last_event_at))"
                                       " - julianday({r}.started_at)) * 86400.0)"}, "1"),
    ("turns", "turns", "started_at, working_seconds, session_id", "rollup_daily",
     {"day": _day("started_at"), "project_id": PROJECT, "agent": AGENT},
     {"turns": "1", "claude_working_seconds": "{r}.working_seconds"}, "1"),
    ("waits", "waits", "started_at, kind, duration_seconds, thinking_seconds, away_seconds, session_id",
     "rollup_daily", {"day": _day("started_at"), "project_id": PROJECT, "agent": AGENT},
     {"permission_waits": "{r}.kind = 'permission'",
      "permission_wait_seconds": "case when {r}.kind = 'permission' then {r}.duration_seconds end",
      "user_waits": "{r}.kind = 'user'",
      "user_waits_away": "{r}.kind = 'user' and coalesce({r}.away_seconds, 0) > 0",
      "user_wait_seconds": "case when {r}.kind = 'user' then {r}.duration_seconds end",
      "thinking_seconds": "case when {r}.kind = 'user' then {r}.thinking_seconds end",
      "away_seconds": "case when {r}.kind = 'user' then {r}.away_seconds end"}, "1"),
    ("think", "waits", "started_at, kind, duration_seconds, thinking_seconds, away_seconds, session_id",
     "rollup_think", {"day": _day("started_at"),
                      "hour": "cast(strftime('%H', {r}.started_at, 'localtime') as integer)",
                      "project_id": PROJECT, "agent": AGENT},
     {"waits": "1", "duration_seconds": "{r}.duration_seconds", "thinking_seconds": "{r}.thinking_seconds",
      "away_seconds": "{r}.away_seconds", "went_away": "coalesce({r}.away_seconds, 0) > 0"},
     "{r}.kind = 'user' and {r}.duration_seconds is not null"),
    ("think_buckets", "waits", "started_at, kind, duration_seconds, session_id", "rollup_think_buckets",
     {"day": _day("started_at"), "project_id": PROJECT, "agent": AGENT, "bucket": _BUCKET}, {"waits": "1"},
     "{r}.kind = 'user' and {r}.duration_seconds is not null"),
    ("prompts", "messages", "created_at, kind, role, agent_id, session_id", "rollup_daily",
     {"day": _day("created_at"), "project_id": PROJECT, "agent": AGENT}, {"prompts": "1"},
     "{r}.kind = 'prompt' and {r}.role = 'user' and {r}.agent_id is null"),
    ("tool_calls", "tool_calls", "started_at, status, session_id", "rollup_daily",
     {"day": _day("started_at"), "project_id": PROJECT, "agent": AGENT},
     {"tool_calls": "1", "tool_successes": "{r}.status = 'ok'", "tool_failures": "{r}.status = 'error'"},
     "1"),
    ("tools", "tool_calls", "started_at, status, duration_ms, tool_name, session_id", "rollup_tools",
     {"day": _day("started_at"), "project_id": PROJECT, "agent": AGENT, "tool_name": "{r}.tool_name"},
     {"calls": "1", "ok": "{r}.status = 'ok'", "errors": "{r}.status = 'error'",
      "rejected": "{r}.status = 'rejected'", "interrupted": "{r}.status = 'interrupted'",
      "timed_calls": "{r}.duration_ms is not null", "duration_ms_total": "{r}.duration_ms"}, "1"),
    ("file_lines", "file_operations", "at, lines_added, lines_removed, session_id", "rollup_daily",
     {"day": _day("at"), "project_id": PROJECT, "agent": AGENT},
     {"lines_added": "{r}.lines_added", "lines_removed": "{r}.lines_removed"}, "1"),
    ("files", "file_operations", "at, path, operation, lines_added, lines_removed, session_id", "rollup_files",
     {"day": _day("at"), "project_id": PROJECT, "agent": AGENT, "path": "{r}.path"},
     {"operations": "1", "reads": "{r}.operation = 'read'",
      "edits": "{r}.operation in ('edit', 'notebook_edit')", "writes": "{r}.operation in ('write', 'create')",
      "lines_added": "{r}.lines_added", "lines_removed": "{r}.lines_removed"},
     "{r}.operation not in ('glob', 'grep')"),
    ("commits", "commits", "committed_at, project_id, lines_added, lines_removed", "rollup_daily",
     {"day": _day("committed_at"), "project_id": "{r}.project_id", "agent": AGENT},
     {"commits": "1", "commit_lines_added": "{r}.lines_added", "commit_lines_removed": "{r}.lines_removed"},
     "1"),
    ("tokens", "token_usage", "at, model, input_tokens, output_tokens, cache_creation_tokens, "
     "cache_read_tokens, cache_creation_1h_tokens, session_id", "rollup_tokens",
     {"day": _day("at"), "project_id": PROJECT, "agent": AGENT, "model": "coalesce({r}.model, '')"},
     {"requests": "1", "input_tokens": "{r}.input_tokens", "output_tokens": "{r}.output_tokens",
      "cache_creation_tokens": "{r}.cache_creation_tokens", "cache_read_tokens": "{r}.cache_read_tokens",
      "cache_creation_1h_tokens": "{r}.cache_creation_1h_tokens",
      # A long-context request is priced whole at its model's long rates (the views
      # read these shares): the rule needs each request, so the rollup keeps them.
      "long_input_tokens": _LONG % "{r}.input_tokens", "long_output_tokens": _LONG % "{r}.output_tokens",
      "long_cache_creation_tokens": _LONG % "{r}.cache_creation_tokens",
      "long_cache_creation_1h_tokens": _LONG % "{r}.cache_creation_1h_tokens",
      "long_cache_read_tokens": _LONG % "{r}.cache_read_tokens"},
     # Claude Code's <synthetic> error notes are no API response (no request, no model row).
     "{r}.model is not '<synthetic>'"),
]

#: Base tables the rollups read: the column whose local day a row counts on, and the
#: key its changes mark (a session's rows follow the session's project).
SOURCES = {
    "sessions": ("started_at", "project_id"),
    "turns": ("started_at", "session_id"),
    "waits": ("started_at", "session_id"),
    "messages": ("created_at", "session_id"),
    "tool_calls": ("started_at", "session_id"),
    "file_operations": ("at", "session_id"),
    "commits": ("committed_at", "project_id"),
    "token_usage": ("at", "session_id"),
}

TABLES = tuple(sorted({entry[3] for entry in ROLLUPS}))


def upsert(table, keys, values, cond, source):
    """Add every row of ``source`` to ``table`` (the rebuild)."""
    cols = list(keys) + list(values)
    exprs = [e.format(r=source) for e in keys.values()]
    exprs += ["coalesce(%s, 0)" % e.format(r=source) for e in values.values()]
    return ("insert into {t} ({cols}) select {exprs} from {src} where {day} is not null and ({cond})"
            " on conflict ({keys}) do update set {sets};").format(
        t=table, cols=", ".join(cols), exprs=", ".join(exprs), day=keys["day"].format(r=source),
        src=source, cond=cond.format(r=source), keys=", ".join(keys),
        sets=", ".join("%s = %s + excluded.%s" % (c, c, c) for c in values))


def rebuild_statements():
    """Every rollup row recomputed from the base tables, in the machine's zone as it is now."""
    out = ["delete from %s" % table for table in TABLES]
    out += [upsert(table, keys, values, cond, source) for _, source, _, table, keys, values, cond in ROLLUPS]
    out.append("delete from rollup_dirty")
    out.append("insert into local_zone (id, signature) values (1, (%s))"
               " on conflict (id) do update set signature = excluded.signature" % ZONE_SQL)
    return out


#: Marks a key once. ``on conflict do nothing``, not ``insert or ignore``: a statement with a
#: conflict clause of its own (the drain's UPSERTs) overrides the ``or ignore`` of the triggers
#: it fires, which then fail on a key already marked; it leaves their UPSERT alone.
_MARK = ("insert into rollup_dirty (day, sid, pid) select k.day, {sid}, {pid} from (select {day} as day) k"
         " where k.day is not null on conflict do nothing;")


def _mark(source, r):
    """Mark the key of row ``r`` (the new or old row) dirty."""
    column, key = SOURCES[source]
    if key == "session_id":
        sid, pid = "coalesce({r}.session_id, 0)", "0"  # no session: project 0, as in the views
    else:
        sid, pid = "0", "coalesce({r}.project_id, 0)"
    return _MARK.format(day=_day(column), sid=sid, pid=pid).format(r=r)


#: A session that left its project (moved or deleted): ('*', session, former project).
_LEFT = _MARK.format(day="'*'", sid="old.id", pid="coalesce(old.project_id, 0)")


def trigger_sql(source):
    """Triggers that mark the keys a change in ``source`` touches (old and new)."""
    entries = [r for r in ROLLUPS if r[1] == source]
    column, key = SOURCES[source]
    columns = sorted({c.strip() for r in entries for c in r[2].split(",")})
    conds = [r[6] for r in entries]
    # Only rows some rollup counts (say prompts among messages) need marking.
    when = None if "1" in conds else " or ".join("(%s)" % c for c in conds)

    def guard(*rs):
        return " when %s" % " or ".join("(%s)" % when.format(r=r) for r in rs) if when else ""

    out = [
        "create trigger rollup_%s_ai after insert on %s%s begin %s end"
        % (source, source, guard("new"), _mark(source, "new")),
        "create trigger rollup_%s_ad after delete on %s%s begin %s%s end"
        % (source, source, guard("old"), _mark(source, "old"),
           " " + _LEFT if source == "sessions" else ""),
        "create trigger rollup_%s_au after update of %s on %s%s begin %s end"
        % (source, ", ".join(columns), source, guard("old", "new"), _mark(source, "new")),
        # Most updates (a tool call's result, a session's last event) keep the row's key:
        # the old key is marked by a trigger of its own only when it differs.
        "create trigger rollup_%s_au_key after update of %s, %s on %s when (date(old.%s, 'localtime')"
        " is not date(new.%s, 'localtime') or old.%s is not new.%s)%s begin %s end"
        % (source, column, key, source, column, column, key, key,
           " and (%s)" % when.format(r="old") if when else "", _mark(source, "old")),
    ]
    if source == "sessions":
        # A session that changes project takes its turns, waits, ... on every day along;
        # so does one whose agent is learnt after its rows (a hook's session read as Codex's).
        out.append("create trigger rollup_sessions_moved after update of project_id on sessions"
                   " when old.project_id is not new.project_id begin %s end" % _LEFT)
        out.append("create trigger rollup_sessions_agent after update of agent on sessions"
                   " when old.agent is not new.agent begin %s end" % _LEFT)
    return out


def triggers():
    """{trigger name: its create statement}, every source."""
    out = {}
    for source in SOURCES:
        for sql in trigger_sql(source):
            out[sql.split()[2]] = sql
    return out
