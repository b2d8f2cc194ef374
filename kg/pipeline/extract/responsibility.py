"""Who claims an attack, who is blamed and by whom, and that nobody claimed it.

Responsibility is never an attacker (ANNOTATION.md): a claim, an attribution
with its accuser, or a statement that no one claimed it.
"""

from __future__ import annotations

from kg.pipeline.extract.context import (
    ARMED_ACTORS,
    ArticleContext,
    Clause,
    has_proclitic,
    is_negated,
    mentions_in,
    phrase_in,
    prev_words,
    word_table,
)
from kg.pipeline.extract.records import (
    Evidence,
    Responsibility,
)
from kg.pipeline.nlp.tokens import DocTokens


def responsibility(
    ctx: ArticleContext, tk: DocTokens, clause: Clause, ev: Evidence
) -> list[Responsibility]:
    """Claims, attributions (with who blames) and 'nobody claimed it' in a clause."""
    W = word_table(tk.lang)
    out: list[Responsibility] = []
    if phrase_in(W, clause.text(tk), W.lx.NO_CLAIM_PHRASES):
        out.append(Responsibility("noclaim", None, (), ev))
    ms = [
        m
        for m in mentions_in(ctx, *clause.chars(tk))
        if m.entity.cls in ARMED_ACTORS | {"Organisation"}
    ]
    norm = tk.norm
    for i in range(clause.start, clause.end):
        n = norm[i]
        if n in W.CLAIM:
            window = tk.span_text(max(clause.start, i - 3), i + 1)
            if is_negated(tk, i, clause.start) or phrase_in(W, window, W.lx.NO_CLAIM_PHRASES):
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
                    if has_proclitic(tk, t, W.lx.PROCLITIC_TO) or prev_words(tk, t, 1) == [
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
