"""The agent of each session through the API, search and exports (a real server on imported sessions)."""

import io
import json

from collector import search
from collector.export import tabular
from collector.ingest import importer
from collector.storage import db
from conftest import AGENT_FIXTURES


def load(home):
    home.mkdir(parents=True, exist_ok=True)
    conn = db.connect(str(home / "cctracker.db"))
    importer.import_paths(conn, [str(AGENT_FIXTURES / "codex" / "sessions"),
                                 str(AGENT_FIXTURES / "gemini" / "tmp")], workers=0)
    return conn


def test_api_sessions_and_analytics_filter_by_agent(home, api_server):
    load(home).close()
    every = api_server.get("/api/sessions?limit=100").json()
    assert {s["agent"] for s in every} == {"codex", "gemini"} and len(every) == 16
    gemini = api_server.get("/api/sessions?agent=gemini").json()
    assert len(gemini) == 4 and {s["agent"] for s in gemini} == {"gemini"}
    detail = api_server.get("/api/sessions/0ab84937-9fe7-4284-986a-33c832af0b6a").json()
    assert detail["agent"] == "gemini" and detail["model"] == "gemini-3.1-pro-preview"
    assert detail["messages"]["prompts"] == 1
    tokens = api_server.get("/api/analytics/tokens?agent=codex&start_date=2026-02-23&end_date=2026-02-23").json()
    assert tokens["filters"]["agent"] == "codex"
    assert tokens["totals"]["total_tokens"] == 34239227
    (codex,) = tokens["by_agent"]
    # What Codex itself reports for the day: input with cached inside, reasoning inside output.
    assert (codex["agent"], codex["agent_input_tokens"], codex["cache_read_tokens"], codex["output_tokens"],
            codex["reasoning_tokens"]) == ("codex", 34082306, 32389760, 156921, 64401)
    split = api_server.get("/api/analytics/tokens?days=3660").json()["by_agent"]
    assert [a["agent"] for a in split] == ["codex", "gemini"]
    assert split[1]["total_tokens"] == 473586 + 397943 + 97289 + 206879
    time = api_server.get("/api/analytics/summary?agent=gemini&days=3660").json()
    assert time["sessions"] == 4 and time["prompts"] == 4
    for path in ("/api/sessions?agent=Codex!", "/api/analytics/time?agent=x%20y", "/api/analytics/git?agent=N",
                 "/api/sessions?agent=%20codex",
                 "/api/conversations/search?query=file&agent=NOPE!"):
        bad = api_server.get(path)
        assert bad.status_code == 400 and "agent" in bad.text, path


def test_search_and_export_by_agent(home):
    conn = load(home)
    try:
        search.index_pending(conn)
        found = search.search(conn, "README", agent="gemini", limit=50)
        assert found and {f["agent"] for f in found} == {"gemini"}
        assert search.search(conn, "README", agent="claude-code", limit=50) == []
        out = io.StringIO()
        counts = tabular.export(conn, out, fmt="json", what="sessions", agent="codex")
        rows = json.loads(out.getvalue())
        assert counts == {"sessions": 12} and {r["agent"] for r in rows} == {"codex"}
        out = io.StringIO()
        tabular.export(conn, out, fmt="ndjson", what="messages", agent="gemini")
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert lines and {m["agent"] for m in lines} == {"gemini"}
    finally:
        conn.close()
