"""Scoring a build's events and entities against a gold file.

The gold file (``gold/seeds.gold.json``, written by reading the articles with
``ANNOTATION.md``) lists entities by slug and events with roles and sources;
a gold source is an exact quote from an article. A build writes
``events.jsonl`` and ``entities.jsonl`` (contracts in ``docs/DATA_MODEL.md``),
whose sources are sentence spans ``[start, end)`` in the article text as read.

Everything here is pure: values in, a frozen :class:`Report` out. The only
input read from disk is the corpus text needed to locate gold quotes, through
:func:`kg.pipeline.corpus.read_article` so that offsets mean what the builder means.

**Event matching.** A predicted and a gold event are *compatible* when they
have the same category and at least one predicted source span overlaps a
gold quote span in the same article. Among compatible pairs, a one-to-one
assignment is chosen that maximises first the number of matched pairs and
then the number of overlapping (gold source, predicted source) pairs: an
exact maximum-weight bipartite matching (Hungarian algorithm) with weight
``BIG + overlaps``, ``BIG`` larger than any possible total of overlaps, so
cardinality always wins. Ties are resolved deterministically by the order of
the gold file and of ``events.jsonl``. A second matching that also requires
the type to agree gives the "category+type" figures.

**Entity references.** A gold reference is a slug, or alternatives ``a|b``
(either is correct). A predicted entity ``{iri, label_ar, ...}`` matches a
slug when its IRI ends with ``/entity/<slug>`` or when its Arabic label equals
the gold entity's Arabic label (``ar``, or any ``ar_alt``) after Arabic folding
(``kg.lang.get("ar").fold``) and dropping a leading ال on each word.

**Roles** are compared over matched pairs. A list role is correct when every
gold reference is matched by some predicted entity and every predicted entity
matches some gold reference (so an empty gold list needs an empty prediction,
and naming a state and its forces for one ``united-states|us-forces`` slot is
fine). ``attributed_to`` compares (entity, by-set) pairs the same way;
``retaliation_for`` maps predicted event ids through the matching to gids;
``date`` compares value and precision. The micro set F1 of a list role counts
predicted entities that match some gold reference (precision) and gold
references matched by some predicted entity (recall).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import kg.lang as kglang
from kg.errors import InputError
from kg.pipeline.corpus import article_id_for, read_article
from kg.vocab.kinds import ENTITY_VALUED
from kg.vocab.kinds import ROLES as KIND_ROLES

__all__ = [
    "ENTITY_ROLES",
    "GoldError",
    "LIST_ROLES",
    "ROLES",
    "Match",
    "PRF",
    "Report",
    "RoleMismatch",
    "RoleScore",
    "evaluate",
    "format_report",
    "label_key",
    "load_gold",
    "locate_quote",
    "read_jsonl",
]

_SCORED = tuple(r for r in KIND_ROLES if r.field)
ENTITY_ROLES = tuple(r.field for r in _SCORED if r.kind in ("entity", "claim", "denial"))
"""Roles whose gold values are lists of entities, scored by label."""
LIST_ROLES = tuple(r.field for r in _SCORED if r.kind in (*ENTITY_VALUED, "event"))
"""Roles scored as sets (entities, and the events an event answered)."""
ROLES = (
    *(r.field for r in _SCORED if r.kind != "event"),
    "status",
    "date",
    *(r.field for r in _SCORED if r.kind == "event"),
)
"""Every field scored per matched event pair (kg.vocab.kinds' roles, status and date)."""


class GoldError(InputError):
    """The gold file is malformed or does not fit the corpus (names article and quote)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the counts behind them."""

    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int
    correct_pred: int
    correct_gold: int

    @classmethod
    def from_counts(cls, correct_pred: int, n_pred: int, correct_gold: int, n_gold: int) -> PRF:
        p = correct_pred / n_pred if n_pred else 1.0
        r = correct_gold / n_gold if n_gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, n_pred, n_gold, correct_pred, correct_gold)


@dataclass(frozen=True)
class RoleScore:
    """Accuracy of one role over matched pairs (None when nothing matched)."""

    role: str
    accuracy: float | None
    correct: int
    total: int
    set_scores: PRF | None = None
    """Micro set P/R/F1 over entities, for list roles."""


@dataclass(frozen=True)
class Match:
    gid: str
    pred_id: str
    overlaps: int
    type_ok: bool


@dataclass(frozen=True)
class RoleMismatch:
    gid: str
    pred_id: str
    role: str
    gold: Any
    pred: Any


@dataclass(frozen=True)
class Report:
    """Everything the evaluator found; :meth:`to_dict` gives the JSON form."""

    events: PRF
    events_typed: PRF
    type_accuracy: float | None
    roles: tuple[RoleScore, ...]
    roles_macro: float | None
    entities: PRF
    matches: tuple[Match, ...] = ()
    gold_unmatched: tuple[Mapping[str, Any], ...] = ()
    pred_unmatched: tuple[Mapping[str, Any], ...] = ()
    role_mismatches: tuple[RoleMismatch, ...] = ()
    entities_missing: tuple[str, ...] = ()
    entities_spurious: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    duplicates: float | None = None
    """Predicted events not matched to a gold event but overlapping the sources of a
    gold event that was found (an extra report of an event already found), over the
    predicted events."""
    confidence: Mapping[str, Any] = field(default_factory=dict)
    """Does the events' confidence rank? The mean confidence of the predicted events
    matched to gold (right) and of the others (wrong), and the probability that a
    random right event scores above a random wrong one (AUC; ties count half)."""

    def role(self, name: str) -> RoleScore:
        for r in self.roles:
            if r.role == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["roles"] = {r.role: asdict(r) for r in self.roles}
        return d


# --------------------------------------------------------------------------- inputs


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file; raises InputError naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: not found") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path.name}:{n}: expected a JSON object")
        rows.append(row)
    return rows


def load_gold(path: Path) -> dict[str, Any]:
    """The gold file as a dict; raises GoldError when it is missing or malformed."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise GoldError(f"{path}: gold file not found") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path.name}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(gold, dict) or not isinstance(gold.get("events"), list):
        raise GoldError(f"{path.name}: expected an object with an 'events' list")
    return gold


_AR = kglang.get("ar")  # gold labels and predicted label_ar are Arabic


def label_key(label: str) -> str:
    """Folded label with a leading ال dropped from each word (entity label matching)."""
    return " ".join(_AR.strip_definite(w) for w in _AR.fold(label).split())


def locate_quote(text: str, quote: str, article: str) -> tuple[tuple[int, int], ...]:
    """Every span of ``quote`` in ``text``; GoldError naming article and quote if absent."""
    if not quote:
        raise GoldError(f"{article}: empty gold quote")
    spans = []
    start = text.find(quote)
    while start >= 0:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    if not spans:
        raise GoldError(f"gold quote not found in article {article}: {quote!r}")
    return tuple(spans)


def _article_key(name: str) -> str:
    """Normalise an article reference (file name, id or IRI) to its article id."""
    return article_id_for(str(name).rstrip("/").rsplit("/", 1)[-1])


class _Corpus:
    """Article texts by file name, read once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._texts: dict[str, str] = {}

    def text(self, article: str) -> str:
        if article not in self._texts:
            path = self.folder / article
            if not path.is_file():
                raise GoldError(
                    f"gold article {article} not found in corpus folder {self.folder.name}"
                )
            self._texts[article] = read_article(path).text
        return self._texts[article]


# --------------------------------------------------------------------------- entity matching


def _alts(ref: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in str(ref).split("|") if a.strip())


def _as_entity(x: Any) -> dict[str, Any]:
    if isinstance(x, Mapping):
        return dict(x)
    return {"iri": str(x)}


def _short(ent: Mapping[str, Any]) -> str:
    iri = str(ent.get("iri") or "")
    if "/entity/" in iri:
        return iri.rsplit("/entity/", 1)[1]
    return str(ent.get("label_ar") or ent.get("label_en") or iri)


class _Matcher:
    """Decides whether a predicted entity fills a gold reference."""

    def __init__(self, gold_entities: Iterable[Mapping[str, Any]]) -> None:
        self.keys: dict[str, frozenset[str]] = {}
        for e in gold_entities:
            labels = [e.get("ar"), *(e.get("ar_alt") or [])]
            self.keys[str(e["id"])] = frozenset(label_key(x) for x in labels if x)

    def slug(self, ent: Mapping[str, Any], slug: str) -> bool:
        iri = str(ent.get("iri") or "")
        if iri.endswith("/entity/" + slug):
            return True
        label = ent.get("label_ar")
        return bool(label) and label_key(str(label)) in self.keys.get(slug, frozenset())

    def ref(self, ent: Mapping[str, Any], ref: str) -> bool:
        return any(self.slug(ent, a) for a in _alts(ref))


def _dedupe(ents: Iterable[Any]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for x in ents or []:
        e = _as_entity(x)
        key = str(e.get("iri") or "") or "label:" + label_key(str(e.get("label_ar") or ""))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _cover(
    preds: Sequence[Any], golds: Sequence[Any], ok: Callable[[Any, Any], bool]
) -> tuple[int, int]:
    """(predicted items matching some gold item, gold items matched by some predicted item)."""
    pred_ok = sum(1 for p in preds if any(ok(p, g) for g in golds))
    gold_ok = sum(1 for g in golds if any(ok(p, g) for p in preds))
    return pred_ok, gold_ok


# --------------------------------------------------------------------------- matching


def _hungarian_max(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Maximum-weight assignment of rows to columns (weights >= 0; 0 = no edge)."""
    n = len(weights)
    m = len(weights[0]) if n else 0
    if not n or not m:
        return []
    if n > m:
        t = [[weights[i][j] for i in range(n)] for j in range(m)]
        return [(i, j) for j, i in _hungarian_max(t)]
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    return sorted(
        (p[j] - 1, j - 1) for j in range(1, m + 1) if p[j] and weights[p[j] - 1][j - 1] > 0
    )


def _assign(overlaps: list[list[int]], compatible: list[list[bool]]) -> list[tuple[int, int]]:
    total = sum(sum(row) for row in overlaps)
    big = total + 1
    weights = [
        [big + ov if ok else 0 for ov, ok in zip(orow, crow, strict=True)]
        for orow, crow in zip(overlaps, compatible, strict=True)
    ]
    return _hungarian_max(weights)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class _GoldEvent:
    gid: str
    row: Mapping[str, Any]
    spans: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # (article id, quote spans)


@dataclass(frozen=True)
class _PredEvent:
    pid: str
    row: Mapping[str, Any]
    spans: tuple[tuple[str, int, int], ...]


def _gold_events(gold: Mapping[str, Any], corpus: _Corpus) -> list[_GoldEvent]:
    out = []
    for ev in gold["events"]:
        gid = str(ev.get("gid") or "")
        if not gid:
            raise GoldError("gold event without a gid")
        spans = []
        for s in ev.get("sources") or []:
            article = str(s.get("article") or "")
            quote = str(s.get("quote") or "")
            text = corpus.text(article)
            spans.append((_article_key(article), locate_quote(text, quote, article)))
        if not spans:
            raise GoldError(f"gold event {gid} has no sources")
        out.append(_GoldEvent(gid, ev, tuple(spans)))
    return out


def _pred_events(rows: Sequence[Mapping[str, Any]]) -> list[_PredEvent]:
    out = []
    for n, row in enumerate(rows):
        pid = str(row.get("id") or f"#{n + 1}")
        spans = []
        for s in row.get("sources") or []:
            try:
                spans.append((_article_key(s["article"]), int(s["start"]), int(s["end"])))
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(
                    f"predicted event {pid}: a source needs article, start and end ({exc})"
                ) from exc
        out.append(_PredEvent(pid, row, tuple(spans)))
    return out


def _overlaps(g: _GoldEvent, p: _PredEvent) -> int:
    n = 0
    for art, qspans in g.spans:
        for part, start, end in p.spans:
            if part == art and any(start < qe and qs < end for qs, qe in qspans):
                n += 1
    return n


def _type_ok(g: _GoldEvent, p: _PredEvent) -> bool:
    return str(p.row.get("type") or "") in _alts(str(g.row.get("type") or ""))


def _show_gold_list(role: str, value: Any) -> Any:
    if role == "attributed_to":
        return sorted(f"{a['entity']} by {','.join(a.get('by') or []) or '?'}" for a in value or [])
    return sorted(str(x) for x in value or [])


def _show_pred_list(role: str, value: Any, gid_of: Mapping[str, str]) -> Any:
    if role == "attributed_to":
        out = []
        for a in value or []:
            e = _as_entity(a)
            by = ",".join(_short(_as_entity(b)) for b in e.get("by") or []) or "?"
            out.append(f"{_short(e)} by {by}")
        return sorted(out)
    if role == "retaliation_for":
        return sorted(gid_of.get(str(x), f"unmatched:{x}") for x in value or [])
    return sorted(_short(e) for e in _dedupe(value))


def _compare(
    role: str,
    g: Mapping[str, Any],
    p: Mapping[str, Any],
    matcher: _Matcher,
    gid_of: Mapping[str, str],
) -> tuple[bool, tuple[int, int, int, int] | None]:
    """(equal, set counts (pred_ok, n_pred, gold_ok, n_gold) for list roles)."""
    if role in ENTITY_ROLES:
        preds = _dedupe(p.get(role))
        golds = list(dict.fromkeys(str(x) for x in g.get(role) or []))
        pok, gok = _cover(preds, golds, matcher.ref)
        counts = (pok, len(preds), gok, len(golds))
        return pok == len(preds) and gok == len(golds), counts
    if role == "attributed_to":
        preds = [_as_entity(a) for a in p.get(role) or []]
        golds = list(g.get(role) or [])

        def ok(pa: Mapping[str, Any], ga: Mapping[str, Any]) -> bool:
            if not matcher.ref(pa, str(ga.get("entity"))):
                return False
            pby = _dedupe(pa.get("by"))
            gby = [str(x) for x in ga.get("by") or []]
            a, b = _cover(pby, gby, matcher.ref)
            return a == len(pby) and b == len(gby)

        pok, gok = _cover(preds, golds, ok)
        return pok == len(preds) and gok == len(golds), (pok, len(preds), gok, len(golds))
    if role == "retaliation_for":
        preds = {gid_of.get(str(x), f"unmatched:{x}") for x in p.get(role) or []}
        golds = {str(x) for x in g.get(role) or []}
        counts = (len(preds & golds), len(preds), len(preds & golds), len(golds))
        return preds == golds, counts
    if role == "not_claimed":
        return bool(p.get(role, False)) == bool(g.get(role, False)), None
    if role == "date":
        return (p.get("date"), p.get("date_precision")) == (
            g.get("date"),
            g.get("date_precision"),
        ), None
    return p.get(role) == g.get(role), None


def _show(role: str, row: Mapping[str, Any], gold_side: bool, gid_of: Mapping[str, str]) -> Any:
    if role in LIST_ROLES:
        if gold_side:
            return _show_gold_list(role, row.get(role))
        return _show_pred_list(role, row.get(role), gid_of)
    if role == "date":
        return [row.get("date"), row.get("date_precision")]
    return row.get(role)


def evaluate(
    pred_events: Sequence[Mapping[str, Any]],
    pred_entities: Sequence[Mapping[str, Any]],
    gold: Mapping[str, Any],
    corpus_dir: Path,
) -> Report:
    """Score predicted events and entities against ``gold`` (see the module docstring)."""
    corpus = _Corpus(Path(corpus_dir))
    golds = _gold_events(gold, corpus)
    preds = _pred_events(pred_events)
    matcher = _Matcher(gold.get("entities") or [])

    ov = [[_overlaps(g, p) for p in preds] for g in golds]
    same_cat = [
        [str(g.row.get("category")) == str(p.row.get("category")) for p in preds] for g in golds
    ]
    compat = [
        [c and o > 0 for c, o in zip(cr, orow, strict=True)]
        for cr, orow in zip(same_cat, ov, strict=True)
    ]
    pairs = _assign(ov, compat)
    typed_compat = [
        [compat[i][j] and _type_ok(golds[i], preds[j]) for j in range(len(preds))]
        for i in range(len(golds))
    ]
    typed_pairs = _assign(ov, typed_compat)

    matches = tuple(
        Match(golds[i].gid, preds[j].pid, ov[i][j], _type_ok(golds[i], preds[j])) for i, j in pairs
    )
    gid_of = {m.pred_id: m.gid for m in matches}

    n_pairs = len(pairs)
    events = PRF.from_counts(n_pairs, len(preds), n_pairs, len(golds))
    events_typed = PRF.from_counts(len(typed_pairs), len(preds), len(typed_pairs), len(golds))
    type_accuracy = sum(m.type_ok for m in matches) / n_pairs if n_pairs else None

    correct = dict.fromkeys(ROLES, 0)
    set_counts = {r: [0, 0, 0, 0] for r in LIST_ROLES}
    mismatches: list[RoleMismatch] = []
    for i, j in pairs:
        g, p = golds[i], preds[j]
        for role in ROLES:
            equal, counts = _compare(role, g.row, p.row, matcher, gid_of)
            if equal:
                correct[role] += 1
            else:
                mismatches.append(
                    RoleMismatch(
                        g.gid,
                        p.pid,
                        role,
                        _show(role, g.row, True, gid_of),
                        _show(role, p.row, False, gid_of),
                    )
                )
            if counts is not None:
                for k in range(4):
                    set_counts[role][k] += counts[k]

    roles = []
    for role in ROLES:
        set_scores = None
        if role in LIST_ROLES:
            a, b, c, d = set_counts[role]
            set_scores = PRF.from_counts(a, b, c, d) if n_pairs else None
        acc = correct[role] / n_pairs if n_pairs else None
        roles.append(RoleScore(role, acc, correct[role], n_pairs, set_scores))
    roles_macro = sum(r.accuracy or 0.0 for r in roles) / len(roles) if n_pairs else None

    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    gold_unmatched = tuple(
        {
            "gid": g.gid,
            "category": g.row.get("category"),
            "type": g.row.get("type"),
            "date": g.row.get("date"),
            "source": dict(g.row["sources"][0]),
            "best_candidate": _best_candidate(i, ov, preds),
        }
        for i, g in enumerate(golds)
        if i not in matched_g
    )
    pred_unmatched = tuple(
        {
            "id": p.pid,
            "category": p.row.get("category"),
            "type": p.row.get("type"),
            "date": p.row.get("date"),
            "sources": [
                {
                    "article": s.get("article"),
                    "start": s.get("start"),
                    "end": s.get("end"),
                    "sentence": _clip(s.get("sentence")),
                }
                for s in (p.row.get("sources") or [])[:3]
            ],
        }
        for j, p in enumerate(preds)
        if j not in matched_p
    )

    duplicate = sum(
        1 for j in range(len(preds)) if j not in matched_p and any(ov[i][j] for i in matched_g)
    )
    duplicates = duplicate / len(preds) if preds else None
    confidence = _ranking(
        [p.row.get("confidence") for j, p in enumerate(preds) if j in matched_p],
        [p.row.get("confidence") for j, p in enumerate(preds) if j not in matched_p],
    )
    ent_scores, missing, spurious = _entities(pred_entities, gold.get("entities") or [], matcher)
    warnings = tuple(f"predicted event {p.pid} has no sources" for p in preds if not p.spans)
    return Report(
        events=events,
        events_typed=events_typed,
        type_accuracy=type_accuracy,
        roles=tuple(roles),
        roles_macro=roles_macro,
        entities=ent_scores,
        matches=matches,
        gold_unmatched=gold_unmatched,
        pred_unmatched=pred_unmatched,
        role_mismatches=tuple(mismatches),
        entities_missing=missing,
        entities_spurious=spurious,
        warnings=warnings,
        duplicates=duplicates,
        confidence=confidence,
    )


def _ranking(right: list[Any], wrong: list[Any]) -> dict[str, Any]:
    """Mean confidence of right and wrong events and the AUC (see Report.confidence)."""
    r = [float(x) for x in right if isinstance(x, int | float)]
    w = [float(x) for x in wrong if isinstance(x, int | float)]
    out: dict[str, Any] = {
        "right_mean": sum(r) / len(r) if r else None,
        "wrong_mean": sum(w) / len(w) if w else None,
        "right": len(r),
        "wrong": len(w),
    }
    if r and w:
        wins = sum((a > b) + 0.5 * (a == b) for a in r for b in w)
        out["auc"] = wins / (len(r) * len(w))
    return out


def _best_candidate(i: int, ov: list[list[int]], preds: Sequence[_PredEvent]) -> str | None:
    """The predicted event overlapping most with gold event ``i`` (any category), if any."""
    best = max(range(len(preds)), key=lambda j: ov[i][j], default=None)
    if best is None or ov[i][best] == 0:
        return None
    p = preds[best]
    return f"{p.pid} ({p.row.get('category')}/{p.row.get('type')})"


def _clip(s: Any, n: int = 90) -> str | None:
    if s is None:
        return None
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _entities(
    rows: Sequence[Mapping[str, Any]],
    gold_entities: Sequence[Mapping[str, Any]],
    matcher: _Matcher,
) -> tuple[PRF, tuple[str, ...], tuple[str, ...]]:
    preds = [r for r in rows if (r.get("mentions") if r.get("mentions") is not None else 1) > 0]
    slugs = [str(e["id"]) for e in gold_entities]
    found: set[str] = set()
    spurious = []
    correct = 0
    for r in preds:
        hits = [s for s in slugs if matcher.slug(r, s)]
        if hits:
            correct += 1
            found.update(hits)
        else:
            label = r.get("label_ar") or r.get("label_en") or ""
            spurious.append(f"{r.get('iri')} ({r.get('type')}: {label})")
    missing = tuple(s for s in slugs if s not in found)
    return PRF.from_counts(correct, len(preds), len(found), len(slugs)), missing, tuple(spurious)


# --------------------------------------------------------------------------- text report


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def _prf_line(name: str, s: PRF) -> str:
    return (
        f"{name:<22} P {_pct(s.precision)}  R {_pct(s.recall)}  F1 {_pct(s.f1)}"
        f"   (pred {s.n_pred}, gold {s.n_gold}, correct {s.correct_pred}/{s.correct_gold})"
    )


def format_report(report: Report) -> str:
    """Human-readable report: the figures first, then what to fix."""
    lines = ["EVENTS"]
    lines.append(_prf_line("category only", report.events))
    lines.append(_prf_line("category+type", report.events_typed))
    lines.append(f"{'type accuracy':<22} {_pct(report.type_accuracy)} over matched pairs")
    lines.append(
        f"{'duplicates':<22} {_pct(report.duplicates)} of predicted events are extra reports"
        " of an event already found"
    )
    c = report.confidence
    if c:
        lines.append(
            f"{'confidence':<22} right {_pct(c.get('right_mean'))} ({c.get('right')}),"
            f" wrong {_pct(c.get('wrong_mean'))} ({c.get('wrong')}), AUC {_pct(c.get('auc'))}"
        )
    lines.append("")
    lines.append(f"ROLES (accuracy over {report.events.correct_pred} matched pairs; set F1 micro)")
    for r in report.roles:
        extra = ""
        if r.set_scores is not None:
            s = r.set_scores
            extra = f"   set P {_pct(s.precision)} R {_pct(s.recall)} F1 {_pct(s.f1)}"
        lines.append(f"  {r.role:<18} {_pct(r.accuracy)}  ({r.correct}/{r.total}){extra}")
    lines.append(f"  {'roles (macro)':<18} {_pct(report.roles_macro)}")
    lines.append("")
    lines.append("ENTITIES")
    lines.append(_prf_line("entities", report.entities))
    lines.append("")
    lines.append(f"GOLD EVENTS NOT FOUND ({len(report.gold_unmatched)})")
    for g in report.gold_unmatched:
        src = g["source"]
        cand = f"  [closest: {g['best_candidate']}]" if g.get("best_candidate") else ""
        lines.append(
            f"  {g['gid']} {g['category']}/{g['type']} {g['date']}: "
            f"{src['article']} «{_clip(src['quote'], 70)}»{cand}"
        )
    lines.append(f"PREDICTED EVENTS NOT IN GOLD ({len(report.pred_unmatched)})")
    for p in report.pred_unmatched:
        src = p["sources"][0] if p["sources"] else {}
        lines.append(
            f"  {p['id']} {p['category']}/{p['type']} {p['date']}: "
            f"{src.get('article')}:{src.get('start')}-{src.get('end')} «{src.get('sentence') or ''}»"
        )
    lines.append(f"ROLE MISMATCHES ({len(report.role_mismatches)})")
    for m in report.role_mismatches:
        gold = json.dumps(m.gold, ensure_ascii=False)
        pred = json.dumps(m.pred, ensure_ascii=False)
        lines.append(f"  {m.gid} <- {m.pred_id}  {m.role}: gold {gold}  pred {pred}")
    lines.append(f"GOLD ENTITIES NOT FOUND ({len(report.entities_missing)})")
    if report.entities_missing:
        lines.append("  " + ", ".join(report.entities_missing))
    lines.append(f"PREDICTED ENTITIES NOT IN GOLD ({len(report.entities_spurious)})")
    for s in report.entities_spurious:
        lines.append(f"  {s}")
    for w in report.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)
