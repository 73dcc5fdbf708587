"""Analytics endpoints: productivity (the founding spec's shape), time, tools, files, git,
tokens and cost, learning patterns and a summary of every metric.

Every endpoint takes ``project_id``, ``agent`` and a date range (``start_date``/``end_date``,
or ``days``, default the last 30 days). Formulas: docs/metrics.md.
"""

from ..analytics import filters as filters_mod
from ..analytics import learning, metrics, timemodel, tokens
from ..errors import InvalidInput
from . import openapi

DEFAULT_DAYS = filters_mod.DEFAULT_DAYS


def parse_filters(req):
    return filters_mod.parse(
        project_id=req.get_param("project_id"),
        start_date=req.get_param("start_date"),
        end_date=req.get_param("end_date"),
        days=req.get_param("days"),
        default_days=DEFAULT_DAYS,
        agent=req.get_param("agent"),
    )


def _learning(conn, filters, req):
    part = req.get_param("part")
    if part is not None and part not in learning.PARTS:
        raise InvalidInput("part", "must be one of %s" % ", ".join(learning.PARTS))
    return learning.learning(conn, filters, [part] if part else None)


class Analytics:
    """One analytics noun: parse the filters, call the library, return its dict."""

    def __init__(self, ctx, compute, takes_request=False):
        self.ctx = ctx
        self.compute = compute
        self.takes_request = takes_request

    def on_get(self, req, resp):
        filters = parse_filters(req)
        conn = self.ctx.db()
        if self.takes_request:
            resp.media = self.compute(conn, filters, req)
        else:
            resp.media = self.compute(conn, filters)


def _summary(conn, filters):
    return {"filters": filters.as_dict(), **metrics.summary(conn, filters)}


ROUTES = {
    "/api/analytics/productivity": (metrics.productivity, False),
    "/api/analytics/summary": (_summary, False),
    "/api/analytics/time": (timemodel.time_model, False),
    "/api/analytics/tools": (metrics.tools, False),
    "/api/analytics/files": (metrics.files, False),
    "/api/analytics/git": (metrics.git, False),
    "/api/analytics/tokens": (tokens.report, False),
    "/api/analytics/learning": (_learning, True),
}


def register(app, ctx):
    for path, (compute, takes_request) in ROUTES.items():
        app.add_route(path, Analytics(ctx, compute, takes_request))


# --- OpenAPI -------------------------------------------------------------------------------

FILTER_PARAMETERS = [
    openapi.query("project_id", {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1},
                  "Only this project's data"),
    openapi.query("days", {"type": "integer", "default": DEFAULT_DAYS, "minimum": 1,
                           "maximum": filters_mod.MAX_DAYS},
                  "The last N local days up to end_date (default today); start_date wins when both are given"),
    openapi.query("start_date", {"type": "string", "format": "date"}, "First local day, inclusive"),
    openapi.query("end_date", {"type": "string", "format": "date"}, "Last local day, inclusive"),
    openapi.query("agent", {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "maxLength": 40},
                  "Only sessions of this coding agent: claude-code, codex, gemini"),
]

_NUMBER = {"type": "number", "nullable": True}
_OBJECT = {"type": "object", "additionalProperties": True}

OPENAPI_SCHEMAS = {
    "ProductivityMetrics": {
        "type": "object",
        "required": ["engagement_score", "average_session_length", "think_time_average",
                     "files_per_session", "tools_most_used", "productivity_trends"],
        "properties": {
            "engagement_score": dict(_NUMBER, description="Overall engagement level (0-100)"),
            "average_session_length": dict(_NUMBER, description="Minutes per session (wall time)"),
            "think_time_average": dict(_NUMBER, description="Seconds from Stop to the next prompt, averaged"),
            "files_per_session": _NUMBER,
            "productivity_score": dict(_NUMBER, description="Productivity score (0-100) for the whole range"),
            "tools_most_used": {
                "type": "array",
                "items": {"type": "object", "properties": {
                    "tool": {"type": "string"}, "count": {"type": "integer"}}},
            },
            "productivity_trends": {
                "type": "array",
                "items": {"type": "object", "properties": {
                    "date": {"type": "string", "format": "date"},
                    "score": _NUMBER,
                    "engagement_score": _NUMBER,
                    "inputs": _OBJECT,
                }},
            },
            "engagement": _OBJECT,
            "productivity": _OBJECT,
            "inputs": _OBJECT,
            "filters": _OBJECT,
        },
    },
    "AnalyticsReport": {"type": "object", "additionalProperties": True,
                        "properties": {"filters": _OBJECT}},
}


def _op(op_id, summary, response="AnalyticsReport", extra=()):
    return {"get": openapi.operation(op_id, summary, "Analytics", 200, response,
                                     parameters=FILTER_PARAMETERS + list(extra))}


OPENAPI_PATHS = {
    "/api/analytics/productivity": _op(
        "getProductivity", "Engagement, session length, think time, files, tools and daily scores",
        "ProductivityMetrics"),
    "/api/analytics/summary": _op("getAnalyticsSummary", "Every metric for the range, with its inputs"),
    "/api/analytics/time": _op(
        "getTimeModel", "Wall, active, Claude working, permission wait, thinking and away time"),
    "/api/analytics/tools": _op("getToolStats", "Tool calls: most used, slowest, success rate"),
    "/api/analytics/files": _op("getFileStats", "Most touched files and files per session"),
    "/api/analytics/git": _op("getGitStats", "Commits and lines changed per session and per active hour"),
    "/api/analytics/tokens": _op(
        "getTokenCosts", "Tokens and cost per model, day, project and session (unknown prices are null)"),
    "/api/analytics/learning": _op(
        "getLearning", "Topics, re-asked questions, recurring errors and technologies",
        extra=[openapi.query("part", {"type": "string", "enum": list(learning.PARTS)},
                             "Only this part")]),
}
