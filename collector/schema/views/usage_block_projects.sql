create view usage_block_projects as
-- Which projects used each 5-hour block (any API response of one of their sessions in it):
-- the Limits page's project filter. Blocks themselves stay global, as the plan limits are.
select distinct b.start_time, coalesce(p.name, '(no project)') as project_name
from usage_blocks b
join token_usage t on t.at >= b.start_time and t.at < b.end_time
join sessions s on s.id = t.session_id
left join projects p on p.id = s.project_id
where b.is_gap = 0;
