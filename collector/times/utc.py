"""Times as the database keeps them: ISO 8601 UTC text with microseconds."""

from datetime import datetime, timezone


#: Times outside these years are refused as input: nothing a hook or a
#: transcript records is that old or that far ahead, and the edges
#: (``9999-12-31T23:59:59-23:59``) overflow when turned into UTC.
MIN_YEAR = 1970
MAX_YEAR = 2999

OUT_OF_RANGE = "time is out of range (years %d to %d)" % (MIN_YEAR, MAX_YEAR)


def parse(text):
    """ISO 8601 text (``Z`` or offset or naive = UTC) to an aware UTC datetime, or None
    (also for a time outside MIN_YEAR..MAX_YEAR)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return in_range(value)


def to_utc(value):
    """An aware (naive = UTC) datetime in UTC, or None when that overflows the calendar."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        return None


def in_range(value):
    """An aware datetime in UTC, or None when its year (as written) is outside the ones we accept."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return to_utc(value)


def normalize(text):
    """Canonical form (``2026-03-02T09:00:00.412000Z``) or None."""
    value = parse(text)
    return format(value) if value else None


def format(value):
    # Not strftime: "%Y" does not zero-pad years before 1000 on Linux.
    v = value.astimezone(timezone.utc)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (v.year, v.month, v.day, v.hour, v.minute, v.second,
                                                   v.microsecond)


def now():
    return format(datetime.now(timezone.utc))


def from_epoch(seconds):
    """Seconds since the epoch (git's ``%ct``, a file's mtime) as stored-time text."""
    return format(datetime.fromtimestamp(seconds, timezone.utc))


def seconds_between(start, end):
    """Seconds from one stored time to another (0.0 when either is unknown)."""
    a, b = parse(start), parse(end)
    if a is None or b is None:
        return 0.0
    return (b - a).total_seconds()
