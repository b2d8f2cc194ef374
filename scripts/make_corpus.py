"""Generate a synthetic corpus of Arabic news articles for benchmarks and scale tests.

    python scripts/make_corpus.py N --out DIR [--seed S] [--repeat-seeds]

Writes N article files (``{n:06d}_{hash}.txt``) and a ``manifest.csv`` with
their publication dates into DIR. The articles are built from the gazetteer
(bases, armed groups, states, forces, weapons, places, persons and media with
their Arabic labels) and from Arabic sentence templates written in the style
of the seed articles: rocket, drone, mortar and IED attacks on named bases,
dates relative to the publication date (الثلاثاء، ليل الخميس، السابع من الشهر
الماضي), casualties in number words and duals (جنديين), claims (تبنت … الهجوم),
"nobody claimed it" with an attribution (تنسبها واشنطن لـ…), US air strikes in
reply, withdrawals and base handovers, quotes, background lines and web
boilerplate, with the proclitics و ب ل glued to names.

Output is deterministic: article ``i`` depends only on ``--seed`` and ``i``, so
the corpus of 100 articles is the first 100 of the corpus of 1000.

``--repeat-seeds`` writes N copies of the seed articles instead (the seeds
cycled, each copy under a distinct file name, with the seed's publication date).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from kg.vocab.gazetteer import Gazetteer, load_gazetteer
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))
    from kg.vocab.gazetteer import Gazetteer, load_gazetteer

WEEKDAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
DAY_ORDINALS = [
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن",
    "التاسع", "العاشر", "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر",
    "الخامس عشر", "السادس عشر", "السابع عشر", "الثامن عشر", "التاسع عشر", "العشرين",
]  # fmt: skip
MONTHS = [
    "يناير/كانون الثاني", "فبراير/شباط", "مارس/آذار", "أبريل/نيسان", "مايو/أيار",
    "يونيو/حزيران", "يوليو/تموز", "أغسطس/آب", "سبتمبر/أيلول", "أكتوبر/تشرين الأول",
    "نوفمبر/تشرين الثاني", "ديسمبر/كانون الأول",
]  # fmt: skip
# (number word, counted noun): masculine nouns take the feminine number form.
COUNTS = [
    ("ثلاثة", "جنود"), ("أربعة", "عناصر"), ("خمسة", "مدنيين"), ("ستة", "أشخاص"),
    ("سبعة", "مقاتلين"), ("ثلاثة", "عسكريين"), ("عشرة", "عناصر"), ("أربعة", "جنود"),
]  # fmt: skip
DUALS = ["جنديين", "عنصرين", "مقاتلين اثنين", "مدنيين اثنين", "شخصين"]
CITIES = ["بغداد", "أربيل", "البصرة", "الموصل", "الأنبار", "كركوك", "الفلوجة", "النجف"]
WITNESSES = ["مصدر أمني عراقي", "مسؤول في الشرطة المحلية", "شهود عيان", "مصدر في التحالف الدولي"]
INVENTED_GROUPS = [
    "سرايا الثأر للشهداء", "ألوية الوعد الصادق", "كتائب الغضب الثوري", "عصبة المقاومة الشعبية",
    "سرايا المنتقم", "جماعة أنصار الثأر",
]  # fmt: skip
NOISE = [
    "وتشهد العلاقات بين {baghdad_label} و{washington} توترا متزايدا منذ مقتل قائد فيلق القدس الإيراني قاسم سليماني مطلع عام 2020.",
    "وصوت البرلمان العراقي على قرار يطالب الحكومة بإخراج القوات الأجنبية من البلاد.",
    "ويتواجد نحو 2500 جندي أميركي في العراق في إطار التحالف الدولي لمحاربة تنظيم الدولة الإسلامية.",
    "وتؤكد الحكومة العراقية أن مهمة قوات التحالف باتت استشارية وتدريبية منذ نهاية العام الماضي.",
    "وأفادت {media} نقلا عن مصادر أمنية بأن القوات العراقية عثرت على منصة إطلاق الصواريخ في {place}.",
    "وتعد {place} من المناطق التي ما زالت تنشط فيها خلايا تنظيم داعش رغم إعلان هزيمته عسكريا.",
    "ودعا {person} إلى ضبط النفس وتجنيب العراق أن يكون ساحة لتصفية الحسابات بين {washington} و{tehran}.",
    "ويرى مراقبون أن الفصائل المسلحة تسعى إلى الضغط على الحكومة لإنهاء الوجود الأجنبي في البلاد.",
    "وكانت {place} قد شهدت خلال الأشهر الماضية احتجاجات واسعة على تردي الخدمات والبطالة.",
    "وتقول الحكومة إنها ماضية في حصر السلاح بيد الدولة، فيما تطالب قوى سياسية بجدولة الانسحاب.",
    "وبحث رئيس الوزراء العراقي مع السفير الأميركي في بغداد سبل تعزيز التعاون الأمني بين البلدين.",
    "وتعرض محيط {base2} لهجمات متكررة {cl_b:weapons} خلال الأشهر الأخيرة.",
    "وأكد {person} في تصريح صحفي أن الحكومة لن تسمح باستخدام الأراضي العراقية منطلقا للاعتداء على دول الجوار.",
    "وكانت الحكومة العراقية قد شكلت لجنة عليا للتحقيق في الهجمات التي تستهدف البعثات الدبلوماسية والقواعد العسكرية.",
    "ويقول خبراء أمنيون إن الفصائل باتت تستخدم أسلحة أكثر تطورا، من بينها طائرات مسيرة إيرانية الصنع.",
    "ونقلت {media} عن مسؤول عسكري قوله إن الأجهزة الأمنية كثفت انتشارها في محيط {place} تحسبا لهجمات جديدة.",
    "وتنتشر في {place} نقاط تفتيش تابعة {cl_l:force} منذ سنوات، بحسب سكان محليين.",
    "وشهد العام الماضي عشرات الهجمات المماثلة التي لم تسفر في معظمها عن خسائر بشرية.",
    "وتطالب قوى سياسية شيعية بخروج القوات الأجنبية، فيما تتمسك القوى الكردية والسنية ببقائها.",
    "وأوضح البيان أن القوات الأمنية فتحت تحقيقا لمعرفة الجهة التي تقف وراء الهجوم وملاحقة المنفذين.",
    "ويعيش العراق منذ سنوات على وقع التنافس بين الولايات المتحدة وإيران، أبرز حليفين لبغداد.",
    "وبحسب أرقام رسمية، فإن عدد القوات الأجنبية في العراق لا يتجاوز ثلاثة آلاف عنصر، معظمهم من المستشارين.",
    "وأعلن {force} في بيان لاحق أن عملياته مستمرة لتعقب فلول تنظيم داعش في المناطق الصحراوية.",
    "وتداولت مواقع التواصل الاجتماعي مقاطع مصورة قيل إنها تظهر لحظة سقوط المقذوفات، من دون أن يتسنى التحقق منها.",
    "وتتهم واشنطن طهران بتزويد الفصائل العراقية الحليفة بالسلاح والتدريب والتمويل.",
    "وأشار {person} إلى أن الحوار الاستراتيجي بين البلدين سيتناول جدولة انسحاب القوات القتالية.",
    "وتحدثت تقارير صحفية عن خلافات داخل الإطار التنسيقي بشأن الموقف من الوجود الأميركي.",
    "ويأتي ذلك في وقت تتواصل فيه المفاوضات بين البلدين بشأن مستقبل التحالف في العراق.",
]  # fmt: skip
BOILERPLATE = [
    "اقرأ أيضا: الحكومة العراقية تبحث مستقبل الوجود الأجنبي",
    "شارك على فيسبوك",
    "جميع الحقوق محفوظة",
    "اترك تعليقاً\nلن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *\nزر الذهاب إلى الأعلى",
]  # fmt: skip


def clitic(prefix: str, label: str) -> str:
    """Glue a proclitic to a name as Arabic writes it: ل + الحشد → للحشد, ب + ال → بال."""
    if prefix == "ل" and label.startswith("ال"):
        return "لل" + label[2:]
    return prefix + label


@dataclass(frozen=True)
class Pools:
    """Arabic labels of the gazetteer, by the role they play in the templates."""

    bases: tuple[str, ...]
    groups: tuple[str, ...]
    places: tuple[str, ...]
    states: tuple[str, ...]
    forces: tuple[str, ...]
    persons: tuple[str, ...]
    media: tuple[str, ...]

    @classmethod
    def from_gazetteer(cls, gaz: Gazetteer) -> Pools:
        def labels(kind: str, *, keep=lambda e: True) -> tuple[str, ...]:
            return tuple(sorted(e.label_ar for e in gaz.entities if e.cls == kind and keep(e)))

        return cls(
            bases=labels(
                "MilitaryBase", keep=lambda e: e.label_ar.startswith(("قاعدة", "معسكر", "مطار"))
            ),
            groups=labels(
                "ArmedGroup", keep=lambda e: e.slug not in ("islamic-state", "pkk", "sdf", "ybs")
            ),
            places=labels("Place"),
            states=labels("State"),
            forces=labels("MilitaryForce"),
            persons=labels("Person"),
            media=labels(
                "Organisation", keep=lambda e: e.label_ar.startswith(("وكالة", "قناة", "صحيفة"))
            ),
        )


class ArticleWriter:
    """One synthetic article, from its own seeded random generator."""

    def __init__(self, pools: Pools, rng: random.Random, published: dt.date):
        self.p = pools
        self.rng = rng
        self.published = published

    def pick(self, seq):
        return self.rng.choice(seq)

    def day(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.pick(["", "يوم ", "ليل ", "مساء ", "فجر "]) + self.pick(WEEKDAYS)
        if r < 0.65:
            return f"في {self.pick(DAY_ORDINALS)} من الشهر {self.pick(['الماضي', 'الجاري'])}"
        if r < 0.8:
            month = self.published.month - 1 if self.published.month > 1 else 12
            return f"في {self.rng.randint(1, 28)} {MONTHS[month - 1]}"
        if r < 0.9:
            return "أمس"
        return "الأسبوع الماضي"

    def slots(self) -> dict[str, str]:
        p = self.p
        base, base2 = self.rng.sample(p.bases, 2)
        return {
            "base": base,
            "base2": base2,
            "group": self.pick(p.groups),
            "place": self.pick(p.places),
            "force": self.pick(p.forces),
            "person": self.pick(p.persons),
            "media": self.pick(p.media),
            "state": self.pick(p.states),
            "washington": self.pick(["واشنطن", "الولايات المتحدة", "الإدارة الأميركية"]),
            "tehran": self.pick(["طهران", "إيران"]),
            "baghdad_label": "بغداد",
            "city": self.pick(CITIES),
            "day": self.day(),
            "weekday": self.pick(WEEKDAYS),
            "source": self.pick(WITNESSES),
            "count": " ".join(self.pick(COUNTS)),
            "dual": self.pick(DUALS),
            "n": str(self.rng.randint(2, 9)),
            "month": MONTHS[self.rng.randrange(12)],
            "new_group": self.pick(INVENTED_GROUPS),
            "weapons": self.pick(["الصواريخ", "الطائرات المسيرة", "قذائف الهاون"]),
        }

    def fill(self, template: str, s: dict[str, str]) -> str:
        """Templates use {slot} and {cl_X:slot} (proclitic X glued to the slot's label)."""
        out = template
        for key, value in s.items():
            for prefix in ("و", "ب", "ل"):
                out = out.replace(
                    "{cl_" + {"و": "w", "ب": "b", "ل": "l"}[prefix] + ":" + key + "}",
                    clitic(prefix, value),
                )
            out = out.replace("{" + key + "}", value)
        return out

    # --- paragraphs -------------------------------------------------------------
    def attack(self, s: dict[str, str]) -> tuple[str, list[str]]:
        kind = self.pick(["rocket", "rocket", "drone", "ied", "mortar"])
        headline = {
            "rocket": "هجوم صاروخي يستهدف {base} في {place}",
            "drone": "طائرة مسيرة مفخخة تستهدف {base}",
            "ied": "عبوة ناسفة تستهدف رتلا للتحالف الدولي في {place}",
            "mortar": "قذائف هاون تسقط على {base}",
        }[kind]
        lead = self.pick(
            {
                "rocket": [
                    "{city} - سقطت صواريخ كاتيوشا على {base} {day}، بحسب {source}.",
                    "{city} - استهدف هجوم صاروخي {base} {day}، في ثالث هجوم من نوعه خلال أقل من أسبوع.",
                    "{city} - سقط صاروخان على {base} قرب {place} {day}، وفق ما أفاد {source}.",
                    "{city} - أعلنت خلية الإعلام الأمني أن {n} صواريخ سقطت داخل {base} {day}.",
                ],
                "drone": [
                    "{city} - استهدف هجوم بطائرة مسيرة مفخخة {base} {day}، وفق {source}.",
                    "{city} - هاجمت طائرتان مسيرتان {base} {day}، بحسب بيان {cl_l:force}.",
                    "{city} - أعلن التحالف الدولي إسقاط طائرة مسيرة حاولت استهداف {base} {day}.",
                ],
                "ied": [
                    "{city} - انفجرت عبوة ناسفة {day} على رتل دعم لوجستي تابع للتحالف الدولي في {place}.",
                    "{city} - أفاد {source} بأن عبوة ناسفة استهدفت رتلا ينقل معدات للتحالف الدولي في {place} {day}.",
                ],
                "mortar": [
                    "{city} - سقطت قذائف هاون على {base} {day}، بحسب {source}.",
                    "{city} - استهدفت قذائف الهاون {base} {day} من دون أن تسفر عن خسائر.",
                ],
            }[kind]
        )
        body = [lead]
        r = self.rng.random()
        if r < 0.35:
            body.append(self.pick([
                "وأسفر الهجوم عن مقتل {count} وإصابة {dual} بجروح.",
                "وأدى الهجوم إلى إصابة {dual} من {force} بجروح طفيفة.",
                "وقتل مقاول أميركي وأصيب {count} في الهجوم.",
            ]))  # fmt: skip
        elif r < 0.55:
            body.append("ولم يسفر الهجوم عن إصابات، بحسب المصدر.")
        r = self.rng.random()
        if r < 0.3:
            body.append(self.pick([
                "وتبنت {group} الهجوم في بيان نشرته على قناتها في تلغرام.",
                "وأعلنت جماعة تطلق على نفسها اسم \"{new_group}\" مسؤوليتها عن الهجوم.",
            ]))  # fmt: skip
        elif r < 0.65:
            body.append(self.pick([
                "ولم تتبن أي جهة الهجوم حتى الآن، لكن {washington} تنسبها {cl_l:group} الموالية لإيران.",
                "ولم تعلن أي جهة مسؤوليتها عن الهجوم، فيما تنسب واشنطن هذه الهجمات إلى فصائل موالية لإيران.",
                "واتهم مسؤول في البنتاغون {group} بالوقوف وراء الهجوم.",
            ]))  # fmt: skip
        if self.rng.random() < 0.3:
            body.append(self.pick([
                "وردت {washington} ليل {weekday} بغارات جوية استهدفت مواقع {cl_l:group} في {place}.",
                "وشنت الولايات المتحدة {day} ضربات جوية على مقرات {cl_l:group} قرب {place}، ردا على الهجوم.",
                "ونفذ الطيران الأميركي غارة جوية على مخازن أسلحة تابعة {cl_l:group} في {place}.",
            ]))  # fmt: skip
        return headline, body

    def withdrawal(self, s: dict[str, str]) -> tuple[str, list[str]]:
        headline = self.pick([
            "التحالف الدولي يسلم {base} للقوات العراقية",
            "القوات الأميركية تنسحب من {base}",
            "التحالف يعيد تمركز قواته في العراق",
        ])  # fmt: skip
        body = [self.pick([
            "{city} - سلّم التحالف الدولي {day} {base} إلى القوات العراقية، في إطار إعادة تموضع قواته في البلاد.",
            "{city} - أعلن التحالف الدولي انسحاب قواته من {base} {day} وتسليمها لقوات الأمن العراقية.",
            "{city} - غادرت آخر دفعة من القوات الأميركية {base} {day} متجهة إلى الكويت.",
        ])]  # fmt: skip
        if self.rng.random() < 0.5:
            body.append(self.pick([
                "ومن المقرر أن تنسحب القوات الأميركية من {base2} بحلول نهاية {month} المقبل.",
                "ويعيد التحالف تمركز قواته من {base2} إلى قواعد أخرى في إقليم كردستان.",
                "وتأتي عملية التسليم بعد أيام من تسليم التحالف الدولي {base2} إلى الجيش العراقي.",
            ]))  # fmt: skip
        body.append(
            'وقال المتحدث باسم التحالف الدولي إن "التحالف ملتزم بدعم القوات العراقية في محاربة فلول داعش".'
        )
        return headline, body

    def article(self) -> str:
        s = self.slots()
        if self.rng.random() < 0.7:
            headline, body = self.attack(s)
        else:
            headline, body = self.withdrawal(s)
        if self.rng.random() < 0.35:  # a second, older event told as background
            s2 = self.slots()
            _, more = self.attack(s2) if self.rng.random() < 0.6 else self.withdrawal(s2)
            more[0] = "و" + more[0].split(" - ", 1)[-1]
            body += [self.fill(x, s2) for x in more]
        noise = self.rng.sample(NOISE, self.rng.randint(5, 12))
        lines = [headline, *body, *noise]
        if self.rng.random() < 0.3:
            lines.append(self.pick(BOILERPLATE))
        return "\n".join(self.fill(line, s) for line in lines) + "\n"


def article_name(seed: int, i: int) -> str:
    return f"{i:06d}_{hashlib.sha1(f'{seed}:{i}'.encode()).hexdigest()[:16]}.txt"


def publication_date(rng: random.Random) -> dt.date:
    start = dt.date(2019, 10, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(2023, 12, 31) - start).days))


def generate(n: int, out: Path, seed: int = 0) -> list[Path]:
    """Write n synthetic articles and manifest.csv into out; returns the article paths."""
    pools = Pools.from_gazetteer(load_gazetteer())
    out.mkdir(parents=True, exist_ok=True)
    rows, paths = [], []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        published = publication_date(rng)
        text = ArticleWriter(pools, rng, published).article()
        name = article_name(seed, i)
        (out / name).write_text(text, encoding="utf-8")
        paths.append(out / name)
        rows.append((name, published.isoformat() if rng.random() > 0.05 else ""))
    _write_manifest(out, rows)
    return paths


def repeat_seeds(n: int, out: Path, seeds: Path = ROOT / "seeds") -> list[Path]:
    """Write n copies of the seed articles (cycled) under distinct names, with their dates."""
    with (seeds / "manifest.csv").open(encoding="utf-8-sig", newline="") as fh:
        dates = {row["file"]: row.get("published") or "" for row in csv.DictReader(fh)}
    originals = sorted(p for p in seeds.iterdir() if p.suffix == ".txt")
    out.mkdir(parents=True, exist_ok=True)
    rows, paths = [], []
    for i in range(n):
        src = originals[i % len(originals)]
        name = f"{i:06d}_copy{i // len(originals)}_{src.name}"
        (out / name).write_bytes(src.read_bytes())
        paths.append(out / name)
        rows.append((name, dates.get(src.name, "")))
    _write_manifest(out, rows)
    return paths


def _write_manifest(out: Path, rows: list[tuple[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "published"])
    w.writerows(rows)
    (out / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Write N synthetic Arabic news articles and a manifest.csv."
    )
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument(
        "--repeat-seeds",
        action="store_true",
        help="copy the seed articles (cycled) instead of generating",
    )
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("N must be >= 0")
    paths = (
        repeat_seeds(args.n, args.out)
        if args.repeat_seeds
        else generate(args.n, args.out, args.seed)
    )
    print(f"wrote {len(paths)} articles and manifest.csv to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
