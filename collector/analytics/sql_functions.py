"""Python definitions offered to SQL, so that queries written in SQL (the dashboard's canned
queries and charts) use them instead of writing them again.

- ``local_day_start(day)`` / ``local_day_end(day)``: the stored-time (UTC) bounds of a local
  calendar day, :func:`collector.times.local.day_start` / ``day_end``; NULL for a day that is not
  ``YYYY-MM-DD`` (the filter then matches nothing, as an empty Datasette field should).
- ``engagement_score(wall, active, thinking, user_wait, prompts)`` and
  ``productivity_score(active, files_modified, lines_changed, commits, ok, failures)``: the
  scores of :mod:`collector.analytics.scores` for totals a query added up.

The dashboard's plugin (``datasette/plugins/sql_functions.py``) registers them on every
Datasette connection; tests that run the dashboard's SQL register them the same way.
"""

from ..times import local
from . import scores


def _day(fn):
    def bound(day):
        try:
            return fn(day) if isinstance(day, str) and day else None
        except ValueError:
            return None
    return bound


def _score(fn):
    def score(*args):
        if any(a is None for a in args):
            return None
        return fn(*args)[0]
    return score


#: name -> (number of arguments, function)
FUNCTIONS = {
    "local_day_start": (1, _day(local.day_start)),
    "local_day_end": (1, _day(local.day_end)),
    "engagement_score": (5, _score(scores.engagement)),
    "productivity_score": (6, _score(scores.productivity)),
}


def register(conn):
    """Offer the functions to a standard library ``sqlite3`` connection (what Datasette uses)."""
    for name, (count, fn) in FUNCTIONS.items():
        conn.create_function(name, count, fn, deterministic=True)
    return conn
