"""`kg serve`: a SPARQL 1.1 Protocol endpoint, checked with SPARQLWrapper against the local graph."""

from __future__ import annotations

import json
import re
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from xml.dom.minidom import Document

import pytest

KG = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"]
PREFIX = "PREFIX kgo: <https://w3id.org/kg-iraq/ontology#>\n"
ONTOLOGY_GRAPH = "https://w3id.org/kg-iraq/ontology"


def start_server(graph: str, *extra: str, wait: float = 90.0):
    """`kg serve --port 0` in a subprocess; returns (process, base URL) once it prints its URL."""
    proc = subprocess.Popen(
        [*KG, "serve", "--graph", graph, "--port", "0", "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"kg serve exited: {proc.stderr.read()}")
            if sel.select(timeout=0.5):
                line = proc.stdout.readline()
                m = re.search(r"(http://[^\s/]+)/sparql", line)
                if m:
                    return proc, m.group(1)
        raise AssertionError("kg serve did not print its URL in time")
    except BaseException:
        stop_server(proc)
        raise
    finally:
        sel.close()


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


@pytest.fixture(scope="module")
def server(seed_build):
    proc, url = start_server(str(seed_build.out))
    try:
        yield url
    finally:
        stop_server(proc)
    assert proc.returncode is not None


@pytest.fixture(scope="module")
def graph(seed_build):
    import kg

    return kg.load(seed_build.out)


def wrapper(url: str, query: str, fmt: str, method: str = "GET"):
    from SPARQLWrapper import GET, POST, POSTDIRECTLY, SPARQLWrapper

    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setTimeout(60)
    if method == "POST":
        sw.setMethod(POST)
    elif method == "POSTDIRECTLY":
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    else:
        sw.setMethod(GET)
    return sw


def http(
    url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None
):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def local_count(graph, sparql: str) -> int:
    import kg

    return kg.query(graph, sparql)[0]["n"]


COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_EVENTS = PREFIX + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kgo:status ?s }"


def test_prints_url_on_loopback(server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server)
    assert int(server.rsplit(":", 1)[1]) != 0


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_json(server, graph, method):
    from SPARQLWrapper import JSON

    for sparql in (COUNT_ALL, COUNT_EVENTS):
        doc = wrapper(server, sparql, JSON, method).query().convert()
        assert int(doc["results"]["bindings"][0]["n"]["value"]) == local_count(graph, sparql)


def test_sparqlwrapper_named_question(server, graph):
    from SPARQLWrapper import JSON

    import kg
    from kg.read.sparql import resolve

    text = resolve("withdrawals").text
    doc = wrapper(server, text, JSON).query().convert()
    local = kg.query(graph, "withdrawals")
    assert doc["head"]["vars"] == list(local[0])
    remote_events = [b["event"]["value"] for b in doc["results"]["bindings"]]
    assert remote_events == [r["event"] for r in local]


def test_sparqlwrapper_xml(server, graph):
    from SPARQLWrapper import XML

    sparql = PREFIX + "SELECT ?e ?s WHERE { ?e kgo:status ?s }"
    doc = wrapper(server, sparql, XML).query().convert()
    assert isinstance(doc, Document)
    results = doc.getElementsByTagName("result")
    import kg

    assert len(results) == len(kg.query(graph, sparql)) > 0
    assert doc.getElementsByTagName("variable")[0].getAttribute("name") == "e"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("fmt", ["turtle", "xml", "json-ld"])
def test_sparqlwrapper_construct(server, graph, fmt):
    import rdflib
    from SPARQLWrapper import JSONLD, TURTLE, XML

    import kg

    sparql = PREFIX + "CONSTRUCT { ?e ?p ?o } WHERE { ?e a kgo:BaseHandover ; ?p ?o }"
    local = {tuple(t) for t in kg.query(graph, sparql)}
    assert local
    answer = (
        wrapper(server, sparql, {"turtle": TURTLE, "xml": XML, "json-ld": JSONLD}[fmt])
        .query()
        .convert()
    )
    if isinstance(answer, bytes):
        answer = rdflib.Graph().parse(data=answer.decode("utf-8"), format="turtle")
    assert isinstance(answer, rdflib.Graph)
    assert len(answer) == len(local)
    assert {(str(s), str(p)) for s, p, _ in answer} == {(s, p) for s, p, _ in local}


def test_malformed_query_is_400(server):
    from SPARQLWrapper import JSON
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        wrapper(server, "SELECT ?x WHERE { ?x", JSON).query()
    status, headers, body = http(
        server + "/sparql?" + urllib.parse.urlencode({"query": "SELEC * WHERE {}"})
    )
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert text.count("\n") == 1 and "malformed query" in text and "Traceback" not in text


def test_updates_are_refused(server, graph):
    from SPARQLWrapper import JSON

    before = local_count(graph, COUNT_ALL)
    sw = wrapper(
        server, "INSERT DATA { <http://example.org/a> <http://example.org/b> 'c' }", JSON, "POST"
    )
    with pytest.raises(Exception) as info:
        sw.query()
    assert "403" in str(info.value) or "Forbidden" in str(info.value)
    for data, ctype in (
        (
            urllib.parse.urlencode({"update": "DROP ALL"}).encode(),
            "application/x-www-form-urlencoded",
        ),
        (b"CLEAR ALL", "application/sparql-update"),
        (
            urllib.parse.urlencode({"query": "LOAD <http://example.org/x.ttl>"}).encode(),
            "application/x-www-form-urlencoded",
        ),
        (b"DELETE WHERE { ?s ?p ?o }", "application/sparql-query"),
        (
            urllib.parse.urlencode(
                {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}
            ).encode(),
            "application/x-www-form-urlencoded",
        ),
    ):
        status, _, body = http(server + "/sparql", data, {"Content-Type": ctype})
        assert status == 403, (data, body)
    status, _, _ = http(server + "/sparql?" + urllib.parse.urlencode({"update": "DROP ALL"}))
    assert status == 403
    doc = wrapper(server, COUNT_ALL, JSON).query().convert()
    assert int(doc["results"]["bindings"][0]["n"]["value"]) == before


@pytest.mark.parametrize(
    "accept, fmt, ctype",
    [
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/html,*/*;q=0.8", None, "application/sparql-results+json"),
        ("application/sparql-results+json", "csv", "text/csv"),
        ("", "tsv", "text/tab-separated-values"),
    ],
)
def test_content_negotiation(server, accept, fmt, ctype):
    params = {"query": PREFIX + "SELECT ?e WHERE { ?e a kgo:BaseHandover } ORDER BY ?e"}
    if fmt:
        params["format"] = fmt
    status, headers, body = http(
        server + "/sparql?" + urllib.parse.urlencode(params), headers={"Accept": accept}
    )
    assert status == 200
    assert headers["Content-Type"].startswith(ctype)
    text = body.decode()
    if ctype == "text/csv":
        assert text.splitlines()[0] == "e" and text.splitlines()[1].startswith(
            "https://w3id.org/kg-iraq/id/event/"
        )
    if ctype == "text/tab-separated-values":
        assert text.splitlines()[0] == "?e" and text.splitlines()[1].startswith("<https://")


@pytest.mark.parametrize(
    "accept, ctype",
    [("application/n-triples", "application/n-triples"), ("text/turtle", "text/turtle")],
)
def test_construct_formats(server, accept, ctype):
    query = PREFIX + "CONSTRUCT { ?e a kgo:BaseHandover } WHERE { ?e a kgo:BaseHandover }"
    status, headers, body = http(
        server + "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
    )
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    assert b"https://w3id.org/kg-iraq/ontology#BaseHandover" in body or b"kgo:BaseHandover" in body


def test_dataset_description(server, graph):
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    q = urllib.parse.urlencode({"query": sparql, "default-graph-uri": ONTOLOGY_GRAPH})
    _, _, body = http(
        server + "/sparql?" + q, headers={"Accept": "application/sparql-results+json"}
    )
    n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert n == graph.triples_per_graph()[ONTOLOGY_GRAPH]
    q = urllib.parse.urlencode(
        {
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": ONTOLOGY_GRAPH,
        }
    )
    _, _, body = http(server + "/sparql?" + q)
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [ONTOLOGY_GRAPH]


def test_http_limits_and_errors(server):
    big = b"query=" + b"%20" * 1_100_000
    status, _, body = http(
        server + "/sparql", big, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413 and b"too large" in body
    status, headers, _ = http(
        server + "/sparql", b"x", {"Content-Type": "text/turtle"}, method="PUT"
    )
    assert status == 405 and "GET" in headers.get("Allow", "")
    assert http(server + "/nope")[0] == 404
    assert http(server + "/sparql", b"query=x", {"Content-Type": "text/plain"})[0] == 415
    # no query: the Service Description (tests/test_serve_sd.py), here as JSON-LD
    status, headers, _ = http(server + "/sparql", headers={"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    bad_dataset = urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": "not an iri"})
    status, _, body = http(server + "/sparql?" + bad_dataset)
    assert status == 400 and b"graph IRI" in body
    twice = urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert http(server + "/sparql?" + twice)[0] == 400


def test_query_page(server):
    status, headers, body = http(server + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    # YASGUI, from kg serve's own /static/ (tests/test_serve_yasgui.py runs it in chromium)
    assert '<script src="static/yasgui.min.js">' in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", page), (
        "no external resources: works offline"
    )
    assert "attacks-on-base" in page  # the competency questions are offered
    status, _, body = http(server + "/queries")
    names = {q["name"] for q in json.loads(body)}
    assert {"withdrawals", "attacks-on-base"} <= names


def test_timeout_and_row_cap(seed_build):
    proc, url = start_server(
        str(seed_build.out), "--timeout", "1", "--max-rows", "3", "--workers", "1"
    )
    try:
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        started = time.monotonic()
        status, _, body = http(url + "/sparql?" + urllib.parse.urlencode({"query": heavy}))
        assert status == 503 and b"timed out" in body
        assert time.monotonic() - started < 10
        # the stuck worker was replaced: the endpoint answers again
        deadline = time.monotonic() + 60
        while True:
            status, headers, body = http(
                url + "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o }"})
            )
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert status == 200
        assert len(json.loads(body)["results"]["bindings"]) == 3
        assert headers.get("X-KG-Truncated", "").startswith("true")
    finally:
        stop_server(proc)
