"""Replay recorded hook payloads through the real hook script, as Claude Code would.

Each payload is piped to ``python -I -S hooks/hook.py`` in its own process,
with ``CCTRACKER_EVENT_TIME`` set from the payload's ``_at`` (the fire time
the fixture recorded), which is removed from the payload first.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "hooks" / "hook.py"


def run_hook(payload, home, at=None, env=None):
    """Run the real hook once with ``payload`` (dict, str or bytes) on stdin."""
    if isinstance(payload, dict):
        payload = json.dumps(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    environ = {"PATH": os.environ.get("PATH", ""), "CCTRACKER_HOME": str(home), **(env or {})}
    if at:
        environ["CCTRACKER_EVENT_TIME"] = at
    return subprocess.run(
        [sys.executable, "-I", "-S", str(HOOK)], input=payload, env=environ,
        capture_output=True, timeout=30,
    )


def replay(lines, home, env=None):
    """Replay an iterable of payload dicts that carry ``_at``; returns how many ran."""
    count = 0
    for payload in lines:
        payload = dict(payload)
        at = payload.pop("_at", None)
        done = run_hook(payload, home, at=at, env=env)
        assert done.returncode == 0 and done.stdout == b"", done
        count += 1
    return count


def load_stream(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
