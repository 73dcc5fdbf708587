"""What a new user meets first: the dashboard's and the API's front pages, port mistakes, ./dev."""

import datetime as dt
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from collector.errors import CCTrackerError
from collector.serve import dashboard, demo
from collector.serve.service import check_ports
from conftest import ROOT, free_port

CLI = [sys.executable, "-m", "collector.cli"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, follow=True, headers=None):
    """(status, final URL, headers, body) without raising on 3xx/4xx."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
            return resp.status, resp.url, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, url, e.headers, e.read().decode()


@pytest.fixture(scope="module")
def dash(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("front") / "demo.db")
    demo.build_demo(path, days=7, seed=1, end=dt.date(2026, 3, 1))
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    try:
        yield dashboard.wait_until_ready(proc, "127.0.0.1", port).rstrip("/")
    finally:
        dashboard.stop(proc)


def test_dashboard_root_opens_the_overview(dash):
    status, _, headers, _ = fetch(dash + "/", follow=False)
    assert (status, headers["Location"]) == (302, "/-/dashboards/overview")
    status, url, _, body = fetch(dash + "/")
    assert (status, url) == (200, dash + "/-/dashboards/overview")
    assert "<title>Overview" in body or ">Overview<" in body


def test_dashboard_root_keeps_filters_in_the_redirect(dash):
    _, _, headers, _ = fetch(dash + "/?date_start=2026-02-01", follow=False)
    assert headers["Location"] == "/-/dashboards/overview?date_start=2026-02-01"


def test_datasette_index_stays_reachable(dash):
    status, _, _, body = fetch(dash + "/-/index")
    assert status == 200 and 'href="/cctracker"' in body
    status, _, _, body = fetch(dash + "/-/index.json")
    assert status == 200 and '"cctracker"' in body
    status, _, _, body = fetch(dash + "/.json")
    assert status == 200 and '"cctracker"' in body


def test_api_root_lists_its_links(api_server):
    r = api_server.get("/")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "cctracker"
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert (links["docs"], links["openapi"], links["health"]) == ("/docs", "/openapi.json", "/api/health")
    for rel in ("docs", "openapi", "health", "sessions", "projects", "analytics"):
        assert api_server.get(links[rel]).status_code == 200, rel


def test_api_root_in_a_browser_is_a_page_of_links(api_server):
    r = api_server.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert '<a href="/docs">docs</a>' in r.text and '<a href="/api/health">health</a>' in r.text


def test_api_root_is_in_the_openapi_document(api_server):
    assert "get" in api_server.get("/openapi.json").json()["paths"]["/"]


@pytest.mark.parametrize("api, dash_port, with_dashboard, message", [
    (99999, 8001, True, "the API port must be from 1 to 65535, not 99999: set --port (or api_port in config.toml)"),
    (0, 8001, True, "the API port must be from 1 to 65535, not 0: set --port (or api_port in config.toml)"),
    (8000, -1, True, "the dashboard port must be from 1 to 65535, not -1: set --dashboard-port "
                     "(or dashboard_port in config.toml)"),
    (8000, 8000, True, "the API and the dashboard cannot share port 8000: choose another with --dashboard-port "
                       "(or dashboard_port in config.toml)"),
], ids=["api-too-high", "api-zero", "dashboard-negative", "shared"])
def test_check_ports_refuses(api, dash_port, with_dashboard, message):
    with pytest.raises(CCTrackerError) as e:
        check_ports(api, dash_port, with_dashboard)
    assert str(e.value) == message


def test_check_ports_accepts_the_edges_and_no_dashboard():
    check_ports(1, 65535)
    check_ports(8000, 8000, with_dashboard=False)
    check_ports(8000, 99999, with_dashboard=False)


@pytest.mark.parametrize("args, message", [
    (["--port", "99999"], "Error: the API port must be from 1 to 65535, not 99999: set --port "
                          "(or api_port in config.toml)"),
    (["--port", "8765", "--dashboard-port", "8765"], "Error: the API and the dashboard cannot share port 8765: "
                                                     "choose another with --dashboard-port (or dashboard_port "
                                                     "in config.toml)"),
], ids=["out-of-range", "shared"])
def test_serve_with_a_bad_port_is_one_line_and_exit_1(home, args, message):
    done = subprocess.run(CLI + ["serve", "--no-import"] + args, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CCTRACKER_HOME": str(home)})
    assert (done.returncode, done.stderr.strip(), done.stdout) == (1, message, "")


def test_dev_with_an_unknown_command_fails_and_says_so():
    done = subprocess.run(["bash", str(ROOT / "dev"), "serv"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "./dev: unknown command 'serv'"
    assert done.stderr.splitlines()[1].startswith("usage: ./dev serve")
    done = subprocess.run(["bash", str(ROOT / "dev"), "help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("usage: ./dev serve")
