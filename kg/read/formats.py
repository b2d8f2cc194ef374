"""The one table of the formats kg reads and answers in, over pyoxigraph's own.

Why a module of its own: the query layer (which writer makes the bytes), the
endpoint (which names and media types a client may ask for, and the Content-Type
it gets), the command line and the store (which files it reads, what it pushes)
all need the same facts about a format; they were four tables that could drift.
Each format is declared once here, on top of pyoxigraph's
:class:`~pyoxigraph.QueryResultsFormat` / :class:`~pyoxigraph.RdfFormat`, whose
``media_type`` and ``file_extension`` are used as they are.

What kg adds to pyoxigraph's description, and why:

- the name a client gives (``format=json``, ``kg query --format csv``);
- the other names and media types that ask for a format. They are listed, not
  taken from pyoxigraph's ``from_media_type`` / ``from_extension``: those accept
  more (``txt`` for CSV, ``rdf``, ``trig``, ``nq``) and read ``text/n3`` as N3,
  where kg answers Turtle (a subset of N3); a list keeps what the endpoint
  accepts from changing with pyoxigraph's version;
- ``charset=utf-8`` on Turtle's Content-Type (pyoxigraph's media type for CSV and
  TSV has it, Turtle's not; kg's answers are UTF-8 and always said so).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

__all__ = [
    "ANSWER_FORMATS",
    "DEFAULT",
    "FORMAT_BY_SUFFIX",
    "GRAPH",
    "PUSH_FORMAT",
    "SELECT",
    "Format",
    "aliases",
    "answer_format",
]


@dataclass(frozen=True)
class Format:
    """A format kg answers a query in.

    ``kind`` is "select" (SELECT and ASK answers: a SPARQL results format) or
    "graph" (CONSTRUCT and DESCRIBE: an RDF format). ``also``: other names and
    media types (lower case) that ask for it, besides ``name`` and pyoxigraph's
    media type. ``charset``: add ``; charset=utf-8`` to the Content-Type when
    pyoxigraph's media type does not say it."""

    name: str
    kind: str
    ox: ox.QueryResultsFormat | ox.RdfFormat
    also: tuple[str, ...] = ()
    charset: bool = False

    @property
    def media_type(self) -> str:
        """The Content-Type of an answer in this format."""
        media = self.ox.media_type
        if self.charset and "charset=" not in media:
            media += "; charset=utf-8"
        return media

    @property
    def file_extension(self) -> str:
        return self.ox.file_extension

    @property
    def names(self) -> tuple[str, ...]:
        """Every name and media type that asks for this format."""
        return (self.name, self.ox.media_type.split(";")[0].strip().lower(), *self.also)


ANSWER_FORMATS = (
    # SPARQL 1.1 Query Results (SELECT, ASK)
    Format(
        "json",
        "select",
        ox.QueryResultsFormat.JSON,
        ("srj", "application/json", "text/javascript", "application/javascript"),
    ),
    Format("xml", "select", ox.QueryResultsFormat.XML, ("srx", "application/xml", "text/xml")),
    Format("csv", "select", ox.QueryResultsFormat.CSV),
    Format("tsv", "select", ox.QueryResultsFormat.TSV),
    # RDF (CONSTRUCT, DESCRIBE)
    Format(
        "turtle",
        "graph",
        ox.RdfFormat.TURTLE,
        ("ttl", "n3", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"),
        charset=True,
    ),
    Format("ntriples", "graph", ox.RdfFormat.N_TRIPLES, ("nt", "n-triples", "text/plain")),
    Format(
        "jsonld",
        "graph",
        ox.RdfFormat.JSON_LD,
        ("json-ld", "json", "application/x-json+ld", "application/json"),
    ),
    Format(
        "rdfxml", "graph", ox.RdfFormat.RDF_XML, ("xml", "rdf+xml", "application/xml", "text/xml")
    ),
)
SELECT = {f.name: f for f in ANSWER_FORMATS if f.kind == "select"}
"""The formats of SELECT and ASK answers, by name."""
GRAPH = {f.name: f for f in ANSWER_FORMATS if f.kind == "graph"}
"""The formats of CONSTRUCT and DESCRIBE answers, by name."""
DEFAULT = {"select": "json", "ask": "json", "graph": "turtle"}
"""The format of an answer when the client names none kg knows."""


def aliases(kind: str) -> dict[str, str]:
    """Every name and media type that asks for a format of a query kind ("select",
    "ask" or "graph"), mapped to the format's name."""
    table = GRAPH if kind == "graph" else SELECT
    return {alias: f.name for f in table.values() for alias in f.names}


def answer_format(name: str) -> Format:
    """The format called ``name`` (a SELECT/ASK format or a graph format)."""
    return SELECT.get(name) or GRAPH[name]


# The RDF files kg reads a graph from (``kg build``'s dumps, or one a user gives),
# by file suffix.
FORMAT_BY_SUFFIX = {
    "." + f.file_extension: f
    for f in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
}
PUSH_FORMAT = ox.RdfFormat.N_TRIPLES
"""What ``kg push`` sends each graph as (Graph Store Protocol PUT bodies)."""
