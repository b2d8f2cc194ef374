"""Token attributes of a processed doc as plain Python lists, read once per doc.

The extraction rules look at the NORM, text and offset of neighbouring tokens
hundreds of times per sentence. ``doc[i]`` creates a Token object on every
access, ``doc.sents`` builds every sentence Span again on every access and
``doc.text`` joins the whole text again; a list lookup costs a fraction of
that. :func:`doc_tokens` reads everything once (one ``to_array`` call) and keeps
the table in the doc's ``user_data``, so every rule of one article shares it.

The table is a snapshot: it is valid for a doc the pipeline has finished with,
which is all the extraction rules ever see (they never change a doc). It also
carries the doc's language (``lang``, a :class:`kg.lang.Language`), which the
pipeline records on the doc: the rules read their words through it.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

from spacy.attrs import IDX, LENGTH, NORM, ORTH, SENT_START, SPACY
from spacy.tokens import Doc

import kg.lang as kglang

_KEY = "kg.tokens"
_TEXT_KEY = "kg.text"
LANGUAGE_KEY = "kg.language"
"""``doc.user_data[LANGUAGE_KEY]``: the code of the language the doc was read in (set by
the pipeline's first component; a doc without it is in :data:`kg.lang.DEFAULT`)."""


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per doc from the ORTH and SPACY columns and kept.

    ``doc.text`` joins ``text_with_ws`` over Token objects on every access; a doc's
    text never changes (retokenizing keeps the characters), so one join serves the
    pipeline components and the rules.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        strings = doc.vocab.strings
        if len(doc):
            orths, spaces = doc.to_array([ORTH, SPACY]).T.tolist()
        else:
            orths, spaces = [], []
        text = "".join(
            [
                strings[o] + " " if space else strings[o]
                for o, space in zip(orths, spaces, strict=True)
            ]
        )
        doc.user_data[_TEXT_KEY] = text
    return text


class Sentence(NamedTuple):
    """A sentence of the doc: what the rules read of its Span, as plain values
    (a Span would also keep the doc alive from the table stored in the doc)."""

    start: int  # token indices
    end: int
    start_char: int
    end_char: int
    text: str


class DocTokens:
    """Per-token text, NORM, start and end offsets, and the sentences of one doc.

    ``lang`` is the doc's language; ``norm[i] == doc[i].norm_``, ``text[i] == doc[i].text``, ``idx[i] == doc[i].idx``,
    ``end[i] == doc[i].idx + len(doc[i].text)``; ``sents`` are the doc's sentences
    (as ``doc.sents`` gives them, read from the SENT_START column; an empty doc raises
    spaCy's error, as ``doc.sents`` does) and ``sent_of[i]`` is the number of the
    sentence holding token i.
    """

    __slots__ = (
        "_doc",
        "lang",
        "text",
        "norm",
        "idx",
        "end",
        "sents",
        "sent_of",
        "doc_text",
        "_folded",
        "_at",
    )

    def __init__(self, doc: Doc):
        strings = doc.vocab.strings
        # a weak reference: the doc keeps the table, the table must not keep the doc alive
        self._doc = weakref.ref(doc)
        self.lang: kglang.Language = kglang.get(doc.user_data.get(LANGUAGE_KEY))
        self.doc_text: str = doc_text(doc)
        n = len(doc)
        if n:
            cols = doc.to_array([ORTH, NORM, IDX, LENGTH, SENT_START]).T
            orths, norms, idx, lengths = cols[:4].tolist()
            sent_starts = cols[4].view("int64").tolist()
        else:
            orths, norms, idx, lengths, sent_starts = [], [], [], [], []
        self.text: list[str] = [strings[h] for h in orths]
        self.norm: list[str] = [strings[h] for h in norms]
        self.idx: list[int] = idx
        self.end: list[int] = [i + k for i, k in zip(idx, lengths, strict=True)]
        self.sents: list[Sentence] = []
        self.sent_of: list[int] = [0] * n
        if not (n == 1 or any(sent_starts[1:])) or "sents" in doc.user_hooks:
            bounds = [(s.start, s.end) for s in doc.sents]  # spaCy's own answer (or error)
        else:
            # doc.sents without building Spans or its has_annotation scan over Tokens
            firsts = [0] + [i for i in range(1, n) if sent_starts[i] == 1]
            bounds = list(zip(firsts, [*firsts[1:], n], strict=True))
        for number, (start, end) in enumerate(bounds):
            self.sents.append(
                Sentence(start, end, idx[start], self.end[end - 1], self.span_text(start, end))
            )
            self.sent_of[start:end] = [number] * (end - start)
        self._folded: list[str] | None = None
        self._at: dict[int, int] = {}

    @property
    def folded(self) -> list[str]:
        """``lang.fold(text[i])`` of every token (computed on first use)."""
        if self._folded is None:
            fold = self.lang.fold
            self._folded = [fold(t) for t in self.text]
        return self._folded

    @property
    def doc(self) -> Doc | None:
        return self._doc()

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``: the original text from the first token to the last."""
        if end <= start:
            return ""
        return self.doc_text[self.idx[start] : self.end[end - 1]]

    def token_at(self, char: int) -> int:
        """Index of the token at character ``char`` (the token after, in the space
        after a token); 0 if there is none. Memoised: mentions are looked up again
        and again."""
        i = self._at.get(char)
        if i is None:
            span = self.doc.char_span(char, char + 1, alignment_mode="expand")
            i = self._at[char] = span.start if span is not None else 0
        return i


def doc_tokens(doc: Doc) -> DocTokens:
    """The :class:`DocTokens` of a processed doc (read on first call, then kept)."""
    table = doc.user_data.get(_KEY)
    if table is None or table.doc is not doc:
        table = doc.user_data[_KEY] = DocTokens(doc)
    return table
