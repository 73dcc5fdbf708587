"""``GET /api/conversations/search``: hybrid search over the conversation history."""

from .. import search as search_mod
from ..search import query as query_mod
from . import openapi
from .validate import MAX_ID, param_int


class ConversationSearch:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        limit = param_int(req, "limit", query_mod.DEFAULT_LIMIT, 1, query_mod.MAX_LIMIT)
        resp.media = search_mod.search(
            self.ctx.db(), req.get_param("query"),
            project_id=param_int(req, "project_id", None, 0, MAX_ID),
            project=req.get_param("project"),
            session_id=param_int(req, "session_id", None, 0, MAX_ID),
            session=req.get_param("session"),
            since=req.get_param("since"), until=req.get_param("until"),
            kind=req.get_param("kind"), model=req.get_param("model"), limit=limit, strict=False,
            agent=req.get_param("agent"))


def register(app, ctx):
    app.add_route("/api/conversations/search", ConversationSearch(ctx))


_TEXT = {"type": "string", "nullable": True}
_KINDS = "|".join(query_mod.KINDS)
_ID = {"type": "integer", "nullable": True}

OPENAPI_SCHEMAS = {
    "ConversationSearchResult": {
        "type": "object",
        "description": (
            "The founding spec's result (id, project_name, timestamp, user_prompt, "
            "claude_response, relevance_score, context) extended with what was found and where."),
        "required": ["id", "kind", "thinking", "ref_table", "ref_id", "snippet", "relevance_score",
                     "matched_by", "context"],
        "properties": {
            "id": {"type": "integer", "description": "Search document id"},
            "kind": {"type": "string", "enum": list(query_mod.KINDS)},
            "thinking": {"type": "boolean", "description": "The text is Claude's thinking"},
            "ref_table": {"type": "string", "enum": ["messages", "tool_calls", "commits"]},
            "ref_id": {"type": "integer", "description": "Row id in ref_table"},
            "project_id": _ID,
            "project_name": _TEXT,
            "session_id": _ID,
            "session_uuid": _TEXT,
            "session_title": dict(_TEXT, description="The session's title (its /rename, Claude Code's title, or its first prompt)"),
            "agent": dict(_TEXT, description="The coding agent of the session: claude-code, codex, gemini"),
            "turn_id": _ID,
            "turn_seq": _ID,
            "timestamp": {"type": "string", "format": "date-time", "nullable": True},
            "model": _TEXT,
            "snippet": {"type": "string",
                        "description": "HTML-escaped text around the match, matches in <mark>"},
            "relevance_score": {"type": "number", "description": "Fused reciprocal-rank score"},
            "matched_by": {"type": "object", "additionalProperties": {"type": "integer"},
                           "description": "Rank in each search path (bm25, vector, trigram, like)"},
            "user_prompt": _TEXT,
            "claude_response": _TEXT,
            "context": {"type": "array", "items": {"type": "string"},
                        "description": "Neighbouring turns as 'user: …' / 'claude: …' lines"},
        },
    },
}

OPENAPI_PATHS = {
    "/api/conversations/search": {"get": openapi.operation(
        "searchConversations", "Search conversations", "Conversations", 200,
        {"type": "array", "items": openapi.ref("ConversationSearchResult")},
        description=(
            "Hybrid search over prompts, replies, thinking, tool commands and errors and commit "
            "messages: BM25 words, wordllama meaning vectors and trigram substrings, fused by "
            "rank. Any text is searched as text (FTS5 syntax included); a blank query is a 400."),
        parameters=[
            openapi.query("query", {"type": "string", "minLength": 1, "pattern": r"\S"},
                          "What to look for", required=True),
            openapi.query("project_id", {"type": "integer", "minimum": 0, "maximum": MAX_ID}),
            openapi.query("limit", {"type": "integer", "default": query_mod.DEFAULT_LIMIT,
                                    "minimum": 1, "maximum": query_mod.MAX_LIMIT}),
            openapi.query("project", {"type": "string"}, "Project name or path"),
            openapi.query("session_id", {"type": "integer", "minimum": 0, "maximum": MAX_ID}),
            openapi.query("session", {"type": "string"}, "Session UUID or its prefix"),
            openapi.query("since", {"type": "string", "format": "date-time"},
                          "From this time; a date (2026-03-02) or an age (7d, 12h) also works"),
            openapi.query("until", {"type": "string", "format": "date-time"},
                          "Up to this time; a date means the end of that day"),
            openapi.query("kind", {"type": "string", "pattern": "^(%s)(,(%s))*$" % (_KINDS, _KINDS)},
                          "Comma list of: %s" % ", ".join(query_mod.KINDS)),
            openapi.query("model", {"type": "string"}),
            openapi.query("agent", {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
                                    "maxLength": 40}, "Only sessions of this coding agent"),
        ])},
}
