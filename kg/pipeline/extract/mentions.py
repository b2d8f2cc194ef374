"""Entity mentions: gazetteer matches, and entities the gazetteer does not know.

An entity the gazetteer lacks still gets a node when the text clearly names
it with an Arabic cue: "قاعدة/معسكر/مطار X", "فصيل/كتائب/سرايا/ألوية X",
"مجموعة تطلق على نفسها X", "محافظة/مدينة X", a rank or title before a
person's name. Its IRI is a hash of the folded label, so the same name in
another article is the same node.
"""

from __future__ import annotations

import hashlib
import re

from spacy.tokens import Doc, Span

from kg.lang.ar.normalize import fold, strip_definite
from kg.pipeline.extract import lexicon as lx
from kg.pipeline.extract.records import EntityRef, Mention
from kg.pipeline.nlp.tokens import DocTokens, doc_tokens
from kg.vocab.gazetteer import ENTITY_NS, Gazetteer

# Words that end a name after a cue (prepositions, relatives, adjectives of place/kind).
STOP = lx.keys(
    (
        "في من على إلى الى عن مع ضد قرب بعد قبل خلال التي الذي الذين التابعة التابع التابعين "
        "او أو ثم حيث كما وقد قد بين نحو حوالي منذ عند لدى داخل خارج أمام عبر تحت فوق إن أن "
        "العسكرية العسكري الجوية الجوي الأميركية الأمريكية الأميركي الأمريكي العراقية العراقي "
        "الدولي الدولية الكبرى الرئيسية الرئيسي المشتركة الواقعة القريبة المجاورة جنوب شمال شرق "
        "غرب جنوبي شمالي غربي شرقي وسط جنوبا شمالا غربا شرقا هناك هذه هذا تلك ذلك أخرى آخر "
        "الأخرى الأولى الثانية الثالثة كل جميع بعض عدة عدد أيضا أيضاً الموالية الموالي المدعومة "
        "المدعوم المسلحة المسلح التي الشيعية الإيرانية السورية الكويتية البريطانية الحدودية "
        "الإرهابي الإرهابية الخاصة الرسمي الرسمية الذي والتي مسلحة مسلحين مجهولين مجهولة "
        "قواعد القوات قوات عناصر مواقع الإسلامية نفسها نفسه اسم تطلق يطلق"
    ).split()
)
CUE_CLASS = {
    **{k: "MilitaryBase" for k in lx.keys(lx.BASE_CUES)},
    **{k: "ArmedGroup" for k in lx.keys(lx.GROUP_CUES)},
    **{k: "Place" for k in lx.keys(lx.PLACE_CUES)},
}
TITLE_KEYS = lx.keys(lx.PERSON_TITLES)
LEXICON_KEYS = lx.keys(lx.LEXICON_WORDS)
_ARABIC_WORD = re.compile(r"^[\u0621-\u064A\u0671-\u06D3\u0640\u064B-\u065F]+$")


def new_entity_iri(cls: str, label_ar: str) -> str:
    """IRI of an entity the gazetteer does not know: class + hash of the folded label."""
    key = " ".join(strip_definite(w) for w in fold(label_ar).split())
    return f"{ENTITY_NS}{cls.lower()}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def gazetteer_mentions(doc: Doc, gaz: Gazetteer, article: str, article_id: str) -> list[Mention]:
    out = []
    tk = doc_tokens(doc)
    for span in doc.spans.get("gazetteer", []):
        entity = gaz.by_iri[span.kb_id_]
        ref = EntityRef(entity.iri, entity.cls, entity.label_ar, entity.label_en, True)
        start, end = span.start, span.end  # the table's offsets and text, as the Span's
        out.append(
            Mention(
                article,
                article_id,
                tk.idx[start],
                tk.end[end - 1],
                tk.span_text(start, end),
                ref,
                "gazetteer",
            )
        )
    return out


def _is_name_word(tk: DocTokens, i: int) -> bool:
    """Token i can be part of a name: not a function word, not a trigger, not a
    word with a pronoun suffix ("استعادتها", "بلده"), not a definite plural in -ات
    ("العمليات"), not an imperfect verb ("تستعيدها")."""
    text, norm = tk.text[i], tk.norm[i]
    folded = fold(text)
    return (
        bool(_ARABIC_WORD.match(text))
        and norm not in STOP
        and norm not in LEXICON_KEYS
        and len(norm) >= 2
        and not folded.endswith(("ها", "هم", "هما", "كم"))
        and not (folded.startswith("ال") and folded.endswith("ات"))
    )


def _strip_proclitic_text(tk: DocTokens, i: int) -> int:
    """How many leading characters of token i are a proclitic (by its NORM)."""
    folded = fold(tk.text[i])
    norm = tk.norm[i]
    for cut in range(0, min(4, len(folded))):
        rest = folded[cut:]
        if strip_definite(rest) == norm or rest == norm:
            return cut
    return 0


_QUOTE_MARKS = {'"', "“", "”", "«", "»"}


def cue_mentions(doc: Doc, taken: set[int], article: str, article_id: str) -> list[Mention]:
    """Entities named by a cue word and not already matched by the gazetteer."""
    out: list[Mention] = []
    tk = doc_tokens(doc)
    text, words, norms, folded = tk.doc_text, tk.text, tk.norm, tk.folded
    i = 0
    n = len(words)
    while i < n:
        norm = norms[i]
        cls = CUE_CLASS.get(norm) if folded[i][-1:] != "ه" or words[i].endswith("ة") else None
        rule = "cue:" + (cls or "")
        start_name = i + 1
        self_named = _self_named_at(norms, i)
        if self_named:
            cls, rule = "ArmedGroup", "cue:self-named"
            start_name = i + self_named
        elif norm in TITLE_KEYS and i + 2 < n:
            cls, rule = "Person", "cue:title"
        if (
            not cls
            or i in taken
            or (rule.startswith("cue:") and cls != "Person" and _definite(tk, i))
        ):
            # a named base or province is "قاعدة X" (construct state); "القاعدة الغربية" is not a name
            i += 1
            continue
        j = start_name
        quoted = j < n and words[j] in _QUOTE_MARKS
        if quoted:
            j += 1
            k = j
            while k < n and k - j < 6 and words[k] not in _QUOTE_MARKS:
                k += 1
            name = (j, k) if k < n and k > j else None
        else:
            k = j
            limit = 2 if cls in ("Person", "Place", "MilitaryBase") else 4
            while k < n and k - j < limit and k not in taken and _is_name_word(tk, k):
                k += 1
            name = (j, k) if k > j else None
        if name is None or any(t in taken for t in range(*name)) or _adjective_only(tk, name, cls):
            i += 1
            continue
        name_start, name_end = name
        if cls == "Person" and name_end - name_start < 2:
            i += 1
            continue
        if cls in ("Person",):
            span_start = name_start
        else:
            span_start = i
        end_char = tk.end[name_end - 1]
        cut = _strip_proclitic_text(tk, span_start) if span_start == i else 0
        start_char = tk.idx[span_start] + cut
        name_text = tk.span_text(name_start, name_end)
        if cls != "Person" and rule.startswith("cue:") and rule != "cue:self-named":
            # the entity's label drops quote marks ("معسكر النصر"); the mention keeps the
            # exact surface so that text[start:end] is what it says
            surface = text[start_char:end_char]
            label_name = f"{words[span_start][cut:]} {name_text}" if quoted else surface
        else:
            label_name = name_text
            start_char, surface = tk.idx[name_start], name_text
        ref = EntityRef(new_entity_iri(cls, label_name), cls, label_name, None, False)
        out.append(Mention(article, article_id, start_char, end_char, surface, ref, rule))
        taken.update(range(span_start, name_end))
        i = name_end
    return out


def _adjective_only(tk: DocTokens, name: tuple[int, int], cls: str) -> bool:
    """'قاعدة مهمة', 'قاعدة منتشرة': one indefinite word agreeing with a feminine cue is an adjective."""
    start, end = name
    if cls not in ("MilitaryBase", "Place") or end - start != 1:
        return False
    return not _definite(tk, start) and fold(tk.text[start]).endswith("ه")


def _definite(tk: DocTokens, i: int) -> bool:
    """Token i carries the definite article (after any proclitic)."""
    folded = fold(tk.text[i])
    norm = tk.norm[i]
    for cut in range(0, 3):
        rest = folded[cut:]
        if rest.startswith("ال") and strip_definite(rest) == norm:
            return True
        if (
            rest.startswith("ل")
            and cut > 0
            and folded.startswith("لل", cut - 1)
            and rest[1:] == norm
        ):
            return True
    return False


ANAPHOR_KEYS = lx.keys(["قاعدة", "معسكر", "مطار"])


def anaphora_mentions(
    doc: Doc, taken: set[int], earlier: list[Mention], article: str, article_id: str
) -> list[Mention]:
    """ "القاعدة" / "المعسكر" with no name: the base most recently named before it."""
    out: list[Mention] = []
    bases = sorted((m for m in earlier if m.entity.cls == "MilitaryBase"), key=lambda m: m.start)
    tk = doc_tokens(doc)
    sents = tk.sents
    n = len(tk.norm)
    for i, norm in enumerate(tk.norm):
        if i in taken or norm not in ANAPHOR_KEYS or not _definite(tk, i):
            continue
        if i + 1 < n and i + 1 in taken:
            continue
        # the antecedent: the one base named in this sentence or the one before it;
        # with two candidates ("قاعدتي القيارة وكركوك") it is left unresolved
        k = tk.sent_of[i]
        window_start = sents[max(0, k - 1)].start_char
        idx = tk.idx[i]
        candidates = {m.entity for m in bases if window_start <= m.start and m.end <= idx}
        if len(candidates) != 1:
            continue
        ref = next(iter(candidates))
        cut = _strip_proclitic_text(tk, i)
        out.append(
            Mention(
                article,
                article_id,
                idx + cut,
                tk.end[i],
                tk.text[i][cut:],
                ref,
                "anaphora:base",
            )
        )
    return out


def _self_named_at(norms: list[str], i: int) -> int:
    """Length of a "… تطلق على نفسها (اسم)" cue starting at token i, or 0."""
    for words in _SELF_NAMED_KEYS.get(norms[i], ()):
        if i + len(words) <= len(norms) and all(norms[i + k] == w for k, w in enumerate(words)):
            return len(words)
    return 0


def _self_named_keys() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lx.SELF_NAMED:  # longest first, so "تطلق على نفسها اسم" wins
        words = tuple(strip_definite(fold(w)) for w in phrase.split())
        out.setdefault(words[0], []).append(words)
    return {k: sorted(v, key=len, reverse=True) for k, v in out.items()}


_SELF_NAMED_KEYS = _self_named_keys()  # constant data compiled from the lexicon


def extract_mentions(doc: Doc, gaz: Gazetteer, article: str, article_id: str) -> list[Mention]:
    """All entity mentions of a document, sorted by position."""
    gaz_mentions = gazetteer_mentions(doc, gaz, article, article_id)
    taken: set[int] = set()
    for span in doc.spans.get("gazetteer", []):
        taken.update(range(span.start, span.end))
    mentions = gaz_mentions + cue_mentions(doc, taken, article, article_id)
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            taken.update(range(span.start, span.end))
    mentions += anaphora_mentions(doc, taken, mentions, article, article_id)
    return sorted(mentions, key=lambda m: (m.start, m.end))


def span_tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")
