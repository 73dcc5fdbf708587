"""``GET /api/health``: is the collector up, where is its data, how much is waiting.

503 (``status: "failing"``) while the drain's last run failed: the events
wait in the spool, and ``drain.last_error`` says why (the traceback is in
``logs/drain.log``). ``unsaved_events`` counts hook events that could not
be written at all (a full disk).
"""

import falcon
from msgspec import Struct

from cctracker_client import spool, unsaved

from ..ingest import drain_thread
from ..storage import db
from . import openapi


class SpoolBacklog(Struct):
    files: int
    bytes: int


class DrainHealth(Struct):
    failing: bool
    consecutive_failures: int
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    lag_seconds: float | None


class UnsavedEvents(Struct):
    count: int
    first: str | None
    last: str | None
    reason: str | None


class Health(Struct):
    status: str
    db_path: str
    schema_version: int
    spool_backlog: SpoolBacklog
    version: str
    drain: DrainHealth
    unsaved_events: UnsavedEvents


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cctracker")
    except PackageNotFoundError:
        return "unknown"


class HealthResource:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        home = self.ctx.config.home
        drain = drain_thread.health(home)
        failing = drain["failing"]
        resp.media = {
            "status": "failing" if failing else "ok",
            "db_path": self.ctx.db_path,
            "schema_version": db.scalar(self.ctx.db(), "pragma user_version"),
            "spool_backlog": {"files": drain.pop("backlog_files"), "bytes": drain.pop("backlog_bytes")},
            "version": _version(),
            "drain": drain,
            "unsaved_events": unsaved.read(spool.spool_dir(home)),
        }
        resp.status = falcon.HTTP_503 if failing else falcon.HTTP_200


def register(app, ctx):
    app.add_route("/api/health", HealthResource(ctx))


OPENAPI_SCHEMAS = openapi.components(Health)

_HEALTH_DOC = (
    "`spool_backlog`: spool files not drained yet and their size in bytes. `drain`: the last drain run "
    "(`lag_seconds`: how long events have waited; `last_error` while it fails). `unsaved_events`: hook "
    "events that could not be written at all (a full disk). 503 while the drain is failing.")

OPENAPI_PATHS = {
    "/api/health": {"get": openapi.operation(
        "health", "Collector health: database, schema version, spool backlog, drain", "Meta", 200, "Health",
        description=_HEALTH_DOC)},
}
OPENAPI_PATHS["/api/health"]["get"]["responses"]["503"] = {
    "description": "The drain is failing (the body is the same Health object)",
    "content": openapi.json_content(openapi.ref("Health"))}
