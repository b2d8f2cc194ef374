"""Writing RDF dumps: deterministic bytes, written atomically, at Oxigraph speed.

Quads are sorted by their N-Triples text (graph, subject, predicate, object)
and serialised by pyoxigraph. Sorting makes the bytes independent of set and
hash order (PYTHONHASHSEED), and writing to a temporary file then renaming it
means a crash or a kill never leaves a half-written dump in place of the
previous one.

:class:`DumpWriter` does this for corpora of any size with bounded memory:
quads are written as they are built, as N-Triples text, into spill files on
disk, one per range of named graphs (a graph is one article); each range is
then sorted on its own and streamed to ``graph.nq``, which pyoxigraph parses
back as a stream into ``graph.trig``; the union's triples are merged from
sorted runs into ``graph.ttl``. The bytes are those of serialising the whole
sorted list at once (:func:`serialise`, kept for small inputs and tests).
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

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


def _readable(fd: int) -> None:
    """mkstemp creates files 0600; outputs are for others too (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same folder and a rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(
            f"{path.name}: cannot write to the output folder ({exc.strerror})"
        ) from exc
    _readable(fd)
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
    quads = sorted(
        set(quads),
        key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
    )
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        triples = sorted(
            {q.triple for q in quads},
            key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
        )
        return ox.serialize(
            triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None
        )
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


# --- streaming dumps for corpora of any size ------------------------------------------

DUMP_FORMATS = (
    ("graph.trig", ox.RdfFormat.TRIG),
    ("graph.nq", ox.RdfFormat.N_QUADS),
    ("graph.ttl", ox.RdfFormat.TURTLE),
)


class _Staged:
    """Output files written under temporary names in their folder, renamed together on commit."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.tmp: dict[str, Path] = {}

    def open(self, name: str) -> BinaryIO:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.out)
        except OSError as exc:
            raise OutputError(
                f"{name}: cannot write to the output folder ({exc.strerror})"
            ) from exc
        self.tmp[name] = Path(tmp)
        _readable(fd)
        return os.fdopen(fd, "wb", buffering=1 << 20)

    def commit(self) -> dict[str, Path]:
        written = {}
        for name, tmp in self.tmp.items():
            try:
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, self.out / name)
            except OSError as exc:
                raise OutputError(f"{name}: write failed ({exc.strerror})") from exc
            written[name] = self.out / name
        self.tmp.clear()
        return written

    def discard(self) -> None:
        for tmp in self.tmp.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.tmp.clear()


class _NTriplesText:
    """rdflib terms → their N-Triples text (by pyoxigraph, so escaping is Oxigraph's), memoised."""

    LIMIT = 20_000  # terms shared across articles (properties, classes, entities) are few

    def __init__(self) -> None:
        self.cache: dict[object, str] = {}

    def __call__(self, term: URIRef | Literal) -> str:
        # plain-str keys: rdflib's own __eq__ is a Python call on every dictionary hit
        if isinstance(term, Literal):
            key = (str.__str__(term), term.language, term.datatype)
        elif isinstance(term, URIRef):
            key = str.__str__(term)
        else:
            return str(to_ox(term))  # blank nodes and other terms are refused there
        text = self.cache.get(key)
        if text is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            text = self.cache[key] = str(to_ox(term))
        return text


@dataclass
class DumpStats:
    files: dict[str, Path] = field(default_factory=dict)
    quads: int = 0
    """Distinct quads written (all graphs)."""
    triples: int = 0
    """Distinct triples of the union graph (graph.ttl)."""


class DumpWriter:
    """graph.trig, graph.nq and graph.ttl of any number of quads, in bounded memory.

    ``add`` / ``add_ox`` take quads in any order and any number of times
    (duplicates are dropped); ``write`` produces the same bytes as
    :func:`write_dumps` on the whole set. ``graphs`` (the IRIs of the named
    graphs to come, e.g. one per article) only balances the spill files: memory
    while writing is that of one range of about ``GRAPHS_PER_BUCKET`` graphs.
    Spill files live in a temporary folder inside ``workdir`` and are removed on
    ``close`` (or leaving the ``with`` block).
    """

    GRAPHS_PER_BUCKET = 32
    MAX_BUCKETS = 256

    def __init__(self, workdir: Path, graphs: Iterable[str] = ()):
        try:
            Path(workdir).mkdir(parents=True, exist_ok=True)
            self._dir = Path(tempfile.mkdtemp(prefix=".kg-dump-", dir=workdir))
        except OSError as exc:
            raise OutputError(f"cannot write to the output folder ({exc.strerror})") from exc
        self._keys = sorted({str(ox.NamedNode(str(g))) for g in graphs})
        n = max(1, min(self.MAX_BUCKETS, -(-len(self._keys) // self.GRAPHS_PER_BUCKET)))
        self._bucket_of = {k: i * n // len(self._keys) for i, k in enumerate(self._keys)}
        self._files = [self._spill(f"q{i:04d}", "w") for i in range(n)]
        self._text = _NTriplesText()

    def _spill(self, name: str, mode: str):
        try:
            return open(self._dir / name, mode, encoding="utf-8", newline="\n", buffering=1 << 16)
        except OSError as exc:
            raise OutputError(f"cannot write spill file {name} ({exc.strerror})") from exc

    def _bucket(self, graph: str) -> int:
        b = self._bucket_of.get(graph)
        if b is None:  # a graph not announced: its place in the sorted order still picks its range
            n, pos = len(self._files), bisect.bisect_left(self._keys, graph)
            b = min(n - 1, pos * n // max(1, len(self._keys)))
            self._bucket_of[graph] = b
        return b

    def add(self, quads: Iterable[tuple]) -> None:
        """Add rdflib quads (subject, predicate, object, graph); no blank nodes."""
        nt = self._text
        files = self._files
        try:
            for s, p, o, g in quads:
                gt = nt(g)
                files[self._bucket(gt)].write(f"{gt}\t{nt(s)}\t{nt(p)}\t{nt(o)}\n")
        except OSError as exc:
            raise OutputError(f"cannot write spill file ({exc.strerror})") from exc

    def add_ox(self, quads: Iterable[ox.Quad]) -> None:
        """Add pyoxigraph quads (named graphs only; no blank nodes)."""
        files = self._files
        try:
            for q in quads:
                if not isinstance(q.graph_name, ox.NamedNode):
                    raise OntologyError(f"quad outside a named graph: {q}")
                if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                    raise OntologyError("blank nodes are not allowed in kg's data")
                gt = str(q.graph_name)
                files[self._bucket(gt)].write(f"{gt}\t{q.subject}\t{q.predicate}\t{q.object}\n")
        except OSError as exc:
            raise OutputError(f"cannot write spill file ({exc.strerror})") from exc

    def write(self, out: Path) -> DumpStats:
        """Sort, deduplicate and write the three dumps into ``out`` (atomically, together)."""
        for fh in self._files:
            fh.close()
        staged = _Staged(out)
        stats = DumpStats()
        try:
            with staged.open("graph.nq") as nq:
                runs = []
                for i in range(len(self._files)):
                    stats.quads += self._sort_bucket(i, nq, runs)
            with staged.open("graph.trig") as trig:
                reader = ox.parse(path=str(staged.tmp["graph.nq"]), format=ox.RdfFormat.N_QUADS)
                ox.serialize(reader, trig, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
            nt_path = self._dir / "union.nt"
            stats.triples = self._merge_runs(runs, nt_path)
            with staged.open("graph.ttl") as ttl:
                reader = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
                ox.serialize(reader, ttl, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            stats.files = {name: out / name for name, _ in DUMP_FORMATS}
            written = staged.commit()
        except OSError as exc:
            staged.discard()
            raise OutputError(f"writing the dumps failed ({exc.strerror})") from exc
        except BaseException:
            staged.discard()
            raise
        stats.files = {name: written[name] for name, _ in DUMP_FORMATS}
        return stats

    def _sort_bucket(self, i: int, nq: BinaryIO, runs: list[Path]) -> int:
        """One range of graphs: sorted, deduplicated quads to graph.nq; its triples to a sorted run."""
        path = self._dir / f"q{i:04d}"
        with self._spill(path.name, "r") as fh:
            lines = sorted(set(fh))
        path.unlink()
        out: list[str] = []
        triples: set[str] = set()
        for line in lines:
            g, s, p, o = line[:-1].split("\t")
            out.append(f"{s} {p} {o} {g} .\n")
            triples.add(f"{s} {p} {o} .\n")
        nq.write("".join(out).encode("utf-8"))
        run = self._dir / f"t{i:04d}"
        with self._spill(run.name, "w") as fh:
            fh.write("".join(sorted(triples)))
        runs.append(run)
        return len(lines)

    def _merge_runs(self, runs: list[Path], nt_path: Path) -> int:
        """Merge the sorted triple runs into one sorted, deduplicated N-Triples file."""
        count = 0
        with contextlib.ExitStack() as stack:
            sources = [stack.enter_context(self._spill(r.name, "r")) for r in runs]
            out = stack.enter_context(self._spill(nt_path.name, "w"))
            previous = None
            batch: list[str] = []
            for line in heapq.merge(*sources):
                if line != previous:
                    batch.append(line)
                    previous = line
                    count += 1
                    if len(batch) >= 4096:
                        out.write("".join(batch))
                        batch.clear()
            out.write("".join(batch))
        return count

    def close(self) -> None:
        for fh in self._files:
            with contextlib.suppress(OSError):
                fh.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> DumpWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
