"""The Falcon application: ``create_app(config)`` wires the resource modules together.

How to add an endpoint (the collector/api README)
-------------------------------------------------
Create a module in ``collector/api/`` that defines:

- ``register(app, ctx)``: add routes, e.g. ``app.add_route("/api/things", Things(ctx))``.
  ``ctx.config`` is the ``collector.config.Config``; ``ctx.db()`` is this
  thread's apsw connection (waitress serves from a thread pool; use
  ``with conn:`` for a write transaction); ``ctx.privacy`` decides what text
  may be stored.
- ``OPENAPI_PATHS``: ``{"/api/things": {"get": {...operation...}}}`` (OpenAPI 3.0.3
  path items). Common error answers (400/403/404, 413/415 with a body, 401
  with a token) are added to every operation; you add only the success ones.
- optionally ``OPENAPI_SCHEMAS``: ``{"Thing": {...}}``; build them from msgspec
  Structs with ``openapi.components(Thing)`` so validation and document agree.

``create_app`` finds every such module (pkgutil), so nothing else changes.
Read bodies with ``validate.json_body(req, Struct)`` and query parameters with
``validate.param_*``: bad input then becomes a 400 naming the field. Raise
``errors.NotFound`` for unknown ids (404). Anything else that escapes is a
bug: it is logged and answered with a plain 500.
"""

import importlib
import logging
import os
import pkgutil
import threading

import apsw
import falcon
import orjson

from ..errors import CCTrackerError, InvalidInput, NotFound
from ..privacy.policy import Privacy
from ..storage import db as db_mod
from . import openapi
from .security import Security
from .validate import HTTPError

log = logging.getLogger("cctracker.api")

#: Modules of this package that are helpers, not resources.
NOT_RESOURCES = ("app", "server", "security", "validate", "openapi", "schemas", "queries", "writes")


class Context:
    """What resources share: the config, per-thread connections, privacy rules."""

    def __init__(self, config, db_path=None):
        self.config = config
        self.db_path = db_path or config.db_path
        self.privacy = Privacy(config)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections = []
        self.modules = []
        self.security = None
        self._openapi = None
        #: Set when the server stops: long responses (``/api/stream``) end at once.
        self.stopping = threading.Event()

    def db(self):
        """This thread's connection, opened (and the schema migrated) on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # One at a time: two threads migrating a new file at once would both
            # see user_version 0.
            with self._lock:
                conn = db_mod.connect(self.db_path)
                self._connections.append(conn)
            self._local.conn = conn
        return conn

    def close(self):
        with self._lock:
            for conn in self._connections:
                try:
                    conn.close()
                except Exception:  # a connection still in use by a dying thread
                    log.warning("could not close a database connection", exc_info=True)
            self._connections = []

    def openapi(self):
        if self._openapi is None:
            secured = bool(self.security and self.security.token)
            self._openapi = openapi.build(self.modules, secured=secured)
        return self._openapi


class App(falcon.App):
    """A falcon.App that carries its Context as ``app.ctx``."""


def resource_modules():
    """Every module of this package that defines ``register``, by name."""
    found = []
    for info in sorted(pkgutil.iter_modules(_package_path()),
                       key=lambda m: m.name):
        if info.name in NOT_RESOURCES or info.name.startswith("_"):
            continue
        module = importlib.import_module("%s.%s" % (__package__, info.name))
        if callable(getattr(module, "register", None)):
            found.append(module)
    return found


def _package_path():
    return [os.path.dirname(os.path.abspath(__file__))]


def _dumps(value):
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def create_app(config, db_path=None, token=None, host="127.0.0.1", port=None, allowed_hosts=()):
    """Build the Falcon app. Nothing connects until a request needs the database.

    ``token``: the bearer token to require (default ``$CCTRACKER_TOKEN``; empty
    means none). ``host``/``port``: where the server listens, for the Host check.
    """
    if token is None:
        token = os.environ.get("CCTRACKER_TOKEN") or None
    ctx = Context(config, db_path)
    ctx.security = Security(token=token, host=host, port=port, allowed_hosts=allowed_hosts)
    app = App(middleware=[ctx.security], cors_enable=False)
    handler = falcon.media.JSONHandler(dumps=_dumps, loads=orjson.loads)
    app.req_options.media_handlers.update({falcon.MEDIA_JSON: handler})
    app.resp_options.media_handlers.update({falcon.MEDIA_JSON: handler})
    app.req_options.strip_url_path_trailing_slash = True
    app.set_error_serializer(_serialize_error)
    app.add_error_handler(Exception, _unexpected)
    app.add_error_handler(InvalidInput, _invalid)
    app.add_error_handler(NotFound, _not_found)
    app.add_error_handler(CCTrackerError, _domain)
    app.add_error_handler(apsw.BusyError, _busy)
    ctx.modules = resource_modules()
    for module in ctx.modules:
        module.register(app, ctx)
    app.ctx = ctx  # for the server (closing connections) and tests
    return app


# --- errors: always JSON ``{"error", "field"?, "message"}`` -----------------------------


def _serialize_error(req, resp, exc):
    if isinstance(exc, HTTPError):
        body = exc.to_dict()
    else:
        body = {"error": _slug(exc.title), "message": exc.description or exc.title}
    resp.content_type = falcon.MEDIA_JSON
    resp.data = _dumps(body)


def _slug(title):
    """``"404 Not Found"`` -> ``"not_found"``."""
    words = (title or "error").split()
    if len(words) > 1 and words[0].isdigit():
        words = words[1:]
    return "_".join(words).lower().replace("-", "_")


def _invalid(req, resp, exc, params):
    raise HTTPError(falcon.HTTP_400, "invalid_input", exc.message, field=exc.field)


def _not_found(req, resp, exc, params):
    raise HTTPError(falcon.HTTP_404, "not_found", str(exc))


def _domain(req, resp, exc, params):
    raise HTTPError(falcon.HTTP_400, "invalid_input", str(exc))


#: Seconds a client should wait after a 503 for a busy database.
RETRY_AFTER_SECONDS = 1


def _busy(req, resp, exc, params):
    # The write lock stayed taken for the whole busy timeout (a long drain
    # batch, a checkpoint): not the client's fault, and worth retrying.
    log.warning("database busy on %s %s", req.method, req.path)
    raise HTTPError(falcon.HTTP_503, "database_busy", "the database is busy; retry shortly",
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _unexpected(req, resp, exc, params):
    if isinstance(exc, falcon.HTTPError):
        raise exc
    # A bug, never client input: the input paths all raise InvalidInput first.
    log.error("unhandled error on %s %s", req.method, req.path, exc_info=exc)
    raise HTTPError(falcon.HTTP_500, "internal_error", "internal error (logged by the server)")
