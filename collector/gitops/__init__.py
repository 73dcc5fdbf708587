"""Git: which git operations a Bash call ran, and the commits a repository made.

Claude Code has no git hook of its own: a commit is a ``Bash`` call whose
command runs ``git commit`` and whose stdout starts ``[branch sha] subject``.
``classify`` reads the command with a small shell lexer (quotes, heredocs,
``$(...)``, ``&&``/``;``/pipes, env prefixes, ``git -C dir``) so that
``echo "git commit"`` or ``grep git`` are not mistaken for git.
``sync_commits`` then reads the repository's own history, which also sees
commits the user made elsewhere while the session ran.
"""

import re

from .history import GIT_LOG_TIMEOUT_SECONDS, parse_log, sync_commits
from .shell import classify

__all__ = ["classify", "parse_commit_output", "record_operations", "sync_commits", "parse_log",
           "GIT_LOG_TIMEOUT_SECONDS"]

#: Command output kept per git operation; the whole output stays in raw_events.
RESULT_MAX_CHARS = 2000

#: Operations whose stdout carries ``[branch sha] subject`` for the commit they made.
COMMITTING = ("commit", "cherry-pick", "revert")

_COMMIT_LINE = re.compile(
    r"^\[(?P<branch>[^\]\n]+?)(?: \(root-commit\))? (?P<sha>[0-9a-f]{7,40})\] ?(?P<subject>.*)$",
    re.M,
)


def parse_commit_output(stdout):
    """``(branch, short_sha, subject)`` from git's ``[branch sha] subject`` line, or None.

    Also ``[branch (root-commit) sha]`` and ``[detached HEAD sha]``; the line
    may follow other output (``git add -v && git commit``).
    """
    if not stdout:
        return None
    match = _COMMIT_LINE.search(stdout)
    if not match:
        return None
    return match["branch"], match["sha"], match["subject"].strip()


# --- recording ----------------------------------------------------------------------


def _result_text(result):
    """Text of a tool result: Bash's ``tool_response`` (stdout, stderr) or an error string."""
    if result is None:
        return None
    if isinstance(result, dict):
        parts = [result.get("stdout"), result.get("stderr")]
        text = "\n".join(p for p in parts if isinstance(p, str) and p)
    else:
        text = str(result)
    return text[:RESULT_MAX_CHARS]


def record_operations(conn, *, session_id, turn_id, tool_call_id, command, result, at, ops=None):
    """Insert one ``git_operations`` row per git operation of a Bash call.

    ``result`` is the Bash ``tool_response`` (dict with stdout/stderr), an
    error text, or None while the call runs. Re-recording the same call
    fills in what was missing and adds nothing. Returns the operations.
    ``ops``: ``classify(command)`` when the caller already has it.
    """
    ops = classify(command) if ops is None else ops
    if not ops:
        return []
    text = _result_text(result)
    parsed = parse_commit_output(text)
    sha_op = next((op for op in ops if op in COMMITTING), None) if parsed else None
    with conn:
        for op in ops:
            sha = parsed[1] if op == sha_op else None
            if tool_call_id is None and conn.execute(
                "select 1 from git_operations where tool_call_id is null and session_id = ?"
                " and operation = ? and command is ? and at is ?",
                (session_id, op, command, at),
            ).fetchone():
                continue
            conn.execute(
                "insert into git_operations (session_id, turn_id, tool_call_id, operation, command,"
                " result, commit_sha, at) values (?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (tool_call_id, operation) do update set"
                " result = coalesce(excluded.result, result),"
                " commit_sha = coalesce(excluded.commit_sha, commit_sha),"
                " turn_id = coalesce(turn_id, excluded.turn_id), at = coalesce(at, excluded.at)",
                (session_id, turn_id, tool_call_id, op, command, text, sha, at),
            )
    return ops
