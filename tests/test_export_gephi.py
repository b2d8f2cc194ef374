"""`kg export` for Gephi and Cytoscape: labels in both languages, typed attributes, a
dynamic GEXF (events span date_earliest..date_latest) valid against the GEXF 1.2draft XSD
(vendored in tests/data/gexf/), and GraphML whose nodes have a name and a label."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from test_chains import write_small_graph
from typer.testing import CliRunner

from kg.analysis.views import read_graph, to_networkx, write_graph

XSD = Path(__file__).parent / "data" / "gexf" / "1.2draft" / "gexf.xsd"
GEXF = "{http://www.gexf.net/1.2draft}"
GML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def seed_view(seed_build):
    return to_networkx(Path(seed_build.out), view="events")


@pytest.fixture(scope="module")
def small_view(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-gephi")
    write_small_graph(folder)
    return to_networkx(folder, view="events")


def schema():
    etree = pytest.importorskip("lxml.etree")
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.mark.parametrize("which", ["seed", "small", "actors"])
def test_gexf_is_valid_against_the_xsd(tmp_path, seed_build, seed_view, small_view, which):
    etree = pytest.importorskip("lxml.etree")
    g = {"seed": seed_view, "small": small_view}.get(which)
    if g is None:
        g = to_networkx(Path(seed_build.out), view="actors")
    path = write_graph(g, tmp_path / "g.gexf")
    xsd = schema()
    doc = etree.parse(str(path))
    assert xsd.validate(doc), str(xsd.error_log)
    graph = doc.getroot().find(f"{GEXF}graph")
    assert "name" not in graph.attrib


def test_the_schema_check_is_real(tmp_path, seed_view):
    """A graph named as networkx names it fails: the test above would catch the old bug."""
    etree = pytest.importorskip("lxml.etree")
    path = write_graph(seed_view, tmp_path / "g.gexf")
    doc = etree.parse(str(path))
    doc.getroot().find(f"{GEXF}graph").set("name", "")
    assert not schema().validate(doc)


def test_gexf_labels_types_and_time_spans(tmp_path, seed_view):
    path = write_graph(seed_view, tmp_path / "g.gexf")
    root = ET.parse(path).getroot()
    graph = root.find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    declared = {
        a.get("title"): a.get("type")
        for a in graph.iter(f"{GEXF}attribute")
        if a.get("title") in ("killed", "wounded", "confidence", "not_claimed", "in_gazetteer")
    }
    assert declared == {
        "killed": "long",
        "wounded": "long",
        "confidence": "double",
        "not_claimed": "boolean",
        "in_gazetteer": "boolean",
    }
    titles = {a.get("id"): a.get("title") for a in graph.find(f"{GEXF}attributes").iter()}
    nodes = {n.get("id"): n for n in graph.iter(f"{GEXF}node")}
    for nid, d in seed_view.nodes(data=True):
        el = nodes[nid]
        want = d.get("label_en") or d.get("label_ar")
        assert el.get("label") == want and not el.get("label").startswith("http")
        values = {titles[v.get("for")]: v.get("value") for v in el.iter(f"{GEXF}attvalue")}
        for k in ("label_ar", "label_en"):
            assert values.get(k) == d.get(k)
        assert ("killed" in values) == (d.get("killed") is not None)  # no "" for unknown
        if d["kind"] == "event" and d.get("date_earliest"):
            assert (el.get("start"), el.get("end")) == (d["date_earliest"], d["date_latest"])
        if d["kind"] != "event":
            assert el.get("start") is None and el.get("end") is None
    # an event dated to a day spans that day; the Arabic label is there for every event
    taji = [
        n
        for n, d in seed_view.nodes(data=True)
        if d["kind"] == "event" and d.get("type") == "RocketAttack" and d.get("date_precision")
    ]
    assert taji and all(seed_view.nodes[n]["label_ar"] for n in taji)
    edges = list(graph.iter(f"{GEXF}edge"))
    assert len({e.get("id") for e in edges}) == len(edges) == seed_view.number_of_edges()
    assert all(e.get("label") for e in edges)


def test_gexf_month_event_spans_the_month(tmp_path):
    g = nx.MultiDiGraph(view="events")
    g.add_node("e", kind="event", label_en=None, label_ar="هجوم", date="2020-02", killed=None)
    g.add_node("p", kind="place", label_en="Camp Taji", label_ar="معسكر التاجي", date=None)
    g.add_edge("e", "p", key="location", role="location")
    path = write_graph(g, tmp_path / "m.gexf")
    node = {
        n.get("id"): n for n in ET.parse(path).getroot().iter(f"{GEXF}node")
    }  # no English label: the Arabic one
    assert (node["e"].get("label"), node["e"].get("start"), node["e"].get("end")) == (
        "هجوم",
        "2020-02-01",
        "2020-02-29",
    )
    assert node["p"].get("label") == "Camp Taji"
    assert read_graph(path).nodes["e"] == dict(g.nodes["e"])


def test_graphml_for_cytoscape(tmp_path, seed_view):
    path = write_graph(seed_view, tmp_path / "g.graphml")
    root = ET.parse(path).getroot()
    keys = {
        (k.get("for"), k.get("attr.name")): (k.get("id"), k.get("attr.type"))
        for k in root.iter(f"{GML}key")
    }
    assert keys[("node", "name")][1] == keys[("node", "label")][1] == "string"
    assert keys[("node", "killed")][1] in ("int", "long")
    assert keys[("node", "confidence")][1] == "double"
    assert keys[("node", "not_claimed")][1] == "boolean"
    assert keys[("edge", "label")][1] == "string"
    name_key = keys[("node", "name")][0]
    graph = root.find(f"{GML}graph")
    for node in graph.iter(f"{GML}node"):
        d = seed_view.nodes[node.get("id")]
        data = {x.get("key"): x.text for x in node.iter(f"{GML}data")}
        assert data[name_key] == (d.get("label_en") or d.get("label_ar"))
    ids = [e.get("id") for e in graph.iter(f"{GML}edge")]
    assert len(ids) == len(set(ids)) == seed_view.number_of_edges()  # unique edge ids
    raw = nx.read_graphml(path, force_multigraph=True)
    killed = [d["killed"] for _, d in raw.nodes(data=True) if "killed" in d]
    assert killed and all(isinstance(k, int) for k in killed)


def test_export_files_are_deterministic(tmp_path, seed_build, seed_view):
    again = to_networkx(Path(seed_build.out), view="events")
    for fmt in ("gexf", "graphml"):
        a = write_graph(seed_view, tmp_path / f"a.{fmt}").read_bytes()
        b = write_graph(again, tmp_path / f"b.{fmt}").read_bytes()
        assert a == b


def test_cli_export_gexf(tmp_path, seed_build):
    etree = pytest.importorskip("lxml.etree")
    from kg.cli import app

    out = tmp_path / "events.gexf"
    result = CliRunner().invoke(
        app, ["export", "--graph", str(seed_build.out), "--format", "gexf", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert schema().validate(etree.parse(str(out)))
