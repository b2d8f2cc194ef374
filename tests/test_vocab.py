"""The one table of event kinds and roles (kg/vocab/kinds.py): the ontology and the
shapes agree with it, and a new role declared there reaches every reader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.vocab.kinds import (
    ATTACK,
    EVENT_KINDS,
    PRECISIONS,
    RESPONSIBILITY_KINDS,
    ROLES,
    STATUSES,
    roles_of,
    types_of,
)

ROOT = Path(__file__).resolve().parents[1]
KGO = "https://w3id.org/kg-iraq/ontology#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _store(name: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / name), format=ox.RdfFormat.TURTLE)
    return store


def _declared(store: ox.Store, kind: str) -> set[str]:
    rows = store.query(f"SELECT ?x WHERE {{ ?x a <{kind}> }}")
    return {r["x"].value for r in rows}


def test_every_kind_and_role_of_the_table_is_declared_in_the_ontology():
    onto = _store("kg.ttl")
    classes = _declared(onto, "http://www.w3.org/2002/07/owl#Class")
    props = _declared(onto, "http://www.w3.org/2002/07/owl#ObjectProperty") | _declared(
        onto, "http://www.w3.org/2002/07/owl#DatatypeProperty"
    )
    for k in EVENT_KINDS:
        assert KGO + k.type in classes, k.type
    for r in ROLES:
        wanted = classes if r.kind in RESPONSIBILITY_KINDS else props
        assert KGO + r.term in wanted, r.name


def _shape_list(store: ox.Store, path: str) -> list[str]:
    """The sh:in list of the property shape on ``path``."""
    rows = list(
        store.query(
            f"SELECT ?item WHERE {{ ?s <{SH}path> <{KGO}{path}> ; <{SH}in>/<{RDF}rest>*/<{RDF}first> ?item }}"
        )
    )
    return sorted(r["item"].value.removeprefix(KGO) for r in rows)


def test_the_shapes_lists_are_the_tables():
    shapes = _store("shapes.ttl")
    assert _shape_list(shapes, "assertsRole") == sorted(r.term for r in roles_of("entity"))
    assert _shape_list(shapes, "impliesAttackType") == sorted(types_of(ATTACK))
    assert _shape_list(shapes, "status") == sorted(s.capitalize() for s in STATUSES)
    assert _shape_list(shapes, "datePrecision") == sorted(
        f"{p.capitalize()}Precision" for p in PRECISIONS
    )


NEW_ROLE = r"""
import json, sys
from rdflib import URIRef
import kg.vocab.kinds as kinds
from kg.vocab.terms import KGO

# a kidnapping's victim: one row in the table (the ontology would declare kgo:victim;
# here the generated namespace is told of it the way gen_vocab.py would write it)
kinds.ROLES = (*kinds.ROLES, kinds.Role("victim", "victims", "entity", "victim", ("attack",), "#123456"))
KGO.__annotations__["victim"] = URIRef

from kg.analysis import evaluation, views
from kg.analysis.viz import ROLE_COLOURS
from kg.pipeline import tables
from kg.pipeline.merge import Event
from kg.pipeline.extract.records import EntityRef, Evidence, RoleFiller
from kg.pipeline.rdf import ROLE_PROPERTY, event_quads
from kg.pipeline.confidence import score_event

ev = Evidence("a.txt", "a", 0, 10, "خطف مسلحون صحفيا", "test")
person = EntityRef("https://w3id.org/kg-iraq/id/entity/person-x", "Person", "صحفي", "a journalist", False)
event = score_event(Event("https://w3id.org/kg-iraq/id/event/x", "attack", "Attack", "done",
              None, (RoleFiller("victim", person, ev),), (), (), (ev,), ()))
row = json.loads(tables.events_jsonl([event]))
csv_head = tables.events_csv([event]).decode().splitlines()[0]
quads = [(str(s), str(p), str(o)) for s, p, o, g in event_quads(event)]
print(json.dumps({
    "property": str(ROLE_PROPERTY["victim"]),
    "jsonl": row.get("victims"),
    "csv": csv_head,
    "rdf": [q for q in quads if q[1].endswith("#victim")],
    "view": views.role_marks()["ROLE_VALUES"],
    "colour": ROLE_COLOURS.get("victim"),
    "scored": "victims" in evaluation.ROLES and "victims" in evaluation.ENTITY_ROLES,
}))
"""


def test_a_new_role_declared_once_reaches_every_reader():
    proc = subprocess.run(
        [sys.executable, "-c", NEW_ROLE], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert got["property"] == KGO + "victim"
    assert got["jsonl"] == [
        {
            "iri": "https://w3id.org/kg-iraq/id/entity/person-x",
            "type": "Person",
            "label_en": "a journalist",
            "label_ar": "صحفي",
            "confidence": 0.6,
        }
    ]
    assert got["csv"].endswith('"victims","confidence","reports","articles","sentences"')
    assert got["rdf"] == [
        [
            "https://w3id.org/kg-iraq/id/event/x",
            KGO + "victim",
            "https://w3id.org/kg-iraq/id/entity/person-x",
        ]
    ]
    assert '(kgo:victim "victim")' in got["view"]
    assert got["colour"] == "#123456"
    assert got["scored"]
