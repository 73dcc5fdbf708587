"""Commits made during a session, in a real repository, linked by the drain."""

import os
import subprocess

import pytest

from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.sessions import projects
from collector.storage import db

from replay import run_hook

SESSION = "git-session-0001"


def git(repo, *args, date=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "dana@example.com",
           "GIT_COMMITTER_NAME": "Dana", "GIT_COMMITTER_EMAIL": "dana@example.com"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "shop"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "app.py").write_text("a = 1\n")
    git(path, "add", "app.py")
    git(path, "commit", "-q", "-m", "Before the session", date="2030-01-01T09:00:00Z")
    projects.forget_cache()
    yield path
    projects.forget_cache()


def event(repo, name, **fields):
    return {"session_id": SESSION, "cwd": str(repo), "hook_event_name": name, **fields}


def test_commits_during_session_are_linked_with_lines(home, repo):
    run_hook(event(repo, "SessionStart", source="startup"), home, at="2030-01-01T10:00:00Z")
    run_hook(event(repo, "UserPromptSubmit", prompt="add a price module and commit"), home,
             at="2030-01-01T10:00:10Z")
    # Claude commits: 3 new lines in price.py, app.py changed by one line.
    (repo / "price.py").write_text("def price(x):\n    return round(x, 2)\n\n")
    (repo / "app.py").write_text("a = 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add price module\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
        date="2030-01-01T10:05:00Z")
    sha = git(repo, "rev-parse", "--short", "HEAD").strip()
    command = "git add -A && git commit -m 'Add price module'"
    run_hook(event(repo, "PreToolUse", tool_name="Bash", tool_use_id="toolu_c1", tool_input={"command": command}),
             home, at="2030-01-01T10:04:59Z")
    run_hook(event(repo, "PostToolUse", tool_name="Bash", tool_use_id="toolu_c1", tool_input={"command": command},
                   tool_response={"stdout": "[main %s] Add price module\n 2 files changed" % sha, "stderr": ""}),
             home, at="2030-01-01T10:05:01Z")
    run_hook(event(repo, "Stop"), home, at="2030-01-01T10:05:30Z")
    config = config_mod.load()
    conn = db.connect(config.db_path)
    drain_once(conn, config)

    # The user commits elsewhere while the session is still open.
    (repo / "README.md").write_text("shop\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "Docs", date="2030-01-01T10:20:00Z")
    run_hook(event(repo, "SessionEnd", reason="prompt_input_exit"), home, at="2030-01-01T10:30:00Z")
    drain_once(conn, config)

    project = db.one(conn, "select name, path, is_git, git_branch from projects")
    assert project == {"name": "shop", "path": str(repo), "is_git": 1, "git_branch": "main"}
    session_id = db.scalar(conn, "select id from sessions")
    commits = db.rows(conn, "select subject, session_id, files_changed, lines_added, lines_removed, by_claude,"
                            " committed_at from commits order by committed_at")
    # The commit before the session is not read (history is read from the session's start).
    assert commits == [
        {"subject": "Add price module", "session_id": session_id, "files_changed": 2, "lines_added": 4,
         "lines_removed": 1, "by_claude": 1, "committed_at": "2030-01-01T10:05:00.000000Z"},
        {"subject": "Docs", "session_id": session_id, "files_changed": 1, "lines_added": 1,
         "lines_removed": 0, "by_claude": 0, "committed_at": "2030-01-01T10:20:00.000000Z"},
    ]
    op = db.one(conn, "select operation, commit_sha from git_operations where operation = 'commit'")
    assert op == {"operation": "commit", "commit_sha": sha}


def test_session_outside_a_repository_records_no_commits(home, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    run_hook(event(folder, "SessionStart", source="startup"), home, at="2030-01-01T10:00:00Z")
    run_hook(event(folder, "PostToolUse", tool_name="Bash", tool_use_id="t1",
                   tool_input={"command": "git commit -m x"}, tool_response={"stdout": "", "stderr": ""}),
             home, at="2030-01-01T10:00:05Z")
    run_hook(event(folder, "SessionEnd", reason="other"), home, at="2030-01-01T10:01:00Z")
    config = config_mod.load()
    conn = db.connect(config.db_path)
    stats = drain_once(conn, config)
    assert stats["failed"] == 0
    assert db.scalar(conn, "select count(*) from commits") == 0
    assert db.one(conn, "select is_git, name from projects") == {"is_git": 0, "name": "notes"}
