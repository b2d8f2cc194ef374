"""`kg serve` under hostile requests: read-only, bounded, no stack traces.

One server (a subprocess on a free localhost port, over the seed graph) with a
short query timeout, a small result cap and a small request size limit.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 1.5
MAX_ROWS = 7
MAX_BODY = 4000
SECRET = "root:x:0:0"  # what /etc/passwd would leak


@pytest.fixture(scope="module")
def server(seed_build):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "serve",
            "--graph",
            str(seed_build.out),
            "--port",
            "0",
            "--timeout",
            str(TIMEOUT),
            "--max-rows",
            str(MAX_ROWS),
            "--max-body",
            str(MAX_BODY),
            "--workers",
            "2",
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
            if m:
                break
            if proc.poll() is not None:
                pytest.fail(f"kg serve stopped: {proc.stderr.read()}")
        else:
            pytest.fail("kg serve did not start")
        yield {"host": "127.0.0.1", "port": int(m.group(1)), "proc": proc}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection(server["host"], server["port"], timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data
    finally:
        conn.close()


def query(server, text: str, method: str = "POST", accept: str = "application/sparql-results+json"):
    if method == "GET":
        return request(
            server,
            "GET",
            "/sparql?" + urllib.parse.urlencode({"query": text}),
            headers={"Accept": accept},
        )
    body = urllib.parse.urlencode({"query": text}).encode()
    return request(
        server,
        "POST",
        "/sparql",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )


def clean(status: int, data: bytes) -> str:
    """A response body that shows nothing of the server's insides."""
    text = data.decode("utf-8", "replace")
    assert "Traceback" not in text and 'File "' not in text and SECRET not in text, text[:500]
    assert "/kg/" not in text and ".py" not in text, text[:500]
    return text


# --- read-only -------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <urn:x#>\nINSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
    "# a comment first\n  insert data { <urn:a> <urn:b> <urn:c> }",
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <http://127.0.0.1:9/x.ttl> INTO GRAPH <urn:g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP GRAPH <https://w3id.org/kg-iraq/ontology>",
    "CREATE GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "\ufeffINSERT DATA { <urn:a> <urn:b> <urn:c> }",  # a BOM before the keyword
    "BASE <urn:x>\nPREFIX : <urn:y#>\n\n# c\nMOVE DEFAULT TO <urn:g>",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused(server, text):
    for method in ("POST", "GET"):
        status, _, data = query(server, text, method)
        clean(status, data)
        assert status in (400, 403), (text, status, data)


def test_update_forms_of_the_protocol_are_refused(server):
    u = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    status, _, data = request(
        server, "POST", "/sparql", u.encode(), {"Content-Type": "application/sparql-update"}
    )
    assert status == 403 and clean(status, data)
    body = urllib.parse.urlencode({"update": u}).encode()
    status, _, data = request(
        server, "POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 403 and clean(status, data)
    status, _, data = request(server, "GET", "/sparql?" + urllib.parse.urlencode({"update": u}))
    assert status == 403 and clean(status, data)


def test_the_graph_is_unchanged_after_the_attempts(server, seed_build):
    status, _, data = query(server, "ASK { <urn:a> <urn:b> <urn:c> }")
    assert status == 200 and json.loads(data)["boolean"] is False
    status, _, data = query(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    n = int(json.loads(data)["results"]["bindings"][0]["n"]["value"])
    assert n == seed_build.quads


SERVICES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . SERVICE ?endpoint { ?s ?p ?o } }",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE\n#c\n<http://example.org/s> { ?s ?p ?o } } }",
    "SELECT * WHERE { SERVIC\\u0045 <http://example.org/sparql> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("text", SERVICES)
def test_service_to_another_host_is_refused(server, text):
    status, _, data = query(server, text)
    clean(status, data)
    assert status in (400, 403), (status, data)


def test_from_a_file_reads_nothing(server):
    """FROM names a graph of the store; it never dereferences a file or a URL.

    (A FROM naming a graph the store does not hold gives an empty default graph:
    no rows, and nothing read from the file.)
    """
    status, _, data = query(
        server, "SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'root:')) }"
    )
    assert status == 200 and json.loads(data)["results"]["bindings"] == []
    status, _, data = query(server, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert clean(status, data) and status == 200
    assert json.loads(data)["results"]["bindings"] == []


# --- bounded ---------------------------------------------------------------------------


def test_result_cap(server):
    status, headers, data = query(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(data)["results"]["bindings"]) == MAX_ROWS
    assert headers.get("X-KG-Truncated", "").startswith("true")
    status, headers, data = query(
        server, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples"
    )
    assert status == 200 and len(data.decode().strip().splitlines()) <= MAX_ROWS


def test_query_timeout_then_the_endpoint_recovers(server):
    t0 = time.monotonic()
    status, _, data = query(
        server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    )
    elapsed = time.monotonic() - t0
    assert status == 503 and "timed out" in clean(status, data)
    assert elapsed < TIMEOUT + 5
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the killed worker is replaced in the background
        status, _, data = query(server, "ASK { ?s ?p ?o }")
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200 and json.loads(data)["boolean"] is True


def test_request_size_limit(server):
    text = "SELECT * WHERE { ?s ?p ?o }" + " " * MAX_BODY
    status, headers, data = request(
        server, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status == 413 and clean(status, data)
    # a lying Content-Length is refused before anything is read
    status, _, data = request(
        server,
        "POST",
        "/sparql",
        b"query=ASK{}",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(10**12)},
    )
    assert status == 413 and clean(status, data)


# --- named queries stay in queries/ ---------------------------------------------------------

TRAVERSALS = [
    "/queries/../../../../etc/passwd",
    "/queries/..%2f..%2f..%2fetc%2fpasswd",
    "/queries/%2e%2e/%2e%2e/etc/passwd",
    "/queries/..\\..\\etc\\passwd",
    "/..%2f..%2fetc/passwd",
    "/sparql/../../etc/passwd",
    "/queries?name=../../etc/passwd",
    "/queries/attacks-on-base/../../../pyproject.toml",
    "//etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_cannot_reach_files(server, path):
    status, _, data = request(server, "GET", path)
    text = clean(status, data)
    assert "[project]" not in text
    assert status in (200, 400, 404), status
    if status == 200:  # /queries ignores its query string: the list of competency questions
        names = [q["name"] for q in json.loads(data)]
        assert names and all("/" not in n and ".." not in n for n in names)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "..", "checks/../../pyproject", "/etc/passwd", "..\\x", ".hidden", "a/b"],
)
def test_query_names_cannot_leave_queries_folder(name):
    from kg.errors import QueryError
    from kg.read.sparql import resolve

    with pytest.raises(QueryError):
        resolve(name)


def test_a_name_sent_as_a_query_is_just_bad_sparql(server):
    status, _, data = query(server, "../../../../etc/passwd")
    assert status == 400 and clean(status, data)


# --- no stack traces, whatever arrives ----------------------------------------------------


MALFORMED = [
    ("GET", "/sparql?query=SELEC%20nonsense", None, {}),
    ("GET", "/sparql?query=%FF%FE", None, {}),
    ("GET", "/sparql?query=", None, {}),
    ("GET", "/sparql?query=ASK{}&query=ASK{}", None, {}),
    ("GET", "/sparql", None, {"Accept": "application/json"}),
    ("POST", "/sparql", b"\xff\xfe\xfd", {"Content-Type": "application/sparql-query"}),
    ("POST", "/sparql", b"query=%FF", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", "/sparql", b"<xml/>", {"Content-Type": "text/xml"}),
    (
        "POST",
        "/sparql",
        b"query=ASK{}",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "-5"},
    ),
    (
        "POST",
        "/sparql",
        b"query=ASK{}",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "abc"},
    ),
    ("POST", "/nowhere", b"x", {"Content-Type": "application/sparql-query"}),
    ("PUT", "/sparql", b"x", {}),
    ("DELETE", "/sparql", None, {}),
    ("PATCH", "/sparql", b"x", {}),
    ("OPTIONS", "/sparql", None, {}),
    ("TRACE", "/sparql", None, {}),
    ("BREW", "/sparql", None, {}),
    (
        "GET",
        "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D&format=nonsense",
        None,
        {},
    ),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, {}),
    ("GET", "/sparql?query=ASK%7B%7D&named-graph-uri=%3C%3E", None, {}),
    (
        "GET",
        "/sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
        None,
        {"Accept": "q=;;,*/*;q=abc,,"},
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), MALFORMED)
def test_malformed_requests_get_one_clean_line(server, method, path, body, headers):
    try:
        status, _, data = request(server, method, path, body, headers)
    except (http.client.HTTPException, ConnectionError):
        return  # the server may close on a request it will not parse
    text = clean(status, data)
    if status >= 400:
        assert len(text.strip().splitlines()) == 1, text


def _raw(server, payload: bytes) -> bytes:
    with socket.create_connection((server["host"], server["port"]), timeout=30) as s:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)  # the end of what this client sends
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "payload",
    [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /sparql HTTP/9.9\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70000 + b"\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n"
        + b"".join(b"X-%d: y\r\n" % i for i in range(200))
        + b"\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello
    ],
)
def test_broken_http_gets_no_trace(server, payload):
    answer = _raw(server, payload)
    text = answer.decode("latin-1")
    assert "Traceback" not in text and 'File "' not in text
    if answer and not text.startswith("HTTP/"):
        # a request line the stdlib cannot parse gets an HTTP/0.9-style answer: the line only
        assert len(text.strip().splitlines()) == 1, text[:200]
    elif answer:
        assert re.match(r"HTTP/1\.[01] [45]\d\d ", text), text[:200]


def test_a_stalled_client_is_dropped():
    """A client that sends half a request line and waits (slowloris) must not hold a
    server thread forever: the request handler needs a socket timeout."""
    from kg.read.serve import SparqlHandler

    if SparqlHandler.timeout is None:
        pytest.xfail(
            "reported to the lead: kg/read/serve.py SparqlHandler has no socket timeout (slowloris)"
        )
    assert SparqlHandler.timeout <= 120


def test_server_is_still_up(server):
    assert server["proc"].poll() is None
    status, _, data = query(server, "ASK { ?s ?p ?o }", method="GET")
    assert status == 200 and json.loads(data)["boolean"] is True
