"""The dashboard: Datasette started through collector.serve.dashboard on the demo database,
driven by real Chromium (Debian's /usr/bin/chromium through Playwright)."""

import datetime as dt
import os
import pathlib
import socket
import sqlite3
import subprocess
import urllib.error
import urllib.request

import pytest

from collector.serve import dashboard, demo

from conftest import ROOT, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
END = dt.date(2026, 3, 1)
#: Charts fetch their data after the page loads; a slow CI machine gets this long.
RENDER_TIMEOUT_MS = 30000

DASHBOARD_PAGES = ["overview", "project", "think-time", "tools-files", "git"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("dash")
    path = str(home / "demo.db")
    demo.build_demo(path, days=21, seed=1, end=END)
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        url = dashboard.wait_until_ready(proc, "127.0.0.1", port)
        yield {"url": url.rstrip("/"), "db": path, "port": port}
    finally:
        dashboard.stop(proc)


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_datasette_command_serves_config_dir_without_immutable():
    argv = dashboard.datasette_command("/x/cctracker.db", "127.0.0.1", 8001)
    assert argv[1:4] == ["-m", "datasette", "serve"]
    assert "-i" not in argv and "--immutable" not in argv
    assert str(dashboard.CONFIG_DIR / "metadata.yml") in argv
    assert argv[argv.index("--host") + 1] == "127.0.0.1"


def test_start_port_in_use_says_so(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(dashboard.DashboardError, match="127.0.0.1:%d.*--dashboard-port" % port):
            dashboard.start(str(tmp_path / "cctracker.db"), "127.0.0.1", port)


def test_start_beyond_loopback_without_token_refused(tmp_path):
    with pytest.raises(dashboard.DashboardError, match="CCTRACKER_TOKEN"):
        dashboard.start(str(tmp_path / "cctracker.db"), "0.0.0.0", free_port(), env={})


def test_token_plugin_requires_token_when_set(tmp_path):
    path = str(tmp_path / "cctracker.db")
    port = free_port()
    log = open(tmp_path / "log", "wb")
    proc = subprocess.Popen(dashboard.datasette_command(path, "127.0.0.1", port), stdout=log,
                            stderr=subprocess.STDOUT, env={**os.environ, "CCTRACKER_TOKEN": "s3cret-token-of-at-least-32-characters"})
    proc.log_path = str(tmp_path / "log")
    proc.url = "http://127.0.0.1:%d/" % port
    try:
        from collector.storage import db

        db.connect(path).close()
        dashboard.wait_until_ready(proc, "127.0.0.1", port, token="s3cret-token-of-at-least-32-characters")
        base = "http://127.0.0.1:%d" % port
        assert _get(base + "/-/dashboards/overview")[0] == 401
        assert _get(base + "/-/dashboards/overview", {"Authorization": "Bearer wrong"})[0] == 401
        assert _get(base + "/-/dashboards/overview", {"Authorization": "Bearer s3cret-token-of-at-least-32-characters"})[0] == 200
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(base + "/-/dashboards/overview?token=s3cret-token-of-at-least-32-characters", timeout=30) as resp:
            assert resp.status == 200 and "token=" not in resp.url
        with opener.open(base + "/-/cctracker/sessions", timeout=30) as resp:
            assert resp.status == 200
    finally:
        dashboard.stop(proc)
        log.close()


def test_served_database_refuses_arbitrary_sql(server):
    # Off unless config.toml says dashboard_sql = true (read-only even then:
    # tests/test_dashboard_security.py).
    status, body = _get(server["url"] + "/cctracker.json?sql=" + urllib.request.quote(
        "delete from projects"))
    assert status == 403 and "dashboard_sql" in body
    status, body = _get(server["url"] + "/-/databases.json")
    assert '"name": "cctracker"' in body


def test_search_page_finds_the_known_conversation(server):
    conn = sqlite3.connect(server["db"])
    sessions = {r[0] for r in conn.execute("select session_id from messages where content = ?",
                                           (demo.KNOWN_PROMPT,))}
    status, body = _get(server["url"] + "/-/cctracker/search?q=" + urllib.request.quote(
        "websocket reconnect leaking file descriptors"))
    assert status == 200
    first = body.split('class="cct-result"', 2)[1]
    assert any("/-/cctracker/session/%d#" % s in first for s in sessions)


def test_search_page_blank_query_shows_form(server):
    status, body = _get(server["url"] + "/-/cctracker/search?q=")
    assert status == 200 and 'name="q"' in body and "cct-result" not in body


def test_session_page_unknown_id_is_404(server):
    assert _get(server["url"] + "/-/cctracker/session/999999")[0] == 404


# ---- real browser ---------------------------------------------------------------------------

def _browser_or_skip():
    if not pathlib.Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium at %s for the browser tests" % CHROMIUM)
        pytest.skip("%s is not installed: browser tests skipped (install Debian's chromium)" % CHROMIUM)
    from playwright.sync_api import sync_playwright

    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _known_session(server):
    conn = sqlite3.connect(server["db"])
    return conn.execute("select session_id from messages where content = ? order by id limit 1",
                        (demo.KNOWN_PROMPT,)).fetchone()[0]


def _visit(browser, server, path, name):
    """Open a page, wait for every chart, and return what the page did."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    seen = {"errors": [], "outside": [], "requests": 0}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))

    def request(r):
        seen["requests"] += 1
        if not r.url.startswith("http://127.0.0.1:%d/" % server["port"]) and not r.url.startswith("data:"):
            seen["outside"].append(r.url)

    page.on("request", request)
    response = page.goto(server["url"] + path)
    assert response.status == 200, path
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dashboard-card-chart, .cct-chart')]"
        ".every(e => e.dataset.rendered)", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    charts = page.evaluate("""() => [...document.querySelectorAll('.dashboard-card-chart, .cct-chart')].map(e => ({
        id: e.id, kind: e.dataset.rendered,
        marks: e.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path,'
            + ' svg .mark-arc path, svg .mark-area path').length,
        cells: e.querySelectorAll('td').length, text: e.textContent.trim()}))""")
    page.screenshot(path=str(ARTIFACTS / ("dashboard-%s.png" % name)), full_page=True)
    page.close()
    return charts, seen


def _assert_drawn(charts, seen):
    assert seen["errors"] == []
    assert seen["outside"] == []
    for chart in charts:
        assert chart["kind"] in ("vega", "table", "metric"), chart
        if chart["kind"] == "vega":
            assert chart["marks"] > 0, chart["id"]
        elif chart["kind"] == "table":
            assert chart["cells"] > 0, chart["id"]
        else:
            assert chart["text"] and chart["text"] != "–", chart["id"]


@pytest.mark.browser
@pytest.mark.parametrize("slug", DASHBOARD_PAGES)
def test_dashboard_page_draws_every_chart(browser, server, slug):
    charts, seen = _visit(browser, server, "/-/dashboards/" + slug, slug)
    assert len(charts) >= 4
    _assert_drawn(charts, seen)


@pytest.mark.browser
def test_dashboard_filters_by_project_and_dates(browser, server):
    charts, seen = _visit(browser, server, "/-/dashboards/overview?project=blog&date_from=2026-02-20"
                          "&date_to=2026-03-01", "overview-filtered")
    _assert_drawn(charts, seen)
    expected = sqlite3.connect(server["db"]).execute(
        "select count(*) from sessions s join projects p on p.id = s.project_id where p.name = 'blog'"
        " and date(s.started_at) between '2026-02-20' and '2026-03-01'").fetchone()[0]
    (kpi,) = [c for c in charts if c["id"] == "chart-kpi_sessions"]
    assert kpi["text"] == str(expected)


@pytest.mark.browser
@pytest.mark.parametrize("name", ["session", "sessions", "learning", "search"])
def test_custom_page_loads_and_draws(browser, server, name):
    path = {"session": "/-/cctracker/session/%d" % _known_session(server),
            "sessions": "/-/cctracker/sessions?project=tracker-api",
            "learning": "/-/cctracker/learning",
            "search": "/-/cctracker/search?q=" + urllib.request.quote("websocket reconnect")}[name]
    charts, seen = _visit(browser, server, path, name)
    _assert_drawn(charts, seen)
    if name in ("session", "learning"):
        assert [c["kind"] for c in charts] == ["vega"]


@pytest.mark.browser
def test_search_page_in_browser_finds_known_conversation(browser, server):
    page = browser.new_page()
    page.goto(server["url"] + "/-/cctracker/search")
    page.fill("input[name=q]", "websocket reconnect loop leaks file descriptors")
    page.click("input[type=submit]")
    page.wait_for_selector(".cct-result")
    page.click(".cct-result a")
    page.wait_for_selector(".cct-conversation")
    assert demo.KNOWN_PROMPT in page.inner_text(".cct-conversation")
    page.screenshot(path=str(ARTIFACTS / "dashboard-search-to-session.png"), full_page=True)
    page.close()


def test_empty_database_shows_a_hint_instead_of_broken_charts(browser, tmp_path):
    """A fresh install has no data yet: every chart says what to do, with no console error."""
    from collector.serve import dashboard as dash
    from conftest import free_port

    port = free_port()
    proc = dash.start(str(tmp_path / "empty.db"), "127.0.0.1", port)
    try:
        dash.wait_until_ready(proc, "127.0.0.1", port)
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto("http://127.0.0.1:%d/-/dashboards/overview" % port, wait_until="networkidle")
        page.wait_for_function("document.querySelectorAll('[data-rendered=empty]').length >= 5", timeout=30000)
        assert page.locator("[data-rendered=vega]").count() == 0
        assert "cctracker install" in page.locator(".cct-empty").first.inner_text()
        assert errors == []
        page.close()
    finally:
        dash.stop(proc)
