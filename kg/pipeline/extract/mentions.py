"""Entity mentions: gazetteer matches, and entities the gazetteer does not know.

An entity the gazetteer lacks still gets a node when the text clearly names
it with a cue of the language's lexicon (in Arabic: "قاعدة/معسكر/مطار X",
"فصيل/كتائب/سرايا/ألوية X", "مجموعة تطلق على نفسها X", "محافظة/مدينة X", a rank or
title before a person's name). Its IRI is a hash of the folded label, so the same
name in another article is the same node.

The words come from the doc's language (``doc_tokens(doc).lang``), compiled to NORM
keys once per language (:class:`Cues`).
"""

from __future__ import annotations

import functools
import hashlib

from spacy.tokens import Doc, Span

import kg.lang as kglang
from kg.pipeline.extract.context import has_proclitic
from kg.pipeline.extract.records import EntityRef, Mention
from kg.pipeline.nlp.tokens import DocTokens, doc_tokens
from kg.vocab.gazetteer import ENTITY_NS, GazEntity, Gazetteer


class Cues:
    """The lexicon's cue words as the mention rules read them: NORM keys compiled once
    per language (:func:`cues`), and the marks they compare as written."""

    def __init__(self, lang: kglang.Language):
        lx = lang.lexicon
        keys = lang.keys
        self.lang = lang
        self.lx = lx
        # words that end a name after a cue (prepositions, relatives, adjectives of place/kind)
        self.STOP = keys(lx.NAME_STOP_WORDS)
        self.CUE_CLASS = {
            **{k: "MilitaryBase" for k in keys(lx.BASE_CUES)},
            **{k: "ArmedGroup" for k in keys(lx.GROUP_CUES)},
            **{k: "Place" for k in keys(lx.PLACE_CUES)},
        }
        self.TITLE_KEYS = keys(lx.PERSON_TITLES)
        # folded, as written: a word after a name that makes the name part of a title
        self.TITLE_CONTINUATIONS = frozenset(lang.fold(w) for w in lx.TITLE_CONTINUATIONS)
        self.LEXICON_KEYS = keys(lx.LEXICON_WORDS)
        self.ANAPHOR_KEYS = keys(lx.BASE_ANAPHORS)
        self.SELF_NAMED_KEYS = _self_named_keys(lang)
        # "قاعدتي X وY": the dual of a base cue → its singular ("قاعدة")
        self.DUAL_CUES = {
            lang.strip_definite(lang.fold(k)): v for k, v in lx.DUAL_BASE_CUES.items()
        }
        # verbs that follow a noun ("قاعدة تقع شمال بغداد", "قاعدة تضم قوات"): never a name
        self.VERB_KEYS = keys(
            (*lx.DESCRIPTIVE_VERBS, *lx.UNDERGO_VERBS, *lx.STATIONED_WORDS, *lx.NAMING_VERBS)
        )
        # words of time end the name of a place or base ("… وحرير الثلاثاء", "قاعدة X فجر
        # الأحد"); a group may bear one ("سرايا الفجر")
        self.TIME_KEYS = keys(lx.TIME_WORDS)


@functools.lru_cache(maxsize=8)
def cues(lang: kglang.Language) -> Cues:
    """The :class:`Cues` of a language (constant data compiled from its lexicon)."""
    return Cues(lang)


def new_entity_iri(cls: str, label: str, language: kglang.Language | None = None) -> str:
    """IRI of an entity the gazetteer does not know: class + hash of the folded label
    (folded by the language it was read in)."""
    lang = kglang.get(language)
    key = " ".join(lang.strip_definite(w) for w in lang.fold(label).split())
    return f"{ENTITY_NS}{cls.lower()}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def gazetteer_mentions(doc: Doc, gaz: Gazetteer, article: str, article_id: str) -> list[Mention]:
    out = []
    tk = doc_tokens(doc)
    c = cues(tk.lang)
    for span in doc.spans.get("gazetteer", []):
        if span.end < len(tk.norm) and tk.folded[span.end] in c.TITLE_CONTINUATIONS:
            continue  # «القائم بأعمال السفارة»: a title, not the place
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


def _is_name_word(tk: DocTokens, i: int, c: Cues) -> bool:
    """Token i can be part of a name: not a function word, not a trigger, not a verb
    that follows a noun ("قاعدة تقع …", "قاعدة تضم …"), not a word with a pronoun suffix
    ("استعادتها", "بلده"), not a definite plural in -ات ("العمليات"), not an imperfect
    verb ("تستعيدها")."""
    lx = c.lx
    text, norm = tk.text[i], tk.norm[i]
    folded = c.lang.fold(text)
    article = lx.DEFINITE_ARTICLE
    return (
        bool(lx.NAME_WORD.match(text))
        and norm not in c.STOP
        and norm not in c.LEXICON_KEYS
        and norm not in c.VERB_KEYS
        and len(norm) >= 2
        and not folded.endswith(lx.NAME_BREAKING_SUFFIXES)
        and not (article and folded.startswith(article) and folded.endswith(lx.FEMININE_PLURAL))
    )


def _strip_proclitic_text(tk: DocTokens, i: int) -> int:
    """How many leading characters of token i are a proclitic (by its NORM)."""
    lang = tk.lang
    folded = lang.fold(tk.text[i])
    norm = tk.norm[i]
    for cut in range(0, min(4, len(folded))):
        rest = folded[cut:]
        if lang.strip_definite(rest) == norm or rest == norm:
            return cut
    return 0


_QUOTE_MARKS = {'"', "“", "”", "«", "»"}


def cue_mentions(doc: Doc, taken: set[int], article: str, article_id: str) -> list[Mention]:
    """Entities named by a cue word and not already matched by the gazetteer."""
    out: list[Mention] = []
    tk = doc_tokens(doc)
    c = cues(tk.lang)
    folded_ta, ta = c.lx.FOLDED_TA_MARBUTA, c.lx.TA_MARBUTA
    text, words, norms, folded = tk.doc_text, tk.text, tk.norm, tk.folded
    i = 0
    n = len(words)
    while i < n:
        norm = norms[i]
        cls = (
            c.CUE_CLASS.get(norm) if folded[i][-1:] != folded_ta or words[i].endswith(ta) else None
        )
        rule = "cue:" + (cls or "")
        start_name = i + 1
        # a name ends with its sentence: the words of the next line are never part of it
        last = tk.sents[tk.sent_of[i]].end
        self_named = _self_named_at(norms, i, c, last)
        if self_named:
            cls, rule = "ArmedGroup", "cue:self-named"
            start_name = i + self_named
        elif norm in c.TITLE_KEYS and i + 2 < n:
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
        quoted = j < last and words[j] in _QUOTE_MARKS
        if quoted:
            j += 1
            k = j
            while k < last and k - j < 6 and words[k] not in _QUOTE_MARKS:
                k += 1
            name = (j, k) if k < last and k > j else None
        else:
            k = j
            limit = 2 if cls in ("Person", "Place", "MilitaryBase") else 4
            while (
                k < last
                and k - j < limit
                and k not in taken
                and _is_name_word(tk, k, c)
                and not (cls in ("Place", "MilitaryBase") and norms[k] in c.TIME_KEYS)
            ):
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
        ref = EntityRef(new_entity_iri(cls, label_name, c.lang), cls, label_name, None, False)
        out.append(Mention(article, article_id, start_char, end_char, surface, ref, rule))
        taken.update(range(span_start, name_end))
        i = name_end
    return out


def dual_cue_mentions(
    doc: Doc,
    gaz: Gazetteer,
    mentions: list[Mention],
    taken: set[int],
    article: str,
    article_id: str,
) -> list[Mention]:
    """ "قاعدتي عين الأسد وحرير", "مطاري أربيل والسليمانية": the two names coordinated after
    the dual of a base cue are two bases. A name is the gazetteer's base "قاعدة Y" (a
    place the gazetteer matched alone, "أربيل", is re-read as "مطار أربيل" when the
    gazetteer has that base), else a new base of that label. Returns ``mentions`` with
    the new and re-read ones."""
    tk = doc_tokens(doc)
    c = cues(tk.lang)
    if not c.DUAL_CUES:
        return mentions
    index = _base_labels(gaz, c.lang)
    lx = c.lx
    by_start = {m.start: k for k, m in enumerate(mentions)}
    out = list(mentions)
    for i, norm in enumerate(tk.norm):
        singular = c.DUAL_CUES.get(norm)
        if singular is None or _definite(tk, i):  # "القاعدتان": the two named before
            continue
        last = tk.sents[tk.sent_of[i]].end
        names: list[tuple[int, int]] = []
        j = i + 1
        while j < last and len(names) < 2:
            if names and not has_and(tk, j, lx):
                break
            k = j
            if j in taken:  # a name the gazetteer matched: its whole span
                k = j + 1
                while k < last and k in taken and not has_and(tk, k, lx):
                    k += 1
            else:
                while (
                    k < last
                    and k - j < 2
                    and k not in taken
                    and (k == j or not has_and(tk, k, lx))
                    and _is_name_word(tk, k, c)
                    and tk.norm[k] not in c.TIME_KEYS
                ):
                    k += 1
            if k == j:
                break
            names.append((j, k))
            j = k
        if len(names) != 2:
            continue  # "قاعدتين عسكريتين": no two names, no bases
        for n_name, (start, end) in enumerate(names):
            cut = _strip_proclitic_text(tk, start)
            if n_name and not cut and not tk.text[start] == lx.PROCLITIC_AND:
                cut = len(lx.PROCLITIC_AND)  # "وطرطوس": a name the NORM did not know
            start_char = tk.idx[start] + cut
            surface = tk.doc_text[start_char : tk.end[end - 1]]
            label = f"{singular} {surface}"
            known = index.get(_label_key(label, c.lang))
            matched = by_start.get(start_char, by_start.get(tk.idx[start]))
            if matched is not None:
                m = out[matched]
                if known is not None and m.entity.cls != "MilitaryBase":
                    ref = EntityRef(known.iri, known.cls, known.label_ar, known.label_en, True)
                    out[matched] = Mention(
                        m.article, m.article_id, m.start, m.end, m.text, ref, "cue:dual"
                    )
                continue
            if start in taken:
                continue
            if known is not None:
                ref = EntityRef(known.iri, known.cls, known.label_ar, known.label_en, True)
            else:
                iri = new_entity_iri("MilitaryBase", label, c.lang)
                ref = EntityRef(iri, "MilitaryBase", label, None, False)
            end_char = tk.end[end - 1]
            out.append(Mention(article, article_id, start_char, end_char, surface, ref, "cue:dual"))
            taken.update(range(start, end))
    return out


def has_and(tk: DocTokens, k: int, lx) -> bool:
    """Token k is و, or starts with the proclitic و ("وحرير"; "وطرطوس", a name the NORM
    does not know, keeps it in its NORM)."""
    return (
        tk.text[k] == lx.PROCLITIC_AND
        or has_proclitic(tk, k, lx.PROCLITIC_AND)
        or (tk.norm[k].startswith(lx.PROCLITIC_AND) and len(tk.norm[k]) > 3)
    )


def _label_key(label: str, lang: kglang.Language) -> str:
    return " ".join(lang.strip_definite(w) for w in lang.fold(label).split())


def _base_labels(gaz: Gazetteer, lang: kglang.Language) -> dict[str, GazEntity]:
    """Folded label (article removed, word by word) → the gazetteer's base of that label
    (built once per gazetteer and language: one gazetteer serves a whole build)."""
    cached = _base_index.get((id(gaz), lang.code))
    if cached is not None and cached[0] is gaz:
        return cached[1]
    out: dict[str, GazEntity] = {}
    for e in gaz.entities:
        if e.cls == "MilitaryBase":
            for label in e.labels(lang.code):
                out.setdefault(_label_key(label, lang), e)
    _base_index.clear()
    _base_index[(id(gaz), lang.code)] = (gaz, out)
    return out


_base_index: dict[tuple[int, str], tuple[Gazetteer, dict[str, GazEntity]]] = {}


def _adjective_only(tk: DocTokens, name: tuple[int, int], cls: str) -> bool:
    """'قاعدة مهمة', 'قاعدة منتشرة': one indefinite word agreeing with a feminine cue is an adjective."""
    start, end = name
    if cls not in ("MilitaryBase", "Place") or end - start != 1:
        return False
    lang = tk.lang
    feminine = lang.lexicon.FOLDED_TA_MARBUTA  # "" in a language without it
    return (
        bool(feminine) and not _definite(tk, start) and lang.fold(tk.text[start]).endswith(feminine)
    )


def _definite(tk: DocTokens, i: int) -> bool:
    """Token i carries the definite article (after any proclitic); never, in a language
    whose lexicon has no article prefix (``DEFINITE_ARTICLE = ""``)."""
    lang = tk.lang
    lx = lang.lexicon
    article, li, li_definite = lx.DEFINITE_ARTICLE, lx.PROCLITIC_TO, lx.LI_DEFINITE
    if not article:
        return False
    folded = lang.fold(tk.text[i])
    norm = tk.norm[i]
    for cut in range(0, 3):
        rest = folded[cut:]
        if rest.startswith(article) and lang.strip_definite(rest) == norm:
            return True
        if (
            rest.startswith(li)
            and cut > 0
            and folded.startswith(li_definite, cut - 1)
            and rest[1:] == norm
        ):
            return True
    return False


def anaphora_mentions(
    doc: Doc, taken: set[int], earlier: list[Mention], article: str, article_id: str
) -> list[Mention]:
    """ "القاعدة" / "المعسكر" with no name: the base most recently named before it."""
    out: list[Mention] = []
    bases = sorted((m for m in earlier if m.entity.cls == "MilitaryBase"), key=lambda m: m.start)
    tk = doc_tokens(doc)
    anaphors = cues(tk.lang).ANAPHOR_KEYS
    sents = tk.sents
    n = len(tk.norm)
    for i, norm in enumerate(tk.norm):
        if i in taken or norm not in anaphors or not _definite(tk, i):
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


def _self_named_at(norms: list[str], i: int, c: Cues, end: int) -> int:
    """Length of a "… تطلق على نفسها (اسم)" cue starting at token i and ending before
    token ``end`` (its sentence's end), or 0."""
    for words in c.SELF_NAMED_KEYS.get(norms[i], ()):
        if i + len(words) <= end and all(norms[i + k] == w for k, w in enumerate(words)):
            return len(words)
    return 0


def _self_named_keys(lang: kglang.Language) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lang.lexicon.SELF_NAMED:  # longest first, so "تطلق على نفسها اسم" wins
        words = tuple(lang.strip_definite(lang.fold(w)) for w in phrase.split())
        out.setdefault(words[0], []).append(words)
    return {k: sorted(v, key=len, reverse=True) for k, v in out.items()}


def extract_mentions(doc: Doc, gaz: Gazetteer, article: str, article_id: str) -> list[Mention]:
    """All entity mentions of a document, sorted by position."""
    gaz_mentions = gazetteer_mentions(doc, gaz, article, article_id)
    taken: set[int] = set()
    for span in doc.spans.get("gazetteer", []):
        taken.update(range(span.start, span.end))
    mentions = gaz_mentions + cue_mentions(doc, taken, article, article_id)
    mentions = dual_cue_mentions(doc, gaz, mentions, taken, article, article_id)
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            taken.update(range(span.start, span.end))
    mentions += anaphora_mentions(doc, taken, mentions, article, article_id)
    return sorted(mentions, key=lambda m: (m.start, m.end))


def span_tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")
