"""One definition per figure: the API and the dashboard read the same view, on the demo database."""

import datetime
import sqlite3

import pytest
import yaml

from collector.serve import dashboard, demo
from collector.storage import db

from api_server import running

QUERIES = yaml.safe_load((dashboard.CONFIG_DIR / "metadata.yml").read_text())["databases"]["cctracker"]["queries"]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("figures") / "demo.db"
    demo.build_demo(str(path), days=28, seed=3, end=datetime.date(2026, 3, 20), index_search=False)
    return path


def test_every_projects_figures_are_equal_in_the_api_and_the_dashboard(demo_path, home):
    with running(db_path=str(demo_path)) as api:
        served = {p["name"]: p for p in api.get("/api/projects?limit=1000").json()}
    # The dashboard's canned query, as Datasette runs it (the standard library's sqlite3).
    with sqlite3.connect(str(demo_path)) as stdlib:
        stdlib.row_factory = sqlite3.Row
        shown = {r["name"]: dict(r) for r in stdlib.execute(QUERIES["project_summaries"]["sql"], {"name": ""})}
    assert len(served) >= 3 and set(served) == set(shown)
    for name, api_row in served.items():
        row = shown[name]
        assert api_row["total_sessions"] == row["total_sessions"] > 0, name
        assert api_row["total_time_minutes"] == row["total_time_minutes"] > 0, name
        assert api_row["files_modified"] == row["files_modified"] > 0, name
        assert api_row["lines_changed"] == row["lines_changed"] > 0, name
        assert api_row["languages"] == row["languages"].split(", ") and api_row["languages"], name


def test_project_minutes_are_the_active_time_of_its_sessions(demo_path):
    conn = db.connect(str(demo_path))
    for project_id, minutes in conn.execute("select id, total_time_minutes from project_summary"):
        active, wall = conn.execute("select total(active_seconds), total(wall_seconds) from session_summary"
                                    " where project_id = ?", (project_id,)).fetchone()
        assert minutes == round(active / 60.0) and active < wall
    conn.close()


def test_session_list_carries_active_seconds(demo_path):
    conn = db.connect(str(demo_path))
    listed = dict(conn.execute("select session_id, active_seconds from session_list"))
    summary = dict(conn.execute("select session_id, active_seconds from session_summary"))
    assert len(listed) > 20 and listed == summary
    conn.close()


def test_the_dashboards_day_bounds_are_localdays_own():
    from collector.times import local
    from collector.analytics import sql_functions

    from test_local_days import PACIFIC, zone

    conn = sql_functions.register(sqlite3.connect(":memory:"))
    with zone(PACIFIC):
        for day in ("2026-03-02", "2026-03-08", "2026-07-01"):
            assert conn.execute("select local_day_start(?), local_day_end(?)", (day, day)).fetchone() == (
                local.day_start(day), local.day_end(day))
        assert conn.execute("select local_day_start('2026-03-09')").fetchone() == ("2026-03-09T07:00:00.000000Z",)
    # An empty or malformed field selects nothing instead of failing the page.
    assert conn.execute("select local_day_start(''), local_day_end('x'), local_day_start(null)").fetchone() == (
        None, None, None)


def test_no_dashboard_query_writes_a_figure_or_a_day_bound_again():
    text = (dashboard.CONFIG_DIR / "metadata.yml").read_text()
    assert "claude_working_seconds + permission_wait_seconds" not in text
    assert "'utc') || '.000000Z'" not in text
