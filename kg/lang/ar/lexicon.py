"""Arabic trigger and cue words, and the few letters and marks the rules compare: data, not code.

Each list holds surface forms as Arabic news writes them, without proclitics
(و ف ب ل ك) and without the definite article: the NORM of a token already has
those removed (see kg.pipeline.nlp.pipeline). Forms are folded before use, so hamza,
ta marbuta and alif maqsura variants need not be listed. Lists marked "NORMs" are
compared as they are to a token's NORM (so they are written folded: ضربه, الي);
lists marked "folded" are compared to folded surface text. The rules in
kg.pipeline.extract read these names through the language (``kg.lang.get("ar").lexicon``);
adding a form here extends every rule that uses it. docs/LANGUAGES.md says which names
another language's lexicon provides.
"""

from __future__ import annotations

import re

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
    "ستسحب سحبت مغادرة غادر غادرت يغادر تغادر ستغادر سيغادر يغادرون رحيل خروج إخراج إخلاء "
    "أخلت أخلى"
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
# (that nobody claimed it, "لم يتبنها أي طرف", "بدون أن تتبنى", "لم تعلن أي جهة
# مسؤوليتها", is read by a rule: a negated claim word, CLAIM_FORMS in the section of
# issue 12 below)
ATTRIBUTION_WORDS = (
    "تنسب تنسبها ينسب ينسبها نسبت تُنسب اتهم اتهمت تتهم يتهم اتهام حمل حملت حمّلت يحمل تحمل "
    "المسؤولية تلوم يلوم لامت وراء يقف تقف"
).split()

# --- casualties --------------------------------------------------------------
KILLED_WORDS = (
    "مقتل قتل قتلت قتلوا قتلى قتيل قتيلا قتيلين مصرع لقي حتفه لقوا حتفهم استشهاد استشهد استشهدوا"
).split()
WOUNDED_WORDS = "إصابة إصابات أصيب أصيبوا جرح جرحى جريح جريحين إصابته جروح".split()
# (a stated zero, "دون أن يسفر عن إصابات", is read by a rule: OUTCOME_NEGATION governing
# ANY_CASUALTY_NOUNS, in the section of issue 12 below)
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

# --- statements that are not single events --------------------------------
# (an attack considered, threatened, expected, conditional or habitual is no event: the
# rules read INTENT_WORDS, EXPECTED_WORDS, CONDITIONAL_WORDS, FREQUENCY_WORDS below)
# (demands, votes, talks and conditions about a withdrawal are not withdrawals: the rule
# reads WITHDRAWAL_TALK_WORDS, OPINION_WORDS and WITHDRAWAL_CONDITIONALS below)
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


# --- words the attack rules read (compiled to NORM keys) ---------------------
# Compass directions: a place right after one is a reference point ("100 كم جنوب بغداد").
DIRECTIONS = "جنوب شمال شرق غرب جنوبي شمالي غربي شرقي".split()
# "Near": a place after one is near where it happened, not the place ("قرب بغداد").
NEAR_WORDS = "قرب بالقرب مقربة".split()
# Hosting and being stationed: "القاعدة التي تضم قوات أميركية" names who is there, not what was struck.
STATIONED_WORDS = (
    "تضم يضم تستضيف يستضيف يتمركز تتمركز توجد يوجد تنتشر ينتشر المتمركزة المتواجدة المنتشرة"
).split()
# "Stands (behind)": "فصيلاً يدعى X يقف وراء الهجوم" blames X.
BEHIND_VERBS = "يقف تقف وقفت وقف يقفون".split()
# Self-naming: the entity after one is a claimant's name, not a target.
SELF_NAME_WORDS = "نفسها نفسه يدعى تدعى يسمى تسمى".split()
# Stores: weapons named after one were stored at the target ("مخازن أسلحة"), not used.
STORE_WORDS = "مخازن مخزن ذخيرة ذخائر مستودعات مستودع معدة".split()
# Leading, backing and belonging: an entity after one is no role of the attack
# ("الفصائل الموالية لإيران").
LED_OR_BACKED_WORDS = (
    "بقيادة قيادة تقوده يقوده الموالية موالية الموالي المدعومة مدعومة المدعوم التابع التابعة"
).split()
# Nouns of strikes (as opposed to attacks in general): "وردت واشنطن بضربات" is one strike event.
STRIKE_NOUNS = "غارة غارات ضربة ضربات قصف".split()
# Words of the air: with a strike noun, an air strike ("ضربات جوية").
AIR_WORDS = "جوية جوي جويا طيار طائرة طيران".split()
# Air raids: alone, an air strike.
AIR_RAIDS = ["غارة", "غارات", "غارتين"]
# Words that alone say the means was air power (the gazetteer's air-strike weapon fills it).
AIR_RAID_WORDS = ["غارة", "غارات", "غارتين", "طيران"]
# "Air" adjectives: with a strike noun, the means was air power.
AIR_ADJECTIVES = ["جوية", "جوي", "جويا"]
# "That": in "لم … أن" the negation still governs the trigger after it.
THAT = ["ان", "أن"]
# Adjectives that make a definite attack noun a new event, not a continuation ("هجوم جديد").
NEW_EVENT_ADJECTIVES = "انتقامي انتقامية جديد جديدة آخر أخرى".split()
# Words before an attack noun that make it a reference to an earlier attack ("ردا على الهجوم").
REFERENCE_PREV_WORDS = "على رد ردا رداً انتقاما عقب بعد".split()
# Nouns of speech: a date after one is when something was said.
SPEECH_NOUNS = "بيان بيانا تصريح تصريحات مقابلة".split()
# Agreement: a date after one is the agreement's date, not the event's.
AGREEMENT_WORDS = "اتفاق الاتفاق توصلت توصل حوار".split()
# Verbs of undergoing: in "لم تتعرض لهجمات" the negation governs the attack after them.
UNDERGO_VERBS = "تعرض تعرضت تتعرض يتعرض تشهد يشهد شهدت يقع تقع وقع وقعت تكون يكون".split()

# --- words the withdrawal rules read (compiled to NORM keys) -----------------
# "Led by": an entity after one leads the force that moves; it does not move itself.
LEADER_WORDS = "بقيادة قيادة تقوده يقوده".split()
# "Belonging to": "قوة تابعة للتحالف", the coalition's force moves.
BELONGS_WORDS = "تابعة تابع التابعة التابع".split()
# Leaving: "مغادرة … للقائم" leaves al-Qaim rather than going there.
LEAVE_VERBS = "مغادرة غادر غادرت يغادر تغادر ستغادر سيغادر يغادرون".split()
# Plurals and duals of "base": "الانسحاب من 3 قواعد" is a programme, not one withdrawal.
BASE_PLURALS = "قواعد قاعدتين قاعدتي قاعدتان قاعدتا".split()

# --- phrases (folded when used) ----------------------------------------------
# Phrases that start a clause reporting its own event ("… في حين أدى الهجوم الثاني …").
# (A causal predicate between two attacks cuts a clause too: CAUSE_WORDS below.)
CLAUSE_BREAKS = ("في حين", "بينما", "فيما", "وأعقب ذلك", "أعقب ذلك")
# Reply: the attacks of the sentence answer an earlier one.
REPLY_PHRASES = ("أعقب ذلك", "عقب ذلك", "تلا ذلك", "ردا على", "رداً على", "انتقاما ل")
# Reply, as folded words of the sentence (compared as written: folded forms).
REPLY_WORDS = ("ردا", "رد", "ردت", "انتقاما", "الانتقامي", "الانتقاميه", "وردت", "بدوره")
# "Responsibility": after a verb of holding ("حمّلت X المسؤولية") an attribution.
RESPONSIBILITY = "المسؤولية"
# What news puts before a province's name: a city named like its province
# ("أربيل", "محافظة أربيل") contains what the province contains.
PROVINCE_PREFIXES = ("محافظة ",)

# --- NORMs compared as they are (written folded, without the article) ---------
# Ordinals after an attack noun: "الهجوم الثاني" describes attack number 2.
ORDINAL_WORDS = {"اول": 1, "اولي": 1, "ثاني": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3}
# Attack nouns an ordinal may follow ("الهجوم الأول", "الضربة الثانية").
ORDINAL_NOUNS = ("هجوم", "قصف", "ضربه")
# What ends a phrase that refers to an earlier attack ("على الهجوم الأول، …").
REFERENCE_ENDS = ("علي", "ضد", "،", ",", ".")
# The relative pronouns التي/الذي: a relative clause hangs on the noun before them.
RELATIVES = ("تي", "ذي")
# "On", "against": a place or state right after one is the target.
AGAINST = ("علي", "ضد")
# "Aviation": "الطيران الأميركي" says who struck.
AVIATION = "طيران"
# "From": a base after it is where something left, not what was struck.
PREP_FROM = "من"
# "To" (إلى): the recipient or destination follows.
PREP_TO = "الي"
# "Since": a date after it is not the event's date.
PREP_SINCE = "منذ"
# "By" (a deadline): a date expression starting with it is a deadline ("بحلول نهاية أبريل");
# compared to the folded expression.
BY_DEADLINE = "بحلول"
# "Behind" ("يقف وراء الهجوم").
BEHIND = "وراء"
# Starts of "held (responsible)": "حمّلت كتائب حزب الله المسؤولية".
HOLD_STEMS = ("حمل", "يحمل", "تحمل")
# Starts of "accused": "اتهمت X Y", the accuser, then the accused.
ACCUSE_STEMS = ("اتهم", "تتهم", "يتهم")
# An unknown number of people ("وآخرين", "عشرات"): the count is unknown.
UNCOUNTED = ("اخرين", "اخرون", "عدد", "عشرات", "العشرات")
# What joins counted items ("جنديين وبريطاني", "إضافة إلى").
COUNT_JOINERS = ("و", "اضافه", "الي", "،", ",")
# Endings of a nisba adjective ("عراقيين", "أمريكي"): it describes the counted noun.
NISBA_ENDINGS = ("يين", "يون", "يه", "ي", "يان")
# "Bases" and "number": "عدد من القواعد" is a counted set of bases.
BASES = "قواعد"
NUMBER = "عدد"
# Start of a dual of "base" ("قاعدتين"), and starts of what follows it in a counted set.
BASE_DUAL_STEM = "قاعدت"
BASE_DUAL_NEXT = ("اخري", "عسكريت")

# --- folded word shapes --------------------------------------------------------
# Starts of the last word of a dual that names two targets: "استهداف رتلين" is two attacks.
DUAL_TARGET_STEMS = ("رتل", "رتلي", "قافلت", "موكب")
# Starts of "rocket(s)": "الصاروخان" in the next sentence continues the attack.
ROCKET_STEMS = ("صاروخ", "صواريخ")
# Pronoun suffixes that NORM drops: "سلمتها" after "انسحابها" continues the same withdrawal.
DROPPED_SUFFIXES = ("ها", "هم", "هما", "ه")

# --- letters and marks --------------------------------------------------------
# The definite article, and ل + ال as written ("للقائم").
DEFINITE_ARTICLE = "ال"
LI_DEFINITE = "لل"
# Proclitics the rules test one at a time: و (and), ب (with, by), ل (to, for).
PROCLITIC_AND = "و"
PROCLITIC_WITH = "ب"
PROCLITIC_TO = "ل"
# Proclitics that may stand before a phrase, or before the article of a word.
PHRASE_PROCLITICS = "وفبل"
# The conjunctions و ف, stripped before looking for the article.
CONJUNCTIONS = "وف"
# The Arabic comma, read as a space when looking for words of reply.
COMMA = "،"
# Commas.
COMMAS = ("،", ",")
# What joins a mention to the one before it: "القيارة، كركوك", "القيارة وكركوك".
COORDINATORS = ("،", ",", "، و", "و")
# Punctuation that ends a clause: a later withdrawal word after it starts its own withdrawal.
CLAUSE_PUNCTUATION = ("،", ",", "؛")
# Punctuation that closes an "إلى …" destination phrase.
DESTINATION_ENDS = ("،", ",", "؛", ".")

# --- names the mention rules read ----------------------------------------------
# Words that end a name after a cue (prepositions, relatives, adjectives of place/kind).
NAME_STOP_WORDS = (
    "في من على إلى الى عن مع ضد قرب بعد قبل خلال التي الذي الذين التابعة التابع التابعين "
    "او أو ثم حيث كما وقد قد بين نحو حوالي منذ عند لدى داخل خارج أمام عبر تحت فوق إن أن "
    "العسكرية العسكري الجوية الجوي الأميركية الأمريكية الأميركي الأمريكي العراقية العراقي "
    "الدولي الدولية الكبرى الرئيسية الرئيسي المشتركة الواقعة القريبة المجاورة جنوب شمال شرق "
    "غرب جنوبي شمالي غربي شرقي وسط جنوبا شمالا غربا شرقا هناك هذه هذا تلك ذلك أخرى آخر "
    "الأخرى الأولى الثانية الثالثة كل جميع بعض عدة عدد أيضا أيضاً الموالية الموالي المدعومة "
    "المدعوم المسلحة المسلح التي الشيعية الإيرانية السورية الكويتية البريطانية الحدودية "
    "الإرهابي الإرهابية الخاصة الرسمي الرسمية الذي والتي مسلحة مسلحين مجهولين مجهولة "
    "قواعد القوات قوات عناصر مواقع الإسلامية نفسها نفسه اسم تطلق يطلق"
).split()
# A word a name may hold: Arabic letters (with harakat and tatweel) only.
NAME_WORD = re.compile(r"^[\u0621-\u064A\u0671-\u06D3\u0640\u064B-\u065F]+$")
# Folded pronoun suffixes that keep a word out of a name ("استعادتها").
NAME_BREAKING_SUFFIXES = ("ها", "هم", "هما", "كم")
# Ending of a definite plural in -ات ("العمليات"): not a name word.
FEMININE_PLURAL = "ات"
# Ta marbuta, and what it folds to: a cue is "قاعدة" as written (not "قاعده"), and one
# indefinite word in ه after a feminine cue is an adjective ("قاعدة مهمة").
TA_MARBUTA = "ة"
FOLDED_TA_MARBUTA = "ه"
# Cue words that, definite and unnamed ("القاعدة"), refer to the base named just before.
BASE_ANAPHORS = ["قاعدة", "معسكر", "مطار"]
# Words after which a matched name is the first word of a title, not the entity: «القائم
# بأعمال السفارة» is a chargé d'affaires, not the al-Qaim base; «القائم على» the one in
# charge of.
TITLE_CONTINUATIONS = ("بأعمال", "بالأعمال")
# The pluperfect: a form of كان, then قد before the verb («وكانت القوات قد تعرضت …»):
# an earlier event recalled.
PLUPERFECT_AUXILIARIES = ("كان", "كانت", "كانوا")
PLUPERFECT_PARTICLE = "قد"
# What is handed over when a handover word is followed by it: a document or a message,
# not a base («استدعت السفير لتسليمه مذكرة احتجاج»).
HANDED_DOCUMENTS = (
    "مذكرة رسالة رسالتين وثيقة وثائق دعوة شكوى احتجاج جائزة ملف أوراق قائمة تقرير مذكرات رسائل"
).split()

# --- reading files ----------------------------------------------------------------
# Lines that are page furniture, not reporting (comment forms, navigation): regular
# expressions matched at the start of a line. Arabic sites carry English buttons too.
BOILERPLATE_LINES = (
    r"اترك تعليق",
    r"لن يتم نشر عنوان بريدك",
    r"الحقول الإلزامية",
    r"زر الذهاب إلى الأعلى",
    r"إغلاق\s*$",
    r"شارك(?:ها)? على",
    r"اقرأ أيضا",
    r"اقرأ أيضاً",
    r"تابعونا",
    r"جميع الحقوق محفوظة",
    r"مواضيع ذات صلة",
    r"Share",
    r"Comments?",
    r"Leave a (?:comment|reply)",
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


# --- attack sentences (issue 12) -----------------------------------------------
# Verbs that mean "to name" before على with a pronoun or نفس ("مجموعة تطلق على نفسها …",
# "أطلق عليها اسم …"): there they are not "launch", and never an attack trigger.
NAMING_VERBS = "أطلق أطلقت أطلقوا يطلق تطلق يطلقون".split()
# Folded words after على that make such a verb "to name": على with a pronoun suffix
# (عليها, عليه), and the start of the reflexive نفسها/نفسه.
NAMING_OBJECTS = ("عليها", "عليه", "عليهم", "عليهما")
REFLEXIVE_STEM = "نفس"
# Verbs that follow a noun to describe it (where it lies, what it holds, who runs it,
# when it was built): never part of a name after a cue ("قاعدة تقع شمال بغداد").
DESCRIPTIVE_VERBS = (
    "تقع يقع تبعد يبعد تحتوي يحتوي تحوي يحوي تستخدم يستخدم تستضيف يستضيف تعد يعد تعتبر "
    "يعتبر تخضع يخضع تدير يدير تشرف يشرف تتبع يتبع تسيطر يسيطر تتواجد يتواجد تحمل يحمل "
    "بنيت بني أنشئت أنشئ شيدت أقيمت أقيم تأسست كانت كان"
).split()
# Towards: a base or place after one is what a shot was aimed at ("صاروخ أطلق نحو المطار").
TOWARDS = "نحو باتجاه اتجاه صوب".split()
# Failing, and being able: "فشلت الدفاعات في اعتراض", "لم تتمكن من اعتراض" say the attack
# was not stopped (it is done, not disrupted).
FAILED_WORDS = "فشل فشلت تفشل يفشل عجز عجزت تعجز يعجز".split()
ABILITY_WORDS = "تمكن تمكنت تتمكن يتمكن تستطع يستطع استطاع استطاعت تنجح ينجح نجح نجحت".split()
# Conditionals: a trigger after one, up to a comma or the answer ("فإن …"), tells of no
# event ("إذا سقط قتلى في أي هجوم …"); the nouns are conditionals after في ("في حال").
CONDITIONAL_WORDS = "إذا لو متى كلما".split()
CONDITIONAL_NOUNS = "حال حالة".split()
PREP_IN = "في"
# The proclitic ف that opens the answer of a condition ("فإن واشنطن سترد").
PROCLITIC_THEN = "ف"
# Frequency: a trigger next to one (or to a HABIT_WORDS word) tells of a habit, not of an
# event ("عادة ما تستهدف …", "تتعرض القاعدة باستمرار لهجمات").
FREQUENCY_WORDS = (
    "باستمرار استمرار مرارا يوميا أحيانا بانتظام انتظام تكرارا دوما متكرر متكررة"
).split()
# Threatening, planning, discussing, searching, intending, fearing: a trigger governed by
# one is an act considered, not carried out ("هددت الفصائل بقصف …", "تبحث الإدارة
# استهداف …", "خشية هجوم").
INTENT_WORDS = (
    "هدد هددت يهدد تهدد هددوا تهديد تهديدات توعد توعدت يتوعد تتوعد وعيد تسعى يسعى سعت سعى "
    "سعي تخطط يخطط خططت خطط خطة مخطط تعتزم يعتزم اعتزام عزم عزمها عزمه تنوي ينوي نية نيتها "
    "تبحث يبحث بحثت بحث ناقش ناقشت يناقش تناقش مناقشة تدرس يدرس درست دراسة تستعد يستعد "
    "استعداد قائمة خيارات خيار احتمال إمكانية حذر حذرت يحذر تحذر تحذير مخاوف خشية مخافة "
    "تتوقع يتوقع توقع"
).split()
# Adjectives after an attack noun that make it expected, not done ("هجمات وشيكة").
EXPECTED_WORDS = "وشيك وشيكة محتمل محتملة مرتقب مرتقبة متوقع متوقعة مستقبلي مستقبلية".split()
# "Any", "every" before an attack noun: no particular attack ("أي هجوم", "كل هجوم").
ANY_WORDS = "أي أية كل".split()

# Words of time: never part of a name ("قاعدتي عين الأسد وحرير الثلاثاء").
TIME_WORDS = (
    "السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة أمس اليوم فجر صباح ظهر "
    "عصر مساء ليل ليلة الليلة فجرا صباحا مساء ليلا"
).split()
# Causal predicates: between two attacks, the one after is caused by the one before
# ("…، كان سبباً رئيسياً في الغارة التي …", "… ما تسبب في قصف …"); a copula before one
# starts the clause of the effect with it.
CAUSE_WORDS = "سبب سببا سبباً تسبب تسببت يتسبب أدى أدت دفع دفعت استدعى استدعت".split()
COPULAS = "كان كانت يكون تكون".split()
# Prepositions before the effect a causal predicate names ("سبباً في الغارة", "أدى إلى").
CAUSE_OBJECT_PREPS = "في إلى".split()
# Openers of a background event: after a reply word ("رداً على الهجوم الذي …", "انتقاماً
# لمقتل …") the sentence's attack answers it; after a word of sequence or cause ("عقب
# مقتل …", "بعد ساعة من قصف …", "إثر", "في أعقاب", "على خلفية") it only came before.
REPLY_OPENERS = "رد ردا رداً انتقاما انتقاماً ثأرا ثأراً بسبب جراء".split()
AFTER_OPENERS = "عقب إثر أعقاب بعد غداة خلفية".split()
# Duals of a base cue and their singular: "قاعدتي عين الأسد وحرير" names two bases,
# "قاعدة عين الأسد" and "قاعدة حرير".
DUAL_BASE_CUES = {
    "قاعدتي": "قاعدة",
    "قاعدتا": "قاعدة",
    "قاعدتين": "قاعدة",
    "قاعدتان": "قاعدة",
    "معسكري": "معسكر",
    "معسكرا": "معسكر",
    "معسكرين": "معسكر",
    "معسكران": "معسكر",
    "مطاري": "مطار",
    "مطارا": "مطار",
    "مطارين": "مطار",
    "مطاران": "مطار",
}

# Proclitics are stripped onto these words too ("وفشلت" → فشلت).
LEXICON_WORDS = _words(
    LEXICON_WORDS,
    tuple(DUAL_BASE_CUES),
    CAUSE_WORDS,
    COPULAS,
    REPLY_OPENERS,
    AFTER_OPENERS,
    NAMING_VERBS,
    DESCRIPTIVE_VERBS,
    TOWARDS,
    FAILED_WORDS,
    ABILITY_WORDS,
    CONDITIONAL_WORDS,
    CONDITIONAL_NOUNS,
    FREQUENCY_WORDS,
    INTENT_WORDS,
    EXPECTED_WORDS,
)


# --- responsibility and casualties (issue 12) ------------------------------------
# Verbs of denying: with an object that names a link or a part in the event (below) the
# subject denies responsibility ("نفت الجماعة أي صلة لها بالهجوم").
DENIAL_VERBS = "نفى نفت ينفي تنفي نفوا ينفون نافيا نافية أنكر أنكرت ينكر تنكر".split()
# What such a verb denies: a link, a part, responsibility, having done it.
DENIAL_OBJECTS = (
    "صلة صلتها صلته علاقة علاقتها علاقته مسؤولية مسؤوليتها مسؤوليته تورط تورطها تورطه "
    "ضلوع ضلوعها ضلوعه وقوف وقوفها وقوفه وراء تبني تبنيها تنفيذ تنفيذها شن مشاركة"
).split()
# Verbs of disowning: alone a denial ("تبرأت الحركة من الهجوم").
DISOWN_VERBS = "تبرأ تبرأت يتبرأ تتبرأ تبرؤ تبرؤها".split()
# Verbs of announcing: "أعلن/أكد X استهداف …" is X's claim when X is not the attacked side.
ANNOUNCE_VERBS = "أعلن أعلنت يعلن تعلن أعلنوا أكد أكدت يؤكد تؤكد قال قالت ذكر ذكرت".split()
# The deeds an announcer claims by naming them ("أعلن … استهداف", "أكد … قصف").
CLAIMED_DEEDS = "استهداف قصف ضرب تنفيذ شن مهاجمة".split()
# "That it/he": "قالت الحركة إنها استهدفت …" (the announcer did it).
THAT_IT = "أنها أنه إنها إنه".split()
# Verbs of laying blame, and the blame they lay: "ألقت واشنطن اللوم على الفصيل".
BLAME_VERBS = "ألقى ألقت يلقي تلقي ألقوا إلقاء".split()
BLAME_NOUNS = "اللوم باللوم اللائمة باللائمة".split()
# Habits: an accusation after one is a standing one, not about this event
# ("هجمات غالباً ما تنسبها واشنطن إلى …", "عادة ما تتهم").
HABIT_WORDS = "عادة غالبا دائما كثيرا طالما اعتاد اعتادت يعتاد تعتاد".split()
# Nobody: "لم يحمّل … أي جهة المسؤولية" blames no one.
ANY_PARTY = "أي جهة طرف".split()
# "Not" before a present verb: "لا تقف وراء الهجوم".
PLAIN_NEGATION = ["لا"]
# More forms of adopting, the jussive after لم ("لم يتبنها", "لم تتبنّه"), with
# CLAIM_WORDS (a negated one says that nobody claimed it),
# and the stems before an object pronoun ("تتبناه", "تبناها").
CLAIM_FORMS = "يتبن تتبن يتبنا تتبنا تبنا".split()

# Casualties: nouns that are counted before them ("ثلاثة قتلى", "5 جرحى", "قتيلان").
KILLED_NOUNS = "قتلى قتيل قتيلا قتيلان قتيلين وفيات".split()
WOUNDED_NOUNS = "جرحى جريح جريحا جريحان جريحين مصابين مصابا مصاب إصابات".split()
# Verbs of being killed or wounded whose subject may stand before them, the victims
# counted there ("سبعة جنود أصيبوا", "جنديان وثالث كندي قتلوا").
KILLED_VERBS = "قتل قتلوا قتلا قتلت قتلتا لقي لقوا لقيا استشهد استشهدوا استشهدا".split()
WOUNDED_VERBS = "أصيب أصيبوا أصيبا أصيبت أصيبتا جرح جرحوا جرحا".split()
# Negated verbs of harm with "أحد" after them: "لم يصب أحد" is no one wounded.
NOBODY_WOUNDED_VERBS = "يصب تصب يصاب يجرح".split()
NOBODY_KILLED_VERBS = "يقتل".split()
NOBODY = ["أحد"]
# Words that make a negated casualty noun a stated zero for both counts: "دون أن يسفر عن
# إصابات", "لم يسفر عن وقوع ضحايا", "من دون وقوع خسائر بشرية".
ANY_CASUALTY_NOUNS = "إصابات إصابة ضحايا خسائر".split()
# Negations of an outcome ("لم يسفر", "دون", "عدم وقوع", "لا إصابات").
OUTCOME_NEGATION = "لم لا دون بدون عدم".split()
# What a negation of an outcome governs: the verb or noun of an outcome, or "any"
# ("لم يسفر الهجوم عن …", "من دون تسجيل …", "دون وقوع …", "دون أي …").
OUTCOME_WORDS = (
    "يسفر تسفر يؤد تؤد يؤدي تؤدي يخلف تخلف يوقع توقع تسجل يسجل تسجيل وقوع سقوط يسقط تسقط أي أية"
).split()
# Words that make a negated outcome an unknown one: "لم ترد أنباء عن إصابات" says nothing
# is known, "لم يعرف عدد الضحايا" that the number is not known.
UNKNOWN_OUTCOME = (
    "أنباء معلومات تقارير تفاصيل حصيلة عدد يعرف تعرف معروف معروفة يتضح تتضح تتوفر يتوفر "
    "ترد يرد تزال يزال مادية"
).split()
# One person named by a noun of kin or company after a victim ("ونجله", "ومرافقه").
KIN_NOUNS = "نجل ابن ابنة شقيق شقيقة زوجة زوج سائق مرافق حارس مساعد".split()
# Plurals of such nouns: an unknown number ("ومرافقيه").
KIN_PLURALS = "مرافقي مرافقين أبناء أنجال أشقاء حراس أفراد عائلة أسرة".split()
# Titles that name one victim before a name ("مقتل القائد فلان").
VICTIM_TITLES = (
    "قائد قيادي زعيم أمير مسؤول نائب رئيس آمر مدير الجنرال العميد اللواء العقيد المقدم "
    "الرائد النقيب ملازم الشيخ"
).split()
# "One of": "أحد مرافقيه" is one person (not a word NORM strips onto: "واحد" is "one").
ONE_OF = "أحد إحدى".split()
# "Others" agreeing with a count ("وإصابة خمسة آخرين"): part of the counted phrase.
OTHERS = "آخرين آخرون آخران أخريات".split()
# Prepositions of the cause between a casualty verb and its victims ("قُتل في الغارة
# ثلاثة", "أصيب جراء القصف جنديان").
CAUSE_PREPS = "في جراء إثر خلال بسبب".split()
# Corps after a counted noun in a construct ("ضابطا أمن", "عنصري حماية"): part of it.
CORPS_NOUNS = "شرطة أمن جيش استخبارات حرس حماية مرور حدود".split()
# Particles between the victims and their verb ("ثلاثة جنود قد قُتلوا").
VERB_PARTICLES = "قد لقد".split()
# Prepositions between a victim's title and the body he belongs to ("القيادي في حركة …").
BELONGING_PREPS = "في من".split()
# Words that join a companion to a victim ("استشهد مع أحد مرافقيه", "إلى جانب").
COMPANION_WORDS = "مع برفقة رفقة جانب".split()
# Pronouns after a casualty verb that point back to the event ("وقتل فيها سليماني").
RESUMPTIVE = "فيه فيها فيهما خلاله خلالها جراءه جراءها".split()

LEXICON_WORDS = _words(
    LEXICON_WORDS,
    DENIAL_VERBS,
    DENIAL_OBJECTS,
    DISOWN_VERBS,
    ANNOUNCE_VERBS,
    CLAIMED_DEEDS,
    CLAIM_FORMS,
    THAT_IT,
    BLAME_VERBS,
    BLAME_NOUNS,
    HABIT_WORDS,
    KILLED_NOUNS,
    WOUNDED_NOUNS,
    KILLED_VERBS,
    WOUNDED_VERBS,
    NOBODY_WOUNDED_VERBS,
    NOBODY_KILLED_VERBS,
    ANY_CASUALTY_NOUNS,
    OUTCOME_NEGATION,
    OUTCOME_WORDS,
    UNKNOWN_OUTCOME,
    RESUMPTIVE,
    KIN_NOUNS,
    KIN_PLURALS,
    VICTIM_TITLES,
)


# --- dates, plans, withdrawals (issue 12) -------------------------------------------
# Verbal nouns of withdrawing and handing over. Governed by a plan, an announcement, a
# demand or talk, they name a withdrawal that has not (yet) been seen to happen ("قررت
# سحب", "أعلنت عزمها الانسحاب", "تطالب بانسحاب").
WITHDRAWAL_VERBAL_NOUNS = "انسحاب سحب مغادرة رحيل خروج إخراج تسليم إخلاء".split()
# Perfect verbs of withdrawing and handing over: the movement is told as done
# ("انسحبت القوات", "غادرت آخر دفعة", "سلمت القوات القاعدة").
WITHDRAWAL_PAST_VERBS = (
    "انسحب انسحبت انسحبوا انسحبتا سحبت سحبوا غادر غادرت غادروا غادرتا سلمت سلموا أخلت أخلى"
).split()
# Words of a plan, besides PLANNED_MARKERS, that govern a withdrawal after them: intends,
# agreed, pledged, expected, preparing, scheduled, ordered ("أعلنت أنقرة عزمها سحب …",
# "وافقت الحكومة على انسحاب …", "تستعد القوات للانسحاب", "أمر الرئيس بسحب القوات").
WITHDRAWAL_PLAN_WORDS = (
    "عزم عزمها عزمه اعتزام وافق وافقت يوافق توافق الموافقة تعهد تعهدت يتعهد تتعهد المتوقع "
    "يتوقع تتوقع مرتقب المرتقب تستعد يستعد استعداد استعدادا جدول جدولة ستبدأ سيبدأ ستكمل "
    "سيكمل ستنهي سينهي أمر أمرت يأمر تأمر أوامر وعد وعدت"
).split()
# Announcing: a withdrawal noun it governs is only announced ("أعلنت فرنسا سحب قواتها"),
# a plan, unless a word of completion says it is over.
ANNOUNCE_WORDS = "أعلن أعلنت يعلن تعلن إعلان".split()
# Completion: a withdrawal governed by one is done ("أكملت القوات انسحابها", "أعلنت
# اكتمال الانسحاب", "أنجزت القوات انسحابها").
WITHDRAWAL_DONE_WORDS = (
    "أكمل أكملت استكمل استكملت أنجز أنجزت أتم أتمت أنهى أنهت اكتمال إكمال استكمال إنجاز "
    "إتمام انتهاء اكتمل اكتملت انتهت انتهى"
).split()
# Future time after a withdrawal noun or a present verb: a plan ("انسحاب القوات خلال
# الأشهر المقبلة", "تسليم القاعدة بحلول نهاية العام").
FUTURE_AFTER_WORDS = "المقبل المقبلة القادم القادمة بحلول".split()
# Talk about a withdrawal is no withdrawal: demanding, calling for, insisting, voting,
# legislating, negotiating, discussing, rejecting or opposing it, a file or issue of it,
# a condition for it ("تطالب بانسحاب", "صوت البرلمان على إخراج", "مفاوضات حول انسحاب",
# "ملف الانسحاب", "رفضت الحكومة تسليم …").
WITHDRAWAL_TALK_WORDS = (
    "طالب طالبت يطالب تطالب يطالبون طالبوا مطالبة مطالبات المطالبين المطالبة مطالب دعا دعت "
    "يدعو تدعو دعوة دعوات حث حثت يحث تحث ناشد ناشدت أصر أصرت يصر تصر إصرار صوت صوتت يصوت "
    "تصويت قانون مشروع تفاوض تتفاوض يتفاوض التفاوض مفاوضات محادثات مباحثات نقاش مناقشة ناقش "
    "ناقشت يناقش تناقش بحث بحثت يبحث تبحث ملف قضية مسألة رفض رفضت يرفض ترفض رفضها معارضة "
    "يعارض تعارض شرط شروط"
).split()
# Opinion and fear: a withdrawal after one and أن is a view of a possible withdrawal
# ("يرى محللون أن انسحاب القوات سيفتح الباب …", "يخشى السكان أن يؤدي خروج القوات …").
OPINION_WORDS = (
    "يرى ترى يرون يعتقد تعتقد يعتقدون يخشى تخشى يخشون خشية مخاوف يحذر تحذر يحذرون"
).split()
# Conditionals: a withdrawal after one in its clause is no event ("إذا انسحبت القوات …",
# "في حال خروج القوات …"); the nouns count after في.
WITHDRAWAL_CONDITIONALS = "إذا لو متى كلما".split()
WITHDRAWAL_CONDITIONAL_NOUNS = "حال حالة".split()
# Redeploying told with a verb and its object apart ("أعادت القوات الروسية تموضع
# وحداتها …", "يعيد التحالف انتشار قواته"): a verb of these, then within a few words a noun.
REDEPLOY_VERBS = "أعاد أعادت يعيد تعيد ستعيد سيعيد أعادوا".split()
REDEPLOY_NOUNS = "تموضع تمركز انتشار نشر تموقع".split()
# (these lists are not added to LEXICON_WORDS: the rules read a word with its proclitic
# removed themselves, so that NORM, which every rule shares, stays as it was)
