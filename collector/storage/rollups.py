"""Recompute the dashboard rollups for the keys the triggers marked dirty.

The triggers on the base tables only note which (day, session) and (day,
project) changed in ``rollup_dirty``. ``refresh`` turns those into (day,
project) keys, resolving each session's project now (so a session that
moved takes its totals along), deletes those rollup rows and aggregates
them again from the base tables, reading each dirty day through the
tables' time indexes. The drain calls it once per batch, the import once
per commit group, the API after each write, forget after its deletes: the
work is the size of the days touched, not of every row written.

What each rollup holds is defined once, in :mod:`collector.schema.rollup_defs`.
Days are local and times are stored as UTC text, so a local day's rows are the text range [its start in UTC, the
next day's); the local ``date()`` is checked as well so a row counts on the
same day as in the views. ``local_zone`` holds the zone the rollups were
computed in; a new zone (travel, a changed ``TZ``) recomputes them all.
"""

import functools

import apsw

from ..schema.rollup_defs import AGENT, PROJECT, rebuild_statements, ROLLUPS, SOURCES, ZONE_SQL
from ..times import local
from . import db

TEMP_TABLES = (
    "create temp table if not exists rollup_keys (day text not null, project_id integer not null,"
    " primary key (day, project_id)) without rowid",
    "create temp table if not exists rollup_day_bounds (day text primary key, lo text not null, hi text not null)",
)

#: (day, project) keys of project rows, then of session rows under their project now.
RESOLVE = (
    "insert or ignore into temp.rollup_keys select day, pid from rollup_dirty where sid = 0 and day <> '*'",
    "insert or ignore into temp.rollup_keys select d.day, coalesce(s.project_id, 0) from rollup_dirty d"
    " left join sessions s on s.id = d.sid where d.sid > 0 and d.day <> '*'",
)


def _moved_sql():
    """Keys of sessions that left a project: their former and present project on
    every day they have rows (or had rows, for rows deleted in the same batch)."""
    days = ["select d.sid, d.day from rollup_dirty d join moved m on m.sid = d.sid where d.day <> '*'"]
    for source, (column, key) in SOURCES.items():
        if key == "session_id":
            days.append("select m.sid, date(r.%s, 'localtime') from moved m join %s r on r.session_id = m.sid"
                        % (column, source))
    return ("insert or ignore into temp.rollup_keys (day, project_id)"
            " with moved(sid, pid) as (select sid, pid from rollup_dirty where day = '*'),"
            " days(sid, day) as (%s)"
            " select days.day, moved.pid from days join moved on moved.sid = days.sid where days.day is not null"
            " union select days.day, coalesce(s.project_id, 0) from days left join sessions s on s.id = days.sid"
            " where days.day is not null" % " union ".join(days))


def _partial(source, keys, values, columns, cond):
    """One source's rows on the dirty days, as rollup columns (0 where it adds nothing)."""
    column = SOURCES[source][0]
    join = ""
    project = keys["project_id"].format(r="r")
    if keys["project_id"] == PROJECT:
        join, project = " left join sessions s on s.id = r.session_id", "coalesce(s.project_id, 0)"
    exprs = {"day": "k.day", "project_id": project}
    if join and keys.get("agent") == AGENT:
        exprs["agent"] = "coalesce(s.agent, 'claude-code')"  # the session is joined already
    exprs.update((k, e.format(r="r")) for k, e in keys.items() if k not in exprs)
    selects = ["%s as %s" % (exprs[k], k) for k in keys]
    selects += ["coalesce(%s, 0) as %s" % (values[c].format(r="r"), c) if c in values else "0 as %s" % c
                for c in columns]
    # "+r.": the filters must not pull in an index of their own (say messages by kind over
    # all time) instead of the day's time range.
    return ("select {sel} from temp.rollup_day_bounds k cross join {src} r{join}"
            " where r.{col} >= k.lo and r.{col} < k.hi and date(r.{col}, 'localtime') = k.day and ({cond})"
            " and (k.day, {project}) in (select day, project_id from temp.rollup_keys)").format(
        sel=", ".join(selects), src=source, join=join, col=column, cond=cond.format(r="+r"), project=project)


@functools.cache
def statements():
    """{rollup table: (key columns, insert statement)} built from the rollup definitions."""
    tables = {}
    for _, source, _, table, keys, values, cond in ROLLUPS:
        tables.setdefault(table, []).append((source, keys, values, cond))
    out = {}
    for table, entries in tables.items():
        keys = list(entries[0][1])
        columns = [c for _, _, values, _ in entries for c in values]
        columns = list(dict.fromkeys(columns))
        parts = " union all ".join(_partial(s, k, v, columns, c) for s, k, v, c in entries)
        out[table] = (keys, "insert into {t} ({cols}) select {keys}, {sums} from ({parts}) group by {keys}".format(
            t=table, cols=", ".join(keys + columns), keys=", ".join(keys), parts=parts,
            sums=", ".join("sum(%s)" % c for c in columns)))
    return out


def pending(conn):
    """Number of dirty marks waiting for ``refresh``."""
    return db.scalar(conn, "select count(*) from rollup_dirty")


def refresh(conn):
    """Recompute the rollup rows of every dirty key; returns the (day, project) keys redone.

    Runs in the caller's transaction when there is one (as a savepoint),
    else in its own; nothing to do costs two small reads (the zone, one dirty mark).
    """
    if not _same_zone(conn):
        return rebuild(conn)
    if conn.execute("select 1 from rollup_dirty limit 1").fetchone() is None:
        return 0
    with db.write_transaction(conn):
        for sql in TEMP_TABLES:
            conn.execute(sql)
        conn.execute("delete from temp.rollup_keys")
        conn.execute("delete from temp.rollup_day_bounds")
        for sql in RESOLVE:
            conn.execute(sql)
        if conn.execute("select 1 from rollup_dirty where day = '*' limit 1").fetchone():
            conn.execute(_moved_sql())
        keys = conn.execute("select day, project_id from temp.rollup_keys").fetchall()
        conn.execute("insert into temp.rollup_day_bounds select distinct day, %s, %s from temp.rollup_keys"
                     % (local.SQL_DAY_START.format(day="day"), local.SQL_DAY_END.format(day="day")))
        for table, (_, insert) in statements().items():
            conn.executemany("delete from %s where day = ? and project_id = ?" % table, keys)
            conn.execute(insert)
        conn.execute("delete from rollup_dirty")
    return len(keys)


def rebuild(conn):
    """Recompute every rollup row from the base tables, in the machine's zone as it is now.

    A new zone moves every day boundary: nothing short of all of it is right.
    Returns the number of (day, project) keys of ``rollup_daily`` afterwards.
    """
    with db.write_transaction(conn):
        for sql in rebuild_statements():
            conn.execute(sql)
    return db.scalar(conn, "select count(*) from rollup_daily")


def current(conn):
    """Whether the rollups hold every change, computed in the machine's zone as it is now."""
    return conn.execute("select 1 from rollup_dirty limit 1").fetchone() is None and _same_zone(conn)


def _same_zone(conn):
    return db.scalar(conn, ZONE_SQL) == db.scalar(conn, "select signature from local_zone")


def ensure_current(conn):
    """Bring the rollups up to date when this connection may write; True when they are current.

    A read-only connection, or one inside its caller's transaction, leaves
    the writing to the writers (the drain refreshes after its batches); so
    does one that finds the write lock held past the busy timeout (a long
    import): a reader never fails for want of the rollups.
    """
    if current(conn):
        return True
    if conn.readonly("main") or conn.in_transaction:
        return False
    try:
        refresh(conn)
    except apsw.BusyError:
        return False
    return True
