"""`kg build`: corpus folder in, graph and tables out.

read (kg.pipeline.corpus) → extract per article (kg.pipeline.extract.article, pure) → merge
events across articles (kg.pipeline.merge) → quads (kg.pipeline.rdf) → dumps and
tables (kg.export), each written atomically. An unreadable article is a
Problem in the result; the rest of the corpus still builds.

Extraction is a map over articles, so it runs anywhere: in this process, in a
pool of ``jobs`` worker processes, or on a Dask cluster (``engine="dask"``); the
engines are in :mod:`kg.pipeline.engines`. Articles travel in chunks and the
results are put back in file-name order, so every engine writes the same bytes.
Only the small extraction records come back (never spaCy Docs); events are
merged from them corpus-wide.

The outputs are replaced as one set (see :mod:`kg.pipeline.outputs`): a new generation
folder, then one link switched. Each article's extraction is kept in
``{out}/.kg/cache`` (see :mod:`kg.pipeline.cache`):
a rebuild extracts only new or changed articles, unless ``full=True``.
Quads are streamed to the dumps as they are made (:class:`~kg.pipeline.dumps.DumpWriter`),
so the graph is never held in memory whole.
"""

from __future__ import annotations

import json
import platform
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import kg.lang as kglang
from kg import __version__
from kg.pipeline.cache import ExtractionCache, dumps, fingerprint, from_dict
from kg.pipeline.corpus import Problem, iter_corpus, list_articles
from kg.pipeline.dumps import DumpWriter, load_ontology_quads, write_atomic
from kg.pipeline.engines import (
    ENGINES,
    Batch,
    Outcome,
    VersionMismatch,
    extract_batches,
    extract_chunk,
)
from kg.pipeline.extract.events import place_contains
from kg.pipeline.extract.records import ArticleExtraction
from kg.pipeline.merge import Event, Overrides, merge_events, specific_places
from kg.pipeline.outputs import OUTPUT_FILES, OutputFolder, check_writable
from kg.pipeline.rdf import ONTOLOGY_GRAPH, corpus_quads, graph_iri
from kg.pipeline.tables import entities_jsonl, events_csv, events_jsonl
from kg.vocab.gazetteer import default_ontology_dir, load_gazetteer

__all__ = [
    "CHUNK",
    "ENGINES",
    "EVENT_CHUNK",
    "BuildResult",
    "VersionMismatch",
    "build",
    "extract_chunk",
    "extract_corpus",
    "software_versions",
]

CHUNK = 8  # articles per task sent to a worker
EVENT_CHUNK = 256  # events per batch of quads


@dataclass(frozen=True)
class BuildResult:
    out: Path
    articles: tuple[str, ...]
    problems: tuple[Problem, ...]
    events: tuple[Event, ...]
    extractions: tuple[ArticleExtraction, ...]
    triples: int
    quads: int
    files: dict[str, Path] = field(default_factory=dict)
    extracted: tuple[str, ...] = ()
    """File names extracted by this build; the other articles came from the cache."""
    timings: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds per phase: extract, merge, dumps (of which quads: making them),
    tables, and total (the whole build)."""
    versions: dict[str, str] = field(default_factory=dict)
    """kg's version and those of what it ran on (:func:`software_versions`)."""

    def entity_counts(self) -> Counter:
        seen = {m.entity for x in self.extractions for m in x.mentions}
        return Counter(e.cls for e in seen)

    def event_counts(self) -> Counter:
        return Counter(f"{e.category}/{e.type}" for e in self.events)


# --- the build ------------------------------------------------------------------------

_VERSIONED = (("spacy", "spacy"), ("rdflib", "rdflib"), ("pyoxigraph", "pyoxigraph"))


def software_versions() -> dict[str, str]:
    """kg's version and those of Python, spaCy, rdflib and pyoxigraph (read from the
    installed distributions: nothing is imported)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"kg": __version__, "python": platform.python_version()}
    for key, dist in _VERSIONED:
        try:
            found[key] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - a broken installation
            found[key] = "unknown"
    return found


def _noop(*_args) -> None:
    return None


@dataclass
class _Extracted:
    extractions: list[ArticleExtraction]
    problems: list[Problem]
    extracted: list[str]  # file names extracted now (not from the cache)
    keys: set[str]  # cache keys of every article that has an extraction


def extract_corpus(
    corpus: Path,
    ontology_dir: Path | None = None,
    on_article: Callable[[str], None] | None = None,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    language: str | None = None,
) -> tuple[list[ArticleExtraction], list[Problem]]:
    """Read and extract every article (in file-name order) in ``language`` (a kg.lang code;
    default Arabic); problems are collected, not raised."""
    done = _extract(
        corpus,
        ontology_dir,
        on_article,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        language=language,
    )
    return done.extractions, done.problems


def _extract(
    corpus: Path,
    ontology_dir: Path | None,
    on_article: Callable[[str], None] | None,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    cache: ExtractionCache | None = None,
    full: bool = False,
    language: str | None = None,
) -> _Extracted:
    """Articles the cache holds are taken from it (unless ``full``); the others are
    extracted by the engine, stored in the cache, and everything is put back in order."""
    onto = Path(ontology_dir) if ontology_dir else default_ontology_dir()
    # workers resolve the ontology themselves unless it was given (a remote worker's
    # default folder is its own $KG_ONTOLOGY_DIR, not this machine's path)
    worker_onto = str(ontology_dir) if ontology_dir else None
    on_article = on_article or _noop
    slots: list[Outcome | None] = []
    done = _Extracted([], [], [], set())
    memo: dict = {}  # records share equal strings and entities: ~4× less memory per article

    def batches() -> Iterator[Batch]:
        batch: Batch = []
        for item in iter_corpus(corpus, language):
            slots.append(item if isinstance(item, Problem) else None)
            if isinstance(item, Problem):
                on_article(item.file_name)
                continue
            hit = cache.get(item, memo) if cache is not None and not full else None
            if hit is not None:
                slots[-1] = hit
                done.keys.add(cache.key(item))
                on_article(item.file_name)
                continue
            batch.append((len(slots) - 1, item))
            if len(batch) >= CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    results = extract_batches(
        batches(), onto, worker_onto, engine=engine, jobs=jobs, scheduler=scheduler
    )
    for batch, outcomes in results:
        for (i, article), outcome in zip(batch, outcomes, strict=True):
            if not isinstance(outcome, Problem):
                raw = outcome if isinstance(outcome, bytes) else dumps(outcome)
                # the record rebuilt from its JSON is equal, and shares strings and entities
                outcome = from_dict(ArticleExtraction, json.loads(raw), memo)
                done.extracted.append(article.file_name)
                if cache is not None:
                    cache.put(article, raw)
                    done.keys.add(cache.key(article))
            slots[i] = outcome
            on_article(article.file_name)
    done.extractions = [x for x in slots if isinstance(x, ArticleExtraction)]
    done.problems = [x for x in slots if isinstance(x, Problem)]
    return done


def build(
    corpus: Path,
    out: Path,
    ontology_dir: Path | None = None,
    on_article: Callable[[str], None] | None = None,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    full: bool = False,
    cache: bool = True,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    language: str | None = None,
    overrides: Path | str | None = None,
) -> BuildResult:
    """Build the graph and tables of a corpus folder into ``out``.

    ``jobs``: worker processes for extraction (1: in this process). ``engine="dask"``
    extracts on a Dask cluster: the one at ``scheduler``, else a local one of
    ``max(2, jobs)`` worker processes. ``cache``: keep per-article extractions in
    ``out/.kg/cache`` and reuse them (``full=True`` re-extracts everything and refreshes
    the cache). ``force``: write into a non-empty folder that is not kg's (see
    :mod:`kg.pipeline.outputs`). ``on_start(total)``, ``on_article(file_name)`` and
    ``on_phase(name)`` report progress. Every combination writes the same bytes.
    ``language``: the language the articles are read in, a kg.lang code (default
    ``kg.lang.DEFAULT``, Arabic); a language only registered in this process (not a
    folder of kg/lang) needs ``jobs=1`` and the local engine. ``overrides``: a CSV of
    a researcher's corrections to the merge (:class:`kg.pipeline.merge.Overrides`),
    read before any work so that a malformed one stops the build with its line.

    The outputs are replaced as one set (a new generation, then one link switched),
    and only when at least one article was read: a corpus with nothing readable
    writes nothing and leaves the previous outputs and the cache as they were.
    """
    out = Path(out)
    onto = Path(ontology_dir) if ontology_dir else default_ontology_dir()
    lang = kglang.get(language)  # an unknown language stops the build before any work
    fixes = Overrides.read(overrides) if overrides is not None else None
    on_phase = on_phase or _noop
    timings: dict[str, float] = {}
    t = start = time.perf_counter()
    check_writable(out, force)  # before any work: a folder kg may not write into is refused
    folder = OutputFolder(out, force)
    try:
        if on_start is not None:
            on_start(len(list_articles(Path(corpus))))
        on_phase("extracting")
        store = (
            ExtractionCache(folder.cache_dir, fingerprint(onto), prepare=folder.claim)
            if cache
            else None
        )
        done = _extract(
            corpus,
            ontology_dir,
            on_article,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            cache=store,
            full=full,
            language=lang.code,
        )
        extractions, problems = done.extractions, done.problems
        timings["extract"], t = time.perf_counter() - t, time.perf_counter()
        if not extractions:
            # nothing could be read: keep the previous outputs rather than replace them with nothing
            timings["total"] = time.perf_counter() - start
            return BuildResult(
                out, (), tuple(problems), (), (), 0, 0, {}, (), timings, software_versions()
            )

        folder.claim()
        on_phase("merging events")
        # the gazetteer's containment lets an event keep its most specific places
        gazetteer = load_gazetteer(str(onto))
        events = merge_events(
            [e for x in extractions for e in x.events],
            place_contains(gazetteer, lang),
            specific=specific_places(gazetteer),
            overrides=fixes,
        )
        timings["merge"], t = time.perf_counter() - t, time.perf_counter()

        on_phase("writing the graph")
        generation = folder.start_generation()
        try:
            stats = _write_generation(
                generation, folder.tmp_dir, onto, extractions, events, problems, timings, t, start
            )
            folder.commit(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        if store is not None:
            store.prune(done.keys)
    finally:
        folder.release()
    return BuildResult(
        out=out,
        articles=tuple(x.article for x in extractions),
        problems=tuple(problems),
        events=tuple(events),
        extractions=tuple(extractions),
        triples=stats.triples,
        quads=stats.quads,
        files={name: out / name for name in OUTPUT_FILES},
        extracted=tuple(done.extracted),
        timings=timings,
        versions=software_versions(),
    )


def _write_generation(
    folder: Path,
    workdir: Path,
    onto: Path,
    extractions: list[ArticleExtraction],
    events: list[Event],
    problems: list[Problem],
    timings: dict[str, float],
    t: float,
    start: float,
):
    """Every output file of one build into ``folder`` (a generation not yet switched to).

    build-report.json is written last, with the versions and the seconds each phase took
    (``timings``: the one part of the outputs that differs between two builds of the same
    corpus; the graph and the tables do not)."""
    graphs = [str(graph_iri(x.article_id)) for x in extractions] + [str(ONTOLOGY_GRAPH)]
    languages = {x.article_id: x.language for x in extractions}
    with DumpWriter(workdir, graphs) as dumps:
        dumps.add_ox(load_ontology_quads(onto, str(ONTOLOGY_GRAPH)))
        for x in extractions:
            dumps.add(corpus_quads([x], []))
        for i in range(0, len(events), EVENT_CHUNK):
            dumps.add(corpus_quads([], events[i : i + EVENT_CHUNK], languages))
        timings["quads"] = time.perf_counter() - t
        stats = dumps.write(folder)
    timings["dumps"], t = time.perf_counter() - t, time.perf_counter()
    for name, payload in (
        ("events.jsonl", events_jsonl(events)),
        ("events.csv", events_csv(events)),
        ("entities.jsonl", entities_jsonl(extractions, events)),
    ):
        write_atomic(folder / name, payload)
    timings["tables"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    report = {
        "articles": [x.article for x in extractions],
        "problems": [str(p) for p in problems],
        "events": len(events),
        "quads": stats.quads,
        "versions": software_versions(),
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    payload = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    write_atomic(folder / "build-report.json", payload)
    return stats
