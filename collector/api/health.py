"""``GET /api/health``: is the collector up, where is its data, how much is waiting."""

import falcon
from msgspec import Struct

from cctracker_client import spool_read

from .. import db
from . import openapi


class SpoolBacklog(Struct):
    files: int
    bytes: int


class Health(Struct):
    status: str
    db_path: str
    schema_version: int
    spool_backlog: SpoolBacklog
    version: str


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
        files, size = spool_read.backlog(self.ctx.config.home)
        resp.media = {
            "status": "ok",
            "db_path": self.ctx.db_path,
            "schema_version": db.scalar(self.ctx.db(), "pragma user_version"),
            "spool_backlog": {"files": files, "bytes": size},
            "version": _version(),
        }
        resp.status = falcon.HTTP_200


def register(app, ctx):
    app.add_route("/api/health", HealthResource(ctx))


OPENAPI_SCHEMAS = openapi.components(Health)

OPENAPI_PATHS = {
    "/api/health": {"get": openapi.operation(
        "health", "Collector health: database, schema version, spool backlog", "Meta", 200, "Health",
        description="`spool_backlog`: spool files not drained yet and their size in bytes.")},
}
