-- Everything per local day and project, aggregated from the base rows on each read (exact;
-- seconds at a million events: the analytics read daily_totals when the rollups are current).
-- Its select list is daily_totals' too: change both together.
CREATE VIEW daily_activity as 
with
s as (
    select date(started_at, 'localtime') as day, project_id, count(*) as sessions,
        total(max(0, (julianday(coalesce(ended_at, last_event_at)) - julianday(started_at)) * 86400.0))
            as wall
    from sessions group by 1, 2
),
tu as (
    select date(t.started_at, 'localtime') as day, s.project_id, count(*) as turns, total(t.working_seconds) as working
    from turns t join sessions s on s.id = t.session_id group by 1, 2
),
w as (
    select date(w.started_at, 'localtime') as day, s.project_id,
        total(case when kind = 'permission' then duration_seconds end) as permission,
        total(case when kind = 'user' then duration_seconds end) as user_wait,
        total(case when kind = 'user' then thinking_seconds end) as thinking,
        total(case when kind = 'user' then away_seconds end) as away
    from waits w join sessions s on s.id = w.session_id group by 1, 2
),
m as (
    select date(m.created_at, 'localtime') as day, s.project_id, count(*) as prompts
    from messages m join sessions s on s.id = m.session_id
    where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null group by 1, 2
),
tc as (
    select date(t.started_at, 'localtime') as day, s.project_id, count(*) as calls,
        sum(t.status = 'ok') as ok, sum(t.status = 'error') as failures
    from tool_calls t join sessions s on s.id = t.session_id group by 1, 2
),
f as (
    select date(f.at, 'localtime') as day, s.project_id,
        count(distinct case when operation not in ('glob', 'grep') then path end) as touched,
        count(distinct case when operation in ('write', 'create', 'edit', 'notebook_edit')
            then path end) as modified,
        sum(lines_added) as added, sum(lines_removed) as removed
    from file_operations f join sessions s on s.id = f.session_id group by 1, 2
),
c as (
    select date(committed_at, 'localtime') as day, project_id, count(*) as commits,
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
    coalesce(tc.ok, 0) as tool_successes,
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
from keys
left join projects p on p.id = keys.project_id
left join s on s.day is keys.day and s.project_id is keys.project_id
left join tu on tu.day is keys.day and tu.project_id is keys.project_id
left join w on w.day is keys.day and w.project_id is keys.project_id
left join m on m.day is keys.day and m.project_id is keys.project_id
left join tc on tc.day is keys.day and tc.project_id is keys.project_id
left join f on f.day is keys.day and f.project_id is keys.project_id
left join c on c.day is keys.day and c.project_id is keys.project_id
left join k on k.day is keys.day and k.project_id is keys.project_id
where keys.day is not null;
