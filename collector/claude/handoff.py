"""Giving a session back to Claude Code: find it, restore its transcript, resume it.

``find`` turns what the user typed (a session UUID, a prefix of one, our id,
or words to search for) into sessions; ``restore`` writes an archived
transcript back where Claude Code reads it; ``resume_command`` is the
``claude --resume`` call and the directory to run it in.
"""

import os
import re

from .. import search
from ..errors import CCTrackerError, InvalidInput, NotFound
from ..sessions import ref as sessionref
from ..storage import db
from ..times import utc
from ..transcripts import archive

_UUIDISH = re.compile(r"^[0-9a-fA-F]{4,8}(-[0-9a-fA-F]{0,12}){0,4}$")

class NoArchive(CCTrackerError):
    pass


_SESSION_SQL = (
    "select s.id, s.session_uuid, s.title, s.cwd, s.started_at, s.last_event_at, s.transcript_path,"
    " p.name as project_name, p.path as project_path"
    " from sessions s left join projects p on p.id = s.project_id")


def session_by_ref(conn, ref):
    """The session a reference names (see :mod:`collector.sessions.ref`) with its project, as a dict."""
    session_id, _ = sessionref.lookup(conn, ref)
    return db.one(conn, _SESSION_SQL + " where s.id = ?", (session_id,))


def find(conn, text, *, limit=5, project=None):
    """Sessions for ``text``: [the session] for a reference, else the best search hits.

    Search hits are grouped by session (its best hit first) and carry the
    matching snippet; at most ``limit`` sessions.
    """
    if _looks_like_ref(text):
        try:
            found = session_by_ref(conn, text)
        except NotFound:
            if text.strip().startswith("#"):
                raise
            found = None  # hex-looking words, not a session: search for them
        if found:
            found["snippet"] = None
            return [found]

    search.index_pending(conn, limit=search.CATCH_UP)  # as `cctracker search` does: same index, same hits
    hits = search.search(conn, text, project=project, limit=100, context=False)
    sessions, order = {}, []
    for hit in hits:
        sid = hit["session_id"]
        if sid is None or sid in sessions:
            continue
        row = db.one(conn, _SESSION_SQL + " where s.id = ?", (sid,))
        if row is None:
            continue
        row["snippet"] = search.results.plain(hit["snippet"]) if hit.get("snippet") else None
        row["score"] = hit["relevance_score"]
        sessions[sid] = row
        order.append(sid)
        if len(order) >= limit:
            break
    return [sessions[s] for s in order]


def _looks_like_ref(text):
    text = (text or "").strip()
    return text.startswith("#") or bool(_UUIDISH.match(text))


def session_dir(conn, session):
    """The directory a session ran in: its cwd, else the archive's, else its project's."""
    for candidate in (session.get("cwd"), _archived_cwd(conn, session["session_uuid"]),
                      session.get("project_path")):
        if candidate:
            return candidate
    return None


def _archived_cwd(conn, uuid):
    arch = archive.open_for(conn)
    if arch is None:
        return None
    try:
        row = arch.execute("select cwd from files where session_uuid = ? and cwd is not null limit 1",
                           (uuid,)).fetchone()
        return row[0] if row else None
    finally:
        arch.close()


def transcript_location(conn, session, environ=None):
    """Where Claude Code reads the session's main transcript."""
    cwd = session_dir(conn, session)
    if cwd is None:
        return None
    return os.path.join(archive.default_dir(cwd, environ), session["session_uuid"] + ".jsonl")


def transcript_present(conn, session, environ=None):
    """True when Claude Code can still find the session's transcript."""
    for path in (session.get("transcript_path"), transcript_location(conn, session, environ)):
        if path and os.path.exists(path):
            return True
    return False


def archived_lines(conn, uuid):
    arch = archive.open_for(conn)
    if arch is None:
        return 0
    try:
        return sum(e["lines"] for e in archive.files_of(arch, uuid))
    finally:
        arch.close()


def restore(conn, session, target_dir=None, overwrite=False, environ=None):
    """Write the session's archived transcript files; returns [(path, lines)].

    Into ``target_dir`` when given, else where Claude Code looks for the
    session; those are then marked read (offset at their end) in the
    tracker's own bookkeeping, so the tracker does not import them again.
    """
    uuid = session["session_uuid"]
    mark_read = target_dir is None
    if target_dir is None:
        cwd = session_dir(conn, session)
        if cwd is None:
            raise InvalidInput("session", "no working directory is known for %s; use --to DIR" % uuid)
        target_dir = archive.default_dir(cwd, environ)
    arch = archive.open_for(conn)
    try:
        if arch is None or not archive.files_of(arch, uuid):
            raise NoArchive("no archived transcript for session %s (archive_transcripts off, or it"
                            " was recorded before the archive existed)" % uuid)
        written = archive.restore_files(arch, uuid, target_dir, overwrite=overwrite)
    finally:
        if arch is not None:
            arch.close()
    if not mark_read:
        return written
    with conn:
        for path, _ in written:
            st = os.stat(path)
            conn.execute(
                "insert into transcript_files (path, session_uuid, offset, size, mtime, read_at)"
                " values (?, ?, ?, ?, ?, ?) on conflict(path) do update set offset = excluded.offset,"
                " size = excluded.size, mtime = excluded.mtime",
                (path, uuid, st.st_size, st.st_size, st.st_mtime,
                 utc.now()))
    return written


def resume_command(conn, session):
    """(argv, cwd) that resumes the session in Claude Code."""
    return ["claude", "--resume", session["session_uuid"]], session_dir(conn, session)
