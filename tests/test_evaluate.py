"""The evaluator (kg.analysis.evaluation, scripts/evaluate.py) and the hygiene of the gold file."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.analysis.evaluation import ROLES, GoldError, evaluate, format_report, label_key, load_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD_PATH = ROOT / "gold" / "seeds.gold.json"
SEEDS = ROOT / "seeds"
ENT = "https://w3id.org/kg-iraq/id/entity/"
EV = "https://w3id.org/kg-iraq/id/event/"

TYPES = {
    "attack": {"Attack", "RocketAttack", "IEDAttack", "DroneAttack", "AirStrike"},
    "withdrawal": {"Withdrawal", "BaseHandover", "Redeployment"},
}
CLASSES = {
    "State",
    "ArmedGroup",
    "MilitaryForce",
    "Coalition",
    "Person",
    "Organisation",
    "MilitaryBase",
    "Place",
    "Weapon",
}
ENTITY_LISTS = (
    "attackers",
    "claimed_by",
    "targets",
    "weapons",
    "locations",
    "actors",
    "recipients",
)


@pytest.fixture(scope="module")
def gold() -> dict:
    return load_gold(GOLD_PATH)


def _text(article: str) -> str:
    from kg.pipeline.corpus import read_article

    return read_article(SEEDS / article).text


# --------------------------------------------------------------------------- predictions from gold


def _entity(gold: dict, ref: str, pick: int = 0) -> dict:
    alts = ref.split("|")
    slug = alts[min(pick, len(alts) - 1)]
    e = next(x for x in gold["entities"] if x["id"] == slug)
    return {"iri": ENT + slug, "type": e["class"], "label_en": e["en"], "label_ar": e["ar"]}


def _pred_from_gold(gold: dict, corpus: Path = SEEDS, pick: int = 0) -> tuple[list, list]:
    """Perfect predictions: each gold event as an events.jsonl row (sources = quote spans)."""
    texts: dict[str, str] = {}
    rows = []
    for ev in gold["events"]:
        sources = []
        for s in ev["sources"]:
            if s["article"] not in texts:
                from kg.pipeline.corpus import read_article

                texts[s["article"]] = read_article(corpus / s["article"]).text
            start = texts[s["article"]].index(s["quote"])
            sources.append(
                {
                    "article": s["article"],
                    "sentence": s["quote"],
                    "start": start,
                    "end": start + len(s["quote"]),
                    "rule": "gold",
                }
            )
        row = {
            "id": EV + ev["gid"],
            "category": ev["category"],
            "type": ev["type"].split("|")[min(pick, len(ev["type"].split("|")) - 1)],
            "status": ev["status"],
            "date": ev["date"],
            "date_precision": ev["date_precision"],
            "date_earliest": ev.get("date_earliest"),
            "date_latest": ev.get("date_latest"),
            "date_expressions": [],
            "attributed_to": [
                {
                    **_entity(gold, a["entity"], pick),
                    "by": [_entity(gold, b, pick) for b in a["by"]],
                }
                for a in ev["attributed_to"]
            ],
            "not_claimed": ev["not_claimed"],
            "killed": ev["killed"],
            "wounded": ev["wounded"],
            "casualty_reports": [],
            "retaliation_for": [EV + g for g in ev["retaliation_for"]],
            "sources": sources,
        }
        for role in ENTITY_LISTS:
            row[role] = [_entity(gold, r, pick) for r in ev[role]]
        rows.append(row)
    entities = [
        {
            "iri": ENT + e["id"],
            "type": e["class"],
            "label_ar": e["ar"],
            "label_en": e["en"],
            "in_gazetteer": True,
            "mentions": 1,
            "articles": e["articles"],
        }
        for e in gold["entities"]
    ]
    return rows, entities


# --------------------------------------------------------------------------- evaluator on the seeds


def test_perfect_predictions_score_one(gold):
    events, entities = _pred_from_gold(gold)
    r = evaluate(events, entities, gold, SEEDS)
    assert r.events.f1 == 1.0 and r.events.precision == 1.0 and r.events.recall == 1.0
    assert r.events_typed.f1 == 1.0
    assert r.type_accuracy == 1.0
    assert {x.role for x in r.roles} == set(ROLES)
    for role in r.roles:
        assert role.accuracy == 1.0, (
            role.role,
            [m for m in r.role_mismatches if m.role == role.role],
        )
        if role.set_scores is not None:
            assert role.set_scores.f1 == 1.0
    assert r.roles_macro == 1.0
    assert r.entities.f1 == 1.0
    assert not r.gold_unmatched and not r.pred_unmatched and not r.role_mismatches
    assert len(r.matches) == len(gold["events"])
    assert all(m.gid == m.pred_id.removeprefix(EV) for m in r.matches)
    text = format_report(r)
    assert text.index("EVENTS") < text.index("GOLD EVENTS NOT FOUND (0)")


def test_other_alternatives_and_both_alternatives_are_accepted(gold):
    # the last alternative of every "a|b" (slots and types) ...
    events, entities = _pred_from_gold(gold, pick=99)
    r = evaluate(events, entities, gold, SEEDS)
    assert r.events_typed.f1 == 1.0 and r.roles_macro == 1.0
    # ... and all alternatives at once for one slot (a state and its forces)
    events, entities = _pred_from_gold(gold)
    row = next(e for e in events if e["id"] == EV + "us-strikes-2020-03-12")
    row["attackers"] = [_entity(gold, "united-states"), _entity(gold, "us-forces")]
    r = evaluate(events, entities, gold, SEEDS)
    assert r.role("attackers").accuracy == 1.0


def test_dropping_an_event_lowers_recall_exactly(gold):
    events, entities = _pred_from_gold(gold)
    n = len(events)
    dropped = events.pop(3)
    r = evaluate(events, entities, gold, SEEDS)
    assert r.events.precision == 1.0
    assert r.events.recall == pytest.approx((n - 1) / n)
    assert [g["gid"] for g in r.gold_unmatched] == [dropped["id"].removeprefix(EV)]
    assert r.roles_macro == 1.0


def test_wrong_attacker_lowers_attacker_accuracy(gold):
    events, entities = _pred_from_gold(gold)
    row = next(e for e in events if e["id"] == EV + "us-strikes-2020-03-12")
    row["attackers"] = [_entity(gold, "kataib-hezbollah")]
    r = evaluate(events, entities, gold, SEEDS)
    n = len(gold["events"])
    assert r.events.f1 == 1.0
    assert r.role("attackers").accuracy == pytest.approx((n - 1) / n)
    assert r.role("targets").accuracy == 1.0
    assert r.roles_macro < 1.0
    (m,) = r.role_mismatches
    assert (m.gid, m.role) == ("us-strikes-2020-03-12", "attackers")
    assert m.gold == ["united-states|us-forces"] and m.pred == ["kataib-hezbollah"]
    assert r.role("attackers").set_scores.f1 < 1.0


def test_extra_or_missing_role_filler_is_wrong_but_partly_credited(gold):
    events, entities = _pred_from_gold(gold)
    row = next(e for e in events if e["id"] == EV + "us-strikes-2020-03-12")
    row["locations"] = row["locations"][:2]  # gold has five
    r = evaluate(events, entities, gold, SEEDS)
    loc = r.role("locations")
    assert loc.accuracy < 1.0
    assert loc.set_scores.precision == 1.0 and loc.set_scores.recall < 1.0


def test_scalar_roles_and_retaliation_are_compared(gold):
    events, entities = _pred_from_gold(gold)
    by_id = {e["id"].removeprefix(EV): e for e in events}
    by_id["taji-attack-1"]["killed"] = 2
    by_id["taji-attack-2"]["date_precision"] = "month"
    by_id["besmaya-attack"]["not_claimed"] = True
    by_id["us-strikes-2020-03-12"]["retaliation_for"] = [EV + "taji-attack-2"]
    r = evaluate(events, entities, gold, SEEDS)
    wrong = {(m.gid, m.role) for m in r.role_mismatches}
    assert wrong == {
        ("taji-attack-1", "killed"),
        ("taji-attack-2", "date"),
        ("besmaya-attack", "not_claimed"),
        ("us-strikes-2020-03-12", "retaliation_for"),
    }


def test_wrong_category_does_not_match_and_wrong_type_only_costs_type(gold):
    events, entities = _pred_from_gold(gold)
    by_id = {e["id"].removeprefix(EV): e for e in events}
    by_id["france-withdrawal"]["category"] = "attack"
    by_id["taji-attack-2"]["type"] = "DroneAttack"
    r = evaluate(events, entities, gold, SEEDS)
    n = len(gold["events"])
    assert r.events.recall == pytest.approx((n - 1) / n)
    assert r.events.precision == pytest.approx((n - 1) / n)
    assert r.events_typed.recall == pytest.approx((n - 2) / n)
    assert r.type_accuracy == pytest.approx((n - 2) / (n - 1))


def test_entity_scores_and_label_matching_on_seeds(gold):
    events, entities = _pred_from_gold(gold)
    # an entity the gazetteer does not know, found by its (variant) Arabic label
    amin = next(e for e in entities if e["iri"].endswith("/abu-amin"))
    amin["iri"] = ENT + "person-0123456789"
    amin["label_ar"] = "ابو امين"  # no hamza
    # one entity the build did not find, one spurious, one with zero mentions (ignored)
    entities = [e for e in entities if not e["iri"].endswith("/tank")]
    entities.append(
        {"iri": ENT + "place-aaaa", "type": "Place", "label_ar": "القاهرة", "mentions": 2}
    )
    entities.append({"iri": ENT + "place-bbbb", "type": "Place", "label_ar": "دمشق", "mentions": 0})
    r = evaluate(events, entities, gold, SEEDS)
    n = len(gold["entities"])
    assert r.entities.recall == pytest.approx((n - 1) / n)
    assert r.entities.precision == pytest.approx((n - 1) / n)
    assert r.entities_missing == ("tank",)
    assert len(r.entities_spurious) == 1 and "القاهرة" in r.entities_spurious[0]


def test_label_key_folds_and_drops_the_article():
    assert label_key("الكتيبة الأولى") == label_key("كتيبه اولى")
    assert label_key("قاعدة القائم") == label_key("قاعده قائم")
    assert label_key("أبو أمين") == label_key("ابو امين")


# --------------------------------------------------------------------------- a small synthetic corpus

ART = "سقطت ثلاثة صواريخ على قاعدة بلد الجوية فجر الجمعة. وتبنت سرايا أولياء الدم الهجوم. وانسحبت القوات من القاعدة."


@pytest.fixture()
def tiny(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a1.txt").write_text(ART, encoding="utf-8")
    gold = {
        "entities": [
            {"id": "balad-air-base", "class": "MilitaryBase", "ar": "قاعدة بلد الجوية", "en": None},
            {
                "id": "saraya-awliya-al-dam",
                "class": "ArmedGroup",
                "ar": "سرايا أولياء الدم",
                "en": None,
            },
            {"id": "rocket", "class": "Weapon", "ar": "صاروخ", "en": "rocket"},
        ],
        "events": [
            {
                "gid": "g1",
                "category": "attack",
                "type": "RocketAttack",
                "status": "done",
                "date": None,
                "date_precision": None,
                "attackers": [],
                "claimed_by": ["saraya-awliya-al-dam"],
                "attributed_to": [],
                "not_claimed": False,
                "targets": ["balad-air-base"],
                "weapons": ["rocket"],
                "locations": ["balad-air-base"],
                "actors": [],
                "recipients": [],
                "killed": None,
                "wounded": None,
                "retaliation_for": [],
                "sources": [
                    {"article": "a1.txt", "quote": "سقطت ثلاثة صواريخ"},
                    {"article": "a1.txt", "quote": "وتبنت سرايا"},
                ],
            }
        ],
    }
    return corpus, gold


def _row(pid, category, spans, **roles):
    row = {
        "id": pid,
        "category": category,
        "type": roles.pop("type", "RocketAttack"),
        "status": "done",
        "date": None,
        "date_precision": None,
        "attackers": [],
        "claimed_by": [],
        "attributed_to": [],
        "not_claimed": False,
        "targets": [],
        "weapons": [],
        "locations": [],
        "actors": [],
        "recipients": [],
        "killed": None,
        "wounded": None,
        "retaliation_for": [],
        "sources": [{"article": a, "start": s, "end": e} for a, s, e in spans],
    }
    row.update(roles)
    return row


def _sentence(n: int) -> tuple[int, int]:
    starts = [0] + [m.end() + 1 for m in re.finditer(r"\.", ART)][:-1]
    ends = [m.end() for m in re.finditer(r"\.", ART)]
    return starts[n], ends[n]


def test_unknown_entity_matched_by_label_in_a_role(tiny):
    corpus, gold = tiny
    s0, s1 = _sentence(0), _sentence(1)
    unknown = {
        "iri": ENT + "armedgroup-1234567890",
        "type": "ArmedGroup",
        "label_ar": "سرايا اولياء الدم",
    }
    base = {"iri": ENT + "armedgroup-x", "label_ar": "قاعده بلد جويه"}  # folded, no article
    pred = _row(
        "e1",
        "attack",
        [("a1", *s0), ("A1.txt", *s1)],  # article id or file name both work
        claimed_by=[unknown],
        targets=[base],
        weapons=[{"iri": ENT + "rocket"}],
        locations=[base],
    )
    r = evaluate([pred], [], gold, corpus)
    assert r.events.f1 == 1.0
    assert r.role("claimed_by").accuracy == 1.0
    assert r.role("targets").accuracy == 1.0
    assert r.roles_macro == 1.0
    wrong = dict(pred, claimed_by=[{"iri": ENT + "x", "label_ar": "سرايا الخراساني"}])
    assert evaluate([wrong], [], gold, corpus).role("claimed_by").accuracy == 0.0


def test_empty_gold_role_needs_empty_prediction(tiny):
    corpus, gold = tiny
    pred = _row("e1", "attack", [("a1.txt", *_sentence(0))], attackers=[{"iri": ENT + "iran"}])
    r = evaluate([pred], [], gold, corpus)
    assert r.role("attackers").accuracy == 0.0
    assert r.role("attackers").set_scores.precision == 0.0


def test_missing_quote_raises_a_clear_error(tiny):
    corpus, gold = tiny
    bad = copy.deepcopy(gold)
    bad["events"][0]["sources"][0]["quote"] = "سقطت أربعة صواريخ"
    with pytest.raises(GoldError) as info:
        evaluate([], [], bad, corpus)
    assert "a1.txt" in str(info.value) and "سقطت أربعة صواريخ" in str(info.value)
    bad["events"][0]["sources"][0] = {"article": "missing.txt", "quote": "x"}
    with pytest.raises(GoldError, match="missing.txt"):
        evaluate([], [], bad, corpus)


def test_matching_maximises_pairs_not_greedy_overlap(tiny):
    """g1 overlaps p1 twice and p2 once; g2 only p1: greedy would leave g2 unmatched."""
    corpus, gold = tiny
    g2 = copy.deepcopy(gold["events"][0])
    g2.update(gid="g2", sources=[{"article": "a1.txt", "quote": "وتبنت سرايا"}])
    gold["events"][0]["sources"].append({"article": "a1.txt", "quote": "قاعدة بلد الجوية"})
    gold["events"].append(g2)
    p1 = _row("p1", "attack", [("a1.txt", *_sentence(0)), ("a1.txt", *_sentence(1))])
    p2 = _row("p2", "attack", [("a1.txt", 0, 5)])
    r = evaluate([p1, p2], [], gold, corpus)
    assert {(m.gid, m.pred_id) for m in r.matches} == {("g1", "p2"), ("g2", "p1")}
    assert r.events.f1 == 1.0


def test_no_overlap_or_other_article_is_no_match(tiny):
    corpus, gold = tiny
    (corpus / "a2.txt").write_text(ART, encoding="utf-8")
    elsewhere = _row("p1", "attack", [("a2.txt", *_sentence(0))])
    later = _row("p2", "attack", [("a1.txt", *_sentence(2))])
    r = evaluate([elsewhere, later], [], gold, corpus)
    assert r.events.f1 == 0.0 and r.roles_macro is None
    assert len(r.pred_unmatched) == 2 and r.gold_unmatched[0]["gid"] == "g1"


# --------------------------------------------------------------------------- CLI


def _write_out(tmp_path: Path, events: list, entities: list) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8"
    )
    (out / "entities.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8"
    )
    return out


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "evaluate.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_cli_text_json_and_thresholds(gold, tmp_path):
    events, entities = _pred_from_gold(gold)
    events = events[: len(events) // 2]
    out = _write_out(tmp_path, events, entities)
    common = ("--out", str(out), "--gold", str(GOLD_PATH), "--corpus", str(SEEDS))

    text = _cli(*common)
    assert text.returncode == 0, text.stderr
    assert "category only" in text.stdout and "GOLD EVENTS NOT FOUND" in text.stdout

    js = _cli(*common, "--json")
    assert js.returncode == 0
    d = json.loads(js.stdout)
    assert d["events"]["precision"] == 1.0 and d["events"]["recall"] < 1.0
    assert d["roles"]["attackers"]["accuracy"] == 1.0
    assert d["thresholds_failed"] == []

    assert _cli(*common, "--min-event-f1", "0.99").returncode == 1
    assert _cli(*common, "--min-event-f1", "0.5", "--min-roles", "1.0").returncode == 0
    missing = _cli(
        "--out", str(tmp_path / "nowhere"), "--gold", str(GOLD_PATH), "--corpus", str(SEEDS)
    )
    assert missing.returncode == 2 and "events.jsonl" in missing.stderr


# --------------------------------------------------------------------------- the gold file itself


def test_gold_quotes_are_exact_and_unique(gold):
    for ev in gold["events"]:
        assert ev["sources"], ev["gid"]
        for s in ev["sources"]:
            text = _text(s["article"])
            n = text.count(s["quote"])
            assert n == 1, f"{ev['gid']}: quote found {n} times in {s['article']}: {s['quote']!r}"


def test_gold_entity_refs_resolve(gold):
    slugs = [e["id"] for e in gold["entities"]]
    assert len(slugs) == len(set(slugs))
    known = set(slugs)
    for e in gold["entities"]:
        assert re.fullmatch(r"[a-z0-9-]+", e["id"]), e["id"]
        assert e["class"] in CLASSES, e
        assert e["ar"] and re.search(r"[\u0621-\u064A]", e["ar"]), e
        assert e["articles"], e["id"]
        for a in e["articles"]:
            assert (SEEDS / a).is_file(), (e["id"], a)
    for ev in gold["events"]:
        refs = [r for role in ENTITY_LISTS for r in ev[role]]
        for a in ev["attributed_to"]:
            refs += [a["entity"], *a["by"]]
        for ref in refs:
            for alt in ref.split("|"):
                assert alt in known, f"{ev['gid']}: unknown entity {alt!r}"


def test_gold_events_are_well_formed(gold):
    gids = [ev["gid"] for ev in gold["events"]]
    assert len(gids) == len(set(gids))
    for ev in gold["events"]:
        assert ev["category"] in TYPES, ev["gid"]
        assert set(ev["type"].split("|")) <= TYPES[ev["category"]], ev["gid"]
        assert ev["status"] in {"done", "planned", "disrupted"}, ev["gid"]
        assert isinstance(ev["not_claimed"], bool)
        for k in ("killed", "wounded"):
            assert ev[k] is None or (isinstance(ev[k], int) and ev[k] >= 0), ev["gid"]
        for g in ev["retaliation_for"]:
            assert g in gids and g != ev["gid"], ev["gid"]
        if ev["category"] == "withdrawal":
            assert ev["actors"] and not ev["attackers"], ev["gid"]


FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def test_gold_dates_are_iso_at_their_precision(gold):
    for ev in gold["events"]:
        date, prec = ev["date"], ev["date_precision"]
        if prec in FORMATS:
            assert isinstance(date, str), ev["gid"]
            parsed = dt.datetime.strptime(date, FORMATS[prec])
            assert parsed.strftime(FORMATS[prec]) == date, ev["gid"]
        elif prec == "week":
            assert date is None, ev["gid"]
            lo = dt.date.fromisoformat(ev["date_earliest"])
            hi = dt.date.fromisoformat(ev["date_latest"])
            assert lo <= hi, ev["gid"]
        else:
            assert prec is None and date is None, ev["gid"]


def test_cli_builds_and_reports_the_named_sets_side_by_side():
    run = _cli("--set", "seeds")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["seeds"]
    f1 = next(line for line in lines if line.startswith("event F1 "))
    assert 0.9 <= float(f1.split()[-1]) <= 1.0  # the seeds' level (BENCHMARKS.md)
    assert any(line.startswith("duplicates") for line in lines)
    assert any(line.strip().startswith("locations") for line in lines)
