"""Forgetting: remove sessions everywhere and reclaim the space they took.

Tables are found by their columns, not listed by hand, so tables added by
later migrations (search documents, vectors, import state) are covered:
every table with a ``session_id`` or ``session_uuid`` column loses the
rows of the forgotten sessions, a table that only points at such rows by
foreign key loses its rows too, and a project's own rows (commits, search
documents) go with ``--project``. FTS indexes follow through their
triggers and are then optimized; ``secure_delete``, ``VACUUM`` and a WAL
checkpoint (TRUNCATE) make sure no byte of the text stays in the files.
Spool lines of those sessions not yet drained are removed under the spool
lock before the rows, so a running drain cannot bring them back.
"""

import dataclasses
import datetime
import time

from cctracker_client import spool, spool_read

from ..errors import InvalidInput, NotFound
from ..analytics.filters import parse_date, resolve_projects
from ..storage import db, rollups
from ..times import local
from ..transcripts import archive

#: Rows without a session that still carry a time: removed by ``--before``
#: and retention when older than the cutoff (and not tied to a kept session).
ORPHAN_TIMES = {"commits": "committed_at", "token_usage": "at", "drain_errors": "at",
                "raw_events": "received_at", "rate_limit_observations": "observed_at",
                "statusline_latest": "at"}

@dataclasses.dataclass
class Selection:
    """What a forget covers: session ids and UUIDs, projects, an age cutoff."""

    session_ids: list
    session_uuids: list
    project_ids: list = dataclasses.field(default_factory=list)
    before: str | None = None  # ISO cutoff for rows without a session

    @property
    def empty(self):
        return not (self.session_ids or self.project_ids or self.before)


def select(conn, *, session=None, project=None, before=None):
    """Resolve exactly one of ``session`` (UUID, prefix or #id), ``project`` (name or id), ``before``."""
    given = [v is not None for v in (session, project, before)]
    if sum(given) != 1:
        raise InvalidInput("session", "give exactly one of --session, --project or --before")
    if session is not None:
        # The one session reference: UUID, unique prefix or #id (collector.sessions.ref).
        from ..sessions import ref as sessionref

        sid, uuid = sessionref.lookup(conn, str(session).strip())
        return Selection([sid], [uuid])
    if project is not None:
        ids = resolve_projects(conn, project)
        marks = ", ".join("?" * len(ids))
        rows = conn.execute(
            "select id, session_uuid from sessions where project_id in (%s) order by id" % marks, ids
        ).fetchall()
        return Selection([r[0] for r in rows], [r[1] for r in rows], project_ids=ids)
    if isinstance(before, str):
        before = parse_date(before, "before")
    cutoff = local.day_start(before) if isinstance(before, datetime.date) else str(before)
    return _before(conn, cutoff)


def _before(conn, cutoff):
    rows = conn.execute(
        "select id, session_uuid from sessions"
        " where coalesce(ended_at, last_event_at, started_at) < ? order by id",
        (cutoff,),
    ).fetchall()
    return Selection([r[0] for r in rows], [r[1] for r in rows], before=cutoff)


# --- discovering where the rows are ----------------------------------------------


def _tables(conn):
    """Ordinary tables (no views, virtual tables or their shadow tables) and their columns."""
    virtual = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and sql like 'create virtual table%'")]
    found = {}
    for (name,) in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        " and sql not like 'create virtual table%' order by name"
    ).fetchall():
        if any(name.startswith(v + "_") for v in virtual):
            continue  # FTS shadow tables: maintained by their virtual table
        if name == "forgotten_sessions":
            continue  # the record of what was forgotten is kept
        found[name] = [r[1] for r in conn.execute("select * from pragma_table_info(?)", (name,))]
    return found


def _q(name):
    return '"%s"' % name.replace('"', '""')


def _targets(conn, selection):
    """(table, where) for every row the selection covers, children first."""
    tables = _tables(conn)
    ids, uuids = selection.session_ids, selection.session_uuids
    in_ids = "(select id from temp.forget_sessions)"
    in_uuids = "(select uuid from temp.forget_sessions)"
    in_projects = "(select id from temp.forget_projects)"
    out = []
    # Tables that point at session rows (or project rows) only through a foreign key.
    for table, cols in tables.items():
        if "session_id" in cols or "session_uuid" in cols or table in ("sessions", "projects"):
            continue
        for fk in conn.execute("select * from pragma_foreign_key_list(?)", (table,)).fetchall():
            parent, col = fk[2], fk[3]
            parent_cols = tables.get(parent, [])
            key = fk[4] or "rowid"
            clauses = []
            if "session_id" in parent_cols and ids:
                clauses.append("session_id in %s" % in_ids)
            if "project_id" in parent_cols and selection.project_ids:
                clauses.append("project_id in %s" % in_projects)
            if clauses:
                out.append((table, "%s in (select %s from %s where %s)" % (
                    _q(col), _q(key), _q(parent), " or ".join(clauses))))
    # Tables that only know the project (dashboard rollups) go after the rows
    # whose delete triggers still adjust them.
    project_only = [t for t, cols in tables.items() if "project_id" in cols
                    and "session_id" not in cols and "session_uuid" not in cols and t != "projects"]
    for table, cols in tables.items():
        if table in ("sessions", "projects") or table in project_only:
            continue
        clauses = []
        if "session_id" in cols and ids:
            clauses.append("session_id in %s" % in_ids)
        if "session_uuid" in cols and uuids:
            clauses.append("session_uuid in %s" % in_uuids)
        if "project_id" in cols and selection.project_ids:
            clauses.append("project_id in %s" % in_projects)
        if "line" in cols and uuids:  # kept raw input (drain_errors) that names a session
            clauses.append("exists (select 1 from temp.forget_sessions f where instr(%s.line, f.uuid) > 0)"
                           % _q(table))
        if selection.before and table in ORPHAN_TIMES and ORPHAN_TIMES[table] in cols:
            orphan = "%s < (select at from temp.forget_cutoff)" % ORPHAN_TIMES[table]
            if "session_id" in cols:
                orphan = "session_id is null and " + orphan
            elif "session_uuid" in cols:  # raw events of no known session
                orphan += " and (session_uuid is null or session_uuid not in" \
                          " (select session_uuid from sessions))"
            clauses.append(orphan)
        if clauses:
            out.append((table, " or ".join(clauses)))
    if "sessions" in tables and ids:
        out.append(("sessions", "id in %s" % in_ids))
    if selection.project_ids:
        out.extend((t, "project_id in %s" % in_projects) for t in project_only)
    if "projects" in tables and selection.project_ids:
        out.append(("projects", "id in %s" % in_projects))
    return out


def _fill(conn, selection):
    conn.execute("create temp table if not exists forget_sessions (id integer primary key, uuid text)")
    conn.execute("create temp table if not exists forget_projects (id integer primary key)")
    conn.execute("create temp table if not exists forget_cutoff (at text)")
    for name in ("forget_sessions", "forget_projects", "forget_cutoff"):
        conn.execute("delete from temp.%s" % name)
    if selection.before:
        conn.execute("insert into temp.forget_cutoff values (?)", (selection.before,))
    conn.executemany("insert into temp.forget_sessions values (?, ?)",
                     zip(selection.session_ids, selection.session_uuids))
    conn.executemany("insert into temp.forget_projects values (?)", [(p,) for p in selection.project_ids])


# --- counting and deleting ------------------------------------------------------------


def preview(conn, selection, home=None):
    """Rows per table (and spool lines) that ``forget`` would remove; nothing changes."""
    counts = {}
    with conn:
        _fill(conn, selection)
        for table, where in _targets(conn, selection):
            n = db.scalar(conn, "select count(*) from %s where %s" % (_q(table), where))
            counts[table] = counts.get(table, 0) + n
    counts["spool_leftovers"] = scrub_spool(selection.session_uuids, home, dry_run=True)
    return {k: v for k, v in counts.items() if v}


def forget(conn, selection, home=None, reclaim_space=True):
    """Remove everything the selection covers; returns rows removed per table.

    Spool lines go first (under the spool lock), then the rows in one
    transaction with foreign keys checked at its end, then the space is
    reclaimed so the text is gone from the database and WAL files.
    """
    removed = {"spool_leftovers": scrub_spool(selection.session_uuids, home)}
    secure = db.scalar(conn, "pragma secure_delete")
    conn.execute("pragma secure_delete=on")  # freed pages are zeroed, not just unlinked
    try:
        _delete(conn, selection, removed)
    finally:
        conn.execute("pragma secure_delete=%d" % secure)
    removed["archived_files"] = archive.forget_sessions(conn, selection.session_uuids)
    if any(removed.values()):
        from ..search import snapshot, vectors

        snapshot.drop(vectors.database_file(conn))  # it holds the forgotten documents' vectors
    removed = {k: v for k, v in removed.items() if v}
    if reclaim_space and removed and reclaim(conn)["wal_checkpoint_busy"]:
        # Another process was reading: old pages may stay in the WAL until its next checkpoint.
        removed["wal_not_truncated"] = 1
    return removed


def _delete(conn, selection, removed):
    with conn:
        conn.execute("pragma defer_foreign_keys=on")
        _fill(conn, selection)
        for table, where in _targets(conn, selection):
            conn.execute("delete from %s where %s" % (_q(table), where))
            removed[table] = removed.get(table, 0) + conn.changes()
        removed.update(_orphan_search_docs(conn))
        rollups.refresh(conn)
        removed.update(_empty_rollups(conn))
        # Remembered so that importing an old transcript does not bring them back.
        conn.executemany(
            "insert or replace into forgotten_sessions (session_uuid, forgotten_at) values (?, ?)",
            [(uuid, spool.format_time(time.time_ns())) for uuid in selection.session_uuids])


def _orphan_search_docs(conn):
    """Search documents whose source row is gone (the indexer would find out later)."""
    if not conn.execute("select 1 from sqlite_master where name = 'search_docs'").fetchone():
        return {}
    refs = [r[0] for r in conn.execute("select distinct ref_table from search_docs")]
    tables = _tables(conn)
    n = 0
    for ref in refs:
        if ref in tables:
            conn.execute(
                "delete from search_docs where ref_table = ? and ref_id not in (select rowid from %s)"
                % _q(ref), (ref,))
            n += conn.changes()
    return {"search_docs_orphaned": n} if n else {}


def _empty_rollups(conn):
    """Rollup rows whose counters all fell to zero: they still name paths and days."""
    n = 0
    for table, cols in _tables(conn).items():
        if not table.startswith("rollup_"):
            continue
        info = conn.execute("select name, type, pk from pragma_table_info(?)", (table,)).fetchall()
        counters = [name for name, kind, pk in info
                    if not pk and kind.lower() in ("integer", "real") and name != "project_id"]
        if counters:
            conn.execute("delete from %s where %s" % (
                _q(table), " and ".join("coalesce(%s, 0) = 0" % _q(c) for c in counters)))
            n += conn.changes()
    return {"rollup_rows_emptied": n} if n else {}


def reclaim(conn):
    """Optimize every FTS5 index, VACUUM, and truncate the WAL: the bytes are gone."""
    fts = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and sql like 'create virtual table%fts5%'")]
    with conn:
        for name in fts:
            conn.execute("insert into %s(%s) values ('optimize')" % (_q(name), _q(name)))
    conn.execute("vacuum")
    busy, log, checkpointed = conn.execute("pragma wal_checkpoint(TRUNCATE)").fetchone()
    return {"fts_optimized": len(fts), "wal_checkpoint_busy": bool(busy)}


def apply_retention(conn, config):
    """Forget sessions whose last activity is older than ``config.retention_days``.

    Called periodically by ``cctracker serve``; 0 days keeps everything.
    Cheap when there is nothing to remove (no VACUUM then). Returns the
    rows removed per table, ``{}`` when nothing was due.
    """
    days = getattr(config, "retention_days", 0) or 0
    if days <= 0:
        return {}
    now = datetime.datetime.now(datetime.timezone.utc)
    cutoff = spool.format_time(int((now - datetime.timedelta(days=days)).timestamp() * 1e9))
    selection = _before(conn, cutoff)
    if not selection.session_ids and not _has_orphans(conn, cutoff):
        return {}
    return forget(conn, selection, home=config.home)


def _has_orphans(conn, cutoff):
    tables = _tables(conn)
    for table, col in ORPHAN_TIMES.items():
        if col in tables.get(table, []):
            extra = " and session_id is null" if "session_id" in tables[table] else ""
            if conn.execute("select 1 from %s where %s < ?%s limit 1" % (_q(table), col, extra),
                            (cutoff,)).fetchone():
                return True
    return False



# --- spool leftovers ---------------------------------------------------------------------


def scrub_spool(session_uuids, home=None, dry_run=False):
    """Remove the not yet drained spool lines (and kept error files) of these sessions;
    returns how many. The spool's owner does it, under its lock (:func:`spool_read.remove_sessions`)."""
    return spool_read.remove_sessions(session_uuids, home, dry_run)
