"""Querying a built graph: ``kg.load`` and ``kg.query``.

>>> import kg
>>> g = kg.load("out")                                   # graph.trig in a pyoxigraph Store
>>> kg.query(g, "withdrawals")                           # a named query from queries/
>>> kg.query(g, "attacks-on-base", {"base": "kgr:entity/camp-taji"}, as_="dataframe")
>>> kg.query(g, "attacks-on-base", {"base": "قاعدة التاجي"})  # a name: kg says which entity

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

import re
import warnings
from collections.abc import Callable, Mapping
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
from kg.read.names import Named, NameIndex, describe_choice
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
    "NameChosen",
    "NamedQuery",
    "OxigraphStore",
    "QueryRows",
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
    "to_dataframe",
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
        self._names: NameIndex | None = None

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

    def names(self) -> NameIndex:
        """The entities' names (the graph's labels and the gazetteer's), built once."""
        if self._names is None:
            self._names = NameIndex.for_store(self.oxigraph)
        return self._names

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


class QueryRows(list):
    """What ``kg.query`` returns for a SELECT (a list of dicts) or a CONSTRUCT (a list of
    (s, p, o) tuples): a plain list, plus ``variables``, ``resolved`` (the parameters given
    as names, and the IRI each was bound to), ``to_dataframe()`` and an HTML table in
    Jupyter (IRIs shortened to prefixed names)."""

    def __init__(
        self,
        rows: list,
        variables: tuple[str, ...] = (),
        resolved: Mapping[str, str] | None = None,
        kind: str = "select",
    ) -> None:
        super().__init__(rows)
        self.kind = kind
        self.variables = tuple(variables) or (
            ("subject", "predicate", "object") if kind == "graph" else ()
        )
        self.resolved = dict(resolved or {})

    def to_dataframe(self, short: bool = True) -> Any:
        """A pandas DataFrame: dates as real dates (with a precision column where some are
        only a month or a year), counts as nullable integers (``Int64``), IRIs as prefixed
        names unless ``short=False``."""
        return to_dataframe(self, self.variables, short=short, resolved=self.resolved)

    def _repr_html_(self) -> str:
        import html

        names = prefixes()
        limit = 200
        cols = list(self.variables)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = []
        for row in list(self)[:limit]:
            values = [row.get(c) for c in cols] if isinstance(row, dict) else list(row)
            cells = "".join(f"<td>{html.escape(_display(v, names))}</td>" for v in values)
            body.append(f"<tr>{cells}</tr>")
        note = f"{len(self)} row(s)" + (f", the first {limit} shown" if len(self) > limit else "")
        if self.resolved:
            note += "; " + ", ".join(
                f"{html.escape(k)} = {html.escape(short_name(v, names))}"
                for k, v in self.resolved.items()
            )
        return (
            f'<table class="kg-rows"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table><p><small>{note}</small></p>"
        )


def short_name(value: str, names: Mapping[str, str] | None = None) -> str:
    """An IRI as a prefixed name (``ent:camp-taji``) when a kg prefix covers it."""
    names = prefixes() if names is None else names
    best = ""
    for prefix, ns in names.items():
        if value.startswith(ns) and len(ns) > len(names.get(best, "")):
            best = prefix
    if best and value[len(names[best]) :]:
        return f"{best}:{value[len(names[best]) :]}"
    return value


def _display(value: Any, names: Mapping[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return short_name(value, names)
    return str(value)


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _date_and_precision(value: Any) -> tuple[Any, str | None]:
    """(a Timestamp or None, "day" / "month" / "year" or None) of a date value."""
    import datetime as dt

    import pandas as pd

    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value), "day"
    if isinstance(value, dt.date):
        return pd.Timestamp(value), "day"
    m = _PARTIAL_DATE.match(str(value))
    if not m:
        return None, None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        stamp = pd.Timestamp(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, None
    return stamp, "day" if day else "month" if month else "year"


def _is_date_column(name: str, values: list) -> bool:
    import datetime as dt

    present = [v for v in values if v is not None]
    if not present:
        return "date" in name.lower()
    if not all(
        isinstance(v, dt.date) or (isinstance(v, str) and _PARTIAL_DATE.match(v)) for v in present
    ):
        return False
    return "date" in name.lower() or any(isinstance(v, dt.date) for v in present)


def to_dataframe(
    rows: list,
    variables: tuple[str, ...] | list[str],
    *,
    short: bool = True,
    resolved: Mapping[str, str] | None = None,
) -> Any:
    """Rows of python values (``kg.query``'s) as a typed pandas DataFrame.

    - a date column (xsd:date, or the ``2020-04`` / ``2021`` of a month or a year) becomes
      datetime64, the first day of its month or year; where some dates are only a month or
      a year, a precision column says which (``precision`` beside ``date``, else
      ``{column}_precision``; a query that selects its own ``precision`` keeps it);
    - a column of integers with gaps (killed, wounded) becomes ``Int64``, not float with NaN,
      and one of booleans ``boolean``;
    - IRIs become prefixed names (``ent:camp-taji``, ``ev:…``) unless ``short=False``.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise QueryError("a DataFrame needs pandas: pip install 'kg[notebook]'") from exc
    cols = list(variables)
    if rows and not isinstance(rows[0], dict):
        rows = [dict(zip(cols, r, strict=False)) for r in rows]
    names = prefixes()
    data: dict[str, Any] = {}
    for col in cols:
        values = [r.get(col) for r in rows]
        if _is_date_column(col, values):
            pairs = [_date_and_precision(v) for v in values]
            data[col] = pd.Series([p[0] for p in pairs], dtype="datetime64[ns]")
            precisions = [p[1] for p in pairs]
            if any(p not in (None, "day") for p in precisions):
                target = "precision" if col == "date" else f"{col}_precision"
                if target not in cols:
                    data[target] = pd.Series(precisions, dtype="string")
            continue
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            data[col] = pd.Series(values, dtype="Int64")
        elif present and all(isinstance(v, bool) for v in present):
            data[col] = pd.Series(values, dtype="boolean")
        elif short and present and all(isinstance(v, str) for v in present):
            data[col] = pd.Series(
                [_display(v, names) if v is not None else None for v in values], dtype=object
            )
        else:
            data[col] = pd.Series(values, dtype=object)
    order = []
    for col in cols:
        order.append(col)
        for extra in ("precision" if col == "date" else f"{col}_precision",):
            if extra in data and extra not in cols:
                order.append(extra)
    frame = pd.DataFrame({c: data[c] for c in order}, columns=order)
    frame.attrs["resolved"] = dict(resolved or {})
    return frame


class NameChosen(UserWarning):
    """kg.query bound a parameter given as a name to the entity it names
    (``base: Camp Taji → kgr:entity/camp-taji``); the result's ``resolved`` says the same."""


def _names_of(graph: Any) -> Callable[[], NameIndex]:
    if isinstance(graph, KnowledgeGraph):
        return graph.names
    return lambda: NameIndex.for_store(graph)


def run(
    graph: KnowledgeGraph | OxigraphStore | RdflibStore,
    sparql_or_name: str,
    params: Mapping[str, Any] | None = None,
    *,
    engine: str = "oxigraph",
    max_rows: int | None = None,
    on_name: Callable[[str, str, Named], None] | None = None,
) -> Result:
    """Resolve, check, bind and run a query; the neutral :class:`kg.read.store.Result`.

    An IRI parameter given as a name is bound to the entity it names (the graph's and
    the gazetteer's names, :mod:`kg.read.names`); ``on_name(parameter, text, entity)``
    hears of each choice.

    Updates and SERVICE are refused (``UnsafeQuery``), as is a query nested deeper
    than :data:`MAX_NESTING`; the query runs on a thread with a large stack
    (:func:`on_big_stack`), so a long chain cannot crash the calling process.
    """
    q = resolve(sparql_or_name)
    check_query(q.text)
    bindings = bind_params(q, params, names=_names_of(graph), on_name=on_name)
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
    strings, int, float, bool, ``datetime.date``; None when unbound; CONSTRUCT: a list
    of (s, p, o) tuples; both as :class:`QueryRows`, which also has ``variables``,
    ``resolved``, ``to_dataframe()`` and an HTML table; ASK: a bool), "dataframe" (the
    same rows as a typed pandas DataFrame, :func:`to_dataframe`), "rdflib" (an
    ``rdflib.query.Result`` with rdflib terms). ``engine``: "oxigraph" (default) or
    "rdflib". Errors raise ``QueryError``.

    A parameter the query declares as an IRI may be a name (English or Arabic, any
    label or alias the gazetteer or the graph knows, :mod:`kg.read.names`): the entity
    chosen is announced with a :class:`NameChosen` warning and kept in the rows'
    ``resolved``; a name that fits several raises ``AmbiguousName`` listing them.
    """
    if as_ not in ("rows", "dataframe", "rdflib"):
        raise QueryError(f"as_={as_!r}: choose 'rows', 'dataframe' or 'rdflib'")
    if isinstance(graph, str | Path):
        graph = load(graph)
    chosen: dict[str, Named] = {}

    def heard(param: str, text: str, entity: Named) -> None:
        chosen[param] = entity
        warnings.warn(describe_choice(param, text, entity), NameChosen, stacklevel=5)

    try:
        result = run(graph, sparql_or_name, params, engine=engine, on_name=heard)
    except QueryError:
        raise
    except KgError as exc:
        raise QueryError(str(exc)) from exc
    if as_ == "rdflib":
        return to_rdflib_result(result)
    rows = to_rows(result)
    resolved = {k: e.iri for k, e in chosen.items()}
    if result.kind != "ask":
        rows = QueryRows(rows, result.variables, resolved, result.kind)
    if as_ == "rows":
        return rows
    if result.kind == "ask":
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise QueryError("as_='dataframe' needs pandas: pip install 'kg[notebook]'") from exc
        return pd.DataFrame([{"answer": rows}])
    return rows.to_dataframe()
