"""`kg query` and `kg queries`: formats, parameters as RDF terms, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

KG = [sys.executable, "-c", "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"]
ENT = "https://w3id.org/kg-iraq/id/entity/"


def kg_run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture(scope="module")
def out(seed_build):
    return str(seed_build.out)


@pytest.fixture(scope="module")
def graph(seed_build):
    import kg

    return kg.load(seed_build.out)


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kg: error: ")
    assert "Traceback" not in proc.stderr
    for f in fragments:
        assert f in lines[0]
    assert proc.stdout == ""


def test_queries_lists_every_question():
    from kg.read.sparql import named_queries

    proc = kg_run("queries")
    assert proc.returncode == 0, proc.stderr
    for q in named_queries():
        assert q.name in proc.stdout
        assert q.question.split()[0] in proc.stdout
    assert "base (IRI" in proc.stdout  # the parameters are shown
    assert "violation" not in proc.stdout
    checks = kg_run("queries", "--checks")
    assert "blank-node-violation" in checks.stdout


def test_named_query_csv_matches_the_api(out, graph):
    import kg

    proc = kg_run(
        "query",
        "attacks-on-base",
        "--graph",
        out,
        "--format",
        "csv",
        "--param",
        "base=kgr:entity/camp-taji",
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    api = kg.query(graph, "attacks-on-base", {"base": "kgr:entity/camp-taji"})
    assert len(rows) == len(api) > 0
    assert list(rows[0]) == list(api[0])
    assert {r["base"] for r in rows} == {ENT + "camp-taji"}
    assert [r["event"] for r in rows] == [r["event"] for r in api]


@pytest.mark.parametrize(
    "form", ["<https://w3id.org/kg-iraq/id/entity/camp-taji>", "ent:camp-taji", ENT + "camp-taji"]
)
def test_param_iri_forms(out, form):
    proc = kg_run("query", "attacks-on-base", "-g", out, "-f", "csv", "-p", f"base={form}")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows and {r["base"] for r in rows} == {ENT + "camp-taji"}


def test_language_literal_param(out):
    sparql = "SELECT ?e ?label WHERE { ?e skos:prefLabel ?label }"
    tagged = kg_run("query", sparql, "-g", out, "-f", "json", "-p", "label=كتائب حزب الله@ar")
    assert tagged.returncode == 0, tagged.stderr
    doc = json.loads(tagged.stdout)
    found = {b["e"]["value"] for b in doc["results"]["bindings"]}
    assert found == {ENT + "kataib-hezbollah"}
    assert doc["results"]["bindings"][0]["label"] == {
        "type": "literal",
        "value": "كتائب حزب الله",
        "xml:lang": "ar",
    }
    plain = kg_run("query", sparql, "-g", out, "-f", "json", "-p", "label=كتائب حزب الله")
    assert (
        json.loads(plain.stdout)["results"]["bindings"] == []
    )  # a plain string is not the @ar label


def test_param_value_is_never_pasted(out):
    evil = 'x" } } SELECT * WHERE { ?s ?p ?o } #'
    proc = kg_run("query", "article-statements", "-g", out, "-f", "csv", "-p", f"article={evil}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[1:] == []


def test_formats(out):
    sparql = "SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type ; kgo:status ?s } GROUP BY ?type ORDER BY ?type"
    js = json.loads(kg_run("query", sparql, "-g", out, "-f", "json").stdout)
    assert js["head"]["vars"] == ["type", "n"]
    counts = {b["type"]["value"]: int(b["n"]["value"]) for b in js["results"]["bindings"]}
    assert counts and all(t.startswith("https://w3id.org/kg-iraq/ontology#") for t in counts)
    assert (
        js["results"]["bindings"][0]["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    )
    tsv = kg_run("query", sparql, "-g", out, "-f", "tsv").stdout.splitlines()
    assert tsv[0] == "?type\t?n"
    assert tsv[1].startswith("<https://w3id.org/kg-iraq/ontology#")
    table = kg_run("query", sparql, "-g", out)
    assert table.returncode == 0
    assert "kgo:" in table.stdout and f"{len(counts)} row(s)" in table.stdout
    csv_rows = list(csv.reader(io.StringIO(kg_run("query", sparql, "-g", out, "-f", "csv").stdout)))
    assert csv_rows[0] == ["type", "n"] and len(csv_rows) == len(counts) + 1


def test_engines_agree(out):
    a = kg_run("query", "withdrawals", "-g", out, "-f", "csv", "--engine", "oxigraph")
    b = kg_run("query", "withdrawals", "-g", out, "-f", "csv", "--engine", "rdflib")
    assert a.returncode == b.returncode == 0

    def norm(text: str) -> list:
        rows = csv.reader(io.StringIO(text))
        return sorted(tuple(tuple(sorted(cell.split("; "))) for cell in row) for row in rows)

    assert norm(a.stdout) == norm(b.stdout)
    assert len(a.stdout.splitlines()) > 3


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_ask_and_construct(out):
    import rdflib

    ask = kg_run("query", "ASK { ?e a kgo:BaseHandover }", "-g", out)
    assert ask.stdout.strip() == "true"
    construct = kg_run(
        "query",
        "CONSTRUCT { ?e kgo:status ?s } WHERE { ?e a kgo:BaseHandover ; kgo:status ?s }",
        "-g",
        out,
    )
    assert construct.returncode == 0, construct.stderr
    g = rdflib.Graph().parse(data=construct.stdout, format="turtle")
    assert len(g) > 0
    jsonld = kg_run(
        "query",
        "CONSTRUCT { ?e a kgo:BaseHandover } WHERE { ?e a kgo:BaseHandover }",
        "-g",
        out,
        "-f",
        "json",
    )
    assert len(rdflib.Graph().parse(data=jsonld.stdout, format="json-ld")) > 0


def test_query_file(out, tmp_path):
    f = tmp_path / "mine.rq"
    f.write_text(
        "# Question: how many articles?\nSELECT (COUNT(?a) AS ?n) WHERE { ?a a kgo:Article }\n"
    )
    proc = kg_run("query", str(f), "-g", out, "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == "5"


def test_graph_folder_or_file(out):
    a = kg_run("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-g", out, "-f", "csv")
    b = kg_run(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-g", out + "/graph.nq", "-f", "csv"
    )
    assert a.stdout == b.stdout and int(a.stdout.splitlines()[1]) > 1000


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["SELECT ?x WHERE { ?x"], ["malformed query"]),
        (["SELECT ?x WHERE { ?x", "--engine", "rdflib"], ["malformed query"]),
        (["attacks-on-base"], ["missing parameter base"]),
        # a name is looked up (kg.read.names); one no entity answers to is an error
        (["attacks-on-base", "-p", "base=camp-on-mars"], ["no entity", "camp-on-mars"]),
        (["attacks-on-base", "-p", "base=air"], ["ambiguous", "kgr:entity/"]),
        (["attacks-on-base", "-p", "base"], ["name=value"]),
        (["withdrawals", "-p", "x=1"], ["unknown parameter"]),
        (["../queries/withdrawals"], ["may not contain"]),
        (["checks/blank-node-violation"], ["may not contain"]),
        ([".."], ["may not contain"]),
        (["no-such-question"], ["no query named"]),
    ],
)
def test_errors_are_one_line(out, args, fragments):
    assert_one_line_error(kg_run("query", *args, "-g", out), *fragments)


def test_missing_graph_is_one_line(tmp_path):
    assert_one_line_error(kg_run("query", "withdrawals", "-g", str(tmp_path)), "graph.trig")
