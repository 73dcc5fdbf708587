-- Each token row with its price; the model -> price match map is computed once per query.
CREATE VIEW token_usage_priced as with mm as materialized (select model, price_match from model_price_match),
-- A request over 200k input tokens (rollup_defs.LONG_CONTEXT_ABOVE) is priced whole at its
-- model's long-context rates; 1-hour cache writes at their own rate (5-minute where none).
t as (
    select u.*, s.project_id,
        u.input_tokens + u.cache_creation_tokens + u.cache_read_tokens > 200000 as long_context
    from token_usage u left join sessions s on s.id = u.session_id
),
l as (
    select t.*, t.input_tokens * long_context as long_input_tokens,
        t.output_tokens * long_context as long_output_tokens,
        t.cache_creation_tokens * long_context as long_cache_creation_tokens,
        t.cache_creation_1h_tokens * long_context as long_cache_creation_1h_tokens,
        t.cache_read_tokens * long_context as long_cache_read_tokens
    from t
)
select t.id, t.session_id, t.project_id, t.agent_id, t.model, date(t.at, 'localtime') as day, t.at,
    t.message_id, t.request_id,
    t.input_tokens, t.output_tokens, t.cache_creation_tokens, t.cache_read_tokens,
    t.cache_creation_1h_tokens, t.long_context,
    t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens as total_tokens,
    mp.match as price_match, mp.family, mp.price_date,
    case when mp.match is null then null else (
        (t.input_tokens - t.long_input_tokens) * mp.input_per_mtok
        + t.long_input_tokens * coalesce(mp.input_long_per_mtok, mp.input_per_mtok)
        + (t.output_tokens - t.long_output_tokens) * mp.output_per_mtok
        + t.long_output_tokens * coalesce(mp.output_long_per_mtok, mp.output_per_mtok)
        + (t.cache_creation_tokens - t.cache_creation_1h_tokens
           - t.long_cache_creation_tokens + t.long_cache_creation_1h_tokens) * mp.cache_write_5m_per_mtok
        + (t.long_cache_creation_tokens - t.long_cache_creation_1h_tokens)
          * coalesce(mp.cache_write_5m_long_per_mtok, mp.cache_write_5m_per_mtok)
        + (t.cache_creation_1h_tokens - t.long_cache_creation_1h_tokens)
          * coalesce(mp.cache_write_1h_per_mtok, mp.cache_write_5m_per_mtok)
        + t.long_cache_creation_1h_tokens
          * coalesce(mp.cache_write_1h_long_per_mtok, mp.cache_write_1h_per_mtok, mp.cache_write_5m_per_mtok)
        + (t.cache_read_tokens - t.long_cache_read_tokens) * mp.cache_read_per_mtok
        + t.long_cache_read_tokens * coalesce(mp.cache_read_long_per_mtok, mp.cache_read_per_mtok)
    ) / 1000000.0 end as cost_usd
from l t
left join mm on mm.model = t.model
left join model_prices mp on mp.match = mm.price_match
-- Claude Code's <synthetic> error notes are no API response (usage_entries adds them for ccusage's shapes).
where t.model is not '<synthetic>';
