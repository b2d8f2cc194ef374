"""Arabic: folding, number words, date expressions, the lexicon, and how the script
is read (letters, tokens, sentences). ``LANGUAGE`` is what the pipeline gets from
``kg.lang.get("ar")``.

The modules are pure standard-library code shared by the gazetteer matcher and the
extractors; nothing here knows about spaCy or RDF.
"""

from __future__ import annotations

import re

from kg.lang import Language
from kg.lang.ar import lexicon
from kg.lang.ar.dates import find_dateline, find_dateline_span, find_dates
from kg.lang.ar.normalize import clitic_variants, enclitic_variants, fold, strip_definite
from kg.lang.ar.numbers import find_numbers

# A letter of the Arabic alphabet (hamza to yeh, and the extended letters): an article
# with fewer than 20 is not Arabic; Windows-1256 is accepted only for mostly these.
ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")

# A word of three or more Arabic letters in UTF-8 (each letter two bytes, D8-DB then a
# continuation byte). Windows-1256 Arabic practically never has three such pairs in a
# row (D8-DB are ط ظ ع غ there, and 80-BF mostly punctuation and rare letters).
UTF8_ARABIC_WORD = re.compile(rb"(?:[\xD8-\xDB][\x80-\xBF]){3,}")

# Sentence ends: . ! ? ؟ (optionally followed by closing quotes/brackets), or a line break.
# The lookbehind lets an end start only where a run of end marks starts: a run not
# followed by space can end no sentence from any of its positions, and trying each one
# made "." × 20,000 + "x" take 11 s (the matches are the same).
SENTENCE_END = re.compile(r"""(?<![.!?؟])([.!?؟]+["”’»)\]]*)(?=[\s,،]|$)|\n+""")
# Where a very long article may be cut into parts: an end mark and a space.
PART_END = re.compile(r"[.!?؟][\"”’»)\]]*\s")

# Tokenizer rules: a proclitic joined by tatweel (بـ"قوات → بـ " قوات), glued end
# punctuation (Arabic comma, semicolon, question mark too), a quote mark between letters.
JOINED_PROCLITIC = r"[وفبلك]ـ+"
END_PUNCTUATION = r"[.,،؛:!؟?]+"
QUOTE_BETWEEN_LETTERS = r"(?<=[\u0600-\u06FF])[\"“”«»](?=[\u0600-\u06FF])"

LANGUAGE = Language(
    code="ar",
    name="Arabic",
    spacy_lang="ar",
    lexicon=lexicon,
    fold=fold,
    strip_definite=strip_definite,
    clitic_variants=clitic_variants,
    enclitic_variants=enclitic_variants,
    find_numbers=find_numbers,
    find_dates=find_dates,
    find_dateline=find_dateline,
    find_dateline_span=find_dateline_span,
    letter=ARABIC_LETTER,
    min_letters=20,
    legacy_encoding="windows-1256",
    utf8_letters=UTF8_ARABIC_WORD,
    boilerplate=re.compile(r"^\s*(" + "|".join(lexicon.BOILERPLATE_LINES) + ")"),
    token_prefixes=(JOINED_PROCLITIC,),
    token_suffixes=(END_PUNCTUATION,),
    token_infixes=(QUOTE_BETWEEN_LETTERS,),
    transparent_tokens=(JOINED_PROCLITIC,),
    sentence_end=SENTENCE_END,
    sentence_trim=",،",
    part_end=PART_END,
)
