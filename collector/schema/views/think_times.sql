CREATE VIEW think_times as 
select w.id as wait_id, w.session_id, s.project_id, w.turn_id, date(w.started_at, 'localtime') as day,
    w.started_at, w.ended_at, w.duration_seconds, w.thinking_seconds, w.away_seconds,
    coalesce(w.away_seconds, 0) > 0 as went_away
from waits w join sessions s on s.id = w.session_id
where w.kind = 'user' and w.duration_seconds is not null;
