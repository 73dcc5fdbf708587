"""Canned queries and dashboard charts in datasette/metadata.yml: well formed, read-only,
selecting from views, and right on a small database whose answers are known."""

import re
import sqlite3

import pytest
import yaml
from datasette_dashboards import replace_opts_in_query

from collector.analytics import sql_functions
from collector.serve import dashboard
from collector.sessions import store
from collector.storage import db, rollups

METADATA = yaml.safe_load((dashboard.CONFIG_DIR / "metadata.yml").read_text())
QUERIES = METADATA["databases"]["cctracker"]["queries"]
DASHBOARDS = METADATA["plugins"]["datasette-dashboards"]
CHARTS = [(slug, name, chart) for slug, d in DASHBOARDS.items() for name, chart in d["charts"].items()]
#: Tables a query may name besides views: FTS5 indexes cannot be reached through a view.
ALLOWED_TABLES = {"messages_fts", "projects"}
PARAM = re.compile(r"(?<!:):([a-zA-Z_][a-zA-Z0-9_]*)")


def _sources(sql):
    return set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", sql, re.I))


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("fresh") / "cctracker.db")
    db.connect(path).close()
    return path


def _ro(path):
    # Datasette reads through the standard library in mode=ro, with the dashboard plugin's
    # SQL functions: so do these tests.
    return sql_functions.register(sqlite3.connect("file:%s?mode=ro" % path, uri=True))


def _views(path):
    return {r[0] for r in _ro(path).execute("select name from sqlite_master where type = 'view'")}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_query_is_documented_and_read_only(name):
    query = QUERIES[name]
    assert query.get("title") and query.get("description")
    assert not query.get("write")
    assert query["sql"].lstrip().lower().startswith("select")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_query_selects_from_views_on_fresh_database(name, empty_db):
    sql = QUERIES[name]["sql"]
    assert _sources(sql) - ALLOWED_TABLES <= _views(empty_db), "not views: %s" % (
        _sources(sql) - ALLOWED_TABLES - _views(empty_db))
    params = {p: "x" for p in PARAM.findall(sql)}
    assert _ro(empty_db).execute(sql, params).fetchall() == []


@pytest.mark.parametrize("slug,name,chart", CHARTS, ids=["%s/%s" % (c[0], c[1]) for c in CHARTS])
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_chart_query_runs_on_fresh_database(slug, name, chart, filtered, empty_db):
    options = {"project": "p", "date_from": "2026-01-01", "date_to": "2026-12-31"} if filtered else {}
    if filtered and "agent" in DASHBOARDS[slug]["filters"]:
        options["agent"] = "codex"
    sql = replace_opts_in_query(chart["query"], options)
    assert _sources(sql) - ALLOWED_TABLES <= _views(empty_db)
    _ro(empty_db).execute(sql, options).fetchall()


#: Charts an agent filter cannot narrow: a project's own summary, and the Claude Code plan's limits.
NOT_BY_AGENT = {("project", "summary")}


def test_dashboards_all_filter_by_project_and_dates():
    for slug, d in DASHBOARDS.items():
        assert {"project", "date_from", "date_to"} <= set(d["filters"]), slug
        for name, chart in d["charts"].items():
            assert ":project" in chart["query"], (slug, name)


def test_every_dashboard_but_limits_filters_by_agent():
    """The coding agent (claude-code, codex, gemini) narrows every chart of every page it is offered on."""
    offered = {slug for slug, d in DASHBOARDS.items() if "agent" in d["filters"]}
    assert offered == set(DASHBOARDS) - {"limits"}
    for slug in offered:
        for name, chart in DASHBOARDS[slug]["charts"].items():
            assert (":agent" in chart["query"]) != ((slug, name) in NOT_BY_AGENT), (slug, name)


@pytest.fixture
def known_db(tmp_path):
    """One project, one session of two turns: every number below is counted by hand."""
    path = str(tmp_path / "cctracker.db")
    conn = db.connect(path)
    with conn:
        conn.execute("insert into projects (id, name, path) values (1, 'shop', '/src/shop')")
        conn.execute("insert into sessions (id, session_uuid, project_id, started_at, ended_at, title, model)"
                     " values (7, 'u-7', 1, '2026-03-02T09:00:00.000000Z', '2026-03-02T09:30:00.000000Z',"
                     " 'fix cart', 'claude-sonnet-4-5-20250929')")
        conn.execute("insert into turns (id, session_id, seq, started_at, ended_at, working_seconds,"
                     " permission_seconds) values (1, 7, 1, '2026-03-02T09:00:00.000000Z',"
                     " '2026-03-02T09:10:00.000000Z', 540, 60), (2, 7, 2, '2026-03-02T09:20:00.000000Z',"
                     " '2026-03-02T09:30:00.000000Z', 600, 0)")
        for mid, turn, role, kind, at, text in [
            (1, 1, "user", "prompt", "09:00:00", "Why is the cart total wrong?"),
            (2, 1, "assistant", "reply", "09:10:00", "Rounding happened per line; now it rounds once."),
            (3, 2, "user", "prompt", "09:20:00", "Why is the cart total wrong?"),
            (4, 2, "assistant", "reply", "09:30:00", "Fixed again."),
        ]:
            conn.execute("insert into messages (id, uid, session_id, turn_id, role, kind, content, content_hash,"
                         " created_at, source) values (?, ?, 7, ?, ?, ?, ?, ?, ?, 'hook')",
                         (mid, "m%d" % mid, turn, role, kind, text, store.content_hash(text),
                          "2026-03-02T%s.000000Z" % at))
        for cid, tool, status, ms, error, summary in [
            (1, "Edit", "ok", 50.0, None, "/src/shop/cart.py"),
            (2, "Bash", "error", 2000.0, "Exit code 1\nboom", "pytest -q"),
            (3, "Bash", "ok", 1000.0, None, "pytest -q"),
        ]:
            conn.execute("insert into tool_calls (id, session_id, turn_id, tool_use_id, tool_name, started_at,"
                         " duration_ms, status, error, summary, source) values (?, 7, 1, ?, ?, ?, ?, ?, ?, ?,"
                         " 'hook')", (cid, "t%d" % cid, tool, "2026-03-02T09:0%d:00.000000Z" % cid, ms, status,
                                      error, summary))
        conn.execute("insert into file_operations (tool_call_id, session_id, path, operation, lines_added,"
                     " lines_removed, at) values (1, 7, '/src/shop/cart.py', 'edit', 4, 2,"
                     " '2026-03-02T09:01:00.000000Z')")
        conn.execute("insert into token_usage (session_id, message_id, request_id, model, input_tokens,"
                     " output_tokens, at) values (7, 'msg1', 'req1', 'claude-sonnet-4-5-20250929', 1000000,"
                     " 100000, '2026-03-02T09:05:00.000000Z')")
        store.index_messages(conn)  # what every writer of messages does before it commits
        rollups.refresh(conn)
    conn.close()
    return path


def _run(db_path, name, **params):
    cursor = _ro(db_path).execute(QUERIES[name]["sql"], params)
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, r)) for r in cursor.fetchall()]


def test_session_conversation_lists_messages_in_order(known_db):
    rows = _run(known_db, "session_conversation", session_id=7)
    assert [(r["role"], r["kind"]) for r in rows] == [("user", "prompt"), ("assistant", "reply")] * 2
    assert rows[1]["content"] == "Rounding happened per line; now it rounds once."


def test_file_history_matches_the_end_of_a_path(known_db):
    rows = _run(known_db, "file_history", path="cart.py")
    assert [(r["operation"], r["lines_added"], r["lines_removed"], r["tool_name"]) for r in rows] == [
        ("edit", 4, 2, "Edit")]


def test_tool_failures_lists_one_tools_errors(known_db):
    assert [r["error"] for r in _run(known_db, "tool_failures", tool="Bash")] == ["Exit code 1\nboom"]
    assert _run(known_db, "tool_failures", tool="Edit") == []


def test_day_work_counts_the_sessions_of_a_day(known_db):
    (row,) = _run(known_db, "day_work", day="2026-03-02")
    assert (row["turns"], row["prompts"], row["tool_calls"], row["tool_failures"]) == (2, 2, 3, 1)
    assert row["active_minutes"] == 19.0   # (540 + 600) s Claude working, no waits recorded
    assert _run(known_db, "day_work", day="2026-03-03") == []


def test_cost_by_model_prices_tokens(known_db):
    (row,) = _run(known_db, "cost_by_model", date_from="", date_to="")
    # One request of 1M input tokens: over 200k, so priced whole at the long-context rates.
    prices = _ro(known_db).execute(
        "select input_long_per_mtok, output_long_per_mtok from model_prices where match = 'claude-sonnet-4-5'"
    ).fetchone()
    assert row["model"] == "claude-sonnet-4-5-20250929"
    assert row["cost_usd"] == round(prices[0] + prices[1] / 10, 2) == 8.25
    assert _run(known_db, "cost_by_model", date_from="2026-03-03", date_to="") == []


def test_repeated_prompts_finds_the_question_asked_twice(known_db):
    (row,) = _run(known_db, "repeated_prompts")
    assert (row["prompt"], row["times"]) == ("Why is the cart total wrong?", 2)


def test_search_prompts_uses_full_text(known_db):
    assert [r["content"] for r in _run(known_db, "search_prompts", query="rounds")] == [
        "Rounding happened per line; now it rounds once."]
