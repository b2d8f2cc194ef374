"""Names wherever an IRI is taken: `kg query --param base="Camp Taji"` and kg.query with a
name (English or Arabic, any alias, folded), the entity chosen said, ambiguous names
listing their candidates; one resolver (kg.read.names) shared with kg chains."""

from __future__ import annotations

import warnings

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.read.names import (
    AmbiguousName,
    Named,
    NameIndex,
    NameNotFound,
    gazetteer_names,
    match_names,
    name_key,
)
from kg.read.sparql import NameChosen

TAJI = "https://w3id.org/kg-iraq/id/entity/camp-taji"


@pytest.fixture(scope="module")
def graph(seed_build):
    return kg.load(seed_build.out)


def test_name_keys_fold_arabic_and_english():
    assert name_key("قاعدة التاجي") == name_key("قاعده التاجى") == name_key("قاعدة  تاجي")
    assert name_key("Camp Taji") == name_key("camp-taji") == name_key("CAMP TAJI")


@pytest.mark.parametrize(
    "name", ["Camp Taji", "camp taji", "Taji", "قاعدة التاجي", "معسكر التاجي", "قاعده التاجى"]
)
def test_kg_query_takes_a_name_and_says_which_entity(graph, name):
    by_iri = kg.query(graph, "attacks-on-base", {"base": "kgr:entity/camp-taji"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = kg.query(graph, "attacks-on-base", {"base": name})
    assert rows == by_iri and len(rows) > 0
    said = [str(w.message) for w in caught if issubclass(w.category, NameChosen)]
    assert said == [f"base: {name} → kgr:entity/camp-taji"]
    assert rows.resolved == {"base": TAJI}


def test_an_iri_is_taken_as_it_is_and_nothing_is_said(graph):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NameChosen)
        rows = kg.query(graph, "attacks-on-base", {"base": TAJI})
    assert rows.resolved == {}


def test_an_ambiguous_name_lists_its_candidates(graph):
    with pytest.raises(AmbiguousName) as info:
        kg.query(graph, "attacks-on-base", {"base": "air"})
    assert len(info.value.candidates) > 1
    assert "parameter base" in str(info.value) and "Ain al-Asad Air Base" in str(info.value)
    with pytest.raises(NameNotFound, match="Hezbollah of Mars"):
        kg.query(graph, "attacks-on-base", {"base": "Hezbollah of Mars"})


def test_entities_only_the_graph_knows_are_found_by_their_labels():
    found = Named(
        "https://w3id.org/kg-iraq/id/entity/found-0001",
        "مجموعة مجهولة",
        ("found-0001", "مجموعة مجهولة"),
    )
    index = NameIndex.of([found], gazetteer_names())
    assert index.one("المجموعة المجهولة").iri == found.iri  # ال dropped, ة/ه folded
    assert index.one("Camp Taji").iri == TAJI


def test_exact_matches_win_and_partial_ones_must_be_unique():
    a = Named("https://x/a", "Alpha Base", ("Alpha Base",), "place")
    b = Named("https://x/b", "Alpha Base North", ("Alpha Base North",), "place")
    e = Named("https://x/e", "attack on Alpha Base", ("attack on Alpha Base",), "event")
    assert match_names("alpha base", [a, b, e]) == [a]
    with pytest.raises(AmbiguousName):
        match_names("alpha", [a, b, e])
    assert match_names("north", [a, b, e]) == [b]
    assert match_names("attack on", [a, b, e]) == [e]
    with pytest.raises(NameNotFound, match="no actor"):
        match_names("alpha base", [a, b], {"actor"})


def test_cli_param_takes_a_name_and_says_it_on_stderr(seed_build):
    runner = CliRunner()
    by_name = runner.invoke(
        app,
        [
            "query",
            "attacks-on-base",
            "-g",
            str(seed_build.out),
            "-p",
            "base=Camp Taji",
            "-f",
            "csv",
        ],
    )
    assert by_name.exit_code == 0, by_name.output
    assert "base: Camp Taji → kgr:entity/camp-taji" in by_name.stderr
    by_iri = runner.invoke(
        app,
        ["query", "attacks-on-base", "-g", str(seed_build.out), "-p", f"base={TAJI}", "-f", "csv"],
    )
    assert by_iri.stdout == by_name.stdout and by_iri.stderr == ""
    arabic = runner.invoke(
        app,
        ["query", "attacks-on-base", "-g", str(seed_build.out), "-p", "base=قاعدة التاجي"],
    )
    assert arabic.exit_code == 0 and "→ kgr:entity/camp-taji" in arabic.stderr


def test_cli_ambiguous_name_is_one_line_naming_the_candidates(seed_build):
    result = CliRunner().invoke(
        app, ["query", "attacks-on-base", "-g", str(seed_build.out), "-p", "base=air"]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ambiguous" in lines[0] and "kgr:entity/" in lines[0]
