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

from kg.read.sparql import query as kg_query
from kg.read.store import OxigraphStore, RdflibStore

KGO = "https://w3id.org/kg-iraq/ontology#"
KGR = "https://w3id.org/kg-iraq/id/"


def _quads(reports: int) -> list[ox.Quad]:
    """One attack, its type and toll asserted by ``reports`` article graphs."""
    event = ox.NamedNode(KGR + "event/e1")
    out = []
    for i in range(reports):
        g = ox.NamedNode(f"{KGR}graph/a{i}")
        out += [
            ox.Quad(
                event,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(KGO + "RocketAttack"),
                g,
            ),
            ox.Quad(
                event,
                ox.NamedNode(KGO + "killed"),
                ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                g,
            ),
            ox.Quad(
                ox.NamedNode(f"{KGR}article/a{i}"),
                ox.NamedNode(KGO + "fileName"),
                ox.Literal(f"a{i}.txt"),
                g,
            ),
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
    rows = store.query(f"SELECT ?f FROM <{KGR}graph/a1> WHERE {{ ?a <{KGO}fileName> ?f }}").rows
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


# --- parameters: a VALUES block joined first, the substitutions kept -------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kg.read.store import with_values  # noqa: E402


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            'PREFIX a: <http://x#WHERE{>\n# WHERE { x\nSELECT ?s WHERE { ?s ?p "WHERE {" }',
            'SELECT ?s WHERE { VALUES (?s) { (<http://e/a>) }  ?s ?p "WHERE {" }',
        ),
        ("SELECT * { ?s ?p ?o }", "SELECT * { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }"),
        ("ASK { ?s ?p ?o }", "ASK { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }"),
        (
            'CONSTRUCT { ?s ?p "}{" } WHERE { ?s ?p ?o }',
            'CONSTRUCT { ?s ?p "}{" } WHERE { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }',
        ),
        (
            "select ?s where # c {\n{?s ?p ?o}",
            "select ?s where # c {\n{ VALUES (?s) { (<http://e/a>) } ?s ?p ?o}",
        ),
        (
            "SELECT ?where WHERE {?where ?p ?s}",
            "SELECT ?where WHERE { VALUES (?s) { (<http://e/a>) } ?where ?p ?s}",
        ),
        ("DESCRIBE <http://e/a>", "DESCRIBE <http://e/a>"),  # no group: left alone
        # a "{" (or WHERE) in a string, an IRI or a comment before WHERE is not the group
        (
            'SELECT ?s (STR("{") AS ?b) WHERE { ?s ?p ?o }',
            "AS ?b) WHERE { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }",
        ),
        (
            "SELECT ?s # { WHERE {\nWHERE { ?s ?p ?o }",
            "{\nWHERE { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }",
        ),
        (
            "SELECT ?s FROM <http://e/g#WHERE> WHERE { ?s ?p ?o }",
            "<http://e/g#WHERE> WHERE { VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }",
        ),
        (
            'ASK FROM <http://e/g> """{ WHERE {""" # {\n{ ?s ?p ?o }',
            "# {\n{ VALUES (?s) { (<http://e/a>) }  ?s ?p ?o }",
        ),
        # the "{" after WHERE is in a comment, and no group follows: left alone
        ("SELECT ?s WHERE # {", "SELECT ?s WHERE # {"),
        ('SELECT ?s "WHERE {', 'SELECT ?s "WHERE {'),  # a string never closed: left alone
    ],
)
def test_values_block_goes_inside_the_outer_where(query, expected):
    out = with_values(query, {"s": ox.NamedNode("http://e/a")})
    assert out.endswith(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
        max_size=30,
    )
)
def test_a_comment_before_the_group_never_moves_the_block(comment):
    """Whatever a comment before WHERE holds (braces, quotes, WHERE), the block goes
    just inside the group, and the query still parses."""
    query = f"SELECT ?s # {comment}\nWHERE {{ ?s ?p ?o }}"
    out = with_values(query, {"s": ox.NamedNode("http://e/a")})
    assert out == f"SELECT ?s # {comment}\nWHERE {{ VALUES (?s) {{ (<http://e/a>) }}  ?s ?p ?o }}"
    ox.Store().query(out)


def test_blank_node_values_are_left_to_the_substitutions():
    q = "SELECT ?s WHERE { ?s ?p ?o }"
    assert with_values(q, {"s": ox.BlankNode("b1")}) == q


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["", "ar", "en"]))
def test_any_string_parameter_gives_the_substitution_answer(value, lang):
    """Whatever the string (quotes, braces, newlines, '#'), the block parses and the
    answer is the one the substitution alone gives."""
    store = OxigraphStore.from_quads(
        _quads(2)
        + [
            ox.Quad(
                ox.NamedNode(KGR + "x"),
                ox.NamedNode(KGO + "quote"),
                ox.Literal(value, language=lang) if lang else ox.Literal(value),
                ox.NamedNode(KGR + "graph/a0"),
            )
        ]
    )
    term = ox.Literal(value, language=lang) if lang else ox.Literal(value)
    q = f"SELECT ?s ?q WHERE {{ ?s <{KGO}quote> ?q }}"
    with_block = store.query(q, {"q": term}).rows
    plain = list(store.store.query(q, substitutions={ox.Variable("q"): term}))
    assert [tuple(r) for r in with_block] == [tuple(r) for r in plain]
    assert [r[0].value for r in with_block] == [KGR + "x"]


@pytest.mark.parametrize(
    ("name", "param", "values"),
    [
        ("attacks-on-base", "base", f"SELECT DISTINCT ?v WHERE {{ ?e <{KGO}target> ?v }}"),
        ("article-statements", "article", f"SELECT DISTINCT ?v WHERE {{ ?a <{KGO}fileName> ?v }}"),
        (
            "confident-events",
            "min_confidence",
            f"SELECT DISTINCT ?v WHERE {{ ?e a ?c ; <{KGO}confidence> ?v }}",
        ),
    ],
)
def test_competency_queries_with_parameters_answer_as_before(seed_build, name, param, values):
    """Each parameterised competency query: the same rows with the block as with the
    substitutions alone, on the seed graph, for every value the graph offers."""
    from pathlib import Path

    store = OxigraphStore.from_path(seed_build.out)
    candidates = [r[0] for r in store.query(values).rows]
    assert len(candidates) >= 3
    text = (Path(__file__).parents[1] / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    nonempty = 0
    for value in candidates:
        got = store.query(text, {param: value}).rows
        plain = [
            tuple(r) for r in store.store.query(text, substitutions={ox.Variable(param): value})
        ]
        assert [tuple(r) for r in got] == plain
        nonempty += bool(got)
    assert nonempty >= 3


def test_every_parameterised_query_is_checked_above():
    from pathlib import Path

    folder = Path(__file__).parents[1] / "queries"
    with_params = {p.stem for p in folder.glob("*.rq") if "# Params:" in p.read_text("utf-8")}
    assert with_params == {"attacks-on-base", "article-statements", "confident-events"}
