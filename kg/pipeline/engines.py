"""Where extraction runs: this process, a pool of worker processes, or a Dask cluster.

Extraction is a pure map over articles, so the build does not care where it runs.
This module is that map: articles travel in *batches* (``(slot, Article)`` pairs,
the slot being the article's place in file-name order), each batch is extracted by
:func:`extract_chunk` wherever the engine puts it, and every engine yields
``(batch, outcomes)`` back in the order the batches were made. That is what lets
every engine write the same bytes. It is its own module so that the driver
(:mod:`kg.pipeline.build`) reads as read → extract → merge → write, and so that a
worker process or a Dask worker imports only what a task needs.

Each worker builds its spaCy pipeline once (:func:`pipeline_for`); only the small
extraction records come back (never spaCy Docs), as their cache JSON when they
cross a process boundary.
"""

from __future__ import annotations

import functools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import kg.lang as kglang
from kg.errors import KgError, OntologyError
from kg.pipeline.cache import dumps, fingerprint
from kg.pipeline.corpus import Article, Problem
from kg.pipeline.extract.article import extract_article
from kg.pipeline.extract.records import ArticleExtraction
from kg.pipeline.nlp.pipeline import build_pipeline
from kg.vocab.gazetteer import default_ontology_dir, load_gazetteer

__all__ = [
    "ENGINES",
    "Batch",
    "Outcome",
    "VersionMismatch",
    "dask_cluster",
    "extract_batches",
    "extract_chunk",
    "extract_one",
    "ordered",
    "pipeline_for",
    "process_pool",
    "serial",
]

ENGINES = ("local", "dask")
"""The engines a build can name: ``local`` (this process, or ``jobs`` worker processes)
and ``dask`` (a Dask cluster)."""

Outcome = ArticleExtraction | Problem
"""What extracting one article gives: its extraction, or the Problem that stopped it."""

Batch = list[tuple[int, Article]]
"""A chunk of articles sent to one task, each with its slot in file-name order."""


class VersionMismatch(OntologyError):
    """A worker runs other kg code or another ontology than the client."""


# --- extraction of one chunk, wherever it runs ---------------------------------------


def extract_one(nlp, gaz, article: Article, seconds: float = 0.0) -> Outcome:
    """The extraction of one article, or a Problem: over ``seconds`` (0: no limit; see
    :mod:`kg.pipeline.extract.budget`), or an error in the rules."""
    from kg.pipeline.extract.budget import ArticleTimeout, time_limit

    try:
        with time_limit(seconds) as deadline:
            return extract_article(nlp, gaz, article, deadline=deadline)
    except ArticleTimeout:
        return Problem(article.file_name, f"took longer than {seconds:g} s; skipped")
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop the corpus
        return Problem(article.file_name, f"extraction failed: {type(exc).__name__}: {exc}")


@functools.lru_cache(maxsize=2)
def pipeline_for(ontology_dir: str | None, language: str = kglang.DEFAULT):
    """(gazetteer, spaCy pipeline) of a language in this process, built once per process
    (the two most recent are kept)."""
    return load_gazetteer(ontology_dir), build_pipeline(ontology_dir, language)


def extract_chunk(
    articles: list[Article],
    ontology_dir: str | None = None,
    expected_fingerprint: str | None = None,
    as_json: bool = False,
    *,
    article_seconds: float | None = None,
) -> list[Outcome | bytes]:
    """Extract a chunk of articles (the task a worker process or a Dask worker runs).

    ``ontology_dir`` None means the worker's own default ($KG_ONTOLOGY_DIR, else the
    package's ontology/). With ``expected_fingerprint`` the worker first checks that its
    kg code and ontology are the client's, so a cluster never mixes versions silently.
    ``as_json``: each extraction comes back as its cache JSON (:func:`kg.pipeline.cache.dumps`):
    the worker does the conversion, and bytes travel and unpickle far faster than
    records, which keeps the client (one core) from becoming the bottleneck.
    ``article_seconds``: the time budget of each article (None: $KG_ARTICLE_SECONDS,
    else 60 s; 0: none); an article over it is a Problem "took longer than N s; skipped".
    """
    from kg.pipeline.extract.budget import article_seconds as budget_of

    seconds = budget_of(article_seconds)
    if expected_fingerprint is not None:
        mine = fingerprint(ontology_dir or default_ontology_dir())
        if mine != expected_fingerprint:
            raise VersionMismatch(
                "a worker's kg code or ontology differs from this build's (fingerprint "
                f"{mine[:12]} ≠ {expected_fingerprint[:12]}): install the same kg and ontology on the workers"
            )
    outcomes: list[Outcome] = []
    for a in articles:  # each article in its language (the corpus reader set it)
        gaz, nlp = pipeline_for(ontology_dir, a.language)
        outcomes.append(extract_one(nlp, gaz, a, seconds))
    if as_json:
        return [dumps(x) if isinstance(x, ArticleExtraction) else x for x in outcomes]
    return outcomes


# --- engines: ordered maps of chunks --------------------------------------------------


def ordered(submit: Callable[[list[Article]], object], batches: Iterable[Batch], window: int):
    """Submit batches with at most ``window`` in flight; yield (batch, results) in order.

    ``submit(articles)`` returns a future (anything with ``.result()``)."""
    pending: deque = deque()
    for batch in batches:
        pending.append((batch, submit([a for _, a in batch])))
        if len(pending) >= window:
            batch0, future = pending.popleft()
            yield batch0, future.result()
    while pending:
        batch0, future = pending.popleft()
        yield batch0, future.result()


def serial(
    batches: Iterable[Batch], ontology_dir: str | None, article_seconds: float | None = None
) -> Iterator[tuple[Batch, list[Outcome]]]:
    """Extraction in this process, one batch after the other (records, not JSON)."""
    from kg.pipeline.extract.budget import article_seconds as budget_of

    seconds = budget_of(article_seconds)  # a bad $KG_ARTICLE_SECONDS stops before any article
    for batch in batches:
        yield batch, extract_chunk([a for _, a in batch], ontology_dir, article_seconds=seconds)


def process_pool(
    batches: Iterable[Batch],
    ontology_dir: str | None,
    jobs: int,
    fp: str,
    article_seconds: float | None = None,
):
    """Extraction in ``jobs`` spawned worker processes on this machine, which end with
    this process; each checks the build's fingerprint ``fp`` and answers in JSON."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from kg.pipeline.extract.budget import article_seconds as budget_of
    from kg.pipeline.extract.budget import die_with_parent

    seconds = budget_of(article_seconds)
    ctx = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited threads or state
    # the workers end with this process, even when it is killed with SIGKILL (they are
    # started by the thread that runs this generator, which lives as long as the pool)
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        try:
            yield from ordered(
                lambda chunk: pool.submit(
                    extract_chunk, chunk, ontology_dir, fp, True, article_seconds=seconds
                ),
                batches,
                window=4 * jobs,
            )
        except VersionMismatch as exc:  # same machine: the files were edited during the build
            raise VersionMismatch(
                "kg's code or ontology changed while this build was running; run it again"
            ) from exc


def dask_cluster(
    batches: Iterable[Batch],
    ontology_dir: str | None,
    scheduler: str | None,
    jobs: int,
    fp: str,
    article_seconds: float | None = None,
):
    """Extraction on a Dask cluster: the one at ``scheduler``, else a local one of
    ``max(2, jobs)`` worker processes. Workers run tasks in threads, where no signal can
    interrupt an article: its time budget is checked between steps (kg.pipeline.extract.budget)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise KgError("--engine dask needs dask and distributed: pip install 'kg[scale]'") from exc
    from kg.pipeline.extract.budget import article_seconds as budget_of

    seconds = budget_of(article_seconds)
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise KgError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=max(2, jobs),
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from ordered(
            lambda chunk: client.submit(
                extract_chunk, chunk, ontology_dir, fp, True, pure=False, article_seconds=seconds
            ),
            batches,
            window=4 * workers,
        )
    except VersionMismatch as exc:
        if cluster is None:
            raise
        raise VersionMismatch(
            "kg's code or ontology changed while this build was running; run it again"
        ) from exc
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def extract_batches(
    batches: Iterable[Batch],
    ontology: Path,
    worker_ontology: str | None,
    *,
    engine: str = "local",
    jobs: int = 1,
    scheduler: str | None = None,
) -> Iterator[tuple[Batch, list[Outcome | bytes]]]:
    """The engine a build asked for, over ``batches``: ``dask``, else ``jobs`` worker
    processes when ``jobs > 1``, else this process. ``ontology`` is the build's ontology
    folder (its fingerprint is checked by remote workers); ``worker_ontology`` the folder
    the workers are told to read (None: their own default)."""
    if engine not in ENGINES:
        raise KgError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if engine == "dask":
        return dask_cluster(batches, worker_ontology, scheduler, jobs, fingerprint(ontology))
    if jobs > 1:
        return process_pool(batches, worker_ontology, jobs, fingerprint(ontology))
    return serial(batches, worker_ontology)
