"""Who claims an attack, who is blamed and by whom, who denies it, and that nobody claimed it.

Responsibility is never an attacker (ANNOTATION.md): a claim, an attribution with
its accuser, a denial, or a statement that no one claimed it. Each is read from the
frame of one verb in the clause, with its scope:

- a claim: a verb of adopting ("تبنت X الهجوم", "أعلنت X مسؤوليتها", the claimant
  before or after, or named by a self-naming phrase), or an announcement of the
  deed by the actor itself or its spokesman ("أكد الحرس الثوري استهداف …",
  "أعلن المتحدث باسم X استهداف …", "قالت X إنها استهدفت …") when the announcer
  is not the attacked side (a force stationed at the base, the state it lies in);
- an attribution: "تنسبها واشنطن لـX", "حمّلت واشنطن X المسؤولية", "اتهم X Y
  بالوقوف وراء …", "ألقت واشنطن اللوم على X", "… إن X يقف وراء الهجوم"; a negated
  one blames nobody ("لم يحمّل الجيش أي جهة المسؤولية"), and a habit or standing
  accusation ("هجمات غالباً ما تنسبها واشنطن إلى …") is not about this event;
- a denial: "نفت X أي صلة بالهجوم", "نفى المتحدث باسم X مسؤولية …", "تبرأت X من
  الهجوم": the denier's own statement, never a claim or an attribution;
- no claim: "لم يتبنها أي طرف".

A spokesman speaks for his group: the party of "المتحدث باسم X" is X. A bare "الجماعة"
/ "الحركة" as the subject is the last armed group the article named before it.
"""

from __future__ import annotations

import bisect
import functools

import kg.lang as kglang
from kg.pipeline.extract.context import (
    ARMED_ACTORS,
    ArticleContext,
    Clause,
    coordinated,
    definite_after_proclitics,
    has_proclitic,
    is_negated,
    mentions_in,
    prev_words,
    word_table,
)
from kg.pipeline.extract.records import (
    EntityRef,
    Evidence,
    Mention,
    Responsibility,
)
from kg.pipeline.nlp.tokens import DocTokens

PARTY_CLASSES = ARMED_ACTORS | {"Organisation", "Person"}
"""Who may claim, deny, blame or be blamed."""
_SUBJECT_SPAN = 10  # tokens from a verb to the object it governs
_HABIT_SPAN = 3  # tokens between a habit word and the verb it governs


class _Keys:
    """The NORM keys of the lexicon lists this module reads (compiled once per language)."""

    def __init__(self, lang: kglang.Language):
        lx, K = lang.lexicon, lang.keys
        self.deny = K(lx.DENIAL_VERBS)
        self.deny_object = K(lx.DENIAL_OBJECTS)
        self.disown = K(lx.DISOWN_VERBS)
        self.announce = K(lx.ANNOUNCE_VERBS)
        self.deeds = K(lx.CLAIMED_DEEDS)
        self.that_it = K(lx.THAT_IT)
        self.blame = K(lx.BLAME_VERBS)
        self.blame_noun = K(lx.BLAME_NOUNS)
        self.habit = K(lx.HABIT_WORDS) | K(lx.FREQUENCY_WORDS)
        self.any_party = K(lx.ANY_PARTY)
        self.no = K(lx.PLAIN_NEGATION)
        self.claim_forms = K(lx.CLAIM_FORMS)
        W = word_table(lang)
        self.claims = W.CLAIM | self.claim_forms
        # every word a frame of this module starts at: a clause without one says nothing
        self.frames = (
            self.claims
            | self.announce
            | self.deny
            | self.disown
            | self.blame
            | W.ATTRIB
            | {lx.BEHIND}
        )
        self.without = K(lx.OUTCOME_NEGATION)
        self.group_cues = K(lx.GROUP_CUES)
        self.speech = K(lx.SPEECH_NOUNS)


@functools.lru_cache(maxsize=8)
def _keys(lang: kglang.Language) -> _Keys:
    return _Keys(lang)


def responsibility(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence
) -> list[Responsibility]:
    """Claims, attributions (with who blames), denials and 'nobody claimed it' in a clause."""
    return list(dict.fromkeys(r for r, _m in _read(ctx, tk, clause, ev)))


def party_mentions(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence
) -> set[tuple[int, int]]:
    """(start, end) of each mention of the clause that names a claimant, an accused or a
    denier: such a mention is said to be responsible, neither a target of the clause's
    attack nor its attacker as a fact."""
    return {(m.start, m.end) for _r, m in _read(ctx, tk, clause, ev) if m is not None}


_Party = tuple[EntityRef, Mention | None]
"""A party, and the mention of the clause that names it (None: named elsewhere)."""
_Found = tuple[Responsibility, Mention | None]


def _read(ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence) -> list[_Found]:
    W = word_table(tk.lang)
    R = _keys(tk.lang)
    out: list[_Found] = []
    if not any(n in R.frames for n in tk.norm[clause.start : clause.end]):
        return out  # no word of claiming, blaming or denying
    if any(_unclaimed(tk, clause, i) for i in range(clause.start, clause.end)):
        out.append((Responsibility("noclaim", None, (), ev), None))
    ms = _Mentions(m for m in mentions_in(ctx, *clause.chars(tk)) if m.entity.cls in PARTY_CLASSES)
    norm = tk.norm
    denied: set[int] = set()  # tokens a denial governs: "نفت … مسؤوليتها" is no claim
    for i in range(clause.start, clause.end):
        n = norm[i]
        if (n in R.deny or n in R.disown) and not is_negated(tk, i, clause.start):
            if n in R.disown:
                obj = i
            else:
                obj = next(
                    (
                        k
                        for k in range(i + 1, min(clause.end, i + _SUBJECT_SPAN))
                        if norm[k] in R.deny_object
                    ),
                    None,
                )
            if obj is None:
                continue
            party = _speaker(ctx, tk, clause, ms, i, obj if obj > i else _span_end(tk, clause, i))
            denied.update(range(i, obj + 1))
            if party is not None:
                out.append((Responsibility("denial", party[0], (), ev), party[1]))
    for i in range(clause.start, clause.end):
        if i in denied:
            continue
        n = norm[i]
        party = None
        if n in W.CLAIM or n in R.claim_forms:
            if _unclaimed(tk, clause, i) or is_negated(tk, i, clause.start):
                continue
            party = _claimant(ctx, tk, clause, ms, i)
        elif n in R.announce:
            if _unclaimed(tk, clause, i):
                continue
            party = _announced_claim(ctx, tk, clause, ms, i)
        elif _habit(tk, clause, i) or _negated(tk, clause, i):
            continue  # a standing accusation, or one that blames nobody
        elif n in R.blame:
            out.extend(_blame(ctx, tk, clause, ms, i, ev))
        elif n == W.lx.BEHIND and i > clause.start and norm[i - 1] in W.BEHIND_VERBS:
            # "قالت وزارة الدفاع إن فصيلاً يدعى X يقف وراء الهجوم": X blamed by the speaker
            if _negated(tk, clause, i - 1) or _habit(tk, clause, i - 1):
                continue  # "… لا تقف وراء الهجوم"
            before = [m for m in _near(ms, tk.idx[i]) if m.end <= tk.idx[i]]
            groups = [m for m in before if m.entity.cls == "ArmedGroup"]
            if groups:
                speakers = [
                    m
                    for m in before
                    if m.end <= groups[-1].start
                    and m.entity.cls in ("State", "Organisation", "MilitaryForce", "Coalition")
                ]
                by = tuple(m.entity for m in speakers[:1])
                out.append((Responsibility("attribution", groups[-1].entity, by, ev), groups[-1]))
        elif n in W.ATTRIB and n != W.RESPONSIBILITY:
            out.extend(_attribution(ctx, tk, clause, ms, i, ev))
        if party is not None:
            out.append((Responsibility("claim", party[0], (), ev), party[1]))
    return out


# --------------------------------------------------------------------------- attributions


def _attribution(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ms: list[Mention], i: int, ev: Evidence
) -> list[_Found]:
    """The attribution of a verb of blaming at token i (its negation and habits excluded)."""
    W = word_table(tk.lang)
    R = _keys(tk.lang)
    norm = tk.norm
    n = norm[i]
    ms = _near(ms, tk.idx[i])
    after = [m for m in ms if m.start > tk.idx[i]]
    before = [m for m in ms if m.end <= tk.idx[i]]
    accused: Mention | None = None
    by: list[Mention] = []
    if n.startswith(W.lx.HOLD_STEMS):
        # "حمّلت واشنطن كتائب حزب الله المسؤولية": the accuser, then the accused (the accuser
        # may be unnamed, or before the verb). Without "المسؤولية" it is another verb
        # ("تحمل نفس الاسم": bears the name).
        resp = next(
            (k for k in range(i + 1, min(clause.end, i + 8)) if norm[k] == W.RESPONSIBILITY), None
        )
        if resp is None or any(norm[k] in R.any_party for k in range(i + 1, resp)):
            return []  # "… أي جهة المسؤولية": nobody is blamed
        between = [m for m in after if m.end <= tk.idx[resp]]
        if len(between) >= 2:
            accused, by = between[1], between[:1]
        elif between or after:
            accused, by = (between or after)[0], before[-1:]
        else:
            # "وحمّلت الكتائب المسؤولية": the group named before
            party = _anaphor(ctx, tk, clause, i, resp)
            if party is None:
                return []
            return [(Responsibility("attribution", party[0], (), ev), None)]
    elif n.startswith(W.lx.ACCUSE_STEMS):
        # "اتهمت كتائب حزب الله الولايات المتحدة بمهاجمة": accuser, then accused; "اتُّهمت X
        # بالوقوف وراء …": the accuser unnamed
        if len(after) >= 2:
            accused, by = after[1], after[:1]
        elif after:
            accused, by = after[0], before[-1:]
    else:
        # "تنسبها واشنطن لكتائب حزب الله": accuser after the verb, party after ل/إلى
        for m in after:
            t = tk.token_at(m.start)
            if has_proclitic(tk, t, W.lx.PROCLITIC_TO) or prev_words(tk, t, 1) == [W.lx.PREP_TO]:
                accused = m
                break
        if accused is None and after:
            accused = after[-1]
        if accused is not None:
            by = [m for m in after if m.entity != accused.entity][:1] or before[-1:]
    if accused is None:
        return []
    accusers = tuple(m.entity for m in by)
    return [
        (Responsibility("attribution", m.entity, accusers, ev), m)
        for m in _with_coordinated(ctx, tk, ms, accused)
    ]


def _blame(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ms: list[Mention], i: int, ev: Evidence
) -> list[_Found]:
    """ "ألقت واشنطن اللوم على X في الهجوم": X blamed, by the subject (after or before the verb)."""
    R = _keys(tk.lang)
    noun = next(
        (k for k in range(i + 1, min(clause.end, i + 6)) if tk.norm[k] in R.blame_noun), None
    )
    if noun is None:
        return []
    ms = _near(ms, tk.idx[i])
    after = [m for m in ms if m.start >= tk.end[noun]]
    if not after or any(
        tk.norm[k] in R.any_party for k in range(noun + 1, tk.token_at(after[0].start))
    ):
        return []
    accusers = [m for m in ms if tk.idx[i] < m.start and m.end <= tk.idx[noun]] or [
        m for m in ms if m.end <= tk.idx[i]
    ][-1:]
    by = tuple(m.entity for m in accusers[:1])
    return [
        (Responsibility("attribution", m.entity, by, ev), m)
        for m in _with_coordinated(ctx, tk, ms, after[0])
    ]


def _with_coordinated(
    ctx: ArticleContext, tk: DocTokens, ms: list[Mention], first: Mention
) -> list[Mention]:
    """A blamed party and the ones joined to it ("على X وY")."""
    out = [first]
    for m in ms:
        if m.start > out[-1].start and coordinated(tk, ctx.text, m, out[-1]):
            out.append(m)
        elif m.start > out[-1].end:
            break
    return out


def _unclaimed(tk: DocTokens, clause: Clause, i: int) -> bool:
    """Token i says that nobody claimed it: a negated claim word ("لم يتبنها أي طرف",
    "بدون أن تتبنى الهجوم", "لم تعلن أي جهة مسؤوليتها"), or a negated announcement by
    "any party" ("لم يعلن أي طرف")."""
    W = word_table(tk.lang)
    R = _keys(tk.lang)
    n = tk.norm[i]
    if n not in R.claims and n not in R.announce:
        return False
    prev = prev_words(tk, i, 2, clause.start)
    if n in R.announce:
        nxt = tk.norm[i + 1] if i + 1 < clause.end else None
        return bool(prev) and prev[-1] in W.NEG and nxt in R.any_party
    if not (n in W.CLAIM or n in R.claim_forms):
        return False
    if prev and prev[-1] in W.NEG:
        return True  # "لم يتبنها"
    if len(prev) == 2 and prev[-1] in W.THAT and prev[-2] in R.without:
        return True  # "بدون أن تتبنى"
    # "لم تعلن أي جهة مسؤوليتها": the announcing verb before the claim word is negated
    for k in range(i - 1, max(clause.start, i - 4) - 1, -1):
        if tk.norm[k] in R.announce:
            return k > clause.start and tk.norm[k - 1] in W.NEG
    return False


def _negated(tk: DocTokens, clause: Clause, i: int) -> bool:
    """The verb at i is negated: "لم يحمّل", "لا تقف"."""
    R = _keys(tk.lang)
    return is_negated(tk, i, clause.start) or (i > clause.start and tk.norm[i - 1] in R.no)


def _habit(tk: DocTokens, clause: Clause, i: int) -> bool:
    """A habit word governs the verb at i: "غالباً ما تنسبها", "عادة ما تتهم", "تتهم عادة",
    "يتهم باستمرار"."""
    R = _keys(tk.lang)
    window = tk.norm[max(clause.start, i - _HABIT_SPAN) : min(clause.end, i + 2)]
    return any(w in R.habit for w in window)


# --------------------------------------------------------------------------- claims


def _claimant(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ms: list[Mention], i: int
) -> _Party | None:
    """Who adopts the attack at the claim word i: a group named by a self-naming phrase
    ("جماعة تطلق على نفسها X"), else the armed group nearest to the word (not one after
    على/ضد or one that backs another), else an armed actor right beside the verb, else the
    group a bare "الجماعة" points back to."""
    W = word_table(tk.lang)
    if isinstance(ms, _Mentions):
        ok = _near(ms.parties(tk, clause), tk.idx[i])
    else:
        ok = [m for m in _near(ms, tk.idx[i]) if not _not_a_party(tk, clause, m)]
    named = [
        m
        for m in ok
        if m.entity.cls == "ArmedGroup"
        and any(
            w in W.SELF_NAME_WORDS for w in prev_words(tk, tk.token_at(m.start), 3, clause.start)
        )
    ]
    if named:
        return named[0].entity, named[0]
    at = tk.idx[i]
    groups = [m for m in ok if m.entity.cls == "ArmedGroup" and _distance(m, at, tk.end[i]) < 40]
    if groups:
        m = min(groups, key=lambda m: _distance(m, at, tk.end[i]))
        return m.entity, m
    beside = [m for m in ok if m.entity.cls in ARMED_ACTORS and _distance(m, at, tk.end[i]) < 20]
    if beside:
        m = min(beside, key=lambda m: _distance(m, at, tk.end[i]))
        return m.entity, m
    return _anaphor(ctx, tk, clause, i, min(clause.end, i + 4))


def _announced_claim(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ms: list[Mention], i: int
) -> _Party | None:
    """ "أكد الحرس الثوري استهداف …", "أعلن المتحدث باسم X قصف …", "قالت X إنها استهدفت …":
    the announcer claims the deed, unless it is the attacked side."""
    W = word_table(tk.lang)
    R = _keys(tk.lang)
    if is_negated(tk, i, clause.start):
        return None
    norm = tk.norm
    deed = None
    for k in range(i + 1, min(clause.end, i + _SUBJECT_SPAN)):
        if norm[k] in R.deeds and not any(norm[j] in R.that_it for j in range(i + 1, k)):
            deed = k
            break
        if (
            norm[k] in R.that_it
            and k + 1 < clause.end
            and norm[k + 1] in W.ATTACK_VERB
            and norm[k + 1] not in W.UNDERGO
        ):
            deed = k
            break
        if norm[k] in W.THAT:
            return None  # "أعلن … أن قاعدة بلد تعرضت": a report, not a claim
    if deed is None:
        return None
    party = _speaker(ctx, tk, clause, ms, i, deed)
    if party is None or party[0].cls not in ARMED_ACTORS:
        return None
    if party[0].cls != "ArmedGroup" and _attacked_side(
        ctx, party[0], tk.end[deed], tk.end[clause.end - 1]
    ):
        return None
    return party


def _attacked_side(ctx: ArticleContext, party: EntityRef, start: int, end: int) -> bool:
    """The announcer is the side that was attacked: the base or force named after the deed
    is its own (it or what it belongs to is stationed there, or it lies in its state).
    ``start``, ``end``: the characters after the deed, to the clause's end."""
    gaz = ctx.gazetteer
    mine = gaz.ancestors(party.iri)
    stationed = {b for a in mine for b in gaz.related(a, "stationedAt")}
    states = [a for a in mine if (e := gaz.by_iri.get(a)) is not None and e.cls == "State"]
    for m in mentions_in(ctx, start, end):
        iri = m.entity.iri
        if iri in mine or iri in stationed or any(gaz.contains(s, iri) for s in states):
            return True
        if m.entity.cls in ARMED_ACTORS and mine & gaz.ancestors(iri):
            return True
    return False


# --------------------------------------------------------------------------- who speaks


def _speaker(
    ctx: ArticleContext,
    tk: DocTokens,
    clause: Clause,
    ms: list[Mention],
    verb: int,
    obj: int,
) -> _Party | None:
    """The subject of the verb at token ``verb`` whose object starts at token ``obj``:
    an actor named between them ("نفت كتائب حزب الله أي صلة", "أعلن المتحدث باسم X
    استهداف": the group, not its spokesman), else one just before the verb ("X تنفي"),
    else the group a bare "الجماعة" there points back to."""
    lo, hi = tk.end[verb], tk.idx[obj] if obj > verb else tk.end[obj]
    ms = _near(ms, tk.idx[verb])
    between = [m for m in ms if lo <= m.start and m.end <= hi and not _not_a_party(tk, clause, m)]
    actors = [m for m in between if m.entity.cls != "Person"]
    if actors:
        return actors[0].entity, actors[0]
    if between:
        return _person_party(ctx, between[0].entity), between[0]
    before = [
        m
        for m in ms
        if m.end <= tk.idx[verb]
        and tk.token_at(m.start) >= verb - 5
        and m.entity.cls in ARMED_ACTORS | {"Organisation"}
    ]
    if before:
        return before[-1].entity, before[-1]
    return _anaphor(ctx, tk, clause, verb, obj)


def _person_party(ctx: ArticleContext, person: EntityRef) -> EntityRef:
    """A spokesman or leader known to the gazetteer speaks for his group."""
    gaz = ctx.gazetteer
    for relation in ("spokespersonOf", "leaderOf"):
        for iri in gaz.related(person.iri, relation):
            e = gaz.by_iri.get(iri)
            if e is not None and e.cls in ARMED_ACTORS:
                return EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return person


def _anaphor(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, verb: int, end: int
) -> _Party | None:
    """ "نفت الجماعة …", "الحركة نفت …": a definite group word without a name, right after
    the verb (before ``end``) or just before it, is the last armed group the article named
    before it."""
    W = word_table(tk.lang)
    R = _keys(tk.lang)
    after = range(verb + 1, min(end, verb + 4, clause.end))
    before = range(verb - 1, max(clause.start, verb - 3) - 1, -1)
    for k in [*after, *before]:
        if tk.norm[k] in R.group_cues and definite_after_proclitics(W, tk.text[k]):
            if ctx.mention_at.get(tk.idx[k]) is not None:
                return None  # named: it is a mention, not a pointer back
            last = _last_group_before(ctx, tk.idx[k])
            return (last.entity, None) if last is not None else None
    return None


def _last_group_before(ctx: ArticleContext, char: int) -> Mention | None:
    """The last armed group the article names before character ``char`` (among the
    ``_BACK_MENTIONS`` mentions before it: a pointer back reaches a few sentences)."""
    ms = ctx.mentions
    k = bisect.bisect_left(ms, char, key=lambda m: m.start)
    for m in reversed(ms[max(0, k - _BACK_MENTIONS) : k]):
        if m.end <= char and m.entity.cls == "ArmedGroup":
            return m
    return None


_BACK_MENTIONS = 200
_NEAR_CHARS = 300
"""How far from a claim word its claimant may be named: a self-naming phrase or a group
beside the verb is within a few words; the bound keeps a clause of thousands of claims
(a pathological text with no sentence end) linear."""


class _Mentions(list):
    """The party mentions of a clause, in text order, with their start offsets for bisecting."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.starts = [m.start for m in self]
        self._parties: _Mentions | None = None

    def parties(self, tk: DocTokens, clause: Clause) -> _Mentions:
        """Those that can be a party (not a target after على/ضد, not a backer), once."""
        if self._parties is None:
            self._parties = _Mentions(m for m in self if not _not_a_party(tk, clause, m))
        return self._parties


def _near(ms: list[Mention], at: int, span: int = _NEAR_CHARS) -> list[Mention]:
    """The mentions (in text order) that start within ``span`` characters of ``at``."""
    starts = ms.starts if isinstance(ms, _Mentions) else [m.start for m in ms]
    lo = bisect.bisect_left(starts, at - span)
    hi = bisect.bisect_right(starts, at + span)
    return ms[lo:hi]


def _not_a_party(tk: DocTokens, clause: Clause, m: Mention) -> bool:
    """A mention after على/ضد (a target) or after a word of backing ("الموالية لإيران")."""
    W = word_table(tk.lang)
    prev = prev_words(tk, tk.token_at(m.start), 2, clause.start)
    return bool(prev) and (prev[-1] in W.lx.AGAINST or any(w in W.LEADS for w in prev))


def _span_end(tk: DocTokens, clause: Clause, i: int) -> int:
    """The token that ends the subject of a verb with no object word (a disowning verb):
    the first preposition after it, or the window's end."""
    W = word_table(tk.lang)
    for k in range(i + 1, min(clause.end, i + _SUBJECT_SPAN)):
        if tk.norm[k] == W.lx.PREP_FROM:
            return k
    return min(clause.end, i + _SUBJECT_SPAN) - 1


def _distance(m: Mention, start: int, end: int) -> int:
    """Characters between a mention and the span [start, end)."""
    if m.end <= start:
        return start - m.end
    if m.start >= end:
        return m.start - end
    return 0
