"""What every event rule reads: the compiled word lists, the article context, clauses.

The rules of attacks, withdrawals, responsibility, casualties, dates and links
all look at a clause of a sentence through the same helpers (the words before a
token, a proclitic, an ordinal, a reference to an earlier attack); they live here
so that each rule module imports them from one place and none imports another's.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import kg.lang as kglang
from kg.lang import DateSpan, NumberSpan
from kg.pipeline.extract.records import (
    EntityRef,
    EventRecord,
    Mention,
)
from kg.pipeline.nlp.tokens import DocTokens, Sentence
from kg.vocab.gazetteer import Gazetteer

ACTOR_CLASSES = {"State", "ArmedGroup", "MilitaryForce", "Coalition", "Person", "Organisation"}
ARMED_ACTORS = {"State", "ArmedGroup", "MilitaryForce", "Coalition"}
LOCATION_CLASSES = {"MilitaryBase", "Place", "State"}
REFERENCE_MARK = "+reference"
# The rule of a report of an event the sentence only names as its background
# ("رداً على الهجوم الذي استهدف …"): its own report, never a source of the main one's roles.
REFERENCED_MARK = "+referenced"
# The rule of a report told in the pluperfect («وكانت واشنطن قد شنت …»): an earlier
# event recalled as background. It is a report like any other; the merge prefers the
# article's main story to it when a report that names no place could be either.
BACKGROUND_MARK = "+background"
SPECIFIC_ATTACK_TYPES = ("IEDAttack", "DroneAttack", "RocketAttack", "AirStrike")
# Attacks whose munition can be stopped on its way: a drone or rocket shot down, an IED
# defused is still an attack, disrupted (ANNOTATION.md); a downed helicopter is not.
MUNITION_TYPES = ("DroneAttack", "RocketAttack", "IEDAttack")


class Words:
    """The lexicon as the event rules read it, compiled once per language (:func:`word_table`).

    The word lists become NORM keys (folded, the definite article removed); phrases are
    folded where the rules search folded text; the NORMs, word shapes and marks the
    rules compare as written are taken as they are. Every name is the lexicon's (see
    kg/lang/ar/lexicon.py for what each list is for).
    """

    def __init__(self, lang: kglang.Language):
        lx = lang.lexicon
        K = lang.keys
        self.lang, self.lx = lang, lx
        self.fold, self.strip_definite = lang.fold, lang.strip_definite
        # NORM keys of the word lists
        self.ATTACK_NOUN = K(lx.ATTACK_NOUNS)
        self.ATTACK_PLURAL = K(lx.ATTACK_PLURALS)
        self.ATTACK_VERB = K(lx.ATTACK_VERBS)
        self.WEAK_VERB = K(lx.WEAK_ATTACK_VERBS)
        self.DISRUPT = K(lx.DISRUPTION)
        self.WITHDRAW = K(lx.WITHDRAWAL_WORDS)
        self.HANDOVER = K(lx.HANDOVER_WORDS)
        self.PLANNED = K(lx.PLANNED_MARKERS)
        self.KILLED = K(lx.KILLED_WORDS)
        self.WOUNDED = K(lx.WOUNDED_WORDS)
        self.PERSON_NOUN = K(lx.PERSON_NOUNS)
        self.PERSON_PLURAL = K(lx.PERSON_PLURALS)
        self.CLAIM = K(lx.CLAIM_WORDS)
        self.ATTRIB = K(lx.ATTRIBUTION_WORDS)
        self.NEG = K(lx.NEGATION)
        self.ASSASSINATION = K(lx.ASSASSINATION)
        self.TARGET_CUES = K(lx.TARGET_CUES)
        self.TARGET_HEADS = K(lx.TARGET_HEADS)
        self.LOC_PREPS = K(lx.LOCATION_PREPS)
        self.STRIKE_SUBJECT_VERBS = K(lx.STRIKE_SUBJECT_VERBS)
        self.RELATIVE_AGENT = K(lx.RELATIVE_AGENT)
        self.REPORTING = K(lx.REPORTING_VERBS)
        self.DEADLINE = K(lx.DEADLINE_WORDS)
        self.DIRECTIONS = K(lx.DIRECTIONS)
        self.NEAR = K(lx.NEAR_WORDS)
        self.STATIONED = K(lx.STATIONED_WORDS)
        self.BEHIND_VERBS = K(lx.BEHIND_VERBS)
        self.SELF_NAME_WORDS = K(lx.SELF_NAME_WORDS)
        self.STORES = K(lx.STORE_WORDS)
        self.LEADERS = K(lx.LEADER_WORDS)
        self.BELONGS = K(lx.BELONGS_WORDS)
        self.LEAVE_VERBS = K(lx.LEAVE_VERBS)
        self.LEADS = K(lx.LED_OR_BACKED_WORDS)
        self.STRIKE_NOUNS = K(lx.STRIKE_NOUNS)
        self.AIR_WORDS = K(lx.AIR_WORDS)
        self.AIR_RAIDS = K(lx.AIR_RAIDS)
        self.AIR_RAID_WORDS = K(lx.AIR_RAID_WORDS)
        self.AIR_ADJECTIVES = K(lx.AIR_ADJECTIVES)
        self.THAT = K(lx.THAT)
        self.NEW_EVENT_ADJ = K(lx.NEW_EVENT_ADJECTIVES)
        self.REFERENCE_PREV = K(lx.REFERENCE_PREV_WORDS)
        self.SPEECH_NOUNS = K(lx.SPEECH_NOUNS)
        self.AGREEMENT = K(lx.AGREEMENT_WORDS)
        self.UNDERGO = K(lx.UNDERGO_VERBS)
        self.CONNECTIVES = K(lx.CONNECTIVES)
        self.BASE_PLURALS = K(lx.BASE_PLURALS)
        self.BASE_CUE_KEYS = K(lx.BASE_CUES)
        self.NAMING_VERBS = K(lx.NAMING_VERBS)
        self.CAUSE = K(lx.CAUSE_WORDS)
        self.COPULA = K(lx.COPULAS)
        self.CAUSE_OBJECT = K(lx.CAUSE_OBJECT_PREPS)
        self.REPLY_OPENERS = K(lx.REPLY_OPENERS)
        self.AFTER_OPENERS = K(lx.AFTER_OPENERS)
        self.TOWARDS = K(lx.TOWARDS)
        self.FAILED = K(lx.FAILED_WORDS)
        self.ABILITY = K(lx.ABILITY_WORDS)
        self.CONDITIONAL = K(lx.CONDITIONAL_WORDS)
        self.CONDITIONAL_NOUNS = K(lx.CONDITIONAL_NOUNS)
        self.HABIT = K(lx.FREQUENCY_WORDS) | K(lx.HABIT_WORDS)
        self.INTENT = K(lx.INTENT_WORDS)
        self.EXPECTED = K(lx.EXPECTED_WORDS)
        self.ANY = K(lx.ANY_WORDS)
        self.RESPONSIBILITY = lang.strip_definite(lang.fold(lx.RESPONSIBILITY))
        # folded phrases
        self.BREAKS = tuple(lang.fold(b) for b in lx.CLAUSE_BREAKS)
        # NORMs and folded words compared as written
        self.ORDINAL_WORDS = lx.ORDINAL_WORDS
        self.REPLY_WORDS = frozenset(lx.REPLY_WORDS)
        # the gazetteer's namesake rule in this language ("محافظة أربيل" is أربيل's province)
        self.NAMESAKE = (lang.code, tuple(lx.PROVINCE_PREFIXES))


@functools.lru_cache(maxsize=8)
def word_table(lang: kglang.Language) -> Words:
    """The :class:`Words` of a language (constant data compiled from its lexicon)."""
    return Words(lang)


@dataclass(frozen=True)
class ArticleContext:
    """What the rules need about an article besides its sentences."""

    article: str
    article_id: str
    text: str
    published: dt.date | None
    mentions: tuple[Mention, ...]
    numbers: tuple[NumberSpan, ...]
    dates: tuple[DateSpan, ...]
    gazetteer: Gazetteer
    demonyms: dict[str, EntityRef]

    @functools.cached_property
    def mention_at(self) -> dict[int, Mention]:
        """Character offset → the first mention (in their order) that covers it: one
        lookup instead of a pass over every mention of the article."""
        at: dict[int, Mention] = {}
        for m in self.mentions:
            for char in range(m.start, m.end):
                at.setdefault(char, m)
        return at

    @functools.cached_property
    def mention_starts(self) -> list[int] | None:
        """Start offsets of the mentions, or None if they are not in start order."""
        starts = [m.start for m in self.mentions]
        return starts if all(a <= b for a, b in zip(starts, starts[1:], strict=False)) else None


@dataclass(frozen=True)
class Clause:
    sent: Sentence
    start: int  # token index
    end: int
    ordinal: int | None = None  # "الهجوم الثاني": this clause describes attack number 2
    # "" (the sentence's own report), or an earlier event the sentence names as its
    # background: "reply" (the sentence's attack answers it: "رداً على الهجوم الذي …") or
    # "before" (it only came earlier: "عقب مقتل فلان في غارة …", "بعد ساعة من قصف …")
    background: str = ""
    level: int = 0  # 0: the sentence's own; 1: a background it names; 2: one that names
    # the clause tells of the effect of the clause before ("…، كان سبباً في الغارة التي …")
    effect: bool = False

    def chars(self, tk: DocTokens) -> tuple[int, int]:
        """(start_char, end_char) of the clause's tokens, as on ``doc[start:end]``."""
        return tk.idx[self.start], tk.end[self.end - 1]

    def text(self, tk: DocTokens) -> str:
        return tk.span_text(self.start, self.end)


def phrase_in(W: Words, text: str, phrases: Sequence[str]) -> bool:
    """A phrase occurs as whole words (a proclitic و/ف/ب/ل may stand before it)."""
    if not phrases:  # a language without such phrases
        return False
    return _phrase_regex(W, tuple(phrases)).search(W.fold(text)) is not None


@functools.lru_cache(maxsize=64)
def _phrase_regex(W: Words, phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(W.fold(p)) for p in sorted(phrases, key=len, reverse=True))
    proclitics = W.lx.PHRASE_PROCLITICS
    before = "[" + proclitics + "]?" if proclitics else ""
    return re.compile(r"(?<![\w])" + before + r"(?:" + alternatives + r")(?![\w])")


def mentions_in(ctx: ArticleContext, start: int, end: int) -> list[Mention]:
    """Mentions inside [start, end), in their order (a binary search for the first)."""
    starts = ctx.mention_starts
    if starts is None:
        return [m for m in ctx.mentions if start <= m.start and m.end <= end]
    out = []
    for k in range(bisect.bisect_left(starts, start), len(starts)):
        m = ctx.mentions[k]
        if m.start > end:
            break
        if m.end <= end:
            out.append(m)
    return out


def starts_definite(W: Words, folded: str) -> bool:
    """A folded word starts with the definite article (never, in a language whose lexicon
    has no article prefix)."""
    article = W.lx.DEFINITE_ARTICLE
    return bool(article) and folded.startswith(article)


def definite_after_proclitics(W: Words, word: str) -> bool:
    """ "والقوات", "بالهجمات": the word is definite once its proclitic letters are stripped."""
    return starts_definite(W, W.fold(word).lstrip(W.lx.PHRASE_PROCLITICS))


def sentence_start(tk: DocTokens, i: int) -> int:
    """The first token of the sentence holding token i (i itself past the last token)."""
    if not tk.sent_of:
        return 0
    return tk.sents[tk.sent_of[min(i, len(tk.sent_of) - 1)]].start


def sentence_end(tk: DocTokens, i: int) -> int:
    """One past the last token of the sentence holding token i."""
    if not tk.sent_of:
        return 0
    return tk.sents[tk.sent_of[min(i, len(tk.sent_of) - 1)]].end


def prev_words(tk: DocTokens, i: int, n: int, floor: int = 0) -> list[str]:
    """The NORMs of the (at most) n tokens before token i, from ``floor`` (a clause start,
    which lies in i's sentence) on; without one, from the start of i's sentence: a window
    never reaches into the sentence before."""
    lo = i - n if i > n else 0
    if floor > 0:
        if floor > lo:
            lo = floor
    elif lo > 0 or i > 0:
        start = tk.sents[tk.sent_of[i]].start if i < len(tk.sent_of) else sentence_start(tk, i)
        if start > lo:
            lo = start
    return tk.norm[lo:i]


def has_proclitic(tk: DocTokens, i: int, letters: str) -> bool:
    """Token i starts with one of the proclitic letters that its NORM dropped."""
    lang = tk.lang
    raw = lang.fold(tk.text[i])
    norm = tk.norm[i]
    return bool(raw) and raw[0] in letters and not lang.strip_definite(raw) == norm and raw != norm


def ordinal_after(tk: DocTokens, i: int, end: int) -> int | None:
    """ "الهجوم الأول" → 1 when token i is هجوم followed by an ordinal."""
    W = word_table(tk.lang)
    if tk.norm[i] in W.lx.ORDINAL_NOUNS and i + 1 < end:
        return W.ORDINAL_WORDS.get(tk.norm[i + 1])
    return None


def is_reference(tk: DocTokens, i: int, floor: int) -> bool:
    """ "رد … على الهجوم الأول", "ردا على الهجوم": a mention of an earlier attack."""
    W = word_table(tk.lang)
    prev = prev_words(tk, i, 2, floor)
    return bool(prev) and (
        prev[-1] in W.REFERENCE_PREV
        or any(w in W.REFERENCE_PREV for w in prev[-2:])
        and ordinal_after(tk, i, sentence_end(tk, i)) is not None
    )


def reference_tokens(tk: DocTokens, clause: Clause) -> set[int]:
    """Tokens of phrases that refer to an attack already known: "على الهجوم الأول للتاجي",
    "ردا على الهجمات الصاروخية التي استهدفت …" (the noun, its ordinal, adjectives and the
    place after it, and a relative clause hanging on it)."""
    W = word_table(tk.lang)
    out: set[int] = set()
    norm = tk.norm
    for i in range(clause.start, clause.end):
        n = norm[i]
        if not (n in W.ATTACK_NOUN or n in W.ATTACK_PLURAL) or not is_reference(
            tk, i, clause.start
        ):
            continue
        k = i
        out.add(k)
        k += 1
        while k < clause.end and k - i <= 3 and norm[k] not in W.lx.REFERENCE_ENDS:
            if norm[k] in W.lx.RELATIVES:  # "التي/الذي": a relative clause follows
                out.update(range(k, min(clause.end, k + 3)))
                break
            out.add(k)
            k += 1
    return out


def is_naming(tk: DocTokens, i: int) -> bool:
    """ "مجموعة تطلق على نفسها …", "أطلق عليها اسم …": token i is a verb that names
    (على with a pronoun, or على نفسها), not the verb "launch"."""
    W = word_table(tk.lang)
    if tk.norm[i] not in W.NAMING_VERBS:
        return False
    end = sentence_end(tk, i)
    after = tk.folded[i + 1 : min(end, i + 3)]
    reflexive = W.lx.REFLEXIVE_STEM
    return bool(after) and (
        after[0] in W.lx.NAMING_OBJECTS
        or (
            len(after) == 2
            and W.strip_definite(after[0]) in W.lx.AGAINST
            and bool(reflexive)
            and after[1].startswith(reflexive)
        )
    )


def conditional_at(tk: DocTokens, i: int, floor: int) -> bool:
    """Token i stands in the condition of a conditional ("إذا سقط قتلى في أي هجوم …",
    "في حال تعرضت القوات لهجوم"): a conditional word before it in its clause (from
    ``floor``), with no comma and no answer ("فإن …") between them."""
    W = word_table(tk.lang)
    lx = W.lx
    for k in range(i - 1, max(floor, sentence_start(tk, i), i - 12) - 1, -1):
        n = tk.norm[k]
        if tk.text[k] in lx.COMMAS or (
            k > floor and has_proclitic(tk, k, lx.PROCLITIC_THEN) and k != i
        ):
            return False
        if n in W.CONDITIONAL:
            return True
        if n in W.CONDITIONAL_NOUNS and k - 1 >= floor and tk.norm[k - 1] == lx.PREP_IN:
            return True
    return False


def habitual_at(tk: DocTokens, i: int, floor: int, end: int) -> bool:
    """ "عادة ما تستهدف", "تتعرض القاعدة باستمرار لهجمات": a word of habit or frequency
    within three tokens of token i, in its clause [floor, end)."""
    W = word_table(tk.lang)
    near = prev_words(tk, i, 3, floor) + tk.norm[i + 1 : min(end, sentence_end(tk, i), i + 4)]
    return any(w in W.HABIT for w in near)


def considered_at(tk: DocTokens, i: int, floor: int, end: int) -> bool:
    """An attack considered, feared, threatened or expected, not carried out: governed by
    a word of threatening, planning, discussing or fearing ("هددت الفصائل بقصف …",
    "تبحث الإدارة استهداف …"), followed by an adjective of expectation ("هجمات وشيكة"),
    or no particular one ("أي هجوم")."""
    W = word_table(tk.lang)
    before = prev_words(tk, i, 6, floor)
    after = tk.norm[i + 1 : min(end, sentence_end(tk, i), i + 3)]
    return (
        any(w in W.INTENT for w in before)
        or any(w in W.EXPECTED for w in after)
        or (bool(before) and before[-1] in W.ANY)
    )


def pluperfect(tk: DocTokens, clause: Clause, i: int) -> bool:
    """The verb at or before token i is in the pluperfect: a form of «كان» then «قد»
    before it in the clause («وكانت القوات قد تعرضت لهجوم»), the Arabic of a recalled,
    earlier event."""
    lx = tk.lang.lexicon
    aux = _pluperfect_keys(tk.lang)
    window = range(max(clause.start, i - 6), i)
    return any(
        tk.norm[k] in aux and any(tk.norm[m] == lx.PLUPERFECT_PARTICLE for m in range(k + 1, i + 1))
        for k in window
    )


@functools.lru_cache(maxsize=8)
def _pluperfect_keys(lang: kglang.Language) -> frozenset[str]:
    return frozenset(lang.keys(lang.lexicon.PLUPERFECT_AUXILIARIES))


def is_negated(tk: DocTokens, i: int, floor: int = 0) -> bool:
    """'لم تتعرض لهجمات', 'لم تستهدف': a negation that governs the trigger.

    The negation stands right before the trigger, or before a verb of undergoing
    that governs it ("لم تتعرض لهجمات"); "لم يسفر هجوم … عن إصابات" negates the
    outcome, not the attack.
    """
    W = word_table(tk.lang)
    prev = prev_words(tk, i, 3, floor)
    if prev and prev[-1] in W.NEG:
        return True
    if len(prev) >= 2 and prev[-2] in W.NEG and prev[-1] in W.UNDERGO:
        return True
    return len(prev) >= 3 and prev[-3] in W.NEG and prev[-2] in W.THAT


def number_before(ctx: ArticleContext, tk: DocTokens, i: int, floor: int = 0) -> NumberSpan | None:
    """A number (not part of a date) ending in the three tokens before token i, inside
    the clause that starts at ``floor`` and never in the sentence before: the year of a
    dateline is no count of the attacks of the next line."""
    start = tk.idx[max(floor, sentence_start(tk, i), i - 3)]
    for num in ctx.numbers:
        if start <= num.end and num.end <= tk.idx[i] + 1 and num.kind in ("digits", "words"):
            if not any(d.start <= num.start < d.end for d in ctx.dates):
                return num
    return None


def split_clauses(tk: DocTokens, sent: Sentence) -> list[Clause]:
    """Clauses of a sentence that may each report their own event: cut before a
    connective of contrast or sequence ("في حين", "بينما", "وأعقب ذلك"), and before a
    causal predicate between two attacks (:func:`causal_cut`)."""
    W = word_table(tk.lang)
    cuts = [sent.start]
    effects = set()
    folded = tk.folded
    for i in range(sent.start + 1, sent.end):
        two = folded[i] + (" " + folded[i + 1] if i + 1 < sent.end else "")
        if two.startswith(W.BREAKS):
            cuts.append(i)
        cut = causal_cut(tk, sent, i)
        if cut is not None:
            cuts.append(cut)
            effects.add(cut)
    cuts = sorted(set(cuts))
    clauses = []
    for a, b in zip(cuts, [*cuts[1:], sent.end], strict=True):
        ordinal = None
        for k in range(a, b):
            o = ordinal_after(tk, k, b)
            if o is not None and not is_reference(tk, k, a):
                ordinal = o
                break
        clauses.append(Clause(sent, a, b, ordinal, effect=a in effects))
    return clauses


def is_attack_word(W: Words, norm: str) -> bool:
    """A strong attack word: an attack noun, a plural, a verb that needs no weapon."""
    return (
        norm in W.ATTACK_NOUN
        or norm in W.ATTACK_PLURAL
        or (norm in W.ATTACK_VERB and norm not in W.WEAK_VERB)
    )


def causal_cut(tk: DocTokens, sent: Sentence, i: int) -> int | None:
    """Where a clause telling of an effect starts, when token i is a causal predicate
    between two attacks: "قتل مقاول في هجوم على كركوك، كان سبباً رئيسياً في الغارة التي
    …", "… ما تسبب في قصف …" (the attack after it was caused by the attack before it).
    The cut is at the predicate, or at the copula before it ("كان سببا"); None when no
    attack stands on both sides ("ما أدى إلى مقتل جنديين" tells of the same attack)."""
    W = word_table(tk.lang)
    norm = tk.norm
    if norm[i] not in W.CAUSE:
        return None
    if not any(is_attack_word(W, norm[k]) for k in range(sent.start, i)):
        return None
    # the effect is the predicate's object, after في/إلى/لـ ("سبباً رئيسياً في الغارة");
    # "أدى قصف … إلى إغلاقه" names the cause after it, not an effect
    if not any(
        is_attack_word(W, norm[t])
        and (norm[t - 1] in W.CAUSE_OBJECT or has_proclitic(tk, t, W.lx.PROCLITIC_TO))
        for t in range(i + 1, min(sent.end, i + 5))
    ):
        return None
    cut = i - 1 if i - 1 > sent.start and norm[i - 1] in W.COPULA else i
    return cut if cut > sent.start else None


def coordinated(tk: DocTokens, text: str, m: Mention, prev_m: Mention | None) -> bool:
    """ "القيارة وكركوك", "صلاح الدين وبابل": joined to the mention just before by و or a comma."""
    W = word_table(tk.lang)
    if prev_m is None:
        return False
    t = tk.token_at(m.start)
    between = text[prev_m.end : m.start]
    return (
        has_proclitic(tk, t, W.lx.PROCLITIC_AND) and len(between.split()) <= 1
    ) or between.strip() in W.lx.COORDINATORS


def place_contains(gaz: Gazetteer, language: str | kglang.Language | None = None):
    """``contains(outer_iri, inner_iri)`` as the rules and the merge use it: the gazetteer's
    containment, with the language's namesake rule (a bare "أربيل" is also its province)."""
    return functools.partial(gaz.contains, namesake=word_table(kglang.get(language)).NAMESAKE)


def most_specific(
    gaz: Gazetteer,
    located: list[tuple[EntityRef, int]],
    namesake: tuple[str, tuple[str, ...]] | None = None,
) -> list[EntityRef]:
    """The places of an event, without the ones named only to situate another.

    A state goes when a place inside one is named; a province or city goes when
    it is named right after a place it contains ("قاعدة بلد في محافظة صلاح الدين");
    separate sites of one strike wave all stay. ``namesake``: the language's rule for
    provinces named after their city (see :meth:`Gazetteer.contains`).
    """
    if not located:
        return []
    if any(loc.cls != "State" for loc, _ in located):
        located = [(loc, pos) for loc, pos in located if loc.cls != "State"]

    def contains(outer: EntityRef, inner: EntityRef) -> bool:
        return gaz.contains(outer.iri, inner.iri, namesake)

    # the places named up to 30 characters before each one, found by a binary search in
    # their positions (testing every pair was quadratic in a clause naming many places)
    by_pos = sorted(range(len(located)), key=lambda k: located[k][1])
    positions = [located[k][1] for k in by_pos]
    out = []
    seen: set[EntityRef] = set()
    for loc, pos in located:
        lo = bisect.bisect_left(positions, pos - 30)
        hi = bisect.bisect_right(positions, pos)
        situating = any(
            located[k][0] != loc and contains(loc, located[k][0]) for k in by_pos[lo:hi]
        )
        if not situating and loc not in seen:
            out.append(loc)
            seen.add(loc)
    return out


def stopped_at(tk: DocTokens, clause: Clause) -> list[int]:
    """Tokens of the clause that say an attack was stopped ("أسقطت", "اعترضت", "تصدت"),
    unless the stopping failed ("لم تتمكن الدفاعات من اعتراض", "فشلت في التصدي")."""
    W = word_table(tk.lang)
    out = []
    for i in range(clause.start, clause.end):
        if tk.norm[i] not in W.DISRUPT:
            continue
        before = prev_words(tk, i, 5, clause.start)
        failed = any(w in W.FAILED for w in before) or (
            any(w in W.NEG for w in before) and any(w in W.ABILITY for w in before)
        )
        if not failed and not (before and before[-1] in W.NEG):
            out.append(i)
    return out


def status_of(tk: DocTokens, clause: Clause, category: str, trig: list[int] | None = None) -> str:
    W = word_table(tk.lang)
    if category == "attack":
        return "disrupted" if stopped_at(tk, clause) else "done"
    # a plan marker governs the withdrawal word it stands before ("من المقرر سحب",
    # "اتفق … على انسحاب", "ستغادر"); one elsewhere in the clause speaks of something else
    i = (trig or [clause.start])[0]
    window = tk.norm[max(clause.start, i - 5) : i + 1]
    return "planned" if any(w in W.PLANNED for w in window) else "done"


@dataclass
class EventList:
    events: list[EventRecord]
    counter: int = 0

    def add(self, record: EventRecord) -> int:
        self.events.append(replace(record, local_id=f"{record.local_id}#{self.counter}"))
        self.counter += 1
        return len(self.events) - 1
