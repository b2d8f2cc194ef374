"""One node per real event: merging event reports within and across articles.

Two reports are the same event (ACLED's rule: same actors, place and day) when
they have the same category, compatible types (equal, or one generic, or both
from the air), compatible dates (their intervals overlap) and share a location
or target. A report with no date merges only with a report of the same place
that is itself the only candidate. Merging is order-independent: reports are
visited in a canonical order, and an event's IRI is a hash of its canonical
key (category, date, places), never of the order articles were read in.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from dataclasses import dataclass, field

from kg.pipeline.extract.records import (
    CasualtyReport,
    DateInfo,
    EntityRef,
    EventRecord,
    Evidence,
    Responsibility,
    RoleFiller,
)

EVENT_NS = "https://w3id.org/kg-iraq/id/event/"
REFERENCE_MARK = "+reference"
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, None: 4}
GENERIC = {"Attack", "Withdrawal"}
WITHDRAWAL_TYPES = {"Withdrawal", "BaseHandover", "Redeployment"}
TYPE_PRIORITY = {"BaseHandover": 0, "Redeployment": 1, "Withdrawal": 2}
AIR = {"AirStrike", "DroneAttack"}


@dataclass(frozen=True)
class Event:
    """A real event with every report of it."""

    iri: str
    category: str
    type: str
    status: str
    date: DateInfo | None
    roles: tuple[RoleFiller, ...]
    responsibility: tuple[Responsibility, ...]
    casualties: tuple[CasualtyReport, ...]
    sources: tuple[Evidence, ...]
    retaliation_for: tuple[str, ...]  # event IRIs
    reports: tuple[str, ...] = field(default=())  # local ids merged here

    def fillers(self, role: str) -> tuple[EntityRef, ...]:
        return tuple(sorted(dict.fromkeys(r.entity for r in self.roles if r.role == role)))

    @property
    def killed(self) -> int | None:
        return _agreed(c.killed for c in self.casualties)

    @property
    def wounded(self) -> int | None:
        return _agreed(c.wounded for c in self.casualties)


def _agreed(values) -> int | None:
    vals = {v for v in values if v is not None}
    return vals.pop() if len(vals) == 1 else None


def _interval(d: DateInfo | None) -> tuple[str, str] | None:
    if d is None or d.earliest is None or d.latest is None:
        return None
    return d.earliest, d.latest


def _places(r: EventRecord, states: bool = False) -> set[str]:
    """Where an event happened: its locations, and for attacks its targets. A whole
    country is too coarse to say two attack reports are one; for a withdrawal within one
    article ("منسحبة من العراق") it is enough (``states=True``)."""
    roles = ("location", "target") if r.category == "attack" else ("location", "destination")
    keep_states = states and r.category == "withdrawal"
    return {
        f.entity.iri
        for f in r.roles
        if f.role in roles
        and (keep_states or f.entity.cls != "State")
        and not f.evidence.rule.endswith(REFERENCE_MARK)  # "قرب بغداد" does not identify it
    }


def _shared_place(a: EventRecord, b: EventRecord, contains=None) -> bool:
    """A place in common; within one article a city also meets a base inside it
    ("هجوم أربيل" and "مطار أربيل الدولي")."""
    same_article = a.sources[0].article == b.sources[0].article
    pa, pb = _places(a, same_article), _places(b, same_article)
    if pa & pb:
        return True
    if same_article and contains is not None:
        # only the coarse report joins the precise one, never the reverse: a report
        # naming a base does not join one that names only the city around it; a whole
        # country is never the coarse side
        coarse = {x for x in pa if x not in _state_iris(a)}
        return any(contains(x, y) for x in coarse for y in pb)
    return False


def _state_iris(r: EventRecord) -> set[str]:
    return {f.entity.iri for f in r.roles if f.entity.cls == "State"}


def _specific_match(a: EventRecord, b: EventRecord) -> bool:
    """Across articles an undated report needs more than a shared city: the same specific
    kind of attack, or the same ordinal ("الهجوم الأول"), or a shared base."""
    if a.sources[0].article == b.sources[0].article or a.category == "withdrawal":
        return True
    if a.ordinal and a.ordinal == b.ordinal:
        return True
    if a.retaliation_for and b.retaliation_for:
        return True  # two replies with a shared target
    ident = ("MilitaryBase", "Person")  # a base, or a named person struck, identifies an attack
    bases = {f.entity.iri for f in a.roles if f.entity.cls in ident} & {
        f.entity.iri for f in b.roles if f.entity.cls in ident
    }
    same_kind = a.type == b.type and a.type not in GENERIC or (a.type in AIR and b.type in AIR)
    return bool(bases) or same_kind


def _types_compatible(a: str, b: str) -> bool:
    if a in WITHDRAWAL_TYPES and b in WITHDRAWAL_TYPES:
        return True  # one movement is told as a withdrawal, a handover or a redeployment
    return a == b or a in GENERIC or b in GENERIC or (a in AIR and b in AIR)


def _dates_compatible(a: EventRecord | Event, b: EventRecord | Event) -> bool:
    ia, ib = _interval(a.date), _interval(b.date)
    if ia is None or ib is None:
        return False
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def _dated(r: EventRecord) -> bool:
    return _interval(r.date) is not None


def _kin(a: EventRecord, b: EventRecord) -> bool:
    """Same category and compatible types, not two different ordinals, and for withdrawals
    not two different actors (France leaving Iraq is not the Czech Republic leaving it)."""
    if a.category != b.category or not _types_compatible(a.type, b.type):
        return False
    if a.category == "withdrawal":
        xa, xb = set(a.fillers("actor")), set(b.fillers("actor"))
        states = all(x.cls == "State" for x in xa | xb)
        if xa and xb and not (xa & xb) and states:
            return False
    return not (a.ordinal and b.ordinal and a.ordinal != b.ordinal)


def _same(a: EventRecord, b: EventRecord) -> bool:
    """Both dated: same place and overlapping dates. A plan and a withdrawal that
    happened are one event only when both are dated to the day ("ستتم الثلاثاء")."""
    if a.category == "withdrawal" and a.status != b.status:
        if not (a.date and b.date and a.date.precision == b.date.precision == "day"):
            return False
    return _kin(a, b) and _shared_place(a, b) and _dates_compatible(a, b)


def _canonical(r: EventRecord) -> tuple:
    s = r.sources[0]
    return (s.article, s.start, r.local_id)


def informative(r: EventRecord) -> bool:
    """A report says something concrete: a date, a place, a target, an actor who moves, or a claim."""
    return bool(
        _dated(r)
        or any(f.role not in ("weapon", "attacker") for f in r.roles)
        or r.responsibility
        or r.retaliation_for
        or r.same_as
    )


def merge_events(records: list[EventRecord], contains=None) -> list[Event]:
    """Cluster event reports into events.

    1. Dated reports with a shared place and overlapping dates are one event
       (union-find, order-independent).
    2. An undated report joins the cluster that shares its place, its category
       and, if possible, its status; among several, the one of the same article,
       then the earliest. An undated report that names no place stays alone.
    Reports that say nothing concrete (no date, place, actor or claim) are dropped.
    ``contains(outer_iri, inner_iri)`` (from the gazetteer) lets an event keep only its most
    specific places.
    """
    recs = sorted((r for r in records if informative(r)), key=_canonical)
    parent = list(range(len(recs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    index = {r.local_id: i for i, r in enumerate(recs)}
    for i, r in enumerate(recs):  # "الصاروخان" in the next sentence: the same attack
        for other in r.same_as:
            if other in index:
                union(i, index[other])
    # Candidate pairs come from buckets (a shared place, or the same article), so the
    # work grows with the size of the buckets, not with the square of the corpus.
    buckets: dict[object, list[int]] = {}
    for i, r in enumerate(recs):
        for key in _bucket_keys(r):
            buckets.setdefault(key, []).append(i)
    dated = {i for i, r in enumerate(recs) if _dated(r)}
    seen_pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        timed = sorted((i for i in members if i in dated), key=lambda i: (recs[i].date.earliest, i))
        for x, i in enumerate(timed):
            latest = recs[i].date.latest
            for j in timed[x + 1 :]:
                if recs[j].date.earliest > latest:
                    break  # sorted by start: nothing later can overlap
                pair = (min(i, j), max(i, j))
                if pair in seen_pairs:
                    continue
                seen_pairs.add(pair)
                if _same(recs[pair[0]], recs[pair[1]]):
                    union(*pair)
    _join_undated(recs, buckets, dated, union, contains)
    _merge_answered(recs, index, find, union)
    groups: dict[int, list[EventRecord]] = {}
    for i, r in enumerate(recs):
        groups.setdefault(find(i), []).append(r)
    local_to_iri: dict[str, str] = {}
    drafts = []
    used_iris: set[str] = set()
    for root in sorted(groups):
        members = groups[root]
        iri = _event_iri(members, used_iris)
        used_iris.add(iri)
        for m in members:
            local_to_iri[m.local_id] = iri
        drafts.append((iri, members))
    events = []
    for iri, members in drafts:
        events.append(_combine(iri, members, local_to_iri, contains))
    return sorted(events, key=lambda e: e.iri)


def _join_undated(recs, buckets, dated, union, contains) -> None:
    """Join each undated report (with a place) to its best partner, if any.

    The best partner is the least of (other status, undated, other article, canonical
    order) among the reports that pass the checks below. Why tiers instead of scoring
    every candidate: a busy place (Baghdad, Ain al-Asad) collects thousands of reports on
    a large corpus, and scanning them all for every undated report made this the one
    superlinear step of a build. Candidates are kept per (bucket, category, status,
    dated), in canonical order (the order of ``recs``), and visited tier by tier in the
    order of the score, so the first one that passes is the best: the same answer,
    usually after a few checks.
    """
    lists: dict[tuple, list[int]] = {}
    for key, members in buckets.items():
        for j in members:  # ascending: buckets were filled in order
            o = recs[j]
            lists.setdefault((key, o.category, o.status, j in dated), []).append(j)
    statuses = sorted({r.status for r in recs}, key=str)
    for i, r in enumerate(recs):
        if i in dated or not _places(r, states=True):
            continue
        article = r.sources[0].article
        own = [("article", article)]
        places = [("place", p) for p in sorted(_places(r))]

        def passes(j: int, r=r, i=i) -> bool:
            other = recs[j]
            if (
                j == i
                or not _kin(r, other)
                or not _shared_place(r, other, contains)
                or not _specific_match(r, other)
            ):
                return False
            if j not in dated and j > i:
                return False  # undated pairs: the later joins the earlier
            # what happened is not the plan announced for later
            return not (
                r.category == "withdrawal" and r.status == "done" and other.status == "planned"
            )

        best = None
        for status_differs, want_dated, same_article in itertools.product(
            (False, True), (True, False), (True, False)
        ):
            wanted = [x for x in statuses if (x != r.status) == status_differs]
            keys = own if same_article else places
            found = (lists.get((k, r.category, x, want_dated), ()) for k in keys for x in wanted)
            for j, _ in itertools.groupby(heapq.merge(*found)):
                if (recs[j].sources[0].article == article) == same_article and passes(j):
                    best = j
                    break
            if best is not None:
                union(i, best)
                break


def _bucket_keys(r: EventRecord) -> set[object]:
    """Where to look for reports of the same event: its places, and its own article."""
    return {("place", p) for p in _places(r)} | {("article", r.sources[0].article)}


def _members(recs, find) -> dict[int, list[EventRecord]]:
    out: dict[int, list[EventRecord]] = {}
    for i, r in enumerate(recs):
        out.setdefault(find(i), []).append(r)
    return out


def _clusters_compatible(groups, find, a: int, b: int) -> bool:
    ma, mb = groups[find(a)], groups[find(b)]
    return all(_kin(x, y) for x in ma for y in mb) and all(
        _dates_compatible(x, y) for x in ma for y in mb if _dated(x) and _dated(y)
    )


def _clusters_share(recs, index, groups, find, a: int, b: int) -> bool:
    """Two replies are one only if they share a place or target, or answer an attack
    that is named precisely (by its ordinal: "الهجوم الأول")."""
    ma, mb = groups[find(a)], groups[find(b)]
    if set().union(*(_places(r) for r in ma)) & set().union(*(_places(r) for r in mb)):
        return True

    def answered(members: list[EventRecord]) -> set[int]:
        return {
            find(index[t])
            for r in members
            for t in r.retaliation_for
            if t in index and recs[index[t]].ordinal
        }

    return bool(answered(ma) & answered(mb))


def _merge_answered(recs, index, find, union) -> None:
    """One reply answers one attack: when the reports of a reply point at attacks in
    several clusters ("the Wednesday attack", "the first Taji attack"), and those
    clusters can be the same event (kin, no conflicting dates), they are one."""
    changed = True
    while changed:
        changed = False
        by_reply: dict[int, set[int]] = {}
        for i, r in enumerate(recs):
            for target in r.retaliation_for:
                if target in index:
                    by_reply.setdefault(find(i), set()).add(find(index[target]))
        # replies to one attack are one reply (kin, dates not in conflict)
        answered_by: dict[int, list[int]] = {}
        for reply_root, roots in by_reply.items():
            for root in roots:
                answered_by.setdefault(root, []).append(reply_root)
        groups = _members(recs, find)
        for replies in answered_by.values():
            replies = sorted(set(find(x) for x in replies))
            for a, b in zip(replies, replies[1:], strict=False):
                if (
                    find(a) != find(b)
                    and _clusters_compatible(groups, find, a, b)
                    and _clusters_share(recs, index, groups, find, a, b)
                ):
                    union(a, b)
                    groups = _members(recs, find)
                    changed = True
        for roots in by_reply.values():
            roots = sorted(roots)
            for a, b in zip(roots, roots[1:], strict=False):
                if find(a) == find(b):
                    continue
                if _clusters_compatible(groups, find, a, b):
                    union(a, b)
                    groups = _members(recs, find)
                    changed = True


def _event_iri(members: list[EventRecord], used: set[str]) -> str:
    """Hash of the event's identity: category, date and places; else its first report."""
    best = min(
        members,
        key=lambda r: (PRECISION_RANK.get(r.date.precision if r.date else None, 4), _canonical(r)),
    )
    places = sorted(set().union(*(_places(m) for m in members)))
    if best.date is not None and best.date.value and places:
        key = f"{best.category}|{best.type if best.type not in GENERIC else ''}|{best.date.value}|{'|'.join(places)}|{best.ordinal or ''}"
    else:
        s = min(members, key=_canonical).sources[0]
        key = f"{best.category}|{s.article_id}|{s.start}|{min(members, key=_canonical).local_id}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    iri = EVENT_NS + digest[:16]
    n = 1
    while iri in used:
        iri = EVENT_NS + hashlib.sha1(f"{key}|{n}".encode()).hexdigest()[:16]
        n += 1
    return iri


def _drop_coarse_locations(roles: list[RoleFiller], contains) -> tuple[RoleFiller, ...]:
    """Across reports, keep the most specific places: a country goes when a place is named,
    a city when a base inside it is named (one report says "قرب بغداد", another "بسماية")."""
    locs = {r.entity for r in roles if r.role == "location"}
    drop = set()
    if any(loc.cls != "State" for loc in locs):
        drop |= {loc for loc in locs if loc.cls == "State"}
    named = {
        r.entity
        for r in roles
        if r.role == "location"
        and not r.evidence.rule.endswith(REFERENCE_MARK)
        and r.entity not in drop
    }
    if named:
        drop |= locs - named  # a place given only as a reference point ("قرب بغداد")
    if contains is not None:
        # a province goes when another report names a place inside it; when one sentence
        # names both as separate sites ("جرف الصخر … ومحافظات … بابل"), both stay
        said_together = {}
        for r in roles:
            if r.role == "location":
                said_together.setdefault((r.evidence.article, r.evidence.start), set()).add(
                    r.entity
                )
        for outer in locs:
            for inner in locs:
                if inner != outer and contains(outer.iri, inner.iri):
                    if not any(outer in ents and inner in ents for ents in said_together.values()):
                        drop.add(outer)
    return tuple(r for r in roles if not (r.role == "location" and r.entity in drop))


def _combine(
    iri: str, members: list[EventRecord], local_to_iri: dict[str, str], contains=None
) -> Event:
    types = [m.type for m in members]
    specific = [t for t in types if t not in GENERIC] or types
    etype = min(specific, key=lambda t: (-specific.count(t), TYPE_PRIORITY.get(t, 9), t))
    statuses = {m.status for m in members}
    status = "done" if "done" in statuses else "disrupted" if "disrupted" in statuses else "planned"
    if "disrupted" in statuses:
        status = "disrupted"
    dated = [m for m in members if m.date is not None and m.date.value]
    date = None
    if dated:
        # the most precise; between equally precise reports, the earliest date (a report
        # dated by when it was said is later than the event)
        date = min(
            dated,
            key=lambda m: (
                PRECISION_RANK.get(m.date.precision, 4),
                m.date.earliest or "",
                _canonical(m),
            ),
        ).date
    elif any(m.date is not None for m in members):
        date = min((m for m in members if m.date is not None), key=_canonical).date
    roles = _drop_coarse_locations(sorted({r for m in members for r in m.roles}), contains)
    resp = tuple(sorted({r for m in members for r in m.responsibility}, key=_resp_key))
    cas = tuple(
        sorted(
            {c for m in members for c in m.casualties},
            key=lambda c: (c.evidence.article, c.evidence.start),
        )
    )
    sources = tuple(
        sorted({s for m in members for s in m.sources}, key=lambda s: (s.article, s.start, s.rule))
    )
    retal = tuple(
        sorted(
            {local_to_iri[x] for m in members for x in m.retaliation_for if x in local_to_iri}
            - {iri}
        )
    )
    return Event(
        iri=iri,
        category=members[0].category,
        type=etype,
        status=status,
        date=date,
        roles=roles,
        responsibility=resp,
        casualties=cas,
        sources=sources,
        retaliation_for=retal,
        reports=tuple(m.local_id for m in members),
    )


def _resp_key(r: Responsibility) -> tuple:
    return (
        r.kind,
        r.party.iri if r.party else "",
        tuple(b.iri for b in r.by),
        r.evidence.article,
        r.evidence.start,
    )
