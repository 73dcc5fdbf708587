"""Import throughput of Codex rollouts and Gemini CLI chats, as ratios to Claude Code
transcripts of the same size imported in the same run (the machine is shared: only ratios
from one run mean anything).

Copies of the shared Codex and Gemini samples, each with fresh ids (so every copy is a
session of its own), and a Claude Code corpus from ``make_corpus``, are imported into fresh
databases; prints MB/s of each and the ratios. Then the incremental path: every rollup is
grown by its second half after a first import of its first half, and the second import's
time is compared with a whole import.

    python benchmarks/agents_import.py [--mb 50] [--runs 1]
"""

import argparse
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_corpus  # noqa: E402

from collector.storage import db
from collector.ingest import importer  # noqa: E402

AGENTS = ROOT.parent / "shared" / "fixtures" / "agents"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def renamed(data, n):
    suffix = b"%06x" % n
    return UUID.sub(lambda m: m.group(0)[:-6] + suffix, data)


def make_agents(out, megabytes, split=False):
    """Copies of the Codex and Gemini samples under out/codex/sessions and out/gemini/tmp."""
    sources = sorted((AGENTS / "codex" / "sessions").rglob("*.jsonl"))
    sources += sorted((AGENTS / "gemini" / "tmp").rglob("session-*"))
    target, written, n, halves = int(megabytes * 1e6), 0, 0, []
    while written < target:
        source = sources[n % len(sources)]
        data = renamed(source.read_bytes(), n)
        name = renamed(source.name.encode(), n).decode()
        if source.suffix == ".json" or "gemini" in source.parts:
            path = os.path.join(out, "gemini", "tmp", "p%d" % (n % 7), "chats", name)
        else:
            path = os.path.join(out, "codex", "sessions", "2026", "02", "%02d" % (n % 28 + 1), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if split and path.endswith(".jsonl") and "codex" in path:
            cut = data.index(b"\n", len(data) // 2) + 1
            halves.append((path, data[cut:]))
            data = data[:cut]
        with open(path, "wb") as f:
            f.write(data)
        written += len(data)
        n += 1
    return written, halves


def timed_import(paths, db_path):
    conn = db.connect(db_path)
    started = time.perf_counter()
    summary = importer.import_paths(conn, paths, workers=0)
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each corpus in MB")
    parser.add_argument("--runs", type=int, default=1, help="runs of each; the best time counts")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="cctracker-agents-bench-")
    try:
        agents_mb = make_agents(os.path.join(work, "a"), args.mb)[0] / 1e6
        claude_mb = make_corpus.make(os.path.join(work, "c"), args.mb)[1] / 1e6
        ours, claude = [], []
        for run in range(max(args.runs, 1)):
            ours.append(timed_import([os.path.join(work, "a")], os.path.join(work, "a%d.db" % run))[0])
            claude.append(timed_import([os.path.join(work, "c", "projects")],
                                       os.path.join(work, "c%d.db" % run))[0])
        a, c = agents_mb / min(ours), claude_mb / min(claude)
        print("Codex + Gemini: %.1f MB in %.2f s = %.1f MB/s" % (agents_mb, min(ours), a))
        print("Claude Code:    %.1f MB in %.2f s = %.1f MB/s" % (claude_mb, min(claude), c))
        print("ratio (agents / Claude Code MB/s): %.2f" % (a / c))
        # Incremental: half of every rollout first, then the rest appended.
        grow = os.path.join(work, "g")
        _, halves = make_agents(grow, args.mb, split=True)
        timed_import([grow], os.path.join(work, "g.db"))
        for path, rest in halves:
            with open(path, "ab") as f:
                f.write(rest)
        second, summary = timed_import([grow], os.path.join(work, "g.db"))
        print("growing rollouts: second import (%d files grown, prefixes re-read for state) %.2f s;"
              " ratio to a whole import %.2f" % (len(halves), second, second / min(ours)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
