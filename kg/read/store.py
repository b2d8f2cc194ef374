"""The store behind every query: Oxigraph by default, rdflib as a fallback.

Both engines answer the same SPARQL over the same dataset with the same
semantics: the default graph is the union of all named graphs as a *set* of
triples (what GraphDB and most triple stores do), ``GRAPH ?g`` reaches each
article's graph and the ontology graph, ``FROM``/``FROM NAMED`` in a query
choose other graphs, parameters are bound as RDF terms (pyoxigraph's
``substitutions``, rdflib's ``initBindings``), never pasted into the text as
the user wrote them (for Oxigraph a ``VALUES`` block of the same terms, in
their canonical N-Triples form, is added too: see :func:`with_values`).
Results come back in one neutral shape (:class:`Result`, pyoxigraph terms),
whichever engine ran the query.

This module also pushes a built graph to a remote store through the SPARQL 1.1
Graph Store HTTP Protocol (:func:`push`).
"""

from __future__ import annotations

import base64
import http.client
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, OutputError, QueryError
from kg.read.formats import FORMAT_BY_SUFFIX, PUSH_FORMAT
from kg.read.lexer import body_start

Term = ox.NamedNode | ox.BlankNode | ox.Literal

GRAPH_FILES = ("graph.trig", "graph.nq")
ENGINES = ("oxigraph", "rdflib")
XSD = "http://www.w3.org/2001/XMLSchema#"
__all__ = [
    "ENGINES",
    "FORMAT_BY_SUFFIX",
    "GRAPH_FILES",
    "MAX_TRIPLE_TERM_DEPTH",
    "UNION_INTO_DEFAULT",
    "XSD",
    "XSD_STRING",
    "OxigraphStore",
    "PushError",
    "Pushed",
    "RdflibStore",
    "Result",
    "Term",
    "check_nesting",
    "count_triple_term_openings",
    "from_rdflib",
    "graph_file",
    "open_store",
    "prefixes",
    "push",
    "rdflib_dataset",
    "read_quads",
    "to_rdflib",
    "triples_per_graph",
    "union_into_default",
    "with_values",
]


def prefixes() -> dict[str, str]:
    """The prefixes kg's dumps declare; queries may use them without PREFIX lines."""
    from kg.pipeline.dumps import PREFIXES

    return dict(PREFIXES)


@dataclass
class Result:
    """A query's answer, whichever engine computed it.

    ``kind`` is "select" (``variables`` and ``rows``, one tuple of terms or None
    per solution), "ask" (``boolean``) or "graph" (CONSTRUCT/DESCRIBE:
    ``triples``). ``truncated`` says a row cap cut the answer short.
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        if self.kind == "select":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1


def graph_file(path: str | Path) -> Path:
    """The dump to load: ``path`` itself if it is a file, else graph.trig (or graph.nq) inside it.

    The path is resolved once: for a kg output folder it names the file inside the
    current generation (see :mod:`kg.pipeline.outputs`), so a reader that opens it, or its
    siblings, later reads one set of outputs even if a build switches meanwhile."""
    from kg.pipeline.outputs import resolve_generation

    p = Path(path)
    if p.is_dir():
        folder = resolve_generation(p) or p
        for name in GRAPH_FILES:
            if (folder / name).is_file():
                return (folder / name).resolve()
        raise InputError(f"{p}: no graph.trig here (run `kg build` first, or give --graph)")
    if not p.is_file():
        raise InputError(f"{p}: no such graph file or folder")
    if p.suffix.lower() not in FORMAT_BY_SUFFIX:
        raise InputError(f"{p.name}: unknown RDF format (expected .trig, .nq, .ttl or .nt)")
    return p.resolve()


def read_quads(path: str | Path) -> list[ox.Quad]:
    """Every quad of a dump (TriG, N-Quads, Turtle or N-Triples).

    Triple terms nested deeper than :data:`MAX_TRIPLE_TERM_DEPTH` are refused before
    parsing (:func:`check_nesting`): deeper ones crash pyoxigraph.
    """
    p = graph_file(path)
    check_nesting(p)
    try:
        return list(ox.parse(path=str(p), format=FORMAT_BY_SUFFIX[p.suffix.lower()]))
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{p.name}: cannot be read as RDF: {_one_line(exc)}") from exc


MAX_TRIPLE_TERM_DEPTH = 64
"""The deepest nesting of RDF 1.2 triple terms (``<<( s p <<( ... )>> )>>``) kg reads.

pyoxigraph 0.5 recurses on nested triple terms: parsing one nested about 18,000 deep
(a 600 KB file) kills the process with a segmentation fault on an 8 MB stack, and in a
thread with a 512 KB stack (macOS's default) parsing fails below 2,000 and the store's
union copy below 1,000. Real data nests a few levels; kg's own dumps have no triple
terms at all. Collections ``( ( ... ) )``, blank-node property lists ``[ :p [ ... ] ]``
and nested annotations or reified triples ``<< s p << ... >> >>`` (a blank node per
level, no nested term) are parsed without recursion: millions of levels read."""

_CHUNK = 1 << 22

_DEPTH_PROBE = r"""
import sys
import pyoxigraph as ox

try:  # a crash here must not leave a core file behind
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
except (ImportError, ValueError, OSError):
    pass

path, suffix, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
fmt = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
       ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}[suffix]
deepest = 0
Triple = ox.Triple
try:
    for q in ox.parse(path=path, format=fmt):
        if not (isinstance(q.object, Triple) or isinstance(q.subject, Triple)):
            continue
        todo = [(q.subject, 0), (q.object, 0)]
        while todo:
            term, depth = todo.pop()
            if isinstance(term, Triple):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit:
                    print(deepest)
                    sys.exit(0)
                todo += [(term.subject, depth), (term.object, depth)]
except (SyntaxError, ValueError, OSError):
    pass  # not ours to report: kg's own parse says what is wrong, and where
print(deepest)
"""


def count_triple_term_openings(path: str | Path, stop: int | None = None) -> int:
    """How many times ``<<`` occurs in the file (counting stops past ``stop``).

    Every triple term or reified triple opens with ``<<``, so its nesting depth can
    never exceed this count, whatever the file's strings, IRIs or comments hold. A
    linear byte search: about 1.6 s for 1 GB (0.6 GB/s, page cache warm).
    """
    count = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            count += (last + chunk[:1]).count(b"<<") + chunk.count(b"<<")
            last = chunk[-1:]
            if stop is not None and count > stop:
                break
    return count


def check_nesting(path: str | Path, limit: int = MAX_TRIPLE_TERM_DEPTH) -> None:
    """Raise InputError if the dump nests triple terms deeper than ``limit``.

    First a linear search for ``<<`` (:func:`count_triple_term_openings`): a file with
    at most ``limit`` of them (kg's dumps have none) cannot nest deeper and is not
    parsed again. A file with more (RDF 1.2 data, not kg's) is parsed once in a child
    process that measures the nesting; if the parser crashes there, only the child
    dies, and the file is refused with one line that names it.
    """
    p = Path(path)
    if count_triple_term_openings(p, stop=limit) <= limit:
        return
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _DEPTH_PROBE, str(p), p.suffix.lower(), str(limit)],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise InputError(
            f"{p.name}: holds RDF 1.2 triple terms, and their nesting could not be "
            f"checked ({_one_line(exc)})"
        ) from None
    words = proc.stdout.split()
    if proc.returncode != 0 or not words or not words[-1].isdigit():
        raise InputError(
            f"{p.name}: refused: the RDF parser crashed reading it (exit {proc.returncode}); "
            f"triple terms nested too deep? kg reads at most {limit} levels"
        )
    if int(words[-1]) > limit:
        raise InputError(
            f"{p.name}: refused: triple terms (<<( ... )>>) nested more than {limit} deep; "
            f"deeper nesting crashes the RDF parser"
        )


def _short_syntax(exc: BaseException) -> str:
    """Oxigraph's syntax errors list every expected character class; keep the start."""
    text = _one_line(exc)
    head, sep, rest = text.partition("expected one of ")
    if sep and len(rest) > 60:
        alternatives = rest.split(", ")
        return head + sep + ", ".join(alternatives[:8]) + ", ..."
    return text


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


# ---------------------------------------------------------------------------
# Oxigraph (default)
# ---------------------------------------------------------------------------


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with a leading ``VALUES`` block that binds the parameters.

    Why: pyoxigraph applies ``substitutions`` after evaluating the whole pattern,
    so "attacks on this base" first computed every attack on every base (2.6 s on
    10,000 articles); a ``VALUES`` block at the head of the WHERE group is joined
    first (22 ms). The substitutions stay, so the answer is the one they define;
    the block only restricts the search early. The terms are written by pyoxigraph
    in their canonical N-Triples form, never copied from the user's text. Left as
    it is when the outer group cannot be found (:func:`kg.read.lexer.body_start`, read
    from the tokens of kg's one SPARQL lexer) or a value is a blank node (not allowed
    in VALUES).
    """
    if not bindings or any(isinstance(v, ox.BlankNode) for v in bindings.values()):
        return sparql
    at = body_start(sparql)
    if at is None:
        return sparql
    names = sorted(bindings)
    block = (
        f" VALUES ({' '.join('?' + k for k in names)}) "
        f"{{ ({' '.join(str(bindings[k]) for k in names)}) }} "
    )
    return sparql[:at] + block + sparql[at:]


UNION_INTO_DEFAULT = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def union_into_default(store: ox.Store) -> None:
    """Copy every named graph's triples into the default graph, once each.

    Why not pyoxigraph's ``use_default_graph_as_union``: it evaluates a pattern
    over every graph and keeps one solution *per graph*, so a fact that 200
    articles report (an event's type, its death toll) matches 200 times, and a
    query that joins three such patterns multiplies them: on a 10,000-article
    corpus simple aggregations ran for minutes. A materialised union is a set,
    as the SPARQL dataset and rdflib's ``default_union`` define it, costs one
    copy of the triples, and leaves ``FROM`` clauses working.
    """
    store.update(UNION_INTO_DEFAULT)


class OxigraphStore:
    """An in-memory pyoxigraph Store whose default graph is the union of the named graphs."""

    engine = "oxigraph"

    def __init__(self, store: ox.Store | None = None, size: int | None = None) -> None:
        self.store = store if store is not None else ox.Store()
        self._size = size

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> OxigraphStore:
        store = ox.Store()
        store.extend(quads)
        size = len(store)
        union_into_default(store)
        return cls(store, size)

    @classmethod
    def from_path(cls, path: str | Path) -> OxigraphStore:
        return cls.from_quads(read_quads(path))

    def __len__(self) -> int:
        """The quads loaded (not counting the union copy)."""
        return len(self.store) if self._size is None else self._size

    def quads(self) -> Iterable[ox.Quad]:
        """The named graphs' quads (the default graph only repeats them)."""
        return (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        max_rows: int | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        use_prefixes: bool = True,
    ) -> Result:
        kwargs: dict[str, Any] = {}
        try:
            if default_graph:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
            if named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        except ValueError as exc:
            raise QueryError(f"a graph IRI of the dataset is not valid: {_one_line(exc)}") from None
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in bindings.items()}
            sparql = with_values(sparql, bindings)
        if use_prefixes:
            kwargs["prefixes"] = prefixes()
        try:
            answer = self.store.query(sparql, **kwargs)
            return _collect_ox(answer, max_rows)
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {_short_syntax(exc)}") from exc
        except (ValueError, OSError, TypeError, RuntimeError) as exc:
            text = _one_line(exc)
            if "in its SELECT projection" in text:
                text += " (a bound parameter must be one of the SELECTed variables)"
            raise QueryError(f"query failed: {text}") from exc


def _collect_ox(answer: Any, max_rows: int | None) -> Result:
    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = tuple(v.value for v in answer.variables)
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        for sol in answer:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(sol[i] for i in range(len(names))))
        return Result("select", variables=names, rows=rows, truncated=truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for t in answer:
        if max_rows is not None and len(triples) >= max_rows:
            truncated = True
            break
        triples.append(t)
    return Result("graph", triples=triples, truncated=truncated)


# ---------------------------------------------------------------------------
# rdflib (fallback, and for users who want rdflib objects)
# ---------------------------------------------------------------------------


def to_rdflib(term: Term | ox.DefaultGraph | None) -> Any:
    """A pyoxigraph term as the equal rdflib term (None stays None)."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unsupported term {term!r}")


def from_rdflib(term: Any) -> Term | None:
    """An rdflib term as the equal pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


XSD_STRING = XSD + "string"


def rdflib_dataset(quads: Iterable[ox.Quad]) -> Any:
    """An rdflib Dataset (union default graph) holding the quads, graph by graph."""
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    for name, prefix in prefixes().items():
        ds.bind(name, prefix, override=True)
    for q in quads:
        g = q.graph_name
        ctx = ds.default_graph if isinstance(g, ox.DefaultGraph) else ds.graph(to_rdflib(g))
        ctx.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return ds


class RdflibStore:
    """An rdflib Dataset with the union default graph."""

    engine = "rdflib"

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> RdflibStore:
        return cls(rdflib_dataset(quads))

    @classmethod
    def from_path(cls, path: str | Path) -> RdflibStore:
        return cls.from_quads(read_quads(path))

    def __len__(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        max_rows: int | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        use_prefixes: bool = True,
    ) -> Result:
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseQuery

        if default_graph or named_graphs:
            raise QueryError("the rdflib engine does not take a dataset description; use oxigraph")
        try:
            parseQuery(sparql)  # rdflib would otherwise report some syntax errors late
        except ParseException as exc:
            raise QueryError(f"malformed query: {_one_line(exc)}") from exc
        init = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            with warnings.catch_warnings():
                # rdflib's own evaluation of a union-default Dataset trips its deprecations
                # (default_context, contexts): not ours to fix, and not the user's
                warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
                answer = self.dataset.query(
                    sparql, initBindings=init, initNs=prefixes() if use_prefixes else None
                )
                return _collect_rdflib(answer, max_rows)
        except ParseException as exc:
            raise QueryError(f"malformed query: {_one_line(exc)}") from exc
        except Exception as exc:  # rdflib raises many kinds (Exception, KeyError, ...)
            raise QueryError(f"query failed: {type(exc).__name__}: {_one_line(exc)}") from exc


def _collect_rdflib(answer: Any, max_rows: int | None) -> Result:
    if answer.type == "ASK":
        return Result("ask", boolean=bool(answer.askAnswer))
    if answer.type == "SELECT":
        names = tuple(str(v) for v in answer.vars)
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        for row in answer:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(from_rdflib(row[i]) for i in range(len(names))))
        return Result("select", variables=names, rows=rows, truncated=truncated)
    triples = []
    truncated = False
    for s, p, o in answer.graph:
        if max_rows is not None and len(triples) >= max_rows:
            truncated = True
            break
        triples.append(ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)))
    return Result("graph", triples=triples, truncated=truncated)


def open_store(path: str | Path, engine: str = "oxigraph") -> OxigraphStore | RdflibStore:
    """Load a dump into the engine asked for."""
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r} (choose {' or '.join(ENGINES)})")
    quads = read_quads(path)
    return (
        OxigraphStore.from_quads(quads) if engine == "oxigraph" else RdflibStore.from_quads(quads)
    )


# ---------------------------------------------------------------------------
# Pushing to a remote store (GraphDB, Oxigraph, Fuseki ...)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    graph: str  # the named graph IRI ("" for the default graph)
    triples: int
    status: int


def triples_per_graph(quads: Iterable[ox.Quad]) -> dict[str, int]:
    """Distinct triples in each graph ("" is the default graph)."""
    seen: dict[str, set] = {}
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        seen.setdefault(g, set()).add(q.triple)
    return {g: len(ts) for g, ts in sorted(seen.items())}


class PushError(OutputError):
    """A push that stopped part-way: which graphs the remote already has, which not.

    ``done``: graph IRIs replaced on the remote (each PUT answered 2xx), in push
    order. ``not_done``: the others, starting with ``failed``, the graph being sent
    when the push stopped. ``failed_state`` is "not replaced" when the remote refused
    it (an HTTP error) and "unknown" when the push timed out or the connection broke
    while it was sent (the remote may have stored it). "" stands for the default graph.
    """

    def __init__(
        self,
        message: str,
        done: list[str],
        not_done: list[str],
        failed: str | None,
        failed_state: str,
    ) -> None:
        super().__init__(message)
        self.done = done
        self.not_done = not_done
        self.failed = failed
        self.failed_state = failed_state


class _Deadline:
    """One wall-clock deadline for a whole push.

    A socket timeout bounds each read, not a request: a server that sends one byte
    a second keeps a request alive forever. So every socket a request opens is
    registered here, and a timer shuts them down when the deadline passes; the
    blocked read or write then fails at once and :func:`push` reports the timeout.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)
        return sock

    def forget(self) -> None:
        """The request is over: its sockets need no watching."""
        with self._lock:
            self._sockets.clear()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


def _watched(conn_class: type, deadline: _Deadline) -> type:
    """``conn_class`` (http.client's HTTP(S)Connection) with its sockets under the deadline:
    the plain socket as soon as it exists (a TLS handshake is covered too), then the
    socket requests go through."""

    class Watched(conn_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            create = self._create_connection
            self._create_connection = lambda *a, **k: deadline.watch(create(*a, **k))

        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    return Watched


def _deadline_opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib's usual opener (proxies from the environment, redirects, HTTPS) whose
    connections obey ``deadline``."""

    class HTTP(urllib.request.HTTPHandler):
        def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
            return super().do_open(_watched(http_class, deadline), req, **kwargs)

    class HTTPS(urllib.request.HTTPSHandler):
        def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
            return super().do_open(_watched(http_class, deadline), req, **kwargs)

    return urllib.request.build_opener(HTTP(), HTTPS())


def _graph_names(graphs: list[str], first: int = 3) -> str:
    """``<a>, <b>, <c>, ...`` (at most ``first``; each IRI cut at 100 characters)."""

    def one(g: str) -> str:
        if g == "":
            return "(default graph)"
        return f"<{g[:100]}…>" if len(g) > 100 else f"<{g}>"

    names = ", ".join(one(g) for g in graphs[:first])
    return names + (", ..." if len(graphs) > first else "")


def _progress(done: list[str], not_done: list[str], failed: str, state: str) -> str:
    """The second half of a push error: what the remote has now."""
    if done:
        have = f"{len(done)} of {len(done) + len(not_done)} graph(s) replaced on the remote ({_graph_names(done)})"
    else:
        have = "no graph replaced on the remote"
    rest = [g for g in not_done if g != failed]
    if state == "unknown":
        sent = f"{_graph_names([failed])} was being sent (may or may not be replaced)"
        left = f"; {len(rest)} not replaced ({_graph_names(rest)})" if rest else ""
        return f"{have}; {sent}{left}"
    return f"{have}; {len(not_done)} not replaced ({_graph_names(not_done)})"


def push(
    path: str | Path,
    endpoint: str,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
) -> list[Pushed]:
    """PUT every graph of a dump to ``endpoint`` (a Graph Store Protocol service).

    ``PUT {endpoint}?graph=<iri>`` replaces the graph, so pushing twice leaves
    the same data as pushing once. The body is N-Triples (UTF-8).

    ``timeout`` is a deadline in seconds for the whole upload (reading the dump is
    not counted): each request may take at most what remains of it, and a server
    that answers slowly, even byte by byte, is cut off when it passes. A push that
    stops part-way raises :class:`PushError`, which says (and lists) which graphs
    the remote already has; pushing again completes it.
    """
    if not endpoint.startswith(("http://", "https://")):
        raise OutputError(f"{endpoint}: the endpoint must be an http(s) URL")
    if not timeout > 0:
        raise OutputError(f"the push timeout must be a positive number of seconds, not {timeout}")
    quads = read_quads(path)
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        by_graph.setdefault(g, []).append(q.triple)
    headers = {"Content-Type": PUSH_FORMAT.media_type}
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    sep = "&" if "?" in endpoint else "?"
    order = sorted(by_graph)
    done: list[Pushed] = []
    deadline = _Deadline(timeout)
    opener = _deadline_opener(deadline)

    def stop(why: str, g: str, state: str) -> PushError:
        names = [p.graph for p in done]
        not_done = order[len(done) :]
        return PushError(
            f"{why}; {_progress(names, not_done, g, state)}", names, not_done, g, state
        )

    try:
        for i, g in enumerate(order, 1):
            at = f"graph {i} of {len(order)}"
            unique = sorted(set(by_graph[g]), key=str)
            body = ox.serialize(unique, format=PUSH_FORMAT)
            target = (
                endpoint
                + sep
                + ("default" if g == "" else "graph=" + urllib.parse.quote(g, safe=""))
            )
            req = urllib.request.Request(target, data=body, method="PUT", headers=headers)
            timed_out = (
                f"push to {endpoint} timed out after {timeout:g} s "
                f"(--timeout is for the whole push) at {at}"
            )
            if deadline.remaining() <= 0:
                raise stop(timed_out, g, "not replaced")
            try:
                with opener.open(req, timeout=deadline.remaining()) as resp:
                    status = resp.status
            except urllib.error.HTTPError as exc:
                if deadline.expired:
                    raise stop(timed_out, g, "unknown") from None
                try:
                    raw = exc.read(300)
                except OSError:
                    raw = b""
                detail = _one_line(Exception(raw.decode("utf-8", "replace")))
                raise stop(
                    f"push of {_graph_names([g])} ({at}) refused: HTTP {exc.code} {exc.reason}: {detail}",
                    g,
                    "not replaced",
                ) from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", None) or exc
                if deadline.expired or isinstance(reason, TimeoutError):
                    raise stop(timed_out, g, "unknown") from None
                state = "not replaced" if _never_connected(reason) else "unknown"
                raise stop(
                    f"cannot reach {endpoint} ({at}): {_one_line(Exception(str(reason)))}",
                    g,
                    state,
                ) from None
            finally:
                deadline.forget()
            done.append(Pushed(g, len(unique), status))
    finally:
        deadline.cancel()
    return done


def _never_connected(reason: object) -> bool:
    """The request never reached the server (so the graph was not replaced)."""
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror))
