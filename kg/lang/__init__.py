"""Language data and language-specific text handling behind one interface.

The build reads articles in one language at a time. Everything it knows about that
language (spelling variants, clitics, number words, date expressions, the trigger
and cue words of the rules, how the script is tokenized and split into sentences,
and how to tell that a text is written in it) comes from one :class:`Language`
object, obtained here with :func:`get`. A language is one folder, ``kg/lang/<code>/``,
whose ``__init__.py`` defines ``LANGUAGE``; ``kg/lang/ar/`` is Arabic, the default.

Nothing in ``kg/pipeline`` imports a language folder: it asks :func:`get` for the
language of the build (one switch: ``build(..., language="ar")``) and reads the rest
through the object. See docs/LANGUAGES.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = ["DEFAULT", "DateSpan", "Language", "NumberSpan", "codes", "get", "register"]

DEFAULT = "ar"
"""The language of a build that names none."""


@dataclass(frozen=True)
class NumberSpan:
    """A number found in the text; ``text[start:end]`` in the original text.

    ``kind`` is "digits", "words", "dual" or "ordinal". ``approximate`` is set
    when an approximator ("about", "more than" …) precedes it; the approximator
    is included in the span because it is part of the evidence.
    """

    start: int
    end: int
    value: int
    kind: str
    approximate: bool


@dataclass(frozen=True)
class DateSpan:
    """A date expression; ``text == original[start:end]``.

    ``value`` is ISO at ``precision`` ("2020-03-17", "2020-04", "2014"), None
    for a week or when unresolved. ``earliest``/``latest`` bound the interval.
    ``relative`` is True when the expression needs the publication date.
    ``weekday`` (0 = Monday … 6 = Sunday) is the day of the week of a one-day date, or
    the weekday an undated text names ("الثلاثاء" without a publication date), else None.
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: str | None
    earliest: dt.date | None
    latest: dt.date | None
    relative: bool
    weekday: int | None = None


def _same(word: str) -> str:
    return word


def _whole(word: str) -> tuple[str, ...]:
    return (word,)


def _none(word: str) -> tuple[str, ...]:
    return ()


def _no_numbers(text: str) -> list[NumberSpan]:
    return []


def _no_dates(text: str, published: dt.date | None) -> list[DateSpan]:
    return []


def _no_dateline(text: str) -> dt.date | None:
    return None


def _no_dateline_span(text: str) -> DateSpan | None:
    return None


@dataclass(frozen=True, eq=False)
class Language:
    """What the pipeline asks of a language; nothing else about it is written in kg/pipeline.

    Compared and hashed by identity: the rules compile their word sets once per
    language object (``eq=False``). The defaults describe a language without clitics,
    number words or date grammar, so a small language states only what it has.
    """

    code: str
    """BCP 47 tag: the language of the articles' literals in the graph, and of the
    gazetteer labels the matcher compiles."""
    name: str
    """English name, for messages ("no Arabic text")."""
    spacy_lang: str
    """The spaCy language class the pipeline starts from (``spacy.blank(spacy_lang)``)."""
    lexicon: ModuleType | Any
    """The word lists the rules read by name (kg/lang/ar/lexicon.py lists them all,
    each with what it is for); ``LEXICON_WORDS`` are the words NORM may strip a clitic onto."""

    # --- spelling and NORM: what the matchers compare -----------------------------
    fold: Callable[[str], str] = str.casefold
    """Spelling normalisation, character by character (so offsets survive); idempotent."""
    strip_definite: Callable[[str], str] = _same
    """A folded word without a definite article glued to its front."""
    clitic_variants: Callable[[str], tuple[str, ...]] = _whole
    """Readings of a folded word with one proclitic removed, the whole word first;
    NORM keeps the first one it knows (see kg.pipeline.nlp.pipeline.norm_key)."""
    enclitic_variants: Callable[[str], tuple[str, ...]] = _none
    """Readings of a folded word without a pronoun suffix."""

    # --- numbers and dates -------------------------------------------------------
    find_numbers: Callable[[str], list[NumberSpan]] = _no_numbers
    """Numbers of a text (digits, words, duals), sorted, original offsets."""
    find_dates: Callable[[str, dt.date | None], list[DateSpan]] = _no_dates
    """Date expressions of a text, resolved against the publication date."""
    find_dateline: Callable[[str], dt.date | None] = _no_dateline
    """The publication date from a date line at the top, if there is one."""
    find_dateline_span: Callable[[str], DateSpan | None] = _no_dateline_span
    """That date line's date expression (offsets in the text): the article's date, which the
    rules do not take for an event's. A language without it has its dateline read as
    any other date."""

    # --- reading files: is this text in the language? -----------------------------
    letter: re.Pattern[str] = re.compile(r"[^\W\d_]")
    """One letter of the language's script."""
    min_letters: int = 20
    """An article with fewer letters of the script is refused as not in the language."""
    legacy_encoding: str | None = None
    """A single-byte encoding tried when a file is not UTF-8, accepted only when the
    result is mostly letters of the script ("windows-1256")."""
    utf8_letters: re.Pattern[bytes] | None = None
    """A word of the script in UTF-8 bytes: a file holding such words and bytes that
    are not UTF-8 mixes two encodings (refused rather than guessed)."""
    boilerplate: re.Pattern[str] = re.compile(r"(?!)")
    """Matches at the start of a line that is page furniture, not reporting."""

    # --- tokens and sentences ----------------------------------------------------
    token_prefixes: tuple[str, ...] = ()
    """Tokenizer prefix rules tried before kg's and spaCy's own (regular expressions)."""
    token_suffixes: tuple[str, ...] = ()
    token_infixes: tuple[str, ...] = ()
    transparent_tokens: tuple[str, ...] = ()
    """Tokens the gazetteer matcher looks through (besides quote marks), as regexes."""
    sentence_end: re.Pattern[str] = re.compile(r"""(?<![.!?])([.!?]+["”’»)\]]*)(?=[\s,]|$)|\n+""")
    """A sentence end (group 1: the end marks, kept in the sentence) or a line break."""
    sentence_trim: str = ","
    """Characters (besides space) dropped from the start of a sentence."""
    part_end: re.Pattern[str] = re.compile(r"[.!?][\"”’»)\]]*\s")
    """A sentence end where a very long article may be cut into parts."""

    def keys(self, words: Iterable[str]) -> frozenset[str]:
        """The NORM keys of a word list: folded, the definite article removed."""
        return frozenset(self.strip_definite(self.fold(w)) for w in words)


_REGISTRY: dict[str, Language] = {}
_CODE = re.compile(r"[a-z]{2,3}")


def register(language: Language) -> Language:
    """Make ``language`` the one :func:`get` returns for its code (a language outside
    kg/lang, or one a test defines); returns it."""
    _REGISTRY[language.code] = language
    return language


def unregister(code: str) -> None:
    """Forget a registered language (its folder in kg/lang, if any, is found again)."""
    _REGISTRY.pop(code, None)


def get(code: str | Language | None = None) -> Language:
    """The language with this code (None: :data:`DEFAULT`).

    A registered language wins; otherwise ``kg/lang/<code>/`` is imported and its
    ``LANGUAGE`` registered. A code kg has no folder for is a ValueError naming the
    languages there are.
    """
    if isinstance(code, Language):
        return code
    code = DEFAULT if code is None else code
    found = _REGISTRY.get(code)
    if found is not None:
        return found
    module: ModuleType | None = None
    if _CODE.fullmatch(code):
        try:
            module = importlib.import_module(f"{__name__}.{code}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{code}":
                raise
    language = getattr(module, "LANGUAGE", None)
    if not isinstance(language, Language) or language.code != code:
        raise ValueError(f"no language {code!r} in kg (languages: {', '.join(codes()) or 'none'})")
    return register(language)


def codes() -> list[str]:
    """The codes of the languages kg has (folders in kg/lang, and registered ones)."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    found = {p.parent.name for p in here.glob("*/__init__.py") if _CODE.fullmatch(p.parent.name)}
    return sorted(found | set(_REGISTRY))
