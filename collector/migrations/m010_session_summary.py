"""``session_summary`` that only computes the sessions a query asks for.

m003's view aggregated every turn, wait, message, tool call, file operation,
commit and token row of every session before any filter applied: at a
million events one session's summary took 2.4 s, and so did the API's
session list. Here each figure is a correlated subquery on the session's own
rows (every table has an index on ``session_id``), so a filter on the
session (its id, its day, a page of the newest) is applied first. Same
columns, same values (tests/test_session_summary.py compares the two on the
demo and the shared stream); 1.16M events: one session 50 ms, the newest 50
195 ms, all of them 0.3 s.
"""

import re

from .. import localdays
from . import m003_views

#: m003's parts (CTE name -> table, condition, the aggregate behind each column it used).
#: ``having count(*) > 0`` keeps m003's NULL (then 0) for a session with no such rows.
PARTS = {
    "tu": ("turns", "", {
        "turns": "count(*)", "working": "round(total(working_seconds), 3)",
        "interrupted": "sum(end_kind = 'interrupted')"}),
    "w": ("waits", "", {
        "permission": "round(total(case when kind = 'permission' then duration_seconds end), 3)",
        "user_wait": "round(total(case when kind = 'user' then duration_seconds end), 3)",
        "thinking": "round(total(case when kind = 'user' then thinking_seconds end), 3)",
        "away": "round(total(case when kind = 'user' then away_seconds end), 3)",
        "user_waits": "sum(kind = 'user')"}),
    "m": ("messages", " and kind = 'prompt' and role = 'user' and agent_id is null", {"prompts": "count(*)"}),
    "tc": ("tool_calls", "", {
        "tool_calls": "count(*)", "ok": "sum(status = 'ok')", "failures": "sum(status = 'error')"}),
    "f": ("file_operations", "", {
        "touched": "count(distinct case when operation not in ('glob', 'grep') then path end)",
        "modified": "count(distinct case when operation in ('write', 'create', 'edit', 'notebook_edit')"
                    " then path end)",
        "added": "sum(lines_added)", "removed": "sum(lines_removed)"}),
    "c": ("commits", "", {"commits": "count(*)", "added": "sum(lines_added)", "removed": "sum(lines_removed)"}),
    # token_usage_priced's columns, priced through the model -> price match map computed once per query.
    "k": ("token_usage t left join mm on mm.model = t.model left join model_prices p on p.match = mm.price_match", "", {
        "input": "sum(t.input_tokens)", "output": "sum(t.output_tokens)",
        "cache_creation": "sum(t.cache_creation_tokens)", "cache_read": "sum(t.cache_read_tokens)",
        "total": "sum(t.input_tokens + t.output_tokens + t.cache_creation_tokens + t.cache_read_tokens)",
        "cost": "sum(case when p.match is null then null else (t.input_tokens * p.input_per_mtok"
                " + t.output_tokens * p.output_per_mtok + t.cache_creation_tokens * p.cache_write_5m_per_mtok"
                " + t.cache_read_tokens * p.cache_read_per_mtok) / 1000000.0 end)",
        "unpriced": "sum(mm.price_match is null)"}),
}

_PART_COLUMN = re.compile(r"\b(%s)\.(\w+)" % "|".join(PARTS))


def view_sql():
    """The view: m003's select list over the session's own rows, days local (m008)."""
    old = m003_views.VIEWS["session_summary"]
    select = old[old.index("select s.id"):old.index("from sessions s")]
    figures = []
    for part, column in sorted(set(_PART_COLUMN.findall(select))):
        table, condition, aggregates = PARTS[part]
        key = "t.session_id" if part == "k" else "session_id"
        figures.append("(select %s from %s where %s = s.id%s having count(*) > 0) as %s_%s"
                       % (aggregates[column], table, key, condition, part, column))
    return localdays.localize(
        "with mm as materialized (select model, price_match from model_price_match)\n"
        + _PART_COLUMN.sub(r"s.\1_\2", select)
        + "from (select s.*,\n    %s\nfrom sessions s) s\nleft join projects p on p.id = s.project_id"
        % ",\n    ".join(figures))


def migrate(conn):
    conn.execute("drop view session_summary")
    conn.execute("create view session_summary as %s" % view_sql())
