"""``daily_totals``: the columns of ``daily_activity`` (m003), read from the rollups (m004).

``daily_activity`` aggregates every base row on each read: exact, and
seconds at a million events. The rollups hold the same sums per local day
and project; this view puts them back into ``daily_activity``'s shape (files
from ``rollup_files``, tokens and cost from ``rollup_tokens``), so the
analytics read rows by the thousand instead of the million.
``tests/test_rollups.py`` holds the two views equal, column by column.
"""

from . import m003_views

# The rollups under m003's CTE names and columns (project 0 back to NULL), so that
# daily_activity's own select list and joins are used as they are.
PARTS = """
with
d as (select *, nullif(project_id, 0) as pid from rollup_daily),
s as (select day, pid as project_id, sessions, wall_seconds as wall from d),
tu as (select day, pid as project_id, turns, claude_working_seconds as working from d),
w as (
    select day, pid as project_id, permission_wait_seconds as permission, user_wait_seconds as user_wait,
        thinking_seconds as thinking, away_seconds as away
    from d
),
m as (select day, pid as project_id, prompts from d),
tc as (select day, pid as project_id, tool_calls as calls, tool_successes as ok, tool_failures as failures from d),
fc as (
    select day, nullif(project_id, 0) as project_id, count(*) as touched, sum(edits + writes > 0) as modified
    from rollup_files group by day, project_id
),
f as (  -- every file operation also counts its lines in rollup_daily: d has each key of fc
    select d.day, d.pid as project_id, fc.touched, fc.modified, d.lines_added as added, d.lines_removed as removed
    from d left join fc on fc.day = d.day and fc.project_id is d.pid
),
c as (select day, pid as project_id, commits, commit_lines_added as added, commit_lines_removed as removed from d),
mm as materialized (select model, price_match from rollup_model_price_match),
k as (
    select t.day, nullif(t.project_id, 0) as project_id, sum(t.input_tokens) as input,
        sum(t.output_tokens) as output, sum(t.cache_creation_tokens) as cache_creation,
        sum(t.cache_read_tokens) as cache_read,
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
keys as (select day, project_id from s union select day, project_id from k)
"""


def _select():
    """daily_activity's select list and joins, from m003's own text."""
    view = m003_views.VIEWS["daily_activity"]
    return view[view.index("select keys.day"):]


VIEW = PARTS + _select()


def migrate(conn):
    conn.execute("create view daily_totals as %s" % VIEW)
