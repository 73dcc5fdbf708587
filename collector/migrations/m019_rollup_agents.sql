-- The dashboard rollups get the coding agent as a key, so every dashboard page can be filtered
-- by agent (claude-code, codex, gemini) without reading the base tables. The rollups are derived
-- data: the tables are made again empty, and the rollup definitions (whose text changed with
-- this) recompute every row on the next start.
drop table rollup_daily;
create table rollup_daily (
    day text not null, project_id integer not null, agent text not null default 'claude-code',
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
    primary key (day, project_id, agent)
);
drop table rollup_files;
create table rollup_files (
    day text not null, project_id integer not null, agent text not null default 'claude-code',
    path text not null,
    operations integer not null default 0, reads integer not null default 0,
    edits integer not null default 0, writes integer not null default 0,
    lines_added integer not null default 0, lines_removed integer not null default 0,
    primary key (day, project_id, agent, path)
);
create index rollup_files_project on rollup_files(project_id, path, edits, writes, operations);
drop table rollup_think;
create table rollup_think (
    day text not null, hour integer not null, project_id integer not null,
    agent text not null default 'claude-code',
    waits integer not null default 0, duration_seconds real not null default 0,
    thinking_seconds real not null default 0, away_seconds real not null default 0,
    went_away integer not null default 0,
    primary key (day, hour, project_id, agent)
);
drop table rollup_think_buckets;
create table rollup_think_buckets (
    day text not null, project_id integer not null, agent text not null default 'claude-code',
    bucket integer not null,
    waits integer not null default 0,
    primary key (day, project_id, agent, bucket)
);
drop table rollup_tokens;
create table rollup_tokens (
    day text not null, project_id integer not null, agent text not null default 'claude-code',
    model text not null,
    requests integer not null default 0, input_tokens integer not null default 0,
    output_tokens integer not null default 0, cache_creation_tokens integer not null default 0,
    cache_read_tokens integer not null default 0, cache_creation_1h_tokens integer not null default 0,
    long_input_tokens integer not null default 0, long_output_tokens integer not null default 0,
    long_cache_creation_tokens integer not null default 0, long_cache_creation_1h_tokens integer not null default 0,
    long_cache_read_tokens integer not null default 0,
    primary key (day, project_id, agent, model)
);
drop table rollup_tools;
create table rollup_tools (
    day text not null, project_id integer not null, agent text not null default 'claude-code',
    tool_name text not null,
    calls integer not null default 0, ok integer not null default 0, errors integer not null default 0,
    rejected integer not null default 0, interrupted integer not null default 0,
    timed_calls integer not null default 0, duration_ms_total real not null default 0,
    primary key (day, project_id, agent, tool_name)
);
-- Made again from scratch: every key is recomputed by the rebuild.
delete from rollup_dirty;
