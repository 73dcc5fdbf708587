"""Reading client input: JSON bodies into msgspec Structs, query parameters, limits.

Everything here raises ``InvalidInput(field, message)`` (400) or a Falcon
error with our JSON shape, so no client input can reach the 500 handler.
"""

import datetime
import re

import falcon
import msgspec

from cctracker_client import spool_read

from ..errors import InvalidInput
from ..times import local

#: Largest request body for the ordinary endpoints. A hook payload is at most
#: ~1 MiB after the client cuts it (``spool.MAX_PAYLOAD_BYTES``); a legacy
#: endpoint body is far smaller.
MAX_BODY_BYTES = 1 << 20

#: Largest id SQLite can store (int64); larger numbers would overflow the binding.
MAX_ID = (1 << 63) - 1

#: Default and largest page sizes for list endpoints.
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000

JSON_TYPES = ("application/json",)

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")
_PATH_RE = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING_RE = re.compile(r"missing required field `([^`]+)`")


class HTTPError(falcon.HTTPError):
    """A Falcon error whose body is ours: ``{"error", "field", "message"}``."""

    def __init__(self, status, error, message, field=None, headers=None):
        super().__init__(status, title=error, description=message, headers=headers)
        self.error = error
        self.message = message
        self.field = field

    def to_dict(self, obj_type=dict):
        body = obj_type()
        body["error"] = self.error
        if self.field:
            body["field"] = self.field
        body["message"] = self.message
        return body


def field_of(error):
    """The field a msgspec error is about: ``$.a.b[0]`` -> ``a.b[0]``."""
    text = str(error)
    found = _MISSING_RE.search(text)
    if found:
        prefix = _PATH_RE.search(text)
        base = prefix.group(1) if prefix else ""
        return "%s.%s" % (base, found.group(1)) if base else found.group(1)
    found = _PATH_RE.search(text)
    if found and found.group(1):
        return found.group(1)
    return "body"


def message_of(error):
    return str(error).rsplit(" - at `", 1)[0]


def check_json(req):
    """415 unless the body is declared as JSON."""
    media = (req.content_type or "").split(";", 1)[0].strip().lower()
    if media not in JSON_TYPES:
        raise HTTPError(
            falcon.HTTP_415,
            "unsupported_media_type",
            "send the body as application/json (got %s)" % (media or "no Content-Type"),
            field="Content-Type",
        )


def read_body(req, limit=MAX_BODY_BYTES):
    """The raw body, refusing anything over ``limit`` bytes with 413."""
    if req.content_length is not None and req.content_length > limit:
        raise too_large(limit)
    data = req.bounded_stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def too_large(limit):
    return HTTPError(
        falcon.HTTP_413, "body_too_large", "request body is over %d bytes" % limit, field="body"
    )


def decode(data, struct, field="body"):
    """Decode JSON bytes into ``struct`` or raise InvalidInput naming the field.

    Deeper than ``spool_read.MAX_DEPTH`` is refused before msgspec recurses
    into it, and lone UTF-16 surrogates become U+FFFD, as in the drain.
    """
    if not data.strip():
        raise InvalidInput(field, "a JSON body is required")
    check_depth(data, field)
    try:
        try:
            return msgspec.json.decode(data, type=struct)
        except msgspec.DecodeError:
            fixed = spool_read.fix_surrogates(data)
            if fixed is data:
                raise
            return msgspec.json.decode(fixed, type=struct)
    except msgspec.ValidationError as e:
        raise InvalidInput(field_of(e) if field == "body" else field, message_of(e)) from None
    except msgspec.DecodeError as e:
        raise InvalidInput(field, "not valid JSON: %s" % e) from None
    except RecursionError:
        raise InvalidInput(field, "nested deeper than %d levels" % spool_read.MAX_DEPTH) from None


def check_depth(data, field="body", limit=None):
    """InvalidInput when JSON text nests deeper than ``limit`` (brackets in strings
    count too: a body near the limit full of them is refused, never a crash)."""
    limit = limit or spool_read.MAX_DEPTH + 1  # a batch holds its events one level down
    if data.count(b"{") + data.count(b"[") <= limit:
        return
    # Strings out (C speed), then only the brackets are walked.
    skeleton = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    level = 0
    for byte in skeleton:
        if byte == 123 or byte == 91:  # { [
            level += 1
            if level > limit:
                raise InvalidInput(field, "nested deeper than %d levels" % spool_read.MAX_DEPTH)
        else:
            level -= 1


def json_body(req, struct, limit=MAX_BODY_BYTES):
    check_json(req)
    return decode(read_body(req, limit), struct)


# --- times ---------------------------------------------------------------------------


def iso(value, field):
    """A decoded datetime as stored text (UTC, microseconds, ``Z``); naive means UTC."""
    if value is None:
        return None
    try:
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return _text(value.astimezone(datetime.timezone.utc))
    except (OverflowError, ValueError):
        raise InvalidInput(field, "time is out of range") from None


def _text(v):
    # Not strftime: glibc does not pad years before 1000 ("304-04-06").
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
        v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)


def parse_stored(text):
    """Stored time text back to an aware datetime."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def now():
    return _text(datetime.datetime.now(datetime.timezone.utc))


# --- query parameters ----------------------------------------------------------------


def param_int(req, name, default=None, minimum=0, maximum=MAX_ID):
    raw = req.get_param(name)
    if raw is None:
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise InvalidInput(name, "must be an integer") from None
    if value < minimum or value > maximum:
        raise InvalidInput(name, "must be between %d and %d" % (minimum, maximum))
    return value


def param_limit(req, default=DEFAULT_LIMIT, maximum=MAX_LIMIT):
    return param_int(req, "limit", default, 0, maximum), param_int(req, "offset", 0, 0, MAX_ID)


def param_date(req, name):
    """A ``YYYY-MM-DD`` query parameter as a date, or None."""
    raw = req.get_param(name)
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(name, "must be a date like 2026-03-02") from None


def param_time(req, name):
    """A date or date-time query parameter as stored text, or None."""
    raw = req.get_param(name)
    if raw is None:
        return None
    try:
        if len(raw) == 10:  # a local calendar day: where it begins
            return local.day_start(datetime.date.fromisoformat(raw))
        else:
            value = datetime.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidInput(name, "must be a date or an ISO 8601 date-time") from None
    return iso(value, name)


def param_choice(req, name, choices):
    raw = req.get_param(name)
    if raw is None:
        return None
    if raw not in choices:
        raise InvalidInput(name, "must be one of %s" % ", ".join(choices))
    return raw


def path_id(raw, field):
    """An integer id from the URL path (400 when it is not one)."""
    try:
        value = int(raw, 10)
    except (TypeError, ValueError):
        raise InvalidInput(field, "must be an integer") from None
    if value < 1 or value > MAX_ID:
        raise InvalidInput(field, "must be between 1 and %d" % MAX_ID)
    return value
