-- Exact prices (issue #15): 1-hour cache writes apart from 5-minute ones, long-context
-- rates, and what a transcript read skipped. The price rows themselves are refreshed from
-- pricing.json (and the user's prices.json) by collector.pricing.sync.

-- The 1-hour share of cache_creation_tokens (usage.cache_creation.ephemeral_1h_input_tokens).
alter table token_usage add column cache_creation_1h_tokens integer not null default 0;

-- Long-context rates: a request whose input is over the table's threshold is priced at
-- these (null: the model has no such tier).
alter table model_prices add column input_long_per_mtok real;
alter table model_prices add column output_long_per_mtok real;
alter table model_prices add column cache_write_5m_long_per_mtok real;
alter table model_prices add column cache_write_1h_long_per_mtok real;
alter table model_prices add column cache_read_long_per_mtok real;

-- The daily token rollup keeps the same split, and the long-context requests' share.
alter table rollup_tokens add column cache_creation_1h_tokens integer not null default 0;
alter table rollup_tokens add column long_input_tokens integer not null default 0;
alter table rollup_tokens add column long_output_tokens integer not null default 0;
alter table rollup_tokens add column long_cache_creation_tokens integer not null default 0;
alter table rollup_tokens add column long_cache_creation_1h_tokens integer not null default 0;
alter table rollup_tokens add column long_cache_read_tokens integer not null default 0;

-- Lines a transcript read skipped, by reason, as JSON ({"bad_json": 1}): for `status`.
alter table transcript_files add column skipped text;

-- The price table as pricing.json held it when this migration shipped (sync() keeps it current).
delete from model_prices;
insert into model_prices (match, family, input_per_mtok, output_per_mtok, cache_write_5m_per_mtok,
    cache_write_1h_per_mtok, cache_read_per_mtok, price_date, source, input_long_per_mtok,
    output_long_per_mtok, cache_write_5m_long_per_mtok, cache_write_1h_long_per_mtok,
    cache_read_long_per_mtok) values
    ('gemini-2.5-pro', 'gemini', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'Google''s Gemini API prices (ai.google.dev/gemini-api/docs/pricing; long context: prompts over 200k tokens)', 2.5, 15.0, 2.5, null, 0.25),
    ('gemini-3-flash-preview', 'gemini', 0.5, 3.0, 0.5, null, 0.05, '2026-12-06', 'Google''s Gemini API prices (ai.google.dev/gemini-api/docs/pricing; long context: prompts over 200k tokens)', null, null, null, null, null),
    ('gemini-3.1-pro-preview', 'gemini', 2.0, 12.0, 2.0, null, 0.2, '2026-12-06', 'Google''s Gemini API prices (ai.google.dev/gemini-api/docs/pricing; long context: prompts over 200k tokens)', 4.0, 18.0, 4.0, null, 0.4),
    ('gemini-3.1-pro-preview-customtools', 'gemini', 2.0, 12.0, 2.0, null, 0.2, '2026-12-06', 'Google''s Gemini API prices (ai.google.dev/gemini-api/docs/pricing; long context: prompts over 200k tokens)', 4.0, 18.0, 4.0, null, 0.4),
    ('gpt-5', 'gpt', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5-codex', 'gpt', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.1', 'gpt', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.1-codex', 'gpt', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.1-codex-max', 'gpt', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.2', 'gpt', 1.75, 14.0, 1.75, null, 0.175, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.2-codex', 'gpt', 1.75, 14.0, 1.75, null, 0.175, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.3-codex', 'gpt', 1.75, 14.0, 1.75, null, 0.175, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('gpt-5.5', 'gpt', 1.25, 10.0, 1.25, null, 0.125, '2026-12-06', 'OpenAI''s API prices as ccusage 17.2.1 applies them (LiteLLM''s table), checked against ccusage''s own costs for the Codex samples in shared/fixtures/agents', null, null, null, null, null),
    ('claude-3-5-haiku', 'haiku', 0.8, 4.0, 1.0, 1.6, 0.08, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-3-haiku', 'haiku', 0.25, 1.25, 0.3, 0.5, 0.03, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-haiku-4-5', 'haiku', 1.0, 5.0, 1.25, 2.0, 0.1, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-3-opus', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-opus-4', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-opus-4-1', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-opus-4-5', 'opus', 5.0, 25.0, 6.25, 10.0, 0.5, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-opus-4-6', 'opus', 5.0, 25.0, 6.25, 10.0, 0.5, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', 10.0, 37.5, 12.5, 20.0, 1.0),
    ('claude-3-5-sonnet', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-3-7-sonnet', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', null, null, null, null, null),
    ('claude-sonnet-4', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', 6.0, 22.5, 7.5, 12.0, 0.6),
    ('claude-sonnet-4-5', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', 6.0, 22.5, 7.5, 12.0, 0.6),
    ('claude-sonnet-4-6', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-12-06', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing; long context: the 1M-context rates for requests over 200k input tokens)', 6.0, 22.5, 7.5, 12.0, 0.6);
