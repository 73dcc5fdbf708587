"""What every agent reader shares: the agent names and how typed input is recorded."""

from ..transcripts.lines import classify_typed_prompt

CLAUDE = "claude-code"
CODEX = "codex"
GEMINI = "gemini"

#: Every agent the tracker knows, in display order. The schema takes any
#: string: a new agent needs a reader in this package, not a migration.
AGENTS = (CLAUDE, CODEX, GEMINI)


def add_typed(batch, session_uuid, uid, text, at, agent_id=None, context=None):
    """What a user typed, by the transcripts' own rules: a ``/command`` is a command,
    ``<tag>`` blocks split off as context; a prompt or a command on the main thread
    opens a turn. Returns the stored text (None when nothing was typed)."""
    kind, value, blocks = classify_typed_prompt(text)
    blocks = list(blocks or ()) + ([context] if context else [])
    if blocks:
        batch.messages.append((uid + ":context", session_uuid, agent_id, "user", "context",
                               "\n\n".join(blocks), at, None))
    if kind not in ("prompt", "command") or not value or not value.strip():
        return None
    batch.messages.append((uid, session_uuid, agent_id, "user", kind, value, at, None))
    if agent_id is None:
        batch.turns.append({"session": session_uuid, "uid": uid, "started_at": at,
                            "ended_at": at, "end_kind": None})
    return value
