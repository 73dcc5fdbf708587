"""``POST /api/waiting/start`` and ``/api/waiting/end``: the user's think time."""

from . import openapi, writes
from .post import WriteResource
from .schemas import WaitingEnd, WaitingStart, WaitRecorded
from .validate import iso, json_body


class End:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_post(self, req, resp):
        body = json_body(req, WaitingEnd)
        resp.media = writes.end_waiting(self.ctx, body, iso(body.timestamp, "timestamp"))


def register(app, ctx):
    app.add_route("/api/waiting/start", WriteResource(ctx, WaitingStart, writes.start_waiting))
    app.add_route("/api/waiting/end", End(ctx))


OPENAPI_SCHEMAS = openapi.components(WaitingStart, WaitingEnd, WaitRecorded)

OPENAPI_PATHS = {
    "/api/waiting/start": {"post": openapi.operation(
        "startWaiting", "Start a waiting period", "Waiting", 201, "WaitRecorded",
        request="WaitingStart",
        description="Opens a user wait. While one is open, starting again returns the open one.")},
    "/api/waiting/end": {"post": openapi.operation(
        "endWaiting", "End the waiting period", "Waiting", 200, "WaitRecorded",
        request="WaitingEnd",
        description=(
            "Closes the open user wait at `timestamp`; its duration is `duration_seconds` when "
            "sent, else measured. Up to the think threshold (setting `think_threshold_seconds`, "
            "300 s) it counts as thinking, the rest as away. With no open wait, a "
            "`duration_seconds` records a closed wait ending at `timestamp`; without it: 404."))},
}
