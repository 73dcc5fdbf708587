"""The command for Claude Code's ``statusLine``: record the payload, print one line.

Claude Code runs it after every assistant message (300 ms debounce) and
cancels a run that is still going when the next update arrives, so it is
built like the hook: run as ``"<python>" -I -S hooks/statusline.py``, it
imports only builtins, ``_json`` (the C scanner; the ``json`` package pulls
in ``re`` and ``enum``, several times this module's budget) and the spool.

What it does, in order, never raising and always exiting 0:

1. reads stdin with a deadline (some versions leave it open without EOF);
2. appends the payload to the spool as an event (``hook_event_name`` set to
   ``"Status"``, which real payloads lack), so the collector learns session
   cost, context use and the observed plan limits over time;
3. reads ``$CCTRACKER_HOME/statusline.json``, a small summary the collector
   rewrites after its drains (today's cost, the estimated 5-hour block, the
   newest observed limits, the configured format); never SQLite;
4. prints one line (see ``DEFAULT_FORMAT``), cut to ``$COLUMNS``.

With ``--wrap CMD`` (an existing statusLine kept by ``cctracker install
--statusline --wrap``) it also runs CMD through the shell with the same
stdin and prints CMD's output above its own line.
"""

import sys
import time

from . import record, spool

#: Seconds to wait for the payload. Claude Code writes it at once; this only
#: runs out when stdin is a terminal or a writer that never writes.
READ_TIMEOUT_S = 0.8

#: Once what arrived ends in ``}`` and parses, stop waiting for EOF.
READ_GRACE_S = 0.005

SUMMARY_NAME = "statusline.json"

#: Fields: model, session_cost, today_cost, block (the 5-hour window:
#: observed when Claude Code sent it, else the estimated block), five_hour,
#: seven_day, context, session_name, project, version, lines. Parts that come
#: out empty are dropped together with their separator.
DEFAULT_FORMAT = "{model} · {session_cost} session · {today_cost} today · {block} · {seven_day} · {context}"

SEPARATOR = " · "

#: Seconds the wrapped command may take (Claude Code cancels slow ones anyway).
WRAP_TIMEOUT_S = 2.0

FIVE_HOURS = 5 * 3600


# --- JSON without the json package ------------------------------------------------


class _Context:
    # What _json.make_scanner reads from a JSONDecoder.
    strict = False
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # NaN, Infinity


_scanner = None


def loads(data):
    """A JSON document (str or bytes) to Python, or None when it is not one."""
    global _scanner
    try:
        if _scanner is None:
            import _json

            _scanner = _json.make_scanner(_Context)
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        text = text.strip()
        value, end = _scanner(text, 0)
        return value if end == len(text) else None
    except Exception:  # StopIteration, ValueError, UnicodeDecodeError, ImportError
        return None


# --- stdin with a deadline ---------------------------------------------------------


def read_payload(fd=0, timeout_s=READ_TIMEOUT_S):
    """The bytes of the payload: stops at EOF, at a whole JSON object, or at the deadline."""
    read = spool._os.read
    try:
        from select import select
    except ImportError:
        select = None
    chunks = []
    deadline = time.monotonic() + timeout_s
    while True:
        if select is not None:
            whole = chunks and chunks[-1].rstrip()[-1:] == b"}"
            wait = max(deadline - time.monotonic(), 0)
            try:
                ready = select([fd], [], [], min(wait, READ_GRACE_S) if whole else wait)[0]
            except (OSError, ValueError):
                ready = [fd]
            if not ready:
                if whole and isinstance(loads(b"".join(chunks)), dict):
                    break  # stdin left open after a whole payload
                if time.monotonic() >= deadline:
                    break
                continue
        try:
            chunk = read(fd, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


# --- the summary the collector keeps ------------------------------------------------


def summary_path(base=None):
    return spool.join(base or spool.home(), SUMMARY_NAME)


def read_summary(base=None):
    """The collector's summary dict, or {} when it never ran (or the file is bad)."""
    try:
        fd = spool._os.open(summary_path(base), spool._os.O_RDONLY)
    except OSError:
        return {}
    try:
        data = spool._os.read(fd, 1 << 20)
    except OSError:
        return {}
    finally:
        spool._os.close(fd)
    value = loads(data)
    return value if isinstance(value, dict) else {}


# --- rendering -----------------------------------------------------------------------------


def _num(value):
    """A number from a payload field (floats with noise, ints, numeric strings), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _get(obj, *keys):
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def money(value):
    return "–" if value is None else "$%.2f" % value


def clock(epoch, now):
    """Local ``HH:MM`` for a time today, else ``Tue 00:00``."""
    t = time.localtime(epoch)
    hm = "%02d:%02d" % (t.tm_hour, t.tm_min)
    return hm if t[:3] == time.localtime(now)[:3] else "%s %s" % (time.strftime("%a", t), hm)


def span(seconds):
    seconds = max(int(seconds), 0)
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    return "%dh%02dm" % (hours, minutes) if hours else "%dm" % minutes


def percent(value):
    # Round only for display: 7.000000000000001 -> 7%, 28.999999999999996 -> 29%.
    return "%d%%" % int(value + 0.5)


def observed_window(payload, summary, name, now):
    """``(used_percentage, resets_at, observed_at or None)`` for a window, or None.

    The payload's own figures first; else the newest the collector saw (from
    any session), as long as its window has not reset since.
    """
    window = _get(payload, "rate_limits", name)
    used, resets = _num(_get(window, "used_percentage")), _num(_get(window, "resets_at"))
    if used is not None and resets is not None:
        return used, resets, None
    window = _get(summary, "limits", name)
    used, resets = _num(_get(window, "used_percentage")), _num(_get(window, "resets_at"))
    seen = _num(_get(window, "observed_at"))
    if used is not None and resets is not None and now < resets:
        return used, resets, seen
    return None


def _window_text(label, found, now):
    used, resets, seen = found
    if now >= resets:
        # The window reset since: the real figure is unknown now; say so.
        return "%s was %s, reset %s" % (label, percent(used), clock(resets, now))
    text = "%s %s (resets %s)" % (label, percent(used), clock(resets, now))
    if seen is not None:
        text += " %s ago" % span(now - seen)
    return text


def block_text(payload, summary, now):
    """The 5-hour window: observed when known, else the estimated block, labelled."""
    found = observed_window(payload, summary, "five_hour", now)
    if found is not None:
        return _window_text("5h", found, now)
    block = summary.get("block") if isinstance(summary, dict) else None
    end = _num(_get(block, "end"))
    if end is None:
        return "5h n/a" if not summary else "no active block (est.)"
    if now >= end:
        return "no active block (est.)"
    return "block %s, %s left (est.)" % (money(_num(block.get("cost_usd"))), span(end - now))


def context_text(payload):
    window = payload.get("context_window")
    if not isinstance(window, dict):
        return ""
    used = _num(window.get("used_percentage"))
    if used is None:
        # Before 2.1.6: input-side tokens of the last response over the window.
        usage, size = window.get("current_usage"), _num(window.get("context_window_size"))
        if isinstance(usage, dict) and size:
            tokens = sum(_num(usage.get(k)) or 0 for k in (
                "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"))
            used = tokens * 100.0 / size
    return "ctx –" if used is None else "ctx " + percent(used)


def today_text(summary, now):
    t = time.localtime(now)
    if summary.get("day") != "%04d-%02d-%02d" % (t.tm_year, t.tm_mon, t.tm_mday):
        return "–"  # the collector has not counted today yet
    return money(_num(summary.get("today_cost_usd")))


def fields(payload, summary, now):
    model = payload.get("model")
    name = _get(model, "display_name") or _get(model, "id") or (model if isinstance(model, str) else "?")
    workspace = payload.get("workspace")
    project = _get(workspace, "project_dir") or payload.get("cwd") or ""
    seven = observed_window(payload, summary, "seven_day", now)
    five = observed_window(payload, summary, "five_hour", now)
    added = _num(_get(payload, "cost", "total_lines_added"))
    removed = _num(_get(payload, "cost", "total_lines_removed"))
    return {
        "model": str(name),
        "session_cost": money(_num(_get(payload, "cost", "total_cost_usd"))),
        "today_cost": today_text(summary, now),
        "block": block_text(payload, summary, now),
        "five_hour": _window_text("5h", five, now) if five else "",
        "seven_day": _window_text("7d", seven, now) if seven else "",
        "context": context_text(payload),
        "session_name": payload.get("session_name") if isinstance(payload.get("session_name"), str) else "",
        "project": project.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] if isinstance(project, str) else "",
        "version": payload.get("version") if isinstance(payload.get("version"), str) else "",
        "lines": "+%d/-%d" % (added, removed) if added is not None and removed is not None else "",
    }


class _Fields(dict):
    def __missing__(self, key):
        return ""  # an unknown field in a user's format prints nothing


def render(payload, summary, now=None, columns=None):
    """The status line (str, one line) for a parsed payload and summary."""
    now = time.time() if now is None else now
    values = _Fields(fields(payload, summary, now))
    fmt = summary.get("format") if isinstance(summary.get("format"), str) else DEFAULT_FORMAT
    try:
        line = fmt.format_map(values)
    except (ValueError, IndexError, AttributeError, TypeError, KeyError):
        line = DEFAULT_FORMAT.format_map(values)  # a broken format must not blank the line
    line = SEPARATOR.join(p for p in line.split(SEPARATOR) if p.strip() not in ("", "session", "today"))
    line = " ".join(line.replace("\r", " ").replace("\n", " ").split(" "))
    if columns and len(line) > columns > 1:
        line = line[:columns - 1] + "…"
    return line


# --- the command --------------------------------------------------------------------------


def _wrapped(argv):
    try:
        return argv[argv.index("--wrap") + 1]
    except (ValueError, IndexError):
        return None


def run_wrapped(command, raw):
    """The previous statusLine's output (stripped), or "" when it failed."""
    try:
        import subprocess

        done = subprocess.run(command, shell=True, input=raw, capture_output=True, timeout=WRAP_TIMEOUT_S)
        return done.stdout.decode("utf-8", "replace").rstrip("\n")
    except Exception:
        return ""


def _epoch(text):
    """Epoch seconds of an ISO 8601 time (``CCTRACKER_EVENT_TIME``: replays and tests)."""
    from datetime import datetime

    stamp = spool.parse_time(text)
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else time.time()


def main(argv=None):
    """Read, record, print. Always returns 0."""
    argv = sys.argv[1:] if argv is None else argv
    line = "cctracker"
    try:
        started = time.time_ns()
        replay = spool.getenv("CCTRACKER_EVENT_TIME")
        now = _epoch(replay) if replay else started / 1e9
        raw = read_payload().strip()
        payload = loads(raw) if raw else None
        if isinstance(payload, dict):
            event = raw
            if "hook_event_name" not in payload:
                event = b'{"hook_event_name":"Status"' + (b"," + raw[1:] if payload else b"}")
            record(event, received=replay or started)
            columns = _num(spool.getenv("COLUMNS"))
            line = render(payload, read_summary(), now, int(columns) if columns else None)
        else:
            line = "cctracker: no status input" if not raw else "cctracker: unreadable status input"
        command = _wrapped(argv)
        if command:
            before = run_wrapped(command, raw)
            line = before + "\n" + line if before else line
    except BaseException:  # noqa: BLE001 - an error must never blank the status line
        pass
    try:
        spool._os.write(1, (line + "\n").encode("utf-8", "replace"))
    except OSError:
        pass
    return 0
