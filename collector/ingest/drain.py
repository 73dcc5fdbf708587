"""The drain: spool files into SQLite exactly once.

1. The active spool file is closed as a segment under the spool lock.
2. Every closed segment and overflow file is read; lines are sorted by
   receive time (overflow files interleave with segments).
3. Events are applied in batches, each batch one transaction: the raw event
   is inserted with its client-made id (``insert or ignore``) and, only when
   it is new, applied to the session model in the same transaction. A crash
   anywhere rolls back the batch; the files are deleted only after every
   batch committed, so a re-run sees the same lines and skips what is done.
4. Sessions idle longer than the setting are closed as ``timeout``.
"""

import dataclasses
import datetime
import gc
import os
import time

import apsw
import orjson

from cctracker_client import spool, spool_read, unsaved

from ..privacy.redact import redact_text
from ..sessions import store
from ..sessions.model import Model
from ..storage import db, rollups
from ..times import utc
from . import drain_ahead
from .drain_ahead import Bad, read_events

#: Ends the reason line of an error file once its content was redacted.
REDACTED_MARK = "[redacted]"

#: Events per transaction: large enough to amortise the commit, small enough
#: that readers (API, Datasette) never wait long for the write lock.
BATCH_SIZE = 2000

#: Seconds between rollup refreshes while a backlog drains. Each refresh
#: recomputes whole days, and batch after batch touches the same days: the
#: dashboard stays at most this stale, and is exact once the drain ends.
ROLLUP_INTERVAL_SECONDS = 1.0

#: WAL pages (4 KiB) between checkpoints while a backlog drains (SQLite's
#: default is 1000): fewer copies of the pages every batch touches again.
BACKLOG_CHECKPOINT_PAGES = 10000


#: Failures of the machine, not of an event: they end the drain run (the
#: spool keeps every line) instead of marking events as failed.
ENVIRONMENT_ERRORS = (apsw.BusyError, apsw.LockedError, apsw.FullError, apsw.IOError, apsw.CantOpenError,
                      apsw.ReadOnlyError, apsw.CorruptError, apsw.NotADBError, OSError, MemoryError)


class _AlreadyStored(Exception):
    """Some raw events of a batch were in the database already (a re-run)."""


@dataclasses.dataclass
class DrainStats:
    files: int = 0
    lines: int = 0
    events: int = 0          # new events applied
    duplicates: int = 0      # already in the database (a re-run after a crash)
    skipped: int = 0         # excluded projects
    bad_lines: int = 0       # kept under errors/ with their reason
    failed: int = 0          # stored raw, but the model could not apply them
    transcripts: int = 0
    timed_out: int = 0

    def as_dict(self):
        return dataclasses.asdict(self)


class Drainer:
    """Drains the spool under ``config.home`` into an open connection."""

    def __init__(self, conn, config, privacy=None, live=False):
        from ..usage.pricing import sync
        from ..privacy.policy import Privacy

        self.conn = conn
        self.config = config
        self.privacy = privacy or Privacy(config)
        # A newer bundled price table reaches existing databases here.
        sync(conn, config.home)
        self._pending_transcripts = {}
        self._pending_commits = {}
        self._git_ops = {}
        self._refreshed = 0.0  # monotonic time of the last rollup refresh
        # ``serve``'s drainer runs again and again while events arrive: it judges idle
        # sessions by event time while they do (see close_idle_sessions).
        self.live = live
        self._arrived = None   # monotonic time events last arrived (live only)

    def drain_once(self):
        stats = DrainStats()
        if db.scalar(self.conn, "select 1 from fts_pending limit 1"):
            with db.write_transaction(self.conn):
                store.index_messages(self.conn)  # left queued by a writer that did not index them
        unsaved.reserve(spool.spool_dir(self.config.home))  # the hook's last resort on a full disk
        spool_read.rotate(self.config.home)
        files = spool_read.pending_files(self.config.home)
        # Started first: the worker reads the files while this process reads them too.
        ahead = drain_ahead.start(self.privacy, files, BATCH_SIZE)
        # A backlog holds every parsed line until its batch is applied: the
        # cyclic collector would walk those millions of objects again and
        # again (up to a tenth of the drain under a profiler). Plain reference counting frees all the
        # drain makes; collection resumes when it is done.
        collecting = gc.isenabled() and isinstance(ahead, drain_ahead.Ahead)
        if collecting:
            gc.disable()
        try:
            events = read_events(files, lambda raw, reason, path: self._bad(raw, reason, path, stats))
            stats.files += len(files)
            stats.lines += len(events) + stats.bad_lines
            # A backlog rewrites the same recent pages batch after batch: copied
            # back to the database once at the end, not after every few batches.
            checkpoint = self.conn.execute("pragma wal_autocheckpoint").fetchone()[0]
            if len(events) > BATCH_SIZE and 0 < checkpoint < BACKLOG_CHECKPOINT_PAGES:
                self.conn.execute("pragma wal_autocheckpoint=%d" % BACKLOG_CHECKPOINT_PAGES)
            try:
                for index, start in enumerate(range(0, len(events), BATCH_SIZE)):
                    batch = events[start:start + BATCH_SIZE]
                    prepared = ahead.batch(index, batch)
                    self._git_ops = ahead.git_ops  # git commands the worker already classified
                    self._apply_batch(batch, prepared, stats)
            finally:
                self.conn.execute("pragma wal_autocheckpoint=%d" % checkpoint)
        finally:
            ahead.close()
            if collecting:
                gc.enable()
        for path in files:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        if events and self.live:
            self._arrived = time.monotonic()
        stats.timed_out = self.close_idle_sessions()
        rollups.refresh(self.conn)  # commits read from git and sessions closed after the batches
        self.redact_kept_errors()
        return stats

    def redact_kept_errors(self):
        """Redact what the hook kept under ``errors/``.

        The hook cannot afford the redaction rules (they would cost every
        tool call milliseconds), so bad input is kept raw for a moment and
        the next drain rewrites it redacted, marked on its reason line.
        """
        directory = spool.errors_dir(self.config.home)
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return 0
        done = 0
        for name in names:
            if not name.endswith(spool.ERROR_SUFFIX):
                continue
            path = os.path.join(directory, name)
            try:
                reason, raw = spool.read_error(path)
            except OSError:
                continue
            if reason is not None and reason.endswith(REDACTED_MARK):
                continue
            spool.replace_error(path, self.privacy.kept_error(raw),
                                "%s %s" % (redact_text(reason or "unknown"), REDACTED_MARK))
            done += 1
        return done

    def _bad(self, raw, reason, path, stats):
        stats.bad_lines += 1
        self._keep_bad(raw, "%s (from %s)" % (reason, os.path.basename(path)))

    def _keep_bad(self, raw, reason):
        spool.keep_error(self.privacy.kept_error(raw), "%s %s" % (redact_text(reason), REDACTED_MARK),
                         self.config.home)

    def _apply_batch(self, batch, prepared, stats):
        """Apply a batch in one transaction.

        The fast path applies every event without a savepoint of its own.
        If any event fails, the batch is rolled back and applied again with
        a savepoint per event, so the bad one is stored raw, counted in
        ``drain_errors``, and the rest go in.
        """
        for (_, _, _, line), ready in zip(batch, prepared):
            if isinstance(ready, Bad):  # failed a check, redaction or serialising
                stats.bad_lines += 1
                self._keep_bad(line.raw, ready.reason)
        try:
            counts = self._apply_events(batch, prepared, isolate=False)
        except ENVIRONMENT_ERRORS:
            raise  # not the events' fault: the drain reports it and tries again later
        except Exception:  # noqa: BLE001 - some event is poison: find it below
            counts = self._apply_events(batch, prepared, isolate=True)
        for key, value in counts.items():
            setattr(stats, key, getattr(stats, key) + value)

    def _apply_events(self, batch, prepared, isolate):
        conn = self.conn
        counts = dict.fromkeys(("events", "duplicates", "skipped", "failed", "transcripts"), 0)
        model = Model(conn, self.config, on_commit=self._commit_seen, on_transcript=self._transcript_seen)
        model.git_ops = self._git_ops
        self._pending_transcripts = {}
        self._pending_commits = {}
        with db.write_transaction(conn):
            fresh = self._store_raw(batch, prepared, counts)
            for event_id, at, payload, project_dir in fresh:
                if not isolate:
                    model.apply(event_id, at, payload, project_dir)
                    counts["events"] += 1
                    continue
                try:
                    with conn:  # a savepoint: one bad event never spoils the batch
                        model.apply(event_id, at, payload, project_dir)
                    counts["events"] += 1
                except ENVIRONMENT_ERRORS:
                    raise
                except Exception as e:  # noqa: BLE001 - stored raw, counted in drain_errors
                    model.forget()  # what it kept in memory may describe rolled-back rows
                    counts["failed"] += 1
                    conn.execute(
                        "insert into drain_errors (at, source, reason, line) values (?, ?, ?, ?)",
                        (utc.now(), event_id, redact_text("%s: %s" % (type(e).__name__, e)), None),
                    )
            model.flush()
            counts["transcripts"] += self._run_transcripts()
            store.index_messages(conn)
            if time.monotonic() - self._refreshed >= ROLLUP_INTERVAL_SECONDS:
                rollups.refresh(conn)
                self._refreshed = time.monotonic()
        # git log can take seconds on a big repository: not while holding the write lock.
        self._run_git()
        return counts

    def _store_raw(self, batch, prepared, counts):
        """Insert the batch's raw events at once; returns the new ones to apply, in order.

        ``prepared`` holds each event's redacted payload and its JSON (None:
        an excluded project). Ids already stored exist only when a crashed
        drain is re-run: the batch is first inserted as if all were new, and
        only if fewer rows went in is it undone and split by a lookup.
        """
        conn = self.conn
        kept, seen = [], set()
        for (at, _, _, line), ready in zip(batch, prepared):
            if ready is None:
                counts["skipped"] += 1
            elif isinstance(ready, Bad):
                continue  # kept under errors/ by _apply_batch
            elif line.id in seen:
                counts["duplicates"] += 1  # the same line twice in the spool counts once
            else:
                seen.add(line.id)
                kept.append((line, at, ready))
        try:
            with conn:  # a savepoint, undone when some ids were stored before
                before = conn.total_changes()
                self._insert_raw(kept)
                if conn.total_changes() - before != len(kept):
                    raise _AlreadyStored
        except _AlreadyStored:
            known = set()
            for start in range(0, len(kept), 500):
                ids = [line.id for line, _, _ in kept[start:start + 500]]
                known.update(r[0] for r in conn.execute(
                    "select event_uid from raw_events where event_uid in (%s)" % ",".join("?" * len(ids)), ids))
            counts["duplicates"] += len(known)
            kept = [k for k in kept if k[0].id not in known]
            self._insert_raw(kept)
        return [(line.id, at, payload, line.project_dir) for line, at, (payload, _) in kept]

    def _insert_raw(self, kept):
        rows = []
        for line, at, (payload, text) in kept:
            name = payload.get("hook_event_name")
            uuid = payload.get("session_id")
            rows.append((line.id, at, uuid if isinstance(uuid, str) else None,
                         name if isinstance(name, str) else None, text,
                         orjson.dumps(line.cut).decode() if line.cut else None))
        self.conn.executemany(
            "insert or ignore into raw_events (event_uid, received_at, session_uuid,"
            " hook_event_name, payload, cut) values (?, ?, ?, ?, ?, ?)", rows)

    # --- work deferred to the end of a batch ---------------------------------

    def _transcript_seen(self, session_id, path, agent_id):
        self._pending_transcripts[(path, agent_id)] = session_id

    def _commit_seen(self, project_id, session_id):
        if project_id is not None:
            self._pending_commits.setdefault(project_id, set()).add(session_id)

    def _run_transcripts(self):
        """Read the transcripts that Stop, SubagentStop and SessionEnd pointed at.

        A transcript is enrichment (model, thinking, tokens): one that cannot
        be read is counted in ``drain_errors`` and never blocks the events.
        """
        if not self._pending_transcripts:
            return 0
        done = 0
        for (path, agent_id), session_id in self._pending_transcripts.items():
            uuid, status = self.conn.execute("select session_uuid, status from sessions where id = ?",
                                             (session_id,)).fetchone()
            try:
                from ..transcripts import store as transcript_store

                with self.conn:
                    # An ended session's file is finished: its unterminated last line is read.
                    result = transcript_store.ingest_file(self.conn, path, session_uuid=uuid, agent_id=agent_id,
                                                          config=self.config, final=status == "ended" or None)
            except Exception as e:  # noqa: BLE001 - counted and kept below
                self.conn.execute(
                    "insert into drain_errors (at, source, reason, line) values (?, ?, ?, null)",
                    (utc.now(), path, redact_text("transcript: %s: %s" % (type(e).__name__, e))))
                continue
            done += 1 if result and not result.get("missing") else 0
        return done

    def _run_git(self):
        if not self._pending_commits:
            return
        from .. import gitops

        for project_id, session_ids in self._pending_commits.items():
            project = self.conn.execute("select path, is_git from projects where id = ?", (project_id,)).fetchone()
            if not project or not project[1]:
                continue
            marks = ",".join("?" * len(session_ids))
            since = self.conn.execute(
                "select min(started_at) from sessions where id in (%s)" % marks, tuple(session_ids)).fetchone()[0]
            gitops.sync_commits(self.conn, project_id=project_id, repo_path=project[0], since=since,
                                privacy=self.privacy)

    # --- sessions that stopped without SessionEnd ----------------------------

    def idle_clock(self):
        """The time idleness is judged against.

        The wall clock, except while events keep arriving into a live drainer: then the
        newest event time stored. A replay (``CCTRACKER_EVENT_TIME``) into a running
        ``serve`` carries old times; against the wall clock each of its sessions would be
        closed as idle between two drains and reopened by its next event. Against event
        time a session closes only when the replay itself went quiet for the idle
        period, and once events stop arriving for that long the wall clock takes over:
        the rows end up those of one ``cctracker drain`` of the same events. Live
        events carry the current time, so nothing changes for them.
        """
        wall = datetime.datetime.now(datetime.timezone.utc)
        idle = self.config.session_idle_minutes * 60
        if not self.live or self._arrived is None or time.monotonic() - self._arrived >= idle:
            return wall
        newest = utc.parse(self.conn.execute(
            "select max(last_event_at) from sessions where status = 'active'").fetchone()[0])
        return min(newest, wall) if newest else wall

    def close_idle_sessions(self, now=None):
        now = now or self.idle_clock()
        cutoff = utc.format(now - datetime.timedelta(minutes=self.config.session_idle_minutes))
        conn = self.conn
        idle = conn.execute(
            "select id, last_event_at from sessions where status = 'active' and last_event_at < ?",
            (cutoff,)).fetchall()
        if not idle:
            return 0
        model = Model(conn, self.config)
        with db.write_transaction(conn):
            for session_id, last in idle:
                model._interrupt_open_turn(session_id, last)
                model._end_user_wait(session_id, last, None)
                model._close_permission_waits(session_id, last)
                conn.execute(
                    "update sessions set status = 'ended', ended_at = ?, end_reason = 'timeout' where id = ?",
                    (last, session_id))
        return len(idle)


def drain_once(conn, config):
    """Drain everything waiting in the spool once; returns the stats as a dict."""
    return Drainer(conn, config).drain_once().as_dict()
