"""``cctracker import`` as a user runs it: a real subprocess on a copy of the shared transcripts."""

import json
import os
import shutil
import subprocess

import pytest

from collector.ingest import importer
from collector.storage import db
from conftest import PYTHON, TRANSCRIPTS

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"

TABLES = ("projects", "sessions", "turns", "agents", "messages", "tool_calls",
          "file_operations", "token_usage")


def run(*args, env=None):
    done = subprocess.run([PYTHON, "-c", CLI, "import", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)
    return done


def import_json(*args, env=None):
    done = run(*args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def claude_dir(tmp_path):
    """A Claude config dir holding projects/<slug>/ with the shared transcripts."""
    base = tmp_path / "claude"
    project = base / "projects" / "-home-marco-projects-spotter"
    shutil.copytree(TRANSCRIPTS / "spotter", project)
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", base / "projects" / "-path-to-Demo")
    for path in base.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return base


def tables(home):
    conn = db.connect(str(home / "cctracker.db"))
    try:
        return {t: list(conn.execute("select * from %s order by 1" % t)) for t in TABLES}
    finally:
        conn.close()


def test_import_default_root_from_claude_config_dir(claude_dir, home):
    summary = import_json(env={"CLAUDE_CONFIG_DIR": str(claude_dir)})
    assert summary["roots"] == [str(claude_dir / "projects")]
    assert {k: summary[k] for k in ("files", "files_read", "sessions", "messages", "tool_calls",
                                    "usage_rows", "agents", "turns", "lines", "bytes")} == {
        "files": 8, "files_read": 8, "sessions": 7, "messages": 154, "tool_calls": 245,
        "usage_rows": 218, "agents": 10, "turns": 9, "lines": 712, "bytes": 1286055}
    assert summary["skipped"] == {}


def test_second_import_changes_no_row(claude_dir, home):
    import_json(str(claude_dir / "projects"))
    before = tables(home)
    summary = import_json(str(claude_dir / "projects"))
    assert (summary["files_read"], summary["bytes"], summary["messages"]) == (0, 0, 0)
    assert tables(home) == before


def test_import_reads_only_what_was_appended(claude_dir, home, tmp_path):
    path = claude_dir / "projects" / "-home-marco-projects-spotter" / "short.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:5]))
    import_json(str(path))
    with open(path, "ab") as f:
        f.write(b"".join(lines[5:]))
    summary = import_json(str(claude_dir / "projects"))
    assert summary["files_read"] == 8
    assert summary["bytes"] == 1286055 - len(b"".join(lines[:5]))


def test_imported_data_stays_after_the_file_is_deleted(claude_dir, home):
    import_json(str(claude_dir / "projects"))
    before = tables(home)
    shutil.rmtree(claude_dir)
    assert tables(home) == before
    conn = db.connect(str(home / "cctracker.db"))
    assert db.scalar(conn, "select count(*) from messages where content like '%phx.server%'") == 1


def test_import_counts_bad_files_and_goes_on(claude_dir, home):
    project = claude_dir / "projects" / "-home-marco-projects-spotter"
    (project / "0000dead-0000-4000-8000-000000000000.jsonl").write_bytes(
        b"\x00\x01 not json\n{\"type\": \"mystery\"}\n")
    summary = import_json(str(claude_dir / "projects"))
    assert summary["skipped"] == {"bad_json": 1, "unknown_type": 1}
    assert summary["messages"] == 154


def test_import_of_a_missing_path_fails_in_one_line(tmp_path, home):
    done = run(str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: no such file or folder: %s" % (tmp_path / "nowhere")


def test_import_plain_output_is_one_summary(claude_dir, home):
    done = run(str(claude_dir / "projects"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Imported 8 of 8 files (1.3 MB, %s MB/s): 7 new sessions, 154 messages, 245 tool calls,"
        " 218 usage rows, 10 subagents." % done.stdout.split("MB, ")[1].split(" MB/s")[0],
        "Skipped: none",
    ]


def _import_with(claude_dir, path, workers):
    conn = db.connect(str(path))
    try:
        summary = importer.import_paths(conn, [str(claude_dir / "projects")], workers=workers)
        rows = {t: list(conn.execute("select * from %s order by 1" % t)) for t in TABLES}
        offsets = list(conn.execute("select path, offset, size from transcript_files order by path"))
    finally:
        conn.close()
    return summary, rows, offsets


def test_import_through_a_worker_process_stores_the_same_rows(claude_dir, tmp_path):
    short = claude_dir / "projects" / "-home-marco-projects-spotter" / "short.jsonl"
    lines = short.read_bytes().splitlines(keepends=True)
    short.write_bytes(b"".join(lines[:5]) + b"{\"type\": \"mystery\"}\n")
    first = [_import_with(claude_dir, tmp_path / name, workers) for name, workers in
             (("here.db", 0), ("worker.db", 1))]
    with open(short, "ab") as f:  # the worker resumes each file at its stored offset
        f.write(b"".join(lines[5:]))
    second = [_import_with(claude_dir, tmp_path / name, workers) for name, workers in
              (("here.db", 0), ("worker.db", 1))]
    for here, worker in (first, second):
        assert {k: v for k, v in worker[0].items() if k not in ("seconds", "mb_per_s")} == \
            {k: v for k, v in here[0].items() if k not in ("seconds", "mb_per_s")}
        assert worker[1:] == here[1:]
    assert first[1][0]["skipped"] == {"unknown_type": 1}
    assert (second[1][0]["files_read"], second[1][0]["bytes"]) == (1, len(b"".join(lines[5:])))
