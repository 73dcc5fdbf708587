"""The analytics views and metric formulas, on real SQLite databases."""

import sqlite3

import pytest

from collector import schema
from collector.storage import db


@pytest.fixture
def conn(tmp_path):
    return db.connect(str(tmp_path / "t.db"))


@pytest.mark.parametrize("view", sorted(schema.views()))
def test_view_runs_on_fresh_db_with_stdlib_sqlite(tmp_path, view):
    path = str(tmp_path / "fresh.db")
    db.connect(path).close()
    with sqlite3.connect(path) as stdlib:
        rows = stdlib.execute("select * from %s" % view).fetchall()
    # file_languages is a constant table (extension -> language); every other view reads rows.
    assert (len(rows) > 50) if view == "file_languages" else rows == []


# --- the API, served by a real waitress server -------------------------------------------

from collector import config as config_mod  # noqa: E402
from collector.ingest.drain import drain_once  # noqa: E402

from api_server import running  # noqa: E402
from conftest import HOOK_FIXTURES  # noqa: E402
from replay import load_stream, replay  # noqa: E402

DAY = "start_date=2026-03-02&end_date=2026-03-02"


@pytest.fixture(scope="module")
def stream_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("api-stream-home")
    replay(load_stream(HOOK_FIXTURES / "session_stream.jsonl"), home)
    config = config_mod.load(str(home))
    drain_once(db.connect(config.db_path), config)
    return home


@pytest.fixture(scope="module")
def api(stream_home):
    with running(stream_home) as server:
        yield server


def test_productivity_endpoint_has_the_spec_shape_and_hand_computed_values(api):
    r = api.get("/api/analytics/productivity?" + DAY)
    assert r.status_code == 200
    body = r.json()
    assert body["average_session_length"] == round(999.803 / 60, 2)        # minutes: 16.66
    assert body["think_time_average"] == round((40.675 + 705.691 + 35.318 + 68.313) / 4, 3)
    assert body["files_per_session"] == 3.0
    assert body["engagement_score"] == 68.3
    assert body["tools_most_used"][0] == {"tool": "Bash", "count": 4}
    assert [t["date"] for t in body["productivity_trends"]] == ["2026-03-02"]
    assert body["productivity_trends"][0]["score"] == 50.6
    assert body["engagement"]["inputs"]["wall_seconds"] == 999.803


@pytest.mark.parametrize("path", ["time", "tools", "files", "git", "tokens", "learning", "summary"])
def test_every_analytics_endpoint_answers_and_echoes_its_filters(api, path):
    r = api.get("/api/analytics/%s?project_id=1&%s" % (path, DAY))
    assert r.status_code == 200
    assert r.json()["filters"] == {"project_id": 1, "start_date": "2026-03-02", "end_date": "2026-03-02",
                                   "agent": None}


def test_time_endpoint_totals_equal_the_hand_computed_split(api):
    totals = api.get("/api/analytics/time?" + DAY).json()["totals"]
    assert totals["claude_working_seconds"] == 95.5                        # 79.023 + 16.477
    assert totals["permission_wait_seconds"] == 24.852                     # 21.438 + 3.414
    assert totals["thinking_seconds"] == 444.306                           # 40.675 + 300 + 35.318 + 68.313
    assert totals["away_seconds"] == 405.691


def test_other_project_or_days_give_empty_figures(api):
    body = api.get("/api/analytics/productivity?project_id=99&" + DAY).json()
    assert body["engagement_score"] is None and body["tools_most_used"] == []


@pytest.mark.parametrize("query, field", [
    ("days=0", "days"), ("days=abc", "days"), ("project_id=-1", "project_id"),
    ("start_date=2026-02-30", "start_date"), ("end_date=soon", "end_date"),
    ("end_date=0001-01-01&days=5", "days"), ("start_date=", "start_date"), ("days=", "days"),
], ids=lambda v: str(v))
def test_bad_filters_are_400_naming_the_field(api, query, field):
    r = api.get("/api/analytics/tools?" + query)
    assert r.status_code == 400
    assert r.json()["field"] == field


def test_end_before_start_is_an_empty_range(api):
    body = api.get("/api/analytics/productivity?start_date=2026-03-05&end_date=2026-03-01").json()
    assert body["engagement_score"] is None and body["tools_most_used"] == []


def test_start_date_wins_over_days(api):
    with_days = api.get("/api/analytics/tools?days=3&start_date=2026-03-01&end_date=2026-03-02").json()
    without = api.get("/api/analytics/tools?start_date=2026-03-01&end_date=2026-03-02").json()
    assert with_days == without


def test_learning_part_must_be_known(api):
    r = api.get("/api/analytics/learning?part=feelings")
    assert r.status_code == 400 and r.json()["field"] == "part"
