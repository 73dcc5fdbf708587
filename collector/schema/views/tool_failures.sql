CREATE VIEW tool_failures as 
select t.id as tool_call_id, t.session_id, s.project_id, date(t.started_at, 'localtime') as day, t.started_at,
    t.tool_name, t.summary, t.error
from tool_calls t join sessions s on s.id = t.session_id
where t.status = 'error';
