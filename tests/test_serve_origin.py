"""`kg serve` answers only to its own name, and to other origins only when allowed.

DNS rebinding: a page at evil.example whose name is made to resolve to
127.0.0.1 sends ``Host: evil.example:PORT``; refused unless ``--allow-host``
names it. Any origin may query by default (tests/test_serve_cors.py); with
``--allow-origin`` (as here) cross-origin form POSTs (a page elsewhere
submitting ``query=`` to the endpoint) carry an ``Origin`` header: refused
with 403 before any query runs unless allowed; allowed origins get CORS
headers and an answer to their preflight.
"""

from __future__ import annotations

import http.client
import socket
import urllib.parse

import pytest
from test_serve import start_server, stop_server

ALLOWED = "https://allowed.example"
MEMORY_BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a"  # 503 if it ever runs


@pytest.fixture(scope="module")
def server(seed_build):
    proc, url = start_server(
        str(seed_build.out),
        "--allow-host",
        "kg.example",
        "--allow-host",
        "proxy.example:8443",
        "--allow-origin",
        ALLOWED,
        "--worker-memory",
        "300",
    )
    try:
        yield int(url.rsplit(":", 1)[1])
    finally:
        stop_server(proc)


def send(port: int, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b""):
    """A request with exactly these headers (no Host unless given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers:
            conn.putheader(k, v)
        if body or method == "POST":
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def ask(port: int, host: str | None, origin: str | None = None, query: str = "ASK { ?s ?p ?o }"):
    headers = [("Content-Type", "application/x-www-form-urlencoded")]
    if host is not None:
        headers.append(("Host", host))
    if origin is not None:
        headers.append(("Origin", origin))
    body = urllib.parse.urlencode({"query": query}).encode()
    return send(port, "POST", "/sparql", headers, body)


def one_line(body: bytes) -> str:
    text = body.decode()
    assert text.count("\n") == 1 and "Traceback" not in text, text
    return text


def test_own_names_are_accepted(server):
    for host in (
        f"127.0.0.1:{server}",
        f"localhost:{server}",
        f"LOCALHOST:{server}",
        f"localhost.:{server}",
        f"[::1]:{server}",
        "kg.example",
        f"kg.example:{server}",
        "proxy.example:8443",
    ):
        status, _, body = ask(server, host)
        assert status == 200, (host, body)


def test_other_names_are_refused(server):
    for host in (
        f"evil.example:{server}",
        "evil.example",
        f"127.0.0.1.evil.example:{server}",
        f"127.0.0.1:{server + 1 if server < 65535 else server - 1}",
        "127.0.0.1",  # port 80 is not ours
        "proxy.example:443",
        f"kg.example.evil:{server}",
        f"user@127.0.0.1:{server}",
        f"127.0.0.1:{server}/x",
        "",
        f"[::1:{server}",
        f"::1:{server}",
    ):
        status, _, body = ask(server, host)
        assert status == 403, (host, status, body)
        assert "refused" in one_line(body)


def test_missing_or_repeated_host(server):
    status, _, body = ask(server, None)  # HTTP/1.1 without Host
    assert status == 403 and "without a Host" in one_line(body)
    headers = [("Host", f"127.0.0.1:{server}"), ("Host", "evil.example")]
    status, _, body = send(server, "GET", "/sparql?query=ASK%7B%7D", headers)
    assert status == 403 and "several Host" in one_line(body)
    # HTTP/1.0 does not require Host: curl --http1.0 and old clients (answered in
    # HTTP/1.1, the server's version, and the connection closed)
    with socket.create_connection(("127.0.0.1", server), timeout=60) as s:
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b"\r\nConnection: close\r\n" in answer


def test_cross_origin_posts_are_refused_before_the_query_runs(server):
    host = f"127.0.0.1:{server}"
    for origin in (
        "http://evil.example",
        "null",
        "https://allowed.example.evil",
        f"http://{host}:1",
    ):
        status, headers, body = ask(server, host, origin, MEMORY_BOMB)
        assert status == 403, (origin, status, body)  # a query that ran would be a 503
        assert "cross-origin" in one_line(body)
        assert "access-control-allow-origin" not in headers
    # the same refusal for GET, and for the page and the list of questions
    for path in ("/sparql?query=ASK%7B%7D", "/", "/queries"):
        status, _, _ = send(
            server, "GET", path, [("Host", host), ("Origin", "http://evil.example")]
        )
        assert status == 403, path


def test_the_pages_own_origin_needs_no_cors(server):
    host = f"127.0.0.1:{server}"
    status, headers, _ = ask(server, host, f"http://{host}")
    assert status == 200
    assert "access-control-allow-origin" not in headers
    assert headers.get("vary") == "Origin, Accept"  # a query's answer is negotiated


def test_an_allowed_origin_gets_cors_headers(server):
    host = f"127.0.0.1:{server}"
    status, headers, body = ask(server, host, ALLOWED)
    assert status == 200 and b"true" in body
    assert headers["access-control-allow-origin"] == ALLOWED
    assert headers["vary"] == "Origin, Accept"
    status, headers, _ = ask(server, host, ALLOWED.upper() + "/")  # the same origin, spelled so
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED.upper() + "/"


def test_preflight(server):
    host = f"127.0.0.1:{server}"
    preflight = [
        ("Host", host),
        ("Origin", ALLOWED),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type"),
    ]
    status, headers, body = send(server, "OPTIONS", "/sparql", preflight)
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == ALLOWED
    assert headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert headers["access-control-allow-headers"] == "Content-Type, Accept"
    assert "content-length" not in headers
    status, headers, body = send(
        server, "OPTIONS", "/sparql", [("Host", host), ("Origin", "http://evil.example")]
    )
    assert status == 403 and "access-control-allow-origin" not in headers
    status, headers, _ = send(server, "OPTIONS", "/sparql", [("Host", host)])
    assert status == 204 and "OPTIONS" in headers["allow"]


def test_any_origin_when_star_is_allowed(seed_build):
    proc, url = start_server(str(seed_build.out), "--allow-origin", "*", "--workers", "1")
    try:
        port = int(url.rsplit(":", 1)[1])
        status, headers, _ = ask(port, f"127.0.0.1:{port}", "http://anywhere.example")
        assert status == 200 and headers["access-control-allow-origin"] == "*"
        status, _, _ = ask(port, f"evil.example:{port}", "http://anywhere.example")
        assert status == 403  # allowing origins does not allow other Host names
    finally:
        stop_server(proc)


def test_the_default_is_any_origin():
    """A read-only endpoint on localhost: any page may query it (docs/SAFETY.md says why);
    --allow-origin restricts it, as the server above shows."""
    from kg.read.serve import ServeConfig

    assert ServeConfig(graph=".").allow_origins == ("*",)
