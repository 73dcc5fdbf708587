CREATE VIEW rollup_tokens_priced as
-- The daily token rollup with its cost: the same rule as token_usage_priced, from the
-- long-context requests' shares the rollup keeps.
with mm as materialized (select model, price_match from rollup_model_price_match)
select t.*, mm.price_match, mp.family, mp.price_date,
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
from rollup_tokens t
left join mm on mm.model = t.model
left join model_prices mp on mp.match = mm.price_match;
