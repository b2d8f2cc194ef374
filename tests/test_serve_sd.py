"""`kg serve` describes itself and hands out whole graphs.

GET /sparql without a query: a SPARQL 1.1 Service Description (sd:Service, its
endpoint, SPARQL 1.1 Query, one sd:resultFormat per format of kg.read.formats, the
default dataset with every named graph), Turtle unless another RDF format is asked
for. GET /rdf-graphs/service?graph=IRI or ?default: SPARQL 1.1 Graph Store Protocol
reads (indirect identification), negotiated the same way, 404 for a graph the store
does not hold, bounded by --max-bytes.
"""

from __future__ import annotations

import http.client
import urllib.parse

import pyoxigraph as ox
import pytest
from test_serve import start_server, stop_server

from kg.read.formats import ANSWER_FORMATS
from kg.read.serve.description import FORMAT_IRIS, SD

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def port(seed_build):
    proc, url = start_server(str(seed_build.out), "--workers", "1")
    try:
        yield int(url.rsplit(":", 1)[1])
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def store(seed_build):
    from kg.read.store import OxigraphStore, graph_file

    return OxigraphStore.from_path(graph_file(seed_build.out))


@pytest.fixture(scope="module")
def named_graphs(seed_build) -> list[str]:
    from kg.read.store import graph_file

    s = ox.Store()
    s.load(path=str(graph_file(seed_build.out)), format=ox.RdfFormat.TRIG)
    return sorted(g.value for g in s.named_graphs())


def get(port: int, path: str, accept: str | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, headers={"Accept": accept} if accept else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def parse(body: bytes, media: str) -> list[ox.Triple]:
    fmt = ox.RdfFormat.from_media_type(media.split(";")[0])
    assert fmt is not None, media
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)]


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def test_every_answer_format_has_a_service_description_name():
    assert {f.name for f in ANSWER_FORMATS} <= set(FORMAT_IRIS)


def test_service_description(port, named_graphs):
    status, headers, body = get(port, "/sparql")
    assert status == 200
    assert headers["content-type"] == "text/turtle; charset=utf-8"
    assert headers["vary"] == "Origin, Accept"
    triples = parse(body, "text/turtle")
    service = ox.NamedNode(f"http://127.0.0.1:{port}/sparql")
    facts = {(t.predicate, t.object) for t in triples if t.subject == service}
    assert (RDF_TYPE, sd("Service")) in facts
    assert (sd("endpoint"), service) in facts
    assert (sd("supportedLanguage"), sd("SPARQL11Query")) in facts
    formats = {o.value for p, o in facts if p == sd("resultFormat")}
    assert formats == {FORMAT_IRIS[f.name] for f in ANSWER_FORMATS}
    assert len(formats) == len(ANSWER_FORMATS) == 8
    # the default dataset names every named graph of the store
    (dataset,) = [o for p, o in facts if p == sd("defaultDataset")]
    named = [t.object for t in triples if t.subject == dataset and t.predicate == sd("namedGraph")]
    names = sorted(
        t.object.value for t in triples if t.subject in set(named) and t.predicate == sd("name")
    )
    assert names == named_graphs and len(names) > 1
    assert any(t.subject == dataset and t.predicate == sd("defaultGraph") for t in triples)


@pytest.mark.parametrize(
    "accept",
    ["application/n-triples", "application/ld+json", "application/rdf+xml", "application/json"],
)
def test_service_description_in_other_rdf_formats(port, accept):
    status, headers, body = get(port, "/sparql", accept)
    assert status == 200
    media = headers["content-type"]
    if accept != "application/json":
        assert media.split(";")[0] == accept
    triples = parse(body, media)
    assert any(t.predicate == sd("resultFormat") for t in triples)
    # the same at /query, and HEAD gives the headers only
    status, head, body = get(port, "/query", accept, method="HEAD")
    assert status == 200 and body == b"" and int(head["content-length"]) > 100


def test_a_browser_still_gets_the_query_page(port):
    status, headers, body = get(port, "/sparql", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["content-type"].startswith("text/html")


def gsp(port, query: dict | str, accept=None, method="GET"):
    qs = query if isinstance(query, str) else urllib.parse.urlencode(query)
    return get(port, "/rdf-graphs/service?" + qs, accept, method)


def test_graph_store_read_of_a_named_graph(port, seed_build, named_graphs):
    graph = named_graphs[0]
    want = ox.Store()
    from kg.read.store import graph_file

    want.load(path=str(graph_file(seed_build.out)), format=ox.RdfFormat.TRIG)
    expected = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in want.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }
    status, headers, body = gsp(port, {"graph": graph})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert headers["vary"] == "Origin, Accept"
    assert "x-kg-truncated" not in headers
    assert set(parse(body, "text/turtle")) == expected
    status, headers, body = gsp(port, {"graph": graph}, "application/n-triples")
    assert status == 200 and headers["content-type"] == "application/n-triples"
    assert set(parse(body, "application/n-triples")) == expected
    status, head, empty = gsp(port, {"graph": graph}, "application/n-triples", "HEAD")
    assert status == 200 and empty == b"" and head["content-length"] == str(len(body))


def test_graph_store_read_of_the_default_graph(port, store):
    status, headers, body = gsp(port, "default", "application/n-triples")
    assert status == 200
    got = set(parse(body, "application/n-triples"))
    # the default graph is the union of the named graphs, as queries see it
    answer = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert len(got) == int(answer.rows[0][0].value) > 1000


def test_graph_store_refusals(port):
    status, _, body = gsp(port, {"graph": "https://w3id.org/kg-iraq/id/graph/nope"})
    assert status == 404 and b"no graph named" in body
    status, _, _ = gsp(port, {"graph": "not an iri> } DROP ALL {"})
    assert status == 404
    for query in ("", "graph=a&graph=b", "default&graph=https://x.example/g"):
        status, _, body = gsp(port, query)
        assert status == 400 and b"name one graph" in body, query
    status, _, _ = gsp(port, "default", method="POST")
    assert status == 405


def test_graph_store_reads_are_bounded_by_max_bytes(seed_build, named_graphs):
    proc, url = start_server(str(seed_build.out), "--workers", "1", "--max-bytes", "20000")
    try:
        port = int(url.rsplit(":", 1)[1])
        status, _, body = gsp(port, "default")
        assert status == 507 and b"answer too large" in body
    finally:
        stop_server(proc)
