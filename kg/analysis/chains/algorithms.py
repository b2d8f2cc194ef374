"""Finding chains and paths in the events view: names, selection, loops, order, shortest paths.

Why a module of its own: these are the graph algorithms, pure functions from the
networkx events view to the records of :mod:`kg.analysis.chains.model`, with the
rules that make their answers the same on every run (sorted inputs, ties broken by
ids).

A *chain* starts from some events (chosen by actor, target, event or date range)
and follows ``in_retaliation_for`` links both ways: forward to the events that
answered them, the events that answered those, and so on; and backward to the
events they answered, and what those answered. The events reached are grouped
into chains (connected by links), each ordered in time and by cause (an answered
event always comes before its answer), so the output is acyclic. A link whose
answer is dated before the event it would answer (its last possible day before
that event's first) is never followed: it is listed under the chain's dropped
links (``Chain.dropped``, JSON ``dropped_links``) with the reason, and warned
about. A loop in the data (A answers B answers A) is broken by dropping one link
(the latest), which is reported the same way.

A *path* (:func:`find_paths`) answers "how is X connected to Y": the shortest
paths between them in the events view taken as undirected, using only edges that
have evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import networkx as nx

from kg.analysis.chains.model import (
    PARTY_ROLES,
    RETALIATION,
    Chain,
    ChainError,
    ChainResult,
    Hop,
    Link,
    PathResult,
    Source,
    date_interval,
    event_record,
    load_events_view,
    parse_date,
    ref_of,
    sources_of,
)
from kg.read.names import UnknownNameError, match_names, view_names

__all__ = ["find_chains", "find_paths", "resolve", "select_events"]


# --------------------------------------------------------------------------- names


def resolve(view: nx.MultiDiGraph, text: str, kinds: Iterable[str] | None = None) -> list[str]:
    """The nodes that ``text`` names: an IRI, a slug or event hash, an English or Arabic label.

    The one resolver of kg (:mod:`kg.read.names`, which ``kg query`` and ``kg.query`` use
    too): Arabic is compared folded and without the article ال, English
    case-insensitively; an exact name wins, otherwise a name that contains ``text`` must
    be unique. Raises ChainError when nothing or too much matches.
    """
    try:
        return [n.iri for n in match_names(text, view_names(view), kinds)]
    except UnknownNameError as exc:
        raise ChainError(str(exc)) from None


def _date_key(view: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    lo, hi = date_interval(view.nodes[node])
    return (lo or "9999-99-99", hi or "9999-99-99")


# --------------------------------------------------------------------------- chains


def _links(view: nx.MultiDiGraph) -> list[tuple[str, str, tuple[Source, ...]]]:
    out = []
    for u, v, data in view.edges(data=True):
        if data.get("role") == RETALIATION and u != v:
            out.append((u, v, sources_of(data.get("sources"))))
    return sorted(out, key=lambda x: (x[0], x[1]))


def select_events(
    view: nx.MultiDiGraph,
    actor: str | None = None,
    target: str | None = None,
    event: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[str]:
    """The start events: every condition given must hold (actor AND target AND dates ...)."""
    events = sorted(n for n, d in view.nodes(data=True) if d.get("kind") == "event")
    if event:
        chosen = set(resolve(view, event, {"event"}))
        events = [e for e in events if e in chosen]
    if actor:
        who = set(resolve(view, actor, {"actor"}))
        events = [
            e
            for e in events
            if any(
                v in who and d.get("role") in PARTY_ROLES
                for _, v, d in view.out_edges(e, data=True)
            )
        ]
    if target:
        what = set(resolve(view, target, {"actor", "place"}))
        events = [
            e
            for e in events
            if any(
                v in what and d.get("role") in ("target", "location")
                for _, v, d in view.out_edges(e, data=True)
            )
        ]
    if date_from or date_to:
        lo_q = parse_date(date_from) if date_from else "0000-01-01"
        hi_q = parse_date(date_to, end=True) if date_to else "9999-12-31"
        if lo_q > hi_q:
            raise ChainError(f"--from {date_from} is after --to {date_to}")
        kept = []
        for e in events:
            lo, hi = date_interval(view.nodes[e])
            if lo and hi and lo <= hi_q and hi >= lo_q:
                kept.append(e)
        events = kept
    return events


def _backwards(view: nx.MultiDiGraph, answer: str, answered: str) -> str | None:
    """Why ``answer`` cannot be in retaliation for ``answered``: it certainly ended before
    ``answered`` began (both dated; the last day ``answer`` may have happened on is before
    the first day of ``answered``). None when the order is possible."""
    lo_a, hi_a = date_interval(view.nodes[answer])
    lo_b, hi_b = date_interval(view.nodes[answered])
    if hi_a and lo_b and hi_a < lo_b:
        when_a = lo_a if lo_a == hi_a else f"{lo_a}..{hi_a}"
        when_b = lo_b if lo_b == hi_b else f"{lo_b}..{hi_b}"
        return (
            f"runs backwards in time: event/{answer.rsplit('/', 1)[-1]} ({when_a}) is dated "
            f"before event/{answered.rsplit('/', 1)[-1]} ({when_b}), which it would answer"
        )
    return None


def _break_cycles(
    nodes: list[str], links: list[tuple[str, str, tuple[Source, ...]]], view
) -> tuple[nx.DiGraph, list]:
    """Time-order graph (answered → answer) with loops broken; returns it and the dropped links."""
    order = nx.DiGraph()
    order.add_nodes_from(nodes)
    by_pair = {}
    for u, v, srcs in links:  # u answered v: v comes first
        order.add_edge(v, u)
        by_pair[(u, v)] = srcs
    broken = []
    while True:
        try:
            cycle = nx.find_cycle(order)
        except nx.NetworkXNoCycle:
            break

        # drop the link whose answer is dated earliest relative to what it answers
        # (the one most likely read backwards); ties by ids, so the result is stable
        def badness(edge):
            first, answer = edge[0], edge[1]
            return (
                _date_key(view, answer) < _date_key(view, first),
                _date_key(view, first),
                first,
                answer,
            )

        first, answer = max(((a, b) for a, b, *_ in cycle), key=badness)
        order.remove_edge(first, answer)
        broken.append((answer, first, by_pair.get((answer, first), ())))
    return order, broken


def find_chains(
    graph: Any,
    actor: str | None = None,
    target: str | None = None,
    event: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    linked_only: bool = False,
    min_confidence: float | None = None,
) -> ChainResult:
    """Chains of retaliation through the events chosen by the arguments (see the module docstring).

    ``linked_only`` drops chains of a single event (nothing answered it, it answered nothing).
    ``min_confidence`` leaves out the events kg holds with less confidence.
    """
    view = load_events_view(graph, min_confidence)
    query = {
        "actor": actor,
        "target": target,
        "event": event,
        "from": date_from,
        "to": date_to,
        "linked_only": linked_only,
    }
    starts = select_events(view, actor, target, event, date_from, date_to)
    # a link whose answer is dated before what it answers is never followed: it is kept
    # aside, shown under the chains it touches as a dropped link, and warned about
    links, backwards = [], []
    for u, v, srcs in _links(view):
        why = _backwards(view, u, v)
        if why:
            backwards.append(Link(u, v, srcs, why))
        else:
            links.append((u, v, srcs))
    answers: dict[str, list[str]] = {}  # event → the events it answered (backward in time)
    answered_by: dict[str, list[str]] = {}  # event → the events that answered it (forward)
    for u, v, _ in links:
        answers.setdefault(u, []).append(v)
        answered_by.setdefault(v, []).append(u)

    def closure(seeds: list[str], step: dict[str, list[str]]) -> set[str]:
        seen: set[str] = set()
        todo = list(seeds)
        while todo:  # a visited set: loops in the data end here
            n = todo.pop()
            for m in step.get(n, ()):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return seen

    reached = set(starts) | closure(starts, answered_by) | closure(starts, answers)
    inner = [(u, v, s) for u, v, s in links if u in reached and v in reached]
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(reached))
    undirected.add_edges_from((u, v) for u, v, _ in inner)
    start_set = set(starts)
    chains = []
    warnings: list[str] = []
    warned: set[Link] = set()
    for comp in sorted(nx.connected_components(undirected), key=min):
        nodes = sorted(comp)
        comp_links = [x for x in inner if x[0] in comp]
        order, broken = _break_cycles(nodes, comp_links, view)
        loop_reason = "loop in the data: the events answer each other; this link was dropped"
        for u, v, _ in broken:
            warnings.append(
                f"loop in the data: ignored the link {u.rsplit('/', 1)[-1]} in retaliation for "
                f"{v.rsplit('/', 1)[-1]} (the two events answer each other)"
            )
        touching = [b for b in backwards if b.source in comp or b.target in comp]
        for b in touching:
            if b not in warned:
                warned.add(b)
                warnings.append(f"dropped a link that {b.reason}")
        ordered = list(
            nx.lexicographical_topological_sort(order, key=lambda n: (*_date_key(view, n), n))
        )
        kept = [(u, v, s) for u, v, s in comp_links if order.has_edge(v, u)]
        pos = {n: i for i, n in enumerate(ordered)}
        events = tuple(
            event_record(
                view,
                n,
                retaliation_for=tuple(
                    sorted((v for u, v, _ in kept if u == n), key=pos.__getitem__)
                ),
                answered_by=tuple(sorted((u for u, v, _ in kept if v == n), key=pos.__getitem__)),
                start=n in start_set,
            )
            for n in ordered
        )
        chain_links = tuple(
            Link(u, v, s) for u, v, s in sorted(kept, key=lambda x: (pos[x[1]], pos[x[0]]))
        )
        dropped = tuple(
            sorted(
                [*touching, *(Link(u, v, s, loop_reason) for u, v, s in broken)],
                key=lambda link: (link.target, link.source),
            )
        )
        chains.append(
            Chain(
                events,
                chain_links,
                tuple(Link(u, v, s) for u, v, s in broken),
                dropped,
            )
        )
    if linked_only:
        chains = [c for c in chains if len(c.events) > 1]
    chains.sort(key=lambda c: (*_date_key(view, c.events[0].id), c.events[0].id))
    return ChainResult(query, tuple(chains), tuple(warnings))


# --------------------------------------------------------------------------- paths


def find_paths(
    graph: Any,
    x: str,
    y: str,
    max_paths: int = 5,
    via_weapons: bool = False,
    min_confidence: float | None = None,
) -> PathResult:
    """The shortest evidenced paths between the things named ``x`` and ``y`` (events view, undirected).

    Only edges with evidence count. Weapons are not used as stepping stones
    unless ``via_weapons`` (two attacks with rockets are not thereby connected).
    ``min_confidence`` leaves out the events kg holds with less confidence.
    """
    view = load_events_view(graph, min_confidence)
    xs, ys = resolve(view, x), resolve(view, y)
    query = {"x": x, "y": y, "x_nodes": xs, "y_nodes": ys, "max_paths": max_paths}
    ends = set(xs) | set(ys)
    und = nx.Graph()
    und.add_nodes_from(sorted(view.nodes))
    hops: dict[frozenset, list[dict[str, Any]]] = {}
    for u, v, data in sorted(
        view.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("role") or "")
    ):
        if not data.get("sources") or u == v:
            continue
        if not via_weapons and any(
            view.nodes[n].get("kind") == "weapon" and n not in ends for n in (u, v)
        ):
            continue
        und.add_edge(u, v)
        hops.setdefault(frozenset((u, v)), []).append(
            {
                "from": u,
                "to": v,
                "role": data.get("role"),
                "by": data.get("by") or [],
                "sources": data.get("sources") or [],
            }
        )
    if set(xs) & set(ys):
        return PathResult(query, 0, ())
    best: int | None = None
    pairs = []
    for a in xs:
        lengths = nx.single_source_shortest_path_length(und, a)
        for b in ys:
            if b in lengths:
                if best is None or lengths[b] < best:
                    best, pairs = lengths[b], [(a, b)]
                elif lengths[b] == best:
                    pairs.append((a, b))
    if best is None:
        return PathResult(query, None, ())
    found = []
    for a, b in pairs:
        for i, p in enumerate(nx.all_shortest_paths(und, a, b)):
            found.append(tuple(p))
            if i >= 10_000:
                break
    found = sorted(set(found))[:max_paths]
    paths = []
    for p in found:
        steps = []
        for a, b in zip(p, p[1:], strict=False):
            edges = []
            for h in hops[frozenset((a, b))]:
                edges.append(
                    {
                        "role": h["role"],
                        "direction": "forward" if h["from"] == a else "backward",
                        "by": [
                            asdict(ref_of(view, b)) if b in view else {"id": b} for b in h["by"]
                        ],
                        "sources": [dict(s) for s in h["sources"]],
                    }
                )
            steps.append(Hop(ref_of(view, a), ref_of(view, b), tuple(edges)))
        paths.append(tuple(steps))
    return PathResult(query, best, tuple(paths))
