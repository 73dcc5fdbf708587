"""cctracker_client: record Claude Code hook events into the local spool.

``record(payload)`` never raises and never waits long: it returns True when
the event is safely on disk (spool or overflow file) and False when it could
only be kept in the errors folder, or not at all.
"""

import os

from . import spool

__all__ = ["record", "spool"]


def record(payload, received=None, base=None, project_dir=None):
    """Append one hook event to the spool. Returns True if it was recorded.

    ``payload`` is the raw JSON text (bytes or str) of one hook event, or a
    dict. ``received`` overrides the receive time (ISO 8601); ``project_dir``
    is ``CLAUDE_PROJECT_DIR`` from the hook's environment.
    """
    try:
        return _record(payload, received, base, project_dir)
    except Exception as e:  # the hook must never fail because of us
        try:
            spool.keep_error(_as_bytes(payload), "record failed: %r" % (e,), base)
        except Exception:
            pass
        return False


def _as_bytes(payload):
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogatepass")
    import json

    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _record(payload, received, base, project_dir=None):
    raw = _as_bytes(payload).strip()
    reason = check(raw)
    if reason:
        spool.keep_error(raw, reason, base)
        return False
    if received is not None:
        stamp = spool.parse_time(received)
        if stamp is None:
            spool.keep_error(raw, "bad receive time %r" % (received,), base)
            return False
        received = stamp
    cut = None
    if len(raw) > spool.MAX_PAYLOAD_BYTES:
        try:
            raw, cut = spool.cut_payload(raw)
        except ValueError as e:
            spool.keep_error(raw, "oversized and unreadable: %s" % e, base)
            return False
    line = spool.make_line(raw, received, cut=cut, project_dir=project_dir)
    spool.append(line, base)
    return True


def check(raw):
    """A cheap shape check done without parsing: the drain parses fully.

    Returns the reason the input cannot be an event, or None.
    """
    if not raw:
        return "empty input"
    if raw[:1] != b"{" or raw[-1:] != b"}":
        return "not a JSON object"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return "not UTF-8: %s" % e
    return None


def event_time_from_env():
    """``CCTRACKER_EVENT_TIME`` (ISO 8601), used by replays and tests."""
    return os.environ.get("CCTRACKER_EVENT_TIME") or None
