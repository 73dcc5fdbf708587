"""Days, hours and weekdays in local time (see :mod:`collector.localdays`).

The views of migrations 3 and 4 and the rollup triggers took days from UTC.
They are created again from the same definitions with every day and hour
taken in local time, and the rollups are recomputed. ``local_zone`` records
the zone they were computed in: :func:`collector.rollups.refresh` recomputes
them when the machine's zone changes.
"""

from .. import localdays, rollups
from . import m003_views, m004_dashboard


def migrate(conn):
    conn.execute("create table local_zone (id integer primary key check (id = 1), signature text not null)")
    views = [(n, m004_dashboard.VIEWS[n]) for n in m004_dashboard.VIEW_ORDER]
    views = [(n, m003_views.VIEWS[n]) for n in m003_views.ORDER] + views
    for name, _ in reversed(views):  # dependents first
        conn.execute("drop view %s" % name)
    for name, sql in views:
        conn.execute("create view %s as %s" % (name, localdays.localize(sql)))
    triggers = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'trigger' and name like 'rollup\\_%' escape '\\'")]
    for name in triggers:
        conn.execute("drop trigger %s" % name)
    for source in m004_dashboard.SOURCES:
        for sql in m004_dashboard.dirty_trigger_sql(source):
            conn.execute(localdays.localize(sql))
    rollups.rebuild(conn)
