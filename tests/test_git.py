"""Git operations from Bash commands, and commits read from a real repository."""

import json
import os
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector import gitops
from collector.storage import db

from conftest import HOOK_FIXTURES

FIXTURE_COMMAND = json.loads((HOOK_FIXTURES / "pre_tool_use_bash.json").read_text())["tool_input"][
    "command"
]
FIXTURE_STDOUT = (
    "[fix/invoice-rounding 4e1b9d2] Fix half-cent rounding in multi-currency invoice totals\n"
    " 3 files changed, 10 insertions(+), 2 deletions(-)\n create mode 100644 tests/test_money.py"
)


@pytest.mark.parametrize(
    "command, expected",
    [
        (FIXTURE_COMMAND, ["add", "commit"]),
        ("git status --short && git diff --stat", ["status", "diff"]),
        ('echo "git commit -m x"', []),
        ("grep -rn git src/", []),
        ("ls # git push", []),
        ("cd repo && git -C sub push origin main", ["push"]),
        ("GIT_AUTHOR_NAME=x GIT_DIR=.git git commit -m y", ["commit"]),
        ("git log --oneline | head -5", ["log"]),
        ("git log > out.txt 2>&1; git diff HEAD~1", ["log", "diff"]),
        ("git -c core.pager=cat --no-pager show HEAD", ["show"]),
        ("git --git-dir .git --work-tree . fetch --all", ["fetch"]),
        ("bash -c 'git pull --rebase origin main'", ["pull"]),
        ("if git diff --quiet; then git stash push; fi", ["diff", "stash"]),
        ('git commit -m "fix: a && git push"', ["commit"]),
        ("echo $(git rev-parse --short HEAD)", ["rev-parse"]),
        ("sudo -u dana git checkout -b feature", ["checkout"]),
        ("env -i PATH=/usr/bin git merge --no-ff topic", ["merge"]),
        ("timeout 30 git clone https://example.com/r.git", ["clone"]),
        ("cat <<EOF > notes.txt\ngit push --force\nEOF\ngit tag v1.0", ["tag"]),
        ("git switch main; git rebase -i HEAD~3 || git rebase --abort", ["switch", "rebase"]),
        ("git cherry-pick abc123 && git revert --no-edit def456", ["cherry-pick", "revert"]),
        ("git reset --hard HEAD~1 &>/dev/null", ["reset"]),
        ("(cd sub && git branch -a)", ["branch"]),
        ("find . -name '*.py' | xargs -n1 git add", ["add"]),
        ("/usr/bin/git push --tags", ["push"]),
        ("git", []),
        ("git --version", []),
        ("command -v git && which git", []),
        ("for f in *.py; do git add \"$f\"; done", ["add"]),
        ("[ -d .git ] && git status", ["status"]),
        ('test -n "$(git status --porcelain)" || echo clean', ["status"]),
        ("git commit -F - <<'MSG'\nfix: git push later\nMSG\ngit push", ["commit", "push"]),
        ("git -C '/path with space' log \\\n  --oneline", ["log"]),
        ('git commit -m "unterminated', ["commit"]),
        ("$(" * 5000, []),
        ("python -m pytest -q tests/test_invoice.py", []),
        ("", []),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_classify_finds_git_operations_in_command_shapes(command, expected):
    assert gitops.classify(command) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("git commit push $()`'\"<>|&;\\\n#-=EOF ab")), max_size=80))
def test_classify_never_raises_on_any_text(command):
    assert isinstance(gitops.classify(command), list)


@pytest.mark.parametrize(
    "stdout, expected",
    [
        (FIXTURE_STDOUT, ("fix/invoice-rounding", "4e1b9d2",
                          "Fix half-cent rounding in multi-currency invoice totals")),
        ("[main (root-commit) 0a1b2c3] Initial commit\n 1 file changed", ("main", "0a1b2c3", "Initial commit")),
        ("[detached HEAD 9f8e7d6] Try", ("detached HEAD", "9f8e7d6", "Try")),
        ("add 'a.py'\n[main 1234567] After add -v", ("main", "1234567", "After add -v")),
        ("On branch main\nnothing to commit, working tree clean", None),
        ("", None),
    ],
    ids=["fixture", "root-commit", "detached", "after-other-output", "nothing", "empty"],
)
def test_parse_commit_output_reads_branch_sha_subject(stdout, expected):
    assert gitops.parse_commit_output(stdout) == expected


# --- database helpers -------------------------------------------------------------


@pytest.fixture
def conn(tmp_path):
    connection = db.connect(str(tmp_path / "t.db"))
    yield connection
    connection.close()


def add_project(conn, path):
    conn.execute("insert into projects (name, path, is_git) values (?, ?, 1)", (os.path.basename(path), path))
    return conn.last_insert_rowid()


def add_session(conn, project_id, uuid, started, ended=None, last=None):
    conn.execute(
        "insert into sessions (session_uuid, project_id, started_at, ended_at, last_event_at, status)"
        " values (?, ?, ?, ?, ?, ?)",
        (uuid, project_id, started, ended, last or ended or started, "ended" if ended else "active"),
    )
    return conn.last_insert_rowid()


def add_tool_call(conn, session_id, tool_use_id):
    conn.execute(
        "insert into tool_calls (session_id, tool_use_id, tool_name, status, source)"
        " values (?, ?, 'Bash', 'ok', 'hook')",
        (session_id, tool_use_id),
    )
    return conn.last_insert_rowid()


def test_record_operations_stores_commit_sha_once(conn):
    project = add_project(conn, "/home/dana/src/acme-billing")
    session = add_session(conn, project, "s1", "2026-03-02T09:00:00.412000Z")
    call = add_tool_call(conn, session, "toolu_01Q8mZt3VhKcR7nW2pLx5sYd")
    at = "2026-03-02T09:14:22.805000Z"
    response = {"stdout": FIXTURE_STDOUT, "stderr": "", "interrupted": False}
    for _ in range(2):
        ops = gitops.record_operations(conn, session_id=session, turn_id=None, tool_call_id=call,
                                       command=FIXTURE_COMMAND, result=response, at=at)
    assert ops == ["add", "commit"]
    rows = db.rows(conn, "select operation, commit_sha, result, at from git_operations order by id")
    assert rows == [
        {"operation": "add", "commit_sha": None, "result": FIXTURE_STDOUT, "at": at},
        {"operation": "commit", "commit_sha": "4e1b9d2", "result": FIXTURE_STDOUT, "at": at},
    ]


def test_record_operations_fills_result_when_call_finishes(conn):
    project = add_project(conn, "/p")
    session = add_session(conn, project, "s1", "2026-03-02T09:00:00.000000Z")
    call = add_tool_call(conn, session, "toolu_1")
    kwargs = dict(session_id=session, turn_id=None, tool_call_id=call, command="git commit -m x",
                  at="2026-03-02T09:01:00.000000Z")
    gitops.record_operations(conn, result=None, **kwargs)
    gitops.record_operations(conn, result="[main abcdef1] x\n", **kwargs)
    assert db.rows(conn, "select operation, commit_sha from git_operations") == [
        {"operation": "commit", "commit_sha": "abcdef1"}
    ]


def test_record_operations_ignores_commands_without_git(conn):
    project = add_project(conn, "/p")
    session = add_session(conn, project, "s1", "2026-03-02T09:00:00.000000Z")
    call = add_tool_call(conn, session, "toolu_1")
    assert gitops.record_operations(conn, session_id=session, turn_id=None, tool_call_id=call,
                                    command='echo "git push"', result={"stdout": "git push"},
                                    at=None) == []
    assert db.scalar(conn, "select count(*) from git_operations") == 0


# --- a real repository --------------------------------------------------------------


def git(repo, *args, when=None, author=("Dana", "dana@example.com")):
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def commit(repo, when, message, files=None, remove=()):
    for name, content in (files or {}).items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    for name in remove:
        (repo / name).unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, when=when)


def lines(n, prefix="line"):
    return "".join("%s %d\n" % (prefix, i) for i in range(n))


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, "2026-03-02T08:00:00+00:00", "Before the session", {"a.txt": lines(3)})
    return path


CLAUDE_MESSAGE = "Fix rounding\n\nBody text.\n\nCo-Authored-By: Claude <noreply@anthropic.com>"


def test_sync_commits_links_commits_in_session_window(conn, repo):
    project = add_project(conn, str(repo))
    session = add_session(conn, project, "s1", "2026-03-02T09:00:00.412000Z",
                          ended="2026-03-02T09:30:00.000000Z")
    # Claude edits a.txt: 3 lines -> first line changed, 2 appended.
    commit(repo, "2026-03-02T09:14:22+00:00", CLAUDE_MESSAGE,
           {"a.txt": "changed\n" + lines(3)[len("line 0\n"):] + "x\ny\n", "b.py": lines(4)})
    commit(repo, "2026-03-02T09:20:00+01:00", "User commit elsewhere", {"c.txt": lines(1)})
    commit(repo, "2026-03-02T11:00:00+00:00", "After the session", {"d.txt": lines(2)})

    assert gitops.sync_commits(conn, project_id=project, repo_path=str(repo),
                               since="2026-03-02T07:00:00.000000Z") == 4

    got = db.rows(conn, "select session_id, committed_at, subject, files_changed, lines_added,"
                        " lines_removed, by_claude, author_name from commits order by committed_at")
    assert got == [
        {"session_id": None, "committed_at": "2026-03-02T08:00:00.000000Z", "subject": "Before the session",
         "files_changed": 1, "lines_added": 3, "lines_removed": 0, "by_claude": 0, "author_name": "Dana"},
        # 09:20+01:00 is 08:20 UTC: before the session started.
        {"session_id": None, "committed_at": "2026-03-02T08:20:00.000000Z", "subject": "User commit elsewhere",
         "files_changed": 1, "lines_added": 1, "lines_removed": 0, "by_claude": 0, "author_name": "Dana"},
        {"session_id": session, "committed_at": "2026-03-02T09:14:22.000000Z", "subject": "Fix rounding",
         "files_changed": 2, "lines_added": 7, "lines_removed": 1, "by_claude": 1, "author_name": "Dana"},
        {"session_id": None, "committed_at": "2026-03-02T11:00:00.000000Z", "subject": "After the session",
         "files_changed": 1, "lines_added": 2, "lines_removed": 0, "by_claude": 0, "author_name": "Dana"},
    ]
    assert db.scalar(conn, "select message from commits where by_claude = 1") == CLAUDE_MESSAGE
    assert db.rows(conn, "select path, f.lines_added, f.lines_removed from commit_files f join commits c"
                         " on c.id = f.commit_id where c.by_claude = 1 order by path") == [
        {"path": "a.txt", "lines_added": 3, "lines_removed": 1},
        {"path": "b.py", "lines_added": 4, "lines_removed": 0},
    ]


def test_sync_commits_since_session_start_skips_older_commits(conn, repo):
    project = add_project(conn, str(repo))
    add_session(conn, project, "s1", "2026-03-02T09:00:00.412000Z", last="2026-03-02T09:40:00.000000Z")
    commit(repo, "2026-03-02T09:10:00+00:00", "During", {"b.txt": "b\n"})
    assert gitops.sync_commits(conn, project_id=project, repo_path=str(repo),
                               since="2026-03-02T09:00:00.412000Z") == 1
    assert db.rows(conn, "select subject, session_id from commits") == [{"subject": "During", "session_id": 1}]


def test_sync_commits_is_idempotent(conn, repo):
    project = add_project(conn, str(repo))
    add_session(conn, project, "s1", "2026-03-02T07:30:00.000000Z", ended="2026-03-02T10:00:00.000000Z")
    commit(repo, "2026-03-02T09:10:00+00:00", "Two files", {"b.txt": lines(2), "c.txt": lines(5)})
    snapshot = []
    for _ in range(2):
        assert gitops.sync_commits(conn, project_id=project, repo_path=str(repo),
                                   since="2026-03-02T07:00:00Z") == 2
        snapshot.append((db.rows(conn, "select * from commits order by id"),
                         db.rows(conn, "select * from commit_files order by commit_id, path")))
    assert snapshot[0] == snapshot[1]
    assert len(snapshot[0][1]) == 3


def test_sync_commits_latest_started_session_wins_overlap(conn, repo):
    project = add_project(conn, str(repo))
    add_session(conn, project, "early", "2026-03-02T08:30:00.000000Z", ended="2026-03-02T10:00:00.000000Z")
    late = add_session(conn, project, "late", "2026-03-02T09:00:00.000000Z", ended="2026-03-02T09:30:00.000000Z")
    commit(repo, "2026-03-02T09:10:00+00:00", "Overlap", {"b.txt": "b\n"})
    gitops.sync_commits(conn, project_id=project, repo_path=str(repo), since="2026-03-02T08:30:00Z")
    assert db.scalar(conn, "select session_id from commits where subject = 'Overlap'") == late


def test_sync_commits_prefers_session_that_ran_the_commit(conn, repo):
    project = add_project(conn, str(repo))
    early = add_session(conn, project, "early", "2026-03-02T08:30:00.000000Z",
                        ended="2026-03-02T10:00:00.000000Z")
    add_session(conn, project, "late", "2026-03-02T09:00:00.000000Z", ended="2026-03-02T09:30:00.000000Z")
    commit(repo, "2026-03-02T09:10:00+00:00", "Made by early", {"b.txt": "b\n"})
    sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short=7", "HEAD"],
                         capture_output=True, text=True, check=True).stdout.strip()
    call = add_tool_call(conn, early, "toolu_1")
    gitops.record_operations(conn, session_id=early, turn_id=None, tool_call_id=call,
                             command="git commit -m 'Made by early'",
                             result={"stdout": "[main %s] Made by early" % sha}, at=None)
    gitops.sync_commits(conn, project_id=project, repo_path=str(repo), since="2026-03-02T08:30:00Z")
    assert db.scalar(conn, "select session_id from commits where subject = 'Made by early'") == early


def test_sync_commits_merge_commit_carries_no_lines(conn, repo):
    project = add_project(conn, str(repo))
    git(repo, "checkout", "-q", "-b", "topic")
    commit(repo, "2026-03-02T09:05:00+00:00", "Topic work", {"t.txt": lines(4)})
    git(repo, "checkout", "-q", "main")
    commit(repo, "2026-03-02T09:06:00+00:00", "Main work", {"m.txt": lines(2)})
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge topic", "topic", when="2026-03-02T09:07:00+00:00")
    assert gitops.sync_commits(conn, project_id=project, repo_path=str(repo), since="2026-03-02T09:00:00Z") == 3
    assert db.rows(conn, "select subject, files_changed, lines_added, lines_removed from commits"
                         " order by committed_at") == [
        {"subject": "Topic work", "files_changed": 1, "lines_added": 4, "lines_removed": 0},
        {"subject": "Main work", "files_changed": 1, "lines_added": 2, "lines_removed": 0},
        {"subject": "Merge topic", "files_changed": 0, "lines_added": 0, "lines_removed": 0},
    ]


def test_sync_commits_rename_counts_as_delete_and_add(conn, repo):
    project = add_project(conn, str(repo))
    commit(repo, "2026-03-02T09:05:00+00:00", "Rename", {"renamed.txt": lines(3)}, remove=["a.txt"])
    gitops.sync_commits(conn, project_id=project, repo_path=str(repo), since="2026-03-02T09:00:00Z")
    assert db.rows(conn, "select path, lines_added, lines_removed from commit_files order by path") == [
        {"path": "a.txt", "lines_added": 0, "lines_removed": 3},
        {"path": "renamed.txt", "lines_added": 3, "lines_removed": 0},
    ]
    assert db.one(conn, "select files_changed, lines_added, lines_removed from commits") == {
        "files_changed": 2, "lines_added": 3, "lines_removed": 3}


def test_sync_commits_binary_file_counts_zero_lines(conn, repo):
    project = add_project(conn, str(repo))
    commit(repo, "2026-03-02T09:05:00+00:00", "Binary and text",
           {"logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "ünïcode name.txt": lines(2)})
    gitops.sync_commits(conn, project_id=project, repo_path=str(repo), since="2026-03-02T09:00:00Z")
    assert db.rows(conn, "select path, lines_added, lines_removed from commit_files order by path") == [
        {"path": "logo.png", "lines_added": 0, "lines_removed": 0},
        {"path": "ünïcode name.txt", "lines_added": 2, "lines_removed": 0},
    ]
    assert db.one(conn, "select files_changed, lines_added from commits") == {"files_changed": 2, "lines_added": 2}


@pytest.mark.parametrize("kind", ["plain-folder", "missing-path", "empty-repo", "none"])
def test_sync_commits_without_repository_records_nothing(conn, tmp_path, kind):
    folder = tmp_path / "folder"
    folder.mkdir()
    if kind == "empty-repo":
        git(folder, "init", "-q")
    path = {"missing-path": str(tmp_path / "gone"), "none": None}.get(kind, str(folder))
    project = add_project(conn, str(folder))
    assert gitops.sync_commits(conn, project_id=project, repo_path=path, since="2026-03-02T09:00:00Z") == 0
    assert db.scalar(conn, "select count(*) from commits") == 0
