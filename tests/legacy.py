"""Databases as earlier versions of main left them, from the schemas captured in tests/schemas/.

``vNNN.sql`` is a database at user_version NNN as main (5e75162) made it:
every object in creation order and the rows its migrations inserted. They
were captured once from the migrations as they shipped and are never
regenerated: they are what an upgrade starts from.
"""

import pathlib

import apsw

SCHEMAS = pathlib.Path(__file__).parent / "schemas"
VERSIONS = sorted(int(p.stem[1:]) for p in SCHEMAS.glob("v[0-9][0-9][0-9].sql"))


def create(path, version):
    """A database file at ``version``, empty but for its migrations' own rows; returns an open connection."""
    conn = apsw.Connection(str(path))
    with conn:
        conn.execute((SCHEMAS / ("v%03d.sql" % version)).read_text())
    return conn


def view_sql(name, version):
    """A view's definition (``select ...``) as the database at ``version`` held it."""
    conn = create(":memory:", version)
    sql = conn.execute("select sql from sqlite_master where type = 'view' and name = ?", (name,)).fetchone()[0]
    return sql[sql.lower().index(" as ") + 4:]
