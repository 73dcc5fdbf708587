"""The repository's own history: commits and their files, linked to sessions.

Reads ``git log --numstat`` so that commits made during a session are seen
whether Claude made them or the user did elsewhere (another terminal, an
IDE). Merge commits carry no lines: their changes belong to the commits
they merge, so totals are not counted twice.
"""

import os
import re
import subprocess

from ..times import utc

#: ``git log`` over a long window of a big repository can take a while, but
#: a hung network filesystem must not stall the drain for good.
GIT_LOG_TIMEOUT_SECONDS = 30

_CLAUDE_TRAILER = re.compile(r"(?im)^co-authored-by:.*(?:\bclaude\b|noreply@anthropic\.com)")

_FIELDS = ("sha", "parents", "author_name", "author_email", "committed", "message")
_LOG_FORMAT = "%x1e" + "%x1f".join(("%H", "%P", "%an", "%ae", "%ct", "%B")) + "%x1f"


def _git_date(text):
    """Our ISO time (or a date) as a date git parses exactly, in UTC."""
    from datetime import datetime, timezone

    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000")


def _git_log(repo_path, since, until):
    if not repo_path or not os.path.isdir(repo_path):
        return None
    args = ["git", "-C", repo_path, "-c", "core.quotepath=off", "-c", "log.showSignature=false",
            "log", "HEAD", "--branches", "--numstat", "--no-renames", "--no-color", "--no-ext-diff",
            "--format=" + _LOG_FORMAT]
    if since:
        args.append("--since=" + _git_date(since))
    if until:
        args.append("--until=" + _git_date(until))
    try:
        done = subprocess.run(
            args, capture_output=True, timeout=GIT_LOG_TIMEOUT_SECONDS,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"},
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if done.returncode != 0:
        return None  # not a repository, or one without commits yet
    return done.stdout.decode("utf-8", "replace")


def _unquote(path):
    """Undo git's C-style quoting of unusual paths (``"a\\tb"``)."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def parse_log(output):
    """Commits (dicts) from ``git log --numstat`` with ``_LOG_FORMAT``."""
    commits = []
    for chunk in output.split("\x1e")[1:]:
        parts = chunk.split("\x1f")
        if len(parts) < len(_FIELDS) + 1:
            continue
        commit = dict(zip(_FIELDS, parts))
        message = commit["message"].strip()
        files = {}
        for line in parts[len(_FIELDS)].splitlines():
            cols = line.split("\t", 2)
            if len(cols) != 3:
                continue
            added = int(cols[0]) if cols[0].isdigit() else 0  # "-" for binary files
            removed = int(cols[1]) if cols[1].isdigit() else 0
            path = _unquote(cols[2])
            old = files.get(path, (0, 0))
            files[path] = (old[0] + added, old[1] + removed)
        commit.update(
            committed_at=utc.from_epoch(int(commit["committed"])),
            subject=message.split("\n", 1)[0],
            message=message,
            files=files,
            by_claude=int(bool(_CLAUDE_TRAILER.search(message))),
        )
        commits.append(commit)
    return commits


def sync_commits(conn, *, project_id, repo_path, since, until=None, privacy=None):
    """Store the repository's commits since ``since`` and link each to its session.

    A commit belongs to the session whose git operations made it, else to
    the project's session whose window (start to end, or last event while
    open) holds its commit time, the latest started winning. Merge commits
    carry no lines: their changes are counted in the commits they merge.
    Returns the number of commits read; 0 without a repository (no error).
    """
    output = _git_log(repo_path, since, until)
    if not output:
        return 0
    commits = parse_log(output)
    if privacy is None:
        from ..privacy.policy import Privacy

        privacy = Privacy(None)  # full: redacted
    with conn:
        for c in commits:
            _store_commit(conn, project_id, c, privacy)
    return len(commits)


_COMMIT_COLUMNS = ("session_id", "author_name", "author_email", "committed_at", "subject", "message",
                   "files_changed", "lines_added", "lines_removed", "by_claude")


def _store_commit(conn, project_id, c, privacy):
    """Insert or refresh one commit and its files; an unchanged commit is not touched.

    Not an UPSERT: SQLite applies an UPSERT's conflict policy to the
    ``insert or ignore`` of the search triggers, which then fail.
    """
    # Written text and who wrote it pass the privacy layer like any other content.
    subject, message, author_name, author_email = privacy.commit(
        c["subject"], c["message"], c["author_name"], c["author_email"])
    values = dict(
        session_id=_session_for(conn, project_id, c["sha"], c["committed_at"]),
        author_name=author_name, author_email=author_email,
        committed_at=c["committed_at"], subject=subject, message=message,
        files_changed=len(c["files"]),
        lines_added=sum(a for a, _ in c["files"].values()),
        lines_removed=sum(r for _, r in c["files"].values()),
        by_claude=c["by_claude"],
    )
    row = conn.execute(
        "select id, %s from commits where project_id = ? and sha = ?" % ", ".join(_COMMIT_COLUMNS),
        (project_id, c["sha"]),
    ).fetchone()
    if row is None:
        conn.execute(
            "insert into commits (project_id, sha, %s) values (?, ?, %s)"
            % (", ".join(_COMMIT_COLUMNS), ", ".join("?" * len(_COMMIT_COLUMNS))),
            (project_id, c["sha"], *values.values()),
        )
        commit_id = conn.last_insert_rowid()
    else:
        commit_id = row[0]
        if tuple(row[1:]) == tuple(values.values()):
            return
        conn.execute(
            "update commits set %s where id = ?" % ", ".join("%s = ?" % k for k in _COMMIT_COLUMNS),
            (*values.values(), commit_id),
        )
        conn.execute("delete from commit_files where commit_id = ?", (commit_id,))
    conn.executemany(
        "insert into commit_files (commit_id, path, lines_added, lines_removed) values (?, ?, ?, ?)",
        [(commit_id, path, a, r) for path, (a, r) in sorted(c["files"].items())],
    )


def _session_for(conn, project_id, sha, committed_at):
    row = conn.execute(
        "select g.session_id from git_operations g join sessions s on s.id = g.session_id"
        " where s.project_id = ? and length(g.commit_sha) >= 7 and ? like g.commit_sha || '%'"
        " order by g.id desc limit 1",
        (project_id, sha),
    ).fetchone()
    if row:
        return row[0]
    row = conn.execute(
        "select id from sessions where project_id = ? and started_at <= ?"
        " and coalesce(ended_at, last_event_at) >= ? order by started_at desc, id desc limit 1",
        (project_id, committed_at, committed_at),
    ).fetchone()
    return row[0] if row else None
