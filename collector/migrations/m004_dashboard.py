"""Daily rollups for the dashboard, recomputed from the rows marked dirty.

The m003 views aggregate whole tables: right for one report, too slow for a
dashboard that redraws a dozen charts over a million events. Here every
chart reads small per-day counters instead. Keeping them current row by row
(an upsert with a project lookup per insert, update and delete) cost over a
third of an import, so the triggers only note which (day, session) or
(day, project) changed in ``rollup_dirty`` (a key already marked costs one
b-tree probe), and ``collector.rollups.refresh`` recomputes exactly those
keys from the base tables once per drain batch, import group or API write.
Definitions follow m003 exactly (UTC days, active = Claude working +
permission waits + thinking); ``tests/test_demo.py`` checks the rollups
against the m003 views.

Rows with no project are kept under project_id 0 (NULLs would not meet in
a unique key). Views at the end are what charts and canned queries read.
"""

from .m003_views import VIEWS as M003_VIEWS

TABLES = """
create table rollup_daily (
    day text not null, project_id integer not null,
    sessions integer not null default 0, wall_seconds real not null default 0,
    turns integer not null default 0, claude_working_seconds real not null default 0,
    permission_waits integer not null default 0, permission_wait_seconds real not null default 0,
    user_waits integer not null default 0, user_wait_seconds real not null default 0,
    user_waits_away integer not null default 0,
    thinking_seconds real not null default 0, away_seconds real not null default 0,
    prompts integer not null default 0,
    tool_calls integer not null default 0, tool_successes integer not null default 0,
    tool_failures integer not null default 0,
    lines_added integer not null default 0, lines_removed integer not null default 0,
    commits integer not null default 0, commit_lines_added integer not null default 0,
    commit_lines_removed integer not null default 0,
    primary key (day, project_id)
);
create table rollup_tokens (
    day text not null, project_id integer not null, model text not null,
    requests integer not null default 0, input_tokens integer not null default 0,
    output_tokens integer not null default 0, cache_creation_tokens integer not null default 0,
    cache_read_tokens integer not null default 0,
    primary key (day, project_id, model)
);
create table rollup_tools (
    day text not null, project_id integer not null, tool_name text not null,
    calls integer not null default 0, ok integer not null default 0, errors integer not null default 0,
    rejected integer not null default 0, interrupted integer not null default 0,
    timed_calls integer not null default 0, duration_ms_total real not null default 0,
    primary key (day, project_id, tool_name)
);
create table rollup_files (
    day text not null, project_id integer not null, path text not null,
    operations integer not null default 0, reads integer not null default 0,
    edits integer not null default 0, writes integer not null default 0,
    lines_added integer not null default 0, lines_removed integer not null default 0,
    primary key (day, project_id, path)
);
create table rollup_think (
    day text not null, hour integer not null, project_id integer not null,
    waits integer not null default 0, duration_seconds real not null default 0,
    thinking_seconds real not null default 0, away_seconds real not null default 0,
    went_away integer not null default 0,
    primary key (day, hour, project_id)
);
create table rollup_think_buckets (
    day text not null, project_id integer not null, bucket integer not null,
    waits integer not null default 0,
    primary key (day, project_id, bucket)
);
create table think_buckets (
    bucket integer primary key, label text not null, low_seconds real not null, high_seconds real
);
insert into think_buckets values
    (0, '< 10 s', 0, 10), (1, '10-30 s', 10, 30), (2, '30-60 s', 30, 60), (3, '1-2 min', 60, 120),
    (4, '2-5 min', 120, 300), (5, '5-15 min', 300, 900), (6, '15-60 min', 900, 3600),
    (7, '> 1 h', 3600, null);
-- Keys whose rollup rows must be recomputed: (day, sid, 0) for a session's rows on a day (its
-- project is resolved at refresh), (day, 0, pid) for a project's own rows (sessions, commits),
-- ('*', sid, pid) for a session that left project pid (moved or deleted). Not named
-- session_id/project_id: forget finds the tables it empties by those column names.
create table rollup_dirty (
    day text not null, sid integer not null, pid integer not null,
    primary key (day, sid, pid)
) without rowid;
"""

# Indexes for the per-session and per-file pages and the "slowest calls" list.
INDEXES = """
create index rollup_files_project on rollup_files(project_id, path, edits, writes, operations);
create index tool_calls_duration on tool_calls(duration_ms);
create index tool_calls_session_started on tool_calls(session_id, started_at);
create index turns_session_started on turns(session_id, started_at);
create index commits_project_time on commits(project_id, committed_at);
create index file_operations_session_at on file_operations(session_id, at);
create index tool_calls_name_duration on tool_calls(tool_name, duration_ms);
create index messages_kind_hash on messages(kind, content_hash, role, agent_id, session_id, created_at);
create index file_operations_at on file_operations(at);
"""

_PROJECT = "coalesce((select project_id from sessions where id = {r}.session_id), 0)"
_BUCKET = ("(case when {r}.duration_seconds < 10 then 0 when {r}.duration_seconds < 30 then 1 "
           "when {r}.duration_seconds < 60 then 2 when {r}.duration_seconds < 120 then 3 "
           "when {r}.duration_seconds < 300 then 4 when {r}.duration_seconds < 900 then 5 "
           "when {r}.duration_seconds < 3600 then 6 else 7 end)")

#: (name, source table, update columns, rollup table, keys, values, condition); ``{r}`` is new/old.
ROLLUPS = [
    ("sessions", "sessions", "started_at, ended_at, last_event_at, project_id", "rollup_daily",
     {"day": "date({r}.started_at)", "project_id": "coalesce({r}.project_id, 0)"},
     {"sessions": "1", "wall_seconds": "max(0, (julianday(coalesce({r}.ended_at, {r}.last_event_at))"
                                       " - julianday({r}.started_at)) * 86400.0)"}, "1"),
    ("turns", "turns", "started_at, working_seconds, session_id", "rollup_daily",
     {"day": "date({r}.started_at)", "project_id": _PROJECT},
     {"turns": "1", "claude_working_seconds": "{r}.working_seconds"}, "1"),
    ("waits", "waits", "started_at, kind, duration_seconds, thinking_seconds, away_seconds, session_id",
     "rollup_daily", {"day": "date({r}.started_at)", "project_id": _PROJECT},
     {"permission_waits": "{r}.kind = 'permission'",
      "permission_wait_seconds": "case when {r}.kind = 'permission' then {r}.duration_seconds end",
      "user_waits": "{r}.kind = 'user'",
      "user_waits_away": "{r}.kind = 'user' and coalesce({r}.away_seconds, 0) > 0",
      "user_wait_seconds": "case when {r}.kind = 'user' then {r}.duration_seconds end",
      "thinking_seconds": "case when {r}.kind = 'user' then {r}.thinking_seconds end",
      "away_seconds": "case when {r}.kind = 'user' then {r}.away_seconds end"}, "1"),
    ("think", "waits", "started_at, kind, duration_seconds, thinking_seconds, away_seconds, session_id",
     "rollup_think", {"day": "date({r}.started_at)", "hour": "cast(strftime('%H', {r}.started_at) as integer)",
                      "project_id": _PROJECT},
     {"waits": "1", "duration_seconds": "{r}.duration_seconds", "thinking_seconds": "{r}.thinking_seconds",
      "away_seconds": "{r}.away_seconds", "went_away": "coalesce({r}.away_seconds, 0) > 0"},
     "{r}.kind = 'user' and {r}.duration_seconds is not null"),
    ("think_buckets", "waits", "started_at, kind, duration_seconds, session_id", "rollup_think_buckets",
     {"day": "date({r}.started_at)", "project_id": _PROJECT, "bucket": _BUCKET}, {"waits": "1"},
     "{r}.kind = 'user' and {r}.duration_seconds is not null"),
    ("prompts", "messages", "created_at, kind, role, agent_id, session_id", "rollup_daily",
     {"day": "date({r}.created_at)", "project_id": _PROJECT}, {"prompts": "1"},
     "{r}.kind = 'prompt' and {r}.role = 'user' and {r}.agent_id is null"),
    ("tool_calls", "tool_calls", "started_at, status, session_id", "rollup_daily",
     {"day": "date({r}.started_at)", "project_id": _PROJECT},
     {"tool_calls": "1", "tool_successes": "{r}.status = 'ok'", "tool_failures": "{r}.status = 'error'"},
     "1"),
    ("tools", "tool_calls", "started_at, status, duration_ms, tool_name, session_id", "rollup_tools",
     {"day": "date({r}.started_at)", "project_id": _PROJECT, "tool_name": "{r}.tool_name"},
     {"calls": "1", "ok": "{r}.status = 'ok'", "errors": "{r}.status = 'error'",
      "rejected": "{r}.status = 'rejected'", "interrupted": "{r}.status = 'interrupted'",
      "timed_calls": "{r}.duration_ms is not null", "duration_ms_total": "{r}.duration_ms"}, "1"),
    ("file_lines", "file_operations", "at, lines_added, lines_removed, session_id", "rollup_daily",
     {"day": "date({r}.at)", "project_id": _PROJECT},
     {"lines_added": "{r}.lines_added", "lines_removed": "{r}.lines_removed"}, "1"),
    ("files", "file_operations", "at, path, operation, lines_added, lines_removed, session_id", "rollup_files",
     {"day": "date({r}.at)", "project_id": _PROJECT, "path": "{r}.path"},
     {"operations": "1", "reads": "{r}.operation = 'read'",
      "edits": "{r}.operation in ('edit', 'notebook_edit')", "writes": "{r}.operation in ('write', 'create')",
      "lines_added": "{r}.lines_added", "lines_removed": "{r}.lines_removed"},
     "{r}.operation not in ('glob', 'grep')"),
    ("commits", "commits", "committed_at, project_id, lines_added, lines_removed", "rollup_daily",
     {"day": "date({r}.committed_at)", "project_id": "{r}.project_id"},
     {"commits": "1", "commit_lines_added": "{r}.lines_added", "commit_lines_removed": "{r}.lines_removed"},
     "1"),
    ("tokens", "token_usage", "at, model, input_tokens, output_tokens, cache_creation_tokens, "
     "cache_read_tokens, session_id", "rollup_tokens",
     {"day": "date({r}.at)", "project_id": _PROJECT, "model": "coalesce({r}.model, '')"},
     {"requests": "1", "input_tokens": "{r}.input_tokens", "output_tokens": "{r}.output_tokens",
      "cache_creation_tokens": "{r}.cache_creation_tokens", "cache_read_tokens": "{r}.cache_read_tokens"},
     "1"),
]


def _upsert(table, keys, values, cond, source):
    """Add every row of ``source`` to ``table`` (the backfill at migration time)."""
    cols = list(keys) + list(values)
    exprs = [e.format(r=source) for e in keys.values()]
    exprs += ["coalesce(%s, 0)" % e.format(r=source) for e in values.values()]
    return ("insert into {t} ({cols}) select {exprs} from {src} where {day} is not null and ({cond})"
            " on conflict ({keys}) do update set {sets};").format(
        t=table, cols=", ".join(cols), exprs=", ".join(exprs), day=keys["day"].format(r=source),
        src=source, cond=cond.format(r=source), keys=", ".join(keys),
        sets=", ".join("%s = %s + excluded.%s" % (c, c, c) for c in values))


#: Base tables the rollups read: the column whose UTC day a row counts on, and the
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
    return _MARK.format(day="date({r}.%s)" % column, sid=sid, pid=pid).format(r=r)


#: A session that left its project (moved or deleted): ('*', session, former project).
_LEFT = _MARK.format(day="'*'", sid="old.id", pid="coalesce(old.project_id, 0)")


def dirty_trigger_sql(source):
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
        "create trigger rollup_%s_au_key after update of %s, %s on %s when (date(old.%s) is not date(new.%s)"
        " or old.%s is not new.%s)%s begin %s end"
        % (source, column, key, source, column, column, key, key,
           " and (%s)" % when.format(r="old") if when else "", _mark(source, "old")),
    ]
    if source == "sessions":
        # A session that changes project takes its turns, waits, ... on every day along.
        out.append("create trigger rollup_sessions_moved after update of project_id on sessions"
                   " when old.project_id is not new.project_id begin %s end" % _LEFT)
    return out


VIEWS = {
    # m003's price rule, applied to the few models in the rollup instead of every token row.
    "rollup_model_price_match": M003_VIEWS["model_price_match"].replace(
        "from token_usage where", "from rollup_tokens where"),
    "daily_overview": """
select r.day, r.project_id, coalesce(p.name, '(no project)') as project_name,
    r.sessions, round(r.wall_seconds, 3) as wall_seconds,
    round(r.claude_working_seconds + r.permission_wait_seconds + r.thinking_seconds, 3) as active_seconds,
    round((r.claude_working_seconds + r.permission_wait_seconds + r.thinking_seconds) / 3600.0, 3)
        as active_hours,
    round(r.claude_working_seconds, 3) as claude_working_seconds,
    round(r.permission_wait_seconds, 3) as permission_wait_seconds, r.permission_waits,
    round(r.user_wait_seconds, 3) as user_wait_seconds, r.user_waits,
    round(r.thinking_seconds, 3) as thinking_seconds, round(r.away_seconds, 3) as away_seconds,
    r.user_waits_away, r.turns, r.prompts, r.tool_calls, r.tool_successes, r.tool_failures,
    r.lines_added, r.lines_removed, r.commits, r.commit_lines_added, r.commit_lines_removed
from rollup_daily r left join projects p on p.id = r.project_id
""",
    # The price match is materialized once: inlined, its subquery would run for every rollup row.
    "daily_tokens": """
with m as materialized (select model, price_match from rollup_model_price_match)
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, nullif(t.model, '') as model,
    m.price_match, mp.family, t.requests, t.input_tokens, t.output_tokens, t.cache_creation_tokens,
    t.cache_read_tokens,
    t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens as total_tokens,
    case when mp.match is null then null else round((
        t.input_tokens * mp.input_per_mtok + t.output_tokens * mp.output_per_mtok
        + t.cache_creation_tokens * mp.cache_write_5m_per_mtok
        + t.cache_read_tokens * mp.cache_read_per_mtok) / 1000000.0, 6) end as cost_usd
from rollup_tokens t
left join projects p on p.id = t.project_id
left join m on m.model = t.model
left join model_prices mp on mp.match = m.price_match
""",
    "daily_tools": """
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.tool_name,
    t.calls, t.ok, t.errors, t.rejected, t.interrupted, t.timed_calls, t.duration_ms_total
from rollup_tools t left join projects p on p.id = t.project_id
""",
    "daily_files": """
select f.day, f.project_id, coalesce(p.name, '(no project)') as project_name, f.path,
    f.operations, f.reads, f.edits, f.writes, f.lines_added, f.lines_removed
from rollup_files f left join projects p on p.id = f.project_id
""",
    "think_hourly": """
select t.day, t.hour, cast(strftime('%w', t.day) as integer) as weekday_number,
    substr('SunMonTueWedThuFriSat', 1 + 3 * cast(strftime('%w', t.day) as integer), 3) as weekday,
    t.project_id, coalesce(p.name, '(no project)') as project_name,
    t.waits, t.duration_seconds, t.thinking_seconds, t.away_seconds, t.went_away
from rollup_think t left join projects p on p.id = t.project_id
""",
    "think_distribution": """
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.bucket,
    b.label as bucket_label, b.low_seconds, b.high_seconds, t.waits
from rollup_think_buckets t
left join projects p on p.id = t.project_id
left join think_buckets b on b.bucket = t.bucket
""",
    # One row per session with its counts, each from a per-session index: fast for one session or a page.
    "session_list": """
select s.id as session_id, s.session_uuid, s.project_id, coalesce(p.name, '(no project)') as project_name,
    s.title, s.model, s.status, date(s.started_at) as day, s.started_at,
    coalesce(s.ended_at, s.last_event_at) as ended_at,
    round(max(0, (julianday(coalesce(s.ended_at, s.last_event_at)) - julianday(s.started_at)) * 86400.0), 3)
        as wall_seconds,
    (select count(*) from turns t where t.session_id = s.id) as turns,
    (select round(total(t.working_seconds), 3) from turns t where t.session_id = s.id)
        as claude_working_seconds,
    (select round(total(case when w.kind = 'permission' then w.duration_seconds end), 3) from waits w
        where w.session_id = s.id) as permission_wait_seconds,
    (select round(total(case when w.kind = 'user' then w.thinking_seconds end), 3) from waits w
        where w.session_id = s.id) as thinking_seconds,
    (select round(total(case when w.kind = 'user' then w.away_seconds end), 3) from waits w
        where w.session_id = s.id) as away_seconds,
    -- "+m.kind": count through messages_session, never the kind index (which spans all sessions).
    (select count(*) from messages m where m.session_id = s.id and +m.kind = 'prompt' and m.role = 'user'
        and m.agent_id is null) as prompts,
    (select count(*) from tool_calls c where c.session_id = s.id) as tool_calls,
    (select count(*) from tool_calls c where c.session_id = s.id and c.status = 'error') as tool_failures,
    (select count(*) from commits c where c.session_id = s.id) as commits,
    (select coalesce(sum(c.lines_added + c.lines_removed), 0) from commits c where c.session_id = s.id)
        as commit_lines_changed
from sessions s left join projects p on p.id = s.project_id
""",
    "conversation": """
select m.id as message_id, m.session_id, s.project_id, m.turn_id, m.agent_id, m.role, m.kind,
    date(m.created_at) as day, m.created_at, m.model, m.content, m.content_hash
from messages m join sessions s on s.id = m.session_id
""",
    "file_history": """
select f.id as file_operation_id, f.path, f.operation, f.at, date(f.at) as day, f.lines_added,
    f.lines_removed, f.session_id, s.project_id, coalesce(p.name, '(no project)') as project_name,
    c.tool_name, c.status, c.summary
from file_operations f
join sessions s on s.id = f.session_id
left join projects p on p.id = s.project_id
left join tool_calls c on c.id = f.tool_call_id
""",
    "tool_call_list": """
select c.id as tool_call_id, c.session_id, s.project_id, coalesce(p.name, '(no project)') as project_name,
    c.turn_id, c.agent_id, c.tool_name, date(c.started_at) as day, c.started_at, c.ended_at,
    c.duration_ms, c.status, c.summary, c.error
from tool_calls c join sessions s on s.id = c.session_id left join projects p on p.id = s.project_id
""",
    # Everything that happened in a session on one time axis (the session page's chart).
    "session_events": """
select t.session_id, 'Claude working' as lane, 'turn ' || t.seq as label, t.started_at as start_at,
    coalesce(t.ended_at, t.started_at) as end_at, t.end_kind as detail, t.id as turn_id
from turns t
union all
select m.session_id, 'Prompt', substr(m.content, 1, 80), m.created_at, m.created_at, m.kind, m.turn_id
from messages m where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null
union all
select w.session_id, case w.kind when 'permission' then 'Permission wait' else 'User wait' end,
    case w.kind when 'permission' then coalesce(w.context_before, 'permission')
        else printf('thinking %.0f s, away %.0f s', coalesce(w.thinking_seconds, 0),
                    coalesce(w.away_seconds, 0)) end,
    w.started_at, coalesce(w.ended_at, w.started_at), w.kind, w.turn_id
from waits w
union all
select c.session_id, 'Tool call', c.tool_name || ': ' || coalesce(substr(c.summary, 1, 80), ''), c.started_at,
    coalesce(c.ended_at, c.started_at), c.status, c.turn_id
from tool_calls c
union all
select c.session_id, 'Commit', c.subject, c.committed_at, c.committed_at, substr(c.sha, 1, 10), null
from commits c where c.session_id is not null
""",
    # The founding spec's ProjectSummary, from the rollups.
    "project_summary": """
select p.id, p.name, p.path, p.git_remote as git_repo,
    (select group_concat(lang, ', ') from (
        select case lower(replace(f.path, rtrim(f.path, replace(f.path, '.', '')), ''))
            when 'py' then 'Python' when 'ipynb' then 'Python' when 'ts' then 'TypeScript'
            when 'tsx' then 'TypeScript' when 'js' then 'JavaScript' when 'jsx' then 'JavaScript'
            when 'go' then 'Go' when 'rs' then 'Rust' when 'java' then 'Java' when 'rb' then 'Ruby'
            when 'c' then 'C' when 'h' then 'C' when 'cpp' then 'C++' when 'cs' then 'C#'
            when 'tf' then 'Terraform' when 'sh' then 'Shell' when 'sql' then 'SQL' when 'md' then 'Markdown'
            when 'html' then 'HTML' when 'css' then 'CSS' when 'yml' then 'YAML' when 'yaml' then 'YAML'
            end as lang, sum(f.operations) as n
        from rollup_files f where f.project_id = p.id group by lang having lang is not null
        order by n desc limit 5)) as languages,
    (select sum(sessions) from rollup_daily r where r.project_id = p.id) as total_sessions,
    (select cast(round(total(claude_working_seconds + permission_wait_seconds + thinking_seconds) / 60.0)
        as integer) from rollup_daily r where r.project_id = p.id) as total_time_minutes,
    (select max(coalesce(s.last_event_at, s.started_at)) from sessions s where s.project_id = p.id)
        as last_activity,
    (select count(distinct f.path) from rollup_files f where f.project_id = p.id and f.edits + f.writes > 0)
        as files_modified,
    (select sum(lines_added + lines_removed) from rollup_daily r where r.project_id = p.id) as lines_changed
from projects p
""",
}

VIEW_ORDER = ("rollup_model_price_match", "daily_overview", "daily_tokens", "daily_tools", "daily_files",
              "think_hourly", "think_distribution", "session_list", "conversation", "file_history", "tool_call_list",
              "session_events", "project_summary")


def backfill(conn):
    """Fill the rollups from rows already stored (the triggers only mark new changes)."""
    for name, source, _, table, keys, values, cond in ROLLUPS:
        conn.execute(_upsert(table, keys, values, cond, source))


def migrate(conn):
    conn.execute(TABLES)
    conn.execute(INDEXES)
    backfill(conn)
    for source in SOURCES:
        for sql in dirty_trigger_sql(source):
            conn.execute(sql)
    for name in VIEW_ORDER:
        conn.execute("create view %s as %s" % (name, VIEWS[name]))
