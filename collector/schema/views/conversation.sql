CREATE VIEW conversation as 
select m.id as message_id, m.session_id, s.project_id, m.turn_id, m.agent_id, m.role, m.kind,
    date(m.created_at, 'localtime') as day, m.created_at, m.model, m.content, m.content_hash
from messages m join sessions s on s.id = m.session_id;
