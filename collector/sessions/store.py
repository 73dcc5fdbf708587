"""Small write helpers shared by the drain (hook events) and the transcript reader.

Both sources describe the same sessions and messages; going through these
functions is what keeps a session seen by hooks and by import one session,
and a prompt seen in both one message.
"""

import hashlib

from ..storage import db
from . import projects


def content_hash(text):
    """Identity of a message's text: whitespace at the ends does not count."""
    return hashlib.sha1(text.strip().encode("utf-8", "surrogatepass")).hexdigest()[:20]


def ensure_project(conn, cwd, project_dir=None, at=None):
    """The project id for a directory, creating or touching the row."""
    info = projects.detect(cwd, project_dir)
    row = conn.execute("select id from projects where path = ?", (info.path,)).fetchone()
    if row:
        if at:
            conn.execute(
                "update projects set last_seen = max(coalesce(last_seen, ''), ?),"
                " first_seen = min(coalesce(first_seen, ?), ?) where id = ?",
                (at, at, at, row[0]),
            )
        return row[0]
    conn.execute(
        "insert into projects (name, path, git_remote, git_branch, is_git, first_seen, last_seen)"
        " values (?, ?, ?, ?, ?, ?, ?)",
        (info.name, info.path, info.remote, info.branch, int(info.is_git), at, at),
    )
    return conn.last_insert_rowid()


def ensure_session(conn, session_uuid, *, cwd=None, at=None, source="hook", project_dir=None,
                   transcript_path=None):
    """The session id for Claude's session UUID, creating it when unseen.

    Returns ``(id, created)``. A session first seen through any event is
    opened at that event: sessions start on their own.
    """
    row = conn.execute("select id from sessions where session_uuid = ?", (session_uuid,)).fetchone()
    if row:
        return row[0], False
    project_id = ensure_project(conn, cwd, project_dir, at) if (cwd or project_dir) else None
    conn.execute(
        "insert into sessions (session_uuid, project_id, cwd, transcript_path, source,"
        " started_at, last_event_at, status) values (?, ?, ?, ?, ?, ?, ?, 'active')",
        (session_uuid, project_id, cwd, transcript_path, source, at, at),
    )
    return conn.last_insert_rowid(), True


def add_message(conn, *, uid, session_id, role, kind, content, created_at=None,
                turn_id=None, agent_id=None, model=None, source="hook"):
    """Insert a message once; a second copy of it from the other source is merged.

    Hooks and transcripts both carry prompts and replies. A message whose
    text already exists in the same session, kind and agent, close in time
    (same turn, or no turn known), is the same message: the row is kept
    and only missing details (model, turn) are filled in. Returns the row id.
    """
    if not content or not content.strip():
        return None
    found = conn.execute("select id from messages where uid = ?", (uid,)).fetchone()
    if found:
        return found[0]
    digest = content_hash(content)
    twin = conn.execute(
        "select id, turn_id from messages where session_id = ? and kind = ? and content_hash = ?"
        " and coalesce(agent_id, '') = ? and source != ?"
        " and (? is null or turn_id is null or turn_id = ?) order by id limit 1",
        (session_id, kind, digest, agent_id or "", source, turn_id, turn_id),
    ).fetchone()
    if twin:
        conn.execute(
            "update messages set model = coalesce(model, ?), turn_id = coalesce(turn_id, ?)"
            " where id = ?",
            (model, turn_id, twin[0]),
        )
        return twin[0]
    conn.execute(
        "insert into messages (uid, session_id, turn_id, agent_id, role, kind, content,"
        " content_hash, created_at, model, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uid, session_id, turn_id, agent_id, role, kind, content, digest, created_at, model, source),
    )
    # The triggers' own inserts (FTS, search queue) do not change it once they end.
    return conn.last_insert_rowid()


#: How good a session title is, by where it came from: a better one replaces a worse
#: one; among the names Claude Code or the user gave (rank >= 3) the latest wins; a
#: prompt or summary only fills a blank or replaces a worse one.
TITLE_RANKS = {"prompt": 1, "summary": 2, "ai": 3, "hook": 4, "custom": 5}

_TITLE_SQL = (
    "update sessions set title = :title, title_source = :source where id = :id and (title is null"
    " or :rank > (case title_source %s else 1 end) or (:rank >= 3 and :rank = (case title_source %s else 1 end)))"
    % ((" ".join("when '%s' then %d" % kv for kv in TITLE_RANKS.items()),) * 2)
)


def set_title(conn, session_id, title, source):
    """Name a session, unless it has a better name already (see TITLE_RANKS)."""
    if title and title.strip():
        conn.execute(_TITLE_SQL, {"title": title.strip(), "source": source, "id": session_id,
                                  "rank": TITLE_RANKS[source]})


def turn_at(conn, session_id, at):
    """The turn of a session that was running at time ``at`` (its latest prompt before)."""
    if at is None:
        return None
    return db.scalar(
        conn,
        "select id from turns where session_id = ? and started_at <= ? order by started_at desc"
        " limit 1",
        (session_id, at),
    )


def index_messages(conn):
    """Add the messages queued in ``fts_pending`` to the full-text index (see m007).

    Every writer of messages calls this before it commits; the drain also
    calls it at its start, so nothing stays unsearchable past one drain.
    """
    queued = db.scalar(conn, "select count(*) from fts_pending")
    if queued:
        conn.execute("insert into messages_fts(rowid, content) select m.id, m.content"
                     " from fts_pending p join messages m on m.id = p.id order by p.id")
        conn.execute("delete from fts_pending")
    return queued

