"""Bounded work: every step of reading one article is linear in its length.

Each timing test runs inside a time limit (kg.pipeline.extract.budget.time_limit) far above what
the linear code needs and far below what the quadratic code needed, so a regression
fails in seconds instead of hanging. Each equivalence test checks that a fix keeps
the results on ordinary text: the tokens spaCy gives, the sentence ends, the date line,
the dates chosen.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.pipeline.extract.budget import ArticleTimeout, time_limit

# symbols and punctuation that spaCy's affix rules split off one at a time (a run of any
# of them was quadratic), then some of other scripts and some it does not split
SYMBOLS = list(";\"'«»“”‘’„()[]{}–—…*#%&+=<>`_$٪") + ["😀", "🙂"]
OTHER_SYMBOLS = list("¡¿、。《》・|~^@§°€£¥©®™←→•") + ["\u2066", "ـ", "🇮🇶"]
AFFIXES = "«*%)&"


def varied_run(ch: str, n: int, seed: int = 0) -> str:
    """``ch`` × ``n`` with another affix symbol every few hundred characters: as slow
    for spaCy as ``ch`` alone, but its pieces differ (spaCy caches the tokens of a
    piece it has seen, which would hide the cost of a repeated one)."""
    rng = random.Random(seed)
    out = list(ch * n)
    k = 0
    while k < len(out):
        out[k] = rng.choice([a for a in AFFIXES if a != ch])
        k += rng.randint(50, 400)
    return "".join(out)


def within(seconds: float, fn, *args):
    """fn(*args), failing the test if it takes longer than ``seconds``."""
    t0 = time.perf_counter()
    try:
        with time_limit(seconds):
            result = fn(*args)
    except ArticleTimeout:
        pytest.fail(f"{getattr(fn, '__name__', fn)} took longer than {seconds} s")
    return result, time.perf_counter() - t0


# --- the tokenizer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_tokenizer(nlp):
    """spaCy's tokenizer with kg's rules, as it was: whole runs, whole-string suffix search."""
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_suffix_regex

    from kg.pipeline.nlp import pipeline as P

    bounded = nlp.tokenizer
    suffixes = [r"[.,،؛:!؟?]+", P._QUOTES, r"[)\]]"] + list(nlp.Defaults.suffixes)
    return Tokenizer(
        nlp.vocab,
        rules=bounded.rules,
        prefix_search=bounded.prefix_search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=bounded.infix_finditer,
        token_match=bounded.token_match,
        url_match=bounded.url_match,
    )


def _tokens(doc) -> list[tuple[str, int, str]]:
    return [(t.text, t.idx, t.whitespace_) for t in doc]


@pytest.mark.parametrize(
    ("shape", "ch"),
    [("run", c) for c in SYMBOLS + OTHER_SYMBOLS]
    + [("before a letter", c) for c in "،؛؟!,:"]
    + [("glued to words", c) for c in "&«😀—"]
    + [("in a sentence", c) for c in ';")}'],
)
def test_long_runs_tokenize_in_linear_time(nlp, shape, ch):
    """40,000 "&" took 79 s (quadratic: spaCy strips one affix at a time and searches
    the whole rest of the run each time); 30,000 of any symbol now take well under 5 s
    (20,000 took over 5 s before)."""
    n = 30_000
    if shape == "run":
        text = varied_run(ch, n)
    elif shape == "before a letter":  # "،،،،x": a prefix each time, as the suffix search fails
        text = varied_run(ch, n) + "x"
    elif shape == "glued to words":
        text = "هجوم" + varied_run(ch, n) + "القاعدة"
    else:
        text = "سقطت صواريخ على قاعدة عين الأسد " + "قاعدة" + varied_run(ch, n) + "x"
    doc, seconds = within(5, nlp.tokenizer, text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)


def test_time_per_character_does_not_grow_with_the_run(nlp):
    """Linear: 4× the run costs about 4× the time (quadratic was 16×)."""
    small = within(5, nlp.tokenizer, varied_run("«", 20_000, 1))[1]
    large = within(20, nlp.tokenizer, varied_run("«", 80_000, 2))[1]
    assert large < 10 * max(small, 0.02), (small, large)


# Text whose whitespace-free runs are at most MAX_RUN long: the tokens must be spaCy's.
_ALPHABET = (
    list("ابتثجحخدذرسشصضطظعغفقكلمنهوية")
    + list(".,،؛:!؟?\"'«»“”‘’„()[]{}-–—/\\…*#%&@+=<>|~^`_$٪")
    + list("0123456789٠١٢٣")
    + ["ـ", "\u064e", "\u200c", "😀", "km", "كم", "US$", "...", "……"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.one_of(
            st.lists(st.sampled_from(_ALPHABET), min_size=1, max_size=30).map("".join),
            st.sampled_from([" ", "  ", "\n", "\t", " \n "]),
        ),
        max_size=40,
    )
)
def test_tokens_of_ordinary_text_are_spacys(nlp, plain_tokenizer, parts):
    text = "".join(parts)
    assert _tokens(nlp.tokenizer(text)) == _tokens(plain_tokenizer(text))


def test_tokens_of_the_corpora_are_spacys(nlp, plain_tokenizer, seeds_dir, root):
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((root / "tests/data/unseen").glob("*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert _tokens(nlp.tokenizer(text)) == _tokens(plain_tokenizer(text)), path.name


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_ALPHABET[28:] + ["ب", "x", "5"]), max_size=120).map("".join))
def test_tail_suffix_search_finds_the_leftmost_suffix(nlp, string):
    """The suffix search of the last 16 characters finds what the whole search finds."""
    from spacy.util import compile_suffix_regex

    from kg.pipeline.nlp import pipeline as P

    suffixes = [r"[.,،؛:!؟?]+", P._QUOTES, r"[)\]]"] + list(nlp.Defaults.suffixes)
    full = compile_suffix_regex(suffixes).search(string)
    tail = nlp.tokenizer.suffix_search(string)
    assert (full and full.start()) == (tail and tail.start())


def test_tail_search_is_active(nlp):
    """Guard: with this spaCy's rules the windowed search is used (an unknown unbounded
    rule would make kg fall back to the whole-string search, quadratic again)."""
    assert getattr(nlp.tokenizer.suffix_search, "window", None) == 16
    from kg.pipeline.nlp.pipeline import _tail_safe

    assert _tail_safe(r"[.,]+", 16) and _tail_safe(r"\.\.+", 16) and _tail_safe("km|kg", 16)
    assert not _tail_safe(r"(?<=[0-9])[a-z]+", 16) and not _tail_safe(r"[a-z]+[0-9]+", 16)


def test_isspace_is_what_the_run_finder_splits_at():
    """The long-run finder uses \\s, spaCy splits at str.isspace: the same characters."""
    for cp in range(0x3000 + 1):
        ch = chr(cp)
        assert (re.match(r"\s", ch) is not None) == ch.isspace(), hex(cp)


def test_long_runs_are_cut_only_inside_themselves():
    from kg.pipeline.nlp.pipeline import long_run_cuts

    text = "قال " + "&" * 2500 + " و" + "ـ" * 999 + " " + "«" * 1001 + "\n" + "x" * 1000
    cuts = long_run_cuts(text)
    assert cuts == [4 + 1000, 4 + 2000, len(text) - 1001 - 1]


# --- sentences ---------------------------------------------------------------------------

_OLD_SENT_END = re.compile(r"""([.!?؟]+["”’»)\]]*)(?=[\s,،]|$)|\n+""")


@pytest.mark.parametrize("mark", [".", "!", "؟", "?", ".!؟", '."', "?»"])
def test_sentence_ends_in_linear_time(mark):
    """20,000 "." followed by a letter took 11 s: each position of the run was tried."""
    from kg.pipeline.nlp.pipeline import segment_sentences

    for text in (
        mark * 40_000 + "x",
        "قال المسؤول" + mark * 40_000 + "ب",
        (mark * 3_000 + "ش") * 10,
    ):
        within(3, segment_sentences, text)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(st.sampled_from(list('.!?؟"”’»)], ،\nxب')), max_size=60))
def test_sentence_ends_are_the_same(text):
    from kg.lang.ar import SENTENCE_END

    old = [(m.span(), m.group(1)) for m in _OLD_SENT_END.finditer(text)]
    new = [(m.span(), m.group(1)) for m in SENTENCE_END.finditer(text)]
    assert old == new


# --- the date line, dates, numbers --------------------------------------------------------


@pytest.mark.parametrize(
    "first_line",
    [
        # 1 MB of a sentence: 5 s before; dates and weekdays: 73 s and 300 s
        "سقطت ثلاثة صواريخ كاتيوشا على قاعدة بلد الجوية شمال بغداد فجر الجمعة، " * 14_000,
        "2020/03/17 " * 50_000,
        "الثلاثاء، " * 100_000,
        "x" * 1_000_000,
    ],
    ids=["sentences", "dates", "weekdays", "one-word"],
)
def test_dateline_does_not_read_a_long_first_line(first_line):
    from kg.lang.ar.dates import find_dateline

    text = first_line + "\nبغداد - الأحد 2021/08/08\nنص الخبر."
    found, _ = within(2, find_dateline, text)
    assert found == dt.date(2021, 8, 8)  # the next line is the date line


def _old_find_dateline(text: str):
    from kg.lang.ar.dates import find_dates
    from kg.lang.ar.normalize import fold

    lines = [ln for ln in text.splitlines() if ln.strip()][:6]
    for line in lines:
        for span in find_dates(line, None):
            if span.precision != "day" or span.relative or span.earliest is None:
                continue
            rest = line[: span.start] + " " + line[span.end :]
            if len(re.findall(r"[^\W\d_]+", fold(rest))) <= 4:
                return span.earliest
    return None


_LINE_PARTS = [
    "بغداد - الأحد 2021/08/08",
    "08/08/2021",
    "17 آذار/مارس 2020",
    "نشر في 2020-03-17",
    "سقطت صواريخ على قاعدة بلد",
    "",
    " ",
    "\r\n",
    "\n",
    "\r",
    "\x0b",
    "\x1c",
    "\u2028",
    "\x85",
]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_LINE_PARTS), max_size=14))
def test_dateline_is_the_same_on_ordinary_text(parts):
    from kg.lang.ar.dates import find_dateline

    text = "".join(parts)
    assert find_dateline(text) == _old_find_dateline(text)


def test_many_dates_in_linear_time():
    """Choosing among overlapping date candidates compared each with every date taken
    (these 16,000 dates took 15 s, 2 s now)."""
    from kg.lang.ar.dates import find_dates

    text = "الثلاثاء 17 آذار/مارس 2020، والأربعاء 18/03/2020 " * 8_000
    spans, _ = within(7, find_dates, text, dt.date(2020, 3, 17))
    assert len(spans) == 16_000


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=40))
def test_date_choice_is_the_same(pairs):
    from kg.lang.ar.dates import _longest_first

    cands = [(s, s + n, i) for i, (s, n) in enumerate(pairs)]
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    old = []
    for c in cands:
        if all(c[1] <= t[0] or c[0] >= t[1] for t in old):
            old.append(c)
    old.sort(key=lambda c: c[0])
    assert _longest_first(cands) == old


@pytest.mark.parametrize(
    "text",
    [
        "1" * 5000,  # int() refuses more than 4,300 digits: "extraction failed: ValueError"
        "٣" * 5000,
        "۴" * 4400 + " جندي",
        "9" * 400 + " ألف",  # float() overflows: OverflowError
        "قتل " + "7" * 350 + " مليار جندي",
        "5" * 320 + ".5 مليون",
    ],
)
def test_long_digit_runs_are_not_numbers(text):
    from kg.lang.ar.numbers import find_numbers

    spans = find_numbers(text)
    assert all(len(str(s.value)) <= 100 for s in spans)


def test_ordinary_numbers_still_read():
    from kg.lang.ar.numbers import find_numbers

    assert [s.value for s in find_numbers("قتل 5200 جندي و3 آلاف مدني و1,500 عنصر")] == [
        5200,
        3000,
        1500,
    ]
