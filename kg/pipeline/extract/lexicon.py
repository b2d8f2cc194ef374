"""Arabic trigger and cue words: language data, not code.

Each list holds surface forms as Arabic news writes them, without proclitics
(و ف ب ل ك) and without the definite article: the NORM of a token already has
those removed (see kg.pipeline.nlp.pipeline). Forms are folded before use, so hamza,
ta marbuta and alif maqsura variants need not be listed. The rules in
kg.pipeline.extract.events read these lists by name; adding a form here extends every
rule that uses it.
"""

from __future__ import annotations

from kg.lang.ar.normalize import fold, strip_definite

# --- attacks ---------------------------------------------------------------
ATTACK_NOUNS = (
    "اغتيال هجوم هجوما هجومان هجومين هجمة هجمتين هجمتان اعتداء اعتداءين استهداف قصف قصفا غارة "
    "غارتين غارتان ضربة ضربتين ضربتان تفجير انفجار اعتداءً"
).split()
ATTACK_PLURALS = "هجمات هجومات اعتداءات غارات ضربات تفجيرات".split()
ATTACK_VERBS = (
    "استهدف استهدفت استهدفا استهدفتا استهدفوا يستهدف تستهدف يستهدفان تستهدفان مستهدفا مستهدفة "
    "مستهدفين هاجم هاجمت هاجموا يهاجم تهاجم قصف قصفت قصفوا يقصف تقصف شن شنت شنوا يشن تشن "
    "شنته شنتها نفذ نفذت نفذته نفذتها ينفذ تنفذ أطلق أطلقت أطلقوا يطلق تطلق إطلاق سقط سقطت سقطا "
    "سقطتا يسقط تسقط سقوط انفجر انفجرت انفجرتا ينفجر تنفجر طال طالت ضرب ضربت ضربوا تعرض تعرضت "
    "تعرضتا يتعرض تتعرض تعرضا تعرضها أصاب أصابت"
).split()
# Verbs that alone make an attack only together with a weapon or an attack noun.
WEAK_ATTACK_VERBS = set(
    "نفذ نفذت نفذته نفذتها ينفذ تنفذ ضرب ضربت ضربوا أصاب أصابت تعرض تعرضت تعرضتا يتعرض تتعرض "
    "تعرضا تعرضها أطلق أطلقت أطلقوا يطلق تطلق إطلاق سقط سقطت سقطا سقطتا يسقط تسقط سقوط طال طالت "
    "انفجر انفجرت انفجرتا ينفجر تنفجر شن شنت شنوا يشن تشن شنته شنتها".split()
)
# Words that say the attack was stopped (the attack still counts, status disrupted).
DISRUPTION = (
    "أسقط أسقطت إسقاط اعترض اعترضت اعتراض تصدت تصدى التصدي أحبط أحبطت إحباط أبطل تفكيك فككت إفشال"
).split()

# Nouns and verbs of killing a named person (the person is the target of the attack).
ASSASSINATION = "اغتيال اغتالت اغتال تصفية".split()
# Words before an entity that make it the target of an attack.
TARGET_CUES = (
    "على ضد استهدف استهدفت استهدفا يستهدف تستهدف مستهدفة مستهدفا طال طالت هاجم هاجمت يهاجم "
    "تهاجم قصف قصفت ضرب ضربت أصاب أصابت مهاجمة استهداف"
).split()
# Heads of a phrase whose owner is the target: "مواقع للحشد", "قواعد لكتائب", "رتل للتحالف".
TARGET_HEADS = (
    "مواقع موقع مقرات مقر قواعد قاعدة مخازن مخزن أهداف هدف رتل رتلين رتلا أرتال تابعة تابع "
    "منشآت مرافق مصالح قافلة قوافل"
).split()
# Prepositions and words that put an entity where the event happened.
LOCATION_PREPS = (
    "في قرب بالقرب ضمن حدود داخل جنوب شمال شرق غرب جنوبي شمالي غربي شرقي محيط أطراف محافظة منطقة"
).split()
# Active verbs whose subject carried out a strike ("شنت الولايات المتحدة ضربات", "ردت واشنطن").
STRIKE_SUBJECT_VERBS = (
    "شن شنت شنوا يشن تشن نفذ نفذت ينفذ تنفذ قصف قصفت يقصف تقصف ردت رد يرد ترد هاجم هاجمت "
    "أطلق أطلقت استهدف استهدفت ضرب ضربت"
).split()
# Relative clauses that name who carried it out: "الغارة التي نفذتها واشنطن".
RELATIVE_AGENT = "شنته شنتها نفذته نفذتها أطلقها أطلقته".split()
# Reporting verbs: a date right after "قال مسؤول الثلاثاء" is when it was said, not when it happened.
REPORTING_VERBS = (
    "قال قالت أعلن أعلنت أكد أكدت رحب رحبت ذكر ذكرت أفاد أفادت أوضح أوضحت أضاف أضافت نفى نفت "
    "كشف كشفت اعتبر اعتبرت صرح صرحت أشار أشارت"
).split()
# Words before a date that make it a deadline ("بحلول نهاية أبريل"): the date of a planned event.
DEADLINE_WORDS = "بحلول قبل حتى موعد".split()

# Connectives whose object is neither an actor nor a place of the event ("بالإضافة إلى القائم").
CONNECTIVES = "إضافة بالإضافة فضلا علاوة".split()

# --- withdrawals -----------------------------------------------------------
WITHDRAWAL_WORDS = (
    "انسحاب انسحب انسحبت ينسحب تنسحب سينسحب ستنسحب منسحبة منسحبا الانسحاب سحب يسحب تسحب سيسحب "
    "ستسحب سحبت مغادرة غادر غادرت يغادر تغادر ستغادر سيغادر يغادرون رحيل خروج إخراج"
).split()
HANDOVER_WORDS = "تسليم سلم سلمت يسلم تسلم ستسلم سيسلم تسلّم".split()
REDEPLOY_PHRASES = (
    "إعادة تمركز",
    "إعادة التمركز",
    "إعادة تموضع",
    "إعادة التموضع",
    "إعادة انتشار",
    "إعادة الانتشار",
    "يعيد تمركز",
    "تعيد تمركز",
    "يعيد التمركز",
    "أعيد تموضع",
    "أعيد تمركز",
    "إعادة نشر",
    "نقل القوات",
    "نقل قوات",
)
# Words that mark a withdrawal or attack as announced, planned or intended.
PLANNED_MARKERS = (
    "سيتم سوف المقرر المنتظر يخطط تخطط يخططون تعتزم يعتزم ينوي تنوي النية "
    "قرر قررت تقرر القرار اتفق اتفقت الاتفاق يجب سيقام بحلول المقبل المقبلة القادم القادمة "
    "تتطلع ستغادر سيغادر ستنسحب سينسحب ستسلم سيسلم سيسحب ستسحب سيجري خطة المزمع"
).split()
# Negation of the event itself ("did not come under attack").
NEGATION = "لم لن ليس ليست نفى نفت نافيا نفي دون".split()

# --- responsibility ----------------------------------------------------------
CLAIM_WORDS = ("تبنى تبنت تبنّت يتبنى تتبنى تبنيها تبني مسؤوليته مسؤوليتها").split()
NO_CLAIM_PHRASES = (
    "لم يتبنها",
    "لم تتبنها",
    "لم تتبنّها",
    "لم يتبن",
    "لم تتبن",
    "دون أن تتبنى",
    "بدون أن تتبنى",
    "دون أن يتبنى",
    "بدون أن يتبنى",
    "لم تعلن أي جهة",
    "لم يعلن أي طرف",
    "لم تعلن أي جهة مسؤوليتها",
    "لم تتبنّها أيّ جهة",
)
ATTRIBUTION_WORDS = (
    "تنسب تنسبها ينسب ينسبها نسبت تُنسب اتهم اتهمت تتهم يتهم اتهام حمل حملت حمّلت يحمل تحمل "
    "المسؤولية تلوم يلوم لامت وراء يقف تقف"
).split()

# --- casualties --------------------------------------------------------------
KILLED_WORDS = (
    "مقتل قتل قتلت قتلوا قتلى قتيل قتيلا قتيلين مصرع لقي حتفه لقوا حتفهم استشهاد استشهد استشهدوا"
).split()
WOUNDED_WORDS = "إصابة إصابات أصيب أصيبوا جرح جرحى جريح جريحين إصابته جروح".split()
NO_CASUALTY_PHRASES = (
    "من دون تسجيل إصابات",
    "دون تسجيل إصابات",
    "دون وقوع إصابات",
    "دون إصابات",
    "لم يسفر عن إصابات",
    "لم تسفر عن إصابات",
    "لا إصابات",
    "دون وقوع خسائر بشرية",
    "لم يسفر عن خسائر",
)
# Nouns that count people (a bare singular one counts 1: "قتل مقاول").
# Nouns that count people. A bare singular one counts 1 ("قتل مقاول"); a bare plural
# one is an unknown number ("قتلت عسكريين": how many is not said).
PERSON_NOUNS = (
    "جندي عنصر عسكري مقاتل شخص مدني ضابط شرطي منتسب مقاول متعاقد مستشار فرد مجندة مجند حارس "
    "طفل امرأة موظف رجل"
).split()
PERSON_PLURALS = (
    "جنود عناصر عسكريين عسكريون مقاتلين مقاتلون أشخاص مدنيين مدنيون ضباط شرطة منتسبين مقاولين "
    "متعاقدين مستشارين أفراد حراس أطفال نساء موظفين رجال"
).split()

# --- retaliation --------------------------------------------------------------
RETALIATION_PHRASES = (
    "ردا على",
    "رداً على",
    "رد على",
    "انتقاما ل",
    "انتقاماً ل",
    "انتقامي",
    "الانتقامي",
    "الانتقامية",
    "ردت",
    "رد",
    "سببا رئيسيا في",
    "سببا في",
    "أعقب ذلك",
    "عقب ذلك",
    "تلا ذلك",
)

# --- statements that are not single events --------------------------------
NOT_EVENT_PHRASES = (
    "قائمة من الأهداف",
    "تبحث",
    "بحثت",
    "تسعى لمهاجمة",
    "هجمات وشيكة",
    "عادة ما",
    "خيارات",
)
# Demands, votes and debates about a withdrawal are not withdrawals.
WITHDRAWAL_NOT_EVENT = (
    "مطالبة",
    "المطالبين",
    "يطالب",
    "تطالب",
    "طالب",
    "تصويت",
    "لطرد",
    "طرد",
    "تصر على",
    "ملف",
    "سيفتح",
    "إذا",
    "لو",
)
AGGREGATE_MARKERS = "منذ نحو حوالي قرابة زهاء إجمالي موجة سلسلة تصعيد وتيرة تكرر كثيفة".split()

# --- cues for entities the gazetteer does not know ----------------------------
BASE_CUES = "قاعدة معسكر مطار مخيم ثكنة مقر".split()
GROUP_CUES = "فصيل فصائل كتائب سرايا ألوية لواء عصائب حركة جماعة تنظيم".split()
PLACE_CUES = "محافظة مدينة بلدة قضاء ناحية قرية منطقة حي".split()
PERSON_TITLES = (
    "الجنرال اللواء العميد العقيد المقدم الرائد النقيب الفريق الرئيس الوزير السفير المتحدث الناطق "
    "القيادي الشيخ السيد"
).split()
SELF_NAMED = (
    "تطلق على نفسها اسم",
    "تطلق على نفسها",
    "يطلق على نفسه",
    "تسمي نفسها",
    "تسمى",
    "يدعى",
    "تدعى",
    "تعرف باسم",
    "يعرف باسم",
)


def _words(*groups: tuple[str, ...] | list[str] | set[str]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        for phrase in group:
            out.extend(phrase.split())
    return tuple(dict.fromkeys(out))


LEXICON_WORDS = _words(
    ATTACK_NOUNS,
    ATTACK_PLURALS,
    ATTACK_VERBS,
    DISRUPTION,
    WITHDRAWAL_WORDS,
    HANDOVER_WORDS,
    REDEPLOY_PHRASES,
    PLANNED_MARKERS,
    NEGATION,
    ASSASSINATION,
    TARGET_CUES,
    TARGET_HEADS,
    LOCATION_PREPS,
    STRIKE_SUBJECT_VERBS,
    RELATIVE_AGENT,
    REPORTING_VERBS,
    DEADLINE_WORDS,
    CONNECTIVES,
    CLAIM_WORDS,
    ATTRIBUTION_WORDS,
    KILLED_WORDS,
    WOUNDED_WORDS,
    PERSON_NOUNS,
    PERSON_PLURALS,
    BASE_CUES,
    GROUP_CUES,
    PLACE_CUES,
)


def keys(words: tuple[str, ...] | list[str] | set[str]) -> frozenset[str]:
    """The NORM keys of a word list (folded, definite article removed)."""
    return frozenset(strip_definite(fold(w)) for w in words)
