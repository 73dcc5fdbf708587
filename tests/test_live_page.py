"""The Live and Limits pages in real Chromium, on databases filled the real way (hooks fired
through the hook script and drained; the demo database for the Limits charts)."""

import datetime as dt
import json
import urllib.request

import pytest

from collector import config as config_mod
from collector.ingest import drain
from collector.serve import dashboard, demo, live
from collector.storage import db
from conftest import SHARED, free_port
from replay import run_hook
from test_dashboard import CHROMIUM_ARGS, RENDER_TIMEOUT_MS, _assert_drawn, _browser_or_skip, _visit

pytestmark = pytest.mark.browser

SESSION = "7b1d3c2e-0f4a-4c55-9a1e-2d3c4b5a6f70"
LATER = SHARED / "fixtures" / "statusline" / "cc-2.1.226_fleet_later-render-rate-limits.json"


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def stamp(seconds_ago):
    at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds_ago)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fire(home, events):
    for seconds_ago, payload in events:
        payload = dict({"session_id": SESSION, "cwd": "/home/dana/src/acme-billing",
                        "transcript_path": "/nonexistent.jsonl"}, **payload)
        assert run_hook(payload, home, at=stamp(seconds_ago)).returncode == 0
    config = config_mod.load(str(home))
    conn = db.connect(config.db_path)
    try:
        drain.drain_once(conn, config)
    finally:
        conn.close()
    return config.db_path


BASH = {"tool_name": "Bash", "tool_input": {"command": "pytest -q tests/test_invoice.py"}}


@pytest.fixture
def live_dashboard(home):
    home.mkdir(parents=True, exist_ok=True)
    path = fire(home, [
        (300, {"hook_event_name": "SessionStart", "source": "startup"}),
        (240, {"hook_event_name": "UserPromptSubmit", "prompt": "Fix the rounding in invoice totals"}),
        (200, dict(BASH, hook_event_name="PreToolUse", tool_use_id="toolu_1")),
        (190, dict(BASH, hook_event_name="PermissionRequest")),
    ])
    # The status line's own figures for the session, through the real status line script.
    import os
    import subprocess
    import sys

    from conftest import ROOT

    payload = json.loads(LATER.read_text())
    payload["session_id"] = SESSION
    subprocess.run([os.path.realpath(sys.executable), "-I", "-S", str(ROOT / "hooks" / "statusline.py")],
                   input=json.dumps(payload).encode(), capture_output=True, timeout=30, check=True,
                   env=dict(os.environ, CCTRACKER_HOME=str(home)))
    fire(home, [])
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        dashboard.wait_until_ready(proc, "127.0.0.1", port)
        yield {"url": "http://127.0.0.1:%d" % port, "port": port, "db": path, "home": home}
    finally:
        dashboard.stop(proc)


def test_live_json_describes_the_running_session(live_dashboard):
    with urllib.request.urlopen(live_dashboard["url"] + "/-/cctracker/live.json", timeout=30) as resp:
        data = json.loads(resp.read())
    [s] = data["sessions"]
    assert s["project"] == "acme-billing"
    assert s["turn"]["seq"] == 1 and s["turn"]["prompt"] == "Fix the rounding in invoice totals"
    assert s["tool"]["name"] == "Bash" and s["tool"]["detail"] == "pytest -q tests/test_invoice.py"
    assert s["permission"]["tool"] == "Bash" and 185 <= s["permission"]["waiting_seconds"] < 600
    assert s["status"] == {"model": "Haiku 4.5", "cost_usd": 0.16805900000000001, "context_used_percentage": 22.0,
                           "at": s["status"]["at"]}
    assert data["limits"]["five_hour"]["used_percentage"] == 7.000000000000001
    assert data["limits"]["five_hour"]["reset_since"] is True  # the captured window is long over


def test_live_page_shows_the_permission_badge_then_updates_by_itself(browser, live_dashboard):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_dashboard["url"] + "/-/cctracker/live")
    page.wait_for_selector(".cct-live[data-rendered=live]", timeout=RENDER_TIMEOUT_MS)
    badge = page.inner_text(".cct-badge-wait")
    assert badge.startswith("waiting for permission: Bash · 3 min")
    card = page.inner_text(".cct-live-session")
    assert "acme-billing" in card and "Fix the rounding in invoice totals" in card
    assert "pytest -q tests/test_invoice.py" in card and "Haiku 4.5 · $0.17 this session · context 22%" in card
    assert "7%" in page.inner_text("#live-limits")
    page.evaluate("window.cctMarker = 1")
    # The user allows it; the tool runs; Claude stops. The page follows without a reload.
    fire(live_dashboard["home"], [(2, dict(BASH, hook_event_name="PostToolUse", tool_use_id="toolu_1",
                                             tool_response={"stdout": "3 passed"})),
                                  (1, {"hook_event_name": "Stop", "last_assistant_message": "Fixed."})])
    page.wait_for_function("() => document.querySelector('.cct-live-session .cct-badge').textContent"
                           ".startsWith('waiting for you')", timeout=RENDER_TIMEOUT_MS)
    assert page.query_selector(".cct-badge-wait") is None
    assert page.evaluate("window.cctMarker") == 1
    page.screenshot(path=str(_artifacts() / "dashboard-live.png"), full_page=True)
    fire(live_dashboard["home"], [(0, {"hook_event_name": "SessionEnd", "reason": "exit"})])
    page.wait_for_function("() => document.querySelector('#live-sessions').textContent.includes('No active session')",
                           timeout=RENDER_TIMEOUT_MS)
    assert errors == []
    page.close()


@pytest.mark.parametrize("path", ["/-/dashboards/overview", "/-/cctracker/session/1",
                                  "/-/cctracker/session/" + SESSION[:8]])
def test_overview_and_session_pages_reload_while_a_session_is_active(browser, live_dashboard, path):
    page = browser.new_page()
    page.add_init_script("window.cctReloadMs = 500")
    page.goto(live_dashboard["url"] + path)
    page.wait_for_function("document.documentElement.dataset.liveActive === 'yes'", timeout=RENDER_TIMEOUT_MS)
    page.evaluate("window.cctMarker = 1")
    fire(live_dashboard["home"], [(0, {"hook_event_name": "UserPromptSubmit", "prompt": "and the tax lines"})])
    page.wait_for_function("window.cctMarker === undefined", timeout=RENDER_TIMEOUT_MS)  # reloaded
    page.close()


def _artifacts():
    from test_dashboard import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def demo_dashboard(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("limits") / "demo.db")
    demo.build_demo(path, days=21, seed=1, end=dt.date(2026, 3, 1), index_search=False)
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        url = dashboard.wait_until_ready(proc, "127.0.0.1", port)
        yield {"url": url.rstrip("/"), "db": path, "port": port}
    finally:
        dashboard.stop(proc)


def test_limits_page_draws_blocks_observed_use_and_costs(browser, demo_dashboard):
    charts, seen = _visit(browser, demo_dashboard, "/-/dashboards/limits", "limits")
    _assert_drawn(charts, seen)
    by_id = {c["id"]: c for c in charts}
    assert by_id["chart-kpi_block"]["text"] == "no active block"  # the demo ends on 2026-03-01
    assert by_id["chart-kpi_five_hour"]["text"].endswith("(window reset since)")
    conn = db.connect(demo_dashboard["db"])
    blocks = conn.execute("select count(*) from usage_blocks where is_gap = 0").fetchone()[0]
    conn.close()
    assert by_id["chart-kpi_blocks"]["text"] == str(blocks)
    assert by_id["chart-blocks_over_time"]["marks"] == blocks
    assert "none active" in by_id["chart-active_block"]["text"]


def test_live_snapshot_without_any_data(tmp_path):
    conn = db.connect(str(tmp_path / "empty.db"))
    data = live.snapshot(conn)
    assert data["sessions"] == [] and data["block"] is None
    assert data["limits"] == {"five_hour": None, "seven_day": None} and data["version"] == 0
    conn.close()
