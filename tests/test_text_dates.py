"""Tests for kg.lang.ar.dates: date expressions resolved against publication."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.lang.ar.dates import DateSpan, find_dateline, find_dates

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
D = dt.date


def seed(name_prefix: str) -> tuple[str, dt.date | None]:
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    with (SEEDS / "manifest.csv").open(encoding="utf-8") as fh:
        published = {row["file"]: row["published"] for row in csv.DictReader(fh)}[path.name]
    return path.read_text(encoding="utf-8"), (D.fromisoformat(published) if published else None)


def table(text: str, published: dt.date | None) -> list[tuple[str, str | None, str | None]]:
    return [(s.text, s.value, s.precision) for s in find_dates(text, published)]


def one(text: str, published: dt.date | None) -> DateSpan:
    spans = find_dates(text, published)
    assert len(spans) == 1, [s.text for s in spans]
    return spans[0]


TUE = D(2020, 3, 17)  # a Tuesday, publication of seeds 000 and 004

# --- seeds: every expected expression -------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expr", "value", "precision"),
    [
        ("000", "الثلاثاء", "2020-03-17", "day"),
        ("000", "في وقت متأخر الاثنين", "2020-03-16", "day"),
        ("000", "الخميس", "2020-03-12", "day"),
        ("000", "الأربعاء", "2020-03-11", "day"),
        ("000", "ليل الخميس", "2020-03-12", "day"),
        ("000", "أواخر تشرين الأول/أكتوبر", "2019-10", "month"),
        ("000", "نهاية نيسان/أبريل المقبل", "2020-04", "month"),
        ("000", "نهاية أبريل المقبل", "2020-04", "month"),
        ("000", "28 ديسمبر/كانون الأول", "2019-12-28", "day"),
        ("000", "عام 2014", "2014", "year"),
        ("000", "نوفمبر/تشرين الثاني 2017", "2017-11", "month"),
        ("000", "اليوم", "2020-03-17", "day"),
        ("001", "الأحد 2021/08/08", "2021-08-08", "day"),
        ("001", "الأحد", "2021-08-08", "day"),
        ("001", "أواخر الشهر الماضي", "2021-07", "month"),
        ("001", "السادس والعشرين من يوليو الماضي", "2021-07-26", "day"),
        ("001", "السابع من أبريل الماضي", "2021-04-07", "day"),
        ("001", "السابع من الشهر الماضي", "2021-07-07", "day"),
        ("001", "نهاية يونيو الماضي", "2021-06", "month"),
        ("001", "نهاية العام الجاري 2021", "2021", "year"),
        ("001", "بداية العام الماضي", "2020", "year"),
        ("001", "نهاية هذا العام", "2021", "year"),
        ("002", "اليوم الأحد", "2020-03-29", "day"),
        ("002", "يوم 11 من الشهر الحالي", "2020-03-11", "day"),
        ("002", "يوم 3 يناير الماضي", "2020-01-03", "day"),
        ("003", "ديسمبر/ كانون أول 2017", "2017-12", "month"),
        ("003", "ديسمبر/ كانون أول 2018", "2018-12", "month"),
        ("003", "أكتوبر/تشرين أول 2019", "2019-10", "month"),
        ("003", "عام 2014", "2014", "year"),
        ("004", "الثلاثاء", "2020-03-17", "day"),
        ("004", "في وقت مبكر من الثلاثاء", "2020-03-17", "day"),
        ("004", "السبت", "2020-03-14", "day"),
        ("004", "نهاية نيسان/أبريل المقبل", "2020-04", "month"),
    ],
)
def test_seed_expressions(prefix: str, expr: str, value: str, precision: str) -> None:
    text, published = seed(prefix)
    got = {(s.text, s.value, s.precision) for s in find_dates(text, published)}
    assert (expr, value, precision) in got


def test_seed_weeks() -> None:
    for prefix, earliest, latest in [
        ("000", D(2020, 3, 7), D(2020, 3, 13)),
        ("004", D(2020, 3, 7), D(2020, 3, 13)),
        ("002", D(2020, 3, 21), D(2020, 3, 27)),
    ]:
        text, published = seed(prefix)
        weeks = [s for s in find_dates(text, published) if s.text == "الأسبوع الماضي"]
        assert weeks, prefix
        for w in weeks:
            assert (w.value, w.precision, w.earliest, w.latest) == (None, "week", earliest, latest)
            assert w.earliest.weekday() == 5  # Saturday
            assert w.relative


def test_seed_003_without_publication_date() -> None:
    text, published = seed("003")
    assert published is None
    spans = {s.text: s for s in find_dates(text, published)}
    for expr in [
        "3 يناير/ كانون الثاني",
        "28 ديسمبر/كانون الأول",
        "هذا الأسبوع",
        "الأسبوع الماضي",
        "في وقت سابق من هذا العام",
        "العام الماضي",
    ]:
        s = spans[expr]
        assert s.relative
        assert (s.value, s.precision, s.earliest, s.latest) == (None, None, None, None), expr
    assert spans["نوفمبر/تشرين الثاني 2017"].value == "2017-11"
    assert not spans["نوفمبر/تشرين الثاني 2017"].relative
    assert spans["عام 2014"].value == "2014"


def test_seed_spans_are_exact_and_disjoint() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text, published = seed(path.name[:3])
        spans = find_dates(text, published)
        assert spans
        for a, b in zip(spans, spans[1:], strict=False):
            assert a.end <= b.start
        for s in spans:
            assert text[s.start : s.end] == s.text


def test_bare_numbers_in_seeds_are_not_years() -> None:
    text, published = seed("000")
    assert not any("5200" in s.text for s in find_dates(text, published))
    text, published = seed("001")
    assert not any(s.text in {"2500", "3000"} for s in find_dates(text, published))


def test_dateline_of_seeds() -> None:
    assert find_dateline(seed("001")[0]) == D(2021, 8, 8)
    for prefix in ["000", "002", "003", "004"]:
        assert find_dateline(seed(prefix)[0]) is None


# --- weekdays --------------------------------------------------------------------


def test_weekday_same_day_counts() -> None:
    s = one("أعلن التحالف الثلاثاء انسحابه", TUE)
    assert (s.value, s.precision, s.relative) == ("2020-03-17", "day", True)
    assert s.earliest == s.latest == TUE


def test_weekday_with_time_words_and_clitic() -> None:
    text = "أعلنت خلية الإعلام الأمني سقوط ثلاثة صواريخ كاتيوشا على قاعدة بلد الجوية فجر الجمعة"
    s = one(text, TUE)
    assert (s.text, s.value) == ("فجر الجمعة", "2020-03-13")
    s = one("ووقع الهجوم مساء يوم السبت", TUE)
    assert s.text == "مساء يوم السبت"
    assert s.value == "2020-03-14"
    s = one("والخميس", TUE)
    assert (s.text, s.value) == ("الخميس", "2020-03-12")


def test_weekday_past_and_next() -> None:
    assert one("الثلاثاء الماضي", TUE).value == "2020-03-10"
    assert one("الأحد الماضي", TUE).value == "2020-03-15"
    assert one("الثلاثاء المقبل", TUE).value == "2020-03-24"
    assert one("الجمعة القادم", TUE).value == "2020-03-20"


def test_weekday_without_publication() -> None:
    s = one("قصف الخميس", None)
    assert s.relative and s.value is None and s.earliest is None and s.precision is None


def test_monday_versus_two() -> None:
    # Monday: time word before, punctuation/إن after, or الماضي
    assert one("في وقت متأخر الاثنين", TUE).value == "2020-03-16"
    assert one("وقع الهجوم يوم الإثنين في بغداد", TUE).value == "2020-03-16"
    assert one("قال المتحدث الاثنين إن القوات انسحبت", TUE).value == "2020-03-16"
    assert one("انسحبت القوات الاثنين.", TUE).value == "2020-03-16"
    assert one("الاثنين الماضي", TUE).value == "2020-03-16"
    # the number "the two"
    assert find_dates("قتل الاثنين من الجنود", TUE) == []
    assert find_dates("التقى كلا الاثنين في بغداد", TUE) == []
    assert find_dates("عاد الاثنين معا", TUE) == []
    # no cue either way: not a date (conservative)
    assert find_dates("استقبل الاثنين في بغداد", TUE) == []


def test_tuesday_never_three() -> None:
    assert table("ثلاث قواعد الثلاثاء", TUE) == [("الثلاثاء", "2020-03-17", "day")]


# --- adverbs --------------------------------------------------------------------


def test_adverbs() -> None:
    assert one("قصف أمس", TUE).value == "2020-03-16"
    assert one("قصف البارحة", TUE).value == "2020-03-16"
    assert one("قصف أول أمس", TUE).value == "2020-03-15"
    assert one("قصف أول من أمس", TUE).value == "2020-03-15"
    assert one("قصف مساء أمس", TUE).text == "مساء أمس"
    assert one("يعقد الاجتماع غداً", TUE).value == "2020-03-18"
    assert one("يجري احتفال بالنقل اليوم لتسليم المنشآت", TUE).value == "2020-03-17"


def test_adverbs_that_are_not_dates() -> None:
    assert find_dates("وفي اليوم التالي انسحبت القوات", TUE) == []
    assert find_dates("في ذلك اليوم", TUE) == []
    assert find_dates("المدينة بأمس الحاجة إلى المساعدة", TUE) == []


# --- day and month ---------------------------------------------------------------


def test_day_month_year_absolute() -> None:
    text = "في الخامس عشر من شباط/فبراير 2021 استهدف هجوم صاروخي مطار أربيل"
    s = one(text, None)
    assert (s.text, s.value, s.precision, s.relative) == (
        "الخامس عشر من شباط/فبراير 2021",
        "2021-02-15",
        "day",
        False,
    )
    s = one("قتل في 3 يناير/ كانون الثاني 2020 بغارة", None)
    assert (s.text, s.value) == ("3 يناير/ كانون الثاني 2020", "2020-01-03")
    s = one("في ٧ تموز ٢٠١٩", None)
    assert (s.text, s.value) == ("٧ تموز ٢٠١٩", "2019-07-07")


def test_day_month_without_year_needs_publication() -> None:
    s = one("في 7 تموز", None)
    assert s.relative and s.value is None
    s = one("في 7 تموز", D(2020, 3, 17))
    assert (s.value, s.relative) == ("2019-07-07", True)  # the most recent July
    s = one("في 7 تموز", D(2020, 7, 20))
    assert s.value == "2020-07-07"


def test_day_month_with_diacritics_and_tatweel() -> None:
    s = one("في السّابِع من أبريـــل الماضي", D(2021, 8, 8))
    assert (s.text, s.value) == ("السّابِع من أبريـــل الماضي", "2021-04-07")


def test_invalid_day_is_rejected() -> None:
    spans = find_dates("في 31 شباط/فبراير 2021", None)
    assert all(s.precision != "day" for s in spans)


def test_month_modifiers() -> None:
    pub = D(2021, 8, 8)
    assert one("نهاية يونيو الماضي", pub).value == "2021-06"
    assert one("في أغسطس الماضي", pub).value == "2020-08"  # strictly before
    assert one("في أغسطس المقبل", pub).value == "2022-08"  # strictly after
    assert one("في أغسطس الجاري", pub).value == "2021-08"
    assert one("في أغسطس", pub).value == "2021-08"  # bare: on or before
    assert one("في سبتمبر", pub).value == "2020-09"
    assert one("في مارس من العام الماضي", pub).value == "2020-03"
    s = one("منتصف تموز", pub)
    assert (s.text, s.precision, s.earliest, s.latest) == (
        "منتصف تموز",
        "month",
        D(2021, 7, 1),
        D(2021, 7, 31),
    )


def test_ambiguous_month_words() -> None:
    # مارس "he practised", آب/أب "father", نيسان the car maker
    assert find_dates("مارس ضغوطا كبيرة على الحكومة", TUE) == []
    assert find_dates("اشترى سيارة نيسان", TUE) == []
    assert find_dates("قتل الأب وابنه", TUE) == []
    assert one("في مارس", TUE).value == "2020-03"
    assert one("في 7 آب", TUE).value == "2019-08-07"


def test_relative_month() -> None:
    pub = D(2021, 1, 10)
    assert one("الشهر الماضي", pub).value == "2020-12"
    assert one("الشهر المقبل", pub).value == "2021-02"
    assert one("هذا الشهر", pub).value == "2021-01"
    assert one("في العشرين من الشهر الجاري", pub).value == "2021-01-20"


# --- years --------------------------------------------------------------------------


def test_years() -> None:
    assert table("في العام 2019 وسنة 2020 ولعام 2021", None) == [
        ("العام 2019", "2019", "year"),
        ("سنة 2020", "2020", "year"),
        ("عام 2021", "2021", "year"),
    ]
    s = one("منذ بداية العام الماضي", D(2021, 8, 8))
    assert (s.text, s.value, s.earliest, s.latest) == (
        "بداية العام الماضي",
        "2020",
        D(2020, 1, 1),
        D(2020, 12, 31),
    )
    assert one("العام الحالي", D(2021, 8, 8)).value == "2021"
    assert one("هذا العام", D(2021, 8, 8)).value == "2021"
    assert one("في وقت سابق من هذا العام", D(2020, 3, 1)).text == "في وقت سابق من هذا العام"


def test_bare_four_digit_numbers_are_not_years() -> None:
    assert find_dates("انسحاب 5200 جندي", TUE) == []
    assert find_dates("نحو 2019 عنصرا", TUE) == []


def test_explicit_year_is_absolute() -> None:
    s = one("بحلول نهاية العام الجاري 2021", None)
    assert (s.value, s.relative) == ("2021", False)


# --- weeks ----------------------------------------------------------------------------


def test_weeks() -> None:
    s = one("هذا الأسبوع", TUE)
    assert (s.value, s.precision, s.earliest, s.latest) == (
        None,
        "week",
        D(2020, 3, 14),
        D(2020, 3, 20),
    )
    s = one("الأسبوع المقبل", TUE)
    assert (s.earliest, s.latest) == (D(2020, 3, 21), D(2020, 3, 27))
    # publication on a Saturday: that Saturday starts the current week
    s = one("الأسبوع الماضي", D(2020, 3, 14))
    assert (s.earliest, s.latest) == (D(2020, 3, 7), D(2020, 3, 13))


# --- numeric dates and datelines ---------------------------------------------------


def test_numeric_dates() -> None:
    assert one("2020-03-17", None).value == "2020-03-17"
    assert one("08/08/2021", None).value == "2021-08-08"
    assert one("٢٠٢١/٠٨/٠٨", None).value == "2021-08-08"
    assert find_dates("2021/13/40", None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عنوان الخبر\n\nالأحد 2021/08/08\nبغداد - قال", D(2021, 8, 8)),
        ("عنوان\n2021/08/08\nنص", D(2021, 8, 8)),
        ("عنوان\n08/08/2021\nنص", D(2021, 8, 8)),
        ("2020-03-17\nنص", D(2020, 3, 17)),
        ("عنوان\n17 آذار/مارس 2020\nنص", D(2020, 3, 17)),
        ("عنوان\nالثلاثاء 17 مارس 2020\nنص", D(2020, 3, 17)),
        ("عنوان\nنشر في: الثلاثاء، 17 مارس 2020", D(2020, 3, 17)),
    ],
)
def test_dateline(text: str, expected: dt.date) -> None:
    assert find_dateline(text) == expected


def test_dateline_rejects() -> None:
    # incomplete date, too far down, or a headline sentence mentioning a date
    assert find_dateline("عنوان\nمارس 2020\nنص") is None
    assert find_dateline("عنوان\nالثلاثاء\nنص") is None
    assert find_dateline("\n".join(["سطر"] * 7 + ["2021/08/08"])) is None
    assert (
        find_dateline(
            "قتل الجنرال سليماني في غارة أميركية قرب مطار بغداد في 3 يناير 2020 مع المهندس"
        )
        is None
    )


# --- properties --------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "الثلاثاء",
        "الاثنين",
        " ",
        "،",
        ".",
        "يوم ",
        "في وقت متأخر ",
        "أمس",
        "اليوم",
        "الماضي",
        "المقبل",
        "28",
        "2020",
        "/",
        "ديسمبر",
        "كانون الأول",
        "تشرين",
        "من ",
        "الشهر",
        "العام",
        "عام ",
        "الأسبوع",
        "نهاية ",
        "السابع ",
        "و",
        "\u064e",
        "ـ",
        "\u200f",
        "٣",
        "x",
    ]
)
_TEXT = st.one_of(st.lists(_PIECES, max_size=25).map("".join), st.text(max_size=60))
_PUB = st.one_of(st.none(), st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)))


@settings(max_examples=200, deadline=None)
@given(_TEXT, _PUB)
def test_find_dates_never_raises_and_spans_inside(text: str, pub: dt.date | None) -> None:
    spans = find_dates(text, pub)
    prev_end = 0
    for s in spans:
        assert prev_end <= s.start < s.end <= len(text)
        assert s.text == text[s.start : s.end]
        prev_end = s.end
        if s.value is not None or s.precision == "week":
            assert s.earliest is not None and s.latest is not None
            assert s.earliest <= s.latest
        if pub is None and s.relative:
            assert s.value is None and s.earliest is None
    find_dateline(text)
