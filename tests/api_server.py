"""A real API server for tests: waitress on 127.0.0.1 and a free port, in a thread.

Reuse it from any test module (``tests/`` is on ``sys.path`` under pytest)::

    from api_server import api_server, running  # noqa: F401  (api_server is a fixture)

    def test_something(api_server):
        r = api_server.get("/api/health")
        assert r.status_code == 200

- ``api_server``: a fixture that serves the test's own ``CCTRACKER_HOME``
  (set by the autouse ``home`` fixture in conftest) and its database file,
  and stops the server (and closes its connections) after the test.
- ``running(home=None, db_path=None, host="127.0.0.1", token=None)``: the same
  as a context manager, for tests that need another token or database.

The object yielded is an ``ApiServer``: ``url``, ``port``, ``config``,
``db_path``, ``db()`` (a fresh apsw connection to the same file, for
inserting rows or checking them) and ``get/post/request(path, ...)``
(``requests`` calls with the base URL and the token, if any, filled in).
The server binds port 0, so no two tests race for a port.
"""

import contextlib

import pytest
import requests

from collector import config as config_mod
from collector.api.server import Server
from collector.storage import db as db_mod


class ApiServer:
    def __init__(self, server, config, db_path, token):
        self.server = server
        self.config = config
        self.db_path = db_path
        self.token = token
        self.url = server.url
        self.port = server.port
        self.session = requests.Session()

    def db(self):
        return db_mod.connect(self.db_path)

    def request(self, method, path, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = "Bearer " + self.token
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)


@contextlib.contextmanager
def running(home=None, db_path=None, host="127.0.0.1", token=None):
    """Serve the API until the block ends; yields an ApiServer."""
    config = config_mod.load(str(home) if home else None)
    db_path = str(db_path or config.db_path)
    server = Server(config, host=host, port=0, db_path=db_path, token=token or "").start()
    api = ApiServer(server, config, db_path, token)
    try:
        yield api
    finally:
        api.session.close()
        server.stop()


@pytest.fixture
def api_server(home):
    with running(home) as api:
        yield api
