"""Claude Code's ``<synthetic>`` assistant lines (its own API error notes, zero tokens)
against ccusage 17.2.1 run here: ccusage counts them, so a day holding only such lines
is listed (zero tokens, no model) and they are block entries (``models: ["<synthetic>"]``)."""

import json
import os
import subprocess

from collector import config as config_mod
from collector.analytics import filters, tokens, usage
from collector.ingest import importer
from collector.storage import db
from collector.usage import blocks
from conftest import PYTHON
from test_tokens_ccusage import CCUSAGE_TIMEOUT_SECONDS, ccusage_or_skip

REAL = "claude-sonnet-4-5-20250929"


def _line(uuid, at, model, text, usage_=None, **extra):
    usage_ = usage_ or {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0, "server_tool_use": {"web_search_requests": 0},
                        "service_tier": None}
    return {"type": "assistant", "sessionId": "s1", "uuid": uuid, "timestamp": at, "cwd": "/tmp/x",
            **extra, "message": {"id": extra.pop("msg", None) or "d3a0c3b2-0000-0000-0000-000000000000",
                                 "role": "assistant", "model": model, "type": "message",
                                 "content": [{"type": "text", "text": text}], "usage": usage_}}


def _synthetic(uuid, at):
    return _line(uuid, at, "<synthetic>", "API Error: Rate limit reached", isApiErrorMessage=True)


LINES = [
    {"type": "user", "sessionId": "s1", "uuid": "u1", "timestamp": "2026-03-01T10:00:00.000Z", "cwd": "/tmp/x",
     "message": {"role": "user", "content": "hi"}},
    _line("a1", "2026-03-01T10:00:05.000Z", REAL, "hello",
          {"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
          requestId="req_1", msg="msg_1"),
    {"type": "user", "sessionId": "s1", "uuid": "u2", "timestamp": "2026-03-03T10:00:00.000Z", "cwd": "/tmp/x",
     "message": {"role": "user", "content": "again"}},
    # A synthetic-only day (its own block, more than 5 h after the first), then two more in the
    # first block: the same message.id each time and no requestId, so every line counts.
    _synthetic("a2", "2026-03-03T10:00:01.000Z"),
    _synthetic("a3", "2026-03-01T10:30:00.000Z"),
    _synthetic("a4", "2026-03-01T10:31:00.000Z"),
]


def _setup(tmp_path):
    claude = tmp_path / "claude"
    folder = claude / "projects" / "-tmp-x"
    folder.mkdir(parents=True)
    (folder / "s1.jsonl").write_text("".join(json.dumps(line) + "\n" for line in LINES))
    home = tmp_path / "home"
    conn = db.connect(config_mod.load(str(home)).db_path)
    importer.import_paths(conn, [str(claude / "projects")], workers=0)
    return claude, home, conn


def _ccusage(claude, *args):
    done = subprocess.run([ccusage_or_skip(), *args, "--json", "--offline"],
                          env={**os.environ, "CLAUDE_CONFIG_DIR": str(claude), "NO_COLOR": "1", "TZ": "UTC"},
                          capture_output=True, text=True, timeout=CCUSAGE_TIMEOUT_SECONDS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _ours(home, *args):
    done = subprocess.run([PYTHON, "-m", "collector.cli", *args, "--json"], capture_output=True, text=True,
                          env={"CCTRACKER_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "UTC"}, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_daily_lists_a_synthetic_only_day_as_ccusage(tmp_path):
    claude, home, conn = _setup(tmp_path)
    theirs = _ccusage(claude, "daily")["daily"]
    ours = _ours(home, "report", "daily")["daily"]
    fields = ("date", "inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens", "totalTokens",
              "modelsUsed")
    assert [{k: d[k] for k in fields} for d in ours] == [{k: d[k] for k in fields} for d in theirs]
    assert [d["date"] for d in ours] == ["2026-03-01", "2026-03-03"]
    day3 = ours[1]
    assert (day3["totalTokens"], day3["totalCost"], day3["modelsUsed"], day3["modelBreakdowns"]) == (0, 0, [], [])
    assert theirs[1]["totalCost"] == 0 and theirs[1]["modelBreakdowns"] == []
    assert [m["modelName"] for m in ours[0]["modelBreakdowns"]] == [REAL]
    # Hand-computed: sonnet-4-5 at $3 / $15 per million tokens.
    assert ours[0]["totalCost"] == theirs[0]["totalCost"] == 10 * 3e-6 + 5 * 15e-6
    # Weekly and monthly hold the same; the session's last activity counts the synthetic day.
    assert _ours(home, "report", "monthly")["monthly"][0]["modelsUsed"] == [REAL]
    [session] = _ours(home, "report", "session")["sessions"]
    assert session["lastActivity"] == "2026-03-03" and session["modelsUsed"] == [REAL]
    # Nothing else sees them: no <synthetic> model row, no unpriced model, no request.
    report = usage.report(conn, filters.parse(), "model")
    assert [m["modelName"] for m in report["models"]] == [REAL] and "unpricedModels" not in report
    by_model = tokens.by(conn, filters.parse(), "model")
    assert [(m["model"], m["requests"]) for m in by_model] == [(REAL, 1)]
    assert db.scalar(conn, "select unpriced_requests from session_summary") == 0
    assert db.scalar(conn, "select sum(requests) from rollup_tokens") == 1


def test_blocks_count_synthetic_entries_as_ccusage(tmp_path):
    claude, home, conn = _setup(tmp_path)
    theirs = _ccusage(claude, "blocks")["blocks"]
    ours = _ours(home, "blocks")["blocks"]
    fields = ("id", "startTime", "endTime", "actualEndTime", "isGap", "entries", "tokenCounts", "totalTokens",
              "models")
    assert [{k: b[k] for k in fields} for b in ours] == [{k: b[k] for k in fields} for b in theirs]
    assert [(b["isGap"], b["entries"], b["models"]) for b in ours] == [
        (False, 3, [REAL, "<synthetic>"]), (True, 0, []), (False, 1, ["<synthetic>"])]
    assert ours[0]["actualEndTime"] == "2026-03-01T10:31:00.000Z"
    assert (ours[2]["costUSD"], ours[2]["unpricedEntries"]) == (0, 0)
    assert blocks.build(blocks.load_entries(conn))[2]["entries"] == 1


def test_reimport_keeps_each_synthetic_line_once(tmp_path):
    claude, home, conn = _setup(tmp_path)
    count = "select count(*) from token_usage where model = '<synthetic>'"
    assert db.scalar(conn, count) == 3
    conn.execute("delete from transcript_files")  # forget the read offsets: every line read again
    importer.import_paths(conn, [str(claude / "projects")], workers=0)
    assert db.scalar(conn, count) == 3
