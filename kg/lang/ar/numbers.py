"""Numbers in Arabic news: digits, number words, duals and ordinals.

Casualty and force figures in Arabic news are written as digits ("5200",
"٣٠٠", "5,200"), as words in any gender and case ("ثلاثة", "ثلاث", "خمسة
وعشرين", "ثلاثة آلاف"), as approximations ("نحو 300", "ما لا يقل عن 25"), and
very often only as a *dual* noun ending ("جنديين" = two soldiers, "قاعدتا" =
the two bases). The annotation guide counts "جنديين" as 2, so the dual is a
number here.

The scanner works on the folded text (see :mod:`kg.lang.ar.normalize`) split
into word and digit tokens, and parses a strict grammar so that a list
("ثلاثة وأربعة") is not summed into one number. Spans are reported in
ORIGINAL offsets; a leading clitic (و ف ب ل ك and pairs) is not part of the
span, the article ال is.

Ambiguities resolved by rule (each has a test):

* "الاثنين" (the article + اثنين) is Monday, never the number: news names the
  day far more often than "the two" with the article; "اثنين" / "الاثنان" /
  "الاثنتين" stay numbers.
* "ثلاث" never matches inside "الثلاثاء" (Tuesday): matching is on whole
  tokens only.
* "أول"/"الأول"/"الثاني" after تشرين/كانون are month names, and "أول أمس"
  / "أول من أمس" is a date: neither is an ordinal.
* A dual is only recognised for nouns of a closed lexicon. Nouns whose plural
  is the sound masculine -ين (مقاتلين، مدنيين، أميركيين …) are counted as dual
  only in the unambiguous nominative -ان form, because their -ين form is far
  more often the plural (and an adjective agreeing with a plural).
  Non-ta-marbuta nouns never take the construct -ا: "صاروخا" after 11-99 is
  the accusative singular ("14 صاروخا"), not "two missiles".
* "عشرات", "مئات", a bare "آلاف" are vague quantities: no number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kg.lang import NumberSpan
from kg.lang.ar.normalize import PROCLITICS, Folded, extend_over_marks, fold, fold_with_map

__all__ = ["NumberSpan", "find_numbers", "parse_number"]


def _f(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(fold(w) for w in words)


def _table(pairs: dict[str, int]) -> dict[str, int]:
    return {fold(k): v for k, v in pairs.items()}


# Cardinal 1-10, masculine and feminine, with the accusative alif of واحد.
_UNITS = _table(
    {
        "واحد": 1,
        "واحدة": 1,
        "واحدا": 1,
        "اثنان": 2,
        "اثنين": 2,
        "اثنتان": 2,
        "اثنتين": 2,
        "ثلاثة": 3,
        "ثلاث": 3,
        "أربعة": 4,
        "أربع": 4,
        "خمسة": 5,
        "خمس": 5,
        "ستة": 6,
        "ست": 6,
        "سبعة": 7,
        "سبع": 7,
        "ثمانية": 8,
        "ثماني": 8,
        "ثمان": 8,
        "تسعة": 9,
        "تسع": 9,
        "عشرة": 10,
        "عشر": 10,
    }
)
# Forms that only occur as the first part of 11, 12 or 21 … 91.
_HEAD_ONLY = _table({"أحد": 1, "إحدى": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2})
_TEEN_TAIL = set(_f(["عشر", "عشرة"]))
_TENS = _table(
    {
        "عشرون": 20,
        "عشرين": 20,
        "ثلاثون": 30,
        "ثلاثين": 30,
        "أربعون": 40,
        "أربعين": 40,
        "خمسون": 50,
        "خمسين": 50,
        "ستون": 60,
        "ستين": 60,
        "سبعون": 70,
        "سبعين": 70,
        "ثمانون": 80,
        "ثمانين": 80,
        "تسعون": 90,
        "تسعين": 90,
    }
)
_HUNDRED_WORDS = _f(["مئة", "مائة"])
_HUNDREDS: dict[str, int] = {}
for _w in _HUNDRED_WORDS:
    _HUNDREDS[_w] = 100
for _w in ["مئتان", "مئتين", "مئتا", "مائتان", "مائتين", "مائتا"]:
    _HUNDREDS[fold(_w)] = 200
_HUNDRED_MULT = _table(
    {"ثلاث": 3, "أربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثمان": 8, "ثماني": 8, "تسع": 9}
)
for _u, _v in list(_HUNDRED_MULT.items()):
    for _h in _HUNDRED_WORDS:
        _HUNDREDS[_u + _h] = _v * 100  # ثلاثمئة written as one word
_HUNDRED_MULT.update(_table({"ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7}))

# Scale words: singular (after 1, 11-99 and hundreds), plural (after 3-10),
# dual (alone = 2 × scale).
_SCALES: tuple[tuple[int, frozenset[str], frozenset[str], frozenset[str]], ...] = (
    (
        1_000_000_000,
        frozenset(_f(["مليار", "مليارا"])),
        frozenset(_f(["مليارات"])),
        frozenset(_f(["ملياران", "مليارين"])),
    ),
    (
        1_000_000,
        frozenset(_f(["مليون", "مليونا"])),
        frozenset(_f(["ملايين"])),
        frozenset(_f(["مليونان", "مليونين"])),
    ),
    (
        1_000,
        frozenset(_f(["ألف", "ألفا"])),
        frozenset(_f(["آلاف"])),
        frozenset(_f(["ألفان", "ألفين"])),
    ),
)

# Ordinals. Bare (article-less) forms are accepted for the masculine 1-10
# ("ثالث هجوم", "أول عملية"); feminine bare forms are too ambiguous (ثانية is
# also "a second", رابعة a name).
_ORD_UNITS = _table(
    {
        "أول": 1,
        "أولى": 1,
        "ثاني": 2,
        "ثانية": 2,
        "ثالث": 3,
        "ثالثة": 3,
        "رابع": 4,
        "رابعة": 4,
        "خامس": 5,
        "خامسة": 5,
        "سادس": 6,
        "سادسة": 6,
        "سابع": 7,
        "سابعة": 7,
        "ثامن": 8,
        "ثامنة": 8,
        "تاسع": 9,
        "تاسعة": 9,
        "عاشر": 10,
        "عاشرة": 10,
    }
)
_ORD_BARE_OK = set(
    _f(["أول", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "عاشر"])
)
_ORD_HEADS = {k: v for k, v in _ORD_UNITS.items() if v < 10 and v != 1}
_ORD_HEADS.update(_table({"حادي": 1, "حادية": 1}))

_MONTH_PREFIX = set(_f(["تشرين", "كانون"]))
_YESTERDAY = fold("أمس")
_ALFA = fold("ألفا")  # alone: the construct dual "two thousand"
_MONDAY_CORE = fold("اثنين")

# Approximators: word sequences that make the following number approximate.
_APPROX: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            _f(p.split())
            for p in [
                "نحو",
                "حوالي",
                "حوالى",
                "قرابة",
                "زهاء",
                "ما يقارب",
                "ما يناهز",
                "ما يزيد على",
                "ما يزيد عن",
                "ما لا يقل عن",
                "أكثر من",
                "أقل من",
            ]
        ),
        key=len,
        reverse=True,
    )
)
_APPROX_FIRST = frozenset(words[0] for words in _APPROX)

# Countable nouns whose dual means "two of them". Broken-plural nouns: the -ين
# form is unambiguously dual. Sound-plural nouns (-ون/-ين plural): only -ان.
_DUAL_BROKEN = _f(
    [
        "جندي",
        "عنصر",
        "ضابط",
        "شرطي",
        "شخص",
        "رجل",
        "طفل",
        "امرأة",
        "جريح",
        "قتيل",
        "حارس",
        "مصدر",
        "صاروخ",
        "قذيفة",
        "هجوم",
        "غارة",
        "ضربة",
        "انفجار",
        "رتل",
        "عبوة",
        "طائرة",
        "مسيرة",
        "مروحية",
        "دبابة",
        "مدرعة",
        "آلية",
        "عربة",
        "سيارة",
        "قاعدة",
        "موقع",
        "منشأة",
        "معسكر",
        "مقر",
        "مطار",
        "سفارة",
        "قنصلية",
        "منصة",
        "يوم",
        "ساعة",
        "أسبوع",
        "شهر",
        "عام",
        "سنة",
        "مرة",
    ]
)
_DUAL_SOUND = _f(
    [
        "عسكري",
        "مقاتل",
        "مدني",
        "مسلح",
        "مسؤول",
        "مستشار",
        "متعاقد",
        "مقاول",
        "موظف",
        "دبلوماسي",
        "أميركي",
        "أمريكي",
        "بريطاني",
        "عراقي",
        "إيراني",
        "تركي",
    ]
)
# Construct dual in -ي for a few non-ta-marbuta nouns where -ي is not also a
# common adjective (صاروخي, هجومي, شخصي, عنصري are adjectives).
_DUAL_CONSTRUCT_I = _f(["ضابط", "حارس", "جندي"])
# The same nouns' construct dual in -ا ("قُتل ضابطا شرطة": two police officers) is read
# only before the noun of a corps: alone, "ضابطا"/"جنديا" is the accusative singular
# ("قتلت الغارة جندياً" is one soldier).
_DUAL_CONSTRUCT_A = frozenset(n + "ا" for n in _DUAL_CONSTRUCT_I)
_CORPS = frozenset(_f(["شرطة", "أمن", "جيش", "استخبارات", "حرس", "حماية", "مرور", "حدود"]))


def _dual_forms() -> frozenset[str]:
    forms: set[str] = set()
    for n in _DUAL_BROKEN:
        if n.endswith("ه"):  # ta marbuta: قاعدة → قاعدتان قاعدتين قاعدتا قاعدتي
            base = n[:-1] + "ت"
            forms.update(base + s for s in ("ان", "ين", "ا", "ي"))
        else:
            forms.update(n + s for s in ("ان", "ين"))
    for n in _DUAL_CONSTRUCT_I:
        forms.add(n + "ي")
    for n in _DUAL_SOUND:
        forms.add(n + "ان")
    return frozenset(forms)


_DUALS = _dual_forms()
_TWO_EMPHATIC = set(_f(["اثنين", "اثنان", "اثنتين", "اثنتان"]))

# Clitics that may precede a number (no article: it is handled separately).
_CLITICS = tuple(p for p in PROCLITICS if "ال" not in p and "لل" not in p)
_NO_PREP = {"", "و", "ف"}  # for cores that a preposition would turn into a word
_PREP_SENSITIVE = set(_f(["ست"]))  # لست "I am not" / "you are not"

MAX_DIGITS = 100
"""A run of more digits than this is not read as a number."""

_TOKEN = re.compile(
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<word>[^\W\d_]+)"
)


class _Tok(NamedTuple):
    """A word or digit run of the folded text (a named tuple: an article makes
    thousands, and a frozen dataclass is several times slower to create)."""

    start: int  # folded offsets
    end: int
    text: str
    digits: bool


@dataclass(frozen=True)
class _Reading:
    """One analysis of a token: clitic + optional article + core."""

    clitic: str
    article: bool
    core: str


def _tokenize(folded: str) -> list[_Tok]:
    return [
        _Tok(m.start(), m.end(), m.group(), m.lastgroup == "num") for m in _TOKEN.finditer(folded)
    ]


# Every core a words number can begin with: the first reading each reader tests
# (cardinal, scale word alone, ordinal, dual) is one of these.
_START_CORES = frozenset().union(
    _UNITS,
    _HEAD_ONLY,
    _TENS,
    _HUNDREDS,
    _HUNDRED_MULT,
    _ORD_UNITS,
    _ORD_HEADS,
    _DUALS,
    _DUAL_CONSTRUCT_A,
    {_ALFA},
    *(singular | dual for _scale, singular, _plural, dual in _SCALES),
)


def _core_ok(r: _Reading) -> bool:
    return not (r.core in _PREP_SENSITIVE and r.clitic not in _NO_PREP)


@lru_cache(maxsize=8192)
def _readings(word: str) -> tuple[_Reading, ...]:
    """All clitic/article analyses of a folded word, the whole word first."""
    out: list[_Reading] = []
    splits = [("", word)] + [
        (c, word[len(c) :]) for c in _CLITICS if word.startswith(c) and len(word) - len(c) >= 2
    ]
    for clitic, rest in splits:
        out.append(_Reading(clitic, False, rest))
        if rest.startswith("ال") and len(rest) >= 4:
            out.append(_Reading(clitic, True, rest[2:]))
        elif clitic.endswith("ل") and rest.startswith("ل") and len(rest) >= 3:
            # ل + ال is written لل: the second ل is the article.
            out.append(_Reading(clitic, True, rest[1:]))
    return tuple(r for r in out if _core_ok(r))


@lru_cache(maxsize=8192)
def _may_start_number(word: str) -> bool:
    """Some reading of the folded word has a core that starts a words number.

    A cheap test before the readers: most words of an article start none, and
    without one of :data:`_START_CORES` every reader returns None.
    """
    return any(r.core in _START_CORES for r in _readings(word))


@lru_cache(maxsize=8192)
def _may_start_approximator(word: str) -> bool:
    """Some article-less reading of the folded word is the first word of an approximator."""
    return any(not r.article and r.core in _APPROX_FIRST for r in _readings(word))


class _Scanner:
    """Parses number expressions starting at a token; methods return
    ``(value, next_token_index, lead_clitic_len)`` or None."""

    def __init__(self, folded: str, toks: list[_Tok]) -> None:
        self.folded = folded
        self.toks = toks

    # -- helpers ---------------------------------------------------------
    def adjacent(self, i: int) -> bool:
        """Token i exists and is separated from token i-1 by whitespace only."""
        if i >= len(self.toks) or i == 0:
            return False
        gap = self.folded[self.toks[i - 1].end : self.toks[i].start]
        return gap != "" and gap.isspace()

    def word(self, i: int) -> str | None:
        if i < len(self.toks) and not self.toks[i].digits:
            return self.toks[i].text
        return None

    def readings(self, i: int, first: bool, conj: bool = False) -> list[_Reading]:
        """Readings of token i. A first token may carry any clitic; a
        continuation token must carry و when ``conj`` and none otherwise."""
        w = self.word(i)
        if w is None:
            return []
        rs = _readings(w)
        if first:
            return list(rs)
        want = "و" if conj else ""
        return [r for r in rs if r.clitic == want]

    # -- cardinals ---------------------------------------------------------
    def below100(self, i: int, first: bool, conj: bool) -> tuple[int, int, _Reading] | None:
        best: tuple[int, int, _Reading] | None = None
        for r in self.readings(i, first, conj):
            if r.article and r.core == _MONDAY_CORE:
                continue
            cands: list[tuple[int, int]] = []
            head = _UNITS.get(r.core) if r.core not in _TEEN_TAIL else None
            if head is None:
                head = _HEAD_ONLY.get(r.core)
            if head is not None and head < 10 and self.adjacent(i + 1):
                # teens: ثلاثة عشر، أحد عشر
                if any(not q.article and q.core in _TEEN_TAIL for q in self.readings(i + 1, False)):
                    cands.append((10 + head, i + 2))
                # 21-99: خمسة وعشرين
                for q in self.readings(i + 1, False, conj=True):
                    if not q.article and q.core in _TENS:
                        cands.append((head + _TENS[q.core], i + 2))
            if r.core in _TENS and not r.article:
                cands.append((_TENS[r.core], i + 1))
            if r.core in _UNITS:
                cands.append((_UNITS[r.core], i + 1))
            for value, nxt in cands:
                if best is None or nxt > best[1]:
                    best = (value, nxt, r)
        return best

    def below1000(self, i: int, first: bool, conj: bool) -> tuple[int, int, _Reading] | None:
        best = self.below100(i, first, conj)
        for r in self.readings(i, first, conj):
            if r.article:
                continue
            hundreds: tuple[int, int] | None = None
            if r.core in _HUNDREDS:
                hundreds = (_HUNDREDS[r.core], i + 1)
            elif r.core in _HUNDRED_MULT and self.adjacent(i + 1):
                if any(q.core in _HUNDRED_WORDS for q in self.readings(i + 1, False)):
                    hundreds = (_HUNDRED_MULT[r.core] * 100, i + 2)
            if hundreds is None:
                continue
            value, nxt = hundreds
            if self.adjacent(nxt):
                rest = self.below100(nxt, False, True)
                if rest is not None:
                    value, nxt = value + rest[0], rest[1]
            if best is None or nxt > best[1]:
                best = (value, nxt, r)
        return best

    def cardinal(self, i: int) -> tuple[int, int, int] | None:
        """Words cardinal at token i: (value, next index, clitic length)."""
        base = self.below1000(i, True, False)
        scaled = False
        if base is not None:
            value, nxt, lead = base
            if self.adjacent(nxt):
                for scale, singular, plural, _dual in _SCALES:
                    if any(
                        not q.article
                        and (
                            (q.core in plural and 3 <= value <= 10)
                            or (q.core in singular and value >= 11)
                        )
                        for q in self.readings(nxt, False)
                    ):
                        value, nxt, scaled = value * scale, nxt + 1, True
                        break
        else:
            # a scale word alone: ألف، ألفين، مليون
            found = None
            for r in self.readings(i, True):
                if r.article:
                    continue
                for scale, singular, _plural, dual in _SCALES:
                    if r.core in dual or (scale == 1000 and r.core == _ALFA):
                        found = (2 * scale, i + 1, r)
                    elif r.core in singular:
                        found = (scale, i + 1, r)
                    if found:
                        break
                if found:
                    break
            if found is None:
                return None
            value, nxt, lead = found
            scaled = True
        # "ألف ومئتان", "ثلاثة آلاف وخمسمئة": a smaller group added after a scale
        if scaled and self.adjacent(nxt):
            rest = self.below1000(nxt, False, True)
            if rest is not None:
                value, nxt = value + rest[0], rest[1]
        return value, nxt, len(lead.clitic)

    # -- ordinals ----------------------------------------------------------
    def ordinal(self, i: int) -> tuple[int, int, int] | None:
        best: tuple[int, int, int] | None = None
        for r in self.readings(i, True):
            cands: list[tuple[int, int]] = []
            bare_ok = r.article or r.core in _ORD_BARE_OK
            head = _ORD_HEADS.get(r.core)
            if head is not None and self.adjacent(i + 1):
                if any(not q.article and q.core in _TEEN_TAIL for q in self.readings(i + 1, False)):
                    cands.append((10 + head, i + 2))
                for q in self.readings(i + 1, False, conj=True):
                    if q.core in _TENS:
                        cands.append((head + _TENS[q.core], i + 2))
            if r.article and r.core in _TENS:
                cands.append((_TENS[r.core], i + 1))
            if bare_ok and r.core in _ORD_UNITS:
                cands.append((_ORD_UNITS[r.core], i + 1))
            for value, nxt in cands:
                if best is None or nxt > best[1]:
                    best = (value, nxt, len(r.clitic))
        if best is None:
            return None
        if best[1] == i + 1 and self._month_or_date_context(i):
            return None
        return best

    def _month_or_date_context(self, i: int) -> bool:
        """تشرين الأول، كانون الثاني، أول أمس، أول من أمس."""
        if i > 0 and self.adjacent(i):
            if any(r.core in _MONTH_PREFIX for r in self.readings(i - 1, True)):
                return True
        nxt = self.word(i + 1)
        if nxt is not None and self.adjacent(i + 1):
            if nxt == _YESTERDAY:
                return True
            if nxt == "من" and self.word(i + 2) == _YESTERDAY and self.adjacent(i + 2):
                return True
        return False

    # -- duals ---------------------------------------------------------------
    def dual(self, i: int) -> tuple[int, int, int] | None:
        for r in self.readings(i, True):
            if r.core in _DUALS:
                nxt = i + 1
                if self.adjacent(nxt) and any(
                    not q.article and q.core in _TWO_EMPHATIC for q in self.readings(nxt, False)
                ):
                    nxt += 1  # مصدرين اثنين: one number, not two
                return 2, nxt, len(r.clitic)
            if (
                r.core in _DUAL_CONSTRUCT_A
                and not r.article
                and self.adjacent(i + 1)
                and any(q.core in _CORPS for q in self.readings(i + 1, False))
            ):
                return 2, i + 1, len(r.clitic)
        return None

    # -- digits --------------------------------------------------------------
    def digits(self, i: int) -> tuple[int, int, int] | None:
        tok = self.toks[i]
        if not tok.digits:
            return None
        if (
            tok.start > 0
            and self.folded[tok.start - 1].isascii()
            and self.folded[tok.start - 1].isalpha()
        ):
            return None  # F16, A10: designations, not counts
        raw = tok.text.replace(",", "")
        if len(raw) > MAX_DIGITS:
            # not a count; int() refuses over 4,300 digits and float() overflows to inf
            return None
        nxt = i + 1
        if self.adjacent(nxt):
            for scale, singular, plural, _dual in _SCALES:
                if any(
                    not q.article and (q.core in singular or q.core in plural)
                    for q in self.readings(nxt, False)
                ):
                    num = float(raw) * scale
                    if num == int(num):
                        return int(num), nxt + 1, 0
                    return None
        if "." in raw:
            return None  # a decimal is a measure, not a count
        return int(raw), nxt, 0

    # -- approximators ---------------------------------------------------------
    def approximator(self, i: int) -> tuple[int, int] | None:
        """(index after the approximator, clitic length) if one starts at i."""
        w = self.word(i)
        if w is None or not _may_start_approximator(w):
            return None  # cheap test first: most words start no approximator
        for words in _APPROX:
            ok = True
            clen = 0
            for k, w in enumerate(words):
                j = i + k
                if k > 0 and not self.adjacent(j):
                    ok = False
                    break
                rs = self.readings(j, k == 0)
                match = [r for r in rs if not r.article and r.core == w]
                if not match:
                    ok = False
                    break
                if k == 0:
                    clen = min(len(r.clitic) for r in match)
            if ok:
                return i + len(words), clen
        return None

    def number_at(self, i: int) -> tuple[int, int, int, str] | None:
        """Longest number expression at token i: (value, next, clitic len, kind)."""
        tok = self.toks[i]
        if not tok.digits and not _may_start_number(tok.text):
            return None
        found: list[tuple[int, int, int, str]] = []
        for kind, fn in (
            ("digits", self.digits),
            ("words", self.cardinal),
            ("ordinal", self.ordinal),
            ("dual", self.dual),
        ):
            res = fn(i)
            if res is not None:
                found.append((res[0], res[1], res[2], kind))
        if not found:
            return None
        return max(found, key=lambda f: f[1])  # longest; ties keep the order above


def _scan(text: str) -> list[NumberSpan]:
    folded = fold_with_map(text)
    toks = _tokenize(folded.text)
    sc = _Scanner(folded.text, toks)
    out: list[NumberSpan] = []
    i = 0
    while i < len(toks):
        approx = sc.approximator(i)
        if approx is not None and sc.adjacent(approx[0]):
            res = sc.number_at(approx[0])
            if res is not None and res[2] == 0:
                value, nxt, _clen, kind = res
                fstart = toks[i].start + approx[1]
                out.append(_span(text, folded, fstart, toks[nxt - 1].end, value, kind, True))
                i = nxt
                continue
        res = sc.number_at(i)
        if res is not None:
            value, nxt, clen, kind = res
            fstart = toks[i].start + clen
            out.append(_span(text, folded, fstart, toks[nxt - 1].end, value, kind, False))
            i = nxt
            continue
        i += 1
    return out


def _span(
    text: str, folded: Folded, fstart: int, fend: int, value: int, kind: str, approximate: bool
) -> NumberSpan:
    start, end = folded.to_original(fstart, fend)
    return NumberSpan(start, extend_over_marks(text, end), value, kind, approximate)


def find_numbers(text: str) -> list[NumberSpan]:
    """All numbers in ``text``, sorted and non-overlapping, original offsets.

    Longest expression wins at each position ("خمسة وعشرين" is 25, not 5).
    """
    return _scan(text)


def parse_number(phrase: str) -> int | None:
    """The value of ``phrase`` when the whole phrase is one number expression.

    Leading clitics and surrounding whitespace are allowed ("وثلاثة" → 3,
    "خمسة وعشرين" → 25, "٣٠٠" → 300); anything else returns None ("ثلاثة
    جنود" → None, "عشرات" → None).
    """
    stripped = phrase.strip()
    if not stripped:
        return None
    spans = _scan(stripped)
    if len(spans) != 1:
        return None
    span = spans[0]
    head = fold(stripped[: span.start])
    tail = stripped[span.end :]
    if fold(tail).strip() or (head and head not in _CLITICS):
        return None
    return span.value
