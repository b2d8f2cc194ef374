"""Frozen records that flow from extraction to RDF and the events table.

Every record that states something carries the Evidence it came from: the
article, the sentence, its character span, and the rule that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class EntityRef:
    """An entity node: from the gazetteer, or recognised from an Arabic cue."""

    iri: str
    cls: str
    label_ar: str
    label_en: str | None = None
    in_gazetteer: bool = True


@dataclass(frozen=True, order=True)
class Evidence:
    """A sentence span of an article that supports a statement."""

    article: str  # file name
    article_id: str
    start: int
    end: int
    sentence: str
    rule: str


@dataclass(frozen=True, order=True)
class Mention:
    """One occurrence of an entity in an article."""

    article: str
    article_id: str
    start: int
    end: int
    text: str
    entity: EntityRef
    rule: str


@dataclass(frozen=True, order=True)
class RoleFiller:
    role: str  # attacker target weapon location actor recipient destination
    entity: EntityRef
    evidence: Evidence


@dataclass(frozen=True, order=True)
class Responsibility:
    """Who claims, who is blamed (and by whom), or that nobody claimed it."""

    kind: str  # "claim" | "attribution" | "noclaim"
    party: EntityRef | None
    by: tuple[EntityRef, ...]
    evidence: Evidence


@dataclass(frozen=True, order=True)
class CasualtyReport:
    killed: int | None
    wounded: int | None
    evidence: Evidence


@dataclass(frozen=True, order=True)
class DateInfo:
    value: str | None
    precision: str | None
    earliest: str | None  # ISO day
    latest: str | None
    expression: str
    weekday: int | None = None  # 0 = Monday … 6 = Sunday: of a one-day date, or named undated


@dataclass(frozen=True)
class EventRecord:
    """One event as one article reports it (before merging across articles)."""

    local_id: str  # "{article_id}#{n}"
    category: str  # "attack" | "withdrawal"
    type: str  # ontology class local name
    status: str  # "done" | "planned" | "disrupted"
    date: DateInfo | None
    roles: tuple[RoleFiller, ...]
    responsibility: tuple[Responsibility, ...]
    casualties: tuple[CasualtyReport, ...]
    sources: tuple[Evidence, ...]
    retaliation_for: tuple[str, ...] = field(default=())  # local ids
    ordinal: int | None = None
    same_as: tuple[str, ...] = field(default=())  # local ids of reports of the same event

    def fillers(self, role: str) -> tuple[EntityRef, ...]:
        return tuple(dict.fromkeys(r.entity for r in self.roles if r.role == role))


@dataclass(frozen=True)
class ArticleExtraction:
    """Everything extracted from one article: pure data, cacheable by content hash."""

    article: str
    article_id: str
    sha256: str
    published: str | None
    encoding: str
    title: str
    mentions: tuple[Mention, ...]
    events: tuple[EventRecord, ...]
    sentence_count: int
    language: str
    """The code of the language the article was read in (kg.lang): the tag of its
    literals in the graph."""
    published_source: str | None = None
    """Where ``published`` came from: "manifest" (the corpus manifest) or "dateline" (a
    dateline or date line at the top of the text, when the manifest gives no date)."""
