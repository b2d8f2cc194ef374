"""Chains of attacks and retaliations: on a hand-made graph with known answers, and on the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, Namespace, URIRef

from kg.analysis.chains import (
    ChainError,
    chains_to_json,
    find_chains,
    find_paths,
    load_events_view,
    resolve,
)

ROOT = Path(__file__).resolve().parents[1]
KGO = Namespace("https://w3id.org/kg-iraq/ontology#")
KGR = Namespace("https://w3id.org/kg-iraq/id/")
ONTO = URIRef("https://w3id.org/kg-iraq/ontology")

# ---------------------------------------------------------------------------------------------
# A small graph written from the terms of docs/DATA_MODEL.md, where every answer is known.
#
#   e1 RocketAttack 2019-12-28 on K1 (Kirkuk), attributed to KH by the US
#   e2 AirStrike 2019-12-29, US → KH,                in retaliation for e1
#   e3 AirStrike 2020-01-03, US at Baghdad airport,  in retaliation for e1
#   e4 RocketAttack 2020-01 (month), claimed by KH,  in retaliation for e3
#   e5 RocketAttack 2020-03-11 on Camp Taji, nobody claimed it
#   e6 AirStrike 2020-03-12, US → KH,                in retaliation for e5
#   e7, e8 (2021-05) answer each other: a cycle the chains must survive
#   e9 BaseHandover 2020-03-17 of al-Qaim, no links
# ---------------------------------------------------------------------------------------------

ENTITIES = {
    "kataib-hezbollah": ("ArmedGroup", "كتائب حزب الله", "Kataib Hezbollah"),
    "united-states": ("State", "الولايات المتحدة", "United States"),
    "k1-air-base": ("MilitaryBase", "كي وان", "K1 Air Base"),
    "kirkuk": ("Place", "كركوك", "Kirkuk"),
    "baghdad-airport": ("MilitaryBase", "مطار بغداد", "Baghdad Airport"),
    "ain-al-asad": ("MilitaryBase", "عين الأسد", "Ain al-Asad"),
    "camp-taji": ("MilitaryBase", "معسكر التاجي", "Camp Taji"),
    "al-qaim-base": ("MilitaryBase", "قاعدة القائم", "al-Qaim base"),
    "global-coalition": ("Coalition", "التحالف الدولي", "Global Coalition"),
    "iraqi-army": ("MilitaryForce", "الجيش العراقي", "Iraqi Army"),
    "rocket": ("Weapon", "صاروخ", "rocket"),
    "airstrike": ("Weapon", "غارة جوية", "air strike"),
}

# id: (type, date, precision, article, sentence, roles, responsibility, retaliation_for, killed)
EVENTS = {
    "e1": (
        "RocketAttack",
        "2019-12-28",
        "day",
        "a1",
        "وقتل مقاول أميركي في هجوم صاروخي على كركوك في 28 ديسمبر",
        {"target": ["k1-air-base"], "location": ["kirkuk"], "weapon": ["rocket"]},
        [("Attribution", "kataib-hezbollah", ["united-states"])],
        [],
        1,
    ),
    "e2": (
        "AirStrike",
        "2019-12-29",
        "day",
        "a1",
        "وأعقب ذلك غارات جوية أمريكية ضد مقرات كتائب حزب الله",
        {"attacker": ["united-states"], "target": ["kataib-hezbollah"], "weapon": ["airstrike"]},
        [],
        ["e1"],
        25,
    ),
    "e3": (
        "AirStrike",
        "2020-01-03",
        "day",
        "a2",
        "الغارة التي نفذتها واشنطن قرب مطار بغداد",
        {"attacker": ["united-states"], "location": ["baghdad-airport"]},
        [],
        ["e1"],
        None,
    ),
    "e4": (
        "RocketAttack",
        "2020-01",
        "month",
        "a2",
        "تبنت كتائب حزب الله قصف قاعدة عين الأسد",
        {"target": ["ain-al-asad"], "weapon": ["rocket"]},
        [("Claim", "kataib-hezbollah", [])],
        ["e3"],
        None,
    ),
    "e5": (
        "RocketAttack",
        "2020-03-11",
        "day",
        "a3",
        "هجوم صاروخي على معسكر التاجي لم يتبنه أي طرف",
        {"target": ["camp-taji"], "weapon": ["rocket"]},
        [("NoClaim", None, [])],
        [],
        3,
    ),
    "e6": (
        "AirStrike",
        "2020-03-12",
        "day",
        "a3",
        "رد الطيران الأميركي على الهجوم الأول للتاجي",
        {"attacker": ["united-states"], "target": ["kataib-hezbollah"]},
        [],
        ["e5"],
        None,
    ),
    "e7": (
        "Attack",
        "2021-05-01",
        "day",
        "a4",
        "هجوم أول",
        {"target": ["k1-air-base"]},
        [],
        ["e8"],
        None,
    ),
    "e8": (
        "Attack",
        "2021-05-02",
        "day",
        "a4",
        "هجوم ثان",
        {"target": ["camp-taji"]},
        [],
        ["e7"],
        None,
    ),
    "e9": (
        "BaseHandover",
        "2020-03-17",
        "day",
        "a3",
        "تسليم قاعدة القائم للجيش العراقي",
        {"actor": ["global-coalition"], "recipient": ["iraqi-army"], "location": ["al-qaim-base"]},
        [],
        [],
        None,
    ),
}

DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
PRECISION = {"day": KGO.DayPrecision, "month": KGO.MonthPrecision, "year": KGO.YearPrecision}


def ev_iri(eid: str) -> URIRef:
    return KGR[f"event/{eid}"]


def write_small_graph(folder: Path) -> Path:
    """Write the small graph as folder/graph.trig (ontology graph + one graph per article)."""
    ds = Dataset()
    onto = ds.graph(ONTO)
    onto.parse(ROOT / "ontology" / "kg.ttl", format="turtle")
    for slug, (cls, ar, en) in ENTITIES.items():
        e = KGR[f"entity/{slug}"]
        onto.add((e, RDF.type, KGO[cls]))
        onto.add((e, SKOS.prefLabel, Literal(ar, lang="ar")))
        onto.add((e, SKOS.prefLabel, Literal(en, lang="en")))
        onto.add((e, RDFS.label, Literal(ar, lang="ar")))
        onto.add((e, KGO.inGazetteer, Literal(True)))
    # each sentence's offsets: the article is its events' sentences in id order, one per line
    spans: dict[str, tuple[int, int]] = {}
    ends: dict[str, int] = {}
    for eid in sorted(EVENTS):
        art, sentence = EVENTS[eid][3], EVENTS[eid][4]
        start = ends.get(art, 0)
        spans[eid] = (start, start + len(sentence))
        ends[art] = start + len(sentence) + 1
    for eid, (cls, date, prec, art, sentence, roles, resp, retal, killed) in EVENTS.items():
        g = ds.graph(KGR[f"graph/{art}"])
        a = KGR[f"article/{art}"]
        g.add((a, RDF.type, KGO.Article))
        g.add((a, KGO.fileName, Literal(f"{art}.txt")))
        start, end = spans[eid]
        evd = KGR[f"evidence/{art}/{start}-{end}"]
        g.add((evd, RDF.type, KGO.Evidence))
        g.add((evd, KGO.inArticle, a))
        g.add((evd, KGO.sentence, Literal(sentence, lang="ar")))
        g.add((evd, KGO.startOffset, Literal(start, datatype=XSD.nonNegativeInteger)))
        g.add((evd, KGO.endOffset, Literal(end, datatype=XSD.nonNegativeInteger)))
        s = ev_iri(eid)
        g.add((s, RDF.type, KGO[cls]))
        g.add((s, KGO.status, KGO.Done))
        g.add((s, KGO.date, Literal(date, datatype=DATE_TYPES[prec])))
        g.add((s, KGO.datePrecision, PRECISION[prec]))
        g.add((s, KGO.hasEvidence, evd))
        if killed is not None:
            g.add((s, KGO.killed, Literal(killed, datatype=XSD.nonNegativeInteger)))
        for other in retal:
            g.add((s, KGO.inRetaliationFor, ev_iri(other)))
        for role, slugs in roles.items():
            for slug in slugs:
                ent = KGR[f"entity/{slug}"]
                g.add((s, KGO[role], ent))
                ra = KGR[f"role/{eid}-{role}-{slug}"]
                g.add((ra, RDF.type, KGO.RoleAssertion))
                g.add((ra, KGO.ofEvent, s))
                g.add((ra, KGO.assertsRole, KGO[role]))
                g.add((ra, KGO.filler, ent))
                g.add((ra, KGO.hasEvidence, evd))
        for kind, party, by in resp:
            c = KGR[f"claim/{eid}-{kind.lower()}"]
            g.add((c, RDF.type, KGO[kind]))
            g.add((c, KGO.aboutEvent, s))
            if party:
                g.add((c, KGO.responsibleParty, KGR[f"entity/{party}"]))
            for b in by:
                g.add((c, KGO.accordingTo, KGR[f"entity/{b}"]))
            g.add((c, KGO.hasEvidence, evd))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "graph.trig"
    ds.serialize(destination=str(path), format="trig")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    write_small_graph(folder)
    return folder


@pytest.fixture(scope="module")
def small_view(small):
    return load_events_view(small)


def ids(chain) -> list[str]:
    return [e.id.rsplit("/", 1)[1] for e in chain.events]


# --------------------------------------------------------------------------- the small graph


def test_forward_from_an_event(small_view):
    result = find_chains(small_view, event="e1")
    assert [ids(c) for c in result.chains] == [["e1", "e2", "e3", "e4"]]
    chain = result.chains[0]
    assert [(link.source[-2:], link.target[-2:]) for link in chain.links] == [
        ("e2", "e1"),
        ("e3", "e1"),
        ("e4", "e3"),
    ]
    first = chain.events[0]
    assert first.start and not any(e.start for e in chain.events[1:])
    assert first.answered_by == (str(ev_iri("e2")), str(ev_iri("e3")))
    assert chain.events[3].retaliation_for == (str(ev_iri("e3")),)
    assert result.warnings == ()


def test_backward_from_an_event(small_view):
    # e4 answered e3, which answered e1; e2 (another answer to e1) is not on this chain
    result = find_chains(small_view, event=str(ev_iri("e4")))
    assert [ids(c) for c in result.chains] == [["e1", "e3", "e4"]]


def test_actor_names_iri_slug_english_and_folded_arabic(small_view):
    expected = [["e1", "e2", "e3", "e4"]]
    for name in (
        "Kataib Hezbollah",
        "kataib hezbollah",
        "kataib-hezbollah",
        str(KGR["entity/kataib-hezbollah"]),
        "كتائب حزب الله",
        "كتائِب حزب اللّه",  # diacritics
        "كتايب حزب الله",  # ئ written ي
    ):
        assert [ids(c) for c in find_chains(small_view, actor=name).chains] == expected, name
    assert resolve(small_view, "قاعده القائم") == [str(KGR["entity/al-qaim-base"])]  # ة/ه folded


def test_target_gives_separate_chains_in_time_order(small_view):
    result = find_chains(small_view, target="Kataib Hezbollah")
    assert [ids(c) for c in result.chains] == [["e1", "e2"], ["e5", "e6"]]
    # a place as target: events against it or at it
    assert [ids(c) for c in find_chains(small_view, target="Kirkuk").chains] == [
        ["e1", "e2", "e3", "e4"]
    ]


def test_date_range_selects_the_starts(small_view):
    march = find_chains(small_view, date_from="2020-03", date_to="2020-03")
    assert [ids(c) for c in march.chains] == [["e5", "e6"], ["e9"]]
    assert [
        ids(c)
        for c in find_chains(
            small_view, date_from="2020-03", date_to="2020-03", linked_only=True
        ).chains
    ] == [["e5", "e6"]]
    # the chain follows links outside the range: e6 (12 March) leads back to e5 (11 March)
    one_day = find_chains(small_view, date_from="2020-03-12", date_to="2020-03-12")
    assert [ids(c) for c in one_day.chains] == [["e5", "e6"]]
    assert [e.start for e in one_day.chains[0].events] == [False, True]
    # a month-precision date overlaps a range inside its month
    assert [
        ids(c) for c in find_chains(small_view, date_from="2020-01-15", date_to="2020-01-20").chains
    ] == [["e1", "e3", "e4"]]
    # filters combine
    assert find_chains(small_view, actor="United States", date_from="2021").chains == ()
    with pytest.raises(ChainError):
        find_chains(small_view, date_from="2020-04", date_to="2020-03")
    with pytest.raises(ChainError):
        find_chains(small_view, date_from="March 2020")


def test_cycles_are_guarded(small_view):
    result = find_chains(small_view, event="e7")
    assert [ids(c) for c in result.chains] == [["e7", "e8"]]
    chain = result.chains[0]
    # e7 (1 May) cannot answer e8 (2 May): that link runs backwards in time, so it is
    # dropped before any loop is looked for, and reported (since issue 13: as a link
    # dropped for its dates, no longer as a loop broken)
    assert [(link.source[-2:], link.target[-2:]) for link in chain.links] == [("e8", "e7")]
    assert chain.broken == ()
    assert [(link.source[-2:], link.target[-2:]) for link in chain.dropped] == [("e7", "e8")]
    assert "backwards in time" in chain.dropped[0].reason
    assert len(result.warnings) == 1 and "backwards in time" in result.warnings[0]
    # a real loop (two events of the same day answering each other) is broken and said
    same_day = small_view.copy()
    for key in ("date", "date_earliest", "date_latest"):
        same_day.nodes[str(ev_iri("e7"))][key] = same_day.nodes[str(ev_iri("e8"))][key]
    looped = find_chains(same_day, event="e7")
    (chain,) = looped.chains
    assert len(chain.links) == 1 and len(chain.broken) == 1
    assert [link.reason for link in chain.dropped] == [
        "loop in the data: the events answer each other; this link was dropped"
    ]
    assert len(looped.warnings) == 1 and "loop" in looped.warnings[0]
    # every chain is acyclic and ordered: what is answered comes first
    for c in find_chains(small_view).chains:
        pos = {e.id: i for i, e in enumerate(c.events)}
        assert all(pos[link.target] < pos[link.source] for link in c.links)


def test_who_is_never_flattened_into_a_fact(small_view):
    events = {e.id[-2:]: e for c in find_chains(small_view).chains for e in c.events}
    e1 = events["e1"]
    assert [
        (p.entity.label_en, p.responsibility, [b.label_en for b in p.by]) for p in e1.parties
    ] == [("Kataib Hezbollah", "attributed", ["United States"])]
    assert e1.responsibility == "attributed"
    assert events["e2"].responsibility == "fact"
    assert events["e4"].responsibility == "claimed"
    assert events["e5"].responsibility == "not claimed"
    assert events["e7"].responsibility == "unknown"
    assert events["e9"].parties[0].entity.label_en == "Global Coalition"  # a withdrawal's actor


def test_chains_are_deterministic_whatever_the_input_order(tmp_path, small_view):
    import random

    ref = chains_to_json(find_chains(small_view))
    saved = dict(EVENTS)
    try:
        items = list(saved.items())
        random.Random(3).shuffle(items)
        EVENTS.clear()
        EVENTS.update(items)
        write_small_graph(tmp_path / "shuffled")
    finally:
        EVENTS.clear()
        EVENTS.update(saved)
    assert chains_to_json(find_chains(load_events_view(tmp_path / "shuffled"))) == ref


def test_unknown_and_ambiguous_names(small_view):
    with pytest.raises(ChainError, match="no actor"):
        find_chains(small_view, actor="Hezbollah of Mars")
    with pytest.raises(ChainError, match="ambiguous"):
        resolve(small_view, "air", {"place"})  # K1 Air Base, Baghdad Airport
    assert resolve(small_view, "Taji") == [str(KGR["entity/camp-taji"])]


def test_json_output_schema(small):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(
        app, ["chains", "--graph", str(small), "--event", "e1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"version", "query", "chains", "warnings"}
    assert data["query"]["event"] == "e1"
    (chain,) = data["chains"]
    assert set(chain) == {
        "n",
        "first_date",
        "last_date",
        "events",
        "links",
        "broken_links",
        "dropped_links",
    }
    assert chain["dropped_links"] == []
    assert (chain["first_date"], chain["last_date"]) == ("2019-12-28", "2020-01-31")
    ev = chain["events"][0]
    assert set(ev) == {
        "id", "type", "category", "label_en", "label_ar", "type_label_en", "type_label_ar",
        "date", "date_precision", "date_earliest", "date_latest", "status", "parties", "not_claimed",
        "targets", "locations", "weapons", "recipients", "killed", "wounded", "sources",
        "retaliation_for", "answered_by", "start", "responsibility",
    }  # fmt: skip
    assert ev["id"] == str(ev_iri("e1")) and ev["responsibility"] == "attributed"
    party = ev["parties"][0]
    assert party["entity"]["label_ar"] == "كتائب حزب الله"
    assert party["responsibility"] == "attributed" and party["by"][0]["label_en"] == "United States"
    assert ev["sources"] == [
        {
            "article": "a1.txt",
            "sentence": EVENTS["e1"][4],
            "start": 0,
            "end": len(EVENTS["e1"][4]),
            "quote": None,
        }
    ]
    assert [t["label_en"] for t in ev["targets"]] == ["K1 Air Base"]
    assert [x["id"].rsplit("/", 1)[1] for x in ev["weapons"]] == ["rocket"]
    assert {(link["source"][-2:], link["target"][-2:]) for link in chain["links"]} == {
        ("e2", "e1"),
        ("e3", "e1"),
        ("e4", "e3"),
    }
    assert all(link["sources"] for link in chain["links"])


def test_text_output(small):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(
        app, ["chains", "--graph", str(small), "--target", "Camp Taji"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "2020-03-11 (day)" in out and "2020-03-12 (day)" in out
    assert "nobody claimed it" in out and "United States (fact)" in out
    assert EVENTS["e5"][4] in out and "a3.txt" in out
    assert out.index("2020-03-11") < out.index("2020-03-12")
    bad = CliRunner().invoke(app, ["chains", "--graph", str(small), "--actor", "nobody at all"])
    assert bad.exit_code == 2


def test_paths(small_view):
    result = find_paths(small_view, "Kataib Hezbollah", "Baghdad Airport")
    assert result.length == 3
    routes = [[h.b.id.rsplit("/", 1)[1] for h in p] for p in result.paths]
    assert routes == [["e1", "e3", "baghdad-airport"], ["e4", "e3", "baghdad-airport"]]
    first = result.paths[0]
    assert [e["role"] for h in first for e in h.edges] == [
        "attributed_to",
        "in_retaliation_for",
        "location",
    ]
    assert [e["direction"] for h in first for e in h.edges] == ["backward", "backward", "forward"]
    assert all(e["sources"] for h in first for e in h.edges)
    # weapons are not stepping stones unless asked
    assert find_paths(small_view, "Camp Taji", "Ain al-Asad").length == 5
    via = find_paths(small_view, "Camp Taji", "Ain al-Asad", via_weapons=True)
    assert via.length == 4 and [h.b.id.rsplit("/", 1)[1] for h in via.paths[0]][1] == "rocket"
    assert find_paths(small_view, "Global Coalition", "Kataib Hezbollah").length is None


def test_path_cli(small):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(
        app,
        ["path", "--graph", str(small), "كتائب حزب الله", "Baghdad Airport"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "attributed_to" in result.stdout and "according to United States" in result.stdout
    assert EVENTS["e3"][4] in result.stdout
    data = json.loads(
        CliRunner()
        .invoke(app, ["path", "-g", str(small), "Global Coalition", "Kirkuk", "-f", "json"])
        .stdout
    )
    assert data["length"] is None and data["paths"] == []


# --------------------------------------------------------------------------- the seeds
#
# What the seeds say (000, 003, 004): the rocket attack on Kirkuk of 28 December 2019 was
# answered by US air strikes on Kataib Hezbollah's headquarters (003) and was "a main reason"
# for the US strike near Baghdad airport (000); the first attack on Camp Taji (Wednesday
# 11 March 2020) was answered by US air strikes on weapons depots (004, 000).

US = {"united-states", "us-forces"}


@pytest.fixture(scope="module")
def seed_view(seed_build):
    return load_events_view(seed_build.out)


def _slugs(refs) -> set[str]:
    return {r.id.rsplit("/", 1)[-1] for r in refs}


def _answers(chain, start):
    """The events of the chain that answer ``start``, directly or through other answers."""
    by_id = {e.id: e for e in chain.events}
    seen, todo = set(), [start.id]
    while todo:
        for other in by_id[todo.pop()].answered_by:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return [by_id[x] for x in sorted(seen)]


def _us_attacks(events):
    return [
        e
        for e in events
        if e.category == "attack"
        and any(p.responsibility == "fact" and _slugs([p.entity]) & US for p in e.parties)
    ]


def _kirkuk_chain(seed_view):
    for chain in find_chains(seed_view, date_from="2019-12-28", date_to="2019-12-28").chains:
        for e in chain.events:
            if e.start and e.type == "RocketAttack" and e.date == "2019-12-28":
                return chain, e
    pytest.fail("no rocket attack dated 2019-12-28 in the seed graph")


def test_seed_kirkuk_attack_answered_by_the_strike_near_baghdad_airport(seed_view):
    chain, kirkuk = _kirkuk_chain(seed_view)
    strikes = [
        e
        for e in _us_attacks(_answers(chain, kirkuk))
        if "baghdad-airport" in _slugs(e.locations + e.targets)
    ]
    assert strikes, "the US strike near Baghdad airport answers the Kirkuk attack"


@pytest.mark.xfail(
    strict=True,
    reason="extraction: 003's 'وأعقب ذلك غارات جوية أمريكية ضد مقرات الجماعة' is linked to the Kirkuk "
    "attack with the US as attacker, but 'الجماعة' is not yet resolved to Kataib Hezbollah (no target)",
)
def test_seed_kirkuk_attack_answered_by_us_strikes_on_kataib_hezbollah(seed_view):
    chain, kirkuk = _kirkuk_chain(seed_view)
    strikes = [
        e for e in _us_attacks(_answers(chain, kirkuk)) if "kataib-hezbollah" in _slugs(e.targets)
    ]
    assert strikes


def test_seed_first_taji_attack_answered_by_us_air_strikes(seed_view):
    found = []
    for chain in find_chains(
        seed_view, target="Camp Taji", date_from="2020-03-11", date_to="2020-03-11"
    ).chains:
        for e in chain.events:
            if e.start and e.category == "attack" and e.date == "2020-03-11":
                found += _us_attacks(_answers(chain, e))
    assert found


def test_seed_chains_are_acyclic_and_stable(seed_view, seed_build):
    result = find_chains(seed_view)
    assert sum(len(c.events) for c in result.chains) == sum(
        1 for _, d in seed_view.nodes(data=True) if d["kind"] == "event"
    )
    for c in result.chains:
        pos = {e.id: i for i, e in enumerate(c.events)}
        assert all(pos[link.target] < pos[link.source] for link in c.links)
    again = find_chains(load_events_view(seed_build.out))
    assert chains_to_json(again) == chains_to_json(result)


# --------------------------------------------------------------------------- links backwards in time
#
# The issue: `kg chains --target "Camp Taji"` listed a strike of 12 March 2020 as answering
# an attack of 14 March. A build no longer writes such a link (the merge drops it), but a
# graph from elsewhere (an older build, an edited store) may hold one: the chains never
# follow it, list it under "dropped links" with the reason, and warn.

STRIKE_12 = "https://w3id.org/kg-iraq/id/event/1850b808e988c99c"
TAJI_14 = "https://w3id.org/kg-iraq/id/event/06b3b3adc0562be3"


@pytest.fixture(scope="module")
def backwards_graph(seed_build, tmp_path_factory) -> Path:
    """The seed graph plus the link of the issue: the strike of 12 March answers the attack
    on Camp Taji of 14 March."""
    folder = tmp_path_factory.mktemp("backwards")
    text = (Path(seed_build.out) / "graph.nq").read_text(encoding="utf-8")
    assert f"<{STRIKE_12}>" in text and f"<{TAJI_14}>" in text
    link = (
        f"<{STRIKE_12}> <https://w3id.org/kg-iraq/ontology#inRetaliationFor> <{TAJI_14}> "
        "<https://w3id.org/kg-iraq/id/graph/003_7c3ce2b50505d2e6> .\n"
    )
    (folder / "graph.nq").write_text(text + link, encoding="utf-8")
    return folder


def test_a_link_backwards_in_time_is_dropped_with_its_reason(backwards_graph):
    result = find_chains(backwards_graph, target="Camp Taji")
    for c in result.chains:
        dates = {e.id: e.date for e in c.events}
        for link in c.links:
            assert dates[link.target] <= dates[link.source]
        assert (STRIKE_12, TAJI_14) not in {(link.source, link.target) for link in c.links}
    touched = [c for c in result.chains if c.dropped]
    assert {e.id for c in touched for e in c.events} >= {STRIKE_12, TAJI_14}
    (dropped,) = {link for c in touched for link in c.dropped}
    assert (dropped.source, dropped.target) == (STRIKE_12, TAJI_14)
    assert "2020-03-12" in dropped.reason and "2020-03-14" in dropped.reason
    assert "backwards in time" in dropped.reason and dropped.sources
    assert len([w for w in result.warnings if "backwards in time" in w]) == 1
    taji = next(e for c in result.chains for e in c.events if e.id == TAJI_14)
    assert taji.answered_by == ()
    # the first Taji attack (11 March) is still answered by the strike
    first = next(e for c in result.chains for e in c.events if e.date == "2020-03-11")
    assert STRIKE_12 in first.answered_by


def test_dropped_links_in_text_and_json(backwards_graph):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    args = ["chains", "--graph", str(backwards_graph), "--target", "Camp Taji"]
    text = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert text.exit_code == 0, text.output
    assert "dropped links" in text.stdout and "backwards in time" in text.stdout
    assert "warning: dropped a link" in text.stdout
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    dropped = [link for c in data["chains"] for link in c["dropped_links"]]
    assert {(d["source"], d["target"]) for d in dropped} == {(STRIKE_12, TAJI_14)}
    assert all("backwards in time" in d["reason"] for d in dropped)
    assert all(
        set(link) == {"source", "target", "sources"} for c in data["chains"] for link in c["links"]
    )
    assert any("backwards in time" in w for w in data["warnings"])


# --------------------------------------------------------------------------- built corpora
#
# Small corpora of invented Arabic sentences, built with kg build.

TAJI_THEN_STRIKE = {
    "000_a.txt": (
        "غارات أميركية بعد هجوم التاجي\n\n"
        "سقطت ثلاثة صواريخ على معسكر التاجي شمال بغداد يوم الأربعاء 11 مارس/آذار 2020، "
        "ما أدى إلى مقتل جنديين.\n\n"
        "وردت الولايات المتحدة يوم الخميس 12 مارس/آذار 2020 بغارات جوية على مواقع لكتائب "
        "حزب الله في جرف الصخر ردا على الهجوم.\n"
    ),
}
# One article links the reply to the attack, both dated only to the month; two others
# date the strike to 12 March and the attack to 14 March: merged, the link runs backwards.
STRIKE_BEFORE_TAJI = {
    "000_a.txt": (
        "غارات أميركية بعد هجوم التاجي\n\n"
        "سقطت ثلاثة صواريخ على معسكر التاجي شمال بغداد في مارس/آذار 2020.\n\n"
        "وردت الولايات المتحدة في مارس/آذار 2020 بغارات جوية على مواقع لكتائب حزب الله في "
        "جرف الصخر ردا على الهجوم.\n"
    ),
    "001_b.txt": (
        "غارات على جرف الصخر\n\n"
        "شنت الولايات المتحدة غارات جوية على مواقع لكتائب حزب الله في جرف الصخر يوم الخميس "
        "12 مارس/آذار 2020.\n"
    ),
    "002_c.txt": (
        "صواريخ على التاجي\n\nسقطت ثلاثة صواريخ على معسكر التاجي يوم السبت 14 مارس/آذار 2020.\n"
    ),
}


def build_corpus(folder: Path, articles: dict[str, str]) -> Path:
    from kg.pipeline.build import build

    src = folder / "corpus"
    src.mkdir(parents=True)
    for name, text in articles.items():
        (src / name).write_text(text, encoding="utf-8")
    (src / "manifest.csv").write_text(
        "file,published\n" + "".join(f"{n},2020-03-20\n" for n in sorted(articles)),
        encoding="utf-8",
    )
    return Path(build(src, folder / "out").out)


def test_built_corpus_reply_after_the_attack_is_a_chain(tmp_path):
    out = build_corpus(tmp_path, TAJI_THEN_STRIKE)
    result = find_chains(out, target="Camp Taji")
    (chain,) = result.chains
    assert [e.date for e in chain.events] == ["2020-03-11", "2020-03-12"]
    assert [(link.source, link.target) for link in chain.links] == [
        (chain.events[1].id, chain.events[0].id)
    ]
    assert chain.dropped == () and result.warnings == ()


def test_built_corpus_never_presents_a_reply_dated_before_the_attack(tmp_path):
    out = build_corpus(tmp_path, STRIKE_BEFORE_TAJI)
    view = load_events_view(out)
    dated = {n: d["date"] for n, d in view.nodes(data=True) if d["kind"] == "event"}
    assert sorted(dated.values()) == ["2020-03-12", "2020-03-14"]
    for c in find_chains(view).chains:
        for link in c.links:
            assert dated[link.target] <= dated[link.source]
    # the strike is not shown as answering the attack of two days later
    result = find_chains(view, target="Camp Taji")
    taji = next(e for c in result.chains for e in c.events if e.date == "2020-03-14")
    assert taji.answered_by == ()


# --------------------------------------------------------------------------- kg path: each hop once


def test_path_shows_each_hop_once_with_its_evidence_once(seed_build):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    args = ["path", "--graph", str(seed_build.out), "Kataib Hezbollah", "Camp Taji"]
    result = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    hops = [
        line for line in out.splitlines() if line.startswith("  ") and ("→" in line or "←" in line)
    ]
    assert hops and len(hops) == len(set(hops))
    # the attack is both at and against Camp Taji: one hop, both roles on one arrow
    assert sum(h.rstrip().endswith("→ Camp Taji") for h in hops) == 1
    assert any("location, target" in h for h in hops)
    sentences = [line.strip() for line in out.splitlines() if line.strip().startswith("«")]
    assert sentences and len(sentences) == len(set(sentences))
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    for path in data["paths"]:
        pairs = [(h["from"]["id"], h["to"]["id"]) for h in path]
        assert len(pairs) == len(set(pairs)) == data["length"]
        for hop in path:
            keys = [(s["article"], s["start"], s["end"]) for s in hop["sources"]]
            assert keys and len(keys) == len(set(keys))
            assert hop["roles"] == sorted({e["role"] for e in hop["edges"]})
