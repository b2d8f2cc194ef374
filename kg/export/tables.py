"""The public tables: events.jsonl, events.csv and entities.jsonl.

events.jsonl is the tabular contract of docs/DATA_MODEL.md; events.csv is the
same flattened for spreadsheets (lists joined with " | "); entities.jsonl
lists every entity the corpus mentions.
"""

from __future__ import annotations

import csv
import io
import json
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


def _labels(items: list[dict]) -> str:
    return " | ".join(i["label_en"] or i["label_ar"] for i in items)


def events_csv(events: Iterable[Event]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for ev in sorted(events, key=_event_order):
        r = event_row(ev)
        w.writerow(
            {
                **{
                    k: r[k]
                    for k in (
                        "id",
                        "category",
                        "type",
                        "status",
                        "date",
                        "date_precision",
                        "date_earliest",
                        "date_latest",
                        "killed",
                        "wounded",
                    )
                },
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
                "retaliation_for": " | ".join(r["retaliation_for"]),
                "articles": " | ".join(sorted({s["article"] for s in r["sources"]})),
                "sentences": " | ".join(s["sentence"] for s in r["sources"]),
            }
        )
    return buf.getvalue().encode("utf-8")


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
