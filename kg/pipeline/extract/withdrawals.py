"""Withdrawal reports: withdrawals, handovers and redeployments, with actor, place left,
recipient and destination, planned or done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

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
    phrase_in,
    prev_words,
    status_of,
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
    if _counted_bases(ctx, tk, clause) or phrase_in(W, clause.text(tk), W.lx.WITHDRAWAL_NOT_EVENT):
        return  # "الانسحاب من 3 قواعد": a programme of several withdrawals; demands and votes
    ev = replace(ev_base, rule="withdrawal:" + wtype)
    status = status_of(tk, clause, "withdrawal", trig)
    date = clause_date(ctx, tk, clause, trig[0], planned=status == "planned", category="withdrawal")
    same_as: tuple[str, ...] = ()
    first = trig[0] if trig else None
    if first is not None and definite_after_proclitics(W, tk.text[first]):
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
