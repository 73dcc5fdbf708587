CREATE VIEW file_activity as 
select f.project_id, p.name as project_name, f.path,
    sum(f.operations) as operations, sum(f.reads) as reads, sum(f.edits) as edits,
    sum(f.writes) as writes, sum(f.lines_added) as lines_added, sum(f.lines_removed) as lines_removed,
    min(f.first_at) as first_at, max(f.last_at) as last_at
from file_activity_daily f left join projects p on p.id = f.project_id
group by f.project_id, f.path;
