"""Attack reports: triggers, aggregates, roles (attacker, target, location, weapon), type.

A clause with an attack noun or verb (or a weak verb with a weapon) reports an
attack unless it is a campaign statistic; its roles come from the entities of the
clause and the words before them.
"""

from __future__ import annotations

from dataclasses import replace

from kg.lang import NumberSpan
from kg.pipeline.extract.casualties import (
    casualties,
)
from kg.pipeline.extract.context import (
    ARMED_ACTORS,
    BACKGROUND_MARK,
    LOCATION_CLASSES,
    MUNITION_TYPES,
    REFERENCE_MARK,
    REFERENCED_MARK,
    SPECIFIC_ATTACK_TYPES,
    ArticleContext,
    Clause,
    EventList,
    Words,
    conditional_at,
    considered_at,
    coordinated,
    habitual_at,
    has_proclitic,
    is_attack_word,
    is_naming,
    is_negated,
    mentions_in,
    most_specific,
    number_before,
    ordinal_after,
    pluperfect,
    prev_words,
    reference_tokens,
    status_of,
    stopped_at,
    word_table,
)
from kg.pipeline.extract.dating import (
    clause_date,
)
from kg.pipeline.extract.records import (
    CasualtyReport,
    EntityRef,
    EventRecord,
    Evidence,
    Mention,
    RoleFiller,
)
from kg.pipeline.extract.responsibility import (
    party_mentions,
)
from kg.pipeline.nlp.tokens import DocTokens
from kg.vocab.gazetteer import Gazetteer


def munitions(ctx: ArticleContext, weapons: list[Mention]) -> list[Mention]:
    """The weapons that can be stopped on their way (a drone, a rocket, an IED)."""
    out = []
    for m in weapons:
        e = ctx.gazetteer.by_iri.get(m.entity.iri)
        if e is not None and e.implies_attack_type in MUNITION_TYPES:
            out.append(m)
    return out


def attack_triggers(
    tk: DocTokens, clause: Clause, weapons: list[Mention], munitions: list[Mention] = ()
) -> list[int]:
    """Token indices of attack triggers in a clause: strong ones, a weak verb with a
    weapon, and a word of stopping with a munition ("أسقطت الدفاعات طائرة مسيرة",
    "اعترضت صاروخاً": an interception is an attack, disrupted)."""
    W = word_table(tk.lang)
    norms = tk.norm[clause.start : clause.end]
    has_noun = any(n in W.ATTACK_NOUN for n in norms)
    refs = reference_tokens(tk, clause)
    if clause.background:
        refs = set()  # the background's own attack: "عقب مقتل فلان في غارة …"
    stopped = set(stopped_at(tk, clause)) if munitions else set()
    out = []
    for i, n in enumerate(norms, clause.start):
        if i in refs or is_naming(tk, i):
            continue
        if (
            n in W.ATTACK_NOUN
            or (n in W.ATTACK_VERB and n not in W.WEAK_VERB)
            or n in W.ATTACK_PLURAL
        ):
            out.append(i)
        elif n in W.WEAK_VERB and (weapons or has_noun):
            out.append(i)
        elif i in stopped:
            out.append(i)
        elif clause.background and weapons and (n in W.KILLED or n in W.ASSASSINATION):
            out.append(i)  # "انتقاماً لمقتل قائدها بطائرة مسيرة"
    a, b = clause.start, clause.end
    return [
        i
        for i in out
        if not is_negated(tk, i, a)
        and not conditional_at(tk, i, a)  # "إذا سقط قتلى في أي هجوم …"
        and not habitual_at(tk, i, a, b)  # "عادة ما تستهدف …"
        and not considered_at(tk, i, a, b)  # "هددت الفصائل بقصف …", "هجمات وشيكة"
    ]


MAX_BACKGROUND_TRIES = 4
"""Openers of a clause read as a possible background (each try reads the clause again)."""
MAX_INCIDENT_TRIES = 4
"""Cuts of a clause tried as the start of another incident (each reads the clause again)."""


def split_background(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> list[Clause]:
    """The clause, or its background and its own report as two clauses.

    "رداً على الهجوم الذي استهدف قاعدة التاجي الأسبوع الماضي، شنت واشنطن غارات …",
    "عقب مقتل فلان في غارة أميركية، قصفت الفصائل …", "بعد ساعة من قصف استهدف قاعدة
    بلد، سقط صاروخ قرب مطار بغداد", "… قاعدة عين الأسد بعد أيام من غارة على …": an
    opener (a reply or a word of sequence), then within four words an attack (or a
    killing) told with something of its own (a place, a person, a side, a weapon or a
    date): that earlier event is a report of its own, and none of its words fill the
    roles of the sentence's attack. It runs from the opener to the comma after it (to the
    first attack verb of the sentence's own report if there is none), or to the clause's
    end when it comes last. No split when only one side tells of an attack, when the
    background is a series ("رداً على الهجمات …") or an attack the text counted
    ("على الهجوم الأول"), or when it stands in the middle of the clause.
    """
    W = word_table(tk.lang)
    norm, a, b = tk.norm, clause.start, clause.end
    commas = W.lx.COMMAS
    first = next((t for t in range(a, b) if tk.text[t] not in commas), b)
    # the first comma at or after each token that ends a background ("…، والتي جاءت …":
    # a relative after the comma goes on with it), read once from the end of the clause
    comma_at: list[int | None] = [None] * (b - a + 1)
    for t in range(b - 1, a - 1, -1):
        ends = tk.text[t] in commas and not (t + 1 < b and _relative(tk, t + 1))
        comma_at[t - a] = t if ends else comma_at[t - a + 1]
    tries = 0
    # a background clause starts with its own opener: look for the next one only
    for k in range(a + 1 if clause.background else a, b):
        n = norm[k]
        if n in W.REPLY_OPENERS:
            kind = "reply"
        elif n in W.AFTER_OPENERS:
            kind = "before"
        else:
            continue
        event = None
        for t in range(k + 1, min(b, k + 6)):
            if tk.text[t] in W.lx.COMMAS:
                break
            if norm[t] in W.ATTACK_PLURAL and norm[t] not in W.STRIKE_NOUNS:
                break  # a series, not one event ("الضربات الأمريكية" is one wave)
            if norm[t] in W.ATTACK_PLURAL:
                event = t
                break
            if norm[t] in W.ATTACK_NOUN or norm[t] in W.ASSASSINATION or norm[t] in W.KILLED:
                event = t
                break
            if is_attack_word(W, norm[t]) and norm[t - 1] in W.THAT:
                event = t  # "بعد أن قصفت الفصائل …"
                break
        if event is None or ordinal_after(tk, event, b) is not None:
            continue
        fronted = k == first
        end = b
        comma = comma_at[event + 1 - a]
        if fronted:
            if comma is not None:
                end = comma + 1
            else:
                verb = next(
                    (
                        t
                        for t in range(event + 1, b)
                        if norm[t] in W.ATTACK_VERB
                        and norm[t] not in W.WEAK_VERB
                        and norm[t - 1] not in W.lx.RELATIVES
                    ),
                    None,
                )
                if verb is None:
                    continue
                end = verb
            parts = [(k, end, kind), (end, b, "")]
        elif comma is None or comma + 1 >= b:
            parts = [(a, k, ""), (k, b, kind)]
        else:
            continue  # in the middle: the reference words are left out of the roles
        tries += 1
        if tries > MAX_BACKGROUND_TRIES:
            break  # a clause of many openers (no prose has more): keep it whole
        own, bg = None, None
        pieces = []
        for x, y, g in parts:
            if g:
                bg = replace(
                    clause, start=x, end=y, ordinal=None, background=g, level=clause.level + 1
                )
                pieces.append(bg)
            else:
                own = replace(clause, start=x, end=y)
                pieces.append(own)
        if not _tells_attack(ctx, tk, own) or not _tells_attack(ctx, tk, bg):
            continue
        if not _has_own_content(ctx, tk, bg, event):
            continue  # "رداً على الهجوم": the attack already told, linked as before
        if clause.level < 2:
            # "… الضربات الأمريكية، والتي جاءت رداً على مقتل …": a background names its own
            pieces = [q for p in pieces for q in split_background(ctx, tk, p)]
        return pieces
    return [clause]


def split_incidents(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> list[Clause]:
    """Two incidents told in one clause: joined by a comma and و before an attack verb
    ("سقط صاروخ على قاعدة بلد، وانفجرت عبوة ناسفة على رتل في الديوانية", "قصفت طائرة
    مسيرة مطار أربيل، واستهدفت طائرة أخرى قاعدة حرير"), or by و before an attack noun or
    a word of killing, as headlines do ("هجوم بمسيرة على مطار أربيل وقتيل بقصف صاروخي قرب
    الموصل"). The part after the cut is a clause of its own when it tells an attack with
    its own place (a base or place the part before does not name) and its own means
    (another weapon, or "أخرى/آخر" after the verb); "استهدف صاروخان قاعدة عين الأسد،
    وسقط أحدهما قرب المهبط" goes on telling of the same attack."""
    W = word_table(tk.lang)
    lx = W.lx
    norm, a, b = tk.norm, clause.start, clause.end
    pieces: list[Clause] = []
    start, tries = a, 0
    for k in range(a + 1, b - 1):
        if k <= start:
            continue
        if tk.text[k] in lx.COMMAS:
            v = k + 1  # "…، وانفجرت عبوة …": a comma, then و and an attack verb
            if not (norm[v] in W.ATTACK_VERB and has_proclitic(tk, v, lx.PROCLITIC_AND)):
                continue
        elif has_proclitic(tk, k, lx.PROCLITIC_AND) and (
            norm[k] in W.ATTACK_NOUN or norm[k] in W.KILLED
        ):
            v = k  # "… على مطار أربيل وقتيل بقصف …"
        else:
            continue
        tries += 1
        if tries > MAX_INCIDENT_TRIES:
            break  # a clause of many such joints (no prose has more): keep the rest whole
        first = replace(clause, start=start, end=k, ordinal=clause.ordinal if start == a else None)
        second = replace(clause, start=v, ordinal=None)
        m1 = mentions_in(ctx, *first.chars(tk))
        m2 = mentions_in(ctx, *second.chars(tk))
        places1 = {m.entity for m in m1 if m.entity.cls in ("MilitaryBase", "Place")}
        places2 = {m.entity for m in m2 if m.entity.cls in ("MilitaryBase", "Place")}
        weapons1 = {m.entity for m in m1 if m.entity.cls == "Weapon"}
        weapons2 = {m.entity for m in m2 if m.entity.cls == "Weapon"}
        another = any(n in W.NEW_EVENT_ADJ for n in norm[v + 1 : min(b, v + 5)])
        if not (places2 - places1) or places2 & places1:
            continue
        if not ((weapons2 - weapons1) or another):
            continue
        if not (_tells_attack(ctx, tk, first) and _tells_attack(ctx, tk, second)):
            continue
        pieces.append(first)
        start = v
    if not pieces:
        return [clause]
    return [*pieces, replace(clause, start=start, ordinal=None)]


def _relative(tk: DocTokens, t: int) -> bool:
    """Token t is the relative pronoun التي/الذي, maybe after و ("والتي")."""
    W = word_table(tk.lang)
    word = tk.folded[t]
    if word[:1] and word[0] in W.lx.CONJUNCTIONS and len(word) > 4:
        word = word[1:]
    return W.strip_definite(word) in W.lx.RELATIVES


def _tells_attack(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> bool:
    weapons = [m for m in mentions_in(ctx, *clause.chars(tk)) if m.entity.cls == "Weapon"]
    return bool(attack_triggers(tk, clause, weapons, munitions(ctx, weapons)))


def _has_own_content(ctx: ArticleContext, tk: DocTokens, clause: Clause, event: int) -> bool:
    """The background names something of its own: an entity or a date."""
    start, end = clause.chars(tk)
    return bool(mentions_in(ctx, start, end)) or any(
        start <= d.start and d.end <= end for d in ctx.dates
    )


def anchored(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> bool:
    """A background names what finds its event again: a base, a place that is not a whole
    country, a person, or a day ("رداً على الهجوم الذي استهدف قاعدة التاجي", "عقب مقتل
    فلان", "بعد هجوم 15 شباط"); "رداً على هجوم صاروخي" or "… في الأردن" alone do not."""
    start, end = clause.chars(tk)
    return any(
        m.entity.cls in ("MilitaryBase", "Place", "Person") for m in mentions_in(ctx, start, end)
    ) or any(start <= d.start and d.end <= end and d.precision == "day" for d in ctx.dates)


def _demonym_attacker(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> list[EntityRef]:
    """ "غارة أميركية", "القصف الأميركي", "بطائرة أمريكية من دون طيار": the state carried it out."""
    W = word_table(tk.lang)
    out = []
    for i in range(clause.start, clause.end):
        ref = ctx.demonyms.get(tk.norm[i])
        if ref is None:
            continue
        prev = prev_words(tk, i, 2, clause.start)
        if not prev:
            continue
        if (
            prev[-1] in W.STRIKE_NOUNS
            or prev[-1] in W.ATTACK_NOUN
            or prev[-1] == W.lx.AVIATION
            or (prev[-1] in W.AIR_WORDS and has_proclitic(tk, i - 1, W.lx.PROCLITIC_WITH))
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
        num = number_before(ctx, tk, i, clause.start)
        if num is not None and num.value >= 3 and _counts_trigger(tk, num, i):
            return True
    norm = tk.norm
    nouns = [i for i in triggers if norm[i] in W.ATTACK_NOUN]
    a, b = clause.start, clause.end
    plurals = [
        i
        for i in range(a, b)
        if norm[i] in W.ATTACK_PLURAL
        # "… سترد إذا تكررت الهجمات": attacks in a condition or a threat are no series told
        and not conditional_at(tk, i, a)
        and not considered_at(tk, i, a, b)
    ]
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
        norm[k] in W.STRIKE_SUBJECT_VERBS or norm[k] in W.RELATIVE_AGENT
        for k in range(clause.start, clause.end)
    )  # "شنت واشنطن ضربات", "الغارات التي شنتها واشنطن"
    return not (has_date or has_actor)


def _counts_trigger(tk: DocTokens, num: NumberSpan, i: int) -> bool:
    """The number may count the attack word at token i ("24 هجوماً", "أكثر من عشرين محاولة
    هجوم", "ثلاثون من الهجمات"), unless people or a preposition other than من stand
    between them, or one is glued to the attack word: in "أصيب سبعة جنود في هجوم" and
    "قتل ثلاثة بقصف" the number counts the victims, and the attack is one."""
    W = word_table(tk.lang)
    people = W.PERSON_NOUN | W.PERSON_PLURAL
    if has_proclitic(tk, i, W.lx.PROCLITIC_WITH + W.lx.PROCLITIC_TO):
        return False
    between = []
    k = i - 1
    while k >= 0 and tk.idx[k] >= num.end:
        between.append(tk.norm[k])
        k -= 1
    return not any(n in people or (n in W.LOC_PREPS and n != W.lx.PREP_FROM) for n in between)


def _state_of(gaz: Gazetteer, ref: EntityRef) -> EntityRef:
    """A state's force as the attacker is the state (ANNOTATION: forces are part of the state)."""
    if ref.cls != "MilitaryForce":
        return ref
    for anc in sorted(gaz.ancestors(ref.iri)):
        e = gaz.by_iri.get(anc)
        if e is not None and e.cls == "State":
            return EntityRef(e.iri, e.cls, e.label_ar, e.label_en, True)
    return ref


def _purpose(tk: DocTokens, t: int, floor: int) -> bool:
    """A target cue written as "لاستهداف"/"لمهاجمة" (in order to attack) just before token t."""
    W = word_table(tk.lang)
    for k in range(max(floor, t - 3), t):
        if tk.norm[k] in W.TARGET_CUES and has_proclitic(tk, k, W.lx.PROCLITIC_TO):
            return True
    return False


def _verb_after(tk: DocTokens, m: Mention, clause: Clause) -> bool:
    W = word_table(tk.lang)
    span = tk.doc.char_span(m.start, m.end, alignment_mode="expand")
    return (
        span is not None and span.end < clause.end and tk.norm[span.end] in W.STRIKE_SUBJECT_VERBS
    )


def _disrupt_after(tk: DocTokens, m: Mention, clause: Clause) -> bool:
    """ "الدفاعات الجوية أسقطت …": the entity is the subject of a word of stopping."""
    W = word_table(tk.lang)
    span = tk.doc.char_span(m.start, m.end, alignment_mode="expand")
    return span is not None and span.end < clause.end and tk.norm[span.end] in W.DISRUPT


def attack_roles(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence
) -> list[RoleFiller]:
    """Targets, locations, weapons and (factual) attackers of an attack clause."""
    W = word_table(tk.lang)
    ms = mentions_in(ctx, *clause.chars(tk))
    attackers: list[EntityRef] = []
    targets: list[EntityRef] = []
    locations: list[EntityRef] = []
    references: list[EntityRef] = []  # "جنوب بغداد": a reference point, kept only if alone
    # "مخازن أسلحة وصواريخ": weapons stored at a target are not the weapons used
    # (a background clause is all reference: its own words are its roles)
    refs = set() if clause.background else reference_tokens(tk, clause)
    weapons = [
        m.entity
        for m in ms
        if m.entity.cls == "Weapon"
        and tk.token_at(m.start) not in refs
        and not any(w in W.STORES for w in prev_words(tk, tk.token_at(m.start), 3, clause.start))
    ]
    norms = tk.norm[clause.start : clause.end]
    blame = bool(set(norms) & (W.ATTRIB | W.CLAIM))
    # an interception: the base it came down near is the base it was aimed at
    intercepted = bool(stopped_at(tk, clause))
    # who claims, is blamed or denies is said to be responsible: never what was struck, and
    # never the attacker as a fact ("ألقت واشنطن اللوم على X": X is no target)
    parties = party_mentions(ctx, tk, clause, ev)
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
        prev = prev_words(tk, t, 3, clause.start)
        roles: tuple[str, ...] = ()
        if (
            coordinated(tk, ctx.text, m, prev_m)
            and prev_roles
            and (e.cls in LOCATION_CLASSES) == (prev_m.entity.cls in LOCATION_CLASSES)
        ):
            roles = prev_roles
        elif any(w in W.LEADS for w in prev[-2:]):
            roles = ()
        elif e.cls in ARMED_ACTORS and (
            (prev and prev[-1] in W.DISRUPT) or _disrupt_after(tk, m, clause)
        ):
            roles = ()  # "تصدت الدفاعات …", "قوات التحالف أسقطت …": who stopped it
        elif e.cls in LOCATION_CLASSES and prev and prev[-1] in W.TOWARDS:
            roles = ("target", "location")  # "صاروخ أطلق نحو مطار أربيل"
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
            if any(w in W.NEAR for w in prev) and not intercepted:
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
        if (m.start, m.end) in parties:
            roles = tuple(r for r in roles if r not in ("target", "attacker"))
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


def attack_events(
    ctx, tk: DocTokens, clause, trig, ev_base, st: EventList, sent_events: list[int]
) -> None:
    W = word_table(tk.lang)
    mark = REFERENCED_MARK if clause.background else ""
    if not mark and pluperfect(tk, clause, trig[0]):
        mark = BACKGROUND_MARK
    ev = replace(ev_base, rule="attack:" + tk.norm[trig[0]] + mark)
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
