"""What chains and paths are made of, and how an event is read from the events view.

Why a module of its own: the records (:class:`ChainEvent`, :class:`Chain`,
:class:`Hop` ...) are what the algorithms (:mod:`kg.analysis.chains.algorithms`)
return and what the renderers (:mod:`kg.analysis.chains.rendering`) print; they
depend on neither. Reading one event out of the networkx events view, and the
dates an event may have happened on, are part of what a record means.

Who did an event is never flattened into a fact: each party comes with its
``responsibility``: ``fact`` (the text states it), ``claimed`` (the party said
so), ``attributed`` (someone else said so, named in ``by``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.vocab.kinds import ROLES, roles_of

__all__ = [
    "JSON_SCHEMA_VERSION",
    "PARTY_ROLES",
    "RESPONSIBILITY_ORDER",
    "RETALIATION",
    "Chain",
    "ChainError",
    "ChainEvent",
    "ChainResult",
    "Hop",
    "Link",
    "Party",
    "PathResult",
    "Ref",
    "Source",
    "date_interval",
    "event_record",
    "load_events_view",
    "parse_date",
    "ref_of",
    "sources_of",
]

RETALIATION = roles_of("event")[0].name
PARTY_ROLES = {r.name: r.party for r in ROLES if r.party}
"""Roles that say who did it, and on whose word: fact, claimed or attributed."""
RESPONSIBILITY_ORDER = {"fact": 0, "claimed": 1, "attributed": 2}
"""The strongest statement of who did it first."""
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
            return min(
                (p.responsibility for p in self.parties), key=RESPONSIBILITY_ORDER.__getitem__
            )
        return "not claimed" if self.not_claimed else "unknown"


@dataclass(frozen=True)
class Link:
    """``source`` was in retaliation for ``target`` (``target`` came first).

    ``reason`` is set on a link the chain does not follow (a dropped link): why.
    """

    source: str
    target: str
    sources: tuple[Source, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Chain:
    events: tuple[ChainEvent, ...]
    links: tuple[Link, ...]
    broken: tuple[Link, ...] = ()  # links dropped to break a loop in the data
    dropped: tuple[Link, ...] = ()
    """Every link of the data between events of this chain (or from one of them) that the
    chain does not follow, each with its ``reason``: an answer dated before the event it
    would answer, or a link dropped to break a loop."""

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


def load_events_view(graph: Any, min_confidence: float | None = None) -> nx.MultiDiGraph:
    """The events view of ``graph`` (a build folder, a graph file, a store, or the view itself),
    without the events below ``min_confidence`` if it is given."""
    from kg.analysis.views import keep_confident, to_networkx

    if isinstance(graph, nx.MultiDiGraph) and graph.graph.get("view") == "events":
        return graph if min_confidence is None else keep_confident(graph, min_confidence)
    return to_networkx(graph, view="events", min_confidence=min_confidence)


def ref_of(view: nx.MultiDiGraph, node: str) -> Ref:
    """A node of the view as shown to a reader."""
    d = view.nodes[node]
    return Ref(node, d.get("label_en"), d.get("label_ar"), d.get("type"))


def sources_of(items: Iterable[dict[str, Any]] | None) -> tuple[Source, ...]:
    """The evidence of a node or an edge of the view, as records."""
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
            by = _sort_refs(ref_of(view, b) for b in (data.get("by") or []) if b in view)
            resp = PARTY_ROLES[role]
            key = (other, resp, tuple(r.id for r in by))
            prev = parties.get(key)
            srcs = sources_of(data.get("sources"))
            if prev is not None:
                srcs = tuple(dict.fromkeys(prev.sources + srcs))
            parties[key] = Party(ref_of(view, other), resp, by, srcs)
        elif role != RETALIATION:
            roles.setdefault(role, []).append(ref_of(view, other))
    ordered = sorted(
        parties.values(),
        key=lambda p: (
            RESPONSIBILITY_ORDER[p.responsibility],
            p.entity.name.casefold(),
            p.entity.id,
        ),
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
        sources=sources_of(d.get("sources")),
        **extra,
    )


# --------------------------------------------------------------------------- dates


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
