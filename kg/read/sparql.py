"""Querying a built graph: ``kg.load`` and ``kg.query``, named queries, parameters, result formats.

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
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.read.lexer import Token, nesting, query_variables, readings, tokenize, unescape
from kg.read.results import (
    FLOAT_TYPES,
    GRAPH_FORMATS,
    INT_TYPES,
    SELECT_FORMATS,
    XSD,
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

# kg.read.sparql is the query API; what it used to define itself and now imports (the
# lexer, the result writers) stays importable from here.
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

PARAM_TYPES = {"iri", "string", "literal", "text", "date", "integer", "int", "year"}


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
# Named queries
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "IRI", "string", "date" ... as written in the header
    meaning: str

    @property
    def wants_iri(self) -> bool:
        return self.type.lower() == "iri"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path | None
    text: str
    question: str
    params: tuple[Param, ...]


def queries_dir() -> Path:
    """The named queries' folder: $KG_QUERIES_DIR, else kg's own (package data)."""
    from kg.resources import queries_dir as packaged

    return packaged()


_PARAM_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)")


def parse_header(text: str) -> tuple[str, tuple[Param, ...]]:
    """The ``# Question:`` and ``# Params:`` lines at the top of a query."""
    question = ""
    params: list[Param] = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        body = s.lstrip("#").strip()
        low = body.lower()
        if low.startswith("question:"):
            question = body.split(":", 1)[1].strip()
        elif low.startswith("params:"):
            for m in _PARAM_RE.finditer(body.split(":", 1)[1]):
                kind, _, meaning = m.group(2).partition(",")
                params.append(Param(m.group(1), kind.strip(), meaning.strip()))
    return question, tuple(params)


def _named(path: Path, name: str) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path.name}: cannot be read ({exc})") from exc
    question, params = parse_header(text)
    return NamedQuery(name, path, text, question, params)


def named_queries(folder: Path | None = None) -> list[NamedQuery]:
    """The competency questions (``queries/*.rq``), by name."""
    folder = folder or queries_dir()
    return [_named(p, p.stem) for p in sorted(folder.glob("*.rq"))]


def check_queries(folder: Path | None = None) -> list[NamedQuery]:
    """The validation checks (``queries/checks/*-violation.rq``): each must return no rows."""
    folder = (folder or queries_dir()) / "checks"
    return [_named(p, f"checks/{p.stem}") for p in sorted(folder.glob("*-violation.rq"))]


def looks_like_sparql(text: str) -> bool:
    return bool(re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text, re.IGNORECASE)) and (
        "{" in text or "\n" in text
    )


def resolve(sparql_or_name: str, folder: Path | None = None) -> NamedQuery:
    """A query text, a ``.rq`` file, or the name of a query in queries/ (never outside it)."""
    text = sparql_or_name
    if looks_like_sparql(text):
        question, params = parse_header(text)
        return NamedQuery("(inline)", None, text, question, params)
    if text.endswith(".rq") and Path(text).is_file():
        p = Path(text)
        return _named(p, p.stem)
    name = text[:-3] if text.endswith(".rq") else text
    if "/" in name or "\\" in name or ".." in name or name.startswith(".") or not name:
        raise QueryError(
            f"{text!r}: a query name may not contain '/' or '..' (give the path of an existing .rq file instead)"
        )
    folder = folder or queries_dir()
    path = folder / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(q.name for q in named_queries(folder)) or "none"
        raise QueryError(f"no query named {name!r} in queries/ (known: {known})")
    return _named(path, name)


# ---------------------------------------------------------------------------
# Parameters: text → RDF terms
# ---------------------------------------------------------------------------

_LANG_RE = re.compile(r"^(.*)@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)$", re.DOTALL)
_PNAME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?:(\S*)$")


def parse_term(value: str, known: Mapping[str, str] | None = None) -> Term:
    """A command-line value as an RDF term.

    ``<iri>`` or ``http(s)://...`` → IRI; ``prefix:local`` with a known prefix → IRI;
    ``text@ar`` → language literal; ``text^^xsd:date`` → typed literal; else a plain literal.
    """
    known = prefixes() if known is None else known
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        return _iri(v[1:-1])
    if v.startswith(("http://", "https://")) and not any(c.isspace() for c in v):
        return _iri(v)
    m = _PNAME_RE.match(v)
    if m and (m.group(1) or "") in known and "://" not in v:
        return _iri(known[m.group(1) or ""] + m.group(2))
    if "^^" in value:
        lex, _, dtype = value.rpartition("^^")
        dt_term = parse_term(dtype, known)
        if isinstance(dt_term, ox.NamedNode):
            return ox.Literal(lex, datatype=dt_term)
    m = _LANG_RE.match(value)
    if m:
        return ox.Literal(m.group(1), language=m.group(2).lower())
    return ox.Literal(value)


def _iri(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise QueryError(f"<{text}> is not a valid IRI ({exc})") from None


def coerce_param(param: Param | None, value: Any) -> Term:
    """A parameter value (text or python value) as an RDF term, checked against its declared type."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        term = value
    elif isinstance(value, bool):
        term = ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    elif isinstance(value, int):
        term = ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    elif isinstance(value, dt.date):
        term = ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    elif hasattr(value, "n3") and type(value).__module__.startswith("rdflib"):
        from kg.read.store import from_rdflib

        term = from_rdflib(value)
    else:
        term = parse_term(str(value))
    if param is None:
        return term
    kind = param.type.lower()
    if param.wants_iri and not isinstance(term, ox.NamedNode):
        raise QueryError(
            f"parameter {param.name} needs an IRI (<...>, http(s)://... or a prefixed name like kgr:entity/...), got {value!r}"
        )
    if kind == "date" and isinstance(term, ox.Literal) and term.datatype.value == XSD + "string":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value):
            raise QueryError(f"parameter {param.name} needs a date YYYY-MM-DD, got {value!r}")
        term = ox.Literal(term.value, datatype=ox.NamedNode(XSD + "date"))
    if (
        kind in ("integer", "int")
        and isinstance(term, ox.Literal)
        and term.datatype.value == XSD + "string"
    ):
        if not re.fullmatch(r"-?\d+", term.value):
            raise QueryError(f"parameter {param.name} needs an integer, got {value!r}")
        term = ox.Literal(term.value, datatype=ox.NamedNode(XSD + "integer"))
    return term


def bind_params(q: NamedQuery, params: Mapping[str, Any] | None) -> dict[str, Term]:
    """Check the parameters against the query's header (or its variables) and make them terms."""
    params = dict(params or {})
    declared = {p.name: p for p in q.params}
    if declared or q.path is not None:  # a query file: its header is the contract
        unknown = sorted(set(params) - set(declared))
        if unknown:
            takes = ", ".join(declared) or "no parameters"
            raise QueryError(f"unknown parameter {unknown[0]!r} for {q.name} (it takes: {takes})")
        missing = [p for p in q.params if p.name not in params]
        if missing:
            p = missing[0]
            raise QueryError(
                f"missing parameter {p.name} for {q.name}: {p.type}, {p.meaning}".rstrip(", ")
            )
    else:
        variables = query_variables(q.text)
        unknown = sorted(set(params) - variables, key=str)
        if unknown:
            raise QueryError(
                f"unknown parameter {unknown[0]!r}: the query has no ?{_printable(unknown[0])}"
            )
    out = {}
    for k, v in params.items():
        _unicode_text(f"parameter {_printable(k)}", v)
        try:
            out[k] = coerce_param(declared.get(k), v)
        except ValueError as exc:  # pyoxigraph refusing a term the checks above let through
            raise QueryError(f"parameter {_printable(k)}: {' '.join(str(exc).split())}") from None
    return out


def _printable(value: Any) -> str:
    """Text for a one-line message: lone surrogates and control characters escaped."""
    text = str(value)
    if text.isprintable():
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            pass
    return repr(text)[1:-1]


def _unicode_text(what: str, value: Any) -> None:
    """Refuse text that is not Unicode: a lone surrogate (from bytes that were not UTF-8
    in a command line, or from a Python string built by hand) cannot be an RDF term."""
    if not isinstance(value, str):
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"{what} is not valid Unicode text: a lone surrogate {value[exc.start]!r} "
            f"at character {exc.start + 1} (bytes that are not UTF-8?)"
        ) from None


# ---------------------------------------------------------------------------
# The checks made on a query's text before it runs (read from the tokens of
# kg.read.lexer, the one SPARQL lexer)
# ---------------------------------------------------------------------------

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
MAX_QUERY_BYTES = 256 * 1024
"""The largest query ``kg serve`` runs (UTF-8 bytes)."""
MAX_NESTING = 200
"""The deepest nesting of ``{ ( [ <<`` a query may have (kg serve and kg.query)."""


class UnsafeQuery(QueryError, PermissionError):
    """A query kg will not run: an update, or a SERVICE call to another endpoint."""


def _mentions_service(name: str) -> bool:
    # Oxigraph matches keywords by ASCII case folding and without a word boundary
    # (trueSERVICE<...>{} and SERVICEex:x{} call out); rdflib folds with upper().
    return "SERVICE" in name.upper()


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _absolute_iri(token: str) -> str | None:
    """The value of an IRIREF token when it is an absolute IRI, else None."""
    try:
        value = unescape(token[1:-1])
    except QueryError:
        return None
    return value if _SCHEME.match(value) else None


def _expands(namespace: str | None, local: str) -> bool:
    """Whether ``prefix:local`` is a valid IRI for Oxigraph (else it would read the
    bare ``prefix:`` and go on with ``local`` as code: ``ex:SERVICE<...>{}``)."""
    if namespace is None:
        return False
    try:
        ox.NamedNode(namespace + local.replace("\\", ""))
    except ValueError:
        return False
    return True


def _service_token(tokens: list[Token], known: Mapping[str, str]) -> Token | None:
    """The first token that a SPARQL parser could read as the SERVICE keyword."""
    declared: dict[str, str | None] = dict(known)
    for i, t in enumerate(tokens):
        if t.kind in ("word", "langtag") and _mentions_service(t.text):
            return t
        if t.kind != "pname":
            continue
        prefix, _, local = t.text.partition(":")
        if _mentions_service(prefix):
            return t
        if local.upper().startswith("SERVICE") and not _expands(declared.get(prefix), local):
            return t
        if not local and i >= 1 and tokens[i - 1].text.upper() == "PREFIX":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            declared[prefix] = _absolute_iri(nxt.text) if nxt and nxt.kind == "iri" else None
    return None


def check_query(
    text: str,
    *,
    max_bytes: int | None = None,
    max_depth: int | None = MAX_NESTING,
    known_prefixes: Mapping[str, str] | None = None,
) -> None:
    """Refuse, before any parser sees it, a query kg will not run.

    ``UnsafeQuery`` (a ``QueryError`` and a ``PermissionError``) for an update or a
    SERVICE keyword anywhere (any case, any spelling of the target, in a subquery,
    after codepoint escapes); ``QueryError`` for text that is not Unicode, over
    ``max_bytes`` UTF-8 bytes, or nested deeper than ``max_depth`` (a parser's
    recursion would overflow its stack). ``known_prefixes`` are the prefixes the
    engine is given besides the query's own PREFIX lines (default: kg's).
    """
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"the query is not valid Unicode text (a lone surrogate {text[exc.start]!r} "
            f"at character {exc.start + 1})"
        ) from None
    if max_bytes is not None and size > max_bytes:
        raise QueryError(
            f"query too large: {size:,} bytes (the limit is {max_bytes:,}); "
            "send a shorter query or bind values as parameters"
        )
    known = prefixes() if known_prefixes is None else known_prefixes
    for reading in readings(text):
        tokens = tokenize(reading)
        if max_depth is not None:
            depth = nesting(tokens)
            if depth > max_depth:
                raise QueryError(
                    f"query nested too deeply: {depth} levels of brackets (the limit is {max_depth})"
                )
        for t in tokens:
            if t.kind == "word" and t.text.upper() in UPDATE_KEYWORDS:
                raise UnsafeQuery(f"{t.text.upper()} refused: kg runs read-only queries")
        found = _service_token(tokens, known)
        if found is not None:
            where = f"at character {found.start + 1}"
            if found.text.upper() != "SERVICE":
                where = f"{found.text[:40]!r} {where} reads as the SERVICE keyword"
            raise UnsafeQuery(f"SERVICE refused: kg never calls other endpoints ({where})")


def refuse_unsafe(text: str) -> None:
    """Raise ``UnsafeQuery`` (a ``PermissionError``) for an update or a SERVICE call."""
    check_query(text, max_depth=None)


_STACK_BYTES = 512 * 1024 * 1024
_STACK_LOCK = threading.Lock()


def on_big_stack(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a thread with a 512 MB stack.

    Oxigraph's parser and evaluator recurse once per element of a chain (10,000
    ``1+1+...`` or 3,000 ``BIND``s in a 20 KB query overflow the usual 8 MB stack
    and kill the process); with 512 MB every query under 256 KB measured was
    parsed. The stack is address space, used only as deep as a query needs.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    with _STACK_LOCK:
        try:
            previous = threading.stack_size(_STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform without it: the caller's stack
            return fn(*args, **kwargs)
        try:
            thread = threading.Thread(target=target, name="kg-query", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


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
