"""Import throughput: ``cctracker import`` vs ``ccusage session --json --offline``.

Generates a transcript corpus (default 1 GB, ``--mb N`` to shrink) from the
real shared transcripts in a tmp dir, imports it into a fresh database and
runs ccusage 17.2.1 over the same files in the same run; prints MB/s and the
ratio, then deletes the corpus. With ``--runs N`` both run N times,
alternating, each import into a new database, and the best time of each
counts (the machine is shared: the best run is the least disturbed one).
The import has no vector pass: embeddings are computed later by the search
indexer from ``search_queue``, so the figure below is the whole import.

    python benchmarks/import.py [--mb 1000] [--runs 1] [--workers 0|1]
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_corpus  # noqa: E402

from collector import config as config_mod
from collector.storage import db
from collector.ingest import importer  # noqa: E402

CCUSAGE = ROOT / ".cache" / "ccusage" / "node_modules" / ".bin" / "ccusage"


def run_import(projects, db_path, workers=None, archive=True):
    conn = db.connect(db_path)
    settings = config_mod.Config(home=os.path.dirname(db_path), archive_transcripts=archive)
    started = time.perf_counter()
    summary = importer.import_paths(conn, [projects], config=settings, workers=workers)
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, summary


def run_ccusage(config_dir):
    if not CCUSAGE.exists():
        return None
    started = time.perf_counter()
    done = subprocess.run([str(CCUSAGE), "session", "--json", "--offline"],
                          env={**os.environ, "CLAUDE_CONFIG_DIR": config_dir},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print("ccusage failed: %s" % done.stderr.strip()[:300])
        return None
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1000.0, help="corpus size in MB")
    parser.add_argument("--runs", type=int, default=1, help="runs of each; the best time counts")
    parser.add_argument("--workers", type=int, choices=(0, 1), default=None,
                        help="1: read in a worker process, 0: in-process (default: as the import decides)")
    parser.add_argument("--archive-cost", action="store_true",
                        help="also import with the transcript archive off and print what it costs")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="cctracker-import-bench-")
    try:
        files, size = make_corpus.make(work, args.mb)
        projects = os.path.join(work, "projects")
        mb = size / 1e6
        print("corpus: %d files, %.1f MB" % (files, mb))
        ours, theirs, without = [], [], []
        for run in range(max(args.runs, 1)):
            path = os.path.join(work, "bench%d.db" % run)
            seconds, summary = run_import(projects, path, args.workers)
            ours.append(seconds)
            archive = os.path.join(work, "archive.db")
            archived_mb = sum(os.path.getsize(archive + x) for x in ("", "-wal") if os.path.exists(archive + x)) / 1e6
            for name in ("bench%d.db" % run, "archive.db"):
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(os.path.join(work, name) + suffix):
                        os.remove(os.path.join(work, name) + suffix)
            if args.archive_cost:
                seconds, _ = run_import(projects, path, args.workers, archive=False)
                without.append(seconds)
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(path + suffix):
                        os.remove(path + suffix)
            seconds = run_ccusage(work)
            if seconds:
                theirs.append(seconds)
        ours, theirs = min(ours), min(theirs) if theirs else None
        rows = [("cctracker import", ours, mb / ours)]
        if theirs:
            rows.append(("ccusage session --json --offline", theirs, mb / theirs))
        print("%-34s %10s %10s" % ("best of %d" % max(args.runs, 1), "seconds", "MB/s"))
        for name, seconds, rate in rows:
            print("%-34s %10.2f %10.1f" % (name, seconds, rate))
        print("vector pass: none during import (the search indexer embeds later)")
        print("transcript archive: %.1f MB for %.1f MB of transcripts (%.1fx smaller)"
              % (archived_mb, mb, mb / archived_mb if archived_mb else 0))
        if without:
            print("import without the archive: %.2f s; the archive costs %.2fx the time"
                  % (min(without), ours / min(without)))
        if theirs:
            print("ratio import/ccusage: %.2fx" % (theirs / ours))
        else:
            print("ccusage not installed (npm install --prefix .cache/ccusage ccusage@17.2.1)")
        print("imported: %(sessions)d sessions, %(messages)d messages, %(tool_calls)d tool calls,"
              " %(usage_rows)d usage rows, skipped %(skipped)s" % summary)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
