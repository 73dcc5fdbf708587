"""``POST /api/events``: hook events forwarded by a client that does not spool locally.

Two bodies are accepted:

- ``application/json``: ``{"events": [item, ...]}``
- ``application/x-ndjson``: one item per line (a spool file can be sent as is).

An item is either a **spool line** object (``{"v":1,"id":..,"t":..,"p":{..}}``,
the format of ``cctracker_client.spool``) or a bare **hook payload** (an
object with ``hook_event_name``). Spool lines keep their client-made id and
receive time, so sending a batch twice stores each event once (the drain
dedups on the id); bare payloads get a new id and the server's time.

The whole batch is checked first: one bad item answers 400 naming it
(``events[3].id``) and nothing is written. Accepted events are appended to
the spool in one locked write and answered with 202: the drain stores them.
"""

import re
import time
from typing import Annotated, Any

import falcon
import msgspec
from msgspec import Meta, Struct

from cctracker_client import spool, spool_read

from ..errors import InvalidInput
from . import openapi
from .validate import MAX_BODY_BYTES, HTTPError, check_depth, decode, field_of, message_of, read_body

#: Events per request: enough for a forwarder to catch up quickly, small
#: enough that one request never holds the spool lock for long.
MAX_BATCH_EVENTS = 1000

#: A batch body may hold many payloads (each cut to ~1 MiB by the client).
MAX_EVENTS_BODY_BYTES = 16 * MAX_BODY_BYTES

#: Bound of the ``cut`` counters (they are written into the line as %d).
MAX_CUT = 1 << 62

NDJSON = "application/x-ndjson"
EVENT_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
_EVENT_ID = re.compile(EVENT_ID)


class EventBatch(Struct):
    events: Annotated[list[dict[str, Any]], Meta(max_length=MAX_BATCH_EVENTS)]


class EventsAccepted(Struct):
    accepted: int
    ids: list[str]


def _cut(value, field):
    if value is None:
        return None
    if (not isinstance(value, dict) or not all(
            isinstance(value.get(k), int) and not isinstance(value.get(k), bool)
            and 0 <= value.get(k) <= MAX_CUT for k in ("fields", "chars"))):
        raise InvalidInput(field + ".cut", "must be {\"fields\": N, \"chars\": M}")
    return value["fields"], value["chars"]


def _payload_bytes(payload):
    data = msgspec.json.encode(payload)
    if len(data) <= spool.MAX_PAYLOAD_BYTES:
        return data, None
    # Cut as the hook itself would have.
    return spool.cut_payload(data)


def to_line(item, field, received_now):
    """One validated spool line (bytes) and its id for a batch item."""
    if not isinstance(item, dict):
        raise InvalidInput(field, "must be a JSON object")
    if "v" in item and "p" in item:
        if "cut" in item:
            _cut(item["cut"], field)  # named here, before the line's own parser refuses it
        try:
            line = spool_read.parse_line(msgspec.json.encode(item))
        except ValueError as e:
            raise InvalidInput(field, str(e)) from None
        if not _EVENT_ID.match(line.id):
            raise InvalidInput(field + ".id", "must match %s" % EVENT_ID)
        received = spool.parse_time(line.received.upper())
        if received is None:
            raise InvalidInput(field + ".t", "must be an ISO 8601 date-time from 1970 to 2999 (got %r)"
                               % line.received[:40])
        if "cut" in item and item["cut"] is None:
            raise InvalidInput(field + ".cut", "must be {\"fields\": N, \"chars\": M}")
        if "d" in item and not isinstance(item["d"], str):
            raise InvalidInput(field + ".d", "must be a string")
        cut = _cut(line.cut, field)
        data, more = _payload_bytes(line.payload)
        if more:
            cut = (more[0] + (cut or (0, 0))[0], more[1] + (cut or (0, 0))[1])
        return spool.make_line(data, received=received, event_id=line.id, cut=cut,
                               project_dir=line.project_dir), line.id
    if not isinstance(item.get("session_id", ""), str):
        raise InvalidInput(field + ".session_id", "must be a string")
    name = item.get("hook_event_name")
    if not isinstance(name, str) or not name:
        raise InvalidInput(field + ".hook_event_name",
                           "a hook payload needs hook_event_name (or send a spool line: v, id, t, p)")
    event_id = spool.new_id()
    data, cut = _payload_bytes(item)
    return spool.make_line(data, received=received_now, event_id=event_id, cut=cut or None), event_id


def _items(req):
    media = (req.content_type or "").split(";", 1)[0].strip().lower()
    if media not in ("application/json", NDJSON):
        raise HTTPError(falcon.HTTP_415, "unsupported_media_type",
                        "send application/json or %s (got %s)" % (NDJSON, media or "no Content-Type"),
                        field="Content-Type")
    data = read_body(req, MAX_EVENTS_BODY_BYTES)
    if media == "application/json":
        return decode(data, EventBatch).events
    items = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        if len(items) >= MAX_BATCH_EVENTS:
            raise InvalidInput("events", "at most %d events per request" % MAX_BATCH_EVENTS)
        check_depth(raw, "events[%d]" % len(items), spool_read.MAX_DEPTH)
        try:
            try:
                items.append(msgspec.json.decode(raw))
            except msgspec.DecodeError:
                fixed = spool_read.fix_surrogates(raw)  # lone surrogates become U+FFFD
                if fixed is raw:
                    raise
                items.append(msgspec.json.decode(fixed))
        except msgspec.DecodeError as e:
            raise InvalidInput("events[%d]" % len(items), "line %d is not JSON: %s" % (number, e)) from None
        except msgspec.ValidationError as e:
            raise InvalidInput("events[%d]%s" % (len(items), field_of(e).replace("body", "")),
                               message_of(e)) from None
    return items


class Events:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_post(self, req, resp):
        items = _items(req)
        now = spool.format_time(time.time_ns())
        lines, ids = [], []
        for i, item in enumerate(items):
            line, event_id = to_line(item, "events[%d]" % i, now)
            lines.append(line)
            ids.append(event_id)
        if lines:
            try:
                spool.append(b"".join(lines), base=self.ctx.config.home)
            except OSError as e:
                raise HTTPError(falcon.HTTP_503, "spool_unavailable",
                                "could not write to the spool: %s" % (e.strerror or e)) from None
        resp.media = {"accepted": len(lines), "ids": ids}
        resp.status = falcon.HTTP_202


def register(app, ctx):
    app.add_route("/api/events", Events(ctx))


_SPOOL_LINE = {
    "type": "object",
    "title": "SpoolLine",
    "description": "A line of the local spool (cctracker_client.spool format 1)",
    "required": ["v", "id", "t", "p"],
    "properties": {
        "v": {"type": "integer", "enum": [spool.FORMAT_VERSION]},
        "id": {"type": "string", "pattern": EVENT_ID, "description": "Client-made unique id"},
        "t": {"type": "string", "format": "date-time", "pattern": r"^(19[7-9][0-9]|2[0-9]{3})-",
              "description": "When the hook fired (years 1970 to 2999)"},
        "p": {"type": "object", "description": "The hook payload as Claude Code sent it"},
        "d": {"type": "string", "description": "CLAUDE_PROJECT_DIR"},
        "cut": {"type": "object", "required": ["fields", "chars"],
                "properties": {"fields": {"type": "integer", "minimum": 0, "maximum": MAX_CUT},
                               "chars": {"type": "integer", "minimum": 0, "maximum": MAX_CUT}}},
    },
}
_HOOK_PAYLOAD = {
    "type": "object",
    "title": "HookPayload",
    "description": "A hook's stdin JSON as Claude Code sent it",
    "required": ["hook_event_name"],
    "properties": {"hook_event_name": {"type": "string", "minLength": 1},
                   "session_id": {"type": "string"}},
}

OPENAPI_SCHEMAS = {
    "SpoolLine": _SPOOL_LINE,
    "HookPayload": _HOOK_PAYLOAD,
    "EventBatch": {
        "type": "object",
        "required": ["events"],
        "properties": {"events": {
            "type": "array", "maxItems": MAX_BATCH_EVENTS,
            "items": {"anyOf": [openapi.ref("SpoolLine"), openapi.ref("HookPayload")]}}},
    },
    **openapi.components(EventsAccepted),
}

OPENAPI_PATHS = {
    "/api/events": {"post": {
        "operationId": "postEvents",
        "summary": "Forward a batch of hook events",
        "tags": ["Events"],
        "description": __doc__.split("\n", 2)[2],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": openapi.ref("EventBatch")},
            NDJSON: {"schema": {
                "type": "array", "maxItems": MAX_BATCH_EVENTS,
                "items": {"anyOf": [openapi.ref("SpoolLine"), openapi.ref("HookPayload")]}}},
        }},
        "responses": {"202": {"description": "Events appended to the spool",
                              "content": openapi.json_content(openapi.ref("EventsAccepted"))},
                      "503": {"description": "The spool could not be written",
                              "content": openapi.json_content(openapi.ref("Error"))}},
    }},
}
