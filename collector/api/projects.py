"""``GET /api/projects`` and ``/api/projects/{project_id}/timeline``."""

from . import openapi, queries
from .schemas import ProjectSummary, ProjectTimeline
from .validate import MAX_ID, param_date, param_int, param_limit, path_id


class Projects:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        limit, offset = param_limit(req)
        resp.media = queries.project_summaries(self.ctx.db(), limit, offset)


class Timeline:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp, project_id):
        pid = path_id(project_id, "project_id")
        start, end = param_date(req, "start_date"), param_date(req, "end_date")
        limit = param_int(req, "limit", queries.DEFAULT_TIMELINE, 0, queries.MAX_TIMELINE)
        resp.media = queries.timeline(self.ctx.db(), pid, start, end, limit)


def register(app, ctx):
    app.add_route("/api/projects", Projects(ctx))
    app.add_route("/api/projects/{project_id}/timeline", Timeline(ctx))


OPENAPI_SCHEMAS = openapi.components(ProjectSummary, ProjectTimeline)

_date = {"type": "string", "format": "date"}

OPENAPI_PATHS = {
    "/api/projects": {"get": openapi.operation(
        "listProjects", "List all tracked projects", "Projects", 200,
        {"type": "array", "items": openapi.ref("ProjectSummary")},
        parameters=openapi.page_parameters(50, 1000),
        description=(
            "Most recent activity first; each figure as the dashboard's `project_summary` view "
            "defines it. `languages`: from the extensions of the files its sessions read or "
            "changed, most files first. `total_time_minutes`: active time (Claude working + "
            "permission waits + thinking) in whole minutes, rounded. `files_modified`: distinct "
            "paths written, created or edited. `lines_changed`: lines added plus lines removed "
            "by its file operations."))},
    "/api/projects/{project_id}/timeline": {"get": openapi.operation(
        "projectTimeline", "Get a project's timeline", "Projects", 200, "ProjectTimeline",
        parameters=[
            openapi.query("project_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                          required=True, where="path"),
            openapi.query("start_date", _date, "First local day included"),
            openapi.query("end_date", _date, "Last local day included"),
            openapi.query("limit", {"type": "integer", "minimum": 0,
                                    "maximum": queries.MAX_TIMELINE,
                                    "default": queries.DEFAULT_TIMELINE},
                          "Oldest items first; at most this many"),
        ],
        description=(
            "Session starts and ends, prompts and replies (text cut at %d characters), tool "
            "calls and git operations, oldest first." % queries.TIMELINE_TEXT_CHARS))},
}
