"""Querying a built graph: ``kg.load`` and ``kg.query``.

>>> import kg
>>> g = kg.load("out")                                   # graph.trig in a pyoxigraph Store
>>> kg.query(g, "withdrawals")                           # a named query from queries/
>>> kg.query(g, "attacks-on-base", {"base": "kgr:entity/camp-taji"}, as_="dataframe")

Named queries are the ``.rq`` files of the repository's ``queries/`` folder
(or ``$KG_QUERIES_DIR``). Each starts with ``# Question: ...`` and, when it
takes parameters, ``# Params: name (type, meaning), ...``. A parameter is
bound as an RDF term (pyoxigraph ``substitutions`` / rdflib ``initBindings``),
never pasted into the query text. Both engines see the same dataset: the
default graph is the union of the named graphs.

This module is the query API and runs queries; the parts it puts together have
modules of their own: :mod:`kg.read.queries` (named queries), :mod:`kg.read.params`
(parameters as RDF terms), :mod:`kg.read.guard` (the checks before a query runs),
:mod:`kg.read.lexer` (the one SPARQL lexer), :mod:`kg.read.results` (answers as
Python values, rdflib objects or bytes) and :mod:`kg.read.formats` (the formats).
Their public names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.read.guard import (
    MAX_NESTING,
    MAX_QUERY_BYTES,
    UPDATE_KEYWORDS,
    UnsafeQuery,
    check_query,
    on_big_stack,
    refuse_unsafe,
)
from kg.read.lexer import Token, nesting, query_variables, readings, tokenize
from kg.read.params import PARAM_TYPES, bind_params, coerce_param, parse_term
from kg.read.queries import (
    NamedQuery,
    Param,
    check_queries,
    looks_like_sparql,
    named_queries,
    parse_header,
    queries_dir,
    resolve,
)
from kg.read.results import (
    FLOAT_TYPES,
    GRAPH_FORMATS,
    INT_TYPES,
    SELECT_FORMATS,
    graph_bytes,
    python_value,
    results_csv,
    results_json,
    results_tsv,
    results_xml,
    serialize,
    to_rdflib_result,
    to_rows,
)
from kg.read.store import (
    ENGINES,
    XSD,
    OxigraphStore,
    RdflibStore,
    Result,
    Term,
    graph_file,
    prefixes,
    rdflib_dataset,
    read_quads,
    to_rdflib,
    triples_per_graph,
)

# kg.read.sparql is the query API; what it used to define itself and now imports (named
# queries, parameters, the guard, the lexer, the result writers) stays importable from here.
__all__ = [
    "ENGINES",
    "FLOAT_TYPES",
    "GRAPH_FORMATS",
    "INT_TYPES",
    "MAX_NESTING",
    "MAX_QUERY_BYTES",
    "PARAM_TYPES",
    "SELECT_FORMATS",
    "UPDATE_KEYWORDS",
    "XSD",
    "KnowledgeGraph",
    "NamedQuery",
    "OxigraphStore",
    "Param",
    "RdflibStore",
    "Result",
    "Term",
    "Token",
    "UnsafeQuery",
    "bind_params",
    "check_queries",
    "check_query",
    "coerce_param",
    "graph_bytes",
    "graph_file",
    "load",
    "looks_like_sparql",
    "named_queries",
    "nesting",
    "on_big_stack",
    "parse_header",
    "parse_term",
    "prefixes",
    "python_value",
    "queries_dir",
    "query",
    "query_variables",
    "rdflib_dataset",
    "read_quads",
    "readings",
    "refuse_unsafe",
    "resolve",
    "results_csv",
    "results_json",
    "results_tsv",
    "results_xml",
    "run",
    "serialize",
    "to_rdflib",
    "to_rdflib_result",
    "to_rows",
    "tokenize",
    "triples_per_graph",
]


# ---------------------------------------------------------------------------
# The loaded graph
# ---------------------------------------------------------------------------


class KnowledgeGraph:
    """A built graph in memory: a pyoxigraph Store, and an rdflib Dataset on request."""

    def __init__(self, quads: list[ox.Quad], path: Path | None = None) -> None:
        self.path = path
        self._quads = quads
        self.oxigraph = OxigraphStore.from_quads(quads)
        self._rdflib: RdflibStore | None = None

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph Store; its default graph holds the union of the named graphs
        (query it directly, without ``use_default_graph_as_union``)."""
        return self.oxigraph.store

    def rdflib(self) -> Any:
        """The same data as an rdflib ``Dataset`` (union default graph), built once."""
        return self._rdflib_store().dataset

    def _rdflib_store(self) -> RdflibStore:
        if self._rdflib is None:
            self._rdflib = RdflibStore(rdflib_dataset(self._quads))
        return self._rdflib

    def engine(self, name: str = "oxigraph") -> OxigraphStore | RdflibStore:
        if name == "oxigraph":
            return self.oxigraph
        if name == "rdflib":
            return self._rdflib_store()
        raise QueryError(f"unknown engine {name!r} (choose {' or '.join(ENGINES)})")

    def graphs(self) -> list[str]:
        """The named graphs' IRIs, sorted."""
        return sorted(g for g in triples_per_graph(self._quads) if g)

    def triples_per_graph(self) -> dict[str, int]:
        return triples_per_graph(self._quads)

    def __len__(self) -> int:
        """Number of quads."""
        return len(self.oxigraph)

    def query(self, sparql_or_name: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        return query(self, sparql_or_name, params, **kw)

    def __repr__(self) -> str:
        where = f" from {self.path}" if self.path else ""
        return f"<KnowledgeGraph {len(self)} quads in {len(self.graphs())} graphs{where}>"


def load(path: str | Path = "out") -> KnowledgeGraph:
    """Load a built graph: a folder holding graph.trig (from ``kg build``) or an RDF file."""
    p = graph_file(path)
    return KnowledgeGraph(read_quads(p), p)


# ---------------------------------------------------------------------------
# Running queries
# ---------------------------------------------------------------------------


def run(
    graph: KnowledgeGraph | OxigraphStore | RdflibStore,
    sparql_or_name: str,
    params: Mapping[str, Any] | None = None,
    *,
    engine: str = "oxigraph",
    max_rows: int | None = None,
) -> Result:
    """Resolve, check, bind and run a query; the neutral :class:`kg.read.store.Result`.

    Updates and SERVICE are refused (``UnsafeQuery``), as is a query nested deeper
    than :data:`MAX_NESTING`; the query runs on a thread with a large stack
    (:func:`on_big_stack`), so a long chain cannot crash the calling process.
    """
    q = resolve(sparql_or_name)
    check_query(q.text)
    bindings = bind_params(q, params)
    store = graph.engine(engine) if isinstance(graph, KnowledgeGraph) else graph
    return on_big_stack(store.query, q.text, bindings, max_rows=max_rows)


def query(
    graph: KnowledgeGraph | str | Path,
    sparql_or_name: str,
    params: Mapping[str, Any] | None = None,
    as_: str = "rows",
    *,
    engine: str = "oxigraph",
) -> Any:
    """Run a SPARQL query (text, .rq file, or the name of a query in queries/).

    ``as_``: "rows" (SELECT: a list of dicts of python values — str for IRIs and
    strings, int, float, bool, ``datetime.date``; None when unbound; ASK: a bool;
    CONSTRUCT: a list of (s, p, o) tuples), "dataframe" (a pandas DataFrame of
    the same rows), "rdflib" (an ``rdflib.query.Result`` with rdflib terms).
    ``engine``: "oxigraph" (default) or "rdflib". Errors raise ``QueryError``.
    """
    if as_ not in ("rows", "dataframe", "rdflib"):
        raise QueryError(f"as_={as_!r}: choose 'rows', 'dataframe' or 'rdflib'")
    if isinstance(graph, str | Path):
        graph = load(graph)
    try:
        result = run(graph, sparql_or_name, params, engine=engine)
    except QueryError:
        raise
    except KgError as exc:
        raise QueryError(str(exc)) from exc
    if as_ == "rdflib":
        return to_rdflib_result(result)
    rows = to_rows(result)
    if as_ == "rows":
        return rows
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise QueryError("as_='dataframe' needs pandas: pip install 'kg[notebook]'") from exc
    if result.kind == "select":
        return pd.DataFrame(rows, columns=list(result.variables))
    if result.kind == "graph":
        return pd.DataFrame(rows, columns=["subject", "predicate", "object"])
    return pd.DataFrame([{"answer": rows}])
