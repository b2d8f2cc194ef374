"""The date of an event among the date expressions of its clause."""

from __future__ import annotations

from kg.pipeline.extract.context import (
    ArticleContext,
    Clause,
    prev_words,
    word_table,
)
from kg.pipeline.extract.records import (
    DateInfo,
)
from kg.pipeline.nlp.tokens import DocTokens


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
        prev = prev_words(tk, t, 5, clause.start)
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
        if deadline and not planned and category == "withdrawal":
            continue  # "بدأت القوات الانسحاب … وتعد بإنهائه بحلول نهاية مارس": not when it was done
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
        weekday=d.weekday,
    )
