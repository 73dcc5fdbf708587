"""Tokens and cost per model, day, project and session.

Counts come from ``token_usage`` (one row per API response, deduplicated by
``(message_id, request_id)`` keeping the largest output count when
transcripts are read); prices from ``model_prices`` through the
``token_usage_priced`` view. An unknown model's cost is None, never 0.
"""

from ..storage import db

TOKEN_COLUMNS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens",
                 "total_tokens")

#: ``by`` value -> the columns of ``token_usage_priced`` that form a group.
GROUPS = {
    "model": ("model", "price_match", "family"),
    "day": ("day",),
    "project": ("project_id",),
    "session": ("session_id",),
}


def _sums():
    return ", ".join("sum(%s) as %s" % (c, c) for c in TOKEN_COLUMNS)


def _finish(row):
    # sum() over only-NULL costs stays NULL: a group with no known price is unknown.
    # No tokens at all cost exactly $0, whatever the model's price.
    unpriced = row.pop("unpriced") and (row.get("total_tokens") or 0) > 0
    if row["cost_usd"] is None and not unpriced:
        row["cost_usd"] = 0.0
    row["cost_usd"] = None if row["cost_usd"] is None else round(row["cost_usd"], 6)
    row["cost_known"] = not unpriced
    return row


def by(conn, filters, group):
    """Token and cost rows for one grouping (model, day, project or session)."""
    columns = GROUPS[group]
    where, params = filters.where(at="at")
    cols = ", ".join(columns)
    rows = db.rows(
        conn,
        "select %s, count(*) as requests, %s, sum(cost_usd) as cost_usd,"
        " sum(price_match is null) as unpriced from token_usage_priced where %s"
        " group by %s order by %s" % (cols, _sums(), where, cols, cols),
        params,
    )
    return [_finish(r) for r in rows]


def totals(conn, filters):
    where, params = filters.where(at="at")
    row = db.one(
        conn,
        "select count(*) as requests, %s, sum(cost_usd) as cost_usd,"
        " sum(price_match is null) as unpriced from token_usage_priced where %s" % (_sums(), where),
        params,
    )
    row = {k: (v or 0) if k in TOKEN_COLUMNS else v for k, v in row.items()}
    row["unpriced"] = row["unpriced"] or 0
    return _finish(row)


def by_agent(conn, filters):
    """Tokens and cost per coding agent, in the terms the agents report them too.

    Rows are stored in Claude's terms (input = uncached input). Codex and
    Gemini count cached input inside input, so ``agent_input_tokens`` (input +
    cache read) is the figure their own totals show; ``reasoning_tokens`` is
    the part of the output spent reasoning (Codex ``reasoning_output_tokens``,
    Gemini ``thoughts``; Claude transcripts do not split it out).
    """
    where, params = filters.where(at="at")
    rows = db.rows(
        conn,
        "select coalesce((select agent from sessions s where s.id = t.session_id), 'claude-code') as agent,"
        " count(*) as requests, %s,"
        " sum((select reasoning_tokens from token_usage u where u.id = t.id)) as reasoning_tokens,"
        " sum(cost_usd) as cost_usd, sum(price_match is null) as unpriced"
        " from token_usage_priced t where %s group by 1 order by agent != 'claude-code', agent"
        % (_sums(), where),
        params,
    )
    for row in rows:
        row["agent_input_tokens"] = row["input_tokens"] + row["cache_read_tokens"]
    return [_finish(r) for r in rows]


def price_date(conn):
    return db.scalar(conn, "select max(price_date) from model_prices")


def report(conn, filters):
    """Everything the tokens endpoint returns."""
    models = by(conn, filters, "model")
    return {
        "filters": filters.as_dict(),
        "price_date": price_date(conn),
        "totals": totals(conn, filters),
        "unknown_models": [m["model"] for m in models if not m["cost_known"]],
        "by_model": models,
        "by_agent": by_agent(conn, filters),
        "by_day": by(conn, filters, "day"),
        "by_project": by(conn, filters, "project"),
        "by_session": by(conn, filters, "session"),
    }
