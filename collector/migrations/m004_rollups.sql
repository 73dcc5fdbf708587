-- The dashboard rollup tables and the indexes its pages read. What the rollups hold, the triggers
-- that mark them dirty and how they are recomputed: collector/schema/rollup_defs.py (repeatable).

create table rollup_daily (
    day text not null, project_id integer not null,
    sessions integer not null default 0, wall_seconds real not null default 0,
    turns integer not null default 0, claude_working_seconds real not null default 0,
    permission_waits integer not null default 0, permission_wait_seconds real not null default 0,
    user_waits integer not null default 0, user_wait_seconds real not null default 0,
    user_waits_away integer not null default 0,
    thinking_seconds real not null default 0, away_seconds real not null default 0,
    prompts integer not null default 0,
    tool_calls integer not null default 0, tool_successes integer not null default 0,
    tool_failures integer not null default 0,
    lines_added integer not null default 0, lines_removed integer not null default 0,
    commits integer not null default 0, commit_lines_added integer not null default 0,
    commit_lines_removed integer not null default 0,
    primary key (day, project_id)
);
create table rollup_tokens (
    day text not null, project_id integer not null, model text not null,
    requests integer not null default 0, input_tokens integer not null default 0,
    output_tokens integer not null default 0, cache_creation_tokens integer not null default 0,
    cache_read_tokens integer not null default 0,
    primary key (day, project_id, model)
);
create table rollup_tools (
    day text not null, project_id integer not null, tool_name text not null,
    calls integer not null default 0, ok integer not null default 0, errors integer not null default 0,
    rejected integer not null default 0, interrupted integer not null default 0,
    timed_calls integer not null default 0, duration_ms_total real not null default 0,
    primary key (day, project_id, tool_name)
);
create table rollup_files (
    day text not null, project_id integer not null, path text not null,
    operations integer not null default 0, reads integer not null default 0,
    edits integer not null default 0, writes integer not null default 0,
    lines_added integer not null default 0, lines_removed integer not null default 0,
    primary key (day, project_id, path)
);
create table rollup_think (
    day text not null, hour integer not null, project_id integer not null,
    waits integer not null default 0, duration_seconds real not null default 0,
    thinking_seconds real not null default 0, away_seconds real not null default 0,
    went_away integer not null default 0,
    primary key (day, hour, project_id)
);
create table rollup_think_buckets (
    day text not null, project_id integer not null, bucket integer not null,
    waits integer not null default 0,
    primary key (day, project_id, bucket)
);
create table think_buckets (
    bucket integer primary key, label text not null, low_seconds real not null, high_seconds real
);
insert into think_buckets values
    (0, '< 10 s', 0, 10), (1, '10-30 s', 10, 30), (2, '30-60 s', 30, 60), (3, '1-2 min', 60, 120),
    (4, '2-5 min', 120, 300), (5, '5-15 min', 300, 900), (6, '15-60 min', 900, 3600),
    (7, '> 1 h', 3600, null);
-- Keys whose rollup rows must be recomputed: (day, sid, 0) for a session's rows on a day (its
-- project is resolved at refresh), (day, 0, pid) for a project's own rows (sessions, commits),
-- ('*', sid, pid) for a session that left project pid (moved or deleted). Not named
-- session_id/project_id: forget finds the tables it empties by those column names.
create table rollup_dirty (
    day text not null, sid integer not null, pid integer not null,
    primary key (day, sid, pid)
) without rowid;

create index rollup_files_project on rollup_files(project_id, path, edits, writes, operations);
create index tool_calls_duration on tool_calls(duration_ms);
create index tool_calls_session_started on tool_calls(session_id, started_at);
create index turns_session_started on turns(session_id, started_at);
create index commits_project_time on commits(project_id, committed_at);
create index file_operations_session_at on file_operations(session_id, at);
create index tool_calls_name_duration on tool_calls(tool_name, duration_ms);
create index messages_kind_hash on messages(kind, content_hash, role, agent_id, session_id, created_at);
create index file_operations_at on file_operations(at);
