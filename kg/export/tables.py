"""The public tables: events.jsonl, events.csv and entities.jsonl.

events.jsonl is the tabular contract of docs/DATA_MODEL.md; events.csv is the
same flattened for spreadsheets (lists joined with " | "); entities.jsonl
lists every entity the corpus mentions.

events.csv is made safe to open: its text comes from articles and file names,
so a cell that a spreadsheet would run as a formula is neutralised with a
leading ``'`` (OWASP's CSV-injection rule, :func:`csv_text`), every text cell is
quoted, and no cell is longer than :data:`CSV_CELL_MAX` characters (the file
reads back with the csv module's and pandas' default limits). The JSONL files
keep every value exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from kg.extract.merge import Event
from kg.extract.records import ArticleExtraction, EntityRef

LIST_ROLES = ("attackers", "targets", "weapons", "locations", "actors", "recipients")
ROLE_OF = {
    "attackers": "attacker",
    "targets": "target",
    "weapons": "weapon",
    "locations": "location",
    "actors": "actor",
    "recipients": "recipient",
}


def entity_json(ref: EntityRef) -> dict:
    return {"iri": ref.iri, "type": ref.cls, "label_en": ref.label_en, "label_ar": ref.label_ar}


def event_row(ev: Event) -> dict:
    """One event as the events.jsonl object (keys in contract order)."""
    claims = sorted({r.party for r in ev.responsibility if r.kind == "claim" and r.party})
    attributed: dict[EntityRef, set[EntityRef]] = {}
    for r in ev.responsibility:
        if r.kind == "attribution" and r.party is not None:
            attributed.setdefault(r.party, set()).update(r.by)
    row: dict = {
        "id": ev.iri,
        "category": ev.category,
        "type": ev.type,
        "status": ev.status,
        "date": ev.date.value if ev.date else None,
        "date_precision": ev.date.precision if ev.date else None,
        "date_earliest": ev.date.earliest if ev.date else None,
        "date_latest": ev.date.latest if ev.date else None,
        "date_expressions": [ev.date.expression] if ev.date and ev.date.expression else [],
    }
    for key in ("attackers",):
        row[key] = [entity_json(e) for e in ev.fillers(ROLE_OF[key])]
    row["claimed_by"] = [entity_json(e) for e in claims]
    row["attributed_to"] = [
        {**entity_json(p), "by": [entity_json(b) for b in sorted(by)]}
        for p, by in sorted(attributed.items())
    ]
    for key in ("targets", "weapons", "locations", "actors", "recipients"):
        row[key] = [entity_json(e) for e in ev.fillers(ROLE_OF[key])]
    row["not_claimed"] = any(r.kind == "noclaim" for r in ev.responsibility)
    row["killed"] = ev.killed
    row["wounded"] = ev.wounded
    row["casualty_reports"] = [
        {
            "killed": c.killed,
            "wounded": c.wounded,
            "article": c.evidence.article,
            "start": c.evidence.start,
            "end": c.evidence.end,
        }
        for c in ev.casualties
    ]
    row["retaliation_for"] = list(ev.retaliation_for)
    row["sources"] = [
        {
            "article": s.article,
            "sentence": s.sentence,
            "start": s.start,
            "end": s.end,
            "rule": s.rule,
        }
        for s in ev.sources
    ]
    return row


def events_jsonl(events: Iterable[Event]) -> bytes:
    rows = [event_row(e) for e in sorted(events, key=_event_order)]
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in rows).encode(
        "utf-8"
    )


def _event_order(ev: Event) -> tuple:
    return (ev.date.earliest or "9999" if ev.date else "9999", ev.iri)


CSV_COLUMNS = [
    "id",
    "category",
    "type",
    "status",
    "date",
    "date_precision",
    "date_earliest",
    "date_latest",
    "attackers",
    "claimed_by",
    "attributed_to",
    "attributed_by",
    "not_claimed",
    "targets",
    "weapons",
    "locations",
    "actors",
    "recipients",
    "killed",
    "wounded",
    "retaliation_for",
    "articles",
    "sentences",
]


CSV_CELL_MAX = 32_000
"""The longest cell of events.csv, in characters, before the cut marker. Excel keeps
at most 32,767 characters in a cell, and Python's csv reader refuses a field over
131,072 (``csv.field_size_limit``); the full text stays in events.jsonl."""

_FORMULA = re.compile(
    # a spreadsheet runs a cell as a formula when it starts with = + - @ (full-width
    # forms too), a tab or a line break, even after spaces or invisible marks
    r"[\t\r\n]|[\s\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]*"
    r"[=+\-@\uff1d\uff0b\uff0d\uff20]|'"
)


def csv_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet could read it as a formula.

    The rule (OWASP, "CSV Injection"): a value that begins with ``=``, ``+``, ``-``,
    ``@``, a tab, a carriage return or a line feed, also after leading white space,
    zero-width or bidi marks, gets a ``'`` in front. So does a value that already
    begins with ``'``, so the rule can be undone exactly: drop one leading ``'``.
    kg's own numbers (killed, wounded) are never negative and are written as numbers,
    and dates begin with a digit, so only text taken from articles and file names is
    ever changed.
    """
    return "'" + value if _FORMULA.match(value) else value


def csv_cell(value: str) -> str:
    """One text value as a cell of events.csv: neutralised (:func:`csv_text`), then cut."""
    return _capped(csv_text(value))


def _capped(value: str) -> str:
    """At most CSV_CELL_MAX characters, then a marker saying how many were cut."""
    if len(value) > CSV_CELL_MAX:
        cut = len(value) - CSV_CELL_MAX
        value = f"{value[:CSV_CELL_MAX]}…[cut: {cut} characters; see events.jsonl]"
    return value


def _joined(values: Iterable[str]) -> str:
    """A list as one cell; each item is neutralised too, so splitting the cell at
    "|" (a spreadsheet's "text to columns") cannot make a formula either."""
    return " | ".join(csv_text(v) for v in values)


def _labels(items: list[dict]) -> str:
    return _joined(i["label_en"] or i["label_ar"] for i in items)


def events_csv(events: Iterable[Event]) -> bytes:
    """The events flattened, one row each (see docs/DATA_MODEL.md for the cell rules).

    Text cells are quoted (so a ``,`` or ``;`` inside one never starts a new cell,
    whatever separator a spreadsheet assumes), numbers are not.
    """
    buf = io.StringIO()
    w = csv.DictWriter(
        buf, fieldnames=CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC
    )
    w.writeheader()
    for ev in sorted(events, key=_event_order):
        r = event_row(ev)
        w.writerow(_csv_row(r))
    return buf.getvalue().encode("utf-8")


def _csv_row(r: dict) -> dict:
    """One events.jsonl object as an events.csv row: every text value neutralised
    (a list item by item, in :func:`_joined`), every text cell capped."""
    row = _flat_row(r)
    return {k: v if v is None or isinstance(v, int) else _capped(v) for k, v in row.items()}


def _flat_row(r: dict) -> dict:
    return {
        **{
            k: r[k] if r[k] is None else csv_text(r[k])
            for k in (
                "id",
                "category",
                "type",
                "status",
                "date",
                "date_precision",
                "date_earliest",
                "date_latest",
            )
        },
        "killed": r["killed"],
        "wounded": r["wounded"],
        "not_claimed": str(r["not_claimed"]).lower(),
        **{
            k: _labels(r[k])
            for k in (
                "attackers",
                "claimed_by",
                "targets",
                "weapons",
                "locations",
                "actors",
                "recipients",
            )
        },
        "attributed_to": _labels(r["attributed_to"]),
        "attributed_by": " | ".join(_labels(a["by"]) for a in r["attributed_to"]),
        "retaliation_for": _joined(r["retaliation_for"]),
        "articles": _joined(sorted({s["article"] for s in r["sources"]})),
        "sentences": _joined(s["sentence"] for s in r["sources"]),
    }


def entities_jsonl(extractions: Iterable[ArticleExtraction], events: Iterable[Event]) -> bytes:
    counts: dict[EntityRef, int] = {}
    articles: dict[EntityRef, set[str]] = {}
    for x in extractions:
        for m in x.mentions:
            counts[m.entity] = counts.get(m.entity, 0) + 1
            articles.setdefault(m.entity, set()).add(m.article)
    for ev in events:
        for r in ev.roles:
            counts.setdefault(r.entity, 0)
            articles.setdefault(r.entity, set()).add(r.evidence.article)
    rows = []
    for ref in sorted(counts, key=lambda r: r.iri):
        rows.append(
            {
                "iri": ref.iri,
                "type": ref.cls,
                "label_ar": ref.label_ar,
                "label_en": ref.label_en,
                "in_gazetteer": ref.in_gazetteer,
                "mentions": counts[ref],
                "articles": sorted(articles[ref]),
            }
        )
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
