"""The spaCy pipeline for news in one language: tokenizer fixes, sentences, NORM, gazetteer.

The language (a :class:`kg.lang.Language`, Arabic by default) says which spaCy
language class to start from, what its tokenizer must also split, where its
sentences end, how its words fold and which clitics NORM may strip. spaCy's Arabic
language splits no proclitic and leaves punctuation glued after quotes and
tanwin; it has no NORM getter. This module adds what matching needs, as ordinary
spaCy components built on request (nothing happens at import time):

- ``kg_sentences``: sentence starts from line breaks and the language's end
  punctuation (headlines have no full stop; seed 004 separates with ".,"); it also
  records the doc's language for the rules (``doc.user_data``).
- ``kg_norm``: every token's NORM is its folded form with the definite article
  removed, and a proclitic (و ف ب ل ك لل بال …) removed only when what remains
  is a word the gazetteer or the trigger lexicon knows. Blind stripping damages
  names (واشنطن, بغداد, كركوك); this keeps them whole.
- ``kg_gazetteer``: a PhraseMatcher on NORM compiled from the gazetteer's
  labels in the language; matches become ``doc.spans["gazetteer"]`` with the
  entity IRI as ``kb_id``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, NORM, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

import kg.lang as kglang
from kg.pipeline.nlp.tokens import LANGUAGE_KEY, doc_text
from kg.vocab.gazetteer import Gazetteer, load_gazetteer

_QUOTES = r"""["“”«»„‟'‘’]"""


def segment_sentences(
    text: str, language: str | kglang.Language | None = None
) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over the original text, without surrounding space.

    Splits at line breaks and at the language's end punctuation (its
    ``sentence_end``) followed by space or a comma (seed 004 joins its sentences
    with ".,"). Numbers like 3.5 do not split.
    """
    lang = kglang.get(language)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in lang.sentence_end.finditer(text):
        end = m.end() if m.group(1) else m.start()
        _add_long_span(text, start, end, spans, lang.sentence_trim)
        start = m.end()
    _add_long_span(text, start, len(text), spans, lang.sentence_trim)
    return spans


MAX_SENTENCE_CHARS = 10_000
"""A longer stretch without a sentence end or a line break is cut (at a space) into
sentences of at most this many characters: the rules relate the words of a sentence
pairwise, so their time grows with the square of a sentence's length."""


def _add_long_span(
    text: str, start: int, end: int, spans: list[tuple[int, int]], trim: str | None = None
) -> None:
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = next(
            (
                k + 1
                for k in range(limit - 1, limit - MAX_SENTENCE_CHARS // 2, -1)
                if text[k].isspace()
            ),
            limit,
        )
        _add_span(text, start, cut, spans, trim)
        start = cut
    _add_span(text, start, end, spans, trim)


def _add_span(
    text: str, start: int, end: int, spans: list[tuple[int, int]], trim: str | None = None
) -> None:
    """Add text[start:end] as a sentence, without space (and ``trim``, default: the
    default language's ``sentence_trim``) around it, if it holds a letter or digit."""
    if trim is None:
        trim = kglang.get().sentence_trim
    while start < end and (text[start].isspace() or text[start] in trim):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))


def _customise_tokenizer(nlp: Language, lang: kglang.Language) -> None:
    """Split glued punctuation and quote marks, and what the language adds (for Arabic:
    tatweel-joined proclitics, بـ"قوات → بـ " قوات).

    The tokenizer is also made linear in the length of a text (see
    :class:`BoundedTokenizer` and :func:`tail_suffix_search`); the tokens of ordinary
    text are the ones spaCy gives.
    """
    prefixes = [*lang.token_prefixes, _QUOTES, r"[(\[]"] + list(nlp.Defaults.prefixes or [])
    suffixes = [*lang.token_suffixes, _QUOTES, r"[)\]]"] + list(nlp.Defaults.suffixes or [])
    infixes = [*lang.token_infixes, r"(?<=\w)[/](?=\w)"]
    infixes += list(nlp.Defaults.infixes or [])
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = tail_suffix_search(suffixes)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)


# --- a tokenizer linear in the length of the text ---------------------------------------
#
# spaCy splits a whitespace-free run one affix at a time, and each step searches the
# whole rest of the run for a suffix (a regex ending in "$" is tried at every position)
# and copies it: a run of 40,000 "&", "*", "«" or emoji took 79 s. Two changes make it
# linear without changing the tokens of ordinary text:
#
# - the suffix search looks at the last SUFFIX_WINDOW characters only, falling back to
#   the whole string in the one case where a longer suffix could exist (below);
# - a run longer than MAX_RUN characters is tokenized in pieces of MAX_RUN characters,
#   so the copies spaCy makes at each step are bounded too.

SUFFIX_WINDOW = 16
"""Characters at the end of a string in which the suffix rules are searched first (more
than the widest bounded suffix rule, a unit after a number: 5)."""
MAX_RUN = 1000
"""Longest whitespace-free run tokenized in one piece (a URL is shorter; "&" × 40,000 is not)."""

try:  # the regex parser of the standard library (named sre_parse before Python 3.11)
    from re import _parser as _re_parser
except ImportError:  # pragma: no cover
    import sre_parse as _re_parser  # type: ignore[no-redef]


def _single_char(node) -> bool:
    op = node[0]
    return op in (_re_parser.LITERAL, _re_parser.IN, _re_parser.ANY)


def _tail_safe(pattern: str, window: int) -> bool:
    """Whether every match of ``pattern + "$"`` starting before the last ``window``
    characters implies one starting exactly there.

    True for a pattern at most ``window - 1`` characters wide (its matches all start
    inside the window), and for a run of one character class ("[.,،]+", "\\.\\.+":
    if it matches from before the window, it matches from the window's first
    character). Anything else (a lookbehind on an unbounded pattern, two classes) is
    not known to be safe.
    """
    parsed = _re_parser.parse(pattern)
    if parsed.getwidth()[1] < window:
        return True
    items = list(parsed)
    atoms = []
    for op, arg in items:
        if op in (_re_parser.MAX_REPEAT, _re_parser.MIN_REPEAT):
            lo, _hi, sub = arg
            if len(sub) != 1 or not _single_char(sub[0]):
                return False
            atoms.append(repr(sub[0]))
        elif _single_char((op, arg)):
            atoms.append(repr((op, arg)))
        else:
            return False
    return len(set(atoms)) == 1 and parsed.getwidth()[0] <= window


def tail_suffix_search(suffixes: list[str], window: int = SUFFIX_WINDOW):
    """``compile_suffix_regex(suffixes).search``, searching the last ``window``
    characters first.

    spaCy only uses where the match starts (a suffix always ends the string), and
    ``re.search`` returns the leftmost match. A match found in the window that starts
    after the window's first character is the leftmost one when every suffix rule is
    :func:`_tail_safe`: a match starting further left would imply one at the window's
    first character. When the window's first character starts a match, the whole
    string is searched (a long run of dots is one suffix, found in one search). If a
    rule is not known to be safe, the plain search is returned.
    """
    search = compile_suffix_regex(suffixes).search
    if not all(_tail_safe(p, window) for p in suffixes):
        return search

    def tail_search(string: str):
        pos = len(string) - window
        if pos <= 0:
            return search(string)
        m = search(string, pos)  # lookbehinds still see the characters before pos
        if m is not None and m.start() == pos:
            return search(string)
        return m

    tail_search.window = window  # type: ignore[attr-defined]
    return tail_search


_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=4)
def _long_run(max_run: int) -> re.Pattern[str]:
    # a whitespace-free run longer than max_run (spaCy splits at str.isspace, which is
    # what \s matches); the lookbehind makes the search try the starts of runs only
    return re.compile(rf"(?<!\S)\S{{{max_run + 1}}}")


def long_run_cuts(text: str, max_run: int = MAX_RUN) -> list[int]:
    """Offsets that cut every whitespace-free run longer than ``max_run`` into pieces
    of ``max_run`` characters (none for ordinary text)."""
    finder = _long_run(max_run)
    cuts: list[int] = []
    pos = 0
    while (m := finder.search(text, pos)) is not None:
        space = _SPACE.search(text, m.end())
        end = space.start() if space is not None else len(text)
        cuts.extend(range(m.start() + max_run, end, max_run))
        pos = end
    return cuts


class BoundedTokenizer:
    """spaCy's tokenizer, with whitespace-free runs over ``max_run`` characters cut.

    Text without such a run goes to spaCy's tokenizer as it is. Otherwise the text is
    tokenized in pieces cut inside the long runs only, and the pieces' docs are
    joined (the text, and so every offset, is unchanged). Every other attribute is the
    wrapped tokenizer's.
    """

    def __init__(self, tokenizer, max_run: int = MAX_RUN):
        self.tokenizer = tokenizer
        self.max_run = max_run

    def __call__(self, text: str) -> Doc:
        cuts = long_run_cuts(text, self.max_run)
        if not cuts:
            return self.tokenizer(text)
        bounds = [0, *cuts, len(text)]
        cols = [
            self.tokenizer(text[a:b]).to_array([ORTH, SPACY])
            for a, b in zip(bounds, bounds[1:], strict=False)
        ]
        orths, spaces = numpy.concatenate([c for c in cols if len(c)]).T.tolist()
        strings = self.tokenizer.vocab.strings
        # (Doc.from_docs would also keep a special case's NORM; kg_norm sets every NORM)
        return Doc(
            self.tokenizer.vocab,
            words=[strings[o] for o in orths],
            spaces=[bool(x) for x in spaces],
        )

    def pipe(self, texts: Iterable[str], batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


class SentenceComponent:
    """Mark sentence starts from :func:`segment_sentences` (character spans → tokens),
    and record the doc's language (``doc.user_data[LANGUAGE_KEY]``) for the rules.

    All starts are written in one ``from_array`` call: setting ``is_sent_start`` token
    by token re-checks the whole document each time (quadratic on long articles).
    """

    def __init__(self, language: kglang.Language):
        self.lang = language

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[LANGUAGE_KEY] = self.lang.code
        return _mark_sentences(doc, self.lang)


@Language.factory("kg_sentences", default_config={"language": None})
def make_sentences(nlp: Language, name: str, language: str | None) -> SentenceComponent:
    return SentenceComponent(kglang.get(language))


def _mark_sentences(doc: Doc, lang: kglang.Language) -> Doc:
    if not len(doc):
        return doc
    starts = sorted(s for s, _ in segment_sentences(doc_text(doc), lang))
    # token offsets and lengths as plain ints: Token objects cost more than the test
    offsets, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
    values = numpy.full(len(doc), -1, dtype="int64")  # -1: not a start
    values[0] = 1
    k = 0
    for i, idx in enumerate(offsets):
        # a boundary is a sentence start at this token, or one in the space before it
        while k < len(starts) and starts[k] < idx:
            k += 1
        if i == 0:
            continue
        if k < len(starts) and starts[k] == idx:
            values[i] = 1
        else:
            prev_end = offsets[i - 1] + lengths[i - 1]
            if any(prev_end <= s <= idx for s in starts[max(0, k - 1) : k + 1]):
                values[i] = 1
    doc.from_array([SENT_START], values.view("uint64").reshape(-1, 1))
    return doc


def norm_key(word: str, known: frozenset[str], language: kglang.Language | None = None) -> str:
    """The matching key of one token: folded, proclitic stripped only onto a known word."""
    lang = kglang.get(language)
    strip_definite, enclitic_variants = lang.strip_definite, lang.enclitic_variants
    folded = lang.fold(word)
    variants = lang.clitic_variants(folded)
    for variant in variants:
        key = strip_definite(variant)
        if variant in known or key in known:
            return key
    # a pronoun suffix: "انسحابها", "وسلمتها", "قواعدها" reach the known word
    for variant in variants:
        for stem in enclitic_variants(variant):
            key = strip_definite(stem)
            if stem in known or key in known:
                return key
    return strip_definite(folded)


class NormComponent:
    """Sets NORM for every token (see module docstring).

    :func:`norm_key` is pure and an article repeats its words, so keys are kept per
    word (by ORTH hash, as the NORM hash) and written in one ``from_array`` call.
    """

    def __init__(self, known: frozenset[str], language: kglang.Language | None = None):
        self.known = known
        self.lang = kglang.get(language)
        self._vocab = None
        self._norms: dict[int, int] = {}  # ORTH hash → NORM hash, for self._vocab

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        if doc.vocab is not self._vocab:  # hashes are only valid in their own StringStore
            self._vocab, self._norms = doc.vocab, {}
        norms = self._norms
        values = []
        for orth in doc.to_array(ORTH).tolist():
            norm = norms.get(orth)
            if norm is None:
                norm = norms[orth] = strings.add(norm_key(strings[orth], self.known, self.lang))
            values.append(norm)
        doc.from_array([NORM], numpy.array(values, dtype="uint64").reshape(-1, 1))
        return doc


class GazetteerComponent:
    """PhraseMatcher on NORM over every label of the gazetteer in the language (of the
    NORM component).

    Overlapping matches resolve to the longest (so "واشنطن بوست" is the
    newspaper, not Washington), then the earliest.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer, norm: NormComponent):
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.gazetteer = gazetteer
        self.lang = lang = norm.lang
        self.transparent = re.compile(
            r"^(?:" + "|".join([_QUOTES + "+", *lang.transparent_tokens]) + r")$"
        )
        by_key: dict[str, list[Doc]] = {}
        # one-word labels by NORM and definiteness: "سورية" (Syria) is not "السورية" (Syrian)
        self.single: dict[tuple[str, str], set[bool]] = {}
        for entity in gazetteer.entities:
            for label in entity.labels(lang.code):
                pattern = norm(nlp.make_doc(label))
                if len(pattern):
                    by_key.setdefault(entity.iri, []).append(pattern)
                if len(pattern) == 1 and entity.cls != "Weapon":  # "الصاروخية" is still rockets
                    self.single.setdefault((entity.iri, pattern[0].norm_), set()).add(
                        _definite_surface(lang, label)
                    )
        for iri in sorted(by_key):
            self.matcher.add(iri, by_key[iri])

    def __call__(self, doc: Doc) -> Doc:
        # Match on a view without quote marks and tatweel-joined proclitics, so that
        # كتائب “حزب الله” and لـ"حزب الله" match like plain text; map indices back.
        strings = doc.vocab.strings
        attrs = doc.to_array([ORTH, NORM, SENT_START])
        texts = [strings[orth] for orth in attrs[:, 0].tolist()]
        keep = [i for i, text in enumerate(texts) if not self.transparent.match(text)]
        view = Doc(doc.vocab, words=[texts[i] for i in keep])
        if keep:
            view.from_array([NORM], attrs[keep, 1].reshape(-1, 1))
        sent_starts = (attrs[:, 2].view("int64") == 1).tolist()
        spans = []
        for match_id, start, end in self.matcher(view):
            iri = doc.vocab.strings[match_id]
            entity = self.gazetteer.by_iri[iri]
            first, last = keep[start], keep[end - 1]
            if any(sent_starts[first + 1 : last + 1]):  # the name crosses a sentence end
                continue
            if first == last:
                forms = self.single.get((iri, doc[first].norm_))
                if (
                    forms is not None
                    and _definite_surface(self.lang, doc[first].text, doc[first].norm_) not in forms
                ):
                    continue
            spans.append(Span(doc, first, last + 1, label=entity.cls, kb_id=iri))
        doc.spans["gazetteer"] = _longest_first(spans)
        return doc


def _definite_surface(lang: kglang.Language, word: str, norm: str | None = None) -> bool:
    """The word carries the definite article (after a proclitic: والقائم, للقائم); never,
    in a language whose lexicon has no article prefix (``DEFINITE_ARTICLE = ""``)."""
    article = lang.lexicon.DEFINITE_ARTICLE
    if not article:
        return False
    f = lang.fold(word)
    if norm is None:
        return f.startswith(article)
    return f.startswith(article) or any(
        v.startswith(article) and lang.strip_definite(v) == norm for v in lang.clitic_variants(f)
    )


def _longest_first(spans: Iterable[Span]) -> list[Span]:
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end_char - s.start_char), s.start, s.kb_id_)):
        if taken.intersection(range(span.start, span.end)):
            continue
        chosen.append(span)
        taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def known_words(
    nlp: Language,
    gazetteer: Gazetteer,
    extra_words: Iterable[str],
    language: kglang.Language | None = None,
) -> frozenset[str]:
    """Folded words a proclitic may be stripped onto: label words and lexicon words."""
    lang = kglang.get(language)
    fold, strip_definite, clitic_variants = lang.fold, lang.strip_definite, lang.clitic_variants
    known: set[str] = set()
    words = [
        tok.text
        for e in gazetteer.entities
        for label in e.labels(lang.code)
        for tok in nlp.make_doc(label)
    ]
    for word in [*words, *extra_words]:
        f = fold(word)
        known.add(f)
        known.add(strip_definite(f))
    known = {w for w in known if len(w) >= 2}
    # A label may hold a word with a proclitic ("الموالية لإيران"); that form must not stop
    # "لإيران" elsewhere from reaching "ايران". Keep a word whole only if no shorter
    # reading of it is itself known.
    glued = {w for w in known if any(v != w and v in known for v in clitic_variants(w)[1:])}
    return frozenset(known - glued)


@Language.factory("kg_norm", default_config={"ontology_dir": None, "language": None})
def make_norm(
    nlp: Language, name: str, ontology_dir: str | None, language: str | None
) -> NormComponent:
    lang = kglang.get(language)
    gazetteer = load_gazetteer(ontology_dir)
    return NormComponent(known_words(nlp, gazetteer, lang.lexicon.LEXICON_WORDS, lang), lang)


@Language.factory("kg_gazetteer", default_config={"ontology_dir": None})
def make_gazetteer(nlp: Language, name: str, ontology_dir: str | None) -> GazetteerComponent:
    norm = nlp.get_pipe("kg_norm")
    return GazetteerComponent(nlp, load_gazetteer(ontology_dir), norm)


def build_pipeline(ontology_dir: str | None = None, language: str | None = None) -> Language:
    """A blank pipeline of the language (``kg.lang.get(language)``: Arabic by default)
    with kg's tokenizer fixes and components.

    ``ontology_dir`` is the folder holding gazetteer.ttl (default: the
    repository's ontology/). The language's code is kept in ``nlp.meta["kg_language"]``
    (see :func:`pipeline_language`).
    """
    lang = kglang.get(language)
    nlp = spacy.blank(lang.spacy_lang)
    nlp.meta["kg_language"] = lang.code
    _customise_tokenizer(nlp, lang)
    nlp.add_pipe("kg_sentences", config={"language": lang.code})
    nlp.add_pipe("kg_norm", config={"ontology_dir": ontology_dir, "language": lang.code})
    nlp.add_pipe("kg_gazetteer", config={"ontology_dir": ontology_dir})
    return nlp


def pipeline_language(nlp: Language) -> kglang.Language:
    """The language a pipeline of :func:`build_pipeline` reads."""
    return kglang.get(nlp.meta.get("kg_language"))
