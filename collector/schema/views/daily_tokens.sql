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
