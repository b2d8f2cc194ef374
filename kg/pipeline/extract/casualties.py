"""Killed and wounded counts stated in a clause (None when the text does not say).

The guide: numbers as stated, a sum only when the text gives the parts, unknown stays
unknown and 0 only when the text says there were none. A clause is read for:

- counts after a word of killing or wounding, joined by و / "إضافة إلى" and summed:
  a number and its noun ("مقتل ثلاثة جنود"), a dual ("جنديين", the construct "ضابطي
  شرطة"), a bare singular person noun ("مقاول" = 1), "وبريطاني" (and a Briton = 1),
  an ordinal that adds one more ("جنديان وثالث كندي" = 3), victims named one by one
  (a named person or a title with a name = 1, "ونجله" = 1, "وأحد مرافقيه" = 1), so
  "مقتل القيادي فلان وأحد مرافقيه" = 2 and "مقتل جنديين ومدني" = 3; a bare plural
  ("عسكريين", "آخرين", "ومرافقيه", "عدد من") is an unknown number and makes the sum
  unknown;
- counts before a casualty noun ("ثلاثة قتلى", "5 جرحى") or that are one ("قتيلان");
- counts before a verb of being killed or wounded ("سبعة جنود أصيبوا");
- counts after a phrase that names the attack ("قُتل في الغارة ثلاثة مدنيين") and in a
  clause of the sentence that tells of no event of its own ("… ، فيما أصيب خمسة");
- a negated outcome, a stated zero: "دون أن يسفر عن إصابات", "لم يسفر عن وقوع ضحايا",
  "من دون وقوع خسائر بشرية" (0 killed, 0 wounded); "لم يسفر عن قتلى" (0 killed);
  "لم يصب أحد" (0 wounded); but "لم ترد أنباء عن إصابات" says nothing is known.

"مقتل وإصابة خمسة جنود" and "خمسة قتلى وجرحى" give one figure for both: each is unknown.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

import kg.lang as kglang
from kg.lang import NumberSpan
from kg.pipeline.extract.context import (
    ArticleContext,
    Clause,
    Words,
    has_proclitic,
    split_clauses,
    word_table,
)
from kg.pipeline.nlp.tokens import DocTokens, Sentence

_NEGATION_SPAN = 9  # tokens from a negation to the casualty noun it governs
_NAME_WORDS = 4  # tokens a victim's name (after a title) may take
_CAUSE_SPAN = 8  # tokens from "في" that names the attack to the victims after it


class _Keys:
    """The NORM keys of the casualty lists (compiled once per language)."""

    def __init__(self, lang: kglang.Language):
        lx, K = lang.lexicon, lang.keys
        W = word_table(lang)
        self.killed_nouns = K(lx.KILLED_NOUNS)
        self.wounded_nouns = K(lx.WOUNDED_NOUNS)
        self.killed_verbs = K(lx.KILLED_VERBS)
        self.wounded_verbs = K(lx.WOUNDED_VERBS)
        self.killed = W.KILLED | self.killed_nouns | self.killed_verbs
        self.wounded = W.WOUNDED | self.wounded_nouns | self.wounded_verbs
        self.any_casualty = K(lx.ANY_CASUALTY_NOUNS)
        self.nobody_wounded = K(lx.NOBODY_WOUNDED_VERBS)
        self.nobody_killed = K(lx.NOBODY_KILLED_VERBS)
        self.nobody = K(lx.NOBODY)
        self.negation = K(lx.OUTCOME_NEGATION)
        self.outcome = K(lx.OUTCOME_WORDS)
        self.unknown = K(lx.UNKNOWN_OUTCOME)
        self.kin = K(lx.KIN_NOUNS)
        self.kin_plural = K(lx.KIN_PLURALS)
        self.titles = K(lx.VICTIM_TITLES)
        self.one_of = K(lx.ONE_OF)
        self.resumptive = K(lx.RESUMPTIVE)
        self.name_stop = frozenset(lx.NAME_STOP_WORDS)  # as written: "علي" is a name
        self.uncounted = frozenset(lx.UNCOUNTED)
        self.particles = K(lx.VERB_PARTICLES)
        self.corps = K(lx.CORPS_NOUNS)
        self.cause_preps = K(lx.CAUSE_PREPS)
        self.others = K(lx.OTHERS)
        self.belonging = K(lx.BELONGING_PREPS)
        self.companions = K(lx.COMPANION_WORDS)
        self.triggers = (
            W.ATTACK_NOUN
            | W.ATTACK_PLURAL
            | (W.ATTACK_VERB - W.WEAK_VERB)
            | W.WITHDRAW
            | W.HANDOVER
        )


@functools.lru_cache(maxsize=8)
def _keys(lang: kglang.Language) -> _Keys:
    return _Keys(lang)


class _Reader:
    """One clause's tokens, the numbers that stand on them, and what was counted."""

    def __init__(self, ctx: ArticleContext, tk: DocTokens, first: int, last: int):
        self.ctx, self.tk = ctx, tk
        self.W = word_table(tk.lang)
        self.C = _keys(tk.lang)
        self.toks: Sequence[int] = range(first, last)
        self.num: dict[int, NumberSpan] = {}
        start, end = tk.idx[first], tk.end[last - 1]
        # numbers and dates are in text order (kg.lang's find_numbers and find_dates)
        lo = bisect.bisect_left(ctx.numbers, start, key=lambda x: x.start)
        hi = bisect.bisect_left(ctx.numbers, end, key=lambda x: x.start)
        d_lo = bisect.bisect_left(ctx.dates, start, key=lambda d: d.end)
        d_hi = bisect.bisect_left(ctx.dates, end, key=lambda d: d.start)
        dates = ctx.dates[d_lo:d_hi]
        spans = [
            x
            for x in ctx.numbers[lo:hi]
            if x.kind in ("digits", "words", "dual", "ordinal")
            and not any(d.start <= x.start < d.end for d in dates)
        ]
        k = 0  # one walk over tokens and numbers, both in text order
        for i in self.toks:
            while k < len(spans) and spans[k].end <= tk.idx[i]:
                k += 1
            if k < len(spans) and spans[k].start < tk.end[i]:
                self.num[i] = spans[k]
        self.used: set[int] = set()  # tokens already counted
        self.one_of = tuple(tk.lang.lexicon.ONE_OF)

    def count(self, i: int) -> NumberSpan | None:
        """The cardinal (or dual) number on token i."""
        x = self.num.get(i)
        return x if x is not None and x.kind != "ordinal" else None

    def norm(self, i: int) -> str:
        return self.tk.norm[i]

    def has_and(self, i: int) -> bool:
        """Token i starts with و: a proclitic its NORM dropped, or one before the number
        on it ("وثالث")."""
        if has_proclitic(self.tk, i, self.W.lx.PROCLITIC_AND):
            return True
        text = self.tk.text[i]
        if text.startswith(self.W.lx.PROCLITIC_AND) and text[1:].startswith(self.one_of):
            return True  # "وأحد" (and one of), which folds like "واحد" (one)
        x = self.num.get(i)
        return (
            x is not None
            and x.start > self.tk.idx[i]
            and self.tk.lang.fold(self.tk.text[i]).startswith(self.W.lx.PROCLITIC_AND)
        )


def casualties(ctx: ArticleContext, tk: DocTokens, clause: Clause) -> tuple[int | None, int | None]:
    """Killed and wounded counts stated in a clause (None when not stated), read with the
    clauses of its sentence that tell of no event of their own (see :func:`_extent`)."""
    r = _Reader(ctx, tk, *_extent(tk, clause))
    C = r.C
    found: dict[str, list[int | None]] = {"k": [], "w": []}
    for kind, value in _zeros(r):
        found[kind].append(value)
    toks = list(r.toks)
    for idx, i in enumerate(toks):
        n = r.norm(i)
        kind = "k" if n in C.killed else "w" if n in C.wounded else None
        if kind is None or i in r.used:
            continue
        if _combined(r, toks, idx, kind):
            found["k"].append(None)  # "مقتل وإصابة خمسة": one figure for both
            found["w"].append(None)
            continue
        total = _count_on(r, i)  # "قتيلان"
        if total is None and (n in C.killed_nouns or n in C.wounded_nouns):
            total = _count_before_noun(r, toks, idx)  # "ثلاثة قتلى"
        if total is None and (n in C.killed_verbs or n in C.wounded_verbs):
            total = _count_before_verb(r, toks, idx)  # "سبعة جنود أصيبوا"
        if total is None:
            total, known = _count_after(r, toks, idx + 1)
            if not known:
                if total is None and _unknown_after(r, toks, idx + 1):
                    found[kind].append(None)
                continue
        r.used.add(i)
        found[kind].append(total)
    return _sum(found["k"]), _sum(found["w"])


def _extent(tk: DocTokens, clause: Clause) -> tuple[int, int]:
    """The tokens whose casualties are the clause's: the clause, the clauses after it that
    name no event of their own ("… ، فيما أصيب خمسة متعاقدين"), and, for the sentence's
    first clause that names one, the clauses before it."""
    spans, told = _sentence_clauses(tk, clause.sent)
    at = bisect.bisect_left(spans, (clause.start, clause.end))
    if at == len(spans) or spans[at] != (clause.start, clause.end):
        return clause.start, clause.end
    first, last = at, at
    while last + 1 < len(spans) and not told[last + 1]:
        last += 1
    if not any(told[:at]):
        first = 0
    return spans[first][0], spans[last][1]


@functools.lru_cache(maxsize=16)
def _sentence_clauses(
    tk: DocTokens, sent: Sentence
) -> tuple[tuple[tuple[int, int], ...], tuple[bool, ...]]:
    """The (start, end) tokens of the clauses of a sentence, in order, and whether each
    names an event of its own (computed once per sentence, not once per clause)."""
    C = _keys(tk.lang)
    clauses = split_clauses(tk, sent)
    spans = tuple((c.start, c.end) for c in clauses)
    told = tuple(any(tk.norm[i] in C.triggers for i in range(a, b)) for a, b in spans)
    return spans, told


def _sum(values: list[int | None]) -> int | None:
    """The parts' sum; unknown when no part is stated or one part is unknown."""
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


# --------------------------------------------------------------------------- zero


def _zeros(r: _Reader) -> list[tuple[str, int]]:
    """Stated zeros: a casualty noun governed by a negation ("دون أن يسفر عن إصابات",
    "لم يسفر عن قتلى"), or a negated verb of harm with "أحد" ("لم يصب أحد")."""
    C = r.C
    out: list[tuple[str, int]] = []
    toks = list(r.toks)
    for idx, i in enumerate(toks):
        n = r.norm(i)
        if n in C.any_casualty:
            kinds = ("k", "w")
        elif n in C.killed_nouns:
            kinds = ("k",)
        elif n in C.wounded_nouns:
            kinds = ("w",)
        elif (n in C.nobody_wounded or n in C.nobody_killed) and idx + 1 < len(toks):
            if (
                r.norm(toks[idx + 1]) in C.nobody
                and idx > 0
                and r.norm(toks[idx - 1]) in C.negation
            ):
                out.append(("w" if n in C.nobody_wounded else "k", 0))
                r.used.update((i, toks[idx + 1]))
            continue
        else:
            continue
        if not _negated_outcome(r, toks, idx):
            continue
        out.extend((k, 0) for k in kinds)
        r.used.add(i)
        # "لم يسفر عن سقوط قتلى أو جرحى": the noun joined to it is negated too
        if idx + 2 < len(toks) and r.norm(toks[idx + 2]) in C.wounded_nouns | C.killed_nouns:
            j = toks[idx + 2]
            out.append(("w" if r.norm(j) in C.wounded_nouns else "k", 0))
            r.used.add(j)
    return out


def _negated_outcome(r: _Reader, toks: list[int], idx: int) -> bool:
    """A negation governs the casualty noun at toks[idx]: it stands a few words before and
    governs the noun or a word of outcome ("لم يسفر الهجوم عن إصابات", "من دون تسجيل
    إصابات", "لا إصابات"), with no number, relative clause or word of unknowing between
    ("لم ترد أنباء عن …") and none after the noun ("خسائر مادية")."""
    C, W = r.C, r.W
    if idx + 1 < len(toks) and r.norm(toks[idx + 1]) in C.unknown:
        return False
    for k in range(idx - 1, max(-1, idx - 1 - _NEGATION_SPAN), -1):
        j = toks[k]
        norm = r.norm(j)
        if norm in C.unknown or norm in W.lx.RELATIVES or j in r.num:
            return False
        if norm in C.negation:
            nxt = k + 1
            while nxt < idx and r.norm(toks[nxt]) in W.THAT:
                nxt += 1  # "دون أن يسفر"
            return nxt == idx or r.norm(toks[nxt]) in C.outcome
    return False


# --------------------------------------------------------------------------- counts


def _combined(r: _Reader, toks: list[int], idx: int, kind: str) -> bool:
    """ "مقتل وإصابة خمسة", "خمسة قتلى وجرحى": a killing word and a wounding word joined
    by و share one figure."""
    verbs = r.C.killed_verbs | r.C.wounded_verbs  # "جنديان قتلا وأصيب ثلاثة": two verbs
    other = (r.C.wounded if kind == "k" else r.C.killed) - verbs
    i = toks[idx]
    if r.norm(i) in verbs:
        return False
    if idx + 1 < len(toks) and r.norm(toks[idx + 1]) in other and r.has_and(toks[idx + 1]):
        return True
    return idx > 0 and r.norm(toks[idx - 1]) in other and r.has_and(i)


def _count_on(r: _Reader, i: int) -> int | None:
    """A casualty noun that is itself a number: "قتيلان", "جريحين"."""
    x = r.count(i)
    if x is not None and x.kind == "dual":
        return x.value
    return None


def _count_before_noun(r: _Reader, toks: list[int], idx: int) -> int | None:
    """ "ثلاثة قتلى", "12 جريحا": the number right before the noun."""
    if idx == 0:
        return None
    j = toks[idx - 1]
    x = r.count(j)
    if x is None or j in r.used:
        return None
    r.used.add(j)
    return x.value


def _count_before_verb(r: _Reader, toks: list[int], idx: int) -> int | None:
    """ "سبعة جنود أصيبوا", "جنديان وثالث كندي قتلوا": the longest run of counted items
    that ends right before the verb."""
    if r.has_and(toks[idx]):
        return None  # "… ثلاثة جنود وأصيب آخرون": what stands before و is another verb's
    verb = idx
    while verb > 0 and r.norm(toks[verb - 1]) in r.C.particles:
        verb -= 1  # "ثلاثة جنود قد قُتلوا"
    for start in range(max(0, verb - 10), verb):
        i = toks[start]
        if i in r.used or not (
            r.count(i) is not None
            or r.norm(i) in r.W.PERSON_NOUN
            or r.norm(i) in r.C.titles
            or _person_at(r, i)
        ):
            continue
        if start > 0 and r.has_and(i):
            continue  # the run starts at its first item, not after a و
        total, known, end = _items(r, toks, start)
        if known and end == verb and total is not None:
            r.used.update(toks[start:verb])
            # "القيادي فلان استشهد مع أحد مرافقيه": a companion after the verb
            after = idx + 1
            if after < len(toks) and r.norm(toks[after]) in r.C.companions:
                more, more_known, more_end = _items(r, toks, after + 1)
                if not more_known:
                    return None
                r.used.update(toks[after:more_end])
                total += more or 0
            return total
    return None


def _count_after(r: _Reader, toks: list[int], j: int) -> tuple[int | None, bool]:
    """(total, known) of the people counted from toks[j] on: after a resumptive ("وقتل
    فيها سليماني") or a phrase that names the attack ("قُتل في الغارة ثلاثة مدنيين")."""
    while j < len(toks) and r.norm(toks[j]) in r.C.resumptive:
        j += 1
    j = _past_cause(r, toks, j)
    total, known, end = _items(r, toks, j)
    if known:
        r.used.update(toks[j:end])
    return total, known


def _past_cause(r: _Reader, toks: list[int], j: int) -> int:
    """After "في/جراء/إثر" and a few words that name the attack ("في الغارة الأمريكية"),
    the index of the counted item that follows; else ``j`` itself."""
    if j >= len(toks) or r.norm(toks[j]) not in r.C.cause_preps:
        return j
    W = r.W
    attack = False
    for k in range(j + 1, min(len(toks), j + _CAUSE_SPAN)):
        i = toks[k]
        m = r.ctx.mention_at.get(r.tk.idx[i])
        attack = attack or r.norm(i) in W.ATTACK_NOUN or r.norm(i) in W.ATTACK_PLURAL
        attack = attack or (m is not None and m.entity.cls == "Weapon")
        if attack and (r.count(i) is not None or r.norm(i) in W.PERSON_NOUN):
            return k
    return j


def _unknown_after(r: _Reader, toks: list[int], j: int) -> bool:
    """An uncounted number of people follows: "عدد من الجرحى", "عسكريين", "ومرافقيه"."""
    while j < len(toks) and r.norm(toks[j]) in r.C.resumptive:
        j += 1
    return j < len(toks) and _uncounted(r, toks[j])


def _uncounted(r: _Reader, i: int) -> bool:
    n = r.norm(i)
    return n in r.W.PERSON_PLURAL or n in r.C.uncounted or n in r.C.kin_plural


def _items(r: _Reader, toks: list[int], j: int) -> tuple[int | None, bool, int]:
    """(total, known, next index) of the counted items from toks[j] on.

    An item is a number (and its noun), a dual, a singular person noun, a named person
    or a title and a name, a noun of kin, "أحد …", and after the first one "و" with a
    nisba adjective ("وبريطاني") or with the next ordinal ("وثالث"). Items are joined by
    و, a comma or "إضافة إلى"; after a comma an item without و is an apposition, not
    another victim ("سليماني، قائد فيلق القدس")."""
    W, C = r.W, r.C
    tk = r.tk
    n = len(toks)
    total = 0
    seen = False
    while j < n:
        i = toks[j]
        norm = r.norm(i)
        x = r.count(i)
        ordinal = r.num.get(i) if r.num.get(i) is not None and x is None else None
        if x is not None:
            total += x.value
            j = _past(r, toks, j, x)
            j = _skip_noun_phrase(r, toks, j)
        elif seen and ordinal is not None and ordinal.value == total + 1 and r.has_and(i):
            total += 1  # "جنديان وثالث": a third one
            j = _skip_noun_phrase(r, toks, _past(r, toks, j, ordinal))
        elif (
            ordinal is not None
            and j + 1 < n
            and r.norm(toks[j + 1]) in W.PERSON_NOUN
            and not r.has_and(i)
        ):
            total += 1  # "قتل أول جندي أمريكي", "ثالث جندي": one, the ordinal is his rank
            j = _skip_noun_phrase(r, toks, j + 1)
        elif norm in W.PERSON_NOUN or norm in C.kin or (seen and r.has_and(i) and _is_adj(W, norm)):
            total += 1
            j = _skip_noun_phrase(r, toks, j + 1)
            j = _skip_agreeing(r, toks, j)  # "مدني واحد", "جندي ثان"
        elif norm in C.one_of and j + 1 < n:
            total += 1  # "وأحد مرافقيه", "أحد الجنود"
            j = _skip_noun_phrase(r, toks, j + 2)
        elif norm in C.titles or _person_at(r, i):
            total += 1  # "القائد فلان", "سليماني"
            j = _skip_name(r, toks, j + (0 if _person_at(r, i) else 1))
            if _apposition(r, toks, j):
                # "فلان، المعروف بأبي علي، وأحد مرافقيه": a description between commas,
                # then the list goes on; "سليماني، قائد …، في 3 يناير … إلى جانب المهندس":
                # where the list of the named ends is not said, and neither is their number
                past = _past_description(r, toks, j)
                if past is None:
                    return None, False, len(toks)
                j = past
        elif norm in W.PERSON_PLURAL and j + 1 < n and r.count(toks[j + 1]) is not None:
            x = r.count(toks[j + 1])  # "متعاقدين اثنين", "جنود ثلاثة"
            total += x.value
            j = _skip_noun_phrase(r, toks, _past(r, toks, j + 1, x))
        elif _uncounted(r, i):
            return None, False, j
        else:
            break
        seen = True
        comma = companion = False
        while j < n and (
            r.norm(toks[j]) in W.lx.COUNT_JOINERS
            or r.norm(toks[j]) in C.companions
            or tk.text[toks[j]] in W.lx.COMMAS
        ):
            comma = comma or tk.text[toks[j]] in W.lx.COMMAS
            companion = companion or r.norm(toks[j]) in C.companions
            j += 1
        if j < n and not (
            r.has_and(toks[j])
            or (companion and _item_start(r, toks[j]))  # "مع أحد مرافقيه"
            or (not comma and r.count(toks[j]) is not None)
            or (not comma and r.norm(toks[j]) in W.PERSON_NOUN)
        ):
            break
    return (total, True, j) if seen else (None, False, j)


def _apposition(r: _Reader, toks: list[int], j: int) -> bool:
    """A comma after a named victim opens a description of him ("سليماني، قائد …"), not
    another victim (which would be joined by و or be a number)."""
    if j + 1 >= len(toks) or r.tk.text[toks[j]] not in r.W.lx.COMMAS:
        return False
    nxt = toks[j + 1]
    return not (r.has_and(nxt) or r.count(nxt) is not None)


def _past_description(r: _Reader, toks: list[int], j: int) -> int | None:
    """From the comma at toks[j] that opens a description, the index of the comma that
    closes it when a و-joined item follows; None when none follows."""
    commas = r.W.lx.COMMAS
    for k in range(j + 1, min(len(toks) - 1, j + 12)):
        if r.tk.text[toks[k]] in commas:
            nxt = toks[k + 1]
            if r.has_and(nxt) and (_item_start(r, nxt) or r.count(nxt) is not None):
                return k
            return None
    return None


def _item_start(r: _Reader, i: int) -> bool:
    """Token i can start a counted item (a number is tested apart)."""
    n = r.norm(i)
    return (
        n in r.W.PERSON_NOUN
        or n in r.C.kin
        or n in r.C.one_of
        or n in r.C.titles
        or _person_at(r, i)
    )


def _past(r: _Reader, toks: list[int], j: int, x: NumberSpan) -> int:
    """The index of the first token after the number ``x`` (which starts at toks[j])."""
    while j < len(toks) and r.tk.idx[toks[j]] < x.end:
        j += 1
    return j


def _skip_agreeing(r: _Reader, toks: list[int], j: int) -> int:
    """An agreeing "واحد" or ordinal after a counted noun is no further victim."""
    if j < len(toks) and not r.has_and(toks[j]):
        x = r.num.get(toks[j])
        if x is not None and (x.kind == "ordinal" or x.value == 1):
            return _past(r, toks, j, x)
    return j


def _skip_noun_phrase(r: _Reader, toks: list[int], j: int) -> int:
    """Skip the counted noun, its adjectives and "من عناصر التحالف"."""
    W = r.W
    n = len(toks)
    while (
        j < n
        and not r.has_and(toks[j])
        and (
            r.norm(toks[j]) in W.PERSON_NOUN
            or r.norm(toks[j]) in W.PERSON_PLURAL
            or r.norm(toks[j]) in r.C.kin_plural
            or r.norm(toks[j]) in r.C.others  # "خمسة آخرون"
            or r.norm(toks[j]) in r.C.corps  # "ضابطا أمن"
            or _is_adj(W, r.norm(toks[j]))
        )
    ):
        j += 1
    if j < n and r.norm(toks[j]) == W.lx.PREP_FROM:
        j += 1
        while (
            j < n
            and not r.has_and(toks[j])
            and (
                r.norm(toks[j]) in W.PERSON_PLURAL
                or r.norm(toks[j]) in W.PERSON_NOUN
                or r.norm(toks[j]) in r.C.kin_plural
                or _owner(r.ctx, r.tk.idx[toks[j]])
                or _is_adj(W, r.norm(toks[j]))
            )
        ):
            j += 1
    while j < n and _owner(r.ctx, r.tk.idx[toks[j]]):
        j += 1
    return j


def _skip_name(r: _Reader, toks: list[int], j: int) -> int:
    """Skip what names one victim after a title: the bodies and states of the title
    ("قائد فيلق القدس الإيراني"), other titles ("نائب رئيس هيئة …"), and the name, a
    person's mention or up to a few name words ("أبو علي")."""
    n = len(toks)
    name_words = 0
    while j < n and not (r.has_and(toks[j]) or r.tk.text[toks[j]] in r.W.lx.COMMAS):
        i = toks[j]
        m = r.ctx.mention_at.get(r.tk.idx[i])
        norm = r.norm(i)
        nxt = r.ctx.mention_at.get(r.tk.idx[toks[j + 1]]) if j + 1 < n else None
        if m is None and norm in r.C.belonging and nxt is not None:
            j += 1  # "القيادي في حركة النجباء فلان": the body he belongs to
            continue
        if m is not None and m.entity.cls != "Weapon":
            while j < n and r.tk.idx[toks[j]] < m.end:
                j += 1  # (a person's mention may hold only part of his name: go on)
        elif norm in r.C.titles or _is_adj(r.W, norm):
            j += 1
        elif (
            name_words < _NAME_WORDS
            and r.tk.text[i] not in r.C.name_stop
            and i not in r.num
            and norm not in r.C.killed | r.C.wounded
            and r.W.lx.NAME_WORD.match(r.tk.text[i])
        ):
            name_words += 1
            j += 1
        else:
            break
    return j


def _person_at(r: _Reader, i: int) -> bool:
    m = r.ctx.mention_at.get(r.tk.idx[i])
    return m is not None and m.entity.cls == "Person"


def _is_adj(W: Words, n: str) -> bool:
    """A NORM that reads as a nisba adjective ("عراقيين", "أمريكي")."""
    return len(n) > 3 and n.endswith(W.lx.NISBA_ENDINGS) and n not in W.PERSON_NOUN


def _owner(ctx: ArticleContext, char: int) -> bool:
    """The mention at character ``char`` names a force, state, coalition or group."""
    m = ctx.mention_at.get(char)  # the first mention (in their order) covering char
    return m is not None and m.entity.cls in ("Coalition", "MilitaryForce", "State", "ArmedGroup")
