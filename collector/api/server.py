"""Running the API on waitress, stoppable from another thread.

``Server(config, host, port)`` binds at once (so a busy port is reported
before anything else starts) and ``run()`` serves until ``stop()``;
``start()`` runs it in a daemon thread. ``serve()`` is the blocking form
with an optional ``threading.Event`` that stops it. ``cctracker serve``
runs it beside the drain thread and Datasette.
"""

import errno
import logging
import os
import threading

import waitress
from waitress import wasyncore
from waitress.trigger import trigger as Trigger

from ..errors import CCTrackerError
from .app import create_app
from .security import TOKEN_ENV, check_bind, host_name
from .stream import MAX_STREAMS
from .validate import MAX_BODY_BYTES

log = logging.getLogger("cctracker.api")

#: Worker threads: requests are short SQLite reads and writes; four keep a
#: slow query from blocking the hooks' forwarders without crowding 2 cores.
#: Live streams (``/api/stream``) hold a thread each: they get their own.
THREADS = 4 + MAX_STREAMS

#: Waitress's own cap, above every endpoint's limit (``events`` takes the most).
WAITRESS_MAX_BODY = 32 * MAX_BODY_BYTES

#: Seconds to let running requests finish when stopping.
STOP_TIMEOUT_SECONDS = 5

#: waitress's limits, set for a local tool (its defaults suit a public site
#: behind a proxy): a connection that sends and receives nothing for
#: CHANNEL_TIMEOUT seconds is closed (swept every CLEANUP_INTERVAL), so ~300
#: half-open connections (slowloris) no longer keep everyone else out for
#: minutes. A streaming endpoint must send something more often than that.
LIMITS = dict(
    connection_limit=200,
    channel_timeout=15,
    cleanup_interval=3,
    max_request_header_size=64 * 1024,
    backlog=256,
)


class PortInUse(CCTrackerError):
    def __init__(self, host, port):
        super().__init__("port %s on %s is in use" % (port, host))
        self.host = host
        self.port = port


class ServeError(CCTrackerError):
    pass


class Server:
    """One waitress server for the API; ``url`` is where it answers."""

    def __init__(self, config, host=None, port=None, db_path=None, token=None, allowed_hosts=()):
        host = config.api_host if host is None else host
        port = config.api_port if port is None else port
        if token is None:
            token = os.environ.get(TOKEN_ENV) or None
        check_bind(host, token)
        self.app = create_app(config, db_path=db_path, token=token, host=host, port=port,
                              allowed_hosts=allowed_hosts)
        self._map = {}
        try:
            self._server = waitress.create_server(
                self.app, map=self._map, host=host, port=port, threads=THREADS,
                ident="cctracker", max_request_body_size=WAITRESS_MAX_BODY,
                clear_untrusted_proxy_headers=True, expose_tracebacks=False, **LIMITS,
                # Lets waitress read while a request runs, so a live stream
                # learns at once that its client went away.
                channel_request_lookahead=1,
            )
        except OSError as e:
            wasyncore.close_all(self._map)
            if e.errno == errno.EADDRINUSE:
                raise PortInUse(host, port) from None
            raise ServeError("cannot listen on %s port %s: %s" % (host, port, e.strerror or e)) from None
        listen = getattr(self._server, "effective_listen", None) or [
            (self._server.effective_host, self._server.effective_port)
        ]
        self.host = host
        self.port = int(listen[0][1])
        # The Host check needs the real port (port 0 means "any free one").
        self.app.ctx.security.port = self.port
        self.url = "http://%s:%d" % (host_name(host) if host not in ("0.0.0.0", "::") else "127.0.0.1",
                                     self.port)
        self._thread = None
        self._stopped = threading.Event()

    def run(self):
        """Serve until ``stop()`` (blocking)."""
        try:
            self._server.run()
        finally:
            self._server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT_SECONDS)
            self.app.ctx.close()
            self._stopped.set()

    def start(self):
        """Serve from a daemon thread; returns self."""
        self._thread = threading.Thread(target=self.run, name="cctracker-api", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop from any thread: the loop closes every socket itself, then ``run`` returns."""
        if self._stopped.is_set():
            return
        self.app.ctx.stopping.set()
        triggers = [d for d in list(self._map.values()) if isinstance(d, Trigger)]
        if not triggers:
            return
        # Only the loop's own thread may touch its sockets: hand it the work.
        try:
            triggers[0].pull_trigger(lambda: wasyncore.close_all(self._map))
        except OSError:
            # The loop closed its trigger between our look and our pull: it is
            # already shutting down, so there is nothing left to hand it.
            pass
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS * 2)

    def wait_stopped(self, timeout=None):
        return self._stopped.wait(timeout)


def serve(config, host=None, port=None, stop_event=None, db_path=None, ready=None):
    """Serve the API until ``stop_event`` is set (or forever).

    ``ready(server)`` is called once the port is bound. Raises PortInUse or
    TokenRequired before serving anything.
    """
    server = Server(config, host, port, db_path=db_path)
    if stop_event is not None:
        def watch():
            stop_event.wait()
            server.stop()

        threading.Thread(target=watch, name="cctracker-api-stop", daemon=True).start()
    if ready is not None:
        ready(server)
    log.info("cctracker API on %s", server.url)
    server.run()
    return server
