"""The dashboard with Codex and Gemini CLI sessions: the Overview's split by agent, the
Sessions page's agent filter and column, the search page's agent filter (real Chromium)."""

import re

import pytest

from collector import search
from collector.ingest import importer
from collector.serve import dashboard
from collector.storage import db
from conftest import AGENT_FIXTURES, free_port
from test_dashboard import _assert_drawn, _visit, browser  # noqa: F401  (browser is a fixture)


@pytest.fixture(scope="module")
def agents_server(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("agents-dash") / "cctracker.db")
    conn = db.connect(path)
    importer.import_paths(conn, [str(AGENT_FIXTURES / "codex" / "sessions"),
                                 str(AGENT_FIXTURES / "gemini" / "tmp")], workers=0)
    search.index_pending(conn)
    conn.close()
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        url = dashboard.wait_until_ready(proc, "127.0.0.1", port)
        yield {"url": url.rstrip("/"), "db": path, "port": port}
    finally:
        dashboard.stop(proc)


@pytest.mark.browser
def test_overview_splits_by_agent(browser, agents_server):  # noqa: F811
    charts, seen = _visit(browser, agents_server, "/-/dashboards/overview", "overview-agents")
    _assert_drawn(charts, seen)
    (table,) = [c for c in charts if c["id"] == "chart-by_agent"]
    text = re.sub(r"\s+", "", table["text"])  # the cells' text, run together
    # codex: 12 sessions, 61 prompts ... 50,709,472 tokens (the advance of its running totals).
    assert "codex1261" in text and "50709472" in text
    assert "gemini44" in text and str(473586 + 397943 + 97289 + 206879) in text
    # One cost: what `cctracker report agent` says (the same dated prices, the same rule).
    from collector.analytics import filters, usage

    conn = db.connect(agents_server["db"])
    try:
        costs = {a["agent"]: a["totalCost"] for a in usage.report(conn, filters.Filters(), "agent")["agents"]}
    finally:
        conn.close()
    assert costs["codex"] > 0 and "%.2f" % costs["codex"] in text and "%.2f" % costs["gemini"] in text
    filtered, _ = _visit(browser, agents_server, "/-/dashboards/overview?date_from=2026-04-23&date_to=2026-04-23",
                         "overview-agents-day")
    (day,) = [c for c in filtered if c["id"] == "chart-by_agent"]
    assert "gemini1" in re.sub(r"\s+", "", day["text"]) and "codex" not in day["text"]


@pytest.mark.browser
@pytest.mark.parametrize("slug", ["overview", "project", "think-time", "tools-files", "git"])
def test_every_dashboard_page_filters_by_agent(browser, agents_server, slug):  # noqa: F811
    """The agent filter is on every page and narrows its charts (read from the rollups)."""
    charts, seen = _visit(browser, agents_server, "/-/dashboards/%s?agent=gemini" % slug, "agents-" + slug)
    assert seen["errors"] == [] and seen["outside"] == []
    # (The project page's summary lists every project, whose paths may say codex.)
    text = " ".join(c["text"] for c in charts if c["id"] != "chart-summary")
    assert "gpt-5" not in text  # no Codex model anywhere
    if slug == "overview":
        (kpi,) = [c for c in charts if c["id"] == "chart-kpi_sessions"]
        assert kpi["text"] == "4"
        (tokens,) = [c for c in charts if c["id"] == "chart-kpi_tokens"]
        assert tokens["text"]  # drawn (its number is formatted: 1.2M)
    if slug == "tools-files":
        assert "exec_command" not in text  # a Codex tool


@pytest.mark.browser
def test_sessions_and_search_pages_filter_by_agent(browser, agents_server):  # noqa: F811
    page = browser.new_page()
    page.goto(agents_server["url"] + "/-/cctracker/sessions?agent=gemini")
    rows = page.query_selector_all("table.cct-sessions tr")[1:]
    assert len(rows) == 4 and all("gemini" in r.inner_text() for r in rows)
    assert page.input_value("select[name=agent]") == "gemini"
    page.goto(agents_server["url"] + "/-/cctracker/search?q=README&agent=codex")
    assert page.query_selector_all(".cct-result") == [] or all(
        "gemini" not in r.inner_text() for r in page.query_selector_all(".cct-result"))
    page.goto(agents_server["url"] + "/-/cctracker/search?q=README&agent=gemini")
    results = page.query_selector_all(".cct-result")
    assert results and all("gemini" in r.inner_text() for r in results)
    page.close()
