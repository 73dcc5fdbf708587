"""``POST /api/git``: a git operation; a commit with git's ``[branch sha]`` line becomes a commit."""

import falcon

from . import openapi, writes
from .schemas import GitOperation, GitRecorded
from .validate import iso, json_body


class Git:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_post(self, req, resp):
        body = json_body(req, GitOperation)
        resp.media = writes.record_git(self.ctx.db(), self.ctx.privacy, body,
                                       iso(body.timestamp, "timestamp"))
        resp.status = falcon.HTTP_201


def register(app, ctx):
    app.add_route("/api/git", Git(ctx))


OPENAPI_SCHEMAS = openapi.components(GitOperation, GitRecorded)

OPENAPI_PATHS = {
    "/api/git": {"post": openapi.operation(
        "recordGit", "Record a git operation", "Git", 201, "GitRecorded", request="GitOperation",
        description=(
            "A `commit` whose `result` holds git's `[branch sha] subject` line is also stored "
            "as a commit of the session's project, with `files_changed`, `lines_added` and "
            "`lines_removed`."))},
}
