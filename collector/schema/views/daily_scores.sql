CREATE VIEW daily_scores as 
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
from r;
