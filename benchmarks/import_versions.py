"""Import throughput of two versions of cctracker and ccusage, on one corpus, in one run.

Each import runs in a fresh process with the given source tree first on
``sys.path`` (a ``git worktree add DIR COMMIT`` of an older commit works;
this interpreter's packages are used for both), into a fresh database; the
best of ``--runs`` counts, alternating, with the CPU seconds of all its
processes (the import's worker included), which a loaded machine disturbs
less than the wall clock.

    python benchmarks/import_versions.py --old ../wtold [--mb 100] [--runs 2]
"""

import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_corpus  # noqa: E402
CCUSAGE = ROOT / ".cache" / "ccusage" / "node_modules" / ".bin" / "ccusage"

ONE = r"""
import json, os, sys, time
root, projects, path, archive = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
sys.path.insert(0, root)
from collector.storage import db; from collector.ingest import importer
conn = db.connect(path)
kw = {}
try:
    from collector import config
    kw["config"] = config.Config(home=os.path.dirname(path), archive_transcripts=archive)
except (ImportError, AttributeError, TypeError):
    pass  # older than the archive setting
started = time.perf_counter()
importer.import_paths(conn, [projects], **kw)
print(json.dumps(time.perf_counter() - started))
"""


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="source tree of the other version")
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="cctracker-import-versions-")
    cases = [("old", args.old, "1"), ("new, archive on", str(ROOT), "1"), ("new, archive off", str(ROOT), "0")]
    best = {}
    try:
        _, size = make_corpus.make(work, args.mb)
        projects = os.path.join(work, "projects")
        for _ in range(max(args.runs, 1)):
            if CCUSAGE.exists():
                before, started = cpu(), time.perf_counter()
                subprocess.run([str(CCUSAGE), "session", "--json", "--offline"], check=True,
                               env={**os.environ, "CLAUDE_CONFIG_DIR": work}, stdout=subprocess.DEVNULL)
                seconds = time.perf_counter() - started
                best["ccusage"] = min(best.get("ccusage", (1e9, 0)), (seconds, cpu() - before))
            for name, root, archive in cases:
                home = os.path.join(work, "home")
                shutil.rmtree(home, ignore_errors=True)
                os.makedirs(home)
                before = cpu()
                out = subprocess.run([sys.executable, "-c", ONE, root, projects, os.path.join(home, "cctracker.db"),
                                      archive], env={**os.environ, "CCTRACKER_HOME": home}, cwd=home,
                                     check=True, capture_output=True, text=True)
                seconds = json.loads(out.stdout.strip().splitlines()[-1])
                best[name] = min(best.get(name, (1e9, 0)), (seconds, cpu() - before))
        mb = size / 1e6
        print("corpus %.1f MB, best of %d" % (mb, args.runs))
        for name, (seconds, used) in best.items():
            ratio = best["ccusage"][0] / seconds if "ccusage" in best else None
            print("%-18s %7.2f s %7.1f MB/s %s  CPU %.1f s" % (
                name, seconds, mb / seconds, "%.2fx ccusage" % ratio if ratio else "", used))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
