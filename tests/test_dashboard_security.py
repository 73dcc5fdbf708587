"""The dashboard against other web pages (issue #14): a real Datasette through
collector.serve.dashboard.start on a real database, spoken to over HTTP."""

import http.client
import urllib.parse

import pytest
import yaml

from collector.api.security import MIN_TOKEN_CHARS
from collector.serve import dashboard, demo
from conftest import ROOT, free_port

TOKEN = "t0ken-" + "x" * 40


def request(port, path, host=None, headers=None):
    """(status, headers, body) for a GET with exactly this Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", "127.0.0.1:%d" % port if host is None else host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def start(path, env_extra=None, host="127.0.0.1"):
    import os

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CCTRACKER_TOKEN"}
    env.update(env_extra or {})
    proc = dashboard.start(path, host, port, env=env)
    dashboard.wait_until_ready(proc, host, port, token=env.get("CCTRACKER_TOKEN"))
    return proc, port


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import os

    home = tmp_path_factory.mktemp("dash-security")
    path = str(home / "demo.db")
    demo.build_demo(path, days=7, seed=1)
    old = os.environ.get("CCTRACKER_ALLOWED_HOSTS")
    os.environ["CCTRACKER_ALLOWED_HOSTS"] = "tracker.lan"
    try:
        proc, port = start(path)
    finally:
        os.environ.pop("CCTRACKER_ALLOWED_HOSTS") if old is None else os.environ.update(
            CCTRACKER_ALLOWED_HOSTS=old)
    try:
        yield {"port": port, "db": path, "proc": proc}
    finally:
        dashboard.stop(proc)


def test_a_foreign_host_is_refused(served):
    port = served["port"]
    for host in ("evil.example:%d" % port, "evil.example", "127.0.0.1.evil.example:%d" % port,
                 "localhost:%d" % (port + 1), ""):
        status, _, body = request(port, "/cctracker/projects.json", host=host)
        assert status == 403 and "Host is not allowed" in body, host
    for host in ("127.0.0.1:%d" % port, "localhost:%d" % port, "LOCALHOST:%d" % port, "tracker.lan:%d" % port):
        assert request(port, "/cctracker/projects.json", host=host)[0] == 200, host


def _charts():
    with open(ROOT / "datasette" / "metadata.yml") as f:
        meta = yaml.safe_load(f)
    return meta["plugins"]["datasette-dashboards"]


def test_arbitrary_sql_is_off_but_the_charts_still_load(served):
    port = served["port"]
    sql = urllib.parse.quote("select content from messages")
    for path in ("/cctracker.json?sql=" + sql, "/cctracker?sql=" + sql, "/cctracker.csv?sql=" + sql,
                 "/cctracker/messages.json?_where=" + urllib.parse.quote("1=1")):
        status, _, body = request(port, path)
        assert status == 403 and "dashboard_sql = true" in body, path
    # Exactly what the charts send (datasette-dashboards' dashboards.js), filters filled in.
    from datasette_dashboards import replace_opts_in_query

    overview = _charts()["overview"]
    checked = 0
    for chart in overview["charts"].values():
        if chart.get("db") != "cctracker" or not chart.get("query"):
            continue
        for options in ({}, {"date_from": "2026-01-01"}):
            query = replace_opts_in_query(chart["query"], options)
            qs = urllib.parse.urlencode(options)
            status, _, body = request(port, "/cctracker.json?sql=%s&%s&_shape=objects"
                                      % (urllib.parse.quote(query), qs))
            assert status == 200, (query, body[:300])
            checked += 1
        # The same chart query with a clause added is arbitrary SQL again.
        status, _, _ = request(port, "/cctracker.json?sql=" + urllib.parse.quote(chart["query"] + " -- x"))
        assert status == 403
    assert checked >= 10
    # Canned queries and the plugin pages need no ?sql=.
    assert request(port, "/cctracker/tool_failures.json?tool=Bash")[0] == 200
    assert request(port, "/-/cctracker/sessions")[0] == 200
    assert request(port, "/-/dashboards/overview")[0] == 200


def test_sql_can_be_turned_on_in_config(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("dashboard_sql = true\n")
    monkeypatch.setenv("CCTRACKER_HOME", str(home))
    path = str(home / "cctracker.db")
    proc, port = start(path)
    try:
        status, _, body = request(port, "/cctracker.json?sql=" + urllib.parse.quote("select 40 + 2 as n"))
        assert status == 200 and '"rows": [[42]]' in body.replace(" ", "").replace('"rows":[[42]]', '"rows": [[42]]')
        # Still read-only.
        status, _, body = request(port, "/cctracker.json?sql=" + urllib.parse.quote("delete from projects"))
        assert status == 400
    finally:
        dashboard.stop(proc)


def test_a_token_is_required_on_loopback_too_and_never_logged(tmp_path):
    path = str(tmp_path / "cctracker.db")
    proc, port = start(path, {"CCTRACKER_TOKEN": TOKEN})
    try:
        assert request(port, "/-/dashboards/overview")[0] == 401
        assert request(port, "/-/dashboards/overview", headers={"Authorization": "Bearer " + TOKEN})[0] == 200
        # Logging in with ?token= redirects on this server only, even from "//evil.example/".
        status, headers, _ = request(port, "//evil.example/?token=" + TOKEN)
        assert status == 302 and headers["location"] == "/evil.example/"
        status, headers, _ = request(port, "/-/dashboards/overview?token=%s&project=x" % TOKEN)
        assert status == 302 and headers["location"] == "/-/dashboards/overview?project=x"
        assert request(port, "/?token=wrong-" + TOKEN)[0] == 401
    finally:
        dashboard.stop(proc)
    with open(proc.log_path, "rb") as f:
        log = f.read()
    assert b"/-/dashboards/overview" in log  # the requests were logged, without the token
    assert TOKEN.encode() not in log


def test_a_short_token_is_refused(tmp_path):
    with pytest.raises(dashboard.DashboardError, match="at least %d" % MIN_TOKEN_CHARS):
        start(str(tmp_path / "cctracker.db"), {"CCTRACKER_TOKEN": "x" * (MIN_TOKEN_CHARS - 1)})


def test_redirects_stay_on_this_server():
    from importlib import util

    spec = util.spec_from_file_location("host_check", ROOT / "datasette" / "plugins" / "host_check.py")
    host_check = util.module_from_spec(spec)
    spec.loader.exec_module(host_check)
    for location in (b"//evil.example/", b"https://evil.example/", b"/\\evil.example", b"evil.example"):
        assert host_check.same_origin(location) == b"/"
    assert host_check.same_origin(b"/-/dashboards/overview?x=1") == b"/-/dashboards/overview?x=1"


@pytest.mark.parametrize("query", ["since=9999-12-31T23:59:59-23:59", "until=0001-01-01T00:00:00%2B23:59"])
def test_the_search_page_answers_a_hostile_date_with_400(served, query):
    status, _, body = request(served["port"], "/-/cctracker/search?q=invoice&" + query)
    assert status == 400 and "out of range" in body


def test_bound_to_all_addresses_the_machine_names_are_answered(tmp_path):
    import socket

    proc, port = start(str(tmp_path / "cctracker.db"), {"CCTRACKER_TOKEN": TOKEN}, host="0.0.0.0")
    auth = {"Authorization": "Bearer " + TOKEN}
    try:
        name = socket.gethostname().lower()
        assert request(port, "/-/versions.json", host="%s:%d" % (name, port), headers=auth)[0] == 200
        assert request(port, "/-/versions.json", host="evil.example:%d" % port, headers=auth)[0] == 403
    finally:
        dashboard.stop(proc)


def test_dashboard_csv_neutralises_formula_cells(tmp_path):
    import sqlite3

    from collector.storage import db

    path = str(tmp_path / "cctracker.db")
    db.connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("insert into projects (name, path) values ('=HYPERLINK(\"https://evil.example\",\"x\")', '/a')")
    conn.execute("insert into projects (name, path) values ('-2+3', '/b'), ('plain', '@c')")
    conn.commit()
    conn.close()
    proc, port = start(path)
    try:
        status, headers, body = request(port, "/cctracker/projects.csv?_col=name&_col=path&_sort=id")
        assert status == 200, body
        import csv
        import io

        rows = list(csv.reader(io.StringIO(body)))
        names = [(r[1], r[2]) for r in rows[1:]]
        assert names == [("'=HYPERLINK(\"https://evil.example\",\"x\")", "/a"), ("'-2+3", "/b"),
                         ("plain", "'@c")]
        assert rows[1][0] == "1"  # numbers are numbers
    finally:
        dashboard.stop(proc)
