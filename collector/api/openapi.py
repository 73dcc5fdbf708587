"""The OpenAPI 3.0 document, assembled from the resource modules' fragments.

Request and response schemas are generated from the msgspec Structs that
validate them (``components(...)``), so the document and the validation
cannot drift apart. msgspec writes JSON Schema 2020-12; ``to_openapi30``
turns the few differences (``anyOf`` with ``null``) into OpenAPI 3.0.3,
which the bundled Swagger UI (4.x) renders.
"""

import copy

import msgspec

OPENAPI_VERSION = "3.0.3"
REF = "#/components/schemas/{name}"

INFO = {
    "title": "cctracker API",
    "description": (
        "Local-first tracker for Claude Code sessions. Implements the founding "
        "'Claude Code Project Tracker API' (its integer session and project ids are "
        "cctracker's own; Claude's session UUID is kept beside them) plus the "
        "collector's own endpoints (events, sessions, health)."
    ),
    "version": "1.0.0",
    "license": {"name": "MIT"},
}

TAGS = [
    {"name": "Sessions", "description": "Development session management"},
    {"name": "Conversations", "description": "Dialogue tracking and search"},
    {"name": "Activities", "description": "Tool usage and file operations"},
    {"name": "Waiting", "description": "Think time and engagement tracking"},
    {"name": "Git", "description": "Repository operations"},
    {"name": "Projects", "description": "Project data retrieval"},
    {"name": "Analytics", "description": "Insights and metrics"},
    {"name": "Events", "description": "Raw hook events forwarded by remote clients"},
    {"name": "Meta", "description": "Health and documentation"},
]

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "A short machine-readable code"},
        "field": {"type": "string", "description": "The input field that was wrong"},
        "message": {"type": "string"},
    },
}

#: Answers every operation can give besides its own; documented so that a
#: client (and schemathesis) knows them.
COMMON_ERRORS = {
    "400": "Invalid input (the body names the field)",
    "401": "Missing or wrong bearer token (only when CCTRACKER_TOKEN is set)",
    "403": "Host header not allowed (DNS rebinding protection)",
    "404": "Unknown id",
}
BODY_ERRORS = {
    "413": "Request body too large",
    "415": "Body is not application/json",
}


def components(*structs):
    """OpenAPI 3.0 component schemas for msgspec Structs (and the Structs they use)."""
    _, schemas = msgspec.json.schema_components(structs, ref_template=REF)
    return {name: to_openapi30(schema) for name, schema in schemas.items()}


def ref(name):
    return {"$ref": REF.format(name=name)}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def to_openapi30(schema):
    """JSON Schema 2020-12 (as msgspec writes it) to an OpenAPI 3.0 schema object."""
    if isinstance(schema, list):
        return [to_openapi30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: to_openapi30(v) for k, v in schema.items()}
    if "default" in out and out["default"] is None:
        del out["default"]
    options = out.get("anyOf")
    if options and any(o == {"type": "null"} for o in options):
        rest = [o for o in options if o != {"type": "null"}]
        del out["anyOf"]
        if len(rest) == 1 and "$ref" not in rest[0]:
            out.update(rest[0])
        elif len(rest) == 1:
            out["allOf"] = rest
        else:
            out["anyOf"] = rest
        out["nullable"] = True
    if "enum" in out and "type" not in out and all(isinstance(v, str) for v in out["enum"]):
        out["type"] = "string"
    return out


def _with_errors(operation, security):
    responses = operation.setdefault("responses", {})
    codes = dict(COMMON_ERRORS)
    if "requestBody" in operation:
        codes.update(BODY_ERRORS)
    if not security:
        codes.pop("401")
    for code, text in codes.items():
        responses.setdefault(code, {"description": text, "content": json_content(ref("Error"))})


def build(modules, secured=False):
    """The whole document from the modules' ``OPENAPI_PATHS`` and ``OPENAPI_SCHEMAS``.

    ``secured``: a bearer token is required (``CCTRACKER_TOKEN`` set), so every
    operation but the documentation itself declares it.
    """
    paths, schemas = {}, {"Error": ERROR_SCHEMA}
    for module in modules:
        for name, schema in getattr(module, "OPENAPI_SCHEMAS", {}).items():
            schemas[name] = schema
        for path, item in getattr(module, "OPENAPI_PATHS", {}).items():
            paths.setdefault(path, {}).update(copy.deepcopy(item))
    for path, item in paths.items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                _with_errors(operation, secured and not operation.get("security") == [])
    document = {
        "openapi": OPENAPI_VERSION,
        "info": INFO,
        "tags": TAGS,
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The value of CCTRACKER_TOKEN (required when it is set)",
                }
            },
        },
    }
    if secured:
        document["security"] = [{"bearerAuth": []}]
    return document


def operation(op_id, summary, tag, status, response, request=None, description=None,
              parameters=None):
    """One operation object: ``response``/``request`` are component names (or None)."""
    out = {"operationId": op_id, "summary": summary, "tags": [tag]}
    if description:
        out["description"] = description
    if parameters:
        out["parameters"] = parameters
    if request:
        out["requestBody"] = {"required": True, "content": json_content(ref(request))}
    answer = {"description": summary}
    if response:
        answer["content"] = json_content(ref(response) if isinstance(response, str) else response)
    out["responses"] = {str(status): answer}
    return out


def query(name, schema, description=None, required=False, where="query"):
    out = {"name": name, "in": where, "schema": schema}
    if required:
        out["required"] = True
    if description:
        out["description"] = description
    return out


def page_parameters(default, maximum):
    return [
        query("limit", {"type": "integer", "default": default, "minimum": 0, "maximum": maximum}),
        query("offset", {"type": "integer", "default": 0, "minimum": 0,
                         "maximum": (1 << 63) - 1}),
    ]
