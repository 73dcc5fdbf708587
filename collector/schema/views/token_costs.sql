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
