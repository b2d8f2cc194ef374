"""Events from sentences: attacks and withdrawals with roles, dates, casualties, claims.

The rules read a sentence as a researcher would:

1. find triggers (attack nouns and verbs, a word of stopping with a munition:
   "أسقطت الدفاعات طائرة مسيرة" is an attack, disrupted; withdrawal, handover and
   redeployment words) on the token NORMs; "رد على الهجوم الأول" refers to an
   attack, it does not report a new one; "تطلق على نفسها" names, it does not launch;
2. drop what is not a single event, trigger by trigger: aggregates ("24 هجوماً",
   "هجمات" in general), negated events ("لم تتعرض لهجمات"), attacks in the
   condition of a conditional ("إذا سقط قتلى في أي هجوم …"), habits ("عادة ما
   تستهدف …"), and attacks threatened, planned, discussed or expected ("هددت
   بقصف …", "هجوم وشيك");
3. split a sentence into clauses where it reports two events ("في حين أدى الهجوم
   الثاني …", a causal predicate between two attacks: "…، كان سبباً في الغارة التي
   …"), a background event it names into a clause and a report of its own
   ("رداً على الهجوم الذي استهدف …،", "عقب مقتل فلان في غارة …،", "بعد ساعة من قصف
   …،": its roles are never the main report's), and a dual ("هجومان", "لهجومين")
   into two events whose later description ("الهجوم الثاني، السبت") completes
   the right one;
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
   casualties, retaliation links (to the background a reply names, to the cause
   a causal predicate names, else to the attack told just before; never to an
   event dated later), and "الصاروخان/القصف" in the next sentence continuing
   the same event.

Each record keeps the sentence and the rule that produced it. The words are the
doc's language's (``doc_tokens(doc).lang``, kg.lang): the rules read its lexicon by
name, compiled once per language (:class:`Words`); the examples above are Arabic.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from kg.pipeline.extract import budget
from kg.pipeline.extract.attacks import (
    anchored,
    attack_events,
    attack_triggers,
    is_aggregate,
    munitions,
    split_background,
    split_incidents,
)
from kg.pipeline.extract.context import (
    ArticleContext,
    EventList,
    conditional_at,
    mentions_in,
    place_contains,
    split_clauses,
    word_table,
)
from kg.pipeline.extract.links import (
    continuation,
    is_referenced,
    link_background,
    link_retaliation,
)
from kg.pipeline.extract.records import (
    EventRecord,
    Evidence,
)
from kg.pipeline.extract.responsibility import (
    responsibility,
)
from kg.pipeline.extract.withdrawals import (
    withdrawal_events,
    withdrawal_subclauses,
    withdrawal_type,
)
from kg.pipeline.nlp.tokens import DocTokens, doc_tokens

__all__ = ["ArticleContext", "extract_events", "place_contains"]


def extract_events(
    ctx: ArticleContext, doc: Doc, *, deadline: float | None = None
) -> list[EventRecord]:
    """Events of one article, in text order, with sentence-level evidence.

    ``deadline`` (a ``time.monotonic()`` value): raise
    :class:`~kg.pipeline.extract.budget.ArticleTimeout` once it has passed (checked per sentence).
    """
    tk = doc_tokens(doc)
    st = EventList(events=[])
    last_attack_sentence: list[int] = []
    last_attack_at = -2
    for n_sent, sent in enumerate(tk.sents):
        budget.check(deadline)
        ev_base = Evidence(
            ctx.article, ctx.article_id, sent.start_char, sent.end_char, sent.text, ""
        )
        sent_events: list[int] = []
        aggregate = False
        # a background event the sentence names ("رداً على الهجوم الذي …", "عقب مقتل فلان
        # في غارة …") is a clause of its own: its report, never a source of the main roles
        clauses = [
            c
            for clause in split_clauses(tk, sent)
            for part in split_incidents(ctx, tk, clause)
            for c in split_background(ctx, tk, part)
        ]
        found: list[list[int]] = []
        for clause in clauses:
            before = len(sent_events)
            aggregate = clause_events(ctx, tk, clause, ev_base, st, sent_events) or aggregate
            found.append(sent_events[before:])
            # responsibility: this clause's attacks, else the attacks reported before it
            # ("وحمّلت كتائب حزب الله المسؤولية، وأعقب ذلك غارات …": the blame is for the
            # attack of the previous sentence, not for the strikes that followed)
            resp = responsibility(ctx, tk, clause, replace(ev_base, rule="responsibility"))
            if resp and blame_in_condition(tk, clause):
                resp = []  # "إذا ثبت أن الفصيل يقف وراء الهجوم …": no one is blamed yet
            if not resp:
                continue  # nothing to add to any event
            here = [i for i in sent_events[before:] if st.events[i].category == "attack"]
            earlier = [
                i
                for i in sent_events[:before]
                if st.events[i].category == "attack" and not is_referenced(st.events[i])
            ]
            previous = (
                last_attack_sentence if last_attack_at == n_sent - 1 and not aggregate else []
            )
            targets = here or earlier or previous
            for i in targets:
                st.events[i] = replace(
                    st.events[i], responsibility=st.events[i].responsibility + tuple(resp)
                )
        attacks_all = [i for i in sent_events if st.events[i].category == "attack"]
        # the sentence's own attacks (a background's report only when there is none)
        attacks_here = [i for i in attacks_all if not is_referenced(st.events[i])] or attacks_all
        if not link_background(st.events, clauses, found):
            link_retaliation(ctx, tk, sent, st.events, sent_events, last_attack_sentence)
        continuation(tk, ctx.text, sent, st.events, attacks_here, last_attack_sentence)
        if attacks_here:
            last_attack_sentence = attacks_here
            last_attack_at = n_sent
    return st.events


def blame_in_condition(tk: DocTokens, clause) -> bool:
    """A word of claiming or blaming stands in the condition of a conditional ("إذا ثبت
    أن الفصيل يقف وراء الهجوم", "في حال تبنت الجماعة …"): the clause blames nobody."""
    W = word_table(tk.lang)
    words = W.CLAIM | W.ATTRIB | W.BEHIND_VERBS
    return any(
        tk.norm[i] in words and conditional_at(tk, i, clause.start)
        for i in range(clause.start, clause.end)
    )


def clause_events(ctx, tk: DocTokens, clause, ev_base, st, sent_events) -> bool:
    """Record the attack or withdrawal events of one clause; True if it is an aggregate.

    What is not an event is decided trigger by trigger (attacks.attack_triggers): a
    negated, conditional, habitual, threatened or expected attack is none.
    """
    if clause.background and not anchored(ctx, tk, clause):
        return False  # a background with nothing to find it by: a reference, no report
    weapons = [m for m in mentions_in(ctx, *clause.chars(tk)) if m.entity.cls == "Weapon"]
    trig = attack_triggers(tk, clause, weapons, munitions(ctx, weapons))
    if trig:
        if is_aggregate(ctx, tk, clause, trig):
            return True
        attack_events(ctx, tk, clause, trig, ev_base, st, sent_events)
        return False
    wd = withdrawal_type(ctx, tk, clause)
    if wd is not None:
        for sub in withdrawal_subclauses(tk, clause, wd[1]):
            sub_type = withdrawal_type(ctx, tk, sub)
            if sub_type is not None:
                withdrawal_events(ctx, tk, sub, sub_type, ev_base, st, sent_events)
    return False
