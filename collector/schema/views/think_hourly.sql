CREATE VIEW think_hourly as 
select t.day, t.hour, cast(strftime('%w', t.day) as integer) as weekday_number,
    substr('SunMonTueWedThuFriSat', 1 + 3 * cast(strftime('%w', t.day) as integer), 3) as weekday,
    t.project_id, coalesce(p.name, '(no project)') as project_name, t.agent,
    t.waits, t.duration_seconds, t.thinking_seconds, t.away_seconds, t.went_away
from rollup_think t left join projects p on p.id = t.project_id;
