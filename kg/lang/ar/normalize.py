"""Folding of Arabic news text for matching, with a map back to the original.

Arabic news text spells the same word in many ways: hamza forms (أ إ آ ا),
ta marbuta written as ha (ة/ه), alif maqsura written as ya (ى/ي), optional
diacritics, tatweel used for justification, Persian/Urdu letter forms pasted
from other sources, Arabic-Indic digits, invisible bidi controls. A matcher
that compares raw strings misses most mentions, so every matcher in kg
compares the *folded* form produced here.

Folding may drop characters (diacritics, tatweel, controls) and may expand
one (a presentation-form ligature such as ﻻ becomes لا), so the folded text is
not aligned with the original. :func:`fold_with_map` therefore keeps, for each
folded character, the offset of the original character it came from, so that
a regex run over the folded text still yields exact offsets in the article as
read (the offsets the graph records as evidence).

Folding works character by character (no context), which is what makes the
offset map trivial and ``fold`` idempotent.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "PROCLITICS",
    "Folded",
    "clitic_variants",
    "extend_over_marks",
    "fold",
    "fold_with_map",
    "is_dropped",
    "match_key",
    "strip_definite",
]

# One-to-one letter replacements. Hamza carriers lose the hamza because news
# writers drop it freely (اعلن / أعلن); Persian/Urdu forms come from copy-paste.
_LETTERS: dict[str, str] = {
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0622": "\u0627",  # آ → ا
    "\u0671": "\u0627",  # ٱ (wasla) → ا
    "\u0629": "\u0647",  # ة → ه
    "\u0649": "\u064a",  # ى → ي
    "\u0624": "\u0648",  # ؤ → و
    "\u0626": "\u064a",  # ئ → ي
    "\u06a9": "\u0643",  # Persian keheh ک → ك
    "\u06cc": "\u064a",  # Persian yeh ی → ي
    "\u06d5": "\u0647",  # ae ە → ه
    "\u06c1": "\u0647",  # heh goal ہ → ه
    "\u06be": "\u0647",  # heh doachashmee ھ → ه (Urdu/Kurdish spelling of ه)
    "\u06c0": "\u0647",  # heh with yeh above ۀ → ه
    "\u066b": ".",  # Arabic decimal separator ٫
    "\u066c": ",",  # Arabic thousands separator ٬
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u2032": "'",
}
for _i in range(10):
    _LETTERS[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _LETTERS[chr(0x06F0 + _i)] = str(_i)  # Extended (Persian/Urdu) digits

# Ranges of characters removed outright: harakat and Quranic marks (they are
# optional in news text), tatweel (typographic stretching), zero-width and
# bidi controls (invisible, but they break string equality).
_DROP_RANGES: tuple[tuple[int, int], ...] = (
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x0640, 0x0640),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2069),
    (0xFEFF, 0xFEFF),
    (0x061C, 0x061C),
)

# Harakat only (the subset of dropped characters that attach to a letter).
_MARK_RANGES: tuple[tuple[int, int], ...] = (
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
)


def _in(ranges: tuple[tuple[int, int], ...], ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_dropped(ch: str) -> bool:
    """True if folding removes ``ch`` (diacritic, tatweel, invisible control)."""
    return _in(_DROP_RANGES, ch)


def _is_latin(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x41 <= cp <= 0x5A
        or 0xC0 <= cp <= 0x24F
        or 0x1E00 <= cp <= 0x1EFF
        or 0xFF21 <= cp <= 0xFF3A  # full-width A-Z
    )


@lru_cache(maxsize=4096)
def _fold_char(ch: str, depth: int = 0) -> str:
    """Fold one character to a (possibly empty, possibly longer) string.

    The result is a fixed point (folding it again changes nothing), which is
    what makes :func:`fold` idempotent.
    """
    if _in(_DROP_RANGES, ch):
        return ""
    mapped = _LETTERS.get(ch)
    if mapped is not None:
        return mapped
    cp = ord(ch)
    if (0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF) and depth < 4:
        # Presentation forms: contextual glyph codes from old PDFs and word
        # processors. NFKC gives the base letters, which are folded in turn.
        norm = unicodedata.normalize("NFKC", ch)
        if norm != ch:
            return "".join(_fold_char(c, depth + 1) for c in norm)
        return ch
    if _is_latin(ch):
        low = ch.lower()
        if low != ch:
            return "".join(_fold_char(c, depth + 1) for c in low) if depth < 4 else low
    return ch


class _FoldTable(dict):
    """``str.translate`` table: code point → folded string, filled on first sight.

    ``text.translate(_FOLD_TABLE)`` is ``"".join(_fold_char(c) for c in text)`` run in C:
    folding is per character, so a translation table is an exact replacement, and it
    is many times faster than a Python loop over a whole article.
    """

    def __missing__(self, cp: int) -> str:
        folded = _fold_char(chr(cp))
        self[cp] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Return the folded form of ``text`` used by every matcher.

    Letter variants are unified (أ إ آ ٱ → ا, ة → ه, ى/ئ/ی → ي, ؤ → و,
    ک → ك, ە ہ → ه), diacritics, tatweel and invisible controls are dropped,
    Arabic-Indic digits become ASCII, ٫ ٬ become . and ,, curly and angle
    quotes become ASCII quotes, presentation forms are decomposed, Latin is
    lower-cased. The Arabic comma, semicolon and question mark are kept:
    they are clause boundaries the extractors rely on.
    """
    if len(text) <= 32:  # words and short phrases repeat endlessly: cache them
        return _fold_short(text)
    return text.translate(_FOLD_TABLE)


@functools.lru_cache(maxsize=200_000)
def _fold_short(text: str) -> str:
    return text.translate(_FOLD_TABLE)


@dataclass(frozen=True)
class Folded:
    """Folded text plus, for each folded character, its offset in the original.

    ``index[i]`` is the offset in the original of folded character ``i``;
    ``index[len(text)] == len(original)`` is a sentinel so that an empty span
    at the end maps cleanly. The index is non-decreasing (one original
    character may expand to several folded ones).
    """

    text: str
    index: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span ``[start, end)`` to the original span.

        The end is taken just after the original character of the last folded
        character, so characters dropped after it (trailing diacritics) are not
        included; see :func:`extend_over_marks` to include them.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside folded text of {len(self.text)}")
        if start == end:
            pos = self.index[start]
            return pos, pos
        return self.index[start], self.index[end - 1] + 1


@functools.lru_cache(maxsize=4)
def fold_with_map(text: str) -> Folded:
    """Fold ``text`` and keep the offset map; ``fold_with_map(t).text == fold(t)``.

    Memoised for the last few texts: numbers and dates both fold the same article.
    Most characters fold to exactly one character, so the map is the identity
    except around the few that are dropped or expanded (diacritics, tatweel,
    ligatures); only those are visited one by one.
    """
    irregular = {ch for ch in set(text) if len(_FOLD_TABLE[ord(ch)]) != 1}
    if not irregular:
        return Folded(text.translate(_FOLD_TABLE), tuple(range(len(text) + 1)))
    out: list[str] = []
    index: list[int] = []
    done = 0  # text[:done] is folded
    for i, ch in enumerate(text):
        if ch not in irregular:
            continue
        out.append(text[done:i].translate(_FOLD_TABLE))
        index.extend(range(done, i))
        f = _FOLD_TABLE[ord(ch)]
        out.append(f)
        index.extend([i] * len(f))
        done = i + 1
    out.append(text[done:].translate(_FOLD_TABLE))
    index.extend(range(done, len(text)))
    index.append(len(text))
    return Folded("".join(out), tuple(index))


def extend_over_marks(text: str, end: int) -> int:
    """Move ``end`` forward over harakat that follow it in the original.

    A span found on folded text ends before trailing diacritics (ثلاثةٌ would
    be cut to ثلاثة); evidence quotes read better with the whole grapheme.
    """
    while end < len(text) and _in(_MARK_RANGES, text[end]):
        end += 1
    return end


PROCLITICS: tuple[str, ...] = (
    "وبال",
    "فبال",
    "وكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "فك",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)
"""Proclitic prefixes of (folded) Arabic news text, longest first.

Conjunctions و ف, prepositions ب ل ك, and their combinations with the article
ال. لل is ل + ال (the alif of ال is not written after ل). The bare article ال
is handled by :func:`strip_definite`, not here.
"""

_DEFINITE = "\u0627\u0644"  # ال


def strip_definite(word: str) -> str:
    """Remove a leading ال when at least two letters remain.

    The guard keeps short words such as الا/الي whole; gazetteer keys drop
    the article so that القيارة and قيارة (in a construct: مطار قيارة) meet.
    """
    if word.startswith(_DEFINITE) and len(word) - 2 >= 2:
        return word[2:]
    return word


def clitic_variants(word: str) -> tuple[str, ...]:
    """Candidate stems of a FOLDED word, the whole word first.

    Each further candidate removes exactly one proclitic from
    :data:`PROCLITICS` (longest prefix first) when at least two letters
    remain; after a prefix ending in لل the stem is also offered with ال
    restored (للقائم → قائم, القائم). Nothing is stripped inside the word.

    Stripping is never decided here: names such as واشنطن, بغداد, كركوك,
    بريطانيا, فرنسا begin with letters that look like clitics, so the caller
    must pick the first variant it actually knows.
    """
    out: list[str] = [word]
    seen = {word}

    def add(v: str) -> None:
        if v not in seen:
            seen.add(v)
            out.append(v)

    for p in PROCLITICS:
        if word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p) :]
            add(rest)
            if p.endswith("\u0644\u0644"):  # لل
                add(_DEFINITE + rest)
    return tuple(out)


ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "ها", "نا", "ه")


def enclitic_variants(word: str) -> tuple[str, ...]:
    """Stems of a FOLDED word without a pronoun suffix (انسحابها → انسحاب, سلمتها → سلمت).

    As with proclitics, the caller keeps a stem only if it is a word it knows.
    A feminine ending written ت before the suffix is also offered as ه
    (قاعدتها → قاعده).
    """
    out: list[str] = []
    for suffix in ENCLITICS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            out.append(stem)
            if stem.endswith("ت"):
                out.append(stem[:-1] + "ه")
    return tuple(dict.fromkeys(out))


def match_key(word: str) -> str:
    """The key the gazetteer matcher compares: ``strip_definite(fold(word))``."""
    return strip_definite(fold(word))
