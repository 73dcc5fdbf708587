-- One row per session with its counts, each from a per-session index: fast for one session or a
-- page. active_seconds: Claude working + permission waits + thinking, as in session_summary.
create view session_list as
select l.*, round(l.claude_working_seconds + l.permission_wait_seconds + l.thinking_seconds, 3) as active_seconds
from (
    select s.id as session_id, s.session_uuid, s.project_id, coalesce(p.name, '(no project)') as project_name,
        s.title, s.model, s.agent, s.status, date(s.started_at, 'localtime') as day, s.started_at,
        coalesce(s.ended_at, s.last_event_at) as ended_at,
        round(max(0, (julianday(coalesce(s.ended_at, s.last_event_at)) - julianday(s.started_at)) * 86400.0), 3)
            as wall_seconds,
        (select count(*) from turns t where t.session_id = s.id) as turns,
        (select round(total(t.working_seconds), 3) from turns t where t.session_id = s.id)
            as claude_working_seconds,
        (select round(total(case when w.kind = 'permission' then w.duration_seconds end), 3) from waits w
            where w.session_id = s.id) as permission_wait_seconds,
        (select round(total(case when w.kind = 'user' then w.thinking_seconds end), 3) from waits w
            where w.session_id = s.id) as thinking_seconds,
        (select round(total(case when w.kind = 'user' then w.away_seconds end), 3) from waits w
            where w.session_id = s.id) as away_seconds,
        -- "+m.kind": count through messages_session, never the kind index (which spans all sessions).
        (select count(*) from messages m where m.session_id = s.id and +m.kind = 'prompt' and m.role = 'user'
            and m.agent_id is null) as prompts,
        (select count(*) from tool_calls c where c.session_id = s.id) as tool_calls,
        (select count(*) from tool_calls c where c.session_id = s.id and c.status = 'error') as tool_failures,
        (select count(*) from commits c where c.session_id = s.id) as commits,
        (select coalesce(sum(c.lines_added + c.lines_removed), 0) from commits c where c.session_id = s.id)
            as commit_lines_changed
    from sessions s left join projects p on p.id = s.project_id
) l;
