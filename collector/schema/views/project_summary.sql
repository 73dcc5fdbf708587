-- The founding spec's ProjectSummary, the one definition of each project figure: GET /api/projects
-- and the dashboard both read this view (tests/test_figures.py holds them equal on the demo).
-- languages: the languages (file_languages) of the files its sessions read or changed, most
--   files first, then by name;  total_sessions: its sessions;  total_time_minutes: active time
--   (daily_overview.active_seconds: Claude working + permission waits + thinking) in whole
--   minutes, rounded;  files_modified: distinct paths written, created or edited;
--   lines_changed: lines added plus removed by its file operations.
create view project_summary as
select p.id, p.name, p.path, p.git_remote as git_repo,
    (select group_concat(language, ', ') from (
        select l.language, count(distinct f.path) as files
        from rollup_files f
        join file_languages l on l.extension = lower(replace(f.path, rtrim(f.path, replace(f.path, '.', '')), ''))
        where f.project_id = p.id and instr(f.path, '.') > 0
        group by l.language order by files desc, l.language)) as languages,
    (select count(*) from sessions s where s.project_id = p.id) as total_sessions,
    coalesce((select cast(round(total(o.active_seconds) / 60.0) as integer) from daily_overview o
        where o.project_id = p.id), 0) as total_time_minutes,
    nullif(max(coalesce((select max(coalesce(s.ended_at, s.last_event_at, s.started_at)) from sessions s
        where s.project_id = p.id), ''), coalesce(p.last_seen, '')), '') as last_activity,
    (select count(distinct f.path) from rollup_files f where f.project_id = p.id and f.edits + f.writes > 0)
        as files_modified,
    coalesce((select sum(r.lines_added + r.lines_removed) from rollup_daily r where r.project_id = p.id), 0)
        as lines_changed
from projects p;
