"""Less noise: search shows 10 by default, trivial tool calls last unless asked, no
highlighted stopwords; no tokens cost $0; an import of a file with no transcript line fails
with the reason; one session reference in the search command."""

import json
import subprocess

import pytest

from collector import config as config_mod, search
from collector.search import query as query_mod, results
from collector.serve import demo
from collector.storage import db

from conftest import PYTHON, TRANSCRIPTS


def cli(home, *args):
    return subprocess.run([PYTHON, "-m", "collector.cli", *args], capture_output=True, text=True,
                          env={"CCTRACKER_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "UTC"}, timeout=120)


@pytest.fixture(scope="module")
def demo_conn(tmp_path_factory):
    home = tmp_path_factory.mktemp("noise")
    path = config_mod.load(str(home)).db_path
    demo.build_demo(path, days=14, seed=2)
    conn = db.connect(path)
    yield conn, home
    conn.close()


def test_search_returns_ten_by_default(demo_conn):
    conn, _ = demo_conn
    assert query_mod.DEFAULT_LIMIT == 10
    assert len(search.search(conn, "terraform module")) == 10


def test_trivial_tool_calls_come_last_unless_asked(demo_conn):
    conn, _ = demo_conn
    trivial = lambda r: r["kind"] == "tool" and r["snippet"].split(":")[0] in ("Read", "Glob", "Grep")  # noqa: E731
    kept = search.search(conn, "main.tf variables", trivial=True, context=False)
    assert any(trivial(r) for r in kept)            # a Read of main.tf ranks in the top 10 ...
    found = search.search(conn, "main.tf variables", context=False)
    assert len(found) == 10 and not any(trivial(r) for r in found)   # ... and is dropped from it
    assert query_mod.TRIVIAL_TOOL.match("Bash: ls -la") and query_mod.TRIVIAL_TOOL.match("Read: /x/y.py")
    assert not query_mod.TRIVIAL_TOOL.match("Bash: pytest -q tests/test_x.py")
    assert not query_mod.TRIVIAL_TOOL.match("Bash: lsof -i :8000")


def test_stopwords_are_never_highlighted():
    pattern = results.highlight_pattern(query_mod.parse("why is the websocket in a reconnect loop"))
    marked = results.snippet("Why is the websocket stuck in a reconnect loop?", pattern)
    assert "<mark>websocket</mark>" in marked and "<mark>reconnect</mark>" in marked
    for word in ("Why", "is", "the", "in", "a"):
        assert "<mark>%s</mark>" % word not in marked


def test_search_session_takes_the_one_reference(demo_conn):
    conn, home = demo_conn
    sid, uuid = conn.execute("select id, session_uuid from sessions order by id limit 1").fetchone()
    for ref in (uuid, uuid[:8], "#%d" % sid):
        done = cli(home, "search", "the", "--session", ref, "--json")
        assert done.returncode == 0, done.stderr
        assert {r["session_id"] for r in json.loads(done.stdout)} <= {sid}
    done = cli(home, "search", "x", "--session", "#abc")
    assert done.returncode != 0 and done.stderr.count("\n") == 1 and "session" in done.stderr


def test_no_tokens_cost_zero_not_unknown(tmp_path):
    done = cli(tmp_path, "report", "time", "--days", "3")
    assert done.returncode == 0, done.stderr
    cost = [line for line in done.stdout.splitlines() if line.startswith("Cost  ")][0]
    assert "$0.00" in cost and "unknown" not in cost


def test_import_of_a_file_with_no_transcript_line_fails_with_the_reason(tmp_path):
    junk = tmp_path / "hostname"
    junk.write_text("myhost\n")
    done = cli(tmp_path / "home", "import", str(junk))
    assert done.returncode == 1 and "no transcript line" in done.stderr and done.stderr.count("\n") == 1
    mixed = cli(tmp_path / "home", "import", str(junk), str(TRANSCRIPTS / "spotter" / "short.jsonl"))
    assert mixed.returncode == 1 and "Imported 1 of 1 files" in mixed.stdout and "hostname" in mixed.stderr
    good = cli(tmp_path / "home2", "import", str(TRANSCRIPTS / "spotter" / "short.jsonl"))
    assert good.returncode == 0, good.stderr
