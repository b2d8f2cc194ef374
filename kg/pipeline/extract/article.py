"""One article in, one ArticleExtraction out: the pure heart of the build."""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.language import Language

import kg.lang as kglang
from kg.pipeline.corpus import Article
from kg.pipeline.extract import budget
from kg.pipeline.extract.events import ArticleContext, extract_events
from kg.pipeline.extract.mentions import extract_mentions
from kg.pipeline.extract.records import ArticleExtraction, EntityRef, EventRecord, Evidence, Mention
from kg.pipeline.nlp.pipeline import pipeline_language
from kg.pipeline.nlp.tokens import doc_tokens
from kg.vocab.gazetteer import Gazetteer


def demonym_index(gaz: Gazetteer, language: kglang.Language | None = None) -> dict[str, EntityRef]:
    """NORM key of a nationality adjective (in the language) → its state (built once per
    gazetteer and language).

    The same gazetteer serves every article of a build; rebuilding the index per
    article cost more than some rules. Callers only read the dict.
    """
    lang = kglang.get(language)
    cached = _demonyms.get((id(gaz), lang.code))
    if cached is not None and cached[0] is gaz and cached[1] is lang:
        return cached[2]
    index = _demonym_index(gaz, lang)
    _demonyms.clear()  # one gazetteer per build: keep only the latest
    _demonyms[(id(gaz), lang.code)] = (gaz, lang, index)
    return index


_demonyms: dict[tuple[int, str], tuple[Gazetteer, kglang.Language, dict[str, EntityRef]]] = {}


def _demonym_index(gaz: Gazetteer, lang: kglang.Language) -> dict[str, EntityRef]:
    out: dict[str, EntityRef] = {}
    for e in gaz.entities:
        for d in e.demonyms(lang.code):
            key = lang.strip_definite(lang.fold(d))
            out[key] = EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return out


PART_CHARS = 100_000
"""Longest text extracted in one piece: a longer article (real news is under 50,000
characters) is read in parts of whole paragraphs (see :func:`text_parts`)."""


def _cut(text: str, start: int, limit: int, part_end: re.Pattern[str]) -> int:
    """Where a part that starts at ``start`` ends: at most ``limit``, and after a blank
    line, a line break, a sentence end, or a space in the second half if there is one."""
    low = start + (limit - start) // 2
    for sep in ("\n\n", "\n"):
        k = text.rfind(sep, low, limit)
        if k != -1:
            return k + len(sep)
    last = None
    for m in part_end.finditer(text, low, limit):
        last = m
    if last is not None:
        return last.end()
    for k in range(limit - 1, low - 1, -1):
        if text[k].isspace():
            return k + 1
    return limit


def text_parts(
    text: str, size: int | None = None, language: str | kglang.Language | None = None
) -> list[tuple[int, int]]:
    """(start, end) of the parts of ``text`` that are extracted one by one: one part
    when the text has at most ``size`` characters (default :data:`PART_CHARS`), else
    parts of at most ``size`` characters that end at a paragraph, a line, a sentence (the
    language's ``part_end``) or a space where possible.

    The parts cover the text exactly; offsets found in a part are shifted back to the
    text, so they still slice it. A sentence or a line never spans two parts (a part
    ends after a line break or a sentence end unless there is none in its second
    half). What a rule relates across sentences (a continuation, a reply, the same
    withdrawal described again) is not related across parts.
    """
    size = PART_CHARS if size is None else size
    part_end = kglang.get(language).part_end
    parts = []
    start = 0
    while len(text) - start > size:
        end = _cut(text, start, start + size, part_end)
        parts.append((start, end))
        start = end
    parts.append((start, len(text)))
    return parts


def extract_article(
    nlp: Language, gaz: Gazetteer, article: Article, *, deadline: float | None = None
) -> ArticleExtraction:
    """Mentions and events of one article (the publication date falls back to a dateline,
    and ``published_source`` says which gave it).

    The article is read in its language (``article.language``), which must be the one
    ``nlp`` was built for (:func:`kg.pipeline.nlp.pipeline.build_pipeline`). An article longer than :data:`PART_CHARS` is extracted in parts (:func:`text_parts`):
    time and memory grow linearly with its length. ``deadline`` (a ``time.monotonic()``
    value): raise :class:`~kg.pipeline.extract.budget.ArticleTimeout` when it passes (checked
    between parts, pipeline steps and sentences).
    """
    lang = kglang.get(article.language)
    if pipeline_language(nlp) is not lang:
        raise ValueError(
            f"{article.file_name}: an article in {lang.code!r} given to a pipeline for "
            f"{pipeline_language(nlp).code!r}"
        )
    # the manifest's date wins; without one, the date the text itself gives at its top
    # (a dateline "البصرة - 03-05-2021 -", a date line "نشر في: …"), never a date in a sentence
    dateline = lang.find_dateline_span(article.text)
    from_text = dateline.earliest if dateline is not None else lang.find_dateline(article.text)
    published = article.published or from_text
    source = "manifest" if article.published else "dateline" if published else None
    # the dateline's own date expression dates the article, never an event in its sentence
    skip = (dateline.start, dateline.end) if dateline is not None else None
    mentions: list[Mention] = []
    events: list[EventRecord] = []
    sentences = 0
    made = 0  # events made in the parts before (boilerplate ones included): the ids' base
    for start, end in text_parts(article.text, language=lang):
        budget.check(deadline)
        text = article.text if (start, end) == (0, len(article.text)) else article.text[start:end]
        part_mentions, part_events, count, n_sent = _extract_part(
            nlp, gaz, article, text, start, published, deadline, lang, skip
        )
        if start or made:
            part_mentions = [_shift_mention(m, start) for m in part_mentions]
            part_events = [_shift_event(e, start, made, article.article_id) for e in part_events]
        mentions += part_mentions
        events += part_events
        sentences += n_sent
        made += count
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
        sentence_count=sentences,
        language=lang.code,
        published_source=source,
    )


def _extract_part(
    nlp: Language,
    gaz: Gazetteer,
    article: Article,
    text: str,
    offset: int,
    published,
    deadline: float | None,
    lang: kglang.Language,
    skip: tuple[int, int] | None = None,
) -> tuple[list[Mention], list[EventRecord], int, int]:
    """Mentions and events of the part ``text`` that starts at ``offset`` (their offsets
    in ``text``; boilerplate left out), the number of events made, the sentences.
    ``skip``: the article's dateline (offsets in the article): neither its date nor its
    digits are the story's."""
    if deadline is None:
        doc = nlp(text)
    else:  # the pipeline's steps one by one, with the deadline checked between them
        doc = nlp.make_doc(text)
        for _name, proc in nlp.pipeline:
            budget.check(deadline)
            doc = proc(doc)
    budget.check(deadline)
    mentions = [
        m
        for m in extract_mentions(doc, gaz, article.file_name, article.article_id)
        if not article.in_boilerplate(m.start + offset, m.end + offset)
    ]
    budget.check(deadline)
    ctx = ArticleContext(
        article=article.file_name,
        article_id=article.article_id,
        text=text,
        published=published,
        mentions=tuple(mentions),
        numbers=tuple(n for n in lang.find_numbers(text) if not _inside(n, offset, skip)),
        dates=tuple(d for d in lang.find_dates(text, published) if not _inside(d, offset, skip)),
        gazetteer=gaz,
        demonyms=demonym_index(gaz, lang),
    )
    made = extract_events(ctx, doc, deadline=deadline)
    events = [
        e
        for e in made
        if not article.in_boilerplate(e.sources[0].start + offset, e.sources[0].end + offset)
    ]
    return mentions, events, len(made), len(doc_tokens(doc).sents)


def _inside(span, offset: int, skip: tuple[int, int] | None) -> bool:
    """A number or date of a part (starting at ``offset``) overlaps the dateline ``skip``
    (article offsets): the dateline's digits and date are metadata, not the story's."""
    return skip is not None and span.start + offset < skip[1] and skip[0] < span.end + offset


def _shift_evidence(ev: Evidence, offset: int) -> Evidence:
    return replace(ev, start=ev.start + offset, end=ev.end + offset)


def _shift_mention(m: Mention, offset: int) -> Mention:
    return replace(m, start=m.start + offset, end=m.end + offset)


def _renumber(local_id: str, base: int, article_id: str) -> str:
    head, _, n = local_id.rpartition("#")
    return f"{head}#{int(n) + base}" if head == article_id and n.isdigit() else local_id


def _shift_event(e: EventRecord, offset: int, base: int, article_id: str) -> EventRecord:
    """An event of a part as an event of the article: offsets shifted by ``offset``,
    its id and the ids it refers to numbered after the ``base`` events made before."""
    return replace(
        e,
        local_id=_renumber(e.local_id, base, article_id),
        roles=tuple(replace(r, evidence=_shift_evidence(r.evidence, offset)) for r in e.roles),
        responsibility=tuple(
            replace(r, evidence=_shift_evidence(r.evidence, offset)) for r in e.responsibility
        ),
        casualties=tuple(
            replace(c, evidence=_shift_evidence(c.evidence, offset)) for c in e.casualties
        ),
        sources=tuple(_shift_evidence(ev, offset) for ev in e.sources),
        retaliation_for=tuple(_renumber(x, base, article_id) for x in e.retaliation_for),
        same_as=tuple(_renumber(x, base, article_id) for x in e.same_as),
    )
