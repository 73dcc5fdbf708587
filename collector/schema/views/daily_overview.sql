-- The rollups' daily figures per project, for the dashboard's charts (active time defined here
-- for the rollups; project_summary reads it).
CREATE VIEW daily_overview as 
select r.day, r.project_id, coalesce(p.name, '(no project)') as project_name, r.agent,
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
from rollup_daily r left join projects p on p.id = r.project_id;
