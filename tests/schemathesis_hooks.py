"""Schemathesis hooks for the cctracker API (loaded through SCHEMATHESIS_HOOKS).

``POST /api/events`` also takes ``application/x-ndjson``: one JSON document
per line. Schemathesis has no serializer for it, so here is one.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)
