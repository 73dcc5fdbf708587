"""``cctracker report daily|weekly|monthly|session|model|project``: ccusage's shapes.

On the shared real transcripts the JSON is compared with ccusage 17.2.1's own
(the JavaScript package, run with TZ=UTC): the same days, weeks and months,
the same field names, input and cache tokens equal, output at least ccusage's
(it keeps the first streamed copy of a response, we keep the largest).
"""

import json
import os
import shutil
import subprocess

import pytest

from collector import config as config_mod
from collector.ingest import importer
from collector.storage import db

from conftest import PYTHON, TRANSCRIPTS
from test_tokens_ccusage import CCUSAGE_TIMEOUT_SECONDS, ccusage_or_skip

ROW_FIELDS = ["inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens", "totalTokens",
              "totalCost", "modelsUsed", "modelBreakdowns"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The shared transcripts laid out as ~/.claude/projects, imported into a fresh home."""
    root = tmp_path_factory.mktemp("usage")
    projects = root / "claude" / "projects"
    shutil.copytree(TRANSCRIPTS / "spotter", projects / "-home-marco-projects-spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", projects / "-path-to-Demo")
    home = root / "home"
    conn = db.connect(config_mod.load(str(home)).db_path)
    importer.import_paths(conn, [str(projects)], workers=0)
    conn.close()
    return {"home": home, "claude": root / "claude"}


def cctracker(home, *args):
    return subprocess.run([PYTHON, "-m", "collector.cli", "report", *args], capture_output=True, text=True,
                          env={"CCTRACKER_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "UTC"},
                          timeout=120)


def ccusage(claude, *args):
    done = subprocess.run([ccusage_or_skip(), *args, "--json", "--offline"],
                          env={**os.environ, "CLAUDE_CONFIG_DIR": str(claude), "NO_COLOR": "1", "TZ": "UTC"},
                          capture_output=True, text=True, timeout=CCUSAGE_TIMEOUT_SECONDS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def ours(home, *args):
    done = cctracker(home, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("period, key, list_name", [
    ("daily", "date", "daily"), ("weekly", "week", "weekly"), ("monthly", "month", "monthly")])
def test_periods_agree_with_ccusage(shared, period, key, list_name):
    theirs = ccusage(shared["claude"], period)
    mine = ours(shared["home"], period)
    assert [r[key] for r in mine[list_name]] == [r[key] for r in theirs[list_name]]
    for a, b in zip(mine[list_name], theirs[list_name]):
        assert list(a) == [key] + ROW_FIELDS
        assert set(b) <= set(a), set(b) - set(a)
        assert (a["inputTokens"], a["cacheCreationTokens"], a["cacheReadTokens"]) == (
            b["inputTokens"], b["cacheCreationTokens"], b["cacheReadTokens"]), a[key]
        assert a["outputTokens"] >= b["outputTokens"], a[key]
        assert sorted(a["modelsUsed"]) == sorted(b["modelsUsed"])
        assert set(a["modelBreakdowns"][0]) == set(b["modelBreakdowns"][0])
    assert set(mine["totals"]) == set(theirs["totals"])
    assert mine["totals"]["inputTokens"] == theirs["totals"]["inputTokens"] == 5084


def test_daily_json_hand_checked(shared):
    """The figures themselves (ccusage's, output from the largest streamed copy)."""
    daily = ours(shared["home"], "daily")["daily"]
    assert [d["date"] for d in daily] == ["2025-09-03", "2025-09-07", "2026-02-10", "2026-02-12"]
    first = daily[0]
    assert (first["inputTokens"], first["cacheCreationTokens"], first["cacheReadTokens"]) == (911, 150674, 3751073)
    assert first["totalTokens"] == 911 + first["outputTokens"] + 150674 + 3751073
    assert daily[3]["modelsUsed"] == ["claude-opus-4-6", "claude-sonnet-4-5-20250929"]


def test_session_json_names_sessions_by_uuid(shared):
    theirs = ccusage(shared["claude"], "session")
    mine = ours(shared["home"], "session")
    assert set(theirs["sessions"][0]) <= set(mine["sessions"][0])
    uuids = {s["sessionId"] for s in mine["sessions"]}
    assert "ae4a77f8-aedd-4bc1-888f-c94edc91af04" in uuids and len(uuids) == 7
    assert sum(s["inputTokens"] for s in mine["sessions"]) == mine["totals"]["inputTokens"] == 5084


def test_since_until_in_both_forms_and_project(shared):
    a = ours(shared["home"], "daily", "--since", "20260201", "--until", "2026-02-11")
    assert [d["date"] for d in a["daily"]] == ["2026-02-10"]
    b = ours(shared["home"], "monthly", "--project", "Demo")
    assert [m["month"] for m in b["monthly"]] == ["2025-09"]
    assert b["totals"]["inputTokens"] == 1040


@pytest.mark.parametrize("period", ["daily", "weekly", "monthly", "session", "model", "project"])
def test_tables_fit_100_columns_with_ccusage_columns(shared, period):
    done = cctracker(shared["home"], period, "--breakdown")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    header = next(line for line in lines if "Total Tokens" in line)
    for column in ("Input", "Output", "Cache Create", "Cache Read", "Total Tokens", "Cost"):
        assert column in header
    assert any(line.startswith("Total ") for line in lines)
    if period != "model":
        assert any("└ opus-4-6" in line for line in lines)


def test_bad_day_is_one_line_naming_the_option(shared):
    done = cctracker(shared["home"], "daily", "--since", "2026-13-40")
    assert done.returncode != 0 and done.stderr.count("\n") == 1 and "since" in done.stderr


def test_empty_history_says_what_is_missing(tmp_path):
    done = cctracker(tmp_path / "empty", "daily")
    assert done.returncode == 0 and "No token usage recorded" in done.stdout
    data = json.loads(cctracker(tmp_path / "empty", "daily", "--json").stdout)
    assert data["daily"] == [] and data["totals"]["totalCost"] == 0


def test_time_model_moved_and_by_still_works(shared):
    timed = ours(shared["home"], "time", "--by", "model", "--days", "3660")
    assert timed["by"] == "model" and "summary" in timed
    plain = cctracker(shared["home"], "--by", "project", "--days", "3660")
    assert plain.returncode == 0 and "By project" in plain.stdout


@pytest.mark.parametrize("by", ["day", "week", "session", "project", "model"])
def test_time_report_tables_fit_100_columns(shared, by):
    done = cctracker(shared["home"], "time", "--by", by, "--days", "3660")
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 100
