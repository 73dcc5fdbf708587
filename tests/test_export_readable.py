"""``cctracker export --format md|html``: sessions for reading, checked against the shared transcripts."""

import os
import pathlib
import re
import shutil
import subprocess

import orjson
import pytest

from collector.transcripts.lines import classify_user_text, text_of
from conftest import PYTHON, TRANSCRIPTS

CLI = "from collector.cli import cli; cli(prog_name=\"cctracker\")"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"
MAIN_FILES = sorted(p for p in TRANSCRIPTS.rglob("*.jsonl") if "subagents" not in p.parts)


def cli(*args, check=True):
    done = subprocess.run([PYTHON, "-c", CLI, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def imported(tmp_path, home):
    base = tmp_path / "claude" / "projects"
    shutil.copytree(TRANSCRIPTS / "spotter", base / "-home-marco-projects-spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", base / "-path-to-Demo")
    cli("import", str(base))
    return base


def typed_prompts(path):
    """(session, [typed text]) read straight from a transcript: main-thread user text a person typed."""
    session, found = None, []
    for raw in open(path, "rb"):
        obj = orjson.loads(raw)
        session = session or obj.get("sessionId")
        if obj.get("type") != "user" or obj.get("isSidechain") or obj.get("isMeta"):
            continue
        text, _ = text_of(obj["message"].get("content"))
        kind, value, _ = classify_user_text(text) if text else (None, None, None)
        if kind in ("prompt", "command"):  # typed: a prompt, or a /command or !shell line
            found.append(value)
    return session, found


@pytest.mark.parametrize("original", MAIN_FILES, ids=lambda p: p.name)
def test_markdown_holds_every_typed_prompt_in_order(original, imported):
    session, prompts = typed_prompts(original)
    md = cli("export", "--format", "md", "--session", session).stdout
    assert session in md
    position = 0
    for prompt in prompts:
        found = md.find(prompt.strip(), position)
        assert found >= 0, "prompt missing or out of order: %r" % prompt[:80]
        position = found + len(prompt.strip())
    assert prompts or original.name == "subagent.jsonl"


def test_markdown_folds_thinking_and_tools_and_nests_subagents(imported):
    md = cli("export", "--format", "md", "--session", "ae4a77f8").stdout
    assert "<details><summary>Tool WebSearch: hex.pm opentelemetry_api" in md
    assert "**Subagent aac57f5**" in md and "> **Prompt**" in md  # nested, quoted one level in
    short = cli("export", "--format", "md", "--session", "d6e0bada").stdout
    assert "<details><summary>Thinking</summary>" in short
    # Times are local: the zone the tests pin (UTC) gives the stored minute.
    assert re.search(r"Started: 2026-02-1\d \d\d:\d\d", short)


def test_project_and_date_range_export_many(imported, tmp_path):
    out = tmp_path / "demo.md"
    done = cli("export", "--format", "md", "--project", "Demo", "-o", str(out))
    assert "Wrote 3 sessions" in done.stderr
    assert out.read_text().count("\n- Session: `") == 3 and oct(out.stat().st_mode & 0o777) == "0o600"
    many = cli("export", "--format", "html", "--since", "2020-01-01", "--until", "2030-12-31").stdout
    assert many.count("<section id=") == 7 and "<nav>" in many


def test_bad_combinations_fail_in_one_line(imported):
    for args in (["--format", "md"], ["--format", "csv", "--session", "d6e0bada"],
                 ["--format", "md", "--session", "zzzz"], ["--format", "md", "--session", "#999"]):
        done = cli("export", *args, check=False)
        assert done.returncode == 1 and done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1


@pytest.mark.browser
def test_html_export_reads_in_chromium_without_outside_requests(imported, tmp_path):
    if not pathlib.Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium at %s" % CHROMIUM)
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "session.html"
    cli("export", "--format", "html", "--session", "ae4a77f8", "-o", str(page_file))
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(page_file.as_uri())
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        folded = page.locator("details:not(.agent)").first
        assert not folded.evaluate("d => d.open")
        folded.locator("summary").click()
        assert folded.evaluate("d => d.open")
        text = page.inner_text("main")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "export-session-phone.png"), full_page=False)
        browser.close()
    assert requests == [page_file.as_uri()]  # the file itself, nothing else
    assert errors == []
    assert "Search hex.pm for the latest versions" in text and "Subagent aac57f5" in text


def test_dashboard_session_page_links_both_exports(imported, home):
    import urllib.request

    from collector.serve import dashboard
    from conftest import free_port

    path = str(home / "cctracker.db")
    import sqlite3
    sid = sqlite3.connect(path).execute(
        "select id from sessions where session_uuid like 'ae4a77f8%'").fetchone()[0]
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        base = dashboard.wait_until_ready(proc, "127.0.0.1", port).rstrip("/")

        def get(url):
            with urllib.request.urlopen(base + url, timeout=60) as resp:
                return resp.status, resp.headers.get("content-type"), resp.read().decode()

        _, _, page = get("/-/cctracker/session/%d" % sid)
        assert 'href="/-/cctracker/session/%d.md"' % sid in page
        assert 'href="/-/cctracker/session/%d.html"' % sid in page
        status, kind, md = get("/-/cctracker/session/%d.md" % sid)
        assert status == 200 and kind.startswith("text/markdown")
        assert md == cli("export", "--format", "md", "--session", "#%d" % sid).stdout
        status, kind, page_html = get("/-/cctracker/session/%d.html" % sid)
        assert status == 200 and kind.startswith("text/html") and "Subagent aac57f5" in page_html
        try:
            get("/-/cctracker/session/999999.md")
            raise AssertionError("expected 404")
        except urllib.error.HTTPError as e:
            assert e.code == 404
    finally:
        dashboard.stop(proc)
