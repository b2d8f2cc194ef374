"""The language boundary: kg/pipeline and kg/vocab hold no Arabic in code, the pipeline
gets its language only through kg.lang, and a second language is one object and one
switch (a toy English here, of a few words, runs through the whole build)."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import textwrap
import tokenize
import types
import unicodedata
from pathlib import Path

import pytest

import kg.lang as kglang

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kg"

ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
# \uXXXX, \UXXXXXXXX and \N{ARABIC ...} escapes (in a string, or in a regex of a raw string)
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|N\{ARABIC[^}]*\})")


def _is_arabic(cp: int) -> bool:
    """A character of the Arabic blocks, except the invisible format controls among them
    (U+061C ARABIC LETTER MARK, U+FEFF ZERO WIDTH NO-BREAK SPACE): they are bidi and
    byte-order marks, which a script-neutral rule may name (events.csv's formula guard)."""
    return any(a <= cp <= b for a, b in ARABIC_RANGES) and unicodedata.category(chr(cp)) != "Cf"


def _arabic_in(token_text: str) -> bool:
    if any(_is_arabic(ord(ch)) for ch in token_text):
        return True
    for m in _ESCAPE.finditer(token_text):
        hexa = m.group(1) or m.group(2)
        if hexa is None or _is_arabic(int(hexa, 16)):
            return True
    return False


_SKIP = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT)


def arabic_in_code(source: str) -> list[tuple[int, str]]:
    """(line, token) of every code token holding an Arabic letter (or an escape of one).

    Comments are documentation, and so are string statements (a docstring, or the
    string after an assignment that documents it): a string token that starts a
    logical line and ends it. Everything else (names, operators, string literals that
    are values) is code.
    """
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type in _SKIP or tok.type == tokenize.ENDMARKER:
            continue
        if tok.type == tokenize.STRING:
            before = next(
                (t for t in reversed(tokens[:i]) if t.type not in (tokenize.NL, tokenize.COMMENT)),
                None,
            )
            after = next(
                (t for t in tokens[i + 1 :] if t.type not in (tokenize.NL, tokenize.COMMENT)), None
            )
            starts_line = before is None or before.type in (
                tokenize.NEWLINE,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.ENCODING,
            )
            ends_line = after is None or after.type in (tokenize.NEWLINE, tokenize.ENDMARKER)
            if starts_line and ends_line:
                continue  # a docstring
        if _arabic_in(tok.string):
            found.append((tok.start[0], tok.string[:60]))
    return found


def _py_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (PACKAGE / folder).rglob("*.py"))


def test_the_scan_finds_arabic_in_code_and_not_in_documentation():
    src = textwrap.dedent(
        '''
        """Module: "قاعدة" is an example."""
        X = "قاعدة"  # "قاعدة": a comment
        Y = r"[\\u0621-\\u064A]"
        Z = "\\N{ARABIC LETTER ALEF}"
        W = "ok \\u00e9 \\u061c \\ufeff"


        def f():
            """"هجوم" in a docstring."""
            return {"k": "هجوم"}


        A = 1
        """An attribute docstring: "ال"."""
        '''
    )
    lines = [line for line, _ in arabic_in_code(src)]
    assert lines == [3, 4, 5, 11]


def test_no_arabic_in_the_code_of_the_pipeline_and_the_vocabulary():
    """Arabic words, letters and marks live in kg/lang/ar; comments and docstrings may
    quote Arabic as examples (they document what a rule reads)."""
    offenders = []
    for path in _py_files("pipeline", "vocab"):
        for line, token in arabic_in_code(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {token}")
    assert not offenders, "Arabic in code (move it to kg/lang/ar):\n" + "\n".join(offenders)


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
            if node.module == "kg":
                found += [(f"kg.{alias.name}", node.lineno) for alias in node.names]
    return found


def test_the_pipeline_gets_its_language_only_through_kg_lang():
    """No module outside kg/lang imports a language folder (kg.lang.ar …): the pipeline
    asks kg.lang.get for the build's language; kg/vocab, before kg.lang in the flow,
    knows no language at all. No literal language tag is written in the pipeline."""
    reaching = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if (PACKAGE / "lang") in path.parents:
            continue
        for module, line in _imports(path):
            if module.startswith("kg.lang."):
                reaching.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
            if module.startswith("kg.lang") and (PACKAGE / "vocab") in path.parents:
                reaching.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not reaching, "\n".join(reaching)
    tags = []
    for path in _py_files("pipeline"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in kglang.codes():
                tags.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not tags, "a language written into the pipeline:\n" + "\n".join(tags)


def lexicon_names() -> set[str]:
    """The names the rules read from a lexicon (``lx.NAME``, ``W.lx.NAME``, ``lang.lexicon.NAME``)."""
    names = set()
    for path in _py_files("pipeline"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                v = node.value
                if (isinstance(v, ast.Name) and v.id == "lx") or (
                    isinstance(v, ast.Attribute) and v.attr in ("lx", "lexicon")
                ):
                    names.add(node.attr)
    return names


def test_the_arabic_lexicon_has_every_name_the_rules_read():
    ar = kglang.get("ar")
    names = lexicon_names()
    assert len(names) > 50  # the scan sees the rules
    assert not sorted(n for n in names if not hasattr(ar.lexicon, n))


def test_get_finds_a_language_by_its_code():
    ar = kglang.get()
    assert ar is kglang.get("ar") is kglang.get(ar)
    assert (ar.code, ar.spacy_lang) == ("ar", "ar")
    assert "ar" in kglang.codes()
    with pytest.raises(ValueError, match="no language 'zz'.*ar"):
        kglang.get("zz")
    with pytest.raises(ValueError, match="no language"):
        kglang.get("../etc")


# --- a second language --------------------------------------------------------------


def lexicon_kinds() -> dict[str, str]:
    """Name → kind ("str", "dict", "pattern" or "list") of every name the rules read, as
    the Arabic lexicon has them."""
    ar = kglang.get("ar").lexicon
    kinds = {str: "str", dict: "dict", re.Pattern: "pattern"}
    return {
        name: next((k for t, k in kinds.items() if isinstance(getattr(ar, name), t)), "list")
        for name in sorted(lexicon_names())
    }


# Values of a lexicon's names in a language that lacks the feature (no proclitics, no
# article prefix, no ta marbuta): empty strings, empty lists, a pattern that never matches.
_EMPTY = {"str": "", "dict": {}, "pattern": re.compile(r"(?!)"), "list": ()}


def english_toy(kinds: dict[str, str]) -> kglang.Language:
    """English with a handful of words: every name the rules read (``kinds``, from
    :func:`lexicon_kinds`), nearly all empty."""
    words = {name: _EMPTY[kind] for name, kind in kinds.items()}
    words.update(
        ATTACK_NOUNS=["attack"],
        ATTACK_VERBS=["struck"],
        WITHDRAWAL_WORDS=["withdrawal"],
        LOCATION_PREPS=["in"],
        PREP_FROM="from",
        COMMA=",",
        NAME_WORD=re.compile(r"^[A-Za-z]+$"),
    )
    words["LEXICON_WORDS"] = ("attack", "struck", "withdrawal", "in", "from")
    return kglang.Language(
        code="en",
        name="English",
        spacy_lang="en",
        lexicon=types.SimpleNamespace(**words),
        letter=re.compile(r"[A-Za-z]"),
    )


ENGLISH = (
    "Rockets attack Camp Taji\n"
    "A rocket attack struck Camp Taji north of Baghdad on Tuesday, officials said.\n"
    "The coalition completed its withdrawal from K1 base in Kirkuk.\n"
)


@pytest.fixture
def english():
    language = kglang.register(english_toy(lexicon_kinds()))
    yield language
    kglang.unregister("en")


def test_the_corpus_reads_articles_in_the_build_language(tmp_path, english, seeds_dir):
    from kg.errors import InputError
    from kg.pipeline.corpus import read_article

    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    assert read_article(tmp_path / "a.txt", language="en").language == "en"
    with pytest.raises(InputError, match="no Arabic text"):
        read_article(tmp_path / "a.txt")
    arabic = next(seeds_dir.glob("*.txt"))
    with pytest.raises(InputError, match=r"no English text \(0 English letters\)"):
        read_article(arabic, language="en")


_BUILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import kg.lang
from test_lang import english_toy
kg.lang.register(english_toy(json.loads(sys.argv[4])))
from kg.pipeline.build import build
result = build(Path(sys.argv[2]), Path(sys.argv[3]), language="en", cache=False)
print(json.dumps({
    "problems": [str(p) for p in result.problems],
    "languages": sorted(m for m in sys.modules if m.startswith("kg.lang")),
    "mentions": sorted({m.entity.iri.rsplit("/", 1)[-1] for x in result.extractions for m in x.mentions}),
}))
"""


def test_a_second_language_runs_through_the_build_without_arabic(tmp_path):
    """One switch (``build(..., language="en")``) and the build reads English: the gazetteer's
    English labels make the mentions, the toy's few trigger words the events, and its
    literals are tagged @en. The Arabic folder is never imported.

    As far as the rules go: they read every word through the language, but their shape
    (proclitics, the article glued to the word, duals, ta marbuta) is Arabic's; a real
    English needs its own cues (the article is a word, "the base" not "القاعدة") and
    number and date grammar. What works with words alone is shown here."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ENGLISH, encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _BUILD,
            str(Path(__file__).parent),
            str(corpus),
            str(out),
            json.dumps(lexicon_kinds()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["problems"] == []
    assert report["languages"] == ["kg.lang"]  # kg.lang.ar was never imported
    assert {"camp-taji", "rocket", "k1-air-base", "global-coalition", "kirkuk"} <= set(
        report["mentions"]
    )
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    by_type = {e["type"]: e for e in events}
    attack = by_type["RocketAttack"]
    assert [t["iri"].rsplit("/", 1)[-1] for t in attack["targets"]] == ["camp-taji"]
    assert [w["iri"].rsplit("/", 1)[-1] for w in attack["weapons"]] == ["rocket"]
    withdrawal = by_type["Withdrawal"]
    assert [a["iri"].rsplit("/", 1)[-1] for a in withdrawal["locations"]] == ["k1-air-base"]
    assert [a["iri"].rsplit("/", 1)[-1] for a in withdrawal["actors"]] == ["global-coalition"]
    quads = [q for q in (out / "graph.nq").read_text().splitlines() if "/graph/a>" in q]
    tagged = [q for q in quads if '"@' in q]
    assert tagged and all('"@en <' in q for q in tagged)
