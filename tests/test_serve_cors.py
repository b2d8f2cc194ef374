"""`kg serve` for browser tools on other origins (YASGUI, notebooks): CORS, preflights,
`Vary`, HTTP/1.1 keep-alive, and the vendored files of the query page.

By default any origin may query (a read-only endpoint on localhost: docs/SAFETY.md);
the Host check against DNS rebinding still holds. ``--allow-origin`` restricts it
(tests/test_serve_origin.py).
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse

import pytest
from test_serve import start_server, stop_server

OTHER = "http://127.0.0.1:1"  # a page served from another origin (any will do)


@pytest.fixture(scope="module")
def port(seed_build):
    proc, url = start_server(str(seed_build.out), "--workers", "1", "--header-timeout", "2")
    try:
        yield int(url.rsplit(":", 1)[1])
    finally:
        stop_server(proc)


def request(conn: http.client.HTTPConnection, method: str, path: str, headers=None, body=None):
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


def ask_body(query: str = "ASK { ?s ?p ?o }") -> bytes:
    return urllib.parse.urlencode({"query": query}).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_any_origin_may_query_by_default(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for method, path, body, headers in (
            ("POST", "/sparql", ask_body(), FORM),
            ("GET", "/sparql?query=ASK%7B%7D", None, {}),
            ("GET", "/queries", None, {}),
        ):
            status, got, _ = request(
                conn, method, path, {**headers, "Origin": "https://yasgui.example"}, body
            )
            assert status == 200, (path, status)
            assert got["access-control-allow-origin"] == "*"
            assert "X-KG-Truncated" in got["access-control-expose-headers"]
            assert got["vary"].startswith("Origin")
    finally:
        conn.close()


def test_the_host_check_still_holds_with_any_origin(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("POST", "/sparql", skip_host=True)
        conn.putheader("Host", f"evil.example:{port}")  # DNS rebinding
        conn.putheader("Origin", "http://evil.example")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        body = ask_body()
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        assert resp.status == 403 and b"Host" in resp.read()
        assert resp.getheader("Access-Control-Allow-Origin") is None
    finally:
        conn.close()


def test_preflight(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        status, got, body = request(
            conn,
            "OPTIONS",
            "/sparql",
            {
                "Origin": OTHER,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, accept",
            },
        )
        assert status == 204 and body == b""
        assert got["access-control-allow-origin"] == "*"
        assert got["access-control-allow-methods"] == "GET, POST, OPTIONS"
        assert got["access-control-allow-headers"] == "Content-Type, Accept"
        assert int(got["access-control-max-age"]) > 0
        assert "content-length" not in got  # a 204 has none, and the connection goes on
        assert "Access-Control-Allow-Private-Network".lower() not in got
        # Chrome asks before a public page may call a server on this machine
        status, got, _ = request(
            conn,
            "OPTIONS",
            "/rdf-graphs/service",
            {
                "Origin": "https://public.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Private-Network": "true",
            },
        )
        assert status == 204 and got["access-control-allow-private-network"] == "true"
        status, got, _ = request(conn, "OPTIONS", "/nope", {"Origin": OTHER})
        assert status == 404
    finally:
        conn.close()


def test_vary_accept_on_negotiated_answers(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for path in ("/sparql?query=ASK%7B%7D", "/sparql", "/rdf-graphs/service?default"):
            status, got, _ = request(conn, "HEAD", path)
            assert status == 200, path
            assert got["vary"] == "Origin, Accept", path
        status, got, _ = request(conn, "GET", "/queries")  # always JSON
        assert status == 200 and got["vary"] == "Origin"
    finally:
        conn.close()


def test_keep_alive_two_requests_on_one_connection(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        status, got, body = request(conn, "POST", "/sparql", FORM, ask_body())
        assert status == 200 and b"true" in body
        assert got["content-length"] == str(len(body))
        sock = conn.sock
        assert sock is not None  # http.client keeps it: the server did not close
        status, got, body = request(conn, "GET", "/sparql?query=ASK%7B%7D")
        assert status == 200 and b"true" in body
        assert conn.sock is sock, "the second request went over the same connection"
        # errors keep the connection too, with their Content-Length
        status, got, body = request(conn, "GET", "/sparql?query=SELEC")
        assert status == 400 and got["content-length"] == str(len(body))
        status, _, body = request(conn, "GET", "/sparql?query=ASK%7B%7D")
        assert status == 200 and conn.sock is sock
    finally:
        conn.close()


def test_an_unread_body_closes_the_connection(port):
    """A body the server did not read cannot be taken for the next request."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        smuggled = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
        s.sendall(
            f"POST /queries HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Length: {len(smuggled)}\r\n\r\n".encode()
            + smuggled
        )
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 405"), answer[:100]
    assert b"\r\nConnection: close\r\n" in answer
    assert answer.count(b"HTTP/1.1 ") == 1, "the body was read as a second request"


def test_an_idle_connection_is_closed_at_the_header_deadline(port):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        )
        started = time.monotonic()
        answer = b""
        while chunk := s.recv(65536):  # the answer, then the close after 2 s of silence
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")
        assert time.monotonic() - started < 20


def test_allow_origin_none(seed_build):
    proc, url = start_server(str(seed_build.out), "--workers", "1", "--allow-origin", "none")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=60)
        status, got, _ = request(conn, "POST", "/sparql", {**FORM, "Origin": OTHER}, ask_body())
        assert status == 403 and "access-control-allow-origin" not in got
        status, got, _ = request(conn, "POST", "/sparql", {**FORM, "Origin": url}, ask_body())
        assert status == 200  # the page's own origin
        conn.close()
    finally:
        stop_server(proc)


def test_the_query_page_files_are_served(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for name, ctype in (
            ("yasgui.min.js", "text/javascript"),
            ("yasgui.min.css", "text/css"),
            ("LICENSE.txt", "text/plain"),
        ):
            status, got, body = request(conn, "GET", "/static/" + name)
            assert status == 200 and got["content-type"].startswith(ctype), name
            assert got["content-length"] == str(len(body)) and len(body) > 100
        status, got, body = request(conn, "GET", "/static/yasgui.min.js", {"Origin": OTHER})
        assert status == 200 and got["access-control-allow-origin"] == "*"
        for path in ("/static/", "/static/../page.html", "/static/x.js", "/static/%2e%2e/pool.py"):
            status, _, _ = request(conn, "GET", path)
            assert status == 404, path
        status, _, _ = request(conn, "POST", "/static/yasgui.min.js", FORM, b"query=x")
        assert status == 405
    finally:
        conn.close()
