"""``cctracker serve``: the API, the drain, the search indexer and Datasette together.

Each part runs in its own thread (Datasette in its own process) and stops
cleanly on Ctrl-C or SIGTERM. Nothing here holds up the drain: vectors are
computed by a separate thread on a separate connection.
"""

import os
import signal
import threading
import time

from ..errors import CCTrackerError
from ..ingest.drain_thread import DrainThread
from ..storage import db
from . import dashboard, lifeline

#: Documents embedded per indexer step: ~0.2 s of work, so stopping is quick.
INDEX_BATCH = 500

#: Retention runs at most this often while serving.
RETENTION_EVERY_SECONDS = 3600

#: Longest ``stop()`` waits for the parts to finish (Ctrl-C, SIGTERM).
STOP_SECONDS = 15


#: Ports a server can be asked for: 0 would bind a random port nobody could find,
#: and the socket layer wraps larger numbers around to some other port.
PORT_MIN, PORT_MAX = 1, 65535


def check_ports(api_port, dashboard_port, with_dashboard=True):
    """Raise CCTrackerError (one line, naming the option) for ports serve cannot use."""
    wanted = [("API", api_port, "--port", "api_port")]
    if with_dashboard:
        wanted.append(("dashboard", dashboard_port, "--dashboard-port", "dashboard_port"))
    for name, value, option, key in wanted:
        if isinstance(value, bool) or not isinstance(value, int) or not PORT_MIN <= value <= PORT_MAX:
            raise CCTrackerError("the %s port must be from %d to %d, not %s: set %s (or %s in config.toml)"
                                 % (name, PORT_MIN, PORT_MAX, value, option, key))
    if with_dashboard and api_port == dashboard_port:
        raise CCTrackerError("the API and the dashboard cannot share port %d: choose another with "
                             "--dashboard-port (or dashboard_port in config.toml)" % api_port)


class Service:
    def __init__(self, config, host=None, port=None, dashboard_port=None, demo=False, dashboard=True,
                 first_import=True, echo=print):
        self.config = config
        self.host = host or config.api_host
        self.port = config.api_port if port is None else port
        self.dashboard_port = config.dashboard_port if dashboard_port is None else dashboard_port
        self.demo = demo
        self.with_dashboard = dashboard
        self.first_import = first_import and not demo
        self.echo = echo
        self.db_path = os.path.join(config.home, "demo.db") if demo else config.db_path
        self.stop_event = threading.Event()
        self.api = self.drain = self.dashboard = None
        self.threads = []

    def start(self):
        from ..api.server import Server

        check_ports(self.port, self.dashboard_port, self.with_dashboard)

        if self.demo:
            from .demo import build_demo

            self.echo("Building the demo database %s ..." % self.db_path)
            build_demo(self.db_path)
        conn = db.connect(self.db_path)
        empty = db.scalar(conn, "select count(*) from sessions") == 0
        conn.close()
        # A serve killed with -9 may have left its Datasette on the dashboard port.
        reclaimed = lifeline.reclaim(self.config.home)
        if reclaimed:
            self.echo("Stopped the dashboard left running by a serve that died (pid %s)."
                      % ", ".join(map(str, reclaimed)))
        # Bind the API first: a busy port is reported before anything runs.
        self.api = Server(self.config, self.host, self.port, db_path=self.db_path).start()
        if self.with_dashboard:
            # The kernel's parent-death signal follows the thread that starts the child:
            # start() runs on serve's main thread, which lives as long as serve.
            self.dashboard = dashboard.start(self.db_path, self.host, self.dashboard_port,
                                             env={**os.environ, lifeline.PARENT_ENV: str(os.getpid())})
            lifeline.record(self.config.home, [self.dashboard.pid], self.db_path)
            dashboard.wait_until_ready(self.dashboard, self.host, self.dashboard_port)
        if not self.demo:
            from .live import AfterDrain

            self.drain = DrainThread(self.config, after=AfterDrain(self.config))
            self.drain.start()
            self._thread(self._retention, "cctracker-retention")
        self._thread(self._index, "cctracker-indexer")
        if empty and self.first_import:
            self._thread(self._import, "cctracker-import")
        self.echo("cctracker API:       %s  (docs: %s/docs)" % (self.api.url, self.api.url))
        if self.dashboard is not None:
            self.echo("cctracker dashboard: %s" % self.dashboard.url)
        self.echo("Data: %s%s. Press Ctrl-C to stop." % (self.db_path, " (demo)" if self.demo else ""))
        if not self.demo:
            self._hooks_hint()

    def _thread(self, target, name):
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _index(self):
        from ..search import index_pending

        conn = db.connect(self.db_path)
        try:
            while not self.stop_event.is_set():
                try:
                    done = index_pending(conn, limit=INDEX_BATCH)
                except CCTrackerError as e:
                    self.echo("search indexer: %s" % e)
                    done = 0
                if not done:
                    self.stop_event.wait(2.0)
        finally:
            conn.close()

    def _retention(self):
        from ..privacy.forget import apply_retention

        conn = db.connect(self.db_path)
        try:
            while not self.stop_event.is_set():
                removed = apply_retention(conn, self.config)
                if removed:
                    self.echo("retention: removed %s" % removed)
                self.stop_event.wait(RETENTION_EVERY_SECONDS)
        finally:
            conn.close()

    def _import(self):
        from ..ingest.importer import default_roots, import_paths

        roots = [r for r in default_roots() if os.path.isdir(r)]
        if not roots:
            self.echo("No Claude Code transcripts to import yet. To look around first: cctracker serve --demo")
            return
        self.echo("First run: importing existing Claude Code transcripts from %s ..." % ", ".join(roots))
        conn = db.connect(self.db_path)
        try:
            summary = import_paths(conn, roots, config=self.config)
        finally:
            conn.close()
        self.echo("Imported %d files (%.1f MB): %d sessions, %d messages." % (
            summary["files"], summary["mb"], summary.get("sessions", 0), summary.get("messages", 0)))

    def _hooks_hint(self):
        from .status import hooks_report

        hooks = hooks_report(home=self.config.home)
        if not any(entry["events"] for entry in hooks):
            self.echo("Hooks are not installed yet: run `cctracker install` so new sessions are recorded.")
            return
        # After an upgrade to another Python, or a moved checkout, the old
        # command fails silently inside Claude Code: say so where it is seen.
        for entry in hooks:
            if any(not (c["python_exists"] and c["script_exists"]) for c in entry["commands"]):
                self.echo("The hook in %s points at a cctracker that is gone: run `cctracker install%s` to "
                          "update it." % (entry["path"], "" if entry["scope"] == "user" else
                                          " --settings %s" % entry["path"]))

    def wait(self):
        """Block until Ctrl-C or SIGTERM, then stop everything."""
        previous = signal.signal(signal.SIGTERM, lambda *_: self.stop_event.set())
        try:
            while not self.stop_event.wait(0.5):
                if self.dashboard is not None and self.dashboard.poll() is not None:
                    self.echo("The dashboard exited (code %s); see %s" % (
                        self.dashboard.returncode, self.dashboard.log_path))
                    break
        except KeyboardInterrupt:
            pass
        finally:
            # A second Ctrl-C while stopping must not cut the shutdown short.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, previous)
            self.echo("Stopping...")
            self.stop()
            self.echo("Stopped.")

    def stop(self):
        """Stop everything within STOP_SECONDS, whatever is still busy.

        Datasette is told first so it shuts down while the rest does. The
        drain, indexer and importer are daemon threads: one caught in a long
        transaction is left to die with the process, which loses nothing
        (the transaction rolls back; the spool and the files are kept).
        """
        self.stop_event.set()
        deadline = time.monotonic() + STOP_SECONDS

        def left():
            return max(deadline - time.monotonic(), 0.1)

        if self.dashboard is not None and self.dashboard.poll() is None:
            self.dashboard.terminate()
        if self.api is not None:
            self.api.stop()
        if self.drain is not None:
            self.drain.stop(timeout=left())
        if self.dashboard is not None:
            dashboard.stop(self.dashboard, timeout=left())
            lifeline.forget(self.config.home)
        for thread in self.threads:
            thread.join(left())
