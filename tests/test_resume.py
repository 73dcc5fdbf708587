"""``cctracker resume``: a stub ``claude`` on PATH records the arguments and directory it got
(Claude Code itself cannot run here; this is the only stand-in)."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import PYTHON, TRANSCRIPTS

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
UUID = "1af7fc5e-8455-4414-9ccd-011d40f70b2a"   # claude-code-viewer, cwd /path/to/Demo


@pytest.fixture
def setup(tmp_path, home):
    base = tmp_path / "claude" / "projects"
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", base / "-path-to-Demo")
    shutil.copytree(TRANSCRIPTS / "spotter", base / "-home-marco-projects-spotter")
    cli("import", str(base))
    # The session ran in /path/to/Demo, which is not on this machine: point it at a real one.
    workdir = tmp_path / "Demo"
    workdir.mkdir()
    from collector.storage import db
    conn = db.connect(str(home / "cctracker.db"))
    with conn:
        conn.execute("update sessions set cwd = ? where session_uuid = ?", (str(workdir), UUID))
    conn.close()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    record = tmp_path / "claude-called.json"
    stub = bindir / "claude"
    stub.write_text("#!%s\nimport json, os, sys\njson.dump({'argv': sys.argv[1:], 'cwd': os.getcwd()},"
                    " open(%r, 'w'))\n" % (PYTHON, str(record)))
    stub.chmod(0o755)
    env = {"PATH": "%s:%s" % (bindir, os.environ["PATH"]),
           "CLAUDE_CONFIG_DIR": str(tmp_path / "claude")}
    return {"workdir": workdir, "record": record, "env": env, "base": base, "tmp": tmp_path}


def cli(*args, env=None, check=True, stdin=None):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})}, input=stdin)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_resume_by_uuid_prefix_runs_claude_in_the_session_directory(setup):
    cli("resume", UUID[:8], env=setup["env"])
    called = json.loads(setup["record"].read_text())
    assert called == {"argv": ["--resume", UUID], "cwd": str(setup["workdir"])}


def test_resume_by_query_takes_the_best_hit_and_lists_others(setup):
    found = json.loads(cli("search", "todo list", "--json").stdout)
    best = found[0]["session_uuid"]
    done = cli("resume", "todo list", "--print", "--json", env=setup["env"])
    data = json.loads(done.stdout)
    assert data["chosen"] == best and data["command"] == ["claude", "--resume", best]
    assert len(data["sessions"]) >= 2 and data["sessions"][0]["session_uuid"] == best
    assert not setup["record"].exists()  # --print runs nothing


def test_pick_takes_another_session(setup):
    data = json.loads(cli("resume", "todo list", "--print", "--json", env=setup["env"]).stdout)
    second = data["sessions"][1]["session_uuid"]
    done = cli("resume", "todo list", "--pick", "2", "--print", env=setup["env"])
    assert done.stdout.strip().splitlines()[-1].endswith("claude --resume %s" % second)


def test_print_shows_the_command(setup):
    done = cli("resume", UUID, "--print", env=setup["env"])
    assert done.stdout.strip().splitlines()[-1] == "cd %s && claude --resume %s" % (setup["workdir"], UUID)


def test_gone_transcript_is_restored_first(setup):
    shutil.rmtree(setup["tmp"] / "claude")  # Claude Code cleaned up
    cli("resume", UUID, "--restore", env=setup["env"])
    slug = "".join(c if c.isalnum() else "-" for c in str(setup["workdir"]))
    restored = setup["tmp"] / "claude" / "projects" / slug / (UUID + ".jsonl")
    original = TRANSCRIPTS / "claude-code-viewer" / (UUID + ".jsonl")
    assert restored.read_bytes() == original.read_bytes()
    assert json.loads(setup["record"].read_text())["argv"] == ["--resume", UUID]


def test_gone_transcript_print_says_restore_first(setup):
    shutil.rmtree(setup["tmp"] / "claude")
    done = cli("resume", UUID, "--print", env=setup["env"])
    assert "cctracker restore %s" % UUID in done.stdout
    # Not asked (no terminal) and not told: it says what to do instead of starting a resume that fails.
    done = cli("resume", UUID, "--no-restore", env=setup["env"], check=False)
    assert done.returncode == 1 and "--restore" in done.stderr and not setup["record"].exists()


def test_unknown_session_and_missing_claude_fail_in_one_line(setup, tmp_path):
    done = cli("resume", "#99999", env=setup["env"], check=False)
    assert done.returncode == 1 and done.stderr == "Error: session #99999 not found\n"
    env = dict(setup["env"], PATH=str(tmp_path / "nothing"))
    done = subprocess.run([PYTHON, "-c", CLI, "resume", UUID], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)
    assert done.returncode == 1 and "claude command is not on PATH" in done.stderr
