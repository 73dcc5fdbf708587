"""cctracker export: JSON, NDJSON and CSV of sessions, messages, tools and commits."""

import csv
import io
import json
import os
import stat
import subprocess

import orjson
import pytest
from click.testing import CliRunner

from collector import config as config_mod
from collector.cli import cli
from collector.errors import InvalidInput
from collector.export import tabular
from collector.ingest import drain
from collector.storage import db
from cctracker_client import spool

from conftest import ROOT


def session_events(uuid, cwd, word, day):
    """One short session: start, a prompt, a Bash call, a reply, the end."""
    base = dict(session_id=uuid, cwd=cwd, transcript_path=os.path.join(cwd, "none.jsonl"))
    bash = dict(base, tool_name="Bash", tool_input={"command": "grep -rn %s ." % word},
                tool_use_id="toolu_" + uuid[:8])
    return [
        ("T09:00:00", dict(base, hook_event_name="SessionStart", source="startup", model="claude-opus-4-5")),
        ("T09:00:10", dict(base, hook_event_name="UserPromptSubmit", prompt="Please fix %s now" % word)),
        ("T09:00:12", dict(bash, hook_event_name="PreToolUse")),
        ("T09:00:13", dict(bash, hook_event_name="PostToolUse", duration_ms=40,
                           tool_response={"stdout": "a.py:1:%s" % word, "stderr": ""})),
        ("T09:00:20", dict(base, hook_event_name="Stop", last_assistant_message="Fixed %s" % word)),
        ("T09:01:00", dict(base, hook_event_name="SessionEnd", reason="prompt_input_exit")),
    ]


def spool_session(uuid, cwd, word, day):
    for time_of_day, payload in session_events(uuid, cwd, word, day):
        line = spool.make_line(json.dumps(payload).encode(), received=day + time_of_day + ".000000Z")
        spool.append(line)


UUIDS = ["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002",
         "cccccccc-0000-4000-8000-000000000003"]


@pytest.fixture
def conn(tmp_path):
    """Three sessions: alpha on 03-02 and 03-05, beta on 03-03; one commit in alpha."""
    alpha, beta = tmp_path / "alpha", tmp_path / "beta"
    alpha.mkdir()
    beta.mkdir()
    spool_session(UUIDS[0], str(alpha), "one", "2026-03-02")
    spool_session(UUIDS[1], str(beta), "two", "2026-03-03")
    spool_session(UUIDS[2], str(alpha), "three", "2026-03-05")
    config = config_mod.load()
    connection = db.connect(config.db_path)
    drain.drain_once(connection, config)
    connection.execute(
        "insert into commits (project_id, session_id, sha, author_name, author_email, committed_at,"
        " subject, message, files_changed, lines_added, lines_removed, by_claude)"
        " values (1, 1, 'abc123', 'Dana', 'dana@example.com', '2026-03-02T09:00:30.000000Z',"
        " 'Fix one', 'Fix one\n\nCo-Authored-By: Claude <noreply@anthropic.com>', 2, 7, 1, 1)")
    yield connection
    connection.close()


def run(conn, **options):
    out = io.StringIO()
    counts = tabular.export(conn, out, **options)
    return counts, out.getvalue()


def test_export_json_all_holds_every_kind(conn):
    counts, text = run(conn, fmt="json", what="all")
    assert counts == {"sessions": 3, "messages": 6, "tools": 3, "commits": 1}
    data = json.loads(text)
    assert list(data) == ["sessions", "messages", "tools", "commits"]
    assert [s["session_uuid"] for s in data["sessions"]] == UUIDS
    first = data["sessions"][0]
    assert (first["project_name"], first["started_at"], first["prompts"], first["tool_calls"],
            first["commits"], first["commit_lines_added"]) == (
        "alpha", "2026-03-02T09:00:00.000000Z", 1, 1, 1, 7)
    assert [(m["kind"], m["content"]) for m in data["messages"][:2]] == [
        ("prompt", "Please fix one now"), ("reply", "Fixed one")]
    assert data["tools"][0]["summary"] == "grep -rn one ."
    assert data["tools"][0]["duration_ms"] == 40
    assert data["commits"] == [{
        "commit_id": 1, "project_id": 1, "project_name": "alpha", "session_id": 1, "day": "2026-03-02",
        "committed_at": "2026-03-02T09:00:30.000000Z", "sha": "abc123", "subject": "Fix one",
        "author_name": "Dana", "files_changed": 2, "lines_added": 7, "lines_removed": 1,
        "lines_changed": 8, "by_claude": 1, "author_email": "dana@example.com",
        "message": "Fix one\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "agent": "claude-code"}]


def test_export_json_single_kind_is_an_array(conn):
    counts, text = run(conn, fmt="json", what="tools")
    assert counts == {"tools": 3}
    assert [t["tool_use_id"] for t in json.loads(text)] == ["toolu_aaaaaaaa", "toolu_bbbbbbbb", "toolu_cccccccc"]


def test_export_json_empty_result_is_valid(conn):
    counts, text = run(conn, fmt="json", what="messages", since="2027-01-01")
    assert counts == {"messages": 0}
    assert json.loads(text) == []


def test_export_ndjson_all_tags_each_line(conn):
    counts, text = run(conn, fmt="ndjson", what="all")
    lines = [orjson.loads(line) for line in text.splitlines()]
    assert len(lines) == sum(counts.values()) == 13
    assert [line["type"] for line in lines].count("message") == 6
    assert lines[0]["type"] == "session" and lines[-1] == {**lines[-1], "type": "commit", "sha": "abc123"}


def test_export_ndjson_single_kind_has_no_type(conn):
    _, text = run(conn, fmt="ndjson", what="sessions")
    assert ["type" in orjson.loads(line) for line in text.splitlines()] == [False, False, False]


def test_export_csv_tools_has_header_and_rows(conn):
    counts, text = run(conn, fmt="csv", what="tools", project="beta")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert counts == {"tools": 1}
    assert [(r["session_uuid"], r["tool_name"], r["status"], r["summary"], r["agent_id"]) for r in rows] == [
        (UUIDS[1], "Bash", "ok", "grep -rn two .", "")]
    assert json.loads(rows[0]["input"]) == {"command": "grep -rn two ."}


def test_export_csv_empty_result_still_has_header(conn):
    _, text = run(conn, fmt="csv", what="commits", project="beta")
    assert text.splitlines() == [
        "commit_id,project_id,project_name,session_id,day,committed_at,sha,subject,author_name,"
        "files_changed,lines_added,lines_removed,lines_changed,by_claude,agent,author_email,message"]


def test_export_csv_all_is_refused(conn):
    with pytest.raises(InvalidInput) as error:
        run(conn, fmt="csv", what="all")
    assert error.value.field == "what"


@pytest.mark.parametrize("project, expected", [("alpha", [UUIDS[0], UUIDS[2]]), ("2", [UUIDS[1]])],
                         ids=["by-name", "by-id"])
def test_export_project_filter_by_name_or_id(conn, project, expected):
    _, text = run(conn, fmt="json", what="sessions", project=project)
    assert [s["session_uuid"] for s in json.loads(text)] == expected


def test_export_unknown_project_is_invalid(conn):
    with pytest.raises(InvalidInput) as error:
        run(conn, what="sessions", project="nope")
    assert error.value.field == "project"


def test_export_since_until_include_both_days(conn):
    _, text = run(conn, fmt="json", what="messages", since="2026-03-03", until="2026-03-05")
    assert [m["content"] for m in json.loads(text)] == [
        "Please fix two now", "Fixed two", "Please fix three now", "Fixed three"]


@pytest.mark.parametrize("value", ["2026-3-1", "yesterday", "2026-02-30", "2026-03-02T10:00"])
def test_export_bad_date_is_invalid(conn, value):
    with pytest.raises(InvalidInput) as error:
        run(conn, since=value)
    assert error.value.field == "since"


def test_export_file_is_atomic_and_private(conn, tmp_path):
    path = tmp_path / "out" / "sessions.csv"
    path.parent.mkdir()
    path.write_text("old content")
    os.chmod(path, 0o644)
    counts = tabular.export_file(conn, str(path), fmt="csv", what="sessions")
    assert counts == {"sessions": 3}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(path.parent) == ["sessions.csv"]
    assert len(path.read_text().splitlines()) == 4


def test_export_file_failure_leaves_old_file(conn, tmp_path):
    path = tmp_path / "keep.json"
    path.write_text("old")
    with pytest.raises(InvalidInput):
        tabular.export_file(conn, str(path), fmt="json", what="sessions", project="nope")
    assert path.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["alpha", "beta", "cctracker-home", "keep.json"]


def test_cli_export_writes_file_and_reports_json(conn, tmp_path):
    out = tmp_path / "all.ndjson"
    result = CliRunner().invoke(cli, ["export", "--format", "ndjson", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "path": str(out), "format": "ndjson",
        "rows": {"sessions": 3, "messages": 6, "tools": 3, "commits": 1}}
    assert len(out.read_text().splitlines()) == 13


def test_cli_export_csv_defaults_to_sessions_on_stdout(conn):
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--since", "2026-03-05"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["session_uuid"] for r in rows] == [UUIDS[2]]


@pytest.mark.parametrize("args, message", [
    (["--format", "csv", "--what", "all"], "Error: what: csv holds one table: choose sessions, messages, tools or commits"),
    (["--format", "xml"], "Error: format: choose one of json, ndjson, csv"),
    (["--since", "2026-13-01"], "Error: since: '2026-13-01' is not a real date"),
    (["--since", "2026-03-05", "--until", "2026-03-01"], "Error: since: 2026-03-05 is after --until 2026-03-01"),
    (["--project", "nope"], "Error: project: no project named 'nope'"),
], ids=["csv-all", "format", "date", "since-after-until", "project"])
def test_cli_export_bad_input_one_line(conn, args, message):
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "cctracker"), "export", *args],
                            capture_output=True, text=True, env=os.environ, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [message]
    assert result.stdout == ""
