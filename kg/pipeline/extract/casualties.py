"""Killed and wounded counts stated in a clause (None when the text does not say)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.lang import NumberSpan
from kg.pipeline.extract.context import (
    ArticleContext,
    Clause,
    Words,
    has_proclitic,
    phrase_in,
    word_table,
)
from kg.pipeline.nlp.tokens import DocTokens


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
    if phrase_in(W, text, W.lx.NO_CASUALTY_PHRASES):
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
            seen and has_proclitic(tk, i, W.lx.PROCLITIC_AND) and _is_adj(W, norm[i])
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
            has_proclitic(tk, toks[j], W.lx.PROCLITIC_AND)
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
        or (_is_adj(W, norm[toks[j]]) and not has_proclitic(tk, toks[j], W.lx.PROCLITIC_AND))
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
