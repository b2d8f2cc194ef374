"""kg's one table of answer formats (kg.read.formats) over pyoxigraph's: the names and
media types a client may ask with, and the Content-Type it gets, are the endpoint's
as they were when each had its own table."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.read import formats

SELECT_ALIASES = {
    "json": "json",
    "srj": "json",
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/javascript": "json",
    "application/javascript": "json",
    "xml": "xml",
    "srx": "xml",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "csv": "csv",
    "text/csv": "csv",
    "tsv": "tsv",
    "text/tab-separated-values": "tsv",
}
GRAPH_ALIASES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "n-triples": "ntriples",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "json-ld": "jsonld",
    "jsonld": "jsonld",
    "json": "jsonld",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/json": "jsonld",
    "xml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdfxml": "rdfxml",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def test_the_names_a_client_may_ask_with_are_as_before():
    assert formats.aliases("select") == SELECT_ALIASES
    assert formats.aliases("ask") == SELECT_ALIASES
    assert formats.aliases("graph") == GRAPH_ALIASES


def test_content_types_are_as_before():
    assert {f.name: f.media_type for f in formats.ANSWER_FORMATS} == CONTENT_TYPE


def test_every_name_is_one_pyoxigraph_reads_the_same_way_or_a_kg_choice():
    """pyoxigraph's own lookups agree with the table wherever they know a name (kg's
    additions are names pyoxigraph does not know, and N3, answered as Turtle)."""
    for kind, cls in (("select", ox.QueryResultsFormat), ("graph", ox.RdfFormat)):
        for alias, name in formats.aliases(kind).items():
            found = cls.from_media_type(alias) if "/" in alias else cls.from_extension(alias)
            if found is not None and alias not in ("n3", "text/n3"):
                assert found == formats.answer_format(name).ox, alias


@pytest.mark.parametrize(
    ("kind", "accept", "asked", "expected"),
    [
        ("select", "", None, "json"),
        ("ask", "text/csv", None, "csv"),
        ("graph", "", None, "turtle"),
        ("graph", "application/json", None, "jsonld"),
        ("graph", "*/*", ["txt"], "turtle"),  # pyoxigraph reads txt as N-Triples; kg does not
        ("select", "text/n3", ["srx"], "xml"),
    ],
)
def test_negotiation_reads_the_table(kind, accept, asked, expected):
    from kg.read.serve import negotiate

    assert negotiate(kind, accept, asked) == expected


def test_the_files_kg_reads_a_graph_from():
    assert formats.FORMAT_BY_SUFFIX == {
        ".trig": ox.RdfFormat.TRIG,
        ".nq": ox.RdfFormat.N_QUADS,
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
    }
    assert formats.PUSH_FORMAT.media_type == "application/n-triples"
