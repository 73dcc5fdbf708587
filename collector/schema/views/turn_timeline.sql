CREATE VIEW turn_timeline as 
select t.id as turn_id, t.session_id, s.project_id, t.seq, date(t.started_at, 'localtime') as day,
    t.started_at, t.ended_at, t.end_kind, t.stop_error,
    round((julianday(t.ended_at) - julianday(t.started_at)) * 86400.0, 3) as turn_seconds,
    t.working_seconds, t.permission_seconds,
    (select count(*) from tool_calls c where c.turn_id = t.id) as tool_calls,
    (select count(*) from tool_calls c where c.turn_id = t.id and c.status = 'error') as tool_failures,
    (select substr(m.content, 1, 200) from messages m
        where m.turn_id = t.id and m.kind = 'prompt' and m.agent_id is null order by m.id limit 1) as prompt
from turns t join sessions s on s.id = t.session_id;
