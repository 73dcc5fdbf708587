"""Hybrid search over the whole conversation history.

Public functions (the CLI, the API and the dashboard all call these):

``search(conn, query, *, project=None, project_id=None, session=None,
session_id=None, since=None, until=None, kind=None, model=None, limit=20,
paths=None, context=True) -> list[dict]``
    Ranked results, best first. ``conn`` is an apsw or sqlite3 connection
    to the tracker database (reading only). ``query`` is any text: FTS5
    syntax in it is searched as text; a blank one raises
    ``InvalidInput("query", ...)``. Filters: ``project`` (name, path or
    id) / ``project_id``, ``session`` (UUID, UUID prefix or id) /
    ``session_id``, ``since`` / ``until`` (``2026-03-02``, an ISO time or
    an age such as ``7d``, ``12h``), ``kind`` (``prompt``, ``reply``,
    ``thinking``, ``tool``, ``commit``; a comma list or a list), ``model``.
    Bad filter values raise ``InvalidInput`` naming the field; an unknown
    project name or session UUID does too unless ``strict=False`` (then
    nothing matches). ``paths`` picks search paths (default all of
    ``bm25``, ``vector``, ``trigram``, ``like``); ``context=False`` skips
    the neighbouring turns.
    Each result has ``id`` (search doc), ``kind``, ``thinking``,
    ``ref_table``/``ref_id`` (the message, tool call or commit),
    ``project_id``, ``project_name``, ``session_id``, ``session_uuid``,
    ``turn_id``, ``turn_seq``, ``timestamp``, ``model``, ``snippet``
    (HTML-escaped text with matches in ``<mark>``), ``relevance_score``,
    ``matched_by`` ({path: rank}), ``user_prompt``, ``claude_response``
    and ``context`` (the neighbouring turns as ``"user: …"`` /
    ``"claude: …"`` lines).

``index_pending(conn, limit=10000) -> int``
    Catch the index up (documents, then vectors); 0 when nothing was left.
    Needs a writable apsw connection. Runs after the drain, never in it.

``status(conn) -> dict``
    ``docs``, ``vectors``, ``pending_vectors``, ``queued``, ``pending``, ``up_to_date``.

``reindex(conn, progress=None) -> int``
    Rebuild the FTS indexes and every vector.
"""

from ..errors import InvalidInput
from . import query as query_mod
from . import results, retrieve
from .indexer import index_pending, reindex, status

__all__ = ["search", "index_pending", "status", "reindex", "InvalidInput"]

ALL_PATHS = ("bm25", "vector", "trigram", "like")

#: Before searching, the CLI, ``resume`` and the MCP server index at most this many waiting
#: documents and vectors (about a second of work): ``cctracker serve`` does the rest.
CATCH_UP = 2000


def search(conn, query, *, project=None, project_id=None, session=None, session_id=None,
           since=None, until=None, kind=None, model=None, limit=query_mod.DEFAULT_LIMIT,
           paths=None, context=True, strict=True, trivial=False, agent=None):
    """Find documents matching ``query`` by words, meaning and substrings (see module doc)."""
    q = query_mod.parse(query)
    limit = query_mod.parse_limit(limit)
    filters = query_mod.make_filters(
        conn, project=project, project_id=project_id, session=session, session_id=session_id,
        since=since, until=until, kind=kind, model=model, strict=strict, agent=agent)
    paths = tuple(paths or ALL_PATHS)
    unknown = [p for p in paths if p not in retrieve.PATHS]
    if unknown:
        raise InvalidInput("paths", "unknown search path %s" % ", ".join(unknown))
    depth = max(retrieve.PATH_DEPTH, limit)
    fused = retrieve.retrieve(conn, q, filters if filters.active() else None, paths, depth)
    pattern = results.highlight_pattern(q)
    # Trivial tool calls (``Bash: ls -la``, ``Read: x``) go after everything else unless
    # tool calls were asked for (kind=tool or trivial=True).
    demote = not trivial and not (filters.kinds and "tool" in filters.kinds)
    found, later = [], []
    for doc_id, score, ranks in fused:
        item = results.build(conn, doc_id, score, ranks, pattern, with_context=context)
        if item is None:
            continue
        if demote and item["kind"] == "tool" and query_mod.TRIVIAL_TOOL.match(item.pop("_text", "") or ""):
            later.append(item)
        else:
            item.pop("_text", None)
            found.append(item)
        if len(found) >= limit:
            break
    return (found + later)[:limit]
