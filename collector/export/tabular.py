"""Export sessions, messages, tool calls and commits as JSON, NDJSON or CSV.

Rows are streamed from the cursor to the output one at a time, so an export
of years of history never sits in memory. Sessions and commits come from
the analytics views (``session_summary``, ``commit_activity``) when the
database has them, so an export shows the same numbers as the dashboard.
"""

import csv
import os
import tempfile

import apsw.ext
import orjson

from ..analytics.filters import parse_date, resolve_projects
from ..errors import InvalidInput
from ..times import local

FORMATS = ("json", "ndjson", "csv")
WHATS = ("sessions", "messages", "tools", "commits")

#: Exported files hold prompts and code: readable by their owner only.
FILE_MODE = 0o600


_MESSAGES = """
select m.id as message_id, m.session_id, s.session_uuid, s.project_id, m.turn_id, m.agent_id,
    m.role, m.kind, m.created_at, m.model, m.source, m.content, s.agent
from messages m join sessions s on s.id = m.session_id
"""
_TOOLS = """
select t.id as tool_call_id, t.session_id, s.session_uuid, s.project_id, t.turn_id, t.agent_id,
    t.tool_use_id, t.tool_name, t.mcp_server, t.mcp_tool, t.started_at, t.ended_at, t.duration_ms,
    t.status, t.error, t.summary, t.input, t.source, s.agent
from tool_calls t join sessions s on s.id = t.session_id
"""

#: what -> candidate sources, first whose view exists wins:
#: (view needed or None, select, time column, order by).
SOURCES = {
    "sessions": [
        ("session_summary", "select ss.*, s.agent from session_summary ss join sessions s on s.id = ss.session_id",
         "started_at", "started_at, session_id"),
        (None, "select id as session_id, * from sessions", "started_at", "started_at, session_id"),
    ],
    "messages": [(None, _MESSAGES, "created_at", "created_at, message_id")],
    "tools": [(None, _TOOLS, "started_at", "started_at, tool_call_id")],
    "commits": [
        ("commit_activity",
         "select a.*, c.author_email, c.message from commit_activity a join commits c on c.id = a.commit_id",
         "committed_at", "committed_at, commit_id"),
        (None, "select id as commit_id, *, coalesce((select agent from sessions s where s.id = commits.session_id),"
         " 'claude-code') as agent from commits", "committed_at", "committed_at, commit_id"),
    ],
}

#: The ``type`` of each record when several kinds share one NDJSON stream.
RECORD_TYPES = {"sessions": "session", "messages": "message", "tools": "tool", "commits": "commit"}


def _has(conn, name):
    return conn.execute(
        "select 1 from sqlite_master where name = ? and type in ('view', 'table')", (name,)
    ).fetchone() is not None


def query(conn, what, *, project_ids=None, since=None, until=None, agent=None):
    """The SQL and bindings that select ``what`` within the filters."""
    for needs, select, time_col, order in SOURCES[what]:
        if needs is None or _has(conn, needs):
            break
    where, params = [], []
    if project_ids is not None:
        where.append("project_id in (%s)" % ", ".join("?" * len(project_ids)))
        params.extend(project_ids)
    if agent is not None:  # every kind carries its session's agent (a commit without one: none)
        where.append("agent = ?")
        params.append(agent)
    if since is not None:  # local calendar days, as stored (UTC) bounds
        where.append("%s >= ?" % time_col)
        params.append(local.day_start(since))
    if until is not None and local.day_end(until):  # the whole day of --until is included
        where.append("%s < ?" % time_col)
        params.append(local.day_end(until))
    sql = "select * from (%s)" % select
    if where:
        sql += " where " + " and ".join(where)
    return sql + " order by " + order, params


def check(fmt, what, since=None, until=None):
    """Validate options; returns the list of things to export."""
    if fmt not in FORMATS:
        raise InvalidInput("format", "choose one of %s" % ", ".join(FORMATS))
    if what not in WHATS + ("all",):
        raise InvalidInput("what", "choose one of %s or all" % ", ".join(WHATS))
    if fmt == "csv" and what == "all":
        raise InvalidInput("what", "csv holds one table: choose sessions, messages, tools or commits")
    if since and until and since > until:
        raise InvalidInput("since", "%s is after --until %s" % (since, until))
    return list(WHATS) if what == "all" else [what]


def export(conn, out, *, fmt="json", what="all", project=None, since=None, until=None, agent=None):
    """Write the export to the text stream ``out``; returns rows written per kind.

    ``since``/``until`` are dates (or ``YYYY-MM-DD`` strings), both days
    included, compared with each kind's own time (session start, message
    time, tool start, commit time).
    """
    if isinstance(since, str):
        since = parse_date(since, "since")
    if isinstance(until, str):
        until = parse_date(until, "until")
    whats = check(fmt, what, since, until)
    if agent is not None:
        from ..analytics.filters import parse_agent

        agent = parse_agent(agent)
    counts = {}
    with conn:  # one read transaction: every part of the export sees the same snapshot
        project_ids = resolve_projects(conn, project)
        if fmt == "json" and len(whats) > 1:
            out.write("{")
        for n, name in enumerate(whats):
            sql, params = query(conn, name, project_ids=project_ids, since=since, until=until, agent=agent)
            columns = [d[0] for d in apsw.ext.query_info(conn, sql, params, actions=False).description]
            rows = conn.execute(sql, params)
            if fmt == "csv":
                counts[name] = _csv(out, columns, rows)
            elif fmt == "ndjson":
                tag = RECORD_TYPES[name] if len(whats) > 1 else None
                counts[name] = _ndjson(out, columns, rows, tag)
            else:
                if len(whats) > 1:
                    out.write("%s%s: " % ("," if n else "", orjson.dumps(name).decode()))
                counts[name] = _json_array(out, columns, rows)
        if fmt == "json":
            out.write("}\n" if len(whats) > 1 else "\n")
    return counts


def _dumps(columns, row, tag=None):
    record = {"type": tag} if tag else {}
    record.update(zip(columns, row))
    return orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_array(out, columns, rows):
    count = 0
    out.write("[")
    for row in rows:
        out.write(("," if count else "") + "\n" + _dumps(columns, row))
        count += 1
    out.write("\n]" if count else "]")
    return count


def _ndjson(out, columns, rows, tag):
    count = 0
    for row in rows:
        out.write(_dumps(columns, row, tag) + "\n")
        count += 1
    return count


#: A cell starting with one of these is a formula to a spreadsheet
#: (``=HYPERLINK(...)`` in a prompt would run when the CSV is opened).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell: None empty, text that a spreadsheet would run prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(out, columns, rows):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def export_file(conn, path, **options):
    """Export to ``path`` atomically (temp file, then rename) with mode 0600."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    except OSError as e:
        raise InvalidInput("output", "cannot write %s: %s" % (path, e.strerror or e)) from None
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            counts = export(conn, f, **options)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return counts
