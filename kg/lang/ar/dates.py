"""Date expressions in Arabic news, resolved against the publication date.

The annotation guide asks for dates at the precision the text gives (day,
month, year, or a week-long window), never inventing a day or a year, with the
original expression kept as evidence. News states most dates relative to the
day of publication (الثلاثاء، أمس، الأسبوع الماضي، نهاية يونيو الماضي), so
those are resolved against ``published``; without it they are reported as
relative and left unresolved.

The grammar is a handful of regular expressions over the FOLDED text (see
:mod:`kg.lang.ar.normalize`: hamza, ta marbuta, diacritics and tatweel do not
matter), mapped back to original offsets. Each pattern proposes candidates;
the longest wins and the rest are dropped where they overlap. A leading clitic
(و ف ب ل ك) or a preposition (في، منذ، خلال، حتى) is not part of the
expression; the fixed phrases "في وقت متأخر/مبكر (من)" and "في وقت سابق من"
are, because they qualify the time itself.

Resolution rules:

* weekday: the latest date on or before ``published`` with that weekday (an
  article published on Tuesday saying الثلاثاء means that day); followed by
  الماضي strictly before; المقبل/القادم strictly after.
* "الاثنين" is also "the two": it is read as Monday only with a time word
  before it (يوم، ليل، مساء، صباح، فجر، اليوم، أمس، في وقت متأخر …), with
  الماضي/المقبل after it, or when what follows is the end of the text, a
  punctuation mark, a date, or a reporting "إن/أن" (قال … الاثنين إن). It is
  never Monday after كلا/بين or before من/معا (كلا الاثنين، الاثنين من الجنود).
* month name with no year: the most recent such month on or before the
  publication month; الماضي strictly before it, المقبل/القادم strictly after,
  الحالي/الجاري the publication month. A day is then taken in that month
  (even if it falls after the publication day: the text may announce a plan).
* أمس/البارحة = published − 1, أول أمس = − 2, اليوم = published, غدا = + 1.
* weeks run Saturday–Friday: الأسبوع الماضي is the week before the one
  containing ``published``, هذا الأسبوع the one containing it.
* a four-digit number is a year only after a month name or عام/العام/سنة, or after
  مطلع/بداية/أوائل/منتصف/أواسط/نهاية/أواخر/مستهل ("أواخر 2019"; not after أول/آخر,
  which count: "آخر 2000 جندي").
* مطلع/بداية/أوائل/منتصف/أواسط/نهاية/أواخر before a month or a year keep the
  precision of the month or year; before a bare العام/الشهر ("بحلول نهاية العام",
  "منتصف الشهر") they mean the publication year or month (not before a definite
  word: "نهاية العام الذي …" is some other year).
* after بحلول (a deadline) a month without a year is the next such month, on or
  after the publication month ("بحلول أيلول").
* الليلة الماضية = published − 1; قبل يومين / قبل ثلاثة أيام = published − 2 / − 3
  (not "قبل يومين من …", two days before something else).
* "ليل الأحد-الاثنين", "ليلة الأحد على الاثنين": one night across two days; the date
  is its first day (found as a weekday), the interval runs to the next day, and no
  weekday is kept.
* a weekday named in a text without a publication date gives no date, but the span
  keeps the weekday (``DateSpan.weekday``): two reports on different weekdays are
  not the same incident. A one-day date carries its weekday too.

:func:`find_dateline_span` finds the article's own date at its top (a date line, or a
dateline such as "البصرة - 03-05-2021 -"); see its docstring.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.lang import DateSpan
from kg.lang.ar.normalize import extend_over_marks, fold, fold_with_map

__all__ = ["DateSpan", "find_dateline", "find_dateline_span", "find_dates"]


# --------------------------------------------------------------------------
# Vocabulary (written in ordinary spelling, folded at import)


def _alt(words: list[str] | dict[str, int]) -> str:
    """Regex alternation of folded phrases, longest first, spaces as \\s+."""
    folded = sorted({fold(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in folded) + ")"


def _key(s: str) -> str:
    return " ".join(s.split())


_MONTHS: dict[str, int] = {
    fold(k): v
    for k, v in {
        "يناير": 1,
        "كانون الثاني": 1,
        "كانون ثاني": 1,
        "فبراير": 2,
        "شباط": 2,
        "مارس": 3,
        "آذار": 3,
        "أبريل": 4,
        "نيسان": 4,
        "مايو": 5,
        "أيار": 5,
        "يونيو": 6,
        "يونيه": 6,
        "حزيران": 6,
        "يوليو": 7,
        "يوليه": 7,
        "تموز": 7,
        "أغسطس": 8,
        "آب": 8,
        "سبتمبر": 9,
        "أيلول": 9,
        "أكتوبر": 10,
        "تشرين الأول": 10,
        "تشرين أول": 10,
        "نوفمبر": 11,
        "تشرين الثاني": 11,
        "تشرين ثاني": 11,
        "ديسمبر": 12,
        "كانون الأول": 12,
        "كانون أول": 12,
    }.items()
}
# Month names that are also ordinary words (آب/أب "father", مارس "he
# practised", نيسان "Nissan"): accepted only with an anchor (a day, a year,
# a paired name, a modifier, a preceding preposition or مطلع/نهاية …).
_AMBIGUOUS_MONTHS = {fold(w) for w in ["آب", "مارس", "نيسان"]}
_DEADLINE_WORDS = {fold(w) for w in ["بحلول"]}
_MONTH_ANCHOR_WORDS = {
    fold(w)
    for w in ["في", "منذ", "خلال", "حتى", "بحلول", "قبل", "بعد", "شهر", "مطلع", "بداية", "نهاية"]
}

_WEEKDAYS: dict[str, int] = {
    fold(k): v
    for k, v in {
        "الاثنين": 0,
        "الإثنين": 0,
        "الثلاثاء": 1,
        "الأربعاء": 2,
        "الخميس": 3,
        "الجمعة": 4,
        "السبت": 5,
        "الأحد": 6,
    }.items()
}
_MONDAY = fold("الاثنين")

_DAY_ORDINALS: dict[str, int] = {}
_ORD = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
for _n, _w in enumerate(_ORD, start=1):
    _DAY_ORDINALS[_w] = _n
    if _n > 1:
        _DAY_ORDINALS[f"{_w} عشر"] = 10 + _n
        for _tens in ("والعشرين", "والعشرون"):
            _DAY_ORDINALS[f"{_w} {_tens}"] = 20 + _n
_DAY_ORDINALS.update(
    {
        "أول": 1,
        "العاشر": 10,
        "الحادي عشر": 11,
        "العشرين": 20,
        "العشرون": 20,
        "الحادي والعشرين": 21,
        "الحادي والعشرون": 21,
        "الثلاثين": 30,
        "الثلاثون": 30,
        "الحادي والثلاثين": 31,
        "الحادي والثلاثون": 31,
    }
)
_DAY_ORDINALS = {_key(fold(k)): v for k, v in _DAY_ORDINALS.items()}

_PAST = {fold(w) for w in ["الماضي", "المنصرم", "الفائت"]}
_FUTURE = {fold(w) for w in ["المقبل", "القادم"]}
_CURRENT = {fold(w) for w in ["الحالي", "الجاري"]}

# --------------------------------------------------------------------------
# Regex pieces (over folded text)

_L = r"(?<![^\W\d_])"  # no letter before
_R = r"(?![^\W\d_])"  # no letter after
_CLITIC = r"(?:[وف]?[بلك]?)"
_ART = r"(?:ال|(?<=ل)ل)"  # ال, or its ل after the preposition ل (للعام)
_MONTH_NAME = _alt(list(_MONTHS))
_MONTH = rf"(?P<m1>{_MONTH_NAME}){_R}(?:\s*/\s*(?P<m2>{_MONTH_NAME}){_R})?"
_MOD_WORDS = _alt(["الماضي", "المنصرم", "الفائت", "المقبل", "القادم", "الحالي", "الجاري"])
_YEAR = r"(?P<y>(?:19|20)[0-9]{2})(?![0-9])"
_YEAR_WORD = rf"(?:{_ART}?(?:عام|سنه)|لعام)"
_MONTH_TAIL = (
    rf"(?:\s*،?\s*(?:من\s+)?(?:{_YEAR_WORD}\s+)?{_YEAR}"
    rf"|\s+(?P<mod>{_MOD_WORDS}){_R}"
    rf"|\s+من\s+(?:(?:ال)?(?:عام|سنه)\s+(?P<ymod>{_MOD_WORDS})|(?P<ythis>هذا\s+العام|هذه\s+السنه)){_R})?"
)
_PART = _alt(["مطلع", "بداية", "أوائل", "منتصف", "أواسط", "نهاية", "أواخر", "آخر", "مستهل", "أول"])
# Parts that make a date of a bare العام/الشهر or a bare year ("نهاية العام", "أواخر 2019");
# not أول/آخر ("آخر 2000 جندي" counts soldiers).
_BARE_PART = _alt(["مطلع", "بداية", "أوائل", "منتصف", "أواسط", "نهاية", "أواخر", "مستهل"])
# Day counts in words: "قبل ثلاثة أيام".
_FEW = {
    fold(k): v
    for k, v in {
        "ثلاثة": 3,
        "أربعة": 4,
        "خمسة": 5,
        "ستة": 6,
        "سبعة": 7,
        "ثمانية": 8,
        "تسعة": 9,
        "عشرة": 10,
    }.items()
}
_WEEKDAY = rf"(?P<wd>{_alt(list(_WEEKDAYS))}){_R}"
_TIME_WORD = _alt(["يوم", "ليل", "ليلة", "مساء", "صباح", "فجر", "ظهر", "ظهيرة", "عصر", "نهار"])
_DAY = rf"(?:(?<![0-9])(?P<dn>[0-9]{{1,2}})(?![0-9])|(?P<do>{_alt(list(_DAY_ORDINALS))}){_R})"

_PATTERNS: dict[str, str] = {
    # 2021/08/08, 08/08/2021, 2020-03-17, optionally after a weekday
    "numeric": rf"(?:{_WEEKDAY}\s*،?\s*)?(?<![0-9/.-])(?:(?P<ny>(?:19|20)[0-9]{{2}})(?P<s1>[/.-])(?P<nm>[0-9]{{1,2}})(?P=s1)(?P<nd>[0-9]{{1,2}})|(?P<nd2>[0-9]{{1,2}})(?P<s2>[/.-])(?P<nm2>[0-9]{{1,2}})(?P=s2)(?P<ny2>(?:19|20)[0-9]{{2}}))(?![0-9/.-])",
    # 28 ديسمبر/كانون الأول 2019, السابع من أبريل الماضي, الثلاثاء 17 مارس 2020
    "day_month": rf"(?:{_WEEKDAY}\s*،?\s*)?(?:{_TIME_WORD}\s+)?{_DAY}\s+(?:من\s+)?(?:شهر\s+)?{_MONTH}{_MONTH_TAIL}",
    # يوم 11 من الشهر الحالي, السابع من الشهر الماضي
    "day_rel_month": rf"(?:{_TIME_WORD}\s+)?{_DAY}\s+من\s+(?:الشهر(?:\s+(?P<mod>{_MOD_WORDS}))?|(?P<this>هذا\s+الشهر)){_R}",
    # أواخر تشرين الأول/أكتوبر, نوفمبر/تشرين الثاني 2017, نهاية يونيو الماضي
    "month": rf"(?:(?P<part>{_PART})\s+)?(?:شهر\s+)?{_MONTH}{_MONTH_TAIL}",
    # الشهر الماضي, أواخر الشهر الماضي, هذا الشهر
    "rel_month": rf"(?:(?P<part>{_PART})\s+)?(?:{_ART}شهر\s+(?P<mod>{_MOD_WORDS})|(?P<this>هذا\s+الشهر)){_R}",
    # عام 2014, في العام 2019, سنة 2020, نهاية عام 2021
    "year": rf"(?:(?P<part>{_PART})\s+)?{_YEAR_WORD}\s+{_YEAR}",
    # العام الماضي, العام الجاري 2021, بداية العام الماضي, في وقت سابق من هذا العام
    "rel_year": rf"(?P<earlier>في\s+وقت\s+(?:سابق|لاحق)\s+من\s+)?(?:(?P<part>{_PART})\s+)?(?:{_ART}(?:عام|سنه)\s+(?P<mod>{_MOD_WORDS})|(?P<this>هذا\s+العام|هذه\s+السنه|العام\s+هذا)){_R}(?:\s+{_YEAR})?",
    # الأسبوع الماضي, هذا الأسبوع
    "week": rf"(?:(?P<part>{_PART})\s+)?(?:{_ART}اسبوع\s+(?P<mod>{_MOD_WORDS})|(?P<this>هذا\s+الاسبوع)){_R}",
    # الثلاثاء, يوم الجمعة, ليل الخميس, في وقت متأخر الاثنين, اليوم الأحد
    "weekday": rf"(?P<pre>(?:في\s+)?وقت\s+(?:متاخر|مبكر)\s+(?:من\s+)?(?:{_TIME_WORD}\s+){{0,2}}|(?:{_TIME_WORD}\s+){{1,2}}|اليوم\s+|امس\s+)?{_WEEKDAY}(?:\s+(?P<mod>{_MOD_WORDS}){_R})?",
    # أمس, أول أمس, اليوم, غدا, مساء أمس, الليلة الماضية
    "adverb": rf"(?:{_TIME_WORD}\s+){{0,2}}(?P<adv>اول\s+من\s+امس|اول\s+امس|امس\s+الاول|الليله\s+الماضيه|امس|البارحه|اليوم|غدا){_R}",
    # ليل الأحد-الاثنين, ليلة السبت على الأحد, ليل الخميس/الجمعة: one night, two days
    "night": rf"(?:{_TIME_WORD}\s+)?(?:ليل|ليله)\s+(?P<wd>{_alt(list(_WEEKDAYS))})\s*(?:[-/\u2013\u2014]|\s(?:علي|الي))\s*(?P<wd2>{_alt(list(_WEEKDAYS))}){_R}",
    # نهاية العام, منتصف الشهر (this year, this month), نهاية 2024
    "part_bare": rf"(?P<part>{_BARE_PART})\s+(?:(?P<year_word>(?:ال)?(?:عام|سنه))|(?P<month_word>الشهر)|{_YEAR}){_R}(?!\s+(?:ال|[0-9]))",
    # قبل يومين, قبل ثلاثة أيام, قبل يوم واحد (not "قبل يومين من الانتخابات")
    "ago": rf"قبل\s+(?:(?P<n>[0-9]{{1,2}}|{_alt(list(_FEW))})\s+ايام|(?P<two>يومين)|(?P<one>يوم\s+واحد)){_R}(?!\s*(?:من|علي){_R})",
}

# Starts of the patterns: a clitic may precede, and is not part of the span.
_COMPILED: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"{_L}{_CLITIC}(?P<x>{body})") for name, body in _PATTERNS.items()
}
# The fixed phrase "في وقت" starts with a word, not a clitic.
_COMPILED["weekday"] = re.compile(rf"{_L}{_CLITIC}(?P<x>{_PATTERNS['weekday']})")


# --------------------------------------------------------------------------
# Resolution helpers


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + delta
    return idx // 12, idx % 12 + 1


def _year_for_month(month: int, pub: dt.date, mod: str | None) -> int:
    if mod in _PAST:
        return pub.year if month < pub.month else pub.year - 1
    if mod in _FUTURE:
        return pub.year if month > pub.month else pub.year + 1
    if mod in _CURRENT:
        return pub.year
    return pub.year if month <= pub.month else pub.year - 1


def _year_offset(mod: str | None) -> int:
    if mod in _PAST:
        return -1
    if mod in _FUTURE:
        return 1
    return 0


def _week_start(day: dt.date) -> dt.date:
    """The Saturday that starts the Saturday–Friday week containing ``day``."""
    return day - dt.timedelta(days=(day.weekday() - 5) % 7)


@dataclass(frozen=True)
class _Res:
    value: str | None
    precision: str | None
    earliest: dt.date | None
    latest: dt.date | None
    relative: bool
    weekday: int | None = None  # a weekday named without a date to anchor it (0 = Monday)


_UNRESOLVED = _Res(None, None, None, None, True)


def _day(d: dt.date, relative: bool) -> _Res:
    return _Res(d.isoformat(), "day", d, d, relative)


def _month(year: int, month: int, relative: bool) -> _Res:
    a, b = _month_range(year, month)
    return _Res(f"{year:04d}-{month:02d}", "month", a, b, relative)


def _year(year: int, relative: bool) -> _Res:
    return _Res(f"{year:04d}", "year", dt.date(year, 1, 1), dt.date(year, 12, 31), relative)


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _month_of(m: re.Match[str]) -> int | None:
    m1 = _MONTHS[_key(m.group("m1"))]
    if m.group("m2") is not None and _MONTHS[_key(m.group("m2"))] != m1:
        return None  # "مارس/أبريل" is a range, not one month in two calendars
    return m1


def _by_deadline(m: re.Match[str], folded: str) -> bool:
    """ "بحلول سبتمبر", "بحلول نهاية أيلول": a deadline, so a month named without a year
    is the next one (on or after the publication month), not the last."""
    return _prev_word(folded, m.start("x")) in _DEADLINE_WORDS


def _month_year(
    m: re.Match[str], pub: dt.date | None, month: int, deadline: bool = False
) -> tuple[int | None, bool]:
    """Year of a month expression and whether it depended on ``pub``."""
    if _g(m, "y"):
        return int(m.group("y")), False
    ymod = _g(m, "ymod")
    if ymod or _g(m, "ythis"):
        if pub is None:
            return None, True
        return pub.year + _year_offset(_key(ymod) if ymod else None), True
    if pub is None:
        return None, True
    mod = _g(m, "mod")
    if deadline and not mod:
        return (pub.year if month >= pub.month else pub.year + 1), True
    return _year_for_month(month, pub, _key(mod) if mod else None), True


def _day_of(m: re.Match[str]) -> int:
    if m.group("dn") is not None:
        return int(m.group("dn"))
    return _DAY_ORDINALS[_key(m.group("do"))]


# --------------------------------------------------------------------------
# Pattern handlers: (match, folded text, published) -> _Res | None (reject)

_Handler = Callable[[re.Match[str], str, dt.date | None], _Res | None]


def _h_numeric(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    if m.group("ny"):
        y, mo, d = int(m.group("ny")), int(m.group("nm")), int(m.group("nd"))
    else:
        y, mo, d = int(m.group("ny2")), int(m.group("nm2")), int(m.group("nd2"))
    try:
        return _day(dt.date(y, mo, d), False)
    except ValueError:
        return None


def _h_day_month(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    month = _month_of(m)
    if month is None:
        return None
    year, relative = _month_year(m, pub, month, _by_deadline(m, folded))
    day = _day_of(m)
    if not 1 <= day <= 31:
        return None
    if year is None:  # "الخميس 9 مايو" undated: no date, but the weekday is kept
        wd = _g(m, "wd")
        return _Res(None, None, None, None, True, _WEEKDAYS[wd] if wd else None)
    try:
        return _day(dt.date(year, month, day), relative)
    except ValueError:
        return None


def _h_day_rel_month(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    day = _day_of(m)
    if not 1 <= day <= 31:
        return None
    if pub is None:
        return _UNRESOLVED
    mod = _g(m, "mod")
    mod = _key(mod) if mod else None
    y, mo = _shift_month(pub.year, pub.month, _year_offset(mod))
    try:
        return _day(dt.date(y, mo, day), True)
    except ValueError:
        return None


def _prev_word(folded: str, pos: int) -> str | None:
    words = re.findall(r"[^\W\d_]+", folded[max(0, pos - 30) : pos])
    return words[-1] if words else None


def _h_month(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    month = _month_of(m)
    if month is None:
        return None
    name = _key(m.group("m1"))
    if name in _AMBIGUOUS_MONTHS and not (
        m.group("m2") or _g(m, "y") or _g(m, "mod") or _g(m, "ymod") or _g(m, "ythis")
    ):
        anchored = _g(m, "part") is not None or m.group("x").startswith("شهر")
        prev = _prev_word(folded, m.start("x"))
        if not anchored and prev not in _MONTH_ANCHOR_WORDS:
            return None
    year, relative = _month_year(m, pub, month, _by_deadline(m, folded))
    if year is None:
        return _UNRESOLVED
    return _month(year, month, relative)


def _h_rel_month(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    if pub is None:
        return _UNRESOLVED
    mod = _g(m, "mod")
    y, mo = _shift_month(pub.year, pub.month, _year_offset(_key(mod) if mod else None))
    return _month(y, mo, True)


def _h_year(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    return _year(int(m.group("y")), False)


def _h_rel_year(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    if m.group("y"):
        return _year(int(m.group("y")), False)  # العام الجاري 2021: stated outright
    if pub is None:
        return _UNRESOLVED
    mod = _g(m, "mod")
    return _year(pub.year + _year_offset(_key(mod) if mod else None), True)


def _h_week(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    if pub is None:
        return _UNRESOLVED
    mod = _g(m, "mod")
    start = _week_start(pub) + dt.timedelta(days=7 * _year_offset(_key(mod) if mod else None))
    return _Res(None, "week", start, start + dt.timedelta(days=6), True)


_MONDAY_FOLLOW_OK = re.compile(
    rf"\s*(?:$|[^\w\s]|[0-9]|(?:ان|انه){_R}|{_MONTH_NAME}{_R}|{_alt(list(_WEEKDAYS))}{_R})"
)
_MONDAY_FOLLOW_NO = re.compile(rf"\s*(?:من|معا|معًا){_R}")
_MONDAY_PREV_NO = {fold(w) for w in ["كلا", "بين", "كل"]}


def _is_monday(m: re.Match[str], folded: str) -> bool:
    """Whether "الاثنين" here is Monday rather than "the two" (see module doc)."""
    if _MONDAY_FOLLOW_NO.match(folded, m.end("wd")):
        return False
    if _prev_word(folded, m.start("x")) in _MONDAY_PREV_NO:
        return False
    if m.group("pre") or m.group("mod"):
        return True
    return _MONDAY_FOLLOW_OK.match(folded, m.end("wd")) is not None


def _h_weekday(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    wd = _WEEKDAYS[m.group("wd")]
    if m.group("wd") == _MONDAY and not _is_monday(m, folded):
        return None
    if pub is None:  # no date, but the weekday is kept (two reports on different days differ)
        return _Res(None, None, None, None, True, wd)
    mod = m.group("mod")
    mod = _key(mod) if mod else None
    if mod in _FUTURE:
        delta = (wd - pub.weekday()) % 7 or 7
        return _day(pub + dt.timedelta(days=delta), True)
    back = (pub.weekday() - wd) % 7
    if mod in _PAST and back == 0:
        back = 7
    return _day(pub - dt.timedelta(days=back), True)


_ADVERB_OFFSETS = {"امس": -1, "البارحه": -1, "الليله الماضيه": -1, "اليوم": 0, "غدا": 1}
# اليوم followed by one of these is a day in the story (اليوم التالي، اليوم
# الأول، اليوم العالمي …), not the publication day; بأمس الحاجة is "in dire
# need"; غدا followed by a definite noun is the verb "became".
_TODAY_BLOCKERS = re.compile(
    rf"\s+(?:{_alt(['التالي', 'الأول', 'الثاني', 'الثالث', 'الأخير', 'السابق', 'اللاحق', 'الواحد', 'العالمي', 'الوطني', 'الدولي', 'نفسه', 'ذاته', 'الذي', 'التي', 'الموعود'])}){_R}"
)
_YESTERDAY_BLOCKERS = re.compile(rf"\s+الحاجه{_R}")
_TOMORROW_BLOCKERS = re.compile(rf"\s+ال[^\W\d_]+{_R}")
_NOT_TODAY_PREV = {fold(w) for w in ["ذلك", "تلك", "نفس", "ذات"]}


def _h_adverb(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    adv = _key(m.group("adv"))
    blockers = {"اليوم": _TODAY_BLOCKERS, "امس": _YESTERDAY_BLOCKERS, "غدا": _TOMORROW_BLOCKERS}
    if adv in blockers and blockers[adv].match(folded, m.end("adv")):
        return None
    if adv == "اليوم" and _prev_word(folded, m.start("x")) in _NOT_TODAY_PREV:
        return None
    offset = _ADVERB_OFFSETS.get(adv, -2)  # the rest are "the day before yesterday"
    if pub is None:
        return _UNRESOLVED
    return _day(pub + dt.timedelta(days=offset), True)


def _h_night(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    """ "ليل الأحد-الاثنين": the night from one day into the next. The first day is the
    date (the night of that day), the interval runs to the next, and no one weekday is
    kept (reports of the same night may name either day)."""
    wd, wd2 = _WEEKDAYS[m.group("wd")], _WEEKDAYS[m.group("wd2")]
    if wd2 != (wd + 1) % 7:
        return None
    if pub is None:
        return _UNRESOLVED
    first = pub - dt.timedelta(days=(pub.weekday() - wd) % 7)  # as a weekday: on or before
    return _Res(first.isoformat(), "day", first, first + dt.timedelta(days=1), True)


def _h_part_bare(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    if _g(m, "y"):
        return _year(int(m.group("y")), False)  # نهاية 2024: stated outright
    if pub is None:
        return _UNRESOLVED
    if m.group("month_word"):
        return _month(pub.year, pub.month, True)
    return _year(pub.year, True)


def _h_ago(m: re.Match[str], folded: str, pub: dt.date | None) -> _Res | None:
    if m.group("two"):
        days = 2
    elif m.group("one"):
        days = 1
    else:
        n = m.group("n")
        days = int(n) if n.isdigit() else _FEW[_key(n)]
    if not 1 <= days <= 31:
        return None
    if pub is None:
        return _UNRESOLVED
    return _day(pub - dt.timedelta(days=days), True)


_HANDLERS: dict[str, _Handler] = {
    "numeric": _h_numeric,
    "day_month": _h_day_month,
    "day_rel_month": _h_day_rel_month,
    "month": _h_month,
    "rel_month": _h_rel_month,
    "year": _h_year,
    "rel_year": _h_rel_year,
    "week": _h_week,
    "weekday": _h_weekday,
    "adverb": _h_adverb,
    "night": _h_night,
    "part_bare": _h_part_bare,
    "ago": _h_ago,
}


def _candidates(folded: str, pub: dt.date | None) -> list[tuple[int, int, _Res]]:
    out: list[tuple[int, int, _Res]] = []
    for name, rx in _COMPILED.items():
        handler = _HANDLERS[name]
        pos = 0
        while pos <= len(folded):
            m = rx.search(folded, pos)
            if m is None:
                break
            try:
                res = handler(m, folded, pub)
            except (ValueError, OverflowError):
                # resolving against a publication date at the edge of the calendar
                # (0001-01-01 with أمس, 9999-12-31 with العام المقبل) leaves it: no date
                res = None
            if res is not None:
                out.append((m.start("x"), m.end("x"), res))
                pos = m.end()
            else:
                pos = m.start() + 1  # let a shorter reading start inside it
    return out


def _longest_first(cands: list[tuple[int, int, _Res]]) -> list[tuple[int, int, _Res]]:
    """The candidates (in the order given) that overlap none taken before them, by start.

    Taken characters are marked in a byte array, so a candidate is tested in the time
    of its length, not against every span taken (quadratic in the number of dates).
    The candidates of one pattern do not overlap, so the marking is linear in the
    text. (Empty spans, which no pattern makes, would need the pairwise test.)
    """
    if any(c[0] >= c[1] for c in cands):
        taken: list[tuple[int, int, _Res]] = []
        for c in cands:
            if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
                taken.append(c)
        return sorted(taken, key=lambda c: c[0])
    marked = bytearray(max((c[1] for c in cands), default=0))
    taken = []
    for c in cands:
        if marked.find(1, c[0], c[1]) == -1:
            marked[c[0] : c[1]] = b"\x01" * (c[1] - c[0])
            taken.append(c)
    return sorted(taken, key=lambda c: c[0])


def find_dates(text: str, published: dt.date | None) -> list[DateSpan]:
    """Date expressions in ``text`` resolved against ``published``.

    Sorted, non-overlapping, longest expression wins; offsets are in the
    original text. Relative expressions without a publication date are
    returned with ``relative=True`` and no value.
    """
    folded = fold_with_map(text)
    cands = _candidates(folded.text, published)
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken = _longest_first(cands)
    out: list[DateSpan] = []
    for fs, fe, r in taken:
        start, end = folded.to_original(fs, fe)
        end = extend_over_marks(text, end)
        weekday = r.weekday
        if weekday is None and r.precision == "day" and r.earliest == r.latest and r.earliest:
            weekday = r.earliest.weekday()
        out.append(
            DateSpan(
                start,
                end,
                text[start:end],
                r.value,
                r.precision,
                r.earliest,
                r.latest,
                r.relative,
                weekday,
            )
        )
    return out


_DATELINE_LINES = 6
_DATELINE_MAX_OTHER_WORDS = 4
DATELINE_MAX_CHARS = 1000
"""A line longer than this is not read for a date line (a real one is a few words)."""
# The line breaks of str.splitlines, found one at a time
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _first_lines(text: str, count: int):
    """The first ``count`` non-blank lines of ``text`` as ``text.splitlines()`` gives
    them, with their offsets, found without splitting the rest of the text."""
    pos = 0
    found = 0
    while found < count and pos < len(text):
        brk = _LINE_BREAK.search(text, pos)
        end = brk.start() if brk is not None else len(text)
        line = text[pos:end]
        if line.strip():
            found += 1
            yield pos, line
        pos = brk.end() if brk is not None else len(text)


# A dateline opens the first paragraph: "البصرة - 03-05-2021 -", "بغداد 3 أيار (رويترز) -",
# "أربيل - 12/01/2024 -", "تاريخ النشر: 05/03/2021 | …". Only its first characters are read.
_HEAD_CHARS = 200
_HEAD_MAX_WORDS = 3
# A news agency or a source in brackets: "(رويترز)", "(أ ف ب)", "[واع]".
_AGENCY = re.compile(r"[(\[][^()\[\]\n]{0,40}[)\]]")
# What may follow the date in a dateline: the end of the line, a dash, a colon, a bar,
# a bracket (the agency), a slash.
_AFTER_DATE = re.compile(r"\s*(?:$|[-\u2010-\u2015\u2212:|/(\[])")
# A word that cannot end the words before a dateline's date: a preposition makes it a
# sentence ("في 7 يناير 2024 قصفت …" dates an event, not the article).
_NOT_BEFORE_DATE = {
    fold(w) for w in ["في", "منذ", "حتى", "قبل", "بعد", "خلال", "من", "إلى", "على", "عن", "مع"]
}
# "نشر في 2021/03/05": after these the preposition belongs to the label.
_PUBLISHED_LABEL = {fold(w) for w in ["نشر", "نشرت", "ونشر"]}
_DAY_MONTH = _COMPILED["day_month"]
_WORD = re.compile(r"[^\W\d_]+")
_LONE_YEAR = re.compile(r"(?<![0-9/.-])((?:19|20)[0-9]{2})(?![0-9/.-])")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _after_preposition(words: list[str]) -> bool:
    """The words before a date end in a preposition ("قتل ثلاثة جنود في"): the date is
    a sentence's, not the article's ("نشر في" is a label, not a sentence)."""
    return (
        bool(words)
        and words[-1] in _NOT_BEFORE_DATE
        and not (len(words) >= 2 and words[-2] in _PUBLISHED_LABEL)
    )


def _mostly_date(line: str, span: DateSpan) -> bool:
    """The line is the date and at most four other words ("الأحد 2021/08/08", "نشر في: …"),
    and no preposition stands right before the date."""
    rest = line[: span.start] + " " + line[span.end :]
    return len(_words(rest)) <= _DATELINE_MAX_OTHER_WORDS and not _after_preposition(
        _words(line[: span.start])
    )


def _dateline_head(line: str, span: DateSpan) -> bool:
    """The date opens the line as a dateline does: at most three words before it (a
    city, a label such as "تاريخ النشر"), not ending in a preposition that makes a
    sentence of it, and after it the end of the line, a dash, a colon or a bracket."""
    words = _words(_AGENCY.sub(" ", line[: span.start]))
    if len(words) > _HEAD_MAX_WORDS or _after_preposition(words):
        return False
    return _AFTER_DATE.match(line, span.end) is not None


def _area_year(lines: list[str]) -> int | None:
    """The one year the dateline area states outright, or None (none, or several).

    A year counts on a line that is mostly a date ("مايو 2024", "2024", "العدد 51 - 2024")
    or in a dateline head; a year in running text does not date the article."""
    years: set[int] = set()
    for line in lines:
        head = line[:_HEAD_CHARS]
        for span in find_dates(head, None):
            if span.relative or span.earliest is None:
                continue
            if _mostly_date(line, span) or _dateline_head(head, span):
                years.add(span.earliest.year)
        for m in _LONE_YEAR.finditer(head):
            rest = line[: m.start()] + " " + line[m.end() :]
            if len(_words(rest)) <= _DATELINE_MAX_OTHER_WORDS and not _LONE_YEAR.search(rest):
                years.add(int(m.group(1)))
    return years.pop() if len(years) == 1 else None


def _weekday_of(text: str) -> int | None:
    m = re.search(_WEEKDAY, fold(text))
    return _WEEKDAYS[m.group("wd")] if m else None


def _yearless(span: DateSpan, year: int | None) -> dt.date | None:
    """A day and month without a year ("بغداد 3 أيار (رويترز) -", "الخميس 9 مايو") dated
    by the year the dateline area gives; never a guessed year. A weekday named with it
    must be that date's weekday."""
    if year is None or not _DAY_MONTH.match(fold(span.text)):
        return None
    found = find_dates(span.text, dt.date(year, 12, 31))
    if len(found) != 1 or found[0].precision != "day" or found[0].earliest is None:
        return None
    res = found[0]
    weekday = _weekday_of(span.text)
    if weekday is not None and res.earliest.weekday() != weekday:
        return None
    return res.earliest


def find_dateline(text: str) -> dt.date | None:
    """The publication date from a date line or a dateline near the top, if there is one
    (the date of :func:`find_dateline_span`)."""
    span = find_dateline_span(text)
    return span.earliest if span is not None else None


def _at(span: DateSpan, offset: int, day: dt.date) -> DateSpan:
    """The dateline's span in the whole text, dated ``day``."""
    return DateSpan(
        span.start + offset,
        span.end + offset,
        span.text,
        day.isoformat(),
        "day",
        day,
        day,
        False,
        day.weekday(),
    )


def find_dateline_span(text: str) -> DateSpan | None:
    """The date line or dateline near the top (its span in ``text`` and its date), if
    there is one: its date is the article's publication date, not an event's.

    Only the first six non-empty lines are read, and only the first date of a line.
    It counts when it is a complete, absolute day-month-year ("الأحد 2021/08/08",
    "08/08/2021", "2020-03-17", "17 آذار/مارس 2020") and either

    * the line is mostly the date (at most four other words: a weekday, a city,
      "نشر في"), so a headline that mentions a past date is not mistaken for it; or
    * it opens the line as a dateline: at most three words before it (a city, a label
      such as "تاريخ النشر"; an agency in brackets aside), not ending in a preposition
      ("في 7 يناير 2024 قصفت …" is a dated sentence, not a dateline), and after it the
      end of the line, a dash, a colon or a bracket ("البصرة - 03-05-2021 - قال …",
      "أربيل - 12/01/2024 -").

    A day and month without a year in such a place ("بغداد 3 أيار (رويترز) -",
    "الخميس 9 مايو") take the one year that the other first lines state outright on
    a date line ("2024", "مايو 2024", "العدد 4410 - السنة 2024"); with none (or two)
    there is no date: a year is never guessed. A line over
    :data:`DATELINE_MAX_CHARS` characters is read for a dateline at its start only, so
    the time taken does not grow with the length of a first line (a first line of 1 MB
    took 11 s when it was read whole).
    """
    found = list(_first_lines(text, _DATELINE_LINES))
    lines = [line for _, line in found]
    for k, (offset, line) in enumerate(found):
        head = line[:_HEAD_CHARS]
        spans = find_dates(line if len(line) <= DATELINE_MAX_CHARS else head, None)
        for n, span in enumerate(spans):
            if span.precision == "day" and not span.relative and span.earliest is not None:
                if len(line) <= DATELINE_MAX_CHARS and _mostly_date(line, span):
                    return _at(span, offset, span.earliest)
                if n == 0 and span.end <= _HEAD_CHARS and _dateline_head(line, span):
                    return _at(span, offset, span.earliest)
            elif (
                n == 0
                and span.value is None
                and span.end <= _HEAD_CHARS
                and _dateline_head(line, span)
            ):
                day = _yearless(span, _area_year(lines[:k] + lines[k + 1 :]))
                if day is not None:
                    return _at(span, offset, day)
    return None
