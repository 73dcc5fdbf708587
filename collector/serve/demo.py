"""A demo database of realistic generated activity, for ``cctracker serve --demo``.

Several projects, weeks of sessions with prompts and replies, tool calls
(some failing, each with a duration), file operations, permission and user
waits, commits, token usage for several models and subagents, written
straight into the schema. The same ``seed`` and ``end`` give the same
database; ``scale`` multiplies the sessions per day (the benchmark uses it
to reach a million events).
"""

import datetime as dt
import json
import os
import random

from ..config import Config
from ..sessions import store
from ..storage import db, rollups
from ..times import local, utc

#: Waiting for the user up to this long counts as thinking (the settings' default).
THINK_SECONDS = Config.think_threshold_seconds

#: A session on a weekday holds this many turns at most; weekends are quieter.
MAX_TURNS = 14

#: One session every day carries this prompt, so a search test has a known hit.
KNOWN_PROMPT = "Why does the websocket reconnect loop leak file descriptors after a server restart?"

PROJECTS = [
    # name, language, files, topics
    ("tracker-api", "python",
     ["src/api/app.py", "src/api/routes.py", "src/db/models.py", "src/db/migrations.py",
      "src/worker/queue.py", "tests/test_api.py", "tests/test_queue.py", "pyproject.toml"],
     ["the retry logic in the queue worker", "pagination on /items", "the migration for the users table",
      "flaky test_queue timeouts", "the websocket reconnect loop", "rate limiting per API key"]),
    ("webshop", "typescript",
     ["src/components/Cart.tsx", "src/components/Checkout.tsx", "src/lib/api.ts", "src/store/cart.ts",
      "src/pages/index.tsx", "package.json", "tests/cart.test.ts", "vite.config.ts"],
     ["the cart total rounding", "checkout form validation", "the product list re-rendering",
      "dark mode toggle", "lazy loading product images", "the Stripe webhook handler"]),
    ("infra", "terraform",
     ["main.tf", "modules/vpc/main.tf", "modules/db/main.tf", "variables.tf", ".github/workflows/deploy.yml",
      "scripts/rotate_keys.sh"],
     ["the VPC peering", "the deploy workflow caching", "database backups retention",
      "key rotation script", "the load balancer health checks"]),
    ("ml-notebooks", "python",
     ["notebooks/explore.ipynb", "src/features.py", "src/train.py", "src/evaluate.py", "data/README.md",
      "requirements.txt"],
     ["feature scaling for the churn model", "the train/test split leakage", "plotting ROC curves",
      "memory use when loading parquet", "hyperparameter search"]),
    ("blog", "markdown",
     ["content/posts/sqlite-wal.md", "content/posts/hooks.md", "layouts/post.html", "config.toml",
      "static/css/site.css"],
     ["the RSS feed dates", "syntax highlighting colours", "a post about SQLite WAL mode",
      "the image captions layout"]),
]

PROMPTS = [
    "Can you look at {t}? Something is off since yesterday.",
    "Refactor {t} so it is easier to test.",
    "Add tests for {t}.",
    "Explain how {t} works, step by step.",
    "Fix the bug in {t}: it fails on empty input.",
    "Review my changes to {t} and suggest improvements.",
    "Write a short doc section about {t}.",
    "Why is {t} so slow? Profile it and propose a fix.",
]

#: Questions people really do ask again and again (the learning page finds them).
REASKED = [
    "How do I run only one test file with pytest?",
    "What is the git command to undo the last commit but keep the changes?",
    "How do I rebase my branch onto main again?",
]

REPLIES = [
    "I looked at {t}. The problem is an off-by-one in the loop boundary; I changed the range and added a test "
    "that covers the empty case. All tests pass now.",
    "Done. I split {t} into two smaller functions, kept the public interface unchanged, and the existing tests "
    "still pass. I also added type hints.",
    "Here is how {t} works: the request comes in, it is validated, then queued; a worker picks it up and "
    "retries with exponential backoff on failure.",
    "I profiled {t}: most of the time goes into repeated queries inside a loop. Batching them cut the runtime "
    "from 4.2 s to 0.3 s.",
    "I could not reproduce the failure in {t} at first; it only happens when the cache is cold. Fixed by "
    "initialising it before first use.",
]

ERRORS = {
    "Bash": ["Exit code 1\nFAILED tests/test_queue.py::test_retry - AssertionError: expected 3 retries, got 2",
             "Exit code 1\nModuleNotFoundError: No module named 'requests'",
             "Exit code 2\nnpm ERR! Missing script: \"lint\"",
             "Exit code 128\nfatal: not a git repository (or any of the parent directories): .git"],
    "Edit": ["String to replace not found in file.", "File has been modified since read."],
    "Read": ["File does not exist."],
    "WebFetch": ["Request failed with status code 404"],
}

#: tool name -> (weight, median duration ms, failure rate, needs permission sometimes)
TOOLS = {
    "Read": (30, 40, 0.02, False), "Edit": (18, 60, 0.06, True), "Bash": (20, 2500, 0.15, True),
    "Grep": (12, 120, 0.0, False), "Glob": (6, 30, 0.0, False), "Write": (5, 50, 0.01, True),
    "Task": (3, 45000, 0.0, False), "WebFetch": (2, 1800, 0.2, True),
    "TodoWrite": (3, 10, 0.0, False), "mcp__github__create_pull_request": (1, 2200, 0.1, True),
}

#: model -> share of sessions
MODELS = [("claude-sonnet-4-5-20250929", 0.6), ("claude-opus-4-1-20250805", 0.25),
          ("claude-haiku-4-5-20251001", 0.15)]

BASH_COMMANDS = ["pytest -q", "npm test", "git status", "git diff --stat", "ruff check .", "terraform plan",
                 "python -m src.train --epochs 3", "ls -la", "make build"]


def iso(t):
    return utc.format(t)


def _weighted(rng, pairs):
    x, acc = rng.random(), 0.0
    for value, weight in pairs:
        acc += weight
        if x < acc:
            return value
    return pairs[-1][0]


class _Rows:
    """Rows per table with ids handed out here, so nothing is read back while writing."""

    def __init__(self):
        self.tables, self.ids = {}, {}

    def add(self, table, **row):
        new_id = self.ids.get(table, 0) + 1
        self.ids[table] = new_id
        if "id" not in row and table != "commit_files":
            row = {"id": new_id, **row}
        self.tables.setdefault(table, []).append(row)
        return new_id

    def flush(self, conn):
        for table, rows in self.tables.items():
            cols = list(rows[0])
            sql = "insert into %s (%s) values (%s)" % (table, ", ".join(cols), ", ".join("?" * len(cols)))
            conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
        self.tables = {}


def build_demo(path, days=42, seed=1, end=None, scale=1.0, index_search=True):
    """Write a demo database at ``path`` (replacing it) and return its row counts.

    ``end`` is the last day (a date, default today); ``scale`` multiplies
    the number of sessions per day; ``index_search`` builds the search index
    (words and vectors) as the collector would after a drain.
    """
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    rng = random.Random(seed)
    end = end or local.today()
    conn = db.connect(path)
    rows = _Rows()
    projects = []
    for i, (name, lang, files, topics) in enumerate(PROJECTS):
        pid = rows.add("projects", name=name, path="/home/dev/src/" + name,
                       git_remote="git@github.com:dev/%s.git" % name, git_branch="main", is_git=1,
                       first_seen=None, last_seen=None)
        projects.append((pid, name, lang, files, topics))
    first = end - dt.timedelta(days=days - 1)
    now = dt.datetime.now().astimezone()
    with conn:
        for d in range(days):
            day = first + dt.timedelta(days=d)
            weekend = day.weekday() >= 5
            count = rng.choice((0, 1, 1, 2) if weekend else (2, 3, 3, 4, 5))
            count = int(round(count * scale + rng.random() * (scale % 1)))
            starts = sorted(rng.uniform(8, 22.5) for _ in range(count))
            for n, hour in enumerate(starts):
                # Working hours of the local day, as the dashboard shows them.
                start = (dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour)).astimezone()
                if start > now:
                    break  # today's sessions only up to now
                project = projects[min(int(rng.paretovariate(1.3)) - 1, len(projects) - 1)]
                _session(rng, rows, project, start, weekend, known=(n == 0 and d % 7 == 3))
            if len(rows.tables.get("tool_calls", ())) > 20000:
                rows.flush(conn)
        rows.flush(conn)
        conn.execute(
            "update projects set first_seen = (select min(started_at) from sessions where project_id = projects.id),"
            " last_seen = (select max(last_event_at) from sessions where project_id = projects.id)")
        rollups.refresh(conn)
    from ..usage.limits import demo_observations

    demo_observations(conn, rng)  # the Limits page's blocks and observed figures
    counts = {t: db.scalar(conn, "select count(*) from %s" % t) for t in (
        "projects", "sessions", "turns", "messages", "tool_calls", "file_operations", "waits", "agents",
        "git_operations", "commits", "commit_files", "token_usage")}
    if index_search:
        from .. import search

        while search.index_pending(conn):
            pass
    conn.close()
    return counts


def _session(rng, rows, project, start, weekend, known):
    pid, name, lang, files, topics = project
    files = ["/home/dev/src/%s/%s" % (name, f) for f in files]
    model = _weighted(rng, MODELS)
    uuid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                            rng.getrandbits(12), rng.getrandbits(48))
    sid = rows.add("sessions", session_uuid=uuid, project_id=pid, cwd="/home/dev/src/" + name,
                   transcript_path="/home/dev/.claude/projects/-home-dev-src-%s/%s.jsonl" % (name, uuid),
                   model=model, source=rng.choice(("startup", "startup", "resume", "clear")),
                   started_at=iso(start), ended_at=None, end_reason=None, last_event_at=None,
                   permission_mode="default", git_branch=rng.choice(("main", "main", "feature/" + name)),
                   claude_version="2.1.%d" % rng.randint(180, 240), title=None, status="ended")
    session_row = rows.tables["sessions"][-1]
    t = start + dt.timedelta(seconds=rng.uniform(1, 5))
    turns = rng.randint(2, MAX_TURNS // (2 if weekend else 1))
    topic = rng.choice(topics)
    first_prompt = None
    for seq in range(1, turns + 1):
        if known and seq == 1:
            prompt, topic = KNOWN_PROMPT, "the websocket reconnect loop"
        elif rng.random() < 0.05:
            prompt = rng.choice(REASKED)
        else:
            if rng.random() < 0.25:
                topic = rng.choice(topics)
            prompt = rng.choice(PROMPTS).format(t=topic)
        first_prompt = first_prompt or prompt
        t = _turn(rng, rows, sid, seq, t, prompt, topic, model, pid, files, lang, last=seq == turns)
    session_row.update(ended_at=iso(t), last_event_at=iso(t),
                       end_reason=rng.choice(("prompt_input_exit", "clear", "other", "timeout")),
                       title=first_prompt[:60])


def _turn(rng, rows, sid, seq, t, prompt, topic, model, pid, files, lang, last):
    """One prompt, Claude's work (tools, tokens, maybe a subagent and a commit), the reply, the user's wait."""
    turn_start = t
    tid = rows.add("turns", session_id=sid, seq=seq, prompt_id=None, started_at=iso(t), ended_at=None,
                   end_kind=None, stop_error=None, working_seconds=None, permission_seconds=None)
    turn_row = rows.tables["turns"][-1]
    rows.add("messages", uid="demo-p-%d" % tid, session_id=sid, turn_id=tid, agent_id=None, role="user",
             kind="prompt", content=prompt, content_hash=store.content_hash(prompt), created_at=iso(t),
             model=None, source="hook")
    permission = 0.0
    names = list(TOOLS)
    weights = [TOOLS[n][0] for n in names]
    edited = False
    for _ in range(rng.choice((1, 2, 3, 4, 5, 6, 8, 10))):
        tool = rng.choices(names, weights)[0]
        t += dt.timedelta(seconds=rng.uniform(2, 25))
        _tokens(rng, rows, sid, None, model, t)
        agent = None
        if tool == "Task":
            agent = "a%012x" % rng.getrandbits(48)
        waited = _tool(rng, rows, sid, tid, tool, t, files, lang, agent)
        permission += waited
        t += dt.timedelta(seconds=waited + rows.tables["tool_calls"][-1]["duration_ms"] / 1000)
        edited = edited or tool in ("Edit", "Write")
        if agent:
            agent_start = t - dt.timedelta(milliseconds=rows.tables["tool_calls"][-1]["duration_ms"])
            rows.add("agents", session_id=sid, turn_id=tid, agent_id=agent,
                     agent_type=rng.choice(("Explore", "general-purpose", "Plan")),
                     tool_use_id=rows.tables["tool_calls"][-1]["tool_use_id"], started_at=iso(agent_start),
                     ended_at=iso(t), transcript_path=None,
                     last_message="Found the relevant code paths for %s." % topic)
            at = agent_start
            for _ in range(rng.randint(2, 5)):
                at += dt.timedelta(seconds=rng.uniform(1, 6))
                sub = rng.choice(("Read", "Grep", "Glob"))
                _tool(rng, rows, sid, tid, sub, at, files, lang, agent, allow_wait=False)
                _tokens(rng, rows, sid, agent, "claude-haiku-4-5-20251001", at)
    if edited and rng.random() < 0.45:
        t += dt.timedelta(seconds=rng.uniform(3, 10))
        _commit(rng, rows, sid, tid, pid, topic, files, t)
    t += dt.timedelta(seconds=rng.uniform(5, 40))
    _tokens(rng, rows, sid, None, model, t)
    interrupted = rng.random() < 0.04
    reply = rng.choice(REPLIES).format(t=topic)
    if not interrupted:
        rows.add("messages", uid="demo-r-%d" % tid, session_id=sid, turn_id=tid, agent_id=None,
                 role="assistant", kind="reply", content=reply, content_hash=store.content_hash(reply),
                 created_at=iso(t), model=model, source="transcript")
    total = (t - turn_start).total_seconds()
    turn_row.update(ended_at=iso(t), end_kind="interrupted" if interrupted else "stop",
                    working_seconds=round(total - permission, 3), permission_seconds=round(permission, 3))
    if last:
        return t
    # The user reads, thinks, maybe walks away: most waits are short, a few are long.
    wait = rng.lognormvariate(4.2, 1.1) if rng.random() < 0.9 else rng.uniform(900, 5400)
    end = t + dt.timedelta(seconds=wait)
    rows.add("waits", session_id=sid, turn_id=tid, kind="user", started_at=iso(t), ended_at=iso(end),
             duration_seconds=round(wait, 3), thinking_seconds=round(min(wait, THINK_SECONDS), 3),
             away_seconds=round(max(0.0, wait - THINK_SECONDS), 3), tool_use_id=None,
             context_before=reply[:200], context_after=None)
    return end


def _tool(rng, rows, sid, tid, tool, t, files, lang, agent, allow_wait=True):
    """A tool call, its file operation and maybe a permission wait; returns seconds waited."""
    _, median, fail_rate, asks = TOOLS[tool]
    path = rng.choice(files)
    duration = round(median * rng.lognormvariate(0, 0.8), 1)
    failed = rng.random() < fail_rate
    tool_input, summary = _input(rng, tool, path, lang)
    waited = 0.0
    use_id = "toolu_%024x" % rng.getrandbits(96)
    if allow_wait and asks and rng.random() < 0.3:
        waited = round(rng.lognormvariate(1.8, 0.9), 3)
        rows.add("waits", session_id=sid, turn_id=tid, kind="permission", started_at=iso(t),
                 ended_at=iso(t + dt.timedelta(seconds=waited)), duration_seconds=waited,
                 thinking_seconds=None, away_seconds=None, tool_use_id=use_id,
                 context_before="Claude wants to use %s: %s" % (tool, summary), context_after=None)
    status = "error" if failed else "ok"
    if rng.random() < 0.01:
        status = rng.choice(("interrupted", "rejected"))
    server, mcp_tool = (tool.split("__")[1:] if tool.startswith("mcp__") else (None, None))
    call = rows.add("tool_calls", session_id=sid, turn_id=tid, agent_id=agent, tool_use_id=use_id,
                    tool_name=tool, mcp_server=server, mcp_tool=mcp_tool, started_at=iso(t),
                    ended_at=iso(t + dt.timedelta(seconds=waited, milliseconds=duration)),
                    duration_ms=duration, status=status,
                    error=rng.choice(ERRORS.get(tool, ["Tool failed."])) if status == "error" else None,
                    summary=summary, input=json.dumps(tool_input), source="hook")
    if status in ("ok", "error") and tool in ("Read", "Edit", "Write", "Grep", "Glob"):
        op = {"Read": "read", "Edit": "edit", "Write": "write", "Grep": "grep", "Glob": "glob"}[tool]
        added = removed = 0
        if status == "ok" and op in ("edit", "write"):
            added, removed = rng.randint(1, 60), rng.randint(0, 30)
        target = path if op not in ("grep", "glob") else os.path.dirname(path)
        rows.add("file_operations", tool_call_id=call, session_id=sid, path=target, operation=op,
                 lines_added=added, lines_removed=removed, at=iso(t))
    return waited


def _input(rng, tool, path, lang):
    if tool == "Bash":
        cmd = rng.choice(BASH_COMMANDS)
        return {"command": cmd, "description": "Run " + cmd.split()[0]}, cmd
    if tool in ("Read", "Write"):
        return {"file_path": path}, path
    if tool == "Edit":
        return {"file_path": path, "old_string": "...", "new_string": "..."}, path
    if tool in ("Grep", "Glob"):
        pattern = rng.choice(("def retry", "TODO", "*.py", "useState", "resource \"aws_", "import pandas"))
        return {"pattern": pattern, "path": os.path.dirname(path)}, "%s in %s" % (pattern, os.path.dirname(path))
    if tool == "Task":
        what = "Find every place that touches the %s code" % lang
        return {"description": "Explore code", "prompt": what, "subagent_type": "Explore"}, what
    if tool == "WebFetch":
        url = rng.choice(("https://docs.python.org/3/library/sqlite3.html", "https://vitejs.dev/config/",
                          "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"))
        return {"url": url, "prompt": "Summarise the relevant part"}, url
    if tool == "TodoWrite":
        return {"todos": [{"content": "write tests", "status": "pending"}]}, "write tests"
    return {"title": "Fix from Claude", "body": "Automated change"}, "Fix from Claude"


def _tokens(rng, rows, sid, agent, model, t):
    rows.add("token_usage", session_id=sid, agent_id=agent, message_id="msg_%024x" % rng.getrandbits(96),
             request_id="req_%024x" % rng.getrandbits(96), model=model,
             input_tokens=rng.randint(3, 40), output_tokens=int(rng.lognormvariate(5.5, 0.9)),
             cache_creation_tokens=rng.choice((0, 0, rng.randint(500, 8000))),
             cache_read_tokens=rng.randint(8000, 90000), at=iso(t))


def _commit(rng, rows, sid, tid, pid, topic, files, t):
    sha = "%040x" % rng.getrandbits(160)
    subject = rng.choice(("Fix", "Refactor", "Add tests for", "Speed up", "Document")) + " " + topic
    call = rows.add("tool_calls", session_id=sid, turn_id=tid, agent_id=None,
                    tool_use_id="toolu_%024x" % rng.getrandbits(96), tool_name="Bash", mcp_server=None,
                    mcp_tool=None, started_at=iso(t), ended_at=iso(t + dt.timedelta(milliseconds=300)),
                    duration_ms=300.0, status="ok", error=None, summary='git commit -m "%s"' % subject,
                    input=json.dumps({"command": 'git commit -m "%s"' % subject}), source="hook")
    rows.add("git_operations", session_id=sid, turn_id=tid, tool_call_id=call, operation="commit",
             command='git commit -m "%s"' % subject, result="[main %s] %s" % (sha[:7], subject),
             commit_sha=sha, at=iso(t))
    changed = [f.split("/", 5)[-1] for f in rng.sample(files, rng.randint(1, min(4, len(files))))]
    cid = rows.add("commits", project_id=pid, session_id=sid, sha=sha, author_name="Dev Eloper",
                   author_email="dev@example.com", committed_at=iso(t), subject=subject,
                   message=subject + "\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
                   files_changed=len(changed), lines_added=0, lines_removed=0,
                   by_claude=int(rng.random() < 0.85))
    commit = rows.tables["commits"][-1]
    for f in changed:
        added, removed = rng.randint(1, 80), rng.randint(0, 40)
        commit["lines_added"] += added
        commit["lines_removed"] += removed
        rows.add("commit_files", commit_id=cid, path=f, lines_added=added, lines_removed=removed)
