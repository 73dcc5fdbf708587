"""Shared fixtures: every test gets its own CCTRACKER_HOME."""

import os
import pathlib
import socket
import sys
import time

import pytest
from hypothesis import settings

# Property tests run derandomized in CI (the same examples on every run: a failure there is the
# code's, not the draw's); tests/test_fuzz.py pins its own, and benchmarks/fuzz.py runs it long
# and random. HYPOTHESIS_PROFILE picks a profile explicitly.
settings.register_profile("dev")
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))

# Days and hours are local (collector.times.local). The hand-computed days in
# the tests are UTC ones: pin the zone for this process and every server it
# starts, whatever the machine's; tests/test_local_days.py sets others.
os.environ["TZ"] = "UTC"
time.tzset()

#: The api_server fixture (a real waitress server) for every test file.
pytest_plugins = ["api_server"]

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
HOOK_FIXTURES = SHARED / "fixtures" / "hooks"
TRANSCRIPTS = SHARED / "fixtures" / "transcripts"
AGENT_FIXTURES = SHARED / "fixtures" / "agents"
PYTHON = sys.executable


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """A private data directory for each test."""
    path = tmp_path / "cctracker-home"
    monkeypatch.setenv("CCTRACKER_HOME", str(path))
    monkeypatch.delenv("CCTRACKER_EVENT_TIME", raising=False)
    monkeypatch.delenv("CCTRACKER_TOKEN", raising=False)
    # No test may read or touch the real ~/.claude.
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-config"))
    # Nor the real ~/.codex and ~/.gemini (import reads them by default).
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home"))
    monkeypatch.setenv("GEMINI_CLI_HOME", str(tmp_path / "gemini-cli-home"))
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def port():
    return free_port()
