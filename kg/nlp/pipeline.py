"""The spaCy pipeline for Arabic news: tokenizer fixes, sentences, NORM, gazetteer.

spaCy's Arabic language splits no proclitic and leaves punctuation glued after
quotes and tanwin; it has no NORM getter. This module adds what matching
needs, as ordinary spaCy components built on request (nothing happens at
import time):

- ``kg_sentences``: sentence starts from line breaks and Arabic/Latin end
  punctuation (headlines have no full stop; seed 004 separates with ".,").
- ``kg_norm``: every token's NORM is its folded form with the definite article
  removed, and a proclitic (و ف ب ل ك لل بال …) removed only when what remains
  is a word the gazetteer or the trigger lexicon knows. Blind stripping damages
  names (واشنطن, بغداد, كركوك); this keeps them whole.
- ``kg_gazetteer``: a PhraseMatcher on NORM compiled from the gazetteer's
  Arabic labels; matches become ``doc.spans["gazetteer"]`` with the entity IRI
  as ``kb_id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from kg.nlp.tokens import doc_text
from kg.onto.gazetteer import Gazetteer, load_gazetteer
from kg.text.normalize import clitic_variants, enclitic_variants, fold, strip_definite

# Sentence ends: . ! ? ؟ (optionally followed by closing quotes/brackets), or a line break.
_SENT_END = re.compile(r"""([.!?؟]+["”’»)\]]*)(?=[\s,،]|$)|\n+""")
_QUOTES = r"""["“”«»„‟'‘’]"""


def segment_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over the original text, without surrounding space.

    Splits at line breaks and at end punctuation followed by space or a comma
    (seed 004 joins its sentences with ".,"). Numbers like 3.5 do not split.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end() if m.group(1) else m.start()
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and (text[start].isspace() or text[start] in ",،"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))


def _customise_tokenizer(nlp: Language) -> None:
    """Split glued punctuation and tatweel-joined proclitics (بـ"قوات → بـ " قوات)."""
    prefixes = [r"[وفبلك]ـ+", _QUOTES, r"[(\[]"] + list(nlp.Defaults.prefixes or [])
    suffixes = [r"[.,،؛:!؟?]+", _QUOTES, r"[)\]]"] + list(nlp.Defaults.suffixes or [])
    infixes = [r"(?<=[\u0600-\u06FF])[\"“”«»](?=[\u0600-\u06FF])", r"(?<=\w)[/](?=\w)"]
    infixes += list(nlp.Defaults.infixes or [])
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    """Mark sentence starts from :func:`segment_sentences` (character spans → tokens).

    All starts are written in one ``from_array`` call: setting ``is_sent_start`` token
    by token re-checks the whole document each time (quadratic on long articles).
    """
    if not len(doc):
        return doc
    starts = sorted(s for s, _ in segment_sentences(doc_text(doc)))
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


def norm_key(word: str, known: frozenset[str]) -> str:
    """The matching key of one token: folded, proclitic stripped only onto a known word."""
    folded = fold(word).strip("ـ")
    variants = clitic_variants(folded)
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

    def __init__(self, known: frozenset[str]):
        self.known = known
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
                norm = norms[orth] = strings.add(norm_key(strings[orth], self.known))
            values.append(norm)
        doc.from_array([NORM], numpy.array(values, dtype="uint64").reshape(-1, 1))
        return doc


class GazetteerComponent:
    """PhraseMatcher on NORM over every Arabic label of the gazetteer.

    Overlapping matches resolve to the longest (so "واشنطن بوست" is the
    newspaper, not Washington), then the earliest.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer, norm: NormComponent):
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.gazetteer = gazetteer
        by_key: dict[str, list[Doc]] = {}
        # one-word labels by NORM and definiteness: "سورية" (Syria) is not "السورية" (Syrian)
        self.single: dict[tuple[str, str], set[bool]] = {}
        for entity in gazetteer.entities:
            for label in entity.labels_ar:
                pattern = norm(nlp.make_doc(label))
                if len(pattern):
                    by_key.setdefault(entity.iri, []).append(pattern)
                if len(pattern) == 1 and entity.cls != "Weapon":  # "الصاروخية" is still rockets
                    self.single.setdefault((entity.iri, pattern[0].norm_), set()).add(
                        _definite_surface(label)
                    )
        for iri in sorted(by_key):
            self.matcher.add(iri, by_key[iri])

    def __call__(self, doc: Doc) -> Doc:
        # Match on a view without quote marks and tatweel-joined proclitics, so that
        # كتائب “حزب الله” and لـ"حزب الله" match like plain text; map indices back.
        strings = doc.vocab.strings
        attrs = doc.to_array([ORTH, NORM, SENT_START])
        texts = [strings[orth] for orth in attrs[:, 0].tolist()]
        keep = [i for i, text in enumerate(texts) if not _TRANSPARENT.match(text)]
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
                    and _definite_surface(doc[first].text, doc[first].norm_) not in forms
                ):
                    continue
            spans.append(Span(doc, first, last + 1, label=entity.cls, kb_id=iri))
        doc.spans["gazetteer"] = _longest_first(spans)
        return doc


_TRANSPARENT = re.compile(r"""^(?:["“”«»„‟'‘’]+|[وفبلك]ـ+)$""")


def _definite_surface(word: str, norm: str | None = None) -> bool:
    """The word carries the definite article (after a proclitic: والقائم, للقائم)."""
    f = fold(word).strip("ـ")
    if norm is None:
        return f.startswith("ال")
    return f.startswith("ال") or any(
        v.startswith("ال") and strip_definite(v) == norm for v in clitic_variants(f)
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


def known_words(nlp: Language, gazetteer: Gazetteer, extra_words: Iterable[str]) -> frozenset[str]:
    """Folded words a proclitic may be stripped onto: label words and lexicon words."""
    known: set[str] = set()
    words = [
        tok.text for e in gazetteer.entities for label in e.labels_ar for tok in nlp.make_doc(label)
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


@Language.factory("kg_norm", default_config={"ontology_dir": None})
def make_norm(nlp: Language, name: str, ontology_dir: str | None) -> NormComponent:
    from kg.extract.lexicon import LEXICON_WORDS

    gazetteer = load_gazetteer(ontology_dir)
    return NormComponent(known_words(nlp, gazetteer, LEXICON_WORDS))


@Language.factory("kg_gazetteer", default_config={"ontology_dir": None})
def make_gazetteer(nlp: Language, name: str, ontology_dir: str | None) -> GazetteerComponent:
    norm = nlp.get_pipe("kg_norm")
    return GazetteerComponent(nlp, load_gazetteer(ontology_dir), norm)


def build_pipeline(ontology_dir: str | None = None) -> Language:
    """A blank Arabic pipeline with kg's tokenizer fixes and components.

    ``ontology_dir`` is the folder holding gazetteer.ttl (default: the
    repository's ontology/).
    """
    nlp = spacy.blank("ar")
    _customise_tokenizer(nlp)
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_norm", config={"ontology_dir": ontology_dir})
    nlp.add_pipe("kg_gazetteer", config={"ontology_dir": ontology_dir})
    return nlp
