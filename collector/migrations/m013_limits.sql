-- Plan limits and live status: what Claude Code's statusLine reported, and 5-hour blocks.
--
-- rate_limit_observations: rate_limits.five_hour/seven_day from statusLine payloads, one row
--   each time a session's figure changed (observed, never estimated).
-- statusline_latest: the newest statusLine payload's figures per session (cost, context use,
--   model), for the Live page.
-- usage_blocks: ccusage-style 5-hour blocks over token_usage, kept by the collector after its
--   drains (collector.limits.Refresher) so the dashboard can chart them in SQL.
create table rate_limit_observations (
    id integer primary key,
    observed_at text not null,      -- when the payload was received (UTC)
    session_uuid text,
    cc_version text,
    window text not null,           -- 'five_hour' or 'seven_day'
    used_percentage real not null,  -- 0..100 as Claude Code sent it
    resets_at text not null         -- when that window resets (UTC)
);
create index rate_limit_observations_window on rate_limit_observations(window, observed_at);
create index rate_limit_observations_session on rate_limit_observations(session_uuid, window);

create table statusline_latest (
    session_uuid text primary key,
    at text not null,
    model text,
    model_display text,
    cc_version text,
    cost_usd real,                  -- Claude Code's own running estimate for the session
    context_used_percentage real,
    context_window_size integer,
    lines_added integer,
    lines_removed integer
);

create table usage_blocks (
    start_time text primary key,    -- UTC hour floor of the first entry (gaps: last entry + 5 h)
    end_time text not null,
    first_entry_time text,
    actual_end_time text,           -- the last entry
    is_gap integer not null,
    entries integer not null,
    input_tokens integer not null,
    output_tokens integer not null,
    cache_creation_tokens integer not null,
    cache_read_tokens integer not null,
    total_tokens integer not null,
    cost_usd real not null,         -- priced entries only
    unpriced_entries integer not null,
    models text                     -- JSON list, first seen first
);
