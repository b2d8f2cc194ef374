"""How much to trust an event and each of its roles: a number in [0, 1] from the evidence.

The numbers rank; they are not calibrated probabilities. They come from three things
a careful reader weighs (docs/ANNOTATION.md, "Confidence"):

* **the strength of each report**: what the sentence gives. A report that names a
  specific place (a base, a town), a date, a specific means (a rocket, a drone) and a
  claim or a count is strong; one that says only "an attack in Iraq" is weak
  (:func:`report_strength`);
* **independent articles**: reports from different articles are independent
  witnesses, so the event's confidence is ``1 - Π (1 - s_a)`` over its articles. Within
  one article the reports are not independent (the headline repeats the body), but a
  sentence misread once is less likely to be misread again: ``s_a`` is the strongest
  report of article ``a`` with each further report of it counted at half its strength
  (``1 - s_a = (1 - s_1) Π (1 - s_i / 2)``);
* **agreement**: reports that disagree on the kind of attack (a rocket and a drone)
  lower it, and so does a join whose ground was weak (the link's score,
  :class:`kg.pipeline.merge.Link`). Differing casualty figures do not: tolls rise from
  one report to the next, and docs/ANNOTATION.md keeps each report's figure.

On the development set (``python scripts/evaluate.py``), this rule ranks a right event
above a wrong one 8 times in 10 (BENCHMARKS.md); counting only the strongest report of
each article gave 0.74, and a penalty for differing tolls made it worse.

A role's confidence uses the same rule over the reports that give it, with the
strength of the rule that read it (:data:`ROLE_RULE_STRENGTH`): a base named after
«على» in an attack clause is a surer target than a place given only as a reference
point («قرب X»), a claim than an attribution.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from kg.pipeline.extract.context import REFERENCE_MARK
from kg.pipeline.extract.records import EventRecord
from kg.vocab.kinds import EVENT_KINDS

if TYPE_CHECKING:  # merge imports this module; the type is only for annotations
    from kg.pipeline.merge import Event

GENERIC_TYPES = {k.type for k in EVENT_KINDS if k.generic}
"""The families' own classes (kg.vocab.kinds): a report of one says less."""

ROLE_RULE_STRENGTH = {
    "attacker": 0.65,
    "target": 0.7,
    "location": 0.75,
    "weapon": 0.8,
    "actor": 0.7,
    "recipient": 0.65,
    "destination": 0.65,
    "claim": 0.85,
    "attribution": 0.75,
    "noclaim": 0.7,
    "denial": 0.8,
}
"""The strength of one report's evidence for a role, before independence and agreement."""
REFERENCE_STRENGTH = 0.35
"""A place read only as a reference point («قرب بغداد»), or a means read from words
(«ضربات جوية») rather than named."""


def report_strength(r: EventRecord) -> float:
    """What one report gives, in [0.1, 0.9]."""
    s = 0.3
    places = [f for f in r.roles if f.role in ("location", "target")]
    if any(
        not f.evidence.rule.endswith(REFERENCE_MARK) and f.entity.cls != "State" for f in places
    ):
        s += 0.2
    elif places:
        s += 0.05
    if r.date is not None and r.date.value:
        s += 0.15 if r.date.precision == "day" else 0.08
    if r.type not in GENERIC_TYPES:
        s += 0.1
    if r.responsibility or r.casualties:
        s += 0.05
    if r.category == "withdrawal" and any(f.role == "actor" for f in r.roles):
        s += 0.05
    if r.retaliation_for:
        s += 0.05
    return round(min(0.9, max(0.1, s)), 3)


def _independent(strengths_by_article: dict[str, float]) -> float:
    miss = 1.0
    for s in strengths_by_article.values():
        miss *= 1.0 - s
    return 1.0 - miss


SAME_ARTICLE_WEIGHT = 0.5
"""How much a further report of the same article counts, against its strength alone."""


def _article_strength(strengths: list[float]) -> float:
    first, *rest = sorted(strengths, reverse=True)
    miss = 1.0 - first
    for s in rest:
        miss *= 1.0 - SAME_ARTICLE_WEIGHT * s
    return 1.0 - miss


def event_confidence(ev: Event) -> float:
    """The confidence of an event: independent articles, agreement, the joins' scores."""
    by_article: dict[str, list[float]] = {}
    for m in ev.members:
        by_article.setdefault(m.sources[0].article, []).append(report_strength(m))
    c = _independent({a: _article_strength(ss) for a, ss in by_article.items()})
    types = {m.type for m in ev.members if m.type not in GENERIC_TYPES}
    if len(types) > 1 and not types <= {"AirStrike", "DroneAttack"}:
        c *= 0.85  # the reports disagree on the means (a drone strike is also from the air)
    weak = [link.score for link in ev.links if link.score < 0.5]
    c *= 0.95 ** len(weak)
    return round(min(0.99, max(0.01, c)), 3)


def _rule_strength(role: str, rule: str) -> float:
    if rule.endswith(REFERENCE_MARK) or rule.endswith("+air"):
        return REFERENCE_STRENGTH
    return ROLE_RULE_STRENGTH.get(role, 0.6)


def role_confidences(ev: Event) -> tuple[tuple[str, str, float], ...]:
    """(role, entity IRI, confidence) for each role filler and responsibility party."""
    support: dict[tuple[str, str], dict[str, float]] = {}
    for f in ev.roles:
        key = (f.role, f.entity.iri)
        per = support.setdefault(key, {})
        a = f.evidence.article
        per[a] = max(per.get(a, 0.0), _rule_strength(f.role, f.evidence.rule))
    for s in ev.responsibility:
        if s.party is None:
            continue
        key = (s.kind, s.party.iri)
        per = support.setdefault(key, {})
        a = s.evidence.article
        per[a] = max(per.get(a, 0.0), ROLE_RULE_STRENGTH.get(s.kind, 0.6))
    out = []
    for (role, iri), per in sorted(support.items()):
        out.append((role, iri, round(min(0.99, _independent(per)), 3)))
    return tuple(out)


def score_event(ev: Event) -> Event:
    """The event with its confidence and its roles' confidences filled in."""
    return replace(ev, confidence=event_confidence(ev), role_confidence=role_confidences(ev))
