"""Competency questions (queries/*.rq) and validation checks (queries/checks/) on the seed graph.

Expected rows come from reading the seed articles (ANNOTATION.md), with
gold/seeds.gold.json as the reference; each expectation names its gold event.
Where extraction does not produce a row yet, that one expectation is marked
``xfail(strict=True)`` so it turns into a failure (to be unmarked) the day
extraction gets it right. Every query also runs on rdflib and must give the
same rows as on Oxigraph.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import QueryError

ENT = "https://w3id.org/kg-iraq/id/entity/"
KGO = "https://w3id.org/kg-iraq/ontology#"
QUERIES = Path(__file__).resolve().parents[1] / "queries"

NAMED = sorted(p.stem for p in QUERIES.glob("*.rq"))
CHECKS = sorted(p.name for p in (QUERIES / "checks").glob("*-violation.rq"))
REQUIRED = {
    "actor-relations",
    "article-statements",
    "attacks-by-weapon",
    "attacks-on-base",
    "attacks-on-coalition",
    "attributions",
    "casualties-by-attacker",
    "new-entities",
    "retaliation",
    "stationed-at",
    "unclaimed-attacks",
    "withdrawals",
}
# parameters to run each parameterised question with, in the cross-engine test
SAMPLE_PARAMS = {
    "attacks-on-base": {"base": "kgr:entity/camp-taji"},
    "article-statements": {"article": "003_7c3ce2b50505d2e6.txt"},
    "confident-events": {"min_confidence": "0.5"},
}
TAJI_1 = dt.date(2020, 3, 11)
TAJI_2 = dt.date(2020, 3, 14)
KIRKUK = dt.date(2019, 12, 28)


def xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph(seed_build):
    import kg

    return kg.load(seed_build.out)


@pytest.fixture(scope="module")
def ask(graph):
    """Run a named query on Oxigraph once per (name, params); rows are cached."""
    import kg

    cache: dict = {}

    def run(name: str, **params: str) -> list[dict]:
        key = (name, tuple(sorted(params.items())))
        if key not in cache:
            cache[key] = kg.query(graph, name, params or None)
        return cache[key]

    return run


@pytest.fixture(scope="module")
def labels(graph) -> Callable[[str], str]:
    """The English label (else Arabic) of an entity slug, as the queries print it."""

    def label(slug: str) -> str:
        rows = graph.query(
            "SELECT ?e ?l WHERE { ?e skos:prefLabel ?l } ORDER BY DESC(LANG(?l) = 'en')",
            {"e": f"<{ENT}{slug}>"},
        )
        assert rows, f"no label for {slug}"
        return rows[0]["l"]

    return label


@pytest.fixture(scope="module")
def texts(seeds_dir) -> dict[str, str]:
    from kg.pipeline.corpus import Article, iter_corpus

    return {a.file_name: a.text for a in iter_corpus(seeds_dir) if isinstance(a, Article)}


def ents(alternatives: str) -> set[str]:
    """'united-states|us-forces' (gold's notation for accepted alternatives) → their IRIs."""
    return {ENT + s for s in alternatives.split("|")}


def parts(value: str | None) -> set[str]:
    """A '; '-joined column as a set."""
    return set(value.split("; ")) if value else set()


def canonical(rows: list[dict]) -> list[str]:
    """Rows as comparable text; '; '-joined lists compared as sets (GROUP_CONCAT order is free)."""
    out = []
    for r in rows:
        items = []
        for k, v in sorted(r.items()):
            if isinstance(v, str) and "; " in v:
                v = tuple(sorted(v.split("; ")))
            items.append((k, v))
        out.append(repr(items))
    return sorted(out)


# ---------------------------------------------------------------------------
# The query files themselves
# ---------------------------------------------------------------------------


def test_every_required_question_exists():
    assert REQUIRED <= set(NAMED), f"missing: {sorted(REQUIRED - set(NAMED))}"
    assert len(CHECKS) >= 8


@pytest.mark.parametrize("name", NAMED)
def test_query_file_header(name):
    from kg.read.sparql import resolve

    q = resolve(name)
    first = q.text.splitlines()[0]
    assert first.startswith("# Question: ") and len(first) > 30
    assert q.question.endswith(("?", ".", ")"))
    declared = {p.name for p in q.params}
    assert declared == set(SAMPLE_PARAMS.get(name, {})), (
        "params in the header vs the ones the tests use"
    )
    for p in q.params:
        assert re.search(rf"SELECT[^{{]*\?{p.name}\b", q.text), (
            f"?{p.name} must be projected (pyoxigraph substitution)"
        )
        assert p.type and p.meaning


@pytest.mark.parametrize("name", CHECKS)
def test_check_file_header(name):
    text = (QUERIES / "checks" / name).read_text(encoding="utf-8")
    assert text.startswith("# Question: ")
    assert "Must return no rows" in text.splitlines()[0]


@pytest.mark.parametrize("name", NAMED)
def test_query_same_rows_on_oxigraph_and_rdflib(graph, name):
    import kg

    params = SAMPLE_PARAMS.get(name)
    ox_rows = kg.query(graph, name, params, engine="oxigraph")
    rdf_rows = kg.query(graph, name, params, engine="rdflib")
    if name != "new-entities":  # what the gazetteer misses depends on extraction; see EXPECT
        assert ox_rows, f"{name} returns nothing on the seed graph"
    assert canonical(ox_rows) == canonical(rdf_rows)
    # and in the same order where the query orders them (by its first columns)
    first = next(iter(ox_rows[0])) if ox_rows else None
    if ox_rows and name not in ("attacks-by-weapon", "casualties-by-attacker", "new-entities"):
        assert [r[first] for r in ox_rows] == [r[first] for r in rdf_rows]


# ---------------------------------------------------------------------------
# Validation checks: no rows on the seed graph, and rows on a broken graph
# ---------------------------------------------------------------------------

# Checks that fail on the seed graph for a reason known and documented (none at present;
# 003's "وحمّلت كتائب حزب الله المسؤولية" names no accuser and is recorded with
# kgo:accuserUnnamed true, which the check accepts).
KNOWN_VIOLATIONS: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(c, marks=xfail(KNOWN_VIOLATIONS[c])) if c in KNOWN_VIOLATIONS else c
        for c in CHECKS
    ],
)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_check_has_no_rows_on_seed_graph(graph, name, engine):
    import kg

    rows = kg.query(graph, str(QUERIES / "checks" / name), engine=engine)
    assert rows == [], f"{name}: {rows[:3]}"


PRELUDE = """
@prefix kgo: <https://w3id.org/kg-iraq/ontology#> .
@prefix kgr: <https://w3id.org/kg-iraq/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/kg-iraq/ontology> {
  kgo:Attack rdfs:subClassOf kgo:Event . kgo:RocketAttack rdfs:subClassOf kgo:Attack .
  kgo:ArmedGroup rdfs:subClassOf kgo:Actor . kgo:MilitaryBase rdfs:subClassOf kgo:Location .
  kgo:Place rdfs:subClassOf kgo:Location .
  kgr:entity\\/kh a kgo:ArmedGroup ; skos:prefLabel "كتائب حزب الله"@ar ; kgo:inGazetteer true .
  kgr:entity\\/taji a kgo:MilitaryBase ; skos:prefLabel "التاجي"@ar ; kgo:inGazetteer true .
  kgr:entity\\/rocket a kgo:Weapon ; skos:prefLabel "صاروخ"@ar ; kgo:inGazetteer true .
}
"""
GOOD_ARTICLE = """
kgr:graph\\/a1 {
  kgr:article\\/a1 a kgo:Article ; kgo:fileName "a1.txt" .
  kgr:evidence\\/a1\\/0-5 a kgo:Evidence ; kgo:inArticle kgr:article\\/a1 ; kgo:sentence "abcde"@ar ;
      kgo:startOffset "0"^^xsd:nonNegativeInteger ; kgo:endOffset "5"^^xsd:nonNegativeInteger .
  kgr:event\\/e1 a kgo:RocketAttack ; kgo:status kgo:Done ; kgo:hasEvidence kgr:evidence\\/a1\\/0-5 ;
      kgo:target kgr:entity\\/taji .
  kgr:role\\/r1 a kgo:RoleAssertion ; kgo:ofEvent kgr:event\\/e1 ; kgo:assertsRole kgo:target ;
      kgo:filler kgr:entity\\/taji ; kgo:hasEvidence kgr:evidence\\/a1\\/0-5 .
}
"""
BROKEN = {
    "event-without-evidence-violation.rq": "kgr:graph\\/a1 { kgr:event\\/e2 a kgo:RocketAttack ; kgo:status kgo:Done . }",
    "evidence-offsets-violation.rq": """kgr:graph\\/a1 { kgr:evidence\\/a1\\/9-7 a kgo:Evidence ;
        kgo:inArticle kgr:article\\/a1 ; kgo:sentence "ab"@ar ;
        kgo:startOffset "9"^^xsd:nonNegativeInteger ; kgo:endOffset "7"^^xsd:nonNegativeInteger . }""",
    "evidence-article-violation.rq": """kgr:graph\\/a2 { kgr:evidence\\/a2\\/0-5 a kgo:Evidence ;
        kgo:inArticle kgr:article\\/a1 ; kgo:sentence "abcde"@ar ;
        kgo:startOffset "0"^^xsd:nonNegativeInteger ; kgo:endOffset "5"^^xsd:nonNegativeInteger . }""",
    "attacker-not-actor-violation.rq": "kgr:graph\\/a1 { kgr:event\\/e1 kgo:attacker kgr:entity\\/rocket . }",
    "attribution-without-accordingto-violation.rq": """kgr:graph\\/a1 { kgr:claim\\/c1 a kgo:Attribution ;
        kgo:aboutEvent kgr:event\\/e1 ; kgo:responsibleParty kgr:entity\\/kh ;
        kgo:hasEvidence kgr:evidence\\/a1\\/0-5 . }""",
    "role-assertion-violation.rq": """kgr:graph\\/a1 { kgr:role\\/r2 a kgo:RoleAssertion ; kgo:ofEvent kgr:event\\/e1 ;
        kgo:assertsRole kgo:weapon ; kgo:filler kgr:entity\\/rocket ; kgo:hasEvidence kgr:evidence\\/a1\\/0-5 . }""",
    "blank-node-violation.rq": "kgr:graph\\/a1 { kgr:event\\/e1 kgo:hasEvidence [ a kgo:Evidence ] . }",
    "non-ascii-iri-violation.rq": "kgr:graph\\/a1 { <https://w3id.org/kg-iraq/id/entity/قاعدة> a kgo:MilitaryBase . }",
    "language-tag-violation.rq": 'kgr:graph\\/a1 { kgr:entity\\/kh skos:altLabel "Kataib Hezbollah"@fr . }',
    "entity-label-violation.rq": """kgr:graph\\/a1 { kgr:mention\\/a1\\/0-2 a kgo:Mention ;
        kgo:mentionOf kgr:entity\\/nolabel . }""",
    "event-status-violation.rq": """kgr:graph\\/a1 { kgr:event\\/e1 kgo:status kgo:Planned ;
        kgo:date "2020-03-11"^^xsd:date . }""",
}


def _dataset(*trig: str):
    from kg.read.sparql import KnowledgeGraph

    text = "\n".join(trig)
    return KnowledgeGraph(list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG)))


def test_every_check_has_a_broken_example():
    assert set(BROKEN) == set(CHECKS)


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_check_finds_its_violation(name, engine):
    import kg

    path = str(QUERIES / "checks" / name)
    clean = _dataset(PRELUDE, GOOD_ARTICLE)
    assert kg.query(clean, path, engine=engine) == [], "the valid example must pass"
    broken = _dataset(PRELUDE, GOOD_ARTICLE, BROKEN[name])
    assert kg.query(broken, path, engine=engine), f"{name} misses its violation"


# ---------------------------------------------------------------------------
# Expected rows, question by question
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """One expected fact about one question's rows (gold: the gold event it comes from)."""

    id: str
    query: str
    check: Callable[[list[dict], Callable[[str], str]], bool]
    params: dict[str, str] = field(default_factory=dict)


def _any(rows, **want) -> bool:
    return any(all(_match(r.get(k), v) for k, v in want.items()) for r in rows)


def _match(value, want) -> bool:
    if callable(want):
        return bool(want(value))
    if isinstance(want, set):
        return value in want
    return value == want


def _event_rows(rows, event):
    return [r for r in rows if r["event"] == event]


def _taji_1_attributed(rows, label):
    # gold taji-attack-1: attributed to KH by the United States (its strikes answered the attack)
    return _any(
        rows,
        date=TAJI_1,
        basis="attribution",
        party=ents("kataib-hezbollah"),
        accordingTo=ents("united-states|us-forces"),
    )


def _kirkuk_attributed(rows, label):
    return _any(rows, date=KIRKUK, basis="attribution", party=ents("kataib-hezbollah"))


def _bases_only(rows, label):
    return all(r["base"] == ENT + "camp-taji" for r in rows)


def _no_fact_attacker_at_taji(rows, label):
    # nobody is stated as the attacker of either Taji attack (gold: attackers [])
    return not any(r["basis"] == "fact" for r in rows)


def _two_taji_attacks(rows, label):
    # 003: «أسفر هجومان على قاعدة التاجي»: two attacks on Camp Taji
    return len({r["event"] for r in rows}) == 2


def _coalition_row(date, place_slug, **extra):
    def check(rows, label):
        return any(
            r["date"] == date
            and label(place_slug) in (parts(r["targets"]) | parts(r["places"]))
            and all(_match(r.get(k), v) for k, v in extra.items())
            for r in rows
        )

    return check


def _coalition_excludes_militia_targets(rows, label):
    # US strikes on KH / PMF sites are not attacks on foreign forces
    militia = {label("kataib-hezbollah"), label("popular-mobilization-forces")}
    return not any(parts(r["targets"]) & militia for r in rows)


def _sorted_by_date(rows, label):
    keys = [str(r["date"]) for r in rows if r["date"] is not None]
    return keys == sorted(keys)


def _undated_last(rows, label):
    seen_undated = False
    for r in rows:
        dated = r.get("date") is not None or r.get("earliest") is not None
        if seen_undated and dated:
            return False
        seen_undated = seen_undated or not dated
    return True


def _weapon(slug, **want):
    def check(rows, label):
        return _any(rows, weapon=ENT + slug, **want)

    return check


def _unclaimed(date, **want):
    def check(rows, label):
        return _any(rows, date=date, **want)

    return check


def _unclaimed_has_no_stated_attacker(graph):
    def check(rows, label):
        for r in rows:
            if r["nobodyClaimed"]:
                continue
            has = graph.query("ASK { ?e kgo:attacker ?a }", {"e": f"<{r['event']}>"})
            if has:
                return False
        return True

    return check


def _attribution(date, party, by):
    def check(rows, label):
        return _any(rows, date=date, party=ents(party), accordingTo=ents(by))

    return check


def _kh_accuses_us(rows, label):
    # 003: «واتهمت كتائب حزب الله الولايات المتحدة بمهاجمة قواعدها»
    return _any(rows, party=ents("united-states|us-forces"), accordingTo=ents("kataib-hezbollah"))


def _no_attribution_of_us_airport_strike(rows, label):
    # the 2020-01-03 strike is a US attack stated as fact; nobody "attributes" it
    return not _any(rows, date=dt.date(2020, 1, 3))


def _casualties(parties, basis, **want):
    def check(rows, label):
        mine = [r for r in rows if r["party"] in ents(parties) and r["basis"] == basis]
        if not mine:
            return False
        total = {k: sum(r[k] for r in mine) for k in ("attacks", "killed", "wounded")}
        return all(total[k] == v for k, v in want.items())

    return check


def _casualties_none(**want):
    def check(rows, label):
        mine = [r for r in rows if r["basis"] == "none"]
        return (
            len(mine) == 1
            and mine[0]["party"] is None
            and all(mine[0][k] == v for k, v in want.items())
        )

    return check


def _no_claims(rows, label):
    # nobody took responsibility for any attack in the seeds
    return not any(r["basis"] == "claim" for r in rows)


def _withdrawal(type_, status, date, from_slugs, actors=None):
    def check(rows, label):
        for r in rows:
            if r["type"] not in set(type_.split("|")) or r["status"] != status:
                continue
            if date is not None and str(r["date"]) != date:
                continue
            if not {label(s) for s in from_slugs.split("|")} & parts(r["from"]):
                continue
            if actors and not {label(s) for s in actors.split("|")} & parts(r["actors"]):
                continue
            return True
        return False

    return check


def _uk_withdrawal(rows, label):
    # 002: «قرّرت الأسبوع الماضي سحب قسم من قواتها»: done, in the week before 2020-03-29
    uk = {label("united-kingdom"), label("uk-government")}
    return any(
        r["status"] == "done"
        and r["precision"] == "week"
        and r["earliest"] is not None
        and r["earliest"] <= dt.date(2020, 3, 28)
        and r["latest"] >= dt.date(2020, 3, 16)
        and parts(r["actors"]) & uk
        for r in rows
    )


def _statuses_known(rows, label):
    return {r["status"] for r in rows} <= {"done", "planned", "disrupted"}


def _stationed(forces, base):
    def check(rows, label):
        return _any(rows, force=ents(forces), base=ENT + base)

    return check


def _retaliation(response_date, cause_date, response_by=None, response_type=None):
    def check(rows, label):
        for r in rows:
            if r["responseDate"] != response_date or r["causeDate"] != cause_date:
                continue
            if response_type and r["responseType"] not in set(response_type.split("|")):
                continue
            if response_by and not {label(s) for s in response_by.split("|")} & parts(
                r["responseBy"]
            ):
                continue
            return True
        return False

    return check


def _statement(article, quote, kind, role=None, value=None, **extra):
    def check(rows, label):
        for r in rows:
            if quote not in r["sentence"] or r["kind"] not in set(kind.split("|")):
                continue
            if role and r["role"] != role:
                continue
            if value and r["value"] not in ents(value):
                continue
            if not all(r.get(k) == v for k, v in extra.items()):
                continue
            return True
        return False

    return check


def _relation(actor, relation, other):
    def check(rows, label):
        return _any(rows, actor=ENT + actor, relation=relation, other=ENT + other)

    return check


def _only_relations(rows, label):
    return {r["relation"] for r in rows} <= {"partOf", "backedBy"}


def _new_entity(type_, arabic):
    from kg.lang.ar.normalize import fold

    want = fold(arabic)

    def check(rows, label):
        return any(r["type"] == type_ and want in fold(r["labelAr"] or "") for r in rows)

    return check


def _not_new_entity(arabic):
    from kg.lang.ar.normalize import fold

    def check(rows, label):
        return not any(fold(arabic) in fold(r["labelAr"] or "") for r in rows)

    return check


EXPECT = [
    # attacks-on-base: Camp Taji (gold taji-attack-1, taji-attack-2)
    Expect(
        "taji-two-attacks", "attacks-on-base", _two_taji_attacks, {"base": "kgr:entity/camp-taji"}
    ),
    Expect("taji-only-taji", "attacks-on-base", _bases_only, {"base": "kgr:entity/camp-taji"}),
    Expect(
        "taji-no-fact-attacker",
        "attacks-on-base",
        _no_fact_attacker_at_taji,
        {"base": "kgr:entity/camp-taji"},
    ),
    Expect(
        "taji-1-dated",
        "attacks-on-base",
        lambda rows, label: _any(rows, date=TAJI_1, type="RocketAttack"),
        {"base": "kgr:entity/camp-taji"},
    ),
    Expect(
        "taji-1-attributed-to-kh",
        "attacks-on-base",
        _taji_1_attributed,
        {"base": "kgr:entity/camp-taji"},
    ),
    Expect(
        "taji-1-nobody-claimed",
        "attacks-on-base",
        lambda rows, label: _any(rows, date=TAJI_1, nobodyClaimed=True),
        {"base": "kgr:entity/camp-taji"},
    ),
    Expect(
        "taji-2-dated",
        "attacks-on-base",
        lambda rows, label: _any(rows, date=TAJI_2, basis="none"),
        {"base": "kgr:entity/camp-taji"},
    ),
    Expect(
        "ain-al-asad-attack",
        "attacks-on-base",
        lambda rows, label: _any(rows, date=dt.date(2021, 7, 7), basis="none", type="RocketAttack"),
        {"base": "kgr:entity/ain-al-asad"},
    ),
    Expect(
        "kirkuk-attributed-to-kh",
        "attacks-on-base",
        _kirkuk_attributed,
        {"base": "kgr:entity/kirkuk"},
    ),
    # attacks-on-coalition
    Expect(
        "coalition-taji-1",
        "attacks-on-coalition",
        _coalition_row(TAJI_1, "camp-taji", killed=3, weapons=lambda w: "rocket" in (w or "")),
    ),
    Expect(
        "coalition-taji-2",
        "attacks-on-coalition",
        _coalition_row(TAJI_2, "camp-taji", wounded=5),
    ),
    Expect(
        "coalition-besmaya",
        "attacks-on-coalition",
        _coalition_row(dt.date(2020, 3, 16), "camp-besmaya", killed=None, wounded=None),
    ),
    Expect(
        "coalition-ain-al-asad",
        "attacks-on-coalition",
        _coalition_row(dt.date(2021, 7, 7), "ain-al-asad", killed=0, wounded=0),
    ),
    Expect(
        "coalition-baghdad-ied",
        "attacks-on-coalition",
        _coalition_row(dt.date(2021, 8, 8), "baghdad", weapons="improvised explosive device"),
    ),
    Expect(
        "coalition-babil-ied",
        "attacks-on-coalition",
        lambda rows, label: (
            sum(r["date"] == dt.date(2021, 8, 8) and r["type"] == "IEDAttack" for r in rows) == 2
        ),
    ),
    Expect(
        "coalition-no-militia-targets", "attacks-on-coalition", _coalition_excludes_militia_targets
    ),
    Expect("coalition-date-order", "attacks-on-coalition", _sorted_by_date),
    Expect("coalition-undated-last", "attacks-on-coalition", _undated_last),
    # attacks-by-weapon (gold: rocket 5 attacks killing 3 + 1, wounding 5; IED 2; air strike 3)
    Expect(
        "weapon-rocket-count",
        "attacks-by-weapon",
        _weapon("rocket", attacks=5),
    ),
    Expect(
        "weapon-rocket-toll",
        "attacks-by-weapon",
        _weapon("rocket", killed=4, wounded=5),
    ),
    Expect(
        "weapon-ied-count",
        "attacks-by-weapon",
        _weapon("ied", attacks=2),
    ),
    Expect(
        "weapon-airstrike-count",
        "attacks-by-weapon",
        _weapon("airstrike", attacks=lambda n: n in (2, 3)),
    ),
    Expect(
        "weapon-not-stated",
        "attacks-by-weapon",
        lambda rows, label: all(
            (r["weapon"] is None) == (r["weaponLabel"] == "(not stated)") for r in rows
        ),
    ),
    Expect(
        "weapon-order",
        "attacks-by-weapon",
        lambda rows, label: (
            [r["attacks"] for r in rows] == sorted((r["attacks"] for r in rows), reverse=True)
        ),
    ),
    # unclaimed-attacks (gold: every attack without a stated attacker; none was claimed)
    Expect(
        "unclaimed-taji-1",
        "unclaimed-attacks",
        _unclaimed(TAJI_1, nobodyClaimed=True, blamed=lambda b: "Kataib Hezbollah" in (b or "")),
    ),
    Expect(
        "unclaimed-besmaya",
        "unclaimed-attacks",
        _unclaimed(dt.date(2020, 3, 16), nobodyClaimed=False, blamed=None),
    ),
    Expect(
        "unclaimed-ain-al-asad",
        "unclaimed-attacks",
        _unclaimed(dt.date(2021, 7, 7), nobodyClaimed=False),
    ),
    Expect(
        "unclaimed-kirkuk",
        "unclaimed-attacks",
        _unclaimed(KIRKUK, blamed=lambda b: "Kataib Hezbollah" in (b or "")),
    ),
    Expect(
        "unclaimed-kh-accuses-us",
        "unclaimed-attacks",
        lambda rows, label: _any(
            rows, date=None, blamed=lambda b: label("united-states") in (b or "")
        ),
    ),
    Expect(
        "unclaimed-excludes-us-strikes",
        "unclaimed-attacks",
        lambda rows, label: not _any(rows, date={dt.date(2020, 1, 3), dt.date(2021, 6, 1)}),
    ),
    # attributions
    Expect(
        "attribution-taji-1",
        "attributions",
        _attribution(TAJI_1, "kataib-hezbollah", "united-states|us-forces"),
    ),
    Expect(
        "attribution-kirkuk",
        "attributions",
        _attribution(KIRKUK, "kataib-hezbollah", "united-states|us-forces"),
    ),
    Expect(
        "attribution-kh-accuses-us",
        "attributions",
        _kh_accuses_us,
    ),
    Expect(
        "attribution-not-of-a-stated-attack",
        "attributions",
        _no_attribution_of_us_airport_strike,
    ),
    Expect(
        "attribution-has-evidence",
        "attributions",
        lambda rows, label: all(r["sentence"] and r["article"] for r in rows),
    ),
    # casualties-by-attacker (gold: US strikes 4 attacks, 6 + 25 + 10 killed; KH blamed for 2 attacks, 3 + 1 killed)
    Expect(
        "casualties-us-fact",
        "casualties-by-attacker",
        _casualties("united-states|us-forces", "fact", attacks=4, killed=41),
    ),
    Expect(
        "casualties-kh-attributed",
        "casualties-by-attacker",
        _casualties("kataib-hezbollah", "attribution", attacks=2, killed=4),
    ),
    Expect(
        "casualties-us-attributed",
        "casualties-by-attacker",
        _casualties("united-states|us-forces", "attribution", attacks=1, killed=0, wounded=0),
    ),
    Expect(
        "casualties-nobody-named",
        "casualties-by-attacker",
        _casualties_none(attacks=5, killed=0, wounded=5),
    ),
    Expect("casualties-no-claims", "casualties-by-attacker", _no_claims),
    # withdrawals
    Expect(
        "withdrawal-qaim-handover",
        "withdrawals",
        _withdrawal(
            "BaseHandover",
            "done",
            "2020-03-17",
            "al-qaim-base",
            "global-coalition|united-states|us-forces",
        ),
    ),
    Expect(
        "withdrawal-k1-handover",
        "withdrawals",
        _withdrawal(
            "BaseHandover",
            "done",
            "2020-03-29",
            "k1-air-base",
            "global-coalition|united-states|us-forces|cjtf",
        ),
    ),
    Expect(
        "withdrawal-qayyarah-handover",
        "withdrawals",
        _withdrawal("BaseHandover", "done", "2020-03-26", "qayyarah-airfield"),
    ),
    Expect(
        "withdrawal-qayyarah-planned",
        "withdrawals",
        _withdrawal(
            "Withdrawal|Redeployment|BaseHandover", "planned", "2020-04", "qayyarah-airfield"
        ),
    ),
    Expect(
        "withdrawal-k1-planned",
        "withdrawals",
        _withdrawal(
            "Withdrawal|Redeployment|BaseHandover", "planned", "2020-04", "k1-air-base|kirkuk"
        ),
    ),
    Expect(
        "withdrawal-uk",
        "withdrawals",
        _uk_withdrawal,
    ),
    Expect(
        "withdrawal-france",
        "withdrawals",
        _withdrawal("Withdrawal", "planned", None, "iraq", "france"),
    ),
    Expect(
        "withdrawal-czech",
        "withdrawals",
        _withdrawal("Withdrawal", "planned", None, "iraq", "czech-republic"),
    ),
    Expect(
        "withdrawal-kuwait-2021",
        "withdrawals",
        _withdrawal("Redeployment|Withdrawal", "done", "2021-08-08", "iraq"),
    ),
    Expect(
        "withdrawal-combat-2021",
        "withdrawals",
        _withdrawal("Withdrawal", "planned", "2021", "iraq"),
    ),
    Expect("withdrawal-statuses", "withdrawals", _statuses_known),
    Expect("withdrawal-date-order", "withdrawals", _sorted_by_date),
    Expect("withdrawal-undated-last", "withdrawals", _undated_last),
    # stationed-at (the articles say who is at Besmaya, Ain al-Asad, Camp Buehring ...)
    Expect(
        "stationed-besmaya",
        "stationed-at",
        _stationed("global-coalition|nato|us-forces", "camp-besmaya"),
    ),
    Expect("stationed-ain-al-asad", "stationed-at", _stationed("us-forces", "ain-al-asad")),
    Expect(
        "stationed-buehring",
        "stationed-at",
        _stationed("cjtf|us-forces|global-coalition", "camp-buehring"),
    ),
    Expect(
        "stationed-qaim", "stationed-at", _stationed("global-coalition|us-forces", "al-qaim-base")
    ),
    Expect("stationed-taji", "stationed-at", _stationed("global-coalition|us-forces", "camp-taji")),
    # retaliation
    Expect(
        "retaliation-airport-for-kirkuk",
        "retaliation",
        _retaliation(
            dt.date(2020, 1, 3), KIRKUK, "united-states|us-forces", "AirStrike|DroneAttack"
        ),
    ),
    Expect(
        "retaliation-march-strikes-for-taji-1",
        "retaliation",
        _retaliation(dt.date(2020, 3, 12), TAJI_1, "united-states|us-forces", "AirStrike|Attack"),
    ),
    Expect(
        "retaliation-hq-strikes-for-kirkuk",
        "retaliation",
        _retaliation(None, KIRKUK, "united-states|us-forces", "AirStrike"),
    ),
    # article-statements
    Expect(
        "statements-003-kh-blamed",
        "article-statements",
        _statement(
            "003",
            "وحمّلت كتائب حزب الله المسؤولية",
            "Attribution",
            "responsibleParty",
            "kataib-hezbollah",
        ),
        {"article": "003_7c3ce2b50505d2e6.txt"},
    ),
    Expect(
        "statements-003-us-retaliatory-attack",
        "article-statements",
        _statement(
            "003",
            "الهجوم الانتقامي الذي شنته الولايات المتحدة",
            "RoleAssertion",
            "attacker",
            "united-states|us-forces",
        ),
        {"article": "003_7c3ce2b50505d2e6.txt"},
    ),
    Expect(
        "statements-004-us-air-response",
        "article-statements",
        _statement(
            "004",
            "رد الطيران الأميركي على الهجوم الأول للتاجي",
            "RoleAssertion",
            "attacker",
            "united-states|us-forces",
        ),
        {"article": "004_774cba9940d3942d.txt"},
    ),
    Expect(
        "statements-001-ied",
        "article-statements",
        _statement("001", "عبوة ناسفة انفجرت الأحد مستهدفة رتل دعم لوجستي", "IEDAttack"),
        {"article": "001_75e3133bff7c7106.txt"},
    ),
    Expect(
        "statements-001-no-casualties",
        "article-statements",
        _statement("001", "من دون تسجيل إصابات", "CasualtyReport", killed=0, wounded=0),
        {"article": "001_75e3133bff7c7106.txt"},
    ),
    Expect(
        "statements-002-k1-handover",
        "article-statements",
        _statement(
            "002", "قاعدة (كي وان) الجوية", "RoleAssertion", "recipient", "iraqi-security-forces"
        ),
        {"article": "002_943095af3632c038.txt"},
    ),
    Expect(
        "statements-000-noclaim",
        "article-statements",
        _statement("000", "بدون أن تتبنى الهجوم", "NoClaim"),
        {"article": "000_eb657ab30861df45.txt"},
    ),
    # actor-relations (what the articles say, which the gazetteer holds)
    Expect(
        "relation-kh-iran", "actor-relations", _relation("kataib-hezbollah", "backedBy", "iran")
    ),
    Expect(
        "relation-kh-pmf",
        "actor-relations",
        _relation("kataib-hezbollah", "partOf", "popular-mobilization-forces"),
    ),
    Expect(
        "relation-tafuf-pmf",
        "actor-relations",
        _relation("liwa-al-tafuf", "partOf", "popular-mobilization-forces"),
    ),
    Expect("relation-quds-irgc", "actor-relations", _relation("quds-force", "partOf", "irgc")),
    Expect("relation-irgc-iran", "actor-relations", _relation("irgc", "partOf", "iran")),
    Expect(
        "relation-cjtf-coalition",
        "actor-relations",
        _relation("cjtf", "partOf", "global-coalition"),
    ),
    Expect(
        "relation-us-forces", "actor-relations", _relation("us-forces", "partOf", "united-states")
    ),
    Expect(
        "relation-pmf-iran",
        "actor-relations",
        _relation("popular-mobilization-forces", "backedBy", "iran"),
    ),
    Expect("relation-kinds", "actor-relations", _only_relations),
    # new-entities (gold entities the gazetteer does not hold)
    Expect("new-abu-amin", "new-entities", _new_entity("Person", "أبو أمين")),
    Expect(
        "new-rapid-deployment-force",
        "new-entities",
        _new_entity("MilitaryForce", "قوة الانتشار السريع"),
    ),
    Expect(
        "new-regiment",
        "new-entities",
        _new_entity("MilitaryForce", "فوج المشاة الثاني"),
    ),
    Expect("new-minnesota", "new-entities", _new_entity("Place", "مينيسوتا")),
    Expect("new-tank", "new-entities", _new_entity("Weapon", "دبابات")),
    Expect(
        "new-not-a-description",
        "new-entities",
        _not_new_entity("قوة النخبة"),
    ),
]


def test_expectation_ids_unique():
    ids = [e.id for e in EXPECT]
    assert len(ids) == len(set(ids))
    assert {e.query for e in EXPECT} == REQUIRED


# Expectations the current extraction does not meet yet (id -> what is missing). When
# extraction gets one right, its strict xfail fails: delete its line here.
NOT_YET: dict[str, str] = {
    "taji-1-attributed-to-kh": "no attribution of the first Taji attack to KH by the US yet",
    "unclaimed-taji-1": "the first Taji attack has no attribution to KH (by the US) yet",
    "unclaimed-kh-accuses-us": "KH's accusation against the US (003) is not recorded yet",
    "attribution-taji-1": "taji-attack-1: no attribution to KH by the US yet",
    "attribution-kirkuk": "the attribution of the Kirkuk attack (003, 'وحمّلت كتائب حزب الله المسؤولية') lacks its accuser, the US (the omitted subject)",
    "attribution-kh-accuses-us": "'واتهمت كتائب حزب الله الولايات المتحدة بمهاجمة قواعدها' (003) is not read yet",
    "casualties-kh-attributed": "KH is blamed for the Kirkuk attack only; the first Taji attack (blamed by the US) is missing",
    "casualties-us-attributed": "KH's accusation against the US (003, 'واتهمت كتائب حزب الله الولايات المتحدة') is not recorded yet",
    "casualties-nobody-named": "gold: 5 attacks with nobody named (Taji 2, Besmaya, 2 IEDs, Ain al-Asad), 0 killed, 5 wounded; extraction's differ",
    "withdrawal-qayyarah-handover": "the Qayyarah handover '3 days before' 2020-03-29 (002) is not dated 2020-03-26 yet",
    "withdrawal-uk": "the British partial withdrawal decided 'last week' (002) is recorded as planned, gold: done",
    "relation-pmf-iran": "000/004 call the PMF Iran-backed ('الحشد الشعبي المدعوم من إيران'); neither the gazetteer nor extraction says so",
    "new-abu-amin": "'أبو أمين' (003), KH's commander, is not recognised yet",
    "new-rapid-deployment-force": "'قوة الانتشار السريع' (001) is not recognised yet",
    "new-regiment": "the US regiments of 001 ('فوج المشاة الثاني' ...) are not recognised yet",
    "new-minnesota": "'مينيسوتا' (001) is not recognised yet",
    "new-tank": "'الدبابات' (000) is not recognised yet",
}


def test_not_yet_names_real_expectations():
    assert set(NOT_YET) <= {e.id for e in EXPECT}


@pytest.mark.parametrize(
    "expect",
    [
        pytest.param(e, id=e.id, marks=[xfail(NOT_YET[e.id])] if e.id in NOT_YET else [])
        for e in EXPECT
    ],
)
def test_expected_rows(ask, labels, expect):
    rows = ask(expect.query, **expect.params)
    assert expect.check(rows, labels), (
        f"{expect.id}: not found among {len(rows)} rows of {expect.query}"
    )


# ---------------------------------------------------------------------------
# Properties of whole answers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("article", ["000_eb657ab30861df45.txt", "003_7c3ce2b50505d2e6.txt"])
def test_article_statements_point_into_the_article(ask, texts, article):
    rows = ask("article-statements", article=article)
    assert rows
    text = texts[article]
    for r in rows:
        assert r["article"] == article
        assert 0 <= r["start"] < r["end"] <= len(text)
        assert text[r["start"] : r["end"]] == r["sentence"], (
            "evidence offsets must span the sentence"
        )
    kinds = {r["kind"] for r in rows}
    assert "RoleAssertion" in kinds and kinds & {
        "Attack",
        "RocketAttack",
        "AirStrike",
        "BaseHandover",
        "Withdrawal",
    }


def test_article_statements_of_unknown_article_is_empty(ask):
    assert ask("article-statements", article="no-such-article.txt") == []


def test_stationed_at_is_exactly_the_gazetteer(ask, root):
    triples = ox.parse(path=str(root / "ontology" / "gazetteer.ttl"), format=ox.RdfFormat.TURTLE)
    expected = {
        (t.subject.value, t.object.value)
        for t in triples
        if t.predicate.value == KGO + "stationedAt"
    }
    rows = ask("stationed-at")
    assert {(r["force"], r["base"]) for r in rows} == expected
    assert {r["baseType"] for r in rows} == {"MilitaryBase"}


def test_new_entities_are_not_in_the_gazetteer(ask, root):
    gazetteer = {
        t.subject.value
        for t in ox.parse(path=str(root / "ontology" / "gazetteer.ttl"), format=ox.RdfFormat.TURTLE)
    }
    rows = ask("new-entities")
    for r in rows:
        assert r["entity"] not in gazetteer
        assert re.fullmatch(ENT + r"[a-z]+-[0-9a-f]{10}", r["entity"]), r["entity"]
        assert r["entity"].startswith(ENT + r["type"].lower() + "-")
        assert r["labelAr"] and r["mentions"] >= 1 and r["articles"].endswith(".txt")


def test_unclaimed_attacks_have_no_stated_attacker_unless_said(ask, graph, labels):
    assert _unclaimed_has_no_stated_attacker(graph)(ask("unclaimed-attacks"), labels)


def test_attacks_on_base_basis_values(ask):
    rows = ask("attacks-on-base", base="kgr:entity/camp-taji") + ask(
        "attacks-on-base", base="kgr:entity/baghdad-airport"
    )
    assert rows
    for r in rows:
        assert r["basis"] in {"fact", "claim", "attribution", "none"}
        assert (r["party"] is None) == (r["basis"] == "none")
        assert r["accordingTo"] is None or r["basis"] == "attribution"
        assert isinstance(r["nobodyClaimed"], bool)


def test_attacks_on_base_reports_stated_attacker(ask):
    # 000/002/003: the US carried out the 2020-01-03 strike near Baghdad airport (a fact, not a claim)
    rows = ask("attacks-on-base", base="kgr:entity/baghdad-airport")
    assert _any(rows, date=dt.date(2020, 1, 3), basis="fact", party=ents("united-states|us-forces"))


# ---------------------------------------------------------------------------
# The Python API
# ---------------------------------------------------------------------------


def test_load_gives_both_stores(graph, seed_build):
    import rdflib

    assert len(graph) == seed_build.quads
    ds = graph.rdflib()
    assert isinstance(ds, rdflib.Dataset)
    assert sum(1 for _ in ds.quads((None, None, None, None))) == seed_build.quads
    assert "https://w3id.org/kg-iraq/ontology" in graph.graphs()
    assert len(graph.graphs()) == len(seed_build.articles) + 1


def test_load_missing_graph_is_an_error(tmp_path):
    import kg
    from kg.errors import KgError

    with pytest.raises(KgError, match="graph.trig"):
        kg.load(tmp_path)


def test_query_as_dataframe_and_rdflib(graph):
    import rdflib

    import kg

    df = kg.query(graph, "withdrawals", as_="dataframe")
    rows = kg.query(graph, "withdrawals")
    assert list(df.columns) == list(rows[0])
    assert len(df) == len(rows)
    res = kg.query(graph, "withdrawals", as_="rdflib")
    assert [str(v) for v in res.vars] == list(rows[0])
    assert len(list(res)) == len(rows)
    first = next(iter(res))
    assert isinstance(first[0], rdflib.URIRef)
    built = kg.query(
        graph, "CONSTRUCT { ?e a kgo:BaseHandover } WHERE { ?e a kgo:BaseHandover }", as_="rdflib"
    )
    assert isinstance(built.graph, rdflib.Graph) and len(built.graph) > 0
    assert kg.query(graph, "ASK { ?e a kgo:BaseHandover }", as_="rdflib").askAnswer is True


def test_query_python_values(graph):
    import kg

    rows = kg.query(
        graph,
        "SELECT ?n ?d ?b ?s WHERE { BIND(3 AS ?n) BIND('2020-03-11'^^xsd:date AS ?d) "
        "BIND(true AS ?b) BIND('x'@ar AS ?s) }",
    )
    assert rows == [{"n": 3, "d": dt.date(2020, 3, 11), "b": True, "s": "x"}]
    assert kg.query(graph, "ASK { ?e a kgo:BaseHandover }") is True
    triples = kg.query(graph, "CONSTRUCT { ?e a kgo:BaseHandover } WHERE { ?e a kgo:BaseHandover }")
    assert triples and all(t[2] == KGO + "BaseHandover" for t in triples)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_params_are_terms_not_text(graph, engine):
    from rdflib import URIRef

    import kg

    base = "kgr:entity/camp-taji"
    by_name = kg.query(graph, "attacks-on-base", {"base": base}, engine=engine)
    by_iri = kg.query(graph, "attacks-on-base", {"base": f"<{ENT}camp-taji>"}, engine=engine)
    by_url = kg.query(graph, "attacks-on-base", {"base": ENT + "camp-taji"}, engine=engine)
    by_rdflib = kg.query(
        graph, "attacks-on-base", {"base": URIRef(ENT + "camp-taji")}, engine=engine
    )
    assert by_name and by_name == by_iri == by_url == by_rdflib
    # a value that would break out of the query if it were pasted stays one literal
    evil = '003.txt" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o '
    assert kg.query(graph, "article-statements", {"article": evil}, engine=engine) == []
    found = kg.query(
        graph, "article-statements", {"article": "003_7c3ce2b50505d2e6.txt"}, engine=engine
    )
    assert found and {r["article"] for r in found} == {"003_7c3ce2b50505d2e6.txt"}


def test_param_parsing():
    from kg.read.sparql import parse_term

    assert parse_term("<https://example.org/a>") == ox.NamedNode("https://example.org/a")
    assert parse_term("kgo:Attack") == ox.NamedNode(KGO + "Attack")
    assert parse_term("ent:camp-taji") == ox.NamedNode(ENT + "camp-taji")
    assert parse_term("https://example.org/x") == ox.NamedNode("https://example.org/x")
    assert parse_term("قاعدة التاجي@ar") == ox.Literal("قاعدة التاجي", language="ar")
    assert parse_term("2020-03-11^^xsd:date") == ox.Literal(
        "2020-03-11", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    )
    assert parse_term("unknown:thing") == ox.Literal("unknown:thing")
    assert parse_term("plain text") == ox.Literal("plain text")
    with pytest.raises(QueryError):
        parse_term("<not an iri>")


def test_query_errors(graph):
    import kg

    with pytest.raises(QueryError, match="malformed"):
        kg.query(graph, "SELECT ?x WHERE { ?x ")
    with pytest.raises(QueryError, match="malformed"):
        kg.query(graph, "SELECT ?x WHERE { ?x ", engine="rdflib")
    with pytest.raises(QueryError, match="missing parameter base"):
        kg.query(graph, "attacks-on-base")
    with pytest.raises(QueryError, match="needs an IRI"):
        kg.query(graph, "attacks-on-base", {"base": 42})
    # text is a name to look up (kg.read.names): one that names nothing is an error
    with pytest.raises(QueryError, match="no entity .* is called 'camp-on-mars'"):
        kg.query(graph, "attacks-on-base", {"base": "camp-on-mars"})
    with pytest.raises(QueryError, match="unknown parameter"):
        kg.query(graph, "withdrawals", {"x": "1"})
    with pytest.raises(QueryError, match="may not contain"):
        kg.query(graph, "../pyproject")
    with pytest.raises(QueryError, match="may not contain"):
        kg.query(graph, "checks/blank-node-violation")
    with pytest.raises(QueryError, match="no query named"):
        kg.query(graph, "no-such-question")
    with pytest.raises(QueryError, match="engine"):
        kg.query(graph, "withdrawals", engine="virtuoso")
    with pytest.raises(QueryError, match="as_"):
        kg.query(graph, "withdrawals", as_="xml")


def test_read_only_guard():
    from kg.read.sparql import refuse_unsafe

    for text in (
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "PREFIX x: <http://x/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "drop all",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent ?endpoint { ?s ?p ?o } }",
    ):
        with pytest.raises(PermissionError):
            refuse_unsafe(text)
    for text in (
        "SELECT * WHERE { ?s ?p 'INSERT DATA' }",
        "# DELETE WHERE\nSELECT ?service WHERE { ?service a <http://x/SERVICE> }",
        "PREFIX ex: <http://ex/>\nSELECT * WHERE { ?s ex:service ?o }",
    ):
        refuse_unsafe(text)
