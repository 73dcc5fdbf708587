CREATE VIEW search_documents as
select d.id, d.kind, d.ref_table, d.ref_id, d.at, d.model, d.text,
       d.project_id, p.name as project_name, d.session_id, s.session_uuid, d.turn_id,
       d.embedded_hash is d.content_hash as has_vector
from search_docs d
left join projects p on p.id = d.project_id
left join sessions s on s.id = d.session_id;
