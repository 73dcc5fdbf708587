"""Access control: a bearer token and a Host-header check, as one Falcon middleware.

- The API binds 127.0.0.1 by default. Binding any other address needs
  ``CCTRACKER_TOKEN`` (``check_bind`` refuses otherwise); once a token is set,
  every request must carry ``Authorization: Bearer <token>``, compared in
  constant time. ``/docs`` and ``/openapi.json`` stay readable without it
  (they describe the API and hold no data); Swagger UI's Authorize button
  sends the token for the calls it makes.
- DNS rebinding: a web page on ``evil.example`` whose name is re-pointed at
  127.0.0.1 can make the browser call this API, but its requests still say
  ``Host: evil.example``. Only loopback names, the bound host and names in
  ``CCTRACKER_ALLOWED_HOSTS`` (comma-separated) are accepted, with the bound port.

The same two checks fit any WSGI/ASGI front (the dashboard reuses the idea).
"""

import hmac
import ipaddress
import os
import socket

import falcon

from ..errors import CCTrackerError
from .validate import HTTPError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
#: Readable without a token: the API's description, never its data.
PUBLIC_PATHS = ("/", "/docs", "/openapi.json")
PUBLIC_PREFIXES = ("/docs/",)
TOKEN_ENV = "CCTRACKER_TOKEN"
ALLOWED_HOSTS_ENV = "CCTRACKER_ALLOWED_HOSTS"


#: Shortest token accepted: a guessable one is no lock (``cctracker token`` makes 43 characters).
MIN_TOKEN_CHARS = 32


class TokenRequired(CCTrackerError):
    """Refusing to listen beyond loopback without a token, or with a weak one."""


def check_token(token):
    """Raise TokenRequired when a token is set but shorter than MIN_TOKEN_CHARS."""
    if token and len(token) < MIN_TOKEN_CHARS:
        raise TokenRequired(
            "%s is %d characters long: use at least %d random characters (`cctracker token` makes one)"
            % (TOKEN_ENV, len(token), MIN_TOKEN_CHARS))


def is_loopback(host):
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host, token):
    """Raise TokenRequired when ``host`` is not loopback and there is no token, or the token is weak."""
    check_token(token)
    if not is_loopback(host) and not token:
        raise TokenRequired(
            "listening on %s exposes the API beyond this machine: set %s to a secret token first"
            % (host or "all addresses", TOKEN_ENV)
        )


def host_name(host):
    """How a host appears in a Host header: IPv6 in brackets, lower case."""
    host = host.lower()
    if ":" in host and not host.startswith("["):
        return "[%s]" % host
    return host


def split_host_header(value):
    """``name[:port]`` -> (name, port or None); IPv6 names keep their brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return value, None
        name, rest = value[: end + 1], value[end + 1:]
    else:
        name, sep, rest = value.rpartition(":")
        if not sep:
            return value, None
        rest = ":" + rest
    if not rest:
        return name, None
    if rest[:1] != ":" or not rest[1:].isdigit():
        return value, -1  # malformed: never matches
    return name, int(rest[1:])


class Security:
    """Falcon middleware: Host check first, then the bearer token."""

    def __init__(self, token=None, host="127.0.0.1", port=None, allowed_hosts=()):
        self.token = token or None
        self.port = port
        names = set(LOOPBACK_NAMES)
        if host in WILDCARD_HOSTS:
            # Reached through this machine's own names; the token guards the rest.
            for name in (socket.gethostname(), socket.getfqdn()):
                if name:
                    names.add(name.lower())
        elif host:
            names.add(host_name(host))
        extra = [h for h in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",") if h.strip()]
        names.update(host_name(h.strip()) for h in (*allowed_hosts, *extra))
        self.names = frozenset(names)

    def host_allowed(self, header):
        if not header:
            return False
        name, port = split_host_header(header)
        if name not in self.names:
            return False
        if port is None:
            return self.port in (None, 80)
        return self.port is None or port == self.port

    def token_ok(self, header):
        if not header or not header.startswith("Bearer "):
            return False
        given = header[len("Bearer "):].strip().encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self.token.encode("utf-8"))

    def process_request(self, req, resp):
        host = req.get_header("Host")
        if not self.host_allowed(host):
            raise HTTPError(
                falcon.HTTP_403, "forbidden_host",
                "Host %r is not allowed: use localhost, 127.0.0.1 or [::1], or add it to %s"
                % (host, ALLOWED_HOSTS_ENV),
                field="Host",
            )
        if self.token is None:
            return
        if req.path in PUBLIC_PATHS or req.path.startswith(PUBLIC_PREFIXES):
            return
        if not self.token_ok(req.get_header("Authorization")):
            raise HTTPError(
                falcon.HTTP_401, "unauthorized",
                "send Authorization: Bearer <the value of %s>" % TOKEN_ENV,
                field="Authorization",
                headers={"WWW-Authenticate": "Bearer"},
            )
