"""kg build on the seeds: every output, byte-stable, parseable, valid, traceable, no blank nodes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from conftest import OUTPUTS, output_bytes
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from kg.pipeline.corpus import read_article


def _events(out) -> list[dict]:
    return [
        json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_seed_build_writes_all_outputs(seed_build):
    assert set(seed_build.files) == set(OUTPUTS)
    for name in OUTPUTS:
        path = seed_build.out / name
        assert path.is_file() and path.stat().st_size > 0, name
    assert len(seed_build.articles) == 5 and not seed_build.problems
    assert (
        seed_build.events and seed_build.triples > 1000 and seed_build.quads >= seed_build.triples
    )
    report = json.loads((seed_build.out / "build-report.json").read_text(encoding="utf-8"))
    assert report["articles"] == list(seed_build.articles)
    assert report["quads"] == seed_build.quads and report["events"] == len(seed_build.events)
    leftovers = [
        p.name
        for p in seed_build.out.iterdir()
        if p.name.startswith(".") and p.name not in (".kg", ".kg-output")
    ]
    assert leftovers == [], "temporary files or spill folders left behind"
    assert not list((seed_build.out / ".kg" / "tmp").iterdir()), "spill files left behind"


def test_two_builds_are_byte_identical_whatever_the_hash_seed(seeds_dir, tmp_path):
    """One build here, one in a fresh interpreter with another PYTHONHASHSEED: same bytes."""
    from kg.pipeline.build import build

    build(seeds_dir, tmp_path / "a", cache=False)
    code = "import sys; from pathlib import Path; from kg.pipeline.build import build; build(Path(sys.argv[1]), Path(sys.argv[2]), cache=False)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", code, str(seeds_dir), str(tmp_path / "b")],
        check=True,
        env=env,
        timeout=300,
    )
    for name in OUTPUTS:
        assert output_bytes(tmp_path / "a" / name) == output_bytes(tmp_path / "b" / name), name


def test_dumps_parse_with_rdflib_and_pyoxigraph(seed_build):
    out = seed_build.out
    trig = list(ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG))
    nq = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    ttl = list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(trig) == len(nq) == seed_build.quads
    assert set(trig) == set(nq)
    assert len(ttl) == seed_build.triples == len({q.triple for q in nq})
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    assert sum(1 for _ in ds.quads((None, None, None, None))) == seed_build.quads
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert len(graphs) == len(seed_build.articles) + 1  # one per article + the ontology graph
    g = Graph()
    g.parse(out / "graph.ttl", format="turtle")
    assert len(g) == seed_build.triples


def test_graph_conforms_to_the_shapes(seed_build, root):
    pyshacl = pytest.importorskip("pyshacl")
    data = Graph().parse(seed_build.out / "graph.ttl", format="turtle")
    shapes = Graph().parse(root / "ontology" / "shapes.ttl", format="turtle")
    ontology = Graph().parse(root / "ontology" / "kg.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    assert conforms, text[:3000]


def test_every_event_has_a_source_that_slices_to_its_sentence(seed_build, seeds_dir):
    texts: dict[str, str] = {}
    events = _events(seed_build.out)
    assert events
    for ev in events:
        assert ev["sources"], ev["id"]
        ok = False
        for src in ev["sources"]:
            name = src["article"]
            if name not in texts:
                texts[name] = read_article(seeds_dir / name).text
            ok = ok or texts[name][src["start"] : src["end"]] == src["sentence"]
        assert ok, f"{ev['id']}: no source whose [start, end) is its sentence"


def test_no_blank_nodes_in_any_dump(seed_build):
    for name, fmt in (("graph.nq", ox.RdfFormat.N_QUADS), ("graph.trig", ox.RdfFormat.TRIG)):
        for q in ox.parse(path=str(seed_build.out / name), format=fmt):
            assert not isinstance(q.subject, ox.BlankNode), (name, q)
            assert not isinstance(q.object, ox.BlankNode), (name, q)
            assert isinstance(q.graph_name, ox.NamedNode), (name, q)
    for t in ox.parse(path=str(seed_build.out / "graph.ttl"), format=ox.RdfFormat.TURTLE):
        assert not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode), t


def test_unreadable_articles_are_named_and_the_rest_builds(seeds_dir, tmp_path):
    from kg.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy(good, corpus / good.name)
    shutil.copy(seeds_dir / "manifest.csv", corpus / "manifest.csv")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "empty.txt" in result.stderr and "binary.txt" in result.stderr
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["articles"] == [good.name]
    assert len(report["problems"]) == 2
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    assert not result.stdout.strip(), "--quiet prints only problems (on stderr)"


def test_lang_names_the_language_of_the_articles(seeds_dir, tmp_path):
    """`kg build --lang ar` is the default spelled out: the same bytes."""
    from kg.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(seeds_dir.glob("*.txt"))[0], corpus)
    shutil.copy(seeds_dir / "manifest.csv", corpus / "manifest.csv")
    runner = CliRunner()
    default, named = tmp_path / "default", tmp_path / "named"
    first = runner.invoke(app, ["build", str(corpus), "-o", str(default), "--quiet"])
    second = runner.invoke(app, ["build", str(corpus), "-o", str(named), "--quiet", "--lang", "ar"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    for name in OUTPUTS:
        assert output_bytes(default / name) == output_bytes(named / name), name


def test_an_unknown_lang_is_one_line_naming_the_known_ones(seeds_dir, tmp_path):
    import kg.lang as kglang
    from kg.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(seeds_dir), "-o", str(out), "--lang", "zz"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--lang 'zz'" in lines[0] and f"known: {', '.join(kglang.codes())}" in lines[0]
    assert "ar" in kglang.codes()
    assert not out.exists(), "nothing is written for an unknown language"
