CREATE VIEW token_usage_priced as with mm as materialized (select model, price_match from model_price_match)

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
left join mm on mm.model = t.model
left join model_prices p on p.match = mm.price_match;
