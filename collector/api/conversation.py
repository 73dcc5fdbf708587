"""``POST /api/conversation``: prompts and replies, stored as messages."""

from . import openapi, writes
from .post import WriteResource
from .schemas import ConversationEntry, ConversationLogged


def register(app, ctx):
    app.add_route("/api/conversation", WriteResource(ctx, ConversationEntry, writes.log_conversation))


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
