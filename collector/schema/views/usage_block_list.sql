create view usage_block_list as
-- 5-hour blocks (ccusage's rules, kept by collector.usage.limits after each drain) for the Limits page:
-- the burn rate runs over the minutes between the block's first and last API response; a block
-- is active while now is before its end and within 5 hours of its last response.
select b.start_time, b.end_time, b.first_entry_time, b.actual_end_time, b.is_gap, b.entries,
    b.input_tokens, b.output_tokens, b.cache_creation_tokens, b.cache_read_tokens, b.total_tokens,
    b.cost_usd, b.unpriced_entries, b.models,
    (julianday(b.actual_end_time) - julianday(b.first_entry_time)) * 1440 as active_minutes,
    b.is_gap = 0 and b.end_time > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        and b.actual_end_time > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 hours') as is_active,
    max(0, (julianday(b.end_time) - julianday('now')) * 1440) as minutes_left
from usage_blocks b;
