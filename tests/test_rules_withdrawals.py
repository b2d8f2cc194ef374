"""Withdrawals, handovers and redeployments: planned or done, talk that is no withdrawal,
where forces left and went. Invented Arabic (never the seeds' wording), several
sentences per class, read through the public pipeline (an article extracted, its reports
merged into events; one corpus built as a user builds it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from kg.pipeline.build import build
from kg.pipeline.corpus import Article
from kg.pipeline.extract.article import extract_article
from kg.pipeline.extract.events import place_contains
from kg.pipeline.merge import merge_events
from kg.vocab.gazetteer import load_gazetteer

ENT = "https://w3id.org/kg-iraq/id/entity/"
THU = dt.date(2024, 5, 9)  # a Thursday


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _article(text: str, published: dt.date | None) -> Article:
    return Article(
        article_id="w",
        file_name="w.txt",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        published=published,
        encoding="utf-8",
    )


def reports(nlp, gaz, text: str, published: dt.date | None = THU):
    return [
        r
        for r in extract_article(nlp, gaz, _article(text, published)).events
        if r.category == "withdrawal"
    ]


def withdrawals(nlp, gaz, text: str, published: dt.date | None = THU):
    recs = list(extract_article(nlp, gaz, _article(text, published)).events)
    return [e for e in merge_events(recs, place_contains(gaz)) if e.category == "withdrawal"]


def one(nlp, gaz, text: str, published: dt.date | None = THU):
    found = withdrawals(nlp, gaz, text, published)
    assert len(found) == 1, [(e.type, e.status, e.sources[0].sentence) for e in found]
    return found[0]


def slugs(event, role: str) -> set[str]:
    return {e.iri.removeprefix(ENT) for e in event.fillers(role)}


# --- plans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "تعتزم القوات التركية الانسحاب من معسكر زليكان خلال الأشهر المقبلة.",
        "ستنسحب القوات الأميركية من قاعدة عين الأسد في أيلول المقبل.",
        "أعلنت أنقرة عزمها سحب قواتها من معسكر زليكان.",
        # only announced: a plan (the guide: "announced or planned")
        "أعلنت إيطاليا سحب قواتها من قاعدة عين الأسد.",
        "أمر الرئيس الأميركي بسحب القوات الأميركية من قاعدة عين الأسد.",
        "وافقت الحكومة العراقية على انسحاب القوات الأميركية من قاعدة عين الأسد.",
        # the plan word stands six words before the withdrawal word
        "اتفقت الحكومة العراقية مع الإدارة الأميركية على انسحاب القوات الأميركية من العراق.",
        # a verbal noun with a deadline after it
        "انسحاب القوات الأميركية من قاعدة عين الأسد بحلول نهاية العام",
    ],
)
def test_plans_are_planned(nlp, gaz, text):
    assert one(nlp, gaz, text).status == "planned"


def test_an_agreed_withdrawal_is_dated_by_its_deadline_and_moves_the_forces_named(nlp, gaz):
    ev = one(
        nlp,
        gaz,
        "اتفقت بغداد وواشنطن على انسحاب قوات التحالف الدولي من العراق بحلول نهاية العام.",
    )
    assert ev.status == "planned"
    assert (ev.date.value, ev.date.precision) == ("2024", "year")  # the deadline, as precise
    # the forces named after the withdrawal word move, not the parties that agreed
    assert slugs(ev, "actor") == {"global-coalition"}
    assert slugs(ev, "location") == {"iraq"}


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        (
            "من المقرر أن تسلم القوات الأميركية قاعدة عين الأسد للجيش العراقي بحلول "
            "منتصف الشهر المقبل.",
            "2024-06",
            "month",
        ),
        ("أعلنت الحكومة البريطانية سحب قواتها من العراق بحلول نهاية 2025.", "2025", "year"),
        ("تنوي القوات الأميركية إخلاء قاعدة عين الأسد بحلول أيلول.", "2024-09", "month"),
    ],
)
def test_deadlines_date_plans(nlp, gaz, text, value, precision):
    ev = one(nlp, gaz, text)
    assert ev.status == "planned"
    assert (ev.date.value, ev.date.precision) == (value, precision)


# --- done --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "أكملت القوات الأميركية انسحابها من قاعدة عين الأسد أمس.",
        "أنجزت القوات التركية الانسحاب من معسكر زليكان.",
        "غادرت آخر دفعة من القوات الأميركية قاعدة عين الأسد الخميس.",
        # announced as over: done, although announced
        "أعلن الجيش الأميركي اكتمال انسحاب قواته من قاعدة عين الأسد.",
        # talk before it does not govern a finite verb that tells the movement
        "وبعد مفاوضات استمرت أشهرا انسحبت القوات الأميركية من قاعدة عين الأسد.",
    ],
)
def test_completed_withdrawals_are_done(nlp, gaz, text):
    assert one(nlp, gaz, text).status == "done"


def test_a_begun_withdrawal_is_not_dated_by_a_promise_after_it(nlp, gaz):
    ev = one(
        nlp,
        gaz,
        "القوات الأميركية تبدأ الانسحاب من قاعدة عين الأسد وتعد بإنهاء وجودها في العراق "
        "بحلول نهاية أيلول",
    )
    assert ev.status == "done"
    assert ev.date is None or ev.date.value != "2024-09"  # the deadline is the promise's


# --- a later sentence and the plan -------------------------------------------------------


def test_a_later_sentence_does_not_make_a_plan_done(nlp, gaz):
    text = (
        "أعلنت أنقرة عزمها سحب قواتها من معسكر زليكان بحلول نهاية العام. "
        "وبدأت القوات بالفعل بالانسحاب."
    )
    plan, later = reports(nlp, gaz, text)
    assert plan.status == later.status == "planned"
    assert later.same_as == (plan.local_id,)
    ev = one(nlp, gaz, text)
    assert ev.status == "planned" and len(ev.sources) == 2


def test_a_later_sentence_about_speed_keeps_the_plan(nlp, gaz):
    text = (
        "من المقرر أن تغادر القوات الأميركية قاعدة عين الأسد بحلول نهاية العام. "
        "وقال مسؤول إن الهجمات عجلت وتيرة الانسحاب."
    )
    assert one(nlp, gaz, text).status == "planned"


def test_a_later_report_of_completion_is_done_and_continues_the_plan(nlp, gaz):
    text = (
        "أعلنت أنقرة عزمها سحب قواتها من معسكر زليكان بحلول نهاية العام. "
        "وأكملت القوات التركية الانسحاب الأحد."
    )
    plan, later = reports(nlp, gaz, text)
    assert (plan.status, later.status) == ("planned", "done")
    assert later.same_as == (plan.local_id,)  # the text links the completion to the plan
    assert (later.date.value, later.date.weekday) == ("2024-05-05", 6)


def test_the_whole_country_planned_after_a_base_left_is_another_withdrawal(nlp, gaz):
    text = (
        "بدأت القوات الأميركية الانسحاب من قاعدة عين الأسد صباح اليوم. "
        "وقال مسؤول إن الانسحاب من العراق سيكتمل بحلول نهاية أيلول المقبل."
    )
    done, plan = reports(nlp, gaz, text)
    assert done.status == "done" and plan.status == "planned"
    assert plan.same_as == ()  # a place of its own, and a plan where that was done
    assert (plan.date.value, plan.date.precision) == ("2024-09", "month")


# --- where forces left and went ----------------------------------------------------------


def test_withdrawal_with_destination(nlp, gaz):
    ev = one(nlp, gaz, "انسحبت القوات التركية من معسكر زليكان إلى دهوك.")
    assert slugs(ev, "location") == {"zilkan-base"}
    assert slugs(ev, "destination") == {"duhok"}


@pytest.mark.parametrize(
    "text",
    [
        "أعادت القوات الروسية تموضع وحداتها من مطار القامشلي إلى قاعدة حميميم.",
        "أعادت روسيا نشر قواتها من مطار القامشلي إلى قاعدة حميميم الجوية.",
    ],
)
def test_redeployment_told_with_verb_and_noun_apart(nlp, gaz, text):
    ev = one(nlp, gaz, text)
    assert ev.type == "Redeployment"
    assert "hmeimim-air-base" in slugs(ev, "destination")
    assert "hmeimim-air-base" not in slugs(ev, "location")


# --- talk about a withdrawal is no withdrawal ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "تطالب الفصائل المسلحة بانسحاب القوات الأميركية من قاعدة عين الأسد.",
        "صوت البرلمان على قرار يلزم الحكومة بإخراج القوات الأجنبية من العراق.",
        "تجري مفاوضات بين بغداد وواشنطن حول انسحاب قوات التحالف من قاعدة عين الأسد.",
        "بحث الجانبان ملف انسحاب القوات الأجنبية من العراق.",
        "رفضت واشنطن سحب قواتها من قاعدة عين الأسد.",
        "دعا زعيم التيار إلى خروج القوات الأجنبية من العراق.",
        "يرى محللون أن انسحاب القوات الأميركية من قاعدة عين الأسد سيفتح الباب أمام داعش.",
        "إذا انسحبت القوات الأميركية من قاعدة عين الأسد فإن الفصائل ستوقف هجماتها.",
        "في حال خروج القوات الأجنبية من العراق ستتولى القوات العراقية حماية القواعد.",
    ],
)
def test_talk_about_a_withdrawal_is_no_withdrawal(nlp, gaz, text):
    assert withdrawals(nlp, gaz, text) == []


# --- a built corpus -----------------------------------------------------------------------


def test_plan_and_handover_in_a_built_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "القوات الأميركية تسلم قاعدة عين الأسد\n"
        "الأنبار - 12/03/2024 - سلمت القوات الأميركية قاعدة عين الأسد للجيش العراقي أمس.\n"
        "ومن المقرر أن تغادر القوات الأميركية معسكر التاجي بحلول نهاية العام.\n"
        "وتطالب فصائل مسلحة بخروج جميع القوات الأجنبية من العراق.\n",
        encoding="utf-8",
    )
    build(corpus, tmp_path / "out")
    rows = [
        json.loads(line)
        for line in (tmp_path / "out" / "events.jsonl").read_text("utf-8").splitlines()
    ]
    got = {
        (
            e["type"],
            e["status"],
            e["date"],
            tuple(x["iri"].removeprefix(ENT) for x in e["locations"]),
        )
        for e in rows
        if e["category"] == "withdrawal"
    }
    assert got == {
        ("BaseHandover", "done", "2024-03-11", ("ain-al-asad",)),
        ("Withdrawal", "planned", "2024", ("camp-taji",)),
    }


@pytest.mark.parametrize(
    "text",
    [
        "استدعت وزارة الخارجية العراقية القائم بأعمال السفارة الأمريكية لتسليمه مذكرة احتجاج.",
        "سلم الوفد رسالة إلى قائد قاعدة عين الأسد تطالب بتسريع الانسحاب.",
    ],
)
def test_a_document_handed_over_or_a_chargé_d_affaires_is_no_base_handover(nlp, gaz, text):
    assert not [r for r in reports(nlp, gaz, text) if r.type == "BaseHandover"]


def test_the_base_named_like_a_title_word_is_still_found_as_a_base(nlp, gaz):
    text = "وسلمت القوات الأمريكية قاعدة القائم إلى الجيش العراقي يوم الثلاثاء."
    found = one(nlp, gaz, text)
    assert found.type == "BaseHandover"
    assert ENT + "al-qaim-base" in {e.iri for e in found.fillers("location")}
