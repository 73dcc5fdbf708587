"""The analytics views and metric formulas, on real SQLite databases."""

import sqlite3

import pytest

from collector import db
from collector.migrations import m003_views


@pytest.fixture
def conn(tmp_path):
    return db.connect(str(tmp_path / "t.db"))


@pytest.mark.parametrize("view", m003_views.ORDER)
def test_view_runs_on_fresh_db_with_stdlib_sqlite(tmp_path, view):
    path = str(tmp_path / "fresh.db")
    db.connect(path).close()
    with sqlite3.connect(path) as stdlib:
        assert stdlib.execute("select * from %s" % view).fetchall() == []
