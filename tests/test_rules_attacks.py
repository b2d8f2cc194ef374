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


# ------------------------------------------------- background events, causes, replies


def referenced(event) -> bool:
    return event.sources[0].rule.endswith("+referenced")


def test_two_incidents_in_one_sentence_each_with_its_own_place(attacks):
    found = attacks("بعد ساعة من قصف استهدف قاعدة بلد، سقط صاروخ قرب مطار بغداد.")
    assert len(found) == 2
    before, main = found
    assert referenced(before) and not referenced(main)
    assert slugs(before, "location") == {"balad-air-base"}
    assert slugs(main, "location") == {"baghdad-airport"}
    assert "balad-air-base" not in slugs(main, "target") | slugs(main, "location")
    assert main.type == "RocketAttack"
    assert main.retaliation_for == ()  # "بعد": only earlier, no answer


def test_a_killing_named_as_background_is_its_own_report(attacks):
    found = attacks(
        "عقب مقتل العقيد حسن الربيعي في غارة أميركية الشهر الماضي، قصفت الفصائل قاعدة "
        "عين الأسد بالصواريخ."
    )
    assert len(found) == 2
    strike, rockets = found
    assert referenced(strike) and strike.type == "AirStrike"
    assert labels(strike, "target") == {"حسن الربيعي"}
    assert slugs(strike, "attacker") == {"united-states"}
    assert strike.date is not None and strike.date.value == "2022-04"
    # none of the background's roles, date or dead is the rocket attack's
    assert rockets.type == "RocketAttack" and not referenced(rockets)
    assert slugs(rockets, "target") == {"ain-al-asad"}
    assert not rockets.fillers("attacker")
    assert rockets.date is None
    assert rockets.casualties == ()


def test_a_reply_answers_the_attack_it_names_and_takes_none_of_its_roles(attacks):
    found = attacks(
        "رداً على الهجوم الذي استهدف قاعدة التاجي الأسبوع الماضي، شنت الولايات المتحدة "
        "غارات جوية على مواقع لكتائب حزب الله."
    )
    assert len(found) == 2
    taji, strikes = found
    assert referenced(taji) and slugs(taji, "target") == {"camp-taji"}
    assert not referenced(strikes) and strikes.type == "AirStrike"
    assert slugs(strikes, "target") == {"kataib-hezbollah"}
    assert "camp-taji" not in slugs(strikes, "location") | slugs(strikes, "target")
    assert strikes.retaliation_for == (taji.local_id,)
    assert taji.retaliation_for == ()


def test_a_reply_named_after_the_attack(attacks):
    found = attacks(
        "شنت الولايات المتحدة غارات جوية على مواقع لكتائب حزب الله في البوكمال رداً على "
        "هجوم صاروخي استهدف قاعدة عين الأسد الأحد."
    )
    assert len(found) == 2
    strikes, rockets = found
    assert slugs(strikes, "location") == {"albukamal"}
    assert strikes.date is None  # "الأحد" dates the attack it answers
    assert referenced(rockets) and rockets.type == "RocketAttack"
    assert slugs(rockets, "target") == {"ain-al-asad"}
    assert rockets.date is not None and rockets.date.value == "2022-05-08"
    assert strikes.retaliation_for == (rockets.local_id,)


def test_a_claim_in_the_background_is_the_backgrounds(attacks):
    found = attacks(
        "وقصفت طائرات أميركية مواقع للفصائل قرب القائم رداً على الهجوم الذي تبنته كتائب "
        "حزب الله على قاعدة حرير."
    )
    assert len(found) == 2
    strikes, harir = found
    assert referenced(harir)
    assert [r.party.iri.removeprefix(ENT) for r in harir.responsibility if r.kind == "claim"] == [
        "kataib-hezbollah"
    ]
    assert not [r for r in strikes.responsibility if r.kind == "claim"]
    assert "kataib-hezbollah" not in slugs(strikes, "target") | slugs(strikes, "attacker")


def test_a_reply_to_the_attack_just_told_is_no_new_report(attacks):
    found = attacks(
        "سقط صاروخ على قاعدة التاجي الأحد. وردت واشنطن الثلاثاء بغارات على مواقع "
        "للفصائل رداً على الهجوم."
    )
    assert len(found) == 2
    taji, strikes = found
    assert not referenced(strikes)
    assert strikes.retaliation_for == (taji.local_id,)


def test_a_retaliation_never_points_to_a_later_event(attacks):
    found = attacks(
        "وقصفت طائرة مسيرة قاعدة حرير الثلاثاء. وكانت واشنطن قد ردت الأحد بغارات على مواقع للفصائل."
    )
    assert len(found) == 2
    drone, strikes = found
    assert drone.date.value == "2022-05-10" and strikes.date.value == "2022-05-08"
    assert strikes.retaliation_for == ()


def test_a_series_answered_is_no_report(attacks):
    found = attacks(
        "ونفذت الطائرات الأميركية غارات على مواقع للفصائل في القائم رداً على الهجمات "
        "الصاروخية التي استهدفت قواعدها."
    )
    assert len(found) == 1 and not referenced(found[0])
    assert found[0].retaliation_for == ()


def test_an_attack_named_as_the_cause_of_another(attacks):
    found = attacks(
        "وقتل جندي أميركي في هجوم بطائرة مسيرة على قاعدة حرير في 3 أيار، كان سبباً مباشراً "
        "في الغارة التي شنتها واشنطن على مواقع الفصائل في البوكمال."
    )
    assert len(found) == 2
    drone, strike = found
    assert drone.type == "DroneAttack" and slugs(drone, "location") == {"harir-air-base"}
    assert strike.type == "AirStrike" and slugs(strike, "location") == {"albukamal"}
    assert slugs(strike, "attacker") == {"united-states"}
    assert strike.retaliation_for == (drone.local_id,)
    assert drone.retaliation_for == ()
    assert [(c.killed, c.wounded) for c in drone.casualties] == [(1, None)]
    assert strike.casualties == ()


def test_an_outcome_is_no_second_attack(attacks):
    found = attacks("وسقط صاروخ على قاعدة بلد ما أدى إلى مقتل جنديين.")
    assert len(found) == 1
    found = attacks("وقتل جنديان بعد سقوط صاروخ على قاعدة بلد.")
    assert len(found) == 1 and not referenced(found[0])
    assert [(c.killed, c.wounded) for c in found[0].casualties] == [(2, None)]


def test_two_incidents_joined_by_a_comma_and_and(attacks):
    found = attacks(
        "سقط صاروخ على قاعدة بلد فجر الأحد، وانفجرت عبوة ناسفة على رتل للتحالف الدولي في الديوانية."
    )
    assert [e.type for e in found] == ["RocketAttack", "IEDAttack"]
    rocket, ied = found
    assert slugs(rocket, "location") == {"balad-air-base"}
    assert slugs(ied, "location") == {"diwaniyah"} and "global-coalition" in slugs(ied, "target")
    assert "rocket" not in slugs(ied, "weapon") and "ied" not in slugs(rocket, "weapon")
    found = attacks("قصفت طائرة مسيرة مطار أربيل، واستهدفت طائرة أخرى قاعدة حرير مساء السبت.")
    assert [slugs(e, "target") for e in found] == [{"erbil-airport"}, {"harir-air-base"}]


def test_a_clause_that_goes_on_telling_the_same_attack_is_not_split(attacks):
    found = attacks("استهدف صاروخان قاعدة عين الأسد، وسقط أحدهما قرب مهبط الطائرات.")
    assert len(found) == 1
    found = attacks("استهدف صاروخ قاعدة بلد، وسقط الصاروخ داخل القاعدة دون إصابات.")
    assert len(found) == 1


def test_a_headline_joining_two_incidents_by_and(attacks):
    found = attacks("هجوم بطائرة مسيرة على مطار أربيل وقتيل بقصف صاروخي قرب الموصل")
    assert [e.type for e in found] == ["DroneAttack", "RocketAttack"]
    assert slugs(found[0], "target") == {"erbil-airport"}
    assert "erbil-airport" not in slugs(found[1], "location")
    # و before the outcome of the same attack: one report
    assert len(attacks("قصف صاروخي على قاعدة بلد ومقتل جنديين")) == 1


def test_a_background_that_names_its_own_background(attacks):
    found = attacks(
        "وهذا أول هجوم على القوات الأمريكية في سوريا منذ أسابيع، بعد فترة هدوء أعقبت "
        "الضربات الأمريكية الواسعة مطلع شباط الماضي على مواقع في القائم، والتي جاءت رداً "
        "على مقتل ثلاثة جنود أمريكيين في هجوم بطائرة مسيرة على قاعدة التنف."
    )
    assert len(found) == 3
    own, strikes, drone = found
    assert not referenced(own) and referenced(strikes) and referenced(drone)
    assert not own.fillers("attacker") and own.casualties == ()  # none of the background's
    assert slugs(own, "location") == {"syria"}
    assert slugs(strikes, "attacker") == {"united-states"}
    assert drone.type == "DroneAttack" and slugs(drone, "target") == {"al-tanf-garrison"}
    assert strikes.retaliation_for == (drone.local_id,)  # the strikes answered the drone
    assert own.retaliation_for == ()


def test_a_background_with_nothing_to_find_it_by_is_no_report(attacks):
    # "في الأردن" (a whole country) and a month: the roles still are not the main one's
    found = attacks(
        "وشنت الطائرات الأمريكية غارات على مواقع للفصائل في البوكمال فجر الأحد رداً على "
        "هجوم بطائرة مسيرة في الأردن الشهر الماضي."
    )
    assert len(found) == 1
    assert slugs(found[0], "location") == {"albukamal"}
    assert "drone" not in slugs(found[0], "weapon") and "jordan" not in slugs(found[0], "location")
    assert found[0].date is not None and found[0].date.value == "2022-05-08"


def test_a_definite_background_with_its_own_place_and_a_dual_munition(attacks):
    found = attacks(
        "وبعد نصف ساعة من القصف الذي طال قاعدة بلد، سقطت قذيفتان صاروخيتان في محيط معسكر التاجي."
    )
    assert len(found) == 2
    balad, taji = found
    assert referenced(balad) and slugs(balad, "location") == {"balad-air-base"}
    assert taji.type == "RocketAttack" and slugs(taji, "location") == {"camp-taji"}
