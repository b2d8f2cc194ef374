"""Who claims, who is blamed and by whom, who denies: the sentence rules of responsibility.

Every sentence here is invented for these tests (none is from the seeds or from a web
page). Each goes through the public pipeline (an article read from text, its events
extracted and merged); the assertions are on what an event says, never on how a rule
found it. A claim, an attribution or a denial names a party said to be responsible:
that party is never the attack's target, nor its attacker as a fact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from kg.pipeline.corpus import Article
from kg.pipeline.extract.article import extract_article
from kg.pipeline.extract.events import place_contains
from kg.pipeline.merge import merge_events
from kg.vocab.gazetteer import load_gazetteer

ENT = "https://w3id.org/kg-iraq/id/entity/"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def read(nlp, gaz):
    """Text → the merged events of a one-article corpus."""

    def events(text: str, published: dt.date | None = dt.date(2022, 5, 18)):
        article = Article(
            article_id="t",
            file_name="t.txt",
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            published=published,
            encoding="utf-8",
        )
        x = extract_article(nlp, gaz, article)
        return merge_events(list(x.events), place_contains(gaz))

    return events


def _attack(events):
    attacks = [e for e in events if e.category == "attack"]
    assert len(attacks) == 1, [(e.type, e.sources[0].sentence) for e in events]
    return attacks[0]


def _slug(ref) -> str:
    return ref.iri.removeprefix(ENT) if ref.in_gazetteer else ref.label_ar


def _said(event, kind: str) -> list[tuple[str, list[str]]]:
    """(party, accusers) of the event's statements of one kind."""
    return sorted(
        {
            (_slug(r.party), tuple(sorted(_slug(b) for b in r.by)))
            for r in event.responsibility
            if r.kind == kind
        }
    )


def _slugs(event, role: str) -> set[str]:
    return {_slug(e) for e in event.fillers(role)}


# --------------------------------------------------------------------------- denials


@pytest.mark.parametrize(
    "text, denier",
    [
        # a link denied, the group named after the verb
        (
            "سقط صاروخان على قاعدة بلد الجوية فجر الأربعاء. "
            "ونفت عصائب أهل الحق في بيان أي صلة لها بالهجوم.",
            "asaib-ahl-al-haq",
        ),
        # the spokesman speaks for his group: the denier is the group
        (
            "نفى المتحدث باسم كتائب حزب الله مسؤولية الكتائب عن الهجوم الصاروخي "
            "على قاعدة عين الأسد.",
            "kataib-hezbollah",
        ),
        # disowning: the verb alone is a denial
        ("تبرأت حركة النجباء من الهجوم بطائرة مسيرة على مطار أربيل.", "harakat-al-nujaba"),
        # a state denies
        ("نفت إيران أي علاقة لها بالهجوم الذي استهدف قاعدة حرير.", "iran"),
        # a bare "الحركة" points back to the group named before
        (
            "استهدفت طائرة مسيرة قاعدة حرير ليل الاثنين. وكانت حركة النجباء قد هددت "
            "بضرب القواعد. لكن الحركة نفت تورطها في الهجوم.",
            "harakat-al-nujaba",
        ),
    ],
)
def test_a_denial_is_recorded_as_the_deniers_and_nothing_else(read, text, denier):
    ev = _attack(read(text))
    assert _said(ev, "denial") == [(denier, ())]
    assert _said(ev, "claim") == []  # "نفت … مسؤوليتها" is no claim
    assert _said(ev, "attribution") == []
    assert denier not in _slugs(ev, "attacker") | _slugs(ev, "target")


def test_denying_its_responsibility_is_not_claiming_it(read):
    ev = _attack(read("نفت كتائب حزب الله مسؤوليتها عن قصف قاعدة بلد بالصواريخ."))
    assert [k for k in {r.kind for r in ev.responsibility}] == ["denial"]


def test_a_denial_of_something_else_is_no_denial(read):
    # what is denied is a motive, not a part in an attack
    events = read(
        "قصفت طائرات مسيرة قاعدة عين الأسد. ونفى الجيش الأمريكي أن يكون الانسحاب "
        "من القاعدة مرتبطا بالقصف."
    )
    assert all(r.kind != "denial" for e in events for r in e.responsibility)


def test_not_denying_is_no_denial(read):
    ev = _attack(read("لم تنف عصائب أهل الحق صلتها بالهجوم على قاعدة بلد."))
    assert _said(ev, "denial") == []


def test_a_denial_reaches_the_tables_and_the_graph(tmp_path):
    """End to end: the denier is in events.jsonl's denied_by, in events.csv's column of that
    name, and a kgo:Denial statement in the graph (never a claim or an attribution)."""
    from kg.pipeline.build import build

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "استهداف قاعدة بلد\n"
        "سقطت ثلاثة صواريخ على قاعدة بلد الجوية مساء الجمعة. "
        "ونفت عصائب أهل الحق أي صلة لها بالهجوم.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build(corpus, out, cache=False)
    rows = [json.loads(x) for x in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    (row,) = [r for r in rows if r["category"] == "attack"]
    assert [d["iri"].removeprefix(ENT) for d in row["denied_by"]] == ["asaib-ahl-al-haq"]
    assert row["claimed_by"] == [] and row["attributed_to"] == []
    head = (out / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    assert '"denied_by"' in head
    kgo = "<https://w3id.org/kg-iraq/ontology#"
    typed = [q.split() for q in (out / "graph.nq").read_text(encoding="utf-8").splitlines()]
    statements = sorted(
        q[2].removeprefix(kgo).rstrip(">")
        for q in typed
        if q[1].endswith("22-rdf-syntax-ns#type>") and "/id/claim/" in q[0]
    )
    assert statements == ["Denial"]


# --------------------------------------------------------------------------- claims


@pytest.mark.parametrize(
    "text, claimant",
    [
        # the claimant after the verb
        ("تبنت عصائب أهل الحق الهجوم الصاروخي على قاعدة بلد.", "asaib-ahl-al-haq"),
        # before it
        ("كتائب حزب الله تتبنى الهجوم بطائرة مسيرة على مطار أربيل.", "kataib-hezbollah"),
        # "its responsibility", the group first
        ("أعلنت حركة النجباء مسؤوليتها عن قصف قاعدة عين الأسد.", "harakat-al-nujaba"),
        # a group never seen before, named by a self-naming phrase at the end
        (
            "أعلنت مسؤوليتها عن الهجوم على قاعدة بلد جماعة تطلق على نفسها سرايا الغضب.",
            "سرايا الغضب",
        ),
        # a spokesman announces the deed: his group claims it
        (
            "أعلن المتحدث العسكري باسم عصائب أهل الحق استهداف قاعدة عين الأسد بطائرتين مسيرتين.",
            "asaib-ahl-al-haq",
        ),
        # a force confirms the deed
        ("أكد الحرس الثوري استهداف قاعدة حرير بصواريخ بالستية.", "irgc"),
        # "said it struck"
        ("قالت كتائب حزب الله إنها استهدفت قاعدة عين الأسد بصاروخين.", "kataib-hezbollah"),
    ],
)
def test_a_claim_names_the_claimant_never_as_target_or_attacker(read, text, claimant):
    ev = _attack(read(text))
    assert _said(ev, "claim") == [(claimant, ())]
    assert _said(ev, "attribution") == [] and _said(ev, "denial") == []
    assert claimant not in _slugs(ev, "target") | _slugs(ev, "attacker")


def test_the_attacked_side_announcing_an_attack_claims_nothing(read):
    # the US forces are stationed at Harir; Balad lies in Iraq, whose command reports it
    for text in (
        "أعلن الجيش الأمريكي استهداف قاعدة حرير بطائرة مسيرة.",
        "أكدت قيادة العمليات المشتركة استهداف قاعدة بلد بثلاثة صواريخ.",
    ):
        ev = _attack(read(text))
        assert _said(ev, "claim") == [], text


def test_an_announcement_that_the_base_was_hit_is_no_claim(read):
    ev = _attack(read("أعلنت كتائب حزب الله أن قاعدة بلد تعرضت لقصف صاروخي."))
    assert _said(ev, "claim") == []


@pytest.mark.parametrize(
    "text",
    [
        "سقط صاروخان على قاعدة عين الأسد. ولم تتبن أي جهة الهجوم.",
        "سقط صاروخان على قاعدة عين الأسد، ولم يتبنها أي طرف حتى مساء الأحد.",
        "رحبت كتائب حزب الله بقصف قاعدة بلد بدون أن تتبناه.",
        "لم تعلن أي جهة مسؤوليتها عن الهجوم بطائرة مسيرة على مطار أربيل.",
        "لم يعلن أي طرف عن الهجوم الصاروخي على قاعدة حرير.",
    ],
)
def test_nobody_claimed_it(read, text):
    # a negated claim is a statement that nobody claimed it, never a claim
    ev = _attack(read(text))
    assert any(r.kind == "noclaim" for r in ev.responsibility)
    assert _said(ev, "claim") == []


# --------------------------------------------------------------------------- attributions


@pytest.mark.parametrize(
    "text, accused, accusers",
    [
        # laying the blame: the accused after على is not a target
        (
            "ألقت واشنطن اللوم على كتائب حزب الله في الهجوم الصاروخي على قاعدة عين الأسد.",
            ["kataib-hezbollah"],
            ("united-states",),
        ),
        # two groups blamed together
        (
            "ألقى البنتاغون باللائمة على كتائب حزب الله وعصائب أهل الحق في قصف قاعدة بلد.",
            ["asaib-ahl-al-haq", "kataib-hezbollah"],
            ("pentagon",),
        ),
        # holding responsible: the accuser, then the accused
        (
            "حمّلت الحكومة العراقية عصائب أهل الحق مسؤولية الهجوم على قاعدة بلد.",
            ["asaib-ahl-al-haq"],
            ("iraqi-government",),
        ),
        # the present tense
        (
            "يحمّل البنتاغون حركة النجباء مسؤولية القصف الذي طال مطار أربيل.",
            ["harakat-al-nujaba"],
            ("pentagon",),
        ),
        # accusing someone of being behind it
        (
            "اتهم البنتاغون كتائب حزب الله بالوقوف وراء الهجوم بطائرة مسيرة على قاعدة حرير.",
            ["kataib-hezbollah"],
            ("pentagon",),
        ),
        # accused, the accuser unnamed
        (
            "اتُّهمت عصائب أهل الحق بالوقوف وراء الهجوم على مطار أربيل.",
            ["asaib-ahl-al-haq"],
            (),
        ),
        # standing behind it, in the speaker's words
        (
            "قال البنتاغون إن كتائب حزب الله تقف وراء الهجوم على قاعدة بلد.",
            ["kataib-hezbollah"],
            ("pentagon",),
        ),
    ],
)
def test_an_attribution_names_the_accused_and_the_accuser(read, text, accused, accusers):
    ev = _attack(read(text))
    assert _said(ev, "attribution") == [(a, accusers) for a in accused]
    assert _said(ev, "claim") == []
    for a in accused:
        assert a not in _slugs(ev, "target") | _slugs(ev, "attacker")


@pytest.mark.parametrize(
    "text",
    [
        # a negated blame blames nobody
        "لم يحمّل الجيش العراقي أي جهة مسؤولية الهجوم على قاعدة بلد.",
        "قال البنتاغون إن كتائب حزب الله لا تقف وراء الهجوم على قاعدة بلد.",
        # a habit is a standing accusation, not one about this attack
        "سقط صاروخان على قاعدة عين الأسد مساء الثلاثاء، وغالباً ما تنسب واشنطن مثل هذا "
        "الهجوم إلى كتائب حزب الله.",
        "استهدف صاروخ قاعدة بلد، في هجوم عادة ما يتهم البنتاغون حركة النجباء بتنفيذ مثله.",
    ],
)
def test_no_attribution_from_a_negated_or_habitual_blame(read, text):
    # (whether a habit sentence also reports the attack is the attack rules' business)
    for ev in read(text):
        assert _said(ev, "attribution") == []
        assert _said(ev, "claim") == []


def test_a_blamed_group_keeps_its_target_role_in_another_clause_of_the_sentence(read):
    # the strikes hit the group's sites (a target); the blame for the rocket attack is
    # carried by "الكتائب", a word that points back to it
    events = read(
        "شنت الولايات المتحدة غارات جوية على مواقع لكتائب حزب الله في القائم، "
        "بعد أن حمّلت الكتائب مسؤولية الهجوم."
    )
    strikes = [e for e in events if e.type == "AirStrike"]
    assert strikes and "kataib-hezbollah" in _slugs(strikes[0], "target")
