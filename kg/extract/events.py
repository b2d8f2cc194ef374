"""Events from sentences: attacks and withdrawals with roles, dates, casualties, claims.

The rules read a sentence as a researcher would:

1. find triggers (attack nouns and verbs, withdrawal, handover and
   redeployment words) on the token NORMs;
2. drop what is not a single event: aggregates ("24 هجوماً", "هجمات" in
   general), negated events ("لم تتعرض لهجمات"), threats and plans to attack;
3. split a sentence into clauses where it reports two events ("الهجوم الأول …
   في حين أدى الهجوم الثاني …", a dual "هجومان"), one event per clause;
4. fill the roles from the entities of the clause and the words before them
   (على/ضد/استهدف → target; في/قرب → location; a state or force as the
   subject of an active strike verb → attacker; من → where a withdrawal
   leaves; إلى/ل → recipient or destination);
5. responsibility is never an attacker: a claim (تبنى), an attribution
   (تنسبها واشنطن لـ…, حمّلت … المسؤولية, اتهمت) with who says so, or
   a statement that nobody claimed it;
6. dates, casualties and retaliation links from the clause.

Each record keeps the sentence and the rule that produced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from kg.extract import lexicon as lx
from kg.extract.records import (
    CasualtyReport,
    DateInfo,
    EntityRef,
    EventRecord,
    Evidence,
    Mention,
    Responsibility,
    RoleFiller,
)
from kg.onto.gazetteer import Gazetteer
from kg.text.dates import DateSpan
from kg.text.normalize import fold, strip_definite
from kg.text.numbers import NumberSpan

K = lx.keys
ATTACK_NOUN = K(lx.ATTACK_NOUNS)
ATTACK_PLURAL = K(lx.ATTACK_PLURALS)
ATTACK_VERB = K(lx.ATTACK_VERBS)
WEAK_VERB = K(lx.WEAK_ATTACK_VERBS)
DISRUPT = K(lx.DISRUPTION)
WITHDRAW = K(lx.WITHDRAWAL_WORDS)
HANDOVER = K(lx.HANDOVER_WORDS)
PLANNED = K(lx.PLANNED_MARKERS)
KILLED = K(lx.KILLED_WORDS)
WOUNDED = K(lx.WOUNDED_WORDS)
PERSON_NOUN = K(lx.PERSON_NOUNS)
CLAIM = K(lx.CLAIM_WORDS)
ATTRIB = K(lx.ATTRIBUTION_WORDS)
NEG = K(lx.NEGATION)
AGGREGATE = K(lx.AGGREGATE_MARKERS)

ACTOR_CLASSES = {"State", "ArmedGroup", "MilitaryForce", "Coalition", "Person", "Organisation"}
ARMED_ACTORS = {"State", "ArmedGroup", "MilitaryForce", "Coalition"}
LOCATION_CLASSES = {"MilitaryBase", "Place", "State"}
TARGET_CUES = K("على ضد استهدف استهدفت استهدفا يستهدف تستهدف مستهدفة مستهدفا طال طالت هاجم هاجمت يهاجم تهاجم قصف قصفت ضرب ضربت أصاب أصابت".split())
TARGET_HEADS = K("مواقع موقع مقرات مقر قواعد قاعدة مخازن مخزن أهداف هدف رتل رتلين رتلا أرتال تابعة تابع التابعة التابع منشآت مرافق مصالح للتحالف".split())
LOC_PREPS = K("في قرب بالقرب ضمن حدود داخل جنوب شمال شرق غرب جنوبي شمالي غربي شرقي محيط أطراف بمحافظة محافظة منطقة".split())
FROM_PREPS = K(["من"])
TO_PREPS = K(["إلى", "الى", "ل"])
STRIKE_SUBJECT_VERBS = K(
    "شن شنت شنوا يشن تشن نفذ نفذت ينفذ تنفذ قصف قصفت يقصف تقصف ردت رد يرد ترد هاجم هاجمت "
    "أطلق أطلقت استهدف استهدفت ضرب ضربت".split()
)
RELATIVE_AGENT = K("شنته شنتها نفذته نفذتها أطلقها أطلقته".split())
CLAUSE_BREAKS = ("في حين", "بينما", "كان سببا", "وأعقب ذلك", "أعقب ذلك")
ORDINAL_WORDS = {"اول": 1, "اولي": 1, "ثاني": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3}
AIR = {"AirStrike", "DroneAttack"}
STRIKE_NOUNS = K("غارة غارات ضربة ضربات قصف".split())
SPECIFIC_ATTACK_TYPES = ("IEDAttack", "DroneAttack", "RocketAttack", "AirStrike")


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


@dataclass(frozen=True)
class Clause:
    sent: Span
    start: int  # token index
    end: int
    ordinal: int | None = None


def _norms(span: Span | Sequence) -> list[str]:
    return [t.norm_ for t in span]


def _phrase_in(text: str, phrases: Sequence[str]) -> bool:
    folded = fold(text)
    return any(fold(p) in folded for p in phrases)


def _clause_text(doc: Doc, c: Clause) -> str:
    return doc[c.start : c.end].text


def _mentions_in(ctx: ArticleContext, start: int, end: int) -> list[Mention]:
    return [m for m in ctx.mentions if start <= m.start and m.end <= end]


# --------------------------------------------------------------------------- triggers


def attack_triggers(tokens: Span, weapons: list[Mention]) -> list[int]:
    """Token indices of attack triggers in a clause (strong ones, or weak + weapon)."""
    norms = _norms(tokens)
    has_noun = any(n in ATTACK_NOUN for n in norms)
    out = []
    for tok in tokens:
        n = tok.norm_
        if n in ATTACK_NOUN or (n in ATTACK_VERB and n not in WEAK_VERB):
            out.append(tok.i)
        elif n in WEAK_VERB and (weapons or has_noun):
            out.append(tok.i)
        elif n in ATTACK_PLURAL:
            out.append(tok.i)
    return out


def is_negated(doc: Doc, i: int) -> bool:
    """'لم تتعرض', 'نفى أن تكون': a negation right before the trigger."""
    for k in range(max(0, i - 3), i):
        if doc[k].norm_ in NEG:
            return True
    return False


def _number_before(ctx: ArticleContext, doc: Doc, i: int) -> NumberSpan | None:
    start = doc[max(0, i - 3)].idx
    for num in ctx.numbers:
        if start <= num.start and num.end <= doc[i].idx + 1 and num.kind in ("digits", "words"):
            return num
    return None


def is_aggregate(ctx: ArticleContext, doc: Doc, clause: Clause, triggers: list[int]) -> bool:
    """A campaign statistic, not an event: '24 هجوماً', 'نحو 50 هجوما', 'هجمات' with no specifics."""
    for i in triggers:
        num = _number_before(ctx, doc, i)
        if num is not None and num.value >= 3:
            return True
    nouns = [i for i in triggers if doc[i].norm_ in ATTACK_NOUN]
    plurals = [i for i in triggers if doc[i].norm_ in ATTACK_PLURAL]
    if nouns or not plurals:
        return False
    # Only plural nouns (and maybe verbs): strikes by a named actor on a date are one
    # strike event; "هجمات" in general is a series.
    strike_plural = any(doc[i].norm_ in STRIKE_NOUNS for i in plurals)
    has_date = any(
        d.precision in ("day", "month") and d.start >= doc[clause.start].idx
        and d.end <= doc[clause.end - 1].idx + len(doc[clause.end - 1])
        for d in ctx.dates
    )
    return not (strike_plural and has_date)


# --------------------------------------------------------------------------- clauses


def split_clauses(doc: Doc, sent: Span) -> list[Clause]:
    """Clauses of a sentence that may each report their own event."""
    cuts = [sent.start]
    for tok in sent:
        if tok.i == sent.start:
            continue
        two = fold(doc[tok.i : min(tok.i + 2, sent.end)].text)
        if any(two.startswith(fold(b)) for b in CLAUSE_BREAKS):
            cuts.append(tok.i)
        elif tok.norm_ in ("هجوم",) and tok.i + 1 < sent.end and _ordinal(doc[tok.i + 1].norm_):
            if tok.i - sent.start > 2:
                cuts.append(tok.i)
    cuts = sorted(set(cuts))
    clauses = []
    for a, b in zip(cuts, [*cuts[1:], sent.end], strict=True):
        ordinal = None
        for tok in doc[a:b]:
            if tok.norm_ == "هجوم" and tok.i + 1 < b and _ordinal(doc[tok.i + 1].norm_):
                ordinal = _ordinal(doc[tok.i + 1].norm_)
                break
        clauses.append(Clause(sent, a, b, ordinal))
    return clauses


def _ordinal(norm: str) -> int | None:
    return ORDINAL_WORDS.get(norm)


# --------------------------------------------------------------------------- roles


def _prev_words(doc: Doc, start_tok: int, n: int = 4) -> list[str]:
    return [doc[k].norm_ for k in range(max(0, start_tok - n), start_tok)]


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _state_of(gaz: Gazetteer, ref: EntityRef) -> EntityRef:
    """A state's force as the attacker is the state (ANNOTATION: forces are part of the state)."""
    for anc in sorted(gaz.ancestors(ref.iri)):
        e = gaz.by_iri.get(anc)
        if e is not None and e.cls == "State" and ref.cls == "MilitaryForce":
            return EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return ref


def attack_roles(
    ctx: ArticleContext, doc: Doc, clause: Clause, ev: Evidence
) -> tuple[list[RoleFiller], list[Mention]]:
    """Targets, locations, weapons and (factual) attackers of an attack clause."""
    start_c = doc[clause.start].idx
    end_c = doc[clause.end - 1].idx + len(doc[clause.end - 1])
    ms = _mentions_in(ctx, start_c, end_c)
    roles: list[RoleFiller] = []
    attackers: list[EntityRef] = []
    targets: list[EntityRef] = []
    locations: list[EntityRef] = []
    weapons = [m for m in ms if m.entity.cls == "Weapon"]
    norms_clause = _norms(doc[clause.start : clause.end])
    blame_words = set(norms_clause) & (ATTRIB | CLAIM)
    for m in ms:
        e = m.entity
        if e.cls == "Weapon":
            continue
        t = _token_at(doc, m.start)
        prev = _prev_words(doc, t, 4)
        prev1 = prev[-1] if prev else ""
        # attacker: subject right after an active strike verb, or after "شنته/نفذتها"
        if e.cls in ARMED_ACTORS and not blame_words:
            window = [doc[k].norm_ for k in range(max(clause.start, t - 3), t)]
            if any(w in RELATIVE_AGENT for w in window[-2:]) or (
                window and window[-1] in STRIKE_SUBJECT_VERBS
            ):
                attackers.append(_state_of(ctx.gazetteer, e))
                continue
        if e.cls in ACTOR_CLASSES - {"Person", "Organisation"} or e.cls in ("MilitaryBase",):
            if any(w in TARGET_CUES for w in prev[-3:]) or (
                prev1 in TARGET_HEADS or any(w in TARGET_HEADS for w in prev[-2:])
            ):
                targets.append(e)
                if e.cls == "MilitaryBase":
                    locations.append(e)
                continue
        if e.cls in LOCATION_CLASSES and (
            any(w in LOC_PREPS for w in prev[-3:]) or e.cls == "MilitaryBase"
        ):
            locations.append(e)
    # "تعرضت قاعدة X لهجوم": the subject of تعرض is the target
    for tok in doc[clause.start : clause.end]:
        if tok.norm_.startswith(("تعرض", "يتعرض", "تتعرض")):
            for m in ms:
                if m.entity.cls in ("MilitaryBase", "MilitaryForce", "Coalition") and m.end <= tok.idx:
                    targets.append(m.entity)
                    if m.entity.cls == "MilitaryBase":
                        locations.append(m.entity)
    # demonym of a strike noun: "غارة أميركية", "القصف الأميركي", "بطائرة أمريكية"
    for tok in doc[clause.start : clause.end]:
        ref = ctx.demonyms.get(tok.norm_)
        if ref is None:
            continue
        prev = _prev_words(doc, tok.i, 3)
        if any(w in STRIKE_NOUNS or w in ATTACK_NOUN or w in ("طيار", "طائره", "جويه", "جوي") for w in prev):
            attackers.append(ref)
    attackers = [a for a in dict.fromkeys(attackers) if a not in targets]
    for a in attackers:
        roles.append(RoleFiller("attacker", a, ev))
    for tg in dict.fromkeys(targets):
        roles.append(RoleFiller("target", tg, ev))
    for loc in _most_specific(ctx.gazetteer, list(dict.fromkeys(locations))):
        roles.append(RoleFiller("location", loc, ev))
    for w in dict.fromkeys(m.entity for m in weapons):
        roles.append(RoleFiller("weapon", w, ev))
    return roles, ms


def _most_specific(gaz: Gazetteer, locs: list[EntityRef]) -> list[EntityRef]:
    """Keep the most specific locations: a base over a city over a province over a state."""
    if not locs:
        return []
    rank = {"MilitaryBase": 0, "Place": 1, "State": 2}
    best = min(rank.get(loc.cls, 3) for loc in locs)
    chosen = [loc for loc in locs if rank.get(loc.cls, 3) == best]
    # a place that contains another chosen place is less specific
    out = []
    for loc in chosen:
        inner = any(
            other != loc and loc.iri in gaz.related(other.iri, "locatedIn") for other in chosen
        )
        if not inner:
            out.append(loc)
    return out


def attack_type(roles: list[RoleFiller], ctx: ArticleContext, norms: list[str]) -> str:
    implied = []
    for r in roles:
        if r.role == "weapon":
            e = ctx.gazetteer.by_iri.get(r.entity.iri)
            if e is not None and e.implies_attack_type:
                implied.append(e.implies_attack_type)
    for t in SPECIFIC_ATTACK_TYPES:
        if t in implied:
            return t
    if any(n in STRIKE_NOUNS for n in norms) and any(n in ("جويه", "جوي", "جويا") for n in norms):
        return "AirStrike"
    if any(n in K(["غارة", "غارات", "غارتين"]) for n in norms):
        return "AirStrike"
    return implied[0] if implied else "Attack"


# --------------------------------------------------------------------------- dates


def clause_date(ctx: ArticleContext, doc: Doc, clause: Clause, anchor_char: int) -> DateInfo | None:
    """The date of the event: the most precise date expression of the clause.

    Expressions after "منذ" (since) are not the event's date. Ties go to the
    expression nearest the trigger.
    """
    start_c = doc[clause.start].idx
    end_c = doc[clause.end - 1].idx + len(doc[clause.end - 1])
    rank = {"day": 0, "month": 1, "week": 2, "year": 3, None: 4}
    cands = []
    for d in ctx.dates:
        if not (start_c <= d.start and d.end <= end_c):
            continue
        before = fold(ctx.text[max(start_c, d.start - 12) : d.start])
        if "منذ" in before.split()[-2:] if before.split() else False:
            continue
        cands.append((rank.get(d.precision, 4), abs(d.start - anchor_char), d.start, d))
    if not cands:
        return None
    d = min(cands, key=lambda c: c[:3])[3]
    return DateInfo(
        value=d.value,
        precision=d.precision,
        earliest=d.earliest.isoformat() if d.earliest else None,
        latest=d.latest.isoformat() if d.latest else None,
        expression=d.text,
    )


# --------------------------------------------------------------------------- casualties


def casualties(ctx: ArticleContext, doc: Doc, clause: Clause) -> tuple[int | None, int | None]:
    """Killed and wounded counts stated in a clause (None when not stated).

    After a killing or wounding word, the counted items are read in order,
    joined by و / "إضافة إلى": a number and a noun, a dual noun (جنديين = 2), a
    bare singular person noun (مقاول = 1), or a named person (1 each). A part
    that is not countable ("آخرين": others) makes the sum unknown.
    """
    text = _clause_text(doc, clause)
    if _phrase_in(text, lx.NO_CASUALTY_PHRASES):
        return None, 0
    killed = wounded = None
    toks = list(doc[clause.start : clause.end])
    for idx, tok in enumerate(toks):
        kind = "k" if tok.norm_ in KILLED else "w" if tok.norm_ in WOUNDED else None
        if kind is None:
            continue
        total = _count_after(ctx, doc, toks, idx + 1)
        if total is None:
            continue
        if kind == "k":
            killed = total if killed is None else killed + total
        else:
            wounded = total if wounded is None else wounded + total
    return killed, wounded


def _count_after(ctx: ArticleContext, doc: Doc, toks: list, j: int) -> int | None:
    total = 0
    seen = False
    n = len(toks)
    while j < n:
        tok = toks[j]
        num = next((x for x in ctx.numbers if x.start <= tok.idx < x.end), None)
        if num is not None and num.kind in ("digits", "words", "dual"):
            total += num.value
            seen = True
            # skip the rest of the number and the counted noun phrase
            while j < n and toks[j].idx < num.end:
                j += 1
            while j < n and (toks[j].norm_ in PERSON_NOUN or toks[j].norm_ in ("من",) or _is_adj(toks[j])):
                j += 1
            # "ثلاثة من عناصر التحالف": skip the genitive owner
            while j < n and _skippable_owner(ctx, toks[j]):
                j += 1
        elif tok.norm_ in PERSON_NOUN:
            total += 1
            seen = True
            j += 1
            while j < n and _is_adj(toks[j]):
                j += 1
        elif _person_mention_at(ctx, tok) is not None:
            m = _person_mention_at(ctx, tok)
            total += 1
            seen = True
            while j < n and toks[j].idx < m.end:
                j += 1
        elif tok.norm_ in ("اخرين", "اخرون", "عدد", "العشرات", "عشرات"):
            return None
        else:
            break
        # connectors between parts
        while j < n and toks[j].norm_ in ("و", "ضافه", "الي", "اضافه", "،", ","):
            j += 1
        if j < n and fold(toks[j].text).startswith("و") and seen and toks[j].norm_ != fold(toks[j].text):
            continue
        if j < n and toks[j].norm_ not in PERSON_NOUN and _person_mention_at(ctx, toks[j]) is None:
            nxt = next((x for x in ctx.numbers if x.start <= toks[j].idx < x.end), None)
            if nxt is None:
                break
    return total if seen else None


def _is_adj(tok) -> bool:
    n = tok.norm_
    return n.endswith(("يين", "يون", "يه", "ي", "يان")) and len(n) > 3 and n not in PERSON_NOUN


def _skippable_owner(ctx: ArticleContext, tok) -> bool:
    m = next((m for m in ctx.mentions if m.start <= tok.idx < m.end), None)
    return m is not None and m.entity.cls in ("Coalition", "MilitaryForce", "State", "ArmedGroup")


def _person_mention_at(ctx: ArticleContext, tok) -> Mention | None:
    for m in ctx.mentions:
        if m.start <= tok.idx < m.end and m.entity.cls == "Person":
            return m
    return None


# --------------------------------------------------------------------------- responsibility


def responsibility(
    ctx: ArticleContext, doc: Doc, sent: Span, ev: Evidence
) -> list[Responsibility]:
    """Claims, attributions (with who blames) and 'nobody claimed it' in a sentence."""
    out: list[Responsibility] = []
    text = sent.text
    if _phrase_in(text, lx.NO_CLAIM_PHRASES):
        out.append(Responsibility("noclaim", None, (), ev))
    ms = [m for m in _mentions_in(ctx, sent.start_char, sent.end_char) if m.entity.cls in ARMED_ACTORS | {"Organisation"}]
    for tok in sent:
        n = tok.norm_
        if n in CLAIM and not is_negated(doc, tok.i) and not _phrase_in(doc[max(sent.start, tok.i - 3) : tok.i + 1].text, lx.NO_CLAIM_PHRASES):
            subj = [m for m in ms if abs(m.start - tok.idx) < 40 and m.entity.cls == "ArmedGroup"]
            if subj:
                out.append(Responsibility("claim", subj[0].entity, (), ev))
        elif n in ATTRIB:
            if n == strip_definite(fold("المسؤولية")):
                continue
            after = [m for m in ms if m.start > tok.idx]
            before = [m for m in ms if m.end <= tok.idx]
            # "تنسبها واشنطن لكتائب حزب الله": by after the verb, party after ل
            # "حمّلت كتائب حزب الله المسؤولية": the party is the object; the accuser unnamed
            # "اتهمت كتائب حزب الله الولايات المتحدة بمهاجمة": by, then party
            if n.startswith(("حمل", "يحمل", "تحمل")):
                if after:
                    out.append(Responsibility("attribution", after[0].entity, (), ev))
                continue
            if n.startswith(("اتهم", "تتهم", "يتهم")):
                if len(after) >= 2:
                    out.append(Responsibility("attribution", after[1].entity, (after[0].entity,), ev))
                elif after and before:
                    out.append(Responsibility("attribution", after[0].entity, (before[-1].entity,), ev))
                continue
            party = None
            by: tuple[EntityRef, ...] = ()
            for m in after:
                t = _token_at(doc, m.start)
                raw = fold(doc[t].text)
                if raw.startswith(("ل", "ال")) and raw != doc[t].norm_ or _prev_words(doc, t, 1) in (["الي"], ["ل"]):
                    party = m.entity
                    break
            if party is None and after:
                party = after[-1].entity
            by_m = [m for m in after if m.entity != party][:1] or before[-1:]
            by = tuple(m.entity for m in by_m)
            if party is not None:
                out.append(Responsibility("attribution", party, by, ev))
    return out


# --------------------------------------------------------------------------- withdrawals


def withdrawal_clause(
    ctx: ArticleContext, doc: Doc, clause: Clause
) -> tuple[str, list[int]] | None:
    """The withdrawal type and trigger tokens of a clause, or None."""
    toks = doc[clause.start : clause.end]
    folded = fold(toks.text)
    redeploy = any(fold(p) in folded for p in lx.REDEPLOY_PHRASES)
    trig = [t.i for t in toks if t.norm_ in WITHDRAW or t.norm_ in HANDOVER]
    if not trig and not redeploy:
        return None
    if redeploy:
        return "Redeployment", trig or [clause.start]
    handover = [i for i in trig if doc[i].norm_ in HANDOVER]
    if handover:
        # a handover is of a base or installation
        ms = _mentions_in(ctx, doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1]))
        if any(m.entity.cls == "MilitaryBase" for m in ms):
            return "BaseHandover", trig
        if len(handover) == len(trig):
            return None
    return "Withdrawal", trig


def withdrawal_roles(
    ctx: ArticleContext, doc: Doc, clause: Clause, wtype: str, trig: list[int], ev: Evidence
) -> list[list[RoleFiller]]:
    """Roles of a withdrawal; one list per base left when several bases are named.

    من X → the place left; إلى X / لـX → recipient (a force, for a handover) or
    destination (a place); the object of a handover verb is the base handed
    over; "في X" is the place only when nothing says "from". The actor is the
    first force, coalition or state named as the one that moves (not the one
    "leading" it: بقيادة/تقوده).
    """
    start_c = doc[clause.start].idx
    end_c = doc[clause.end - 1].idx + len(doc[clause.end - 1])
    ms = [m for m in _mentions_in(ctx, start_c, end_c) if m.entity.cls not in ("Weapon", "Person", "Organisation")]
    actors, recipients, froms, dests, ins = [], [], [], [], []
    handover_tokens = {i for i in trig if doc[i].norm_ in HANDOVER}
    for m in ms:
        e = m.entity
        t = _token_at(doc, m.start)
        prev = _prev_words(doc, t, 2)
        raw = fold(doc[t].text)
        lam = raw.startswith("ل") and not raw.startswith("ال") and m.rule != "anaphora:base"
        lam = lam or raw.startswith(("ولل", "لل"))
        if any(w in ("بقياده", "تقوده", "يقوده", "قياده") for w in prev):
            continue
        if "من" in prev and e.cls in LOCATION_CLASSES:
            froms.append(e)
        elif ("الي" in prev[-1:] or lam) and e.cls in ("MilitaryForce", "Coalition", "ArmedGroup") and wtype == "BaseHandover":
            recipients.append(e)
        elif ("الي" in prev[-1:] or lam) and e.cls in LOCATION_CLASSES:
            if e.cls == "State" and lam and wtype != "Redeployment" and not dests:
                froms.append(e)  # "مغادرة … للعراق": leaving Iraq
            else:
                dests.append(e)
        elif e.cls == "MilitaryBase" and (t - 1 in handover_tokens or t - 2 in handover_tokens or m.rule == "anaphora:base"):
            froms.append(e)
        elif e.cls in LOCATION_CLASSES and any(w in LOC_PREPS for w in prev):
            ins.append(e)
        elif e.cls in ("Coalition", "MilitaryForce", "State"):
            actors.append(e)
        elif e.cls == "MilitaryBase":
            froms.append(e)
    actors = [a for a in dict.fromkeys(actors) if a not in recipients and a not in froms]
    common = [RoleFiller("actor", a, ev) for a in actors[:1]]
    common += [RoleFiller("recipient", r, ev) for r in list(dict.fromkeys(recipients))[:1]]
    common += [RoleFiller("destination", d, ev) for d in dict.fromkeys(dests)]
    froms = froms or ins
    bases = [f for f in dict.fromkeys(froms) if f.cls == "MilitaryBase"]
    if len(bases) > 1:
        return [common + [RoleFiller("location", b, ev)] for b in bases]
    locs = _most_specific(ctx.gazetteer, list(dict.fromkeys(froms)))
    if not locs and not (actors and dests):
        return []  # no concrete withdrawal: talk about withdrawal in general
    return [common + [RoleFiller("location", loc, ev) for loc in locs]]


def status_of(doc: Doc, clause: Clause, category: str) -> str:
    norms = set(_norms(doc[clause.start : clause.end]))
    text = fold(_clause_text(doc, clause))
    if category == "attack":
        if norms & DISRUPT:
            return "disrupted"
        return "done"
    if norms & PLANNED or any(fold(p) in text for p in ("من المقرر", "من المنتظر")):
        return "planned"
    for tok in doc[clause.start : clause.end]:
        f = fold(tok.text)
        if f.startswith(("سي", "ست", "سن")) and (f[1:] and strip_definite(f[1:]) != f) and tok.norm_ != f:
            return "planned"
    return "done"


# --------------------------------------------------------------------------- main


def extract_events(ctx: ArticleContext, doc: Doc) -> list[EventRecord]:
    """Events of one article, in text order, with sentence-level evidence."""
    events: list[EventRecord] = []
    last_attack_sentence: list[int] = []  # indices into events
    pending_resp: list[Responsibility] = []
    counter = 0
    for sent in doc.sents:
        if _in_boilerplate(ctx, sent):
            continue
        ev_base = Evidence(ctx.article, ctx.article_id, sent.start_char, sent.end_char, sent.text, "")
        resp = responsibility(ctx, doc, sent, replace(ev_base, rule="responsibility"))
        sent_events: list[int] = []
        sentence_had_aggregate = False
        for clause in split_clauses(doc, sent):
            toks = doc[clause.start : clause.end]
            cstart, cend = toks.start_char, toks.end_char
            weapons = [m for m in _mentions_in(ctx, cstart, cend) if m.entity.cls == "Weapon"]
            if _phrase_in(toks.text, lx.NOT_EVENT_PHRASES):
                continue
            trig = [i for i in attack_triggers(toks, weapons) if not is_negated(doc, i)]
            if trig:
                if is_aggregate(ctx, doc, clause, trig):
                    sentence_had_aggregate = True
                else:
                    counter = _attack_events(ctx, doc, clause, trig, ev_base, events, counter, sent_events)
                    continue
            wd = withdrawal_clause(ctx, doc, clause)
            if wd is not None:
                counter = _withdrawal_events(ctx, doc, clause, wd, ev_base, events, counter, sent_events)
        # responsibility attaches to this sentence's attacks, else to the previous attack sentence
        attacks_here = [i for i in sent_events if events[i].category == "attack"]
        target_idx = attacks_here or ([] if sentence_had_aggregate else last_attack_sentence)
        if resp and target_idx:
            for i in target_idx:
                events[i] = replace(events[i], responsibility=events[i].responsibility + tuple(resp))
        elif resp:
            pending_resp.extend(resp)
        _link_retaliation(ctx, doc, sent, events, sent_events, last_attack_sentence)
        if attacks_here:
            last_attack_sentence = attacks_here
    return events


def _in_boilerplate(ctx: ArticleContext, sent: Span) -> bool:
    return False


def _attack_events(ctx, doc, clause, trig, ev_base, events, counter, sent_events) -> int:
    ev = replace(ev_base, rule="attack:" + doc[trig[0]].norm_)
    roles, _ = attack_roles(ctx, doc, clause, ev)
    norms = _norms(doc[clause.start : clause.end])
    etype = attack_type(roles, ctx, norms)
    date = clause_date(ctx, doc, clause, doc[trig[0]].idx)
    killed, wounded = casualties(ctx, doc, clause)
    cas = (CasualtyReport(killed, wounded, ev),) if killed is not None or wounded is not None else ()
    status = status_of(doc, clause, "attack")
    dual = any(
        n.kind == "dual" and doc[i].idx <= n.start < doc[i].idx + len(doc[i].text)
        for i in trig
        if doc[i].norm_ in ATTACK_NOUN
        for n in ctx.numbers
    )
    count = 2 if dual and clause.ordinal is None else 1
    places = [r for r in roles if r.role == "location"]
    for k in range(count):
        rs = roles
        if count == 2 and len(places) == 2:
            rs = [r for r in roles if r.role != "location"] + [places[k]]
        ordinal = clause.ordinal if count == 1 else k + 1
        events.append(
            EventRecord(
                local_id=f"{ctx.article_id}#{counter}",
                category="attack",
                type=etype,
                status=status,
                date=date if count == 1 else None,
                roles=tuple(rs),
                responsibility=(),
                casualties=cas if count == 1 else (),
                sources=(ev,),
                ordinal=ordinal,
            )
        )
        sent_events.append(len(events) - 1)
        counter += 1
    return counter


def _withdrawal_events(ctx, doc, clause, wd, ev_base, events, counter, sent_events) -> int:
    wtype, trig = wd
    ev = replace(ev_base, rule="withdrawal:" + wtype)
    status = status_of(doc, clause, "withdrawal")
    date = clause_date(ctx, doc, clause, doc[trig[0]].idx)
    for rs in withdrawal_roles(ctx, doc, clause, wtype, trig, ev):
        events.append(
            EventRecord(
                local_id=f"{ctx.article_id}#{counter}",
                category="withdrawal",
                type=wtype,
                status=status,
                date=date,
                roles=tuple(rs),
                responsibility=(),
                casualties=(),
                sources=(ev,),
            )
        )
        sent_events.append(len(events) - 1)
        counter += 1
    return counter


def _link_retaliation(ctx, doc, sent, events, sent_events, last_attack_sentence) -> None:
    """'ردا على', 'ردت واشنطن', 'الهجوم الانتقامي', 'أعقب ذلك', 'كان سببا في'."""
    text = fold(sent.text)
    attacks = [i for i in sent_events if events[i].category == "attack"]
    if not attacks:
        return
    cause_phrase = any(fold(p) in text for p in ("سببا رئيسيا في", "سببا في", "سببا رئيسيا ل"))
    if cause_phrase and len(attacks) >= 2:
        cause, effect = attacks[0], attacks[-1]
        events[effect] = replace(
            events[effect],
            retaliation_for=tuple(dict.fromkeys(events[effect].retaliation_for + (events[cause].local_id,))),
        )
        return
    words = set(text.replace("،", " ").split())
    reply = bool(words & {"ردا", "رد", "ردت", "انتقاما", "الانتقامي", "الانتقاميه", "وردت", "بدوره"}) or any(
        fold(p) in text for p in ("أعقب ذلك", "عقب ذلك", "تلا ذلك", "ردا على", "رداً على", "انتقاما ل")
    )
    if not reply:
        return
    # the event answered: an ordinal reference in the sentence ("الهجوم الأول للتاجي"),
    # else the attacks of the previous attack sentence
    answered: list[int] = []
    for tok in sent:
        if tok.norm_ == "هجوم" and tok.i + 1 < sent.end and _ordinal(doc[tok.i + 1].norm_):
            ordn = _ordinal(doc[tok.i + 1].norm_)
            answered = [i for i in range(len(events)) if i not in sent_events and events[i].category == "attack" and events[i].ordinal == ordn]
            if answered:
                answered = answered[-1:]
            break
    if not answered:
        answered = [i for i in last_attack_sentence if i not in sent_events]
    if not answered:
        return
    for i in attacks:
        ids = tuple(events[a].local_id for a in answered)
        events[i] = replace(events[i], retaliation_for=tuple(dict.fromkeys(events[i].retaliation_for + ids)))
