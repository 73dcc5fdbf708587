-- Tokens and cost per local day, project and model, from the rollups. The price match is
-- materialized once: inlined, its subquery would run for every rollup row.
CREATE VIEW daily_tokens as 
select t.day, t.project_id, coalesce(p.name, '(no project)') as project_name, t.agent,
    nullif(t.model, '') as model,
    t.price_match, t.family, t.requests, t.input_tokens, t.output_tokens, t.cache_creation_tokens,
    t.cache_read_tokens,
    t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens as total_tokens,
    round(t.cost_usd, 6) as cost_usd
from rollup_tokens_priced t
left join projects p on p.id = t.project_id;
