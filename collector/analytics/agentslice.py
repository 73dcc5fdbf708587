"""One agent's slice of a view that has no ``session_id`` column.

Views with a ``session_id`` are filtered by ``session_id in (select id from
sessions where agent = ?)`` (:meth:`Filters.where`). The per-day and per-tool
views group their base rows by day and project, and the rollups behind
``daily_totals`` have no agent at all; for one agent the view's own SQL is
read from the schema and restricted where it meets ``sessions``, so the one
definition of each figure is used. ``tests/test_agents_report.py`` holds the
slices of all agents to the view's rows.
"""

import re

from ..storage import db

#: Agent names: lower case words joined by hyphens (``claude-code``, ``codex``).
AGENT = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

#: Views read through :func:`source`, and the exact view behind a rollup one.
EXACT = {"daily_totals": "daily_activity"}

_JOIN = re.compile(r"join sessions s on s\.id = (\w+)\.session_id")
_OWN = re.compile(r"from sessions group by")
_BY_SESSION = re.compile(r"from (token_usage_priced)( \w+)? group by")
#: A commit found in the git history has no session: it counts as Claude Code's, as in the rollups.
_COMMITS = re.compile(r"from commits group by")


def restrict(sql, agent):
    """``sql`` (a view's body) with every base row limited to ``agent``'s sessions."""
    if not AGENT.match(agent):
        raise ValueError("bad agent name %r" % agent)
    literal = "'%s'" % agent  # safe: matched AGENT above
    out, joins = _JOIN.subn(lambda m: m.group(0) + " and s.agent = " + literal, sql)
    out, own = _OWN.subn("from sessions where agent = %s group by" % literal, out)
    out, other = _BY_SESSION.subn(
        lambda m: "from %s%s where session_id in (select id from sessions where agent = %s) group by"
        % (m.group(1), m.group(2) or "", literal), out)
    out, commits = _COMMITS.subn(
        "from commits where coalesce((select agent from sessions s where s.id = commits.session_id),"
        " 'claude-code') = %s group by" % literal, out)
    if not joins + own + other + commits:
        raise RuntimeError("cannot restrict this view to one agent: it never meets sessions")
    return out


def view_body(conn, view):
    sql = db.scalar(conn, "select sql from sqlite_master where type = 'view' and name = ?", (view,))
    if sql is None:
        raise RuntimeError("no view %s" % view)
    return sql[re.search(r"\bas\b", sql, re.I).end():]


def source(conn, view, agent):
    """What to select from: ``view`` itself, or, for one agent, its restricted SQL."""
    if agent is None:
        return view
    return "(%s)" % restrict(view_body(conn, EXACT.get(view, view)), agent)
