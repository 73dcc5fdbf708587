"""The served OpenAPI document and Swagger UI at /docs, working with no internet."""

import re

import pytest
from openapi_spec_validator import validate


SPEC_PATHS = {
    ("post", "/api/session/start"), ("post", "/api/session/end"), ("post", "/api/conversation"),
    ("post", "/api/activity"), ("post", "/api/waiting/start"), ("post", "/api/waiting/end"),
    ("post", "/api/git"), ("get", "/api/projects"), ("get", "/api/projects/{project_id}/timeline"),
}
OWN_PATHS = {("post", "/api/events"), ("get", "/api/sessions"), ("get", "/api/sessions/{session_id}"),
             ("get", "/api/health"), ("get", "/openapi.json")}


@pytest.fixture
def document(api_server):
    r = api_server.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_openapi_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"] == "3.0.3"


def test_openapi_document_has_every_endpoint(document):
    served = {(m, p) for p, item in document["paths"].items() for m in item}
    assert SPEC_PATHS | OWN_PATHS <= served


def test_openapi_document_relaxes_the_tool_enum_and_uses_integer_ids(document):
    schemas = document["components"]["schemas"]
    assert schemas["Activity"]["properties"]["tool_name"] == {
        "type": "string", "minLength": 1, "maxLength": 256,
        "description": schemas["Activity"]["properties"]["tool_name"]["description"]}
    for name in ("SessionEnd", "ConversationEntry", "Activity", "WaitingStart", "WaitingEnd", "GitOperation"):
        assert schemas[name]["properties"]["session_id"]["type"] == "integer"
        assert "session_id" in schemas[name]["required"]
    assert schemas["SessionResponse"]["properties"]["session_uuid"]["type"] == "string"


def test_openapi_documents_error_answers(document):
    activity = document["paths"]["/api/activity"]["post"]["responses"]
    assert {"201", "400", "403", "404", "413", "415"} <= set(activity)
    assert activity["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "security" not in document  # no token configured


def test_docs_page_loads_everything_from_this_server(api_server):
    r = api_server.get("/docs")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert assets and all(a.startswith("/") for a in assets)
    sizes = {}
    for asset in assets:
        got = api_server.get(asset)
        assert got.status_code == 200, asset
        sizes[asset] = len(got.content)
    assert sizes["/docs/static/swagger-ui-bundle.js"] > 500_000
    assert sizes["/docs/static/swagger-ui.css"] > 50_000
    assert "/openapi.json" in api_server.get("/docs/init.js").text
    assert api_server.get("/docs/static/swagger-ui-bundle.js").headers["Content-Type"] in (
        "application/javascript", "text/javascript")


@pytest.mark.browser
def test_docs_render_in_chromium_with_the_network_cut_off(api_server):
    """Real Chromium; any request that is not to this server is aborted (and counted)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    outside, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()

            def only_local(route):
                if route.request.url.startswith(api_server.url):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(api_server.url + "/docs")
            page.wait_for_selector(".opblock", timeout=30000)
            paths = set(page.locator(".opblock-summary-path").all_inner_texts())
        finally:
            browser.close()
    assert outside == [] and errors == []
    assert {"/api/session/start", "/api/projects/{project_id}/timeline", "/api/events"} <= {
        p.replace("\u200b", "") for p in paths}
