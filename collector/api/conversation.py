"""``POST /api/conversation``: prompts and replies, stored as messages."""

import falcon

from . import openapi, writes
from .schemas import ConversationEntry, ConversationLogged
from .validate import iso, json_body


class Conversation:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_post(self, req, resp):
        body = json_body(req, ConversationEntry)
        at = iso(body.timestamp, "timestamp")
        resp.media = writes.log_conversation(self.ctx.db(), self.ctx.privacy, body, at)
        resp.status = falcon.HTTP_201


def register(app, ctx):
    app.add_route("/api/conversation", Conversation(ctx))


OPENAPI_SCHEMAS = openapi.components(ConversationEntry, ConversationLogged)

OPENAPI_PATHS = {
    "/api/conversation": {"post": openapi.operation(
        "logConversation", "Log a conversation exchange", "Conversations", 201, "ConversationLogged",
        request="ConversationEntry",
        description=(
            "Called by the UserPromptSubmit and Stop hooks. `user_prompt` opens a turn, "
            "`claude_response` ends the open one; both become messages (secrets redacted, "
            "nothing kept in metadata privacy mode). Posting the same exchange again adds "
            "nothing. `tools_used`, `files_affected` and `context` are accepted and not stored: "
            "tools and files are recorded through /api/activity."))},
}
