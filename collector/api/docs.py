"""``/openapi.json`` and Swagger UI at ``/docs``, served from local files (no CDN).

Swagger UI's files come from the ``swagger-ui-bundle`` package; the page and
its start script are ours so that no inline script is needed and the
Content-Security-Policy can allow only this server.
"""

import os

import falcon
import swagger_ui_bundle

from ..errors import NotFound
from . import openapi

PAGE = b"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cctracker API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/static/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""

INIT = b"""window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
"""

#: Only this server: proves (and enforces) that the page works offline.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'")


class Document:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        resp.media = self.ctx.openapi()


class Page:
    def __init__(self, body, content_type):
        self.body = body
        self.content_type = content_type

    def on_get(self, req, resp):
        resp.data = self.body
        resp.content_type = self.content_type
        resp.set_header("Content-Security-Policy", CSP)


#: The bundle's files our page uses, and only those: the package also holds
#: its stock index.html, which loads an outside URL (petstore.swagger.io).
STATIC_FILES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": falcon.MEDIA_JS,
    "favicon-32x32.png": "image/png",
}


class Static:
    def on_get(self, req, resp, name):
        if name not in STATIC_FILES:
            raise NotFound("file", name)
        with open(os.path.join(swagger_ui_bundle.swagger_ui_path, name), "rb") as f:
            resp.data = f.read()
        resp.content_type = STATIC_FILES[name]
        resp.set_header("Content-Security-Policy", CSP)
        resp.cache_control = ["max-age=86400"]


def register(app, ctx):
    app.add_route("/openapi.json", Document(ctx))
    app.add_route("/docs", Page(PAGE, falcon.MEDIA_HTML))
    app.add_route("/docs/init.js", Page(INIT, falcon.MEDIA_JS))
    app.add_route("/docs/static/{name}", Static())


OPENAPI_PATHS = {
    "/openapi.json": {"get": {
        "operationId": "openapi",
        "summary": "This document (OpenAPI 3.0); Swagger UI is at /docs",
        "tags": ["Meta"],
        "security": [],
        "responses": {"200": {"description": "The OpenAPI document",
                              "content": openapi.json_content({"type": "object"})}},
    }},
}
