CREATE VIEW file_activity_daily as 
select date(f.at, 'localtime') as day, s.project_id, f.path,
    count(*) as operations,
    sum(f.operation = 'read') as reads,
    sum(f.operation in ('edit', 'notebook_edit')) as edits,
    sum(f.operation in ('write', 'create')) as writes,
    sum(f.lines_added) as lines_added, sum(f.lines_removed) as lines_removed,
    count(distinct f.session_id) as sessions, min(f.at) as first_at, max(f.at) as last_at
from file_operations f join sessions s on s.id = f.session_id
where f.operation not in ('glob', 'grep')
group by 1, 2, 3;
