"""Analytics views: the reusable SQL that the API, the CLI report and Datasette share.

Definitions are written out in ``docs/metrics.md``. Every view uses only
SQLite features the standard library's SQLite (3.40) reads, because
Datasette reads through it: no ``unixepoch(..., 'subsec')``, no ``->>``
beyond 3.38, no strict tables. Durations come from ISO text times with
``julianday`` (millisecond resolution, rounded to 3 decimals).

Days are UTC calendar days of the event (``date(at)``): a turn counts on
the day it started, a wait on the day it started, a commit on its commit
day, tokens on the day of the response. A session's wall time counts on
the day the session started.

Costs: ``model_prices`` is filled from the bundled ``pricing.json``;
tokens of a model with no price get a NULL cost (unknown), never 0.
"""

from .. import pricing

PRICES = """
create table model_prices (
    match text primary key,           -- lower-case key a model id contains (longest wins)
    family text not null,             -- opus, sonnet, haiku
    input_per_mtok real not null,     -- USD per million tokens
    output_per_mtok real not null,
    cache_write_5m_per_mtok real not null,
    cache_write_1h_per_mtok real,
    cache_read_per_mtok real not null,
    price_date text not null,         -- the date the price table was copied
    source text
);
"""

# The rule is explained in pricing.MATCH_SQL, which applies it to one id.
_REST = "substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match))"

# The totals columns session_summary and daily_activity both end with (same
# subquery aliases in both): written once so the two cannot drift apart.
_TOTALS = """    coalesce(tc.ok, 0) as tool_successes,
    coalesce(tc.failures, 0) as tool_failures,
    coalesce(f.touched, 0) as files_touched,
    coalesce(f.modified, 0) as files_modified,
    coalesce(f.added, 0) as lines_added,
    coalesce(f.removed, 0) as lines_removed,
    coalesce(c.commits, 0) as commits,
    coalesce(c.added, 0) as commit_lines_added,
    coalesce(c.removed, 0) as commit_lines_removed,
    coalesce(k.input, 0) as input_tokens,
    coalesce(k.output, 0) as output_tokens,
    coalesce(k.cache_creation, 0) as cache_creation_tokens,
    coalesce(k.cache_read, 0) as cache_read_tokens,
    coalesce(k.total, 0) as total_tokens,
    round(k.cost, 6) as cost_usd,
    coalesce(k.unpriced, 0) as unpriced_requests
"""

VIEWS = {
    "model_price_match": """
select u.model, (
    select p.match from model_prices p
    where instr(lower(u.model), p.match) > 0 and (
        {rest} = '' or {rest} = '-latest'
        or {rest} glob '-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'
        or {rest} glob '-v[0-9]*'
        or substr({rest}, 1, 1) in ('@', ':', '[')
    )
    order by length(p.match) desc limit 1
) as price_match
from (select distinct model from token_usage where model is not null) u
""".format(rest=_REST),
    "token_usage_priced": """
select t.id, t.session_id, s.project_id, t.agent_id, t.model, date(t.at) as day, t.at,
    t.message_id, t.request_id,
    t.input_tokens, t.output_tokens, t.cache_creation_tokens, t.cache_read_tokens,
    t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens as total_tokens,
    p.match as price_match, p.family, p.price_date,
    case when p.match is null then null else (
        t.input_tokens * p.input_per_mtok + t.output_tokens * p.output_per_mtok
        + t.cache_creation_tokens * p.cache_write_5m_per_mtok
        + t.cache_read_tokens * p.cache_read_per_mtok) / 1000000.0 end as cost_usd
from token_usage t
left join sessions s on s.id = t.session_id
left join model_price_match mm on mm.model = t.model
left join model_prices p on p.match = mm.price_match
""",
    "token_costs": """
select day, project_id, model, price_match, family, price_date,
    price_match is not null as priced,
    count(*) as requests,
    sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
    sum(cache_creation_tokens) as cache_creation_tokens, sum(cache_read_tokens) as cache_read_tokens,
    sum(total_tokens) as total_tokens,
    round(sum(cost_usd), 6) as cost_usd
from token_usage_priced
group by day, project_id, model
""",
    "session_summary": """
with
tu as (
    select session_id, count(*) as turns,
        round(total(working_seconds), 3) as working, sum(end_kind = 'interrupted') as interrupted
    from turns group by session_id
),
w as (
    select session_id,
        round(total(case when kind = 'permission' then duration_seconds end), 3) as permission,
        round(total(case when kind = 'user' then duration_seconds end), 3) as user_wait,
        round(total(case when kind = 'user' then thinking_seconds end), 3) as thinking,
        round(total(case when kind = 'user' then away_seconds end), 3) as away,
        sum(kind = 'user') as user_waits
    from waits group by session_id
),
m as (
    select session_id, count(*) as prompts from messages
    where kind = 'prompt' and role = 'user' and agent_id is null group by session_id
),
tc as (
    select session_id, count(*) as tool_calls, sum(status = 'ok') as ok,
        sum(status = 'error') as failures
    from tool_calls group by session_id
),
f as (
    select session_id,
        count(distinct case when operation not in ('glob', 'grep') then path end) as touched,
        count(distinct case when operation in ('write', 'create', 'edit', 'notebook_edit')
            then path end) as modified,
        sum(lines_added) as added, sum(lines_removed) as removed
    from file_operations group by session_id
),
c as (
    select session_id, count(*) as commits, sum(lines_added) as added, sum(lines_removed) as removed
    from commits where session_id is not null group by session_id
),
k as (
    select session_id, sum(input_tokens) as input, sum(output_tokens) as output,
        sum(cache_creation_tokens) as cache_creation, sum(cache_read_tokens) as cache_read,
        sum(total_tokens) as total, sum(cost_usd) as cost, sum(price_match is null) as unpriced
    from token_usage_priced where session_id is not null group by session_id
)
select s.id as session_id, s.session_uuid, s.project_id, p.name as project_name, s.title, s.model,
    s.status, s.end_reason, date(s.started_at) as day, s.started_at,
    coalesce(s.ended_at, s.last_event_at) as ended_at,
    round(max(0, (julianday(coalesce(s.ended_at, s.last_event_at)) - julianday(s.started_at)) * 86400.0), 3)
        as wall_seconds,
    round(coalesce(tu.working, 0) + coalesce(w.permission, 0) + coalesce(w.thinking, 0), 3)
        as active_seconds,
    coalesce(tu.working, 0) as claude_working_seconds,
    coalesce(w.permission, 0) as permission_wait_seconds,
    coalesce(w.user_wait, 0) as user_wait_seconds,
    coalesce(w.thinking, 0) as thinking_seconds,
    coalesce(w.away, 0) as away_seconds,
    coalesce(w.user_waits, 0) as user_waits,
    coalesce(tu.turns, 0) as turns,
    coalesce(tu.interrupted, 0) as interrupted_turns,
    coalesce(m.prompts, 0) as prompts,
    coalesce(tc.tool_calls, 0) as tool_calls,
""" + _TOTALS + """from sessions s
left join projects p on p.id = s.project_id
left join tu on tu.session_id = s.id
left join w on w.session_id = s.id
left join m on m.session_id = s.id
left join tc on tc.session_id = s.id
left join f on f.session_id = s.id
left join c on c.session_id = s.id
left join k on k.session_id = s.id
""",
    "daily_activity": """
with
s as (
    select date(started_at) as day, project_id, count(*) as sessions,
        total(max(0, (julianday(coalesce(ended_at, last_event_at)) - julianday(started_at)) * 86400.0))
            as wall
    from sessions group by 1, 2
),
tu as (
    select date(t.started_at) as day, s.project_id, count(*) as turns, total(t.working_seconds) as working
    from turns t join sessions s on s.id = t.session_id group by 1, 2
),
w as (
    select date(w.started_at) as day, s.project_id,
        total(case when kind = 'permission' then duration_seconds end) as permission,
        total(case when kind = 'user' then duration_seconds end) as user_wait,
        total(case when kind = 'user' then thinking_seconds end) as thinking,
        total(case when kind = 'user' then away_seconds end) as away
    from waits w join sessions s on s.id = w.session_id group by 1, 2
),
m as (
    select date(m.created_at) as day, s.project_id, count(*) as prompts
    from messages m join sessions s on s.id = m.session_id
    where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null group by 1, 2
),
tc as (
    select date(t.started_at) as day, s.project_id, count(*) as calls,
        sum(t.status = 'ok') as ok, sum(t.status = 'error') as failures
    from tool_calls t join sessions s on s.id = t.session_id group by 1, 2
),
f as (
    select date(f.at) as day, s.project_id,
        count(distinct case when operation not in ('glob', 'grep') then path end) as touched,
        count(distinct case when operation in ('write', 'create', 'edit', 'notebook_edit')
            then path end) as modified,
        sum(lines_added) as added, sum(lines_removed) as removed
    from file_operations f join sessions s on s.id = f.session_id group by 1, 2
),
c as (
    select date(committed_at) as day, project_id, count(*) as commits,
        sum(lines_added) as added, sum(lines_removed) as removed
    from commits group by 1, 2
),
k as (
    select day, project_id, sum(input_tokens) as input, sum(output_tokens) as output,
        sum(cache_creation_tokens) as cache_creation, sum(cache_read_tokens) as cache_read,
        sum(total_tokens) as total, sum(cost_usd) as cost, sum(price_match is null) as unpriced
    from token_usage_priced group by 1, 2
),
keys as (
    select day, project_id from s union select day, project_id from tu
    union select day, project_id from w union select day, project_id from m
    union select day, project_id from tc union select day, project_id from f
    union select day, project_id from c union select day, project_id from k
)
select keys.day, keys.project_id, p.name as project_name,
    coalesce(s.sessions, 0) as sessions,
    round(coalesce(s.wall, 0), 3) as wall_seconds,
    round(coalesce(tu.working, 0) + coalesce(w.permission, 0) + coalesce(w.thinking, 0), 3)
        as active_seconds,
    round(coalesce(tu.working, 0), 3) as claude_working_seconds,
    round(coalesce(w.permission, 0), 3) as permission_wait_seconds,
    round(coalesce(w.user_wait, 0), 3) as user_wait_seconds,
    round(coalesce(w.thinking, 0), 3) as thinking_seconds,
    round(coalesce(w.away, 0), 3) as away_seconds,
    coalesce(tu.turns, 0) as turns,
    coalesce(m.prompts, 0) as prompts,
    coalesce(tc.calls, 0) as tool_calls,
""" + _TOTALS + """from keys
left join projects p on p.id = keys.project_id
left join s on s.day is keys.day and s.project_id is keys.project_id
left join tu on tu.day is keys.day and tu.project_id is keys.project_id
left join w on w.day is keys.day and w.project_id is keys.project_id
left join m on m.day is keys.day and m.project_id is keys.project_id
left join tc on tc.day is keys.day and tc.project_id is keys.project_id
left join f on f.day is keys.day and f.project_id is keys.project_id
left join c on c.day is keys.day and c.project_id is keys.project_id
left join k on k.day is keys.day and k.project_id is keys.project_id
where keys.day is not null
""",
    "daily_scores": """
with d as (
    select day, sum(sessions) as sessions, sum(wall_seconds) as wall, sum(active_seconds) as active,
        sum(user_wait_seconds) as user_wait, sum(thinking_seconds) as thinking,
        sum(prompts) as prompts, sum(tool_successes) as ok, sum(tool_failures) as failures,
        sum(files_modified) as files_modified, sum(lines_added + lines_removed) as lines_changed,
        sum(commits) as commits
    from daily_activity group by day
),
r as (
    select *, active / 3600.0 as active_hours,
        case when wall > 0 then min(1.0, active / wall) end as active_ratio,
        case when user_wait > 0 then thinking / user_wait else 1.0 end as responsiveness,
        case when ok + failures > 0 then ok * 1.0 / (ok + failures) else 1.0 end as tool_success_rate
    from d
)
select day, sessions, round(wall, 3) as wall_seconds, round(active, 3) as active_seconds,
    round(active_ratio, 4) as active_ratio, round(responsiveness, 4) as responsiveness,
    prompts, case when active > 0 then round(prompts / active_hours, 2) end as prompts_per_active_hour,
    files_modified, lines_changed, commits, round(tool_success_rate, 4) as tool_success_rate,
    case when wall > 0 and active > 0 then round(100.0 * (
        0.4 * active_ratio + 0.3 * responsiveness + 0.3 * min(1.0, prompts / active_hours / 12.0)
    ), 1) end as engagement_score,
    case when active > 0 then round(100.0 * (
        0.3 * min(1.0, files_modified / active_hours / 10.0)
        + 0.3 * min(1.0, lines_changed / active_hours / 1000.0)
        + 0.2 * min(1.0, commits / active_hours / 3.0)
        + 0.2 * tool_success_rate
    ), 1) end as productivity_score
from r
""",
    "think_times": """
select w.id as wait_id, w.session_id, s.project_id, w.turn_id, date(w.started_at) as day,
    w.started_at, w.ended_at, w.duration_seconds, w.thinking_seconds, w.away_seconds,
    coalesce(w.away_seconds, 0) > 0 as went_away
from waits w join sessions s on s.id = w.session_id
where w.kind = 'user' and w.duration_seconds is not null
""",
    "turn_timeline": """
select t.id as turn_id, t.session_id, s.project_id, t.seq, date(t.started_at) as day,
    t.started_at, t.ended_at, t.end_kind, t.stop_error,
    round((julianday(t.ended_at) - julianday(t.started_at)) * 86400.0, 3) as turn_seconds,
    t.working_seconds, t.permission_seconds,
    (select count(*) from tool_calls c where c.turn_id = t.id) as tool_calls,
    (select count(*) from tool_calls c where c.turn_id = t.id and c.status = 'error') as tool_failures,
    (select substr(m.content, 1, 200) from messages m
        where m.turn_id = t.id and m.kind = 'prompt' and m.agent_id is null order by m.id limit 1) as prompt
from turns t join sessions s on s.id = t.session_id
""",
    "tool_stats": """
select date(t.started_at) as day, s.project_id, t.tool_name, t.mcp_server,
    count(*) as calls,
    sum(t.status = 'ok') as ok, sum(t.status = 'error') as errors,
    sum(t.status = 'rejected') as rejected, sum(t.status = 'interrupted') as interrupted,
    sum(t.status = 'pending') as pending,
    count(t.duration_ms) as timed_calls,
    round(total(t.duration_ms), 3) as duration_ms_total,
    round(avg(t.duration_ms), 3) as duration_ms_avg,
    max(t.duration_ms) as duration_ms_max
from tool_calls t join sessions s on s.id = t.session_id
group by 1, 2, 3
""",
    "file_activity_daily": """
select date(f.at) as day, s.project_id, f.path,
    count(*) as operations,
    sum(f.operation = 'read') as reads,
    sum(f.operation in ('edit', 'notebook_edit')) as edits,
    sum(f.operation in ('write', 'create')) as writes,
    sum(f.lines_added) as lines_added, sum(f.lines_removed) as lines_removed,
    count(distinct f.session_id) as sessions, min(f.at) as first_at, max(f.at) as last_at
from file_operations f join sessions s on s.id = f.session_id
where f.operation not in ('glob', 'grep')
group by 1, 2, 3
""",
    "file_activity": """
select f.project_id, p.name as project_name, f.path,
    sum(f.operations) as operations, sum(f.reads) as reads, sum(f.edits) as edits,
    sum(f.writes) as writes, sum(f.lines_added) as lines_added, sum(f.lines_removed) as lines_removed,
    min(f.first_at) as first_at, max(f.last_at) as last_at
from file_activity_daily f left join projects p on p.id = f.project_id
group by f.project_id, f.path
""",
    "commit_activity": """
select c.id as commit_id, c.project_id, p.name as project_name, c.session_id,
    date(c.committed_at) as day, c.committed_at, c.sha, c.subject, c.author_name,
    c.files_changed, c.lines_added, c.lines_removed, c.lines_added + c.lines_removed as lines_changed,
    c.by_claude
from commits c left join projects p on p.id = c.project_id
""",
    "prompts": """
select m.id as message_id, m.session_id, s.project_id, m.turn_id, date(m.created_at) as day,
    m.created_at, m.content
from messages m join sessions s on s.id = m.session_id
where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null
""",
    "tool_failures": """
select t.id as tool_call_id, t.session_id, s.project_id, date(t.started_at) as day, t.started_at,
    t.tool_name, t.summary, t.error
from tool_calls t join sessions s on s.id = t.session_id
where t.status = 'error'
""",
}

#: Creation order: a view must come after the views it reads.
ORDER = (
    "model_price_match", "token_usage_priced", "token_costs", "session_summary", "daily_activity",
    "daily_scores", "think_times", "turn_timeline", "tool_stats", "file_activity_daily",
    "file_activity", "commit_activity", "prompts", "tool_failures",
)


def migrate(conn):
    conn.execute(PRICES)
    conn.executemany(pricing.INSERT_SQL, pricing.price_rows())
    for name in ORDER:
        conn.execute("create view %s as %s" % (name, VIEWS[name]))
