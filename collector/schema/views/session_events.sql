-- Everything that happened in a session on one time axis (the session page's chart).
CREATE VIEW session_events as 
select t.session_id, 'Claude working' as lane, 'turn ' || t.seq as label, t.started_at as start_at,
    coalesce(t.ended_at, t.started_at) as end_at, t.end_kind as detail, t.id as turn_id
from turns t
union all
select m.session_id, 'Prompt', substr(m.content, 1, 80), m.created_at, m.created_at, m.kind, m.turn_id
from messages m where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null
union all
select w.session_id, case w.kind when 'permission' then 'Permission wait' else 'User wait' end,
    case w.kind when 'permission' then coalesce(w.context_before, 'permission')
        else printf('thinking %.0f s, away %.0f s', coalesce(w.thinking_seconds, 0),
                    coalesce(w.away_seconds, 0)) end,
    w.started_at, coalesce(w.ended_at, w.started_at), w.kind, w.turn_id
from waits w
union all
select c.session_id, 'Tool call', c.tool_name || ': ' || coalesce(substr(c.summary, 1, 80), ''), c.started_at,
    coalesce(c.ended_at, c.started_at), c.status, c.turn_id
from tool_calls c
union all
select c.session_id, 'Commit', c.subject, c.committed_at, c.committed_at, substr(c.sha, 1, 10), null
from commits c where c.session_id is not null;
