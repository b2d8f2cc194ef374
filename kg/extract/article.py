"""One article in, one ArticleExtraction out: the pure heart of the build."""

from __future__ import annotations

from spacy.language import Language

from kg.corpus import Article
from kg.extract.events import ArticleContext, extract_events
from kg.extract.mentions import extract_mentions
from kg.extract.records import ArticleExtraction, EntityRef
from kg.nlp.tokens import doc_tokens
from kg.onto.gazetteer import Gazetteer
from kg.text.dates import find_dateline, find_dates
from kg.text.normalize import fold, strip_definite
from kg.text.numbers import find_numbers


def demonym_index(gaz: Gazetteer) -> dict[str, EntityRef]:
    """NORM key of a nationality adjective → its state (built once per gazetteer).

    The same gazetteer serves every article of a build; rebuilding the index per
    article cost more than some rules. Callers only read the dict.
    """
    cached = _demonyms.get(id(gaz))
    if cached is not None and cached[0] is gaz:
        return cached[1]
    index = _demonym_index(gaz)
    _demonyms.clear()  # one gazetteer per build: keep only the latest
    _demonyms[id(gaz)] = (gaz, index)
    return index


_demonyms: dict[int, tuple[Gazetteer, dict[str, EntityRef]]] = {}


def _demonym_index(gaz: Gazetteer) -> dict[str, EntityRef]:
    out: dict[str, EntityRef] = {}
    for e in gaz.entities:
        for d in e.demonyms_ar:
            out[strip_definite(fold(d))] = EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return out


def extract_article(nlp: Language, gaz: Gazetteer, article: Article) -> ArticleExtraction:
    """Mentions and events of one article (the publication date falls back to a dateline)."""
    published = article.published or find_dateline(article.text)
    doc = nlp(article.text)
    mentions = [
        m
        for m in extract_mentions(doc, gaz, article.file_name, article.article_id)
        if not article.in_boilerplate(m.start, m.end)
    ]
    ctx = ArticleContext(
        article=article.file_name,
        article_id=article.article_id,
        text=article.text,
        published=published,
        mentions=tuple(mentions),
        numbers=tuple(find_numbers(article.text)),
        dates=tuple(find_dates(article.text, published)),
        gazetteer=gaz,
        demonyms=demonym_index(gaz),
    )
    events = [
        e
        for e in extract_events(ctx, doc)
        if not article.in_boilerplate(e.sources[0].start, e.sources[0].end)
    ]
    first_line = next((ln.strip() for ln in article.text.splitlines() if ln.strip()), "")
    return ArticleExtraction(
        article=article.file_name,
        article_id=article.article_id,
        sha256=article.sha256,
        published=published.isoformat() if published else None,
        encoding=article.encoding,
        title=first_line[:300],
        mentions=tuple(mentions),
        events=tuple(events),
        sentence_count=len(doc_tokens(doc).sents),
    )
