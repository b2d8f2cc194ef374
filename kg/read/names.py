"""Names for entities: the one resolver behind every place kg takes an entity.

``kg query --param base="Camp Taji"``, ``kg.query(g, "attacks-on-base", {"base":
"قاعدة التاجي"})`` and ``kg chains --actor/--target`` take a name wherever they take
an IRI. A name is compared *folded* as kg folds Arabic (``kg.lang.get("ar").fold``:
letter variants unified, diacritics dropped, Latin lower-cased) and without the
article ال, so "قاعدة التاجي", "قاعده التاجى" and "camp taji" all find Camp Taji.

The names come from two places, merged by IRI: the gazetteer (every label and alias
it knows, in every language) and the graph itself (the ``skos:prefLabel``,
``skos:altLabel`` and ``rdfs:label`` of its entities, which covers entities found in
the text that the gazetteer does not know).

The rules (:func:`match_names`), the same for every caller:

1. an IRI, a ``kgr:`` name, the last segment of an IRI or a slug, or a name equal to
   the text (folded) is an exact match; every exact match is returned;
2. else a name that *contains* the text (3 characters or more) must be unique (entities
   are preferred to events: "Taji" is Camp Taji, not every event at Camp Taji);
3. else :class:`NameNotFound`; several candidates raise :class:`AmbiguousName`, which
   lists them.

This module is in ``kg.read`` so that both the query side and ``kg.analysis.chains``
can import it (imports run one way: see ``tests/test_house.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import kg.lang as kglang
from kg.errors import QueryError

__all__ = [
    "ENTITY_NS",
    "KGR",
    "AmbiguousName",
    "NameIndex",
    "NameNotFound",
    "Named",
    "UnknownNameError",
    "describe_choice",
    "gazetteer_names",
    "graph_names",
    "match_names",
    "name_key",
    "short_iri",
    "view_names",
]

KGR = "https://w3id.org/kg-iraq/id/"
ENTITY_NS = KGR + "entity/"

_AR = kglang.get("ar")  # the names compared are the graph's Arabic and English labels
_MAX_SHOWN = 8


@dataclass(frozen=True)
class Named:
    """Something a name can pick: its IRI, the label to show, every name it answers to."""

    iri: str
    label: str = ""
    names: tuple[str, ...] = ()
    kind: str | None = None
    """What it is, for callers that restrict the choice (chains: actor, place, event...)."""

    @property
    def short(self) -> str:
        return short_iri(self.iri)

    def __str__(self) -> str:
        return f"{self.label or self.short} <{self.short}>"


class UnknownNameError(QueryError):
    """A name that picks no entity, or more than one (the base class of both)."""


class NameNotFound(UnknownNameError):
    """No entity answers to the name."""

    def __init__(self, text: str, what: str = "entity") -> None:
        self.text = text
        super().__init__(f"no {what} in the graph or the gazetteer is called {text!r}")


class AmbiguousName(UnknownNameError):
    """Several entities answer to the name: ``candidates`` lists them."""

    def __init__(self, text: str, candidates: Iterable[Named]) -> None:
        self.text = text
        self.candidates = tuple(candidates)
        shown = ", ".join(str(c) for c in self.candidates[:_MAX_SHOWN])
        more = (
            f" and {len(self.candidates) - _MAX_SHOWN} more"
            if len(self.candidates) > _MAX_SHOWN
            else ""
        )
        super().__init__(f"{text!r} is ambiguous: {shown}{more}; give one of these IRIs")


def short_iri(iri: str) -> str:
    """``kgr:entity/camp-taji`` for kg's own IRIs; other IRIs as they are."""
    return "kgr:" + iri[len(KGR) :] if iri.startswith(KGR) else iri


def name_key(text: str) -> str:
    """The form names are compared in: folded, words split on spaces, - and _, ال dropped."""
    words = re.split(r"[\s\-_]+", _AR.fold(str(text)).strip())
    return " ".join(_AR.strip_definite(w) for w in words if w)


def match_names(
    text: str, candidates: Iterable[Named], kinds: Iterable[str] | None = None
) -> list[Named]:
    """The candidates ``text`` names (see the module's rules); raises when none or too many.

    ``kinds`` keeps only candidates of those kinds. Exact matches are all returned (a
    caller that needs one entity checks for more); a partial match must be unique.
    """
    wanted_kinds = set(kinds) if kinds else None
    wanted = str(text).strip()
    what = " or ".join(sorted(wanted_kinds)) if wanted_kinds else "entity"
    if not wanted:
        raise NameNotFound(text, what)
    if wanted.startswith("kgr:"):
        wanted = KGR + wanted[4:]
    elif wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    pool = [c for c in candidates if wanted_kinds is None or c.kind in wanted_kinds]
    by_iri = [c for c in pool if c.iri == wanted]
    if by_iri:
        return by_iri[:1]
    q = name_key(wanted)
    exact = [c for c in pool if any(name_key(x) == q for x in _all_names(c))]
    if exact:
        return exact
    if len(q) >= 3:
        partial = [c for c in pool if any(q in name_key(x) for x in c.names)]
        entities = [c for c in partial if c.kind != "event"]
        partial = entities or partial
        if len(partial) == 1:
            return partial
        if partial:
            raise AmbiguousName(text, partial)
    raise NameNotFound(text, what)


def _all_names(c: Named) -> tuple[str, ...]:
    return (c.iri, c.iri.rsplit("/", 1)[-1], *c.names)


def _merge(groups: Iterable[Iterable[Named]]) -> list[Named]:
    """One candidate per IRI: the names of all sources together, the first label and kind."""
    merged: dict[str, Named] = {}
    for group in groups:
        for c in group:
            old = merged.get(c.iri)
            if old is None:
                merged[c.iri] = c
            else:
                merged[c.iri] = Named(
                    c.iri,
                    old.label or c.label,
                    tuple(dict.fromkeys(old.names + c.names)),
                    old.kind or c.kind,
                )
    return [merged[k] for k in sorted(merged)]


# --------------------------------------------------------------------------- sources


def gazetteer_names(gazetteer: Any = None) -> list[Named]:
    """Every gazetteer entity with all its labels and aliases (any language) and its slug."""
    if gazetteer is None:
        from kg.vocab.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    out = []
    for e in gazetteer.entities:
        names = [e.slug, *(x for _tag, labels in e.labels_by_language for x in labels)]
        names += [*e.labels_en, *e.labels_ar]
        out.append(
            Named(e.iri, e.label_en or e.label_ar, tuple(dict.fromkeys(names)), e.cls.lower())
        )
    return out


_LABELS_QUERY = """
SELECT ?e ?p ?label WHERE {
  VALUES ?p { <http://www.w3.org/2004/02/skos/core#prefLabel>
              <http://www.w3.org/2004/02/skos/core#altLabel>
              <http://www.w3.org/2000/01/rdf-schema#label> }
  ?e ?p ?label .
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), "https://w3id.org/kg-iraq/id/entity/"))
}
"""
_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def graph_names(store: Any) -> list[Named]:
    """The entities of a graph with their labels, read with SPARQL from a kg store
    (:class:`kg.read.store.OxigraphStore` or ``RdflibStore``)."""
    result = store.query(_LABELS_QUERY, use_prefixes=False)
    names: dict[str, list[str]] = {}
    preferred: dict[str, dict[str, str]] = {}
    for e, p, label in sorted(result.rows, key=lambda r: tuple(str(t) for t in r)):
        if e is None or label is None:
            continue
        iri = e.value
        names.setdefault(iri, []).append(label.value)
        if p is not None and p.value == _PREF:
            preferred.setdefault(iri, {}).setdefault(label.language or "", label.value)
    out = []
    for iri in sorted(names):
        pref = preferred.get(iri, {})
        label = pref.get("en") or pref.get("ar") or next(iter(pref.values()), "")
        slug = iri[len(ENTITY_NS) :]
        out.append(Named(iri, label or names[iri][0], tuple(dict.fromkeys([slug, *names[iri]]))))
    return out


def view_names(view: Any) -> list[Named]:
    """The nodes of a networkx view of the graph (:mod:`kg.analysis.views`: node
    attributes ``kind``, ``slug``, ``label_en``, ``label_ar``) as candidates; an event
    also answers to ``event/HASH``."""
    out = []
    for node in sorted(view.nodes):
        d = view.nodes[node]
        names = []
        if d.get("kind") == "event":
            names.append("event/" + node.rsplit("/", 1)[-1])
        for k in ("slug", "label_en", "label_ar"):
            if d.get(k):
                names.append(str(d[k]))
        label = str(d.get("label_en") or d.get("label_ar") or d.get("slug") or "")
        out.append(Named(node, label, tuple(names), d.get("kind")))
    return out


@dataclass
class NameIndex:
    """The candidates of one graph (and the gazetteer), built once and asked many times."""

    candidates: list[Named] = field(default_factory=list)

    @classmethod
    def of(cls, *sources: Iterable[Named]) -> NameIndex:
        return cls(_merge(sources))

    @classmethod
    def for_store(cls, store: Any, gazetteer: Any = None) -> NameIndex:
        """The graph's entities and the gazetteer's, merged by IRI."""
        return cls.of(graph_names(store), gazetteer_names(gazetteer))

    def resolve(self, text: str, kinds: Iterable[str] | None = None) -> list[Named]:
        return match_names(text, self.candidates, kinds)

    def one(self, text: str) -> Named:
        """The one entity ``text`` names; :class:`AmbiguousName` when it names several."""
        found = self.resolve(text)
        if len(found) > 1:
            raise AmbiguousName(text, found)
        return found[0]

    def label(self, iri: str) -> str:
        for c in self.candidates:
            if c.iri == iri:
                return c.label
        return ""


def describe_choice(param: str, text: str, chosen: Named) -> str:
    """``base: Camp Taji → kgr:entity/camp-taji``: what the CLI prints on stderr."""
    return f"{param}: {text} → {chosen.short}"
