"""Run Datasette as cctracker's dashboard.

The API for ``cctracker serve`` (and the tests)::

    proc = dashboard.start(db_path, host="127.0.0.1", port=8001)   # checks, then Popen
    dashboard.wait_until_ready(proc, host, port)                    # raises DashboardError
    ...
    dashboard.stop(proc)

``datasette_command(db_path, host, port)`` is the argv ``start`` runs, for
anyone who wants to run it by hand. Datasette reads the database through
the standard library's sqlite3 in ``mode=ro`` (never immutable: the drain
keeps writing while it serves) with the ``datasette/`` directory (shipped in the wheel as
``collector/dashboard_files``) as its configuration: metadata.yml (dashboards, canned queries), plugins,
templates and static files.

Bound to anything but loopback, the dashboard shows your conversations to
the network, so ``start`` then requires ``CCTRACKER_TOKEN``; set, the
``token_auth`` plugin checks it on every request (on loopback too). The
``host_check`` plugin refuses foreign Host headers and arbitrary SQL.
"""

import importlib.resources
import ipaddress
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from ..config import Config
from ..storage import db


DEFAULT_HOST = "127.0.0.1"
#: The settings own the port (``dashboard_port``); this is its default for a bare start.
DEFAULT_PORT = Config.dashboard_port

#: Environment variable holding the access token when bound beyond loopback.
TOKEN_ENV = "CCTRACKER_TOKEN"

#: The name every chart and canned query uses for the database, whatever the file is called.
DB_NAME = "cctracker"

SETTINGS = {
    # A chart over a year of data on a slow disk still answers; a runaway ad-hoc query stops.
    "sql_time_limit_ms": 5000,
    # Enough rows for a daily chart over two years or a long session's timeline.
    "max_returned_rows": 5000,
    # The live database is private and large: no one-click copy of it.
    "allow_download": "off",
    # Data changes every second while the drain runs: never serve a stale page.
    "default_cache_ttl": 0,
    "num_sql_threads": 3,
    # CSV is one page, which the host_check plugin rewrites (formula cells neutralised).
    "allow_csv_stream": "off",
}

#: Datasette takes a few seconds to import its plugins on a busy machine.
READY_TIMEOUT_SECONDS = 60.0
READY_POLL_SECONDS = 0.1


class DashboardError(RuntimeError):
    """The dashboard cannot start: the message says why and what to do."""


#: Name of the Datasette configuration inside the installed ``collector`` package.
PACKAGED_CONFIG = "dashboard_files"


def find_config_dir(environ=None):
    """The Datasette configuration directory (metadata.yml, plugins, templates, static).

    An installed wheel carries it as package data, ``collector/dashboard_files``
    (setup.py maps the repository's top-level ``datasette/`` there), found
    through importlib.resources so nothing depends on where a checkout is.
    A source checkout run through ``./dev`` (an editable install) has no such
    folder -- setuptools' editable finder cannot map a data folder nested in a
    package -- so there the repository's own ``datasette/`` is read in place.
    ``CCTRACKER_DATASETTE_DIR`` overrides both, for trying out a changed copy.
    """
    environ = os.environ if environ is None else environ
    if environ.get("CCTRACKER_DATASETTE_DIR"):
        return pathlib.Path(environ["CCTRACKER_DATASETTE_DIR"])
    packaged = importlib.resources.files("collector") / PACKAGED_CONFIG
    if packaged.is_dir():
        # Datasette needs real paths; pip always installs wheels unzipped.
        return pathlib.Path(str(packaged))
    source = pathlib.Path(__file__).resolve().parents[2] / "datasette"
    if (source / "metadata.yml").is_file():
        return source
    return pathlib.Path(str(packaged))  # missing: ``start`` says so in one line


#: The configuration directory this process serves.
CONFIG_DIR = find_config_dir()


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def datasette_command(db_path, host=DEFAULT_HOST, port=DEFAULT_PORT, config_dir=None):
    """The argv that serves ``db_path`` with cctracker's Datasette configuration."""
    cfg = pathlib.Path(config_dir or CONFIG_DIR)
    argv = [sys.executable, "-m", "datasette", "serve", os.path.abspath(db_path),
            "--host", host, "--port", str(port),
            "--metadata", str(cfg / "metadata.yml"),
            "--plugins-dir", str(cfg / "plugins"),
            "--template-dir", str(cfg / "templates"),
            "--static", "static:%s" % (cfg / "static")]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, str(value)]
    return argv


def check_port(host, port):
    """Raise DashboardError when something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise DashboardError(
                "cannot serve the dashboard on %s:%d: %s. Stop the program using that port or choose "
                "another with --dashboard-port." % (host, port, e.strerror or e)) from None


def start(db_path, host=DEFAULT_HOST, port=DEFAULT_PORT, log_path=None, env=None):
    """Start Datasette on ``db_path`` and return its ``subprocess.Popen``.

    The database is created and migrated first so the views the charts read
    exist. Output goes to ``log_path`` (default ``dashboard.log`` beside the
    database). Does not wait: call ``wait_until_ready``.
    """
    from ..api.security import TokenRequired, check_token

    env = dict(os.environ if env is None else env)
    try:
        check_token(env.get(TOKEN_ENV))  # when set, required on loopback too (as by the API)
    except TokenRequired as e:
        raise DashboardError(str(e)) from None
    env["CCTRACKER_DASHBOARD_HOST"] = host  # for the host_check plugin's allow-list
    if not is_loopback(host) and not env.get(TOKEN_ENV):
        raise DashboardError(
            "refusing to serve the dashboard on %s without a token: it shows your conversations. Set %s "
            "to a long random secret, or bind 127.0.0.1." % (host, TOKEN_ENV))
    if not (CONFIG_DIR / "metadata.yml").is_file():
        raise DashboardError("the dashboard's files are missing from this installation of cctracker (%s); "
                             "reinstall it" % CONFIG_DIR)
    check_port(host, port)
    db.connect(db_path).close()
    log_path = log_path or os.path.join(os.path.dirname(os.path.abspath(db_path)), "dashboard.log")
    # The log can hold request paths with search terms: private like the rest of the data dir.
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
    try:
        proc = subprocess.Popen(datasette_command(db_path, host, port), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env)
    finally:
        log.close()
    proc.log_path = log_path
    proc.url = "http://%s:%d/" % (_reach(host), port)
    return proc


def wait_until_ready(proc, host=DEFAULT_HOST, port=DEFAULT_PORT, timeout=READY_TIMEOUT_SECONDS, token=None):
    """Block until Datasette answers, or raise DashboardError with the end of its log."""
    token = token or os.environ.get(TOKEN_ENV)
    url = "http://%s:%d/-/versions.json" % (_reach(host), port)
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise DashboardError("the dashboard exited with code %s:\n%s" % (proc.returncode, _tail(proc)))
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                if resp.status == 200:
                    return proc.url
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            stop(proc)
            raise DashboardError("the dashboard did not answer on %s within %.0f s:\n%s"
                                 % (url, timeout, _tail(proc)))
        time.sleep(READY_POLL_SECONDS)


def stop(proc, timeout=10):
    """Terminate Datasette, killing it when it does not stop in time."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def _reach(host):
    """Where to reach a server bound to ``host``: 0.0.0.0 is no Host the allow-list answers."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return "[%s]" % host if ":" in host else host


def _tail(proc, lines=20):
    try:
        with open(proc.log_path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
    except (OSError, AttributeError):
        return "(no log)"


def main(argv=None):
    """``python -m collector.serve.dashboard DB [--host H] [--port P] [--demo]``: serve one database."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("db")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--demo", action="store_true", help="(re)build DB as the demo database first")
    args = parser.parse_args(argv)
    if args.demo:
        from . import demo

        demo.build_demo(args.db)
    try:
        proc = start(args.db, args.host, args.port)
        print("dashboard: %s" % wait_until_ready(proc, args.host, args.port))
        proc.wait()
    except DashboardError as e:
        sys.exit("Error: %s" % e)
    except KeyboardInterrupt:
        stop(proc)


if __name__ == "__main__":
    main()
