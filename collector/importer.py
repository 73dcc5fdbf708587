"""Bulk import of existing Claude Code transcripts (``cctracker import``).

Every file goes through ``transcript_store``: read and prepared (parsed,
redacted, row values worked out) by :func:`transcript_store.read_file`, then
stored by :func:`transcript_store.store_read`. On a large import a worker
process does the reading while this one writes the previous files, so the
two halves overlap. Files commit in groups, each with its offsets, so an
interrupted import keeps what it finished and a re-run reads only what
changed since (each file resumes at its stored offset).
"""

import collections
import os
import pickle
import queue
import subprocess
import sys
import threading
import time

from . import rollups, transcript_store, transcripts
from .privacy import Privacy

#: Files are committed in groups of about this many bytes: one commit per
#: small file costs more than reading it, and an interrupted import loses at
#: most one group (offsets commit with the rows, so a re-run resumes exactly).
GROUP_BYTES = 64 * 1024 * 1024

#: Below this many bytes to read, starting a worker process costs more than it saves.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024

#: Files read ahead of the writer, at most: bounds the memory the parsed
#: batches waiting to be written can take.
AHEAD_BYTES = 48 * 1024 * 1024
AHEAD_FILES = 64

#: Page cache while importing (KiB): a large import inserts into a dozen
#: indexes at random places (ids, hashes, times); once they outgrow the
#: usual 64 MB every insert reads and evicts pages, and the import slows
#: down as the database grows.
CACHE_KIB = 512 * 1024

SUMMED = ("sessions", "messages", "tool_calls", "usage_rows", "agents", "turns", "lines")


def default_roots(environ=None):
    """Where Claude Code keeps transcripts: ``$CLAUDE_CONFIG_DIR/projects`` (a
    comma-separated list is allowed, as ccusage does), else ``~/.claude/projects``
    and ``~/.config/claude/projects``."""
    environ = os.environ if environ is None else environ
    configured = environ.get("CLAUDE_CONFIG_DIR", "").strip()
    if configured:
        bases = [p.strip() for p in configured.split(",") if p.strip()]
    else:
        home = os.path.expanduser("~")
        bases = [os.path.join(home, ".claude"), os.path.join(home, ".config", "claude")]
    return [os.path.join(os.path.expanduser(b), "projects") for b in bases]


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
                if name.endswith(".jsonl"):
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
        yield transcript_store.read_file(path, offset, privacy=privacy)


def _reads_ahead(pending, privacy):
    """The same reads as :func:`_reads_here`, in order, made by a worker process."""
    # A plain subprocess speaking pickle over its pipes: no fork of a process
    # that may hold threads (the API server) and an open database, and no
    # re-import of the caller's main module as multiprocessing's spawn does.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    worker = subprocess.Popen([sys.executable, "-c", "from collector import importer; importer.serve_reads()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    # A thread takes the results off the pipe as they come: a pipe holds
    # 64 KB, so otherwise the worker would wait for us after every file.
    results = queue.Queue()
    receiver = threading.Thread(target=_receive, args=(worker.stdout, results), daemon=True)
    receiver.start()
    items = list(pending)
    sent = 0                        # items[:sent] are given out, to the worker or read here
    queued = collections.deque()    # indexes given to the worker, in order
    here = {}                       # index -> Read made here while the worker was behind
    ahead = 0
    try:
        pickle.dump(privacy, worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        for i in range(len(items)):
            # Few small tasks in flight: the worker's input pipe never fills.
            while sent < len(items) and (sent <= i or (ahead < AHEAD_BYTES and len(queued) < AHEAD_FILES)):
                pickle.dump(items[sent][:2], worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                queued.append(sent)
                ahead += items[sent][2]
                sent += 1
            worker.stdin.flush()
            if i in here:
                yield here.pop(i)
                continue
            while results.empty() and sent < len(items):
                # The worker is behind (it is starting, or on a large file): read the
                # next file here instead of waiting; it is stored in its turn.
                path, offset, _ = items[sent]
                here[sent] = transcript_store.read_file(path, offset, privacy=privacy)
                sent += 1
            queued.popleft()
            ahead -= items[i][2]
            yield _result(results, worker)
        worker.stdin.close()
    finally:
        if not worker.stdin.closed:
            worker.stdin.close()
        if queued:
            worker.kill()  # stopped early (an error, an interrupt): its work is not wanted
        worker.wait()
        receiver.join()
        worker.stdout.close()


def _receive(pipe, results):
    """Unpickle results from the worker until it closes its end."""
    while True:
        try:
            results.put(pickle.load(pipe))
        except EOFError:
            results.put(None)
            return
        except Exception as e:  # noqa: BLE001 - a torn result (killed worker): the importer raises it
            results.put(RuntimeError("import worker: %s: %s" % (type(e).__name__, e)))
            return


def _result(results, worker):
    read = results.get()
    if read is None:
        raise RuntimeError("import worker exited (status %s)" % worker.wait())
    if isinstance(read, Exception):
        raise read
    return read


def serve_reads():
    """The worker process: a Privacy, then (path, offset) tasks on stdin; a
    :class:`transcript_store.Read` (or the error) for each on stdout, in order."""
    tasks = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not corrupt the results
    privacy = pickle.load(tasks)
    while True:
        try:
            path, offset = pickle.load(tasks)
        except EOFError:
            return
        try:
            read = transcript_store.read_file(path, offset, privacy=privacy)
        except Exception as e:  # noqa: BLE001 - raised again in the importer
            read = RuntimeError("reading %s: %s: %s" % (path, type(e).__name__, e))
        pickle.dump(read, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def import_paths(conn, paths, config=None, progress=None, workers=None):
    """Import every transcript under ``paths``; returns a summary dict.

    ``progress(path, size)`` is called after each file (for a progress bar).
    ``workers``: 1 reads ahead in a worker process, 0 reads here; by default
    a worker is used when there is a second CPU and enough to read.
    """
    started = time.perf_counter()
    files = find_files(paths)
    pending = _pending(conn, files)
    if workers is None:
        workers = int((os.cpu_count() or 1) > 1 and sum(p[2] for p in pending) >= PARALLEL_MIN_BYTES)
    privacy = Privacy(config)
    reads = (_reads_ahead if workers else _reads_here)(pending, privacy)
    summary = {"files": len(files), "files_read": 0, "bytes": 0,
               **{key: 0 for key in SUMMED}, "skipped": {}}
    group = 0
    pending = transcript_store.Pending()
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
                conn.execute("commit")
                group = 0
            if stats["bytes"]:
                summary["files_read"] += 1
            summary["bytes"] += stats["bytes"]
            for key in SUMMED:
                summary[key] += stats.get(key, 0)
            for reason, n in stats["skipped"].items():
                summary["skipped"][reason] = summary["skipped"].get(reason, 0) + n
            if progress:
                progress(read.path, read.size or 0)
        if group:
            summary["messages"] += pending.flush(conn)
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
    rollups.refresh(conn)
    seconds = time.perf_counter() - started
    summary["seconds"] = round(seconds, 3)
    summary["mb"] = round(summary["bytes"] / 1e6, 3)
    summary["mb_per_s"] = round(summary["bytes"] / 1e6 / seconds, 2) if seconds > 0 else None
    return summary
