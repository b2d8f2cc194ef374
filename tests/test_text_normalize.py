"""Tests for kg.lang.ar.normalize: folding, the offset map, clitic handling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.lang.ar.normalize import (
    PROCLITICS,
    Folded,
    clitic_variants,
    extend_over_marks,
    fold,
    fold_with_map,
    match_key,
    strip_definite,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(name_prefix: str) -> str:
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# --- fold: letter variants -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("أعلن", "اعلن"),
        ("إيران", "ايران"),
        ("آلاف", "الاف"),
        ("ٱلقائم", "القايم"),
        ("القيارة", "القياره"),
        ("مستشفى", "مستشفي"),
        ("مؤتمر", "موتمر"),
        ("طائرة", "طايره"),
        ("کرکوک", "كركوك"),  # Persian keheh
        ("ایران", "ايران"),  # Persian yeh
        ("ە", "ه"),
        ("ہ", "ه"),
    ],
)
def test_fold_letter_variants(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_drops_diacritics_and_tatweel() -> None:
    assert fold("قُتِلَ") == "قتل"
    assert fold("مسيّرة") == "مسيره"
    assert fold("هجوماً") == "هجوما"
    assert fold("الجيـــش") == "الجيش"
    assert fold("ثلاثةٌ") == "ثلاثه"
    assert fold("الرَّحْمٰن") == "الرحمن"  # superscript alef U+0670


def test_fold_drops_invisible_controls() -> None:
    raw = "\u200fبغداد\u200e \u202bكركوك\u202c\ufeff\u061c\u2066x\u2069\u200b"
    assert fold(raw) == "بغداد كركوك" + "x"


def test_fold_digits_and_separators() -> None:
    assert fold("٣٠٠ عنصر") == "300 عنصر"
    assert fold("۱۲۳۴") == "1234"  # Extended Arabic-Indic (Persian) digits
    assert fold("٥٬٢٠٠") == "5,200"
    assert fold("٢٫٥") == "2.5"


def test_fold_quotes() -> None:
    assert (
        fold("«داعش» “كورونا” ‘x’ „y‟ ″z″ ′w′ ‚v’") == '"داعش" "كورونا" \'x\' "y" "z" \'w\' \'v\''
    )


def test_fold_keeps_arabic_punctuation() -> None:
    assert fold("بغداد، كركوك؛ لماذا؟") == "بغداد، كركوك؛ لماذا؟"


def test_fold_presentation_forms() -> None:
    # lam-alef ligature and isolated/final glyph codes from old PDFs
    assert fold("\ufefb") == "لا"
    assert fold("\ufef7") == "لا"  # lam with alef with hamza above → لا
    assert fold("\ufe8d\ufedf\ufecc\ufeae\ufe8d\ufed5") == "العراق"
    assert fold("\ufe91\ufecc\ufeaa") == "بعد"


def test_fold_lowercases_latin_only() -> None:
    assert fold("BBC و CNN") == "bbc و cnn"
    assert fold("ÉTAT") == "état"


def test_fold_seed_sentence() -> None:
    text = seed("002")
    assert "العـراقية" in text
    assert "العراقيه" in fold(text)
    assert "“" not in fold(text)


# --- fold_with_map ----------------------------------------------------------


def test_fold_with_map_gives_original_offsets_for_regex_hits() -> None:
    text = "قُتِلَ أربعةُ عناصـرٍ من الشرطة الاتحادية وأُصيب سبعةٌ آخرون"
    folded = fold_with_map(text)
    m = re.search("اربعه عناصر", folded.text)
    assert m is not None
    start, end = folded.to_original(m.start(), m.end())
    assert text[start:end] == "أربعةُ عناصـرٍ"[:-1]  # ends before the trailing kasratan
    assert text[start : extend_over_marks(text, end)] == "أربعةُ عناصـرٍ"


def test_fold_with_map_on_seed_tatweel() -> None:
    text = seed("002")
    folded = fold_with_map(text)
    i = text.index("القوات العـراقية")
    j = folded.index.index(i)
    assert folded.text[j:].startswith("القوات العراقيه")
    start, end = folded.to_original(j, j + len("القوات العراقيه"))
    assert text[start:end] == "القوات العـراقية"


def test_to_original_for_presentation_form_expansion() -> None:
    text = "ك\ufefbم"  # ك + lam-alef ligature + م
    folded = fold_with_map(text)
    assert folded.text == "كلام"
    assert folded.index == (0, 1, 1, 2, 3)
    assert folded.to_original(1, 2) == (1, 2)  # the ل inside the ligature
    assert folded.to_original(1, 3) == (1, 2)
    assert folded.to_original(0, 4) == (0, 3)


def test_to_original_empty_and_bad_spans() -> None:
    folded = fold_with_map("بَغداد")
    assert folded.to_original(0, 0) == (0, 0)
    assert folded.to_original(len(folded.text), len(folded.text)) == (6, 6)
    with pytest.raises(ValueError):
        folded.to_original(3, 2)
    with pytest.raises(ValueError):
        folded.to_original(0, 99)


def test_folded_is_frozen() -> None:
    folded = fold_with_map("x")
    assert isinstance(folded, Folded)
    with pytest.raises(AttributeError):
        folded.text = "y"  # type: ignore[misc]


# --- clitics ----------------------------------------------------------------


def test_proclitics_longest_first() -> None:
    lengths = [len(p) for p in PROCLITICS]
    assert lengths == sorted(lengths, reverse=True)
    assert "ال" not in PROCLITICS
    assert {"وبال", "ولل", "لل", "و", "ك"} <= set(PROCLITICS)


def test_strip_definite() -> None:
    assert strip_definite("القياره") == "قياره"
    assert strip_definite("الا") == "الا"  # fewer than 2 letters would remain
    assert strip_definite("الي") == "الي"
    assert strip_definite("بغداد") == "بغداد"


def test_clitic_variants_keeps_names_whole_first() -> None:
    for name in ["واشنطن", "بغداد", "كركوك", "بريطانيا", "فرنسا", "لبنان"]:
        variants = clitic_variants(name)
        assert variants[0] == name
    assert clitic_variants("واشنطن") == ("واشنطن", "اشنطن")
    assert clitic_variants("بغداد") == ("بغداد", "غداد")


def test_clitic_variants_strips_one_prefix_longest_first() -> None:
    assert clitic_variants("وبالقائم") == ("وبالقائم", "قائم", "القائم", "بالقائم")
    assert clitic_variants("والقائم") == ("والقائم", "قائم", "القائم")
    assert clitic_variants("ببغداد") == ("ببغداد", "بغداد")


def test_clitic_variants_restores_article_after_lam_lam() -> None:
    assert clitic_variants("للقائم") == ("للقائم", "قائم", "القائم", "لقائم")
    assert "القوات" in clitic_variants("وللقوات")
    assert "التحالف" in clitic_variants("فللتحالف")


def test_clitic_variants_requires_two_letters_left() -> None:
    assert clitic_variants("وب") == ("وب",)
    assert clitic_variants("بها") == ("بها", "ها")
    assert clitic_variants("لل") == ("لل",)


def test_clitic_variants_never_strips_inside() -> None:
    for v in clitic_variants("وكركوك"):
        assert "وكركوك".endswith(v) or v.startswith("ال")
    assert "كركو" not in clitic_variants("وكركوك")


def test_match_key() -> None:
    assert match_key("القيارة") == match_key("قيارة") == "قياره"
    assert match_key("الأنبار") == "انبار"
    assert match_key("عَيْن الأسد") == "عين الاسد"


# --- properties -------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("أإآٱاةهىيؤوئکیەہبتلمن ،؛؟.,0123456789٠١٢٣۴۵«»“”‘’ـAbZ")
    + ["\u064e", "\u0651", "\u0670", "\u06d6", "\u200f", "\u202b", "\ufeff", "\ufefb", "\ufdf2"]
)
_TEXT = st.one_of(st.text(_ALPHABET, max_size=40), st.text(max_size=40))


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_fold_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_fold_with_map_invariants(text: str) -> None:
    folded = fold_with_map(text)
    assert folded.text == fold(text)
    assert len(folded.index) == len(folded.text) + 1
    assert folded.index[-1] == len(text)
    assert all(a <= b for a, b in zip(folded.index, folded.index[1:], strict=False))
    assert all(0 <= i < len(text) for i in folded.index[:-1])
    for s in range(len(folded.text) + 1):
        for e in range(s, len(folded.text) + 1):
            a, b = folded.to_original(s, e)
            assert 0 <= a <= b <= len(text)
            if e > s:
                # the original span folds to something containing the folded span
                assert folded.text[s:e] in fold(text[a:b])


@settings(max_examples=200, deadline=None)
@given(st.text(_ALPHABET, max_size=15))
def test_clitic_variants_are_suffixes_or_restored_article(word: str) -> None:
    word = fold(word)
    variants = clitic_variants(word)
    assert variants[0] == word
    assert len(set(variants)) == len(variants)
    for v in variants[1:]:
        assert word.endswith(v) or (v.startswith("ال") and word.endswith(v[2:]))
        assert len(v) >= 2


# --- spelling variants of names: gazetteer aliases, not folding ---------------------------
#
# Folding is one character at a time, so that offsets survive. The variants below are
# not letters for letters: a و or ي written or dropped inside a foreign name
# (كوردستان/كردستان, فيكتوريا/فكتوريا), a space dropped after دير/أبو (ديرالزور), a
# different letter (خميميم/حميميم). A letter rule would merge real words (كورد/كرد is
# safe, but dropping و or ي in general is not; "عين" glued to the next word is not
# always a name), so each real variant is a gazetteer alias, and the matcher finds it.

FOLDING_KEEPS_APART = [
    ("كوردستان", "كردستان"),
    ("فيكتوريا", "فكتوريا"),
    ("ديرالزور", "دير الزور"),
    ("خميميم", "حميميم"),
    ("الأميركية", "الأمريكية"),
]


@pytest.mark.parametrize(("a", "b"), FOLDING_KEEPS_APART)
def test_folding_does_not_merge_name_variants(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@pytest.mark.parametrize(
    ("sentence", "surface", "slug"),
    [
        ("استهدفت طائرة مسيرة قاعدة فيكتوريا قرب المطار.", "قاعدة فيكتوريا", "camp-victory"),
        ("استهدفت طائرة مسيرة قاعدة فكتوريا قرب المطار.", "قاعدة فكتوريا", "camp-victory"),
        ("استهدفت طائرة مسيرة معسكر فيكتوري قرب المطار.", "معسكر فيكتوري", "camp-victory"),
        ("سقط صاروخ في إقليم كوردستان مساء أمس.", "إقليم كوردستان", "kurdistan-region"),
        ("سقط صاروخ في إقليم كردستان مساء أمس.", "إقليم كردستان", "kurdistan-region"),
        ("قصفت مقاتلات مواقع في ديرالزور.", "ديرالزور", "deir-ez-zor"),
        ("وفي ديرالزور قصفت مقاتلات مواقع.", "ديرالزور", "deir-ez-zor"),
        ("قصفت مقاتلات مواقع في دير الزور.", "دير الزور", "deir-ez-zor"),
        ("انفجرت عبوة ناسفة في أبوغريب.", "أبوغريب", "abu-ghraib"),
        ("هاجمت مسيرات قاعدة خميميم الروسية.", "قاعدة خميميم", "hmeimim-air-base"),
        ("هاجمت مسيرات قاعدة حميميم الجوية.", "قاعدة حميميم الجوية", "hmeimim-air-base"),
        ("دوت انفجارات قرب حميميم فجرا.", "حميميم", "hmeimim-air-base"),
        ("انسحبت القوات الأمريكية من القاعدة.", "القوات الأمريكية", "us-forces"),
        ("انسحبت القوات الأميركية من القاعدة.", "القوات الأميركية", "us-forces"),
        ("وأعلن حزب العمال الكوردستاني مسؤوليته.", "حزب العمال الكوردستاني", "pkk"),
        (
            "ورحبت حكومة إقليم كوردستان بالقرار.",
            "حكومة إقليم كوردستان",
            "kurdistan-regional-government",
        ),
    ],
)
def test_name_variants_are_one_entity(nlp, sentence: str, surface: str, slug: str) -> None:
    import hashlib

    from kg.pipeline.corpus import Article
    from kg.pipeline.extract.article import extract_article
    from kg.vocab.gazetteer import load_gazetteer

    article = Article(
        article_id="n",
        file_name="n.txt",
        text=sentence,
        sha256=hashlib.sha256(sentence.encode()).hexdigest(),
        published=None,
        encoding="utf-8",
    )
    mentions = extract_article(nlp, load_gazetteer(), article).mentions
    found = {(m.text, m.entity.iri.rsplit("/", 1)[-1]) for m in mentions}
    assert (surface, slug) in found
