"""``cctracker report`` on demo data and on bad input, run as a real subprocess."""

import json
import re
import subprocess

import pytest

from collector import config as config_mod
from collector.cli.report import SUMMARY
from collector.serve import demo

from conftest import PYTHON

END = "2026-03-29"


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo-home")
    import datetime as dt
    demo.build_demo(config_mod.load(str(home)).db_path, days=21, seed=3,
                    end=dt.datetime(2026, 3, 29, 23, 0, tzinfo=dt.timezone.utc))
    return home


def run(home, *args):
    return subprocess.run([PYTHON, "-m", "collector.cli", "report", *args], capture_output=True,
                          text=True, env={"CCTRACKER_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)


def summary_values(stdout):
    values = {}
    for line in stdout.splitlines():
        for label, *_ in SUMMARY:
            if line.startswith(label + "  "):
                values[label] = line[len(label):].split("  ")
                values[label] = [v for v in values[label] if v.strip()][0].strip()
    return values


@pytest.mark.parametrize("by", ["day", "week", "session", "project", "model"])
def test_report_prints_every_metric_none_blank_on_demo_data(demo_home, by):
    done = run(demo_home, "--by", by, "--end-date", END, "--days", "21")
    assert done.returncode == 0, done.stderr
    values = summary_values(done.stdout)
    assert set(values) == {label for label, *_ in SUMMARY}
    assert [label for label, v in values.items() if v in ("", "n/a", "unknown")] == []
    table = done.stdout.split("\nBy %s\n" % by)[1].split("\nTools\n")[0].splitlines()
    header, rows = table[0], table[2:]
    cells = lambda line: re.split(r"\s{2,}", line.strip())  # noqa: E731
    assert rows and all(len(cells(r)) == len(cells(header)) for r in rows)
    assert "n/a" not in "\n".join(rows) and "unknown" not in "\n".join(rows)


def test_report_json_matches_the_tables(demo_home):
    done = run(demo_home, "--json", "--by", "project", "--end-date", END, "--days", "21")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["by"] == "project" and len(data["rows"]) == 5
    assert sum(r["sessions"] for r in data["rows"]) == data["summary"]["sessions"] > 0
    assert data["summary"]["cost_usd"] > 0 and data["price_date"]
    assert 0 <= data["summary"]["engagement_score"] <= 100


def test_report_filters_by_project_name(demo_home):
    done = run(demo_home, "--json", "--project", "webshop", "--end-date", END, "--days", "21")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["filters"]["project_id"] is not None
    assert 0 < data["summary"]["sessions"]


@pytest.mark.parametrize("args, field", [
    (["--days", "0"], "days"),
    (["--start-date", "yesterday"], "start_date"),
    (["--project", "no-such-project"], "project"),
    (["--end-date", "2026-13-01"], "end_date"),
], ids=["days-zero", "bad-date", "unknown-project", "bad-end-date"])
def test_report_bad_input_is_one_line_and_nonzero(demo_home, args, field):
    done = run(demo_home, *args)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and field in done.stderr and "Traceback" not in done.stderr
