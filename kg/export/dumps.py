"""Writing RDF dumps: deterministic bytes, written atomically, at Oxigraph speed.

Quads are converted to pyoxigraph terms, sorted by their N-Triples text
(graph, subject, predicate, object), and serialised by pyoxigraph. Sorting
makes the bytes independent of set and hash order (PYTHONHASHSEED), and
writing to a temporary file then renaming it means a crash or a kill never
leaves a half-written dump in place of the previous one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import OntologyError, OutputError

PREFIXES = {
    "kgo": "https://w3id.org/kg-iraq/ontology#",
    "kgr": "https://w3id.org/kg-iraq/id/",
    "ent": "https://w3id.org/kg-iraq/id/entity/",
    "ev": "https://w3id.org/kg-iraq/id/event/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same folder and a rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.name}: cannot write to the output folder ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"{path.name}: write failed ({exc.strerror})") from exc


def to_ox(term: URIRef | Literal) -> ox.NamedNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        raise OntologyError("blank nodes are not allowed in kg's data")
    raise TypeError(f"unsupported term {term!r}")


def ox_quads(quads: Iterable[tuple]) -> list[ox.Quad]:
    """pyoxigraph quads in canonical order (graph, subject, predicate, object)."""
    out = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g)) for s, p, o, g in quads]
    out.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return out


def load_ontology_quads(ontology_dir: Path, graph: str) -> list[ox.Quad]:
    """The ontology and the gazetteer as quads in the ontology graph (no blank nodes)."""
    g = ox.NamedNode(graph)
    quads = []
    for name in ("kg.ttl", "gazetteer.ttl"):
        path = ontology_dir / name
        if not path.exists():
            raise OntologyError(f"{name} is missing from the ontology folder")
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except (SyntaxError, ValueError, OSError) as exc:
            raise OntologyError(f"{name}: {exc}") from exc
        for t in triples:
            if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
                raise OntologyError(f"{name}: blank node in {t}; kg's dumps must not contain any")
            quads.append(ox.Quad(t.subject, t.predicate, t.object, g))
    return quads


def serialise(quads: list[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    quads = sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        triples = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
    return ox.serialize(quads, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TRIG else None)


def write_dumps(out: Path, quads: list[ox.Quad]) -> dict[str, Path]:
    """graph.trig (named graphs), graph.nq (the same, line per quad), graph.ttl (union)."""
    written = {}
    for name, fmt in (
        ("graph.trig", ox.RdfFormat.TRIG),
        ("graph.nq", ox.RdfFormat.N_QUADS),
        ("graph.ttl", ox.RdfFormat.TURTLE),
    ):
        path = out / name
        write_atomic(path, serialise(quads, fmt))
        written[name] = path
    return written
