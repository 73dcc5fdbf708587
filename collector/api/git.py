"""``POST /api/git``: a git operation; a commit with git's ``[branch sha]`` line becomes a commit."""

from . import openapi, writes
from .post import WriteResource
from .schemas import GitOperation, GitRecorded


def register(app, ctx):
    app.add_route("/api/git", WriteResource(ctx, GitOperation, writes.record_git))


OPENAPI_SCHEMAS = openapi.components(GitOperation, GitRecorded)

OPENAPI_PATHS = {
    "/api/git": {"post": openapi.operation(
        "recordGit", "Record a git operation", "Git", 201, "GitRecorded", request="GitOperation",
        description=(
            "A `commit` whose `result` holds git's `[branch sha] subject` line is also stored "
            "as a commit of the session's project, with `files_changed`, `lines_added` and "
            "`lines_removed`."))},
}
