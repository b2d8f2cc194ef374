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

from kg.pipeline.confidence import report_strength
from kg.pipeline.extract.records import ArticleExtraction, EntityRef, EventRecord
from kg.pipeline.merge import Event
from kg.vocab.kinds import ENTITY_VALUED, ROLES, Role, roles_of

ROLES_OF_COUNT = tuple(r.name for r in roles_of("count"))

HEAD = (
    "id",
    "category",
    "type",
    "status",
    "date",
    "date_precision",
    "date_earliest",
    "date_latest",
)
"""The columns every event has before its roles (events.jsonl adds date_expressions)."""

TABLE_ROLES = tuple(r for r in ROLES if r.field)
"""The roles the tables show, in the table's order (kg.vocab.kinds)."""


def _jsonl_order(r: Role) -> int:
    """events.jsonl lists the entity-valued roles first, then the no-claim flag, the
    counts and the links between events (each group in the table's order)."""
    groups = {
        "entity": 0,
        "claim": 0,
        "attribution": 0,
        "denial": 0,
        "noclaim": 1,
        "count": 2,
        "event": 3,
    }
    return groups[r.kind]


JSONL_ROLES = tuple(sorted(TABLE_ROLES, key=_jsonl_order))


def entity_json(ref: EntityRef) -> dict:
    return {"iri": ref.iri, "type": ref.cls, "label_en": ref.label_en, "label_ar": ref.label_ar}


def event_row(ev: Event) -> dict:
    """One event as the events.jsonl object (keys in contract order)."""
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
    for r in JSONL_ROLES:
        row[r.field] = _role_value(ev, r)
        if r.kind == "count" and r.name == ROLES_OF_COUNT[-1]:
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
    row["confidence"] = ev.confidence
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
    row["reports"] = [report_json(m) for m in ev.members]
    row["links"] = [
        {"report": k.report, "joined": k.joined, "reason": k.reason, "score": k.score}
        for k in ev.links
    ]
    return row


def report_json(r: EventRecord) -> dict:
    """One report of an event: where it was read, what it says, how strong it is alone."""
    s = r.sources[0]
    return {
        "id": r.local_id,
        "article": s.article,
        "start": s.start,
        "end": s.end,
        "rule": s.rule,
        "type": r.type,
        "status": r.status,
        "date": r.date.value if r.date else None,
        "date_precision": r.date.precision if r.date else None,
        "strength": report_strength(r),
    }


def _role_value(ev: Event, r: Role):
    """What events.jsonl says of one role of an event."""
    if r.kind == "entity":
        return [
            {**entity_json(e), "confidence": ev.confidence_of(r.name, e.iri)}
            for e in ev.fillers(r.name)
        ]
    if r.kind in ("claim", "denial"):  # who says they did it, or that they did not
        parties = {s.party for s in ev.responsibility if s.kind == r.kind and s.party}
        return [
            {**entity_json(e), "confidence": ev.confidence_of(r.kind, e.iri)}
            for e in sorted(parties)
        ]
    if r.kind == "attribution":
        blamed: dict[EntityRef, set[EntityRef]] = {}
        for s in ev.responsibility:
            if s.kind == r.kind and s.party is not None:
                blamed.setdefault(s.party, set()).update(s.by)
        return [
            {
                **entity_json(p),
                "by": [entity_json(b) for b in sorted(by)],
                "confidence": ev.confidence_of(r.kind, p.iri),
            }
            for p, by in sorted(blamed.items())
        ]
    if r.kind == "noclaim":
        return any(s.kind == r.kind for s in ev.responsibility)
    if r.kind == "count":
        return getattr(ev, r.name)
    if r.kind == "event":
        return list(ev.retaliation_for)
    raise ValueError(f"no table value for a role of kind {r.kind!r}")


def events_jsonl(events: Iterable[Event]) -> bytes:
    rows = [event_row(e) for e in sorted(events, key=_event_order)]
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in rows).encode(
        "utf-8"
    )


def _event_order(ev: Event) -> tuple:
    return (ev.date.earliest or "9999" if ev.date else "9999", ev.iri)


def _csv_columns() -> list[str]:
    """The head, each role's column in the table's order (an attribution also says who
    blames: attributed_by), then the evidence."""
    columns = list(HEAD)
    for r in TABLE_ROLES:
        columns.append(r.field)
        if r.kind == "attribution":
            columns.append("attributed_by")
    return [*columns, "confidence", "reports", "articles", "sentences"]


CSV_COLUMNS = _csv_columns()


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
    return {
        k: v if v is None or isinstance(v, (int, float)) else _capped(v) for k, v in row.items()
    }


def _flat_row(r: dict) -> dict:
    row = {k: r[k] if r[k] is None else csv_text(r[k]) for k in HEAD}
    for role in TABLE_ROLES:
        value = r[role.field]
        if role.kind in ENTITY_VALUED:
            row[role.field] = _labels(value)
        elif role.kind == "noclaim":
            row[role.field] = str(value).lower()
        elif role.kind == "count":
            row[role.field] = value
        else:
            row[role.field] = _joined(value)
        if role.kind == "attribution":
            row["attributed_by"] = " | ".join(_labels(a["by"]) for a in value)
    row["confidence"] = r["confidence"]
    row["reports"] = _joined(x["id"] for x in r["reports"])
    row["articles"] = _joined(sorted({s["article"] for s in r["sources"]}))
    row["sentences"] = _joined(s["sentence"] for s in r["sources"])
    return row


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
