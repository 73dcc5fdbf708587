"""The one place apsw connections are made and set up."""

import contextlib
import os

import apsw
import apsw.bestpractice  # noqa: F401  (documents where the settings come from)

from cctracker_client import spool

#: Readers (Datasette, the API) may hold the database briefly; writers retry
#: for this long before giving up with BusyError.
BUSY_TIMEOUT_MS = 5000

DB_NAME = "cctracker.db"

#: The drain runs a few dozen distinct statements per batch; apsw's default
#: cache (16) would re-prepare them on every event.
STATEMENT_CACHE = 256


def default_path(base=None):
    return os.path.join(base or spool.home(), DB_NAME)


def _wal(conn):
    conn.execute("pragma journal_mode=wal")


def _synchronous(conn):
    # WAL + NORMAL is durable against process crashes; only an OS crash can
    # lose the last commits, which the spool would replay anyway.
    conn.execute("pragma synchronous=normal")


def _foreign_keys(conn):
    conn.execute("pragma foreign_keys=on")


def _cache(conn):
    # 64 MB of page cache: the drain touches the same recent pages of many
    # indexes in every batch; SQLite's default 2 MB keeps evicting them.
    conn.execute("pragma cache_size=-65536")


def _temp_store(conn):
    # A write with triggers keeps a statement journal of every page it
    # changes; past 64 KB SQLite spills it to a temporary file, created and
    # removed per statement (over a third of a tool call's insert). In memory it
    # is cheap, and no message text lands in a temp file outside the data dir.
    conn.execute("pragma temp_store=memory")


def _stable_plans(conn):
    # Without the query planner stability guarantee this SQLite (3.54) marks
    # the parameters of a statement with ORDER BY or max() as plan-relevant
    # and re-prepares it at every new binding: some 15% of the drain went to
    # re-parsing cached statements. One plan per statement is what a
    # statement cache is for.
    conn.config(apsw.SQLITE_DBCONFIG_ENABLE_QPSG, 1)


def _busy(conn):
    conn.set_busy_timeout(BUSY_TIMEOUT_MS)


def _no_dqs(conn):
    conn.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
    conn.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)


# Pragmas go one per execute (several in one string are not all applied).
SETUP = (_busy, _wal, _synchronous, _foreign_keys, _no_dqs, _cache, _temp_store, _stable_plans)


def connect(path=None, readonly=False, migrate=True):
    """Open the tracker database, set it up and bring its schema up to date."""
    path = path or default_path()
    if not readonly:
        spool.ensure_dir(os.path.dirname(os.path.abspath(path)))
    flags = apsw.SQLITE_OPEN_READONLY if readonly else (
        apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    )
    conn = apsw.Connection(path, flags=flags, statementcachesize=STATEMENT_CACHE)
    for step in SETUP:
        if readonly and step is _wal:
            continue
        step(conn)
    if not readonly:
        _private(path)
        if migrate:
            from ..schema import migrate as run_migrations

            run_migrations(conn)
    return conn


def _private(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.chmod(path + suffix, spool.FILE_MODE)
        except FileNotFoundError:
            pass


def rows(conn, sql, params=()):
    """Run a query and return a list of dicts (column name -> value)."""
    cursor = conn.execute(sql, params)
    try:
        names = [d[0] for d in cursor.getdescription()]
    except apsw.ExecutionCompleteError:
        return []
    return [dict(zip(names, row)) for row in cursor]


def one(conn, sql, params=()):
    found = rows(conn, sql, params)
    return found[0] if found else None


def scalar(conn, sql, params=()):
    for row in conn.execute(sql, params):
        return row[0]
    return None


@contextlib.contextmanager
def write_transaction(conn):
    """A transaction that takes the write lock at once (``BEGIN IMMEDIATE``).

    A deferred transaction that reads and then writes fails at once with
    BUSY when another process wrote in between (the busy timeout cannot
    help); taking the lock first makes it wait its turn instead. Inside an
    open transaction this is a plain savepoint.
    """
    if conn.in_transaction:
        with conn:
            yield conn
        return
    conn.execute("begin immediate")
    try:
        yield conn
    except BaseException:
        conn.execute("rollback")
        raise
    conn.execute("commit")
