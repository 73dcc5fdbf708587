"""Bulk import of existing Claude Code transcripts (``cctracker import``).

Every file goes through ``transcripts.store``: read and prepared (parsed,
redacted, row values worked out) by :func:`transcripts.store.read_file`, then
stored by :func:`transcripts.store.store_read`. On a large import a worker
process does the reading while this one writes the previous files, so the
two halves overlap. Files commit in groups, each with its offsets, so an
interrupted import keeps what it finished and a re-run reads only what
changed since (each file resumes at its stored offset).
"""

import collections
import os
import time

from .. import agents
from ..privacy.policy import Privacy
from ..sessions import store
from ..storage import rollups
from ..transcripts import git, store as transcript_store, reader as transcripts
from ..usage import pricing
from .worker import Worker

#: Files are committed in groups of about this many bytes: one commit per
#: small file costs more than reading it, and an interrupted import loses at
#: most one group (offsets commit with the rows, so a re-run resumes exactly).
GROUP_BYTES = 64 * 1024 * 1024

#: Below this many bytes to read, starting a worker process costs more than it saves.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024

#: Files read ahead of the writer, at most: bounds the tmp space the parsed
#: batches waiting to be written take, and how late the split of the archive's
#: work between the two processes (see ``_reads_ahead``) follows their pace.
AHEAD_BYTES = 8 * 1024 * 1024
AHEAD_FILES = 512

#: The importer reads a file itself when the worker's next result is this
#: late: at the start, or behind a large file. Not at once: a result being
#: written is not late, and the importer is the busier process.
STEAL_AFTER_SECONDS = 0.01

#: Page cache while importing (KiB): a large import inserts into a dozen
#: indexes at random places (ids, hashes, times); once they outgrow the
#: usual 64 MB every insert reads and evicts pages, and the import slows
#: down as the database grows.
CACHE_KIB = 512 * 1024

SUMMED = ("sessions", "messages", "tool_calls", "usage_rows", "agents", "turns", "lines", "commits")


def default_roots(environ=None):
    """Where Claude Code keeps transcripts: ``$CLAUDE_CONFIG_DIR/projects`` (a
    comma-separated list is allowed, as ccusage does), else ``~/.claude/projects``
    and ``~/.config/claude/projects``; then the other agents' session folders."""
    environ = os.environ if environ is None else environ
    configured = environ.get("CLAUDE_CONFIG_DIR", "").strip()
    if configured:
        bases = [p.strip() for p in configured.split(",") if p.strip()]
    else:
        home = os.path.expanduser("~")
        bases = [os.path.join(home, ".claude"), os.path.join(home, ".config", "claude")]
    claude = [os.path.join(os.path.expanduser(b), "projects") for b in bases]
    # Codex rollouts and Gemini CLI chats too (collector/agents).
    return claude + agents.default_roots(environ)


def find_files(paths):
    """Every ``*.jsonl`` under the given files and directories, session files first.

    Subagent files come after the session files so that a subagent finds its
    parent session (and the call that launched it) already stored.
    """
    found = set()
    for path in paths:
        if os.path.isfile(path):
            found.add(os.path.abspath(path))
            continue
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            for name in files:
                if name.endswith(".jsonl") or agents.wanted(folder, name):
                    found.add(os.path.abspath(os.path.join(folder, name)))

    def order(path):
        return (transcripts.path_hints(path)[1] is not None, path)

    return sorted(found, key=order)


def _pending(conn, files):
    """(path, stored offset, bytes to read) of every file; one query for all offsets."""
    offsets = dict(conn.execute("select path, offset from transcript_files"))
    out = []
    for path in files:
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        offset = offsets.get(path, 0)
        out.append((path, offset, size - offset if size >= offset else size))
    return out


def _reads_here(pending, privacy):
    for path, offset, _ in pending:
        yield transcript_store.read_file(path, offset, privacy=privacy, final=True)


def _reads_ahead(pending, privacy):
    """The same reads as :func:`_reads_here`, in order, made by a worker process (:mod:`.worker`)."""
    items = list(pending)
    worker = Worker("collector.ingest.importer:reader", privacy)
    sent = 0                        # items[:sent] are given out, to the worker or read here
    queued = collections.deque()    # indexes given to the worker, in order
    here = {}                       # index -> Read made here while the worker was behind
    ahead = 0
    # Who packs the transcript archive's chunks (redact each line, compress: about
    # as much work as the parse): the worker while it keeps ahead of the importer,
    # the importer (when it stores the read) while it has to wait for the worker.
    # Without this the importer waited half the import for a worker doing both.
    pack_there = True
    try:
        for i in range(len(items)):
            # Small tasks, at most AHEAD_FILES in flight: the worker's input pipe never fills.
            while sent < len(items) and (sent <= i or (ahead < AHEAD_BYTES and len(queued) < AHEAD_FILES)):
                worker.submit(items[sent][:2] + (pack_there,))
                queued.append(sent)
                ahead += items[sent][2]
                sent += 1
            if i in here:
                yield here.pop(i)
                continue
            pack_there = worker.ready(0)
            while sent < len(items) and not worker.ready(STEAL_AFTER_SECONDS):
                # The worker is behind (it is starting, or on a large file): read the
                # next file here instead of waiting; it is stored in its turn.
                path, offset, _ = items[sent]
                here[sent] = transcript_store.read_file(path, offset, privacy=privacy, final=True)
                sent += 1
            read = worker.take()
            queued.popleft()
            ahead -= items[i][2]
            yield read
    finally:
        worker.close(kill=bool(queued))  # stopped early (an error, an interrupt): its work is not wanted


def reader(privacy):
    """The worker's side: task ``(path, offset, pack the archive's chunk)`` -> the
    file's :class:`transcripts.prepare.Read`."""
    def read(task):
        path, offset, pack_archive = task
        try:
            return transcript_store.read_file(path, offset, privacy=privacy, final=True,
                                              pack_archive=pack_archive)
        except Exception as e:  # noqa: BLE001 - raised again in the importer, naming the file
            raise RuntimeError("reading %s: %s: %s" % (path, type(e).__name__, e)) from None
    return read


def import_paths(conn, paths, config=None, progress=None, workers=None):
    """Import every transcript under ``paths``; returns a summary dict.

    ``progress(path, size)`` is called after each file (for a progress bar).
    ``workers``: 1 reads ahead in a worker process, 0 reads here; by default
    a worker is used when there is a second CPU and enough to read.
    """
    started = time.perf_counter()
    # The prices in effect (a newer bundled table, the user's prices.json) price the import.
    pricing.sync(conn, getattr(config, "home", None))
    files = find_files(paths)
    pending = _pending(conn, files)
    if workers is None:
        workers = int((os.cpu_count() or 1) > 1 and sum(p[2] for p in pending) >= PARALLEL_MIN_BYTES)
    privacy = Privacy(config)
    reads = (_reads_ahead if workers else _reads_here)(pending, privacy)
    summary = {"files": len(files), "files_read": 0, "bytes": 0,
               **{key: 0 for key in SUMMED}, "skipped": {}}
    group = 0
    windows = {}  # project -> the time range its imported sessions cover
    pending = transcript_store.Pending()
    agents_before = conn.execute("select count(*) from agents").fetchone()[0]
    cache = conn.execute("pragma cache_size").fetchone()[0]
    conn.execute("pragma cache_size=-%d" % CACHE_KIB)
    try:
        for read in reads:
            if group == 0:
                conn.execute("begin")
            stats = transcript_store.store_read(conn, read, config=config, privacy=privacy,
                                                pending=pending)
            group += max(stats["bytes"], 1)
            if group >= GROUP_BYTES or len(pending) >= pending.LIMIT:
                summary["messages"] += pending.flush(conn)
            if group >= GROUP_BYTES:
                store.index_messages(conn)
                conn.execute("commit")
                group = 0
            if stats["bytes"]:
                summary["files_read"] += 1
            summary["bytes"] += stats["bytes"]
            for key in SUMMED:
                summary[key] += stats.get(key, 0)
            for reason, n in stats["skipped"].items():
                summary["skipped"][reason] = summary["skipped"].get(reason, 0) + n
            for project_id, (since, until) in stats.get("git_windows", {}).items():
                known = windows.get(project_id, (since, until))
                windows[project_id] = (min(known[0], since), max(known[1], until))
            if progress:
                progress(read.path, read.size or 0)
        if group:
            summary["messages"] += pending.flush(conn)
            store.index_messages(conn)
            conn.execute("commit")
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    finally:
        reads.close()
        conn.execute("pragma cache_size=%d" % cache)
    # Once, at the end: the dirty marks committed with each group, so an
    # interrupted import is caught up by the next drain's refresh.
    # Each local repository's own history for the imported sessions' range,
    # the way the drain reads it for live sessions (after the writes: git log
    # can take seconds).
    git.link_history(conn, windows)
    # A subagent is written once from its parent's progress lines and again from
    # its own file: the summary counts the agents the import added to the table.
    summary["agents"] = conn.execute("select count(*) from agents").fetchone()[0] - agents_before
    rollups.refresh(conn)
    seconds = time.perf_counter() - started
    summary["seconds"] = round(seconds, 3)
    summary["mb"] = round(summary["bytes"] / 1e6, 3)
    summary["mb_per_s"] = round(summary["bytes"] / 1e6 / seconds, 2) if seconds > 0 else None
    return summary
