"""The one table of event kinds and roles.

Every module that needs to know which event kinds and roles exist reads them here:
the RDF mapping (which property or class states a role), the tables (events.jsonl
keys and events.csv columns, in order), the networkx views (the role edges), the
chains (who did it, and on whose word), the pictures (colours) and the evaluation
(which fields to score). The SHACL shapes are checked against it by a test
(tests/test_vocab.py). To add a kind or a role, add a row here; the ontology
(ontology/kg.ttl) must declare its class or property.

A *role* is something a report says about an event:

- ``entity``: an entity fills it, stated as a role property (``kgo:attacker``) and a
  ``kgo:RoleAssertion`` with its evidence;
- ``claim`` / ``attribution`` / ``denial`` / ``noclaim``: responsibility, stated as a
  ``kgo:ResponsibilityStatement`` of that class (who says they did it, whom someone
  blames and who says so, who says they did not do it, or that nobody claimed it);
- ``count``: a number of people (``kgo:killed``), with the casualty reports behind it;
- ``event``: another event (``kgo:inRetaliationFor``).
"""

from __future__ import annotations

from dataclasses import dataclass

ATTACK, WITHDRAWAL = "attack", "withdrawal"
CATEGORIES = (ATTACK, WITHDRAWAL)

STATUSES = ("done", "planned", "disrupted")
"""An event's status: the ontology's kgo:Done, kgo:Planned, kgo:Disrupted."""
PRECISIONS = ("day", "week", "month", "year")
"""A date's precision: kgo:DayPrecision ... kgo:YearPrecision."""


@dataclass(frozen=True)
class EventKind:
    """A class of events: its kgo: class, its family, its colour in pictures."""

    type: str  # the kgo: class's local name, as in events.jsonl "type"
    category: str  # ATTACK or WITHDRAWAL
    colour: str
    generic: bool = False  # the family's own class: the mode or kind is unknown


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("RocketAttack", ATTACK, "#d62728"),
    EventKind("IEDAttack", ATTACK, "#8c1c13"),
    EventKind("DroneAttack", ATTACK, "#e377c2"),
    EventKind("AirStrike", ATTACK, "#ff7f0e"),
    EventKind("Attack", ATTACK, "#b5545c", generic=True),
    EventKind("BaseHandover", WITHDRAWAL, "#17becf"),
    EventKind("Redeployment", WITHDRAWAL, "#6baed6"),
    EventKind("Withdrawal", WITHDRAWAL, "#1f77b4", generic=True),
)


@dataclass(frozen=True)
class Role:
    """A role of an event, and every name it goes by."""

    name: str  # in extraction records and the networkx views' edges
    field: str | None  # events.jsonl key and events.csv column (None: not in the tables)
    kind: str  # entity | claim | attribution | denial | noclaim | count | event
    term: str  # the kgo: property (entity, count, event) or class (responsibility)
    categories: tuple[str, ...]  # the families of events that take it
    colour: str | None = None  # of its edges in pictures
    party: str | None = None  # for "who did it": fact, claimed or attributed (a denial is not)


ROLES: tuple[Role, ...] = (
    Role("attacker", "attackers", "entity", "attacker", (ATTACK,), "#d62728", "fact"),
    Role("claimed_by", "claimed_by", "claim", "Claim", (ATTACK,), "#9467bd", "claimed"),
    Role(
        "attributed_to",
        "attributed_to",
        "attribution",
        "Attribution",
        (ATTACK,),
        "#e377c2",
        "attributed",
    ),
    Role("denied_by", "denied_by", "denial", "Denial", (ATTACK,), "#8c564b"),
    Role("not_claimed", "not_claimed", "noclaim", "NoClaim", (ATTACK,)),
    Role("target", "targets", "entity", "target", (ATTACK,), "#ff7f0e"),
    Role("weapon", "weapons", "entity", "weapon", (ATTACK,), "#7f7f7f"),
    Role("location", "locations", "entity", "location", CATEGORIES, "#2ca02c"),
    Role("actor", "actors", "entity", "actor", (WITHDRAWAL,), "#1f77b4", "fact"),
    Role("recipient", "recipients", "entity", "recipient", (WITHDRAWAL,), "#17becf"),
    Role("destination", None, "entity", "destination", (WITHDRAWAL,), "#98df8a"),
    Role("killed", "killed", "count", "killed", CATEGORIES),
    Role("wounded", "wounded", "count", "wounded", CATEGORIES),
    Role(
        "in_retaliation_for", "retaliation_for", "event", "inRetaliationFor", CATEGORIES, "#000000"
    ),
)
"""In the order of the tables' columns."""

RESPONSIBILITY_KINDS = ("claim", "attribution", "denial", "noclaim")
"""Roles stated as a kgo:ResponsibilityStatement of their class (``Role.term``)."""
ENTITY_VALUED = ("entity", "claim", "attribution", "denial")
"""Roles whose values are entities (lists of them in events.jsonl)."""


def role(name: str) -> Role:
    """The role called ``name`` (its record name or its field)."""
    for r in ROLES:
        if name in (r.name, r.field):
            return r
    raise KeyError(name)


def kind(type_: str) -> EventKind:
    """The event kind of a kgo: class local name."""
    for k in EVENT_KINDS:
        if k.type == type_:
            return k
    raise KeyError(type_)


def roles_of(kind_: str) -> tuple[Role, ...]:
    """Roles of that kind (entity, claim, attribution, denial, noclaim, count, event), in
    table order."""
    return tuple(r for r in ROLES if r.kind == kind_)


def types_of(category: str) -> tuple[str, ...]:
    """The kgo: classes of one family of events."""
    return tuple(k.type for k in EVENT_KINDS if k.category == category)
