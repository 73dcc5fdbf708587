"""``daily_totals``: the columns of ``daily_activity`` (m003), read from the rollups (m004).

``daily_activity`` aggregates every base row on each read: exact, and
seconds at a million events. The rollups hold the same sums per local day
and project; this view puts them back into ``daily_activity``'s shape (files
from ``rollup_files``, tokens and cost from ``rollup_tokens``), so the
analytics read rows by the thousand instead of the million.
``tests/test_rollups.py`` holds the two views equal, column by column.
"""

from .m003_views import _TOTALS

# The CTEs carry m003's names (tc, f, c, k and their columns) so that the
# columns they share with daily_activity come from m003's own list.
VIEW = """
with
fc as (
    select day, project_id, count(*) as touched, sum(edits + writes > 0) as modified
    from rollup_files group by day, project_id
),
mm as materialized (select model, price_match from rollup_model_price_match),
k as (
    select t.day, t.project_id, sum(t.input_tokens) as input, sum(t.output_tokens) as output,
        sum(t.cache_creation_tokens) as cache_creation, sum(t.cache_read_tokens) as cache_read,
        sum(t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens) as total,
        sum(case when mp.match is null then null else (
            t.input_tokens * mp.input_per_mtok + t.output_tokens * mp.output_per_mtok
            + t.cache_creation_tokens * mp.cache_write_5m_per_mtok
            + t.cache_read_tokens * mp.cache_read_per_mtok) / 1000000.0 end) as cost,
        sum(case when mp.match is null then t.requests else 0 end) as unpriced
    from rollup_tokens t
    left join mm on mm.model = t.model
    left join model_prices mp on mp.match = mm.price_match
    group by t.day, t.project_id
),
keys as (
    select day, project_id from rollup_daily union select day, project_id from fc
    union select day, project_id from k
),
tc as (select day, project_id, tool_successes as ok, tool_failures as failures from rollup_daily),
f as (
    select keys.day, keys.project_id, fc.touched, fc.modified, d.lines_added as added, d.lines_removed as removed
    from keys left join fc using (day, project_id) left join rollup_daily d using (day, project_id)
),
c as (
    select day, project_id, commits, commit_lines_added as added, commit_lines_removed as removed
    from rollup_daily
)
select keys.day, nullif(keys.project_id, 0) as project_id, p.name as project_name,
    coalesce(d.sessions, 0) as sessions,
    round(coalesce(d.wall_seconds, 0), 3) as wall_seconds,
    round(coalesce(d.claude_working_seconds, 0) + coalesce(d.permission_wait_seconds, 0)
        + coalesce(d.thinking_seconds, 0), 3) as active_seconds,
    round(coalesce(d.claude_working_seconds, 0), 3) as claude_working_seconds,
    round(coalesce(d.permission_wait_seconds, 0), 3) as permission_wait_seconds,
    round(coalesce(d.user_wait_seconds, 0), 3) as user_wait_seconds,
    round(coalesce(d.thinking_seconds, 0), 3) as thinking_seconds,
    round(coalesce(d.away_seconds, 0), 3) as away_seconds,
    coalesce(d.turns, 0) as turns,
    coalesce(d.prompts, 0) as prompts,
    coalesce(d.tool_calls, 0) as tool_calls,
""" + _TOTALS + """
from keys
left join projects p on p.id = keys.project_id
left join rollup_daily d on d.day = keys.day and d.project_id = keys.project_id
left join tc on tc.day = keys.day and tc.project_id = keys.project_id
left join f on f.day = keys.day and f.project_id = keys.project_id
left join c on c.day = keys.day and c.project_id = keys.project_id
left join k on k.day = keys.day and k.project_id = keys.project_id
"""


def migrate(conn):
    conn.execute("create view daily_totals as %s" % VIEW)
