"""The schema as text: a committed schema.sql, frozen table migrations, repeatable views and rollups."""

import ast
import pathlib
import shutil
import subprocess
import sys

import apsw
import pytest

from collector import schema
from collector.schema import rollup_defs
from collector.storage import db, rollups

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _fresh(path=":memory:"):
    conn = apsw.Connection(str(path))
    schema.migrate(conn)
    return conn


def test_committed_schema_sql_is_the_schema_of_a_fresh_database():
    with open(schema.SCHEMA_SQL, encoding="utf-8") as f:
        assert f.read() == schema.dump(_fresh()), "run: python -m collector.schema --write"


def test_the_regenerating_command_checks_and_prints():
    out = subprocess.run([sys.executable, "-m", "collector.schema", "--check"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    printed = subprocess.run([sys.executable, "-m", "collector.schema"], cwd=ROOT, capture_output=True, text=True)
    assert printed.stdout == schema.dump(_fresh())


def test_every_view_has_its_one_file_and_every_file_is_one_view():
    conn = _fresh()
    views = {r[0] for r in conn.execute("select name from sqlite_master where type = 'view'")}
    assert views == set(schema.views())
    for name, sql in schema.views().items():
        statement = "\n".join(line for line in sql.splitlines() if not line.startswith("--")).lower()
        assert statement.startswith(("create view %s as" % name, "create view %s (" % name)), name
        assert statement.count("create view") == 1, name


def test_a_second_start_does_nothing(tmp_path):
    conn = _fresh(tmp_path / "t.db")
    assert schema.up_to_date(conn)
    assert schema.migrate(conn) == []


def test_migrations_import_nothing_of_the_runtime():
    for path in sorted(pathlib.Path(schema.MIGRATIONS).glob("*.py")) + [pathlib.Path(rollup_defs.__file__)]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and not (node.module or "").startswith(("collector", "cctracker")), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith(("collector", "cctracker")) for a in node.names), path
    # The runner itself reads only its own package.
    tree = ast.parse(pathlib.Path(schema.__file__).read_text())
    relative = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert relative == ["rollup_defs"] or relative == [None]


def _copy_migrations(tmp_path, monkeypatch):
    directory = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    monkeypatch.setattr(schema, "MIGRATIONS", str(directory))
    return directory


def test_an_old_style_python_migration_still_runs(tmp_path, monkeypatch):
    conn = _fresh(tmp_path / "t.db")
    with conn:
        conn.execute("insert into projects (name, path) values ('p', '/p')")
    number = schema.latest() + 1
    directory = _copy_migrations(tmp_path, monkeypatch)
    (directory / ("m%03d_agent.py" % number)).write_text(
        '"""Which agent wrote a session."""\n\n\ndef migrate(conn):\n'
        '    conn.execute("alter table projects add column agent text not null default \'claude\'")\n')
    assert schema.migrate(conn) == ["m%03d_agent.py" % number, "views"]
    assert conn.execute("pragma user_version").fetchone()[0] == number
    assert conn.execute("select name, agent from projects").fetchall() == [("p", "claude")]
    assert conn.execute("select count(*) from project_summary").fetchone()[0] == 1  # views are back


def test_two_migrations_with_one_number_are_refused(tmp_path, monkeypatch):
    directory = _copy_migrations(tmp_path, monkeypatch)
    (directory / "m002_other.sql").write_text("create table other (id integer primary key);\n")
    with pytest.raises(RuntimeError, match="two migrations numbered 002"):
        schema.table_migrations()


def test_a_changed_view_file_is_created_again_and_nothing_else_moves(tmp_path, monkeypatch):
    conn = _fresh(tmp_path / "t.db")
    views = tmp_path / "views"
    shutil.copytree(schema.VIEWS, views)
    (views / "prompts.sql").write_text("create view prompts as select 42 as answer;\n")
    (views / "extra_view.sql").write_text("create view extra_view as select answer from prompts;\n")
    monkeypatch.setattr(schema, "VIEWS", str(views))
    with conn:  # a marked rollup key that a rebuild would clear
        conn.execute("insert into rollup_dirty values ('2026-03-01', 1, 0)")
    assert schema.migrate(conn) == ["views"]
    assert conn.execute("select * from extra_view").fetchall() == [(42,)]
    assert rollups.pending(conn) == 1  # the rollups were left alone
    # Files are read once per process: the next start sees a directory without extra_view.
    later = tmp_path / "later"
    shutil.copytree(views, later)
    (later / "extra_view.sql").unlink()
    monkeypatch.setattr(schema, "VIEWS", str(later))
    assert schema.migrate(conn) == ["views"]
    assert conn.execute("select 1 from sqlite_master where name = 'extra_view'").fetchone() is None


def test_new_rollup_definitions_replace_the_triggers_and_recompute_the_rollups(tmp_path, monkeypatch):
    conn = db.connect(str(tmp_path / "t.db"))
    with conn:
        conn.execute("insert into sessions (session_uuid, started_at, last_event_at)"
                     " values ('s', '2026-03-02T09:00:00.000000Z', '2026-03-02T09:10:00.000000Z')")
    rollups.refresh(conn)
    with conn:  # rollups gone stale behind the triggers' back
        conn.execute("delete from rollup_daily")
    monkeypatch.setattr(schema, "repeatables", lambda: dict(schema._repeatables_of(schema.VIEWS), rollups="new"))
    assert schema.migrate(conn) == ["rollups"]
    assert conn.execute("select day, sessions, round(wall_seconds, 3) from rollup_daily").fetchall() == [
        ("2026-03-02", 1, 600.0)]
    assert rollups.current(conn)
