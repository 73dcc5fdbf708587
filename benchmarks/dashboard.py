"""Dashboard page queries at a million events: p95 per page, against the m003 views.

Builds a demo database scaled up until turns, messages, tool calls, file
operations, waits, token rows, commits and agents add up to ``--events``
(1,000,000 by default), then times every page the way Datasette runs it
(stdlib sqlite3, ``mode=ro``): each dashboard's chart queries unfiltered
and filtered by project and date range, the session, sessions and
learning pages, and every canned query. A page's time is the sum of its
queries (Datasette runs them concurrently, so this is the worst case).
The baseline is the same overview answered from the m003 views
(``daily_activity``, ``token_costs``) without rollups.

    python benchmarks/dashboard.py [--events 1000000] [--runs 20] [--db PATH] [--keep]
"""

import argparse
import os
import pathlib
import random
import re
import sqlite3
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from datasette_dashboards import replace_opts_in_query  # noqa: E402

from collector.serve import dashboard, demo
from collector.storage import db  # noqa: E402

LIMIT_MS = 250
EVENT_TABLES = ("turns", "messages", "tool_calls", "file_operations", "waits", "token_usage", "commits",
                "agents")
#: Rows per unit of ``scale`` per day in the demo generator, measured at scale 1 (about 380).
EVENTS_PER_SCALE_DAY = 380
DAYS = 365
PARAM = re.compile(r"(?<!:):([a-zA-Z_][a-zA-Z0-9_]*)")


def build(path, events):
    scale = events / (EVENTS_PER_SCALE_DAY * DAYS)
    started = time.perf_counter()
    counts = demo.build_demo(path, days=DAYS, seed=11, scale=scale, index_search=False)
    total = sum(counts[t] for t in EVENT_TABLES)
    print("built %s: %d events in %.0f s (%s)" % (path, total, time.perf_counter() - started,
                                                   ", ".join("%s %d" % (t, counts[t]) for t in EVENT_TABLES)))
    return total


def timed(conn, sql, params):
    started = time.perf_counter()
    conn.execute(sql, params).fetchall()
    return (time.perf_counter() - started) * 1000


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def pages(conn, metadata):
    """name -> function(rng) returning [(sql, params)] for one page view."""
    projects = [r[0] for r in conn.execute("select name from projects")]
    days = [r[0] for r in conn.execute("select distinct day from rollup_daily order by day")]
    max_session = conn.execute("select max(id) from sessions").fetchone()[0]
    out = {}

    def options(rng):
        start = rng.randrange(len(days) - 30)
        return {"project": rng.choice(projects), "date_from": days[start], "date_to": days[start + 29]}

    for slug, board in metadata["plugins"]["datasette-dashboards"].items():
        for filtered in (False, True):
            def view(rng, board=board, filtered=filtered):
                opts = options(rng) if filtered else {}
                return [(replace_opts_in_query(c["query"], opts), opts) for c in board["charts"].values()]
            out["%s%s" % (slug, " (filtered)" if filtered else "")] = view
    session_sql = [
        "select * from session_list where session_id = :id",
        "select lane, label, detail, start_at, end_at, turn_id from session_events where session_id = :id"
        " order by start_at limit 4000",
        "select message_id, turn_id, agent_id, role, kind, created_at, model, content from conversation"
        " where session_id = :id order by created_at, message_id",
        "select committed_at, sha, subject from commit_activity where session_id = :id order by committed_at",
    ]
    out["session page"] = lambda rng: [(s, {"id": rng.randint(1, max_session)}) for s in session_sql]
    out["sessions page"] = lambda rng: [(
        "select session_id, project_name, started_at, title, model, round((claude_working_seconds"
        " + permission_wait_seconds + thinking_seconds) / 60.0, 1), turns, prompts, tool_calls, tool_failures,"
        " commits, commit_lines_changed from session_list where project_name = :project"
        " order by started_at desc limit 100", {"project": rng.choice(projects)})]
    samples = {"session_id": lambda rng: rng.randint(1, max_session), "path": lambda rng: "src/api/app.py",
               "tool": lambda rng: rng.choice(("Bash", "Edit", "Read")), "day": lambda rng: rng.choice(days),
               "date_from": lambda rng: "", "date_to": lambda rng: "", "name": lambda rng: "",
               "query": lambda rng: "websocket"}
    for name, query in metadata["databases"]["cctracker"]["queries"].items():
        out["query: " + name] = lambda rng, q=query: [(q["sql"], {p: samples[p](rng) for p in PARAM.findall(q["sql"])})]
    return out


def baseline(conn):
    """The overview's day charts answered from m003's whole-table views (one run)."""
    sql = ["select day, sum(active_seconds), sum(sessions), sum(prompts) from daily_activity group by day",
           "select day, model, sum(total_tokens), sum(cost_usd) from token_costs group by day, model"]
    return sum(timed(conn, s, {}) for s in sql)


def learning_times(path):
    from collector.analytics import filters, learning

    conn = db.connect(path, readonly=True)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        learning.learning(conn, filters.parse())
        times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", help="reuse (or keep) the database at this path")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--learning", action="store_true", help="also time the learning page (slow: embeds)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="cctracker-bench-")
    path = args.db or os.path.join(tmp, "cctracker.db")
    if not os.path.exists(path):
        build(path, args.events)
    else:
        db.connect(path).close()
    metadata = yaml.safe_load((dashboard.CONFIG_DIR / "metadata.yml").read_text())
    conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True, check_same_thread=False)
    events = sum(conn.execute("select count(*) from %s" % t).fetchone()[0] for t in EVENT_TABLES)
    rng = random.Random(1)
    base = baseline(conn)
    print("baseline (overview day charts from m003 views, no rollups): %.0f ms" % base)
    print("%-34s %9s %9s %9s %8s" % ("page (%d events)" % events, "first ms", "p95 ms", "max ms", "vs base"))
    worst = 0.0
    for name, make in pages(conn, metadata).items():
        # The first view reads pages from disk; a running dashboard has them cached.
        first = sum(timed(conn, sql, params) for sql, params in make(rng))
        times = [sum(timed(conn, sql, params) for sql, params in make(rng)) for _ in range(args.runs)]
        worst = max(worst, p95(times))
        flag = "" if p95(times) <= LIMIT_MS else "  OVER %d ms" % LIMIT_MS
        print("%-34s %9.1f %9.1f %9.1f %7.3fx%s" % (name, first, p95(times), max(times), p95(times) / base, flag))
    if args.learning:
        times = learning_times(path)
        print("%-34s first %.0f ms, then %s ms (cached per data version)" % (
            "learning page (python)", times[0], ", ".join("%.0f" % t for t in times[1:])))
    print("worst page p95: %.1f ms (limit %d ms): %s" % (worst, LIMIT_MS, "OK" if worst <= LIMIT_MS else "OVER"))
    if not (args.keep or args.db):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    return 0 if worst <= LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main())
