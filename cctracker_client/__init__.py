"""cctracker_client: record Claude Code hook events into the local spool.

``record(payload)`` never raises and never waits long: it returns True when
the event is safely on disk (spool or overflow file) and False when it could
only be kept in the errors folder, or not at all.
"""

from . import spool

__all__ = ["record", "run_hook", "read_stdin", "spool"]

#: How long the hook waits for stdin to deliver anything. Claude Code writes
#: the payload as soon as the hook starts; this only runs out when stdin is
#: a terminal or a writer that never writes.
READ_TIMEOUT_MS = 3000

#: Some Claude Code versions leave stdin open after the payload. Once what we
#: have ends in ``}`` we wait this long for end-of-file (normally it is
#: already there); then we check whether it is a whole JSON document and, if
#: so, stop without waiting for an end-of-file that may never come.
READ_GRACE_MS = 10

#: When what we have ends in ``}`` but is not (yet) valid JSON, stop once
#: nothing more arrives for this long. Well under SessionEnd's 1.5 s budget.
READ_IDLE_MS = 300

READ_CHUNK = 1 << 16


def record(payload, received=None, base=None, project_dir=None):
    """Append one hook event to the spool. Returns True if it was recorded.

    ``payload`` is the raw JSON text (bytes or str) of one hook event, or a
    dict. ``received`` overrides the receive time (ISO 8601 text, or epoch
    nanoseconds as an int); ``project_dir`` is ``CLAUDE_PROJECT_DIR`` from
    the hook's environment.
    """
    try:
        return _record(payload, received, base, project_dir)
    except OSError:
        return False  # only keep_error lets one out, after counting the event as unsaved
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
    if type(received) is int:
        received = spool.format_time(received)  # epoch nanoseconds
    elif received is not None:
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
    try:
        spool.append(line, base)
    except OSError:
        # A full disk (or a spool we may not write): a file of its own may still fit.
        try:
            spool.write_overflow(line, spool.spool_dir(base))
        except OSError as e:
            # Nothing of the event fits: count it where the space was reserved
            # beforehand, so status and /api/health can say it was lost.
            from . import unsaved

            unsaved.note("could not write the spool: %s" % (e.strerror or e), spool.spool_dir(base))
            return False
    return True


#: Deepest nesting the hook passes on (``spool_read.MAX_DEPTH``; the drain refuses deeper).
MAX_DEPTH = 200

#: Every byte but the four brackets (deleted to leave a payload's skeleton).
_NOT_BRACKETS = bytes(i for i in range(256) if i not in b"[]{}")


def check(raw):
    """Is ``raw`` exactly one JSON object? Checked without parsing (``json`` costs
    ~15 ms to import under ``-S``); the drain parses fully.

    The payload is spliced into the spool line as the value of ``"p"``, so
    what matters is its structure: outside strings, the brace that opens it
    must close at its last byte and nowhere before. Then no text can add a
    field of its own to the line (``},"id":"..."``); anything else wrong
    inside makes the whole line invalid JSON, one bad line for the drain.
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
    # Escapes out first (bytes.replace, left to right as a JSON reader pairs them):
    # the quotes left delimit strings; what lies between them is structure.
    parts = raw.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')
    if len(parts) % 2 == 0:
        return "not a JSON object: a string is not closed"
    brackets = b"".join(parts[0::2]).translate(None, _NOT_BRACKETS)
    depth = 0
    last = len(brackets) - 1
    for index, byte in enumerate(brackets):
        if byte == 123 or byte == 91:  # { [
            depth += 1
            if depth > MAX_DEPTH:
                return "nested deeper than %d levels" % MAX_DEPTH
        else:
            depth -= 1
            if depth <= 0 and index != last:
                return "not a single JSON object"
    if depth != 0:
        return "not a single JSON object"
    return None


def event_time_from_env():
    """``CCTRACKER_EVENT_TIME`` (ISO 8601), used by replays and tests."""
    return spool.getenv("CCTRACKER_EVENT_TIME") or None


def read_stdin(fd=0, timeout_ms=READ_TIMEOUT_MS, idle_ms=READ_IDLE_MS, grace_ms=READ_GRACE_MS):
    """All of ``fd``, or what arrived before the timeouts. Never raises."""
    read = spool._os.read
    monotonic = spool.time.monotonic
    try:
        from select import select
    except ImportError:
        select = None
    chunks = []
    deadline = monotonic() + timeout_ms / 1000
    while True:
        if select is not None:
            closed = chunks and chunks[-1].rstrip()[-1:] == b"}"
            wait = max(deadline - monotonic(), 0)
            try:
                ready = select([fd], [], [], min(wait, grace_ms / 1000) if closed else wait)[0]
                if not ready and closed:
                    # stdin left open: stop at once if the payload is whole.
                    if _whole_json(b"".join(chunks)):
                        break
                    ready = select([fd], [], [], min(max(deadline - monotonic(), 0), idle_ms / 1000))[0]
            except (OSError, ValueError):
                ready = [fd]  # not selectable (closed fd, Windows pipe): just read
            if not ready:
                break
        try:
            chunk = read(fd, READ_CHUNK)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _whole_json(data):
    """Is ``data`` one complete JSON document? Only asked when stdin stays open."""
    import json  # ~15 ms under -S: never on the normal path

    try:
        json.loads(data)
    except ValueError:
        return False
    return True


#: The payload key naming the agent whose hook ran (``--agent codex`` on the command line).
AGENT_KEY = b"cctracker_agent"


def agent_arg(argv):
    """The ``--agent NAME`` of the hook's command line (lower-case letters, digits, '-'), or None."""
    for i, word in enumerate(argv[:-1]):
        if word == "--agent":
            name = argv[i + 1]
            if 0 < len(name) <= 40 and all(c.isdigit() or "a" <= c <= "z" or c == "-" for c in name):
                return name
    return None


def tag_agent(raw, agent):
    """The payload with ``"cctracker_agent": agent`` put first, without parsing it (no json import)."""
    body = raw.lstrip()
    if not body.startswith(b"{"):
        return raw  # not an object: the drain keeps it as an error, untagged
    rest = body[1:].lstrip()
    tag = b'{"' + AGENT_KEY + b'":"' + agent.encode() + b'"'
    return tag + (b"" if rest.startswith(b"}") else b",") + rest


def run_hook(argv=None):
    """The hook: stdin to the spool, nothing printed. Always returns 0.

    ``CCTRACKER_EVENT_TIME`` (ISO 8601) replaces the receive time, for
    replays and tests; ``CLAUDE_PROJECT_DIR`` is kept with the event.
    Installed for Codex or Gemini CLI, the command line says ``--agent codex``
    (or ``gemini``) and the event is tagged with it.
    """
    try:
        # The event fired when Claude Code started us, not after stdin arrived.
        started = spool.time.time_ns()
        payload = read_stdin()
        if argv is None:
            import sys

            argv = sys.argv
        agent = agent_arg(argv)
        if agent and payload:
            payload = tag_agent(payload, agent)
        record(
            payload,
            received=event_time_from_env() or started,
            project_dir=spool.getenv("CLAUDE_PROJECT_DIR") or None,
        )
    except BaseException:  # noqa: BLE001 - a hook must never fail or print
        pass
    return 0
