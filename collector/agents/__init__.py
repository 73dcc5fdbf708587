"""Session files of coding agents other than Claude Code.

Each reader turns one agent's session file into the same
:class:`collector.transcripts.reader.Batch` the Claude Code parser makes, so the
one session model (``transcripts.store``) stores every agent's sessions:
prompts, replies, reasoning, tool calls, turns and token usage, with the
session's ``agent`` set. Formats: shared/reference/other-agents.md.

- :mod:`.codex`: OpenAI Codex rollouts (``$CODEX_HOME/sessions/**/rollout-*.jsonl``)
- :mod:`.gemini`: Gemini CLI chats (``~/.gemini/tmp/<project>/chats/session-*.json[l]``)
"""

import os

# The names live in .common, which the readers import (no import cycle with this module).
from .common import AGENTS, CLAUDE, CODEX, GEMINI  # noqa: F401  (re-exported)


def agent_of(path):
    """Which agent wrote a session file: by its name and folder, else its first bytes."""
    name = os.path.basename(path)
    if name.endswith(".jsonl") and (name.startswith("rollout-") or name == "rollout.jsonl"):
        return CODEX
    parts = path.replace(os.sep, "/").split("/")
    if name.endswith((".json", ".jsonl")) and "chats" in parts[-3:-1]:
        return GEMINI
    if not name.endswith((".json", ".jsonl")):
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    if b'"type":"session_meta"' in head.replace(b" ", b"") and head.lstrip().startswith(b"{"):
        return CODEX
    if b'"projectHash"' in head and b'"sessionId"' in head:
        return GEMINI
    return None


def parse_file(path, offset=0):
    """``(batch, new_offset)`` for another agent's file, or None for a Claude Code transcript."""
    agent = agent_of(path)
    if agent == CODEX:
        from . import codex

        return codex.parse_file(path, offset)
    if agent == GEMINI:
        from . import gemini

        return gemini.parse_file(path, offset)
    return None


def codex_home(environ=None):
    environ = os.environ if environ is None else environ
    return os.path.expanduser(environ.get("CODEX_HOME", "").strip() or "~/.codex")


def gemini_home(environ=None):
    """``$GEMINI_CLI_HOME/.gemini`` when set (as the CLI does), else ``~/.gemini``."""
    environ = os.environ if environ is None else environ
    base = environ.get("GEMINI_CLI_HOME", "").strip()
    return os.path.join(os.path.expanduser(base), ".gemini") if base else os.path.expanduser("~/.gemini")


def default_roots(environ=None):
    """Where the other agents keep sessions, whether or not the folders exist."""
    codex = codex_home(environ)
    return [os.path.join(codex, "sessions"), os.path.join(codex, "archived_sessions"),
            os.path.join(gemini_home(environ), "tmp")]


def wanted(folder, name):
    """Whether ``find_files`` should read a non-``.jsonl`` file: Gemini's legacy ``.json`` chats."""
    return (name.endswith(".json") and name.startswith("session-")
            and os.path.basename(folder) == "chats")

