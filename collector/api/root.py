"""``GET /``: where to go from the API's front door.

Someone who opens http://127.0.0.1:8000 in a browser, or curls it, gets the
links that matter instead of a 404: the interactive docs, the OpenAPI
document, health, and the main collections. A browser gets the same links as
a small HTML page; everything else gets JSON.
"""

import html

import falcon
from msgspec import Struct

from . import openapi
from .health import _version


class Link(Struct):
    rel: str
    href: str
    title: str


class ApiRoot(Struct):
    name: str
    version: str
    links: list[Link]


#: (rel, href, title), in the order a newcomer needs them.
LINKS = (
    ("docs", "/docs", "Interactive API documentation (Swagger UI)"),
    ("openapi", "/openapi.json", "OpenAPI 3 document"),
    ("health", "/api/health", "Collector health: database, schema version, spool backlog"),
    ("sessions", "/api/sessions", "Sessions, newest first"),
    ("projects", "/api/projects", "Projects with their totals"),
    ("search", "/api/conversations/search?query=", "Hybrid search over conversations"),
    ("analytics", "/api/analytics/summary", "Productivity, time, tools, git and token figures"),
)


class RootResource:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        links = [{"rel": rel, "href": href, "title": title} for rel, href, title in LINKS]
        if req.client_prefers(["application/json", "text/html"]) == "text/html":
            items = "".join('<li><a href="%s">%s</a> %s</li>' % (html.escape(l["href"]), html.escape(l["rel"]),
                                                                 html.escape(l["title"])) for l in links)
            resp.content_type = falcon.MEDIA_HTML
            resp.text = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cctracker API"
                         "</title></head><body><h1>cctracker API %s</h1><ul>%s</ul></body></html>"
                         % (html.escape(_version()), items))
            return
        resp.media = {"name": "cctracker", "version": _version(), "links": links}


def register(app, ctx):
    app.add_route("/", RootResource(ctx))


OPENAPI_SCHEMAS = openapi.components(ApiRoot)

OPENAPI_PATHS = {
    "/": {"get": openapi.operation(
        "api_root", "The API's links: docs, OpenAPI document, health and the main collections", "Meta", 200,
        "ApiRoot", description="A browser (`Accept: text/html`) gets the same links as an HTML page.")},
}
