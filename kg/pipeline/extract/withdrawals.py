"""Withdrawal reports: withdrawals, handovers and redeployments, with actor, place left,
recipient and destination, planned or done."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import kg.lang as kglang
from kg.pipeline.extract.context import (
    LOCATION_CLASSES,
    ArticleContext,
    Clause,
    EventList,
    coordinated,
    definite_after_proclitics,
    has_proclitic,
    mentions_in,
    most_specific,
    number_before,
    prev_words,
    word_table,
)
from kg.pipeline.extract.dating import (
    clause_date,
)
from kg.pipeline.extract.records import (
    EntityRef,
    EventRecord,
    Evidence,
    Mention,
    RoleFiller,
)
from kg.pipeline.nlp.tokens import DocTokens


@dataclass(frozen=True)
class _PlanWords:
    """The NORM keys of the lexicon's lists of plans, completion and talk about a
    withdrawal (kg/lang/ar/lexicon.py, "dates, plans, withdrawals"); a language without
    them has empty sets, and its withdrawals are read without these rules."""

    verbal_nouns: frozenset[str]
    past_verbs: frozenset[str]
    plan: frozenset[str]
    announce: frozenset[str]
    done: frozenset[str]
    future_after: frozenset[str]
    talk: frozenset[str]
    opinion: frozenset[str]
    conditionals: frozenset[str]
    conditional_nouns: frozenset[str]
    redeploy_verbs: frozenset[str]
    redeploy_nouns: frozenset[str]


@functools.lru_cache(maxsize=8)
def _plan_words(lang: kglang.Language) -> _PlanWords:
    lx = lang.lexicon

    def keys(name: str) -> frozenset[str]:
        return lang.keys(getattr(lx, name, ()))

    return _PlanWords(
        verbal_nouns=keys("WITHDRAWAL_VERBAL_NOUNS"),
        past_verbs=keys("WITHDRAWAL_PAST_VERBS"),
        plan=keys("PLANNED_MARKERS") | keys("WITHDRAWAL_PLAN_WORDS"),
        announce=keys("ANNOUNCE_WORDS"),
        done=keys("WITHDRAWAL_DONE_WORDS"),
        future_after=keys("FUTURE_AFTER_WORDS"),
        talk=keys("WITHDRAWAL_TALK_WORDS"),
        opinion=keys("OPINION_WORDS"),
        conditionals=keys("WITHDRAWAL_CONDITIONALS"),
        conditional_nouns=keys("WITHDRAWAL_CONDITIONAL_NOUNS"),
        redeploy_verbs=keys("REDEPLOY_VERBS"),
        redeploy_nouns=keys("REDEPLOY_NOUNS"),
    )


_GOVERNING = 8
"""How many words before a withdrawal word may govern it (a plan, a demand, talk)."""


def _word(tk: DocTokens, k: int) -> str | frozenset[str]:
    """Token k as these rules compare it: its NORM, and its readings without a proclitic
    ("وطالبت", "وأعلنت"): NORM strips one only onto words of the shared lexicon, and
    these lists stay out of it, so that adding them changes no other rule's NORMs."""
    lang = tk.lang
    norm = tk.norm[k]
    variants = lang.clitic_variants(tk.folded[k])
    if len(variants) == 1:
        return norm
    return frozenset({norm, *(lang.strip_definite(v) for v in variants)})


def _has(words: Sequence[str | frozenset[str]], keys: frozenset[str]) -> bool:
    return any((w in keys) if isinstance(w, str) else not w.isdisjoint(keys) for w in words)


def _is(w: str | frozenset[str], keys: frozenset[str]) -> bool:
    return _has((w,), keys)


def _governing_words(
    tk: DocTokens, clause: Clause, i: int, n: int = _GOVERNING
) -> list[str | frozenset[str]]:
    """Up to ``n`` words before token i in its clause, after the last comma or semicolon
    (as :func:`_word` reads them): the words that can govern it ("اتفق العراق مع
    الولايات المتحدة على انسحاب")."""
    W = word_table(tk.lang)
    start = max(clause.start, i - n)
    for k in range(i - 1, start - 1, -1):
        if tk.text[k] in W.lx.CLAUSE_PUNCTUATION:
            start = k + 1
            break
    return [_word(tk, k) for k in range(start, i)]


def _after_words(tk: DocTokens, clause: Clause, i: int) -> list[str | frozenset[str]]:
    """The words after token i in its clause, up to the next comma or semicolon or a new
    predicate joined by و ("تبدأ الانسحاب من القاعدة وتعد بإنهاء وجودها بحلول …": the
    deadline is the promise's); "والبريطانية", a definite word after و, continues."""
    W = word_table(tk.lang)
    out = []
    for k in range(i + 1, clause.end):
        if tk.text[k] in W.lx.CLAUSE_PUNCTUATION:
            break
        if has_proclitic(tk, k, W.lx.PROCLITIC_AND) and not definite_after_proclitics(
            W, tk.text[k]
        ):
            break
        out.append(_word(tk, k))
    return out


def _conditional(P: _PlanWords, W, before: list[str | frozenset[str]]) -> bool:
    """A conditional governs the withdrawal word ("إذا انسحبت …", "في حال خروج …"); a
    conditional noun only after في ("في حال")."""
    nouns = P.conditional_nouns
    for k, w in enumerate(before):
        if _is(w, P.conditionals - nouns):
            return True
        if _is(w, nouns) and k and _is(before[k - 1], frozenset({W.lx.PREP_IN})):
            return True
    return False


def talk_about_withdrawal(tk: DocTokens, clause: Clause, i: int) -> bool:
    """Token i (a withdrawal word) is talked about, not reported: demanded, voted on,
    negotiated, discussed, rejected, a file or a condition ("تطالب الفصائل بانسحاب …",
    "صوت البرلمان على إخراج …", "مفاوضات حول انسحاب …"), the object of an opinion or a
    fear ("يرى محللون أن انسحاب …"), or in a condition ("إذا انسحبت …").

    A demand or talk governs a verbal noun, or a verb after أن ("يطالبون بأن تنسحب");
    a finite verb that tells the movement ("وبعد مطالبات متكررة انسحبت القوات") is a report.
    """
    W = word_table(tk.lang)
    P = _plan_words(tk.lang)
    before = _governing_words(tk, clause, i)
    if _conditional(P, W, before):
        return True
    that = frozenset(W.THAT)
    noun = tk.norm[i] in P.verbal_nouns
    if not (noun or _has(before[-2:], that)):
        return False
    if _has(before[-6:], P.talk):
        return True
    # an opinion or a fear, then أن, then the withdrawal ("يرى محللون أن انسحاب …")
    for k, w in enumerate(before):
        if _is(w, P.opinion) and _has(before[k + 1 :], that):
            return True
    return False


def withdrawal_status(tk: DocTokens, clause: Clause, trig: list[int]) -> str:
    """ "planned" or "done": what the clause says of its first withdrawal word.

    Done when a completion word governs it ("أكملت القوات انسحابها", "أعلنت اكتمال
    الانسحاب") or it is a perfect verb ("انسحبت", "غادرت آخر دفعة"). Planned when a word
    of plan governs it (a plan marker, "تعتزم", "عزمها", "اتفق … على", "وافقت على",
    "من المقرر", a future verb "ستنسحب"), when an announcement governs a verbal noun
    ("أعلنت فرنسا سحب قواتها": only announced), or when a verbal noun or a present verb
    is followed by a future time or a deadline ("انسحاب القوات بحلول نهاية العام").
    Else done.
    """
    P = _plan_words(tk.lang)
    i = trig[0] if trig else clause.start
    n = tk.norm[i]
    before = _governing_words(tk, clause, i)
    if _has(before[-4:], P.done) or n in P.past_verbs:
        return "done"
    if n in P.plan or _has(before, P.plan):
        return "planned"
    if n in P.verbal_nouns and _has(before, P.announce):
        return "planned"
    if _has(_after_words(tk, clause, i), P.future_after):
        return "planned"
    return "done"


def _redeploy_split(tk: DocTokens, clause: Clause) -> int | None:
    """ "أعادت القوات الروسية تموضع وحداتها": a redeploying verb, then within four words a
    noun of position; the verb's token, or None."""
    P = _plan_words(tk.lang)
    for i in range(clause.start, clause.end):
        if _is(_word(tk, i), P.redeploy_verbs) and _has(
            [_word(tk, k) for k in range(i + 1, min(clause.end, i + 5))], P.redeploy_nouns
        ):
            return i
    return None


@functools.lru_cache(maxsize=8)
def _documents(lang: kglang.Language) -> frozenset[str]:
    """NORM keys of the things handed over that are not bases (lexicon HANDED_DOCUMENTS)."""
    return frozenset(lang.keys(lang.lexicon.HANDED_DOCUMENTS))


def withdrawal_type(
    ctx: ArticleContext, tk: DocTokens, clause: Clause
) -> tuple[str, list[int]] | None:
    """The withdrawal type and trigger tokens of a clause, or None."""
    W = word_table(tk.lang)
    folded = W.fold(clause.text(tk))
    redeploy = any(W.fold(p) in folded for p in W.lx.REDEPLOY_PHRASES)
    split = None if redeploy else _redeploy_split(tk, clause)
    norm = tk.norm
    documents = _documents(tk.lang)
    trig = [
        i
        for i in range(clause.start, clause.end)
        if (norm[i] in W.WITHDRAW or norm[i] in W.HANDOVER)
        # «لتسليمه مذكرة»: a document handed over, not a base
        and not (norm[i] in W.HANDOVER and i + 1 < clause.end and norm[i + 1] in documents)
    ]
    if not trig and not redeploy and split is None:
        return None
    if split is not None and not any(norm[i] in W.HANDOVER for i in trig):
        return "Redeployment", trig or [split]
    if redeploy and not any(norm[i] in W.HANDOVER for i in trig):
        return "Redeployment", trig or [_phrase_start(tk, clause, W.lx.REDEPLOY_PHRASES)]
    if any(norm[i] in W.HANDOVER for i in trig):
        ms = mentions_in(ctx, *clause.chars(tk))
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
            and not has_proclitic(tk, k, W.lx.PROCLITIC_AND)
        ):
            k -= 1
        if k > cuts[-1] + 2 and (
            text[k - 1] in W.lx.CLAUSE_PUNCTUATION or has_proclitic(tk, k, W.lx.PROCLITIC_AND)
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
        m for m in mentions_in(ctx, *clause.chars(tk)) if m.entity.cls not in ("Weapon", "Person")
    ]
    actors: list[EntityRef] = []
    recipients: list[EntityRef] = []
    froms: list[EntityRef] = []
    dests: list[EntityRef] = []
    ins: list[EntityRef] = []
    buckets = {"actor": actors, "recipient": recipients, "from": froms, "dest": dests, "in": ins}
    handover_tokens = {i for i in trig if tk.norm[i] in W.HANDOVER}
    trig_set = set(trig)
    movers: list[EntityRef] = []  # named right after the withdrawal word: "انسحاب قوات التحالف"
    prev_m: Mention | None = None
    prev_role: str | None = None
    for m in ms:
        e = m.entity
        t = tk.token_at(m.start)
        prev = prev_words(tk, t, 2, clause.start)
        if _in_destination(tk, t, clause.start):
            # "إلى مواقع للتحالف في سوريا", "إلى قواعدها في الكويت": all part of where they go
            if e.cls in LOCATION_CLASSES:
                dests.append(e)
            prev_m, prev_role = m, None
            continue
        lam = has_proclitic(tk, t, W.lx.PROCLITIC_TO) and m.rule != "anaphora:base"
        to = W.lx.PREP_TO in prev[-1:] or lam
        role: str | None
        if (
            coordinated(tk, ctx.text, m, prev_m)
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
            if role == "actor" and any(t - k in trig_set for k in (1, 2, 3)):
                movers.append(e)
        prev_m, prev_role = m, role
    # the force named right after the withdrawal word moves; the parties named before it
    # agreed, announced or asked ("اتفقت بغداد وواشنطن على انسحاب قوات التحالف")
    actors = movers + [a for a in actors if a not in movers]
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


def _continues(roles: list[RoleFiller], status: str, earlier: EventRecord | None) -> bool:
    """A withdrawal spoken of again ("الانسحاب", "القوات المنسحبة") continues the one told
    before, unless it names a base left (a withdrawal of its own), or it is a plan where
    that was done (or the reverse) and names a place of its own: "بدأت القوات الانسحاب
    من قاعدة قسرك … الانسحاب من سوريا سيكتمل بحلول …" is the withdrawal from the whole
    country, still to come."""
    if earlier is None:
        return False
    places = [r.entity for r in roles if r.role == "location"]
    if any(p.cls == "MilitaryBase" for p in places):
        return False
    before = set(earlier.fillers("location"))
    return status == earlier.status or all(p in before for p in places)


def _reports_done(tk: DocTokens, clause: Clause, trig: list[int]) -> bool:
    """The clause tells the movement done: a perfect verb of withdrawing, or a word of
    completion governing the withdrawal word ("أكملت القوات انسحابها")."""
    P = _plan_words(tk.lang)
    if any(tk.norm[i] in P.past_verbs for i in trig):
        return True
    return bool(trig) and _has(_governing_words(tk, clause, trig[0])[-4:], P.done)


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
            number_before(ctx, tk, i) is not None
            or W.lx.NUMBER in prev_words(tk, i, 4, clause.start)
        ):
            return True
    return False


def withdrawal_events(
    ctx, tk: DocTokens, clause, wd, ev_base, st: EventList, sent_events: list[int]
) -> None:
    W = word_table(tk.lang)
    wtype, trig = wd
    if _counted_bases(ctx, tk, clause):
        return  # "الانسحاب من 3 قواعد": a programme of several withdrawals
    if trig and talk_about_withdrawal(tk, clause, trig[0]):
        return  # demanded, voted on, negotiated, feared, conditional: talk, not a withdrawal
    ev = replace(ev_base, rule="withdrawal:" + wtype)
    status = withdrawal_status(tk, clause, trig)
    date = clause_date(ctx, tk, clause, trig[0], planned=status == "planned", category="withdrawal")
    same_as: tuple[str, ...] = ()
    earlier: EventRecord | None = None
    first = trig[0] if trig else None
    if first is not None and definite_after_proclitics(W, tk.text[first]):
        # "وشملت القوات المنسحبة …": the withdrawal just reported, described further
        previous = [e for e in st.events if e.category == "withdrawal"]
        if previous and tk.idx[first] - previous[-1].sources[0].end < 1500:
            same_as = (previous[-1].local_id,)
            earlier = previous[-1]
    rolesets = withdrawal_roles(ctx, tk, clause, wtype, trig, ev)
    if not rolesets and same_as:
        rolesets = [[]]
    for rs in rolesets:
        here = status
        if earlier is not None and not any(r.role == "location" for r in rs):
            # "… ساعد في تسريع الانسحاب", "وبدأت القوات بالفعل بالانسحاب": the withdrawal
            # told before, spoken of again without a place of its own, keeps its status;
            # only a report of the movement done makes a plan done
            if not _reports_done(tk, clause, trig):
                here = earlier.status
        i = st.add(
            EventRecord(
                local_id=ctx.article_id,
                category="withdrawal",
                type=wtype,
                status=here,
                date=date,
                roles=tuple(rs),
                responsibility=(),
                casualties=(),
                sources=(ev,),
                same_as=same_as if _continues(rs, here, earlier) else (),
            )
        )
        sent_events.append(i)
