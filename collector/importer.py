"""Bulk import of existing Claude Code transcripts (``cctracker import``).

Every file goes through ``transcript_store.ingest_file`` in its own
transaction, so an interrupted import keeps what it finished and a re-run
reads only what changed since (each file resumes at its stored offset).
"""

import os
import time

from . import rollups, transcript_store, transcripts

#: Files are committed in groups of about this many bytes: one commit per
#: small file costs more than reading it, and an interrupted import loses at
#: most one group (offsets commit with the rows, so a re-run resumes exactly).
GROUP_BYTES = 32 * 1024 * 1024

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


def import_paths(conn, paths, config=None, progress=None):
    """Import every transcript under ``paths``; returns a summary dict.

    ``progress(path, size)`` is called after each file (for a progress bar).
    """
    started = time.perf_counter()
    files = find_files(paths)
    summary = {"files": len(files), "files_read": 0, "bytes": 0,
               **{key: 0 for key in SUMMED}, "skipped": {}}
    group = 0
    for path in files:
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        if group == 0:
            conn.execute("begin")
        try:
            stats = transcript_store.ingest_file(conn, path, config=config)
        except BaseException:
            conn.execute("rollback")
            raise
        group += max(stats["bytes"], 1)
        if group >= GROUP_BYTES:
            rollups.refresh(conn)
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
            progress(path, size)
    if group:
        rollups.refresh(conn)
        conn.execute("commit")
    seconds = time.perf_counter() - started
    summary["seconds"] = round(seconds, 3)
    summary["mb"] = round(summary["bytes"] / 1e6, 3)
    summary["mb_per_s"] = round(summary["bytes"] / 1e6 / seconds, 2) if seconds > 0 else None
    return summary
