"""Dates of articles and of events, on invented Arabic (never the seeds' wording).

The publication date comes from the manifest, else from the article's own dateline or
date line (never from a dated sentence); relative expressions resolve against it; a
weekday named in an undated article is kept on the report. Articles are built the way
a user builds them: a corpus folder (with or without a manifest.csv date) and kg build,
and the outputs are read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from kg.lang.ar.dates import find_dateline, find_dateline_span, find_dates
from kg.pipeline.build import build
from kg.pipeline.corpus import Article
from kg.pipeline.extract.article import extract_article
from kg.vocab.gazetteer import load_gazetteer

D = dt.date
KGO = "https://w3id.org/kg-iraq/ontology#"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def build_one(tmp_path: Path, text: str, published: str | None = None) -> dict:
    """One article in a corpus folder (a manifest.csv when ``published`` is given), built;
    its events, the article's published date and where that date came from."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    if published is not None:
        (corpus / "manifest.csv").write_text(f"file,published\na.txt,{published}\n", "utf-8")
    out = tmp_path / "out"
    build(corpus, out)
    events = [json.loads(line) for line in (out / "events.jsonl").read_text("utf-8").splitlines()]
    article = "<https://w3id.org/kg-iraq/id/article/a>"
    facts = {}
    for line in (out / "graph.nq").read_text("utf-8").splitlines():
        if line.startswith(article):
            _, p, o = line.split(" ", 3)[:3]
            facts[p.strip("<>").removeprefix(KGO)] = o.split('"')[1] if '"' in o else o
    return {
        "events": events,
        "published": facts.get("published"),
        "source": facts.get("publishedSource"),
    }


def records(nlp, gaz, text: str, published: dt.date | None):
    article = Article(
        article_id="t",
        file_name="t.txt",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        published=published,
        encoding="utf-8",
    )
    return extract_article(nlp, gaz, article)


def only(events, category="attack"):
    found = [e for e in events if e["category"] == category]
    assert len(found) == 1, [(e["type"], e["sources"][0]["sentence"]) for e in events]
    return found[0]


# --- the publication date from the text ------------------------------------------------


def test_dateline_dates_an_article_without_manifest(tmp_path):
    text = (
        "صواريخ على قاعدة عين الأسد\n"
        "الرمادي - 14-06-2022 - سقط صاروخا كاتيوشا على قاعدة عين الأسد الجوية أمس "
        "من دون أن يسفر عن إصابات.\n"
    )
    got = build_one(tmp_path, text)
    assert got["published"] == "2022-06-14"
    assert got["source"] == "dateline"
    ev = only(got["events"])
    assert ev["date"] == "2022-06-13"  # أمس, against the dateline
    assert ev["date_expressions"] == ["أمس"]  # the dateline itself is not the event's date


def test_manifest_date_wins_over_the_dateline(tmp_path):
    text = (
        "صواريخ على قاعدة عين الأسد\n"
        "الرمادي - 14-06-2022 - سقط صاروخا كاتيوشا على قاعدة عين الأسد الجوية أمس.\n"
    )
    got = build_one(tmp_path, text, published="2022-06-20")
    assert got["published"] == "2022-06-20"
    assert got["source"] == "manifest"
    assert only(got["events"])["date"] == "2022-06-19"


def test_a_dated_first_sentence_is_not_a_publication_date(tmp_path):
    text = (
        "تصعيد في الأنبار\n"
        "في 22 حزيران 2022 سقطت ثلاثة صواريخ على قاعدة عين الأسد، وفي الخميس التالي "
        "سقط صاروخ آخر قرب القاعدة.\n"
    )
    got = build_one(tmp_path, text)
    assert got["published"] is None and got["source"] is None
    dates = {e["date"] for e in got["events"]}
    assert "2022-06-22" in dates  # the sentence's own absolute date stays the event's


def test_an_undated_article_keeps_relative_dates_unresolved(tmp_path):
    text = "هجوم على قاعدة عين الأسد\nسقط صاروخ على قاعدة عين الأسد الجوية الثلاثاء.\n"
    got = build_one(tmp_path, text)
    assert got["published"] is None
    assert only(got["events"])["date"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a city, a dash, the date and a dash opening the first paragraph
        ("انفجار في الموصل\nالموصل - 07-11-2023 - انفجرت عبوة ناسفة", D(2023, 11, 7)),
        ("عنوان\nدهوك – 21/08/2020 – قصفت طائرات تركية", D(2020, 8, 21)),
        # an agency in brackets around the date
        ("عنوان\nكركوك (خاص) - 2 تشرين الثاني 2021 - أعلنت خلية الإعلام", D(2021, 11, 2)),
        ("عنوان\nالحسكة 4 شباط 2023 (سانا) - قال مصدر", D(2023, 2, 4)),
        # a date line under the headline, with a label
        ("عنوان\nتاريخ النشر: 11/09/2023 - 08:15 | آخر تحديث: 12/09/2023\nالنص", D(2023, 9, 11)),
        ("عنوان\nنُشر في: 2019/12/30\nالنص", D(2019, 12, 30)),
        ("عنوان\nالأربعاء 15 آذار 2023\nالنص", D(2023, 3, 15)),
        # a day and month without a year: the year of another date line at the top
        ("عنوان\nالسنة 2021 - العدد 812\nأربيل 18 أيار (خاص) - قال", D(2021, 5, 18)),
        ("عنوان\nالأحد 10 آذار\nآذار 2024\nالنص", D(2024, 3, 10)),
    ],
)
def test_datelines(text, expected):
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # no year anywhere at the top: a year is never guessed
        "عنوان\nأربيل 18 أيار (خاص) - قال مسؤول",
        "عنوان\nالأحد 10 آذار\nالنص",
        # the weekday does not fit the year given: no date rather than a wrong one
        "عنوان\nالاثنين 10 آذار\nآذار 2024\nالنص",
        # two different years at the top: which one is not known
        "عنوان\nالأحد 10 آذار\nالعدد 2023\nآذار 2024\nالنص",
        # a sentence with a date, not a dateline
        "عنوان\nفي 9 تموز 2020 - بحسب مصادر - قصفت طائرات مسيرة مقرا",
        "قتل جنديان تركيان في 9 تموز 2020\nالنص",
        "عنوان\nأعلنت وزارة الدفاع التركية مقتل جنديين 9/7/2020 في قصف\nالنص",
    ],
)
def test_not_datelines(text):
    assert find_dateline(text) is None


def test_dateline_span_points_at_the_date_in_the_text():
    text = "عنوان\nالبصرة - 03-05-2021 - قال مصدر"
    span = find_dateline_span(text)
    assert text[span.start : span.end] == "03-05-2021"
    assert (span.value, span.precision, span.weekday) == ("2021-05-03", "day", 0)


# --- relative dates against the publication date -----------------------------------

THU = D(2024, 5, 9)  # a Thursday


def _dates(text, published=THU):
    return [(d.text, d.value, d.precision) for d in find_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expression", "value", "precision"),
    [
        ("قصفت المدفعية التركية قرى في زاخو أمس", "أمس", "2024-05-08", "day"),
        ("استهدفت مسيرة رتلا الثلاثاء الماضي", "الثلاثاء الماضي", "2024-05-07", "day"),
        ("سقطت قذيفتان فجر اليوم", "فجر اليوم", "2024-05-09", "day"),
        ("دوت انفجارات الليلة الماضية في محيط المطار", "الليلة الماضية", "2024-05-08", "day"),
        ("هاجم مسلحون نقطة تفتيش قبل يومين", "قبل يومين", "2024-05-07", "day"),
        ("انسحبت القوة قبل ثلاثة أيام", "قبل ثلاثة أيام", "2024-05-06", "day"),
        ("تنتهي المهمة بحلول نهاية العام", "نهاية العام", "2024", "year"),
        ("تكتمل العملية بحلول منتصف الشهر", "منتصف الشهر", "2024-05", "month"),
        ("يغادر آخر جندي بحلول نهاية 2025", "نهاية 2025", "2025", "year"),
        # a deadline's month is the next such month, not the last one
        ("تسلم القاعدة بحلول أيلول", "أيلول", "2024-09", "month"),
        ("تسلم القاعدة بحلول نهاية شباط", "نهاية شباط", "2025-02", "month"),
        ("تسلمت القوات القاعدة في شباط", "شباط", "2024-02", "month"),
    ],
)
def test_relative_dates(text, expression, value, precision):
    assert (expression, value, precision) in _dates(text)


def test_a_night_across_two_days_is_one_expression():
    for text in ("قصف ليل الأحد-الاثنين", "قصف ليلة الأحد على الاثنين", "قصف ليل الأحد/الاثنين"):
        (span,) = find_dates(text, THU)
        assert (span.value, span.precision) == ("2024-05-05", "day")
        assert (span.earliest, span.latest) == (D(2024, 5, 5), D(2024, 5, 6))
        assert span.weekday is None  # either day may be named by another report


@pytest.mark.parametrize(
    "text",
    [
        "قبل يومين من الانتخابات",  # two days before something else, not before publication
        "الرأي العام",  # "public", not "the year"
        "نهاية العام الذي شهد الهجمات",  # the year of a relative clause, unknown
        "آخر 2000 جندي",  # "the last 2000 soldiers"
    ],
)
def test_not_relative_dates(text):
    assert find_dates(text, THU) == []


def test_weekday_is_kept_on_an_undated_report(nlp, gaz):
    text = "سقط صاروخ كاتيوشا على قاعدة عين الأسد الجوية مساء الثلاثاء."
    (ev,) = records(nlp, gaz, text, None).events
    assert ev.date.value is None and ev.date.precision is None
    assert ev.date.weekday == 1  # Tuesday, so that a Friday report of the base is another event
    (ev,) = records(nlp, gaz, text, THU).events
    assert (ev.date.value, ev.date.weekday) == ("2024-05-07", 1)


def test_weekday_with_day_and_month_on_an_undated_report(nlp, gaz):
    text = "قصفت طائرة مسيرة قاعدة عين الأسد الجوية يوم الجمعة 12 نيسان."
    (ev,) = records(nlp, gaz, text, None).events
    assert ev.date.value is None and ev.date.weekday == 4


def test_undated_article_reads_its_dateline(nlp, gaz):
    text = "عنوان\nالأنبار - 05/03/2021 - سقط صاروخ على قاعدة عين الأسد الجوية الثلاثاء.\n"
    x = records(nlp, gaz, text, None)
    assert (x.published, x.published_source) == ("2021-03-05", "dateline")
    (ev,) = x.events
    assert ev.date.value == "2021-03-02"  # the Tuesday before that Friday
    x = records(nlp, gaz, text, D(2021, 3, 10))
    assert (x.published, x.published_source) == ("2021-03-10", "manifest")
    assert x.events[0].date.value == "2021-03-09"
