"""Tests for kg.lang.ar.numbers: digits, number words, duals, ordinals."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.lang.ar.numbers import NumberSpan, find_numbers, parse_number

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(name_prefix: str) -> str:
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def found(text: str) -> list[tuple[str, int, str, bool]]:
    return [(text[s.start : s.end], s.value, s.kind, s.approximate) for s in find_numbers(text)]


def values(text: str) -> list[int]:
    return [s.value for s in find_numbers(text)]


# --- digits -------------------------------------------------------------------


def test_digits_ascii_arabic_indic_and_separators() -> None:
    text = "انسحاب 5200 جندي و5,200 آخرين و٥٬٢٠٠ و٣٠٠ عنصر و۱۲ قاعدة"
    assert found(text) == [
        ("5200", 5200, "digits", False),
        ("5,200", 5200, "digits", False),
        ("٥٬٢٠٠", 5200, "digits", False),
        ("٣٠٠", 300, "digits", False),
        ("۱۲", 12, "digits", False),
    ]


def test_digits_with_clitic_and_tatweel() -> None:
    text = "تعرضت القاعدة لـ3 هجمات"
    ((span, value, kind, _),) = found(text)
    assert (span, value, kind) == ("3", 3, "digits")


def test_digits_with_scale_words() -> None:
    assert found("نشر 3 آلاف جندي") == [("3 آلاف", 3000, "digits", False)]
    assert found("كلفت 2.5 مليون دولار") == [("2.5 مليون", 2_500_000, "digits", False)]


def test_decimals_and_designations_are_not_counts() -> None:
    assert found("بلغت النسبة 2.5 بالمئة") == []
    assert found("طائرة F16 أميركية") == []


# --- words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("واحد", 1),
        ("واحدة", 1),
        ("واحداً", 1),
        ("اثنان", 2),
        ("اثنتين", 2),
        ("إثنين", 2),
        ("ثلاثة", 3),
        ("ثلاثةُ", 3),
        ("ثلاث", 3),
        ("أربعة", 4),
        ("ثماني", 8),
        ("عشرة", 10),
        ("عشر", 10),
        ("أحد عشر", 11),
        ("إحدى عشرة", 11),
        ("اثنا عشر", 12),
        ("اثنتي عشرة", 12),
        ("ثلاثة عشر", 13),
        ("تسعة عشر", 19),
        ("عشرون", 20),
        ("عشرين", 20),
        ("خمسة وعشرين", 25),
        ("واحد وعشرون", 21),
        ("ثلاث وتسعون", 93),
        ("خمسين", 50),
        ("مئة", 100),
        ("مائة", 100),
        ("مئتين", 200),
        ("مئتان", 200),
        ("ثلاثمئة", 300),
        ("ثلاثمائة", 300),
        ("خمس مئة", 500),
        ("ثلاثمئة وخمسون", 350),
        ("مئة وخمسة وعشرون", 125),
        ("ألف", 1000),
        ("ألفين", 2000),
        ("ثلاثة آلاف", 3000),
        ("عشرة آلاف", 10_000),
        ("أحد عشر ألفا", 11_000),
        ("عشرون ألفاً", 20_000),
        ("ثلاثة آلاف وخمسمئة", 3500),
        ("ألف ومئتان", 1200),
        ("مليون", 1_000_000),
        ("خمسة ملايين", 5_000_000),
        ("الثلاثة", 3),
        ("والاثنان", 2),
        ("بثلاثة", 3),
        ("وثلاثة", 3),
        ("لـ3", 3),
        ("٣٠٠", 300),
    ],
)
def test_parse_number_words(phrase: str, value: int) -> None:
    assert parse_number(phrase) == value


@pytest.mark.parametrize(
    "phrase",
    ["عشرات", "مئات", "آلاف", "ثلاثة جنود", "", "   ", "الثلاثاء", "الاثنين", "بغداد", "لست"],
)
def test_parse_number_rejects(phrase: str) -> None:
    assert parse_number(phrase) is None


def test_words_in_new_sentences() -> None:
    text = "قُتل أربعة عناصر من الشرطة الاتحادية وأصيب سبعة آخرون"
    assert found(text) == [("أربعة", 4, "words", False), ("سبعة", 7, "words", False)]
    text = "أعلنت خلية الإعلام الأمني سقوط ثلاثة صواريخ كاتيوشا على قاعدة بلد الجوية فجر الجمعة"
    assert found(text) == [("ثلاثة", 3, "words", False)]


def test_list_is_not_summed() -> None:
    assert values("قتل ثلاثة وأربعة جرحى") == [3, 4]
    assert values("قتل خمسة وعشرون") == [25]


def test_vague_quantities_are_not_numbers() -> None:
    assert found("سقط عشرات الصواريخ ومئات القذائف وآلاف الرصاصات") == []


def test_tuesday_is_not_three_and_monday_is_not_two() -> None:
    assert found("وقع الهجوم الثلاثاء") == []
    assert found("وقع الهجوم يوم الاثنين وفي الإثنين الماضي") == []
    # without the article it is the number: "إصابة اثنين من أفراد"
    assert found("إصابة اثنين من أفراد قوات الأمن") == [("اثنين", 2, "words", False)]
    # الاثنان / الاثنتين with the article are not Monday
    assert values("قتل الاثنان") == [2]


def test_lst_is_not_six() -> None:
    assert found("قال لست أدري") == []
    assert values("وست طائرات") == [6]


def test_words_with_diacritics_and_tatweel() -> None:
    text = "أُصِيبَ ثَلاثَةٌ مِن الجُنـــود"
    ((span, value, _, _),) = found(text)
    assert (span, value) == ("ثَلاثَةٌ", 3)


# --- approximators ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("نحو 300 عنصر", "نحو 300", 300),
        ("حوالي خمسين هجوما", "حوالي خمسين", 50),
        ("حوالى عشرة مقاتلين", "حوالى عشرة", 10),
        ("قرابة ألف جندي", "قرابة ألف", 1000),
        ("زهاء عشرين صاروخا", "زهاء عشرين", 20),
        ("ما يقارب 40 قتيلا", "ما يقارب 40", 40),
        ("ما لا يقل عن 25 هجوم", "ما لا يقل عن 25", 25),
        ("أطلق لأكثر من 160 صاروخاً", "أكثر من 160", 160),
        ("خلال أقل من ستة أشهر", "أقل من ستة", 6),
        ("ونحو أسبوعين", "نحو أسبوعين", 2),
    ],
)
def test_approximators_are_included_and_flagged(text: str, span: str, value: int) -> None:
    assert found(text) == [
        (span, value, found(text)[0][2], True),
    ]
    assert found(text)[0][0] == span


def test_approximator_without_number_is_nothing() -> None:
    assert found("توجه نحو بغداد خلال أقل من أسبوع") == []


# --- duals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("مقتل جنديين أميركيين", "جنديين"),
        ("إصابة عنصرين من الدفاع الجوي", "عنصرين"),
        ("سقوط صاروخين على المدرج", "صاروخين"),
        ("تعرضت لهجومين", "هجومين"),
        ("قاعدتا القيارة وكركوك", "قاعدتا"),
        ("من قاعدتي القيارة", "قاعدتي"),
        ("وقد تعرضت القاعدتان", "القاعدتان"),
        ("تضم طائرتي هليكوبتر", "طائرتي"),
        ("استهدف رتلين للتحالف", "رتلين"),
        ("انفجرت عبوتان ناسفتان", "عبوتان"),
        ("قتل ضابطي شرطة", "ضابطي"),
        ("بطائرتين مسيرتين", "طائرتين"),
        ("قتل مقاتلان", "مقاتلان"),
        ("منشأتين نفطيتين", "منشأتين"),
    ],
)
def test_duals(text: str, span: str) -> None:
    spans = find_numbers(text)
    assert [(text[s.start : s.end], s.value, s.kind) for s in spans][0] == (span, 2, "dual")


def test_dual_with_emphatic_two_is_one_number() -> None:
    text = "نقلا عن مصدرين اثنين"
    assert found(text) == [("مصدرين اثنين", 2, "dual", False)]


def test_sound_plural_ين_is_not_a_dual() -> None:
    # "عشرة مقاتلين" is ten fighters, "مدنيين" civilians: plural, not two.
    assert values("مقتل حوالي عشرة مقاتلين") == [10]
    assert found("سقوط ضحايا مدنيين") == []
    assert found("مستشارين عسكريين أميركيين") == []


def test_accusative_singular_is_not_a_dual() -> None:
    # "14 صاروخا" (tamyiz), not "two missiles"
    assert values("حيث سقط 14 صاروخا من دون تسجيل إصابات") == [14]
    assert found("قتل جندياً") == []


def test_construct_dual_in_alif_only_before_a_corps() -> None:
    # "ضابطا شرطة": two police officers (nominative construct); alone, or after a number,
    # "ضابطا"/"جنديا" is the accusative singular
    assert found("قتل ضابطا شرطة ومدني") == [("ضابطا", 2, "dual", False)]
    assert found("أصيب حارسا أمن") == [("حارسا", 2, "dual", False)]
    assert found("قتلت الغارة ضابطا") == []
    assert values("قتل 15 ضابطا") == [15]


def test_adjectives_are_not_duals() -> None:
    assert found("هجوم صاروخي على قاعدة عسكرية") == []
    assert found("سلاح شخصي") == []


# --- ordinals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("الهجوم المماثل الرابع والعشرون", "الرابع والعشرون", 24),
        ("في السادس والعشرين من يوليو", "السادس والعشرين", 26),
        ("في الخامس عشر من شباط/فبراير 2021", "الخامس عشر", 15),
        ("في الحادي عشر من الشهر", "الحادي عشر", 11),
        ("الحادي والعشرون", "الحادي والعشرون", 21),
        ("في ثالث هجوم من نوعه", "ثالث", 3),
        ("للمرة الأولى", "الأولى", 1),
        ("في الهجوم الأول", "الأول", 1),
        ("الهجوم الثاني", "الثاني", 2),
        ("العشرين من الشهر", "العشرين", 20),
        ("أول عملية إعادة انتشار", "أول", 1),
    ],
)
def test_ordinals(text: str, span: str, value: int) -> None:
    got_span, got_value, kind, _ = found(text)[0]
    assert (got_span, got_value, kind) == (span, value, "ordinal")


def test_month_names_and_day_before_yesterday_are_not_ordinals() -> None:
    assert found("منذ أواخر تشرين الأول/أكتوبر") == []
    assert found("في كانون الثاني وتشرين أول وكانون الأول") == []
    assert found("وقع أول أمس وأول من أمس") == []


def test_bare_feminine_ordinal_is_not_taken() -> None:
    # ثانية is also "a second"
    assert found("خلال ثانية واحدة") == [("واحدة", 1, "words", False)]


# --- seeds --------------------------------------------------------------------------


def test_seed_004_casualty_numbers() -> None:
    text = seed("004")
    got = found(text)
    assert ("جنديين", 2, "dual", False) in got
    assert ("عنصرين", 2, "dual", False) in got
    assert ("صاروخين", 2, "dual", False) in got
    assert ("ثلاثة", 3, "words", False) in got
    assert ("نحو 300", 300, "digits", True) in got


def test_seed_000_numbers() -> None:
    text = seed("000")
    got = found(text)
    assert ("الرابع والعشرون", 24, "ordinal", False) in got
    assert ("5200", 5200, "digits", False) in got
    assert ("نحو 24", 24, "digits", True) in got
    assert ("ثلاث", 3, "words", False) in got
    assert ("صاروخان", 2, "dual", False) in got
    # تشرين الأول is a month, not an ordinal; الثلاثاء is not "three"
    assert not any(s == "الثلاثاء" for s, *_ in got)
    assert sum(1 for s, *_ in got if s == "الأول") == 1  # only "المكان الأول"


def test_seed_003_numbers() -> None:
    text = seed("003")
    got = found(text)
    assert ("اثنين", 2, "words", False) in got
    assert ("ضابطي", 2, "dual", False) in got
    assert ("واحد", 1, "words", False) in got
    assert ("ما لا يقل عن 25", 25, "digits", True) in got
    assert ("أكثر من 160", 160, "digits", True) in got
    assert ("الثلاث", 3, "words", False) in got


def test_seed_002_dual_with_two() -> None:
    assert ("مصدرين اثنين", 2, "dual", False) in found(seed("002"))


def test_spans_sorted_and_disjoint_on_seeds() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = find_numbers(text)
        assert spans, path.name
        for a, b in zip(spans, spans[1:], strict=False):
            assert a.end <= b.start
        for s in spans:
            assert isinstance(s, NumberSpan)
            assert 0 <= s.start < s.end <= len(text)
            assert s.kind in {"digits", "words", "dual", "ordinal"}


# --- properties --------------------------------------------------------------------

_PIECES = st.sampled_from(
    list("ثلاثةاربعخمسستسبعثمانيتسعشرونمئألفاحدىنحوحواليوبلكـ ،.0123456789٣٠,")
    + ["\u064b", "\u0651", "\u200f", "\ufefb", " و", " من ", "ثلاثة", " آلاف", "عشر", "ين"]
)
_TEXT = st.one_of(st.lists(_PIECES, max_size=30).map("".join), st.text(max_size=60))


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_find_numbers_never_raises_and_spans_inside(text: str) -> None:
    spans = find_numbers(text)
    prev_end = 0
    for s in spans:
        assert prev_end <= s.start < s.end <= len(text)
        assert s.value >= 0
        prev_end = s.end


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_digits_round_trip(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    arabic = str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert parse_number(arabic) == n
