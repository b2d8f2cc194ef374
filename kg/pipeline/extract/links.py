"""Links between the reports of one article: retaliation ("ردا على"), a reference
that places an earlier attack, and a sentence that continues the attack before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kg.pipeline.extract.context import (
    REFERENCED_MARK,
    definite_after_proclitics,
    is_reference,
    ordinal_after,
    starts_definite,
    word_table,
)
from kg.pipeline.extract.records import (
    EntityRef,
    EventRecord,
    Evidence,
    RoleFiller,
)
from kg.pipeline.nlp.tokens import DocTokens, Sentence


def link_retaliation(ctx, tk: DocTokens, sent, events, sent_events, last_attack_sentence) -> None:
    """'ردا على', 'ردت واشنطن', 'الهجوم الانتقامي', 'أعقب ذلك', 'كان سببا في'.

    A reference "الهجوم الأول للتاجي" also tells where that attack was: the
    place is added to the attack it names (and to its dual sibling that has none).
    """
    W = word_table(tk.lang)
    text = W.fold(sent.text)
    attacks = [
        i for i in sent_events if events[i].category == "attack" and not is_referenced(events[i])
    ]
    if not attacks:
        return
    words = set((text.replace(W.lx.COMMA, " ") if W.lx.COMMA else text).split())
    reply = bool(words & W.REPLY_WORDS) or any(W.fold(p) in text for p in W.lx.REPLY_PHRASES)
    if not reply:
        return
    answered: list[int] = []
    for i in range(sent.start, sent.end):
        ordn = ordinal_after(tk, i, sent.end)
        if ordn is None or not is_reference(tk, i, sent.start):
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
                if at < m.start <= at + 25
                and m.end <= sent.end_char  # the place named in this sentence only
                and m.entity.cls in ("MilitaryBase", "Place")
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
    for i in attacks:
        answers(events, i, answered)


def is_referenced(e: EventRecord) -> bool:
    """A report of an event the sentence names as its background ("رداً على الهجوم الذي …")."""
    return e.sources[0].rule.endswith(REFERENCED_MARK)


def answers(events: list[EventRecord], i: int, answered: list[int]) -> None:
    """Report i answers (or was caused by) the reports ``answered``; never one dated after
    it: a retaliation points to an earlier event."""
    e = events[i]
    ids = tuple(events[a].local_id for a in answered if a != i and not _later(events[a], e))
    if ids:
        events[i] = replace(e, retaliation_for=tuple(dict.fromkeys(e.retaliation_for + ids)))


def _later(a: EventRecord, b: EventRecord) -> bool:
    """Report a is dated after report b (both dated): a cannot be what b answers."""
    if not (a.date and b.date and a.date.earliest and b.date.latest):
        return False
    return a.date.earliest > b.date.latest


def link_background(
    events: list[EventRecord], clauses: list, clause_events: list[list[int]]
) -> bool:
    """Links told by the shape of the sentence: the sentence's attacks answer the
    background they reply to ("رداً على الهجوم الذي …، شنت …"), and an effect clause's
    attacks were caused by the attacks of the clause before ("…، كان سبباً في الغارة
    …"). True if the sentence's reply was read this way (no other reply is looked for)."""

    def attacks_at(level: int) -> list[int]:
        return [
            i
            for c, idx in zip(clauses, clause_events, strict=True)
            if c.level == level
            for i in idx
            if events[i].category == "attack"
        ]

    replied = False
    for c, idx in zip(clauses, clause_events, strict=True):
        attacks = [i for i in idx if events[i].category == "attack"]
        if c.background == "reply" and attacks:
            # the reports one level up answer it: the sentence's own, or the background
            # that names it ("… الضربات الأمريكية، والتي جاءت رداً على مقتل …")
            replied = replied or c.level == 1
            for i in attacks_at(c.level - 1):
                answers(events, i, attacks)
    for n, (c, idx) in enumerate(zip(clauses, clause_events, strict=True)):
        if not c.effect or n == 0:
            continue
        causes = [
            i
            for c2, idx2 in zip(clauses[:n], clause_events[:n], strict=True)
            if not c2.background
            for i in idx2
            if events[i].category == "attack"
        ]
        for i in idx:
            if events[i].category == "attack":
                answers(events, i, causes)
    return replied


def _replies_to_series(tk: DocTokens, sent: Sentence) -> bool:
    W = word_table(tk.lang)
    for i in range(sent.start, sent.end):
        if (
            tk.norm[i] in W.ATTACK_PLURAL
            and is_reference(tk, i, sent.start)
            and not definite_after_proclitics(W, tk.text[i])
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


def continuation(tk: DocTokens, text, sent, events, attacks_here, last_attack_sentence) -> None:
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
        ) and starts_definite(W, core):
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
