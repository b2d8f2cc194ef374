"""`kg export --format acled`: ACLED's columns, filled from events.jsonl by the rules of
kg/analysis/acled.py (docs/DATA_MODEL.md, "ACLED export")."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.analysis.acled import ACLED_COLUMNS, NOTES_MAX, acled_csv, acled_row, read_events

ENT = "https://w3id.org/kg-iraq/id/entity/"
COLUMNS = (
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type "
    "actor1 assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting "
    "iso region country admin1 admin2 admin3 location latitude longitude geo_precision source "
    "source_scale notes fatalities tags timestamp"
).split()


@pytest.fixture(scope="module")
def seed_out(seed_build) -> Path:
    return Path(seed_build.out)


@pytest.fixture(scope="module")
def seed_rows(seed_out):
    text = acled_csv(read_events(seed_out)).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def seed_events(seed_out):
    return {e["id"]: e for e in read_events(seed_out)}


def ref(slug, label_en, type_="Place", label_ar="م"):
    return {"iri": ENT + slug, "type": type_, "label_en": label_en, "label_ar": label_ar}


def event(**kw):
    base = {
        "id": "https://w3id.org/kg-iraq/id/event/00000000000000aa",
        "category": "attack",
        "type": "RocketAttack",
        "status": "done",
        "date": "2020-03-11",
        "date_precision": "day",
        "date_earliest": "2020-03-11",
        "date_latest": "2020-03-11",
        "attackers": [],
        "claimed_by": [],
        "attributed_to": [],
        "denied_by": [],
        "targets": [],
        "weapons": [],
        "locations": [ref("camp-taji", "Camp Taji", "MilitaryBase")],
        "actors": [],
        "recipients": [],
        "not_claimed": False,
        "killed": None,
        "confidence": 0.8,
        "sources": [{"article": "a.txt", "sentence": "سقطت صواريخ على معسكر التاجي."}],
    }
    base.update(kw)
    return base


def test_columns_are_acleds_exactly(seed_rows):
    assert list(ACLED_COLUMNS) == COLUMNS
    assert list(seed_rows[0].keys()) == COLUMNS


def test_one_row_per_event_in_the_order_of_events_jsonl(seed_rows, seed_events):
    assert [r["tags"].rsplit("kg: ", 1)[1].split(" ")[0] for r in seed_rows] == list(seed_events)


def rows_where(rows, **want):
    return [r for r in rows if all(r[k] == v for k, v in want.items())]


def test_seed_taji_rocket_attacks(seed_rows):
    taji = rows_where(seed_rows, location="Camp Taji", event_date="2020-03-11")
    assert len(taji) == 1
    r = taji[0]
    assert (r["event_type"], r["sub_event_type"], r["disorder_type"]) == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "Political violence",
    )
    assert (r["year"], r["time_precision"]) == ("2020", "1")
    assert (r["country"], r["admin1"], r["iso"], r["region"]) == (
        "Iraq",
        "Baghdad Governorate",
        "368",
        "Middle East",
    )
    assert r["fatalities"] == "3"
    assert r["actor1"] == ""  # nobody is said to have done it: no actor is invented
    assert "nobody claimed it" in r["tags"]
    # the gazetteer's point for Camp Taji (GeoSPARQL, with its source)
    assert (r["latitude"], r["longitude"]) == ("33.529444", "44.2775")
    assert r["event_id_cnty"].startswith("IRQKG")
    assert "التاجي" in r["notes"] or "الصاروخية" in r["notes"]
    assert r["source"].endswith(".txt")


def test_seed_us_strikes(seed_rows):
    strikes = rows_where(seed_rows, event_date="2020-03-12", actor1="United States")
    assert len(strikes) == 1
    r = strikes[0]
    assert r["sub_event_type"] == "Air/drone strike"
    assert {r["actor2"], *r["assoc_actor_2"].split("; ")} == {
        "Kataib Hezbollah",
        "Popular Mobilization Forces",
    }
    assert r["fatalities"] == "6"
    assert "also at:" in r["tags"]  # several places: one row, the others said


def test_seed_attribution_is_never_actor1(seed_rows, seed_events):
    for r in seed_rows:
        eid = r["tags"].rsplit("kg: ", 1)[1].split(" ")[0]
        ev = seed_events[eid]
        stated = {a["label_en"] or a["label_ar"] for a in ev["attackers"] + ev["actors"]}
        if r["actor1"]:
            assert r["actor1"] in stated
        for a in ev["attributed_to"]:
            assert f"attributed to {a['label_en']}" in r["tags"]
            assert a["label_en"] not in (r["actor1"], r["assoc_actor_1"])


def test_seed_withdrawal(seed_rows):
    k1 = rows_where(seed_rows, location="K-1 Air Base")
    assert len(k1) == 1
    r = k1[0]
    assert (r["disorder_type"], r["event_type"], r["sub_event_type"]) == (
        "Strategic developments",
        "Strategic developments",
        "Non-violent transfer of territory",
    )
    assert (r["actor1"], r["actor2"]) == (
        "Global Coalition to Defeat Daesh",
        "Iraqi Security Forces",
    )
    assert (r["admin1"], r["fatalities"]) == ("Kirkuk Governorate", "0")
    assert "fatalities unknown" not in r["tags"]
    planned = [r for r in seed_rows if "status: planned" in r["tags"]]
    assert planned and all(r["disorder_type"] == "Strategic developments" for r in planned)


def test_fatalities_zero_only_when_said_else_noted():
    said = acled_row(event(killed=0))
    assert said["fatalities"] == 0 and "fatalities unknown" not in said["tags"]
    unknown = acled_row(event(killed=None))
    assert unknown["fatalities"] == 0
    assert "fatalities unknown" in unknown["tags"] and "fatalities unknown" in unknown["notes"]
    assert acled_row(event(killed=4))["fatalities"] == 4


def test_claims_and_attributions_go_to_notes_not_actor1():
    kh = ref("kataib-hezbollah", "Kataib Hezbollah", "ArmedGroup")
    us = ref("united-states", "United States", "State")
    row = acled_row(event(claimed_by=[kh], attributed_to=[{**kh, "by": [us]}]))
    assert row["actor1"] == "" and row["assoc_actor_1"] == ""
    assert "claimed by Kataib Hezbollah" in row["tags"]
    assert "attributed to Kataib Hezbollah by United States" in row["notes"]
    fact = acled_row(
        event(attackers=[kh], targets=[us, ref("camp-taji", "Camp Taji", "MilitaryBase")])
    )
    assert (fact["actor1"], fact["actor2"]) == ("Kataib Hezbollah", "United States")


@pytest.mark.parametrize(
    ("date", "precision", "lo", "hi", "want"),
    [
        ("2020-03-11", "day", "2020-03-11", "2020-03-11", ("2020-03-11", 2020, 1)),
        (None, "week", "2020-03-21", "2020-03-27", ("2020-03-24", 2020, 2)),
        ("2020-04", "month", "2020-04-01", "2020-04-30", ("2020-04-15", 2020, 3)),
        ("2021", "year", "2021-01-01", "2021-12-31", ("2021-07-01", 2021, 3)),
        (None, None, None, None, ("", None, None)),
    ],
)
def test_time_precision(date, precision, lo, hi, want):
    row = acled_row(event(date=date, date_precision=precision, date_earliest=lo, date_latest=hi))
    assert (row["event_date"], row["year"], row["time_precision"]) == want


def test_types_and_places():
    assert acled_row(event(type="IEDAttack"))["sub_event_type"] == "Remote explosive/landmine/IED"
    assert acled_row(event(type="DroneAttack"))["sub_event_type"] == "Air/drone strike"
    unknown = acled_row(event(type="Attack"))
    assert (unknown["event_type"], unknown["sub_event_type"]) == ("", "")
    assert "attack mode unknown" in unknown["tags"]
    by_weapon = acled_row(event(type="Attack", weapons=[ref("mortar", "mortar", "Weapon")]))
    assert by_weapon["sub_event_type"] == "Shelling/artillery/missile attack"
    moved = acled_row(
        event(
            category="withdrawal",
            type="Redeployment",
            actors=[ref("us-forces", "US forces", "MilitaryForce")],
        )
    )
    assert (moved["sub_event_type"], moved["actor1"]) == ("Change to group/activity", "US forces")
    erbil = acled_row(event(locations=[ref("erbil", "Erbil")]))
    assert (erbil["country"], erbil["admin1"]) == ("Iraq", "Erbil Governorate")
    nowhere = acled_row(event(locations=[]))
    assert nowhere["country"] == "" and nowhere["event_id_cnty"].startswith("XXXKG")


def test_notes_are_one_sentence_cut_and_formulas_neutralised():
    long = "=" + "ب" * (NOTES_MAX * 2)
    text = acled_csv(
        [
            event(
                sources=[{"article": "=x.txt", "sentence": long}],
                attackers=[ref("x", "@SUM(1)", "ArmedGroup")],
            )
        ]
    ).decode("utf-8")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["notes"].startswith("'=") and "…" in row["notes"]
    assert len(row["notes"]) < NOTES_MAX + 100
    assert row["actor1"] == "'@SUM(1)" and row["source"] == "'=x.txt"


def test_deterministic_and_cli(tmp_path, seed_out):
    from kg.cli import app

    out = tmp_path / "events.acled.csv"
    runner = CliRunner()
    result = runner.invoke(
        app, ["export", "--graph", str(seed_out), "--format", "acled", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    assert first == acled_csv(read_events(seed_out))
    assert (
        runner.invoke(
            app,
            [
                "export",
                "--graph",
                str(seed_out / "graph.trig"),
                "--format",
                "acled",
                "-o",
                str(out),
            ],
        ).exit_code
        == 0
    )
    assert out.read_bytes() == first
    assert b"\r" not in first and not first.startswith(b"\xef\xbb\xbf")
    missing = runner.invoke(
        app, ["export", "--graph", str(tmp_path), "--format", "acled", "-o", str(out)]
    )
    assert missing.exit_code != 0 and "events.jsonl" in missing.output
