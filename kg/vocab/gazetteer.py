"""The gazetteer: known entities, read from ontology/gazetteer.ttl.

The gazetteer is data. The matcher patterns, the entity classes and the
relations between entities all come from this one file, so nothing about an
entity is written twice in code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.errors import OntologyError

KGO = "https://w3id.org/kg-iraq/ontology#"
ENTITY_NS = "https://w3id.org/kg-iraq/id/entity/"
ENTITY_CLASSES = (
    "State",
    "ArmedGroup",
    "MilitaryForce",
    "Coalition",
    "Person",
    "Organisation",
    "Place",
    "MilitaryBase",
    "Weapon",
)
GEO = "http://www.opengis.net/ont/geosparql#"
"""GeoSPARQL: where a place's point is given."""
RELATIONS = ("partOf", "backedBy", "locatedIn", "stationedAt", "leaderOf", "spokespersonOf")
Namesake = tuple[str, tuple[str, ...]]
"""(language tag, prefixes): how a language names a province after its city."""


def default_ontology_dir() -> Path:
    """The ontology folder: $KG_ONTOLOGY_DIR, else kg's own (package data)."""
    from kg.resources import ontology_dir

    return ontology_dir()


@dataclass(frozen=True)
class GazEntity:
    """One known entity with its labels and relations."""

    iri: str
    slug: str
    cls: str
    label_ar: str
    label_en: str | None
    labels_ar: tuple[str, ...]
    labels_en: tuple[str, ...]
    implies_attack_type: str | None = None
    demonyms_ar: tuple[str, ...] = field(default=())
    relations: tuple[tuple[str, str], ...] = field(default=())
    labels_by_language: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """(language tag, labels: preferred first, then alternative) for every language."""
    demonyms_by_language: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    wkt: str | None = None
    """The entity's point (GeoSPARQL ``geo:hasGeometry``/``geo:asWKT``, WGS84, "POINT(lon
    lat)") when the gazetteer gives one, and ``wkt_source`` the page it was taken from."""
    wkt_source: str | None = None

    def labels(self, language: str) -> tuple[str, ...]:
        """The labels in one language (preferred first): what the matcher of a build in
        that language compiles (``labels("ar") == labels_ar``)."""
        return next((ls for tag, ls in self.labels_by_language if tag == language), ())

    def demonyms(self, language: str) -> tuple[str, ...]:
        """The nationality adjectives in one language ("أميركي" for the United States)."""
        return next((ds for tag, ds in self.demonyms_by_language if tag == language), ())


@dataclass(frozen=True)
class Gazetteer:
    entities: tuple[GazEntity, ...]
    by_iri: dict[str, GazEntity]
    _contained: dict = field(default_factory=dict, repr=False, compare=False)
    """Answers of :meth:`contains` already given: the rules ask the same pairs once per
    sentence, and the gazetteer does not change during a build."""

    def related(self, iri: str, relation: str) -> list[str]:
        entity = self.by_iri.get(iri)
        if entity is None:
            return []
        return [o for r, o in entity.relations if r == relation]

    def contains(self, outer: str, inner: str, namesake: Namesake | None = None) -> bool:
        """``inner`` is (transitively) located in ``outer`` (see :meth:`_contains`)."""
        key = (outer, inner, namesake)
        found = self._contained.get(key)
        if found is None:
            found = self._contained[key] = self._contains(outer, inner, namesake)
        return found

    def _contains(self, outer: str, inner: str, namesake: Namesake | None = None) -> bool:
        """``inner`` is (transitively) located in ``outer``.

        A bare city name in news ("أربيل", "كركوك") often means its province: with
        ``namesake`` (a language tag and the words that language puts before a province's
        name, from kg.lang), the city named like its province ("محافظة أربيل") contains
        what the province contains.
        """
        province = self._namesake_province(outer, namesake) if namesake else None
        if province is not None and province != inner and self.contains(province, inner, namesake):
            return True
        seen, todo = set(), [inner]
        while todo:
            for parent in self.related(todo.pop(), "locatedIn"):
                if parent == outer:
                    return True
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return False

    def _namesake_province(self, iri: str, namesake: Namesake) -> str | None:
        entity = self.by_iri.get(iri)
        if entity is None or entity.cls != "Place":
            return None
        language, prefixes = namesake
        names = [prefix + name for name in entity.labels(language)[:1] for prefix in prefixes]
        for parent in self.related(iri, "locatedIn"):
            p = self.by_iri.get(parent)
            if p is not None and any(label in names for label in p.labels(language)):
                return parent
        return None

    def ancestors(self, iri: str) -> set[str]:
        """The entity and everything it is (transitively) part of."""
        seen = {iri}
        todo = [iri]
        while todo:
            for parent in self.related(todo.pop(), "partOf"):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def _lang(graph: Graph, s: URIRef, p: URIRef, lang: str) -> list[str]:
    return sorted(
        str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == lang
    )


def _by_language(graph: Graph, s: URIRef, *properties: URIRef) -> tuple:
    """(tag, values) for every language of the literals of ``properties`` (in that order,
    each property's values sorted, repeats dropped), tags sorted."""
    tags = sorted(
        {o.language for p in properties for o in graph.objects(s, p) if isinstance(o, Literal)}
        - {None}
    )
    return tuple(
        (tag, tuple(dict.fromkeys(v for p in properties for v in _lang(graph, s, p, tag))))
        for tag in tags
    )


def parse_gazetteer(graph: Graph) -> Gazetteer:
    """Gazetteer records from an rdflib graph (pure)."""
    entities = []
    for s in sorted(set(graph.subjects(RDF.type, None))):
        if not isinstance(s, URIRef) or not str(s).startswith(ENTITY_NS):
            continue
        classes = [
            str(o)[len(KGO) :]
            for o in graph.objects(s, RDF.type)
            if str(o).startswith(KGO) and str(o)[len(KGO) :] in ENTITY_CLASSES
        ]
        if len(classes) != 1:
            raise OntologyError(f"gazetteer: {s} has {len(classes)} entity classes, needs one")
        pref_ar = _lang(graph, s, SKOS.prefLabel, "ar")
        if len(pref_ar) != 1:
            raise OntologyError(f"gazetteer: {s} needs exactly one Arabic prefLabel")
        pref_en = _lang(graph, s, SKOS.prefLabel, "en")
        alt_ar = _lang(graph, s, SKOS.altLabel, "ar")
        alt_en = _lang(graph, s, SKOS.altLabel, "en")
        implies = graph.value(s, URIRef(KGO + "impliesAttackType"))
        geometry = graph.value(s, URIRef(GEO + "hasGeometry"))
        wkt = graph.value(geometry, URIRef(GEO + "asWKT")) if geometry is not None else None
        wkt_source = graph.value(geometry, DCTERMS.source) if geometry is not None else None
        demonyms = _lang(graph, s, URIRef(KGO + "demonym"), "ar")
        relations = tuple(
            sorted(
                (rel, str(o))
                for rel in RELATIONS
                for o in graph.objects(s, URIRef(KGO + rel))
                if isinstance(o, URIRef)
            )
        )
        entities.append(
            GazEntity(
                iri=str(s),
                slug=str(s)[len(ENTITY_NS) :],
                cls=classes[0],
                label_ar=pref_ar[0],
                label_en=pref_en[0] if pref_en else None,
                labels_ar=tuple(dict.fromkeys(pref_ar + alt_ar)),
                labels_en=tuple(dict.fromkeys(pref_en + alt_en)),
                implies_attack_type=str(implies)[len(KGO) :] if implies else None,
                demonyms_ar=tuple(demonyms),
                relations=relations,
                labels_by_language=_by_language(graph, s, SKOS.prefLabel, SKOS.altLabel),
                demonyms_by_language=_by_language(graph, s, URIRef(KGO + "demonym")),
                wkt=str(wkt) if wkt is not None else None,
                wkt_source=str(wkt_source) if wkt_source is not None else None,
            )
        )
    return Gazetteer(entities=tuple(entities), by_iri={e.iri: e for e in entities})


@functools.lru_cache(maxsize=4)
def load_gazetteer(ontology_dir: str | None = None) -> Gazetteer:
    """Load and cache ontology_dir/gazetteer.ttl."""
    folder = Path(ontology_dir) if ontology_dir else default_ontology_dir()
    path = folder / "gazetteer.ttl"
    if not path.exists():
        raise OntologyError(f"gazetteer not found: {path.name} in the ontology folder")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser exception types
        raise OntologyError(f"{path.name}: {exc}") from exc
    return parse_gazetteer(graph)
