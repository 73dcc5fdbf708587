"""Times as the database keeps them: ISO 8601 UTC text with microseconds."""

from datetime import datetime, timezone


def parse(text):
    """ISO 8601 text (``Z`` or offset or naive = UTC) to an aware datetime, or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


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


def seconds_between(start, end):
    """Seconds from one stored time to another (0.0 when either is unknown)."""
    a, b = parse(start), parse(end)
    if a is None or b is None:
        return 0.0
    return (b - a).total_seconds()
