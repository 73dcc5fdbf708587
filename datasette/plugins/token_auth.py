"""Require ``CCTRACKER_TOKEN`` on every request when it is set.

Set, it is required on loopback too (``collector.serve.dashboard.start`` refuses
a token under 32 characters). A client sends ``Authorization: Bearer
<token>``, or opens any page once with ``?token=<token>``: that sets a
cookie and redirects to the same page (on this server) without the token
in the address bar or in the server's log.
"""

import hmac
import os
import urllib.parse

from datasette import hookimpl

TOKEN_ENV = "CCTRACKER_TOKEN"
COOKIE = "cctracker_token"
#: A login lasts a working week; after that, open a page with ?token= again.
COOKIE_MAX_AGE = 7 * 24 * 3600


def _same(given, token):
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _presented(scope):
    headers = dict(scope.get("headers") or [])
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        yield auth[7:].strip()
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            yield urllib.parse.unquote(value)


async def _send_plain(send, status, body, headers=()):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers]})
    await send({"type": "http.response.body", "body": body.encode()})


def wrap(app, token):
    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = (query.pop("token", None) or [None])[0]
        if given is not None:
            # The server's access log reads this same scope when it answers: the
            # token must not end up in dashboard.log.
            scope["query_string"] = urllib.parse.urlencode(query, doseq=True).encode("latin-1")
        if any(_same(presented, token) for presented in _presented(scope)):
            return await app(scope, receive, send)
        if _same(given, token):
            # Log in: remember the token in an HttpOnly cookie, drop it from the URL.
            # One leading slash: "//evil.example/" would be another site.
            location = "/" + (scope.get("root_path", "") + scope["path"]).lstrip("/\\")
            rest = urllib.parse.urlencode(query, doseq=True)
            cookie = "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d" % (
                COOKIE, urllib.parse.quote(token), COOKIE_MAX_AGE)
            return await _send_plain(send, 302, "", [
                (b"location", (location + ("?" + rest if rest else "")).encode()),
                (b"set-cookie", cookie.encode())])
        await _send_plain(send, 401, "cctracker: this dashboard needs its token "
                          "(Authorization: Bearer, or open it once with ?token=...)\n",
                          [(b"www-authenticate", b"Bearer")])
    return guarded


@hookimpl
def asgi_wrapper():
    token = os.environ.get(TOKEN_ENV)
    if not token:
        return lambda app: app
    return lambda app: wrap(app, token)
