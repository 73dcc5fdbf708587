"""Access control: Host-header check, bearer token, loopback-only without a token; serving."""

import socket
import threading

import pytest
import requests

from api_server import running
from collector import config as config_mod
from collector.api.security import TokenRequired, split_host_header
from collector.api.server import PortInUse, Server, serve

TOKEN = "s3cret-token-for-tests-0123456789abcdef"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "localhost:1", "[::2]:{port}", "localhost:{port}x"])
def test_foreign_host_header_is_refused(api_server, host):
    r = api_server.get("/api/projects", headers={"Host": host.format(port=api_server.port)})
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden_host" and r.json()["field"] == "Host"


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_loopback_host_header_is_accepted(api_server, host):
    assert api_server.get("/api/projects", headers={"Host": host.format(port=api_server.port)}).status_code == 200


def test_split_host_header():
    assert split_host_header("[::1]:8000") == ("[::1]", 8000)
    assert split_host_header("Example.org") == ("example.org", None)
    assert split_host_header("a:b") == ("a:b", -1)


def test_token_is_required_on_every_api_call_once_set(home):
    with running(home, token=TOKEN) as api:
        for headers in ({"Authorization": "-"}, {"Authorization": "Bearer wrong"},
                        {"Authorization": "Basic " + TOKEN}):
            r = api.get("/api/projects", headers=headers)
            assert r.status_code == 401
            assert r.headers["WWW-Authenticate"] == "Bearer"
            assert r.json()["field"] == "Authorization"
        assert api.post("/api/events", json={"events": []}, headers={"Authorization": "x"}).status_code == 401
        assert api.get("/api/projects").status_code == 200  # ApiServer sends the token
        # The description stays readable; it declares the token.
        assert requests.get(api.url + "/docs", timeout=10).status_code == 200
        doc = requests.get(api.url + "/openapi.json", timeout=10).json()
        assert doc["security"] == [{"bearerAuth": []}]
        assert "401" in doc["paths"]["/api/projects"]["get"]["responses"]


def test_token_unset_means_no_authorization_needed(api_server):
    assert api_server.get("/api/health").status_code == 200


def test_binding_beyond_loopback_without_token_is_refused(home):
    config = config_mod.load(str(home))
    with pytest.raises(TokenRequired, match="CCTRACKER_TOKEN"):
        Server(config, host="0.0.0.0", port=0, token="")


def test_binding_all_addresses_with_token_serves_with_token(home):
    config = config_mod.load(str(home))
    server = Server(config, host="0.0.0.0", port=0, token=TOKEN).start()
    try:
        url = "http://127.0.0.1:%d/api/health" % server.port
        assert requests.get(url, timeout=10).status_code == 401
        assert requests.get(url, headers={"Authorization": "Bearer " + TOKEN}, timeout=10).status_code == 200
    finally:
        server.stop()


def test_port_in_use_is_a_clear_error(home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as caught:
            Server(config_mod.load(str(home)), host="127.0.0.1", port=port)
    assert str(caught.value) == "port %d on 127.0.0.1 is in use" % port


def test_serve_stops_when_the_event_is_set(home):
    stop, bound, servers = threading.Event(), threading.Event(), []

    def ready(server):
        servers.append(server)
        bound.set()

    thread = threading.Thread(target=serve, args=(config_mod.load(str(home)), "127.0.0.1", 0, stop),
                              kwargs={"ready": ready})
    thread.start()
    try:
        assert bound.wait(30)
        server = servers[0]
        assert requests.get(server.url + "/api/health", timeout=10).status_code == 200
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/api/health", timeout=5)
