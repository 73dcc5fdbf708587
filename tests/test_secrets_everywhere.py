"""No fresh secret is stored anywhere (issue #14): a real git repository whose remote,
commit message and author carry secrets, a session's prompt and commands full of them,
bad hook input, a drain failure; then a byte search of every file under the data directory."""

import os
import secrets
import string
import subprocess

import pytest

from collector import config as config_mod
from collector.ingest import drain_thread
from collector.ingest.drain import drain_once
from collector.sessions import projects
from collector.storage import db
from replay import run_hook

SESSION = "secret-session-0001"
ALNUM = string.ascii_letters + string.digits


def fresh(n, alphabet=ALNUM):
    """Random each run: nothing here can be in a rule's allow-list or a cache by chance."""
    return "".join(secrets.choice(alphabet) for _ in range(n))


@pytest.fixture
def leaked():
    values = {
        "gitlab": "glpat-" + fresh(20),
        "stripe": "sk_live_51" + fresh(40),
        "mysql": "My9" + fresh(12),
        "curl": "Cu8" + fresh(14),
        "redis": "Rd5" + fresh(16),
        "hf": "hf_" + fresh(34, string.ascii_letters),
        "docker": "dckr_pat_" + fresh(27),
    }
    return values


def git(repo, *args, env=None):
    full = {**os.environ, "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "dana@example.com",
            "GIT_COMMITTER_NAME": "Dana", "GIT_COMMITTER_EMAIL": "dana@example.com", **(env or {})}
    return subprocess.run(["git", "-C", str(repo), *args], env=full, check=True, capture_output=True,
                          text=True).stdout


def everything_under(home):
    for folder, _, files in os.walk(home):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                yield os.path.relpath(path, home), f.read()


def found_in(home, values):
    return sorted({(name, key) for name, data in everything_under(home) for key, value in values.items()
                   if value.encode() in data or value.encode("utf-16-le") in data})


def make_session(home, repo, s, privacy="full"):
    (home).mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('privacy = "%s"\n' % privacy)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "https://oauth2:%s@gitlab.com/acme/shop.git" % s["gitlab"])
    (repo / "app.py").write_text("a = 1\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "Start", env={"GIT_AUTHOR_DATE": "2030-01-01T09:00:00Z",
                                                  "GIT_COMMITTER_DATE": "2030-01-01T09:00:00Z"})
    projects.forget_cache()

    def hook(name, at, **fields):
        assert run_hook({"session_id": SESSION, "cwd": str(repo), "hook_event_name": name, **fields},
                        home, at=at).returncode == 0

    hook("SessionStart", "2030-01-01T10:00:00Z", source="startup")
    prompt = ("connect with mysql -u root -p%s shop, then curl -u admin:%s https://ci.acme.dev and set "
              "REDIS_URL=redis://:%s@cache:6379/0; the key is %s, the HF token %s, docker %s"
              % (s["mysql"], s["curl"], s["redis"], s["stripe"], s["hf"], s["docker"]))
    hook("UserPromptSubmit", "2030-01-01T10:00:05Z", prompt=prompt)
    command = "mysql -u root -p%s shop -e 'select 1' && docker login -u dana -p %s" % (s["mysql"], s["docker"])
    hook("PreToolUse", "2030-01-01T10:00:10Z", tool_name="Bash", tool_use_id="toolu_s1",
         tool_input={"command": command})
    hook("PostToolUse", "2030-01-01T10:00:11Z", tool_name="Bash", tool_use_id="toolu_s1",
         tool_input={"command": command}, tool_response={"stdout": "1\nLogin Succeeded", "stderr": ""})
    # The commit message and the author carry secrets too.
    (repo / "app.py").write_text("a = 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Use key %s\n\ncurl -u admin:%s and redis://:%s@cache" % (
        s["stripe"], s["curl"], s["redis"]),
        env={"GIT_AUTHOR_DATE": "2030-01-01T10:01:00Z", "GIT_COMMITTER_DATE": "2030-01-01T10:01:00Z",
             "GIT_AUTHOR_NAME": "Dana %s" % s["hf"]})
    sha = git(repo, "rev-parse", "--short", "HEAD").strip()
    commit = "git commit -am 'Use key'"
    hook("PreToolUse", "2030-01-01T10:00:59Z", tool_name="Bash", tool_use_id="toolu_s2",
         tool_input={"command": commit})
    hook("PostToolUse", "2030-01-01T10:01:01Z", tool_name="Bash", tool_use_id="toolu_s2",
         tool_input={"command": commit},
         tool_response={"stdout": "[main %s] Use key %s\n 1 file changed" % (sha, s["stripe"]), "stderr": ""})
    hook("Stop", "2030-01-01T10:01:30Z")
    hook("SessionEnd", "2030-01-01T10:02:00Z", reason="prompt_input_exit")  # reads the history (metadata mode too)
    # Bad input full of secrets (kept under errors/, JSON-escaped), and a poison line.
    run_hook(('{"session_id":"x","env":"MYSQL_PWD=%s\\nHF_TOKEN=%s"' % (s["mysql"], s["hf"])).encode(), home)
    run_hook(('{"a":' * 250 + '"%s"' % s["docker"] + "}" * 250).encode(), home)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    stats = drain_once(conn, config)
    # A drain failure whose message quotes a secret goes to logs/ redacted.
    try:
        raise ValueError("could not apply curl -u admin:%s" % s["curl"])
    except ValueError as e:
        drain_thread.log_failure(str(home), e)
    return conn, stats


def test_no_fresh_secret_anywhere_under_the_data_directory(home, tmp_path, leaked):
    repo = tmp_path / "shop"
    repo.mkdir()
    conn, stats = make_session(home, repo, leaked)
    assert stats["events"] == 8 and stats["bad_lines"] == 0
    # Everything arrived, redacted: the remote without its credentials, the commit, the prompt.
    assert db.scalar(conn, "select git_remote from projects") == "https://gitlab.com/acme/shop.git"
    subject, message, author = conn.execute(
        "select subject, message, author_name from commits where subject like 'Use key%'").fetchone()
    assert subject == "Use key [REDACTED:stripe-key]" and "[REDACTED:password]" in message
    assert author == "Dana [REDACTED:huggingface-token]"
    assert db.scalar(conn, "select count(*) from messages where content like '%[REDACTED:%'") == 1
    assert len(os.listdir(home / "errors")) == 2 and os.path.exists(home / "logs" / "drain.log")
    conn.execute("pragma wal_checkpoint(passive)")
    assert found_in(home, leaked) == []
    conn.close()
    assert found_in(home, leaked) == []


def test_metadata_mode_keeps_no_commit_text(home, tmp_path, leaked):
    repo = tmp_path / "shop"
    repo.mkdir()
    conn, _ = make_session(home, repo, leaked, privacy="metadata")
    rows = conn.execute("select subject, message, author_name, author_email, files_changed from commits").fetchall()
    assert rows and all(r[:4] == (None, None, None, None) for r in rows)
    assert db.scalar(conn, "select git_remote from projects") == "https://gitlab.com/acme/shop.git"
    conn.close()
    assert found_in(home, leaked) == []


def test_the_seed_api_strips_credentials_from_git_repo(api_server, leaked):
    r = api_server.post("/api/session/start", json={
        "session_type": "startup", "working_directory": "/srv/shop",
        "git_repo": "https://oauth2:%s@gitlab.com/acme/shop.git" % leaked["gitlab"]})
    assert r.status_code == 201, r.text
    conn = api_server.db()
    assert db.scalar(conn, "select git_remote from projects") == "https://gitlab.com/acme/shop.git"


def test_an_upgrade_strips_credentials_from_remotes_already_stored(home, leaked):
    import importlib

    m016 = importlib.import_module("collector.migrations.m016_remote_credentials")
    conn = db.connect(str(home / "cctracker.db"))
    remotes = ["https://oauth2:%s@gitlab.com/acme/shop.git" % leaked["gitlab"],
               "https://dana:%s@git.acme.dev:8443/billing.git" % leaked["curl"],
               "git@github.com:acme/ok.git", "https://github.com/acme/plain.git", None]
    for number, remote in enumerate(remotes):
        conn.execute("insert into projects (name, path, git_remote) values (?, ?, ?)",
                     ("p%d" % number, "/src/p%d" % number, remote))
    m016.migrate(conn)
    assert [r[0] for r in conn.execute("select git_remote from projects order by id")] == [
        "https://gitlab.com/acme/shop.git", "https://git.acme.dev:8443/billing.git",
        "git@github.com:acme/ok.git", "https://github.com/acme/plain.git", None]
