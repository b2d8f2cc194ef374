"""Scaling the build: the corpus generator, parallel and Dask extraction, the cache, streamed dumps."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
import sys

import pytest
from conftest import output_bytes

from kg.pipeline.build import build
from kg.pipeline.corpus import Article, iter_corpus

COMPARED = ("graph.nq", "graph.trig", "graph.ttl", "events.jsonl", "events.csv", "entities.jsonl")


@pytest.fixture(scope="module")
def make_corpus(root):
    spec = importlib.util.spec_from_file_location(
        "make_corpus", root / "scripts" / "make_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory, seeds_dir, make_corpus):
    """The seeds and 8 generated articles, with one manifest."""
    corpus = tmp_path_factory.mktemp("mixed")
    make_corpus.generate(8, corpus, seed=3)
    for path in sorted(seeds_dir.glob("*.txt")):
        shutil.copy(path, corpus / path.name)
    seed_rows = (seeds_dir / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    with (corpus / "manifest.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(seed_rows) + "\n")
    return corpus


@pytest.fixture(scope="module")
def serial_build(mixed_corpus, tmp_path_factory):
    return build(mixed_corpus, tmp_path_factory.mktemp("serial"), cache=False)


def _same_outputs(a, b) -> None:
    for name in COMPARED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# --- the corpus generator -------------------------------------------------------------


def test_generator_is_deterministic_and_prefix_stable(make_corpus, tmp_path):
    a = make_corpus.generate(6, tmp_path / "a", seed=1)
    b = make_corpus.generate(4, tmp_path / "b", seed=1)
    c = make_corpus.generate(4, tmp_path / "c", seed=2)
    assert [p.name for p in b] == [p.name for p in a[:4]]
    assert [p.read_bytes() for p in b] == [p.read_bytes() for p in a[:4]]
    assert [p.read_bytes() for p in c] != [p.read_bytes() for p in b]
    rows_a = (tmp_path / "a" / "manifest.csv").read_text(encoding="utf-8").splitlines()
    rows_b = (tmp_path / "b" / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert rows_a[:5] == rows_b


def test_generated_articles_read_as_arabic_news_with_dates(make_corpus, tmp_path):
    make_corpus.generate(30, tmp_path, seed=0)
    manifest = list(
        csv.DictReader(io.StringIO((tmp_path / "manifest.csv").read_text(encoding="utf-8")))
    )
    assert len(manifest) == 30 and sum(1 for r in manifest if r["published"]) >= 20
    articles = [a for a in iter_corpus(tmp_path) if isinstance(a, Article)]
    assert len(articles) == 30
    text = "\n".join(a.text for a in articles)
    assert "{" not in text and "}" not in text, "an unfilled template slot"
    assert any(a.published for a in articles)
    for cue in ("الهجوم", "قاعدة", "التحالف الدولي", "لل", "تنسبها", "تبنت", "سلّم"):
        assert cue in text, cue


def test_generated_corpus_yields_events_with_roles(make_corpus, tmp_path):
    make_corpus.generate(10, tmp_path / "c", seed=0)
    result = build(tmp_path / "c", tmp_path / "out", cache=False)
    assert len(result.articles) == 10 and not result.problems
    cats = {e.category for e in result.events}
    assert "attack" in cats
    assert any(e.fillers("target") for e in result.events)


def test_repeat_seeds_copies_the_seeds_under_distinct_names(make_corpus, seeds_dir, tmp_path):
    paths = make_corpus.repeat_seeds(7, tmp_path, seeds_dir)
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert len({p.name for p in paths}) == 7
    assert [p.read_bytes() for p in paths] == [seeds[i % 5].read_bytes() for i in range(7)]
    rows = list(csv.DictReader((tmp_path / "manifest.csv").open(encoding="utf-8")))
    seed_dates = {
        r["file"]: r["published"]
        for r in csv.DictReader((seeds_dir / "manifest.csv").open(encoding="utf-8"))
    }
    assert [r["published"] for r in rows] == [seed_dates[seeds[i % 5].name] for i in range(7)]


# --- parallel and distributed extraction -----------------------------------------------


def test_jobs_2_writes_the_same_bytes_as_serial(mixed_corpus, serial_build, tmp_path):
    result = build(mixed_corpus, tmp_path, jobs=2, cache=False)
    assert result.articles == serial_build.articles
    _same_outputs(serial_build.out, tmp_path)


def test_dask_local_cluster_writes_the_same_bytes_as_serial(mixed_corpus, serial_build, tmp_path):
    pytest.importorskip("distributed")
    result = build(mixed_corpus, tmp_path, engine="dask", jobs=2, cache=False)
    assert result.articles == serial_build.articles
    _same_outputs(serial_build.out, tmp_path)


def test_a_worker_with_other_code_is_refused(seeds_dir):
    from kg.errors import OntologyError
    from kg.pipeline.build import extract_chunk

    article = next(a for a in iter_corpus(seeds_dir) if isinstance(a, Article))
    with pytest.raises(OntologyError, match="differs"):
        extract_chunk([article], None, "0" * 64)


# --- incremental rebuilds ----------------------------------------------------------------


def test_incremental_rebuild_extracts_only_what_changed(make_corpus, seeds_dir, tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus.generate(5, corpus, seed=11)
    for path in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(path, corpus / path.name)
    out = tmp_path / "out"
    first = build(corpus, out)
    assert sorted(first.extracted) == sorted(first.articles) and len(first.articles) == 7

    again = build(corpus, out)
    assert again.extracted == ()
    assert again.articles == first.articles

    names = sorted(first.articles)
    removed, changed = names[0], names[1]
    (corpus / removed).unlink()
    path = corpus / changed
    path.write_text(
        path.read_text(encoding="utf-8") + "وسقط صاروخان على قاعدة عين الأسد الثلاثاء.\n",
        encoding="utf-8",
    )
    added = "999999_added.txt"
    shutil.copy(sorted(seeds_dir.glob("*.txt"))[2], corpus / added)
    incremental = build(corpus, out)
    assert sorted(incremental.extracted) == sorted([changed, added])
    assert removed not in incremental.articles and added in incremental.articles
    assert len(list((out / ".kg" / "cache").glob("*.json"))) == len(incremental.articles)

    fresh = build(corpus, tmp_path / "fresh", cache=False)
    assert fresh.articles == incremental.articles
    _same_outputs(fresh.out, out)
    assert output_bytes(fresh.out / "build-report.json") == output_bytes(
        out / "build-report.json"
    )  # but for its timings

    full = build(corpus, out, full=True)
    assert sorted(full.extracted) == sorted(full.articles)
    _same_outputs(fresh.out, out)


def test_a_damaged_cache_entry_is_a_miss(mixed_corpus, serial_build, tmp_path):
    first = build(mixed_corpus, tmp_path)
    entries = sorted((tmp_path / ".kg" / "cache").glob("*.json"))
    assert len(entries) == len(first.articles)
    entries[0].write_text(
        '{"format": 1, "fingerprint": "x", "extraction": {"article": 3}}', encoding="utf-8"
    )
    entries[1].write_bytes(b"\x00not json")
    again = build(mixed_corpus, tmp_path)
    assert len(again.extracted) == 2
    _same_outputs(serial_build.out, tmp_path)


def test_cache_records_round_trip_exactly(seed_build):
    from kg.pipeline.cache import from_dict, to_dict
    from kg.pipeline.extract.records import ArticleExtraction

    for x in seed_build.extractions:
        data = json.loads(json.dumps(to_dict(x), ensure_ascii=False))
        assert from_dict(ArticleExtraction, data) == x
    with pytest.raises(ValueError):
        from_dict(ArticleExtraction, {**to_dict(seed_build.extractions[0]), "sentence_count": "3"})


def test_cache_key_changes_with_what_extraction_reads(seeds_dir, tmp_path):
    import dataclasses
    import datetime as dt

    from kg.pipeline.cache import article_key, fingerprint

    article = next(a for a in iter_corpus(seeds_dir) if isinstance(a, Article))
    fp = fingerprint(seeds_dir.parent / "ontology")
    key = article_key(article, fp)
    assert key == article_key(article, fp)
    assert key != article_key(article, "other")
    assert key != article_key(dataclasses.replace(article, published=dt.date(2001, 1, 1)), fp)
    assert key != article_key(dataclasses.replace(article, file_name="other.txt"), fp)
    assert key != article_key(dataclasses.replace(article, sha256="0" * 64), fp)
    onto = tmp_path / "onto"
    shutil.copytree(seeds_dir.parent / "ontology", onto)
    assert fingerprint(onto) == fp
    with (onto / "gazetteer.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n# a change\n")
    assert fingerprint(onto) != fp


# --- streamed dumps --------------------------------------------------------------------


@pytest.mark.parametrize("graphs_per_bucket", [1, 32])
def test_streamed_dumps_equal_serialising_everything_at_once(
    seed_build, tmp_path, root, graphs_per_bucket
):
    from kg.pipeline.dumps import DumpWriter, load_ontology_quads, ox_quads, write_dumps
    from kg.pipeline.rdf import ONTOLOGY_GRAPH, corpus_quads, graph_iri

    xs, events = list(seed_build.extractions), list(seed_build.events)
    onto = load_ontology_quads(root / "ontology", str(ONTOLOGY_GRAPH))
    write_dumps(tmp_path / "whole", onto + ox_quads(corpus_quads(xs, events)))

    class Small(DumpWriter):
        GRAPHS_PER_BUCKET = graphs_per_bucket

    # announce only some graphs: the others must still land in order
    with Small(tmp_path / "stream", [str(graph_iri(x.article_id)) for x in xs[::2]]) as writer:
        for x in reversed(xs):
            writer.add(corpus_quads([x], []))
        writer.add(corpus_quads([], events))
        writer.add(corpus_quads([], events[:3]))  # duplicates are dropped
        writer.add_ox(onto)
        stats = writer.write(tmp_path / "stream")
    for name in ("graph.nq", "graph.trig", "graph.ttl"):
        assert (tmp_path / "whole" / name).read_bytes() == (
            tmp_path / "stream" / name
        ).read_bytes(), name
    assert stats.quads == seed_build.quads and stats.triples == seed_build.triples
    assert [p.name for p in (tmp_path / "stream").iterdir() if p.name.startswith(".")] == []


def test_blank_nodes_are_refused(tmp_path):
    from rdflib import BNode, URIRef

    from kg.errors import OntologyError
    from kg.pipeline.dumps import DumpWriter

    g = URIRef("https://w3id.org/kg-iraq/id/graph/x")
    with DumpWriter(tmp_path, [str(g)]) as writer, pytest.raises(OntologyError):
        writer.add([(BNode(), URIRef("https://example.org/p"), URIRef("https://example.org/o"), g)])


# --- progress --------------------------------------------------------------------------


def test_progress_bar_only_on_a_terminal(mixed_corpus, tmp_path):
    from typer.testing import CliRunner

    import kg.cli as cli
    import kg.cli.build as cli_build

    result = CliRunner().invoke(cli.app, ["build", str(mixed_corpus), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "articles/s" not in result.output and "articles/s" not in result.stderr

    progress = cli_build.BuildProgress(enabled=True)
    with progress:
        progress.start(3)
        for name in ("a", "b", "c"):
            progress.advance(name)
        progress.phase("merging events")
    assert progress.bar.tasks[0].completed == 3
    off = cli_build.BuildProgress(enabled=False)
    with off:
        off.start(3)
        off.advance("a")
    assert off.bar is None


def test_cli_refuses_bad_engine_options(seeds_dir, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    bad = runner.invoke(app, ["build", str(seeds_dir), "--out", str(tmp_path), "--engine", "spark"])
    assert bad.exit_code == 2 and "--engine" in bad.stderr
    lonely = runner.invoke(
        app, ["build", str(seeds_dir), "--out", str(tmp_path), "--scheduler", "tcp://h:8786"]
    )
    assert lonely.exit_code == 2 and "--engine dask" in lonely.stderr
    assert not (tmp_path / "graph.trig").exists()
