"""A query's answer as Python values, as rdflib objects, or as bytes in a result format.

Why a module of its own: :mod:`kg.read.sparql` runs queries; turning their one
neutral answer (:class:`kg.read.store.Result`, whichever engine computed it) into
what a caller wants (rows of Python values, an ``rdflib.query.Result``, or the
bytes of a SPARQL results format or an RDF format for ``kg query`` and ``kg
serve``) is a separate concern with its own rules. The formats themselves are
described once, in :mod:`kg.read.formats`.

Why kg writes SELECT and ASK answers itself rather than with pyoxigraph's
``QuerySolutions.serialize``: that method serialises a live Oxigraph answer,
while kg's answer may come from rdflib and is cut at a row limit before it is
written; and where pyoxigraph's bytes differ from kg's (checked with pyoxigraph
0.5), kg's are kept on purpose:

- XML: pyoxigraph writes control characters as they are, which XML 1.0 does not
  allow (a parser refuses the document); kg writes U+FFFD;
- CSV: pyoxigraph writes an empty string like an unbound value; kg writes ``""``,
  so the two can be told apart;
- CSV and TSV of an ASK answer: the standard defines none; pyoxigraph writes the
  bare ``true``, kg a header (``boolean`` / ``?boolean``) and the value, so the
  answer reads like any other table;
- TSV: pyoxigraph abbreviates numbers (``1`` for ``"1"^^xsd:integer``), which
  the standard allows; kg writes every term in full N-Triples form, as before;
- JSON: the same document; pyoxigraph writes no spaces after ``:`` and ``,``,
  kg writes ``json.dumps``'s (kg's answers have always been these bytes).

Graph answers are written by pyoxigraph (``pyoxigraph.serialize``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.read.formats import GRAPH, SELECT
from kg.read.store import XSD, Result, Term, prefixes, to_rdflib

__all__ = [
    "FLOAT_TYPES",
    "GRAPH_FORMATS",
    "INT_TYPES",
    "SELECT_FORMATS",
    "WRITERS",
    "XSD",
    "graph_bytes",
    "python_value",
    "results_csv",
    "results_json",
    "results_tsv",
    "results_xml",
    "serialize",
    "to_rdflib_result",
    "to_rows",
]

INT_TYPES = {
    XSD + t
    for t in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "int",
        "long",
        "short",
        "byte",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
FLOAT_TYPES = {XSD + "double", XSD + "float"}

# The format tables under their former names (kg.read.sparql exported them), now read
# from kg.read.formats: {name: media type} and {name: (media type, RdfFormat)}.
SELECT_FORMATS = {name: f.media_type for name, f in SELECT.items()}
GRAPH_FORMATS = {name: (f.media_type, f.ox) for name, f in GRAPH.items()}


# ---------------------------------------------------------------------------
# Python values and rdflib objects
# ---------------------------------------------------------------------------


def python_value(term: Term | None) -> Any:
    """An RDF term as a python value: IRIs and strings as str, numbers, booleans, dates."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value if term.datatype else ""
        v = term.value
        try:
            if dtype in INT_TYPES:
                return int(v)
            if dtype == XSD + "decimal":
                return Decimal(v)
            if dtype in FLOAT_TYPES:
                return float(v)
            if dtype == XSD + "boolean":
                return v in ("true", "1")
            if dtype == XSD + "date":
                return dt.date.fromisoformat(v)
            if dtype == XSD + "dateTime":
                return dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except (ValueError, InvalidOperation):
            return v
        return v
    return str(term)


def to_rows(result: Result) -> Any:
    if result.kind == "ask":
        return bool(result.boolean)
    if result.kind == "graph":
        return [
            tuple(python_value(x) for x in (t.subject, t.predicate, t.object))
            for t in result.triples
        ]
    return [
        {k: python_value(v) for k, v in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def to_rdflib_result(result: Result) -> Any:
    """An ``rdflib.query.Result`` holding the same answer (rdflib terms)."""
    from rdflib import Graph, Variable
    from rdflib.query import Result as RdflibResult

    if result.kind == "ask":
        r = RdflibResult("ASK")
        r.askAnswer = bool(result.boolean)
        return r
    if result.kind == "graph":
        r = RdflibResult("CONSTRUCT")
        g = Graph()
        for name, iri in prefixes().items():
            g.bind(name, iri, override=True)
        for t in result.triples:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        r.graph = g
        return r
    r = RdflibResult("SELECT")
    r.vars = [Variable(v) for v in result.variables]
    r.bindings = [
        {
            Variable(k): to_rdflib(v)
            for k, v in zip(result.variables, row, strict=True)
            if v is not None
        }
        for row in result.rows
    ]
    return r


# ---------------------------------------------------------------------------
# Result formats (SPARQL 1.1 Query Results JSON, XML, CSV, TSV; RDF for graphs)
# ---------------------------------------------------------------------------


def _json_term(t: Term) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != XSD + "string":
        out["datatype"] = t.datatype.value
    return out


def results_json(result: Result) -> bytes:
    """SPARQL 1.1 Query Results JSON (``json.dumps``'s default separators)."""
    if result.kind == "ask":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        doc = {
            "head": {"vars": list(result.variables)},
            "results": {
                "bindings": [
                    {
                        k: _json_term(v)
                        for k, v in zip(result.variables, row, strict=True)
                        if v is not None
                    }
                    for row in result.rows
                ]
            },
        }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(s: str) -> str:
    return escape(_XML_BAD.sub("\ufffd", s))


def results_xml(result: Result) -> bytes:
    """SPARQL Query Results XML, one result per line; characters XML 1.0 cannot hold
    are written as U+FFFD."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    ]
    if result.kind == "ask":
        out.append(
            f"<head/>\n<boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n"
        )
        return "".join(out).encode("utf-8")
    out.append("<head>")
    out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    out.append("</head>\n<results>\n")
    for row in result.rows:
        out.append("<result>")
        for name, t in zip(result.variables, row, strict=True):
            if t is None:
                continue
            out.append(f"<binding name={quoteattr(name)}>")
            if isinstance(t, ox.NamedNode):
                out.append(f"<uri>{_xml_text(t.value)}</uri>")
            elif isinstance(t, ox.BlankNode):
                out.append(f"<bnode>{_xml_text(t.value)}</bnode>")
            elif t.language:
                out.append(
                    f"<literal xml:lang={quoteattr(t.language)}>{_xml_text(t.value)}</literal>"
                )
            elif t.datatype.value != XSD + "string":
                out.append(
                    f"<literal datatype={quoteattr(t.datatype.value)}>{_xml_text(t.value)}</literal>"
                )
            else:
                out.append(f"<literal>{_xml_text(t.value)}</literal>")
            out.append("</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(t: Term | None) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return t.value


def results_csv(result: Result) -> bytes:
    """SPARQL 1.1 Query Results CSV (CRLF); an ASK answer is a ``boolean`` column."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
    else:
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


def _tsv_value(t: Term | None) -> str:
    if t is None:
        return ""
    return str(t).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def results_tsv(result: Result) -> bytes:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples form); an ASK answer is a
    ``?boolean`` column."""
    if result.kind == "ask":
        return f"?boolean\n{'true' if result.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines.extend("\t".join(_tsv_value(t) for t in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def graph_bytes(result: Result, fmt: str = "turtle") -> bytes:
    """A CONSTRUCT/DESCRIBE answer in an RDF format of :data:`kg.read.formats.GRAPH`:
    each triple once, sorted, kg's prefixes declared where the format has them."""
    rdf_format = GRAPH[fmt].ox
    triples = sorted(
        set(result.triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    kw = (
        {"prefixes": prefixes()}
        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
        else {}
    )
    try:
        return ox.serialize(triples, format=rdf_format, **kw)
    except TypeError:  # a format without prefixes support in this pyoxigraph
        return ox.serialize(triples, format=rdf_format)


WRITERS = {"json": results_json, "xml": results_xml, "csv": results_csv, "tsv": results_tsv}
"""kg's writer of each SELECT/ASK format of :data:`kg.read.formats.SELECT`."""


def serialize(result: Result, fmt: str) -> bytes:
    """The answer in a SPARQL results format (json, xml, csv, tsv) or, for graphs, an RDF format."""
    if result.kind == "graph":
        return graph_bytes(result, fmt if fmt in GRAPH else "turtle")
    return WRITERS[fmt](result)
