"""Hook latency: wall time of one hook invocation, as Claude Code pays it.

Every case is a fresh process fed a typical PostToolUse payload (an Edit,
``post_tool_use_edit.json``) on stdin, timed from spawn to exit. Cases run
round-robin in the same run so they share the machine's noise:

- ``python -I -S -c pass``: the floor of any Python hook (the baseline);
- the installed hook (``<python> -I -S hooks/hook.py``);
- the same work with a normal interpreter exit (the hook skips teardown);
- the hook run by the venv's python with site (what a plain install costs);
- the ``cctracker-hook`` console script (venv, site, entry-point wrapper);
- the founding design: a Python hook importing ``json`` and ``urllib.request``
  that POSTs the event to a local HTTP API, which inserts it into SQLite and
  commits before answering (stdlib ``http.server`` + ``sqlite3``).

Usage: ``python benchmarks/hook_latency.py [--runs N] [--json]``.
"""

import argparse
import http.server
import json
import os
import pathlib
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAYLOAD = ROOT.parent / "shared" / "fixtures" / "hooks" / "post_tool_use_edit.json"
HOOK = ROOT / "hooks" / "hook.py"
#: The interpreter ``cctracker install`` writes: the real binary, no shim.
PYTHON = os.path.realpath(sys.executable)
#: The hook must stay within this multiple of bare ``python -I -S``.
TARGET_RATIO = 1.25

POST_HOOK = """
import json, sys, urllib.request
raw = sys.stdin.buffer.read()
json.loads(raw)  # the founding design validated the event before sending it
req = urllib.request.Request(sys.argv[1], data=raw, headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=5).read()
except Exception:
    pass  # the peer tool's behaviour: the event is dropped when the server is down
"""


class EventHandler(http.server.BaseHTTPRequestHandler):
    """POST /events: insert the body into SQLite and commit, then answer 201."""

    db_path = None
    _local = threading.local()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self.db_path, timeout=5)
            conn.execute("pragma journal_mode=wal")
            conn.execute("pragma synchronous=normal")
        event = json.loads(body)
        with conn:
            conn.execute(
                "insert into events(received, name, payload) values (?, ?, ?)",
                (time.time(), event.get("hook_event_name"), body.decode()),
            )
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def start_server(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("pragma journal_mode=wal")
    conn.execute("create table events (id integer primary key, received real, name text, payload text)")
    conn.commit()
    conn.close()
    EventHandler.db_path = db_path
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), EventHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d/events" % port


def cases(url, tmp):
    venv_python = sys.executable
    console = os.path.join(os.path.dirname(venv_python), "cctracker-hook")
    post_hook = os.path.join(tmp, "post_hook.py")
    with open(post_hook, "w") as f:
        f.write(POST_HOOK)
    normal_exit = "import sys; sys.path.insert(0, %r); import cctracker_client; cctracker_client.run_hook()" % str(ROOT)
    found = [
        ("python -I -S -c pass (baseline)", [PYTHON, "-I", "-S", "-c", "pass"], None),
        ("cctracker hook (-I -S, installed)", [PYTHON, "-I", "-S", str(HOOK)], "hook"),
        ("same work, normal interpreter exit", [PYTHON, "-I", "-S", "-c", normal_exit], "hook"),
        ("hook via venv python with site", [venv_python, str(HOOK)], "hook"),
    ]
    if os.path.exists(console):
        found.append(("cctracker-hook console script", [console], "hook"))
    found.append(("founding design: POST to HTTP+SQLite", [PYTHON, "-I", "-S", post_hook, url], "http"))
    return found


def measure(commands, payload, runs, env):
    times = {name: [] for name, _, _ in commands}
    for _ in range(runs):
        for name, argv, _ in commands:
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
    parser.add_argument("--runs", type=int, default=200, help="invocations per case (default 200)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    payload = PAYLOAD.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, "home")
        env = dict(os.environ, CCTRACKER_HOME=home)
        env.pop("CCTRACKER_EVENT_TIME", None)
        server, url = start_server(os.path.join(tmp, "founding.db"))
        try:
            commands = cases(url, tmp)
            measure(commands, payload, 3, env)  # warm the page cache and .pyc files
            times = measure(commands, payload, args.runs, env)
        finally:
            server.shutdown()
        hook_runs = sum(1 for _, _, kind in commands if kind == "hook") * (args.runs + 3)
        spooled = 0
        spool_dir = os.path.join(home, "spool")
        for name in os.listdir(spool_dir):
            if name.endswith(".jsonl"):
                with open(os.path.join(spool_dir, name), "rb") as f:
                    spooled += f.read().count(b"\n")
        stored = sqlite3.connect(os.path.join(tmp, "founding.db")).execute("select count(*) from events").fetchone()[0]
    rows = summary(times)
    hook = rows[1]
    if args.json:
        print(json.dumps({"python": PYTHON, "runs": args.runs, "rows": rows, "spooled": spooled,
                          "hook_runs": hook_runs, "http_stored": stored}, indent=2))
        return 0
    print("Hook latency, %d runs per case, payload %s (%d bytes), %s" % (args.runs, PAYLOAD.name, len(payload), PYTHON))
    width = max(len(r["case"]) for r in rows)
    print("%-*s  %9s  %9s  %8s" % (width, "case", "median ms", "p95 ms", "x base"))
    for r in rows:
        print("%-*s  %9.2f  %9.2f  %8.2f" % (width, r["case"], r["median_ms"], r["p95_ms"], r["ratio"]))
    verdict = "ok" if hook["ratio"] <= TARGET_RATIO else "OVER TARGET"
    print("hook / bare python: %.2f (target <= %.2f): %s" % (hook["ratio"], TARGET_RATIO, verdict))
    print("events spooled: %d of %d hook runs; events stored over HTTP: %d" % (spooled, hook_runs, stored))
    return 0


if __name__ == "__main__":
    sys.exit(main())
