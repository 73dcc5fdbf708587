"""Three shapes of history the dashboard must read well, built the way users get them.

- ``one``: one real session today (the shared ``spotter/subagent.jsonl`` transcript, its
  times moved to end ten minutes ago), imported;
- ``sparse``: the seven shared real sessions as they are (2025-09 .. 2026-02) and one more
  (``tool_heavy.jsonl`` under a new session id, moved to 2026-03-10): eight sessions over six
  months, imported;
- ``demo``: ``cctracker serve --demo``'s database (42 days ending today).
"""

import datetime as dt
import json
import re
import shutil

from collector import config as config_mod
from collector.ingest import importer
from collector.serve import demo
from collector.storage import db

from conftest import TRANSCRIPTS

SHAPES = ["one", "sparse", "demo"]
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
EXTRA_SESSION = "0c0ffee0-1111-4222-8333-944455556666"


def _shift(src, dst, delta, session=None):
    """Copy a transcript with every timestamp moved by ``delta`` (and its session id replaced)."""
    out = []
    for line in src.read_text().splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            out.append(line)
            continue
        if isinstance(obj, dict):
            obj = _moved(obj, delta)
            if session:
                # A copy is another session: its ids must not collide with the original's
                # (messages and API responses are deduplicated by them).
                for key in ("sessionId", "uuid", "parentUuid", "requestId", "leafUuid"):
                    if isinstance(obj.get(key), str):
                        obj[key] = session if key == "sessionId" else obj[key][:-4] + "c0de"
                message = obj.get("message")
                if isinstance(message, dict) and isinstance(message.get("id"), str):
                    message["id"] += "-copy"
        out.append(json.dumps(obj))
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("\n".join(out) + "\n")


def _moved(value, delta):
    """``value`` with every ISO time in it (nested ones too: snapshots, tool results) moved."""
    if isinstance(value, dict):
        return {k: _moved(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, delta) for v in value]
    if isinstance(value, str) and _ISO.match(value):
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) + delta
        return at.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (at.microsecond // 1000)
    return value


def _last_time(path):
    times = [json.loads(line).get("timestamp") for line in path.read_text().splitlines() if line.strip()]
    return max(dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times if isinstance(t, str))


def shared_projects(root):
    """The shared transcripts laid out as ~/.claude/projects (as test_tokens_ccusage does)."""
    projects = root / "projects"
    shutil.copytree(TRANSCRIPTS / "spotter", projects / "-home-marco-projects-spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", projects / "-path-to-Demo")
    return projects


def build(shape, root):
    """A database of ``shape`` under ``root``; returns its path."""
    path = config_mod.load(str(root / "home")).db_path
    if shape == "demo":
        demo.build_demo(path, days=42, seed=1)
        return path
    if shape == "one":
        src = TRANSCRIPTS / "spotter" / "subagent.jsonl"
        now = dt.datetime.now(dt.timezone.utc)
        projects = root / "projects"
        _shift(src, projects / "-home-me-projects-spotter" / "subagent.jsonl",
               now - dt.timedelta(minutes=10) - _last_time(src))
    else:
        projects = shared_projects(root)
        src = TRANSCRIPTS / "spotter" / "tool_heavy.jsonl"
        target = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.timezone.utc)
        _shift(src, projects / "-home-marco-projects-spotter" / ("%s.jsonl" % EXTRA_SESSION),
               target - _last_time(src), session=EXTRA_SESSION)
    conn = db.connect(path)
    try:
        importer.import_paths(conn, [str(projects)], workers=0)
    finally:
        conn.close()
    return path
