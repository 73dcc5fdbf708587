create view observed_limits as
-- What Claude Code reported to the status line (rate_limits), with the project of the session
-- that saw it. Account-wide figures: the project only says where you were working.
select o.id, o.observed_at, o.window, o.used_percentage, o.resets_at,
    strftime('%Y-%m-%dT%H:%M:%S.000000Z', o.resets_at,
             case o.window when 'five_hour' then '-5 hours' else '-7 days' end) as window_start,
    o.session_uuid, o.cc_version, coalesce(p.name, '(no project)') as project_name
from rate_limit_observations o
left join sessions s on s.session_uuid = o.session_uuid
left join projects p on p.id = s.project_id;
