CREATE VIEW model_price_match as 
select u.model, (
    select p.match from model_prices p
    where instr(lower(u.model), p.match) > 0 and (
        substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) = '' or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) = '-latest'
        or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) glob '-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'
        or substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)) glob '-v[0-9]*'
        or substr(substr(lower(u.model), instr(lower(u.model), p.match) + length(p.match)), 1, 1) in ('@', ':', '[')
    )
    order by length(p.match) desc limit 1
) as price_match
from (select distinct model from token_usage where model is not null and model != '<synthetic>') u;
