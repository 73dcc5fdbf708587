CREATE VIEW daily_tools as 
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.agent, t.tool_name,
    t.calls, t.ok, t.errors, t.rejected, t.interrupted, t.timed_calls, t.duration_ms_total
from rollup_tools t left join projects p on p.id = t.project_id;
