"""The mapping from extraction records to RDF: the only place that chooses properties.

Output is a list of quads (subject, predicate, object, graph) with IRIs that
depend only on content, never on the order of reading, and no blank nodes.
Each article has its named graph; what an article says about an event (its
roles, claims, casualty figures, evidence) goes into that article's graph, so
a researcher can ask "according to which article" and an article can be
dropped and rebuilt on its own.

Text from an article (its title, sentences, quotes, date expressions, the labels of
entities found in it) is tagged with the article's language (``ArticleExtraction.language``,
a kg.lang code); an article whose language is not given is in kg.lang's default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

import kg.lang as kglang
from kg.pipeline.confidence import report_strength
from kg.pipeline.extract.records import ArticleExtraction, DateInfo, EntityRef, Evidence, Mention
from kg.pipeline.merge import Event
from kg.vocab.kinds import PRECISIONS, RESPONSIBILITY_KINDS, ROLES, STATUSES, roles_of
from kg.vocab.terms import KGO, KGR, ONTOLOGY_GRAPH  # noqa: F401  (generated; ONTOLOGY_GRAPH re-exported)

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]

# the role properties, responsibility classes, statuses and precisions of kg.vocab.kinds
ROLE_PROPERTY = {r.name: KGO[r.term] for r in roles_of("entity")}
RESP_CLASS = {r.kind: KGO[r.term] for r in ROLES if r.kind in RESPONSIBILITY_KINDS}
STATUS = {s: KGO[s.capitalize()] for s in STATUSES}
PRECISION = {p: KGO[f"{p.capitalize()}Precision"] for p in PRECISIONS}
DATE_TYPE = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def _h(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def graph_iri(article_id: str) -> URIRef:
    return KGR[f"graph/{article_id}"]


def article_iri(article_id: str) -> URIRef:
    return KGR[f"article/{article_id}"]


def evidence_iri(ev: Evidence) -> URIRef:
    return KGR[f"evidence/{ev.article_id}/{ev.start}-{ev.end}"]


def mention_iri(m: Mention) -> URIRef:
    return KGR[f"mention/{m.article_id}/{m.start}-{m.end}"]


def _nn(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


def evidence_quads(ev: Evidence, g: URIRef, lang: str = kglang.DEFAULT) -> Iterator[Quad]:
    e = evidence_iri(ev)
    yield e, RDF.type, KGO.Evidence, g
    yield e, KGO.inArticle, article_iri(ev.article_id), g
    yield e, KGO.sentence, Literal(ev.sentence, lang=lang), g
    yield e, KGO.startOffset, _nn(ev.start), g
    yield e, KGO.endOffset, _nn(ev.end), g
    yield e, PROV.wasDerivedFrom, article_iri(ev.article_id), g


def entity_quads(ref: EntityRef, g: URIRef, lang: str = kglang.DEFAULT) -> Iterator[Quad]:
    """Triples for an entity the gazetteer does not know (gazetteer ones live in the ontology
    graph); its label is in ``lang``, the language of the article that names it."""
    if ref.in_gazetteer:
        return
    s = URIRef(ref.iri)
    yield s, RDF.type, getattr(KGO, ref.cls), g
    yield s, SKOS.prefLabel, Literal(ref.label_ar, lang=lang), g
    yield s, RDFS.label, Literal(ref.label_ar, lang=lang), g
    yield s, KGO.inGazetteer, Literal(False), g


def article_quads(x: ArticleExtraction) -> Iterator[Quad]:
    g = graph_iri(x.article_id)
    a = article_iri(x.article_id)
    lang = x.language
    yield a, RDF.type, KGO.Article, g
    yield a, KGO.fileName, Literal(x.article), g
    yield a, KGO.sha256, Literal(x.sha256), g
    yield a, DCTERMS.title, Literal(x.title, lang=lang), g
    if x.published:
        yield a, KGO.published, Literal(x.published, datatype=XSD.date), g
    if x.published_source:
        yield a, KGO.publishedSource, Literal(x.published_source), g
    for m in x.mentions:
        mi = mention_iri(m)
        yield mi, RDF.type, KGO.Mention, g
        yield mi, KGO.mentionOf, URIRef(m.entity.iri), g
        yield mi, KGO.inArticle, a, g
        yield mi, KGO.startOffset, _nn(m.start), g
        yield mi, KGO.endOffset, _nn(m.end), g
        yield mi, KGO.quote, Literal(m.text, lang=lang), g
        yield mi, KGO.extractedBy, Literal(m.rule), g
        yield from entity_quads(m.entity, g, lang)


def date_quads(s: URIRef, d: DateInfo, g: URIRef) -> Iterator[Quad]:
    if d.value and d.precision in DATE_TYPE:
        yield s, KGO.date, Literal(d.value, datatype=DATE_TYPE[d.precision]), g
    if d.precision in PRECISION:
        yield s, KGO.datePrecision, PRECISION[d.precision], g
    if d.earliest:
        yield s, KGO.earliestDate, Literal(d.earliest, datatype=XSD.date), g
    if d.latest:
        yield s, KGO.latestDate, Literal(d.latest, datatype=XSD.date), g


def event_quads(ev: Event, languages: Mapping[str, str] | None = None) -> Iterator[Quad]:
    """An event: summary triples in each source article's graph, roles where they were read.

    ``languages``: article id → language code of the articles that report it (an
    article not in it is in kg.lang's default language)."""
    langs = languages or {}

    def lang(article_id: str) -> str:
        return langs.get(article_id, kglang.DEFAULT)

    s = URIRef(ev.iri)
    articles = sorted({src.article_id for src in ev.sources})
    for aid in articles:
        g = graph_iri(aid)
        yield s, RDF.type, getattr(KGO, ev.type), g
        yield s, KGO.status, STATUS[ev.status], g
        if ev.date is not None:
            yield from date_quads(s, ev.date, g)
        for other in ev.retaliation_for:
            yield s, KGO.inRetaliationFor, URIRef(other), g
        if ev.killed is not None:
            yield s, KGO.killed, _nn(ev.killed), g
        if ev.wounded is not None:
            yield s, KGO.wounded, _nn(ev.wounded), g
        yield s, KGO.confidence, _decimal(ev.confidence), g
    if ev.date is not None:
        # the expression that gave the date, in the article that stated it
        for src in ev.sources:
            if ev.date.expression and ev.date.expression in src.sentence:
                yield (
                    s,
                    KGO.dateExpression,
                    Literal(ev.date.expression, lang=lang(src.article_id)),
                    graph_iri(src.article_id),
                )
                break
    for src in ev.sources:
        g = graph_iri(src.article_id)
        yield s, KGO.hasEvidence, evidence_iri(src), g
        yield from evidence_quads(src, g, lang(src.article_id))
        yield evidence_iri(src), KGO.extractedBy, Literal(src.rule), g
    for r in ev.roles:
        g = graph_iri(r.evidence.article_id)
        prop = ROLE_PROPERTY[r.role]
        ent = URIRef(r.entity.iri)
        yield s, prop, ent, g
        ra = KGR[
            f"role/{_h(ev.iri, r.role, r.entity.iri, r.evidence.article_id, r.evidence.start)}"
        ]
        yield ra, RDF.type, KGO.RoleAssertion, g
        yield ra, KGO.ofEvent, s, g
        yield ra, KGO.assertsRole, prop, g
        yield ra, KGO.filler, ent, g
        yield ra, KGO.hasEvidence, evidence_iri(r.evidence), g
        yield ra, KGO.extractedBy, Literal(r.evidence.rule), g
        conf = ev.confidence_of(r.role, r.entity.iri)
        if conf is not None:
            yield ra, KGO.confidence, _decimal(conf), g
        yield from entity_quads(r.entity, g, lang(r.evidence.article_id))
    for rs in ev.responsibility:
        g = graph_iri(rs.evidence.article_id)
        c = KGR[
            f"claim/{_h(ev.iri, rs.kind, rs.party.iri if rs.party else '', ','.join(b.iri for b in rs.by))}"
        ]
        yield c, RDF.type, RESP_CLASS[rs.kind], g
        yield c, KGO.aboutEvent, s, g
        conf = ev.confidence_of(rs.kind, rs.party.iri) if rs.party is not None else None
        if conf is not None:
            yield c, KGO.confidence, _decimal(conf), g
        tag = lang(rs.evidence.article_id)
        if rs.party is not None:
            yield c, KGO.responsibleParty, URIRef(rs.party.iri), g
            yield from entity_quads(rs.party, g, tag)
        for b in rs.by:
            yield c, KGO.accordingTo, URIRef(b.iri), g
            yield from entity_quads(b, g, tag)
        if rs.kind == "attribution" and not rs.by:
            yield c, KGO.accuserUnnamed, Literal(True), g  # blamed, but the text names no accuser
        yield c, KGO.hasEvidence, evidence_iri(rs.evidence), g
        yield from evidence_quads(rs.evidence, g, tag)
    for cr in ev.casualties:
        g = graph_iri(cr.evidence.article_id)
        c = KGR[f"casualties/{_h(ev.iri, cr.evidence.article_id, cr.evidence.start)}"]
        yield c, RDF.type, KGO.CasualtyReport, g
        yield c, KGO.reportOf, s, g
        if cr.killed is not None:
            yield c, KGO.killed, _nn(cr.killed), g
        if cr.wounded is not None:
            yield c, KGO.wounded, _nn(cr.wounded), g
        yield c, KGO.hasEvidence, evidence_iri(cr.evidence), g
        yield from evidence_quads(cr.evidence, g, lang(cr.evidence.article_id))


def report_iri(local_id: str) -> URIRef:
    """``{article_id}#{n}`` → kgr:report/{article_id}/{n}."""
    article_id, _, n = local_id.rpartition("#")
    return KGR[f"report/{article_id}/{n}"]


def report_quads(ev: Event, languages: Mapping[str, str] | None = None) -> Iterator[Quad]:
    """Each report of an event, in its article's graph, and the links that joined them."""
    langs = languages or {}
    s = URIRef(ev.iri)
    for m in ev.members:
        src = m.sources[0]
        g = graph_iri(src.article_id)
        rep = report_iri(m.local_id)
        yield rep, RDF.type, KGO.Report, g
        yield rep, KGO.reportId, Literal(m.local_id), g
        yield rep, KGO.reportOf, s, g
        yield rep, KGO.inArticle, article_iri(src.article_id), g
        yield rep, KGO.hasEvidence, evidence_iri(src), g
        yield rep, KGO.extractedBy, Literal(src.rule), g
        yield rep, KGO.reportedType, getattr(KGO, m.type), g
        yield rep, KGO.status, STATUS[m.status], g
        yield rep, KGO.confidence, _decimal(report_strength(m)), g
        if m.date is not None:
            yield from date_quads(rep, m.date, g)
        yield from evidence_quads(src, g, langs.get(src.article_id, kglang.DEFAULT))
    for link in ev.links:
        article_id = link.report.rpartition("#")[0]
        g = graph_iri(article_id)
        node = KGR[f"merge/{_h(ev.iri, link.report, link.joined, link.reason)}"]
        yield node, RDF.type, KGO.MergeLink, g
        yield node, KGO.joiningReport, report_iri(link.report), g
        yield node, KGO.joinedReport, report_iri(link.joined), g
        yield node, KGO.reason, Literal(link.reason, lang="en"), g
        yield node, KGO.score, _decimal(link.score), g


def _decimal(value: float) -> Literal:
    """A confidence or a score as xsd:decimal, rounded to three places and written in
    the canonical form ("0.83", "1.0"): the same lexical form run after run, and the one
    every store gives back, so rdflib and Oxigraph answers agree."""
    text = f"{value:.3f}".rstrip("0")
    return Literal(text + "0" if text.endswith(".") else text, datatype=XSD.decimal)


def corpus_quads(
    extractions: Iterable[ArticleExtraction],
    events: Iterable[Event],
    languages: Mapping[str, str] | None = None,
) -> set[Quad]:
    """All data quads of a corpus (without the ontology graph), as a set.

    The events' text is tagged with the language of the article it comes from: that of
    the extractions given, else ``languages`` (article id → code), else kg.lang's default."""
    extractions = list(extractions)
    langs = {**(languages or {}), **{x.article_id: x.language for x in extractions}}
    quads: set[Quad] = set()
    for x in extractions:
        quads.update(article_quads(x))
    for ev in events:
        quads.update(event_quads(ev, langs))
        quads.update(report_quads(ev, langs))
    return quads
