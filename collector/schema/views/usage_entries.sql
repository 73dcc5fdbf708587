-- ccusage's entries: every API response (token_usage_priced) plus Claude Code's own
-- <synthetic> error notes ("API Error: Rate limit reached"; zero tokens, cost exactly 0,
-- never unpriced), which ccusage counts: they list a day (daily/weekly/monthly/session)
-- and form or extend a 5-hour block. Only `report` and blocks read this view.
create view usage_entries as
select id, session_id, project_id, model, day, at, input_tokens, output_tokens,
    cache_creation_tokens, cache_read_tokens, cost_usd, price_match
from token_usage_priced
union all
select u.id, u.session_id, s.project_id, u.model, date(u.at, 'localtime'), u.at, u.input_tokens,
    u.output_tokens, u.cache_creation_tokens, u.cache_read_tokens, 0.0, '<synthetic>'
from token_usage u left join sessions s on s.id = u.session_id
where u.model = '<synthetic>';
