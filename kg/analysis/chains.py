"""Chains of attacks and retaliations, and paths between things, over the events view.

A *chain* starts from some events (chosen by actor, target, event or date
range) and follows ``in_retaliation_for`` links both ways: forward to the
events that answered them, the events that answered those, and so on; and
backward to the events they answered, and what those answered. The events
reached are grouped into chains (connected by links), each ordered in time
and by cause (an answered event always comes before its answer), so the
output is acyclic and the same on every run. A loop in the data (A answers B
answers A) is broken by dropping one link (one whose answer is dated before
what it answers, else the latest), which is reported.

Who did an event is never flattened into a fact: each party comes with its
``responsibility``: ``fact`` (the text states it), ``claimed`` (the party
said so), ``attributed`` (someone else said so, named in ``by``).

A *path* (:func:`find_paths`) answers "how is X connected to Y": the shortest
paths between them in the events view taken as undirected, using only edges
that have evidence, each hop printed with its sentence.

Everything here reads the networkx events view (:func:`kg.to_networkx`); the
functions are pure and return dataclasses; :func:`render_chains` and
:func:`render_paths` print them with rich.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

import kg.lang as kglang
from kg.errors import KgError
from kg.vocab.kinds import ROLES, roles_of

RETALIATION = roles_of("event")[0].name
PARTY_ROLES = {r.name: r.party for r in ROLES if r.party}
"""Roles that say who did it, and on whose word: fact, claimed or attributed."""
_RESP_ORDER = {"fact": 0, "claimed": 1, "attributed": 2}
JSON_SCHEMA_VERSION = 1


class ChainError(KgError):
    """A chain or path request kg cannot answer (unknown or ambiguous name, bad date)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Ref:
    """An entity or event, as shown to a reader."""

    id: str
    label_en: str | None
    label_ar: str | None
    type: str | None = None

    @property
    def name(self) -> str:
        return self.label_en or self.label_ar or self.id.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Source:
    """One piece of evidence: a sentence (or a quoted mention) in an article."""

    article: str | None
    sentence: str | None
    start: int | None
    end: int | None
    quote: str | None = None


@dataclass(frozen=True)
class Party:
    """Who did it, and on whose word."""

    entity: Ref
    responsibility: str  # fact | claimed | attributed
    by: tuple[Ref, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class ChainEvent:
    id: str
    type: str | None
    category: str | None
    label_en: str | None
    label_ar: str | None
    type_label_en: str | None
    type_label_ar: str | None
    date: str | None
    date_precision: str | None
    date_earliest: str | None
    date_latest: str | None
    status: str | None
    parties: tuple[Party, ...]
    not_claimed: bool
    targets: tuple[Ref, ...]
    locations: tuple[Ref, ...]
    weapons: tuple[Ref, ...]
    recipients: tuple[Ref, ...]
    killed: int | None
    wounded: int | None
    sources: tuple[Source, ...]
    retaliation_for: tuple[str, ...] = ()  # events of the chain this one answered
    answered_by: tuple[str, ...] = ()  # events of the chain that answered this one
    start: bool = False  # selected by the query (the others were reached by links)

    @property
    def responsibility(self) -> str:
        """fact | claimed | attributed (the strongest statement), not claimed, or unknown."""
        if self.parties:
            return min((p.responsibility for p in self.parties), key=_RESP_ORDER.__getitem__)
        return "not claimed" if self.not_claimed else "unknown"


@dataclass(frozen=True)
class Link:
    """``source`` was in retaliation for ``target`` (``target`` came first)."""

    source: str
    target: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Chain:
    events: tuple[ChainEvent, ...]
    links: tuple[Link, ...]
    broken: tuple[Link, ...] = ()  # links dropped to break a loop in the data

    @property
    def span(self) -> tuple[str | None, str | None]:
        dates = [d for e in self.events for d in date_interval(e) if d]
        return (min(dates), max(dates)) if dates else (None, None)


@dataclass(frozen=True)
class ChainResult:
    query: dict[str, Any]
    chains: tuple[Chain, ...]
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Hop:
    """One step of a path: from ``a`` to ``b`` over one or more evidenced edges."""

    a: Ref
    b: Ref
    edges: tuple[dict[str, Any], ...]  # {role, direction: "forward"|"backward", sources}


@dataclass(frozen=True)
class PathResult:
    query: dict[str, Any]
    length: int | None
    paths: tuple[tuple[Hop, ...], ...]


# --------------------------------------------------------------------------- view access


def load_events_view(graph: Any) -> nx.MultiDiGraph:
    """The events view of ``graph`` (a build folder, a graph file, a store, or the view itself)."""
    if isinstance(graph, nx.MultiDiGraph) and graph.graph.get("view") == "events":
        return graph
    from kg.analysis.views import to_networkx

    return to_networkx(graph, view="events")


def _ref(view: nx.MultiDiGraph, node: str) -> Ref:
    d = view.nodes[node]
    return Ref(node, d.get("label_en"), d.get("label_ar"), d.get("type"))


def _sources(items: Iterable[dict[str, Any]] | None) -> tuple[Source, ...]:
    out = []
    for s in items or ():
        out.append(
            Source(
                s.get("article"), s.get("sentence"), s.get("start"), s.get("end"), s.get("quote")
            )
        )
    return tuple(out)


def _sort_refs(refs: Iterable[Ref]) -> tuple[Ref, ...]:
    return tuple(sorted(set(refs), key=lambda r: (r.name.casefold(), r.id)))


def event_record(view: nx.MultiDiGraph, eid: str, **extra: Any) -> ChainEvent:
    """Everything the events view knows about one event."""
    d = view.nodes[eid]
    roles: dict[str, list[Ref]] = {}
    parties: dict[tuple[str, str, tuple[str, ...]], Party] = {}
    for _, other, data in view.out_edges(eid, data=True):
        role = data.get("role")
        if role in PARTY_ROLES:
            by = _sort_refs(_ref(view, b) for b in (data.get("by") or []) if b in view)
            resp = PARTY_ROLES[role]
            key = (other, resp, tuple(r.id for r in by))
            prev = parties.get(key)
            srcs = _sources(data.get("sources"))
            if prev is not None:
                srcs = tuple(dict.fromkeys(prev.sources + srcs))
            parties[key] = Party(_ref(view, other), resp, by, srcs)
        elif role != RETALIATION:
            roles.setdefault(role, []).append(_ref(view, other))
    ordered = sorted(
        parties.values(),
        key=lambda p: (_RESP_ORDER[p.responsibility], p.entity.name.casefold(), p.entity.id),
    )
    return ChainEvent(
        id=eid,
        type=d.get("type"),
        category=d.get("category"),
        label_en=d.get("label_en"),
        label_ar=d.get("label_ar"),
        type_label_en=d.get("type_label_en"),
        type_label_ar=d.get("type_label_ar"),
        date=d.get("date"),
        date_precision=d.get("date_precision"),
        date_earliest=d.get("date_earliest"),
        date_latest=d.get("date_latest"),
        status=d.get("status"),
        parties=tuple(ordered),
        not_claimed=bool(d.get("not_claimed")),
        targets=_sort_refs(roles.get("target", [])),
        locations=_sort_refs(roles.get("location", []) + roles.get("destination", [])),
        weapons=_sort_refs(roles.get("weapon", [])),
        recipients=_sort_refs(roles.get("recipient", [])),
        killed=d.get("killed"),
        wounded=d.get("wounded"),
        sources=_sources(d.get("sources")),
        **extra,
    )


# --------------------------------------------------------------------------- names and dates


_AR = kglang.get("ar")  # the labels compared here are the graph's Arabic (and English) ones


def _key(text: str) -> str:
    words = re.split(r"[\s\-_]+", _AR.fold(text).strip())
    return " ".join(_AR.strip_definite(w) for w in words if w)


def _names(view: nx.MultiDiGraph, node: str) -> list[str]:
    d = view.nodes[node]
    names = [node, node.rsplit("/", 1)[-1]]
    if d.get("kind") == "event":
        names.append("event/" + node.rsplit("/", 1)[-1])
    for k in ("slug", "label_en", "label_ar"):
        if d.get(k):
            names.append(str(d[k]))
    return names


def resolve(view: nx.MultiDiGraph, text: str, kinds: Iterable[str] | None = None) -> list[str]:
    """The nodes that ``text`` names: an IRI, a slug or event hash, an English or Arabic label.

    Arabic is compared folded (``kg.lang.get("ar").fold``) and without the article
    ال; English case-insensitively. An exact name wins; otherwise a name that
    contains ``text`` must be unique. Raises ChainError when nothing or too much matches.
    """
    kinds = set(kinds) if kinds else None
    wanted = text.strip()
    if not wanted:
        raise ChainError("empty name")
    if wanted.startswith("kgr:"):
        wanted = "https://w3id.org/kg-iraq/id/" + wanted[4:]
    nodes = [n for n in sorted(view.nodes) if kinds is None or view.nodes[n].get("kind") in kinds]
    if wanted in nodes:
        return [wanted]
    q = _key(wanted)
    exact = [n for n in nodes if any(_key(x) == q for x in _names(view, n))]
    if exact:
        return exact
    if len(q) >= 3:
        partial = [n for n in nodes if any(q in _key(x) for x in _names(view, n)[2:])]
        entities = [n for n in partial if view.nodes[n].get("kind") != "event"]
        partial = entities or partial  # "Taji" is Camp Taji, not every event at Camp Taji
        if len(partial) == 1:
            return partial
        if partial:
            shown = ", ".join(f"{_ref(view, n).name} <{n}>" for n in partial[:8])
            more = f" and {len(partial) - 8} more" if len(partial) > 8 else ""
            raise ChainError(f"{text!r} is ambiguous: {shown}{more}")
    what = " or ".join(sorted(kinds)) if kinds else "node"
    raise ChainError(f"no {what} in the graph is called {text!r}")


def parse_date(text: str, end: bool = False) -> str:
    """An ISO day from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the first day, or the last if ``end``)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    if not m:
        raise ChainError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            calendar.weekday(y, int(mo), int(d))
            return f"{y:04d}-{int(mo):02d}-{int(d):02d}"
        if mo:
            month = int(mo)
            last = calendar.monthrange(y, month)[1]
            return f"{y:04d}-{month:02d}-{last if end else 1:02d}"
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise ChainError(f"not a date: {text!r}") from exc
    return f"{y:04d}-12-31" if end else f"{y:04d}-01-01"


def date_interval(e: ChainEvent | dict[str, Any]) -> tuple[str | None, str | None]:
    """The first and last day an event may have happened on (None when undated)."""
    get = e.get if isinstance(e, dict) else lambda k: getattr(e, k)
    lo, hi = get("date_earliest"), get("date_latest")
    date = get("date")
    if date and not (lo and hi):
        lo = lo or parse_date(date)
        hi = hi or parse_date(date, end=True)
    return lo, hi


def _date_key(view: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    lo, hi = date_interval(view.nodes[node])
    return (lo or "9999-99-99", hi or "9999-99-99")


# --------------------------------------------------------------------------- chains


def _links(view: nx.MultiDiGraph) -> list[tuple[str, str, tuple[Source, ...]]]:
    out = []
    for u, v, data in view.edges(data=True):
        if data.get("role") == RETALIATION and u != v:
            out.append((u, v, _sources(data.get("sources"))))
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
) -> ChainResult:
    """Chains of retaliation through the events chosen by the arguments (see the module docstring).

    ``linked_only`` drops chains of a single event (nothing answered it, it answered nothing).
    """
    view = load_events_view(graph)
    query = {
        "actor": actor,
        "target": target,
        "event": event,
        "from": date_from,
        "to": date_to,
        "linked_only": linked_only,
    }
    starts = select_events(view, actor, target, event, date_from, date_to)
    links = _links(view)
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
    warnings = []
    for comp in nx.connected_components(undirected):
        nodes = sorted(comp)
        comp_links = [x for x in inner if x[0] in comp]
        order, broken = _break_cycles(nodes, comp_links, view)
        for u, v, _ in broken:
            warnings.append(
                f"loop in the data: ignored the link {u.rsplit('/', 1)[-1]} in retaliation for "
                f"{v.rsplit('/', 1)[-1]} (the two events answer each other)"
            )
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
        chains.append(Chain(events, chain_links, tuple(Link(u, v, s) for u, v, s in broken)))
    if linked_only:
        chains = [c for c in chains if len(c.events) > 1]
    chains.sort(key=lambda c: (*_date_key(view, c.events[0].id), c.events[0].id))
    return ChainResult(query, tuple(chains), tuple(warnings))


# --------------------------------------------------------------------------- paths


def find_paths(
    graph: Any, x: str, y: str, max_paths: int = 5, via_weapons: bool = False
) -> PathResult:
    """The shortest evidenced paths between the things named ``x`` and ``y`` (events view, undirected).

    Only edges with evidence count. Weapons are not used as stepping stones
    unless ``via_weapons`` (two attacks with rockets are not thereby connected).
    """
    view = load_events_view(graph)
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
                        "by": [asdict(_ref(view, b)) if b in view else {"id": b} for b in h["by"]],
                        "sources": [dict(s) for s in h["sources"]],
                    }
                )
            steps.append(Hop(_ref(view, a), _ref(view, b), tuple(edges)))
        paths.append(tuple(steps))
    return PathResult(query, best, tuple(paths))


# --------------------------------------------------------------------------- output


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def chains_to_json(result: ChainResult) -> dict[str, Any]:
    """A plain dict for ``--format json`` (schema documented in docs/CHAINS.md)."""
    chains = []
    for i, c in enumerate(result.chains, 1):
        events = []
        for e in c.events:
            d = asdict(e)
            d["responsibility"] = e.responsibility
            events.append(d)
        first, last = c.span
        chains.append(
            {
                "n": i,
                "first_date": first,
                "last_date": last,
                "events": events,
                "links": [asdict(link) for link in c.links],
                "broken_links": [asdict(link) for link in c.broken],
            }
        )
    return _clean(
        {
            "version": JSON_SCHEMA_VERSION,
            "query": result.query,
            "chains": chains,
            "warnings": list(result.warnings),
        }
    )


def paths_to_json(result: PathResult) -> dict[str, Any]:
    return _clean(
        {
            "version": JSON_SCHEMA_VERSION,
            "query": result.query,
            "length": result.length,
            "paths": [
                [{"from": asdict(h.a), "to": asdict(h.b), "edges": list(h.edges)} for h in p]
                for p in result.paths
            ],
        }
    )


def format_date(e: ChainEvent) -> str:
    if e.date:
        return f"{e.date} ({e.date_precision})" if e.date_precision else e.date
    lo, hi = e.date_earliest, e.date_latest
    if lo or hi:
        return f"{lo or '?'}..{hi or '?'} ({e.date_precision or 'window'})"
    return "date unknown"


def format_who(e: ChainEvent) -> str:
    if not e.parties:
        return (
            "nobody claimed it (no attacker named)"
            if e.not_claimed
            else "unknown (no attacker named)"
        )
    parts = []
    for p in e.parties:
        if p.responsibility == "attributed":
            by = ", ".join(b.name for b in p.by)
            parts.append(
                f"{p.entity.name} (attributed by {by})"
                if by
                else f"{p.entity.name} (attributed; source not named)"
            )
        else:
            parts.append(f"{p.entity.name} ({p.responsibility})")
    if e.not_claimed:
        parts.append("nobody claimed it")
    return "; ".join(parts)


def _refs(refs: Iterable[Ref]) -> str:
    return ", ".join(r.name for r in refs)


def format_casualties(e: ChainEvent) -> str | None:
    parts = []
    if e.killed is not None:
        parts.append(f"{e.killed} killed")
    if e.wounded is not None:
        parts.append(f"{e.wounded} wounded")
    return ", ".join(parts) or None


def _short(eid: str) -> str:
    return "event/" + eid.rsplit("/", 1)[-1]


def _source_line(s: Source) -> str:
    where = s.article or "?"
    if s.start is not None:
        where += f" [{s.start}–{s.end}]"
    text = " ".join((s.sentence or s.quote or "").split())
    return f"«{text}» — {where}"


def _event_ref(number: dict[str, int], e: ChainEvent) -> str:
    return f"#{number[e.id]} {e.label_en or e.type or 'event'} — {format_date(e)}"


def render_chains(result: ChainResult, console, max_sources: int = 3) -> None:
    """Print chains as a readable timeline."""
    from rich.table import Table
    from rich.text import Text

    if not result.chains:
        console.print("No events match.", highlight=False)
    for i, c in enumerate(result.chains, 1):
        first, last = c.span
        span = f"{first} → {last}" if first else "undated"
        n = len(c.events)
        console.print(Text(f"Chain {i} · {n} event{'s' if n != 1 else ''} · {span}", style="bold"))
        number = {e.id: k for k, e in enumerate(c.events, 1)}
        by_id = {e.id: e for e in c.events}
        for k, e in enumerate(c.events, 1):
            head = Text(f"{k:>2}. ", style="bold")
            head.append(format_date(e), style="cyan")
            head.append("  ")
            head.append(e.type_label_en or e.type or "event", style="bold")
            if e.type_label_ar:
                head.append(f" · {e.type_label_ar}")
            head.append(f"  {_short(e.id)}", style="dim")
            if e.start:
                head.append("  (start)", style="dim")
            console.print(head)
            grid = Table.grid(padding=(0, 1))
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column()
            grid.add_row("    who", format_who(e))
            grid.add_row("    responsibility", e.responsibility)
            grid.add_row(
                "    what", f"{e.type or '?'} ({e.category or '?'}, {e.status or 'status unknown'})"
            )
            where = []
            if e.targets:
                where.append(f"target: {_refs(e.targets)}")
            if e.locations:
                where.append(f"at: {_refs(e.locations)}")
            if e.recipients:
                where.append(f"to: {_refs(e.recipients)}")
            grid.add_row("    where", "; ".join(where) or "-")
            grid.add_row("    weapon", _refs(e.weapons) or "-")
            grid.add_row("    casualties", format_casualties(e) or "-")
            for other in e.retaliation_for:
                grid.add_row("    answers", _event_ref(number, by_id[other]))
            for other in e.answered_by:
                grid.add_row("    answered by", _event_ref(number, by_id[other]))
            for s in e.sources[:max_sources]:
                grid.add_row("    evidence", _source_line(s))
            if len(e.sources) > max_sources:
                grid.add_row("", f"(+{len(e.sources) - max_sources} more; see --format json)")
            console.print(grid)
        console.print()
    for w in result.warnings:
        console.print(f"warning: {w}", style="yellow", highlight=False)


def _hop_name(ref: Ref) -> str:
    """An entity's name; an event's label with its id (two events may share a label)."""
    if "/event/" in ref.id:
        return f"{ref.name} [{_short(ref.id)}]"
    return ref.name


def render_paths(result: PathResult, console, max_sources: int = 2) -> None:
    from rich.padding import Padding
    from rich.text import Text

    q = result.query
    if result.length is None:
        console.print(f"No evidenced path between {q['x']!r} and {q['y']!r}.", highlight=False)
        return
    if result.length == 0:
        console.print(f"{q['x']!r} and {q['y']!r} name the same node.", highlight=False)
        return
    console.print(
        Text(
            f"{len(result.paths)} shortest path(s) of {result.length} hop(s) between {q['x']} and {q['y']}",
            style="bold",
        )
    )
    for i, path in enumerate(result.paths, 1):
        console.print(Text(f"Path {i}", style="bold"))
        for hop in path:
            for edge in hop.edges:
                arrow = (
                    f"—{edge['role']}→" if edge["direction"] == "forward" else f"←{edge['role']}—"
                )
                line = Text("  ")
                line.append(_hop_name(hop.a), style="bold")
                line.append(f" {arrow} ", style="cyan")
                line.append(_hop_name(hop.b), style="bold")
                if edge.get("by"):
                    names = [b.get("label_en") or b.get("label_ar") or b["id"] for b in edge["by"]]
                    line.append(" (according to " + ", ".join(names) + ")", style="dim")
                console.print(line)
                for s in _sources(edge["sources"])[:max_sources]:
                    console.print(Padding(Text(_source_line(s), style="dim"), (0, 0, 0, 6)))
        console.print()
