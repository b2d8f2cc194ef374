"""Events from sentences: attacks and withdrawals with roles, dates, casualties, claims.

The rules read a sentence as a researcher would:

1. find triggers (attack nouns and verbs, withdrawal, handover and
   redeployment words) on the token NORMs; "رد على الهجوم الأول" refers to an
   attack, it does not report a new one;
2. drop what is not a single event: aggregates ("24 هجوماً", "هجمات" in
   general), negated events ("لم تتعرض لهجمات"), threats and plans to attack;
3. split a sentence into clauses where it reports two events ("… كان سببا في
   الغارة التي …", "في حين أدى الهجوم الثاني …"), and a dual ("هجومان",
   "لهجومين") into two events whose later description ("الهجوم الثاني، السبت")
   completes the right one;
4. fill the roles from the entities of the clause and the words before them
   (على/ضد/استهدف → target; a base in an attack clause is its target and place;
   في/قرب → location; a state or force as the subject of an active strike verb
   → attacker; a person killed in a strike → target; من → where a withdrawal
   leaves; إلى/ل → recipient or destination); a coordinated entity ("… وكركوك")
   takes the role of the one before it;
5. responsibility is never an attacker: a claim (تبنى), an attribution
   (تنسبها واشنطن لـ…, حمّلت … المسؤولية, اتهمت) with who says so, or
   a statement that nobody claimed it;
6. dates (not the date a statement was made, and a deadline for a plan),
   casualties, retaliation links, and "الصاروخان/القصف" in the next sentence
   continuing the same event.

Each record keeps the sentence and the rule that produced it. The words are the
doc's language's (``doc_tokens(doc).lang``, kg.lang): the rules read its lexicon by
name, compiled once per language (:class:`Words`); the examples above are Arabic.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc

import kg.lang as kglang
from kg.lang import DateSpan, NumberSpan
from kg.pipeline.extract import budget
from kg.pipeline.extract.records import (
    CasualtyReport,
    DateInfo,
    EntityRef,
    EventRecord,
    Evidence,
    Mention,
    Responsibility,
    RoleFiller,
)
from kg.pipeline.nlp.tokens import DocTokens, Sentence, doc_tokens
from kg.vocab.gazetteer import Gazetteer

ACTOR_CLASSES = {"State", "ArmedGroup", "MilitaryForce", "Coalition", "Person", "Organisation"}
ARMED_ACTORS = {"State", "ArmedGroup", "MilitaryForce", "Coalition"}
LOCATION_CLASSES = {"MilitaryBase", "Place", "State"}
REFERENCE_MARK = "+reference"
SPECIFIC_ATTACK_TYPES = ("IEDAttack", "DroneAttack", "RocketAttack", "AirStrike")


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

    def chars(self, tk: DocTokens) -> tuple[int, int]:
        """(start_char, end_char) of the clause's tokens, as on ``doc[start:end]``."""
        return tk.idx[self.start], tk.end[self.end - 1]

    def text(self, tk: DocTokens) -> str:
        return tk.span_text(self.start, self.end)


def _phrase_in(W: Words, text: str, phrases: Sequence[str]) -> bool:
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


def _mentions_in(ctx: ArticleContext, start: int, end: int) -> list[Mention]:
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


def _starts_definite(W: Words, folded: str) -> bool:
    """A folded word starts with the definite article (never, in a language whose lexicon
    has no article prefix)."""
    article = W.lx.DEFINITE_ARTICLE
    return bool(article) and folded.startswith(article)


def _definite_after_proclitics(W: Words, word: str) -> bool:
    """ "والقوات", "بالهجمات": the word is definite once its proclitic letters are stripped."""
    return _starts_definite(W, W.fold(word).lstrip(W.lx.PHRASE_PROCLITICS))


def _prev_words(tk: DocTokens, i: int, n: int, floor: int = 0) -> list[str]:
    return tk.norm[max(floor, i - n) : i]


def _has_proclitic(tk: DocTokens, i: int, letters: str) -> bool:
    """Token i starts with one of the proclitic letters that its NORM dropped."""
    lang = tk.lang
    raw = lang.fold(tk.text[i])
    norm = tk.norm[i]
    return bool(raw) and raw[0] in letters and not lang.strip_definite(raw) == norm and raw != norm


def _ordinal_after(tk: DocTokens, i: int, end: int) -> int | None:
    """ "الهجوم الأول" → 1 when token i is هجوم followed by an ordinal."""
    W = word_table(tk.lang)
    if tk.norm[i] in W.lx.ORDINAL_NOUNS and i + 1 < end:
        return W.ORDINAL_WORDS.get(tk.norm[i + 1])
    return None


def _is_reference(tk: DocTokens, i: int, floor: int) -> bool:
    """ "رد … على الهجوم الأول", "ردا على الهجوم": a mention of an earlier attack."""
    W = word_table(tk.lang)
    prev = _prev_words(tk, i, 2, floor)
    return bool(prev) and (
        prev[-1] in W.REFERENCE_PREV
        or any(w in W.REFERENCE_PREV for w in prev[-2:])
        and _ordinal_after(tk, i, len(tk.norm)) is not None
    )


# --------------------------------------------------------------------------- triggers


def reference_tokens(tk: DocTokens, clause: Clause) -> set[int]:
    """Tokens of phrases that refer to an attack already known: "على الهجوم الأول للتاجي",
    "ردا على الهجمات الصاروخية التي استهدفت …" (the noun, its ordinal, adjectives and the
    place after it, and a relative clause hanging on it)."""
    W = word_table(tk.lang)
    out: set[int] = set()
    norm = tk.norm
    for i in range(clause.start, clause.end):
        n = norm[i]
        if not (n in W.ATTACK_NOUN or n in W.ATTACK_PLURAL) or not _is_reference(
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


def attack_triggers(tk: DocTokens, clause: Clause, weapons: list[Mention]) -> list[int]:
    """Token indices of attack triggers in a clause (strong ones, or weak + weapon)."""
    W = word_table(tk.lang)
    norms = tk.norm[clause.start : clause.end]
    has_noun = any(n in W.ATTACK_NOUN for n in norms)
    refs = reference_tokens(tk, clause)
    out = []
    for i, n in enumerate(norms, clause.start):
        if i in refs:
            continue
        if (
            n in W.ATTACK_NOUN
            or (n in W.ATTACK_VERB and n not in W.WEAK_VERB)
            or n in W.ATTACK_PLURAL
        ):
            out.append(i)
        elif n in W.WEAK_VERB and (weapons or has_noun):
            out.append(i)
    return [i for i in out if not is_negated(tk, i, clause.start)]


def is_negated(tk: DocTokens, i: int, floor: int = 0) -> bool:
    """'لم تتعرض لهجمات', 'لم تستهدف': a negation that governs the trigger.

    The negation stands right before the trigger, or before a verb of undergoing
    that governs it ("لم تتعرض لهجمات"); "لم يسفر هجوم … عن إصابات" negates the
    outcome, not the attack.
    """
    W = word_table(tk.lang)
    prev = _prev_words(tk, i, 3, floor)
    if prev and prev[-1] in W.NEG:
        return True
    if len(prev) >= 2 and prev[-2] in W.NEG and prev[-1] in W.UNDERGO:
        return True
    return len(prev) >= 3 and prev[-3] in W.NEG and prev[-2] in W.THAT


def _number_before(ctx: ArticleContext, tk: DocTokens, i: int) -> NumberSpan | None:
    start = tk.idx[max(0, i - 3)]
    for num in ctx.numbers:
        if start <= num.end and num.end <= tk.idx[i] + 1 and num.kind in ("digits", "words"):
            if not any(d.start <= num.start < d.end for d in ctx.dates):
                return num
    return None


def _demonym_attacker(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> list[EntityRef]:
    """ "غارة أميركية", "القصف الأميركي", "بطائرة أمريكية من دون طيار": the state carried it out."""
    W = word_table(tk.lang)
    out = []
    for i in range(clause.start, clause.end):
        ref = ctx.demonyms.get(tk.norm[i])
        if ref is None:
            continue
        prev = _prev_words(tk, i, 2, clause.start)
        if not prev:
            continue
        if (
            prev[-1] in W.STRIKE_NOUNS
            or prev[-1] in W.ATTACK_NOUN
            or prev[-1] == W.lx.AVIATION
            or (prev[-1] in W.AIR_WORDS and _has_proclitic(tk, i - 1, W.lx.PROCLITIC_WITH))
            # "بطائرة أمريكية"
            or (
                len(prev) == 2 and prev[-1] in W.AIR_WORDS and prev[-2] in W.STRIKE_NOUNS
            )  # "غارة جوية أميركية"
        ):
            out.append(ref)
    return out


def is_aggregate(ctx: ArticleContext, tk: DocTokens, clause: Clause, triggers: list[int]) -> bool:
    """A campaign statistic, not an event: '24 هجوماً', 'نحو 50 هجوما', 'هجمات' with no specifics."""
    W = word_table(tk.lang)
    for i in triggers:
        num = _number_before(ctx, tk, i)
        if num is not None and num.value >= 3:
            return True
    norm = tk.norm
    nouns = [i for i in triggers if norm[i] in W.ATTACK_NOUN]
    plurals = [i for i in range(clause.start, clause.end) if norm[i] in W.ATTACK_PLURAL]
    if nouns or not plurals:
        return False
    # Only plural nouns (and maybe verbs): strikes by a named actor or on a date are one
    # strike event ("وردت واشنطن بضربات", "غارات جوية أمريكية"); "هجمات" in general is a series.
    if not any(norm[i] in W.STRIKE_NOUNS for i in plurals):
        return True
    start_char, end_char = clause.chars(tk)
    has_date = any(
        d.precision in ("day", "month") and start_char <= d.start < end_char for d in ctx.dates
    )
    has_actor = bool(_demonym_attacker(ctx, tk, clause)) or any(
        norm[k] in W.STRIKE_SUBJECT_VERBS for k in range(clause.start, clause.end)
    )
    return not (has_date or has_actor)


# --------------------------------------------------------------------------- clauses


def split_clauses(tk: DocTokens, sent: Sentence) -> list[Clause]:
    """Clauses of a sentence that may each report their own event."""
    W = word_table(tk.lang)
    cuts = [sent.start]
    folded = tk.folded
    for i in range(sent.start + 1, sent.end):
        two = folded[i] + (" " + folded[i + 1] if i + 1 < sent.end else "")
        if two.startswith(W.BREAKS):
            cuts.append(i)
    cuts = sorted(set(cuts))
    clauses = []
    for a, b in zip(cuts, [*cuts[1:], sent.end], strict=True):
        ordinal = None
        for k in range(a, b):
            o = _ordinal_after(tk, k, b)
            if o is not None and not _is_reference(tk, k, a):
                ordinal = o
                break
        clauses.append(Clause(sent, a, b, ordinal))
    return clauses


# --------------------------------------------------------------------------- roles


def _state_of(gaz: Gazetteer, ref: EntityRef) -> EntityRef:
    """A state's force as the attacker is the state (ANNOTATION: forces are part of the state)."""
    if ref.cls != "MilitaryForce":
        return ref
    for anc in sorted(gaz.ancestors(ref.iri)):
        e = gaz.by_iri.get(anc)
        if e is not None and e.cls == "State":
            return EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return ref


def _coordinated(tk: DocTokens, text: str, m: Mention, prev_m: Mention | None) -> bool:
    """ "القيارة وكركوك", "صلاح الدين وبابل": joined to the mention just before by و or a comma."""
    W = word_table(tk.lang)
    if prev_m is None:
        return False
    t = tk.token_at(m.start)
    between = text[prev_m.end : m.start]
    return (
        _has_proclitic(tk, t, W.lx.PROCLITIC_AND) and len(between.split()) <= 1
    ) or between.strip() in W.lx.COORDINATORS


def _purpose(tk: DocTokens, t: int, floor: int) -> bool:
    """A target cue written as "لاستهداف"/"لمهاجمة" (in order to attack) just before token t."""
    W = word_table(tk.lang)
    for k in range(max(floor, t - 3), t):
        if tk.norm[k] in W.TARGET_CUES and _has_proclitic(tk, k, W.lx.PROCLITIC_TO):
            return True
    return False


def _verb_after(tk: DocTokens, m: Mention, clause: Clause) -> bool:
    W = word_table(tk.lang)
    span = tk.doc.char_span(m.start, m.end, alignment_mode="expand")
    return (
        span is not None and span.end < clause.end and tk.norm[span.end] in W.STRIKE_SUBJECT_VERBS
    )


def attack_roles(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence
) -> list[RoleFiller]:
    """Targets, locations, weapons and (factual) attackers of an attack clause."""
    W = word_table(tk.lang)
    ms = _mentions_in(ctx, *clause.chars(tk))
    attackers: list[EntityRef] = []
    targets: list[EntityRef] = []
    locations: list[EntityRef] = []
    references: list[EntityRef] = []  # "جنوب بغداد": a reference point, kept only if alone
    # "مخازن أسلحة وصواريخ": weapons stored at a target are not the weapons used
    refs = reference_tokens(tk, clause)
    weapons = [
        m.entity
        for m in ms
        if m.entity.cls == "Weapon"
        and tk.token_at(m.start) not in refs
        and not any(w in W.STORES for w in _prev_words(tk, tk.token_at(m.start), 3, clause.start))
    ]
    norms = tk.norm[clause.start : clause.end]
    blame = bool(set(norms) & (W.ATTRIB | W.CLAIM))
    killing = [
        i for i, n in enumerate(norms, clause.start) if n in W.KILLED or n in W.ASSASSINATION
    ]
    prev_m: Mention | None = None
    prev_roles: tuple[str, ...] = ()
    for m in ms:
        e = m.entity
        t = tk.token_at(m.start)
        if e.cls == "Weapon" or t in refs:
            continue
        prev = _prev_words(tk, t, 3, clause.start)
        roles: tuple[str, ...] = ()
        if (
            _coordinated(tk, ctx.text, m, prev_m)
            and prev_roles
            and (e.cls in LOCATION_CLASSES) == (prev_m.entity.cls in LOCATION_CLASSES)
        ):
            roles = prev_roles
        elif any(w in W.LEADS for w in prev[-2:]):
            roles = ()
        elif (
            e.cls in ARMED_ACTORS
            and not blame
            and (
                (prev and prev[-1] in W.STRIKE_SUBJECT_VERBS)
                or any(w in W.RELATIVE_AGENT for w in prev[-2:])
                or _verb_after(tk, m, clause)  # SVO: "أن الجيش الأميركي نفذ ضربات"
            )
        ):
            roles = ("attacker",)
        elif e.cls == "Person":
            if any(k < t and t - k <= 10 for k in killing):
                roles = ("target",)
        elif e.cls in ("Place", "State") and any(w in W.NEAR for w in prev[-2:]):
            roles = ("reference",)  # "قاعدة عسكرية قرب بغداد": near it, not in it
        elif e.cls == "MilitaryBase":
            if any(w in W.NEAR for w in prev):
                roles = ("reference",)  # "قرب مطار بغداد": where, if nothing else is named
            elif prev and prev[-1] == W.lx.PREP_FROM:
                roles = ()
            else:
                roles = ("target", "location")
        elif e.cls in ("Place", "State") and prev and prev[-1] in W.lx.AGAINST:
            roles = ("target", "location")
        elif e.cls in ("Place", "MilitaryBase") and prev and prev[-1] in W.ATTACK_NOUN:
            roles = ("location",)  # "هجوم أربيل", "هجوم التاجي"
        elif e.cls in LOCATION_CLASSES and any(w in W.DIRECTIONS for w in prev[-2:]):
            roles = ("reference",)  # "100 كم جنوب بغداد": a reference point
        elif e.cls in ("Place", "State") and prev and prev[-1] in W.LOC_PREPS:
            roles = ("location",)
        elif any(w in W.SELF_NAME_WORDS or w in W.CLAIM for w in prev):
            roles = ()  # "تبنت مجموعة تطلق على نفسها X": the claimant, not the target
        elif any(w in W.STATIONED for w in prev):
            roles = ()  # "القاعدة التي تضم قوات أميركية": who is there, not what was struck
        elif _purpose(tk, t, clause.start):
            roles = ()  # "معدة لاستهداف قواعد الولايات المتحدة": an intended target, not this one
        elif e.cls in ARMED_ACTORS and (
            any(w in W.TARGET_CUES for w in prev) or any(w in W.TARGET_HEADS for w in prev)
        ):
            roles = ("target",)
        elif e.cls in LOCATION_CLASSES and any(w in W.DIRECTIONS for w in prev[-2:]):
            roles = ("reference",)
        elif e.cls in LOCATION_CLASSES and any(w in W.LOC_PREPS for w in prev):
            roles = ("location",)
        for role in roles:
            if role == "attacker":
                attackers.append(_state_of(ctx.gazetteer, e))
            elif role == "target":
                targets.append(e)
            elif role == "location":
                locations.append((e, m.start))
            elif role == "reference":
                references.append(e)
        prev_m, prev_roles = m, roles
    attackers += _demonym_attacker(ctx, tk, clause)
    attackers = [a for a in dict.fromkeys(attackers) if a not in targets]
    out = [RoleFiller("attacker", a, ev) for a in attackers]
    out += [RoleFiller("target", tg, ev) for tg in dict.fromkeys(targets)]
    out += [
        RoleFiller("location", loc, ev)
        for loc in most_specific(ctx.gazetteer, locations, W.NAMESAKE)
    ]
    if not locations and references:
        # only a reference point is named ("قرب بغداد"): keep it, marked, so that a report
        # naming the place itself wins when reports are merged
        out.append(
            RoleFiller("location", references[0], replace(ev, rule=ev.rule + REFERENCE_MARK))
        )
    out += [RoleFiller("weapon", w, ev) for w in dict.fromkeys(weapons)]
    if not weapons and _air_words(W, norms):
        # "رد الطيران الأميركي … بقصف", "ضربات جوية": the means is an air strike, said in words
        # that are not a weapon name; the gazetteer's weapon for air strikes fills the role
        air = _weapon_for(ctx.gazetteer, "AirStrike")
        if air is not None:
            out.append(RoleFiller("weapon", air, replace(ev, rule=ev.rule + "+air")))
    return out


def _air_words(W: Words, norms: list[str]) -> bool:
    return any(n in W.AIR_RAID_WORDS for n in norms) or (
        any(n in W.STRIKE_NOUNS for n in norms) and any(n in W.AIR_ADJECTIVES for n in norms)
    )


def _weapon_for(gaz: Gazetteer, attack_type: str) -> EntityRef | None:
    for e in gaz.entities:
        if e.cls == "Weapon" and e.implies_attack_type == attack_type:
            return EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return None


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


def attack_type(W: Words, roles: list[RoleFiller], ctx: ArticleContext, norms: list[str]) -> str:
    implied = []
    for r in roles:
        if r.role == "weapon":
            e = ctx.gazetteer.by_iri.get(r.entity.iri)
            if e is not None and e.implies_attack_type:
                implied.append(e.implies_attack_type)
    for t in SPECIFIC_ATTACK_TYPES:
        if t in implied:
            return t
    if any(n in W.AIR_RAIDS for n in norms) or (
        any(n in W.STRIKE_NOUNS for n in norms) and any(n in W.AIR_WORDS for n in norms)
    ):
        return "AirStrike"
    return implied[0] if implied else "Attack"


# --------------------------------------------------------------------------- dates


def clause_date(
    ctx: ArticleContext,
    tk: DocTokens,
    clause: Clause,
    anchor: int,
    planned: bool = False,
    category: str = "attack",
) -> DateInfo | None:
    """The date of the event among the date expressions of its clause.

    Not a date after "منذ" (since); not the date a statement was made ("قال
    مسؤول الثلاثاء", "رحبت … الخميس"); for a plan, the deadline ("بحلول نهاية
    أبريل"); then the most precise, then the nearest to the trigger.
    """
    W = word_table(tk.lang)
    start_char, end_char = clause.chars(tk)
    rank = {"day": 0, "month": 1, "week": 2, "year": 3, None: 4}
    cands = []
    for d in ctx.dates:
        if not (start_char <= d.start and d.end <= end_char):
            continue
        t = tk.token_at(d.start)
        prev = _prev_words(tk, t, 5, clause.start)
        if prev[-2:] and W.lx.PREP_SINCE in prev[-2:]:
            continue
        if any(w in W.AGREEMENT for w in prev[-4:]):
            continue  # "عقب الاتفاق الذي توصلت إليه بغداد وواشنطن الشهر الماضي": the agreement's date
        other = (
            W.WITHDRAW | W.HANDOVER
            if category == "attack"
            else W.ATTACK_NOUN | W.ATTACK_VERB | W.ATTACK_PLURAL
        )
        if any(w in other for w in prev[-3:]):
            continue  # "الهجمات التي استهدفت الأسبوع الماضي" in a withdrawal sentence dates the attacks
        said = any(w in W.REPORTING or w in W.SPEECH_NOUNS for w in prev)
        deadline = any(w in W.DEADLINE for w in prev[-2:]) or (
            bool(W.lx.BY_DEADLINE) and W.fold(d.text).startswith(W.lx.BY_DEADLINE)
        )
        cands.append(
            (
                not (planned and deadline),
                said,
                rank.get(d.precision, 4),
                abs(d.start - tk.idx[anchor]),
                d.start,
                d,
            )
        )
    if not cands:
        return None
    d = min(cands, key=lambda c: c[:5])[5]
    return DateInfo(
        value=d.value,
        precision=d.precision,
        earliest=d.earliest.isoformat() if d.earliest else None,
        latest=d.latest.isoformat() if d.latest else None,
        expression=d.text,
    )


# --------------------------------------------------------------------------- casualties


def casualties(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> tuple[int | None, int | None]:
    """Killed and wounded counts stated in a clause (None when not stated).

    After a killing or wounding word, the counted items are read in order,
    joined by و / "إضافة إلى": a number (and its noun), a dual noun (جنديين =
    2), a bare singular person noun (مقاول = 1), "وبريطاني" (and a Briton = 1).
    A bare plural ("عسكريين", "آخرين") is an unknown number: the sum is unknown.
    "من دون تسجيل إصابات" is 0 killed and 0 wounded.
    """
    W = word_table(tk.lang)
    text = clause.text(tk)
    if _phrase_in(W, text, W.lx.NO_CASUALTY_PHRASES):
        return 0, 0
    killed = wounded = None
    toks = range(clause.start, clause.end)
    for idx, i in enumerate(toks):
        n = tk.norm[i]
        kind = "k" if n in W.KILLED else "w" if n in W.WOUNDED else None
        if kind is None:
            continue
        total, known = _count_after(ctx, tk, toks, idx + 1)
        if not known:
            if kind == "k" and total is None:
                continue
            continue
        if kind == "k":
            killed = total if killed is None else killed + total
        else:
            wounded = total if wounded is None else wounded + total
    return killed, wounded


def _number_at(ctx: ArticleContext, tk: DocTokens, i: int) -> NumberSpan | None:
    """The number (not part of a date) that token i overlaps."""
    start, end = tk.idx[i], tk.end[i]
    for x in ctx.numbers:
        if x.start < end and start < x.end and x.kind in ("digits", "words", "dual"):
            if not any(d.start <= x.start < d.end for d in ctx.dates):
                return x
    return None


def _count_after(
    ctx: ArticleContext, tk: DocTokens, toks: Sequence[int], j: int
) -> tuple[int | None, bool]:
    """(total, known) of the people counted from token toks[j] on."""
    W = word_table(tk.lang)
    total = 0
    seen = False
    n = len(toks)
    norm, idx = tk.norm, tk.idx
    while j < n:
        i = toks[j]
        num = _number_at(ctx, tk, i)
        if num is not None:
            total += num.value
            seen = True
            while j < n and idx[toks[j]] < num.end:
                j += 1
            j = _skip_noun_phrase(ctx, tk, toks, j)
        elif norm[i] in W.PERSON_NOUN or (
            seen and _has_proclitic(tk, i, W.lx.PROCLITIC_AND) and _is_adj(W, norm[i])
        ):
            total += 1
            seen = True
            j = _skip_noun_phrase(ctx, tk, toks, j + 1)
            nxt = _number_at(ctx, tk, toks[j]) if j < n else None
            if nxt is not None and nxt.value == 1:  # "مدني واحد": agreement, not another one
                while j < n and idx[toks[j]] < nxt.end:
                    j += 1
        elif (
            norm[i] in W.PERSON_PLURAL
            and j + 1 < n
            and _number_at(ctx, tk, toks[j + 1]) is not None
        ):
            num = _number_at(ctx, tk, toks[j + 1])  # "متعاقدين اثنين", "جنود ثلاثة"
            total += num.value
            seen = True
            j += 1
            while j < n and idx[toks[j]] < num.end:
                j += 1
            j = _skip_noun_phrase(ctx, tk, toks, j)
        elif norm[i] in W.PERSON_PLURAL or norm[i] in W.lx.UNCOUNTED:
            return None, False
        else:
            break
        while j < n and (norm[toks[j]] in W.lx.COUNT_JOINERS or tk.text[toks[j]] in W.lx.COMMAS):
            j += 1
        if j < n and not (
            _has_proclitic(tk, toks[j], W.lx.PROCLITIC_AND)
            or _number_at(ctx, tk, toks[j])
            or norm[toks[j]] in W.PERSON_NOUN
        ):
            break
    return (total, True) if seen else (None, False)


def _skip_noun_phrase(ctx: ArticleContext, tk: DocTokens, toks: Sequence[int], j: int) -> int:
    """Skip the counted noun, its adjectives and "من عناصر التحالف"."""
    W = word_table(tk.lang)
    n = len(toks)
    norm = tk.norm
    while j < n and (
        norm[toks[j]] in W.PERSON_NOUN
        or norm[toks[j]] in W.PERSON_PLURAL
        or (_is_adj(W, norm[toks[j]]) and not _has_proclitic(tk, toks[j], W.lx.PROCLITIC_AND))
    ):
        j += 1
    if j < n and norm[toks[j]] == W.lx.PREP_FROM:
        j += 1
        while j < n and (
            norm[toks[j]] in W.PERSON_PLURAL
            or norm[toks[j]] in W.PERSON_NOUN
            or _owner(ctx, tk.idx[toks[j]])
            or _is_adj(W, norm[toks[j]])
        ):
            j += 1
    while j < n and _owner(ctx, tk.idx[toks[j]]):
        j += 1
    return j


def _is_adj(W: Words, n: str) -> bool:
    """A NORM that reads as a nisba adjective ("عراقيين", "أمريكي")."""
    return len(n) > 3 and n.endswith(W.lx.NISBA_ENDINGS) and n not in W.PERSON_NOUN


def _owner(ctx: ArticleContext, char: int) -> bool:
    """The mention at character ``char`` names a force, state, coalition or group."""
    m = ctx.mention_at.get(char)  # the first mention (in their order) covering char
    return m is not None and m.entity.cls in ("Coalition", "MilitaryForce", "State", "ArmedGroup")


# --------------------------------------------------------------------------- responsibility


def responsibility(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence
) -> list[Responsibility]:
    """Claims, attributions (with who blames) and 'nobody claimed it' in a clause."""
    W = word_table(tk.lang)
    out: list[Responsibility] = []
    if _phrase_in(W, clause.text(tk), W.lx.NO_CLAIM_PHRASES):
        out.append(Responsibility("noclaim", None, (), ev))
    ms = [
        m
        for m in _mentions_in(ctx, *clause.chars(tk))
        if m.entity.cls in ARMED_ACTORS | {"Organisation"}
    ]
    norm = tk.norm
    for i in range(clause.start, clause.end):
        n = norm[i]
        if n in W.CLAIM:
            window = tk.span_text(max(clause.start, i - 3), i + 1)
            if is_negated(tk, i, clause.start) or _phrase_in(W, window, W.lx.NO_CLAIM_PHRASES):
                continue
            subj = [m for m in ms if abs(m.start - tk.idx[i]) < 40 and m.entity.cls == "ArmedGroup"]
            if subj:
                out.append(Responsibility("claim", subj[0].entity, (), ev))
        elif n == W.lx.BEHIND and i > clause.start and norm[i - 1] in W.BEHIND_VERBS:
            # "قالت وزارة الدفاع إن فصيلاً يدعى X يقف وراء الهجوم": X blamed by the speaker
            before = [m for m in ms if m.end <= tk.idx[i]]
            groups = [m for m in before if m.entity.cls == "ArmedGroup"]
            if groups:
                speakers = [
                    m
                    for m in before
                    if m.end <= groups[-1].start
                    and m.entity.cls in ("State", "Organisation", "MilitaryForce", "Coalition")
                ]
                out.append(
                    Responsibility(
                        "attribution", groups[-1].entity, tuple(m.entity for m in speakers[:1]), ev
                    )
                )
        elif n in W.ATTRIB and n != W.RESPONSIBILITY:
            after = [m for m in ms if m.start > tk.idx[i]]
            before = [m for m in ms if m.end <= tk.idx[i]]
            if n.startswith(W.lx.HOLD_STEMS):
                # "حمّلت كتائب حزب الله المسؤولية": the party is the object; the accuser unnamed.
                # Without "المسؤولية" it is another verb ("تحمل نفس الاسم": bears the name).
                resp_word = W.RESPONSIBILITY
                if not any(norm[k] == resp_word for k in range(i + 1, min(clause.end, i + 8))):
                    continue
                if after:
                    out.append(Responsibility("attribution", after[0].entity, (), ev))
            elif n.startswith(W.lx.ACCUSE_STEMS):
                # "اتهمت كتائب حزب الله الولايات المتحدة بمهاجمة": accuser, then accused
                if len(after) >= 2:
                    out.append(
                        Responsibility("attribution", after[1].entity, (after[0].entity,), ev)
                    )
                elif after and before:
                    out.append(
                        Responsibility("attribution", after[0].entity, (before[-1].entity,), ev)
                    )
            else:
                # "تنسبها واشنطن لكتائب حزب الله": accuser after the verb, party after ل/إلى
                party = None
                for m in after:
                    t = tk.token_at(m.start)
                    if _has_proclitic(tk, t, W.lx.PROCLITIC_TO) or _prev_words(tk, t, 1) == [
                        W.lx.PREP_TO
                    ]:
                        party = m.entity
                        break
                if party is None and after:
                    party = after[-1].entity
                by_m = [m for m in after if m.entity != party][:1] or before[-1:]
                if party is not None:
                    out.append(
                        Responsibility("attribution", party, tuple(m.entity for m in by_m), ev)
                    )
    return out


# --------------------------------------------------------------------------- withdrawals


def withdrawal_type(
    ctx: ArticleContext, tk: DocTokens, clause: Clause
) -> tuple[str, list[int]] | None:
    """The withdrawal type and trigger tokens of a clause, or None."""
    W = word_table(tk.lang)
    folded = W.fold(clause.text(tk))
    redeploy = any(W.fold(p) in folded for p in W.lx.REDEPLOY_PHRASES)
    norm = tk.norm
    trig = [
        i for i in range(clause.start, clause.end) if norm[i] in W.WITHDRAW or norm[i] in W.HANDOVER
    ]
    if not trig and not redeploy:
        return None
    if redeploy and not any(norm[i] in W.HANDOVER for i in trig):
        return "Redeployment", trig or [_phrase_start(tk, clause, W.lx.REDEPLOY_PHRASES)]
    if any(norm[i] in W.HANDOVER for i in trig):
        ms = _mentions_in(ctx, *clause.chars(tk))
        if any(m.entity.cls == "MilitaryBase" for m in ms):
            return "BaseHandover", trig
        if all(norm[i] in W.HANDOVER for i in trig):
            return None  # handing over equipment or a file is not a withdrawal
    return "Withdrawal", trig


def _has_enclitic(tk: DocTokens, i: int) -> bool:
    """Token i ends in a pronoun suffix that its NORM dropped (سلمتها → سلمت)."""
    lang = tk.lang
    raw = lang.fold(tk.text[i])
    norm = tk.norm[i]
    return raw != norm and raw.endswith(lang.lexicon.DROPPED_SUFFIXES) and not raw.endswith(norm)


def _phrase_start(tk: DocTokens, clause: Clause, phrases: Sequence[str]) -> int:
    """Token index where the first of the phrases begins in the clause."""
    W = word_table(tk.lang)
    firsts = {W.strip_definite(W.fold(p.split()[0])) for p in phrases}
    for i in range(clause.start, clause.end):
        if tk.norm[i] in firsts:
            return i
    return clause.start


def withdrawal_subclauses(tk: DocTokens, clause: Clause, trig: list[int]) -> list[Clause]:
    """ "أعلنت فرنسا سحب قواتها، بعد أيام من سحب بريطانيا …، وانسحاب القوات الأميركية من القائم":
    each later trigger after a comma or و starts its own withdrawal."""
    W = word_table(tk.lang)
    cuts = [clause.start]
    text = tk.text
    for i in trig[1:]:
        if _has_enclitic(tk, i):
            continue  # "انسحابها من … وسلمتها إلى …": the same withdrawal, continued
        k = i
        while (
            k > cuts[-1] + 2
            and text[k - 1] not in W.lx.CLAUSE_PUNCTUATION
            and not _has_proclitic(tk, k, W.lx.PROCLITIC_AND)
        ):
            k -= 1
        if k > cuts[-1] + 2 and (
            text[k - 1] in W.lx.CLAUSE_PUNCTUATION or _has_proclitic(tk, k, W.lx.PROCLITIC_AND)
        ):
            cuts.append(k)
    cuts.append(clause.end)
    return [
        Clause(clause.sent, a, b, clause.ordinal)
        for a, b in zip(cuts, cuts[1:], strict=False)
        if b > a
    ]


def _in_destination(tk: DocTokens, t: int, floor: int) -> bool:
    """Token t lies in an "إلى …" phrase that has not been closed by a comma or a verb-like word."""
    W = word_table(tk.lang)
    for k in range(t - 1, max(floor, t - 6) - 1, -1):
        n = tk.norm[k]
        if tk.text[k] in W.lx.DESTINATION_ENDS or n == W.lx.PREP_FROM:
            return False
        if n == W.lx.PREP_TO and k < t - 1:
            return True
    return False


def withdrawal_roles(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, wtype: str, trig: list[int], ev: Evidence
) -> list[list[RoleFiller]]:
    """Roles of a withdrawal; one list per base left, or per state withdrawing.

    من X → the place left; إلى X / لـX → recipient (a force, for a handover) or
    destination (a place); the object of a handover verb is the base handed
    over; "في X" is the place only when nothing says "from". The actor is the
    force, coalition or state named as the one that moves (not the one
    "leading" it: بقيادة/تقوده).
    """
    W = word_table(tk.lang)
    ms = [
        m for m in _mentions_in(ctx, *clause.chars(tk)) if m.entity.cls not in ("Weapon", "Person")
    ]
    actors: list[EntityRef] = []
    recipients: list[EntityRef] = []
    froms: list[EntityRef] = []
    dests: list[EntityRef] = []
    ins: list[EntityRef] = []
    buckets = {"actor": actors, "recipient": recipients, "from": froms, "dest": dests, "in": ins}
    handover_tokens = {i for i in trig if tk.norm[i] in W.HANDOVER}
    prev_m: Mention | None = None
    prev_role: str | None = None
    for m in ms:
        e = m.entity
        t = tk.token_at(m.start)
        prev = _prev_words(tk, t, 2, clause.start)
        if _in_destination(tk, t, clause.start):
            # "إلى مواقع للتحالف في سوريا", "إلى قواعدها في الكويت": all part of where they go
            if e.cls in LOCATION_CLASSES:
                dests.append(e)
            prev_m, prev_role = m, None
            continue
        lam = _has_proclitic(tk, t, W.lx.PROCLITIC_TO) and m.rule != "anaphora:base"
        to = W.lx.PREP_TO in prev[-1:] or lam
        role: str | None
        if (
            _coordinated(tk, ctx.text, m, prev_m)
            and prev_role
            and (e.cls in LOCATION_CLASSES) == (prev_m.entity.cls in LOCATION_CLASSES)
        ):
            role = prev_role
        elif any(
            w in W.LEADERS or w in W.CONNECTIVES for w in prev
        ):  # "بقيادة X", "بالإضافة إلى X"
            role = None
        elif any(w in W.BELONGS for w in prev[-2:]) and e.cls in (
            "Coalition",
            "MilitaryForce",
            "State",
        ):
            role = "actor"  # "قوة تابعة للتحالف": the coalition's force moves
        elif e.cls in LOCATION_CLASSES and (
            prev[-1:] == [W.lx.PREP_FROM]
            or (prev[-2:-1] == [W.lx.PREP_FROM] and prev[-1] in W.BASE_PLURALS | W.BASE_CUE_KEYS)
        ):
            role = "from"
        elif e.cls in ("State", "MilitaryForce", "Coalition") and t - 1 in set(trig):
            role = "actor"  # "سحب بريطانيا عدداً من قواتها": the one who withdraws
        elif (
            to and e.cls in ("MilitaryForce", "Coalition", "ArmedGroup") and wtype == "BaseHandover"
        ):
            role = "recipient"
        elif to and e.cls in LOCATION_CLASSES:
            leaving = any(
                tk.norm[i] in W.LEAVE_VERBS for i in trig
            )  # "مغادرة … للقائم": leaving it
            role = "from" if lam and (leaving or e.cls == "State") and not dests else "dest"
        elif e.cls == "MilitaryBase" and (
            t - 1 in handover_tokens or t - 2 in handover_tokens or m.rule == "anaphora:base"
        ):
            role = "from"
        elif e.cls in LOCATION_CLASSES and any(w in W.LOC_PREPS for w in prev):
            role = "in"
        elif e.cls in ("Coalition", "MilitaryForce", "State", "Organisation"):
            role = "actor"
        elif e.cls == "MilitaryBase":
            role = "from"
        else:
            role = None
        if role:
            buckets[role].append(e)
        prev_m, prev_role = m, role
    actors = [a for a in dict.fromkeys(actors) if a not in recipients and a not in froms]
    if not froms and not actors:
        return []  # "سرعة الانسحاب" in Iraq: no one named moving, nowhere named left
    froms = list(dict.fromkeys(froms or ins))
    locs = most_specific(ctx.gazetteer, [(f, 0) for f in froms], W.NAMESAKE)
    if not locs and not (actors and dests):
        return []  # talk of withdrawal in general: no concrete movement
    tail = [RoleFiller("recipient", r, ev) for r in list(dict.fromkeys(recipients))[:1]]
    tail += [RoleFiller("destination", d, ev) for d in dict.fromkeys(dests)]
    states = [a for a in actors if a.cls == "State"]
    actor_sets = (
        [[a] for a in states] if len(states) > 1 and len(states) == len(actors) else [actors[:1]]
    )
    loc_sets = (
        [[b] for b in locs]
        if len(locs) > 1 and any(b.cls == "MilitaryBase" for b in locs)
        else [locs]
    )
    out = []
    for acts in actor_sets:
        for ls in loc_sets:
            out.append(
                [RoleFiller("actor", a, ev) for a in acts]
                + tail
                + [RoleFiller("location", b, ev) for b in ls]
            )
    return out


def _counted_bases(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> bool:
    """ "3 قواعد", "ثلاث قواعد", "قاعدتين أخريين": withdrawals from a counted set of bases."""
    W = word_table(tk.lang)
    norm = tk.norm
    for i in range(clause.start, clause.end):
        n = norm[i]
        if n not in W.BASE_PLURALS:
            continue
        if (
            n.startswith(W.lx.BASE_DUAL_STEM)
            and i + 1 < clause.end
            and norm[i + 1].startswith(W.lx.BASE_DUAL_NEXT)
        ):
            return True
        if n == W.lx.BASES and (
            _number_before(ctx, tk, i) is not None
            or W.lx.NUMBER in _prev_words(tk, i, 4, clause.start)
        ):
            return True
    return False


def status_of(tk: DocTokens, clause: Clause, category: str, trig: list[int] | None = None) -> str:
    W = word_table(tk.lang)
    norms = set(tk.norm[clause.start : clause.end])
    if category == "attack":
        return "disrupted" if norms & W.DISRUPT else "done"
    # a plan marker governs the withdrawal word it stands before ("من المقرر سحب",
    # "اتفق … على انسحاب", "ستغادر"); one elsewhere in the clause speaks of something else
    i = (trig or [clause.start])[0]
    window = tk.norm[max(clause.start, i - 5) : i + 1]
    return "planned" if any(w in W.PLANNED for w in window) else "done"


# --------------------------------------------------------------------------- main


@dataclass
class _State:
    events: list[EventRecord]
    counter: int = 0

    def add(self, record: EventRecord) -> int:
        self.events.append(replace(record, local_id=f"{record.local_id}#{self.counter}"))
        self.counter += 1
        return len(self.events) - 1


def extract_events(
    ctx: ArticleContext, doc: Doc, *, deadline: float | None = None
) -> list[EventRecord]:
    """Events of one article, in text order, with sentence-level evidence.

    ``deadline`` (a ``time.monotonic()`` value): raise
    :class:`~kg.pipeline.extract.budget.ArticleTimeout` once it has passed (checked per sentence).
    """
    tk = doc_tokens(doc)
    st = _State(events=[])
    last_attack_sentence: list[int] = []
    last_attack_at = -2
    for n_sent, sent in enumerate(tk.sents):
        budget.check(deadline)
        ev_base = Evidence(
            ctx.article, ctx.article_id, sent.start_char, sent.end_char, sent.text, ""
        )
        sent_events: list[int] = []
        aggregate = False
        for clause in split_clauses(tk, sent):
            before = len(sent_events)
            aggregate = _clause_events(ctx, tk, clause, ev_base, st, sent_events) or aggregate
            # responsibility: this clause's attacks, else the attacks reported before it
            # ("وحمّلت كتائب حزب الله المسؤولية، وأعقب ذلك غارات …": the blame is for the
            # attack of the previous sentence, not for the strikes that followed)
            resp = responsibility(ctx, tk, clause, replace(ev_base, rule="responsibility"))
            if not resp:
                continue  # nothing to add to any event
            here = [i for i in sent_events[before:] if st.events[i].category == "attack"]
            earlier = [i for i in sent_events[:before] if st.events[i].category == "attack"]
            previous = (
                last_attack_sentence if last_attack_at == n_sent - 1 and not aggregate else []
            )
            targets = here or earlier or previous
            for i in targets:
                st.events[i] = replace(
                    st.events[i], responsibility=st.events[i].responsibility + tuple(resp)
                )
        attacks_here = [i for i in sent_events if st.events[i].category == "attack"]
        _link_retaliation(ctx, tk, sent, st.events, sent_events, last_attack_sentence)
        _continuation(tk, ctx.text, sent, st.events, attacks_here, last_attack_sentence)
        if attacks_here:
            last_attack_sentence = attacks_here
            last_attack_at = n_sent
    return st.events


def _clause_events(ctx, tk: DocTokens, clause, ev_base, st, sent_events) -> bool:
    """Record the attack or withdrawal events of one clause; True if it is an aggregate."""
    W = word_table(tk.lang)
    if _phrase_in(W, clause.text(tk), W.lx.NOT_EVENT_PHRASES):
        return False
    weapons = [m for m in _mentions_in(ctx, *clause.chars(tk)) if m.entity.cls == "Weapon"]
    trig = attack_triggers(tk, clause, weapons)
    if trig:
        if is_aggregate(ctx, tk, clause, trig):
            return True
        _attack_events(ctx, tk, clause, trig, ev_base, st, sent_events)
        return False
    wd = withdrawal_type(ctx, tk, clause)
    if wd is not None:
        for sub in withdrawal_subclauses(tk, clause, wd[1]):
            sub_type = withdrawal_type(ctx, tk, sub)
            if sub_type is not None:
                _withdrawal_events(ctx, tk, sub, sub_type, ev_base, st, sent_events)
    return False


def _attack_events(
    ctx, tk: DocTokens, clause, trig, ev_base, st: _State, sent_events: list[int]
) -> None:
    W = word_table(tk.lang)
    ev = replace(ev_base, rule="attack:" + tk.norm[trig[0]])
    roles = attack_roles(ctx, tk, clause, ev)
    etype = attack_type(W, roles, ctx, tk.norm[clause.start : clause.end])
    date = clause_date(ctx, tk, clause, trig[0])
    killed, wounded = casualties(ctx, tk, clause)
    cas = (
        (CasualtyReport(killed, wounded, ev),) if killed is not None or wounded is not None else ()
    )
    status = status_of(tk, clause, "attack")
    # a clause that describes attack number k of a dual reported earlier in the sentence
    if clause.ordinal is not None:
        for i in sent_events:
            e = st.events[i]
            if e.category == "attack" and e.ordinal == clause.ordinal:
                st.events[i] = replace(
                    e,
                    date=date or e.date,
                    casualties=e.casualties + cas,
                    roles=tuple(
                        dict.fromkeys(
                            e.roles
                            + tuple(
                                r
                                for r in roles
                                if r.role != "location" or not e.fillers("location")
                            )
                        )
                    ),
                )
                return
    dual = any(
        n.kind == "dual" and tk.idx[i] <= n.start < tk.end[i]
        for i in trig
        if tk.norm[i] in W.ATTACK_NOUN
        for n in ctx.numbers
    )
    span_start, span_end = clause.chars(tk)
    dual = dual or any(
        n.kind == "dual" and span_start <= n.start < span_end and _dual_target(W, ctx, n)
        for n in ctx.numbers
    )
    count = 2 if dual else 1
    places = [r for r in roles if r.role == "location"]
    for k in range(count):
        rs = roles
        if count == 2 and len(places) == 2:
            rs = [r for r in roles if r.role != "location" and r.entity != places[1 - k].entity] + [
                places[k]
            ]
        ordinal = k + 1 if count == 2 else clause.ordinal
        # a dual's casualties and date belong to the attack its clause names, if any
        own = count == 1 or (clause.ordinal == ordinal)
        shared_date = own or clause.ordinal is None  # "تعرض رتلان الأحد لهجومين": both that day
        i = st.add(
            EventRecord(
                local_id=ctx.article_id,
                category="attack",
                type=etype,
                status=status,
                date=date if shared_date else None,
                roles=tuple(rs),
                responsibility=(),
                casualties=cas if own else (),
                sources=(ev,),
                ordinal=ordinal,
            )
        )
        sent_events.append(i)


def _dual_target(W: Words, ctx: ArticleContext, n: NumberSpan) -> bool:
    """ "استهداف رتلين": two targets struck by one verb are two attacks."""
    word = W.fold(ctx.text[n.start : n.end]).split()[-1]
    return any(word.startswith(h) for h in W.lx.DUAL_TARGET_STEMS)


def _withdrawal_events(
    ctx, tk: DocTokens, clause, wd, ev_base, st: _State, sent_events: list[int]
) -> None:
    W = word_table(tk.lang)
    wtype, trig = wd
    if _counted_bases(ctx, tk, clause) or _phrase_in(W, clause.text(tk), W.lx.WITHDRAWAL_NOT_EVENT):
        return  # "الانسحاب من 3 قواعد": a programme of several withdrawals; demands and votes
    ev = replace(ev_base, rule="withdrawal:" + wtype)
    status = status_of(tk, clause, "withdrawal", trig)
    date = clause_date(ctx, tk, clause, trig[0], planned=status == "planned", category="withdrawal")
    same_as: tuple[str, ...] = ()
    first = trig[0] if trig else None
    if first is not None and _definite_after_proclitics(W, tk.text[first]):
        # "وشملت القوات المنسحبة …": the withdrawal just reported, described further
        previous = [e for e in st.events if e.category == "withdrawal"]
        if previous and tk.idx[first] - previous[-1].sources[0].end < 1500:
            same_as = (previous[-1].local_id,)
    rolesets = withdrawal_roles(ctx, tk, clause, wtype, trig, ev)
    if not rolesets and same_as:
        rolesets = [[]]
    for rs in rolesets:
        i = st.add(
            EventRecord(
                local_id=ctx.article_id,
                category="withdrawal",
                type=wtype,
                status=status,
                date=date,
                roles=tuple(rs),
                responsibility=(),
                casualties=(),
                sources=(ev,),
                same_as=same_as
                if not any(r.role == "location" and r.entity.cls == "MilitaryBase" for r in rs)
                else (),
            )
        )
        sent_events.append(i)


def _link_retaliation(ctx, tk: DocTokens, sent, events, sent_events, last_attack_sentence) -> None:
    """'ردا على', 'ردت واشنطن', 'الهجوم الانتقامي', 'أعقب ذلك', 'كان سببا في'.

    A reference "الهجوم الأول للتاجي" also tells where that attack was: the
    place is added to the attack it names (and to its dual sibling that has none).
    """
    W = word_table(tk.lang)
    text = W.fold(sent.text)
    attacks = [i for i in sent_events if events[i].category == "attack"]
    if not attacks:
        return
    if any(W.fold(p) in text for p in W.lx.CAUSE_PHRASES) and len(attacks) >= 2:
        cause, effect = attacks[0], attacks[-1]
        events[effect] = replace(
            events[effect],
            retaliation_for=tuple(
                dict.fromkeys(events[effect].retaliation_for + (events[cause].local_id,))
            ),
        )
        return
    words = set((text.replace(W.lx.COMMA, " ") if W.lx.COMMA else text).split())
    reply = bool(words & W.REPLY_WORDS) or any(W.fold(p) in text for p in W.lx.REPLY_PHRASES)
    if not reply:
        return
    answered: list[int] = []
    for i in range(sent.start, sent.end):
        ordn = _ordinal_after(tk, i, sent.end)
        if ordn is None or not _is_reference(tk, i, sent.start):
            continue
        at = tk.idx[i]
        answered = [
            k
            for k in range(len(events))
            if k not in sent_events and events[k].category == "attack" and events[k].ordinal == ordn
        ][-1:]
        place = next(
            (
                m
                for m in ctx.mentions
                if at < m.start <= at + 25 and m.entity.cls in ("MilitaryBase", "Place")
            ),
            None,
        )
        if answered and place is not None:
            _add_place(
                events,
                answered[0],
                place.entity,
                Evidence(
                    ctx.article,
                    ctx.article_id,
                    sent.start_char,
                    sent.end_char,
                    sent.text,
                    "reference:ordinal",
                ),
            )
        break
    if not answered:
        if _replies_to_series(tk, sent):
            return  # "ردا على هجمات …": an answer to a campaign, not to one event
        answered = [i for i in last_attack_sentence if i not in sent_events]
    if not answered:
        return
    ids = tuple(events[a].local_id for a in answered)
    for i in attacks:
        events[i] = replace(
            events[i], retaliation_for=tuple(dict.fromkeys(events[i].retaliation_for + ids))
        )


def _replies_to_series(tk: DocTokens, sent: Sentence) -> bool:
    W = word_table(tk.lang)
    for i in range(sent.start, sent.end):
        if (
            tk.norm[i] in W.ATTACK_PLURAL
            and _is_reference(tk, i, sent.start)
            and not _definite_after_proclitics(W, tk.text[i])
        ):
            return True
    return False


def _add_place(events: list[EventRecord], i: int, place: EntityRef, ev: Evidence) -> None:
    """Give attack i (and its dual sibling without a place) the place named for it."""
    src = events[i].sources[0]
    for k, e in enumerate(events):
        if (k == i or (e.sources[0] == src and e.category == "attack")) and all(
            loc.cls == "State" for loc in e.fillers("location")
        ):
            roles = (RoleFiller("location", place, ev),)
            e = replace(e, roles=tuple(r for r in e.roles if r.role != "location"))
            if place.cls == "MilitaryBase":
                roles += (RoleFiller("target", place, ev),)
            events[k] = replace(e, roles=e.roles + roles)


def _continuation(tk: DocTokens, text, sent, events, attacks_here, last_attack_sentence) -> None:
    """ "واستهدف الصاروخان …", "وطال القصف الأميركي …": a definite mention of the attack
    just reported continues it (same event), unless it is "new", "another" or retaliatory."""
    W = word_table(tk.lang)
    if len(attacks_here) != 1 or len(last_attack_sentence) != 1:
        return
    cur = events[attacks_here[0]]
    prev = events[last_attack_sentence[0]]
    if cur.retaliation_for:
        return
    # only the sentence right before, and only if the dates do not disagree
    gap = text[prev.sources[0].end : sent.start_char]
    if len(segment_gap := gap.strip()) > 0 and any(ch.isalpha() for ch in segment_gap):
        return
    if cur.date and prev.date and cur.date.earliest and prev.date.earliest:
        if cur.date.latest < prev.date.earliest or prev.date.latest < cur.date.earliest:
            if (
                abs(
                    (
                        dt.date.fromisoformat(cur.date.earliest)
                        - dt.date.fromisoformat(prev.date.earliest)
                    ).days
                )
                > 1
            ):
                return
    definite = False
    norm = tk.norm
    for i in range(sent.start, sent.end):
        raw = W.fold(tk.text[i])
        core = raw.lstrip(W.lx.CONJUNCTIONS)
        if (
            norm[i] in W.ATTACK_NOUN
            or norm[i] in W.STRIKE_NOUNS
            or norm[i].startswith(W.lx.ROCKET_STEMS)
        ) and _starts_definite(W, core):
            nxt = norm[i + 1] if i + 1 < sent.end else ""
            if nxt not in W.NEW_EVENT_ADJ and W.ORDINAL_WORDS.get(nxt) is None:
                definite = True
            break
    if not definite:
        return
    bases_cur = {
        r.entity for r in cur.roles if r.role == "location" and r.entity.cls == "MilitaryBase"
    }
    bases_prev = {
        r.entity for r in prev.roles if r.role == "location" and r.entity.cls == "MilitaryBase"
    }
    if bases_cur and bases_prev and not (bases_cur & bases_prev):
        return
    events[attacks_here[0]] = replace(cur, same_as=cur.same_as + (prev.local_id,))
