"""Git operations and commits read from a transcript's Bash calls.

A transcript keeps every Bash call's command and output, so the commits a
session made are there even when no hook saw them: the operation is
recorded as live capture records it (:func:`gitops.record_operations`, keyed
by the tool call, so a hook copy and a re-read add nothing), and the commit
git printed (``[branch sha] subject`` and ``N files changed, X insertions(+),
Y deletions(-)``) becomes a ``commits`` row with its short sha. When the
repository still exists locally, :func:`link_history` reads its own history
for the sessions' time range, the way the drain does for live sessions, and
the full commit replaces the short one.
"""

import re

from .. import gitops

_STAT = re.compile(
    r"^\s*(\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?", re.M)
#: The trailer Claude Code puts in the commits it writes.
_BY_CLAUDE = re.compile(r"Co-Authored-By: Claude|Generated with \[Claude Code\]", re.I)


def output_text(response, block_text):
    """What a Bash call printed: ``toolUseResult``'s stdout (2.x) or the result block's text."""
    if isinstance(response, dict):
        parts = [response.get(k) for k in ("stdout", "stderr")]
        text = "\n".join(p for p in parts if isinstance(p, str) and p)
        if text:
            return text
    return block_text if isinstance(block_text, str) else None


def parse_commit(output):
    """``{sha, subject, branch, files_changed, lines_added, lines_removed}`` of git commit's output, or None."""
    parsed = gitops.parse_commit_output(output)
    if parsed is None:
        return None
    branch, sha, subject = parsed
    stat = _STAT.search(output)
    return {"sha": sha, "subject": subject, "branch": branch,
            "files_changed": int(stat[1]) if stat else 0,
            "lines_added": int(stat[2] or 0) if stat else 0,
            "lines_removed": int(stat[3] or 0) if stat else 0}


def record(conn, *, session_id, project_id, turn_id, tool_call_id, command, output, at):
    """Record one finished Bash call's git operations and the commit it made; returns the commit or None."""
    ops = gitops.classify(command)
    if not ops:
        return None
    gitops.record_operations(conn, session_id=session_id, turn_id=turn_id, tool_call_id=tool_call_id,
                             command=command, result=output, at=at, ops=ops)
    commit = parse_commit(output) if any(op in gitops.COMMITTING for op in ops) else None
    if commit is None or project_id is None:
        return commit
    known = conn.execute(
        "select id from commits where project_id = ? and (sha = ? or sha like ? || '%')",
        (project_id, commit["sha"], commit["sha"])).fetchone()
    if known is None:
        conn.execute(
            "insert into commits (project_id, session_id, sha, committed_at, subject, message,"
            " files_changed, lines_added, lines_removed, by_claude) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (project_id, session_id, commit["sha"], at, commit["subject"], commit["subject"],
             commit["files_changed"], commit["lines_added"], commit["lines_removed"],
             int(bool(_BY_CLAUDE.search(command)))))
    return commit


def link_history(conn, windows):
    """Read each local repository's history for the imported sessions' time range.

    ``windows``: project_id -> (since, until). Commits git knows replace the
    short-sha rows read from the output (same commit, now with author, files
    and the full sha). Run outside the import's write transaction: git log
    can take seconds.
    """
    read = 0
    for project_id, (since, until) in windows.items():
        project = conn.execute("select path, is_git from projects where id = ?", (project_id,)).fetchone()
        if not project or not project[1]:
            continue
        read += gitops.sync_commits(conn, project_id=project_id, repo_path=project[0], since=since,
                                    until=until)
        with conn:
            conn.execute(
                "delete from commits where project_id = ? and length(sha) < 40 and exists"
                " (select 1 from commits c where c.project_id = commits.project_id"
                "  and length(c.sha) = 40 and c.sha like commits.sha || '%')", (project_id,))
    return read
