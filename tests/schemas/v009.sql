-- A database at user_version 9 as main (5e75162) made it: its schema in creation order
-- and the rows its migrations inserted. Captured once; never regenerate.
pragma user_version=9;
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
CREATE TABLE search_vector_log (
    seq integer primary key,
    doc_id integer not null
);
CREATE TABLE search_vectors (
    doc_id integer primary key,
    content_hash text not null,
    vector blob not null         -- float16, little-endian, VECTOR_DIMS values
);
CREATE TRIGGER search_vectors_ai after insert on search_vectors begin
    insert into search_vector_log(doc_id) values (new.doc_id);
end;
CREATE TRIGGER search_vectors_au after update on search_vectors begin
    insert into search_vector_log(doc_id) values (new.doc_id);
end;
CREATE TABLE search_docs (
    id integer primary key,
    kind text not null,          -- prompt, reply, thinking, tool, commit
    ref_table text not null,     -- messages, tool_calls, commits
    ref_id integer not null,
    session_id integer,
    project_id integer,
    turn_id integer,
    at text,
    model text,
    text text not null,
    content_hash text not null,
    embedded_hash text,          -- content_hash the stored vector was made from
    unique (ref_table, ref_id)
);
CREATE INDEX search_docs_session on search_docs(session_id, at);
CREATE INDEX search_docs_at on search_docs(at);
CREATE INDEX search_docs_project on search_docs(project_id, at);
CREATE INDEX search_docs_meta on search_docs(id, kind, project_id, session_id, at, model);
CREATE INDEX search_docs_unembedded on search_docs(id) where embedded_hash is not content_hash;
CREATE VIRTUAL TABLE search_docs_fts using fts5(
    text, content="search_docs", content_rowid="id", tokenize="porter unicode61"
);
CREATE VIRTUAL TABLE search_docs_trigram using fts5(
    text, content="search_docs", content_rowid="id", tokenize="trigram"
);
CREATE TRIGGER search_docs_ai after insert on search_docs begin
    insert into search_docs_fts(rowid, text) values (new.id, new.text);
    insert into search_docs_trigram(rowid, text) values (new.id, new.text);
end;
CREATE TRIGGER search_docs_ad after delete on search_docs begin
    insert into search_docs_fts(search_docs_fts, rowid, text) values ('delete', old.id, old.text);
    insert into search_docs_trigram(search_docs_trigram, rowid, text) values ('delete', old.id, old.text);
    delete from search_vectors where doc_id = old.id;
    insert into search_vector_log(doc_id) values (old.id);
end;
CREATE TRIGGER search_docs_au after update of text on search_docs begin
    insert into search_docs_fts(search_docs_fts, rowid, text) values ('delete', old.id, old.text);
    insert into search_docs_trigram(search_docs_trigram, rowid, text) values ('delete', old.id, old.text);
    insert into search_docs_fts(rowid, text) values (new.id, new.text);
    insert into search_docs_trigram(rowid, text) values (new.id, new.text);
end;
CREATE TRIGGER search_docs_meta_au after update of kind, session_id, project_id, at, model
on search_docs begin
    insert into search_vector_log(doc_id) values (new.id);
end;
CREATE VIEW search_documents as
select d.id, d.kind, d.ref_table, d.ref_id, d.at, d.model, d.text,
       d.project_id, p.name as project_name, d.session_id, s.session_uuid, d.turn_id,
       d.embedded_hash is d.content_hash as has_vector
from search_docs d
left join projects p on p.id = d.project_id
left join sessions s on s.id = d.session_id;
CREATE TABLE search_queue (
    ref_table text not null,
    ref_id integer not null,
    primary key (ref_table, ref_id)
) without rowid;
CREATE TABLE model_prices (
    match text primary key,           -- lower-case key a model id contains (longest wins)
    family text not null,             -- opus, sonnet, haiku
    input_per_mtok real not null,     -- USD per million tokens
    output_per_mtok real not null,
    cache_write_5m_per_mtok real not null,
    cache_write_1h_per_mtok real,
    cache_read_per_mtok real not null,
    price_date text not null,         -- the date the price table was copied
    source text
);
CREATE TABLE rollup_daily (
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
CREATE TABLE rollup_tokens (
    day text not null, project_id integer not null, model text not null,
    requests integer not null default 0, input_tokens integer not null default 0,
    output_tokens integer not null default 0, cache_creation_tokens integer not null default 0,
    cache_read_tokens integer not null default 0,
    primary key (day, project_id, model)
);
CREATE TABLE rollup_tools (
    day text not null, project_id integer not null, tool_name text not null,
    calls integer not null default 0, ok integer not null default 0, errors integer not null default 0,
    rejected integer not null default 0, interrupted integer not null default 0,
    timed_calls integer not null default 0, duration_ms_total real not null default 0,
    primary key (day, project_id, tool_name)
);
CREATE TABLE rollup_files (
    day text not null, project_id integer not null, path text not null,
    operations integer not null default 0, reads integer not null default 0,
    edits integer not null default 0, writes integer not null default 0,
    lines_added integer not null default 0, lines_removed integer not null default 0,
    primary key (day, project_id, path)
);
CREATE TABLE rollup_think (
    day text not null, hour integer not null, project_id integer not null,
    waits integer not null default 0, duration_seconds real not null default 0,
    thinking_seconds real not null default 0, away_seconds real not null default 0,
    went_away integer not null default 0,
    primary key (day, hour, project_id)
);
CREATE TABLE rollup_think_buckets (
    day text not null, project_id integer not null, bucket integer not null,
    waits integer not null default 0,
    primary key (day, project_id, bucket)
);
CREATE TABLE think_buckets (
    bucket integer primary key, label text not null, low_seconds real not null, high_seconds real
);
CREATE TABLE rollup_dirty (
    day text not null, sid integer not null, pid integer not null,
    primary key (day, sid, pid)
) without rowid;
CREATE INDEX rollup_files_project on rollup_files(project_id, path, edits, writes, operations);
CREATE INDEX tool_calls_duration on tool_calls(duration_ms);
CREATE INDEX tool_calls_session_started on tool_calls(session_id, started_at);
CREATE INDEX turns_session_started on turns(session_id, started_at);
CREATE INDEX commits_project_time on commits(project_id, committed_at);
CREATE INDEX file_operations_session_at on file_operations(session_id, at);
CREATE INDEX tool_calls_name_duration on tool_calls(tool_name, duration_ms);
CREATE INDEX messages_kind_hash on messages(kind, content_hash, role, agent_id, session_id, created_at);
CREATE INDEX file_operations_at on file_operations(at);
CREATE TABLE forgotten_sessions (session_uuid text primary key, forgotten_at text not null);
CREATE TRIGGER messages_search_ai after insert on messages begin insert into search_queue values ('messages', new.id) on conflict do nothing; end;
CREATE TRIGGER messages_search_ad after delete on messages begin insert into search_queue values ('messages', old.id) on conflict do nothing; end;
CREATE TRIGGER messages_search_au after update of content, kind, model, turn_id, session_id, created_at
on messages begin insert into search_queue values ('messages', new.id) on conflict do nothing; end;
CREATE TRIGGER tool_calls_search_ai after insert on tool_calls begin insert into search_queue values ('tool_calls', new.id) on conflict do nothing; end;
CREATE TRIGGER tool_calls_search_ad after delete on tool_calls begin insert into search_queue values ('tool_calls', old.id) on conflict do nothing; end;
CREATE TRIGGER tool_calls_search_au after update of tool_name, summary, error, turn_id, session_id,
started_at on tool_calls begin insert into search_queue values ('tool_calls', new.id) on conflict do nothing; end;
CREATE TRIGGER commits_search_ai after insert on commits begin insert into search_queue values ('commits', new.id) on conflict do nothing; end;
CREATE TRIGGER commits_search_ad after delete on commits begin insert into search_queue values ('commits', old.id) on conflict do nothing; end;
CREATE TRIGGER commits_search_au after update of subject, message, session_id, project_id,
committed_at on commits begin insert into search_queue values ('commits', new.id) on conflict do nothing; end;
CREATE TABLE fts_pending (id integer primary key);
CREATE TRIGGER messages_ai after insert on messages begin
    insert into fts_pending (id) values (new.id) on conflict do nothing;
end;
CREATE TRIGGER messages_ad after delete on messages begin
    insert into messages_fts(messages_fts, rowid, content)
        select 'delete', old.id, old.content where not exists (select 1 from fts_pending where id = old.id);
    delete from fts_pending where id = old.id;
end;
CREATE TRIGGER messages_au after update of content on messages
when not exists (select 1 from fts_pending where id = old.id) begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.id, old.content);
    insert into messages_fts(rowid, content) values (new.id, new.content);
end;
CREATE TABLE local_zone (id integer primary key check (id = 1), signature text not null);
CREATE VIEW model_price_match as 
select u.model, (
    select p.match from model_prices p
    where instr(lower(u.model), p.match) > 0 and (
        substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) = '' or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) = '-latest'
        or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) glob '-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'
        or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) glob '-v[0-9]*'
        or substr(substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)), 1, 1) in ('@', ':', '[')
    )
    order by length(p.match) desc limit 1
) as price_match
from (select distinct model from token_usage where model is not null) u;
CREATE VIEW token_usage_priced as 
select t.id, t.session_id, s.project_id, t.agent_id, t.model, date(t.at, 'localtime') as day, t.at,
    t.message_id, t.request_id,
    t.input_tokens, t.output_tokens, t.cache_creation_tokens, t.cache_read_tokens,
    t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens as total_tokens,
    p.match as price_match, p.family, p.price_date,
    case when p.match is null then null else (
        t.input_tokens * p.input_per_mtok + t.output_tokens * p.output_per_mtok
        + t.cache_creation_tokens * p.cache_write_5m_per_mtok
        + t.cache_read_tokens * p.cache_read_per_mtok) / 1000000.0 end as cost_usd
from token_usage t
left join sessions s on s.id = t.session_id
left join model_price_match mm on mm.model = t.model
left join model_prices p on p.match = mm.price_match;
CREATE VIEW token_costs as 
select day, project_id, model, price_match, family, price_date,
    price_match is not null as priced,
    count(*) as requests,
    sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
    sum(cache_creation_tokens) as cache_creation_tokens, sum(cache_read_tokens) as cache_read_tokens,
    sum(total_tokens) as total_tokens,
    round(sum(cost_usd), 6) as cost_usd
from token_usage_priced
group by day, project_id, model;
CREATE VIEW session_summary as 
with
tu as (
    select session_id, count(*) as turns,
        round(total(working_seconds), 3) as working, sum(end_kind = 'interrupted') as interrupted
    from turns group by session_id
),
w as (
    select session_id,
        round(total(case when kind = 'permission' then duration_seconds end), 3) as permission,
        round(total(case when kind = 'user' then duration_seconds end), 3) as user_wait,
        round(total(case when kind = 'user' then thinking_seconds end), 3) as thinking,
        round(total(case when kind = 'user' then away_seconds end), 3) as away,
        sum(kind = 'user') as user_waits
    from waits group by session_id
),
m as (
    select session_id, count(*) as prompts from messages
    where kind = 'prompt' and role = 'user' and agent_id is null group by session_id
),
tc as (
    select session_id, count(*) as tool_calls, sum(status = 'ok') as ok,
        sum(status = 'error') as failures
    from tool_calls group by session_id
),
f as (
    select session_id,
        count(distinct case when operation not in ('glob', 'grep') then path end) as touched,
        count(distinct case when operation in ('write', 'create', 'edit', 'notebook_edit')
            then path end) as modified,
        sum(lines_added) as added, sum(lines_removed) as removed
    from file_operations group by session_id
),
c as (
    select session_id, count(*) as commits, sum(lines_added) as added, sum(lines_removed) as removed
    from commits where session_id is not null group by session_id
),
k as (
    select session_id, sum(input_tokens) as input, sum(output_tokens) as output,
        sum(cache_creation_tokens) as cache_creation, sum(cache_read_tokens) as cache_read,
        sum(total_tokens) as total, sum(cost_usd) as cost, sum(price_match is null) as unpriced
    from token_usage_priced where session_id is not null group by session_id
)
select s.id as session_id, s.session_uuid, s.project_id, p.name as project_name, s.title, s.model,
    s.status, s.end_reason, date(s.started_at, 'localtime') as day, s.started_at,
    coalesce(s.ended_at, s.last_event_at) as ended_at,
    round(max(0, (julianday(coalesce(s.ended_at, s.last_event_at)) - julianday(s.started_at)) * 86400.0), 3)
        as wall_seconds,
    round(coalesce(tu.working, 0) + coalesce(w.permission, 0) + coalesce(w.thinking, 0), 3)
        as active_seconds,
    coalesce(tu.working, 0) as claude_working_seconds,
    coalesce(w.permission, 0) as permission_wait_seconds,
    coalesce(w.user_wait, 0) as user_wait_seconds,
    coalesce(w.thinking, 0) as thinking_seconds,
    coalesce(w.away, 0) as away_seconds,
    coalesce(w.user_waits, 0) as user_waits,
    coalesce(tu.turns, 0) as turns,
    coalesce(tu.interrupted, 0) as interrupted_turns,
    coalesce(m.prompts, 0) as prompts,
    coalesce(tc.tool_calls, 0) as tool_calls,
    coalesce(tc.ok, 0) as tool_successes,
    coalesce(tc.failures, 0) as tool_failures,
    coalesce(f.touched, 0) as files_touched,
    coalesce(f.modified, 0) as files_modified,
    coalesce(f.added, 0) as lines_added,
    coalesce(f.removed, 0) as lines_removed,
    coalesce(c.commits, 0) as commits,
    coalesce(c.added, 0) as commit_lines_added,
    coalesce(c.removed, 0) as commit_lines_removed,
    coalesce(k.input, 0) as input_tokens,
    coalesce(k.output, 0) as output_tokens,
    coalesce(k.cache_creation, 0) as cache_creation_tokens,
    coalesce(k.cache_read, 0) as cache_read_tokens,
    coalesce(k.total, 0) as total_tokens,
    round(k.cost, 6) as cost_usd,
    coalesce(k.unpriced, 0) as unpriced_requests
from sessions s
left join projects p on p.id = s.project_id
left join tu on tu.session_id = s.id
left join w on w.session_id = s.id
left join m on m.session_id = s.id
left join tc on tc.session_id = s.id
left join f on f.session_id = s.id
left join c on c.session_id = s.id
left join k on k.session_id = s.id;
CREATE VIEW daily_activity as 
with
s as (
    select date(started_at, 'localtime') as day, project_id, count(*) as sessions,
        total(max(0, (julianday(coalesce(ended_at, last_event_at)) - julianday(started_at)) * 86400.0))
            as wall
    from sessions group by 1, 2
),
tu as (
    select date(t.started_at, 'localtime') as day, s.project_id, count(*) as turns, total(t.working_seconds) as working
    from turns t join sessions s on s.id = t.session_id group by 1, 2
),
w as (
    select date(w.started_at, 'localtime') as day, s.project_id,
        total(case when kind = 'permission' then duration_seconds end) as permission,
        total(case when kind = 'user' then duration_seconds end) as user_wait,
        total(case when kind = 'user' then thinking_seconds end) as thinking,
        total(case when kind = 'user' then away_seconds end) as away
    from waits w join sessions s on s.id = w.session_id group by 1, 2
),
m as (
    select date(m.created_at, 'localtime') as day, s.project_id, count(*) as prompts
    from messages m join sessions s on s.id = m.session_id
    where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null group by 1, 2
),
tc as (
    select date(t.started_at, 'localtime') as day, s.project_id, count(*) as calls,
        sum(t.status = 'ok') as ok, sum(t.status = 'error') as failures
    from tool_calls t join sessions s on s.id = t.session_id group by 1, 2
),
f as (
    select date(f.at, 'localtime') as day, s.project_id,
        count(distinct case when operation not in ('glob', 'grep') then path end) as touched,
        count(distinct case when operation in ('write', 'create', 'edit', 'notebook_edit')
            then path end) as modified,
        sum(lines_added) as added, sum(lines_removed) as removed
    from file_operations f join sessions s on s.id = f.session_id group by 1, 2
),
c as (
    select date(committed_at, 'localtime') as day, project_id, count(*) as commits,
        sum(lines_added) as added, sum(lines_removed) as removed
    from commits group by 1, 2
),
k as (
    select day, project_id, sum(input_tokens) as input, sum(output_tokens) as output,
        sum(cache_creation_tokens) as cache_creation, sum(cache_read_tokens) as cache_read,
        sum(total_tokens) as total, sum(cost_usd) as cost, sum(price_match is null) as unpriced
    from token_usage_priced group by 1, 2
),
keys as (
    select day, project_id from s union select day, project_id from tu
    union select day, project_id from w union select day, project_id from m
    union select day, project_id from tc union select day, project_id from f
    union select day, project_id from c union select day, project_id from k
)
select keys.day, keys.project_id, p.name as project_name,
    coalesce(s.sessions, 0) as sessions,
    round(coalesce(s.wall, 0), 3) as wall_seconds,
    round(coalesce(tu.working, 0) + coalesce(w.permission, 0) + coalesce(w.thinking, 0), 3)
        as active_seconds,
    round(coalesce(tu.working, 0), 3) as claude_working_seconds,
    round(coalesce(w.permission, 0), 3) as permission_wait_seconds,
    round(coalesce(w.user_wait, 0), 3) as user_wait_seconds,
    round(coalesce(w.thinking, 0), 3) as thinking_seconds,
    round(coalesce(w.away, 0), 3) as away_seconds,
    coalesce(tu.turns, 0) as turns,
    coalesce(m.prompts, 0) as prompts,
    coalesce(tc.calls, 0) as tool_calls,
    coalesce(tc.ok, 0) as tool_successes,
    coalesce(tc.failures, 0) as tool_failures,
    coalesce(f.touched, 0) as files_touched,
    coalesce(f.modified, 0) as files_modified,
    coalesce(f.added, 0) as lines_added,
    coalesce(f.removed, 0) as lines_removed,
    coalesce(c.commits, 0) as commits,
    coalesce(c.added, 0) as commit_lines_added,
    coalesce(c.removed, 0) as commit_lines_removed,
    coalesce(k.input, 0) as input_tokens,
    coalesce(k.output, 0) as output_tokens,
    coalesce(k.cache_creation, 0) as cache_creation_tokens,
    coalesce(k.cache_read, 0) as cache_read_tokens,
    coalesce(k.total, 0) as total_tokens,
    round(k.cost, 6) as cost_usd,
    coalesce(k.unpriced, 0) as unpriced_requests
from keys
left join projects p on p.id = keys.project_id
left join s on s.day is keys.day and s.project_id is keys.project_id
left join tu on tu.day is keys.day and tu.project_id is keys.project_id
left join w on w.day is keys.day and w.project_id is keys.project_id
left join m on m.day is keys.day and m.project_id is keys.project_id
left join tc on tc.day is keys.day and tc.project_id is keys.project_id
left join f on f.day is keys.day and f.project_id is keys.project_id
left join c on c.day is keys.day and c.project_id is keys.project_id
left join k on k.day is keys.day and k.project_id is keys.project_id
where keys.day is not null;
CREATE VIEW daily_scores as 
with d as (
    select day, sum(sessions) as sessions, sum(wall_seconds) as wall, sum(active_seconds) as active,
        sum(user_wait_seconds) as user_wait, sum(thinking_seconds) as thinking,
        sum(prompts) as prompts, sum(tool_successes) as ok, sum(tool_failures) as failures,
        sum(files_modified) as files_modified, sum(lines_added + lines_removed) as lines_changed,
        sum(commits) as commits
    from daily_activity group by day
),
r as (
    select *, active / 3600.0 as active_hours,
        case when wall > 0 then min(1.0, active / wall) end as active_ratio,
        case when user_wait > 0 then thinking / user_wait else 1.0 end as responsiveness,
        case when ok + failures > 0 then ok * 1.0 / (ok + failures) else 1.0 end as tool_success_rate
    from d
)
select day, sessions, round(wall, 3) as wall_seconds, round(active, 3) as active_seconds,
    round(active_ratio, 4) as active_ratio, round(responsiveness, 4) as responsiveness,
    prompts, case when active > 0 then round(prompts / active_hours, 2) end as prompts_per_active_hour,
    files_modified, lines_changed, commits, round(tool_success_rate, 4) as tool_success_rate,
    case when wall > 0 and active > 0 then round(100.0 * (
        0.4 * active_ratio + 0.3 * responsiveness + 0.3 * min(1.0, prompts / active_hours / 12.0)
    ), 1) end as engagement_score,
    case when active > 0 then round(100.0 * (
        0.3 * min(1.0, files_modified / active_hours / 10.0)
        + 0.3 * min(1.0, lines_changed / active_hours / 1000.0)
        + 0.2 * min(1.0, commits / active_hours / 3.0)
        + 0.2 * tool_success_rate
    ), 1) end as productivity_score
from r;
CREATE VIEW think_times as 
select w.id as wait_id, w.session_id, s.project_id, w.turn_id, date(w.started_at, 'localtime') as day,
    w.started_at, w.ended_at, w.duration_seconds, w.thinking_seconds, w.away_seconds,
    coalesce(w.away_seconds, 0) > 0 as went_away
from waits w join sessions s on s.id = w.session_id
where w.kind = 'user' and w.duration_seconds is not null;
CREATE VIEW turn_timeline as 
select t.id as turn_id, t.session_id, s.project_id, t.seq, date(t.started_at, 'localtime') as day,
    t.started_at, t.ended_at, t.end_kind, t.stop_error,
    round((julianday(t.ended_at) - julianday(t.started_at)) * 86400.0, 3) as turn_seconds,
    t.working_seconds, t.permission_seconds,
    (select count(*) from tool_calls c where c.turn_id = t.id) as tool_calls,
    (select count(*) from tool_calls c where c.turn_id = t.id and c.status = 'error') as tool_failures,
    (select substr(m.content, 1, 200) from messages m
        where m.turn_id = t.id and m.kind = 'prompt' and m.agent_id is null order by m.id limit 1) as prompt
from turns t join sessions s on s.id = t.session_id;
CREATE VIEW tool_stats as 
select date(t.started_at, 'localtime') as day, s.project_id, t.tool_name, t.mcp_server,
    count(*) as calls,
    sum(t.status = 'ok') as ok, sum(t.status = 'error') as errors,
    sum(t.status = 'rejected') as rejected, sum(t.status = 'interrupted') as interrupted,
    sum(t.status = 'pending') as pending,
    count(t.duration_ms) as timed_calls,
    round(total(t.duration_ms), 3) as duration_ms_total,
    round(avg(t.duration_ms), 3) as duration_ms_avg,
    max(t.duration_ms) as duration_ms_max
from tool_calls t join sessions s on s.id = t.session_id
group by 1, 2, 3;
CREATE VIEW file_activity_daily as 
select date(f.at, 'localtime') as day, s.project_id, f.path,
    count(*) as operations,
    sum(f.operation = 'read') as reads,
    sum(f.operation in ('edit', 'notebook_edit')) as edits,
    sum(f.operation in ('write', 'create')) as writes,
    sum(f.lines_added) as lines_added, sum(f.lines_removed) as lines_removed,
    count(distinct f.session_id) as sessions, min(f.at) as first_at, max(f.at) as last_at
from file_operations f join sessions s on s.id = f.session_id
where f.operation not in ('glob', 'grep')
group by 1, 2, 3;
CREATE VIEW file_activity as 
select f.project_id, p.name as project_name, f.path,
    sum(f.operations) as operations, sum(f.reads) as reads, sum(f.edits) as edits,
    sum(f.writes) as writes, sum(f.lines_added) as lines_added, sum(f.lines_removed) as lines_removed,
    min(f.first_at) as first_at, max(f.last_at) as last_at
from file_activity_daily f left join projects p on p.id = f.project_id
group by f.project_id, f.path;
CREATE VIEW commit_activity as 
select c.id as commit_id, c.project_id, p.name as project_name, c.session_id,
    date(c.committed_at, 'localtime') as day, c.committed_at, c.sha, c.subject, c.author_name,
    c.files_changed, c.lines_added, c.lines_removed, c.lines_added + c.lines_removed as lines_changed,
    c.by_claude
from commits c left join projects p on p.id = c.project_id;
CREATE VIEW prompts as 
select m.id as message_id, m.session_id, s.project_id, m.turn_id, date(m.created_at, 'localtime') as day,
    m.created_at, m.content
from messages m join sessions s on s.id = m.session_id
where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null;
CREATE VIEW tool_failures as 
select t.id as tool_call_id, t.session_id, s.project_id, date(t.started_at, 'localtime') as day, t.started_at,
    t.tool_name, t.summary, t.error
from tool_calls t join sessions s on s.id = t.session_id
where t.status = 'error';
CREATE VIEW rollup_model_price_match as 
select u.model, (
    select p.match from model_prices p
    where instr(lower(u.model), p.match) > 0 and (
        substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) = '' or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) = '-latest'
        or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) glob '-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'
        or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) glob '-v[0-9]*'
        or substr(substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)), 1, 1) in ('@', ':', '[')
    )
    order by length(p.match) desc limit 1
) as price_match
from (select distinct model from rollup_tokens where model is not null) u;
CREATE VIEW daily_overview as 
select r.day, r.project_id, coalesce(p.name, '(no project)') as project_name,
    r.sessions, round(r.wall_seconds, 3) as wall_seconds,
    round(r.claude_working_seconds + r.permission_wait_seconds + r.thinking_seconds, 3) as active_seconds,
    round((r.claude_working_seconds + r.permission_wait_seconds + r.thinking_seconds) / 3600.0, 3)
        as active_hours,
    round(r.claude_working_seconds, 3) as claude_working_seconds,
    round(r.permission_wait_seconds, 3) as permission_wait_seconds, r.permission_waits,
    round(r.user_wait_seconds, 3) as user_wait_seconds, r.user_waits,
    round(r.thinking_seconds, 3) as thinking_seconds, round(r.away_seconds, 3) as away_seconds,
    r.user_waits_away, r.turns, r.prompts, r.tool_calls, r.tool_successes, r.tool_failures,
    r.lines_added, r.lines_removed, r.commits, r.commit_lines_added, r.commit_lines_removed
from rollup_daily r left join projects p on p.id = r.project_id;
CREATE VIEW daily_tokens as 
with m as materialized (select model, price_match from rollup_model_price_match)
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, nullif(t.model, '') as model,
    m.price_match, mp.family, t.requests, t.input_tokens, t.output_tokens, t.cache_creation_tokens,
    t.cache_read_tokens,
    t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens as total_tokens,
    case when mp.match is null then null else round((
        t.input_tokens * mp.input_per_mtok + t.output_tokens * mp.output_per_mtok
        + t.cache_creation_tokens * mp.cache_write_5m_per_mtok
        + t.cache_read_tokens * mp.cache_read_per_mtok) / 1000000.0, 6) end as cost_usd
from rollup_tokens t
left join projects p on p.id = t.project_id
left join m on m.model = t.model
left join model_prices mp on mp.match = m.price_match;
CREATE VIEW daily_tools as 
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.tool_name,
    t.calls, t.ok, t.errors, t.rejected, t.interrupted, t.timed_calls, t.duration_ms_total
from rollup_tools t left join projects p on p.id = t.project_id;
CREATE VIEW daily_files as 
select f.day, f.project_id, coalesce(p.name, '(no project)') as project_name, f.path,
    f.operations, f.reads, f.edits, f.writes, f.lines_added, f.lines_removed
from rollup_files f left join projects p on p.id = f.project_id;
CREATE VIEW think_hourly as 
select t.day, t.hour, cast(strftime('%w', t.day) as integer) as weekday_number,
    substr('SunMonTueWedThuFriSat', 1 + 3 * cast(strftime('%w', t.day) as integer), 3) as weekday,
    t.project_id, coalesce(p.name, '(no project)') as project_name,
    t.waits, t.duration_seconds, t.thinking_seconds, t.away_seconds, t.went_away
from rollup_think t left join projects p on p.id = t.project_id;
CREATE VIEW think_distribution as 
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.bucket,
    b.label as bucket_label, b.low_seconds, b.high_seconds, t.waits
from rollup_think_buckets t
left join projects p on p.id = t.project_id
left join think_buckets b on b.bucket = t.bucket;
CREATE VIEW session_list as 
select s.id as session_id, s.session_uuid, s.project_id, coalesce(p.name, '(no project)') as project_name,
    s.title, s.model, s.status, date(s.started_at, 'localtime') as day, s.started_at,
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
from sessions s left join projects p on p.id = s.project_id;
CREATE VIEW conversation as 
select m.id as message_id, m.session_id, s.project_id, m.turn_id, m.agent_id, m.role, m.kind,
    date(m.created_at, 'localtime') as day, m.created_at, m.model, m.content, m.content_hash
from messages m join sessions s on s.id = m.session_id;
CREATE VIEW file_history as 
select f.id as file_operation_id, f.path, f.operation, f.at, date(f.at, 'localtime') as day, f.lines_added,
    f.lines_removed, f.session_id, s.project_id, coalesce(p.name, '(no project)') as project_name,
    c.tool_name, c.status, c.summary
from file_operations f
join sessions s on s.id = f.session_id
left join projects p on p.id = s.project_id
left join tool_calls c on c.id = f.tool_call_id;
CREATE VIEW tool_call_list as 
select c.id as tool_call_id, c.session_id, s.project_id, coalesce(p.name, '(no project)') as project_name,
    c.turn_id, c.agent_id, c.tool_name, date(c.started_at, 'localtime') as day, c.started_at, c.ended_at,
    c.duration_ms, c.status, c.summary, c.error
from tool_calls c join sessions s on s.id = c.session_id left join projects p on p.id = s.project_id;
CREATE VIEW session_events as 
select t.session_id, 'Claude working' as lane, 'turn ' || t.seq as label, t.started_at as start_at,
    coalesce(t.ended_at, t.started_at) as end_at, t.end_kind as detail, t.id as turn_id
from turns t
union all
select m.session_id, 'Prompt', substr(m.content, 1, 80), m.created_at, m.created_at, m.kind, m.turn_id
from messages m where m.kind = 'prompt' and m.role = 'user' and m.agent_id is null
union all
select w.session_id, case w.kind when 'permission' then 'Permission wait' else 'User wait' end,
    case w.kind when 'permission' then coalesce(w.context_before, 'permission')
        else printf('thinking %.0f s, away %.0f s', coalesce(w.thinking_seconds, 0),
                    coalesce(w.away_seconds, 0)) end,
    w.started_at, coalesce(w.ended_at, w.started_at), w.kind, w.turn_id
from waits w
union all
select c.session_id, 'Tool call', c.tool_name || ': ' || coalesce(substr(c.summary, 1, 80), ''), c.started_at,
    coalesce(c.ended_at, c.started_at), c.status, c.turn_id
from tool_calls c
union all
select c.session_id, 'Commit', c.subject, c.committed_at, c.committed_at, substr(c.sha, 1, 10), null
from commits c where c.session_id is not null;
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
CREATE TRIGGER rollup_sessions_ai after insert on sessions begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(new.project_id, 0) from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_sessions_ad after delete on sessions begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(old.project_id, 0) from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; insert into rollup_dirty (day, sid, pid) select k.day, old.id, coalesce(old.project_id, 0) from (select '*' as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_sessions_au after update of ended_at, last_event_at, project_id, started_at on sessions begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(new.project_id, 0) from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_sessions_au_key after update of started_at, project_id on sessions when (date(old.started_at, 'localtime') is not date(new.started_at, 'localtime') or old.project_id is not new.project_id) begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(old.project_id, 0) from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_sessions_moved after update of project_id on sessions when old.project_id is not new.project_id begin insert into rollup_dirty (day, sid, pid) select k.day, old.id, coalesce(old.project_id, 0) from (select '*' as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_turns_ai after insert on turns begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_turns_ad after delete on turns begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_turns_au after update of session_id, started_at, working_seconds on turns begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_turns_au_key after update of started_at, session_id on turns when (date(old.started_at, 'localtime') is not date(new.started_at, 'localtime') or old.session_id is not new.session_id) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_waits_ai after insert on waits begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_waits_ad after delete on waits begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_waits_au after update of away_seconds, duration_seconds, kind, session_id, started_at, thinking_seconds on waits begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_waits_au_key after update of started_at, session_id on waits when (date(old.started_at, 'localtime') is not date(new.started_at, 'localtime') or old.session_id is not new.session_id) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_messages_ai after insert on messages when ((new.kind = 'prompt' and new.role = 'user' and new.agent_id is null)) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.created_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_messages_ad after delete on messages when ((old.kind = 'prompt' and old.role = 'user' and old.agent_id is null)) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.created_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_messages_au after update of agent_id, created_at, kind, role, session_id on messages when ((old.kind = 'prompt' and old.role = 'user' and old.agent_id is null)) or ((new.kind = 'prompt' and new.role = 'user' and new.agent_id is null)) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.created_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_messages_au_key after update of created_at, session_id on messages when (date(old.created_at, 'localtime') is not date(new.created_at, 'localtime') or old.session_id is not new.session_id) and ((old.kind = 'prompt' and old.role = 'user' and old.agent_id is null)) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.created_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_tool_calls_ai after insert on tool_calls begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_tool_calls_ad after delete on tool_calls begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_tool_calls_au after update of duration_ms, session_id, started_at, status, tool_name on tool_calls begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_tool_calls_au_key after update of started_at, session_id on tool_calls when (date(old.started_at, 'localtime') is not date(new.started_at, 'localtime') or old.session_id is not new.session_id) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.started_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_file_operations_ai after insert on file_operations begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_file_operations_ad after delete on file_operations begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_file_operations_au after update of at, lines_added, lines_removed, operation, path, session_id on file_operations begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_file_operations_au_key after update of at, session_id on file_operations when (date(old.at, 'localtime') is not date(new.at, 'localtime') or old.session_id is not new.session_id) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_commits_ai after insert on commits begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(new.project_id, 0) from (select date(new.committed_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_commits_ad after delete on commits begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(old.project_id, 0) from (select date(old.committed_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_commits_au after update of committed_at, lines_added, lines_removed, project_id on commits begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(new.project_id, 0) from (select date(new.committed_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_commits_au_key after update of committed_at, project_id on commits when (date(old.committed_at, 'localtime') is not date(new.committed_at, 'localtime') or old.project_id is not new.project_id) begin insert into rollup_dirty (day, sid, pid) select k.day, 0, coalesce(old.project_id, 0) from (select date(old.committed_at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_token_usage_ai after insert on token_usage begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_token_usage_ad after delete on token_usage begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_token_usage_au after update of at, cache_creation_tokens, cache_read_tokens, input_tokens, model, output_tokens, session_id on token_usage begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(new.session_id, 0), 0 from (select date(new.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE TRIGGER rollup_token_usage_au_key after update of at, session_id on token_usage when (date(old.at, 'localtime') is not date(new.at, 'localtime') or old.session_id is not new.session_id) begin insert into rollup_dirty (day, sid, pid) select k.day, coalesce(old.session_id, 0), 0 from (select date(old.at, 'localtime') as day) k where k.day is not null on conflict do nothing; end;
CREATE VIEW daily_totals as 
with
d as (select *, nullif(project_id, 0) as pid from rollup_daily),
s as (select day, pid as project_id, sessions, wall_seconds as wall from d),
tu as (select day, pid as project_id, turns, claude_working_seconds as working from d),
w as (
    select day, pid as project_id, permission_wait_seconds as permission, user_wait_seconds as user_wait,
        thinking_seconds as thinking, away_seconds as away
    from d
),
m as (select day, pid as project_id, prompts from d),
tc as (select day, pid as project_id, tool_calls as calls, tool_successes as ok, tool_failures as failures from d),
fc as (
    select day, nullif(project_id, 0) as project_id, count(*) as touched, sum(edits + writes > 0) as modified
    from rollup_files group by day, project_id
),
f as (  -- every file operation also counts its lines in rollup_daily: d has each key of fc
    select d.day, d.pid as project_id, fc.touched, fc.modified, d.lines_added as added, d.lines_removed as removed
    from d left join fc on fc.day = d.day and fc.project_id is d.pid
),
c as (select day, pid as project_id, commits, commit_lines_added as added, commit_lines_removed as removed from d),
mm as materialized (select model, price_match from rollup_model_price_match),
k as (
    select t.day, nullif(t.project_id, 0) as project_id, sum(t.input_tokens) as input,
        sum(t.output_tokens) as output, sum(t.cache_creation_tokens) as cache_creation,
        sum(t.cache_read_tokens) as cache_read,
        sum(t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens) as total,
        sum(case when mp.match is null then null else (
            t.input_tokens * mp.input_per_mtok + t.output_tokens * mp.output_per_mtok
            + t.cache_creation_tokens * mp.cache_write_5m_per_mtok
            + t.cache_read_tokens * mp.cache_read_per_mtok) / 1000000.0 end) as cost,
        sum(case when mp.match is null then t.requests else 0 end) as unpriced
    from rollup_tokens t
    left join mm on mm.model = t.model
    left join model_prices mp on mp.match = mm.price_match
    group by t.day, t.project_id
),
keys as (select day, project_id from s union select day, project_id from k)
select keys.day, keys.project_id, p.name as project_name,
    coalesce(s.sessions, 0) as sessions,
    round(coalesce(s.wall, 0), 3) as wall_seconds,
    round(coalesce(tu.working, 0) + coalesce(w.permission, 0) + coalesce(w.thinking, 0), 3)
        as active_seconds,
    round(coalesce(tu.working, 0), 3) as claude_working_seconds,
    round(coalesce(w.permission, 0), 3) as permission_wait_seconds,
    round(coalesce(w.user_wait, 0), 3) as user_wait_seconds,
    round(coalesce(w.thinking, 0), 3) as thinking_seconds,
    round(coalesce(w.away, 0), 3) as away_seconds,
    coalesce(tu.turns, 0) as turns,
    coalesce(m.prompts, 0) as prompts,
    coalesce(tc.calls, 0) as tool_calls,
    coalesce(tc.ok, 0) as tool_successes,
    coalesce(tc.failures, 0) as tool_failures,
    coalesce(f.touched, 0) as files_touched,
    coalesce(f.modified, 0) as files_modified,
    coalesce(f.added, 0) as lines_added,
    coalesce(f.removed, 0) as lines_removed,
    coalesce(c.commits, 0) as commits,
    coalesce(c.added, 0) as commit_lines_added,
    coalesce(c.removed, 0) as commit_lines_removed,
    coalesce(k.input, 0) as input_tokens,
    coalesce(k.output, 0) as output_tokens,
    coalesce(k.cache_creation, 0) as cache_creation_tokens,
    coalesce(k.cache_read, 0) as cache_read_tokens,
    coalesce(k.total, 0) as total_tokens,
    round(k.cost, 6) as cost_usd,
    coalesce(k.unpriced, 0) as unpriced_requests
from keys
left join projects p on p.id = keys.project_id
left join s on s.day is keys.day and s.project_id is keys.project_id
left join tu on tu.day is keys.day and tu.project_id is keys.project_id
left join w on w.day is keys.day and w.project_id is keys.project_id
left join m on m.day is keys.day and m.project_id is keys.project_id
left join tc on tc.day is keys.day and tc.project_id is keys.project_id
left join f on f.day is keys.day and f.project_id is keys.project_id
left join c on c.day is keys.day and c.project_id is keys.project_id
left join k on k.day is keys.day and k.project_id is keys.project_id
where keys.day is not null;
insert into model_prices values ('claude-opus-4-6', 'opus', 5.0, 25.0, 6.25, 10.0, 0.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-opus-4-5', 'opus', 5.0, 25.0, 6.25, 10.0, 0.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-opus-4-1', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-opus-4', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-3-opus', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-sonnet-4-6', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-sonnet-4-5', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-sonnet-4', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-3-7-sonnet', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-3-5-sonnet', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-haiku-4-5', 'haiku', 1.0, 5.0, 1.25, 2.0, 0.1, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-3-5-haiku', 'haiku', 0.8, 4.0, 1.0, 1.6, 0.08, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into model_prices values ('claude-3-haiku', 'haiku', 0.25, 1.25, 0.3, 0.5, 0.03, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
insert into think_buckets values (0, '< 10 s', 0.0, 10.0);
insert into think_buckets values (1, '10-30 s', 10.0, 30.0);
insert into think_buckets values (2, '30-60 s', 30.0, 60.0);
insert into think_buckets values (3, '1-2 min', 60.0, 120.0);
insert into think_buckets values (4, '2-5 min', 120.0, 300.0);
insert into think_buckets values (5, '5-15 min', 300.0, 900.0);
insert into think_buckets values (6, '15-60 min', 900.0, 3600.0);
insert into think_buckets values (7, '> 1 h', 3600.0, NULL);
