CREATE VIEW tool_stats as 
select date(t.started_at, 'localtime') as day, s.project_id, t.tool_name, t.mcp_server,
    count(*) as calls,
    sum(t.status = 'ok') as ok, sum(t.status = 'error') as errors,
    sum(t.status = 'rejected') as rejected, sum(t.status = 'interrupted') as interrupted,
    sum(t.status = 'pending') as pending,
    count(t.duration_ms) as timed_calls,
    round(total(t.duration_ms), 3) as duration_ms_total,
    round(avg(t.duration_ms), 3) as duration_ms_avg,
    max(t.duration_ms) as duration_ms_max
from tool_calls t join sessions s on s.id = t.session_id
group by 1, 2, 3;
