"""Killed and wounded: the sentence rules of casualties.

Every sentence here is invented for these tests (none is from the seeds or from a web
page) and goes through the public pipeline: an article read from text, its events
extracted and merged; the assertions are on the killed and wounded the event carries.
The guide: numbers as stated, a sum only when the text gives the parts, unknown stays
unknown (None) and 0 only when the text says there were none.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from kg.pipeline.corpus import Article
from kg.pipeline.extract.article import extract_article
from kg.pipeline.extract.events import place_contains
from kg.pipeline.merge import merge_events
from kg.vocab.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def toll(nlp, gaz):
    """Text → (killed, wounded) of the one attack it reports."""

    def read(text: str) -> tuple[int | None, int | None]:
        article = Article(
            article_id="t",
            file_name="t.txt",
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            published=dt.date(2023, 6, 14),
            encoding="utf-8",
        )
        x = extract_article(nlp, gaz, article)
        attacks = [
            e for e in merge_events(list(x.events), place_contains(gaz)) if e.category == "attack"
        ]
        assert len(attacks) == 1, [(e.type, e.sources[0].sentence) for e in attacks]
        return attacks[0].killed, attacks[0].wounded

    return read


@pytest.mark.parametrize(
    "text, killed, wounded",
    [
        # the count after the verb, and before it
        ("أصيب سبعة جنود في هجوم صاروخي على قاعدة عين الأسد.", None, 7),
        ("سبعة جنود أصيبوا في هجوم صاروخي على قاعدة عين الأسد.", None, 7),
        ("ثلاثة حراس قد قُتلوا في هجوم بعبوة ناسفة قرب معسكر التاجي.", 3, None),
        ("قتل ثلاثة مدنيين في قصف مدفعي استهدف قاعدة بلد.", 3, None),
        # a verb after "و" starts another verb's subject: the count before it is not its own
        ("قتل في هجوم صاروخي على قاعدة بلد ثلاثة جنود وأصيب آخرون.", 3, None),
        ("جنديان قتلا وأصيب ثلاثة في هجوم على قاعدة بلد.", 2, 3),
        # the count before the noun of the dead or wounded
        ("أسفر القصف على مطار أربيل عن 4 قتلى و9 جرحى.", 4, 9),
        ("سقط قتيلان في الغارة على معسكر التاجي.", 2, None),
    ],
)
def test_counts_before_and_after(toll, text, killed, wounded):
    assert toll(text) == (killed, wounded)


@pytest.mark.parametrize(
    "text, killed, wounded",
    [
        # digits, Arabic-Indic digits, words, compound words
        ("أسفر الهجوم على قاعدة عين الأسد عن إصابة 12 شخصا.", None, 12),
        ("أسفر الهجوم على قاعدة عين الأسد عن إصابة ١٢ شخصا.", None, 12),
        ("أسفر الهجوم على قاعدة عين الأسد عن إصابة خمسة عشر عسكريا.", None, 15),
        ("أسفر الهجوم على قاعدة عين الأسد عن مقتل ثلاثة وعشرين مقاتلا.", 23, None),
        ("أسفرت الغارة على قاعدة بلد عن مقتل نحو 20 مسلحا.", 20, None),
    ],
)
def test_numbers_however_written(toll, text, killed, wounded):
    assert toll(text) == (killed, wounded)


@pytest.mark.parametrize(
    "text, killed, wounded",
    [
        # duals, construct duals
        ("أسفر القصف على قاعدة بلد عن مقتل جنديين.", 2, None),
        ("قتل ضابطا شرطة في تفجير عبوة ناسفة قرب قاعدة بلد.", 2, None),
        ("أسفر القصف على قاعدة بلد عن إصابة ضابطي أمن.", None, 2),
        ("جنديان قتلا في الهجوم الصاروخي على معسكر التاجي.", 2, None),
        # an ordinal that adds one more, and an agreeing one that does not
        ("قتل جنديان وثالث كندي في هجوم بعبوة ناسفة على معسكر التاجي.", 3, None),
        ("أسفر الهجوم على قاعدة بلد عن مقتل جندي ثان.", 1, None),
        ("أسفرت الغارة على قاعدة بلد عن مقتل مدني واحد.", 1, None),
    ],
)
def test_duals_and_ordinals(toll, text, killed, wounded):
    assert toll(text) == (killed, wounded)


@pytest.mark.parametrize(
    "text, killed, wounded",
    [
        # an ordinal is a rank or a date, not a count
        ("أسفر الهجوم الثاني على قاعدة بلد عن إصابة جندي.", None, 1),
        ("أسفر الهجوم على قاعدة بلد في الثالث من آذار عن مقتل جندي.", 1, None),
        ("قتل أول جندي أمريكي في الهجوم على قاعدة بلد.", 1, None),
        ("أصيب ثالث جندي خلال أسبوع في هجوم على قاعدة بلد.", None, 1),
        # "الاثنين" is Monday, "اثنين" is two
        ("قتل جنديان مساء الاثنين في قصف على قاعدة بلد.", 2, None),
        ("أسفر القصف على قاعدة بلد عن مقتل اثنين من الجنود وإصابة أربعة.", 2, 4),
    ],
)
def test_ordinal_and_weekday_confusions(toll, text, killed, wounded):
    assert toll(text) == (killed, wounded)


@pytest.mark.parametrize(
    "text, killed, wounded",
    [
        # disjoint groups are summed; killed and wounded are kept apart
        ("أسفر الهجوم على قاعدة بلد عن مقتل جنديين ومدني وإصابة ثلاثة آخرين.", 3, 3),
        ("قتل ثلاثة جنود أمريكيين وجندي بريطاني في الهجوم على معسكر التاجي.", 4, None),
        (
            "قتل أربعة من عناصر الشرطة وضابطا أمن ومدني واحد في قصف على قاعدة بلد.",
            7,
            None,
        ),
        # a clause that tells of no event of its own adds its figures to the attack
        (
            "أسفر القصف على مطار أربيل عن مقتل متعاقد، فيما أصيب ثلاثة متعاقدين آخرين "
            "وجندي أمريكي بجروح.",
            1,
            4,
        ),
    ],
)
def test_disjoint_groups_are_summed(toll, text, killed, wounded):
    assert toll(text) == (killed, wounded)


@pytest.mark.parametrize(
    "text, killed",
    [
        # victims named one by one
        ("أسفرت الغارة على مطار أربيل عن مقتل القيادي أبو حيدر الكعبي وأحد مرافقيه.", 2),
        ("أسفرت الغارة على مطار أربيل عن مقتل القائد الميداني أبو زينب ونجله.", 2),
        (
            "قتل القيادي في عصائب أهل الحق أبو كرار البصري واثنان من حراسه في غارة بطائرة مسيرة قرب مطار بغداد.",
            3,
        ),
        # a description between commas does not end the list
        (
            "قتل القيادي في حركة النجباء حيدر الموسوي، المعروف بأبي مهدي، وأحد مرافقيه "
            "في غارة بطائرة مسيرة قرب قاعدة بلد.",
            2,
        ),
        # the victim before his verb, his companion after it
        ("القيادي جواد الطائي استشهد مع أحد مرافقيه في غارة بطائرة مسيرة قرب القائم.", 2),
    ],
)
def test_victims_named_one_by_one(toll, text, killed):
    assert toll(text)[0] == killed


@pytest.mark.parametrize(
    "text, killed, wounded",
    [
        # a negated outcome is a stated zero
        ("استهدف صاروخ قاعدة بلد دون أن يسفر عن إصابات.", 0, 0),
        ("لم يسفر القصف الصاروخي على قاعدة بلد عن وقوع ضحايا.", 0, 0),
        ("سقط صاروخ على قاعدة عين الأسد من دون وقوع خسائر بشرية.", 0, 0),
        ("سقطت قذيفتا هاون على معسكر التاجي ولم تسجل إصابات.", 0, 0),
        # only the dead denied: the wounded stay unknown
        ("لم يسفر الهجوم بطائرة مسيرة على مطار أربيل عن قتلى.", 0, None),
        ("لم يصب أحد في الهجوم الصاروخي على قاعدة بلد.", None, 0),
    ],
)
def test_a_negated_outcome_is_zero(toll, text, killed, wounded):
    assert toll(text) == (killed, wounded)


@pytest.mark.parametrize(
    "text",
    [
        # unknown stays unknown, never 0
        "أسفر الهجوم على قاعدة بلد عن سقوط ضحايا.",
        "أسفر الهجوم على قاعدة بلد عن إصابة عدد من الجرحى.",
        "سقط صاروخ على قاعدة عين الأسد ولم ترد أنباء عن إصابات.",
        "سقط صاروخ على قاعدة عين الأسد ولم يعرف عدد الضحايا.",
        "أسفر الهجوم على قاعدة بلد عن قتلى وجرحى.",
        "أسفرت الغارة على قاعدة بلد عن مقتل عسكريين.",
        "أسفرت الغارة على قاعدة بلد عن مقتل عشرات المسلحين.",
        # one figure for both: neither is known
        "أسفر الهجوم على قاعدة بلد عن مقتل وإصابة خمسة جنود.",
        "أسفر الهجوم على قاعدة بلد عن سقوط خمسة قتلى وجرحى.",
        # material losses only: nothing said of people
        "سقط صاروخ على قاعدة عين الأسد دون وقوع خسائر مادية كبيرة.",
    ],
)
def test_unknown_stays_unknown(toll, text):
    assert toll(text) == (None, None)


def test_a_partly_unknown_sum_is_unknown(toll):
    # two soldiers and an unknown number of civilians: the sum is not stated
    assert toll("أسفر القصف على قاعدة بلد عن مقتل جنديين وعدد من المدنيين.")[0] is None


def test_a_count_of_soldiers_is_not_a_count_of_attacks(toll):
    # "سبعة … في هجوم": the number counts the wounded, so this is one attack, not a series
    assert toll("أصيب سبعة جنود أمريكيين في هجوم بطائرة مسيرة على قاعدة حرير.") == (None, 7)
