CREATE VIEW project_summary as 
select p.id, p.name, p.path, p.git_remote as git_repo,
    (select group_concat(lang, ', ') from (
        select case lower(replace(f.path, rtrim(f.path, replace(f.path, '.', '')), ''))
            when 'py' then 'Python' when 'ipynb' then 'Python' when 'ts' then 'TypeScript'
            when 'tsx' then 'TypeScript' when 'js' then 'JavaScript' when 'jsx' then 'JavaScript'
            when 'go' then 'Go' when 'rs' then 'Rust' when 'java' then 'Java' when 'rb' then 'Ruby'
            when 'c' then 'C' when 'h' then 'C' when 'cpp' then 'C++' when 'cs' then 'C#'
            when 'tf' then 'Terraform' when 'sh' then 'Shell' when 'sql' then 'SQL' when 'md' then 'Markdown'
            when 'html' then 'HTML' when 'css' then 'CSS' when 'yml' then 'YAML' when 'yaml' then 'YAML'
            end as lang, sum(f.operations) as n
        from rollup_files f where f.project_id = p.id group by lang having lang is not null
        order by n desc limit 5)) as languages,
    (select sum(sessions) from rollup_daily r where r.project_id = p.id) as total_sessions,
    (select cast(round(total(claude_working_seconds + permission_wait_seconds + thinking_seconds) / 60.0)
        as integer) from rollup_daily r where r.project_id = p.id) as total_time_minutes,
    (select max(coalesce(s.last_event_at, s.started_at)) from sessions s where s.project_id = p.id)
        as last_activity,
    (select count(distinct f.path) from rollup_files f where f.project_id = p.id and f.edits + f.writes > 0)
        as files_modified,
    (select sum(lines_added + lines_removed) from rollup_daily r where r.project_id = p.id) as lines_changed
from projects p;
