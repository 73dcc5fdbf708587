"""Every dashboard page with three shapes of history (tests/dashboard_shapes.py): one
session today, eight real sessions over six months, the demo. Real Datasette, real Chromium.

Each page is screenshotted to test-artifacts/shapes/<shape>-<page>.png and must: log no
error and no warning (Vega's ``Dropping "fit-y"`` included), draw marks in every chart or
say what is missing, never repeat a label along an axis, show KPIs in a unit that reads
(never "0.0 h" for a short day), and show no stored UTC time as text.
"""

import re
import urllib.request

import pytest

from collector.serve import dashboard

import dashboard_shapes
from conftest import ROOT, free_port
from test_dashboard import CHROMIUM_ARGS, RENDER_TIMEOUT_MS, _browser_or_skip, CHROMIUM

SHOTS = ROOT / "test-artifacts" / "shapes"
DASHBOARDS = ["overview", "project", "think-time", "tools-files", "git", "limits"]
PAGES = DASHBOARDS + ["sessions", "session", "learning", "search", "live"]
RAW_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
#: Axis labels of every chart: [[labels of one axis], ...].
AXES_JS = """() => [...document.querySelectorAll('.dashboard-card-chart, .cct-chart')].flatMap(c =>
    [...c.querySelectorAll('g.role-axis')].map(a =>
        [...a.querySelectorAll('g.role-axis-label text')].map(t => t.textContent)))"""
CHARTS_JS = """() => [...document.querySelectorAll('.dashboard-card-chart, .cct-chart')].map(e => ({
    id: e.id, kind: e.dataset.rendered, bucket: e.dataset.bucket || null,
    marks: e.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path,'
        + ' svg .mark-arc path, svg .mark-area path').length,
    cells: e.querySelectorAll('td').length, text: e.textContent.trim()}))"""


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=dashboard_shapes.SHAPES)
def shaped(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("shape-" + request.param)
    path = dashboard_shapes.build(request.param, root)
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        url = dashboard.wait_until_ready(proc, "127.0.0.1", port).rstrip("/")
        import sqlite3

        conn = sqlite3.connect(path)
        first = conn.execute("select id from sessions order by started_at desc limit 1").fetchone()[0]
        conn.close()
        yield {"shape": request.param, "url": url, "port": port, "db": path, "session": first}
    finally:
        dashboard.stop(proc)


def _path(page, shaped):
    if page in DASHBOARDS:
        return "/-/dashboards/" + page
    if page == "session":
        return "/-/cctracker/session/%d" % shaped["session"]
    if page == "search":
        return "/-/cctracker/search?q=" + urllib.request.quote("test")
    return "/-/cctracker/" + page


def visit(browser, shaped, page_name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    seen = {"console": [], "outside": []}
    page.on("console", lambda m: seen["console"].append("%s: %s" % (m.type, m.text))
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: seen["console"].append("pageerror: %s" % e))
    page.on("request", lambda r: seen["outside"].append(r.url) if not r.url.startswith(
        "http://127.0.0.1:%d/" % shaped["port"]) and not r.url.startswith("data:") else None)
    response = page.goto(shaped["url"] + _path(page_name, shaped))
    assert response.status == 200, page_name
    page.wait_for_function("() => [...document.querySelectorAll('.dashboard-card-chart, .cct-chart')]"
                           ".every(e => e.dataset.rendered)", timeout=RENDER_TIMEOUT_MS)
    if page_name != "live":  # the Live page keeps its event stream open
        page.wait_for_load_state("networkidle")
    found = {"charts": page.evaluate(CHARTS_JS), "axes": page.evaluate(AXES_JS),
             "text": page.inner_text("body"), "title": page.title(),
             "card_titles": page.eval_on_selector_all(".dashboard-card-title", "els => els.map(e => e.textContent)")}
    page.screenshot(path=str(SHOTS / ("%s-%s.png" % (shaped["shape"], page_name))), full_page=True)
    page.close()
    return found, seen


@pytest.mark.browser
@pytest.mark.parametrize("page_name", PAGES)
def test_page_reads_well(browser, shaped, page_name):
    found, seen = visit(browser, shaped, page_name)
    assert seen["console"] == [] and seen["outside"] == []
    for chart in found["charts"]:
        assert chart["kind"] in ("vega", "table", "metric", "empty"), chart
        if chart["kind"] == "vega":
            assert chart["marks"] > 0, chart["id"]
        elif chart["kind"] == "empty":
            # Says what is missing; never the install hint when sessions exist.
            assert chart["text"] and "cctracker install" not in chart["text"], chart
        elif chart["kind"] == "metric":
            assert chart["text"] not in ("", "–") and not re.match(r"^0\.0 ", chart["text"]), chart
    for labels in found["axes"]:
        assert len(labels) == len(set(labels)), labels
    assert not RAW_TIME.search(found["text"]), RAW_TIME.search(found["text"]).group(0)
    assert "select " not in found["title"].lower()


@pytest.mark.browser
def test_day_charts_pick_buckets_for_the_range(browser, shaped):
    found, _ = visit(browser, shaped, "overview")
    buckets = {c["id"]: c["bucket"] for c in found["charts"] if c["bucket"]}
    expected = {"one": "day", "sparse": "week", "demo": "day"}[shaped["shape"]]
    assert buckets and set(buckets.values()) == {expected}, buckets
    # Card titles name the bucket ("Sessions and prompts per week").
    titles = " ".join(found["card_titles"])
    assert ("per %s" % expected) in titles and (expected == "day" or "per day" not in titles), titles
    (active,) = [c for c in found["charts"] if c["id"] == "chart-kpi_active"]
    assert re.match(r"^[\d.,]+ (s|min|h)$", active["text"]), active
    (tokens,) = [c for c in found["charts"] if c["id"] == "chart-kpi_tokens"]
    assert re.match(r"^[\d.,]+( k| M| B)?$", tokens["text"]), tokens
