"""Reports and events: careful merging, explained joins, overrides, confidence.

Every article here is written for the tests (none is from the seeds or the web). The
tests build small corpora end to end and read events.jsonl, the contract a researcher
reads, so they check what the merge does, not how.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.pipeline.build import build
from kg.pipeline.merge import Overrides


def _corpus(folder: Path, articles: dict[str, str], dates: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    rows = ["file,published"] + [f"{n},{(dates or {}).get(n, '')}" for n in sorted(articles)]
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _events(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "events.jsonl").read_text("utf-8").splitlines()]


def _attacks_on(events: list[dict], slug: str) -> list[dict]:
    return [
        e
        for e in events
        if e["category"] == "attack"
        and any(x["iri"].endswith("/" + slug) for x in e["targets"] + e["locations"])
    ]


HEADLINE_LEAD_BODY = (
    "هجوم صاروخي جديد في العراق\n\n"
    "سقطت صواريخ قرب أربيل مساء الأحد، بحسب مصادر أمنية.\n\n"
    "وقالت المصادر إن ثلاثة صواريخ استهدفت قاعدة حرير الجوية في محافظة أربيل، "
    "من دون أن يسفر الهجوم عن إصابات.\n"
)


def test_headline_lead_and_body_of_one_article_make_one_event(tmp_path):
    corpus = _corpus(tmp_path / "c", {"h.txt": HEADLINE_LEAD_BODY}, {"h.txt": "2023-05-15"})
    build(corpus, tmp_path / "out")
    attacks = [e for e in _events(tmp_path / "out") if e["category"] == "attack"]
    assert len(attacks) == 1, [e["sources"] for e in attacks]
    event = attacks[0]
    assert len(event["reports"]) >= 2  # the headline or the lead joined the body
    joined = {link["report"] for link in event["links"]}
    assert joined and all(link["reason"] for link in event["links"])
    assert all(0 <= link["score"] <= 1 for link in event["links"])
    assert joined <= {r["id"] for r in event["reports"]}


def test_a_coarse_report_stays_apart_when_the_article_has_two_attacks(tmp_path):
    text = (
        "هجمات في العراق\n\n"
        "استهدف هجوم صاروخي قاعدة عين الأسد الجوية في الأنبار صباح الأحد.\n\n"
        "وفي هجوم آخر، انفجرت عبوة ناسفة على رتل عسكري قرب الديوانية مساء الأحد.\n"
    )
    corpus = _corpus(tmp_path / "c", {"t.txt": text}, {"t.txt": "2023-05-15"})
    build(corpus, tmp_path / "out")
    events = _events(tmp_path / "out")
    assert len(_attacks_on(events, "ain-al-asad")) == 1
    # the headline names no place: with two attacks in the article it joins neither
    for e in _attacks_on(events, "ain-al-asad"):
        assert all("الديوانية" not in s["sentence"] for s in e["sources"])


UNDATED_SUNDAY = (
    "استهداف قاعدة عين الأسد\n\n"
    "تعرضت قاعدة عين الأسد الجوية في الأنبار لهجوم بطائرة مسيرة يوم الأحد.\n"
)
UNDATED_WEDNESDAY = (
    "هجوم على قاعدة عين الأسد\n\n"
    "تعرضت قاعدة عين الأسد الجوية في الأنبار لهجوم بطائرة مسيرة يوم الأربعاء.\n"
)


def test_two_undated_attacks_on_one_base_on_different_weekdays_stay_two(tmp_path):
    corpus = _corpus(tmp_path / "c", {"a.txt": UNDATED_SUNDAY, "b.txt": UNDATED_WEDNESDAY})
    build(corpus, tmp_path / "out")
    attacks = _attacks_on(_events(tmp_path / "out"), "ain-al-asad")
    assert len(attacks) == 2
    for e in attacks:
        assert len({s["article"] for s in e["sources"]}) == 1


def test_undated_articles_never_join_on_a_shared_place_alone(tmp_path):
    one = "قصف على قاعدة حرير\n\nسقط صاروخ على قاعدة حرير الجوية في أربيل.\n"
    two = "هجوم على قاعدة حرير\n\nاستهدف صاروخ قاعدة حرير الجوية شمال العراق.\n"
    corpus = _corpus(tmp_path / "c", {"a.txt": one, "b.txt": two})
    build(corpus, tmp_path / "out")
    attacks = _attacks_on(_events(tmp_path / "out"), "harir-air-base")
    assert len(attacks) == 2


def test_dated_reports_of_one_incident_in_two_articles_are_one_event(tmp_path):
    one = "قصف قاعدة حرير\n\nأربيل - استهدفت طائرة مسيرة قاعدة حرير الجوية في أربيل فجر الثلاثاء.\n"
    two = (
        "مسيرة تضرب حرير\n\n"
        "قالت مصادر إن هجوما بطائرة مسيرة استهدف قاعدة حرير الجوية يوم الثلاثاء الماضي.\n"
    )
    corpus = _corpus(
        tmp_path / "c", {"a.txt": one, "b.txt": two}, {"a.txt": "2024-01-16", "b.txt": "2024-01-18"}
    )
    build(corpus, tmp_path / "out")
    attacks = _attacks_on(_events(tmp_path / "out"), "harir-air-base")
    assert len(attacks) == 1
    event = attacks[0]
    assert {s["article"] for s in event["sources"]} == {"a.txt", "b.txt"}
    across = [link for link in event["links"] if "another article" in link["reason"]]
    assert across and "harir-air-base" in across[0]["reason"]
    # two independent articles: more confidence than either report alone
    assert event["confidence"] > max(r["strength"] for r in event["reports"])


def test_two_candidate_events_the_report_joins_neither(tmp_path):
    # two dated articles each report a different drone attack on Harir in January;
    # a third, dated only by month, fits both and must join neither
    one = "أربيل - استهدفت طائرة مسيرة قاعدة حرير الجوية في أربيل يوم 3 يناير 2024.\n"
    two = "أربيل - استهدفت طائرة مسيرة قاعدة حرير الجوية في أربيل يوم 20 يناير 2024.\n"
    three = "وكانت طائرة مسيرة قد استهدفت قاعدة حرير الجوية في يناير 2024.\n"
    corpus = _corpus(tmp_path / "c", {"a.txt": one, "b.txt": two, "c.txt": three})
    build(corpus, tmp_path / "out")
    attacks = _attacks_on(_events(tmp_path / "out"), "harir-air-base")
    assert len(attacks) == 3
    assert all(len({s["article"] for s in e["sources"]}) == 1 for e in attacks)


def test_overrides_split_and_join_reports(tmp_path):
    corpus = _corpus(tmp_path / "c", {"h.txt": HEADLINE_LEAD_BODY}, {"h.txt": "2023-05-15"})
    build(corpus, tmp_path / "out")
    event = next(e for e in _events(tmp_path / "out") if e["category"] == "attack")
    first, *rest = [r["id"] for r in event["reports"]]
    overrides = tmp_path / "merges.csv"
    overrides.write_text(f"report,action,other\n{rest[0]},split\n", encoding="utf-8")
    build(corpus, tmp_path / "out2", overrides=overrides)
    attacks = [e for e in _events(tmp_path / "out2") if e["category"] == "attack"]
    assert len(attacks) == 2
    alone = next(e for e in attacks if rest[0] in [r["id"] for r in e["reports"]])
    assert [r["id"] for r in alone["reports"]] == [rest[0]]
    # and joined back by hand
    overrides.write_text(f"{rest[0]},split\n{rest[0]},join,{first}\n", encoding="utf-8")
    build(corpus, tmp_path / "out3", overrides=overrides)
    attacks = [e for e in _events(tmp_path / "out3") if e["category"] == "attack"]
    assert len(attacks) == 1
    assert any("overrides" in link["reason"] for link in attacks[0]["links"])


def test_a_malformed_overrides_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "merges.csv"
    bad.write_text("x#1,glue\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        Overrides.read(bad)


def test_every_event_and_role_has_a_confidence_in_the_unit_interval(seed_build):
    events = _events(seed_build.out)
    assert events
    for e in events:
        assert 0 < e["confidence"] <= 1
        for field in ("attackers", "targets", "weapons", "locations", "claimed_by"):
            for x in e[field]:
                assert 0 < x["confidence"] <= 1
        for r in e["reports"]:
            assert 0 < r["strength"] <= 1


def test_merges_are_in_the_graph(seed_build):
    graph = (seed_build.out / "graph.nq").read_text("utf-8")
    assert "<https://w3id.org/kg-iraq/ontology#Report>" in graph
    assert "<https://w3id.org/kg-iraq/ontology#MergeLink>" in graph
    assert "<https://w3id.org/kg-iraq/ontology#reason>" in graph
    assert "<https://w3id.org/kg-iraq/ontology#confidence>" in graph


def test_a_reply_never_answers_a_later_event(seed_build):
    events = {e["id"]: e for e in _events(seed_build.out)}
    for e in events.values():
        for other in e["retaliation_for"]:
            o = events[other]
            if e["date_latest"] and o["date_earliest"]:
                assert o["date_earliest"] <= e["date_latest"]


def test_an_overrides_file_naming_unknown_reports_stops_the_build(tmp_path):
    corpus = _corpus(tmp_path / "c", {"h.txt": HEADLINE_LEAD_BODY}, {"h.txt": "2023-05-15"})
    overrides = tmp_path / "merges.csv"
    overrides.write_text("nosuch#7,split\n", encoding="utf-8")
    with pytest.raises(InputError, match="nosuch#7"):
        build(corpus, tmp_path / "out", overrides=overrides)


def test_a_claimant_alone_does_not_pick_one_of_several_events(tmp_path):
    # a group that claims many attacks is no ground to choose between two attacks on
    # one base: the undated report that only shares the claimant joins neither
    one = (
        "الأنبار - استهدفت طائرة مسيرة قاعدة عين الأسد الجوية يوم 3 مارس 2024، "
        "وتبنت المقاومة الإسلامية في العراق الهجوم.\n"
    )
    two = "الأنبار - سقط صاروخ على قاعدة عين الأسد الجوية يوم 20 مارس 2024.\n"
    three = (
        "استهدفت طائرة مسيرة قاعدة عين الأسد الجوية، "
        "وتبنت المقاومة الإسلامية في العراق الهجوم في بيان.\n"
    )
    four = "الأنبار - استهدفت طائرة مسيرة قاعدة عين الأسد الجوية يوم 25 مارس 2024.\n"
    corpus = _corpus(tmp_path / "c", {"a.txt": one, "b.txt": two, "c.txt": three, "d.txt": four})
    build(corpus, tmp_path / "out")
    attacks = _attacks_on(_events(tmp_path / "out"), "ain-al-asad")
    alone = [e for e in attacks if {s["article"] for s in e["sources"]} == {"c.txt"}]
    assert len(alone) == 1, [sorted({s["article"] for s in e["sources"]}) for e in attacks]


def test_a_plan_and_its_completion_told_in_sequence_are_one_event_done(tmp_path):
    text = (
        "أعلنت أنقرة عزمها سحب قواتها من معسكر زليكان بحلول نهاية العام. "
        "وأكملت القوات التركية الانسحاب الأحد.\n"
    )
    corpus = _corpus(tmp_path / "c", {"w.txt": text}, {"w.txt": "2024-05-06"})
    build(corpus, tmp_path / "out")
    withdrawals = [e for e in _events(tmp_path / "out") if e["category"] == "withdrawal"]
    assert len(withdrawals) == 1, [e["sources"] for e in withdrawals]
    assert withdrawals[0]["status"] == "done"
    assert any("continues" in link["reason"] for link in withdrawals[0]["links"])


def test_a_report_with_no_place_joins_the_main_story_not_the_recalled_one(tmp_path):
    text = (
        "قتل قيادي في فصيل مسلح بضربة جوية أمريكية استهدفت سيارته في منطقة المشتل ببغداد مساء الأربعاء.\n\n"
        "وكانت الولايات المتحدة قد شنت يوم الجمعة الماضي غارات جوية على مواقع في القائم.\n\n"
        "وقالت القيادة المركزية الأمريكية في بيان إنها نفذت ضربة في العراق.\n"
    )
    corpus = _corpus(tmp_path / "c", {"m.txt": text}, {"m.txt": "2024-02-08"})
    build(corpus, tmp_path / "out")
    attacks = [e for e in _events(tmp_path / "out") if e["category"] == "attack"]
    assert len(attacks) == 2, [[s["sentence"][:40] for s in e["sources"]] for e in attacks]
    main = next(e for e in attacks if any("المشتل" in s["sentence"] for s in e["sources"]))
    assert any("القيادة المركزية" in s["sentence"] for s in main["sources"])
    assert any("background" in link["reason"] for link in main["links"])


@pytest.mark.parametrize(
    "line",
    [
        "سقطت صواريخ على قاعدة عين الأسد وبغداد وأربيل يوم 3 مارس 2024.\n",
        "وقع هجوم في العراق، بحسب مصادر أمنية.\n",
    ],
)
def test_an_article_of_thousands_of_reports_merges_in_bounded_time(nlp, line):
    """A guard against pairwise work inside one article (it took over ten minutes for
    3,000 placed reports, and grew with the square for unplaced ones), not a speed test."""
    import datetime as dt
    import hashlib

    from kg.pipeline.corpus import Article
    from kg.pipeline.extract.article import extract_article
    from kg.pipeline.extract.budget import ArticleTimeout, time_limit
    from kg.pipeline.extract.events import place_contains
    from kg.pipeline.merge import merge_events
    from kg.vocab.gazetteer import load_gazetteer

    text = line * 2_000
    gaz = load_gazetteer()
    article = Article(
        "many",
        "many.txt",
        text,
        hashlib.sha256(text.encode()).hexdigest(),
        dt.date(2024, 3, 4),
        "utf-8",
    )
    records = list(extract_article(nlp, gaz, article).events)
    assert len(records) >= 1_900
    try:
        with time_limit(60):
            events = merge_events(records, place_contains(gaz))
    except ArticleTimeout:
        pytest.fail("merging one article's reports took over 60 s")
    assert events
