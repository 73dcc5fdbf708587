"""The transcript archive and ``cctracker restore``: every shared transcript round trips.

Real subprocesses of the CLI on a copy of the shared transcripts; the only
difference a restored line may show is the privacy layer's redaction.
"""

import json
import os
import shutil
import subprocess

import orjson
import pytest

from collector.privacy import redact
from collector.storage import db
from conftest import PYTHON, TRANSCRIPTS

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
DATA_TABLES = ("projects", "sessions", "turns", "agents", "messages", "tool_calls",
               "file_operations", "token_usage", "commits", "git_operations")


def cli(*args, env=None, check=True):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=180)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def claude_dir(tmp_path):
    base = tmp_path / "claude"
    shutil.copytree(TRANSCRIPTS / "spotter", base / "projects" / "-home-marco-projects-spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", base / "projects" / "-path-to-Demo")
    for path in base.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return base


def parsed(path):
    return [orjson.loads(line) for line in open(path, "rb").read().splitlines() if line.strip()]


def session_of(path):
    for obj in parsed(path):
        if obj.get("sessionId"):
            return obj["sessionId"]
    raise AssertionError("no session in %s" % path)


def tables(home):
    conn = db.connect(str(home / "cctracker.db"))
    try:
        return {t: list(conn.execute("select * from %s order by 1" % t)) for t in DATA_TABLES}
    finally:
        conn.close()


MAIN_FILES = sorted(p for p in TRANSCRIPTS.rglob("*.jsonl") if "subagents" not in p.parts)


@pytest.mark.parametrize("original", MAIN_FILES, ids=lambda p: p.name)
def test_restore_after_delete_gives_the_same_json_lines(original, claude_dir, tmp_path, home):
    cli("import", str(claude_dir / "projects"))
    copy = next(claude_dir.rglob(original.name))
    uuid = session_of(original)
    shutil.rmtree(claude_dir)  # Claude Code's cleanup removed every transcript

    out = tmp_path / "restored"
    done = cli("restore", uuid, "--to", str(out), "--json")
    written = json.loads(done.stdout)["files"]
    main = out / (uuid + ".jsonl")
    assert written[0]["path"] == str(main)
    lines, want = parsed(main), parsed(original)
    # The privacy layer's redaction is the only allowed difference, and only
    # where it changes the line (tool_heavy.jsonl: two tool results it
    # takes for secrets); every other line is equal as JSON, in order.
    assert lines == [redact.redact_value(o) for o in want]
    changed = sum(a != b for a, b in zip(lines, want))
    assert changed == (2 if original.name == "tool_heavy.jsonl" else 0)
    assert copy.name  # the copy existed before the cleanup


def test_restore_brings_back_subagent_files_in_their_layout(claude_dir, tmp_path, home):
    cli("import", str(claude_dir / "projects"))
    for suffix in ("", "-wal", "-shm"):  # the archive holds conversation text: private files
        path = home / ("archive.db" + suffix)
        assert not path.exists() or path.stat().st_mode & 0o777 == 0o600
    uuid = "ae4a77f8-aedd-4bc1-888f-c94edc91af04"
    shutil.rmtree(claude_dir)
    out = tmp_path / "restored"
    written = json.loads(cli("restore", uuid, "--to", str(out), "--json").stdout)["files"]
    sub = TRANSCRIPTS / "spotter" / uuid / "subagents"
    names = sorted(os.path.relpath(f["path"], out) for f in written)
    assert names == sorted(os.path.join(uuid, "subagents", p.name) for p in sub.iterdir())
    for p in sub.iterdir():
        assert parsed(out / uuid / "subagents" / p.name) == parsed(p)


def test_restored_files_import_with_no_row_change(claude_dir, tmp_path, home):
    cli("import", str(claude_dir / "projects"))
    before = tables(home)
    uuids = sorted({session_of(p) for p in MAIN_FILES})
    shutil.rmtree(claude_dir)
    out = tmp_path / "restored"
    for uuid in uuids:
        cli("restore", uuid, "--to", str(out / uuid[:8]))
    summary = json.loads(cli("import", str(out), "--json").stdout)
    assert summary["files_read"] >= len(uuids)
    assert tables(home) == before


def test_restore_without_to_writes_where_claude_code_looks(claude_dir, tmp_path, home):
    cli("import", str(claude_dir / "projects"))
    original = TRANSCRIPTS / "spotter" / "short.jsonl"
    uuid = session_of(original)
    cwd = parsed(original)[-1]["cwd"]
    shutil.rmtree(claude_dir)
    config_dir = tmp_path / "claude-config"
    done = cli("restore", uuid[:8], env={"CLAUDE_CONFIG_DIR": str(config_dir)})
    slug = "".join(c if c.isalnum() else "-" for c in cwd)
    target = config_dir / "projects" / slug / (uuid + ".jsonl")
    assert parsed(target) == parsed(original)
    assert "Secrets stay redacted" in done.stderr
    # A second restore does not overwrite without --force.
    again = cli("restore", uuid, env={"CLAUDE_CONFIG_DIR": str(config_dir)}, check=False)
    assert again.returncode == 1 and "exists" in again.stderr
    # The tracker knows the restored file as read: importing it reads nothing.
    summary = json.loads(cli("import", str(config_dir / "projects"), "--json").stdout)
    assert summary["bytes"] == 0


def test_archive_setting_off_keeps_nothing(claude_dir, tmp_path, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("archive_transcripts = false\n")
    cli("import", str(claude_dir / "projects"))
    uuid = session_of(TRANSCRIPTS / "spotter" / "short.jsonl")
    done = cli("restore", uuid, "--to", str(tmp_path / "out"), check=False)
    assert done.returncode == 1 and "no archived transcript" in done.stderr


def test_forget_drops_the_archived_lines(claude_dir, tmp_path, home):
    cli("import", str(claude_dir / "projects"))
    uuid = session_of(TRANSCRIPTS / "spotter" / "short.jsonl")
    cli("forget", "--session", uuid, "--yes")
    done = cli("restore", uuid, "--to", str(tmp_path / "out"), check=False)
    assert done.returncode == 1
    conn = db.connect(str(home / "cctracker.db"))
    from collector.transcripts import archive
    arch = archive.open_for(conn)
    assert arch.execute("select count(*) from files where session_uuid = ?", (uuid,)).fetchone()[0] == 0


def test_help_says_secrets_stay_redacted():
    done = cli("restore", "--help")
    assert "Secrets stay redacted" in " ".join(done.stdout.split())


def test_tailed_transcript_is_archived_as_it_grows(home, tmp_path):
    """The drain reads a live transcript at each Stop; the archive keeps every part once."""
    from collector import config as config_mod
    from collector.ingest.drain import drain_once
    from replay import run_hook

    original = TRANSCRIPTS / "spotter" / "tool_heavy.jsonl"
    uuid = session_of(original)
    live = tmp_path / "live" / (uuid + ".jsonl")
    live.parent.mkdir()
    lines = original.read_bytes().splitlines(keepends=True)
    payload = {"session_id": uuid, "cwd": "/home/marco/projects/spotter", "transcript_path": str(live)}
    config = config_mod.load()
    conn = db.connect(config.db_path)
    for part, at in ((lines[:10], "2026-02-10T21:20:00Z"), (lines[10:25], "2026-02-10T21:25:00Z"),
                     (lines[25:], "2026-02-10T21:30:00Z")):
        with open(live, "ab") as f:
            f.write(b"".join(part))
        run_hook({**payload, "hook_event_name": "Stop"}, home, at=at)
        drain_once(conn, config)
    drain_once(conn, config)  # a second read of the same end adds nothing
    live.unlink()
    out = tmp_path / "out"
    cli("restore", uuid, "--to", str(out))
    assert parsed(out / (uuid + ".jsonl")) == [redact.redact_value(o) for o in parsed(original)]


def test_transcripts_read_before_the_archive_existed_are_backfilled(claude_dir, tmp_path, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("archive_transcripts = false\n")  # as an older version read them
    cli("import", str(claude_dir / "projects"))
    (home / "config.toml").write_text("")
    summary = json.loads(cli("import", str(claude_dir / "projects"), "--json").stdout)
    assert summary["files_read"] == 0 and summary["archive_backfilled"] == 8
    again = json.loads(cli("import", str(claude_dir / "projects"), "--json").stdout)
    assert again["archive_backfilled"] == 0
    uuid = "ae4a77f8-aedd-4bc1-888f-c94edc91af04"
    shutil.rmtree(claude_dir)
    out = tmp_path / "out"
    cli("restore", uuid, "--to", str(out))
    for p in (TRANSCRIPTS / "spotter" / uuid / "subagents").iterdir():
        assert parsed(out / uuid / "subagents" / p.name) == parsed(p)


def test_where_claude_code_looks_for_a_directory(tmp_path):
    from collector.transcripts import archive
    env = {"CLAUDE_CONFIG_DIR": str(tmp_path / "cc")}
    assert archive.default_dir("/Users/ali/.claude/projects", env) == str(
        tmp_path / "cc" / "projects" / "-Users-ali--claude-projects")
    assert archive.default_dir("/home/dana/src/café_app", env).endswith("/-home-dana-src-caf--app")
    deep = "/" + "/".join(["segment%02d" % i for i in range(30)])
    slug = "-" + "-".join(["segment%02d" % i for i in range(30)])
    assert archive.default_dir(deep, env).endswith("/" + slug[:200])
    hashed = tmp_path / "cc" / "projects" / (slug[:200] + "-1a2b3c")
    hashed.mkdir(parents=True)
    assert archive.default_dir(deep, env) == str(hashed)
