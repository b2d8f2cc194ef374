"""The query store's dataset semantics: a set union as default graph, FROM honoured.

A fact that several articles report sits in several named graphs. Queries over
the default graph must see it once (SPARQL's merge of the graphs, rdflib's
``default_union``), not once per article: counting it twice would be wrong, and
joining such facts multiplied rows until queries on a large corpus ran for
minutes.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.sparql import query as kg_query
from kg.store import OxigraphStore, RdflibStore

KGO = "https://w3id.org/kg-iraq/ontology#"
KGR = "https://w3id.org/kg-iraq/id/"


def _quads(reports: int) -> list[ox.Quad]:
    """One attack, its type and toll asserted by ``reports`` article graphs."""
    event = ox.NamedNode(KGR + "event/e1")
    out = []
    for i in range(reports):
        g = ox.NamedNode(f"{KGR}graph/a{i}")
        out += [
            ox.Quad(event, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode(KGO + "RocketAttack"), g),
            ox.Quad(event, ox.NamedNode(KGO + "killed"), ox.Literal("2", datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")), g),
            ox.Quad(ox.NamedNode(f"{KGR}article/a{i}"), ox.NamedNode(KGO + "fileName"),
                    ox.Literal(f"a{i}.txt"), g),
        ]
    return out


JOIN = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e a <{KGO}RocketAttack> ; <{KGO}killed> ?k }}"


@pytest.mark.parametrize("engine", [OxigraphStore, RdflibStore])
def test_a_fact_reported_by_many_articles_counts_once(engine):
    store = engine.from_quads(_quads(5))
    result = store.query(JOIN)
    assert int(result.rows[0][0].value) == 1
    per_graph = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?e <{KGO}killed> ?k }} }}"
    )
    assert int(per_graph.rows[0][0].value) == 5  # the provenance stays per article


def test_length_and_quads_do_not_count_the_union_copy():
    quads = _quads(3)
    store = OxigraphStore.from_quads(quads)
    assert len(store) == len(quads)
    assert sorted(map(str, store.quads())) == sorted(map(str, quads))


def test_from_chooses_the_default_graph():
    store = OxigraphStore.from_quads(_quads(3))
    rows = store.query(
        f"SELECT ?f FROM <{KGR}graph/a1> WHERE {{ ?a <{KGO}fileName> ?f }}"
    ).rows
    assert [r[0].value for r in rows] == ["a1.txt"]
    everything = store.query(f"SELECT ?f WHERE {{ ?a <{KGO}fileName> ?f }} ORDER BY ?f").rows
    assert [r[0].value for r in everything] == ["a0.txt", "a1.txt", "a2.txt"]


def test_seed_build_counts_agree_between_engines(seed_build):
    """On the real seed graph, a bag-sensitive COUNT(*) gives the same on both engines."""
    text = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
        f"<{KGO}Attack> . ?e a ?c . OPTIONAL {{ ?e <{KGO}killed> ?k }} }}"
    )
    folder = seed_build.out
    ox_n = kg_query(folder, text, engine="oxigraph")[0]["n"]
    rdf_n = kg_query(folder, text, engine="rdflib")[0]["n"]
    assert ox_n == rdf_n > 0
