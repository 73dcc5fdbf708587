"""Status line latency: wall time of one statusLine run, as Claude Code pays it.

Every case is a fresh process fed the real 2.1.226 payload with rate limits
(``cc-2.1.226_fleet_later-render-rate-limits.json``) on stdin, timed from spawn
to exit, round-robin in the same run so the cases share the machine's noise:

- ``python -I -S -c pass``: the floor of any Python command (the baseline);
- the installed status line (``<python> -I -S hooks/statusline.py``) with a
  summary file written by the collector (the normal case);
- the same before the collector ever ran (no summary file);
- ``python -I -S -c 'import json'``: what the ``json`` package alone would cost;
- ``cctracker statusline`` (the console script: venv, site, click).

Usage: ``python benchmarks/statusline.py [--runs N] [--json]``.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAYLOAD = ROOT.parent / "shared" / "fixtures" / "statusline" / "cc-2.1.226_fleet_later-render-rate-limits.json"
SCRIPT = ROOT / "hooks" / "statusline.py"
PYTHON = os.path.realpath(sys.executable)
#: The status line must stay within this multiple of bare ``python -I -S``.
TARGET_RATIO = 1.5

SUMMARY = {"v": 1, "generated_at": 0, "format": None, "day": time.strftime("%Y-%m-%d"), "today_cost_usd": 12.5,
           "block": {"start": time.time() - 3600, "end": time.time() + 3600 * 4, "cost_usd": 3.2, "tokens": 1},
           "limits": {}}


def cases(home_with, home_without):
    console = os.path.join(os.path.dirname(sys.executable), "cctracker")
    found = [
        ("python -I -S -c pass (baseline)", [PYTHON, "-I", "-S", "-c", "pass"], None),
        ("status line (-I -S, installed)", [PYTHON, "-I", "-S", str(SCRIPT)], home_with),
        ("status line, collector never ran", [PYTHON, "-I", "-S", str(SCRIPT)], home_without),
        ("python -I -S -c 'import json'", [PYTHON, "-I", "-S", "-c", "import json"], None),
    ]
    if os.path.exists(console):
        found.append(("cctracker statusline (console script)", [console, "statusline"], home_with))
    return found


def measure(commands, payload, runs):
    times = {name: [] for name, _, _ in commands}
    for _ in range(runs):
        for name, argv, home in commands:
            env = dict(os.environ, CCTRACKER_HOME=home or "/nonexistent")
            env.pop("CCTRACKER_EVENT_TIME", None)
            start = time.perf_counter()
            subprocess.run(argv, input=payload, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            times[name].append(time.perf_counter() - start)
    return times


def summary(times):
    base = statistics.median(next(iter(times.values())))
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[18]
        rows.append({"case": name, "median_ms": median * 1000, "p95_ms": p95 * 1000, "ratio": median / base})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="invocations per case (default 100)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    payload = PAYLOAD.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        home_with, home_without = os.path.join(tmp, "home"), os.path.join(tmp, "fresh")
        os.makedirs(home_with)
        with open(os.path.join(home_with, "statusline.json"), "w") as f:
            json.dump(SUMMARY, f)
        commands = cases(home_with, home_without)
        measure(commands, payload, 3)  # warm the page cache and .pyc files
        times = measure(commands, payload, args.runs)
        with open(os.path.join(home_with, "spool", "events.jsonl"), "rb") as f:
            spooled = f.read().count(b"\n")
    rows = summary(times)
    line = rows[1]
    if args.json:
        print(json.dumps({"python": PYTHON, "runs": args.runs, "rows": rows, "spooled": spooled}, indent=2))
        return 0
    print("Status line latency, %d runs per case, payload %s (%d bytes), %s"
          % (args.runs, PAYLOAD.name, len(payload), PYTHON))
    width = max(len(r["case"]) for r in rows)
    print("%-*s  %9s  %9s  %8s" % (width, "case", "median ms", "p95 ms", "x base"))
    for r in rows:
        print("%-*s  %9.2f  %9.2f  %8.2f" % (width, r["case"], r["median_ms"], r["p95_ms"], r["ratio"]))
    verdict = "ok" if line["ratio"] <= TARGET_RATIO else "OVER TARGET"
    print("status line / bare python: %.2f (target <= %.2f): %s" % (line["ratio"], TARGET_RATIO, verdict))
    print("payloads spooled: %d" % spooled)
    return 0


if __name__ == "__main__":
    sys.exit(main())
