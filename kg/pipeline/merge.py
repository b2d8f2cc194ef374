"""One node per real event: reports joined into events, each join explained.

Every sentence-level finding of the extraction is a *report* (an
:class:`~kg.pipeline.extract.records.EventRecord`); an *event* is a set of reports
that kg judged to tell of the same incident (GDELT's events and mentions, in
spirit). A join is never silent: each report that joined another says which one,
why (the shared base or person, the agreeing date, the detail that corroborates an
undated report) and with what score (:class:`Link`). A wrong join costs one link,
which a researcher can see in the graph and in events.jsonl and undo with an
overrides file (:class:`Overrides`).

Merging is careful by default (docs/ANNOTATION.md, "Reports, events, plans,
denials, confidence"):

1. **Within one article.** Reports that name a specific place join the one
   cluster of the article that shares it (a city also meets a base inside it);
   a report placed only by a country, by a reference point ("near X"), by a
   province around the body's base, or by nothing (the headline and the lead)
   joins the article's *single* compatible cluster, and stays apart when there
   are two.
2. **Across articles.** An article's cluster joins an event of other articles only
   on a specific anchor (a base, a named person, a town that contains no other
   place; never a country, a province or a side), only when exactly one event fits,
   and never when a detail conflicts: date, weekday, ordinal, type of weapon,
   killed or wounded counts, claimant, attacker, or (for withdrawals) who withdraws.
   An undated report also needs a detail that corroborates it beyond the place (the
   same ordinal, count, claimant or blamed group, person struck, or weekday): an
   article with no date never joins another's event on a shared place alone.
3. **Replies.** Reports of a reply that answer the same attack are one reply, and
   attacks answered by one reply are one attack, when nothing conflicts.

The order of visiting is canonical (dated clusters by date, then the rest by
article and offset), so the result never depends on the order files were read;
an event's IRI is a hash of its identity (category, date, places), not of the order.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import InputError
from kg.pipeline.confidence import score_event
from kg.pipeline.extract.context import BACKGROUND_MARK, REFERENCE_MARK, REFERENCED_MARK
from kg.pipeline.extract.records import (
    CasualtyReport,
    DateInfo,
    EntityRef,
    EventRecord,
    Evidence,
    Responsibility,
    RoleFiller,
)
from kg.vocab.gazetteer import Gazetteer
from kg.vocab.kinds import EVENT_KINDS, WITHDRAWAL

EVENT_NS = "https://w3id.org/kg-iraq/id/event/"
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, None: 4}
GENERIC = {k.type for k in EVENT_KINDS if k.generic}
"""The families' own classes (kg.vocab.kinds): the mode or kind is unknown."""
WITHDRAWAL_TYPES = {k.type for k in EVENT_KINDS if k.category == WITHDRAWAL}
TYPE_PRIORITY = {"BaseHandover": 0, "Redeployment": 1, "Withdrawal": 2}
AIR = {"AirStrike", "DroneAttack"}
ANCHOR_CLASSES = ("MilitaryBase", "Person")
"""Entities that identify an incident on their own: a base, a named person struck."""

Contains = Callable[[str, str], bool]
Specific = Callable[[EntityRef], bool]


@dataclass(frozen=True, order=True)
class Link:
    """Why a report belongs to its event.

    ``report`` joined the report ``joined`` (both local report ids,
    ``{article_id}#{n}``) because of ``reason``; ``score`` in [0, 1] says how strong
    the ground was (a shared base and the same day is strong; a headline folded into
    the article's only attack is weaker)."""

    report: str
    joined: str
    reason: str
    score: float


@dataclass(frozen=True)
class Event:
    """A real event with every report of it, the links that joined them, confidences."""

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
    members: tuple[EventRecord, ...] = field(default=())
    links: tuple[Link, ...] = field(default=())
    confidence: float = 0.0
    role_confidence: tuple[tuple[str, str, float], ...] = field(default=())
    """(role name, entity IRI, confidence) for each entity-valued role and responsibility
    party (role names of kg.vocab.kinds)."""

    def fillers(self, role: str) -> tuple[EntityRef, ...]:
        return tuple(sorted(dict.fromkeys(r.entity for r in self.roles if r.role == role)))

    @property
    def killed(self) -> int | None:
        return _agreed(c.killed for c in self.casualties)

    @property
    def wounded(self) -> int | None:
        return _agreed(c.wounded for c in self.casualties)

    def confidence_of(self, role: str, iri: str) -> float | None:
        for name, entity, value in self.role_confidence:
            if name == role and entity == iri:
                return value
        return None


def _agreed(values) -> int | None:
    vals = {v for v in values if v is not None}
    return vals.pop() if len(vals) == 1 else None


# --------------------------------------------------------------------------- overrides


@dataclass(frozen=True)
class Overrides:
    """A researcher's corrections to the merge, read from a CSV file.

    Each row is ``report,action,other``: ``split`` keeps the report out of every
    join (it becomes an event of its own, or is the seed of one); ``join`` puts the
    report in the event of report ``other``. Report ids are those of events.jsonl's
    ``reports`` (``{article_id}#{n}``). A row naming a report the corpus does not have
    stops the build with the ids (:func:`unknown_reports`), never silently ignored."""

    split: frozenset[str] = frozenset()
    join: tuple[tuple[str, str], ...] = ()

    @classmethod
    def read(cls, path: str | Path) -> Overrides:
        """Parse an overrides file; a malformed row is an InputError naming its line."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(
                f"{path.name}: cannot read the overrides file ({exc.strerror})"
            ) from exc
        split, join = set(), []
        for n, row in enumerate(csv.reader(text.splitlines()), 1):
            row = [c.strip() for c in row]
            if not row or not row[0] or row[0].startswith("#") or row[0] == "report":
                continue
            action = row[1].lower() if len(row) > 1 else ""
            if action == "split" and len(row) >= 2:
                split.add(row[0])
            elif action == "join" and len(row) >= 3 and row[2]:
                join.append((row[0], row[2]))
            else:
                raise InputError(
                    f"{path.name}, line {n}: expected 'report,split' or 'report,join,other report'"
                )
        return cls(frozenset(split), tuple(sorted(join)))

    def reports(self) -> set[str]:
        return set(self.split) | {x for pair in self.join for x in pair}


def unknown_reports(overrides: Overrides, records: Iterable[EventRecord]) -> list[str]:
    """The report ids an overrides file names that no record has (a typo, or an old id)."""
    known = {r.local_id for r in records}
    return sorted(overrides.reports() - known)


# --------------------------------------------------------------------------- places


def _interval(d: DateInfo | None) -> tuple[str, str] | None:
    if d is None or d.earliest is None or d.latest is None:
        return None
    return d.earliest, d.latest


PLACE_CLASSES = ("MilitaryBase", "Place", "Person")
"""What can say where (or on whom) an incident happened; a side (a state, a coalition, a
force, a group) cannot: «رتل للتحالف» in two sentences is not one place."""


def _places(r: EventRecord, states: bool = False) -> set[str]:
    """Where an event happened: its locations, and for attacks its targets that are
    places or persons. A whole country is too coarse to say two attack reports are one;
    for a withdrawal within one article ("منسحبة من العراق") it is enough
    (``states=True``)."""
    roles = ("location", "target") if r.category == "attack" else ("location", "destination")
    keep = PLACE_CLASSES + (("State",) if states and r.category == "withdrawal" else ())
    return {
        f.entity.iri
        for f in r.roles
        if f.role in roles
        and f.entity.cls in keep
        and not f.evidence.rule.endswith(REFERENCE_MARK)  # "قرب بغداد" does not identify it
    }


def _shared_place(a: EventRecord, b: EventRecord, contains: Contains | None = None) -> str | None:
    """A place in common (its IRI), else None; within one article a city also meets a base
    inside it ("هجوم أربيل" and "مطار أربيل الدولي")."""
    same_article = a.sources[0].article == b.sources[0].article
    pa, pb = _places(a, same_article), _places(b, same_article)
    common = sorted(pa & pb)
    if common:
        return common[0]
    if same_article and contains is not None:
        # a city meets a base inside it; a whole country is never the coarse side
        states = _state_iris(a) | _state_iris(b)
        for x in sorted((pa | pb) - states):
            for y in sorted(pb if x in pa else pa):
                if contains(x, y):
                    return y
    return None


def _state_iris(r: EventRecord) -> set[str]:
    return {f.entity.iri for f in r.roles if f.entity.cls == "State"}


def specific_places(gaz: Gazetteer) -> Specific:
    """``specific(entity)``: a place that identifies an incident across articles.

    A base or a named person always does; a place does when the gazetteer puts no other
    place inside it (a town, an airport's village), or when the gazetteer does not know
    it (a name read from the text with a cue, such as «بلدة X»). A province, a city with
    bases in it, a country or a side does not."""
    # a province contains towns; a city that holds only bases is still one place
    containers = {
        parent
        for e in gaz.entities
        if e.cls == "Place"
        for relation, parent in e.relations
        if relation == "locatedIn"
    }

    def specific(ref: EntityRef) -> bool:
        if ref.cls in ANCHOR_CLASSES:
            return True
        if ref.cls != "Place":
            return False
        return not ref.in_gazetteer or ref.iri not in containers

    return specific


def _default_specific(ref: EntityRef) -> bool:
    return ref.cls in ANCHOR_CLASSES or (ref.cls == "Place" and not ref.in_gazetteer)


def _anchors(r: EventRecord, specific: Specific) -> set[tuple[str, ...]]:
    """The keys that identify a report's incident across articles."""
    out: set[tuple[str, ...]] = set()
    places = ("location", "target") if r.category == "attack" else ("location",)
    for f in r.roles:
        if f.evidence.rule.endswith(REFERENCE_MARK):
            continue
        if f.role in places and specific(f.entity):
            out.add(("anchor", f.entity.iri))
    for f in r.roles:
        # a city, a province, a group struck: enough only between dated reports
        if (
            f.role in ("location", "target")
            and not f.evidence.rule.endswith(REFERENCE_MARK)
            and f.entity.cls not in ("State", "Coalition")
            and not specific(f.entity)
        ):
            out.add(("place", f.entity.iri))
    if r.category == "withdrawal":
        # a state or force leaving a country ("فرنسا تسحب قواتها من العراق"): the pair
        actors = [f.entity.iri for f in r.roles if f.role == "actor"]
        locs = [f.entity.iri for f in r.roles if f.role == "location"]
        out |= {("movement", a, p) for a in actors for p in locs}
    return out


# --------------------------------------------------------------------------- compatibility


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


def _weekday(r: EventRecord) -> int | None:
    return getattr(r.date, "weekday", None) if r.date is not None else None


def _parties(r: EventRecord, kind: str) -> set[str]:
    return {s.party.iri for s in r.responsibility if s.kind == kind and s.party is not None}


def _counts(r: EventRecord, what: str) -> set[int]:
    return {getattr(c, what) for c in r.casualties if getattr(c, what) is not None}


def _same_day(a: EventRecord, b: EventRecord) -> bool:
    return bool(
        a.date
        and b.date
        and a.date.precision == b.date.precision == "day"
        and a.date.value == b.date.value
    )


def conflict(a: EventRecord, b: EventRecord) -> str | None:
    """The detail on which two reports disagree so that they cannot be one incident, or None.

    Casualty counts conflict only between articles and only when the two reports are not
    dated to the same day: a toll that rises from one day's reports to the next is one
    event with two figures (docs/ANNOTATION.md keeps each report's figure)."""
    if a.category != b.category or not _types_compatible(a.type, b.type):
        return "type"
    if a.ordinal and b.ordinal and a.ordinal != b.ordinal:
        return "ordinal"
    if _dated(a) and _dated(b) and not _dates_compatible(a, b):
        return "date"
    wa, wb = _weekday(a), _weekday(b)
    if wa is not None and wb is not None and wa != wb:
        return "weekday"
    if a.category == "withdrawal":
        xa, xb = set(a.fillers("actor")), set(b.fillers("actor"))
        if xa and xb and not (xa & xb) and all(x.cls == "State" for x in xa | xb):
            return "actor"  # France leaving Iraq is not the Czech Republic leaving it
        if a.status != b.status and any(
            x.status == "planned" and x.date is not None and x.date.precision not in (None, "day")
            for x in (a, b)
        ):
            # a plan with its own horizon («بحلول نهاية أبريل») is not the movement done
            # before it; an announcement without one, or for a day, is the same event
            return "status"
    ca, cb = _parties(a, "claim"), _parties(b, "claim")
    if ca and cb and not (ca & cb):
        return "claimant"
    aa = {e.iri for e in a.fillers("attacker")}
    ab = {e.iri for e in b.fillers("attacker")}
    if aa and ab and not (aa & ab):
        return "attacker"
    if a.sources[0].article != b.sources[0].article and not _same_day(a, b):
        for what in ("killed", "wounded"):
            xa, xb = _counts(a, what), _counts(b, what)
            if xa and xb and not (xa & xb):
                return what
    return None


def corroboration(a: EventRecord, b: EventRecord) -> str | None:
    """A detail beyond the place that says two reports tell of the same incident, or None."""
    if a.ordinal and a.ordinal == b.ordinal:
        return f"the same ordinal ({a.ordinal})"
    for what in ("killed", "wounded"):
        common = _counts(a, what) & _counts(b, what)
        if any(common):
            return f"the same count {what} ({min(common)})"
    for kind in ("claim", "attribution"):
        common = _parties(a, kind) & _parties(b, kind)
        if common:
            return f"the same {kind} ({_short(min(common))})"
    persons = {e.iri for e in a.fillers("target") if e.cls == "Person"} & {
        e.iri for e in b.fillers("target") if e.cls == "Person"
    }
    if persons:
        return f"the same person struck ({_short(min(persons))})"
    wa = _weekday(a)
    if wa is not None and wa == _weekday(b):
        return "the same weekday"
    if a.category == "withdrawal":
        if a.status == b.status == "planned":
            return "the same plan"  # a plan is re-announced; it is not an instant
        for role in ("actor", "recipient"):
            common = {e.iri for e in a.fillers(role)} & {e.iri for e in b.fillers(role)}
            if common:
                return f"the same {role} ({_short(min(common))})"
    return None


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def informative(r: EventRecord) -> bool:
    """A report says something concrete: a date, a place, a target, an actor who moves, or a claim."""
    return bool(
        _dated(r)
        or any(f.role not in ("weapon", "attacker") for f in r.roles)
        or r.responsibility
        or r.retaliation_for
        or r.same_as
    )


def _canonical(r: EventRecord) -> tuple:
    s = r.sources[0]
    return (s.article, s.start, r.local_id)


# --------------------------------------------------------------------------- clusters


class _Clusters:
    """Union-find over reports that keeps each cluster's members and refuses a join
    that would put two conflicting reports in one event (no transitive chaining)."""

    def __init__(self, recs: list[EventRecord], split: frozenset[str]) -> None:
        self.recs = recs
        self.parent = list(range(len(recs)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(recs))}
        self.links: list[Link] = []
        self.split = {i for i, r in enumerate(recs) if r.local_id in split}
        # what conflict() reads of a report: reports alike in it conflict alike, so a
        # cluster is checked by its distinct signatures (a pathological article of
        # thousands of equal reports stays linear), each pair once
        self._sig = [_signature(r) for r in recs]
        self.sigs: dict[int, dict[tuple, int]] = {i: {self._sig[i]: i} for i in range(len(recs))}
        self._conflicts: dict[tuple[tuple, tuple], str | None] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def of(self, i: int) -> list[int]:
        return self.members[self.find(i)]

    def compatible(self, a: int, b: int, allow: frozenset[str] = frozenset()) -> bool:
        """No report of a's cluster conflicts with one of b's (``allow``: conflicts that
        do not count, such as a date a day apart when the text says it is the same attack)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.split and self.split & (set(self.members[ra]) | set(self.members[rb])):
            return False
        ok = allow | {None}
        for sa, x in self.sigs[ra].items():
            for sb, y in self.sigs[rb].items():
                key = (sa, sb)
                if key not in self._conflicts:
                    self._conflicts[key] = conflict(self.recs[x], self.recs[y])
                if self._conflicts[key] not in ok:
                    return False
        return True

    def join(
        self,
        i: int,
        j: int,
        reason: str,
        score: float,
        force: bool = False,
        allow: frozenset[str] = frozenset(),
    ) -> bool:
        """Join the clusters of reports i and j (i's report is the one that joined)."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj or not (force or self.compatible(ri, rj, allow)):
            return False
        keep, gone = min(ri, rj), max(ri, rj)
        self.parent[gone] = keep
        self.members[keep] = sorted(self.members[keep] + self.members.pop(gone))
        for sig, k in self.sigs.pop(gone).items():
            self.sigs[keep].setdefault(sig, k)
        self.links.append(
            Link(self.recs[i].local_id, self.recs[j].local_id, reason, round(score, 3))
        )
        return True

    def roots(self) -> list[int]:
        return sorted(self.members)


def _signature(r: EventRecord) -> tuple:
    """Everything :func:`conflict` reads of a report, as one hashable value."""
    d = r.date
    return (
        r.category,
        r.type,
        r.ordinal,
        r.status,
        (d.value, d.precision, d.earliest, d.latest, getattr(d, "weekday", None)) if d else None,
        tuple(sorted((e.iri, e.cls) for e in r.fillers("actor"))),
        tuple(sorted(_parties(r, "claim"))),
        tuple(sorted(e.iri for e in r.fillers("attacker"))),
        tuple(sorted(_counts(r, "killed"))),
        tuple(sorted(_counts(r, "wounded"))),
        r.sources[0].article,
    )


def _date_score(a: EventRecord, b: EventRecord) -> tuple[str, float]:
    if _same_day(a, b):
        return f"the same day ({a.date.value})", 0.35
    if _dated(a) and _dated(b):
        return "dates that overlap", 0.15
    return "", 0.0


def merge_events(
    records: list[EventRecord],
    contains: Contains | None = None,
    *,
    specific: Specific | None = None,
    overrides: Overrides | None = None,
) -> list[Event]:
    """Join reports into events (the module docstring gives the rules).

    ``contains(outer_iri, inner_iri)`` (from the gazetteer) lets an article's city meet a
    base inside it and an event keep only its most specific places; ``specific`` says
    which entities anchor a join across articles (:func:`specific_places`); ``overrides``
    are a researcher's splits and joins. Reports that say nothing concrete (no date,
    place, actor or claim) are dropped.
    """
    specific = specific or _default_specific
    overrides = overrides or Overrides()
    unknown = unknown_reports(overrides, records)
    if unknown:
        raise InputError(
            f"the overrides file names {len(unknown)} report(s) this corpus does not have: "
            + ", ".join(unknown[:5])
            + (" …" if len(unknown) > 5 else "")
        )
    recs = sorted((r for r in records if informative(r)), key=_canonical)
    cl = _Clusters(recs, overrides.split)
    index = {r.local_id: i for i, r in enumerate(recs)}
    by_article: dict[str, list[int]] = {}
    for i, r in enumerate(recs):
        by_article.setdefault(r.sources[0].article, []).append(i)
    for members in by_article.values():
        _within_article(cl, members, index, contains, specific)
    _across_articles(cl, specific)
    _answered_alike(cl, index, specific)
    _merge_answered(cl, index)
    for a, b in overrides.join:
        if a in index and b in index:
            cl.join(index[a], index[b], "joined by the overrides file", 1.0, force=True)
    local_to_iri: dict[str, str] = {}
    drafts = []
    used_iris: set[str] = set()
    for root in cl.roots():
        members = [recs[i] for i in cl.members[root]]
        iri = _event_iri(members, used_iris)
        used_iris.add(iri)
        for m in members:
            local_to_iri[m.local_id] = iri
        drafts.append((iri, members))
    links_of: dict[str, list[Link]] = {}
    for link in cl.links:
        links_of.setdefault(local_to_iri[link.report], []).append(link)
    events = []
    for iri, members in drafts:
        ev = _combine(iri, members, local_to_iri, contains, tuple(sorted(links_of.get(iri, ()))))
        events.append(ev)
    events = _earlier_answers(events)
    return sorted((score_event(e) for e in events), key=lambda e: e.iri)


def _earlier_answers(events: list[Event]) -> list[Event]:
    """A retaliation answers an earlier event, never a later one: a link to an event
    that certainly began after the reply ended is dropped."""
    start = {e.iri: _interval(e.date) for e in events}
    out = []
    for e in events:
        mine = _interval(e.date)
        keep = tuple(
            t
            for t in e.retaliation_for
            if mine is None or start.get(t) is None or start[t][0] <= mine[1]
        )
        out.append(e if keep == e.retaliation_for else replace(e, retaliation_for=keep))
    return out


def _within_article(
    cl: _Clusters,
    members: list[int],
    index: Mapping[str, int],
    contains: Contains | None,
    specific: Specific,
) -> None:
    """Step 1: the reports of one article (see the module docstring)."""
    recs = cl.recs
    for i in members:  # "الصاروخان" in the next sentence: the attack just reported
        for other in recs[i].same_as:
            if other in index:
                # the text says so ("واستهدف الصاروخان …", "وأكملت القوات الانسحاب"): a
                # date a day apart (late Monday, reported Tuesday), a weekday, or the plan
                # now done do not undo it
                cl.join(
                    i,
                    index[other],
                    "continues the report of the sentence before",
                    0.8,
                    allow=frozenset({"date", "weekday", "status"}),
                )
    precise = [i for i in members if _places(recs[i], states=True)]
    coarse = [i for i in members if not _places(recs[i], states=True)]
    # the earlier precise reports by place, one (the first) per cluster: a report meets
    # the clusters that share a place with it, or a place inside or around it, without
    # a pass over every earlier report (an article of thousands stays linear)
    by_place: dict[str, dict[int, int]] = {}
    around = _around(recs, precise, contains)
    for i in precise:
        found: dict[int, tuple[int, str]] = {}
        mine = _places(recs[i], states=True)
        for p in sorted(mine | set().union(*(around.get(x, ()) for x in mine))):
            current: dict[int, int] = {}
            for root, j in by_place.get(p, {}).items():
                root = cl.find(root)
                current[root] = min(j, current.get(root, j))
            by_place[p] = current
            for root, j in current.items():
                if root == cl.find(i) or root in found and found[root][0] < j:
                    continue
                place = _shared_place(recs[i], recs[j], contains)
                if place is not None and cl.compatible(i, j):
                    found[root] = (j, place)
        if len(found) == 1:
            j, place = next(iter(found.values()))
            when, bonus = _date_score(recs[i], recs[j])
            reason = f"same article, the same place ({_short(place)})" + (
                f" and {when}" if when else ""
            )
            cl.join(i, j, reason, 0.6 + bonus)
        for p in mine:
            root = cl.find(i)
            slot = by_place.setdefault(p, {})
            slot[root] = min(i, slot.get(root, i))
    kinds: dict[int, dict[tuple, int]] = {}
    for j in members:
        key = (recs[j].category, frozenset(_named_places(recs[j])))
        slot = kinds.setdefault(j, {})
        slot[key] = j
    for i in coarse:
        r = recs[i]
        if any(other in index for other in r.same_as):
            continue  # it continues the report the text points to (joined above), no other
        fits = set()
        # the article's clusters, each with one report per distinct set of places (what
        # _coarse_fits reads): an article of thousands of reports stays linear
        current: dict[int, dict[tuple, int]] = {}
        for root, shapes in kinds.items():
            slot = current.setdefault(cl.find(root), {})
            for key, j in shapes.items():
                slot[key] = min(j, slot.get(key, j))
        kinds = current
        # two main stories and no comment to place: nothing more can be decided, stop
        # looking (a text of thousands of unplaced reports stays linear)
        settled = not _commentary(r)
        main_seen = 0
        for root, shapes in kinds.items():
            if root == cl.find(i):
                continue
            for (category, _places_of), j in sorted(shapes.items(), key=lambda kv: kv[1]):
                if category != r.category:
                    continue
                if _coarse_fits(r, recs[j], contains) and cl.compatible(i, j):
                    fits.add(root)
                    main_seen += _main_story(cl, root)
                    break
            if settled and len(fits) > 1 and (main_seen > 1 or _recalled(r)):
                break
        main: set[int] = set()
        if len(fits) > 1 and not _recalled(r):
            main = {root for root in fits if _main_story(cl, root)}
        if len(fits) == 1:
            root = fits.pop()
            partner = cl.members[root][0]  # members are in canonical order
            cl.join(
                i,
                partner,
                f"same article, {_coarse_reason(r)}: the article's only such {r.category}",
                0.5,
            )
        elif len(main) == 1 and not _recalled(r):
            # the others are events the article recalls (told in the pluperfect, or as
            # what this one answered): a report that names no place is of the main story
            root = main.pop()
            partner = min(cl.members[root], key=lambda k: _canonical(recs[k]))
            cl.join(
                i,
                partner,
                f"same article, {_coarse_reason(r)}: the article's only {r.category}"
                " that is not recalled as background",
                0.4,
            )
        elif fits and _commentary(r):
            # «ونفت الجماعة أي صلة بالهجوم»: a sentence that only comments on "the attack"
            # (who claims, denies or is blamed, what it cost) speaks of the one told just
            # before it, as a definite noun does
            before = [
                (max(recs[k].sources[0].start for k in cl.members[root]), root)
                for root in fits
                if min(recs[k].sources[0].start for k in cl.members[root]) < r.sources[0].start
            ]
            if before:
                root = max(before)[1]
                partner = max(
                    (k for k in cl.members[root] if recs[k].sources[0].start < r.sources[0].start),
                    key=lambda k: _canonical(recs[k]),
                )
                cl.join(
                    i,
                    partner,
                    "same article, a comment on the attack told just before it (no place, no date)",
                    0.35,
                )


def _around(recs: list[EventRecord], precise: list[int], contains: Contains | None):
    """Place → the places of the article it contains or lies in (never through a whole
    country as the container), computed once over the article's distinct places."""
    if contains is None:
        return {}
    places: dict[str, bool] = {}  # iri → is a state
    for i in precise:
        states = _state_iris(recs[i])
        for p in _places(recs[i], states=True):
            places[p] = places.get(p, False) or p in states
    out: dict[str, set[str]] = {}
    for x, x_state in places.items():
        if x_state:
            continue
        for y in places:
            if y != x and contains(x, y):
                out.setdefault(x, set()).add(y)
                out.setdefault(y, set()).add(x)
    return out


def _recalled(r: EventRecord) -> bool:
    """A report of an event the article recalls as background (its rule says so)."""
    rule = r.sources[0].rule
    return rule.endswith((REFERENCED_MARK, BACKGROUND_MARK))


def _main_story(cl: _Clusters, root: int) -> bool:
    """A cluster with at least one report that is not recalled as background."""
    return any(not _recalled(cl.recs[k]) for k in cl.members[root])


def _commentary(r: EventRecord) -> bool:
    """A report that names no place and no date and says only who claims, denies or is
    blamed, or what the attack cost."""
    return (
        not _dated(r)
        and not any(f.role in ("location", "target") for f in r.roles)
        and bool(r.responsibility or r.casualties)
    )


def _named_places(r: EventRecord) -> set[str]:
    return {f.entity.iri for f in r.roles if f.role in ("location", "target", "destination")}


def _coarse_fits(r: EventRecord, other: EventRecord, contains: Contains | None) -> bool:
    """A report placed only by a country, a reference point or nothing can be the same
    incident as ``other``: each place it names is a country, or contains or is one of
    ``other``'s places."""
    named = {f.entity for f in r.roles if f.role in ("location", "target", "destination")}
    if not named:
        return True
    theirs = _named_places(other)
    for e in named:
        if e.cls == "State" or e.iri in theirs:
            continue
        if contains is not None and any(contains(e.iri, x) for x in theirs):
            continue
        return False
    return True


def _coarse_reason(r: EventRecord) -> str:
    named = [f for f in r.roles if f.role in ("location", "target")]
    if not named:
        return "placed by nothing"
    if any(f.evidence.rule.endswith(REFERENCE_MARK) for f in named):
        return f"placed only near {_short(named[0].entity.iri)}"
    return f"placed only by {_short(named[0].entity.iri)}"


def _across_articles(cl: _Clusters, specific: Specific) -> None:
    """Step 2: an article's cluster joins the one event of other articles that fits."""
    recs = cl.recs
    units = cl.roots()

    def unit_key(root: int) -> tuple:
        # the most precisely dated first: a report dated only by its month then meets
        # every day-dated event it could be, and joins one only if it is the only one
        ms = cl.members[root]
        dated = [recs[i] for i in ms if _dated(recs[i])]
        first = min(_canonical(recs[i]) for i in ms)
        if not dated:
            return (1, 9, "", first)
        rank = min(PRECISION_RANK.get(r.date.precision, 4) for r in dated)
        return (0, rank, min(r.date.earliest for r in dated), first)

    by_anchor: dict[tuple[str, ...], list[int]] = {}  # anchor → event roots, in order made
    for root in sorted(units, key=unit_key):
        if cl.find(root) != root:
            continue  # already joined to an event
        mine = cl.members[root]
        articles = {recs[i].sources[0].article for i in mine}
        anchors: dict[tuple[str, ...], int] = {}
        for i in mine:
            for a in _anchors(recs[i], specific):
                anchors.setdefault(a, i)
        candidates: dict[int, tuple[int, int, tuple[str, float, str]]] = {}
        fitting: set[int] = set()  # every event that fits, corroborated or not
        for anchor in sorted(anchors):
            for ev_root in by_anchor.get(anchor, ()):
                ev_root = cl.find(ev_root)
                if ev_root in candidates or ev_root == cl.find(root):
                    continue
                theirs = cl.members[ev_root]
                if articles & {recs[k].sources[0].article for k in theirs}:
                    continue  # an article's own reports were judged in step 1
                if not cl.compatible(root, ev_root):
                    continue
                i = anchors[anchor]
                partner = next(k for k in theirs if anchor in _anchors(recs[k], specific))
                why = _why_across(cl, mine, theirs, anchor)
                if why is not None or anchor[0] != "place":
                    fitting.add(ev_root)
                if why is not None:
                    candidates[ev_root] = (i, partner, why)
        if len(candidates) == 1 and len(fitting) > 1:
            # an undated report corroborated only by a claimant or a blamed group (who claim
            # and are blamed for many attacks) joins only the one event that fits at all
            ((_, _, why),) = candidates.values()
            if why[2] == "weak":
                candidates = {}
        if len(candidates) > 1:
            # several events fit: the one with the same ordinal, if exactly one has it
            same = {
                k: v
                for k, v in candidates.items()
                if any(
                    recs[x].ordinal and recs[x].ordinal == recs[y].ordinal
                    for x in mine
                    for y in cl.members[k]
                )
            }
            candidates = same if len(same) == 1 else {}
        if len(candidates) == 1:
            i, partner, (reason, score, _) = next(iter(candidates.values()))
            cl.join(i, partner, reason, score)
        new_root = cl.find(root)
        for anchor in anchors:
            lst = by_anchor.setdefault(anchor, [])
            if new_root not in lst:
                lst.append(new_root)


def _why_across(
    cl: _Clusters, mine: list[int], theirs: list[int], anchor
) -> tuple[str, float, str] | None:
    """(reason, score, ground) for joining two clusters that share ``anchor``, or None
    when the place alone would be the ground (an undated side with nothing that
    corroborates it). ``ground`` is "dated", "strong" (a corroborating detail) or "weak"
    (only a claimant or a blamed group)."""
    recs = cl.recs
    if anchor[0] == "movement":
        what = f"the same movement ({_short(anchor[1])} from {_short(anchor[2])})"
    else:
        what = f"the same {anchor[0]} ({_short(anchor[1])})"
    both_dated = any(_dated(recs[i]) for i in mine) and any(_dated(recs[k]) for k in theirs)
    if anchor[0] == "place":
        if not both_dated:
            return None  # a city or a group is not enough without dates
        what = f"the same place or target ({_short(anchor[1])})"
    if both_dated:
        pairs = [(i, k) for i in mine for k in theirs if _dated(recs[i]) and _dated(recs[k])]
        when, bonus = max((_date_score(recs[i], recs[k]) for i, k in pairs), key=lambda x: x[1])
        base = 0.3 if anchor[0] == "place" else 0.45
        return f"another article: {what}, {when or 'dates that overlap'}", base + bonus, "dated"
    weak = None
    for i in mine:
        for k in theirs:
            c = corroboration(recs[i], recs[k])
            if c is None:
                continue
            if c.startswith(("the same claim", "the same attribution")):
                weak = weak or c
                continue
            return f"another article (undated): {what} and {c}", 0.45, "strong"
    if weak is not None:
        return f"another article (undated): {what} and {weak}", 0.35, "weak"
    return None


def _answered_alike(cl: _Clusters, index: Mapping[str, int], specific: Specific) -> None:
    """An attack told without a place («رحبت الجماعة بالضربات التي قتلت جنديين»), and the
    reply to it in the same article, join an attack of other articles whose reply is like
    that reply (no detail conflicts in either pair), when exactly one such attack exists:
    the story "X, then the answer Y" identifies the incident that neither sentence does."""
    recs = cl.recs
    pairs: list[tuple[int, int]] = []  # (reply report, answered report)
    for i, r in enumerate(recs):
        for target in r.retaliation_for:
            if target in index:
                pairs.append((i, index[target]))
    for reply, attack in pairs:
        if any(_anchors(recs[x], specific) for x in cl.of(attack)):
            continue  # it has a place: step 2 judged it
        article = recs[attack].sources[0].article
        fits: dict[int, int] = {}
        for other_reply, other_attack in pairs:
            theirs = cl.of(other_attack)
            if article in {recs[k].sources[0].article for k in theirs}:
                continue
            if not any(_anchors(recs[k], specific) for k in theirs):
                continue
            if cl.find(other_attack) == cl.find(attack) or cl.find(other_reply) == cl.find(reply):
                continue
            # the other reply must name the attack precisely («الهجوم الأول») or strike
            # where this reply struck: two replies by one side are otherwise too common
            named = any(recs[k].ordinal for k in theirs)
            struck = set().union(*(_places(recs[k]) for k in cl.of(reply))) & set().union(
                *(_places(recs[k]) for k in cl.of(other_reply))
            )
            if not (named or struck):
                continue
            if cl.compatible(attack, other_attack) and cl.compatible(reply, other_reply):
                fits.setdefault(cl.find(other_attack), other_attack)
        if len(fits) == 1:
            other = next(iter(fits.values()))
            cl.join(
                attack, other, "another article tells of an attack answered by a like reply", 0.4
            )


def _merge_answered(cl: _Clusters, index: Mapping[str, int]) -> None:
    """One reply answers one attack: replies that answer the same attack are one reply
    when they share a place or target; attacks answered by one reply are one attack;
    in both cases only when no detail conflicts."""
    recs = cl.recs
    changed = True
    while changed:
        changed = False
        by_reply: dict[int, set[int]] = {}
        for i, r in enumerate(recs):
            for target in r.retaliation_for:
                if target in index:
                    by_reply.setdefault(cl.find(i), set()).add(cl.find(index[target]))
        answered_by: dict[int, list[int]] = {}
        for reply_root, roots in sorted(by_reply.items()):
            for root in sorted(roots):
                answered_by.setdefault(root, []).append(reply_root)
        for attack, replies in sorted(answered_by.items()):
            replies = sorted({cl.find(x) for x in replies})
            for a, b in zip(replies, replies[1:], strict=False):
                if cl.find(a) == cl.find(b):
                    continue
                pa = set().union(*(_places(recs[x]) for x in cl.of(a)))
                pb = set().union(*(_places(recs[x]) for x in cl.of(b)))
                named = any(recs[x].ordinal for x in cl.of(attack))
                if pa & pb:
                    why = f"replies to the same attack, at the same place ({_short(min(pa & pb))})"
                elif named:
                    why = "replies to the same attack, named by its ordinal"
                else:
                    continue
                if cl.join(b, a, why, 0.5):
                    changed = True
        for _reply, roots in sorted(by_reply.items()):
            roots = sorted({cl.find(x) for x in roots})
            for a, b in zip(roots, roots[1:], strict=False):
                if cl.find(a) != cl.find(b) and cl.join(b, a, "answered by the same reply", 0.4):
                    changed = True


# --------------------------------------------------------------------------- events


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
    iri: str,
    members: list[EventRecord],
    local_to_iri: dict[str, str],
    contains=None,
    links: tuple[Link, ...] = (),
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
    ordered = tuple(sorted(members, key=_canonical))
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
        reports=tuple(m.local_id for m in ordered),
        members=ordered,
        links=links,
    )


def _resp_key(r: Responsibility) -> tuple:
    return (
        r.kind,
        r.party.iri if r.party else "",
        tuple(b.iri for b in r.by),
        r.evidence.article,
        r.evidence.start,
    )
