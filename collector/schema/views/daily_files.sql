CREATE VIEW daily_files as 
select f.day, f.project_id, coalesce(p.name, '(no project)') as project_name, f.agent, f.path,
    f.operations, f.reads, f.edits, f.writes, f.lines_added, f.lines_removed
from rollup_files f left join projects p on p.id = f.project_id;
