CREATE VIEW prompts as 
select m.id as message_id, m.session_id, s.project_id, m.turn_id, date(m.created_at, 'localtime') as day,
    m.created_at, m.content
from messages m join sessions s on s.id = m.session_id
where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null;
