"""`kg build`: corpus folder in, graph and tables out.

read (kg.corpus) → extract per article (kg.extract.article, pure) → merge
events across articles (kg.extract.merge) → quads (kg.rdf.mapping) → dumps and
tables (kg.export), each written atomically. An unreadable article is a
Problem in the result; the rest of the corpus still builds.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.corpus import Article, Problem, iter_corpus
from kg.errors import ExtractionError
from kg.export.dumps import load_ontology_quads, ox_quads, write_atomic, write_dumps
from kg.export.tables import entities_jsonl, events_csv, events_jsonl
from kg.extract.article import extract_article
from kg.extract.merge import Event, merge_events
from kg.extract.records import ArticleExtraction
from kg.nlp.pipeline import build_pipeline
from kg.onto.gazetteer import default_ontology_dir, load_gazetteer
from kg.rdf.mapping import ONTOLOGY_GRAPH, corpus_quads


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

    def entity_counts(self) -> Counter:
        seen = {m.entity for x in self.extractions for m in x.mentions}
        return Counter(e.cls for e in seen)

    def event_counts(self) -> Counter:
        return Counter(f"{e.category}/{e.type}" for e in self.events)


def extract_corpus(
    corpus: Path,
    ontology_dir: Path | None = None,
    on_article: Callable[[str], None] | None = None,
) -> tuple[list[ArticleExtraction], list[Problem]]:
    """Read and extract every article; problems are collected, not raised."""
    folder = str(ontology_dir) if ontology_dir else None
    gaz = load_gazetteer(folder)
    nlp = build_pipeline(folder)
    extractions: list[ArticleExtraction] = []
    problems: list[Problem] = []
    for item in iter_corpus(corpus):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            extractions.append(_extract_one(nlp, gaz, item, problems))
        if on_article:
            on_article(item.file_name)
    return [x for x in extractions if x is not None], problems


def _extract_one(nlp, gaz, article: Article, problems: list[Problem]) -> ArticleExtraction | None:
    try:
        return extract_article(nlp, gaz, article)
    except (ExtractionError, ValueError, IndexError, KeyError) as exc:  # a bug on one article
        problems.append(Problem(article.file_name, f"extraction failed: {type(exc).__name__}: {exc}"))
        return None


def build(
    corpus: Path,
    out: Path,
    ontology_dir: Path | None = None,
    on_article: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the graph and tables of a corpus folder into ``out``."""
    onto = ontology_dir or default_ontology_dir()
    extractions, problems = extract_corpus(corpus, onto, on_article)
    extractions = [x for x in extractions if x is not None]
    events = merge_events([e for x in extractions for e in x.events])
    data = ox_quads(corpus_quads(extractions, events))
    quads = load_ontology_quads(onto, str(ONTOLOGY_GRAPH)) + data
    files = write_dumps(out, quads)
    for name, payload in (
        ("events.jsonl", events_jsonl(events)),
        ("events.csv", events_csv(events)),
        ("entities.jsonl", entities_jsonl(extractions, events)),
    ):
        write_atomic(out / name, payload)
        files[name] = out / name
    report = {
        "articles": [x.article for x in extractions],
        "problems": [str(p) for p in problems],
        "events": len(events),
        "quads": len(set(quads)),
    }
    write_atomic(out / "build-report.json", (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
    files["build-report.json"] = out / "build-report.json"
    triples = len({q.triple for q in quads})
    return BuildResult(
        out=out,
        articles=tuple(x.article for x in extractions),
        problems=tuple(problems),
        events=tuple(events),
        extractions=tuple(extractions),
        triples=triples,
        quads=len(set(quads)),
        files=files,
    )
