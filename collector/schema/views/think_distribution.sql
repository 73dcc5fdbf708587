CREATE VIEW think_distribution as 
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.agent, t.bucket,
    b.label as bucket_label, b.low_seconds, b.high_seconds, t.waits
from rollup_think_buckets t
left join projects p on p.id = t.project_id
left join think_buckets b on b.bucket = t.bucket;
