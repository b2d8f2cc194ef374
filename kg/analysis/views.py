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

Exports (:func:`write_graph`): GraphML and GEXF hold typed scalars (numbers,
booleans, ISO date strings; lists and dicts as JSON strings; an unknown value is
left out), a bilingual ``label`` on every node, and ``start``/``end`` on events
in GEXF for Gephi's timeline (see the export section below); the types of the
attributes travel in the file (``kg_attr_types``), and :func:`read_graph` (or
:func:`decode_graph`) restores the original values. JSON is networkx node-link
data with the values as they are.
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
    """An rdflib graph or dataset in an Oxigraph store (kg's one term converter)."""
    import rdflib

    from kg.read.store import from_rdflib as term

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
#
# What the written files hold (GraphML for Cytoscape, yEd, networkx; GEXF for Gephi):
#
# - every attribute keeps its type: numbers are int / double, booleans boolean, dates ISO
#   strings; lists and dicts are JSON strings. An unknown value (None) is left out of the
#   node or edge, so a numeric column stays numeric (nothing can size a node by "" killed).
# - each node has a ``label`` (its English label, else the Arabic one, else the end of its
#   IRI) besides ``label_en`` and ``label_ar``; GraphML also gets ``name`` (what Cytoscape
#   shows and matches by), GEXF puts the label on the node itself (what Gephi shows).
#   Each edge's label is its role.
# - GEXF is written by kg (not networkx, whose file names the graph, an attribute the
#   GEXF 1.2draft schema does not allow, and repeats edge ids) and is valid against the
#   GEXF 1.2draft XSD. Events carry ``start``/``end`` (their first and last possible day,
#   date_earliest..date_latest) and the graph is "dynamic" with timeformat "date", so
#   Gephi's timeline filters them; entities have no span: they are there at every time.
# - the types of the attributes (``kg_attr_types``, JSON) travel in the file: a graph
#   attribute in GraphML, the <meta><description> in GEXF; :func:`read_graph` uses them to
#   give back exactly the view that was written.

_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}
_GEXF_NS = "http://www.gexf.net/1.2draft"
_GEXF_TYPES = {"int": "long", "float": "double", "bool": "boolean", "str": "string"}
_LABEL_KEYS = ("label", "name")  # added to the written files, not part of the view


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


def _encode_value(v: Any, kind: str) -> Any:
    if kind == "json":
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if kind == "float":
        return float(v)
    if kind == "str":
        return str(v)
    return v


def _encode_attrs(d: Mapping[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    return {k: _encode_value(v, types[k]) for k, v in d.items() if v is not None}


def node_label(node: str, d: Mapping[str, Any]) -> str:
    """What a graph tool shows for a node: its English label, else its Arabic one, else the
    last part of its IRI."""
    return str(d.get("label_en") or d.get("label_ar") or node.rstrip("/").rsplit("/", 1)[-1])


def encode_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` for GraphML and GEXF: scalar attributes of one type each.

    Numbers, booleans and strings stay as they are; lists and dicts become JSON
    strings; ``None`` is left out. Each node gets ``label`` and ``name`` (see
    :func:`node_label`), each edge a ``label`` (its role). The graph attribute
    ``kg_attr_types`` says what each key was, for :func:`decode_graph`.
    """
    node_attrs = [d for _, d in g.nodes(data=True)]
    edge_attrs = [d for _, _, _, d in g.edges(keys=True, data=True)]
    types: dict[str, Any] = {"node": _attr_types(node_attrs), "edge": _attr_types(edge_attrs)}
    types["graph"] = dict(g.graph)
    out = nx.MultiDiGraph()
    for k, v in g.graph.items():
        if k != "name":
            out.graph[k] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    out.graph["kg_attr_types"] = json.dumps(types, sort_keys=True, ensure_ascii=False)
    for n, d in g.nodes(data=True):
        attrs = _encode_attrs(d, types["node"])
        label = node_label(n, d)
        out.add_node(n, **{k: v for k, v in attrs.items() if k not in _LABEL_KEYS})
        out.nodes[n].update(label=label, name=label)
    for u, v, key, d in g.edges(keys=True, data=True):
        attrs = {k: x for k, x in _encode_attrs(d, types["edge"]).items() if k != "label"}
        out.add_edge(u, v, key=key, **attrs)
        out.edges[u, v, key]["label"] = str(d.get("role") or key)
    return out


def _decode_value(v: Any, kind: str) -> Any:
    if v is None:
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


def _decode_attrs(d: Mapping[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    # every key of the view, in the view's order; a key the file leaves out was None
    return {k: _decode_value(d.get(k), kind) for k, kind in types.items()}


def decode_graph(g: nx.Graph) -> nx.MultiDiGraph:
    """Undo :func:`encode_graph` on a graph read back from GraphML or GEXF."""
    raw = g.graph.get("kg_attr_types")
    if not raw and str(g.graph.get("name", "")).startswith("{"):
        raw = g.graph["name"]  # GEXF files of kg before 2026-12 kept the types in the name
    try:
        types = json.loads(raw) if raw else None
    except ValueError:
        types = None
    if not isinstance(types, dict) or not {"node", "edge"} <= types.keys():
        raise ViewError("not a kg export: the graph attribute kg_attr_types is missing")
    out = nx.MultiDiGraph()
    out.graph.update(types.get("graph", {}))
    for n, d in g.nodes(data=True):
        out.add_node(n, **_decode_attrs(d, types["node"]))
    edges = (
        g.edges(keys=True, data=True)
        if g.is_multigraph()
        else ((u, v, None, d) for u, v, d in g.edges(data=True))
    )
    for u, v, key, d in edges:
        out.add_edge(u, v, key=d.get("kg_key", key), **_decode_attrs(d, types["edge"]))
    return out


def _day_span(d: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """An event's first and last possible day (date_earliest..date_latest, else its date)."""
    import calendar
    import re

    lo, hi = d.get("date_earliest"), d.get("date_latest")
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(d.get("date") or ""))
    if m and not (lo and hi):
        y, mo, day = m.group(1), m.group(2), m.group(3)
        if day:
            first = last = f"{y}-{mo}-{day}"
        elif mo:
            first = f"{y}-{mo}-01"
            last = f"{y}-{mo}-{calendar.monthrange(int(y), int(mo))[1]:02d}"
        else:
            first, last = f"{y}-01-01", f"{y}-12-31"
        lo, hi = lo or first, hi or last
    ok = re.compile(r"\d{4}-\d{2}-\d{2}")
    return (
        lo if lo and ok.fullmatch(str(lo)) else None,
        hi if hi and ok.fullmatch(str(hi)) else None,
    )


def _xml_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, float) else str(v)


def graph_to_gexf(g: nx.MultiDiGraph) -> bytes:
    """The view as GEXF 1.2draft (valid against its XSD), with typed attributes, labels and,
    for events, ``start``/``end`` for Gephi's timeline."""
    import xml.etree.ElementTree as ET

    enc = encode_graph(g)
    types = json.loads(enc.graph["kg_attr_types"])
    spans = {
        n: _day_span(d) for n, d in g.nodes(data=True) if d.get("kind") == "event" or "date" in d
    }
    dynamic = any(lo or hi for lo, hi in spans.values())
    root = ET.Element("gexf", {"xmlns": _GEXF_NS, "version": "1.2"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "kg"
    ET.SubElement(meta, "description").text = enc.graph["kg_attr_types"]
    gattrs = {"defaultedgetype": "directed", "mode": "dynamic" if dynamic else "static"}
    if dynamic:
        gattrs["timeformat"] = "date"
    graph = ET.SubElement(root, "graph", gattrs)
    ids: dict[str, dict[str, str]] = {}
    for cls, extra in (("node", {}), ("edge", {"networkx_key": "str"})):
        block = ET.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
        ids[cls] = {}
        for i, (title, kind) in enumerate({**types[cls], **extra}.items()):
            ids[cls][title] = str(i)
            ET.SubElement(
                block,
                "attribute",
                {"id": str(i), "title": title, "type": _GEXF_TYPES.get(kind, "string")},
            )

    def attvalues(parent, attrs, cls):
        present = [(k, v) for k, v in attrs.items() if k in ids[cls]]
        if present:
            box = ET.SubElement(parent, "attvalues")
            for k, v in present:
                ET.SubElement(box, "attvalue", {"for": ids[cls][k], "value": _xml_text(v)})

    nodes = ET.SubElement(graph, "nodes", {"count": str(enc.number_of_nodes())})
    for n, d in enc.nodes(data=True):
        el = ET.SubElement(nodes, "node", {"id": str(n), "label": str(d["label"])})
        lo, hi = spans.get(n, (None, None))
        if lo:
            el.set("start", lo)
        if hi:
            el.set("end", hi)
        attvalues(el, d, "node")
    edges = ET.SubElement(graph, "edges", {"count": str(enc.number_of_edges())})
    for i, (u, v, key, d) in enumerate(enc.edges(keys=True, data=True)):
        el = ET.SubElement(
            edges,
            "edge",
            {"id": str(i), "source": str(u), "target": str(v), "label": str(d["label"])},
        )
        attvalues(el, {**d, "networkx_key": str(key)}, "edge")
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def graph_to_graphml(g: nx.MultiDiGraph) -> bytes:
    """The view as GraphML: typed keys (int, double, boolean, string), ``name`` and ``label``.

    Edge ids are unique in the file (``e0``, ``e1`` …; networkx would write each edge's
    key, which repeats: every event has a "target" edge); the key is kept in the edge
    attribute ``kg_key``, which :func:`decode_graph` turns back into the key.
    """
    enc = encode_graph(g)
    out = nx.MultiDiGraph(**enc.graph)
    out.add_nodes_from(enc.nodes(data=True))
    for i, (u, v, key, d) in enumerate(enc.edges(keys=True, data=True)):
        out.add_edge(u, v, key=f"e{i}", **d, kg_key=str(key))
    text = "\n".join(nx.generate_graphml(out, encoding="utf-8", prettyprint=True))
    return text.encode("utf-8") + b"\n"


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
    elif fmt == "graphml":
        data = graph_to_graphml(g)
    else:
        data = graph_to_gexf(g)
    write_atomic(path, data)
    return path


def _gexf_types(path: Path) -> str | None:
    """The kg_attr_types a GEXF file of kg keeps in <meta><description>."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "description" and (el.text or "").startswith("{"):
            return el.text
    return None


def read_graph(path: str | os.PathLike) -> nx.MultiDiGraph:
    """Read a view written by :func:`write_graph`, with every attribute decoded."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt == "graphml":
        return decode_graph(nx.read_graphml(path, force_multigraph=True))
    if fmt == "gexf":
        raw = nx.read_gexf(path)
        types = _gexf_types(path)
        if types:
            raw.graph["kg_attr_types"] = types
        return decode_graph(raw)
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
        except TypeError:  # networkx < 3.4
            return nx.node_link_graph(data, directed=True, multigraph=True, link="edges")
    raise ViewError(f"{path.name}: unknown export format")
