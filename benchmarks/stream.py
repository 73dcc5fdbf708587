"""Live stream latency: from firing a hook to the event arriving on ``GET /api/stream``.

Runs ``cctracker serve --no-dashboard`` in a temporary home, installs the hooks
into a temporary settings file, connects one server-sent-events client and
fires events through the installed hook command (a shell, as Claude Code runs
it), one every ``--gap`` seconds. For each event: the time from spawning the
hook to its message arriving. The baseline, from the same run, is the hook's
own wall time (spawn to exit): the part no collector can save.

Usage: ``python benchmarks/stream.py [--events N] [--gap S] [--json]``.
"""

import argparse
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "collector.cli"]
#: The must-show: every event delivered, 95th percentile at most this.
TARGET_P95_SECONDS = 1.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, proc, deadline=120):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("serve exited: %s" % proc.stdout.read())
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("serve did not answer")


def listen(port, arrivals, ready):
    """Read the stream; note when each prompt's message arrives."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: text/event-stream\r\n\r\n" % port)
    buffer = b""
    ready.set()
    while True:
        data = sock.recv(65536)
        if not data:
            return
        now = time.perf_counter()
        buffer += data
        while b"\ndata: " in buffer:
            _, _, rest = buffer.partition(b"\ndata: ")
            line, sep, buffer = rest.partition(b"\n")
            if not sep:
                buffer = b"\ndata: " + line
                break
            try:
                summary = json.loads(line)["summary"]
            except (ValueError, KeyError):
                continue
            arrivals.setdefault(summary, now)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between events (default 0.3)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CCTRACKER_HOME=os.path.join(tmp, "home"), CLAUDE_CONFIG_DIR=os.path.join(tmp, "cc"))
        env.pop("CCTRACKER_EVENT_TIME", None)
        settings = os.path.join(tmp, "settings.json")
        subprocess.run(CLI + ["install", "--settings", settings], env=env, check=True, capture_output=True)
        with open(settings) as f:
            command = json.load(f)["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"]
        port = free_port()
        proc = subprocess.Popen(CLI + ["serve", "--port", str(port), "--no-dashboard", "--no-import"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_up("http://127.0.0.1:%d/api/health" % port, proc)
            arrivals, ready = {}, threading.Event()
            threading.Thread(target=listen, args=(port, arrivals, ready), daemon=True).start()
            ready.wait(10)
            time.sleep(0.5)
            fired, hook_times = {}, []
            for n in range(args.events):
                summary = "benchmark prompt %d" % n
                payload = json.dumps({"session_id": "bench", "cwd": tmp, "hook_event_name": "UserPromptSubmit",
                                      "prompt": summary}).encode()
                start = time.perf_counter()
                fired[summary] = start
                subprocess.run(command, shell=True, input=payload, env=env, capture_output=True)
                hook_times.append(time.perf_counter() - start)
                time.sleep(args.gap)
            end = time.monotonic() + 10
            while len(arrivals) < args.events and time.monotonic() < end:
                time.sleep(0.1)
        finally:
            proc.terminate()
            proc.wait(60)
    latencies = sorted(arrivals[s] - t for s, t in fired.items() if s in arrivals)
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else (latencies or [0])[0]
    base = statistics.median(hook_times)
    result = {"events": args.events, "delivered": len(latencies),
              "median_s": statistics.median(latencies) if latencies else None, "p95_s": p95,
              "max_s": latencies[-1] if latencies else None, "hook_median_s": base,
              "p95_over_hook": p95 / base if base else None}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("Live stream latency: %d events through the installed hook, one every %.1f s" % (args.events, args.gap))
    print("delivered: %d of %d" % (result["delivered"], args.events))
    if latencies:
        print("hook -> stream: median %.3f s, p95 %.3f s, max %.3f s" % (result["median_s"], p95, result["max_s"]))
        print("baseline, the hook's own wall time: median %.3f s (p95 / hook = %.1fx)" % (base, result["p95_over_hook"]))
    ok = result["delivered"] == args.events and p95 <= TARGET_P95_SECONDS
    print("target: all delivered, p95 <= %.1f s: %s" % (TARGET_P95_SECONDS, "ok" if ok else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
