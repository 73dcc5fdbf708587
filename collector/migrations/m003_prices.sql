-- The token price table, filled with the prices pricing.json held when this migration shipped
-- (`cctracker prices` replaces them). Its views are in collector/schema/views/.

create table model_prices (
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
insert into model_prices (match, family, input_per_mtok, output_per_mtok, cache_write_5m_per_mtok,
    cache_write_1h_per_mtok, cache_read_per_mtok, price_date, source) values
    ('claude-opus-4-6', 'opus', 5.0, 25.0, 6.25, 10.0, 0.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-opus-4-5', 'opus', 5.0, 25.0, 6.25, 10.0, 0.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-opus-4-1', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-opus-4', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-3-opus', 'opus', 15.0, 75.0, 18.75, 30.0, 1.5, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-sonnet-4-6', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-sonnet-4-5', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-sonnet-4', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-3-7-sonnet', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-3-5-sonnet', 'sonnet', 3.0, 15.0, 3.75, 6.0, 0.3, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-haiku-4-5', 'haiku', 1.0, 5.0, 1.25, 2.0, 0.1, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-3-5-haiku', 'haiku', 0.8, 4.0, 1.0, 1.6, 0.08, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand'),
    ('claude-3-haiku', 'haiku', 0.25, 1.25, 0.3, 0.5, 0.03, '2026-03-01', 'Anthropic''s published API prices (docs.claude.com/en/docs/about-claude/pricing), copied by hand');
