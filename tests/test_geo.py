"""The gazetteer's coordinates (GeoSPARQL) and Wikidata links: form, region, sources.

Conventions (ontology/gazetteer.ttl header, docs/DATA_MODEL.md): a base or place with a
sourced point has ``geo:hasGeometry kgr:geometry/{slug}``; that node is a
``geo:Geometry`` with exactly one ``geo:asWKT "POINT(lon lat)"^^geo:wktLiteral`` and a
``dcterms:source`` URL. ``skos:exactMatch`` links go to Wikidata items, one entity each.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER_TTL = ROOT / "ontology" / "gazetteer.ttl"

KGO = Namespace("https://w3id.org/kg-iraq/ontology#")
ENT = Namespace("https://w3id.org/kg-iraq/id/entity/")
GEOM = Namespace("https://w3id.org/kg-iraq/id/geometry/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

# The region kg covers: the Levant, Iraq, the Gulf, Iran, Yemen and Turkey
LON = (25.0, 65.0)
LAT = (10.0, 45.0)
POINT = re.compile(r"POINT\((-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)\)")
QID = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")


@pytest.fixture(scope="module")
def gazetteer() -> Graph:
    return Graph().parse(GAZETTEER_TTL, format="turtle")


def test_geometries_are_linked_one_to_one(gazetteer: Graph) -> None:
    geoms = set(gazetteer.subjects(RDF.type, GEO.Geometry))
    linked = list(gazetteer.subject_objects(GEO.hasGeometry))
    assert len(geoms) >= 20
    assert {o for _, o in linked} == geoms
    for s, o in linked:
        types = set(gazetteer.objects(s, RDF.type))
        assert types & {KGO.MilitaryBase, KGO.Place}, s
        assert str(s).startswith(str(ENT)) and str(o).startswith(str(GEOM)), (s, o)
        assert str(o)[len(str(GEOM)) :] == str(s)[len(str(ENT)) :], (s, o)
        assert len(list(gazetteer.objects(s, GEO.hasGeometry))) == 1, s


def test_every_geometry_has_one_point_in_the_region(gazetteer: Graph) -> None:
    for g in gazetteer.subjects(RDF.type, GEO.Geometry):
        wkts = list(gazetteer.objects(g, GEO.asWKT))
        assert len(wkts) == 1, g
        (wkt,) = wkts
        assert isinstance(wkt, Literal) and wkt.datatype == GEO.wktLiteral, g
        m = POINT.fullmatch(str(wkt))
        assert m, (g, wkt)
        lon, lat = float(m.group(1)), float(m.group(2))
        assert LON[0] <= lon <= LON[1] and LAT[0] <= lat <= LAT[1], (g, wkt)
        assert set(gazetteer.predicates(g, None)) == {RDF.type, GEO.asWKT, DCTERMS.source}, g


def test_every_geometry_names_its_source(gazetteer: Graph) -> None:
    for g in gazetteer.subjects(RDF.type, GEO.Geometry):
        sources = list(gazetteer.objects(g, DCTERMS.source))
        assert len(sources) == 1, g
        assert isinstance(sources[0], URIRef), g
        assert re.match(r"https?://[^\s/]+\.[a-z]+[:/]", str(sources[0])), (g, sources[0])


def test_points_lie_roughly_where_the_gazetteer_says() -> None:
    """Longitude first: Baghdad is at about (44.4, 33.3), not (33.3, 44.4)."""
    graph = Graph().parse(GAZETTEER_TTL, format="turtle")
    wkt = graph.value(GEOM["baghdad"], GEO.asWKT)
    lon, lat = map(float, POINT.fullmatch(str(wkt)).groups())
    assert 44 < lon < 45 and 33 < lat < 34


def test_wikidata_links_are_qids_and_unique(gazetteer: Graph) -> None:
    seen: dict[URIRef, URIRef] = {}
    for s, o in gazetteer.subject_objects(SKOS.exactMatch):
        assert str(s).startswith(str(ENT)), s
        assert QID.fullmatch(str(o)), (s, o)
        assert o not in seen, (s, seen.get(o), o)
        seen[o] = s


def test_every_wikidata_link_has_its_source_above_it() -> None:
    lines = GAZETTEER_TTL.read_text("utf-8").splitlines()
    for i, line in enumerate(lines):
        if "skos:exactMatch" in line and not line.startswith("#"):
            assert re.fullmatch(r"# https?://\S+", lines[i - 1]), line
