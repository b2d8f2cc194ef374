"""What the endpoint says about itself, and the graphs it hands out whole.

Why a module of its own: two standard answers that are not a client's query. GET
``/sparql`` without a query is a SPARQL 1.1 Service Description (the endpoint, the
query language, every result format of kg's one table :mod:`kg.read.formats`, and the
dataset with its named graphs); GET ``/rdf-graphs/service?graph=IRI`` (or ``?default``)
is a SPARQL 1.1 Graph Store Protocol read, in its *indirect identification* form: the
graph is named by the ``graph`` parameter, not by the request's own URL. Both are built
here from facts the HTTP handler gathers (the endpoint's URL, the named graphs), so the
handler only routes and answers.

The default graph of kg's store is the union of its named graphs (a set,
:func:`kg.read.store.union_into_default`); the description says so
(``sd:UnionDefaultGraph``), and ``?default`` hands out that union.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.read.formats import ANSWER_FORMATS, GRAPH

GSP_PATH = "/rdf-graphs/service"
"""Where Graph Store Protocol reads are answered (``?graph=IRI`` or ``?default``)."""

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORMATS = "http://www.w3.org/ns/formats/"

# W3C's name for each of kg's answer formats (https://www.w3.org/ns/formats/), by kg's
# name of the format; a format added to kg.read.formats without one here is a test
# failure (tests/test_serve_sd.py), not a format silently left out of the description.
FORMAT_IRIS = {
    "json": FORMATS + "SPARQL_Results_JSON",
    "xml": FORMATS + "SPARQL_Results_XML",
    "csv": FORMATS + "SPARQL_Results_CSV",
    "tsv": FORMATS + "SPARQL_Results_TSV",
    "turtle": FORMATS + "Turtle",
    "ntriples": FORMATS + "N-Triples",
    "jsonld": FORMATS + "JSON-LD",
    "rdfxml": FORMATS + "RDF_XML",
}

GRAPHS_QUERY = "SELECT ?g WHERE { GRAPH ?g { } }"
"""The named graphs of the store (asked of a worker, which holds the graph)."""

_IRI_FORBIDDEN = set('<>"{}|^`\\')


def plain_iri(value: str) -> bool:
    """Whether ``value`` can be written between ``<`` and ``>`` as it is (no spaces,
    controls or the characters an IRIREF may not hold)."""
    return (
        bool(value)
        and ":" in value
        and not any(c in _IRI_FORBIDDEN or ord(c) <= 0x20 or c == "\x7f" for c in value)
    )


def graph_query(graph: str | None) -> str:
    """The CONSTRUCT that reads one named graph, or the default graph when ``graph`` is None."""
    if graph is None:
        return "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    if not plain_iri(graph):
        raise ValueError(f"not an IRI: {graph!r}")
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def description_triples(endpoint: str, graphs: list[str]) -> list[ox.Triple]:
    """The Service Description of the endpoint at ``endpoint`` serving ``graphs``."""
    a = _n(RDF_TYPE)
    service = _n(endpoint)
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    out = [
        ox.Triple(service, a, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        # not sd:BasicFederatedQuery: SERVICE is refused
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
    ]
    for f in ANSWER_FORMATS:
        out.append(ox.Triple(service, _n(SD + "resultFormat"), _n(FORMAT_IRIS[f.name])))
    out += [
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default),
    ]
    out += [
        ox.Triple(dataset, _n(SD + "namedGraph"), ox.BlankNode(f"named{i}"))
        for i in range(len(graphs))
    ]
    out.append(ox.Triple(default, a, _n(SD + "Graph")))
    for i, g in enumerate(graphs):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(named, a, _n(SD + "NamedGraph")),
            ox.Triple(named, _n(SD + "name"), _n(g)),
            ox.Triple(named, _n(SD + "graph"), graph),
            ox.Triple(graph, a, _n(SD + "Graph")),
        ]
    return out


def service_description(endpoint: str, graphs: list[str], fmt: str) -> bytes:
    """The Service Description in the graph format named ``fmt`` (kg's name: "turtle" ...)."""
    return ox.serialize(
        description_triples(endpoint, graphs),
        format=GRAPH[fmt].ox,
        prefixes={"sd": SD, "formats": FORMATS},
    )
