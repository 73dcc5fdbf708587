"""``cctracker status``: is capture working, and is anything about to be lost?

One function, ``status_report(config)``, gathers everything as a plain dict;
the CLI only formats it.
"""

import json
import os
import shlex
import time

from cctracker_client import spool, spool_read, unsaved
from hooks import install, locations

from ..times import local

#: Claude Code deletes transcripts older than ``cleanupPeriodDays``; this is
#: its default when the setting is absent.
DEFAULT_CLEANUP_DAYS = 30

#: Warn when the oldest transcript is this close to being deleted.
CLEANUP_WARN_DAYS = 7

#: Tables counted in the report (all from the core schema).
COUNTED_TABLES = ("sessions", "messages", "tool_calls")

DAY = 86400.0


def status_report(config, project_dir=None, now=None, settings_files=()):
    """Everything ``cctracker status`` shows, as a JSON-ready dict.

    ``settings_files`` are looked at besides every scope's own (``--settings``).
    """
    now = time.time() if now is None else now
    report = {
        "home": config.home,
        "hooks": hooks_report(project_dir, config.home, settings_files),
        "spool": spool_report(config.home),
        "errors": errors_report(config.home),
        "drain": drain_report(config.home),
        "unsaved_events": unsaved.read(spool.spool_dir(config.home)),
        "database": None,
        "search": None,
        "transcripts": None,
        "days": local.describe(),
        "warnings": [],
    }
    conn = None
    if os.path.exists(config.db_path):
        from ..storage import db

        try:
            conn = db.connect(config.db_path, readonly=True)
        except Exception as e:  # a broken database is itself worth reporting
            report["database"] = {"path": config.db_path, "error": str(e)}
    if conn is not None:
        report["database"] = database_report(conn, config.db_path)
        report["search"] = search_report(conn)
    report["transcripts"] = transcripts_report(conn, now)
    if conn is not None:
        conn.close()
    report["warnings"] = warnings(report)
    return report


# --- hooks ---------------------------------------------------------------------------


def hooks_report(project_dir=None, home=None, extra=()):
    """Our handlers in every settings file Claude Code reads (see hooks.locations).

    The user, project and local files are always listed; the managed file
    only when it exists; files install remembered and ``extra`` ones always.
    """
    found = []
    for scope, path in locations.settings_files(home or spool.home(), project_dir, extra):
        exists = os.path.exists(path)
        if scope == "managed" and not exists:
            continue
        entry = {"scope": scope, "path": path, "exists": exists, "events": [],
                 "missing_events": [], "commands": [], "error": None}
        try:
            settings, _ = install.read_settings(path)
        except install.SettingsError as e:
            entry["error"] = str(e)
            found.append(entry)
            continue
        events = install.installed(settings)
        entry["events"] = sorted(events)
        if events:
            entry["missing_events"] = [e for e, _ in install.EVENTS if e not in events]
        for command in sorted({c for commands in events.values() for c in commands}):
            entry["commands"].append(command_report(command))
        found.append(entry)
    return found


def command_report(command):
    """Does the command's interpreter (and script) still exist, and is it this installation's?"""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    env = {}
    while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    python = words[0] if words else ""
    script = next((w for w in words[1:] if w.endswith("hook.py")), None)
    home = env.get(install.HOME_ENV) or install.default_home()
    return {
        "command": command,
        "python": python,
        "python_exists": bool(python) and os.path.isfile(python) and os.access(python, os.X_OK),
        "script": script,
        "script_exists": script is None or os.path.isfile(script),
        # An old checkout or a previous install still on disk keeps running old code.
        "current": script is None or _same_file(script, install.hook_script()),
        "home": home,
    }


def _same_file(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


# --- spool and errors ----------------------------------------------------------------------


def spool_report(home):
    files, size = spool_read.backlog(home)
    overflow = [p for p in spool_read.pending_files(home)
                if os.path.basename(p).startswith(spool.OVERFLOW_PREFIX)]
    return {"path": spool.spool_dir(home), "files": files, "bytes": size, "overflow_files": len(overflow)}


def drain_report(home):
    """The drain's last run (as ``/api/health`` reports it): failing, last error, lag."""
    from ..ingest.drain_thread import health

    report = health(home)
    for key in ("backlog_files", "backlog_bytes"):
        report.pop(key)
    report["log"] = os.path.join(home, "logs", "drain.log")
    return report


def errors_report(home):
    """Inputs kept under ``errors/``: how many, and the newest one's reason."""
    directory = spool.errors_dir(home)
    try:
        names = [n for n in os.listdir(directory) if n.endswith(spool.ERROR_SUFFIX)]
    except FileNotFoundError:
        names = []
    report = {"path": directory, "count": len(names), "newest": None, "newest_reason": None}
    if names:
        paths = [os.path.join(directory, n) for n in names]
        newest = max(paths, key=lambda p: (os.path.getmtime(p), p))
        report["newest"] = newest
        report["newest_reason"] = spool.read_error(newest)[0]
    return report


# --- database and search ---------------------------------------------------------------------


def database_report(conn, path):
    from ..storage import db

    counts = {}
    for table in COUNTED_TABLES:
        try:
            counts[table] = db.scalar(conn, "select count(*) from %s" % table)
        except Exception:  # an older or foreign database: report what we can
            counts[table] = None
    size = sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))
    return {"path": path, "bytes": size, "rows": counts}


def search_report(conn):
    """The search index's own status, when the search module provides one."""
    try:
        from ..search import status as search_status
    except ImportError:
        return None
    if not callable(search_status):
        search_status = getattr(search_status, "status", None)
        if not callable(search_status):
            return None
    try:
        return search_status(conn)
    except Exception as e:
        return {"error": str(e)}


# --- transcripts Claude Code will delete ------------------------------------------------------------


def cleanup_period_days():
    """``cleanupPeriodDays`` from Claude Code's user settings, or its default."""
    path = os.path.join(install.claude_config_dir(), "settings.json")
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f).get("cleanupPeriodDays")
    except (OSError, ValueError, AttributeError):
        return DEFAULT_CLEANUP_DAYS
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return DEFAULT_CLEANUP_DAYS
    return value


def transcripts_report(conn, now):
    """Transcripts under ``projects/`` close to Claude Code's clean-up age."""
    days = cleanup_period_days()
    root = os.path.join(install.claude_config_dir(), "projects")
    files = list(_transcripts(root))
    report = {"path": root, "cleanup_period_days": days, "files": len(files),
              "oldest_age_days": None, "at_risk": 0, "at_risk_not_imported": None,
              "skipped_lines": skipped_lines(conn) if conn is not None else {}}
    if not files:
        return report
    ages = {path: (now - mtime) / DAY for path, mtime, _ in files}
    report["oldest_age_days"] = round(max(ages.values()), 1)
    at_risk = [(p, size) for p, _, size in files if ages[p] >= days - CLEANUP_WARN_DAYS]
    report["at_risk"] = len(at_risk)
    if conn is not None:
        report["at_risk_not_imported"] = sum(1 for p, size in at_risk if not _imported(conn, p, size))
    return report


def skipped_lines(conn):
    """Transcript lines every read so far skipped, by reason (``transcript_files.skipped``)."""
    total = {}
    try:
        rows = conn.execute("select skipped from transcript_files where skipped is not null").fetchall()
    except Exception:  # a database from before the column: nothing recorded
        return total
    for (text,) in rows:
        try:
            counts = json.loads(text)
        except ValueError:
            continue
        for reason, n in counts.items():
            total[reason] = total.get(reason, 0) + n
    return total


def _transcripts(root):
    stack = [root]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".jsonl"):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                yield entry.path, st.st_mtime, st.st_size


def _imported(conn, path, size):
    from ..storage import db

    try:
        offset = db.scalar(conn, "select offset from transcript_files where path = ?", (path,))
    except Exception:
        return False
    return offset is not None and offset >= size


# --- warnings ---------------------------------------------------------------------------------


def warnings(report):
    """Plain sentences for everything that needs the user's attention."""
    out = []
    hooks = [h for h in report["hooks"] if h["events"]]
    if not hooks:
        out.append("no cctracker hooks installed: run `cctracker install`")
    for h in report["hooks"]:
        if h["error"]:
            out.append(h["error"])
        if h["events"] and h["missing_events"]:
            out.append("%s settings lack hooks for %s: run `%s`"
                       % (h["scope"], ", ".join(h["missing_events"]), _reinstall(h)))
        for c in h["commands"]:
            if not c["python_exists"]:
                out.append("%s settings: hook interpreter %s is missing: run `%s` again"
                           % (h["scope"], c["python"], _reinstall(h)))
            elif not c["script_exists"]:
                out.append("%s settings: hook script %s is missing: run `%s` again"
                           % (h["scope"], c["script"], _reinstall(h)))
            elif not c["current"]:
                out.append("%s settings: the hook runs another cctracker installation (%s): run `%s` to "
                           "point it at this one" % (h["scope"], c["script"], _reinstall(h)))
            if not _same_file(c["home"], report["home"]):
                out.append("%s settings: the hook records into %s, but this cctracker reads %s: run `%s` "
                           "with the CCTRACKER_HOME you use" % (h["scope"], c["home"], report["home"], _reinstall(h)))
    if len(hooks) > 1:
        commands = {c["command"] for h in hooks for c in h["commands"]}
        if len(commands) > 1:
            out.append("different cctracker hook commands in %s settings record every event more "
                       "than once: uninstall all but one scope" % " and ".join(h["scope"] for h in hooks))
    drain = report.get("drain") or {}
    if drain.get("failing"):
        out.append("the drain is failing (%d run(s) in a row, last: %s); events wait in the spool. "
                   "Traceback: %s" % (drain["consecutive_failures"], drain["last_error"], drain["log"]))
    unsaved = report.get("unsaved_events") or {}
    if unsaved.get("count"):
        out.append("%d hook event(s) could not be saved at all (last at %s: %s): free disk space under %s"
                   % (unsaved["count"], unsaved["last"], unsaved["reason"], report["home"]))
    if report["errors"]["count"]:
        out.append("%d input(s) kept under %s (newest: %s)"
                   % (report["errors"]["count"], report["errors"]["path"], report["errors"]["newest_reason"]))
    t = report["transcripts"]
    if t and t["cleanup_period_days"] == 0:
        out.append("Claude Code's cleanupPeriodDays is 0: transcripts are not kept; set it higher in %s"
                   % os.path.join(install.claude_config_dir(), "settings.json"))
    elif t and t["at_risk"]:
        not_imported = t["at_risk_not_imported"]
        extra = "" if not_imported is None else " (%d not imported yet)" % not_imported
        out.append(
            "%d transcript(s) are within %d days of Claude Code's cleanupPeriodDays (%s days) and "
            "will be deleted%s; import them or raise cleanupPeriodDays"
            % (t["at_risk"], CLEANUP_WARN_DAYS, _num(t["cleanup_period_days"]), extra)
        )
    return out


def _reinstall(hook):
    """The install command that rewrites the handlers of one settings file."""
    if hook["scope"] in install.SCOPES:
        return "cctracker install --scope %s" % hook["scope"]
    return "cctracker install --settings %s" % shlex.quote(hook["path"])


def _num(value):
    return "%d" % value if float(value).is_integer() else "%s" % value
