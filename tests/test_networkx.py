"""networkx views (queries/views/*.rq → MultiDiGraph) and their GraphML / GEXF / JSON exports."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset
from test_chains import ENTITIES, EVENTS, write_small_graph
from typer.testing import CliRunner

import kg
from kg.analysis.views import (
    ViewError,
    decode_graph,
    read_graph,
    rows_to_graph,
    to_networkx,
    view_query,
    write_graph,
)

ROOT = Path(__file__).resolve().parents[1]
EV = "https://w3id.org/kg-iraq/id/event/"
ENT = "https://w3id.org/kg-iraq/id/entity/"
EVENT_ROLES = {
    "attacker",
    "target",
    "weapon",
    "location",
    "destination",
    "actor",
    "recipient",
    "claimed_by",
    "attributed_to",
    "in_retaliation_for",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small-nx")
    write_small_graph(folder)
    return folder


@pytest.fixture(scope="module")
def seed_out(seed_build) -> Path:
    return Path(seed_build.out)


@pytest.fixture(scope="module")
def seed_events(seed_out):
    return to_networkx(seed_out, view="events")


@pytest.fixture(scope="module")
def seed_actors(seed_out):
    return to_networkx(seed_out, view="actors")


def edges_of(g, role=None):
    return [(u, v, d) for u, v, d in g.edges(data=True) if role is None or d.get("role") == role]


def attrs(g):
    nodes = {n: d for n, d in g.nodes(data=True)}
    edges = {(u, v, k): d for u, v, k, d in g.edges(keys=True, data=True)}
    return nodes, edges


# --------------------------------------------------------------------------- the views are queries


def test_views_are_sparql_files_in_the_repository():
    for view in ("events", "actors"):
        text = (ROOT / "queries" / "views" / f"{view}.rq").read_text(encoding="utf-8")
        query = view_query(view)
        assert "%%" not in query, "a role mark was left unfilled"
        if "%%" not in text:
            assert query == text
        assert "SELECT" in text and "?node" in text and "?source" in text and "?target" in text
    with pytest.raises(ViewError):
        view_query("nope")


def test_rows_to_graph_merges_rows_and_keeps_every_key():
    rows = [
        {"node": "b", "n_kind": "actor"},
        {"node": "a", "n_kind": "event", "nl_tags": "y", "src_article": "x.txt", "src_start": 5},
        {"node": "a", "nl_tags": "x", "src_article": "x.txt", "src_start": 1},
        {"source": "a", "target": "b", "e_role": "target", "el_by": "q"},
        {
            "source": "a",
            "target": "b",
            "e_role": "target",
            "el_by": "p",
            "src_article": "x.txt",
            "src_start": 1,
        },
    ]
    cols = [
        "node",
        "n_kind",
        "nl_tags",
        "source",
        "target",
        "key",
        "e_role",
        "el_by",
        "src_article",
        "src_start",
    ]
    g = rows_to_graph(reversed(rows), cols)
    assert g.nodes["a"] == {
        "kind": "event",
        "tags": ["x", "y"],
        "sources": [{"article": "x.txt", "start": 1}, {"article": "x.txt", "start": 5}],
    }
    assert g.nodes["b"] == {"kind": "actor", "tags": [], "sources": []}
    assert list(g.edges(keys=True, data=True)) == [
        (
            "a",
            "b",
            "target",
            {"role": "target", "by": ["p", "q"], "sources": [{"article": "x.txt", "start": 1}]},
        )
    ]


# --------------------------------------------------------------------------- events view, hand-made graph


def test_small_events_view_nodes_and_edges(small):
    g = to_networkx(small, view="events")
    assert isinstance(g, nx.MultiDiGraph)
    assert g.graph["view"] == "events"
    events = {n for n, d in g.nodes(data=True) if d["kind"] == "event"}
    assert events == {EV + e for e in EVENTS}
    assert {n for n in g if n.startswith(ENT)} == {ENT + s for s in ENTITIES}
    e1 = g.nodes[EV + "e1"]
    assert (e1["type"], e1["category"], e1["date"], e1["date_precision"], e1["killed"]) == (
        "RocketAttack",
        "attack",
        "2019-12-28",
        "day",
        1,
    )
    assert e1["label_en"] == "rocket attack, Kirkuk" and e1["label_ar"] == "هجوم صاروخي، كركوك"
    assert (
        g.nodes[EV + "e4"]["date"] == "2020-01" and g.nodes[EV + "e4"]["date_precision"] == "month"
    )
    assert g.nodes[EV + "e5"]["not_claimed"] is True and e1["not_claimed"] is False
    assert g.nodes[EV + "e9"]["category"] == "withdrawal"
    kh = g.nodes[ENT + "kataib-hezbollah"]
    assert (kh["kind"], kh["type"], kh["label_en"], kh["slug"]) == (
        "actor",
        "ArmedGroup",
        "Kataib Hezbollah",
        "kataib-hezbollah",
    )
    # a state is an actor (and a location): here it is an actor
    assert g.nodes[ENT + "united-states"]["kind"] == "actor"
    assert g.nodes[ENT + "k1-air-base"]["kind"] == "place"
    assert g.nodes[ENT + "rocket"]["kind"] == "weapon"
    # every node has the same keys, every edge too
    assert len({tuple(sorted(d)) for _, d in g.nodes(data=True)}) == 1
    assert len({tuple(sorted(d)) for _, _, d in g.edges(data=True)}) == 1
    # responsibility is a statement, kept apart from the factual attacker
    att = [(v, d) for u, v, d in edges_of(g, "attributed_to") if u == EV + "e1"]
    assert att == [(ENT + "kataib-hezbollah", att[0][1])] and att[0][1]["by"] == [
        ENT + "united-states"
    ]
    assert not [1 for u, _, _ in edges_of(g, "attacker") if u == EV + "e1"]
    assert [(u, v) for u, v, _ in edges_of(g, "claimed_by")] == [
        (EV + "e4", ENT + "kataib-hezbollah")
    ]
    retal = sorted((u[len(EV) :], v[len(EV) :]) for u, v, _ in edges_of(g, "in_retaliation_for"))
    assert retal == [
        ("e2", "e1"),
        ("e3", "e1"),
        ("e4", "e3"),
        ("e6", "e5"),
        ("e7", "e8"),
        ("e8", "e7"),
    ]
    # every edge carries the sentence it was read from
    for u, _, d in g.edges(data=True):
        assert d["role"] in EVENT_ROLES
        assert [s["sentence"] for s in d["sources"]] == [EVENTS[u[len(EV) :]][4]]


def test_small_actors_view(small):
    g = to_networkx(small, view="actors")
    short = {
        (
            u.rsplit("/", 1)[1],
            v.rsplit("/", 1)[1],
            d["kind"],
            d["event"].rsplit("/", 1)[1],
            d["responsibility"],
        )
        for u, v, d in g.edges(data=True)
    }
    assert short == {
        ("kataib-hezbollah", "k1-air-base", "attack", "e1", "attributed"),
        ("united-states", "kataib-hezbollah", "attack", "e2", "fact"),
        ("united-states", "baghdad-airport", "attack", "e3", "fact"),
        ("kataib-hezbollah", "ain-al-asad", "attack", "e4", "claimed"),
        ("united-states", "kataib-hezbollah", "attack", "e6", "fact"),
        # retaliation: the answering party → the party blamed for what it answered
        ("united-states", "kataib-hezbollah", "retaliation", "e2", "fact"),
        ("united-states", "kataib-hezbollah", "retaliation", "e3", "fact"),
        ("kataib-hezbollah", "united-states", "retaliation", "e4", "claimed"),
        # e5 has no party: the edge goes to e6's own target, and says so
        ("united-states", "kataib-hezbollah", "retaliation", "e6", "fact"),
    }
    by_event = {(d["kind"], d["event"].rsplit("/", 1)[1]): d for _, _, d in g.edges(data=True)}
    e1 = by_event[("attack", "e1")]
    assert e1["attributed_by"] == [ENT + "united-states"]
    assert (e1["date"], e1["killed"], e1["weapon"], e1["event_type"]) == (
        "2019-12-28",
        1,
        [ENT + "rocket"],
        "RocketAttack",
    )
    assert by_event[("attack", "e3")]["target_role"] == "location"
    assert by_event[("retaliation", "e6")]["target_basis"] == "target"
    assert by_event[("retaliation", "e2")]["target_basis"] == "party"
    assert by_event[("retaliation", "e2")]["target_responsibility"] == "attributed"
    assert by_event[("retaliation", "e2")]["in_retaliation_for"] == EV + "e1"
    # nodes are exactly the ends of edges, all labelled
    assert set(g.nodes) == {n for u, v in g.edges() for n in (u, v)}
    assert all(d["label_en"] and d["label_ar"] for _, d in g.nodes(data=True))


def test_inputs_folder_file_store_and_rdflib_give_the_same_graph(small):
    ref = attrs(to_networkx(small, view="events"))
    assert attrs(to_networkx(small / "graph.trig", view="events")) == ref
    assert attrs(to_networkx(str(small), view="events")) == ref
    store = ox.Store()
    store.bulk_load(path=str(small / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert attrs(to_networkx(store, view="events")) == ref
    ds = Dataset()
    ds.parse(small / "graph.trig", format="trig")
    assert attrs(to_networkx(ds, view="events")) == ref
    assert attrs(kg.to_networkx(small, view="events")) == ref
    assert attrs(to_networkx(kg.load(small), view="events")) == ref  # union already in place
    # an object that wraps a store (as kg.load's KnowledgeGraph does)
    assert attrs(to_networkx(SimpleNamespace(store=store), view="events")) == ref
    with pytest.raises(ViewError):
        to_networkx(small / "missing", view="events")


# --------------------------------------------------------------------------- the seed graph


def test_seed_events_view_agrees_with_events_jsonl(seed_out, seed_events):
    g = seed_events
    table = [
        json.loads(line)
        for line in (seed_out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert table, "the seed build has events"
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "event"} == {e["id"] for e in table}

    def out(eid, role):
        return sorted(v for u, v, d in g.out_edges(eid, data=True) if d["role"] == role)

    for e in table:
        n = g.nodes[e["id"]]
        assert (n["type"], n["category"], n["status"]) == (e["type"], e["category"], e["status"])
        assert (n["date"], n["date_precision"]) == (e["date"], e["date_precision"])
        assert (n["killed"], n["wounded"], n["not_claimed"]) == (
            e["killed"],
            e["wounded"],
            e["not_claimed"],
        )
        for role, key in (
            ("attacker", "attackers"),
            ("target", "targets"),
            ("weapon", "weapons"),
            ("location", "locations"),
            ("actor", "actors"),
            ("recipient", "recipients"),
            ("claimed_by", "claimed_by"),
        ):
            assert out(e["id"], role) == sorted({x["iri"] for x in e[key]}), (e["id"], role)
        assert out(e["id"], "attributed_to") == sorted({x["iri"] for x in e["attributed_to"]})
        assert out(e["id"], "in_retaliation_for") == sorted(set(e["retaliation_for"]))
        assert {(s["article"], s["start"], s["end"]) for s in n["sources"]} == {
            (s["article"], s["start"], s["end"]) for s in e["sources"]
        }


def test_seed_evidence_offsets_point_at_the_sentence(seed_events, seeds_dir):
    texts = {}
    checked = 0
    for _, _, d in seed_events.edges(data=True):
        assert d["role"] in EVENT_ROLES
        for s in d["sources"]:
            if s["article"] not in texts:
                texts[s["article"]] = (seeds_dir / s["article"]).read_text(encoding="utf-8")
            assert texts[s["article"]][s["start"] : s["end"]] == s["sentence"]
            checked += 1
    assert checked >= 20


def test_seed_actors_view_never_presents_a_claim_as_fact(seed_out, seed_actors):
    table = {
        e["id"]: e
        for e in (
            json.loads(line)
            for line in (seed_out / "events.jsonl").read_text(encoding="utf-8").splitlines()
        )
    }
    assert seed_actors.number_of_edges() > 0
    for u, _, d in seed_actors.edges(data=True):
        e = table[d["event"]]
        assert d["responsibility"] in ("fact", "claimed", "attributed")
        if d["responsibility"] == "fact":
            assert u in {x["iri"] for x in e["attackers"]}
        else:
            assert not e["attackers"]
            parties = e["claimed_by"] if d["responsibility"] == "claimed" else e["attributed_to"]
            assert u in {x["iri"] for x in parties}


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("view", ["events", "actors"])
def test_graphml_round_trip(tmp_path, seed_events, seed_actors, view):
    g = seed_events if view == "events" else seed_actors
    path = write_graph(g, tmp_path / f"{view}.graphml")
    raw = nx.read_graphml(path, force_multigraph=True)  # plain networkx, no sidecar file
    assert set(raw.nodes) == set(g.nodes)
    for n, d in g.nodes(data=True):
        # every known attribute is there, typed; an unknown one (None) is left out (by design
        # since issue 13: a numeric column stays numeric); label and name are for Cytoscape
        assert set(raw.nodes[n]) == {k for k, v in d.items() if v is not None} | {"label", "name"}
        assert all(isinstance(v, str | int | float | bool) for v in raw.nodes[n].values())
        for k in ("killed", "wounded"):
            assert d.get(k) is None or raw.nodes[n][k] == d[k]
    # edge ids are unique in the file (since issue 13); each edge's key is in kg_key
    assert {(u, v, d["kg_key"]) for u, v, d in raw.edges(data=True)} == {
        (u, v, k) for u, v, k in g.edges(keys=True)
    }
    assert len(set(raw.edges(keys=True))) == g.number_of_edges()
    back = decode_graph(raw)
    assert attrs(back) == attrs(g)
    assert back.graph["view"] == view
    assert attrs(read_graph(path)) == attrs(g)


@pytest.mark.parametrize("fmt", ["gexf", "json"])
def test_gexf_and_json_round_trip(tmp_path, seed_events, fmt):
    path = write_graph(seed_events, tmp_path / f"events.{fmt}")
    assert attrs(read_graph(path)) == attrs(seed_events)
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert {"nodes", "edges", "directed", "multigraph"} <= set(data)
        assert len(data["edges"]) == seed_events.number_of_edges()


def test_export_is_deterministic(tmp_path, seed_out, seed_events):
    a = write_graph(seed_events, tmp_path / "a.graphml").read_bytes()
    b = write_graph(to_networkx(seed_out, view="events"), tmp_path / "b.graphml").read_bytes()
    assert a == b


def test_cli_export(tmp_path, seed_out):
    from kg.cli import app

    runner = CliRunner()
    out = tmp_path / "actors.graphml"
    result = runner.invoke(
        app,
        [
            "export",
            "--graph",
            str(seed_out),
            "--view",
            "actors",
            "--format",
            "graphml",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        nx.read_graphml(out).number_of_nodes()
        == to_networkx(seed_out, view="actors").number_of_nodes()
    )
    bad = runner.invoke(
        app, ["export", "--graph", str(seed_out), "--view", "people", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "unknown view" in bad.output
    bad = runner.invoke(
        app, ["export", "--graph", str(seed_out), "--format", "png", "--out", str(out)]
    )
    assert bad.exit_code == 2
