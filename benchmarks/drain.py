"""Drain throughput: events/s for a realistic spool, against a bare apsw executemany.

The spool is made from the shared session stream (prompts, tool pairs with
permission dialogs, a failure, a subagent, a commit, compaction), repeated
with fresh session and tool ids and times until it holds ``--events`` lines.
The baseline inserts the very same raw lines into a one-column table with
one ``executemany`` in one transaction: the floor any drain must pay.

    python benchmarks/drain.py [--events 200000]
"""

import argparse
import datetime
import json
import os
import pathlib
import sys
import tempfile
import time

import apsw

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cctracker_client import spool  # noqa: E402

STREAM = ROOT.parent / "shared" / "fixtures" / "hooks" / "session_stream.jsonl"


def make_spool(home, events):
    template = [json.loads(line) for line in STREAM.read_text().splitlines() if line.strip()]
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    first = datetime.datetime.fromisoformat(template[0]["_at"].replace("Z", "+00:00"))
    directory = spool.spool_dir(home)
    spool.ensure_dir(directory)
    lines = []
    n = 0
    while len(lines) < events:
        offset = start + datetime.timedelta(minutes=20 * n) - first
        uuid = "bench-%08d-8d4e-4b6a-9c1f-2e7d5b8a4c03" % n
        for event in template:
            payload = dict(event)
            at = datetime.datetime.fromisoformat(payload.pop("_at").replace("Z", "+00:00")) + offset
            payload["session_id"] = uuid
            if "tool_use_id" in payload:
                payload["tool_use_id"] = payload["tool_use_id"] + "-%d" % n
            if "prompt" in payload:
                payload["prompt"] = payload["prompt"] + " (variant %d)" % n
            raw = json.dumps(payload).encode()
            lines.append(spool.make_line(raw, at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
            if len(lines) == events:
                break
        n += 1
    path = os.path.join(directory, "%s%020d%s" % (spool.SEGMENT_PREFIX, 1, spool.SUFFIX))
    with open(path, "wb") as f:
        f.writelines(lines)
    return lines


def baseline(lines, path):
    conn = apsw.Connection(path)
    conn.execute("pragma journal_mode=wal")
    conn.execute("create table raw (line text)")
    started = time.perf_counter()
    with conn:
        conn.executemany("insert into raw (line) values (?)", ((line.decode(),) for line in lines))
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def drain(home):
    os.environ["CCTRACKER_HOME"] = home
    from collector import config as config_mod
    from collector.storage import db
    from collector.ingest.drain import drain_once

    config = config_mod.load(home)
    conn = db.connect(config.db_path)
    started = time.perf_counter()
    stats = drain_once(conn, config)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, "home")
        lines = make_spool(home, args.events)
        size = sum(len(line) for line in lines)
        base = baseline(lines, os.path.join(tmp, "baseline.db"))
        elapsed, stats = drain(home)
    assert stats["events"] == args.events, stats
    rate, base_rate = args.events / elapsed, args.events / base
    print("drain benchmark: %d events, %.1f MB of spool" % (args.events, size / 1e6))
    print("%-34s %10s %12s %8s" % ("", "seconds", "events/s", "ratio"))
    print("%-34s %10.2f %12.0f %8.2f" % ("bare apsw executemany (baseline)", base, base_rate, 1.0))
    print("%-34s %10.2f %12.0f %8.3f" % ("cctracker drain (model + FTS)", elapsed, rate, rate / base_rate))


if __name__ == "__main__":
    main()
