CREATE VIEW file_history as 
select f.id as file_operation_id, f.path, f.operation, f.at, date(f.at, 'localtime') as day, f.lines_added,
    f.lines_removed, f.session_id, s.project_id, coalesce(p.name, '(no project)') as project_name,
    c.tool_name, c.status, c.summary
from file_operations f
join sessions s on s.id = f.session_id
left join projects p on p.id = s.project_id
left join tool_calls c on c.id = f.tool_call_id;
