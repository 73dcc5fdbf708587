"""Days, hours and weekdays are the user's own: local time, not UTC.

Times are stored in UTC. Everything that groups them (a day's activity, think
time by hour and weekday, date filters) uses the machine's time zone, the one
SQLite's ``'localtime'`` modifier and Python's ``astimezone()`` both read
(``TZ``, else ``/etc/localtime``). Evening work in California stays on its own
day instead of landing on tomorrow's.

The views and rollups say ``'localtime'`` in their own text
(``collector/schema/``); this module is the Python side and the bound SQL.
"""

import datetime

from . import utc


def day_start(day):
    """The stored-time text (UTC) at which local calendar ``day`` begins.

    ``at >= day_start(d) and at < day_start(d + 1 day)`` selects the rows of
    local day ``d``, using the index on ``at``.
    """
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    try:
        return utc.format(datetime.datetime.combine(day, datetime.time()).astimezone())
    except (OverflowError, ValueError, OSError):
        # Years the platform's clock cannot place (year 1, 9999): an hour either
        # way makes no difference there.
        return "%04d-%02d-%02dT00:00:00.000000Z" % (day.year, day.month, day.day)


def day_end(day):
    """Where local ``day`` ends (the next day's start), for an exclusive bound."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    if day >= datetime.date.max:
        return None
    return day_start(day + datetime.timedelta(days=1))


def describe():
    """The zone days follow, for ``cctracker status``: names and UTC offsets (winter, summer)."""
    import time

    def offset(seconds_west):
        east = -seconds_west
        return "%s%02d:%02d" % ("-" if east < 0 else "+", abs(east) // 3600, abs(east) % 3600 // 60)

    names = [n for n in time.tzname if n]
    return {"zone": "/".join(dict.fromkeys(names)) or "UTC", "utc_offset": offset(time.timezone),
            "summer_utc_offset": offset(time.altzone) if time.daylight else None}


def today():
    return datetime.datetime.now().date()


def minute(stored):
    """A stored time as the local ``YYYY-MM-DD HH:MM`` people read ("" when unknown)."""
    value = utc.parse(stored)
    try:
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""
    except (OverflowError, ValueError, OSError):
        return stored[:16].replace("T", " ")


#: The same bounds inside SQL, for queries that run without Python (Datasette's canned
#: queries), in the stored format so that they compare exactly.
SQL_DAY_START = "(strftime('%Y-%m-%dT%H:%M:%S', {day}, 'utc') || '.000000Z')"
SQL_DAY_END = "(strftime('%Y-%m-%dT%H:%M:%S', {day}, '+1 day', 'utc') || '.000000Z')"
