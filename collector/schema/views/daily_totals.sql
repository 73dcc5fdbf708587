-- daily_activity's columns and values, read from the rollups (rows by the thousand instead of
-- the million); tests/test_rollups.py holds the two equal, column by column. Its select list is
-- daily_activity's: change both together.
CREATE VIEW daily_totals as 
with
-- The rollups are kept per agent too: a day and project's row adds up its agents'.
d as (
    select day, project_id, nullif(project_id, 0) as pid,
        sum(sessions) as sessions, sum(wall_seconds) as wall_seconds, sum(turns) as turns,
        sum(claude_working_seconds) as claude_working_seconds, sum(permission_waits) as permission_waits, sum(permission_wait_seconds) as permission_wait_seconds,
        sum(user_waits) as user_waits, sum(user_wait_seconds) as user_wait_seconds, sum(user_waits_away) as user_waits_away,
        sum(thinking_seconds) as thinking_seconds, sum(away_seconds) as away_seconds, sum(prompts) as prompts,
        sum(tool_calls) as tool_calls, sum(tool_successes) as tool_successes, sum(tool_failures) as tool_failures,
        sum(lines_added) as lines_added, sum(lines_removed) as lines_removed, sum(commits) as commits,
        sum(commit_lines_added) as commit_lines_added, sum(commit_lines_removed) as commit_lines_removed
    from rollup_daily group by day, project_id
),
s as (select day, pid as project_id, sessions, wall_seconds as wall from d),
tu as (select day, pid as project_id, turns, claude_working_seconds as working from d),
w as (
    select day, pid as project_id, permission_wait_seconds as permission, user_wait_seconds as user_wait,
        thinking_seconds as thinking, away_seconds as away
    from d
),
m as (select day, pid as project_id, prompts from d),
tc as (select day, pid as project_id, tool_calls as calls, tool_successes as ok, tool_failures as failures from d),
fc as (
    select day, nullif(project_id, 0) as project_id, count(distinct path) as touched,
        count(distinct case when edits + writes > 0 then path end) as modified
    from rollup_files group by day, project_id
),
f as (  -- every file operation also counts its lines in rollup_daily: d has each key of fc
    select d.day, d.pid as project_id, fc.touched, fc.modified, d.lines_added as added, d.lines_removed as removed
    from d left join fc on fc.day = d.day and fc.project_id is d.pid
),
c as (select day, pid as project_id, commits, commit_lines_added as added, commit_lines_removed as removed from d),
k as (
    select t.day, nullif(t.project_id, 0) as project_id, sum(t.input_tokens) as input,
        sum(t.output_tokens) as output, sum(t.cache_creation_tokens) as cache_creation,
        sum(t.cache_read_tokens) as cache_read,
        sum(t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens) as total,
        sum(t.cost_usd) as cost,
        sum(case when t.price_match is null then t.requests else 0 end) as unpriced
    from rollup_tokens_priced t
    group by t.day, t.project_id
),
keys as (select day, project_id from s union select day, project_id from k)
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
