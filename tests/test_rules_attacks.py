"""Attack sentence rules on invented Arabic (issue 12): interceptions, two incidents in
one sentence, referenced events, conditionals and habits, windows, names.

Every sentence here is written for these tests (none is from the seeds or from a web
page). Each article goes through the pipeline's pure extraction (``extract_article``,
as ``kg build`` runs it) and the tests read its reports: one report per incident a
sentence tells of, with its type, status and roles.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from kg.pipeline.corpus import Article
from kg.pipeline.extract.article import extract_article
from kg.vocab.gazetteer import load_gazetteer

ENT = "https://w3id.org/kg-iraq/id/entity/"
PUBLISHED = dt.date(2022, 5, 11)  # a Wednesday


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def read(nlp, gaz):
    """``read(text)`` → the extraction of a one-article corpus holding ``text``."""

    def run(text: str, published: dt.date | None = PUBLISHED):
        article = Article(
            article_id="art",
            file_name="art.txt",
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            published=published,
            encoding="utf-8",
        )
        return extract_article(nlp, gaz, article)

    return run


@pytest.fixture(scope="module")
def attacks(read):
    """``attacks(text)`` → the attack reports of the article, in text order."""

    def run(text: str, published: dt.date | None = PUBLISHED):
        return [e for e in read(text, published).events if e.category == "attack"]

    return run


def slugs(event, role: str) -> set[str]:
    return {e.iri.removeprefix(ENT) for e in event.fillers(role)}


def labels(event, role: str) -> set[str]:
    return {e.label_ar for e in event.fillers(role)}


# ------------------------------------------------------------ windows, self-naming, names


def test_a_dateline_number_is_not_a_count_of_the_next_lines_attacks(attacks):
    found = attacks("الموصل - 2022\nهجوم بطائرة مسيرة يستهدف قاعدة حرير في أربيل")
    assert len(found) == 1
    assert found[0].type == "DroneAttack"
    assert "harir-air-base" in slugs(found[0], "target")


def test_a_number_of_the_clause_before_is_not_a_count_of_this_ones_attack(attacks):
    found = attacks("قتل 12، بينما استهدف هجوم صاروخي قاعدة بلد.")
    assert len(found) == 1 and "balad-air-base" in slugs(found[0], "target")


def test_a_count_inside_the_clause_still_makes_an_aggregate(attacks):
    assert attacks("وتعرضت القاعدة منذ مطلع العام إلى 17 هجوما صاروخيا.") == []


def test_a_self_naming_verb_is_not_launch(attacks):
    # "تطلق على نفسها" beside a weapon word: no attack
    assert attacks("أعلنت جماعة تطلق على نفسها أصحاب الكهف أنها تمتلك طائرات مسيرة.") == []
    assert attacks("وأطلق الجيش على العملية اسم «الفجر الصادق».") == []
    assert attacks("وأطلق عليها المسلحون اسم سرايا النصر بعد إعلان صواريخها الجديدة.") == []


def test_a_self_named_claimant_keeps_its_attack_whole(attacks):
    found = attacks(
        "وتبنت جماعة تطلق على نفسها سرايا الفجر هجوما بطائرة مسيرة على قاعدة حرير "
        "الأحد أسفر عن مقتل جندي وإصابة 3 آخرين."
    )
    assert len(found) == 1
    ev = found[0]
    assert ev.type == "DroneAttack" and "harir-air-base" in slugs(ev, "target")
    assert ev.date is not None and ev.date.value == "2022-05-08"
    assert [(c.killed, c.wounded) for c in ev.casualties] == [(1, 3)]
    assert [r.party.label_ar for r in ev.responsibility if r.kind == "claim"] == ["سرايا الفجر"]


def test_launching_is_still_an_attack(attacks):
    found = attacks("أطلق مسلحون صواريخ على قاعدة بلد الجوية ليل الجمعة.")
    assert len(found) == 1 and found[0].type == "RocketAttack"


def test_a_verb_after_a_base_cue_is_not_its_name(read):
    x = read("سقط صاروخان على قاعدة تقع شمال بغداد وتضم قوات أجنبية.")
    names = [m.text for m in x.mentions if m.entity.cls == "MilitaryBase"]
    assert names == []
    x = read("قصفت الفصائل معسكرا يستخدمه التحالف قرب الموصل.")
    assert not [m for m in x.mentions if m.entity.cls == "MilitaryBase"]
    # a real name after the cue is still one
    x = read("سقط صاروخ على معسكر الصقر جنوب بغداد.")
    assert [m.text for m in x.mentions if m.entity.cls == "MilitaryBase"] == ["معسكر الصقر"]


# ------------------------------------------------------------------------ interceptions


def test_drones_shot_down_near_a_base_are_a_disrupted_attack_on_it(attacks):
    found = attacks(
        "تصدت الدفاعات الجوية لطائرتين مسيرتين وأسقطتهما قرب قاعدة عين الأسد فجر الاثنين."
    )
    assert len(found) == 1
    ev = found[0]
    assert (ev.type, ev.status) == ("DroneAttack", "disrupted")
    assert slugs(ev, "target") == {"ain-al-asad"} and slugs(ev, "location") == {"ain-al-asad"}
    assert ev.date is not None and ev.date.value == "2022-05-09"
    assert not ev.fillers("attacker")


def test_an_intercepted_rocket_aimed_at_an_airport(attacks):
    found = attacks("اعترضت منظومة الدفاع الجوي صاروخاً أطلق نحو مطار أربيل مساء الجمعة.")
    assert len(found) == 1
    ev = found[0]
    assert (ev.type, ev.status) == ("RocketAttack", "disrupted")
    assert "erbil-airport" in slugs(ev, "target")
    assert ev.date is not None and ev.date.value == "2022-05-06"


def test_the_interceptor_is_neither_attacker_nor_target(attacks):
    found = attacks("أسقطت قوات التحالف طائرة مسيرة مفخخة كانت تحاول استهداف قاعدة حرير.")
    assert len(found) == 1
    ev = found[0]
    assert (ev.type, ev.status) == ("DroneAttack", "disrupted")
    assert slugs(ev, "target") == {"harir-air-base"}
    assert not ev.fillers("attacker")
    found = attacks("وقالت مصادر إن الدفاعات الجوية الأميركية أسقطت صاروخين أطلقا على قاعدة بلد.")
    assert len(found) == 1 and found[0].status == "disrupted"
    assert "united-states" not in slugs(found[0], "attacker") | slugs(found[0], "target")


def test_a_defused_bomb_on_a_convoys_road_is_a_disrupted_ied_attack(attacks):
    found = attacks("وفككت قوات الأمن عبوة ناسفة زرعت على طريق رتل للتحالف الدولي قرب الناصرية.")
    assert len(found) == 1
    assert (found[0].type, found[0].status) == ("IEDAttack", "disrupted")
    assert "global-coalition" in slugs(found[0], "target")


def test_a_failed_interception_is_an_attack_done(attacks):
    found = attacks("لم تتمكن الدفاعات الجوية من اعتراض الصواريخ التي سقطت على قاعدة بلد.")
    assert len(found) == 1
    assert (found[0].type, found[0].status) == ("RocketAttack", "done")
    found = attacks("وفشلت الدفاعات في التصدي لطائرة مسيرة انفجرت داخل مطار أربيل.")
    assert len(found) == 1 and found[0].status == "done"


def test_a_downed_aircraft_is_no_interception(attacks):
    # a helicopter brought down is not a munition stopped on its way
    assert not [
        e for e in attacks("أسقطت الفصائل مروحية عسكرية قرب الحدود.") if e.status == "disrupted"
    ]
    # stopping words without any munition: no attack
    assert attacks("وأحبطت القوات محاولة تهريب أسلحة عبر الحدود.") == []


# ------------------------------------------------- conditionals, habits, threats, plans


@pytest.mark.parametrize(
    "text",
    [
        "إذا سقط قتلى في أي هجوم على القوات الأميركية فإن واشنطن سترد بقوة.",
        "في حال تعرضت القوات لهجوم ستكون الفصائل مسؤولة عنه.",
        "وقال القائد إن رجاله سيردون فوراً لو قصفت الطائرات مواقعهم في جرف الصخر.",
        "وتتعرض القاعدة باستمرار لهجمات غالباً ما تنسبها واشنطن إلى فصائل موالية لإيران.",
        "وعادة ما تستهدف الفصائل قاعدة عين الأسد بصواريخ كاتيوشا.",
        "هددت الفصائل بقصف القواعد الأميركية في العراق.",
        "وهددت كتائب حزب الله بقصف قاعدة عين الأسد إذا لم تنسحب القوات الأميركية.",
        "وتبحث الإدارة الأميركية توجيه ضربة إلى مواقع الفصائل في سوريا.",
        "وحذر مسؤولون من هجوم وشيك على السفارة الأميركية في بغداد.",
        "وأعلنت الجماعة عزمها استهداف مطار أربيل بالطائرات المسيرة.",
    ],
)
def test_conditional_habitual_threatened_and_expected_attacks_are_no_events(attacks, text):
    assert attacks(text) == []


def test_a_condition_after_the_report_leaves_the_reported_attack(attacks):
    found = attacks(
        "وسقط صاروخ على قاعدة عين الأسد فجر الثلاثاء، وقال مسؤول إن واشنطن سترد إذا تكررت الهجمات."
    )
    assert len(found) == 1
    assert found[0].type == "RocketAttack" and "ain-al-asad" in slugs(found[0], "target")
    assert found[0].date is not None and found[0].date.value == "2022-05-10"


def test_a_threat_in_one_sentence_and_the_attack_in_the_next(attacks):
    found = attacks(
        "وكانت الفصائل قد هددت بضرب المصالح الأميركية. وقصفت طائرة مسيرة مطار أربيل مساء الأحد."
    )
    assert len(found) == 1
    assert found[0].type == "DroneAttack" and "erbil-airport" in slugs(found[0], "target")


def test_a_conditional_blame_is_no_attribution(attacks):
    found = attacks(
        "سقط صاروخ على قاعدة بلد فجر الثلاثاء. وقال مسؤول إنه إذا ثبت أن كتائب حزب الله "
        "تقف وراء الهجوم فإن واشنطن سترد."
    )
    assert len(found) == 1
    assert found[0].responsibility == ()


def test_a_standing_accusation_is_no_attribution_of_the_attack_before(attacks):
    found = attacks(
        "انفجرت عبوة ناسفة على رتل للتحالف الدولي في الديوانية الأحد. وتتعرض أرتال "
        "التحالف لهجمات غالباً ما تنسبها واشنطن إلى فصائل موالية لإيران."
    )
    assert len(found) == 1
    assert not [r for r in found[0].responsibility if r.kind == "attribution"]


# ------------------------------------------------------------------- two bases, two attacks


def test_one_attack_on_two_bases_named_by_a_dual_has_both(attacks, read):
    text = "استهدف هجوم بطائرات مسيرة قاعدتي عين الأسد وحرير الثلاثاء."
    bases = [m for m in read(text).mentions if m.entity.cls == "MilitaryBase"]
    assert [m.text for m in bases] == ["عين الأسد", "حرير"]  # not "حرير الثلاثاء"
    found = attacks(text)
    # one attack named, one strike wave on two sites (gold notes): one report, two places
    assert len(found) == 1
    assert slugs(found[0], "location") == {"ain-al-asad", "harir-air-base"}
    assert slugs(found[0], "target") == {"ain-al-asad", "harir-air-base"}


def test_two_attacks_on_two_bases_named_by_a_dual_are_one_each(attacks):
    found = attacks("تعرضت قاعدتا بلد والصقر لهجومين بالصواريخ ليل الاثنين.")
    assert len(found) == 2
    assert [slugs(e, "location") for e in found] == [{"balad-air-base"}, {"camp-saqr"}]
    assert all(e.type == "RocketAttack" for e in found)


def test_a_dual_airport_cue_reads_the_city_as_its_airport(attacks):
    found = attacks("سقطت صواريخ على مطاري أربيل وبغداد فجر الأحد.")
    assert len(found) == 1
    assert slugs(found[0], "target") == {"erbil-airport", "baghdad-airport"}


def test_a_dual_cue_without_two_names_names_no_base(read):
    x = read("وسينسحب الجيش من قاعدتين عسكريتين أخريين قرب الحدود.")
    assert not [m for m in x.mentions if m.entity.cls == "MilitaryBase"]
    x = read("وأكد أن القاعدتين تعرضتا لهجمات متكررة.")
    assert not [m for m in x.mentions if m.rule == "cue:dual"]
