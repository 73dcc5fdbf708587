"""The shape most of the founding spec's POST endpoints share."""

import falcon

from .validate import iso, json_body


class WriteResource:
    """Validate the body against ``schema``, then ``write(ctx, body, at)``; 201 with its result.

    ``at`` is the body's ``timestamp``, checked and normalised (400 naming it when bad).
    """

    def __init__(self, ctx, schema, write):
        self.ctx = ctx
        self.schema = schema
        self.write = write

    def on_post(self, req, resp):
        body = json_body(req, self.schema)
        resp.media = self.write(self.ctx, body, iso(body.timestamp, "timestamp"))
        resp.status = falcon.HTTP_201
