"""kg's events as rows of an ACLED-style CSV (``kg export --format acled``).

ACLED (the Armed Conflict Location & Event Data project) publishes conflict events with
a fixed set of columns; researchers who use ACLED can put kg's events beside its rows.
This module reads kg's public contract, events.jsonl, and fills ACLED's columns by the
rules below (docs/DATA_MODEL.md, "ACLED export", says the same for readers). A rule
never invents: what kg does not know is left empty and said in ``tags``.

The rules follow ACLED's codebook (acleddata.com, knowledge base, "ACLED Codebook",
2023-2024 editions: event and sub-event types, "Time precision codes", "Reported
fatalities"; the variable list as published in ACLED's R package acledR,
``acled_codebook``):

- **event type** (kg type → event_type / sub_event_type, disorder_type):
  RocketAttack → "Explosions/Remote violence" / "Shelling/artillery/missile attack";
  AirStrike and DroneAttack → "Explosions/Remote violence" / "Air/drone strike";
  IEDAttack → "Explosions/Remote violence" / "Remote explosive/landmine/IED"; a plain
  Attack (mode unknown) takes the sub-event type of its weapon when kg knows one
  (rocket, mortar, artillery → shelling; drone, air strike, helicopter → air/drone
  strike; IED → remote explosive), else both are left empty (tag "attack mode
  unknown"): kg cannot tell a shelling from an armed clash. All attacks have
  disorder_type "Political violence". Withdrawals are "Strategic developments"
  (disorder_type too): a BaseHandover, or any withdrawal with a recipient, is "Non-violent
  transfer of territory" (control of a place passes without fighting); another Withdrawal
  or a Redeployment is "Change to group/activity" (a group changes where and how it
  operates). A planned withdrawal (announced, not done) keeps its type and is tagged
  "status: planned"; a disrupted attack is tagged "status: disrupted".
- **date**: event_date is ISO ``YYYY-MM-DD``; time_precision 1 when kg knows the day, 2
  for a week (event_date = the middle day of the week's window), 3 for a month
  (event_date = the 15th). A year alone has no ACLED code: it is coded 3 with the middle
  of the year (1 July) and tagged "date known to the year only". An undated event has
  empty event_date, year and time_precision (tag "undated").
- **actors**: actor1 is the attacker only when the text states it as a fact (kg's
  ``attackers``); the others stated so go to assoc_actor_1 (``; ``-separated, ACLED's
  separator). A party that only claimed the attack, or was blamed for it, is never
  actor1: actor1 stays empty and ``tags`` and ``notes`` say "claimed by X" or
  "attributed to Y by Z" ("by an unnamed source" when the text does not say who).
  actor2 is the target side: the targets that are actors (a base or a place is the
  location, not an actor). For a withdrawal, actor1 is who withdraws (kg's ``actors``)
  and actor2 who receives (``recipients``). Names are the English labels, else the
  Arabic ones. inter1, inter2, interaction and civilian_targeting are left empty: kg
  does not classify actors as ACLED does.
- **place**: location is the event's first location (else its first target that is a
  place); the others are tagged "also at: ...". country is the first State on the
  gazetteer's ``locatedIn`` chain from that place (or the place itself when it is a
  state); admin1 the first governorate/province on the chain (an entity whose slug ends
  in ``-governorate`` or ``-province``), else the entity just below the country; admin2
  and admin3 are empty. iso (ISO 3166 numeric) and region (ACLED's region name) come from
  a small table of the countries of the region; other countries leave them empty.
  latitude, longitude and geo_precision are empty until the gazetteer has coordinates
  (``geo:asWKT`` ``POINT(lon lat)`` on the place, read when present; geo_precision is
  then 1).
- **fatalities**: kg's ``killed`` when the sources give it (0 only when the text says
  nobody was killed); when unknown, or when sources disagree, fatalities is 0 as ACLED
  codes it, and an attack's notes and tags say "fatalities unknown" (a withdrawal's 0
  needs no remark).
- **source**: the articles (file names), ``; ``-separated; source_scale is empty.
- **notes**: the first evidence sentence (Arabic, as written), blanks collapsed, cut to
  :data:`NOTES_MAX` characters (then "…"), followed by kg's remarks in brackets.
- **tags**: kg's remarks, ``; ``-separated, and ``kg:`` with the event's IRI and its
  confidence, so a row can be traced back.
- event_id_cnty is ``{ISO3}KG{hash}`` (``XXX`` when the country is unknown), the hash
  being that of kg's event IRI: stable, but not an ACLED id. timestamp is empty.

The CSV: UTF-8, ``\\n`` line ends, header row first, text cells quoted, numbers bare,
formulas neutralised as in events.csv (:func:`kg.pipeline.tables.csv_cell`); rows in
the order of events.jsonl. The same build gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.pipeline.tables import csv_cell

__all__ = [
    "ACLED_COLUMNS",
    "NOTES_MAX",
    "acled_csv",
    "acled_row",
    "read_events",
    "write_acled",
]

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
NOTES_MAX = 400
"""The longest evidence sentence kept in ``notes`` (characters)."""

REMOTE = "Explosions/Remote violence"
SHELLING = "Shelling/artillery/missile attack"
AIR = "Air/drone strike"
IED = "Remote explosive/landmine/IED"
STRATEGIC = "Strategic developments"
TRANSFER = "Non-violent transfer of territory"
CHANGE = "Change to group/activity"

ATTACK_SUBTYPES = {
    "RocketAttack": SHELLING,
    "AirStrike": AIR,
    "DroneAttack": AIR,
    "IEDAttack": IED,
}
"""kg's attack classes → ACLED sub-event types (all under "Explosions/Remote violence")."""
WEAPON_SUBTYPES = {
    "rocket": SHELLING,
    "mortar": SHELLING,
    "artillery": SHELLING,
    "airstrike": AIR,
    "drone": AIR,
    "helicopter": AIR,
    "ied": IED,
}
"""For a plain Attack: the sub-event type its weapon (a gazetteer slug) implies."""

COUNTRIES = {
    # slug: (ISO 3166-1 numeric, ISO 3166-1 alpha-3, ACLED region)
    "iraq": (368, "IRQ", "Middle East"),
    "syria": (760, "SYR", "Middle East"),
    "iran": (364, "IRN", "Middle East"),
    "kuwait": (414, "KWT", "Middle East"),
    "saudi-arabia": (682, "SAU", "Middle East"),
    "jordan": (400, "JOR", "Middle East"),
    "yemen": (887, "YEM", "Middle East"),
    "lebanon": (422, "LBN", "Middle East"),
    "turkey": (792, "TUR", "Middle East"),
    "israel": (376, "ISR", "Middle East"),
    "qatar": (634, "QAT", "Middle East"),
    "bahrain": (48, "BHR", "Middle East"),
    "united-arab-emirates": (784, "ARE", "Middle East"),
    "oman": (512, "OMN", "Middle East"),
    "egypt": (818, "EGY", "Northern Africa"),
}

_ENTITY = "https://w3id.org/kg-iraq/id/entity/"
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


# --------------------------------------------------------------------------- input


def read_events(graph: str | os.PathLike) -> list[dict[str, Any]]:
    """The events of a build: ``graph`` is its output folder, its events.jsonl, or a file
    beside it (graph.trig)."""
    path = Path(graph)
    if path.is_dir():
        path = path / "events.jsonl"
    elif path.name != "events.jsonl":
        path = path.parent / "events.jsonl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read {path.name} ({exc.strerror}): build the graph first"
        ) from None
    events = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                events.append(json.loads(line))
            except ValueError as exc:
                raise InputError(f"{path.name}, line {n}: not JSON ({exc})") from None
    return events


class _Places:
    """The gazetteer's places: classes, the locatedIn chain, coordinates when present."""

    def __init__(self, gazetteer=None):
        if gazetteer is None:
            from kg.vocab.gazetteer import load_gazetteer

            gazetteer = load_gazetteer()
        self.gaz = gazetteer

    def cls(self, iri: str) -> str | None:
        e = self.gaz.by_iri.get(iri)
        return e.cls if e is not None else None

    def label(self, iri: str) -> str:
        e = self.gaz.by_iri.get(iri)
        if e is None:
            return iri.rsplit("/", 1)[-1]
        return e.label_en or e.label_ar

    def chain(self, iri: str) -> list[str]:
        """``iri`` and the places it is (transitively) located in, nearest first."""
        out, seen = [iri], {iri}
        while True:
            parents = sorted(self.gaz.related(out[-1], "locatedIn"))
            if not parents or parents[0] in seen:
                return out
            seen.add(parents[0])
            out.append(parents[0])

    def point(self, iri: str) -> tuple[float, float] | None:
        """(latitude, longitude) when the gazetteer gives the place a WKT point."""
        e = self.gaz.by_iri.get(iri)
        for rel, value in getattr(e, "relations", ()) or ():
            if rel in ("asWKT", "geometry") and isinstance(value, str):
                m = _WKT_POINT.search(value)
                if m:
                    return float(m.group(2)), float(m.group(1))
        wkt = getattr(e, "wkt", None)
        if isinstance(wkt, str) and (m := _WKT_POINT.search(wkt)):
            return float(m.group(2)), float(m.group(1))
        return None


# --------------------------------------------------------------------------- rules


def _name(ref: Mapping[str, Any]) -> str:
    return str(ref.get("label_en") or ref.get("label_ar") or ref.get("iri", "").rsplit("/", 1)[-1])


def _slug(ref: Mapping[str, Any] | str) -> str:
    iri = ref if isinstance(ref, str) else str(ref.get("iri", ""))
    return iri[len(_ENTITY) :] if iri.startswith(_ENTITY) else ""


def _types(ev: Mapping[str, Any]) -> tuple[str, str, str, list[str]]:
    """disorder_type, event_type, sub_event_type, and the tags the choice adds."""
    kind = ev.get("type") or ""
    if ev.get("category") == "withdrawal":
        sub = TRANSFER if kind == "BaseHandover" or ev.get("recipients") else CHANGE
        return STRATEGIC, STRATEGIC, sub, []
    sub = ATTACK_SUBTYPES.get(kind)
    if sub is None:
        implied = sorted(
            {
                WEAPON_SUBTYPES[s]
                for s in map(_slug, ev.get("weapons") or [])
                if s in WEAPON_SUBTYPES
            }
        )
        if len(implied) == 1:
            return "Political violence", REMOTE, implied[0], ["sub-event type from the weapon"]
        return "Political violence", "", "", ["attack mode unknown"]
    return "Political violence", REMOTE, sub, []


def _middle(lo: str, hi: str) -> str:
    from datetime import date

    a, b = date.fromisoformat(lo), date.fromisoformat(hi)
    return (a + (b - a) / 2).isoformat()


def _date(ev: Mapping[str, Any]) -> tuple[str, int | None, int | None, list[str]]:
    """event_date, year, time_precision, tags."""
    date, precision = ev.get("date"), ev.get("date_precision")
    lo, hi = ev.get("date_earliest"), ev.get("date_latest")
    if precision == "day" and date:
        return date, int(date[:4]), 1, []
    if precision == "week" and lo and hi:
        day = _middle(lo, hi)
        return day, int(day[:4]), 2, [f"date: the week {lo}..{hi}"]
    if precision == "month" and date:
        return f"{date[:7]}-15", int(date[:4]), 3, [f"date: the month {date[:7]}"]
    if precision == "year" and date:
        return f"{date[:4]}-07-01", int(date[:4]), 3, ["date known to the year only"]
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return date, int(date[:4]), 1, []
    return "", None, None, ["undated"]


def _who(ev: Mapping[str, Any]) -> tuple[str, str, str, str, list[str]]:
    """actor1, assoc_actor_1, actor2, assoc_actor_2, remarks."""
    remarks: list[str] = []
    if ev.get("category") == "withdrawal":
        first = [_name(a) for a in ev.get("actors") or []]
        second = [_name(a) for a in ev.get("recipients") or []]
    else:
        first = [_name(a) for a in ev.get("attackers") or []]
        second = [
            _name(t)
            for t in ev.get("targets") or []
            if t.get("type") not in ("Place", "MilitaryBase", "Weapon")
        ]
        for c in ev.get("claimed_by") or []:
            remarks.append(f"claimed by {_name(c)}")
        for a in ev.get("attributed_to") or []:
            by = ", ".join(_name(b) for b in a.get("by") or []) or "an unnamed source"
            remarks.append(f"attributed to {_name(a)} by {by}")
        for d in ev.get("denied_by") or []:
            remarks.append(f"denied by {_name(d)}")
        if ev.get("not_claimed"):
            remarks.append("nobody claimed it")
        if not first and (ev.get("claimed_by") or ev.get("attributed_to")):
            remarks.append("actor1 left empty: no attacker stated as fact")
    return (
        first[0] if first else "",
        "; ".join(first[1:]),
        second[0] if second else "",
        "; ".join(second[1:]),
        remarks,
    )


def _place(ev: Mapping[str, Any], places: _Places) -> dict[str, Any]:
    where = list(ev.get("locations") or [])
    if not where:
        where = [t for t in ev.get("targets") or [] if t.get("type") in ("Place", "MilitaryBase")]
    out: dict[str, Any] = {
        "iso": None,
        "region": "",
        "country": "",
        "admin1": "",
        "location": "",
        "latitude": None,
        "longitude": None,
        "geo_precision": None,
        "iso3": "XXX",
        "tags": [],
    }
    if not where:
        out["tags"].append("no location")
        return out
    first = where[0]
    out["location"] = _name(first)
    if len(where) > 1:
        out["tags"].append("also at: " + ", ".join(_name(w) for w in where[1:]))
    chain = places.chain(str(first.get("iri", "")))
    states = [i for i in chain if places.cls(i) == "State"]
    if states:
        country = states[0]
        out["country"] = places.label(country)
        iso = COUNTRIES.get(_slug(country))
        if iso:
            out["iso"], out["iso3"], out["region"] = iso
        below = chain[: chain.index(country)]
        provinces = [i for i in below if _slug(i).endswith(("-governorate", "-province"))]
        if provinces:
            out["admin1"] = places.label(provinces[0])
        elif below:
            out["admin1"] = places.label(below[-1])
    point = places.point(str(first.get("iri", "")))
    if point:
        out["latitude"], out["longitude"] = point
        out["geo_precision"] = 1
    return out


def _sentence(ev: Mapping[str, Any]) -> str:
    for s in ev.get("sources") or []:
        text = " ".join(str(s.get("sentence") or "").split())
        if text:
            return text if len(text) <= NOTES_MAX else text[:NOTES_MAX] + "…"
    return ""


def acled_row(ev: Mapping[str, Any], places: _Places | None = None) -> dict[str, Any]:
    """One kg event (an events.jsonl object) as ACLED's columns, by the module's rules."""
    places = places or _Places()
    disorder, etype, sub, type_tags = _types(ev)
    event_date, year, precision, date_tags = _date(ev)
    actor1, assoc1, actor2, assoc2, remarks = _who(ev)
    place = _place(ev, places)
    killed = ev.get("killed")
    fatalities = 0 if killed is None else int(killed)
    if killed is None and ev.get("category") != "withdrawal":
        remarks.append("fatalities unknown (0 as ACLED codes it)")
    status = ev.get("status")
    if status and status != "done":
        remarks.insert(0, f"status: {status}")
    eid = str(ev.get("id", ""))
    tags = [
        *remarks,
        *type_tags,
        *date_tags,
        *place["tags"],
        f"kg: {eid} (confidence {ev.get('confidence')})",
    ]
    sentence = _sentence(ev)
    notes = sentence + (f" [kg: {'; '.join(remarks)}]" if remarks else "")
    articles = sorted({str(s.get("article")) for s in ev.get("sources") or [] if s.get("article")})
    return {
        "event_id_cnty": f"{place['iso3']}KG{eid.rsplit('/', 1)[-1]}",
        "event_date": event_date,
        "year": year,
        "time_precision": precision,
        "disorder_type": disorder,
        "event_type": etype,
        "sub_event_type": sub,
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "inter1": None,
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "inter2": None,
        "interaction": None,
        "civilian_targeting": "",
        "iso": place["iso"],
        "region": place["region"],
        "country": place["country"],
        "admin1": place["admin1"],
        "admin2": "",
        "admin3": "",
        "location": place["location"],
        "latitude": place["latitude"],
        "longitude": place["longitude"],
        "geo_precision": place["geo_precision"],
        "source": "; ".join(articles),
        "source_scale": "",
        "notes": notes.strip(),
        "fatalities": fatalities,
        "tags": "; ".join(tags),
        "timestamp": None,
    }


# --------------------------------------------------------------------------- output


def acled_csv(events: Iterable[Mapping[str, Any]], gazetteer=None) -> bytes:
    """The CSV bytes: header, then one row per event (text quoted and neutralised, numbers
    bare, empty numbers as empty cells)."""
    places = _Places(gazetteer)
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=ACLED_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC
    )
    writer.writeheader()
    for ev in events:
        row = acled_row(ev, places)
        writer.writerow({k: csv_cell(v) if isinstance(v, str) else v for k, v in row.items()})
    return buf.getvalue().encode("utf-8")


def write_acled(
    graph: str | os.PathLike,
    out: str | os.PathLike,
    min_confidence: float | None = None,
    gazetteer=None,
) -> int:
    """Write the ACLED CSV of a build to ``out``; returns the number of rows.

    ``min_confidence``: leave out the events kg holds with less confidence.
    """
    from kg.pipeline.dumps import write_atomic

    events = read_events(graph)
    if min_confidence is not None:
        if not 0 <= min_confidence <= 1:
            raise InputError(
                f"the minimum confidence must be between 0 and 1, got {min_confidence}"
            )
        events = [e for e in events if (e.get("confidence") or 0) >= min_confidence]
    write_atomic(Path(out), acled_csv(events, gazetteer))
    return len(events)
