"""Keeping the search index in step with the core tables, after the drain.

Two stages, both incremental and safe to re-run:

1. ``sync_docs``: refs queued by triggers (``search_queue``) become
   ``search_docs`` rows in set-based SQL, a batch per short transaction.
   A document whose text and metadata did not change is left alone.
2. ``embed_pending``: documents whose vector is missing or was made from
   other text (``embedded_hash is not content_hash``) are embedded outside
   any transaction, then written in one short one; a vector is only kept
   if its document still has the text it was made from.
"""

import logging

import apsw

from ..sessions import store
from . import vectors

log = logging.getLogger("cctracker.search")

#: Queue rows turned into documents per transaction: short enough that the
#: drain's writes never wait long behind us.
DOC_BATCH = 2000
#: Documents embedded per batch (wordllama: a few ms per hundred).
EMBED_BATCH = 256
#: Longer texts are cut before indexing: whole files pasted into a prompt
#: would bloat the trigram index for no search value.
MAX_DOC_CHARS = 20000
#: The vector change log is trimmed to this many rows; readers further behind reload.
LOG_KEEP = 50000

_SOURCES = {
    "messages": """
        select m.kind, 'messages', m.id, m.session_id, s.project_id, m.turn_id, m.created_at,
               coalesce(m.model, s.model), substr(m.content, 1, :cut), search_hash(substr(m.content, 1, :cut))
        from temp.search_batch b
        join messages m on m.id = b.ref_id
        left join sessions s on s.id = m.session_id
        where b.ref_table = 'messages' and m.kind in ('prompt', 'reply', 'thinking')
          and trim(m.content) != ''
    """,
    "tool_calls": """
        select 'tool', 'tool_calls', t.id, t.session_id, s.project_id, t.turn_id,
               coalesce(t.started_at, t.ended_at), s.model,
               substr(%(text)s, 1, :cut), search_hash(substr(%(text)s, 1, :cut))
        from temp.search_batch b
        join tool_calls t on t.id = b.ref_id
        left join sessions s on s.id = t.session_id
        where b.ref_table = 'tool_calls' and (t.summary is not null or t.error is not null)
    """ % {"text": "t.tool_name || ': ' || coalesce(t.summary, '') || coalesce(char(10) || t.error, '')"},
    "commits": """
        select 'commit', 'commits', c.id, c.session_id, c.project_id, null, c.committed_at,
               s.model, substr(coalesce(c.message, c.subject), 1, :cut),
               search_hash(substr(coalesce(c.message, c.subject), 1, :cut))
        from temp.search_batch b
        join commits c on c.id = b.ref_id
        left join sessions s on s.id = c.session_id
        where b.ref_table = 'commits' and trim(coalesce(c.message, c.subject, '')) != ''
    """,
}

_UPSERT = """
    insert into search_docs (kind, ref_table, ref_id, session_id, project_id, turn_id, at, model,
                             text, content_hash)
    {select}
    on conflict (ref_table, ref_id) do update set
        kind = excluded.kind, session_id = excluded.session_id, project_id = excluded.project_id,
        turn_id = excluded.turn_id, at = excluded.at, model = excluded.model,
        text = excluded.text, content_hash = excluded.content_hash
    where search_docs.content_hash is not excluded.content_hash
       or search_docs.kind is not excluded.kind
       or search_docs.session_id is not excluded.session_id
       or search_docs.project_id is not excluded.project_id
       or search_docs.turn_id is not excluded.turn_id
       or search_docs.at is not excluded.at
       or search_docs.model is not excluded.model
"""

# A queued ref whose source row is gone (or has no text any more) loses its document.
_DELETE_GONE = """
    delete from search_docs where id in (
        select d.id from temp.search_batch b
        join search_docs d on d.ref_table = b.ref_table and d.ref_id = b.ref_id
        where not exists (
            select 1 from messages m where b.ref_table = 'messages' and m.id = b.ref_id
              and m.kind in ('prompt', 'reply', 'thinking') and trim(m.content) != '')
          and not exists (
            select 1 from tool_calls t where b.ref_table = 'tool_calls' and t.id = b.ref_id
              and (t.summary is not null or t.error is not null))
          and not exists (
            select 1 from commits c where b.ref_table = 'commits' and c.id = b.ref_id
              and trim(coalesce(c.message, c.subject, '')) != ''))
"""


def _hash(text):
    return store.content_hash(text) if text is not None else None


def _prepare(conn):
    conn.create_scalar_function("search_hash", _hash, 1, deterministic=True)
    conn.execute(
        "create temp table if not exists search_batch (ref_table text, ref_id integer,"
        " primary key (ref_table, ref_id)) without rowid"
    )


def sync_docs(conn, limit=None):
    """Turn up to ``limit`` queued refs into documents; returns how many refs were handled."""
    _prepare(conn)
    done = 0
    while limit is None or done < limit:
        size = DOC_BATCH if limit is None else min(DOC_BATCH, limit - done)
        with conn:
            conn.execute("delete from temp.search_batch")
            conn.execute(
                "insert into temp.search_batch select ref_table, ref_id from search_queue limit ?",
                (size,))
            taken = next(iter(conn.execute("select count(*) from temp.search_batch")))[0]
            if not taken:
                break
            conn.execute(_DELETE_GONE)
            for select in _SOURCES.values():
                conn.execute(_UPSERT.format(select=select), {"cut": MAX_DOC_CHARS})
            conn.execute(
                "delete from search_queue where (ref_table, ref_id) in"
                " (select ref_table, ref_id from temp.search_batch)")
        done += taken
    return done


def embed_pending(conn, limit=None):
    """Compute missing or stale vectors, up to ``limit``; returns how many were stored."""
    done = 0
    last_id = 0
    while limit is None or done < limit:
        size = EMBED_BATCH if limit is None else min(EMBED_BATCH, limit - done)
        batch = list(conn.execute(
            "select id, text, content_hash from search_docs"
            " where embedded_hash is not content_hash and id > ? order by id limit ?",
            (last_id, size)))
        if not batch:
            break
        last_id = batch[-1][0]
        matrix = vectors.embed([row[1] for row in batch])  # outside any transaction
        with conn:
            for (doc_id, _, digest), vector in zip(batch, matrix):
                conn.execute(
                    "insert into search_vectors (doc_id, content_hash, vector)"
                    " select ?1, ?2, ?3 where exists"
                    " (select 1 from search_docs where id = ?1 and content_hash = ?2)"
                    " on conflict (doc_id) do update set"
                    " content_hash = excluded.content_hash, vector = excluded.vector",
                    (doc_id, digest, vectors.encode(vector)))
                conn.execute(
                    "update search_docs set embedded_hash = ?2 where id = ?1 and content_hash = ?2",
                    (doc_id, digest))
        done += len(batch)
    _trim_log(conn)
    return done


def _trim_log(conn):
    high = next(iter(conn.execute("select max(seq) from search_vector_log")))[0]
    if high is not None and high > LOG_KEEP * 2:
        with conn:
            conn.execute("delete from search_vector_log where seq <= ?", (high - LOG_KEEP,))


def index_pending(conn, limit=10000):
    """Bring documents, then vectors, up to date; at most ``limit`` of each per call.

    Returns the number of refs and vectors handled: 0 means caught up. The
    server calls it in a loop from a background thread; it never holds a
    write transaction while embedding.
    """
    try:
        done = sync_docs(conn, limit)
        done += embed_pending(conn, limit)
    except apsw.BusyError:
        # The drain held the write lock past the busy timeout: it goes first,
        # and the work still queued is picked up by the next call.
        log.info("search indexer: database busy, retrying later")
        return 1
    if not done:
        vectors.warm(conn)  # caught up: have the matrix ready for the first search
    return done


def status(conn):
    """How far behind the index is: documents, vectors done, work pending."""
    docs = next(iter(conn.execute("select count(*) from search_docs")))[0]
    pending_vectors = next(iter(conn.execute(
        "select count(*) from search_docs where embedded_hash is not content_hash")))[0]
    queued = next(iter(conn.execute("select count(*) from search_queue")))[0]
    return {
        "docs": docs,
        "vectors": docs - pending_vectors,
        "pending_vectors": pending_vectors,
        "queued": queued,
        "pending": queued + pending_vectors,
        "up_to_date": queued + pending_vectors == 0,
    }


def reindex(conn, progress=None):
    """Rebuild from scratch: FTS rebuilt from the documents, every ref re-read, every vector redone."""
    with conn:
        conn.execute("delete from search_vectors")
        conn.execute("update search_docs set embedded_hash = null")
        conn.execute("insert into search_docs_fts(search_docs_fts) values ('rebuild')")
        conn.execute("insert into search_docs_trigram(search_docs_trigram) values ('rebuild')")
        for table in ("messages", "tool_calls", "commits"):
            conn.execute(
                "insert or ignore into search_queue select ?, id from %s" % table, (table,))
        conn.execute("insert into search_vector_log (doc_id) values (-1)")  # readers: reload all
    vectors.forget(conn)
    total = 0
    while True:
        step = index_pending(conn, limit=DOC_BATCH * 5)
        total += step
        if progress:
            progress(status(conn))
        if not step:
            return total
