"""The transcript archive: every transcript line the tracker read, kept so a
session can be given back to Claude Code after it deleted the file.

Claude Code removes transcripts older than ``cleanupPeriodDays`` (30 by
default); the database keeps what they said, but not in a shape Claude Code
can resume. The reader calls :func:`keep` for each run of lines it stored;
the lines go, redacted like everything else and zlib-compressed, into
``archive.db`` beside the tracker database (its own file, so the archive
never slows the analytics or needs a schema migration, and one setting,
``archive_transcripts = false``, turns it off). :func:`restore_files` gives the
lines back in order.

Secrets stay redacted: a restored line holds ``[REDACTED:...]`` wherever the
stored text does. A line without anything to redact is kept byte for byte.
"""

import os
import threading
import zlib

import apsw
import orjson

from ..privacy import redact
from ..privacy.policy import Privacy
from .lines import path_hints
from .reader import KNOWN_TYPES

ARCHIVE_NAME = "archive.db"
#: zlib level 1: transcripts still shrink ~5.5x, at three times level 6's speed
#: (the archive is written on the import's critical path).
LEVEL = 1

_SCHEMA = """
create table if not exists files (
    id integer primary key,
    path text not null unique,      -- where the transcript was read
    session_uuid text,              -- the session its lines belong to (a subagent's parent)
    agent_id text,                  -- set for subagent files
    cwd text,                       -- the session's working directory, from its lines
    first_at text,
    last_at text
);
create index if not exists files_session on files(session_uuid);
create table if not exists chunks (
    file_id integer not null references files(id) on delete cascade,
    start integer not null,         -- byte offset in the file where these lines began
    end integer not null,
    lines integer not null,
    data blob not null,             -- zlib of the (redacted) lines joined by newlines
    primary key (file_id, start)
) without rowid;
"""


def archive_path(conn):
    """``archive.db`` beside the main database, or None for an in-memory one."""
    for row in conn.execute("pragma database_list"):
        if row[1] == "main":
            return os.path.join(os.path.dirname(row[2]), ARCHIVE_NAME) if row[2] else None
    return None


def connect(path, readonly=False):
    if readonly:
        if not os.path.exists(path):
            return None
        conn = apsw.Connection(path, flags=apsw.SQLITE_OPEN_READONLY)
    else:
        conn = apsw.Connection(path)
        try:
            os.chmod(path, 0o600)  # it holds conversation text, like the database
        except OSError:
            pass
    conn.setbusytimeout(10000)
    if not readonly:
        conn.execute("pragma journal_mode=wal")
        # As the main database (db.py): in WAL mode a commit is durable at the next
        # checkpoint, not fsynced on its own; an import commits the archive once per file.
        conn.execute("pragma synchronous=normal")
        conn.execute(_SCHEMA)
        for suffix in ("-wal", "-shm"):  # they hold the same text as the file
            try:
                os.chmod(path + suffix, 0o600)
            except OSError:
                pass
    conn.execute("pragma foreign_keys=on")
    return conn


def enabled(config):
    return (getattr(config, "archive_transcripts", True)
            and getattr(config, "privacy", "full") == "full")


def redact_line(raw):
    """A line as archived: unchanged unless the privacy layer finds something to redact.

    The same rules as :func:`redact.redact_value`, planned once on the raw
    line (``redact_value`` would serialise the parsed line again to plan it).
    """
    if b"\\u" in raw:
        # \uXXXX escapes could hide an anchor from a plan of the raw bytes: plan the
        # parsed value the usual way.
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return redact.redact_text(raw.decode("utf-8", "replace")).encode()
        cleaned = redact.redact_value(obj)
        return raw if cleaned == obj else orjson.dumps(cleaned)
    steps = redact.plan(raw)
    if steps is None:
        return raw
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return redact.redact_text(raw.decode("utf-8", "replace")).encode()
    cleaned = redact._walk(obj, steps)
    return raw if cleaned == obj else orjson.dumps(cleaned)


def read_span(path, start, end):
    """The non-blank lines of ``path`` between two byte offsets (both at line ends)."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    return [line for line in data.split(b"\n") if line.strip()]


#: Lines looked at to tell Claude Code's transcripts from other agents' files.
SNIFF_LINES = 20


def _is_claude(lines):
    """Whether lines are Claude Code's: other agents' files (Codex, Gemini) pass through the
    same reader, and only Claude Code's can be resumed by it."""
    for raw in lines[:SNIFF_LINES]:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict) and obj.get("type") in KNOWN_TYPES:
            return True
    return False


def _describe(batch):
    """(cwd, first time, last time) of the sessions a read's batch knows."""
    cwd = first = last = None
    for info in (getattr(batch, "sessions", None) or {}).values():
        cwd = cwd or info.get("cwd")
        first = first or info.get("first")
        last = info.get("last") or last
    return cwd, first, last


#: ``read.archived`` of a Claude Code read whose chunk is to be packed where it is stored.
LATER = "later"

#: One writing connection per archive file and process (an import stores
#: thousands of reads; opening the file for each would cost more than the write).
_writers = {}
_writers_lock = threading.Lock()


def pack(read, privacy):
    """The archive's chunk for a read: (line count, zlib blob), None when nothing is to be kept.

    The reader calls this where it parses (a worker process during an import,
    so the redaction runs beside the database writes, not after them).
    """
    if privacy is None or not privacy.keeps_content or not getattr(privacy, "archive", True):
        return None
    if read.new_offset <= read.offset:
        return None
    try:
        lines = [redact_line(r) for r in read_span(read.path, read.offset, read.new_offset)]
    except OSError:
        return None
    return (len(lines), zlib.compress(b"\n".join(lines), LEVEL)) if lines else None


def keep(main_conn, read, session_uuid, agent_id, config=None, backfill=False, privacy=None):
    """Archive the lines a transcript read stored (``read.offset`` .. ``read.new_offset``).

    Uses the chunk the reader packed (``read.archived``: False for another
    agent's file) or makes it here (``LATER``: the import's worker process
    only parses, and the process that stores the read packs it, with ``privacy``). Keyed by file and start offset, so a read
    stored twice (a retried transaction, the drain and an import racing)
    writes the same chunk once; a file read again from 0 (replaced) replaces
    its chunks. Never raises: losing an archive chunk must not lose the import.
    """
    if not enabled(config) or read.new_offset <= read.offset:
        return 0
    path = archive_path(main_conn)
    packed = getattr(read, "archived", None)
    if path is None or packed is False:
        return 0
    try:
        if packed == LATER:
            packed = pack(read, privacy or Privacy(config))
        if packed is None:
            lines = [redact_line(r) for r in read_span(read.path, read.offset, read.new_offset)]
            if not lines or not _is_claude(lines):
                return 0
            packed = (len(lines), zlib.compress(b"\n".join(lines), LEVEL))
        count, blob = packed
        cwd, first, last = _describe(read.batch)
        with _writers_lock:
            conn = _writers.get(path)
            if conn is None:
                conn = _writers[path] = connect(path)
            with conn:
                conn.execute(
                    "insert into files (path, session_uuid, agent_id, cwd, first_at, last_at)"
                    " values (?, ?, ?, ?, ?, ?) on conflict(path) do update set"
                    " session_uuid = coalesce(files.session_uuid, excluded.session_uuid),"
                    " agent_id = coalesce(files.agent_id, excluded.agent_id),"
                    " cwd = coalesce(files.cwd, excluded.cwd),"
                    " first_at = coalesce(files.first_at, excluded.first_at),"
                    " last_at = coalesce(excluded.last_at, files.last_at)",
                    (read.path, session_uuid, agent_id, cwd, first, last))
                file_id = conn.execute("select id from files where path = ?", (read.path,)).fetchone()[0]
                if not backfill:
                    # Lines at or after this start were read before from a file since replaced.
                    conn.execute("delete from chunks where file_id = ? and start >= ? and start != ?",
                                 (file_id, read.offset, read.offset))
                conn.execute(
                    "insert or replace into chunks (file_id, start, end, lines, data) values (?, ?, ?, ?, ?)",
                    (file_id, read.offset, read.new_offset, count, blob))
    except (OSError, apsw.Error):
        return 0
    return count


class _Span:
    """The part of a file read before the archive existed, shaped like a reader's Read."""

    def __init__(self, path, end, info):
        self.path, self.offset, self.new_offset = path, 0, end
        self.batch = type("Batch", (), {"sessions": {"_": info}})()


def backfill(main_conn, config=None):
    """Archive what was read before the archive existed, from files still on disk.

    ``cctracker import`` calls it: a file whose archived lines do not start
    at its beginning gets the missing front read (once) and archived.
    Returns the number of files completed.
    """
    path = archive_path(main_conn)
    if path is None or not enabled(config):
        return 0
    known = {}
    if os.path.exists(path):
        reader = connect(path, readonly=True)
        try:
            known = {r[0]: r[1] for r in reader.execute(
                "select f.path, min(c.start) from files f join chunks c on c.file_id = f.id group by f.path")}
        finally:
            reader.close()
    done = 0
    for file_path, uuid, agent_id, offset in main_conn.execute(
            "select path, session_uuid, agent_id, offset from transcript_files where offset > 0").fetchall():
        end = min(offset, known.get(file_path, offset))
        if end <= 0 or not os.path.exists(file_path) or os.path.getsize(file_path) < end:
            continue
        row = main_conn.execute("select cwd, started_at, last_event_at from sessions where session_uuid = ?",
                                (uuid,)).fetchone()
        info = {"cwd": row[0], "first": row[1], "last": row[2]} if row else {}
        if keep(main_conn, _Span(file_path, end, info), uuid, agent_id, config, backfill=True):
            done += 1
    return done


# -- reading back -------------------------------------------------------------------------------

def open_for(main_conn):
    path = archive_path(main_conn)
    return connect(path, readonly=True) if path else None


def files_of(conn, session_uuid):
    """The archived files of a session: dicts (id, path, agent_id, cwd, lines), main file first."""
    found = []
    for row in conn.execute(
            "select f.id, f.path, f.agent_id, f.cwd, coalesce(sum(c.lines), 0) from files f"
            " left join chunks c on c.file_id = f.id where f.session_uuid = ?"
            " group by f.id order by f.agent_id is not null, f.path", (session_uuid,)):
        found.append({"id": row[0], "path": row[1], "agent_id": row[2], "cwd": row[3], "lines": row[4]})
    return found


def lines_of(conn, file_id):
    """Every archived line of one file, in file order (bytes)."""
    out = []
    for (data,) in conn.execute("select data from chunks where file_id = ? order by start", (file_id,)):
        out.extend(zlib.decompress(data).split(b"\n"))
    return out


def relative_name(session_uuid, entry):
    """Where a file sits relative to the project directory Claude Code reads.

    The main file is ``<uuid>.jsonl`` whatever it was called when read; a
    2.1.x subagent file goes back under ``<uuid>/subagents/``, a 2.0.x one
    beside the main file.
    """
    if not entry["agent_id"]:
        return session_uuid + ".jsonl"
    name = os.path.basename(entry["path"])
    hinted, _ = path_hints(entry["path"])
    if hinted or os.path.basename(os.path.dirname(entry["path"])) == "subagents":
        return os.path.join(session_uuid, "subagents", name)
    return name


def project_slug(cwd):
    """Claude Code's directory name for a working directory (see the formats reference)."""
    return "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in cwd)


def claude_projects_dir(environ=None):
    environ = os.environ if environ is None else environ
    base = environ.get("CLAUDE_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".claude")
    return os.path.join(base, "projects")


def default_dir(cwd, environ=None):
    """Where Claude Code looks for a session started in ``cwd``.

    A slug over 200 characters is cut and given a hash suffix whose function
    differs between Claude Code's CLI and SDK: an existing directory with the
    cut prefix is taken when there is one.
    """
    root = claude_projects_dir(environ)
    slug = project_slug(cwd)
    if len(slug) > 200:
        prefix = slug[:200]
        try:
            found = sorted(d for d in os.listdir(root) if d.startswith(prefix + "-"))
        except OSError:
            found = []
        slug = found[0] if found else prefix
    return os.path.join(root, slug)


def restore_files(conn, session_uuid, target_dir, overwrite=False):
    """Write a session's archived files under ``target_dir``; returns [(path, lines)].

    Files are written whole to a temporary name and renamed, mode 0600.
    An existing file is left alone (FileExistsError) unless ``overwrite``.
    """
    entries = [e for e in files_of(conn, session_uuid) if e["lines"]]
    plan = [(os.path.join(target_dir, relative_name(session_uuid, e)), e) for e in entries]
    if not overwrite:
        for dest, _ in plan:
            if os.path.exists(dest):
                raise FileExistsError(dest)
    written = []
    for dest, entry in plan:
        lines = lines_of(conn, entry["id"])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        tmp = "%s.%d.tmp" % (dest, os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(b"".join(line + b"\n" for line in lines))
        os.replace(tmp, dest)
        written.append((dest, len(lines)))
    return written


def forget_sessions(main_conn, session_uuids):
    """Drop the archived lines of forgotten sessions (``cctracker forget``, retention)."""
    path = archive_path(main_conn)
    if not path or not os.path.exists(path) or not session_uuids:
        return 0
    conn = connect(path)
    try:
        conn.execute("pragma secure_delete=on")
        with conn:
            ids = [r[0] for r in conn.execute(
                "select id from files where session_uuid in (select value from json_each(?))",
                (orjson.dumps(list(session_uuids)).decode(),))]
            for file_id in ids:
                conn.execute("delete from chunks where file_id = ?", (file_id,))
                conn.execute("delete from files where id = ?", (file_id,))
        conn.execute("pragma wal_checkpoint(truncate)")
        return len(ids)
    finally:
        conn.close()


def stats(main_conn):
    conn = open_for(main_conn)
    if conn is None:
        return {"files": 0, "lines": 0, "bytes": 0}
    try:
        files, lines, size = conn.execute(
            "select (select count(*) from files), coalesce(sum(lines), 0), coalesce(sum(length(data)), 0)"
            " from chunks").fetchone()
        return {"files": files, "lines": lines, "bytes": size}
    finally:
        conn.close()
