-- A database at user_version 1 as main (5e75162) made it: its schema in creation order
-- and the rows its migrations inserted. Captured once; never regenerate.
pragma user_version=1;
CREATE TABLE projects (
    id integer primary key,
    name text not null,
    path text not null unique,
    git_remote text,
    git_branch text,
    is_git integer not null default 0,
    first_seen text,
    last_seen text
);
CREATE TABLE sessions (
    id integer primary key,
    session_uuid text not null unique,
    project_id integer references projects(id),
    cwd text,
    transcript_path text,
    model text,
    source text,                 -- startup, resume, clear, compact, fork, hook (first seen mid-session), import
    started_at text,
    ended_at text,
    end_reason text,             -- SessionEnd reason, or timeout
    last_event_at text,
    permission_mode text,
    git_branch text,
    claude_version text,
    title text,
    status text not null default 'active'   -- active, ended
);
CREATE INDEX sessions_project on sessions(project_id, started_at);
CREATE INDEX sessions_started on sessions(started_at);
CREATE INDEX sessions_active on sessions(status, last_event_at);
CREATE TABLE turns (
    id integer primary key,
    session_id integer not null references sessions(id),
    seq integer not null,        -- 1, 2, ... within the session
    prompt_id text,              -- Claude Code's prompt_id when sent
    started_at text not null,    -- the prompt
    ended_at text,               -- Stop, StopFailure, or the interruption
    end_kind text,               -- stop, stop_failure, interrupted, session_end; null while open
    stop_error text,
    working_seconds real,        -- Claude working: prompt to end, permission waits excluded
    permission_seconds real,
    unique (session_id, seq)
);
CREATE INDEX turns_started on turns(started_at);
CREATE INDEX turns_open on turns(session_id, end_kind, seq);
CREATE TABLE agents (
    id integer primary key,
    session_id integer not null references sessions(id),
    turn_id integer references turns(id),
    agent_id text not null,
    agent_type text,
    tool_use_id text,            -- the Agent/Task call that launched it
    started_at text,
    ended_at text,
    transcript_path text,
    last_message text,
    unique (session_id, agent_id)
);
CREATE TABLE messages (
    id integer primary key,
    uid text not null unique,    -- idempotency key: hook event id or transcript line uuid
    session_id integer not null references sessions(id),
    turn_id integer references turns(id),
    agent_id text,               -- set for subagent messages
    role text not null,          -- user, assistant
    kind text not null,          -- prompt, reply, thinking
    content text not null,
    content_hash text not null,
    created_at text,
    model text,
    source text not null         -- hook, transcript
);
CREATE INDEX messages_session on messages(session_id, created_at);
CREATE INDEX messages_turn on messages(turn_id);
CREATE INDEX messages_hash on messages(session_id, kind, content_hash);
CREATE INDEX messages_created on messages(created_at);
CREATE VIRTUAL TABLE messages_fts using fts5(
    content, content="messages", content_rowid="id", tokenize="porter unicode61"
);
CREATE TRIGGER messages_ai after insert on messages begin
    insert into messages_fts(rowid, content) values (new.id, new.content);
end;
CREATE TRIGGER messages_ad after delete on messages begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.id, old.content);
end;
CREATE TRIGGER messages_au after update of content on messages begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.id, old.content);
    insert into messages_fts(rowid, content) values (new.id, new.content);
end;
CREATE TABLE tool_calls (
    id integer primary key,
    session_id integer not null references sessions(id),
    turn_id integer references turns(id),
    agent_id text,
    tool_use_id text,
    tool_name text not null,
    mcp_server text,
    mcp_tool text,
    started_at text,             -- PreToolUse
    ended_at text,               -- PostToolUse / PostToolUseFailure
    duration_ms real,            -- duration_ms when sent, else post minus pre
    status text not null,        -- pending, ok, error, interrupted, rejected
    error text,
    summary text,                -- the command, path, pattern or url
    input text,                  -- tool_input as JSON
    source text not null         -- hook, transcript
);
CREATE UNIQUE INDEX tool_calls_use on tool_calls(session_id, tool_use_id);
CREATE INDEX tool_calls_name on tool_calls(tool_name, started_at);
CREATE INDEX tool_calls_turn on tool_calls(turn_id);
CREATE INDEX tool_calls_started on tool_calls(started_at);
CREATE INDEX tool_calls_pending on tool_calls(session_id, status, tool_name);
CREATE TABLE file_operations (
    id integer primary key,
    tool_call_id integer not null references tool_calls(id),
    session_id integer not null references sessions(id),
    path text not null,
    operation text not null,     -- read, write, create, edit, notebook_edit, glob, grep
    lines_added integer not null default 0,
    lines_removed integer not null default 0,
    at text,
    unique (tool_call_id, path)
);
CREATE INDEX file_operations_path on file_operations(path, at);
CREATE INDEX file_operations_session on file_operations(session_id);
CREATE TABLE waits (
    id integer primary key,
    session_id integer not null references sessions(id),
    turn_id integer references turns(id),
    kind text not null,          -- permission, user
    started_at text not null,
    ended_at text,
    duration_seconds real,
    thinking_seconds real,       -- user waits: up to the idle threshold
    away_seconds real,           -- user waits: the rest
    tool_use_id text,            -- permission waits
    context_before text,
    context_after text
);
CREATE INDEX waits_session on waits(session_id, started_at);
CREATE INDEX waits_started on waits(started_at);
CREATE INDEX waits_open on waits(session_id, kind, ended_at);
CREATE INDEX waits_turn on waits(turn_id, kind);
CREATE TABLE git_operations (
    id integer primary key,
    session_id integer not null references sessions(id),
    turn_id integer references turns(id),
    tool_call_id integer references tool_calls(id),
    operation text not null,     -- commit, push, pull, merge, rebase, branch, checkout, status, ...
    command text,
    result text,
    commit_sha text,
    at text,
    unique (tool_call_id, operation)
);
CREATE INDEX git_operations_session on git_operations(session_id);
CREATE TABLE commits (
    id integer primary key,
    project_id integer not null references projects(id),
    session_id integer references sessions(id),
    sha text not null,
    author_name text,
    author_email text,
    committed_at text,
    subject text,
    message text,
    files_changed integer not null default 0,
    lines_added integer not null default 0,
    lines_removed integer not null default 0,
    by_claude integer not null default 0,   -- carries a Co-Authored-By: Claude trailer
    unique (project_id, sha)
);
CREATE INDEX commits_session on commits(session_id);
CREATE INDEX commits_time on commits(committed_at);
CREATE TABLE commit_files (
    commit_id integer not null references commits(id) on delete cascade,
    path text not null,
    lines_added integer,
    lines_removed integer,
    primary key (commit_id, path)
);
CREATE TABLE token_usage (
    id integer primary key,
    session_id integer references sessions(id),
    agent_id text,
    message_id text not null,    -- the API msg_ id
    request_id text not null,    -- the API req_ id
    model text,
    input_tokens integer not null default 0,
    output_tokens integer not null default 0,
    cache_creation_tokens integer not null default 0,
    cache_read_tokens integer not null default 0,
    at text,
    unique (message_id, request_id)
);
CREATE INDEX token_usage_session on token_usage(session_id);
CREATE INDEX token_usage_at on token_usage(at);
CREATE TABLE raw_events (
    id integer primary key,
    event_uid text not null unique,   -- the client-made spool id
    received_at text not null,
    session_uuid text,
    hook_event_name text,
    payload text not null,            -- the hook payload as JSON, secrets redacted
    cut text                          -- how much the client cut from an oversized payload
);
CREATE INDEX raw_events_session on raw_events(session_uuid, received_at);
CREATE TABLE transcript_files (
    path text primary key,
    session_uuid text,
    agent_id text,
    offset integer not null default 0,  -- bytes read so far (always at a line end)
    size integer,
    mtime real,
    read_at text
);
CREATE TABLE drain_errors (
    id integer primary key,
    at text not null,
    source text,
    reason text not null,
    line text
);
