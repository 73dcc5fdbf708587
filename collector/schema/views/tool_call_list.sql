CREATE VIEW tool_call_list as 
select c.id as tool_call_id, c.session_id, s.project_id, coalesce(p.name, '(no project)') as project_name,
    c.turn_id, c.agent_id, c.tool_name, date(c.started_at, 'localtime') as day, c.started_at, c.ended_at,
    c.duration_ms, c.status, c.summary, c.error, s.agent
from tool_calls c join sessions s on s.id = c.session_id left join projects p on p.id = s.project_id;
