"""The ontology, the SHACL shapes, the gazetteer and the generated vocabulary.

Everything is located from this file, so the tests run from any directory.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, SH

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
KG_TTL = ONTOLOGY_DIR / "kg.ttl"
SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"
GAZETTEER_TTL = ONTOLOGY_DIR / "gazetteer.ttl"
DATA_MODEL = ROOT / "docs" / "DATA_MODEL.md"
GEN_VOCAB = ROOT / "scripts" / "gen_vocab.py"
VOCAB_PY = ROOT / "kg" / "vocab" / "terms.py"

KGO = Namespace("https://w3id.org/kg-iraq/ontology#")
KGS = Namespace("https://w3id.org/kg-iraq/shapes#")
ENT = Namespace("https://w3id.org/kg-iraq/id/entity/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
ONTOLOGY_IRI = URIRef("https://w3id.org/kg-iraq/ontology")
GEOM = Namespace("https://w3id.org/kg-iraq/id/geometry/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
WD = Namespace("http://www.wikidata.org/entity/")

DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
    SKOS.ConceptScheme,
    SKOS.Concept,
}
ENTITY_CLASSES = {
    KGO[c]
    for c in (
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
}
ENTITY_RELATIONS = ("partOf", "backedBy", "locatedIn", "stationedAt", "leaderOf", "spokespersonOf")


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(KG_TTL, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_TTL, format="turtle")


@pytest.fixture(scope="module")
def gazetteer() -> Graph:
    return Graph().parse(GAZETTEER_TTL, format="turtle")


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {
        s
        for t in DECLARATION_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(KGO))
    }


def subclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    """cls and all its subclasses, transitively."""
    return set(ontology.transitive_subjects(RDFS.subClassOf, cls))


def fold(text: str) -> str:
    """The matcher's spelling fold: diacritics, tatweel, hamza forms, ة, ى."""
    text = re.sub("[\u064b-\u065f\u0670\u0640]", "", text)
    text = re.sub("[أإآٱ]", "ا", text)
    return " ".join(text.replace("ة", "ه").replace("ى", "ي").split())


def _lang_values(graph: Graph, s: URIRef, p: URIRef, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == lang]


# ---------------------------------------------------------------------------
# All three files parse, with rdflib and with Oxigraph, and agree
# ---------------------------------------------------------------------------

TTL_FILES = [KG_TTL, SHAPES_TTL, GAZETTEER_TTL]


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_parses_with_rdflib_and_pyoxigraph(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph)
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(graph)


@pytest.mark.parametrize("path", [KG_TTL, GAZETTEER_TTL], ids=lambda p: p.name)
def test_ontology_and_gazetteer_have_no_blank_nodes(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    blank = [t for t in graph if any(isinstance(x, BNode) for x in t)]
    assert blank == []


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_no_machine_paths_in_files(path: Path) -> None:
    assert not re.search(r"/(work|tmp|root|home)/[A-Za-z0-9_.-]+", path.read_text("utf-8"))


# ---------------------------------------------------------------------------
# Ontology
# ---------------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert not list(ontology.objects(ONTOLOGY_IRI, OWL.imports))
    assert list(ontology.objects(ONTOLOGY_IRI, OWL.versionInfo))


def test_every_term_has_arabic_and_english_labels_and_definition(ontology: Graph) -> None:
    terms = declared_terms(ontology)
    assert len(terms) > 80
    for term in terms:
        for p in (RDFS.label, SKOS.prefLabel):
            en = _lang_values(ontology, term, p, "en")
            ar = _lang_values(ontology, term, p, "ar")
            assert len(en) == 1 and len(ar) == 1, (term, p)
            assert re.search("[\u0621-\u064a]", ar[0]), (term, ar)
        assert set(ontology.objects(term, RDFS.label)) == set(
            ontology.objects(term, SKOS.prefLabel)
        )
        for p in (RDFS.comment, SKOS.definition):
            en = _lang_values(ontology, term, p, "en")
            assert len(en) == 1 and len(en[0]) > 10, (term, p)
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, term


def test_every_kgo_iri_used_anywhere_is_declared(
    ontology: Graph, shapes: Graph, gazetteer: Graph
) -> None:
    declared = declared_terms(ontology)
    for name, graph in (("kg.ttl", ontology), ("shapes.ttl", shapes), ("gazetteer.ttl", gazetteer)):
        used = {
            x for t in graph for x in t if isinstance(x, URIRef) and str(x).startswith(str(KGO))
        }
        assert used, name
        assert used - declared == set(), name


def test_every_kgo_term_of_the_data_model_is_declared(ontology: Graph) -> None:
    names = set(re.findall(r"kgo:([A-Za-z][A-Za-z0-9]*)", DATA_MODEL.read_text("utf-8")))
    assert {"Attack", "attacker", "inGazetteer", "WeekPrecision"} <= names
    missing = sorted(n for n in names if KGO[n] not in declared_terms(ontology))
    assert missing == []


def test_each_term_has_one_kind(ontology: Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme, SKOS.Concept}
    for term in declared_terms(ontology):
        assert len(set(ontology.objects(term, RDF.type)) & kinds) == 1, term


CLASS_AXIOMS = [
    ("Actor", PROV.Agent),
    ("State", KGO.Actor),
    ("State", KGO.Location),
    ("ArmedGroup", KGO.Actor),
    ("MilitaryForce", KGO.Actor),
    ("Coalition", KGO.Actor),
    ("Person", KGO.Actor),
    ("Organisation", KGO.Actor),
    ("Location", PROV.Location),
    ("Place", KGO.Location),
    ("MilitaryBase", KGO.Location),
    ("Event", SEM.Event),
    ("Event", PROV.Activity),
    ("Attack", KGO.Event),
    ("RocketAttack", KGO.Attack),
    ("IEDAttack", KGO.Attack),
    ("DroneAttack", KGO.Attack),
    ("AirStrike", KGO.Attack),
    ("Withdrawal", KGO.Event),
    ("BaseHandover", KGO.Withdrawal),
    ("Redeployment", KGO.Withdrawal),
    ("OtherEvent", KGO.Event),
    ("ResponsibilityStatement", SEM.View),
    ("Claim", KGO.ResponsibilityStatement),
    ("Attribution", KGO.ResponsibilityStatement),
    ("NoClaim", KGO.ResponsibilityStatement),
    ("Denial", KGO.ResponsibilityStatement),
    ("Article", PROV.Entity),
    ("Evidence", PROV.Entity),
    ("EventStatus", SKOS.Concept),
    ("DatePrecision", SKOS.Concept),
]


@pytest.mark.parametrize(("cls", "sup"), CLASS_AXIOMS)
def test_class_hierarchy(ontology: Graph, cls: str, sup: URIRef) -> None:
    assert (KGO[cls], RDF.type, OWL.Class) in ontology
    assert (KGO[cls], RDFS.subClassOf, sup) in ontology


def test_weapon_mention_roleassertion_casualtyreport_are_classes(ontology: Graph) -> None:
    for name in ("Weapon", "Mention", "RoleAssertion", "CasualtyReport"):
        assert (KGO[name], RDF.type, OWL.Class) in ontology


# (property, kind, domain or None, range or None)
PROPERTY_SIGNATURES = [
    ("attacker", OWL.ObjectProperty, KGO.Attack, KGO.Actor),
    ("target", OWL.ObjectProperty, KGO.Attack, None),
    ("weapon", OWL.ObjectProperty, KGO.Attack, KGO.Weapon),
    ("location", OWL.ObjectProperty, KGO.Event, KGO.Location),
    ("actor", OWL.ObjectProperty, KGO.Withdrawal, KGO.Actor),
    ("recipient", OWL.ObjectProperty, KGO.Withdrawal, KGO.Actor),
    ("destination", OWL.ObjectProperty, KGO.Withdrawal, KGO.Location),
    ("killed", OWL.DatatypeProperty, None, XSD.nonNegativeInteger),
    ("wounded", OWL.DatatypeProperty, None, XSD.nonNegativeInteger),
    ("status", OWL.ObjectProperty, KGO.Event, KGO.EventStatus),
    ("inRetaliationFor", OWL.ObjectProperty, KGO.Event, KGO.Event),
    ("date", OWL.DatatypeProperty, KGO.Event, None),
    ("datePrecision", OWL.ObjectProperty, KGO.Event, KGO.DatePrecision),
    ("earliestDate", OWL.DatatypeProperty, KGO.Event, XSD.date),
    ("latestDate", OWL.DatatypeProperty, KGO.Event, XSD.date),
    ("dateExpression", OWL.DatatypeProperty, KGO.Event, RDF.langString),
    ("aboutEvent", OWL.ObjectProperty, KGO.ResponsibilityStatement, KGO.Event),
    ("responsibleParty", OWL.ObjectProperty, KGO.ResponsibilityStatement, KGO.Actor),
    ("accordingTo", OWL.ObjectProperty, KGO.ResponsibilityStatement, KGO.Actor),
    ("accuserUnnamed", OWL.DatatypeProperty, KGO.Attribution, XSD.boolean),
    ("hasEvidence", OWL.ObjectProperty, None, KGO.Evidence),
    ("inArticle", OWL.ObjectProperty, None, KGO.Article),
    ("sentence", OWL.DatatypeProperty, KGO.Evidence, RDF.langString),
    ("startOffset", OWL.DatatypeProperty, None, XSD.nonNegativeInteger),
    ("endOffset", OWL.DatatypeProperty, None, XSD.nonNegativeInteger),
    ("extractedBy", OWL.DatatypeProperty, None, XSD.string),
    ("mentionOf", OWL.ObjectProperty, KGO.Mention, None),
    ("fileName", OWL.DatatypeProperty, KGO.Article, XSD.string),
    ("sha256", OWL.DatatypeProperty, KGO.Article, XSD.string),
    ("published", OWL.DatatypeProperty, KGO.Article, XSD.date),
    ("publishedSource", OWL.DatatypeProperty, KGO.Article, XSD.string),
    ("ofEvent", OWL.ObjectProperty, KGO.RoleAssertion, KGO.Event),
    ("reportOf", OWL.ObjectProperty, None, KGO.Event),
    ("reportedType", OWL.ObjectProperty, KGO.Report, None),
    ("joiningReport", OWL.ObjectProperty, KGO.MergeLink, KGO.Report),
    ("joinedReport", OWL.ObjectProperty, KGO.MergeLink, KGO.Report),
    ("reason", OWL.DatatypeProperty, KGO.MergeLink, RDF.langString),
    ("score", OWL.DatatypeProperty, KGO.MergeLink, XSD.decimal),
    ("reportId", OWL.DatatypeProperty, KGO.Report, XSD.string),
    ("confidence", OWL.DatatypeProperty, None, XSD.decimal),
    ("locatedIn", OWL.ObjectProperty, KGO.Location, KGO.Location),
    ("partOf", OWL.ObjectProperty, KGO.Actor, KGO.Actor),
    ("backedBy", OWL.ObjectProperty, KGO.Actor, KGO.Actor),
    ("stationedAt", OWL.ObjectProperty, KGO.Actor, KGO.Location),
    ("leaderOf", OWL.ObjectProperty, KGO.Person, KGO.Actor),
    ("spokespersonOf", OWL.ObjectProperty, KGO.Person, KGO.Actor),
    ("role", OWL.DatatypeProperty, KGO.Person, RDF.langString),
    ("inGazetteer", OWL.DatatypeProperty, None, XSD.boolean),
    ("impliesAttackType", OWL.ObjectProperty, KGO.Weapon, None),
    ("demonym", OWL.DatatypeProperty, KGO.State, RDF.langString),
]


@pytest.mark.parametrize(("name", "kind", "domain", "rng"), PROPERTY_SIGNATURES)
def test_property_signature(
    ontology: Graph, name: str, kind: URIRef, domain: URIRef | None, rng: URIRef | None
) -> None:
    p = KGO[name]
    assert (p, RDF.type, kind) in ontology
    assert set(ontology.objects(p, RDFS.domain)) == ({domain} if domain else set())
    assert set(ontology.objects(p, RDFS.range)) == ({rng} if rng else set())


def test_every_property_has_a_signature_test(ontology: Graph) -> None:
    props = {
        t
        for t in declared_terms(ontology)
        if {OWL.ObjectProperty, OWL.DatatypeProperty} & set(ontology.objects(t, RDF.type))
    }
    tested = {KGO[name] for name, *_ in PROPERTY_SIGNATURES}
    # quote, filler, assertsRole and hasCause have neither domain nor range worth a row
    assert props - tested == {KGO.quote, KGO.filler, KGO.assertsRole, KGO.hasCause}


ALIGNMENTS = [
    (KGO.attacker, SKOS.closeMatch, WDT.P8031),
    (KGO.target, SKOS.closeMatch, WDT.P8032),
    (KGO.weapon, SKOS.closeMatch, WDT.P520),
    (KGO.killed, SKOS.closeMatch, WDT.P1120),
    (KGO.wounded, SKOS.closeMatch, WDT.P1339),
    (KGO.hasCause, SKOS.closeMatch, WDT.P828),
    (KGO.location, SKOS.closeMatch, WDT.P276),
    (KGO.inRetaliationFor, RDFS.subPropertyOf, KGO.hasCause),
    (KGO.accordingTo, RDFS.subPropertyOf, SEM.accordingTo),
    (KGO.Event, SKOS.closeMatch, CRM.E5_Event),
    (KGO.Location, SKOS.closeMatch, CRM.E53_Place),
    (KGO.Actor, SKOS.closeMatch, CRM.E39_Actor),
]


@pytest.mark.parametrize("triple", ALIGNMENTS, ids=lambda t: f"{t[0].fragment}-{t[2]}")
def test_alignment(ontology: Graph, triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert triple in ontology


def test_no_external_subclassing_except_prov_sem_skos(ontology: Graph) -> None:
    allowed = (str(KGO), str(PROV), str(SEM), str(SKOS))
    for s, o in ontology.subject_objects(RDFS.subClassOf):
        assert str(o).startswith(allowed), (s, o)
    for s, o in ontology.subject_objects(RDFS.subPropertyOf):
        assert str(o).startswith(allowed), (s, o)


@pytest.mark.parametrize(
    ("scheme", "cls", "members"),
    [
        ("EventStatusScheme", "EventStatus", {"Done", "Planned", "Disrupted"}),
        (
            "DatePrecisionScheme",
            "DatePrecision",
            {"DayPrecision", "MonthPrecision", "YearPrecision", "WeekPrecision"},
        ),
    ],
)
def test_concept_schemes(ontology: Graph, scheme: str, cls: str, members: set[str]) -> None:
    assert (KGO[scheme], RDF.type, SKOS.ConceptScheme) in ontology
    in_scheme = set(ontology.subjects(SKOS.inScheme, KGO[scheme]))
    assert in_scheme == {KGO[m] for m in members}
    for m in members:
        types = set(ontology.objects(KGO[m], RDF.type))
        assert {SKOS.Concept, OWL.NamedIndividual, KGO[cls]} <= types
        assert (KGO[m], SKOS.topConceptOf, KGO[scheme]) in ontology


# ---------------------------------------------------------------------------
# Generated vocabulary
# ---------------------------------------------------------------------------


def test_vocab_is_in_sync() -> None:
    run = subprocess.run(
        [sys.executable, str(GEN_VOCAB), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr


def test_vocab_check_detects_a_stale_file(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_vocab_under_test", GEN_VOCAB)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.VOCAB = tmp_path / "vocab.py"
    module.VOCAB.write_text(VOCAB_PY.read_text("utf-8").replace("    Attack: URIRef", ""))
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0
    assert module.main(["--check"]) == 0
    assert module.VOCAB.read_text("utf-8") == VOCAB_PY.read_text("utf-8")


def test_vocab_has_every_term_and_fails_on_typos(ontology: Graph) -> None:
    from kg.vocab.terms import KGO as VOCAB_KGO
    from kg.vocab.terms import KGR, ONTOLOGY_GRAPH

    for term in declared_terms(ontology):
        assert getattr(VOCAB_KGO, term.fragment) == term
    with pytest.raises(AttributeError):
        _ = VOCAB_KGO.Atack
    assert str(KGR.entity) == "https://w3id.org/kg-iraq/id/entity"
    assert ONTOLOGY_GRAPH == ONTOLOGY_IRI


# ---------------------------------------------------------------------------
# Shapes: structure
# ---------------------------------------------------------------------------


def named_shapes(shapes: Graph) -> set[URIRef]:
    return {
        s
        for t in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, t)
        if isinstance(s, URIRef)
    }


def container_shapes(shapes: Graph) -> set[URIRef]:
    """Node shapes whose only constraints are their property shapes."""
    own = {SH.nodeKind, SH["class"], SH["or"], SH["in"], SH.datatype, SH.pattern}
    return {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if not own & set(shapes.predicates(s)) and list(shapes.objects(s, SH.property))
    }


def test_every_shape_has_an_id_a_message_and_severity(shapes: Graph) -> None:
    all_shapes = named_shapes(shapes)
    assert len(all_shapes) > 50
    for shape in all_shapes:
        assert str(shape).startswith(str(KGS)), shape
        messages = list(shapes.objects(shape, SH.message))
        assert len(messages) == 1 and messages[0].language == "en", shape
        assert list(shapes.objects(shape, SH.severity)) == [SH.Violation], shape
    # no anonymous shapes hide behind sh:property
    for prop in shapes.objects(None, SH.property):
        assert prop in all_shapes


def _or_classes(shapes: Graph, shape: URIRef) -> set[URIRef]:
    lists = list(shapes.objects(shape, SH["or"]))
    assert len(lists) == 1, shape
    return {shapes.value(member, SH["class"]) for member in Collection(shapes, lists[0])}


def _in_values(shapes: Graph, shape: URIRef) -> set[URIRef]:
    lists = list(shapes.objects(shape, SH["in"]))
    assert len(lists) == 1, shape
    return set(Collection(shapes, lists[0]))


def test_shape_class_lists_follow_the_ontology(ontology: Graph, shapes: Graph) -> None:
    actor = subclasses(ontology, KGO.Actor)
    location = subclasses(ontology, KGO.Location)
    event = subclasses(ontology, KGO.Event)
    attack = subclasses(ontology, KGO.Attack)
    withdrawal = subclasses(ontology, KGO.Withdrawal)
    statement = subclasses(ontology, KGO.ResponsibilityStatement)
    entity = actor | location | {KGO.Weapon}
    assert KGO.RocketAttack in event and KGO.State in location and KGO.State in actor

    def targets(shape: URIRef) -> set[URIRef]:
        return set(shapes.objects(shape, SH.targetClass))

    assert targets(KGS.EventShape) == event
    assert targets(KGS.EntityShape) == entity
    assert targets(KGS.ResponsibilityStatementShape) == statement
    assert _or_classes(shapes, KGS.ActorValueShape) == actor
    assert _or_classes(shapes, KGS.LocationValueShape) == location
    assert _or_classes(shapes, KGS.TargetValueShape) == actor | location
    assert _or_classes(shapes, KGS.EntityValueShape) == entity
    assert _or_classes(shapes, KGS.EventValueShape) == event
    # a report (what one sentence says of an event) has a status and a date too
    assert _or_classes(shapes, KGS.EventRelationDomainShape) == event | {KGO.Report}
    assert _or_classes(shapes, KGS.AttackRoleDomainShape) == attack
    assert _or_classes(shapes, KGS.WithdrawalRoleDomainShape) == withdrawal
    assert _or_classes(shapes, KGS.StatementRelationDomainShape) == statement
    assert _or_classes(shapes, KGS.ActorRelationDomainShape) == actor
    assert _or_classes(shapes, KGS.LocationRelationDomainShape) == location
    assert _in_values(shapes, KGS["Weapon-impliesAttackType"]) == attack
    assert _in_values(shapes, KGS["Event-status"]) == set(
        ontology.subjects(SKOS.inScheme, KGO.EventStatusScheme)
    )
    assert _in_values(shapes, KGS["Event-datePrecision"]) == set(
        ontology.subjects(SKOS.inScheme, KGO.DatePrecisionScheme)
    )
    roles = {KGO[r] for r in ("attacker", "target", "weapon", "location")}
    roles |= {KGO[r] for r in ("actor", "recipient", "destination")}
    assert _in_values(shapes, KGS["RoleAssertion-assertsRole"]) == roles
    # the value shapes cover every role and relation property that points at an entity
    object_targets = set(shapes.objects(None, SH.targetObjectsOf))
    for p in roles | {KGO[r] for r in ENTITY_RELATIONS}:
        assert p in object_targets, p


# ---------------------------------------------------------------------------
# Shapes: a valid and an invalid example for every shape
# ---------------------------------------------------------------------------

PREFIXES = """
@prefix kgo: <https://w3id.org/kg-iraq/ontology#> .
@prefix ent: <https://w3id.org/kg-iraq/id/entity/> .
@prefix event: <https://w3id.org/kg-iraq/id/event/> .
@prefix art: <https://w3id.org/kg-iraq/id/article/> .
@prefix evid: <https://w3id.org/kg-iraq/id/evidence/a1/> .
@prefix men: <https://w3id.org/kg-iraq/id/mention/a1/> .
@prefix role: <https://w3id.org/kg-iraq/id/role/> .
@prefix claim: <https://w3id.org/kg-iraq/id/claim/> .
@prefix cas: <https://w3id.org/kg-iraq/id/casualties/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# A small graph that satisfies every shape: one article, one evidence span, one
# mention, entities, three events, three responsibility statements, a role
# assertion and a casualty report.
BASE = """
art:a1 a kgo:Article ;
    kgo:fileName "a1.txt" ;
    kgo:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" ;
    kgo:published "2020-03-17"^^xsd:date .

evid:0-40 a kgo:Evidence ;
    kgo:inArticle art:a1 ;
    kgo:startOffset "0"^^xsd:nonNegativeInteger ;
    kgo:endOffset "40"^^xsd:nonNegativeInteger ;
    kgo:sentence "وسقط صاروخان على معسكر التاجي الأربعاء."@ar ;
    kgo:quote "وسقط صاروخان على معسكر التاجي الأربعاء."@ar ;
    kgo:extractedBy "attack-verb" .

men:5-16 a kgo:Mention ;
    kgo:mentionOf ent:camp-taji ;
    kgo:inArticle art:a1 ;
    kgo:startOffset "5"^^xsd:nonNegativeInteger ;
    kgo:endOffset "16"^^xsd:nonNegativeInteger ;
    kgo:quote "معسكر التاجي"@ar ;
    kgo:extractedBy "gazetteer" .

ent:kataib-hezbollah a kgo:ArmedGroup ;
    skos:prefLabel "كتائب حزب الله"@ar , "Kataib Hezbollah"@en ;
    rdfs:label "كتائب حزب الله"@ar , "Kataib Hezbollah"@en ;
    skos:altLabel "حزب الله العراقي"@ar , "KH"@en ;
    kgo:backedBy ent:iran ;
    kgo:inGazetteer true .
ent:iran a kgo:State ;
    skos:prefLabel "إيران"@ar , "Iran"@en ;
    kgo:demonym "إيراني"@ar ;
    kgo:inGazetteer true .
ent:united-states a kgo:State ;
    skos:prefLabel "الولايات المتحدة"@ar ;
    kgo:inGazetteer true .
ent:us-forces a kgo:MilitaryForce ;
    skos:prefLabel "القوات الأميركية"@ar , "US forces"@en ;
    kgo:partOf ent:united-states ;
    kgo:stationedAt ent:camp-taji ;
    kgo:inGazetteer true .
ent:global-coalition a kgo:Coalition ;
    skos:prefLabel "التحالف الدولي"@ar ;
    kgo:inGazetteer true .
ent:iraqi-government a kgo:Organisation ;
    skos:prefLabel "الحكومة العراقية"@ar ;
    kgo:inGazetteer true .
ent:myles-caggins a kgo:Person ;
    skos:prefLabel "مايلز كاغنز"@ar , "Myles Caggins"@en ;
    kgo:role "المتحدث باسم التحالف الدولي"@ar , "Coalition spokesperson"@en ;
    kgo:spokespersonOf ent:global-coalition ;
    kgo:inGazetteer true .
ent:camp-taji a kgo:MilitaryBase ;
    skos:prefLabel "معسكر التاجي"@ar , "Camp Taji"@en ;
    kgo:locatedIn ent:baghdad ;
    kgo:inGazetteer true .
ent:baghdad a kgo:Place ;
    skos:prefLabel "بغداد"@ar , "Baghdad"@en ;
    rdfs:label "بغداد"@ar , "Baghdad"@en ;
    kgo:inGazetteer true .
ent:rocket a kgo:Weapon ;
    skos:prefLabel "صاروخ"@ar , "rocket"@en ;
    kgo:impliesAttackType kgo:RocketAttack ;
    kgo:inGazetteer true .

event:e1 a kgo:RocketAttack ;
    kgo:status kgo:Done ;
    kgo:hasEvidence evid:0-40 ;
    kgo:date "2020-03-11"^^xsd:date ;
    kgo:datePrecision kgo:DayPrecision ;
    kgo:dateExpression "الأربعاء"@ar ;
    kgo:killed "3"^^xsd:nonNegativeInteger ;
    kgo:wounded "14"^^xsd:nonNegativeInteger ;
    kgo:attacker ent:kataib-hezbollah ;
    kgo:target ent:camp-taji , ent:us-forces ;
    kgo:weapon ent:rocket ;
    kgo:location ent:camp-taji .
event:e2 a kgo:AirStrike ;
    kgo:status kgo:Done ;
    kgo:hasEvidence evid:0-40 ;
    kgo:datePrecision kgo:WeekPrecision ;
    kgo:earliestDate "2020-03-09"^^xsd:date ;
    kgo:latestDate "2020-03-15"^^xsd:date ;
    kgo:attacker ent:united-states ;
    kgo:inRetaliationFor event:e1 .
event:w1 a kgo:BaseHandover ;
    kgo:status kgo:Planned ;
    kgo:hasEvidence evid:0-40 ;
    kgo:date "2020-04"^^xsd:gYearMonth ;
    kgo:datePrecision kgo:MonthPrecision ;
    kgo:actor ent:global-coalition ;
    kgo:recipient ent:iraqi-government ;
    kgo:destination ent:baghdad ;
    kgo:location ent:camp-taji .

claim:c1 a kgo:Attribution ;
    kgo:aboutEvent event:e1 ;
    kgo:responsibleParty ent:kataib-hezbollah ;
    kgo:accordingTo ent:united-states ;
    kgo:hasEvidence evid:0-40 .
claim:c2 a kgo:Claim ;
    kgo:aboutEvent event:e1 ;
    kgo:responsibleParty ent:kataib-hezbollah .
claim:c3 a kgo:NoClaim ;
    kgo:aboutEvent event:e1 .

role:r1 a kgo:RoleAssertion ;
    kgo:assertsRole kgo:target ;
    kgo:ofEvent event:e1 ;
    kgo:filler ent:camp-taji ;
    kgo:hasEvidence evid:0-40 .

cas:k1 a kgo:CasualtyReport ;
    kgo:reportOf event:e1 ;
    kgo:killed "3"^^xsd:nonNegativeInteger ;
    kgo:hasEvidence evid:0-40 .
"""

NEW_ATTACK = "event:o1 a kgo:Attack ; kgo:status kgo:Done ; kgo:hasEvidence evid:0-40"

# (shape, triples added for the valid example, triples dropped and triples added
# for the invalid example). Each invalid example breaks exactly one shape.
CASES: list[tuple[str, str, str, str]] = [
    (
        "EventShape",
        "event:o1 a kgo:OtherEvent ; kgo:status kgo:Done ; kgo:hasEvidence evid:0-40 .",
        "",
        "[] a kgo:OtherEvent ; kgo:status kgo:Done ; kgo:hasEvidence evid:0-40 .",
    ),
    (
        "Event-status",
        "event:o1 a kgo:Attack ; kgo:status kgo:Disrupted ; kgo:hasEvidence evid:0-40 .",
        "",
        "event:o1 a kgo:Attack ; kgo:hasEvidence evid:0-40 .",
    ),
    ("Event-status", "", "", "event:e1 kgo:status kgo:Planned ."),
    (
        "Event-status",
        "",
        "",
        "event:o1 a kgo:Attack ; kgo:status kgo:DayPrecision ; kgo:hasEvidence evid:0-40 .",
    ),
    (
        "Record-hasEvidence",
        "cas:k2 a kgo:CasualtyReport ; kgo:reportOf event:e2 ; kgo:hasEvidence evid:0-40 .",
        "event:e2 kgo:hasEvidence evid:0-40 .",
        "",
    ),
    (
        "Record-hasEvidence",
        "",
        "cas:k1 kgo:hasEvidence evid:0-40 .",
        "",
    ),
    (
        "Event-date",
        f'{NEW_ATTACK} ; kgo:date "2020"^^xsd:gYear .',
        "",
        f'{NEW_ATTACK} ; kgo:date "2020-03-11" .',
    ),
    ("Event-date", "", "", 'event:e1 kgo:date "2020-03-12"^^xsd:date .'),
    (
        "Event-datePrecision",
        f"{NEW_ATTACK} ; kgo:datePrecision kgo:YearPrecision .",
        "",
        f"{NEW_ATTACK} ; kgo:datePrecision kgo:Done .",
    ),
    ("Event-datePrecision", "", "", "event:e1 kgo:datePrecision kgo:MonthPrecision ."),
    (
        "Event-earliestDate",
        f'{NEW_ATTACK} ; kgo:earliestDate "2020-03-10"^^xsd:date ;'
        ' kgo:latestDate "2020-03-10"^^xsd:date .',
        "",
        f'{NEW_ATTACK} ; kgo:earliestDate "2020-03-20"^^xsd:date ;'
        ' kgo:latestDate "2020-03-10"^^xsd:date .',
    ),
    (
        "Event-earliestDate",
        "",
        "",
        f'{NEW_ATTACK} ; kgo:earliestDate "2020"^^xsd:gYear .',
    ),
    (
        "Event-latestDate",
        f'{NEW_ATTACK} ; kgo:latestDate "2020-03-10"^^xsd:date .',
        "",
        f'{NEW_ATTACK} ; kgo:latestDate "2020-03-10"^^xsd:date , "2020-03-12"^^xsd:date .',
    ),
    (
        "Event-dateExpression",
        'event:e2 kgo:dateExpression "ليل الخميس"@ar .',
        "",
        'event:e2 kgo:dateExpression "Thursday night"@en .',
    ),
    (
        "Casualties-killed",
        'cas:k2 a kgo:CasualtyReport ; kgo:reportOf event:e1 ; kgo:hasEvidence evid:0-40 ; kgo:killed "0"^^xsd:nonNegativeInteger .',
        "",
        'event:e1 kgo:killed "4"^^xsd:nonNegativeInteger .',
    ),
    ("Casualties-killed", "", "", 'event:w1 kgo:killed "2"^^xsd:integer .'),
    ("Casualties-killed", "", "", 'cas:k1 kgo:killed "three" .'),
    (
        "Casualties-wounded",
        'cas:k1 kgo:wounded "2"^^xsd:nonNegativeInteger .',
        "",
        'event:w1 kgo:wounded "-1"^^xsd:integer .',
    ),
    (
        "Casualties-wounded",
        "",
        "",
        'cas:k1 kgo:wounded "2"^^xsd:nonNegativeInteger , "3"^^xsd:nonNegativeInteger .',
    ),
    ("EventRelationDomainShape", "", "", "ent:baghdad kgo:status kgo:Done ."),
    ("EventRelationDomainShape", "", "", 'art:a1 kgo:date "2020-03-17"^^xsd:date .'),
    (
        "AttackRoleDomainShape",
        "event:e2 kgo:weapon ent:rocket .",
        "",
        "event:w1 kgo:weapon ent:rocket .",
    ),
    ("AttackRoleDomainShape", "", "", "claim:c1 kgo:attacker ent:kataib-hezbollah ."),
    (
        "WithdrawalRoleDomainShape",
        "event:w1 kgo:recipient ent:us-forces .",
        "",
        "event:e1 kgo:recipient ent:iraqi-government .",
    ),
    (
        "ActorValueShape",
        "event:e1 kgo:attacker ent:myles-caggins .",
        "",
        "event:e1 kgo:attacker ent:baghdad .",
    ),
    ("ActorValueShape", "", "", 'claim:c1 kgo:accordingTo "Washington" .'),
    ("ActorValueShape", "", "", "ent:kataib-hezbollah kgo:backedBy ent:rocket ."),
    ("ActorValueShape", "", "", "ent:myles-caggins kgo:leaderOf event:e1 ."),
    (
        "TargetValueShape",
        "event:e1 kgo:target ent:myles-caggins , ent:baghdad , ent:iran .",
        "",
        "event:e1 kgo:target ent:rocket .",
    ),
    (
        "LocationValueShape",
        "event:e1 kgo:location ent:iran .",
        "",
        "event:e1 kgo:location ent:us-forces .",
    ),
    ("LocationValueShape", "", "", "ent:camp-taji kgo:locatedIn ent:kataib-hezbollah ."),
    ("LocationValueShape", "", "", "ent:us-forces kgo:stationedAt ent:global-coalition ."),
    (
        "WeaponValueShape",
        "",
        "",
        "event:e1 kgo:weapon ent:us-forces .",
    ),
    (
        "EntityValueShape",
        "men:20-25 a kgo:Mention ; kgo:mentionOf ent:rocket ; kgo:inArticle art:a1 ;"
        ' kgo:startOffset "20"^^xsd:nonNegativeInteger ; kgo:endOffset "25"^^xsd:nonNegativeInteger .',
        "role:r1 kgo:filler ent:camp-taji .",
        "role:r1 kgo:filler event:e2 .",
    ),
    (
        "EntityValueShape",
        "",
        "men:5-16 kgo:mentionOf ent:camp-taji .",
        "men:5-16 kgo:mentionOf art:a1 .",
    ),
    (
        "EventValueShape",
        "event:w1 kgo:hasCause event:e2 .",
        "",
        "event:e2 kgo:inRetaliationFor ent:camp-taji .",
    ),
    (
        "EventValueShape",
        "",
        "claim:c3 kgo:aboutEvent event:e1 .",
        "claim:c3 kgo:aboutEvent ent:iran .",
    ),
    ("EventValueShape", "", "cas:k1 kgo:reportOf event:e1 .", "cas:k1 kgo:reportOf art:a1 ."),
    (
        "EvidenceValueShape",
        "",
        "",
        "event:e1 kgo:hasEvidence art:a1 .",
    ),
    (
        "ArticleValueShape",
        "",
        "men:5-16 kgo:inArticle art:a1 .",
        "men:5-16 kgo:inArticle evid:0-40 .",
    ),
    (
        "ResponsibilityStatementShape",
        "claim:c4 a kgo:NoClaim ; kgo:aboutEvent event:e2 .",
        "",
        "[] a kgo:NoClaim ; kgo:aboutEvent event:e1 .",
    ),
    (
        "Statement-aboutEvent",
        "",
        "claim:c3 kgo:aboutEvent event:e1 .",
        "",
    ),
    ("Statement-aboutEvent", "", "", "claim:c2 kgo:aboutEvent event:e2 ."),
    (
        "ClaimShape",
        "claim:c4 a kgo:Claim ; kgo:aboutEvent event:e2 ; kgo:responsibleParty ent:iran .",
        "claim:c2 kgo:responsibleParty ent:kataib-hezbollah .",
        "",
    ),
    (
        "DenialShape",
        "claim:c6 a kgo:Denial ; kgo:aboutEvent event:e2 ; kgo:responsibleParty ent:iran .",
        "",
        "claim:c7 a kgo:Denial ; kgo:aboutEvent event:e1 .",
    ),
    (
        "AttributionShape",
        "claim:c5 a kgo:Attribution ; kgo:aboutEvent event:e2 ; kgo:responsibleParty ent:iran ;"
        " kgo:accuserUnnamed true .",
        "claim:c1 kgo:accordingTo ent:united-states .",
        "",
    ),
    (
        "Statement-responsibleParty",
        "",
        "",
        "claim:c1 kgo:responsibleParty ent:iran .",
    ),
    (
        "StatementRelationDomainShape",
        "",
        "",
        "event:e1 kgo:responsibleParty ent:kataib-hezbollah .",
    ),
    (
        "RoleAssertionShape",
        "role:r2 a kgo:RoleAssertion ; kgo:assertsRole kgo:weapon ; kgo:ofEvent event:e1 ;"
        " kgo:filler ent:rocket ; kgo:hasEvidence evid:0-40 .",
        "",
        "[] a kgo:RoleAssertion ; kgo:assertsRole kgo:weapon ; kgo:ofEvent event:e1 ;"
        " kgo:filler ent:rocket ; kgo:hasEvidence evid:0-40 .",
    ),
    (
        "RoleAssertion-assertsRole",
        "",
        "role:r1 kgo:assertsRole kgo:target .",
        "role:r1 kgo:assertsRole kgo:killed .",
    ),
    ("RoleAssertion-ofEvent", "", "role:r1 kgo:ofEvent event:e1 .", ""),
    ("RoleAssertion-filler", "", "", "role:r1 kgo:filler ent:us-forces ."),
    (
        "CasualtyReportShape",
        "",
        "",
        '[] a kgo:CasualtyReport ; kgo:reportOf event:e1 ; kgo:killed "1"^^xsd:nonNegativeInteger ;'
        " kgo:hasEvidence evid:0-40 .",
    ),
    ("CasualtyReport-reportOf", "", "cas:k1 kgo:reportOf event:e1 .", ""),
    (
        "ArticleShape",
        'art:a2 a kgo:Article ; kgo:fileName "a2.txt" ; kgo:sha256 "' + "0" * 64 + '" .',
        "",
        '[] a kgo:Article ; kgo:fileName "a2.txt" ; kgo:sha256 "' + "0" * 64 + '" .',
    ),
    ("Article-fileName", "", "", 'art:a1 kgo:fileName "other.txt" .'),
    ("Article-fileName", "", 'art:a1 kgo:fileName "a1.txt" .', 'art:a1 kgo:fileName "a1.txt"@en .'),
    (
        "Article-sha256",
        "",
        'art:a1 kgo:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" .',
        'art:a1 kgo:sha256 "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08" .',
    ),
    (
        "Article-sha256",
        "",
        'art:a1 kgo:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" .',
        'art:a1 kgo:sha256 "9f86d081" .',
    ),
    ("Article-published", "", "", 'art:a1 kgo:published "2020-03-18"^^xsd:date .'),
    (
        "Article-published",
        "",
        'art:a1 kgo:published "2020-03-17"^^xsd:date .',
        'art:a1 kgo:published "2020-03" .',
    ),
    (
        "EvidenceShape",
        'evid:41-60 a kgo:Evidence ; kgo:inArticle art:a1 ; kgo:startOffset "41"^^xsd:nonNegativeInteger ;'
        ' kgo:endOffset "60"^^xsd:nonNegativeInteger ; kgo:sentence "جملة"@ar .',
        "",
        '[] a kgo:Evidence ; kgo:inArticle art:a1 ; kgo:startOffset "41"^^xsd:nonNegativeInteger ;'
        ' kgo:endOffset "60"^^xsd:nonNegativeInteger ; kgo:sentence "جملة"@ar .',
    ),
    (
        "MentionShape",
        "men:20-25 a kgo:Mention ; kgo:mentionOf ent:iran ; kgo:inArticle art:a1 ;"
        ' kgo:startOffset "20"^^xsd:nonNegativeInteger ; kgo:endOffset "25"^^xsd:nonNegativeInteger .',
        "",
        "[] a kgo:Mention ; kgo:mentionOf ent:iran ; kgo:inArticle art:a1 ;"
        ' kgo:startOffset "20"^^xsd:nonNegativeInteger ; kgo:endOffset "25"^^xsd:nonNegativeInteger .',
    ),
    ("Span-inArticle", "", "evid:0-40 kgo:inArticle art:a1 .", ""),
    (
        "Span-inArticle",
        "",
        "",
        'men:5-16 kgo:inArticle art:a2 . art:a2 a kgo:Article ; kgo:fileName "a2.txt" ; kgo:sha256 "'
        + "1" * 64
        + '" .',
    ),
    ("Span-startOffset", "", 'men:5-16 kgo:startOffset "5"^^xsd:nonNegativeInteger .', ""),
    (
        "Span-startOffset",
        "",
        'evid:0-40 kgo:startOffset "0"^^xsd:nonNegativeInteger .',
        'evid:0-40 kgo:startOffset "0"^^xsd:integer .',
    ),
    ("Span-endOffset", "", 'men:5-16 kgo:endOffset "16"^^xsd:nonNegativeInteger .', ""),
    (
        "Span-offsetOrder",
        "",
        'evid:0-40 kgo:startOffset "0"^^xsd:nonNegativeInteger .',
        'evid:0-40 kgo:startOffset "50"^^xsd:nonNegativeInteger .',
    ),
    (
        "Span-offsetOrder",
        "",
        'men:5-16 kgo:startOffset "5"^^xsd:nonNegativeInteger .',
        'men:5-16 kgo:startOffset "16"^^xsd:nonNegativeInteger .',
    ),
    ("Span-quote", "", "", 'men:5-16 kgo:quote "التاجي"@ar .'),
    ("Span-extractedBy", "", "", 'evid:0-40 kgo:extractedBy "rule"@en .'),
    (
        "Evidence-sentence",
        "",
        'evid:0-40 kgo:sentence "وسقط صاروخان على معسكر التاجي الأربعاء."@ar .',
        "",
    ),
    (
        "Evidence-sentence",
        "",
        'evid:0-40 kgo:sentence "وسقط صاروخان على معسكر التاجي الأربعاء."@ar .',
        'evid:0-40 kgo:sentence "وسقط صاروخان على معسكر التاجي الأربعاء." .',
    ),
    ("Mention-mentionOf", "", "men:5-16 kgo:mentionOf ent:camp-taji .", ""),
    (
        "EntityShape",
        'ent:weapon-0123456789 a kgo:Weapon ; skos:prefLabel "سلاح"@ar ; kgo:inGazetteer false .',
        "",
        '[] a kgo:Weapon ; skos:prefLabel "سلاح"@ar ; kgo:inGazetteer false .',
    ),
    ("Entity-prefLabel", "", "", 'ent:baghdad skos:prefLabel "Bagdad"@fr .'),
    ("Entity-prefLabel", "", "", 'ent:baghdad skos:prefLabel "Baghdad City"@en .'),
    ("Entity-prefLabel-ar", "", 'ent:baghdad skos:prefLabel "بغداد"@ar .', ""),
    (
        "Entity-altLabel",
        'ent:baghdad skos:altLabel "مدينة بغداد"@ar , "Bagdad"@en .',
        "",
        'ent:baghdad skos:altLabel "Bagdad"@fr .',
    ),
    ("Entity-label", "", "", 'ent:baghdad rdfs:label "Baghdad City"@en .'),
    ("Entity-inGazetteer", "", "ent:baghdad kgo:inGazetteer true .", ""),
    (
        "Entity-inGazetteer",
        "",
        "ent:baghdad kgo:inGazetteer true .",
        'ent:baghdad kgo:inGazetteer "yes" .',
    ),
    ("PersonShape", "", "", 'ent:myles-caggins kgo:role "Sprecher"@de .'),
    ("Person-role", "", "", 'ent:myles-caggins kgo:role "spokesperson" .'),
    ("WeaponShape", "", "", "ent:rocket kgo:impliesAttackType kgo:DroneAttack ."),
    (
        "Weapon-impliesAttackType",
        "",
        "ent:rocket kgo:impliesAttackType kgo:RocketAttack .",
        "ent:rocket kgo:impliesAttackType kgo:Withdrawal .",
    ),
    (
        "StateShape",
        'ent:iran kgo:demonym "الإيرانية"@ar .',
        "",
        'ent:iran kgo:demonym "Iranian"@en .',
    ),
    ("State-demonym", "", "", 'ent:iran kgo:demonym "إيرانية" .'),
    ("StateRelationDomainShape", "", "", 'ent:baghdad kgo:demonym "بغدادي"@ar .'),
    (
        "ActorRelationDomainShape",
        "ent:kataib-hezbollah kgo:partOf ent:iran .",
        "",
        "ent:baghdad kgo:partOf ent:united-states .",
    ),
    ("LocationRelationDomainShape", "", "", "ent:us-forces kgo:locatedIn ent:baghdad ."),
    (
        "PersonRelationDomainShape",
        "ent:myles-caggins kgo:leaderOf ent:us-forces .",
        "",
        "ent:kataib-hezbollah kgo:leaderOf ent:global-coalition .",
    ),
    ("PersonRelationDomainShape", "", "", 'ent:us-forces kgo:role "force"@en .'),
    ("WeaponRelationDomainShape", "", "", "ent:us-forces kgo:impliesAttackType kgo:Attack ."),
]


def _turtle(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


@pytest.fixture(scope="module")
def base_graph() -> Graph:
    return _turtle(BASE)


@pytest.fixture(scope="module")
def axioms(ontology: Graph) -> Graph:
    """The part of the ontology that pyshacl's ont_graph mix-in uses: types and axioms."""
    keep = {RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range}
    graph = Graph()
    for triple in ontology.triples((None, None, None)):
        if triple[1] in keep:
            graph.add(triple)
    return graph


def _validate(data: Graph, shapes: Graph, ont: Graph | None) -> tuple[bool, Graph]:
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=False
    )
    return conforms, report


def _validate_fast(data: Graph, shapes: Graph, axioms: Graph | None) -> tuple[bool, Graph]:
    """Like _validate with ont_graph, for a throw-away data graph, at half the cost.

    pyshacl's ont_graph mix-in copies the ontology's RDFS/OWL axioms into a copy of
    the data graph; here the axioms are merged into the data graph beforehand.
    """
    if axioms is not None:
        data += axioms
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, inplace=True
    )
    return conforms, report


def _violations(report: Graph) -> set[URIRef]:
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    for r in results:
        assert report.value(r, SH.resultSeverity) == SH.Violation
    return {report.value(r, SH.sourceShape) for r in results}


@pytest.mark.parametrize("with_ontology", [False, True], ids=["no-ontology", "ontology"])
def test_base_example_conforms(base_graph, shapes, ontology, axioms, with_ontology: bool) -> None:
    ont = ontology if with_ontology else None
    conforms, report = _validate(base_graph, shapes, ont)
    assert conforms, report.serialize(format="turtle")
    # the fast path used below agrees with pyshacl's own ont_graph handling
    broken = base_graph + _turtle("event:e1 kgo:attacker ent:baghdad .")
    slow = _violations(_validate(broken, shapes, ont)[1])
    fast = _violations(_validate_fast(broken, shapes, axioms if with_ontology else None)[1])
    assert slow == fast == {KGS.ActorValueShape}


def test_every_shape_has_a_case(shapes: Graph) -> None:
    assert {KGS[name] for name, *_ in CASES} == named_shapes(shapes)


_VALID_CACHE: dict[tuple[str, bool], tuple[bool, str]] = {}


@pytest.mark.parametrize("with_ontology", [False, True], ids=["no-ontology", "ontology"])
@pytest.mark.parametrize(
    ("shape", "valid", "drop", "invalid"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_shape_examples(
    base_graph: Graph,
    shapes: Graph,
    axioms: Graph,
    with_ontology: bool,
    shape: str,
    valid: str,
    drop: str,
    invalid: str,
) -> None:
    ont = axioms if with_ontology else None
    key = (valid, with_ontology)
    if key not in _VALID_CACHE:  # many cases share the base as their valid example
        conforms, report = _validate_fast(base_graph + _turtle(valid), shapes, ont)
        _VALID_CACHE[key] = (conforms, report.serialize(format="turtle"))
    conforms, text = _VALID_CACHE[key]
    assert conforms, text

    dropped = _turtle(drop)
    assert all(t in base_graph for t in dropped), "the dropped triples must be in the base"
    bad = (base_graph - dropped) + _turtle(invalid)
    conforms, report = _validate_fast(bad, shapes, ont)
    assert not conforms
    sources = _violations(report)
    if KGS[shape] in container_shapes(shapes):
        assert sources and sources <= set(shapes.objects(KGS[shape], SH.property))
    else:
        assert sources == {KGS[shape]}


# ---------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------


def entities(gazetteer: Graph) -> set[URIRef]:
    """The gazetteer's entities: every typed node but the geometries (kgr:geometry/...)."""
    return {s for s in gazetteer.subjects(RDF.type, None) if not str(s).startswith(str(GEOM))}


def geometries(gazetteer: Graph) -> set[URIRef]:
    return {s for s in gazetteer.subjects(RDF.type, GEO.Geometry)}


def arabic_labels(gazetteer: Graph, s: URIRef) -> list[str]:
    return _lang_values(gazetteer, s, SKOS.prefLabel, "ar") + _lang_values(
        gazetteer, s, SKOS.altLabel, "ar"
    )


def test_gazetteer_size(gazetteer: Graph) -> None:
    counts = defaultdict(int)
    for s in entities(gazetteer):
        for t in gazetteer.objects(s, RDF.type):
            counts[t] += 1
    assert len(entities(gazetteer)) >= 300
    assert counts[KGO.State] >= 25 and counts[KGO.Person] >= 40
    assert counts[KGO.MilitaryBase] >= 25 and counts[KGO.ArmedGroup] >= 15
    assert counts[KGO.Place] >= 60 and counts[KGO.Weapon] >= 10


def test_gazetteer_entities_are_well_formed(gazetteer: Graph) -> None:
    subjects = set(gazetteer.subjects()) - geometries(gazetteer)
    assert subjects == entities(gazetteer)
    for s in subjects:
        assert isinstance(s, URIRef) and str(s).startswith(str(ENT)), s
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(s)[len(str(ENT)) :]), s
        types = set(gazetteer.objects(s, RDF.type))
        assert len(types) == 1 and types <= ENTITY_CLASSES, (s, types)
        assert len(_lang_values(gazetteer, s, SKOS.prefLabel, "ar")) == 1, s
        assert len(_lang_values(gazetteer, s, SKOS.prefLabel, "en")) == 1, s
        prefs = set(gazetteer.objects(s, SKOS.prefLabel))
        assert len(prefs) == 2, s
        assert set(gazetteer.objects(s, RDFS.label)) == prefs, s
        assert list(gazetteer.objects(s, KGO.inGazetteer)) == [Literal(True)], s
        for o in gazetteer.objects(s, SKOS.altLabel):
            assert isinstance(o, Literal) and o.language in ("ar", "en"), (s, o)


def test_arabic_labels_are_clean_arabic(gazetteer: Graph) -> None:
    for s in entities(gazetteer):
        for label in arabic_labels(gazetteer, s):
            assert re.fullmatch(
                r"[\u0621-\u064a\u0660-\u06690-9]+( [\u0621-\u064a0-9]+)*", label
            ), (
                s,
                label,
            )
            # proclitic + article: write "التحالف", not "والتحالف" / "للتحالف" / "بالتحالف"
            assert not re.match(r"(?:[وفبك]ال|لل)\S{3,}( |$)", fold(label)), (s, label)
        for label in _lang_values(gazetteer, s, SKOS.prefLabel, "en") + _lang_values(
            gazetteer, s, SKOS.altLabel, "en"
        ):
            assert not re.search("[\u0600-\u06ff]", label) and label == label.strip(), (s, label)


def test_no_folded_arabic_alias_belongs_to_two_entities(gazetteer: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for s in entities(gazetteer):
        for label in arabic_labels(gazetteer, s):
            owners[fold(label)].add(s)
    shared = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert shared == {}


def test_no_entity_repeats_an_arabic_label_after_folding(gazetteer: Graph) -> None:
    for s in entities(gazetteer):
        folded = [fold(label) for label in arabic_labels(gazetteer, s)]
        assert len(folded) == len(set(folded)), (s, folded)


def test_no_english_alias_belongs_to_two_entities(gazetteer: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for s in entities(gazetteer):
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in _lang_values(gazetteer, s, p, "en"):
                owners[label.casefold()].add(s)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


# Words that would match ordinary text: never an alias on their own.
OVERMATCHING = [
    "بلد",
    "الدولة",
    "الدولة الإسلامية",
    "حزب الله",
    "المهندس",
    "مسيرة",
    "مسيرات",
    "حديثة",
    "عبوة",
    "قذيفة",
    "قذائف",
    "مفخخة",
    "قصف",
    "عمان",
    "الصدر",
    "الجيش",
    "القوات",
    "قاعدة",
    "القاعدة",
    "المطار",
    "الحكومة",
    "الرئيس",
    "العاصمة",
    "الخارجية",
    "وزارة الدفاع",
    "مجلس النواب",
    "المرشد الأعلى",
    "إطلاق النار",
]


def test_no_overmatching_alias(gazetteer: Graph) -> None:
    labels = {fold(label) for s in entities(gazetteer) for label in arabic_labels(gazetteer, s)}
    assert sorted(w for w in OVERMATCHING if fold(w) in labels) == []


def _slug_section() -> str:
    text = DATA_MODEL.read_text("utf-8")
    match = re.search(
        r"^## Slugs of the entities the seeds name\n(.*?)(?=^## |\Z)", text, re.M | re.S
    )
    assert match, "DATA_MODEL.md lost its slug section"
    return match.group(1)


GROUP_CLASS = {
    "States": KGO.State,
    "Armed groups": KGO.ArmedGroup,
    "Forces": KGO.MilitaryForce,
    "Coalitions": KGO.Coalition,
    "Persons": KGO.Person,
    "Organisations": KGO.Organisation,
    "Bases": KGO.MilitaryBase,
    "Places": KGO.Place,
    "Weapons": KGO.Weapon,
}


def _data_model_slugs() -> list[tuple[str, str, list[str]]]:
    """(group, slug, aliases) from the data model's list; 'A/B x' expands to 'A x', 'B x'."""
    out = []
    for bullet in re.split(r"^- ", _slug_section(), flags=re.M)[1:]:
        group, _, body = bullet.partition(":")
        for slug, inside in re.findall(r"`([a-z0-9-]+)`(?:\s*\(([^)]*)\))?", body, re.S):
            aliases = []
            for alias in re.split(r"[،,]", inside or ""):
                words = [w.split("/") for w in alias.split()]
                aliases += [" ".join(p) for p in itertools.product(*words) if p]
            out.append((group.strip(), slug, aliases))
    return out


def test_every_data_model_slug_exists_with_its_class_and_aliases(gazetteer: Graph) -> None:
    rows = _data_model_slugs()
    assert len(rows) > 70
    assert {g for g, _, _ in rows} == set(GROUP_CLASS)
    for group, slug, aliases in rows:
        s = ENT[slug]
        assert (s, RDF.type, GROUP_CLASS[group]) in gazetteer, (slug, group)
        have = {fold(label) for label in arabic_labels(gazetteer, s)}
        assert [a for a in aliases if fold(a) not in have] == [], slug


# Surface forms of the seeds, as a matcher would see them after clitic stripping.
SEED_NAMES = {
    "قاعدة القائم": "al-qaim-base",
    "معسكر بسماية": "camp-besmaya",
    "حلف شمال الأطلسي": "nato",
    "مايلز كاغنز": "myles-caggins",
    "قاسم الأعرجي": "qasim-al-araji",
    "تحسين الخفاجي": "tahsin-al-khafaji",
    "الخفاجي": "tahsin-al-khafaji",
    "قيادة العمليات العراقية المشتركة": "joint-operations-command",
    "مخيم بويهرينغ": "camp-buehring",
    "واين ماروتوان": "wayne-marotto",
    "البيشمركة": "peshmerga",
    "قسد": "sdf",
    "قاعدة عين الأسد": "ain-al-asad",
    "مصطفى الكاظمي": "mustafa-al-kadhimi",
    "كي وان": "k1-air-base",
    "الموصل": "mosul",
    "فنسنت باركر": "vincent-barker",
    "قوة المهام المشتركة": "cjtf",
    "دائرة مكافحة الإرهاب العراقية": "counter-terrorism-service",
    "جبال حمرين": "hamrin-mountains",
    "الحكومة البريطانية": "uk-government",
    "دونالد ترامب": "donald-trump",
    "واشنطن بوست": "washington-post",
    "فيلق القدس": "quds-force",
    "قاسم سليماني": "qasem-soleimani",
    "أبو مهدي المهندس": "abu-mahdi-al-muhandis",
    "مطار بغداد": "baghdad-airport",
    "نهر الفرات": "euphrates",
    "ألوية الطفوف": "liwa-al-tafuf",
    "حرس الثورة الإسلامية الإيراني": "irgc",
    "المرشد الأعلى لإيران": "ali-khamenei",
    "مطار قيارة": "qayyarah-airfield",
    "بي بي سي": "bbc",
    "وزارة الدفاع الأمريكية": "pentagon",
    "البرلمان العراقي": "iraqi-parliament",
    "قاعدة التاجي": "camp-taji",
    "الدفاع الجوي العراقي": "iraqi-air-defense",
    "جرف الصخر": "jurf-al-sakhar",
    "صلاح الدين": "salah-al-din",
    "مطار كربلاء": "karbala-airport",
    "البنتاغون": "pentagon",
    "طائرتي هليكوبتر": "helicopter",
    "صاروخان": "rocket",
    "عبوة ناسفة": "ied",
    "غارة": "airstrike",
    "طائرات مسيرة": "drone",
}


def test_seed_surface_forms_resolve_to_the_right_entity(gazetteer: Graph) -> None:
    index = {fold(label): s for s in entities(gazetteer) for label in arabic_labels(gazetteer, s)}
    wrong = {k: index.get(fold(k)) for k, v in SEED_NAMES.items() if index.get(fold(k)) != ENT[v]}
    assert wrong == {}


def test_relations_point_to_gazetteer_entities(gazetteer: Graph) -> None:
    known = entities(gazetteer)
    count = 0
    for rel in ENTITY_RELATIONS:
        for s, o in gazetteer.subject_objects(KGO[rel]):
            assert o in known, (s, rel, o)
            assert o != s, (s, rel)
            count += 1
    assert count > 200


@pytest.mark.parametrize("rel", ["partOf", "locatedIn"])
def test_containment_has_no_cycles(gazetteer: Graph, rel: str) -> None:
    for s in entities(gazetteer):
        above = set(gazetteer.transitive_objects(s, KGO[rel])) - {s}
        assert s not in {x for a in above for x in gazetteer.objects(a, KGO[rel])}, s


IRAQI_GOVERNORATES = [
    "baghdad-governorate",
    "nineveh",
    "basra-governorate",
    "dhi-qar",
    "maysan",
    "wasit",
    "diyala",
    "babil",
    "karbala-governorate",
    "najaf-governorate",
    "qadisiyyah",
    "muthanna",
    "anbar",
    "salah-al-din",
    "kirkuk-governorate",
    "erbil-governorate",
    "sulaymaniyah-governorate",
    "duhok-governorate",
]


def test_all_eighteen_governorates_lie_in_iraq(gazetteer: Graph) -> None:
    assert len(set(IRAQI_GOVERNORATES)) == 18
    for slug in IRAQI_GOVERNORATES:
        assert (ENT[slug], RDF.type, KGO.Place) in gazetteer, slug
        assert ENT.iraq in set(gazetteer.transitive_objects(ENT[slug], KGO.locatedIn)), slug
        assert any(fold(a).startswith("محافظه ") for a in arabic_labels(gazetteer, ENT[slug])), slug


def test_every_base_and_city_is_located(gazetteer: Graph) -> None:
    for s in gazetteer.subjects(RDF.type, KGO.MilitaryBase):
        assert list(gazetteer.objects(s, KGO.locatedIn)), s
    for slug in ("baghdad", "mosul", "basra", "kirkuk", "karbala", "jurf-al-sakhar", "erbil"):
        assert list(gazetteer.objects(ENT[slug], KGO.locatedIn)), slug


def test_state_forces_are_part_of_their_state(gazetteer: Graph) -> None:
    def part_of_star(s: URIRef) -> set[URIRef]:
        return set(gazetteer.transitive_objects(s, KGO.partOf))

    assert ENT["united-states"] in part_of_star(ENT["us-national-guard"])
    assert ENT.iran in part_of_star(ENT["quds-force"])
    assert ENT.iraq in part_of_star(ENT["iraqi-army"])
    assert ENT["popular-mobilization-forces"] in part_of_star(ENT["kataib-hezbollah"])
    assert (ENT["kataib-hezbollah"], KGO.backedBy, ENT.iran) in gazetteer
    assert (ENT["lebanese-hezbollah"], RDF.type, KGO.ArmedGroup) in gazetteer
    for slug, org in [
        ("myles-caggins", "global-coalition"),
        ("wayne-marotto", "global-coalition"),
        ("tahsin-al-khafaji", "joint-operations-command"),
    ]:
        assert (ENT[slug], KGO.spokespersonOf, ENT[org]) in gazetteer
    for slug, org in [
        ("qais-al-khazali", "asaib-ahl-al-haq"),
        ("hadi-al-amiri", "badr-organization"),
        ("esmail-qaani", "quds-force"),
    ]:
        assert (ENT[slug], KGO.leaderOf, ENT[org]) in gazetteer


def test_people_have_roles_in_both_languages(gazetteer: Graph) -> None:
    for s in gazetteer.subjects(RDF.type, KGO.Person):
        assert len(_lang_values(gazetteer, s, KGO.role, "ar")) == 1, s
        assert len(_lang_values(gazetteer, s, KGO.role, "en")) == 1, s


def test_weapons_imply_attack_types(ontology: Graph, gazetteer: Graph) -> None:
    attack = subclasses(ontology, KGO.Attack)
    for s in gazetteer.subjects(RDF.type, KGO.Weapon):
        implied = list(gazetteer.objects(s, KGO.impliesAttackType))
        assert len(implied) == 1 and implied[0] in attack, s
    expected = {
        "rocket": KGO.RocketAttack,
        "ied": KGO.IEDAttack,
        "drone": KGO.DroneAttack,
        "airstrike": KGO.AirStrike,
        "mortar": KGO.Attack,
        "artillery": KGO.Attack,
    }
    for slug, cls in expected.items():
        assert (ENT[slug], KGO.impliesAttackType, cls) in gazetteer, slug


def test_demonyms_belong_to_one_state_each(gazetteer: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for s, d in gazetteer.subject_objects(KGO.demonym):
        assert (s, RDF.type, KGO.State) in gazetteer, s
        assert isinstance(d, Literal) and d.language == "ar", (s, d)
        owners[fold(str(d))].add(s)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    us = {fold(str(d)) for d in gazetteer.objects(ENT["united-states"], KGO.demonym)}
    assert {fold(w) for w in ("أميركي", "أمريكية", "الأميركي")} <= us


@pytest.mark.parametrize("with_ontology", [False, True], ids=["no-ontology", "ontology"])
def test_gazetteer_conforms_to_the_shapes(gazetteer, shapes, ontology, with_ontology: bool) -> None:
    conforms, report = _validate(gazetteer, shapes, ontology if with_ontology else None)
    assert conforms, report.serialize(format="turtle")
