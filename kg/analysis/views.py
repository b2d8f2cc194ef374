"""networkx views of the graph, each defined by a SPARQL projection.

A view is a versioned SELECT query in ``queries/views/{view}.rq`` (the kglab
lesson): the query decides what the nodes and edges are and which attributes
they carry; this module only turns its rows into a ``networkx.MultiDiGraph``.

Row convention (every view follows it):

- ``?node`` names a node; ``?n_x`` sets its attribute ``x``; ``?nl_x`` adds a
  value to its list attribute ``x``;
- ``?source`` and ``?target`` name an edge, ``?key`` its key (default: the
  value of ``?e_role``); ``?e_x`` sets an edge attribute ``x``, ``?el_x`` adds
  a value to the edge's list attribute ``x``;
- ``?src_x`` columns form one evidence record ``{x: ...}`` added to the
  ``sources`` list of the row's node (or edge, when the row names an edge).

A node or edge is usually spread over several rows; they are merged. Every
node of a view has the same attribute keys (an attribute a row never sets is
``None``, a list attribute ``[]``), and so has every edge, which is what a
table, GraphML or GEXF wants. Rows are merged in sorted order, so the graph
(attributes, list order, node and edge order) is the same on every run.

Exports (:func:`write_graph`): GraphML and GEXF hold scalars only, so lists
and dicts become JSON strings and ``None`` becomes ``""``; the graph attribute
``kg_attr_types`` (a JSON string, in the same file) records each attribute's
type, and :func:`decode_graph` (or :func:`read_graph`) restores the original
values. JSON is networkx node-link data with the values as they are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import InputError, KgError
from kg.read.sparql import KnowledgeGraph
from kg.read.store import FORMAT_BY_SUFFIX, OxigraphStore, check_nesting, union_into_default
from kg.read.store import graph_file as store_graph_file
from kg.vocab.kinds import ENTITY_VALUED, RESPONSIBILITY_KINDS, ROLES, roles_of

VIEWS = ("events", "actors")
FORMATS = ("graphml", "gexf", "json")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INT_TYPES = {
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOAT_TYPES = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


class ViewError(KgError):
    """A view, an input graph or an export format kg cannot use."""


# --------------------------------------------------------------------------- loading


def views_dir() -> Path:
    """The folder of the view queries: $KG_VIEWS_DIR, else views/ in $KG_QUERIES_DIR, else the
    repository's queries/views/."""
    env = os.environ.get("KG_VIEWS_DIR")
    if env:
        return Path(env)
    from kg.resources import queries_dir

    return queries_dir() / "views"


def view_query(view: str) -> str:
    """The SPARQL text that defines a view."""
    if view not in VIEWS:
        raise ViewError(f"unknown view {view!r} (choose from {', '.join(VIEWS)})")
    path = views_dir() / f"{view}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ViewError(f"cannot read the view query {view}.rq ({exc.strerror})") from exc
    for mark, value in role_marks().items():
        text = text.replace(f"%%{mark}%%", value)
    return text


def role_marks() -> dict[str, str]:
    """What a view's ``%%NAME%%`` marks stand for: the roles of kg.vocab.kinds in SPARQL."""
    entity = roles_of("entity")
    responsibility = [
        r for r in ROLES if r.kind in RESPONSIBILITY_KINDS and r.kind in ENTITY_VALUED
    ]
    return {
        "ROLE_PATH": "|".join(f"kgo:{r.term}" for r in entity),
        "ROLE_VALUES": " ".join(f'(kgo:{r.term} "{r.name}")' for r in entity),
        "RESPONSIBILITY_VALUES": " ".join(f'(kgo:{r.term} "{r.name}")' for r in responsibility),
    }


def graph_file(path: str | os.PathLike) -> Path:
    """The RDF file of a build output folder (graph.trig, else graph.nq), or the file itself
    (:func:`kg.read.store.graph_file`, its error as a :class:`ViewError`)."""
    try:
        return store_graph_file(path)
    except InputError as exc:
        raise ViewError(str(exc)) from None


def load_store(graph: Any) -> ox.Store:
    """A pyoxigraph store of ``graph``: a build folder, an RDF file, a store or an rdflib graph.

    Objects that wrap a store (an attribute ``store`` or ``graph``, like a loaded
    graph of ``kg.read.sparql``) are unwrapped.
    """
    return _dataset(graph)[0]


def _dataset(graph: Any) -> tuple[ox.Store, bool]:
    """The store, and whether a query must ask for the union of its graphs.

    A store kg makes here (from a file, a folder or an rdflib graph) gets the union of
    its named graphs copied into the default graph, as a set, like kg's query store
    (:func:`kg.read.store.union_into_default`): pyoxigraph's ``use_default_graph_as_union``
    matches a fact once per article that reports it, and the views' joins multiplied
    those matches (minutes for the events view of 1,000 articles). kg's own loaded
    graphs already hold that union. A store the caller made is not changed: it is
    queried over the union of its graphs, as before.
    """
    if isinstance(graph, KnowledgeGraph):
        graph = graph.oxigraph
    if isinstance(graph, OxigraphStore):
        return graph.store, False
    if isinstance(graph, ox.Store):
        return graph, True
    if isinstance(graph, str | os.PathLike):
        path = graph_file(graph)
        check_nesting(path)  # a dump nesting triple terms deep would crash the parser
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=FORMAT_BY_SUFFIX[path.suffix.lower()])
        except (SyntaxError, ValueError, OSError) as exc:
            raise ViewError(f"{path.name}: cannot parse ({exc})") from exc
        union_into_default(store)
        return store, False
    try:
        import rdflib
    except ImportError:  # pragma: no cover - rdflib is a dependency
        rdflib = None
    if rdflib is not None and isinstance(graph, rdflib.Graph):
        store = _store_from_rdflib(graph)
        union_into_default(store)
        return store, False
    for attr in ("store", "graph", "dataset"):
        inner = getattr(graph, attr, None)
        if inner is not None and inner is not graph:
            return _dataset(inner)
    raise ViewError(f"cannot read a graph from {type(graph).__name__}")


def _store_from_rdflib(graph) -> ox.Store:
    import rdflib

    def term(t):
        if isinstance(t, rdflib.URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, rdflib.BNode):
            return ox.BlankNode(str(t))
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))

    store = ox.Store()
    quads = []
    if isinstance(graph, rdflib.Dataset | rdflib.ConjunctiveGraph):
        for s, p, o, g in graph.quads((None, None, None, None)):
            gname = g.identifier if isinstance(g, rdflib.Graph) else g
            if gname is None or str(gname) == "urn:x-rdflib:default":
                quads.append(ox.Quad(term(s), term(p), term(o), ox.DefaultGraph()))
            else:
                quads.append(ox.Quad(term(s), term(p), term(o), term(gname)))
    else:
        for s, p, o in graph:
            quads.append(ox.Quad(term(s), term(p), term(o), ox.DefaultGraph()))
    store.extend(quads)
    return store


def _value(term: Any) -> Any:
    """A Python value for an RDF term: IRIs as strings, typed literals as int/float/bool/str."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        v = term.value
        if dt in _INT_TYPES:
            try:
                return int(v)
            except ValueError:
                return v
        if dt in _FLOAT_TYPES:
            try:
                return float(v)
            except ValueError:
                return v
        if dt == _XSD + "boolean":
            return v in ("true", "1")
        return v if v != "" else None
    return term.value  # NamedNode, BlankNode


def select(store: ox.Store, query: str, union: bool = True) -> list[dict[str, Any]]:
    """Run a SELECT on the union of the store's graphs; rows as {variable: value} (unbound left out).

    ``union`` False: the default graph already holds that union (see :func:`_dataset`).
    """
    try:
        solutions = store.query(query, use_default_graph_as_union=union)
    except (SyntaxError, ValueError, OSError) as exc:
        raise ViewError(f"SPARQL error: {exc}") from exc
    names = [v.value for v in solutions.variables]
    rows = []
    for sol in solutions:
        row = {}
        for name in names:
            v = _value(sol[name])
            if v is not None:
                row[name] = v
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- rows → graph


def _sort_key(row: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, type(v).__name__, str(v)) for k, v in row.items()))


def _source_key(src: Mapping[str, Any]) -> tuple:
    return (
        str(src.get("article", "")),
        src.get("start", -1) if isinstance(src.get("start"), int) else -1,
        src.get("end", -1) if isinstance(src.get("end"), int) else -1,
        json.dumps(src, sort_keys=True, ensure_ascii=False),
    )


def rows_to_graph(
    rows: Iterable[Mapping[str, Any]], columns: Iterable[str], **graph_attrs
) -> nx.MultiDiGraph:
    """Build a MultiDiGraph from view rows (see the module docstring for the convention).

    ``columns`` are the query's variables: they fix the attribute keys that every
    node and every edge gets, even when no row binds them.
    """
    columns = list(columns)
    node_scalars = [c[2:] for c in columns if c.startswith("n_")]
    node_lists = [c[3:] for c in columns if c.startswith("nl_")]
    edge_scalars = [c[2:] for c in columns if c.startswith("e_")]
    edge_lists = [c[3:] for c in columns if c.startswith("el_")]
    has_sources = any(c.startswith("src_") for c in columns)

    def blank(scalars, lists):
        attrs: dict[str, Any] = dict.fromkeys(scalars)
        for name in lists:
            attrs[name] = set()
        if has_sources:
            attrs["sources"] = {}
        return attrs

    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    node_order: list[str] = []
    edge_order: list[tuple[str, str, str]] = []

    def merge(attrs, row, scalar_prefix, list_prefix):
        for col, val in row.items():
            if col.startswith(list_prefix):
                attrs[col[len(list_prefix) :]].add(val)
            elif col.startswith(scalar_prefix):
                name = col[len(scalar_prefix) :]
                if attrs[name] is None:
                    attrs[name] = val
        src = {col[4:]: val for col, val in row.items() if col.startswith("src_")}
        if src:
            attrs["sources"][json.dumps(src, sort_keys=True, ensure_ascii=False)] = src

    def node(nid: str) -> dict[str, Any]:
        if nid not in nodes:
            nodes[nid] = blank(node_scalars, node_lists)
            node_order.append(nid)
        return nodes[nid]

    for row in sorted(rows, key=_sort_key):
        if "node" in row:
            merge(node(str(row["node"])), row, "n_", "nl_")
        elif "source" in row and "target" in row:
            u, v = str(row["source"]), str(row["target"])
            key = str(row.get("key", row.get("e_role", row.get("e_kind", "edge"))))
            ek = (u, v, key)
            if ek not in edges:
                edges[ek] = blank(edge_scalars, edge_lists)
                edge_order.append(ek)
                node(u)
                node(v)
            merge(edges[ek], row, "e_", "el_")

    def finish(attrs: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in attrs.items():
            if k == "sources":
                out[k] = sorted(v.values(), key=_source_key)
            elif isinstance(v, set):
                out[k] = sorted(v, key=lambda x: (type(x).__name__, str(x)))
            else:
                out[k] = v
        return out

    g = nx.MultiDiGraph(**graph_attrs)
    for nid in sorted(node_order):
        g.add_node(nid, **finish(nodes[nid]))
    for u, v, k in sorted(edge_order):
        g.add_edge(u, v, key=k, **finish(edges[(u, v, k)]))
    return g


def _columns(query: str) -> list[str]:
    """The projected variables of a SELECT (they define the attribute keys)."""
    import re

    head = query.split("WHERE", 1)[0]
    head = re.sub(r"#[^\n]*", "", head)
    head = head.split("SELECT", 1)[1] if "SELECT" in head else head
    return list(dict.fromkeys(re.findall(r"\?([A-Za-z_][A-Za-z0-9_]*)", head)))


def to_networkx(
    graph: Any, view: str = "events", min_confidence: float | None = None
) -> nx.MultiDiGraph:
    """A networkx view of a built graph.

    ``graph``: a build output folder, a graph.trig (or .nq/.ttl) file, a
    pyoxigraph Store, an rdflib Graph/Dataset, or an object wrapping one.
    ``view``: ``"events"`` (events and the entities they involve, edges = roles,
    responsibility and retaliation, each with evidence) or ``"actors"`` (who
    attacked whom: party → target per attack, and retaliation edges).
    ``min_confidence``: keep only the events whose confidence is at least this
    (events view only; :func:`keep_confident`).
    """
    if min_confidence is not None and view != "events":
        raise InputError("--min-confidence applies to the events view")
    query = view_query(view)
    store, union = _dataset(graph)
    rows = select(store, query, union)
    g = rows_to_graph(rows, _columns(query), view=view, query=f"queries/views/{view}.rq")
    return g if min_confidence is None else keep_confident(g, min_confidence)


def keep_confident(view: nx.MultiDiGraph, min_confidence: float) -> nx.MultiDiGraph:
    """The events view without the events whose confidence is below ``min_confidence``
    (or unknown), and without the entities that only they involved."""
    if not 0 <= min_confidence <= 1:
        raise InputError(f"the minimum confidence must be between 0 and 1, got {min_confidence}")
    g = view.copy()
    low = [
        n
        for n, d in g.nodes(data=True)
        if d.get("kind") == "event"
        and (d.get("confidence") is None or float(d["confidence"]) < min_confidence)
    ]
    touched = {m for n in low for m in nx.all_neighbors(g, n)} - set(low)
    g.remove_nodes_from(low)
    g.remove_nodes_from(sorted(n for n in touched if g.degree(n) == 0))
    g.graph["min_confidence"] = min_confidence
    return g


# --------------------------------------------------------------------------- export

_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}


def _attr_types(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for attrs in items:
        for k, v in attrs.items():
            kinds = found.setdefault(k, set())
            if v is None:
                continue
            kinds.add("json" if isinstance(v, list | dict | tuple) else _TYPES.get(type(v), "str"))
    types = {}
    for k, kinds in sorted(found.items()):
        if not kinds:
            types[k] = "str"
        elif len(kinds) == 1:
            types[k] = kinds.pop()
        elif kinds <= {"int", "float"}:
            types[k] = "float"
        else:
            types[k] = "json"
    return types


def _has_none(items: Iterable[Mapping[str, Any]], key: str) -> bool:
    return any(attrs.get(key) is None for attrs in items)


def _encode_value(v: Any, kind: str, as_text: bool) -> Any:
    if v is None:
        return ""
    if kind == "json":
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if kind == "float":
        v = float(v)
    if as_text:
        if kind == "bool":
            return "true" if v else "false"
        return repr(v) if kind == "float" else str(v)
    return v


def encode_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` with scalar attributes only, for GraphML and GEXF.

    Lists and dicts become JSON strings, ``None`` becomes ``""``. A key that has
    ``None`` somewhere is written as text everywhere (so every value of a key
    has one XML type); the graph attribute ``kg_attr_types`` says what each key
    was, for :func:`decode_graph`.
    """
    node_attrs = [d for _, d in g.nodes(data=True)]
    edge_attrs = [d for _, _, _, d in g.edges(keys=True, data=True)]
    types = {"node": _attr_types(node_attrs), "edge": _attr_types(edge_attrs)}
    as_text = {
        "node": {k for k in types["node"] if _has_none(node_attrs, k)},
        "edge": {k for k in types["edge"] if _has_none(edge_attrs, k)},
    }
    types["graph"] = dict(g.graph)
    out = nx.MultiDiGraph()
    for k, v in g.graph.items():
        out.graph[k] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    out.graph["kg_attr_types"] = json.dumps(types, sort_keys=True, ensure_ascii=False)
    for n, d in g.nodes(data=True):
        out.add_node(
            n, **{k: _encode_value(v, types["node"][k], k in as_text["node"]) for k, v in d.items()}
        )
    for u, v, key, d in g.edges(keys=True, data=True):
        out.add_edge(
            u,
            v,
            key=key,
            **{k: _encode_value(x, types["edge"][k], k in as_text["edge"]) for k, x in d.items()},
        )
    return out


def _decode_value(v: Any, kind: str) -> Any:
    if v == "" or v is None:
        return None
    if kind == "json":
        return json.loads(v) if isinstance(v, str) else v
    if kind == "int":
        return int(v)
    if kind == "float":
        return float(v)
    if kind == "bool":
        return v if isinstance(v, bool) else str(v).lower() in ("true", "1")
    return str(v)


def decode_graph(g: nx.Graph) -> nx.MultiDiGraph:
    """Undo :func:`encode_graph` on a graph read back from GraphML or GEXF."""
    raw = g.graph.get("kg_attr_types")
    if not raw and str(g.graph.get("name", "")).startswith("{"):
        raw = g.graph["name"]  # GEXF keeps no graph attributes but its name
    try:
        types = json.loads(raw) if raw else None
    except ValueError:
        types = None
    if not isinstance(types, dict) or not {"node", "edge"} <= types.keys():
        raise ViewError("not a kg export: the graph attribute kg_attr_types is missing")
    out = nx.MultiDiGraph()
    out.graph.update(types.get("graph", {}))
    for n, d in g.nodes(data=True):
        attrs = {k: _decode_value(v, types["node"][k]) for k, v in d.items() if k in types["node"]}
        out.add_node(n, **attrs)
    edges = (
        g.edges(keys=True, data=True)
        if g.is_multigraph()
        else ((u, v, None, d) for u, v, d in g.edges(data=True))
    )
    for u, v, key, d in edges:
        attrs = {k: _decode_value(x, types["edge"][k]) for k, x in d.items() if k in types["edge"]}
        out.add_edge(u, v, key=key, **attrs)
    return out


def graph_to_json(g: nx.MultiDiGraph) -> str:
    """networkx node-link data (``nodes``, ``edges``), values as they are."""
    try:
        data = nx.node_link_data(g, edges="edges")
    except TypeError:  # networkx < 3.4 calls it "link"
        data = nx.node_link_data(g, link="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_graph(g: nx.MultiDiGraph, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write a view as GraphML, GEXF or node-link JSON (format from ``fmt`` or the suffix)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ViewError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    from kg.pipeline.dumps import write_atomic

    if fmt == "json":
        data = graph_to_json(g).encode("utf-8")
    else:
        enc = encode_graph(g)
        if fmt == "graphml":
            data = (
                "\n".join(nx.generate_graphml(enc, encoding="utf-8", prettyprint=True)).encode(
                    "utf-8"
                )
                + b"\n"
            )
        else:
            # GEXF stores no graph attributes but a name: the name carries the attribute types
            enc.graph = {"name": enc.graph["kg_attr_types"]}
            data = (
                "\n".join(nx.generate_gexf(enc, encoding="utf-8", prettyprint=True)).encode("utf-8")
                + b"\n"
            )
    write_atomic(path, data)
    return path


def read_graph(path: str | os.PathLike) -> nx.MultiDiGraph:
    """Read a view written by :func:`write_graph`, with every attribute decoded."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt == "graphml":
        return decode_graph(nx.read_graphml(path, force_multigraph=True))
    if fmt == "gexf":
        return decode_graph(nx.read_gexf(path))
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
        except TypeError:  # networkx < 3.4
            return nx.node_link_graph(data, directed=True, multigraph=True, link="edges")
    raise ViewError(f"{path.name}: unknown export format")
