"""``POST /api/activity``: a tool call (any tool name) and the file it touched."""

from . import openapi, writes
from .post import WriteResource
from .schemas import Activity, ActivityRecorded


def register(app, ctx):
    app.add_route("/api/activity", WriteResource(ctx, Activity, writes.record_activity))


OPENAPI_SCHEMAS = openapi.components(Activity, ActivityRecorded)

OPENAPI_PATHS = {
    "/api/activity": {"post": openapi.operation(
        "recordActivity", "Record development activity", "Activities", 201, "ActivityRecorded",
        request="Activity",
        description=(
            "Called by PostToolUse hooks. Any tool name is accepted (`mcp__server__tool` is split "
            "into server and tool). `success` defaults to true unless `error_message` is sent. "
            "`metadata.duration_ms`, `metadata.lines_added` and `metadata.lines_removed` are "
            "read when numbers. A `file_path` becomes a file operation: read, write, edit, "
            "notebook_edit, glob or grep from the tool name (else from `action`, else `other`)."))},
}
